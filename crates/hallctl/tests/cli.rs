//! hallctl as county IT uses it: the real binary on real SQLite files.

use std::path::Path;
use std::process::Command;

mod common;
use common::*;

/// Cases in the database, as hallctl lists them.
fn case_count(db: &Path) -> usize {
    let o = hallctl(db, &["--json", "case", "list", "--limit", "100000"]);
    serde_json::from_str::<serde_json::Value>(&out(&o)).unwrap().as_array().unwrap().len()
}

#[test]
fn init_is_idempotent_and_creates_an_admin() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sub/hall.db");
    let o = hallctl(
        &db,
        &["init", "--township-code", "231221102", "--township-name", "卫星镇", "--admin-password", "Adm1n@pass"],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("卫星镇") && out(&o).contains("admin"));
    let o = hallctl(&db, &["init", "--township-code", "231221102", "--township-name", "卫星镇"]);
    assert!(o.status.success());
    assert!(!out(&o).contains("已创建管理员"), "second init creates nothing: {}", out(&o));
    // Not a hall request: run at the machine, never as a person signed in.
    let o = hallctl(&db, &["init", "--township-code", "231221102", "--township-name", "卫星镇", "--user", "admin"]);
    assert!(!o.status.success() && err(&o).contains("不能与 --user 同用"), "{}", err(&o));
    let o = hallctl(&db, &["init", "--township-code", "23 12", "--township-name", "x"]);
    assert!(!o.status.success());
    assert!(err(&o).contains("乡镇代码"), "{}", err(&o));
}

