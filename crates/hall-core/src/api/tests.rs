//! The gate: a session and the right role, the lock, the forced password change, and the
//! request × role matrix of the catalogue (`testkit.rs`) run through [`dispatch`].

use std::collections::HashMap;

use super::testkit::{self, Caller};
use super::*;
use crate::error::ErrorCode;
use crate::store::testing;

fn pw(s: &str) -> Zeroizing<String> {
    Zeroizing::new(s.into())
}

#[test]
fn requests_need_a_session_and_the_right_role() {
    let (_d, mut s) = testing::store();
    let mut session = None;
    let e = dispatch(&mut s, &mut session, Request::SearchCases { text: "张".into() }).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(matches!(dispatch(&mut s, &mut session, Request::HallInfo).unwrap(), Reply::HallInfo(_)));
    dispatch(&mut s, &mut session, Request::Login { username: "clerk1".into(), password: pw("Demo@clerk1") }).unwrap();
    assert!(matches!(
        dispatch(&mut s, &mut session, Request::SearchCases { text: "张".into() }).unwrap(),
        Reply::Cases(_)
    ));
    let e = dispatch(&mut s, &mut session, Request::CalendarImport { text: "{}".into() }).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(e.message.contains("系统管理员"));
    dispatch(&mut s, &mut session, Request::Logout).unwrap();
    assert!(session.is_none());
}

#[test]
fn a_reset_password_must_be_changed_before_anything_else() {
    let (_d, mut s) = testing::store();
    s.reset_password("clerk1", "Temp@2026x", "admin").unwrap();
    let mut session = None;
    dispatch(&mut s, &mut session, Request::Login { username: "clerk1".into(), password: pw("Temp@2026x") }).unwrap();
    let e = dispatch(&mut s, &mut session, Request::SearchCases { text: "张".into() }).unwrap_err();
    assert!(e.message.contains("初始密码") && e.message.contains("请先修改密码"), "{}", e.message);
    let e =
        dispatch(&mut s, &mut session, Request::ChangePassword { old: pw("wrong"), new: pw("New@2026x") }).unwrap_err();
    assert!(e.message.contains("原密码"));
    dispatch(&mut s, &mut session, Request::ChangePassword { old: pw("Temp@2026x"), new: pw("New@2026x") }).unwrap();
    assert!(!session.as_ref().unwrap().must_change_password);
    assert!(dispatch(&mut s, &mut session, Request::SearchCases { text: "张".into() }).is_ok());
}

#[test]
fn a_locked_window_does_nothing_until_the_password_is_given() {
    let (_d, mut s) = testing::store();
    let mut session = None;
    let login = Request::Login { username: "clerk1".into(), password: pw("Demo@clerk1") };
    dispatch(&mut s, &mut session, login.clone()).unwrap();
    dispatch(&mut s, &mut session, Request::Lock).unwrap();
    let e = dispatch(&mut s, &mut session, Request::SearchCases { text: "张".into() }).unwrap_err();
    assert!(e.message.contains("屏幕已锁定"));
    dispatch(&mut s, &mut session, login).unwrap();
    assert!(dispatch(&mut s, &mut session, Request::SearchCases { text: "张".into() }).is_ok());
}

