//! The hall host on real parts: `hallctl host serve` as a process on loopback, on a real
//! SQLite file, with many desks (the hall-host client, as the app in desk mode) and hallctl
//! with `--host` — and killed hard mid-write.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hall_core::api::{Reply, Request};
use hall_core::catalog::{CaseKind, CatalogItem};
use hall_core::intake::IntakeRequest;
use hall_host::Remote;

mod common;
use common::host::{id_number, signed_in, Host};
use common::*;

/// A 承诺件 of the hall's catalog, asked at the host.
async fn promised(remote: &Remote, session: &str) -> CatalogItem {
    let items = match remote.call(session, None, &Request::CatalogList { query: None, category: None }).await.unwrap() {
        Reply::CatalogItems(items) => items,
        other => panic!("{other:?}"),
    };
    items.into_iter().find(|i| i.item.kind == CaseKind::Promised).unwrap().item
}

/// An intake of `item` with every material, for applicant `n`.
fn intake_of(item: &CatalogItem, n: u32) -> Request {
    let names: Vec<&str> = item.materials.iter().map(|m| m.name.as_str()).collect();
    let request: IntakeRequest = serde_json::from_value(serde_json::json!({"item_code": item.code,
        "materials": names, "applicant": {"id_number": id_number(n), "name": "张三", "phone": "13800138000"}}))
    .unwrap();
    Request::Intake { request: Box::new(request) }
}

fn number_of(reply: Reply) -> String {
    match reply {
        Reply::Case(c) => c.summary.number,
        other => panic!("{other:?}"),
    }
}

/// Every case in the database, read from the file itself, by number.
fn cases_in(db: &Path) -> BTreeMap<String, usize> {
    let store = hall_core::Store::open(db).unwrap();
    let mut seen = BTreeMap::new();
    for c in store.list_cases(None, None, 100_000).unwrap() {
        *seen.entry(c.number).or_insert(0) += 1;
    }
    seen
}

