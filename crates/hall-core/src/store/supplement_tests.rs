//! 补正 once (一次性告知), its deadline watched, and 视为撤回 by hand or by the sweep — on a real
//! store with its clock pinned.

use chrono::NaiveDate;

use super::cases::Urgency;
use super::testing;
use super::workflow_tests::{at, events, intake, officer};
use super::{ActParams, Store, SupplementLapseMode, SWEEP_ACTOR};
use crate::catalog::CaseKind;
use crate::documents::CasePaper;
use crate::error::ErrorCode;
use crate::intake::IntakeOutcome;
use crate::lifecycle::{Action, CaseState};

fn ask(note: &str, due: Option<&str>) -> ActParams {
    ActParams { note: note.into(), due: due.map(|d| d.parse().unwrap()), ..ActParams::default() }
}

/// A case in 补正 since Mon 2026-11-23, due back by `due`.
fn waiting(s: &mut Store, due: &str) -> String {
    s.set_now(Some(at("2026-11-23 09:00")));
    let n = intake(s, CaseKind::Promised, IntakeOutcome::Accept);
    let o = officer(s, &n);
    s.act(&n, Action::Claim, &o, &ActParams::default()).unwrap();
    s.act(&n, Action::RequestSupplement, &o, &ask("请补充户口簿复印件", Some(due))).unwrap();
    n
}

fn set_mode(s: &mut Store, mode: SupplementLapseMode) {
    let mut settings = s.settings().unwrap();
    settings.supplement_lapse = mode;
    s.save_settings(&settings, "admin").unwrap();
}

#[test]
fn a_second_supplement_needs_the_director_and_is_counted() {
    let (_d, mut s) = testing::store();
    s.set_now(Some(at("2026-11-23 09:00")));
    let n = intake(&mut s, CaseKind::Promised, IntakeOutcome::Accept);
    let o = officer(&s, &n);
    let clerk = s.user("clerk1").unwrap();
    let director = s.user("director").unwrap();
    s.act(&n, Action::Claim, &o, &ActParams::default()).unwrap();
    // The first is the officer's, not the director's.
    let e = s.act(&n, Action::RequestSupplement, &director, &ask("请补充户口簿", None)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(e.message.contains("第一次补正由本单位经办人提出"), "{}", e.message);
    s.act(&n, Action::RequestSupplement, &o, &ask("请补充户口簿", None)).unwrap();
    s.act(&n, Action::SupplementReceived, &clerk, &ActParams::default()).unwrap();
    // Asked once already: the officer may not ask again, and the refusal leaves no trace.
    let before = events(&s);
    let e = s.act(&n, Action::RequestSupplement, &o, &ask("请再补充收入证明", None)).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);
    assert!(e.message.contains("已要求补正 1 次") && e.message.contains("中心主任"), "{}", e.message);
    assert_eq!(events(&s), before);
    // The director may, with a reason.
    let e = s.act(&n, Action::RequestSupplement, &director, &ActParams::default()).unwrap_err();
    assert!(e.message.contains("理由"), "{}", e.message);
    let c = s.act(&n, Action::RequestSupplement, &director, &ask("收入证明缺少村委会盖章", None)).unwrap();
    assert_eq!(c.summary.state, CaseState::Supplement);
    let last = c.events.last().unwrap();
    assert!(
        last.note.starts_with("再次补正（第 2 次），由中心主任决定") && last.note.contains("盖章"),
        "{}",
        last.note
    );

    let day: NaiveDate = "2026-11-23".parse().unwrap();
    let f = s.figures(day, day).unwrap();
    assert_eq!(f.counts.supplement_repeat, 1, "the first request is not a repeat");
    assert_eq!(f.supplement_repeat_by_unit.len(), 1);
    assert_eq!(f.supplement_repeat_by_unit[0].name, c.summary.unit_name);
    assert_eq!(f.supplement_repeat_by_unit[0].count, 1);
    assert_eq!(s.daily_sheet(day).unwrap().figures.counts.supplement_repeat, 1);
    let other = s.figures(day.succ_opt().unwrap(), day.succ_opt().unwrap()).unwrap();
    assert_eq!(other.counts.supplement_repeat, 0);
}

