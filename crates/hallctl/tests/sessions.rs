//! Who acts from the command line: the real binary on a real demo database. `--user` signs in
//! through the core's login (wrong password, unknown user, lockout, forced change all refused
//! with nothing of the step written); without it the operator session acts and is recorded as
//! `hallctl（操作员）`; `--input` carries input documents, the old `--json` spelling still works
//! with a warning; the argument parser's refusals are Chinese.

mod common;
use common::*;

use std::path::Path;

/// (actor, action) of every event, oldest first, read straight from the database.
fn events(db: &Path) -> Vec<(String, String)> {
    let c = hall_core::store::open_keyed(db, db, false).unwrap();
    let mut st = c.prepare("SELECT actor, action FROM events ORDER BY id").unwrap();
    let rows = st.query_map([], |r| Ok((r.get("actor")?, r.get("action")?))).unwrap();
    rows.map(|r| r.unwrap()).collect()
}

/// The number of a case in `state`, and its events as `case show --json` lists them.
fn case_in(db: &Path, state: &str) -> (String, usize) {
    let o = hallctl(db, &["--json", "case", "list", "--state", state, "--limit", "1"]);
    let cases: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let number = cases[0]["number"].as_str().unwrap().to_string();
    (number.clone(), case_events(db, &number))
}

fn case_events(db: &Path, number: &str) -> usize {
    let o = hallctl(db, &["--json", "case", "show", number]);
    serde_json::from_str::<serde_json::Value>(&out(&o)).unwrap()["events"].as_array().unwrap().len()
}

#[test]
fn a_wrong_password_or_an_unknown_user_is_refused_and_the_step_not_taken() {
    let (_d, db) = demo();
    let (number, steps) = case_in(&db, "accepted");
    let before = events(&db);
    let withdraw = ["case", "act", number.as_str(), "withdraw", "--note", "申请人撤回", "--user", "clerk1"];
    for (password, user) in [(Some("Wrong@pass1"), "clerk1"), (None, "clerk1"), (Some("Demo@clerk1-t"), "nobody")] {
        let mut args = withdraw.to_vec();
        *args.last_mut().unwrap() = user;
        let o = run(&db, &args, password, None);
        assert_eq!(o.status.code(), Some(1), "{user} {password:?}: {}", out(&o));
        let said = if password.is_none() { "YICHUANG_PASSWORD" } else { "用户名或密码错误" };
        assert!(err(&o).contains(said), "{}", err(&o));
        assert!(out(&o).is_empty());
    }
    assert_eq!(case_events(&db, &number), steps, "the case is untouched");
    // Only the failed sign-ins are recorded (the security log, as in the window), and the
    // name typed for an account that does not exist is not kept.
    let after = events(&db);
    let new: Vec<(&str, &str)> = after[before.len()..].iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(new, [("clerk1", "login_failed"), ("（未知用户名）", "login_failed")]);
    // The right password takes the step, recorded as the person.
    let o = hallctl(&db, &withdraw);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(case_events(&db, &number), steps + 1);
    assert_eq!(events(&db).last().unwrap().0, "clerk1");
}

#[test]
fn an_account_locks_after_repeated_failures() {
    let (_d, db) = demo();
    let search = ["search", "张", "--user", "clerk2"];
    for _ in 0..5 {
        let o = run(&db, &search, Some("Guess@2026"), None);
        assert!(!o.status.success() && err(&o).contains("用户名或密码错误"), "{}", err(&o));
    }
    let o = hallctl(&db, &search);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("账号暂时锁定"), "{}", err(&o));
    assert!(out(&o).is_empty(), "nothing is searched: {}", out(&o));
    let locks = events(&db).iter().filter(|(a, e)| a == "clerk2" && e == "login_locked").count();
    assert_eq!(locks, 1);
}

#[test]
fn a_forced_password_change_is_refused_until_user_passwd_clears_it() {
    let (_d, db) = fresh_demo();
    let (number, steps) = case_in(&db, "accepted");
    let withdraw = ["case", "act", number.as_str(), "withdraw", "--note", "申请人撤回", "--user", "clerk1"];
    let o = run(&db, &withdraw, Some("Demo@clerk1"), None);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("初始密码") && err(&o).contains("请先修改密码"), "{}", err(&o));
    assert_eq!(case_events(&db, &number), steps);

    // A wrong old password, a weak new one: refused, the password unchanged.
    let o = change_password(&db, "clerk1", "Demo@clerk0", "Clerk1@2026x");
    assert!(!o.status.success() && err(&o).contains("用户名或密码错误"), "{}", err(&o));
    let o = change_password(&db, "clerk1", "Demo@clerk1", "short");
    assert!(!o.status.success() && err(&o).contains("密码强度不足"), "{}", err(&o));
    let o = change_password(&db, "clerk1", "Demo@clerk1", "Clerk1@2026x");
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("已修改用户 clerk1"), "{}", out(&o));
    assert_eq!(events(&db).last().unwrap(), &("clerk1".to_string(), "password_change".to_string()));

    // The old password is gone; the new one works and the step is taken.
    let o = run(&db, &withdraw, Some("Demo@clerk1"), None);
    assert!(err(&o).contains("用户名或密码错误"), "{}", err(&o));
    let o = run(&db, &withdraw, Some("Clerk1@2026x"), None);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(case_events(&db, &number), steps + 1);
}

