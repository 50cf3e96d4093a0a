//! The standby's copy, on real files: changes taken at the host and applied to a copy leave the
//! copy row for row the host, its search index included; changes taken from two connections out
//! of order still end as the host.

use std::path::Path;

use rusqlite::types::Value;

use super::workflow_tests::{at, intake};
use super::{install_copy, ActParams, Store};
use crate::catalog::CaseKind;
use crate::intake::IntakeOutcome;
use crate::lifecycle::Action;

fn demo(dir: &Path) -> Store {
    let mut s = Store::open(dir.join("hall.db")).unwrap();
    s.set_now(Some(at("2026-11-20 09:00")));
    crate::demo::load_demo(&mut s, 5, 4).unwrap();
    s
}

/// The standby's first copy of `host`, in `dir`.
fn standby_of(host: &Store, dir: &Path) -> Store {
    std::fs::create_dir_all(dir).unwrap();
    let snap = dir.join("snapshot.db");
    host.snapshot_to(&snap).unwrap();
    install_copy(&dir.join("hall.db"), &snap, &host.recovery_code().unwrap()).unwrap();
    std::fs::remove_file(&snap).unwrap();
    Store::open(dir.join("hall.db")).unwrap()
}

/// Every replicated table, every row, in key order.
fn rows(s: &Store) -> Vec<(String, Vec<Vec<Value>>)> {
    let mut names = s
        .conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'cases_fts%' ORDER BY name")
        .unwrap();
    let tables: Vec<String> = names.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect();
    tables
        .into_iter()
        // The standby's own position is the one row only it has.
        .map(|t| {
            let only_host = if t == "settings" { "WHERE key <> 'standby_applied'" } else { "" };
            let sql = format!("SELECT * FROM \"{t}\" {only_host} ORDER BY 1, 2");
            let mut st = s.conn.prepare(&sql).unwrap();
            let n = st.column_count();
            let all = st
                .query_map([], |r| (0..n).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>())
                .unwrap()
                .map(Result::unwrap)
                .collect();
            (t, all)
        })
        .collect()
}

/// A case taken in (as the workflow tests do) for an applicant called `name`.
fn take_in(s: &mut Store, name: &str) -> String {
    let number = intake(s, CaseKind::Promised, IntakeOutcome::Accept);
    s.conn.execute("UPDATE cases SET applicant_name = ?1 WHERE number = ?2", [name, &number]).unwrap();
    number
}

fn ship(host: &mut Store, standby: &mut Store, n: &mut i64) {
    if let Some(changes) = host.take_changes().unwrap() {
        *n += 1;
        standby.apply_changes(&changes, &format!("e:{n}")).unwrap();
    }
}

fn fts_sound(s: &Store) {
    s.conn.execute("INSERT INTO cases_fts(cases_fts) VALUES ('integrity-check')", []).unwrap();
}

#[test]
fn every_table_of_the_hall_has_a_key_the_session_can_follow() {
    let d = tempfile::tempdir().unwrap();
    let s = demo(d.path());
    assert_eq!(s.tables_without_key().unwrap(), Vec::<String>::new());
}

#[test]
fn the_standby_copy_ends_row_for_row_the_host_and_finds_what_the_host_finds() {
    let d = tempfile::tempdir().unwrap();
    let mut host = demo(&d.path().join("host"));
    let mut standby = standby_of(&host, &d.path().join("standby"));
    host.record_changes().unwrap();
    let mut seq = 0;
    assert!(host.take_changes().unwrap().is_none(), "nothing written, nothing to send");
    let first = take_in(&mut host, "欧阳备份");
    ship(&mut host, &mut standby, &mut seq);
    let second = take_in(&mut host, "司马同步");
    let clerk = host.user("clerk1").unwrap();
    let withdrawn = ActParams { note: "申请人撤回申请".into(), ..Default::default() };
    host.act(&second, Action::Withdraw, &clerk, &withdrawn).unwrap();
    ship(&mut host, &mut standby, &mut seq);
    // A rename reaches the index through the standby's own trigger.
    host.conn.execute("UPDATE cases SET applicant_name = '诸葛改名' WHERE number = ?1", [&first]).unwrap();
    host.set_setting("backup_keep", "9").unwrap();
    ship(&mut host, &mut standby, &mut seq);
    assert_eq!(seq, 3);
    assert_eq!(rows(&standby), rows(&host));
    for name in ["诸葛改名", "司马同步", "欧阳备份"] {
        let on = |s: &Store| s.search_cases(name, 10).unwrap().into_iter().map(|c| c.number).collect::<Vec<_>>();
        assert_eq!(on(&standby), on(&host), "search for {name}");
    }
    assert!(standby.search_cases("欧阳备份", 10).unwrap().is_empty(), "the old name left the index");
    fts_sound(&standby);
    assert_eq!(standby.applied_position().unwrap().as_deref(), Some("e:3"));
    let audit = standby.audit_verify().unwrap();
    assert!(audit.intact, "the standby's audit chain verifies: {audit:?}");
}

#[test]
fn changes_taken_from_two_connections_out_of_order_still_end_as_the_host() {
    let d = tempfile::tempdir().unwrap();
    let mut host = demo(&d.path().join("host"));
    let mut standby = standby_of(&host, &d.path().join("standby"));
    let mut other = Store::open_reader(host.path()).unwrap();
    other.set_now(Some(at("2026-11-20 10:00")));
    host.record_changes().unwrap();
    other.record_changes().unwrap();
    let number = take_in(&mut host, "上官先后");
    host.set_setting("backup_keep", "5").unwrap();
    // The other connection changes the same case and setting after the host did, and hands its
    // changes in first; the host's, taken later, carry the rows as they are by then.
    let clerk = other.user("clerk1").unwrap();
    let withdrawn = ActParams { note: "申请人撤回申请".into(), ..Default::default() };
    other.act(&number, Action::Withdraw, &clerk, &withdrawn).unwrap();
    other.set_setting("backup_keep", "7").unwrap();
    let mut seq = 0;
    ship(&mut other, &mut standby, &mut seq);
    ship(&mut host, &mut standby, &mut seq);
    host.set_setting("backup_copy_dir", "/mnt/v").unwrap();
    ship(&mut host, &mut standby, &mut seq);
    assert_eq!(rows(&standby), rows(&host));
    fts_sound(&standby);
    assert_eq!(standby.settings().unwrap().backup_keep, 7);
}
