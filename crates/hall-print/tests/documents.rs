//! Every document, rendered from a real store, read back with poppler's `pdftotext`: the
//! Chinese content is there, full ID numbers are not, every word lies inside the printable
//! area, no two words overlap, and long tables repeat their header on each page.

use chrono::NaiveDate;
use hall_core::admission::TaskTerms;
use hall_core::consult::ConsultInput;
use hall_core::coordination::{IssueAnswer, IssueInput, IssueUrgency};
use hall_core::demands::{DemandInput, DemandKind};
use hall_core::documents::{CasePaper, DocRequest};
use hall_core::duties::{DutyFile, DutyList};
use hall_core::lifecycle::Action;
use hall_core::store::{ActParams, AdmissionInput, Delivery, DeliveryMethod};
use hall_core::Store;

mod common;

use common::*;

/// Tests that point `YICHUANG_PRINT_COMMAND` somewhere take turns (the environment is shared).
static PRINTER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// A sample of the county's lists (the demo's own list file may replace it).
const DUTIES: &str = include_str!("../../hall-core/tests/data/duties.json");

/// A case waiting at the pickup window mailed out at desk 1 on the hall network, and rated
/// `level` there by the citizen on the counter's rating screen.
fn screen_rated(s: &mut Store, level: u8) -> String {
    use hall_core::store::SessionUser;
    let waiting = s.list_cases(Some(hall_core::lifecycle::CaseState::Approved), None, 1).unwrap();
    let number = waiting.first().expect("a case waits at the pickup window").number.clone();
    let mail = Delivery {
        method: DeliveryMethod::Mail,
        collector_name: String::new(),
        collector_id: String::new(),
        tracking: "SF1234567890".into(),
    };
    {
        let _desk = hall_core::origin::enter("1号窗口");
        let p = ActParams { delivery: Some(mail), ..ActParams::default() };
        s.act(&number, Action::Deliver, &s.user("clerk1").unwrap(), &p).unwrap();
    }
    let screen = SessionUser { serves: Some("1号窗口".into()), ..SessionUser::rating_screen("1号窗口评价器") };
    s.screen_rate(&number, level, &["等候时间长".to_string()], "", &screen).unwrap();
    number
}

/// A consultation at the desk; with a call back owed when `phone` is given.
fn consult(s: &mut Store, topic: &str, phone: Option<&str>) -> String {
    let input = ConsultInput {
        topic: topic.into(),
        answer: "已一次性告知办理条件、所需材料和办理地点".into(),
        phone: phone.unwrap_or_default().into(),
        callback: phone.is_some(),
        ..Default::default()
    };
    s.log_consultation(&input, "clerk1").unwrap().number
}

fn demand(s: &mut Store, kind: DemandKind, category: &str, village: &str) -> String {
    let input = DemandInput {
        kind,
        category: category.into(),
        village: village.into(),
        content: "村里到镇上的道路冬季积雪清理不及时，希望增加清雪次数".into(),
        citizen_name: "赵大娘".into(),
        phone: "13912345678".into(),
    };
    s.log_demand(&input, "clerk1").unwrap().number
}

