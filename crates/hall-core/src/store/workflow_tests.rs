//! Store tests of a hall's day beyond intake: the back office's steps, the pickup window,
//! ratings and follow-ups, supervision lists and the logged ID reveal.

use chrono::NaiveDateTime;

use super::testing;
use super::{ActParams, Delivery, DeliveryMethod, FollowUpUpdate, SessionUser, Store};
use crate::catalog::CaseKind;
use crate::error::ErrorCode;
use crate::intake::{IntakeOutcome, IntakeRequest, Party, PartyKind};
use crate::lifecycle::{Action, CaseState};

const ID: &str = "230102199003078519";
const NAME: &str = "王小二";

pub(super) fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

pub(super) fn events(s: &Store) -> i64 {
    s.conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap()
}

/// A new case of `kind` taken in with `outcome` (容缺受理 leaves one 容缺 material out).
pub(super) fn intake(s: &mut Store, kind: CaseKind, outcome: IntakeOutcome) -> String {
    let clerk = s.user("clerk1").unwrap();
    let item = s
        .catalog_items(None, None)
        .unwrap()
        .into_iter()
        .map(|v| v.item)
        .find(|i| i.kind == kind && i.materials.iter().any(|m| m.deferrable))
        .unwrap();
    let skip = item.materials.iter().find(|m| m.deferrable).unwrap().name.clone();
    let materials = item
        .materials
        .iter()
        .map(|m| m.name.clone())
        .filter(|n| outcome != IntakeOutcome::AcceptPending || *n != skip)
        .collect();
    let req = IntakeRequest {
        item_code: item.code,
        applicant: Party {
            kind: PartyKind::Person,
            id_number: ID.into(),
            name: NAME.into(),
            phone: "13800138000".into(),
            address: "惠头村".into(),
        },
        agent: None,
        materials,
        clerk: clerk.username.clone(),
        outcome,
        note: String::new(),
        commitment_due: None,
    };
    s.intake(&req, &clerk).unwrap().summary.number
}

pub(super) fn officer(s: &Store, number: &str) -> SessionUser {
    s.case_officer(number).unwrap().unwrap()
}

pub(super) fn decided(s: &mut Store) -> String {
    let n = intake(s, CaseKind::Promised, IntakeOutcome::Accept);
    let o = officer(s, &n);
    s.act(&n, Action::Claim, &o, &ActParams::default()).unwrap();
    s.act(&n, Action::Approve, &o, &ActParams::default()).unwrap();
    n
}

pub(super) fn delivery(method: DeliveryMethod, name: &str, id: &str, tracking: &str) -> ActParams {
    ActParams {
        delivery: Some(Delivery {
            method,
            collector_name: name.into(),
            collector_id: id.into(),
            tracking: tracking.into(),
        }),
        ..ActParams::default()
    }
}

#[test]
fn pickup_checks_who_collects() {
    let (_d, mut s) = testing::store();
    let clerk = s.user("clerk1").unwrap();
    let n = decided(&mut s);
    assert!(s.ready_list().unwrap().iter().any(|c| c.number == n));
    let before = events(&s);
    for (p, needle) in [
        (ActParams::default(), "领取方式"),
        (delivery(DeliveryMethod::InPerson, NAME, "11010519491231002X", ""), "身份核验未通过"),
        (delivery(DeliveryMethod::InPerson, "王大二", ID, ""), "姓名"),
        (delivery(DeliveryMethod::Agent, NAME, ID, ""), "本人领取"),
        (delivery(DeliveryMethod::Agent, "李四", "110105194912310021", ""), "校验位"),
        (delivery(DeliveryMethod::Mail, "", "", " "), "邮寄单号"),
    ] {
        let e = s.act(&n, Action::Deliver, &clerk, &p).unwrap_err();
        assert!(e.message.contains(needle), "{needle}: {}", e.message);
    }
    assert_eq!(events(&s), before, "refused deliveries leave nothing");
    assert_eq!(s.case_detail(&n).unwrap().summary.state, CaseState::Approved);
    // A new agent with a valid ID collects; the delivery is recorded.
    let c =
        s.act(&n, Action::Deliver, &clerk, &delivery(DeliveryMethod::Agent, "李四", "11010519491231002X", "")).unwrap();
    assert_eq!(c.summary.state, CaseState::Delivered);
    assert!(c.delivery.unwrap().contains("代办人领取：李四"));
    assert!(c.events.last().unwrap().note.contains("1101**********002X"));
    assert!(!s.ready_list().unwrap().iter().any(|c| c.number == n));

    let m = decided(&mut s);
    let c = s.act(&m, Action::Deliver, &clerk, &delivery(DeliveryMethod::Mail, "", "", "SF1234567890")).unwrap();
    assert!(c.delivery.unwrap().contains("SF1234567890"));
}