#[test]
fn requests_round_trip_as_json() {
    let r: Request = serde_json::from_str(r#"{"type":"catalog_list","query":"hjqy","category":null}"#).unwrap();
    assert!(matches!(r, Request::CatalogList { .. }));
}

/// The caller's session, made through the gate as a window makes it.
fn session_of(s: &mut Store, caller: Caller) -> Option<SessionUser> {
    if caller == Caller::Operator {
        return Some(SessionUser::operator());
    }
    if caller == Caller::Screen {
        return Some(SessionUser { serves: Some("1号窗口".into()), ..SessionUser::rating_screen("1号评价器") });
    }
    let login = caller.login()?;
    let mut session = None;
    dispatch(s, &mut session, Request::Login { username: login.username.into(), password: pw(login.password) })
        .unwrap();
    if login.then_lock {
        dispatch(s, &mut session, Request::Lock).unwrap();
    }
    assert!(session.is_some(), "{caller:?} logged in");
    session
}

/// Every request, for every caller of the matrix and hallctl's operator: the gate refuses
/// (forbidden) exactly what the catalogue refuses, nothing else is refused for the role, every
/// reply is one the catalogue names, and a read that is answered changes nothing. A few rows
/// the hall depends on are read back.
#[test]
fn every_request_for_every_caller_is_answered_as_the_catalogue_says() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = testkit::sample_township(&dir.path().join("hall.db")).unwrap();
    let samples = testkit::role_matrix_samples(&s).unwrap();
    let callers: Vec<Caller> = Caller::ALL.into_iter().chain([Caller::Operator, Caller::Screen]).collect();
    let sessions: HashMap<Caller, Option<SessionUser>> = callers.iter().map(|&c| (c, session_of(&mut s, c))).collect();
    let mut changed_by_reads = Vec::new();
    let out = testkit::run_role_matrix(&samples, &callers, |caller, req| {
        let spec = req.spec();
        let before = s.total_changes();
        let answer = dispatch(&mut s, &mut sessions[&caller].clone(), req);
        let refused = answer.as_ref().is_err_and(|e| e.code == ErrorCode::Forbidden);
        if !spec.writes && !refused && s.total_changes() != before {
            changed_by_reads.push(format!("{} for {}", spec.name, caller.name()));
        }
        answer
    });
    assert!(out.wrong.is_empty(), "{}", out.wrong.join("\n"));
    assert!(changed_by_reads.is_empty(), "reads that wrote: {changed_by_reads:?}");
    let anyone = "nobody clerk officer supervisor admin locked must_change_password operator";
    for rule in [
        format!("hall_info {anyone} screen"),
        "rating_prompt screen".into(),
        "screen_rate screen".into(),
        "login nobody clerk officer supervisor admin locked operator".into(),
        "lock clerk officer supervisor admin locked operator".into(),
        "change_password clerk officer supervisor admin must_change_password operator".into(),
        "settings clerk officer supervisor admin locked must_change_password operator".into(),
        "search_cases clerk officer supervisor admin operator".into(),
        "users admin operator".into(),
        "restore_backup admin operator".into(),
        "dashboard supervisor operator".into(),
        "follow_ups supervisor operator".into(),
        "queue officer supervisor operator".into(),
        "ready_list clerk supervisor operator".into(),
        "urgent_cases officer supervisor operator".into(),
        "supplement_watch officer supervisor operator".into(),
        "sweep_supplements supervisor admin operator".into(),
        "open_cases_for clerk".into(),
        "audit_verify supervisor admin operator".into(),
    ] {
        assert!(out.admitted.contains(&rule), "{rule} not in\n{}", out.admitted.join("\n"));
    }
    // Beyond the catalogue: an officer may not look into another unit's queue.
    let mut officer = sessions[&Caller::Officer].clone();
    let e = dispatch(&mut s, &mut officer, Request::Queue { unit: Some("T-PCS".into()) }).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
}

/// The matrix's own check: a driver that admits what the catalogue forbids is caught.
#[test]
fn the_matrix_catches_a_gate_that_lets_too_much_through() {
    let samples = vec![Request::Users];
    let out = testkit::run_role_matrix(&samples, &[Caller::Clerk], |_, _| Ok(Reply::Users(Vec::new())));
    assert!(out.wrong.iter().any(|w| w.starts_with("users for clerk: the catalogue forbids it")), "{:?}", out.wrong);
    assert!(out.wrong.iter().any(|w| w.contains("no sample")), "every request needs its sample");
    let out = testkit::run_role_matrix(&samples, &[Caller::Admin], |_, _| Ok(serde_json::json!({"type": "done"})));
    assert!(out.wrong.iter().any(|w| w.contains("reply done, not one of")), "{:?}", out.wrong);
}
