//! The hall host on real parts: `hallctl host serve` as a process on loopback, on a real
//! SQLite file, with many desks (the hall-host client, as the app in desk mode) and hallctl
//! with `--host` — and killed hard mid-write.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hall_core::api::{Reply, Request};
use hall_host::Remote;

mod common;
use common::host::{cases_in, intake_of, number_of, promised, signed_in, take_in_until_killed, Host};
use common::*;

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
    // Kill the host hard once some intakes went through.
    let (sent, confirmed) = take_in_until_killed(&mut host, 4, "k", std::time::Duration::from_millis(1500)).await;
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paired_desk_sees_changes_live_and_is_refused_once_revoked() {
    use futures_util::StreamExt;
    use hall_core::store::DeviceKind;
    let (_dir, db) = demo();
    let host = Host::start(&db);
    let admin = host.remote();
    let admin_session = signed_in(&admin, "admin").await;
    let code = match admin.call(&admin_session, None, &Request::HostPairCode).await.unwrap() {
        Reply::PairingCode(c) => c.code,
        other => panic!("{other:?}"),
    };
    // Pairing learns the pin: trust on first use, with the code.
    let pairing = Remote::new(&host.url, None, None).unwrap();
    let wrong = pairing.pair("ZZZZ-ZZZZ", "1号窗口", DeviceKind::Desk, None).await.unwrap_err();
    assert!(wrong.message.contains("配对码不正确"), "{}", wrong.message);
    let (paired, pin) = pairing.pair(&code.to_lowercase(), "1号窗口", DeviceKind::Desk, None).await.unwrap();
    assert_eq!(pin.as_str(), host.pin);
    let again = pairing.pair(&code, "2号窗口", DeviceKind::Desk, None).await.unwrap_err();
    assert!(again.message.contains("只能用一次"), "{}", again.message);
    let desk = Remote::new(&host.url, Some(pin), Some(paired.credential.clone())).unwrap();
    let session = signed_in(&desk, "clerk1").await;
    let mut feed = Box::pin(desk.events(&session, None).await.unwrap());
    // A case taken in by another client reaches the desk's feed, with its number.
    let clerk2 = signed_in(&admin, "clerk2").await;
    let item = promised(&admin, &clerk2).await;
    let number = number_of(admin.call(&clerk2, Some("live-1"), &intake_of(&item, 7)).await.unwrap());
    let notice = tokio::time::timeout(std::time::Duration::from_secs(2), feed.next()).await.unwrap().unwrap().unwrap();
    assert_eq!(notice.kind, "intake");
    assert_eq!(notice.number.as_deref(), Some(number.as_str()));
    // The step records the desk it came from.
    let detail = desk.call(&session, None, &Request::CaseDetail { number: number.clone() }).await.unwrap();
    let Reply::Case(case) = detail else { panic!() };
    assert!(case.events.iter().all(|e| e.desk.starts_with("命令行")), "{:?}", case.events);
    let second = number_of(desk.call(&session, Some("live-2"), &intake_of(&item, 8)).await.unwrap());
    let Reply::Case(case) = desk.call(&session, None, &Request::CaseDetail { number: second }).await.unwrap() else {
        panic!()
    };
    assert_eq!(case.events[0].desk, "1号窗口");
    // A desk that reconnects with an older seq is told it missed changes.
    let mut caught_up = Box::pin(desk.events(&session, Some(notice.seq - 1)).await.unwrap());
    let first =
        tokio::time::timeout(std::time::Duration::from_secs(2), caught_up.next()).await.unwrap().unwrap().unwrap();
    assert_eq!(first.kind, "changed");
    // Revoked: refused at once, and its feed ends.
    let listed = admin.call(&admin_session, None, &Request::HostRevoke { device: "1号窗口".into() }).await.unwrap();
    let Reply::Devices(devices) = listed else { panic!() };
    assert!(devices.iter().any(|d| d.name == "1号窗口" && d.revoked_at.is_some()));
    let refused = desk.call(&session, None, &Request::Whoami).await.unwrap_err();
    assert!(refused.message.contains("已被系统管理员撤销"), "{}", refused.message);
    let after = number_of(admin.call(&clerk2, Some("live-3"), &intake_of(&item, 9)).await.unwrap());
    // What was sent before the revocation may still arrive; then the feed ends, without the
    // case taken in after it.
    let rest = tokio::time::timeout(std::time::Duration::from_secs(3), feed.collect::<Vec<_>>()).await;
    let rest = rest.expect("the revoked desk's feed ends");
    assert!(
        rest.iter().all(|n| n.as_ref().map(|n| n.number.as_deref() != Some(after.as_str())).unwrap_or(true)),
        "{rest:?}"
    );
    assert!(desk.open_session().await.is_err(), "no new session either");
}

/// The request × role matrix of the catalogue (hall_core::api::testkit), over the network: the
/// host refuses exactly what one PC refuses, for every request and caller.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_for_every_caller_is_answered_at_a_host_as_the_catalogue_says() {
    use hall_core::api::testkit::{role_matrix_samples, run_role_matrix, sample_township, Caller};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let samples = role_matrix_samples(&sample_township(&db).unwrap()).unwrap();
    let host = Host::start(&db);
    let remote = host.remote();
    // The driver is synchronous; each call runs on this runtime from a blocking thread.
    let rt = tokio::runtime::Handle::current();
    let outcome = tokio::task::spawn_blocking(move || {
        run_role_matrix(&samples, &Caller::ALL, |caller, req| {
            rt.block_on(async {
                let session = remote.open_session().await?;
                if let Some(login) = caller.login() {
                    let req =
                        Request::Login { username: login.username.into(), password: login.password.to_string().into() };
                    remote.call(&session, None, &req).await?;
                    if login.then_lock {
                        remote.call(&session, None, &Request::Lock).await?;
                    }
                }
                remote.call_json(&session, None, &serde_json::to_value(&req).unwrap()).await
            })
        })
    })
    .await
    .unwrap();
    assert!(outcome.wrong.is_empty(), "{}", outcome.wrong.join("\n"));
    assert!(outcome.admitted.iter().any(|r| r == "users admin"), "{:?}", outcome.admitted);
}