#[test]
fn a_bad_rating_opens_a_follow_up_the_supervisor_closes() {
    let (_d, mut s) = testing::store();
    s.set_now(Some(at("2026-11-20 10:00")));
    let clerk = s.user("clerk1").unwrap();
    let director = s.user("director").unwrap();
    let n = decided(&mut s);
    assert!(s.rate(&n, 4, "", &clerk).unwrap_err().message.contains("出件、即办办结或不予受理后才能评价"));
    s.act(&n, Action::Deliver, &clerk, &delivery(DeliveryMethod::InPerson, NAME, ID, "")).unwrap();
    assert!(s.rate(&n, 6, "", &clerk).is_err());
    assert_eq!(s.rate(&n, 2, "等了很久", &s.user("officer.shsw").unwrap()).unwrap_err().code, ErrorCode::Forbidden);
    let r = s.rate(&n, 2, "等了很久", &clerk).unwrap();
    assert_eq!((r.level, r.label.as_str()), (2, "不满意"));
    assert_eq!(s.rate(&n, 5, "", &clerk).unwrap_err().code, ErrorCode::Conflict);
    let f = s.follow_ups(true).unwrap();
    assert_eq!(f.len(), 1);
    // Opened Fri 11-20; 5 working days: 11-23 … 11-27.
    assert_eq!(f[0].due_on, "2026-11-27");
    assert!(s.case_detail(&n).unwrap().follow_up_open);

    let close_early = FollowUpUpdate { callback_note: "已电话回访".into(), fix_note: String::new(), close: true };
    assert!(s.update_follow_up(&n, &close_early, &director).unwrap_err().message.contains("整改情况"));
    assert_eq!(s.update_follow_up(&n, &close_early, &clerk).unwrap_err().code, ErrorCode::Forbidden);
    s.set_now(Some(at("2026-11-30 09:00")));
    assert!(s.follow_ups(true).unwrap()[0].overdue, "open past its due date");
    let callback =
        FollowUpUpdate { callback_note: "已电话回访，群众反映排队时间长".into(), ..Default::default() };
    s.update_follow_up(&n, &callback, &director).unwrap();
    let done = FollowUpUpdate { fix_note: "增设一个综合窗口".into(), close: true, ..Default::default() };
    let f = s.update_follow_up(&n, &done, &director).unwrap();
    assert!(f.closed_at.is_some() && f.callback_note.contains("排队"));
    assert!(s.follow_ups(true).unwrap().is_empty());
    assert_eq!(s.update_follow_up(&n, &done, &director).unwrap_err().code, ErrorCode::Conflict);
    let c = s.case_detail(&n).unwrap();
    assert!(c.events.iter().any(|e| e.action == "rate") && c.events.iter().any(|e| e.action == "follow_up"));

    // A good rating opens nothing.
    let m = decided(&mut s);
    s.act(&m, Action::Deliver, &clerk, &delivery(DeliveryMethod::InPerson, NAME, ID, "")).unwrap();
    s.rate(&m, 5, "", &clerk).unwrap();
    assert!(s.follow_ups(true).unwrap().is_empty());
}

