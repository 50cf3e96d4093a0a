//! The lists, 准入, consultations, demands and 县乡联动 on a real store: each step, each refusal
//! (in Chinese, with nothing stored), and the event every change leaves in the chained log.

use chrono::{NaiveDate, NaiveDateTime};

use super::testing;
use super::*;
use crate::admission::{AdmissionRule, TaskTerms};
use crate::api::{dispatch, Request};
use crate::consult::ConsultInput;
use crate::coordination::{IssueAnswer, IssueInput, IssueUrgency};
use crate::demands::{DemandInput, DemandKind, DemandState};
use crate::duties::{DutyFile, DutyList};
use crate::error::ErrorCode;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The sample store with the sample lists, its clock at a Monday morning.
fn store() -> (tempfile::TempDir, Store) {
    let (d, mut s) = testing::store();
    s.set_now(Some(at("2026-11-16 09:00")));
    s.import_duties(&DutyFile::parse_json(crate::demo::SAMPLE_DUTIES).unwrap(), "test").unwrap();
    (d, s)
}

/// Rows of every table these records live in, and the events: what a refusal must leave alone.
fn footprint(s: &Store) -> Vec<i64> {
    ["duty_versions", "duty_entries", "admission_tasks", "consultations", "demands", "coordination_issues", "events"]
        .iter()
        .map(|t| s.conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap())
        .collect()
}

fn events_for(s: &Store, number: &str) -> Vec<String> {
    let mut st =
        s.conn.prepare("SELECT action FROM events WHERE json_extract(data, '$.record') = ?1 ORDER BY id").unwrap();
    st.query_map([number], |r| r.get(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
}

#[test]
fn lists_import_whole_versioned_and_refuse_what_does_not_fit() {
    let (_d, mut s) = store();
    let v = s.duty_versions().unwrap();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].per_list.iter().sum::<u32>() as i64, v[0].entry_count);
    let file = DutyFile::parse_json(crate::demo::SAMPLE_DUTIES).unwrap();
    assert!(s.import_duties(&file, "test").unwrap().unchanged);
    let before = footprint(&s);
    let mut other = file.clone();
    other.entries[0].name.push_str("（修订）");
    let e = s.import_duties(&other, "test").unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    assert!(e.message.contains("新的版本号"), "{}", e.message);
    // A department the hall does not know, named by no unit of the file: refused whole.
    let mut unknown = file.clone();
    unknown.version = "v2".into();
    unknown.units.clear();
    unknown.entries[0].department = Some("C-NOPE".into());
    let e = s.import_duties(&unknown, "test").unwrap_err();
    assert!(e.message.contains("C-NOPE"), "{}", e.message);
    assert_eq!(footprint(&s), before);
    // A new version replaces what the screens show.
    let mut next = file.clone();
    next.version = "2027.1".into();
    next.entries.retain(|e| e.list != DutyList::Power);
    s.import_duties(&next, "test").unwrap();
    assert!(s.duty_entries(DutyList::Power, None).unwrap().is_empty());
    let duty = s.duty_entries(DutyList::Duty, Some("低保")).unwrap();
    assert_eq!(duty.len(), 1);
    assert_eq!(duty[0].version, "2027.1");
    assert_eq!(duty[0].department_name.as_deref(), Some("望奎县民政局"));
    assert!(s.audit_verify().unwrap().intact);
}

fn task(dept: &str, entry: Option<&str>, terms: TaskTerms) -> AdmissionInput {
    AdmissionInput {
        department: dept.into(),
        title: "年度核查".into(),
        content: String::new(),
        doc_ref: "望民发〔2026〕3号".into(),
        received_on: None,
        entry_code: entry.map(String::from),
        terms,
        due_on: Some(day("2026-11-27")),
    }
}