#[test]
fn each_case_paper_says_what_happened_with_the_id_masked() {
    let (dir, mut s) = hall();
    s.set_now(Some(at("2026-11-20 09:10")));
    let id = resident_id("23122119800101123");
    let person = serde_json::json!({"kind": "person", "id_number": id, "name": "欧阳𠀾龘", "phone": "13800001111", "address": "卫星镇惠头村"});
    let item = s.catalog_item("231221102-MZ-JF-0003", None).unwrap();
    let all: Vec<String> = item.item.materials.iter().map(|m| m.name.clone()).collect();
    let deferrable = item.item.materials.iter().find(|m| m.deferrable).unwrap().name.clone();
    let some: Vec<&String> = all.iter().filter(|m| **m != deferrable).collect();

    let accepted =
        intake(&mut s, serde_json::json!({"item_code": item.item.code, "applicant": person, "materials": all}));
    let pending = intake(
        &mut s,
        serde_json::json!({"item_code": item.item.code, "applicant": person, "materials": some, "outcome": "accept_pending"}),
    );
    let notified = intake(
        &mut s,
        serde_json::json!({"item_code": item.item.code, "applicant": person, "materials": [], "outcome": "notify_missing"}),
    );
    let refused = intake(
        &mut s,
        serde_json::json!({"item_code": item.item.code, "applicant": person, "materials": all, "outcome": "refuse",
            "note": "申请人家庭收入超过临时救助标准"}),
    );
    // Through the back office to the pickup window.
    let officer = s.case_officer(&accepted).unwrap().unwrap();
    let clerk = s.user("clerk1").unwrap();
    s.act(&accepted, Action::Claim, &officer, &ActParams::default()).unwrap();
    s.act(&accepted, Action::Approve, &officer, &ActParams::default()).unwrap();
    let delivery = Delivery {
        method: DeliveryMethod::Mail,
        collector_name: "欧阳𠀾龘".into(),
        collector_id: String::new(),
        tracking: "YZ9876543210".into(),
    };
    s.act(&accepted, Action::Deliver, &clerk, &ActParams { delivery: Some(delivery), ..Default::default() }).unwrap();

    let masked = "2312**********";
    let cases = [
        (
            &accepted,
            CasePaper::Receipt,
            vec!["受理回执", "卫星镇便民服务中心", "临时救助申请", "欧阳𠀾龘", masked, "承诺办结", "申请人（签字）"],
        ),
        (&accepted, CasePaper::Delivery, vec!["出件签收单", "邮寄送达", "YZ9876543210", "办结（通过）"]),
        (&pending, CasePaper::Commitment, vec!["容缺受理承诺书", "第一联", "第二联", &deferrable, "承诺人（签字）"]),
        (&notified, CasePaper::Notice, vec!["一次性告知书", "获取途径", &all[0], "申请人签收"]),
        (
            &refused,
            CasePaper::Refusal,
            vec!["不予受理通知书", "申请人家庭收入超过临时救助标准", "行政复议", "行政诉讼"],
        ),
    ];
    for (number, paper, needles) in cases {
        let pdf = hall_print::render(&s, &DocRequest::Case { number: number.clone(), paper }).unwrap();
        let p = read(&pdf, dir.path(), paper.key());
        assert_has(&p, paper.key(), &needles);
        assert_has(&p, paper.key(), &[number.as_str()]);
        assert!(!contains(&p, &id), "{} shows the whole ID number", paper.key());
        assert_laid_out(&p, paper.key());
        assert_eq!(p.pages, if paper == CasePaper::Commitment { 2 } else { 1 }, "{}", paper.key());
    }
    // A paper the case has not reached is refused in Chinese.
    let e =
        hall_print::render(&s, &DocRequest::Case { number: refused.clone(), paper: CasePaper::Receipt }).unwrap_err();
    assert!(e.message.contains("没有受理回执可打印") && e.message.contains("不予受理通知书"), "{}", e.message);
    let e = hall_print::render(
        &s,
        &DocRequest::Case { number: "231221102-20990101-0001".into(), paper: CasePaper::Receipt },
    )
    .unwrap_err();
    assert!(e.message.contains("没有编号为"), "{}", e.message);
}