#[test]
fn forwarded_cases_record_the_county_turnaround() {
    let (_d, mut s) = testing::store();
    s.set_now(Some(at("2026-11-02 09:00")));
    let n = intake(&mut s, CaseKind::Forwarded, IntakeOutcome::Accept);
    let o = officer(&s, &n);
    s.act(&n, Action::Claim, &o, &ActParams::default()).unwrap();
    let result = ActParams { note: "县民政局审批通过".into(), ..ActParams::default() };
    assert!(s.act(&n, Action::CountyResult, &o, &result).unwrap_err().message.contains("尚未上报"));
    let c = s.act(&n, Action::Forward, &o, &ActParams::default()).unwrap();
    assert!(c.events.last().unwrap().note.contains("2026-11-02 上报"));
    assert_eq!(s.act(&n, Action::Forward, &o, &ActParams::default()).unwrap_err().code, ErrorCode::Conflict);
    s.set_now(Some(at("2026-11-09 16:00")));
    let early = ActParams { date: Some("2026-11-01".parse().unwrap()), ..result.clone() };
    assert!(s.act(&n, Action::CountyResult, &o, &early).is_err());
    let c = s.act(&n, Action::CountyResult, &o, &result).unwrap();
    assert!(c.events.last().unwrap().note.contains("用时 5 个工作日"), "{}", c.events.last().unwrap().note);
    let (days, res): (i64, String) = s
        .conn
        .query_row("SELECT working_days, result FROM county_forwards", [], |r| {
            Ok((r.get("working_days")?, r.get("result")?))
        })
        .unwrap();
    assert_eq!(days, 5);
    assert!(res.contains("审批通过"));

    // Only 上报件 go to the county.
    let p = intake(&mut s, CaseKind::Promised, IntakeOutcome::Accept);
    let o = officer(&s, &p);
    s.act(&p, Action::Claim, &o, &ActParams::default()).unwrap();
    assert!(s.act(&p, Action::Forward, &o, &ActParams::default()).unwrap_err().message.contains("不是上报件"));
}

#[test]
fn special_procedure_needs_its_kind_and_supplement_keeps_its_deadline() {
    let (_d, mut s) = testing::store();
    s.set_now(Some(at("2026-11-02 09:00")));
    let n = intake(&mut s, CaseKind::Promised, IntakeOutcome::Accept);
    let o = officer(&s, &n);
    s.act(&n, Action::Claim, &o, &ActParams::default()).unwrap();
    let e = s
        .act(&n, Action::SpecialStart, &o, &ActParams { kind: Some("开会".into()), ..Default::default() })
        .unwrap_err();
    assert!(e.message.contains("专家评审"));
    let c =
        s.act(&n, Action::SpecialStart, &o, &ActParams { kind: Some("听证".into()), ..Default::default() }).unwrap();
    assert_eq!(c.summary.state, CaseState::Special);
    assert!(c.events.last().unwrap().note.contains("听证"));
    s.act(&n, Action::SpecialEnd, &o, &ActParams::default()).unwrap();
    let ask =
        ActParams { note: "补充户口簿".into(), due: Some("2026-10-01".parse().unwrap()), ..Default::default() };
    assert!(s.act(&n, Action::RequestSupplement, &o, &ask).unwrap_err().message.contains("早于今天"));
    let ask = ActParams { due: Some("2026-11-10".parse().unwrap()), ..ask };
    let c = s.act(&n, Action::RequestSupplement, &o, &ask).unwrap();
    assert_eq!(c.supplement_due.as_deref(), Some("2026-11-10"));
    let c = s.act(&n, Action::SupplementReceived, &o, &ActParams::default()).unwrap();
    assert!(c.supplement_due.is_none());
}

#[test]
fn lapsed_commitments_surface_until_the_material_comes() {
    let (_d, mut s) = testing::store();
    s.set_now(Some(at("2026-11-02 09:00")));
    let n = intake(&mut s, CaseKind::Promised, IntakeOutcome::AcceptPending);
    let due = s.case_detail(&n).unwrap().commitment_due.unwrap();
    assert!(s.lapsed_commitments().unwrap().is_empty());
    let after: NaiveDateTime = at(&format!("{due} 09:00")) + chrono::Duration::days(1);
    s.set_now(Some(after));
    assert!(s.lapsed_commitments().unwrap().iter().any(|c| c.number == n));
    assert_eq!(s.dashboard().unwrap().lapsed_commitments, 1);
    let clerk = s.user("clerk1").unwrap();
    let missing: Vec<String> =
        s.case_detail(&n).unwrap().materials.into_iter().filter(|m| !m.submitted).map(|m| m.name).collect();
    assert!(s.supply_materials(&n, &["没有这个".into()], &clerk).is_err());
    let c = s.supply_materials(&n, &missing, &clerk).unwrap();
    assert!(c.materials.iter().all(|m| m.submitted));
    assert!(s.lapsed_commitments().unwrap().is_empty());
    assert!(s.supply_materials(&n, &missing, &clerk).unwrap_err().message.contains("已经提交"));
}

