//! Store tests of the counter's rating screen (评价器): what it is offered and for how long, the
//! citizen's rating and its channel, and ratings after 即办 and 不予受理.

use chrono::{Duration, NaiveDateTime};

use super::testing;
use super::workflow_tests::{at, decided, delivery};
use super::{ActParams, DeliveryMethod, RatingChannel, SessionUser, Store};
use crate::catalog::CaseKind;
use crate::error::ErrorCode;
use crate::intake::{IntakeOutcome, IntakeRequest, Party, PartyKind};
use crate::lifecycle::{Action, CaseState};

const ID: &str = "230102199003078519";
const NAME: &str = "王小二";
const DESK: &str = "1号窗口";

fn screen(serves: &str) -> SessionUser {
    SessionUser { serves: Some(serves.into()), ..SessionUser::rating_screen(&format!("{serves}评价器")) }
}

/// Hands a decided case out, as a step taken at `desk` on the hall network (or on one PC).
fn hand_out(s: &mut Store, number: &str, desk: Option<&str>) {
    let clerk = s.user("clerk1").unwrap();
    let _scope = desk.map(crate::origin::enter);
    s.act(number, Action::Deliver, &clerk, &delivery(DeliveryMethod::InPerson, NAME, ID, "")).unwrap();
}

/// A case taken in with `outcome` for an item of `kind`, every material handed in.
fn take_in(s: &mut Store, kind: CaseKind, outcome: IntakeOutcome, desk: Option<&str>) -> String {
    let clerk = s.user("clerk1").unwrap();
    let item = s.catalog_items(None, None).unwrap().into_iter().map(|v| v.item).find(|i| i.kind == kind).unwrap();
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
        materials: item.materials.iter().map(|m| m.name.clone()).collect(),
        clerk: clerk.username.clone(),
        outcome,
        note: if outcome == IntakeOutcome::Refuse { "不属于本中心受理范围".into() } else { String::new() },
        commitment_due: None,
    };
    let _scope = desk.map(crate::origin::enter);
    s.intake(&req, &clerk).unwrap().summary.number
}

fn reasons(list: &[&str]) -> Vec<String> {
    list.iter().map(|r| r.to_string()).collect()
}

#[test]
fn a_case_handed_out_at_a_desk_is_offered_on_its_screen_for_a_minute() {
    let (_d, mut s) = testing::store();
    let t: NaiveDateTime = at("2026-11-20 10:00");
    s.set_now(Some(t));
    let n = decided(&mut s);
    assert_eq!(s.rating_prompt(&screen(DESK)).unwrap().map(|p| p.number), None, "nothing before 出件");
    hand_out(&mut s, &n, Some(DESK));
    let p = s.rating_prompt(&screen(DESK)).unwrap().expect("offered at the desk's screen");
    assert_eq!((p.number.as_str(), p.applicant_name.as_str(), p.seconds_left), (n.as_str(), "王**", 60));
    assert_eq!(p.offered_at, "2026-11-20 10:00:00");
    assert!(!p.item_name.is_empty());
    assert!(s.rating_prompt(&screen("2号窗口")).unwrap().is_none(), "another desk's screen shows nothing");
    s.set_now(Some(t + Duration::seconds(59)));
    assert_eq!(s.rating_prompt(&screen(DESK)).unwrap().unwrap().seconds_left, 1);
    s.set_now(Some(t + Duration::seconds(60)));
    assert!(s.rating_prompt(&screen(DESK)).unwrap().is_none(), "the screen gives up after 60 s");
    s.set_now(Some(t + Duration::seconds(61)));
    let e = s.screen_rate(&n, 5, &[], "", &screen(DESK)).unwrap_err();
    assert!(e.message.contains("评价已超时"), "{}", e.message);
    assert!(s.rating(&n).unwrap().is_none(), "nothing recorded");
    // Staff may still key in what the citizen says.
    assert_eq!(s.rate(&n, 4, "", &s.user("clerk1").unwrap()).unwrap().channel, RatingChannel::Staff);

    // The newest case of the desk is shown; a rated one no longer is.
    let (a, b) = (decided(&mut s), decided(&mut s));
    hand_out(&mut s, &a, Some(DESK));
    s.set_now(Some(t + Duration::seconds(70)));
    hand_out(&mut s, &b, Some(DESK));
    assert_eq!(s.rating_prompt(&screen(DESK)).unwrap().unwrap().number, b);
    s.set_now(Some(t + Duration::seconds(80)));
    s.screen_rate(&b, 5, &[], "", &screen(DESK)).unwrap();
    let p = s.rating_prompt(&screen(DESK)).unwrap().unwrap();
    assert_eq!((p.number, p.seconds_left), (a, 41));
}