#[test]
fn long_names_and_long_items_wrap_inside_the_page() {
    let (dir, mut s) = hall();
    let long_item = format!(
        "{}（含跨区域通办、容缺受理及邮寄送达）",
        "农村集体经济组织成员身份确认及土地承包经营权变更登记".repeat(3)
    );
    let catalog = serde_json::json!({
        "version": "2026.11-长名称",
        "effective_date": "2026-11-01",
        "units": [{"code": "T-NYZX", "name": "农业综合服务中心（农村经营管理站、农业技术推广站、畜牧兽医站）", "level": "township"}],
        "items": [{
            "code": "231221102-NY-TEST-0001",
            "name": long_item,
            "item_type": "公共服务",
            "category": "农业农村经济发展",
            "unit": "T-NYZX",
            "kind": "承诺件",
            "legal_days": 20,
            "promised_days": 10,
            "materials": [
                {"name": format!("{}证明材料", "村民委员会及村务监督委员会共同出具并经公示无异议的".repeat(2)), "form": "原件"},
                {"name": "申请人居民身份证", "form": "复印件", "source": format!("{}办理", "县公安局户政大厅或卫星镇派出所户籍窗口".repeat(3))},
                {"name": "土地承包经营权证", "form": "原件", "deferrable": true}
            ]
        }]
    });
    let file = hall_core::catalog::CatalogFile::parse_json(&catalog.to_string()).unwrap();
    s.import_catalog(&file, "test").unwrap();
    s.set_now(Some(at("2026-11-20 10:00")));
    let name = format!("{}𠀾", "爱新觉罗·欧阳慕容司马上官".repeat(8));
    let name: String = name.chars().skip(name.chars().count() - 100).collect();
    let person = serde_json::json!({"kind": "person", "id_number": resident_id("23122119800101123"), "name": name, "phone": "13800001111"});
    let item = "231221102-NY-TEST-0001";
    let long_material = format!("{}证明材料", "村民委员会及村务监督委员会共同出具并经公示无异议的".repeat(2));
    let mats = [long_material.as_str(), "申请人居民身份证", "土地承包经营权证"];
    let number = intake(&mut s, serde_json::json!({"item_code": item, "applicant": person, "materials": mats}));
    let notified = intake(
        &mut s,
        serde_json::json!({"item_code": item, "applicant": person, "materials": [], "outcome": "notify_missing"}),
    );
    for (n, paper) in [(&number, CasePaper::Receipt), (&notified, CasePaper::Notice)] {
        let pdf = hall_print::render(&s, &DocRequest::Case { number: n.clone(), paper }).unwrap();
        let p = read(&pdf, dir.path(), &format!("long-{}", paper.key()));
        assert_laid_out(&p, paper.key());
        assert_has(&p, paper.key(), &["𠀾", "农村集体经济组织成员身份确认"]);
    }
    let wall = hall_print::render(&s, &DocRequest::CatalogWall).unwrap();
    let p = read(&wall, dir.path(), "long-wall");
    assert_laid_out(&p, "wall");
    assert_has(&p, "wall", &["政务服务事项公示", "农村集体经济组织成员身份确认", "（可容缺）"]);
}

#[test]
fn a_busy_day_runs_to_several_pages_with_headers_and_page_numbers() {
    let (dir, mut s) = hall();
    let day = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let items: Vec<String> = s.catalog_items(None, None).unwrap().into_iter().map(|i| i.item.code).collect();
    let given: Vec<char> = "建国秀英桂兰志强春梅海燕丽华振东玉珍德明淑芬".chars().collect();
    let name = |i: usize| format!("王{}{}", given[i % given.len()], given[(i / given.len() + 3) % given.len()]);
    for i in 0..45 {
        s.set_now(Some(day.and_hms_opt(8 + i / 6, (i % 6) * 9, 0).unwrap()));
        let code = &items[i as usize % items.len()];
        let item = s.catalog_item(code, None).unwrap();
        let mats: Vec<String> = item.item.materials.iter().map(|m| m.name.clone()).collect();
        let outcome = if item.item.kind == hall_core::catalog::CaseKind::Instant { "instant" } else { "accept" };
        let id = resident_id(&format!("23122119{:02}0101{:03}", 60 + i % 40, 100 + i));
        intake(
            &mut s,
            serde_json::json!({"item_code": code, "outcome": outcome, "materials": mats,
                "applicant": {"kind": "person", "id_number": id, "name": name(i as usize), "phone": "13800001111"}}),
        );
    }
    s.set_now(Some(day.and_hms_opt(10, 20, 0).unwrap()));
    let owed = consult(&mut s, "最低生活保障申请条件", Some("13912345678"));
    let asked = consult(&mut s, "城乡居民医保缴费标准", None);
    let heard = demand(&mut s, DemandKind::Demand, "基础设施", "惠头村");
    let suggested = demand(&mut s, DemandKind::Suggestion, "公共服务", "信头村");
    let pdf = hall_print::render(&s, &DocRequest::Daily { date: day }).unwrap();
    let p = read(&pdf, dir.path(), "daily");
    assert!(p.pages >= 3, "45 cases should take several pages, got {}", p.pages);
    assert_laid_out(&p, "daily");
    assert_has(
        &p,
        "daily",
        &["每日服务台账", "2026年11月23日", "星期一", "接件", "一次性告知", "逾期", "制表人", "审核人"],
    );
    assert_has(&p, "daily", &[&name(0), &name(44), &format!("第{}页共{}页", p.pages, p.pages)]);
    assert_has(
        &p,
        "daily",
        &["咨询与群众诉求", "当日咨询登记", &owed, &asked, "最低生活保障申请条件", "需回访（期限2026-11-24）"],
    );
    assert_has(&p, "daily", &["无需回访", "当日群众诉求", &heard, &suggested, "人民建议", "惠头村", "待审核"]);
    assert!(!p.text.contains("13912345678"), "a full phone number is on the daily sheet");
    // The case list's header repeats on every page it runs onto.
    let list_pages: Vec<usize> = (1..=p.pages)
        .filter(|pg| p.words.iter().any(|w| w.page == *pg && w.text.starts_with("231221102-20261123-")))
        .collect();
    assert!(list_pages.len() >= 2);
    for pg in list_pages {
        assert!(p.words.iter().any(|w| w.page == pg && w.text == "办件编号"), "no header on page {pg}");
    }
    assert!(!p.text.contains("231221198"), "a full ID number is on the daily sheet");
    let figures = s.figures(day, day).unwrap();
    assert_eq!(figures.counts.logged, 45);
    assert_eq!(figures.by_clerk.iter().map(|t| t.count).sum::<u32>(), 45);
}