#[test]
fn id_reveal_is_for_the_supervisor_or_the_cases_officer_and_is_logged() {
    let (_d, mut s) = testing::store();
    let n = intake(&mut s, CaseKind::Promised, IntakeOutcome::Accept);
    let clerk = s.user("clerk1").unwrap();
    let o = officer(&s, &n);
    assert_eq!(s.reveal_id(&n, false, &clerk).unwrap_err().code, ErrorCode::Forbidden);
    assert_eq!(s.reveal_id(&n, false, &o).unwrap_err().code, ErrorCode::Forbidden, "not yet holding it");
    s.act(&n, Action::Claim, &o, &ActParams::default()).unwrap();
    assert_eq!(s.reveal_id(&n, false, &o).unwrap(), ID);
    assert_eq!(s.reveal_id(&n, false, &s.user("director").unwrap()).unwrap(), ID);
    assert!(s.reveal_id(&n, true, &o).unwrap_err().message.contains("没有代办人"));
    let c = s.case_detail(&n).unwrap();
    assert_eq!(c.events.iter().filter(|e| e.action == "reveal_id").count(), 2);
    assert_eq!(c.applicant.id_masked, "2301**********8519", "still masked in the case view");
}

#[test]
fn queues_dashboard_and_repeat_warning() {
    let (_d, mut s) = testing::store();
    s.set_now(Some(at("2026-11-02 09:00")));
    let a = intake(&mut s, CaseKind::Promised, IntakeOutcome::Accept);
    let b = intake(&mut s, CaseKind::Promised, IntakeOutcome::Accept);
    let unit = s.case_detail(&a).unwrap().summary.unit;
    let q = s.queue(&unit).unwrap();
    assert_eq!(q.len(), 2);
    let item = s.case_detail(&a).unwrap().summary.item_code;
    let open = s.open_cases_for("230102199003078519", &item).unwrap();
    assert_eq!(open.len(), 2);
    let d = s.dashboard().unwrap();
    assert_eq!((d.logged, d.accepted), (2, 2));
    assert_eq!(d.queues.iter().map(|q| q.open).sum::<u32>(), 2);
    // Late in the promised time the cases turn yellow, then red.
    let due: chrono::NaiveDate = s.case_detail(&b).unwrap().summary.due_date.unwrap().parse().unwrap();
    s.set_now(Some(due.and_hms_opt(9, 0, 0).unwrap()));
    assert!(s.urgent_cases().unwrap().iter().all(|c| c.urgency == super::cases::Urgency::Warning));
    s.set_now(Some((due + chrono::Duration::days(1)).and_hms_opt(9, 0, 0).unwrap()));
    let urgent = s.urgent_cases().unwrap();
    assert_eq!(urgent.len(), 2);
    assert!(urgent.iter().all(|c| c.urgency == super::cases::Urgency::Overdue));
    assert_eq!(s.dashboard().unwrap().overdue, 2);
}

