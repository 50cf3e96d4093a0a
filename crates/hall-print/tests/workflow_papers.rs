//! The papers of the workflow rules, from a real store and read back with `pdftotext`: the
//! 不予许可决定书 / 不予办理决定书 of 办结（不通过）, the 视为撤回通知书 of a 补正 never brought,
//! and the wall list and 政务公开 export carrying each item's 设定依据 and 收费依据.

mod common;

use common::*;
use hall_core::documents::{CasePaper, DocRequest};
use hall_core::lifecycle::Action;
use hall_core::publish::{self, ExportFormat, PublicList};
use hall_core::store::ActParams;
use hall_core::Store;

const PERSON_BASE: &str = "23122119800101123";

/// A case of `code` with every material, accepted on Mon 2026-11-23 and claimed by its officer.
fn claimed(s: &mut Store, code: &str) -> String {
    s.set_now(Some(at("2026-11-23 09:00")));
    let item = s.catalog_item(code, None).unwrap();
    let all: Vec<String> = item.item.materials.iter().map(|m| m.name.clone()).collect();
    let person = serde_json::json!({"kind": "person", "id_number": resident_id(PERSON_BASE), "name": "欧阳𠀾龘",
        "phone": "13800001111", "address": "卫星镇惠头村"});
    let n = intake(s, serde_json::json!({"item_code": code, "applicant": person, "materials": all}));
    let officer = s.case_officer(&n).unwrap().unwrap();
    s.act(&n, Action::Claim, &officer, &ActParams::default()).unwrap();
    n
}

fn rejected(s: &mut Store, code: &str, reason: &str) -> String {
    let n = claimed(s, code);
    let officer = s.case_officer(&n).unwrap().unwrap();
    let p = ActParams { note: reason.into(), ..ActParams::default() };
    s.act(&n, Action::Reject, &officer, &p).unwrap();
    n
}

/// The checks every case paper passes: the hall, the number, the needles, no whole ID number,
/// inside the margins with no overlap, one page.
fn check_paper(s: &Store, dir: &std::path::Path, number: &str, paper: CasePaper, name: &str, needles: &[&str]) {
    let pdf = hall_print::render(s, &DocRequest::Case { number: number.into(), paper }).unwrap();
    let p = read(&pdf, dir, name);
    assert_has(&p, name, &["卫星镇便民服务中心", number, "行政复议", "行政诉讼", "申请人签收"]);
    assert_has(&p, name, needles);
    assert!(!contains(&p, &resident_id(PERSON_BASE)), "{name} shows the whole ID number");
    assert!(contains(&p, "2312**********"), "{name}: the masked ID");
    assert_laid_out(&p, name);
    assert_eq!(p.pages, 1, "{name}");
}

#[test]
fn a_rejected_case_gets_its_decision_paper_titled_by_the_item_type() {
    let (dir, mut s) = hall();
    let permit = rejected(&mut s, "231221102-NY-XK-0001", "拟建房屋占用永久基本农田，不符合村庄规划");
    let benefit = rejected(&mut s, "231221102-MZ-JF-0003", "申请人家庭人均收入高于临时救助标准");
    let offer =
        |s: &Store, n: &str| s.case_detail(n).unwrap().documents.into_iter().find(|d| d.paper == CasePaper::Decision);
    assert_eq!(offer(&s, &permit).unwrap().title, "不予许可决定书");
    assert_eq!(offer(&s, &benefit).unwrap().title, "不予办理决定书");
    let basis = s.catalog_item("231221102-NY-XK-0001", None).unwrap().item.basis;
    let basis_head: String = basis.chars().take(12).collect();
    check_paper(
        &s,
        dir.path(),
        &permit,
        CasePaper::Decision,
        "decision-permit",
        &[
            "不予许可决定书",
            "决定不予行政许可",
            "不予许可理由",
            "拟建房屋占用永久基本农田，不符合村庄规划",
            "法律依据",
            &basis_head,
        ],
    );
    check_paper(
        &s,
        dir.path(),
        &benefit,
        CasePaper::Decision,
        "decision-other",
        &["不予办理决定书", "决定不予办理", "申请人家庭人均收入高于临时救助标准", "临时救助申请"],
    );
    // Still offered after the result went out at the window; not on an approved case.
    let clerk = s.user("clerk1").unwrap();
    let mail = hall_core::store::Delivery {
        method: hall_core::store::DeliveryMethod::Mail,
        collector_name: String::new(),
        collector_id: String::new(),
        tracking: "YZ1234567890".into(),
    };
    s.act(&benefit, Action::Deliver, &clerk, &ActParams { delivery: Some(mail), ..ActParams::default() }).unwrap();
    assert!(offer(&s, &benefit).is_some());
    let approved = claimed(&mut s, "231221102-MZ-JF-0003");
    let officer = s.case_officer(&approved).unwrap().unwrap();
    s.act(&approved, Action::Approve, &officer, &ActParams::default()).unwrap();
    let e = hall_print::render(&s, &DocRequest::Case { number: approved, paper: CasePaper::Decision }).unwrap_err();
    assert!(e.message.contains("没有不予许可（办理）决定书可打印"), "{}", e.message);
}

