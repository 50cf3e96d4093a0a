//! The county hub's answers as the hall reads them (`hall_sync::read_push_answer`,
//! `read_catalog_answer`, `read_duties_answer`, `read_calendar_answer`: the very functions the
//! sync client runs on a 200 body). Never a panic; a failure is a Chinese message; accepted acks
//! are exactly one per case sent, for the revision sent; accepted catalogs, lists and calendars
//! pass the import checks.
#![no_main]

use std::collections::BTreeSet;

use libfuzzer_sys::fuzz_target;
use sync_protocol::{CaseBody, CaseRecord, PushRequest};

mod common;

fn sent() -> PushRequest {
    let cases = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"]
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let body = CaseBody::example(&format!("231221104-20261122-000{i}"));
            CaseRecord { uuid: u.to_string(), revision: i as u32 + 1, content_hash: body.content_hash(), body }
        })
        .collect();
    PushRequest { protocol: 1, township: "231221104".into(), cases, demands: vec![] }
}

fuzz_target!(|data: &[u8]| {
    let sent = sent();
    match hall_sync::read_push_answer(data, &sent) {
        Ok(answer) => {
            let acks = answer.acks;
            let got: BTreeSet<(String, u32)> = acks.iter().map(|a| (a.uuid.clone(), a.revision)).collect();
            let want: BTreeSet<(String, u32)> = sent.cases.iter().map(|c| (c.uuid.clone(), c.revision)).collect();
            assert_eq!(acks.len(), sent.cases.len());
            assert!(answer.demand_acks.is_empty());
            assert_eq!(got, want);
        }
        Err(e) => common::check_message(&e.message()),
    }
    match hall_sync::read_catalog_answer(data) {
        Ok(versions) => {
            for (_, f) in versions {
                f.check(&[]).unwrap();
            }
        }
        Err(e) => common::check_message(&e.message()),
    }
    match hall_sync::read_duties_answer(data) {
        Ok(versions) => {
            for (_, f) in versions {
                f.check(&[]).unwrap();
            }
        }
        Err(e) => common::check_message(&e.message()),
    }
    match hall_sync::read_calendar_answer(data) {
        Ok(years) => {
            for y in years {
                let parsed = hall_core::calendar::CalendarYear::parse_json(&y.text).unwrap();
                assert_eq!(parsed.year, y.year);
            }
        }
        Err(e) => common::check_message(&e.message()),
    }
});