#[test]
fn a_screen_rating_of_two_opens_a_follow_up_and_carries_its_channel() {
    let (_d, mut s) = testing::store();
    s.set_now(Some(at("2026-11-20 10:00")));
    let n = decided(&mut s);
    hand_out(&mut s, &n, Some(DESK));
    let sc = screen(DESK);
    for (level, given, needle) in [
        (2, reasons(&[]), "至少选择一项原因"),
        (2, reasons(&["排队太久了"]), "不在可选范围"),
        (4, reasons(&["态度不好"]), "只有"),
        (0, reasons(&[]), "评价等级"),
    ] {
        let e = s.screen_rate(&n, level, &given, "", &sc).unwrap_err();
        assert!(e.message.contains(needle), "{needle}: {}", e.message);
    }
    assert!(s.rating(&n).unwrap().is_none() && s.follow_ups(true).unwrap().is_empty(), "refusals change nothing");
    s.set_now(Some(at("2026-11-20 10:00") + Duration::seconds(30)));
    let r = s.screen_rate(&n, 2, &reasons(&["等候时间长", "多次跑腿", "等候时间长"]), "等了很久", &sc).unwrap();
    assert_eq!((r.level, r.channel, r.rated_by.as_str()), (2, RatingChannel::Screen, "评价器：1号窗口评价器"));
    assert_eq!(r.reasons, reasons(&["等候时间长", "多次跑腿"]));
    let f = s.follow_ups(true).unwrap();
    assert_eq!((f.len(), f[0].number.as_str(), f[0].due_on.as_str()), (1, n.as_str(), "2026-11-27"));
    let e = s.screen_rate(&n, 5, &[], "", &sc).unwrap_err();
    assert_eq!(e.code, ErrorCode::Conflict);
    // Shown on the case, with its event.
    let c = s.case_detail(&n).unwrap();
    assert_eq!(c.rating.as_ref().unwrap().channel, RatingChannel::Screen);
    assert!(c.follow_up_open && !c.rating_open);
    let note = &c.events.iter().rfind(|e| e.action == "rate").unwrap().note;
    assert!(note.starts_with("评价器：不满意（2）；原因：等候时间长、多次跑腿；意见：等了很久；差评"), "{note}");
    // Carried in the sync body.
    let batch = s.outbox_batch(10).unwrap();
    let body = &batch.cases.iter().find(|c| c.body.number == n).unwrap().body;
    let rating = body.rating.as_ref().unwrap();
    assert_eq!((rating.channel.as_str(), rating.reasons.len()), ("screen", 2));
    assert_eq!(body.content_hash(), batch.cases.iter().find(|c| c.body.number == n).unwrap().content_hash);
    // Counted by channel beside a staff rating.
    let m = decided(&mut s);
    hand_out(&mut s, &m, None);
    s.rate(&m, 5, "", &s.user("clerk1").unwrap()).unwrap();
    let day = at("2026-11-20 00:00").date();
    let r = s.figures(day, day).unwrap().ratings;
    assert_eq!((r.count, r.levels.clone()), (2, vec![0, 1, 0, 0, 1]));
    let by: Vec<(RatingChannel, u32, f64)> = r.by_channel.iter().map(|c| (c.channel, c.count, c.average)).collect();
    assert_eq!(by, vec![(RatingChannel::Screen, 1, 2.0), (RatingChannel::Staff, 1, 5.0)]);
    let staff = s.outbox_batch(10).unwrap();
    let staff = staff.cases.iter().find(|c| c.body.number == m).unwrap();
    assert_eq!(staff.body.rating.as_ref().unwrap().channel, "staff");
    assert!(!serde_json::to_string(&staff.body).unwrap().contains("channel"), "a staff rating is sent as before");
}

#[test]
fn only_the_serving_desks_screen_rates_what_it_was_offered() {
    let (_d, mut s) = testing::store();
    s.set_now(Some(at("2026-11-20 10:00")));
    // Handed out on one PC (no desk): no screen is offered it.
    let n = decided(&mut s);
    hand_out(&mut s, &n, None);
    assert!(s.rating_prompt(&screen(DESK)).unwrap().is_none());
    assert_eq!(s.screen_rate(&n, 5, &[], "", &screen(DESK)).unwrap_err().code, ErrorCode::Forbidden);
    let m = decided(&mut s);
    hand_out(&mut s, &m, Some(DESK));
    assert_eq!(s.screen_rate(&m, 5, &[], "", &screen("2号窗口")).unwrap_err().code, ErrorCode::Forbidden);
    let unpaired = SessionUser::rating_screen("未设置窗口的评价器");
    assert!(s.rating_prompt(&unpaired).unwrap_err().message.contains("服务的窗口"));
    let clerk = s.user("clerk1").unwrap();
    assert_eq!(s.screen_rate(&m, 5, &[], "", &clerk).unwrap_err().code, ErrorCode::Forbidden, "staff never");
    assert_eq!(s.rate(&m, 5, "", &screen(DESK)).unwrap_err().code, ErrorCode::Forbidden, "nor a screen as staff");
    assert_eq!(s.rating_prompt(&screen(DESK)).unwrap().unwrap().number, m);
}