#[test]
fn a_supplement_never_brought_gets_the_deemed_withdrawn_notice() {
    let (dir, mut s) = hall();
    let n = claimed(&mut s, "231221102-MZ-JF-0003");
    let officer = s.case_officer(&n).unwrap().unwrap();
    let director = s.user("director").unwrap();
    let clerk = s.user("clerk1").unwrap();
    // Asked once by the officer, brought; asked again by the director (一次性告知 broken, counted).
    let first = ActParams { note: "请补充户口簿".into(), ..ActParams::default() };
    s.act(&n, Action::RequestSupplement, &officer, &first).unwrap();
    s.act(&n, Action::SupplementReceived, &clerk, &ActParams::default()).unwrap();
    let ask = ActParams {
        note: "请补充家庭成员收入证明（村委会盖章）".into(),
        due: Some("2026-11-25".parse().unwrap()),
        ..ActParams::default()
    };
    s.act(&n, Action::RequestSupplement, &director, &ask).unwrap();
    let unit = s.case_detail(&n).unwrap().summary.unit_name;
    let day = "2026-11-23".parse().unwrap();
    let sheet = read(&hall_print::render(&s, &DocRequest::Daily { date: day }).unwrap(), dir.path(), "daily-repeat");
    assert_has(&sheet, "daily-repeat", &[&format!("再次补正 1 件（{unit} 1）")]);
    assert_laid_out(&sheet, "daily-repeat");
    let e = hall_print::render(&s, &DocRequest::Case { number: n.clone(), paper: CasePaper::DeemedWithdrawn });
    assert!(e.is_err(), "not before the case is deemed withdrawn");
    s.set_now(Some(at("2026-11-26 09:00")));
    s.act(&n, Action::SupplementLapse, &director, &ActParams::default()).unwrap();
    check_paper(
        &s,
        dir.path(),
        &n,
        CasePaper::DeemedWithdrawn,
        "deemed-withdrawn",
        &[
            "视为撤回通知书",
            "临时救助申请",
            "请补充家庭成员收入证明（村委会盖章）",
            "补正期限2026年11月25日",
            "视为撤回日期2026年11月26日",
            "视为撤回",
            "重新提出申请",
        ],
    );
}

#[test]
fn the_wall_list_and_the_public_export_carry_the_basis_and_the_fee_basis() {
    let (dir, s) = hall();
    let items: Vec<_> = s.catalog_items(None, None).unwrap().into_iter().map(|v| v.item).collect();
    let with_fee_basis = items.iter().find(|i| !i.fee_basis.is_empty()).expect("the demo has a fee basis");
    let pdf = hall_print::render(&s, &DocRequest::CatalogWall).unwrap();
    let p = read(&pdf, dir.path(), "wall-catalog");
    assert_laid_out(&p, "wall-catalog");
    assert_has(&p, "wall-catalog", &["设定依据", "收费依据：—"]);
    for i in &items {
        // A basis wraps inside its cell: its first characters are read whole.
        let head: String = i.basis.chars().take(6).collect();
        assert_has(&p, "wall-catalog", &[&head]);
    }
    let fee_head: String = with_fee_basis.fee_basis.chars().take(6).collect();
    assert_has(&p, "wall-catalog", &[&fee_head]);

    let html = String::from_utf8(publish::export(&s, PublicList::Service, ExportFormat::Html).unwrap().bytes).unwrap();
    assert!(html.contains("<th scope=\"col\">设定依据</th>") && html.contains("收费依据：—"));
    assert!(html.contains(&format!("收费依据：{}", with_fee_basis.fee_basis)));
    for i in &items {
        assert!(html.contains(&i.basis), "{} lacks its basis on the web page", i.code);
    }
    let csv = String::from_utf8(publish::export(&s, PublicList::Service, ExportFormat::Csv).unwrap().bytes).unwrap();
    let json = String::from_utf8(publish::export(&s, PublicList::Service, ExportFormat::Json).unwrap().bytes).unwrap();
    assert!(csv.lines().next().unwrap().contains("设定依据") && csv.lines().next().unwrap().contains("收费依据"));
    assert!(csv.contains(&with_fee_basis.fee_basis) && json.contains(&with_fee_basis.fee_basis));
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    for it in doc["items"].as_array().unwrap() {
        assert!(it.get("basis").is_some() && it.get("fee_basis").is_some(), "{it}");
    }
}