/// Daily serials (the number's last part) of one day's numbers run 1, 2, 3 … without a gap.
fn assert_no_gaps(numbers: &BTreeMap<String, usize>) {
    let mut days: BTreeMap<String, BTreeSet<u32>> = BTreeMap::new();
    for n in numbers.keys() {
        let parts: Vec<&str> = n.rsplitn(2, '-').collect();
        days.entry(parts[1].to_string()).or_default().insert(parts[0].parse().unwrap());
    }
    for (day, serials) in days {
        let max = *serials.iter().max().unwrap();
        assert_eq!(serials.len() as u32, max, "{day}: serials {serials:?} have gaps");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_desks_take_in_fifty_cases_each_at_once() {
    let (_dir, db) = demo();
    let before = cases_in(&db);
    let host = Host::start(&db);
    let mut desks = Vec::new();
    for d in 0..8u32 {
        let remote = host.remote();
        desks.push(tokio::spawn(async move {
            let session = signed_in(&remote, if d % 2 == 0 { "clerk1" } else { "clerk2" }).await;
            let item = promised(&remote, &session).await;
            let mut numbers = Vec::new();
            for i in 0..50 {
                let req = intake_of(&item, d * 100 + i);
                let id = format!("desk{d}-intake{i}");
                numbers.push((
                    id.clone(),
                    req.clone(),
                    number_of(remote.call(&session, Some(&id), &req).await.unwrap()),
                ));
            }
            (remote, session, numbers)
        }));
    }
    let mut all = Vec::new();
    for d in desks {
        all.push(d.await.unwrap());
    }
    let numbers: BTreeSet<String> = all.iter().flat_map(|(_, _, n)| n.iter().map(|x| x.2.clone())).collect();
    assert_eq!(numbers.len(), 400, "400 intakes, 400 distinct numbers");
    // The same request id again: the same case, and no new one.
    let (remote, session, first) = &all[0];
    let (id, req, number) = &first[0];
    assert_eq!(&number_of(remote.call(session, Some(id), req).await.unwrap()), number);
    // The same id for another request is refused, and does nothing.
    let other = intake_of(&promised(remote, session).await, 999);
    let e = remote.call(session, Some(id), &other).await.unwrap_err();
    assert!(e.message.contains("已用于另一项操作"), "{}", e.message);
    let after = cases_in(&db);
    assert_eq!(after.len(), before.len() + 400, "no case twice, none lost");
    assert!(after.values().all(|n| *n == 1));
    assert_no_gaps(&after);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_host_killed_mid_write_loses_no_confirmed_intake_and_doubles_none() {
    let (_dir, db) = demo();
    let before = cases_in(&db).len();
    let mut host = Host::start(&db);
    let mut desks = Vec::new();
    for d in 0..4u32 {
        let remote = host.remote();
        desks.push(tokio::spawn(async move {
            let session = signed_in(&remote, "clerk1").await;
            let item = promised(&remote, &session).await;
            let mut sent = Vec::new();
            let mut confirmed = Vec::new();
            for i in 0..500 {
                let req = intake_of(&item, d * 1000 + i);
                let id = format!("k{d}-{i}");
                sent.push((id.clone(), req.clone()));
                match remote.call(&session, Some(&id), &req).await {
                    Ok(reply) => confirmed.push((id, number_of(reply))),
                    Err(_) => break,
                }
            }
            (sent, confirmed)
        }));
    }
    // Kill the host hard once some intakes went through.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    host.sigkill();
    let mut sent = Vec::new();
    let mut confirmed = Vec::new();
    for d in desks {
        let (s, c) = d.await.unwrap();
        sent.extend(s);
        confirmed.extend(c);
    }
    assert!(!confirmed.is_empty(), "some intakes were confirmed before the kill");
    let after_kill = cases_in(&db);
    for (_, number) in &confirmed {
        assert_eq!(after_kill.get(number), Some(&1), "confirmed {number} is there once");
    }
    // Started again: every desk retries what it sent with the same id.
    let host = Host::start(&db);
    let remote = host.remote();
    let session = signed_in(&remote, "clerk1").await;
    let mut answered = BTreeMap::new();
    for (id, req) in &sent {
        answered.insert(id.clone(), number_of(remote.call(&session, Some(id), req).await.unwrap()));
    }
    for (id, number) in &confirmed {
        assert_eq!(&answered[id], number, "a repeat of {id} answers the first case");
    }
    let after = cases_in(&db);
    assert_eq!(after.len(), before + sent.len(), "one case per request id, whatever the kill cut");
    assert!(after.values().all(|n| *n == 1));
    assert_no_gaps(&after);
}

#[test]
fn hallctl_runs_at_a_host_with_the_users_rights_and_refuses_what_is_wrong() {
    let (_dir, db) = demo();
    let mut host = Host::start(&db);
    let here = tempfile::tempdir().unwrap();
    let nowhere = here.path().join("none.db");
    let url = host.url.clone();
    let at = |args: &[&str], user: Option<&str>, pin: &str| {
        let mut all = vec!["--host", url.as_str(), "--pin", pin];
        if let Some(u) = user {
            all.extend(["--user", u]);
        }
        all.extend(args);
        run(&nowhere, &all, user.map(password).as_deref(), None)
    };
    let pin = host.pin.clone();
    let o = at(&["--json", "case", "list", "--limit", "5"], Some("director"), &pin);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&out(&o)).unwrap().as_array().unwrap().len(), 5);
    // The user's rights, checked at the host: a clerk may not list users.
    let o =
        at(&["user", "add", "x1", "--name", "某", "--role", "clerk", "--password", "Abcd@1234"], Some("clerk1"), &pin);
    assert!(!o.status.success() && err(&o).contains("系统管理员"), "{}", err(&o));
    // Pairing codes through the gate, at the host.
    let o = at(&["host", "pair"], Some("admin"), &pin);
    assert!(o.status.success(), "{}", err(&o));
    let code = out(&o).split_whitespace().last().unwrap().to_string();
    assert_eq!(code.len(), 9, "{code}");
    // Wrong pin, plain http, wrong password, no --user, unreachable: non-zero, Chinese, nothing written.
    let before = cases_in_host(&db);
    let wrong_pin = format!("SHA256:{}", "0".repeat(64));
    let o = at(&["case", "list"], Some("director"), &wrong_pin);
    assert!(!o.status.success() && err(&o).contains("冒充"), "{}", err(&o));
    let o = run(
        &nowhere,
        &["--host", &host.url.replace("https", "http"), "--pin", &pin, "--user", "director", "case", "list"],
        Some(&password("director")),
        None,
    );
    assert!(!o.status.success() && err(&o).contains("https://"), "{}", err(&o));
    let o = run(
        &nowhere,
        &["--host", &host.url, "--pin", &pin, "--user", "director", "case", "list"],
        Some("Wrong@pass9"),
        None,
    );
    assert!(!o.status.success() && err(&o).contains("密码"), "{}", err(&o));
    let o = at(&["case", "list"], None, &pin);
    assert!(!o.status.success() && err(&o).contains("--user"), "{}", err(&o));
    let status = host.sigterm();
    assert!(status.success(), "SIGTERM stops the host cleanly: {status:?}");
    let o = at(&["case", "list"], Some("director"), &pin);
    assert!(!o.status.success() && err(&o).contains("无法连接"), "{}", err(&o));
    assert_eq!(cases_in_host(&db), before);
    assert!(!nowhere.exists(), "no local database is made against a host");
}

fn cases_in_host(db: &Path) -> usize {
    cases_in(db).len()
}