#[test]
fn completed_cases_wait_in_the_outbox_until_the_hub_acknowledges_them() {
    use super::SyncState;
    use sync_protocol::{AckStatus, CaseAck};
    let (_d, mut s) = testing::store();
    s.set_now(Some(at("2026-11-20 09:00")));
    let clerk = s.user("clerk1").unwrap();
    // An open case has nothing to send; a withdrawn one does, in the same transaction.
    let number = intake(&mut s, CaseKind::Promised, IntakeOutcome::Accept);
    assert_eq!(s.case_detail(&number).unwrap().sync_state, None);
    assert_eq!(s.outbox_counts().unwrap().pending, 0);
    let p = ActParams { note: "申请人撤回".into(), ..Default::default() };
    s.act(&number, Action::Withdraw, &clerk, &p).unwrap();
    assert_eq!(s.case_detail(&number).unwrap().sync_state, Some(SyncState::Pending));
    let batch = s.outbox_batch(10).unwrap().cases;
    assert_eq!(batch.len(), 1);
    let rec = &batch[0];
    assert_eq!((rec.revision, rec.body.state.as_str()), (1, "withdrawn"));
    assert_eq!(rec.content_hash, rec.body.content_hash());
    assert!(rec.body.applicant_id_masked.contains("**********") && !rec.body.applicant_id_masked.contains(ID));
    assert_eq!(s.case_detail(&number).unwrap().sync_state, Some(SyncState::Sent));
    // A lost answer: the row is sent again on the next pass.
    assert_eq!(s.outbox_batch(10).unwrap().len(), 1);
    // An answer for another revision acknowledges nothing.
    let ack = |revision, status| CaseAck { uuid: rec.uuid.clone(), revision, status };
    s.outbox_acknowledge(&[ack(7, AckStatus::Stored)], &[]).unwrap();
    assert_eq!(s.case_detail(&number).unwrap().sync_state, Some(SyncState::Sent));
    s.outbox_acknowledge(&[ack(1, AckStatus::Duplicate)], &[]).unwrap();
    assert_eq!(s.case_detail(&number).unwrap().sync_state, Some(SyncState::Acknowledged));
    assert_eq!(s.outbox_counts().unwrap().acknowledged, 1);
    assert!(s.outbox_batch(10).unwrap().is_empty());
    // After it went up, a change makes revision 2.
    let delivered = intake(&mut s, CaseKind::Instant, IntakeOutcome::Instant);
    let d = Delivery {
        method: DeliveryMethod::InPerson,
        collector_name: NAME.into(),
        collector_id: ID.into(),
        tracking: String::new(),
    };
    s.act(&delivered, Action::Deliver, &clerk, &ActParams { delivery: Some(d), ..Default::default() }).unwrap();
    let first = s.outbox_batch(10).unwrap().cases;
    assert_eq!(first.len(), 1);
    s.outbox_acknowledge(&[CaseAck { uuid: first[0].uuid.clone(), revision: 1, status: AckStatus::Stored }], &[])
        .unwrap();
    s.rate(&delivered, 5, "很方便", &clerk).unwrap();
    let second = s.outbox_batch(10).unwrap().cases;
    assert_eq!(second[0].revision, 2);
    assert_eq!(second[0].body.rating.as_ref().map(|r| r.level), Some(5));
    // A failed send goes back to pending; a conflict is kept for the supervisor.
    s.outbox_failed(&second, &[], "无法连接").unwrap();
    assert_eq!(s.case_detail(&delivered).unwrap().sync_state, Some(SyncState::Pending));
    let again = s.outbox_batch(10).unwrap().cases;
    s.outbox_acknowledge(&[CaseAck { uuid: again[0].uuid.clone(), revision: 2, status: AckStatus::Conflict }], &[])
        .unwrap();
    assert_eq!(s.case_detail(&delivered).unwrap().sync_state, Some(SyncState::Conflict));
    assert_eq!(s.outbox_counts().unwrap().conflicts, 1);
}

/// A demand logged with the citizen's name and phone, reviewed and answered.
fn answered_demand(s: &mut Store) -> String {
    use crate::demands::{DemandInput, DemandKind};
    let input = DemandInput {
        kind: DemandKind::Suggestion,
        category: "基础设施".into(),
        village: "惠头村".into(),
        content: "建议村口增设路灯".into(),
        citizen_name: NAME.into(),
        phone: "13800138000".into(),
    };
    let waiting = s.outbox_counts().unwrap().pending;
    let number = s.log_demand(&input, "clerk1").unwrap().number;
    s.review_demand(&number, true, "纳入明年计划", "supervisor").unwrap();
    assert_eq!(s.outbox_counts().unwrap().pending, waiting, "only an answered demand goes up");
    number
}