#[test]
fn check_id_answers_valid_or_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let o = hallctl(&db, &["check-id", "11010519491231002x"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(out(&o).trim(), "有效");
    let o = hallctl(&db, &["check-id", "110105194912310021"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("校验位"));
    let o = hallctl(&db, &["check-id", "--org", "91350100M000100Y43"]);
    assert_eq!(o.status.code(), Some(0));
    let o = hallctl(&db, &["check-id", "--org", "91350100M000100Y4O"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(out(&o).contains("第18位"));
    assert!(!db.exists(), "check-id needs no database");
}

#[test]
fn calendar_due_uses_the_official_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    hallctl(&db, &["init", "--township-code", "231221102", "--township-name", "卫星镇"]);
    let o = hallctl(&db, &["calendar", "due", "--accepted", "2026-09-30", "--days", "3"]);
    assert_eq!(out(&o).trim(), "2026-10-10");
    let o = hallctl(&db, &["calendar", "due", "--accepted", "2027-03-01", "--days", "1"]);
    assert!(o.status.success());
    assert_eq!(out(&o).trim(), "2027-03-02");
    assert!(err(&o).contains("2027"), "a year without a calendar is flagged: {}", err(&o));
    let f = dir.path().join("cal.json");
    std::fs::write(
        &f,
        r#"{"year":2027,"holidays":[{"name":"测试","from":"2027-03-02","to":"2027-03-02"}],"workdays":[]}"#,
    )
    .unwrap();
    assert!(hallctl(&db, &["calendar", "import", f.to_str().unwrap()]).status.success());
    let o = hallctl(&db, &["calendar", "due", "--accepted", "2027-03-01", "--days", "1"]);
    assert_eq!(out(&o).trim(), "2027-03-03");
    assert!(err(&o).is_empty());
    std::fs::write(&f, "{\"year\": 2027, \"holidays\": [").unwrap();
    let o = hallctl(&db, &["calendar", "import", f.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(err(&o).contains("日历文件"));
}

#[test]
fn catalog_import_is_all_or_nothing_and_names_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    hallctl(&db, &["init", "--township-code", "231221102", "--township-name", "卫星镇"]);
    let csv = dir.path().join("c.csv");
    std::fs::write(
        &csv,
        "事项编码,事项名称,事项类型,类别,实施机关编码,实施机关,实施机关层级,办件类型,法定时限,承诺时限,材料名称,材料形式,份数,是否必需,可容缺\n\
         X-1,开具证明,公共服务,户籍管理,T-A,派出所,乡镇,即办件,1,0,居民身份证,原件,1,是,否\n\
         X-2,低保申请,行政给付,基本社会服务,T-B,民政办,乡镇,承诺件,30,40,居民身份证,复印件,1,是,否\n",
    )
    .unwrap();
    let o = hallctl(&db, &["catalog", "import", csv.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(err(&o).contains("第 3 行") && err(&o).contains("承诺时限"), "{}", err(&o));
    let o = hallctl(&db, &["catalog", "list"]);
    assert!(out(&o).contains("共 0 个事项"), "nothing imported: {}", out(&o));
    std::fs::write(&csv, std::fs::read_to_string(&csv).unwrap().replace(",30,40,", ",30,10,")).unwrap();
    let o = hallctl(&db, &["catalog", "import", csv.to_str().unwrap(), "--version", "2026-A"]);
    assert!(o.status.success(), "{}", err(&o));
    let o = hallctl(&db, &["--json", "catalog", "list"]);
    let items: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(items.as_array().unwrap().len(), 2);
    let o = hallctl(&db, &["catalog", "list", "--query", "dbsq"]);
    assert!(out(&o).contains("低保申请"));
}

fn intake_doc(item: &str, materials: &[&str]) -> String {
    serde_json::json!({
        "item_code": item,
        "applicant": {"kind": "person", "id_number": "230102199003078519", "name": "测试申请人", "phone": "13800138000", "address": "惠头村1组2号"},
        "materials": materials,
        "clerk": "clerk1"
    })
    .to_string()
}

/// A 承诺件 of the sample catalog with no 容缺 materials: (item JSON, its material names).
fn promised_item(db: &Path) -> (serde_json::Value, Vec<String>) {
    let o = hallctl(db, &["--json", "catalog", "list"]);
    let items: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let item = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["kind"] == "承诺件"
                && i["materials"].as_array().unwrap().iter().all(|m| !m["deferrable"].as_bool().unwrap())
        })
        .unwrap()
        .clone();
    let names = item["materials"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap().to_string()).collect();
    (item, names)
}

#[test]
fn intake_accepts_a_case_and_refused_input_changes_nothing() {
    let (_d, db) = demo();
    let (item, names) = promised_item(&db);
    let code = item["code"].as_str().unwrap();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let before = case_count(&db);

    // Refused: missing materials, a bad ID, an unknown item, broken JSON, an unknown clerk, a
    // clerk who is not one. The document's clerk signs in with their password.
    let intake =
        |doc: &str, as_who: &str| run(&db, &["case", "intake", "--input", "-"], Some(&password(as_who)), Some(doc));
    let o = intake(&intake_doc(code, &[]), "clerk1");
    assert!(!o.status.success());
    assert!(err(&o).contains("缺少必需材料"), "{}", err(&o));
    let bad_id = intake_doc(code, &names).replace("230102199003078519", "230102199003078518");
    assert!(err(&intake(&bad_id, "clerk1")).contains("校验位"));
    let o = intake(&intake_doc("NO-SUCH", &names), "clerk1");
    assert!(err(&o).contains("NO-SUCH"), "{}", err(&o));
    let o = intake("{\"item_code\": ", "clerk1");
    assert!(err(&o).contains("受理文档"), "{}", err(&o));
    let o = intake(&intake_doc(code, &names).replace("clerk1", "nobody"), "clerk1");
    assert!(err(&o).contains("用户名或密码错误"), "{}", err(&o));
    let o = intake(&intake_doc(code, &names).replace("clerk1", "director"), "director");
    assert!(err(&o).contains("前台受理员"), "{}", err(&o));
    assert_eq!(case_count(&db), before, "refused input changes nothing");

    // Accepted, from a file.
    let f = db.with_file_name("intake.json");
    std::fs::write(&f, intake_doc(code, &names)).unwrap();
    let o = hallctl(&db, &["--json", "case", "intake", "--input", f.to_str().unwrap(), "--user", "clerk1"]);
    assert!(o.status.success(), "{}", err(&o));
    let case: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(case["state"], "accepted");
    let number = case["number"].as_str().unwrap().to_string();
    assert!(number.starts_with("231221102-"), "{number}");
    let promised = item["promised_days"].as_u64().unwrap();
    let today = chrono::Local::now().date_naive().to_string();
    let o = hallctl(&db, &["calendar", "due", "--accepted", &today, "--days", &promised.to_string()]);
    assert_eq!(case["due_date"].as_str().unwrap(), out(&o).trim());
    assert_eq!(case["applicant"]["id_masked"], "2301**********8519");
    assert_eq!(case_count(&db), before + 1);

    // Shown, listed, found by number, ID, phone and name.
    let o = hallctl(&db, &["case", "show", &number]);
    assert!(out(&o).contains("已受理") && out(&o).contains("承诺办结日期") && out(&o).contains("接件"));
    let o = hallctl(&db, &["case", "list", "--state", "accepted", "--date", &today]);
    assert!(out(&o).contains(&number));
    for q in [number.as_str(), "230102199003078519", "2301021990", "13800138000", "测试申请人", "申请人", "测试"]
    {
        let o = hallctl(&db, &["search", q]);
        assert!(out(&o).contains(&number), "search {q}: {}", out(&o));
    }
    let o = hallctl(&db, &["case", "show", "NO-SUCH-CASE"]);
    assert!(!o.status.success() && err(&o).contains("NO-SUCH-CASE"));
}

#[test]
fn case_act_follows_the_lifecycle_table() {
    let (_d, db) = demo();
    let (item, names) = promised_item(&db);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let doc = intake_doc(item["code"].as_str().unwrap(), &names);
    let o = with_stdin(&db, &["--json", "case", "intake", "--input", "-", "--user", "clerk1"], &doc);
    let case: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let number = case["number"].as_str().unwrap();
    let o = hallctl(&db, &["case", "act", number, "approve", "--user", "clerk1"]);
    assert!(!o.status.success());
    assert!(err(&o).contains("不能执行"), "{}", err(&o));
    let o = hallctl(&db, &["case", "act", number, "claim", "--user", "clerk1"]);
    assert!(err(&o).contains("后台经办人"), "{}", err(&o));
    let o = hallctl(&db, &["case", "act", number, "revoke", "--input", r#"{"user":"director"}"#, "--user", "director"]);
    assert!(err(&o).contains("理由"), "{}", err(&o));
    let o = hallctl(&db, &["--json", "case", "act", number, "revoke", "--user", "director", "--note", "测试撤销"]);
    assert!(o.status.success(), "{}", err(&o));
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(v["state"], "revoked");
}

#[test]
fn demo_refuses_a_database_with_real_cases_and_is_idempotent() {
    let (_d, db) = demo();
    let n = case_count(&db);
    assert!(n >= 150, "a few hundred sample cases: {n}");
    let o = hallctl(&db, &["demo"]);
    assert!(o.status.success());
    assert!(out(&o).contains("未重复装入"));
    assert_eq!(case_count(&db), n);

    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real.db");
    hallctl(&real, &["init", "--township-code", "231221102", "--township-name", "卫星镇"]);
    let cat = dir.path().join("cat.json");
    std::fs::write(&cat, include_str!("../../../assets/demo/catalog.json")).unwrap();
    assert!(hallctl(&real, &["catalog", "import", cat.to_str().unwrap()]).status.success());
    let o = hallctl(&real, &["user", "add", "c1", "--name", "受理员", "--role", "clerk", "--password", "Clerk@2026"]);
    assert!(o.status.success(), "{}", err(&o));
    let o = change_password(&real, "c1", "Clerk@2026", "Clerk@2026-new");
    assert!(o.status.success(), "{}", err(&o));
    let o = hallctl(&db, &["--json", "catalog", "list"]);
    let items: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let item = items.as_array().unwrap().iter().find(|i| i["kind"] == "即办件").unwrap();
    let names: Vec<&str> = item["materials"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap()).collect();
    let doc = intake_doc(item["code"].as_str().unwrap(), &names).replace("clerk1", "c1");
    let o = run(&real, &["case", "intake", "--input", "-"], Some("Clerk@2026-new"), Some(&doc));
    assert!(o.status.success(), "{}", err(&o));
    let o = hallctl(&real, &["demo"]);
    assert!(!o.status.success());
    assert!(err(&o).contains("真实办件"), "{}", err(&o));
}

#[test]
fn sync_refuses_a_plain_http_hub_that_is_not_this_computer() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    assert!(hallctl(&db, &["init", "--township-code", "231221102", "--township-name", "卫星镇"]).status.success());
    let o = hallctl(&db, &["sync", "--once", "--hub", "http://hub.county.example", "--token", "231221102.t"]);
    assert!(!o.status.success());
    assert!(err(&o).contains("县级平台地址必须使用 https://（仅本机测试地址可用 http://）"), "{}", err(&o));
    // On this computer http:// is allowed: the pass gets as far as the (absent) hub.
    let o = hallctl(&db, &["sync", "--once", "--hub", "http://127.0.0.1:9", "--token", "231221102.t"]);
    assert!(!o.status.success());
    assert!(err(&o).contains("无法连接县级平台"), "{}", err(&o));
}

#[test]
fn seed_writes_synthetic_history() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let o = hallctl(&db, &["seed", "--cases", "300", "--years", "2"]);
    assert!(o.status.success(), "{}", err(&o));
    assert_eq!(case_count(&db), 300);
    let o = hallctl(&db, &["--json", "case", "list", "--limit", "1000"]);
    let v: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let days: std::collections::BTreeSet<&str> =
        v.as_array().unwrap().iter().map(|c| &c["logged_at"].as_str().unwrap()[..7]).collect();
    assert!(days.len() > 12, "spread over many months: {days:?}");
}

#[test]
fn case_act_runs_a_whole_case_from_the_command_line() {
    let (_d, db) = demo();
    let (item, names) = promised_item(&db);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let doc = intake_doc(item["code"].as_str().unwrap(), &names);
    let o = with_stdin(&db, &["--json", "case", "intake", "--input", "-", "--user", "clerk1"], &doc);
    let case: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    let number = case["number"].as_str().unwrap().to_string();
    let unit = case["unit"].as_str().unwrap();
    let o = hallctl(
        &db,
        &[
            "--json",
            "user",
            "add",
            "off.test",
            "--name",
            "测试经办",
            "--role",
            "officer",
            "--unit",
            unit,
            "--password",
            "Off1ce@x",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    // A fresh user sets their own password before their first step.
    let o = change_password(&db, "off.test", "Off1ce@x", "Off1ce@x-new");
    assert!(o.status.success(), "{}", err(&o));
    let act = |action: &str, json: &str| {
        let user = serde_json::from_str::<serde_json::Value>(json).unwrap()["user"].as_str().unwrap().to_string();
        let pw = if user == "off.test" { "Off1ce@x-new".to_string() } else { password(&user) };
        let o = run(&db, &["--json", "case", "act", &number, action, "--input", json], Some(&pw), None);
        (o.status.success(), out(&o), err(&o))
    };
    assert!(act("claim", r#"{"user":"off.test"}"#).0);
    let (ok, _, e) = act("request_supplement", r#"{"user":"off.test","note":"补充户口簿","due":"2020-01-01"}"#);
    assert!(!ok && e.contains("早于今天"), "{e}");
    let (ok, o, e) = act("request_supplement", r#"{"user":"off.test","note":"补充户口簿"}"#);
    assert!(ok, "{e}");
    assert!(o.contains("\"supplement\""));
    assert!(act("supplement_received", r#"{"user":"clerk1"}"#).0);
    assert!(act("approve", r#"{"user":"off.test"}"#).0);
    let (ok, _, e) = act(
        "deliver",
        r#"{"user":"clerk1","delivery":{"method":"in_person","collector_name":"测试申请人","collector_id":"11010519491231002X"}}"#,
    );
    assert!(!ok && e.contains("身份核验未通过"), "{e}");
    let (ok, o, e) = act(
        "deliver",
        r#"{"user":"clerk1","delivery":{"method":"in_person","collector_name":"测试申请人","collector_id":"230102199003078519"}}"#,
    );
    assert!(ok, "{e}");
    assert!(o.contains("\"delivered\""));
    let (ok, _, e) = act("rate", r#"{"user":"clerk1","level":1,"comment":"态度不好"}"#);
    assert!(ok, "{e}");
    let (ok, _, e) =
        act("follow_up", r#"{"user":"director","callback_note":"已回访","fix_note":"已批评教育","close":true}"#);
    assert!(ok, "{e}");
    let o = hallctl(&db, &["case", "show", &number]);
    for step in ["认领", "要求补正", "补正完成", "办结（通过）", "出件", "评价", "差评回访"] {
        assert!(out(&o).contains(step), "{step} in {}", out(&o));
    }
}

fn pdf_text(path: &Path) -> String {
    let o = Command::new("pdftotext").arg(path).arg("-").output().expect("poppler-utils (pdftotext) is installed");
    assert!(o.status.success());
    String::from_utf8_lossy(&o.stdout).split_whitespace().collect()
}

#[test]
fn reports_papers_and_the_catalog_list_print_to_pdf() {
    let (dir, db) = demo();
    let cases = |state: &str| -> Vec<serde_json::Value> {
        let o = hallctl(&db, &["--json", "case", "list", "--state", state, "--limit", "5"]);
        serde_json::from_str::<serde_json::Value>(&out(&o)).unwrap().as_array().unwrap().clone()
    };
    let delivered = cases("delivered")[0]["number"].as_str().unwrap().to_string();
    let refused = cases("refused")[0]["number"].as_str().unwrap().to_string();
    let day = delivered.split('-').nth(1).unwrap();
    let day = format!("{}-{}-{}", &day[..4], &day[4..6], &day[6..]);
    let jobs: Vec<(Vec<&str>, &str, Vec<&str>)> = vec![
        (vec!["report", "daily", "--date", &day], "daily.pdf", vec!["每日服务台账", "制表人", &delivered]),
        (
            vec!["report", "period", "--from", "2026-10-01", "--to", &day],
            "period.pdf",
            vec!["服务统计报告", "每日办件趋势"],
        ),
        (vec!["print", "receipt", &delivered], "receipt.pdf", vec!["受理回执", &delivered]),
        (vec!["print", "delivery", &delivered], "delivery.pdf", vec!["出件签收单", &delivered]),
        (vec!["print", "不予受理通知书", &refused], "refusal.pdf", vec!["不予受理通知书", "行政复议"]),
        (vec!["catalog", "publish"], "wall.pdf", vec!["政务服务事项公示", "申请材料"]),
    ];
    for (args, file, needles) in jobs {
        let path = dir.path().join(file);
        let mut args = args.clone();
        args.extend(["--out", path.to_str().unwrap()]);
        let o = hallctl(&db, &args);
        assert!(o.status.success(), "{args:?}: {}", err(&o));
        assert!(out(&o).contains("已生成"), "{}", out(&o));
        let text = pdf_text(&path);
        for n in needles {
            assert!(text.contains(n), "{file} lacks {n}");
        }
    }
    // Each case paper printed is in the case's record.
    let o = hallctl(&db, &["case", "show", &delivered]);
    assert!(out(&o).contains("打印文书"), "{}", out(&o));
    // Refusals: a paper the case has not reached, an unknown paper, a backwards period.
    for (args, says) in [
        (vec!["print", "receipt", refused.as_str()], "没有受理回执可打印"),
        (vec!["print", "letter", refused.as_str()], "未知文书"),
        (vec!["report", "period", "--from", "2026-11-20", "--to", "2026-11-01"], "早于"),
    ] {
        let path = dir.path().join("never.pdf");
        let mut args = args.clone();
        args.extend(["--out", path.to_str().unwrap()]);
        let o = hallctl(&db, &args);
        assert!(!o.status.success() && err(&o).contains(says), "{args:?}: {}", err(&o));
        assert!(!path.exists(), "nothing is written for a refused request");
    }
}

#[test]
fn backup_restore_and_audit_from_the_command_line() {
    let (dir, db) = demo();
    let o = hallctl(&db, &["audit", "verify"]);
    assert!(o.status.success() && out(&o).contains("事件记录完整"), "{}{}", out(&o), err(&o));
    let copy = dir.path().join("copy.db");
    let o = hallctl(&db, &["backup", "--out", copy.to_str().unwrap()]);
    assert!(o.status.success() && out(&o).contains("已备份到"), "{}", err(&o));
    let before = case_count(&db);
    let o = hallctl(&db, &["restore", dir.path().join("nothing.db").to_str().unwrap()]);
    assert!(!o.status.success() && err(&o).contains("不能用于恢复"), "{}", err(&o));
    let o = hallctl(&db, &["restore", copy.to_str().unwrap()]);
    assert!(o.status.success() && out(&o).contains("已从"), "{}", err(&o));
    assert_eq!(case_count(&db), before);
    // A row changed behind the app's back is named.
    let c = hall_core::store::open_keyed(&db, &db, false).unwrap();
    c.execute_batch("DROP TRIGGER events_no_update; UPDATE events SET actor = 'someone' WHERE id = 5;").unwrap();
    drop(c);
    let o = hallctl(&db, &["audit", "verify"]);
    assert!(!o.status.success() && out(&o).contains("#5"), "{}", out(&o));
}

/// The sample lists (with `edit` applied), imported through the core: importing is another
/// command's work.
fn import_lists(db: &Path, edit: impl FnOnce(&mut hall_core::duties::DutyFile)) {
    let mut file =
        hall_core::duties::DutyFile::parse_json(include_str!("../../hall-core/tests/data/duties.json")).unwrap();
    edit(&mut file);
    hall_core::Store::open(db).unwrap().import_duties(&file, "test").unwrap();
}

#[test]
fn lists_publish_prints_each_wall_list_and_refuses_one_never_imported() {
    let (dir, db) = demo();
    let never = dir.path().join("never.pdf");
    let bare = dir.path().join("bare.db");
    assert!(hallctl(&bare, &["init", "--township-code", "231221102", "--township-name", "卫星镇"]).status.success());
    for (db, list, says) in [(&bare, "权力清单", "尚未导入权力清单"), (&db, "职责", "不是清单名称")]
    {
        let o = hallctl(db, &["lists", "publish", "--list", list, "--out", never.to_str().unwrap()]);
        assert!(!o.status.success() && err(&o).contains(says), "{list}: {}", err(&o));
        assert!(!never.exists());
    }
    import_lists(&db, |_| {});
    for (list, needles) in [
        ("权力清单", ["卫星镇权力清单", "QL-001", "《中华人民共和国城乡规划法》第六十五条"]),
        ("responsibility", ["卫星镇责任清单", "ZR-004", "望奎县应急管理局"]),
        ("duty", ["卫星镇职责清单", "ZZ-006", "乡镇主责"]),
        ("公共服务清单", ["政务服务事项公示", "231221102-MZ-JF-0001", "申请材料"]),
    ] {
        let path = dir.path().join(format!("{list}.pdf"));
        let o = hallctl(&db, &["lists", "publish", "--list", list, "--out", path.to_str().unwrap()]);
        assert!(o.status.success() && out(&o).contains("已生成"), "{list}: {}", err(&o));
        let text = pdf_text(&path);
        for n in needles {
            assert!(text.contains(n), "{list} lacks {n}");
        }
    }
}

#[test]
fn lists_export_writes_an_escaped_web_page_and_files_the_county_reads_back() {
    let (dir, db) = demo();
    let page = dir.path().join("职责清单.html");
    let export = |list: &str, format: &str, path: &Path| {
        hallctl(&db, &["lists", "export", "--list", list, "--format", format, "--out", path.to_str().unwrap()])
    };
    // A hall that never imported its lists has nothing to export.
    let bare = dir.path().join("bare.db");
    assert!(hallctl(&bare, &["init", "--township-code", "231221102", "--township-name", "卫星镇"]).status.success());
    let o =
        hallctl(&bare, &["lists", "export", "--list", "职责清单", "--format", "html", "--out", page.to_str().unwrap()]);
    assert!(!o.status.success() && err(&o).contains("尚未导入职责清单"), "{}", err(&o));
    assert!(!page.exists());
    import_lists(&db, |f| f.entries[8].name = "<b>农村低保</b> & 特困初审".into());

    let o = export("职责清单", "html", &page);
    assert!(o.status.success() && out(&o).contains("已导出职责清单"), "{}", err(&o));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("卫星镇职责清单") && html.contains("编码 ZZ-006"));
    assert!(html.contains("&lt;b&gt;农村低保&lt;/b&gt; &amp; 特困初审"), "{html}");
    assert!(!html.contains("<b>") && !html.contains("<script"));

    let csv = dir.path().join("职责清单.csv");
    assert!(export("duty", "csv", &csv).status.success());
    let back = hall_core::duties::DutyFile::parse_csv(&std::fs::read_to_string(&csv).unwrap()).unwrap();
    assert_eq!(back.entries.len(), 6);
    assert_eq!(back.entries[0].name, "<b>农村低保</b> & 特困初审");

    let json = dir.path().join("公共服务清单.json");
    let o = hallctl(
        &db,
        &["--json", "lists", "export", "--list", "service", "--format", "JSON", "--out", json.to_str().unwrap()],
    );
    assert!(o.status.success(), "{}", err(&o));
    let said: serde_json::Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!((said["list"].as_str(), said["format"].as_str()), (Some("service"), Some("json")));
    let catalog = hall_core::catalog::CatalogFile::parse_json(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(said["bytes"].as_u64(), Some(std::fs::metadata(&json).unwrap().len()));
    assert_eq!(catalog.version, "2026.11-示例");

    let o = export("duty", "pdf", &dir.path().join("x.pdf"));
    assert!(!o.status.success() && err(&o).contains("html、csv 或 json"), "{}", err(&o));
}

#[test]
fn a_request_id_makes_a_repeated_intake_answer_the_first_case() {
    let (_d, db) = demo();
    let (item, names) = promised_item(&db);
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let doc = intake_doc(item["code"].as_str().unwrap(), &names);
    let args = ["--json", "case", "intake", "--input", "-", "--user", "clerk1", "--request-id", "desk1-0001"];
    let first = with_stdin(&db, &args, &doc);
    assert!(first.status.success(), "{}", err(&first));
    let n = case_count(&db);
    let again = with_stdin(&db, &args, &doc);
    assert!(again.status.success(), "{}", err(&again));
    let number =
        |o: &std::process::Output| serde_json::from_str::<serde_json::Value>(&out(o)).unwrap()["number"].clone();
    assert_eq!(number(&first), number(&again), "the same case");
    assert_eq!(case_count(&db), n, "and no new one");
    // The same id for another request: refused, nothing done.
    let o = hallctl(
        &db,
        &[
            "case",
            "act",
            number(&first).as_str().unwrap(),
            "claim",
            "--user",
            "officer.shsw",
            "--request-id",
            "desk1-0001",
        ],
    );
    assert!(!o.status.success() && err(&o).contains("已用于另一项操作"), "{}", err(&o));
    let o = with_stdin(&db, &["case", "intake", "--input", "-", "--user", "clerk1", "--request-id", "含 空格"], &doc);
    assert!(!o.status.success() && err(&o).contains("请求编号"), "{}", err(&o));
    assert_eq!(case_count(&db), n);
}

#[test]
fn check_finds_a_damaged_page_and_writes_stop_until_a_restore() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    assert!(hallctl(&db, &["demo"]).status.success());
    let o = hallctl(&db, &["check"]);
    assert!(o.status.success() && out(&o).contains("数据库完整"), "{}", out(&o));
    let good = dir.path().join("good.db");
    assert!(hallctl(&db, &["backup", "--out", good.to_str().unwrap()]).status.success());
    // A failing disk overwrites a stretch of pages (some may be free pages, which no check reads).
    let mut bytes = std::fs::read(&db).unwrap();
    let pages = bytes.len() / 4096;
    for page in (pages / 4..3 * pages / 4).step_by(5) {
        bytes[page * 4096 + 32..page * 4096 + 512].fill(0xa5);
    }
    std::fs::write(&db, &bytes).unwrap();
    let o = hallctl(&db, &["check"]);
    assert!(!o.status.success() && out(&o).contains("数据库已损坏"), "{}{}", out(&o), err(&o));
    assert!(!err(&o).contains("sqlcipher"), "{}", err(&o));
    let o = hallctl(&db, &["user", "add", "clerk9", "--name", "新人", "--role", "clerk", "--password", "Clerk@2026x"]);
    assert!(!o.status.success() && err(&o).contains("已停止保存"), "{}", err(&o));
    let o = hallctl(&db, &["restore", good.to_str().unwrap()]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(hallctl(&db, &["check"]).status.success());
    let o = hallctl(&db, &["user", "add", "clerk9", "--name", "新人", "--role", "clerk", "--password", "Clerk@2026x"]);
    assert!(o.status.success(), "{}", err(&o));
}
