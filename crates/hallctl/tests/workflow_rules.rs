//! The workflow rules of issue 12 through the real hallctl binary: the 不予许可/不予办理决定书 by
//! its key, and `case sweep` ending a 补正 past its deadline as 视为撤回 only when the township's
//! setting is `auto`, recorded as the system acting.

use std::process::Command;

mod common;
use common::*;

use hall_core::lifecycle::{Action, CaseState};
use hall_core::store::{ActParams, SupplementLapseMode, SWEEP_ACTOR};
use hall_core::Store;

fn json(o: &std::process::Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", err(o));
    serde_json::from_str(&out(o)).unwrap()
}

#[test]
fn the_decision_paper_prints_by_its_key() {
    let (dir, db) = demo();
    let list = json(&hallctl(&db, &["--json", "case", "list", "--state", "rejected", "--limit", "1"]));
    let number = list[0]["number"].as_str().expect("the demo has a rejected case").to_string();
    let pdf = dir.path().join("decision.pdf");
    let o = hallctl(&db, &["print", "decision", &number, "--out", pdf.to_str().unwrap()]);
    assert!(o.status.success(), "{}", err(&o));
    let text = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    let text: String = String::from_utf8_lossy(&text.stdout).split_whitespace().collect();
    assert!(text.contains("决定书") && text.contains("行政复议") && text.contains(&number), "{text}");
    let o = hallctl(&db, &["print", "视为撤回通知书", &number]);
    assert!(!o.status.success());
    assert!(err(&o).contains("没有视为撤回通知书可打印") && err(&o).contains("决定书"), "{}", err(&o));
}

#[test]
fn case_sweep_ends_lapsed_supplements_only_when_set_to_auto() {
    let (_dir, db) = demo();
    let number = {
        let mut s = Store::open(&db).unwrap();
        let yesterday = s.today().pred_opt().unwrap();
        s.set_now(Some(yesterday.and_hms_opt(9, 0, 0).unwrap()));
        // A case in the back office never asked for 补正 before (the first is the officer's).
        let number = s
            .list_cases(Some(CaseState::Processing), None, 1000)
            .unwrap()
            .into_iter()
            .map(|c| c.number)
            .find(|n| s.case_detail(n).unwrap().events.iter().all(|e| e.action != "request_supplement"))
            .unwrap();
        let officer = s.case_officer(&number).unwrap().unwrap();
        let p = ActParams { note: "请补充户口簿".into(), due: Some(yesterday), ..ActParams::default() };
        s.act(&number, Action::RequestSupplement, &officer, &p).unwrap();
        number
    };
    // The default leaves it to the director.
    let o = hallctl(&db, &["case", "sweep"]);
    assert!(o.status.success() && out(&o).contains("由中心主任确认后视为撤回"), "{}", out(&o));
    {
        let mut s = Store::open(&db).unwrap();
        let mut settings = s.settings().unwrap();
        settings.supplement_lapse = SupplementLapseMode::Auto;
        s.save_settings(&settings, "admin").unwrap();
    }
    let swept = json(&hallctl(&db, &["--json", "case", "sweep"]));
    assert!(swept["deemed_withdrawn"].as_array().unwrap().iter().any(|n| n == number.as_str()), "{swept}");
    let case = json(&hallctl(&db, &["--json", "case", "show", &number]));
    assert_eq!(case["state"], "withdrawn");
    let last = case["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["actor"].as_str(), last["action"].as_str()), (Some(SWEEP_ACTOR), Some("supplement_lapse")));
    let o = hallctl(&db, &["case", "sweep"]);
    assert!(out(&o).contains("没有需要视为撤回的办件"), "{}", out(&o));
}
