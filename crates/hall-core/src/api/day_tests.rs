//! A hall's day through every request, each one answered: the reply is one the catalogue names
//! for it (and is that `type` on the wire), a read leaves the store as it was, and a write
//! changes it (but for the few named below, whose sample had nothing to change).

use std::collections::HashSet;

use serde_json::json;
use strum::IntoEnumIterator;

use super::testkit::Answer;
use super::*;
use crate::store::testing;

struct Day<'a> {
    s: &'a mut Store,
    answered: HashSet<RequestKind>,
    wrong: Vec<String>,
    quiet_writes: Vec<&'static str>,
}

impl Day<'_> {
    /// A session for `username`, logged in through the gate.
    fn login(&mut self, username: &str, password: &str) -> Option<SessionUser> {
        let mut session = None;
        let login = Request::Login { username: username.into(), password: Zeroizing::new(password.into()) };
        dispatch(self.s, &mut session, login).unwrap();
        session
    }

    /// Asks `req` in a copy of `session`; it must be answered.
    fn ask(&mut self, session: &Option<SessionUser>, req: Request) -> Reply {
        let (kind, spec) = (req.kind(), req.spec());
        let who = session.as_ref().map_or("nobody".to_string(), |u| u.username.clone());
        let before = self.s.total_changes();
        let reply = dispatch(self.s, &mut session.clone(), req)
            .unwrap_or_else(|e| panic!("{} for {who}: {:?} {}", spec.name, e.code, e.message));
        let changed = self.s.total_changes() != before;
        let name = reply.reply_type();
        if !spec.reply.contains(&name) {
            self.wrong.push(format!("{} answered {name}, the catalogue says {:?}", spec.name, spec.reply));
        }
        let wire = serde_json::to_value(&reply).unwrap();
        assert_eq!(wire["type"], name, "{}: the reply's name is its type on the wire", spec.name);
        match (spec.writes, changed) {
            (false, true) => self.wrong.push(format!("{} only reads, yet it changed the store", spec.name)),
            (true, false) => self.quiet_writes.push(spec.name),
            _ => {}
        }
        self.answered.insert(kind);
        reply
    }
}

fn from(v: serde_json::Value) -> Request {
    serde_json::from_value(v).unwrap()
}

fn number(reply: &Reply) -> String {
    match reply {
        Reply::Case(c) => c.summary.number.clone(),
        Reply::AdmissionTask(t) => t.number.clone(),
        Reply::Consultation(c) => c.number.clone(),
        Reply::Demand(d) => d.number.clone(),
        Reply::Issue(i) => i.number.clone(),
        other => panic!("no number in {}", other.reply_type()),
    }
}