#[test]
fn an_answered_demand_goes_up_with_the_cases_and_without_name_or_phone() {
    use sync_protocol::{AckStatus, DemandAck};
    let (_d, mut s) = testing::store();
    s.set_now(Some(at("2026-11-22 09:00")));
    let number = answered_demand(&mut s);
    // The outbox row is written in the answer's own transaction: if it cannot be, there is no
    // answer either.
    s.conn
        .execute_batch(
            "CREATE TEMP TRIGGER no_outbox BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, '发件箱不可写'); END;",
        )
        .unwrap();
    assert!(s.answer_demand(&number, "已纳入计划", "supervisor").is_err());
    assert_eq!(s.demand(&number).unwrap().state, crate::demands::DemandState::Adopted);
    s.conn.execute_batch("DROP TRIGGER no_outbox").unwrap();
    s.answer_demand(&number, "已纳入2027年村级建设计划", "supervisor").unwrap();
    assert_eq!(s.outbox_counts().unwrap().pending, 1, "the window counts it with the cases");

    let batch = s.outbox_batch(10).unwrap();
    assert!(batch.cases.is_empty());
    let rec = &batch.demands[0];
    assert_eq!((rec.revision, rec.body.number.as_str(), rec.body.state.as_str()), (1, number.as_str(), "answered"));
    assert_eq!(rec.content_hash, rec.body.content_hash());
    let review = rec.body.review.as_ref().unwrap();
    assert!(review.adopted && review.note == "纳入明年计划");
    assert_eq!(rec.body.answered_at.as_deref(), Some("2026-11-22 09:00:00"));
    let json = serde_json::to_string(&rec.body).unwrap();
    assert!(!json.contains(NAME) && !json.contains("13800138000") && !json.contains("0138"), "{json}");

    // Another revision's answer acknowledges nothing; this one's does.
    let ack = |revision| DemandAck { number: number.clone(), revision, status: AckStatus::Stored };
    s.outbox_acknowledge(&[], &[ack(2)]).unwrap();
    assert_eq!(s.outbox_counts().unwrap().pending, 1);
    s.outbox_failed(&[], &batch.demands, "无法连接").unwrap();
    let again = s.outbox_batch(10).unwrap();
    assert_eq!(again.demands, batch.demands);
    s.outbox_acknowledge(&[], &[ack(1)]).unwrap();
    let counts = s.outbox_counts().unwrap();
    assert_eq!((counts.pending, counts.acknowledged), (0, 1));
    assert!(s.outbox_batch(10).unwrap().is_empty());
}

#[test]
fn schema_8_keeps_the_outbox_rows_of_a_schema_6_database() {
    // A demo hall as schema 6 made it: its completed cases waiting in the cases-only outbox.
    let (dir, path) = testing::old_hall(6);
    type Row = (i64, String, u32, String, u32, Option<String>);
    let rows = |c: &rusqlite::Connection| -> Vec<Row> {
        let mut st = c
            .prepare("SELECT case_id, state, revision, content_hash, attempts, acked_at FROM outbox ORDER BY case_id")
            .unwrap();
        let rows = st.query_map([], |r| {
            Ok((
                r.get("case_id")?,
                r.get("state")?,
                r.get("revision")?,
                r.get("content_hash")?,
                r.get("attempts")?,
                r.get("acked_at")?,
            ))
        });
        rows.unwrap().collect::<rusqlite::Result<_>>().unwrap()
    };
    let before = rows(&testing::raw(&path));
    assert!(before.len() > 50, "the demo's completed cases are queued");
    let mut s = Store::open(&path).unwrap();
    assert_eq!(rows(&s.conn), before);
    let first: String =
        s.conn.query_row("SELECT number FROM cases WHERE id = ?1", [before[0].0], |r| r.get("number")).unwrap();
    assert_eq!(s.case_detail(&first).unwrap().sync_state, Some(super::SyncState::Pending));
    // The rebuilt outbox takes demands beside the cases, oldest first.
    let number = answered_demand(&mut s);
    s.answer_demand(&number, "已答复", "director").unwrap();
    let batch = s.outbox_batch(before.len() + 1).unwrap();
    let mut sent: Vec<&str> = batch.cases.iter().map(|c| c.body.number.as_str()).collect();
    sent.sort();
    let mut queued: Vec<String> = {
        let mut st = s.conn.prepare("SELECT c.number FROM outbox o JOIN cases c ON c.id = o.case_id").unwrap();
        st.query_map([], |r| r.get("number")).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    };
    queued.sort();
    assert_eq!((sent.len(), sent), (before.len(), queued.iter().map(String::as_str).collect()));
    assert_eq!(batch.demands.len(), 1);
    drop(dir);
}