#[test]
fn the_period_report_carries_the_numbers_and_charts() {
    let (dir, mut s) = hall();
    let (from, to) = (NaiveDate::from_ymd_opt(2026, 10, 22).unwrap(), NaiveDate::from_ymd_opt(2026, 11, 20).unwrap());
    let f = s.figures(from, to).unwrap();
    assert!(f.counts.logged > 100 && f.counts.decided > 0 && f.ratings.count > 0, "{:?}", f.counts);
    assert_eq!(f.by_day.len(), 30);
    assert_eq!(f.by_day.iter().map(|d| d.logged).sum::<u32>(), f.counts.logged);
    assert_eq!(f.by_hour.iter().sum::<u32>(), f.counts.logged);
    assert_eq!(f.by_category.iter().map(|t| t.count).sum::<u32>(), f.counts.logged);
    assert!(f.on_time <= f.decided_with_due && (0.0..=1.0).contains(&f.on_time_rate));
    assert!(!f.county.is_empty(), "the sample hall forwards cases to county departments");
    let pdf = hall_print::render(&s, &DocRequest::Period { from, to }).unwrap();
    let p = read(&pdf, dir.path(), "period");
    assert_laid_out(&p, "period");
    assert_has(
        &p,
        "period",
        &[
            "服务统计报告",
            "每日办件趋势",
            "接件时段分布",
            "按事项类别",
            "平均办理用时",
            "县级部门上报件办理情况",
            "评价分布",
        ],
    );
    assert_has(&p, "period", &[&format!("按期办结率{:.1}%", f.on_time_rate * 100.0), &f.county[0].unit_name]);
    // The hall's own records, in the week after the sample history so that the counts are
    // exactly the ones made here.
    s.import_duties(&DutyFile::parse_json(DUTIES).unwrap(), "test").unwrap();
    s.set_now(Some(at("2026-11-23 09:30")));
    consult(&mut s, "最低生活保障申请条件", Some("13912345678"));
    consult(&mut s, "最低生活保障申请条件", None);
    demand(&mut s, DemandKind::Demand, "基础设施", "惠头村");
    screen_rated(&mut s, 2);
    let task = |department: &str, entry: Option<&str>, terms: TaskTerms| AdmissionInput {
        department: department.into(),
        title: "开展辖区内防溺水宣传".into(),
        content: String::new(),
        doc_ref: "望民发〔2026〕12号".into(),
        received_on: None,
        entry_code: entry.map(String::from),
        terms,
        due_on: None,
    };
    for (dept, entry, terms) in [
        ("C-MZJ", Some("ZZ-001"), TaskTerms::default()),
        ("C-MZJ", None, TaskTerms::default()),
        ("C-NYJ", Some("ZZ-003"), TaskTerms::default()),
        ("C-YJJ", Some("ZZ-006"), TaskTerms { transfer: true, ..TaskTerms::default() }),
    ] {
        s.record_admission(&task(dept, entry, terms), "director").unwrap();
    }
    let issue = IssueInput {
        kind: "应急处置".into(),
        title: "惠头村河道冰面塌陷，需设置警示".into(),
        location: "惠头村".into(),
        urgency: IssueUrgency::Urgent,
        department: "C-YJJ".into(),
    };
    let raised = s.raise_issue(&issue, "director").unwrap().number;
    s.raise_issue(&IssueInput { department: "C-ZRJ".into(), ..issue }, "director").unwrap();
    s.set_now(Some(at("2026-11-27 17:30")));
    let answer = IssueAnswer {
        answer: "已派员设置警示标志".into(),
        answered_on: Some(NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()),
        result: "已解决".into(),
        satisfaction: "满意".into(),
    };
    s.answer_issue(&raised, &answer, "director").unwrap();
    let week = (NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), NaiveDate::from_ymd_opt(2026, 11, 27).unwrap());
    let pdf = hall_print::render(&s, &DocRequest::Period { from: week.0, to: week.1 }).unwrap();
    let p = read(&pdf, dir.path(), "period-records");
    assert_laid_out(&p, "period-records");
    assert_has(
        &p,
        "period-records",
        &[
            "咨询与回访",
            "本期登记咨询2件，其中需回访1件",
            "最低生活保障申请条件",
            "群众诉求",
            "本期登记群众诉求1件（群众需求1件）",
            "职责准入",
            "本期收到县级部门下派任务4件，经对照职责清单准入1件，不予准入3件",
            "清单外事项",
            "清单外事项，不予准入",
            "县乡联动",
            "望奎县应急管理局",
            "县级部门评价",
            "联动按期",
            "100.0%",
            "满意1",
        ],
    );
    // The week's one rating came from a counter's rating screen; none was keyed in by staff.
    assert_has(&p, "period-records", &["评价渠道评价数平均分差评满意率", "评价器12.0010.0%", "窗口代录0—0—"]);
    assert_has(&p, "period-records", &["不满意（评价器）", "不满意（窗口代录）"]);
    let e = hall_print::render(&s, &DocRequest::Period { from: week.1, to: week.0 }).unwrap_err();
    assert!(e.message.contains("早于"), "{}", e.message);
}