#[test]
fn a_day_at_the_hall_asks_every_request_and_each_is_answered_as_the_catalogue_says() {
    let (_d, mut s) = testing::store();
    let today = s.today();
    let mut day = Day { s: &mut s, answered: HashSet::new(), wrong: Vec::new(), quiet_writes: Vec::new() };
    let nobody = None;
    day.ask(&nobody, Request::HallInfo);
    day.ask(&nobody, Request::Lifecycle);
    day.ask(&nobody, Request::Login { username: "clerk1".into(), password: Zeroizing::new("Demo@clerk1".into()) });
    let clerk = day.login("clerk1", "Demo@clerk1");
    let officer = day.login("officer.shsw", "Demo@officer");
    let director = day.login("director", "Demo@director");
    let admin = day.login("admin", "Demo@admin");

    // The front desk opens: the lists and words it needs.
    for req in [
        Request::Whoami,
        Request::Units,
        Request::CatalogCategories,
        Request::CatalogVersions,
        Request::CalendarYears,
        Request::DueDate { accepted: today, days: 5 },
        Request::Vocabulary,
        Request::Settings,
        Request::SyncStatus,
        Request::DutyVersions,
        Request::DutyEntries { list: DutyList::Duty, query: None },
    ] {
        day.ask(&clerk, req);
    }
    let Reply::CatalogItems(items) = day.ask(&clerk, Request::CatalogList { query: None, category: None }) else {
        panic!("catalog items")
    };
    // A 承诺件 of 社会事务办 with a 容缺 material: taken in once without it, once complete.
    let item = items
        .iter()
        .map(|v| &v.item)
        .find(|i| {
            i.kind == crate::catalog::CaseKind::Promised
                && i.handled_by.as_deref().unwrap_or(&i.unit) == "T-SHSW"
                && i.materials.iter().any(|m| m.deferrable)
        })
        .expect("a 承诺件 of 社会事务办 with a 容缺 material")
        .clone();
    day.ask(&clerk, Request::CatalogItem { code: item.code.clone() });
    let all: Vec<String> = item.materials.iter().map(|m| m.name.clone()).collect();
    let later = item.materials.iter().find(|m| m.deferrable).unwrap().name.clone();
    let some: Vec<String> = all.iter().filter(|n| **n != later).cloned().collect();
    day.ask(&clerk, Request::IntakeOutcomes { item_code: item.code.clone(), materials: some.clone() });
    let applicant = json!({"id_number": "230102199003078519", "name": "张三", "phone": "13800138000"});
    let intake = |materials: &[String], outcome: &str| {
        from(json!({"type": "intake", "request": {"item_code": item.code, "applicant": applicant,
            "materials": materials, "outcome": outcome}}))
    };
    let pending = number(&day.ask(&clerk, intake(&some, "accept_pending")));
    let complete = number(&day.ask(&clerk, intake(&all, "accept")));
    day.ask(&clerk, Request::OpenCasesFor { id_number: "230102199003078519".into(), item_code: item.code.clone() });
    day.ask(&clerk, Request::SearchCases { text: "张三".into() });
    day.ask(&clerk, Request::ListCases { state: None, date: None, limit: Some(5) });
    day.ask(&clerk, Request::CaseDetail { number: pending.clone() });
    day.ask(&clerk, Request::SupplyMaterials { number: pending, names: vec![later] });

    // The back office decides the complete one; the pickup window hands it out and it is rated.
    for req in
        [Request::Queue { unit: None }, Request::UrgentCases, Request::LapsedCommitments, Request::SupplementWatch]
    {
        day.ask(&officer, req);
    }
    for action in [Action::Claim, Action::Approve] {
        day.ask(&officer, Request::Act { number: complete.clone(), action, params: Box::default() });
    }
    day.ask(&clerk, Request::ReadyList);
    let delivery = json!({"delivery": {"method": "in_person", "collector_name": "张三",
        "collector_id": "230102199003078519"}});
    day.ask(
        &clerk,
        Request::Act {
            number: complete.clone(),
            action: Action::Deliver,
            params: Box::new(serde_json::from_value(delivery.clone()).unwrap()),
        },
    );
    day.ask(&clerk, Request::Rate { number: complete.clone(), level: 2, comment: "等了很久".into() });

    // Another is handed out at the desk 1号窗口: its counter's rating screen shows it and the
    // citizen rates it there.
    let screened = number(&day.ask(&clerk, intake(&all, "accept")));
    for action in [Action::Claim, Action::Approve] {
        day.ask(&officer, Request::Act { number: screened.clone(), action, params: Box::default() });
    }
    {
        let _at = crate::origin::enter("1号窗口");
        let params = Box::new(serde_json::from_value(delivery).unwrap());
        day.ask(&clerk, Request::Act { number: screened.clone(), action: Action::Deliver, params });
    }
    let screen = Some(SessionUser { serves: Some("1号窗口".into()), ..SessionUser::rating_screen("1号评价器") });
    day.ask(&screen, Request::RatingPrompt);
    day.ask(&screen, Request::ScreenRate { number: screened, level: 5, reasons: Vec::new(), comment: String::new() });

    // The director: figures, the follow-up the bad rating opened, an ID looked at.
    for req in [Request::Dashboard, Request::Figures { from: today, to: today }, Request::FollowUps { open_only: true }]
    {
        day.ask(&director, req);
    }
    let update = FollowUpUpdate { callback_note: "已电话回访".into(), ..FollowUpUpdate::default() };
    day.ask(&director, Request::UpdateFollowUp { number: complete.clone(), update });
    day.ask(&director, Request::RevealId { number: complete, agent: false });

    // 准入 needs the lists; then the consultations, demands and 县乡联动 issues.
    day.ask(&admin, Request::DutyImport { text: crate::demo::SAMPLE_DUTIES.into(), csv: false });
    let task = json!({"department": "C-MZJ", "title": "年度核查", "entry_code": "ZZ-101",
        "due_on": today + chrono::Duration::days(10)});
    day.ask(&director, from(json!({"type": "admission_check", "input": task})));
    let t = number(&day.ask(&director, from(json!({"type": "admission_record", "input": task}))));
    day.ask(&director, Request::AdmissionFinish { number: t, note: "已报送核查结果".into() });
    day.ask(&director, Request::AdmissionTasks { state: None });
    let consult = json!({"type": "consult_log", "input": {"topic": "低保怎么申请", "answer": "需核实后回复",
        "citizen_name": "王秀兰", "phone": "13912345678", "callback": true}});
    let c = number(&day.ask(&clerk, from(consult)));
    day.ask(&clerk, Request::ConsultClose { number: c, result: "已电话告知".into() });
    day.ask(&clerk, Request::Consultations { filter: crate::store::ConsultFilter::All, date: None });
    let demand = json!({"type": "demand_log", "input": {"kind": "群众需求", "category": "基础设施",
        "village": "惠头村", "content": "村路冬季积雪清理不及时", "citizen_name": "李明", "phone": "13800001111"}});
    let d = number(&day.ask(&clerk, from(demand)));
    day.ask(&clerk, Request::Demands { state: None });
    day.ask(&clerk, Request::DemandVillages);
    day.ask(&director, Request::DemandReview { number: d.clone(), adopt: true, note: "转村镇建设管理站".into() });
    day.ask(&director, Request::DemandAnswer { number: d, answer: "已安排清雪车".into() });
    let issue = json!({"type": "issue_raise", "input": {"kind": "综合执法", "title": "主路两侧私搭乱建",
        "location": "惠头村主路", "urgency": "normal", "department": "C-ZFJ"}});
    let i = number(&day.ask(&director, from(issue)));
    let answer = json!({"type": "issue_answer", "number": i, "answer": {"answer": "已派执法队员现场处置",
        "result": "已解决", "satisfaction": "满意"}});
    day.ask(&director, from(answer));
    day.ask(&director, Request::Issues { open_only: false });
    day.ask(&director, Request::AuditVerify);

    // The administrator: users, settings, units, the catalog, the calendar, the hub, backups.
    day.ask(&admin, Request::Users);
    let user = json!({"username": "clerk3", "name": "赵敏", "role": "clerk", "unit": null,
        "password": "Demo@clerk3x"});
    day.ask(&admin, from(json!({"type": "add_user", "user": user})));
    let user = json!({"username": "clerk3", "name": "赵敏", "role": "clerk", "unit": null, "disabled": true});
    day.ask(&admin, from(json!({"type": "update_user", "user": user})));
    let reset = Request::ResetPassword { username: "clerk2".into(), password: Zeroizing::new("Temp@2026x".into()) };
    day.ask(&admin, reset);
    let settings = day.s.settings().unwrap();
    day.ask(&admin, Request::SaveSettings { settings });
    let unit = Unit { code: "T-XFZ".into(), name: "消防站".into(), level: crate::catalog::UnitLevel::Township };
    day.ask(&admin, Request::SaveUnit { unit });
    let mut catalog: serde_json::Value = serde_json::from_str(crate::demo::SAMPLE_CATALOG).unwrap();
    catalog["version"] = json!("2026.2");
    day.ask(&admin, Request::CatalogImport { text: catalog.to_string(), csv: false });
    let calendar = include_str!("../../../../assets/calendar/cn-calendar-2026.json");
    day.ask(&admin, Request::CalendarImport { text: calendar.into() });
    day.ask(&admin, Request::SaveHub { url: "https://hub.county.example".into(), token: None });
    day.ask(&admin, Request::SweepSupplements);
    day.ask(&admin, Request::Backups);
    let Reply::Backups(backups) = day.ask(&admin, Request::MakeBackup) else { panic!("backups") };
    // 大厅网络: a pairing code, a desk pairing itself with it, the list, a revocation.
    let Reply::PairingCode(code) = day.ask(&admin, Request::HostPairCode) else { panic!("code") };
    let pair = Request::PairDevice { code: code.code, name: "1号窗口".into(), kind: DeviceKind::Desk, serves: None };
    day.ask(&None, pair);
    day.ask(&admin, Request::HostDevices);
    day.ask(&admin, Request::HostRevoke { device: "1号窗口".into() });
    // 数据安全: the sheet offered once, the code shown for county IT, the full check, a new key.
    day.ask(&admin, Request::DataSafety);
    day.ask(&admin, Request::AnswerSheetOffer { printed: false });
    day.ask(&admin, Request::ShowRecoveryCode);
    day.ask(&admin, Request::CheckIntegrity);
    day.ask(&admin, Request::RotateKey);

    // clerk2 must change the reset password first; the front desk locks and leaves.
    let clerk2 = day.login("clerk2", "Temp@2026x");
    let change =
        Request::ChangePassword { old: Zeroizing::new("Temp@2026x".into()), new: Zeroizing::new("New@clerk2x".into()) };
    day.ask(&clerk2, change);
    day.ask(&clerk, Request::Lock);
    day.ask(&clerk, Request::Logout);
    let path = backups[0].path.clone();
    day.ask(&admin, Request::RestoreBackup { path: path.clone(), recovery_code: None });

    // The next morning a new PC, not set up, takes the hall over from that backup at its first
    // start, with the sheet's code.
    let code = day.s.recovery_code().unwrap().text();
    let fresh_dir = tempfile::tempdir().unwrap();
    let mut fresh = Store::open(fresh_dir.path().join("hall.db")).unwrap();
    let (answered, wrong, quiet) = (day.answered, day.wrong, day.quiet_writes);
    let mut day = Day { s: &mut fresh, answered, wrong, quiet_writes: quiet };
    day.ask(&None, Request::RestoreNewHall { path, recovery_code: Zeroizing::new(code) });

    let missing: Vec<&str> = RequestKind::iter().filter(|k| !day.answered.contains(k)).map(|k| k.spec().name).collect();
    assert!(missing.is_empty(), "not asked today: {missing:?}");
    assert!(day.wrong.is_empty(), "{}", day.wrong.join("\n"));
    // No 补正 was past its deadline, so the sweep had nothing to end. A restore puts a new file
    // in place and opens it on a new connection, whose change counter starts again: what it
    // changed is the whole hall, checked here.
    assert_eq!(day.quiet_writes, ["sweep_supplements", "restore_new_hall"]);
    assert!(day.s.case_count().unwrap() > 0 && day.s.audit_verify().unwrap().intact);
}