#[test]
fn admission_tracks_what_is_on_the_list_and_refuses_the_rest_with_its_rule() {
    let (_d, mut s) = store();
    let none = TaskTerms::default();
    let cases = [
        (task("C-MZJ", Some("ZZ-101"), none), AdmissionRule::InList, TaskState::Tracking),
        (task("C-HBJ", None, none), AdmissionRule::NotInList, TaskState::Refused),
        (task("C-JTJ", Some("ZZ-201"), none), AdmissionRule::CountyDuty, TaskState::Refused),
        (
            task("C-JYJ", Some("ZR-007"), TaskTerms { veto: true, ..none }),
            AdmissionRule::OneVoteVeto,
            TaskState::Refused,
        ),
        (
            task("C-YJJ", Some("ZZ-117"), TaskTerms { transfer: true, ..none }),
            AdmissionRule::Transfer,
            TaskState::Refused,
        ),
        (task("C-TJJ", None, TaskTerms { deployed: true, ..none }), AdmissionRule::Deployed, TaskState::Tracking),
    ];
    // ZR-007 is on the 责任清单, not the 职责清单: the check looks at the 职责清单 only.
    let e = s.check_admission(&cases[3].0).unwrap_err();
    assert!(e.message.contains("职责清单中没有编码为“ZR-007”"), "{}", e.message);
    for (input, rule, state) in cases.iter().filter(|c| c.0.entry_code.as_deref() != Some("ZR-007")) {
        let check = s.check_admission(input).unwrap();
        assert_eq!(check.rule, *rule);
        let t = s.record_admission(input, "director").unwrap();
        assert_eq!((t.rule, t.state), (*rule, *state), "{}", t.title);
        assert!(t.basis.contains(rule.info().basis.split('：').next().unwrap()));
        assert_eq!(t.due_on.is_some(), *state == TaskState::Tracking, "a refused task has no deadline");
        assert_eq!(events_for(&s, &t.number), ["admission_record"]);
    }
    let tracking = s.admission_tasks(Some(TaskState::Tracking), 100).unwrap();
    assert_eq!(tracking.len(), 2);
    let refused = s.admission_tasks(Some(TaskState::Refused), 100).unwrap();
    let e = s.finish_admission(&refused[0].number, "做完了", "director").unwrap_err();
    assert!(e.message.contains("只有办理中的任务"), "{}", e.message);
    let done = s.finish_admission(&tracking[0].number, "已报送核查结果", "director").unwrap();
    assert_eq!(done.state, TaskState::Done);
    assert_eq!(done.done_on.as_deref(), Some("2026-11-16"));
    // Past its deadline, the other one is marked.
    s.set_now(Some(at("2026-11-30 09:00")));
    assert!(s.admission_task(&tracking[1].number).unwrap().overdue);
    assert!(!s.admission_task(&done.number).unwrap().overdue);
}

#[test]
fn admission_refuses_bad_input_and_stores_nothing() {
    let (_d, mut s) = store();
    let before = footprint(&s);
    let none = TaskTerms::default();
    for (input, says) in [
        (task("T-SHSW", None, none), "乡镇内设机构"),
        (task("C-NOPE", None, none), "不在单位列表中"),
        (task("C-MZJ", Some("ZZ-999"), none), "ZZ-999"),
        (AdmissionInput { title: " ".into(), ..task("C-MZJ", None, none) }, "任务名称不能为空"),
        (AdmissionInput { received_on: Some(day("2026-12-01")), ..task("C-MZJ", None, none) }, "晚于今天"),
        (AdmissionInput { due_on: Some(day("2026-11-01")), ..task("C-MZJ", None, none) }, "早于收到日期"),
    ] {
        let e = s.record_admission(&input, "director").unwrap_err();
        assert!(e.message.contains(says), "{} / {says}", e.message);
    }
    assert_eq!(footprint(&s), before);
    // Without a 职责清单 there is nothing to check against.
    let (_d2, mut bare) = testing::store();
    let e = bare.record_admission(&task("C-MZJ", None, none), "director").unwrap_err();
    assert!(e.message.contains("尚未导入职责清单"), "{}", e.message);
}

#[test]
fn a_consultation_with_a_call_back_is_tracked_to_closure() {
    let (_d, mut s) = store();
    // Friday afternoon: the next working day is Monday.
    s.set_now(Some(at("2026-11-20 15:00")));
    let code = s.catalog_items(None, None).unwrap()[0].item.code.clone();
    let quick = s
        .log_consultation(
            &ConsultInput { item_code: Some(code.clone()), answer: "已告知材料".into(), ..Default::default() },
            "clerk1",
        )
        .unwrap();
    assert_eq!(quick.topic, s.catalog_item(&code, None).unwrap().item.name, "the item names the topic");
    assert!(!quick.callback && quick.callback_due.is_none());
    let c = s
        .log_consultation(
            &ConsultInput {
                topic: "低保怎么申请".into(),
                answer: "已告知条件，需核实家庭收入后回复".into(),
                citizen_name: "王秀兰".into(),
                phone: "139-1234-5678".into(),
                callback: true,
                ..Default::default()
            },
            "clerk1",
        )
        .unwrap();
    assert_eq!(c.callback_due.as_deref(), Some("2026-11-23"));
    assert_eq!(c.phone, "13912345678");
    assert_eq!(c.clerk_name, s.user("clerk1").unwrap().name, "首问负责人");
    let open = s.consultations(ConsultFilter::OpenCallbacks, None, 100).unwrap();
    assert_eq!(open.iter().map(|c| c.number.as_str()).collect::<Vec<_>>(), [c.number.as_str()]);
    s.set_now(Some(at("2026-11-24 09:00")));
    assert!(s.consultation(&c.number).unwrap().overdue);
    let e = s.close_callback(&quick.number, "x", "clerk1").unwrap_err();
    assert!(e.message.contains("未要求回访"), "{}", e.message);
    let closed = s.close_callback(&c.number, "已电话告知，下周一来办理", "clerk2").unwrap();
    assert_eq!(closed.closed_by.as_deref(), Some("clerk2"));
    assert!(!closed.overdue);
    assert!(s.consultations(ConsultFilter::OpenCallbacks, None, 100).unwrap().is_empty());
    assert!(s.close_callback(&c.number, "again", "clerk1").unwrap_err().message.contains("已于"));
    assert_eq!(events_for(&s, &c.number), ["consult_log", "callback_close"]);
    let day_list = s.consultations(ConsultFilter::All, Some(day("2026-11-20")), 100).unwrap();
    assert_eq!(day_list.len(), 2);
    // The log keeps no phone number.
    let notes: String = s.conn.query_row("SELECT group_concat(note) FROM events", [], |r| r.get(0)).unwrap();
    assert!(!notes.contains("13912345678"));
}