#[test]
fn printing_is_recorded_and_a_failed_printer_says_why() {
    let (dir, mut s) = hall();
    let number = s.list_cases(Some(hall_core::lifecycle::CaseState::Delivered), None, 1).unwrap()[0].number.clone();
    let req = DocRequest::Case { number: number.clone(), paper: CasePaper::Delivery };
    let out = dir.path().join("签收单.pdf");
    hall_print::save(&mut s, "clerk1", &req, &out).unwrap();
    assert!(std::fs::read(&out).unwrap().starts_with(b"%PDF-"));
    let events = s.case_detail(&number).unwrap().events;
    let last = events.last().unwrap();
    assert_eq!(last.action, "print");
    assert!(last.note.contains("另存为") && last.note.contains("出件签收单"), "{}", last.note);
    // Saving into a folder that does not exist fails whole, with nothing recorded.
    let before = s.case_detail(&number).unwrap().events.len();
    let e = hall_print::save(&mut s, "clerk1", &req, &dir.path().join("无此目录/x.pdf")).unwrap_err();
    assert!(e.message.contains("无法保存到"), "{}", e.message);
    assert_eq!(s.case_detail(&number).unwrap().events.len(), before);
}

/// The printer is the operating system's; a script stands in for CUPS `lp` (same arguments:
/// `-t TITLE FILE`) so the test sees what would have been printed.
#[cfg(unix)]
#[test]
fn a_print_goes_to_the_print_command_and_is_recorded() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, mut s) = hall();
    let number = s.list_cases(Some(hall_core::lifecycle::CaseState::Refused), None, 1).unwrap()[0].number.clone();
    let req = DocRequest::Case { number: number.clone(), paper: CasePaper::Refusal };
    let script = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    };
    let printed = dir.path().join("printed.pdf");
    let ok = script("lp-ok", &format!("cp \"$3\" '{}'; echo \"request id is hall-1 ($2)\"", printed.display()));
    let broken = script("lp-broken", "echo 'lp: Error - no default destination available.' >&2; exit 1");

    let _turn = PRINTER.lock().unwrap_or_else(|p| p.into_inner());
    std::env::set_var("YICHUANG_PRINT_COMMAND", &broken);
    let before = s.case_detail(&number).unwrap().events.len();
    let e = hall_print::print(&mut s, "clerk1", &req).unwrap_err();
    assert!(e.message.contains("打印未完成") && e.message.contains("no default destination"), "{}", e.message);
    assert_eq!(s.case_detail(&number).unwrap().events.len(), before, "a failed print is not recorded");

    std::env::set_var("YICHUANG_PRINT_COMMAND", &ok);
    let said = hall_print::print(&mut s, "clerk1", &req).unwrap();
    std::env::remove_var("YICHUANG_PRINT_COMMAND");
    assert!(said.contains("已发送到打印机") && said.contains("不予受理通知书"), "{said}");
    let p = read(&std::fs::read(&printed).unwrap(), dir.path(), "printed");
    assert_has(&p, "printed", &["不予受理通知书", &number]);
    let last = s.case_detail(&number).unwrap().events.last().cloned().unwrap();
    assert_eq!((last.action.as_str(), last.note.contains("打印")), ("print", true));
}