#[test]
fn a_case_completed_or_refused_at_the_desk_may_be_rated() {
    let (_d, mut s) = testing::store();
    s.set_now(Some(at("2026-11-20 10:00")));
    let (clerk, officer) = (s.user("clerk1").unwrap(), s.user("officer.shsw").unwrap());
    let instant = take_in(&mut s, CaseKind::Instant, IntakeOutcome::Instant, Some(DESK));
    let c = s.case_view(&instant, &clerk).unwrap();
    assert_eq!(c.summary.state, CaseState::Approved);
    assert!(c.rating_open && c.can_rate);
    assert!(s.case_view(&instant, &officer).unwrap().rating_open && !s.case_view(&instant, &officer).unwrap().can_rate);
    assert_eq!(s.rating_prompt(&screen(DESK)).unwrap().unwrap().number, instant);
    s.screen_rate(&instant, 5, &[], "", &screen(DESK)).unwrap();
    let refused = take_in(&mut s, CaseKind::Promised, IntakeOutcome::Refuse, Some(DESK));
    assert_eq!(s.case_detail(&refused).unwrap().summary.state, CaseState::Refused);
    assert_eq!(s.rating_prompt(&screen(DESK)).unwrap().unwrap().number, refused);
    assert_eq!(s.rate(&refused, 3, "", &clerk).unwrap().channel, RatingChannel::Staff);
    assert!(!s.case_view(&refused, &clerk).unwrap().can_rate, "one rating per case");
    // A case accepted for the back office is not rated at the desk, nor one decided there.
    let accepted = take_in(&mut s, CaseKind::Promised, IntakeOutcome::Accept, Some(DESK));
    assert!(!s.case_view(&accepted, &clerk).unwrap().rating_open);
    assert!(s.rate(&accepted, 5, "", &clerk).unwrap_err().message.contains("才能评价"));
    let o = super::workflow_tests::officer(&s, &accepted);
    s.act(&accepted, Action::Claim, &o, &ActParams::default()).unwrap();
    s.act(&accepted, Action::Approve, &o, &ActParams::default()).unwrap();
    assert!(s.rate(&accepted, 5, "", &clerk).unwrap_err().message.contains("“办结（通过）”"));
    // 即办 then handed out at the pickup window: the offer moves there.
    let later = take_in(&mut s, CaseKind::Instant, IntakeOutcome::Instant, Some(DESK));
    hand_out(&mut s, &later, Some("出件窗口"));
    assert_ne!(s.rating_prompt(&screen(DESK)).unwrap().map(|p| p.number).as_ref(), Some(&later));
    assert_eq!(s.rating_prompt(&screen("出件窗口")).unwrap().unwrap().number, later);
}

