//! A value the hall does not know, written straight into a real database file, is answered as
//! an error naming the table, the row and the value — by the detail, the lists and `act` —
//! never read as a default and never a crash.

use super::testing;
use super::{ActParams, Store};
use crate::catalog::CaseKind;
use crate::error::{ErrorCode, HallError};
use crate::intake::IntakeOutcome;
use crate::lifecycle::Action;

/// A promised case taken in whole; its number and row id.
fn accepted(s: &mut Store) -> (String, i64) {
    let number = super::workflow_tests::intake(s, CaseKind::Promised, IntakeOutcome::Accept);
    let id = s.conn.query_row("SELECT id FROM cases WHERE number = ?1", [&number], |r| r.get(0)).unwrap();
    (number, id)
}

/// Damages the stored row behind the store's back: plain SQL on its connection (the file is
/// encrypted, so a second raw connection could not open it), past the schema's own CHECKs.
fn damage(s: &Store, sql: &str) {
    s.conn
        .execute_batch(&format!("PRAGMA ignore_check_constraints = ON; {sql}; PRAGMA ignore_check_constraints = OFF;"))
        .unwrap();
}

fn names(e: HallError, table: &str, row: i64, column: &str, value: &str) {
    assert_eq!(e.code, ErrorCode::Storage, "{}", e.message);
    let want = format!("数据库内容有误：{table} 表第 {row} 行的 {column} 为“{value}”，不是已知的值");
    assert_eq!(e.message, want);
}

fn events(s: &Store) -> i64 {
    s.conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap()
}

#[test]
fn an_unknown_case_state_is_an_error_naming_table_row_and_value() {
    let (_dir, mut s) = testing::store();
    let (number, id) = accepted(&mut s);
    damage(&s, &format!("UPDATE cases SET state = 'bogus' WHERE id = {id}"));
    let officer = s.case_officer(&number).unwrap().unwrap();
    let before = events(&s);

    names(s.case_detail(&number).unwrap_err(), "cases", id, "state", "bogus");
    names(s.list_cases(None, None, 50).unwrap_err(), "cases", id, "state", "bogus");
    names(s.search_cases("王小二", 50).unwrap_err(), "cases", id, "state", "bogus");
    names(s.act(&number, Action::Claim, &officer, &ActParams::default()).unwrap_err(), "cases", id, "state", "bogus");
    assert_eq!(events(&s), before, "a refused act writes nothing");
}

#[test]
fn a_bad_stored_date_is_an_error_naming_table_row_and_value() {
    let (_dir, mut s) = testing::store();
    let (number, id) = accepted(&mut s);
    let unit = s.case_detail(&number).unwrap().summary.unit;
    damage(&s, &format!("UPDATE cases SET due_date = '2026-02-30' WHERE id = {id}"));
    let officer = s.case_officer(&number).unwrap().unwrap();
    let before = events(&s);

    names(s.case_detail(&number).unwrap_err(), "cases", id, "due_date", "2026-02-30");
    names(s.list_cases(None, None, 50).unwrap_err(), "cases", id, "due_date", "2026-02-30");
    names(s.queue(&unit).unwrap_err(), "cases", id, "due_date", "2026-02-30");
    names(
        s.act(&number, Action::Claim, &officer, &ActParams::default()).unwrap_err(),
        "cases",
        id,
        "due_date",
        "2026-02-30",
    );
    assert_eq!(events(&s), before, "a refused act writes nothing");
}

#[test]
fn an_unknown_item_kind_is_an_error_naming_table_row_and_value() {
    let (_dir, mut s) = testing::store();
    let (number, _) = accepted(&mut s);
    let item_row: i64 = s
        .conn
        .query_row(
            "SELECT i.rowid FROM cases c JOIN catalog_items i ON i.version_id = c.catalog_version AND i.code = c.item_code
             WHERE c.number = ?1",
            [&number],
            |r| r.get(0),
        )
        .unwrap();
    damage(&s, &format!("UPDATE catalog_items SET kind = '奇怪件' WHERE rowid = {item_row}"));
    let officer = s.case_officer(&number).unwrap().unwrap();
    let before = events(&s);

    names(s.case_detail(&number).unwrap_err(), "catalog_items", item_row, "kind", "奇怪件");
    names(s.catalog_items(None, None).unwrap_err(), "catalog_items", item_row, "kind", "奇怪件");
    let e = s.act(&number, Action::Claim, &officer, &ActParams::default()).unwrap_err();
    names(e, "catalog_items", item_row, "kind", "奇怪件");
    assert_eq!(events(&s), before, "a refused act writes nothing");
}

#[test]
fn unknown_keys_of_the_other_tables_are_named_too() {
    let (_dir, s) = testing::store();
    let clerk_id: i64 = s.conn.query_row("SELECT id FROM users WHERE username = 'clerk1'", [], |r| r.get(0)).unwrap();
    damage(&s, &format!("UPDATE users SET role = 'janitor' WHERE id = {clerk_id}"));
    names(s.users().unwrap_err(), "users", clerk_id, "role", "janitor");
    names(s.user("clerk1").unwrap_err(), "users", clerk_id, "role", "janitor");
    let unit_row: i64 = s.conn.query_row("SELECT rowid FROM units ORDER BY rowid LIMIT 1", [], |r| r.get(0)).unwrap();
    damage(&s, &format!("UPDATE units SET level = 'province' WHERE rowid = {unit_row}"));
    names(s.units().unwrap_err(), "units", unit_row, "level", "province");
}