#[test]
fn consultation_refusals_store_nothing() {
    let (_d, mut s) = store();
    let before = footprint(&s);
    let ok = ConsultInput { topic: "x".into(), answer: "y".into(), ..Default::default() };
    for (input, says) in [
        (ConsultInput { callback: true, ..ok.clone() }, "必须留下联系电话"),
        (ConsultInput { phone: "12345".into(), ..ok.clone() }, "不是有效号码"),
        (ConsultInput { topic: String::new(), ..ok.clone() }, "咨询事项不能为空"),
        (ConsultInput { answer: " ".into(), ..ok.clone() }, "答复内容不能为空"),
        (ConsultInput { item_code: Some("NO-SUCH".into()), ..ok.clone() }, "NO-SUCH"),
        (
            ConsultInput {
                callback: true,
                phone: "13912345678".into(),
                callback_due: Some(day("2026-11-01")),
                ..ok.clone()
            },
            "早于今天",
        ),
        (ConsultInput { topic: "a\u{202e}b".into(), ..ok.clone() }, "不可见"),
    ] {
        let e = s.log_consultation(&input, "clerk1").unwrap_err();
        assert!(e.message.contains(says), "{} / {says}", e.message);
    }
    assert!(s.close_callback("ZX-20261116-999", "x", "clerk1").unwrap_err().message.contains("没有编号"));
    assert_eq!(footprint(&s), before);
}

fn demand() -> DemandInput {
    DemandInput {
        kind: DemandKind::Demand,
        category: "基础设施".into(),
        village: "惠头村".into(),
        content: "村路冬季积雪清理不及时".into(),
        citizen_name: "李明".into(),
        phone: "13800001111".into(),
    }
}

#[test]
fn a_demand_is_reviewed_then_answered() {
    let (_d, mut s) = store();
    let d = s.log_demand(&demand(), "clerk1").unwrap();
    assert_eq!((d.state, d.phone_masked.as_str()), (DemandState::Submitted, "138****1111"));
    assert!(d.number.starts_with("XQ-20261116-"));
    let e = s.answer_demand(&d.number, "好的", "director").unwrap_err();
    assert!(e.message.contains("尚未审核"), "{}", e.message);
    let e = s.review_demand(&d.number, false, " ", "director").unwrap_err();
    assert!(e.message.contains("须写明理由"), "{}", e.message);
    let r = s.review_demand(&d.number, true, "转村镇建设管理站", "director").unwrap();
    assert_eq!(r.state, DemandState::Adopted);
    assert!(s.review_demand(&d.number, true, "", "director").unwrap_err().message.contains("不能重复审核"));
    let a = s.answer_demand(&d.number, "已安排清雪车每周两次", "director").unwrap();
    assert_eq!((a.state, a.answered_by.as_deref()), (DemandState::Answered, Some("director")));
    assert!(s.answer_demand(&d.number, "again", "director").unwrap_err().message.contains("已答复"));
    assert_eq!(events_for(&s, &d.number), ["demand_log", "demand_review", "demand_answer"]);
    assert_eq!(s.demands(Some(DemandState::Answered), 10).unwrap().len(), 1);
    assert_eq!(s.demand_villages().unwrap(), ["惠头村"]);
    let before = footprint(&s);
    for (input, says) in [
        (DemandInput { category: "杂项".into(), ..demand() }, "诉求类别"),
        (DemandInput { village: String::new(), ..demand() }, "所在村"),
        (DemandInput { content: "长".repeat(2001), ..demand() }, "过长"),
        (DemandInput { phone: "abc".into(), ..demand() }, "只能包含数字"),
    ] {
        let e = s.log_demand(&input, "clerk1").unwrap_err();
        assert!(e.message.contains(says), "{} / {says}", e.message);
    }
    assert_eq!(footprint(&s), before);
}