#[test]
fn ratings_of_an_older_hall_become_staff_ratings() {
    let (_dir, path) = testing::old_hall(6);
    let s = Store::open(&path).unwrap();
    let (number, rated_at): (String, String) = s
        .conn
        .query_row("SELECT c.number, r.rated_at FROM ratings r JOIN cases c ON c.id = r.case_id LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let r = s.rating(&number).unwrap().unwrap();
    assert_eq!((r.channel, r.reasons.len()), (RatingChannel::Staff, 0));
    let day = rated_at[..10].parse().unwrap();
    let f = s.figures(day, day).unwrap().ratings;
    assert_eq!((f.by_channel[0].count, f.by_channel[1].count), (0, f.count));
}

#[test]
fn an_unknown_channel_or_reason_is_refused_when_read() {
    let (_d, mut s) = testing::store();
    let n = decided(&mut s);
    hand_out(&mut s, &n, None);
    s.rate(&n, 4, "", &s.user("clerk1").unwrap()).unwrap();
    s.conn.execute("UPDATE ratings SET channel = 'online'", []).unwrap();
    let e = s.rating(&n).unwrap_err();
    assert_eq!(e.code, ErrorCode::Storage);
    assert!(e.message.contains("ratings") && e.message.contains("online"), "{}", e.message);
    s.conn.execute("UPDATE ratings SET channel = 'staff', reasons = '[\"太慢\"]'", []).unwrap();
    assert!(s.rating(&n).unwrap_err().message.contains("reasons"));
}

/// Through the gate: a screen's session does its own two requests (and reads the hall's name
/// and words); everything else is refused before it runs, and no staff session may make the
/// screen's requests. (The request × role test in `api` runs every request for a screen too.)
#[test]
fn through_dispatch_a_screen_only_rates_and_staff_never_do_it_for_the_citizen() {
    use crate::api::{authorize, dispatch, Reply, Request};
    use zeroize::Zeroizing;
    let (_d, mut s) = testing::store();
    let mut screen = Some(screen(DESK));
    let login = |u: &str, p: &str| Request::Login { username: u.into(), password: Zeroizing::new(p.into()) };
    for req in [
        login("clerk1", "Demo@clerk1"),
        Request::Whoami,
        Request::Lock,
        Request::SearchCases { text: "王".into() },
        Request::ReadyList,
        Request::Rate { number: "x".into(), level: 5, comment: String::new() },
        Request::Users,
    ] {
        let name: &'static str = (&req).into();
        let e = dispatch(&mut s, &mut screen, req).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden, "{name}");
        assert!(e.message.contains("评价器只能显示待评价的办件"), "{name}: {}", e.message);
    }
    assert!(screen.as_ref().is_some_and(|u| u.screen), "a screen never becomes a person: {screen:?}");
    assert!(authorize(&screen, &[crate::lifecycle::Role::Officer]).is_err(), "nor prints");
    assert!(matches!(dispatch(&mut s, &mut screen, Request::HallInfo).unwrap(), Reply::HallInfo(_)));
    assert!(matches!(dispatch(&mut s, &mut screen, Request::Vocabulary).unwrap(), Reply::Vocabulary(_)));
    let denied = testing::count(
        &s,
        "SELECT count(*) FROM events WHERE action = 'denied' AND note LIKE '拒绝 评价器：1号窗口评价器（评价器）%'",
    );
    assert_eq!(denied, 7, "each refusal is a security event naming the screen");

    let number = testing::delivered_at(&mut s, DESK);
    let Reply::RatingPrompt(Some(p)) = dispatch(&mut s, &mut screen, Request::RatingPrompt).unwrap() else {
        panic!("a prompt")
    };
    assert_eq!(p.number, number);
    let mut clerk = None;
    dispatch(&mut s, &mut clerk, login("clerk1", "Demo@clerk1")).unwrap();
    let rate =
        |level: u8| Request::ScreenRate { number: number.clone(), level, reasons: vec![], comment: String::new() };
    for req in [Request::RatingPrompt, rate(5)] {
        let e = dispatch(&mut s, &mut clerk, req).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert!(e.message.contains("已配对的评价器"), "{}", e.message);
    }
    let e = dispatch(&mut s, &mut screen, rate(2)).unwrap_err();
    assert!(e.message.contains("至少选择一项原因"), "{}", e.message);
    let req: Request = serde_json::from_value(serde_json::json!({"type": "screen_rate", "number": number,
        "level": 2, "reasons": ["态度不好"]}))
    .unwrap();
    let Reply::Rating(r) = dispatch(&mut s, &mut screen, req).unwrap() else { panic!("a rating") };
    assert_eq!((r.level, r.channel, r.reasons), (2, RatingChannel::Screen, vec!["态度不好".to_string()]));
    assert!(matches!(dispatch(&mut s, &mut screen, Request::RatingPrompt).unwrap(), Reply::RatingPrompt(None)));
    assert_eq!(s.follow_ups(true).unwrap().iter().map(|f| f.number.clone()).collect::<Vec<_>>(), vec![number]);
}

/// The rating screen's page (assets/rater/index.html) makes only requests a screen's session
/// is let through with, reads the words it shows from the vocabulary, and loads nothing from
/// elsewhere.
#[test]
fn the_rating_screen_page_asks_only_for_what_a_screen_may() {
    use crate::api::{dispatch, Request};
    let page = include_str!("../../../../assets/rater/index.html");
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains("src="), "an outside URL");
    let mut asked: Vec<&str> =
        page.split("call({ type: \"").skip(1).filter_map(|rest| rest.split('"').next()).collect();
    asked.sort_unstable();
    assert_eq!(asked, ["hall_info", "rating_prompt", "screen_rate", "vocabulary"]);
    let (_d, mut s) = testing::store();
    let mut screen = Some(screen(DESK));
    for name in asked {
        let mut req = serde_json::json!({"type": name});
        if name == "screen_rate" {
            req = serde_json::json!({"type": name, "number": "231221104-20200101-9999", "level": 5, "reasons": [], "comment": ""});
        }
        let req: Request = serde_json::from_value(req).unwrap();
        let r = dispatch(&mut s, &mut screen, req);
        assert!(!matches!(&r, Err(e) if e.code == ErrorCode::Forbidden), "{name}: {r:?}");
    }
    for words in ["rating_labels", "rating_reasons"] {
        assert!(page.contains(words), "{words}");
    }
}