#[test]
fn the_hub_token_is_kept_beside_the_database_for_its_owner_only() {
    let (_d, mut s) = testing::store();
    assert_eq!(s.hub_token().unwrap(), None);
    // A plain http:// hub elsewhere would carry the token in clear: refused, nothing stored.
    let before = events(&s);
    for url in ["ftp://county", "http://hub.county.example", "http://127.0.0.1.example"] {
        let e = s.save_hub(url, Some("t0ken-abc"), "admin").unwrap_err();
        assert_eq!(e.message, "县级平台地址必须使用 https://（仅本机测试地址可用 http://）");
    }
    assert_eq!((s.hub_url().unwrap(), s.hub_token().unwrap(), events(&s)), (None, None, before));
    s.save_hub("http://127.0.0.1:8080", None, "admin").unwrap();
    assert_eq!(s.hub_url().unwrap().as_deref(), Some("http://127.0.0.1:8080"));
    s.save_hub("https://hub.county.example", Some("t0ken-abc"), "admin").unwrap();
    assert_eq!(s.hub_url().unwrap().as_deref(), Some("https://hub.county.example"));
    assert_eq!(s.hub_token().unwrap().as_deref(), Some("t0ken-abc"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(s.path().with_file_name("hub-token")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only the owner may read the token");
    }
    let settings: String = s.conn.query_row("SELECT group_concat(value) FROM settings", [], |r| r.get(0)).unwrap();
    assert!(!settings.contains("t0ken"), "the token is not in the database");
}

#[test]
fn a_hall_upgraded_to_sync_sends_the_cases_it_completed_before() {
    // A demo hall as schema 3 made it (before the outbox, the chain and encryption).
    let (dir, path) = testing::old_hall(3);
    let closed: Vec<String> = crate::lifecycle::STATES.iter().filter(|s| s.closed).map(|s| s.key.to_string()).collect();
    let cases: Vec<(String, String)> = {
        let raw = testing::raw(&path);
        let mut st = raw.prepare("SELECT number, state FROM cases ORDER BY id").unwrap();
        let rows = st.query_map([], |r| Ok((r.get("number")?, r.get("state")?))).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    };
    let (completed, open): (Vec<_>, Vec<_>) = cases.iter().partition(|(_, state)| closed.contains(state));
    assert!(!completed.is_empty() && !open.is_empty());
    let s = Store::open(&path).unwrap();
    assert_eq!(s.case_count().unwrap(), cases.len() as i64, "every case is still there");
    assert_eq!(s.outbox_counts().unwrap().pending as usize, completed.len());
    assert_eq!(s.case_detail(&completed[0].0).unwrap().sync_state, Some(super::SyncState::Pending));
    assert_eq!(s.case_detail(&open[0].0).unwrap().sync_state, None, "an open case waits until it is completed");
    assert!(s.audit_verify().unwrap().intact);
    drop(dir);
}

#[test]
fn two_desks_acting_on_one_case_cannot_both_move_it_from_the_same_state() {
    let (d, mut s) = testing::store();
    s.set_now(Some(at("2026-11-20 09:00")));
    let number = intake(&mut s, CaseKind::Promised, IntakeOutcome::Accept);
    let officer = officer(&s, &number);
    let before = events(&s);
    // Another desk holds the write lock…
    let other = super::open_keyed(s.path(), s.path(), false).unwrap();
    other.execute_batch("BEGIN IMMEDIATE").unwrap();
    // …while this one reads the case (accepted), checks the claim and waits for the lock…
    let claim = std::thread::spawn(move || {
        let r = s.act(&number, Action::Claim, &officer, &ActParams::default());
        (s, number, r)
    });
    std::thread::sleep(std::time::Duration::from_millis(400));
    // …and the other desk withdraws the case meanwhile.
    other.execute_batch("UPDATE cases SET state = 'withdrawn'; COMMIT;").unwrap();
    let (s, number, r) = claim.join().unwrap();
    let e = r.unwrap_err();
    assert!(e.message.contains("刚被他人处理"), "{}", e.message);
    assert_eq!(events(&s), before, "the claim wrote nothing");
    assert_eq!(s.case_row(&number).unwrap().state, CaseState::Withdrawn);
    drop(d);
}
