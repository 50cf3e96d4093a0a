//! One clock: with the hall's clock pinned (as `YICHUANG_NOW` pins it), every stamp the store
//! writes — lockouts, account dates, import versions and times, hall events — carries the
//! pinned time, never the machine's.

use chrono::{Duration, NaiveDateTime};

use super::{testing, Store};
use crate::catalog::CatalogFile;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

/// A time far from the machine's, so a stamp from the wall clock cannot pass by chance.
const PINNED: &str = "2031-03-04 10:20";

fn last_event(s: &Store, action: &str) -> String {
    s.conn
        .query_row("SELECT at FROM events WHERE action = ?1 ORDER BY id DESC LIMIT 1", [action], |r| r.get("at"))
        .unwrap()
}

#[test]
fn a_lockout_runs_on_the_halls_clock() {
    let (_d, mut s) = testing::store();
    s.set_now(Some(at(PINNED)));
    for _ in 0..super::users::FREE_FAILURES {
        s.login("clerk1", "Guess@2026").unwrap_err();
    }
    let until: String = s
        .conn
        .query_row("SELECT locked_until FROM users WHERE username = 'clerk1'", [], |r| r.get("locked_until"))
        .unwrap();
    assert_eq!(until, "2031-03-04 10:20:30", "30 seconds after the pinned time");
    assert_eq!(last_event(&s, "login_locked"), "2031-03-04 10:20:00");
    let locked = |s: &Store| s.users().unwrap().into_iter().find(|u| u.username == "clerk1").unwrap().locked;
    assert!(locked(&s));
    assert!(s.login("clerk1", "Demo@clerk1").unwrap_err().message.contains("30 秒"));
    // The lock ends when the hall's clock says so, whatever the machine's says.
    s.set_now(Some(at(PINNED) + Duration::seconds(31)));
    assert!(!locked(&s));
    s.login("clerk1", "Demo@clerk1").unwrap();
}

#[test]
fn accounts_and_password_changes_are_dated_by_the_halls_clock() {
    let (_d, mut s) = testing::store();
    s.set_now(Some(at(PINNED)));
    s.change_password("clerk1", "Demo@clerk1", "Pinned@2031").unwrap();
    let (changed, created): (String, String) = s
        .conn
        .query_row("SELECT password_changed_at, created_at FROM users WHERE username = 'clerk1'", [], |r| {
            Ok((r.get("password_changed_at")?, r.get("created_at")?))
        })
        .unwrap();
    assert_eq!(changed, "2031-03-04 10:20:00");
    assert_ne!(created, changed, "created before the clock was pinned");
    assert_eq!(last_event(&s, "password_change"), "2031-03-04 10:20:00");
}

#[test]
fn a_csv_import_without_a_version_is_numbered_by_the_halls_clock() {
    let (_d, mut s) = testing::store();
    s.set_now(Some(at(PINNED)));
    let sample = CatalogFile::parse_json(crate::demo::SAMPLE_CATALOG).unwrap();
    let mut csv = CatalogFile::parse_csv(&sample.to_csv()).unwrap();
    assert!(csv.version.is_empty(), "a CSV file carries no version");
    csv.items.truncate(3);
    let done = s.import_catalog(&csv, "admin").unwrap();
    assert_eq!(done.version.version, "20310304-102000");
    assert_eq!(done.version.imported_at, "2031-03-04 10:20:00");
    assert_eq!(done.version.effective_date, "2031-03-04");
    assert_eq!(last_event(&s, "catalog_import"), "2031-03-04 10:20:00");
    // The lists take the same path.
    let mut lists = crate::duties::DutyFile::parse_json(include_str!("../../tests/data/duties.json")).unwrap();
    lists.version.clear();
    let done = s.import_duties(&lists, "admin").unwrap();
    assert_eq!(
        (done.version.version.as_str(), done.version.imported_at.as_str()),
        ("20310304-102000", "2031-03-04 10:20:00")
    );
}

#[test]
fn the_window_is_given_the_halls_today() {
    let (_d, mut s) = testing::store();
    s.set_now(Some(at(PINNED)));
    assert_eq!(s.hall_info().unwrap().today.to_string(), "2031-03-04");
    s.save_settings(&s.settings().unwrap(), "admin").unwrap();
    assert_eq!(last_event(&s, "settings"), "2031-03-04 10:20:00");
}