#[test]
fn operator_commands_are_recorded_as_the_operator() {
    let (_d, db) = demo();
    // A record: the operator is its 首问负责人 and the actor of its event.
    let o = hallctl(&db, &["--json", "consult", "log", "--topic", "低保怎么申请", "--answer", "带身份证户口簿"]);
    assert!(o.status.success(), "{}", err(&o));
    let c: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(c["clerk"], "hallctl（操作员）");
    assert_eq!(events(&db).last().unwrap().0, "hallctl（操作员）");

    // A supervisor's case step is the operator's, shown in the case's record.
    let (number, steps) = case_in(&db, "processing");
    let o = hallctl(&db, &["case", "act", &number, "revoke", "--note", "县信息中心依决定撤销"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("hallctl（操作员）"), "{}", out(&o));
    assert_eq!(case_events(&db, &number), steps + 1);

    // A clerk's or an officer's step needs a person who signed in.
    let (number, steps) = case_in(&db, "accepted");
    let o = hallctl(&db, &["case", "act", &number, "claim"]);
    assert!(
        !o.status.success() && err(&o).contains("“认领”只能由后台经办人执行，当前登录角色为中心主任"),
        "{}",
        err(&o)
    );
    let o = with_stdin(&db, &["case", "intake", "--input", "-"], r#"{"item_code":"x","applicant":{}}"#);
    assert!(!o.status.success(), "{}", out(&o));
    assert_eq!(case_events(&db, &number), steps);

    // The administrator's work: a user added by the operator; a person may not unless admin.
    let o = hallctl(&db, &["user", "add", "clerk9", "--name", "赵九", "--role", "clerk", "--password", "Clerk9@2026"]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(events(&db).last().unwrap(), &("hallctl（操作员）".to_string(), "user_add".to_string()));
    let o = hallctl(
        &db,
        &[
            "user",
            "add",
            "clerk8",
            "--name",
            "钱八",
            "--role",
            "clerk",
            "--password",
            "Clerk8@2026",
            "--user",
            "director",
        ],
    );
    assert!(!o.status.success() && err(&o).contains("系统管理员"), "{}", err(&o));
}

#[test]
fn input_documents_come_with_input_and_the_old_json_spelling_warns() {
    let (_d, db) = demo();
    let (number, steps) = case_in(&db, "accepted");
    let o = hallctl(&db, &["case", "act", &number, "withdraw", "--input", r#"{"note":"撤回"}"#, "--user", "clerk1"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(!err(&o).contains("过时"), "{}", err(&o));
    assert_eq!(case_events(&db, &number), steps + 1);

    // The old spelling still works for one release, with a warning; --json is output as well.
    let (number, steps) = case_in(&db, "accepted");
    let o = hallctl(
        &db,
        &["--json", "case", "act", &number, "withdraw", "--json", r#"{"note":"撤回"}"#, "--user", "clerk1"],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(err(&o).contains("警告：--json 用作输入已过时，请改用 --input"), "{}", err(&o));
    let case: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(case["events"].as_array().unwrap().len(), steps + 1);
    // Elsewhere --json is only the output switch: no warning.
    let o = hallctl(&db, &["case", "list", "--limit", "1", "--json"]);
    assert!(o.status.success() && err(&o).is_empty(), "{}", err(&o));
    assert!(serde_json::from_str::<serde_json::Value>(&out(&o)).is_ok());
}

#[test]
fn the_argument_parsers_refusals_are_chinese_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    for (args, says) in [
        (
            vec!["calendar", "due", "--accepted", "2026-13-01", "--days", "3"],
            "参数 --accepted <ACCEPTED> 的值“2026-13-01”无效：日期应写作 YYYY-MM-DD",
        ),
        (vec!["calendar", "due", "--accepted", "2026-10-01", "--days", "三"], "的值“三”无效：应为不带符号的整数"),
        (vec!["case", "list", "--stat", "accepted"], "未知的参数 --stat，是否要用 --state？"),
        (vec!["case", "lst"], "未知的子命令“lst”，是否要用 list？"),
        (vec!["report", "daily"], "缺少必需的参数：--date <DATE>"),
        (vec!["check-id", "1", "2"], "多余的参数“2”"),
        (vec!["calendar"], "用法"),
    ] {
        let o = hallctl(&db, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let e = err(&o);
        if says == "用法" {
            // A group without its command shows its help, as clap does.
            assert!(e.contains("calendar"), "{e}");
            continue;
        }
        assert!(e.starts_with("错误：") && e.contains(says), "{args:?}: {e}");
    }
    let o = hallctl(&db, &["--help"]);
    assert!(o.status.success() && out(&o).contains("一窗通"), "{}", out(&o));
    assert!(!db.exists(), "a refused command line opens no database");
}