fn issue(urgency: IssueUrgency) -> IssueInput {
    IssueInput {
        kind: "综合执法".into(),
        title: "主路两侧私搭乱建，劝阻无效".into(),
        location: "惠头村主路".into(),
        urgency,
        department: "C-ZFJ".into(),
    }
}

#[test]
fn a_coordination_issue_is_due_by_urgency_and_marked_when_late() {
    let (_d, mut s) = store();
    // Friday: due dates count working days only.
    s.set_now(Some(at("2026-11-20 10:00")));
    let normal = s.raise_issue(&issue(IssueUrgency::Normal), "director").unwrap();
    let critical = s.raise_issue(&issue(IssueUrgency::Critical), "director").unwrap();
    assert_eq!(normal.due_on, "2026-11-27");
    assert_eq!(critical.due_on, "2026-11-23");
    assert_eq!(s.issues(true, 10).unwrap().len(), 2);
    s.set_now(Some(at("2026-11-24 10:00")));
    assert!(s.issue(&critical.number).unwrap().overdue);
    assert!(!s.issue(&normal.number).unwrap().overdue);
    let answer = IssueAnswer {
        answer: "已派执法队员现场处置".into(),
        answered_on: None,
        result: "已解决".into(),
        satisfaction: "满意".into(),
    };
    let a = s.answer_issue(&normal.number, &answer, "director").unwrap();
    assert_eq!((a.answered_on.as_deref(), a.overdue), (Some("2026-11-24"), false));
    let late = s.answer_issue(&critical.number, &answer, "director").unwrap();
    assert!(late.overdue, "answered after its due day stays marked");
    assert!(s.issues(true, 10).unwrap().is_empty());
    assert_eq!(events_for(&s, &normal.number), ["coord_raise", "coord_answer"]);
    let before = footprint(&s);
    assert!(s.answer_issue(&normal.number, &answer, "director").unwrap_err().message.contains("已记录"));
    for (input, says) in [
        (IssueInput { department: "T-ZFD".into(), ..issue(IssueUrgency::Normal) }, "不是县级部门"),
        (IssueInput { kind: "闲聊".into(), ..issue(IssueUrgency::Normal) }, "问题类型"),
        (IssueInput { location: String::new(), ..issue(IssueUrgency::Normal) }, "发生地点"),
    ] {
        let e = s.raise_issue(&input, "director").unwrap_err();
        assert!(e.message.contains(says), "{} / {says}", e.message);
    }
    let open = s.raise_issue(&issue(IssueUrgency::Urgent), "director").unwrap();
    let before_answer = footprint(&s);
    for (a, says) in [
        (IssueAnswer { result: "搞定".into(), ..answer.clone() }, "办理结果"),
        (IssueAnswer { answered_on: Some(day("2026-12-30")), ..answer.clone() }, "晚于今天"),
        (IssueAnswer { answered_on: Some(day("2026-11-01")), ..answer.clone() }, "早于提请日期"),
    ] {
        let e = s.answer_issue(&open.number, &a, "director").unwrap_err();
        assert!(e.message.contains(says), "{} / {says}", e.message);
    }
    assert_eq!(footprint(&s), before_answer);
    assert_eq!(before_answer[6], before[6] + 1, "one event for the one issue raised");
}

#[test]
fn roles_are_checked_in_rust() {
    let (_d, mut s) = store();
    let login = |s: &mut Store, user: &str, pw: &str| {
        let mut session = None;
        dispatch(s, &mut session, Request::Login { username: user.into(), password: pw.to_string().into() }).unwrap();
        session
    };
    let mut clerk = login(&mut s, "clerk1", "Demo@clerk1");
    let mut officer = login(&mut s, "officer.shsw", "Demo@officer");
    let consult = Request::ConsultLog {
        input: Box::new(ConsultInput { topic: "x".into(), answer: "y".into(), ..Default::default() }),
    };
    assert!(dispatch(&mut s, &mut clerk, consult.clone()).is_ok());
    assert_eq!(dispatch(&mut s, &mut officer, consult).unwrap_err().code, ErrorCode::Forbidden);
    for req in [
        Request::AdmissionRecord { input: Box::new(task("C-MZJ", None, TaskTerms::default())) },
        Request::IssueRaise { input: Box::new(issue(IssueUrgency::Normal)) },
        Request::DemandReview { number: "XQ-1".into(), adopt: true, note: String::new() },
        Request::DutyImport { text: crate::demo::SAMPLE_DUTIES.into(), csv: false },
    ] {
        let e = dispatch(&mut s, &mut clerk, req).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert!(e.message.contains("中心主任"), "{}", e.message);
    }
    assert!(dispatch(&mut s, &mut officer, Request::DutyEntries { list: DutyList::Duty, query: None }).is_ok());
}
