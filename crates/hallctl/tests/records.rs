//! hallctl for the lists, 准入, consultations, demands and 县乡联动: the real binary on a real
//! demo database — each command's output, its refusals (non-zero, Chinese, nothing stored),
//! and `--user` acting with that user's role.

mod common;
use common::*;

use std::path::Path;

fn json(db: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let o = hallctl(db, &all);
    assert!(o.status.success(), "{args:?}: {}", err(&o));
    serde_json::from_str(&out(&o)).unwrap()
}

/// `json` for a command line written as one string (no argument holds a space).
fn json_line(db: &Path, line: &str) -> serde_json::Value {
    json(db, &line.split_whitespace().collect::<Vec<_>>())
}

fn count(db: &Path, args: &[&str]) -> usize {
    json(db, args).as_array().unwrap().len()
}

fn refused(db: &Path, args: &[&str], says: &str) {
    let o = hallctl(db, args);
    assert!(!o.status.success(), "{args:?} should be refused: {}", out(&o));
    assert!(err(&o).contains(says), "{args:?}: {}", err(&o));
}

#[test]
fn lists_import_show_and_refuse_a_bad_file_whole() {
    let (dir, db) = demo();
    let o = hallctl(&db, &["lists", "versions"]);
    assert!(out(&o).contains("2026.1-示例"), "{}", out(&o));
    let o = hallctl(&db, &["lists", "show", "--list", "职责清单", "--query", "低保"]);
    assert!(out(&o).contains("ZZ-101") && out(&o).contains("望奎县民政局"), "{}", out(&o));
    assert_eq!(count(&db, &["lists", "show", "--list", "power"]), 8);
    refused(&db, &["lists", "show", "--list", "杂项清单"], "不是清单名称");

    let csv = dir.path().join("lists.csv");
    std::fs::write(
        &csv,
        "清单,编码,事项名称,类别,依据来源,责任主体,县级部门编码,乡镇职责,部门职责\n\
         职责清单,ZZ-1,农村低保初审,社会保障,《社会救助暂行办法》,部门牵头乡镇配合,C-MZJ,入户调查,审核确认\n\
         职责清单,ZZ-2,道路养护,基础设施,,乡镇主责,,日常养护,\n",
    )
    .unwrap();
    refused(&db, &["lists", "import", csv.to_str().unwrap(), "--version", "v2"], "第 3 行");
    assert_eq!(count(&db, &["lists", "versions"]), 1, "nothing of the bad file stored");
    let fixed = std::fs::read_to_string(&csv).unwrap().replace(",基础设施,,", ",基础设施,《农村公路养护管理办法》,");
    std::fs::write(&csv, fixed).unwrap();
    let o = hallctl(&db, &["lists", "import", csv.to_str().unwrap(), "--version", "v2"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("职责清单 2 项"), "{}", out(&o));
    assert_eq!(count(&db, &["lists", "show", "--list", "duty"]), 2);
    // A clerk may not import.
    refused(&db, &["lists", "import", csv.to_str().unwrap(), "--user", "clerk1", "--version", "v3"], "中心主任");
}

#[test]
fn admission_check_record_and_finish() {
    let (_dir, db) = demo();
    let before = count(&db, &["admission", "list"]);
    let o = hallctl(&db, &["admission", "check", "--department", "C-HBJ", "--title", "排污许可核查"]);
    assert!(o.status.success());
    assert!(out(&o).contains("清单外事项，不予准入") && out(&o).contains("三(二)"), "{}", out(&o));
    assert_eq!(count(&db, &["admission", "list"]), before, "check records nothing");
    let t =
        json(&db, &["admission", "record", "--department", "C-JTJ", "--title", "运输车辆检查", "--entry", "ZZ-201"]);
    assert_eq!((t["rule"].as_str(), t["state"].as_str()), (Some("county_duty"), Some("refused")));
    let t = json_line(&db, "admission record --department C-MZJ --title 低保年度核查 --entry ZZ-101 --due 2099-01-01");
    assert_eq!(t["state"], "tracking");
    let number = t["number"].as_str().unwrap();
    let o = hallctl(&db, &["admission", "done", number, "--note", "已报送"]);
    assert!(out(&o).contains("已完成"), "{}", out(&o));
    refused(&db, &["admission", "done", number, "--note", "again"], "只有办理中的任务");
    let o = hallctl(&db, &["admission", "record", "--department", "C-JYJ", "--title", "控辍保学", "--veto"]);
    assert!(out(&o).contains("一票否决"), "{}", out(&o));
    assert_eq!(count(&db, &["admission", "list"]), before + 3);
    refused(&db, &["admission", "record", "--department", "T-SHSW", "--title", "x"], "乡镇内设机构");
    refused(&db, &["admission", "list", "--state", "whatever"], "不是准入任务状态");
    refused(&db, &["admission", "record", "--department", "C-MZJ", "--title", "x", "--user", "clerk1"], "中心主任");
    assert_eq!(count(&db, &["admission", "list"]), before + 3);
}

#[test]
fn a_consultation_call_back_is_closed_by_its_number() {
    let (_dir, db) = demo();
    refused(&db, &["consult", "log", "--topic", "低保", "--answer", "已告知", "--callback"], "必须留下联系电话");
    let c = json_line(
        &db,
        "consult log --topic 低保怎么申请 --answer 核实后回复 --callback --phone 13912345678 --user clerk1",
    );
    assert_eq!(c["clerk"], "clerk1");
    let number = c["number"].as_str().unwrap().to_string();
    let open = json(&db, &["consult", "list", "--open"]);
    assert!(open.as_array().unwrap().iter().any(|c| c["number"] == number.as_str()));
    let o = hallctl(&db, &["consult", "close", &number, "--result", "已电话答复"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("已回访"), "{}", out(&o));
    let open = json(&db, &["consult", "list", "--open"]);
    assert!(!open.as_array().unwrap().iter().any(|c| c["number"] == number.as_str()));
    refused(&db, &["consult", "close", &number, "--result", "again"], "已于");
    refused(&db, &["consult", "log", "--topic", "x", "--answer", "y", "--user", "officer.shsw"], "前台受理员");
}

#[test]
fn a_demand_goes_from_logged_to_answered() {
    let (_dir, db) = demo();
    let d = json_line(&db, "demand log --kind 人民建议 --category 公共服务 --village 惠头村 --content 增设代办服务");
    let number = d["number"].as_str().unwrap().to_string();
    refused(&db, &["demand", "answer", &number, "--answer", "好"], "尚未审核");
    refused(&db, &["demand", "review", &number, "--decline"], "须写明理由");
    let o = hallctl(&db, &["demand", "review", &number, "--adopt", "--note", "转党政办研究"]);
    assert!(out(&o).contains("已采纳"), "{}", out(&o));
    let o = hallctl(&db, &["demand", "answer", &number, "--answer", "已增设"]);
    assert!(out(&o).contains("已答复"), "{}", out(&o));
    let answered = json(&db, &["demand", "list", "--state", "已答复"]);
    assert!(answered.as_array().unwrap().iter().any(|d| d["number"] == number.as_str()));
    refused(&db, &["demand", "log", "--category", "杂项", "--village", "x", "--content", "y"], "诉求类别");
    refused(&db, &["demand", "review", &number, "--adopt", "--user", "clerk1"], "中心主任");
}

#[test]
fn a_coordination_issue_is_raised_and_answered() {
    let (_dir, db) = demo();
    let i =
        json_line(&db, "coord raise --department C-ZFJ --kind 综合执法 --what 私搭乱建 --where 惠头村 --urgency 紧急");
    let number = i["number"].as_str().unwrap().to_string();
    assert!(i["due_on"].as_str().unwrap() > i["raised_on"].as_str().unwrap());
    let o = hallctl(&db, &["coord", "list", "--open"]);
    assert!(out(&o).contains(&number), "{}", out(&o));
    refused(
        &db,
        &["coord", "answer", &number, "--answer", "已处置", "--result", "搞定", "--satisfaction", "满意"],
        "办理结果",
    );
    let o = hallctl(
        &db,
        &["coord", "answer", &number, "--answer", "已处置", "--result", "已解决", "--satisfaction", "满意"],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("部门答复"), "{}", out(&o));
    let o = hallctl(&db, &["coord", "list", "--open"]);
    assert!(!out(&o).contains(&number));
    refused(
        &db,
        &["coord", "raise", "--department", "T-ZFD", "--kind", "综合执法", "--what", "x", "--where", "y"],
        "不是县级部门",
    );
    refused(
        &db,
        &[
            "coord",
            "raise",
            "--department",
            "C-ZFJ",
            "--kind",
            "综合执法",
            "--what",
            "x",
            "--where",
            "y",
            "--urgency",
            "很急",
        ],
        "紧急程度",
    );
    // Every change above is in the chained log, and the chain holds.
    let o = hallctl(&db, &["audit", "verify"]);
    assert!(o.status.success(), "{}", out(&o));
}