#[test]
fn no_print_service_is_said_in_chinese() {
    let (dir, mut s) = hall();
    let number = s.list_cases(Some(hall_core::lifecycle::CaseState::Refused), None, 1).unwrap()[0].number.clone();
    let req = DocRequest::Case { number, paper: CasePaper::Refusal };
    let _turn = PRINTER.lock().unwrap_or_else(|p| p.into_inner());
    std::env::set_var("YICHUANG_PRINT_COMMAND", dir.path().join("no-such-lp"));
    let e = hall_print::print(&mut s, "clerk1", &req).unwrap_err();
    std::env::remove_var("YICHUANG_PRINT_COMMAND");
    assert!(e.message.contains("找不到打印程序") && e.message.contains("另存为 PDF"), "{}", e.message);
}

#[test]
fn each_wall_list_shows_every_entry_with_its_basis_inside_the_page() {
    // A hall that never imported its lists has nothing to put up.
    let bare_dir = tempfile::tempdir().unwrap();
    let mut bare = Store::open(bare_dir.path().join("hall.db")).unwrap();
    bare.init("231221102", "卫星镇", "test").unwrap();
    let e = hall_print::render(&bare, &DocRequest::DutyWall { list: DutyList::Power }).unwrap_err();
    assert!(e.message.contains("尚未导入权力清单"), "{}", e.message);
    let (dir, mut s) = hall();
    let file = DutyFile::parse_json(DUTIES).unwrap();
    s.import_duties(&file, "test").unwrap();
    for list in DutyList::ALL {
        let name = format!("wall-{}", list.key());
        let pdf = hall_print::render(&s, &DocRequest::DutyWall { list }).unwrap();
        let p = read(&pdf, dir.path(), &name);
        assert_laid_out(&p, &name);
        let title = format!("卫星镇{}", list.label());
        assert_has(
            &p,
            &name,
            &[&title, "清单版本2026.11-测试，2026-11-01起施行", "依据来源", "责任主体", "县级部门职责"],
        );
        for e in file.entries.iter().filter(|e| e.list == list) {
            // A basis wraps inside its cell: its first line is read whole.
            let basis: String = e.basis.chars().take(8).collect();
            assert_has(&p, &name, &[&format!("编码{}", e.code), &basis, &e.category]);
        }
    }
}

#[test]
fn every_paper_is_stamped_with_the_halls_clock() {
    // Pinned far from the machine's clock (as YICHUANG_NOW pins it), so a footer taken from the
    // wall clock cannot pass by chance.
    let (dir, mut s) = hall();
    let number = s.list_cases(Some(hall_core::lifecycle::CaseState::Refused), None, 1).unwrap()[0].number.clone();
    s.set_now(Some(at("2031-03-04 10:20")));
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    for (name, req) in [
        ("stamp-refusal", DocRequest::Case { number, paper: CasePaper::Refusal }),
        ("stamp-daily", DocRequest::Daily { date: day }),
        ("stamp-wall", DocRequest::CatalogWall),
    ] {
        let p = read(&hall_print::render(&s, &req).unwrap(), dir.path(), name);
        assert_has(&p, name, &["打印于 2031-03-04 10:20"]);
    }
}