#[test]
fn the_deadline_is_watched_warned_and_ends_as_deemed_withdrawn_by_hand() {
    let (_d, mut s) = testing::store();
    let n = waiting(&mut s, "2026-11-27");
    let director = s.user("director").unwrap();
    let o = officer(&s, &n);
    let stranger = s
        .conn
        .query_row(
            "SELECT u.username AS username FROM users u JOIN cases c ON c.number = ?1
             WHERE u.role = 'officer' AND u.unit <> c.unit LIMIT 1",
            [&n],
            |r| r.get::<_, String>("username"),
        )
        .unwrap();
    let stranger = s.user(&stranger).unwrap();
    // Four working days ahead: not yet on the list.
    assert!(s.supplement_watch(&director).unwrap().is_empty());
    assert_eq!(s.case_detail(&n).unwrap().supplement_urgency, Urgency::Normal);

    // Thursday: one working day left, the warning line (warn_days 1).
    s.set_now(Some(at("2026-11-26 09:00")));
    let w = s.supplement_watch(&director).unwrap();
    assert_eq!(w.len(), 1);
    assert_eq!((w[0].summary.number.as_str(), w[0].supplement_urgency), (n.as_str(), Urgency::Warning));
    assert_eq!((w[0].asked.as_str(), w[0].requests), ("请补充户口簿复印件", 1));
    assert!(!w[0].lapse_allowed && w[0].lapse_reason.contains("尚未届满"), "{}", w[0].lapse_reason);
    assert_eq!(s.case_detail(&n).unwrap().supplement_urgency, Urgency::Warning);
    let before = events(&s);
    let e = s.act(&n, Action::SupplementLapse, &director, &ActParams::default()).unwrap_err();
    assert!(e.message.contains("补正期限 2026-11-27 尚未届满"), "{}", e.message);
    s.set_now(Some(at("2026-11-27 17:00")));
    assert!(s.act(&n, Action::SupplementLapse, &director, &ActParams::default()).is_err(), "the last day counts");
    assert_eq!(events(&s), before);

    // Monday after: overdue, red, and the director may end it; the officer sees it but may not.
    s.set_now(Some(at("2026-11-30 09:00")));
    let w = s.supplement_watch(&director).unwrap();
    assert_eq!((w[0].supplement_urgency, w[0].lapse_allowed), (Urgency::Overdue, true));
    let mine = s.supplement_watch(&o).unwrap();
    assert_eq!(mine.len(), 1);
    assert!(!mine[0].lapse_allowed && mine[0].lapse_reason.contains("中心主任"), "{}", mine[0].lapse_reason);
    assert!(s.supplement_watch(&stranger).unwrap().is_empty(), "another unit's officer");
    assert_eq!(s.case_detail(&n).unwrap().supplement_urgency, Urgency::Overdue);
    let e = s.act(&n, Action::SupplementLapse, &o, &ActParams::default()).unwrap_err();
    assert_eq!(e.code, ErrorCode::Forbidden);

    // With the setting off it is only watched.
    set_mode(&mut s, SupplementLapseMode::Off);
    let e = s.act(&n, Action::SupplementLapse, &director, &ActParams::default()).unwrap_err();
    assert!(e.message.contains("不视为撤回"), "{}", e.message);
    assert!(!s.supplement_watch(&director).unwrap()[0].lapse_allowed);
    set_mode(&mut s, SupplementLapseMode::Manual);

    let c = s.act(&n, Action::SupplementLapse, &director, &ActParams::default()).unwrap();
    assert_eq!(c.summary.state, CaseState::Withdrawn);
    let last = c.events.last().unwrap();
    assert!(last.note.contains("补正期限 2026-11-27 已过，申请人未补正，视为撤回"), "{}", last.note);
    assert_eq!(c.supplement_urgency, Urgency::None);
    let paper = c.documents.iter().find(|d| d.paper == CasePaper::DeemedWithdrawn).expect("the notice is offered");
    assert_eq!(paper.title, "视为撤回通知书");
    let facts = s.case_paper(&n, CasePaper::DeemedWithdrawn).unwrap();
    let asked = facts.supplement.unwrap();
    assert_eq!((asked.asked.as_str(), asked.due.as_deref()), ("请补充户口簿复印件", Some("2026-11-27")));
    assert!(s.supplement_watch(&director).unwrap().is_empty());
    assert_eq!(s.figures(c_day("2026-11-30"), c_day("2026-11-30")).unwrap().counts.supplement_lapsed, 1);
}

fn c_day(d: &str) -> NaiveDate {
    d.parse().unwrap()
}

#[test]
fn the_automatic_setting_ends_overdue_cases_as_the_system() {
    let (_d, mut s) = testing::store();
    let late = waiting(&mut s, "2026-11-24");
    let on_time = waiting(&mut s, "2026-12-04");
    let no_date = {
        let n = intake(&mut s, CaseKind::Promised, IntakeOutcome::Accept);
        let o = officer(&s, &n);
        s.act(&n, Action::Claim, &o, &ActParams::default()).unwrap();
        s.act(&n, Action::RequestSupplement, &o, &ask("请补充材料", None)).unwrap();
        n
    };
    s.set_now(Some(at("2026-11-26 08:00")));
    // Manual (the default): the sweep leaves them to the director.
    assert_eq!(s.settings().unwrap().supplement_lapse, SupplementLapseMode::Manual);
    assert!(s.sweep_supplement_lapses().unwrap().is_empty());
    set_mode(&mut s, SupplementLapseMode::Auto);
    assert_eq!(s.sweep_supplement_lapses().unwrap(), vec![late.clone()]);
    let c = s.case_detail(&late).unwrap();
    assert_eq!(c.summary.state, CaseState::Withdrawn);
    let last = c.events.last().unwrap();
    assert_eq!((last.actor.as_str(), last.action.as_str()), (SWEEP_ACTOR, "supplement_lapse"));
    for n in [&on_time, &no_date] {
        assert_eq!(s.case_detail(n).unwrap().summary.state, CaseState::Supplement, "{n}");
    }
    // Swept once: a second sweep finds nothing more.
    assert!(s.sweep_supplement_lapses().unwrap().is_empty());
}

#[test]
fn the_setting_is_stored_and_a_stray_value_is_named() {
    let (_d, mut s) = testing::store();
    set_mode(&mut s, SupplementLapseMode::Off);
    assert_eq!(s.settings().unwrap().supplement_lapse, SupplementLapseMode::Off);
    s.set_setting("supplement_lapse", "sometimes").unwrap();
    let e = s.settings().unwrap_err();
    assert_eq!(e.code, ErrorCode::Storage);
    assert!(e.message.contains("supplement_lapse") && e.message.contains("sometimes"), "{}", e.message);
    assert_eq!(SupplementLapseMode::parse("逾期自动视为撤回").unwrap(), SupplementLapseMode::Auto);
}
