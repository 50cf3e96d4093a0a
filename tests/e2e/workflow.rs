//! A hall's working day in the real window: the front desk, the back office, the pickup window
//! and the supervisor, each through its own screens.

use std::path::Path;
use std::time::Instant;

use chrono::{Local, NaiveDate};
use hall_core::catalog::{CaseKind, CatalogItem};
use hall_core::Store;

use crate::demo_db;
use crate::window::Window;

pub(crate) const ID: &str = "230102199003078519";
pub(crate) const NAME: &str = "王小二";

/// A sample item of `kind` without 容缺 materials, and the shortest text that finds it alone.
pub(crate) fn item(db: &Path, kind: CaseKind) -> (CatalogItem, String) {
    let s = Store::open(db).unwrap();
    let items = s.catalog_items(None, None).unwrap();
    let it = items
        .iter()
        .map(|v| &v.item)
        .find(|i| i.kind == kind && i.materials.iter().all(|m| !m.deferrable) && i.materials.len() >= 2)
        .unwrap()
        .clone();
    let initials = items.iter().find(|v| v.item.code == it.code).unwrap().initials.clone();
    let key = if s.catalog_items(Some(&initials), None).unwrap().len() == 1 { initials } else { it.code.clone() };
    (it, key)
}

fn officer_for(db: &Path, number: &str) -> String {
    Store::open(db).unwrap().case_officer(number).unwrap().unwrap().username
}

/// Opens a case from 办件查询.
pub(crate) async fn open_case(w: &Window, number: &str) {
    w.click("[data-testid=nav-search]").await;
    w.type_into("input[data-testid=search-input]", number).await;
    w.click("[data-testid=search-submit]").await;
    w.text_contains("[data-testid=search-results]", number).await;
    w.click("[data-testid=search-results] tr.result-row td").await;
    w.text_contains("[data-testid=case-number]", number).await;
}

/// Takes an action from the case page; `fill` fills the dialog before OK.
pub(crate) async fn act(w: &Window, action: &str, expect_state: &str) {
    w.click(&format!("[data-testid=action-{action}]")).await;
    w.click("[data-testid=action-ok]").await;
    w.text_contains("[data-testid=case-state]", expect_state).await;
}

/// Fills the intake form by keyboard (item, ID card read with Enter, name, phone, address, and
/// Alt+A for "all materials received" when `all_materials`); returns the keystrokes.
pub(crate) async fn fill_intake(w: &Window, key: &str, all_materials: bool) -> usize {
    w.click("[data-testid=nav-intake]").await;
    w.el("input[data-testid=intake-item]").await;
    let mut keys = 0;
    keys += w.keys("input[data-testid=intake-item]", &format!("{key}\u{E007}")).await;
    w.text_contains("[data-testid=intake-materials]", "").await;
    keys += w.keys("input[data-testid=intake-id]", &format!("{ID}\u{E007}")).await;
    keys += w.keys("input[data-testid=intake-name]", &format!("{NAME}\u{E004}")).await;
    keys += w.keys("input[data-testid=intake-phone]", "13800138000\u{E004}").await;
    keys += w.keys("input[data-testid=intake-address]", "惠头村1组2号").await;
    if all_materials {
        keys += w.keys("input[data-testid=intake-address]", "\u{E00A}a\u{E000}").await - 1;
    }
    keys
}

/// The result panel's case number.
pub(crate) async fn result_number(w: &Window) -> String {
    w.text_contains("[data-testid=intake-result-number]", "-").await.trim().to_string()
}

fn shows_date(text: &str, d: NaiveDate) -> bool {
    text.contains(&d.to_string()) || text.contains(&d.format("%Y年%-m月%-d日").to_string())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn a_promised_case_from_intake_through_supplement_to_a_closed_follow_up() {
    let (dir, db) = demo_db();
    let (it, key) = item(&db, CaseKind::Promised);
    let cal = Store::open(&db).unwrap().calendar().clone();
    let day1 = cal.add_working_days(Local::now().date_naive(), 1).date;
    let day2 = cal.add_working_days(day1, 3).date;

    // Day 1: intake at the desk, claim and 补正 in the back office.
    let w = Window::open(&db, Some(&format!("{day1} 09:00"))).await;
    w.login_as("clerk1").await;
    let t = Instant::now();
    let mut keys = fill_intake(&w, &key, true).await;
    // Ctrl+Enter: 受理.
    keys += w.keys("input[data-testid=intake-address]", "\u{E009}\u{E007}\u{E000}").await - 1;
    let number = result_number(&w).await;
    let secs = t.elapsed().as_secs_f64();
    let due0 = cal.add_working_days(day1, it.promised_days).date;
    w.text_contains("[data-testid=intake-result-due]", &due0.format("%Y").to_string()).await;
    let shown_due = w.text("[data-testid=intake-result-due]").await.unwrap();
    assert!(shows_date(&shown_due, due0), "due {due0} shown as {shown_due}");
    w.screenshot("10-intake-accepted").await;
    std::fs::write(
        crate::window::artifact("intake-timing.txt"),
        format!("standard intake by keyboard: {keys} keystrokes, {secs:.1} s (WebDriver typing)\n"),
    )
    .unwrap();
    eprintln!("standard intake by keyboard: {keys} keystrokes, {secs:.1} s");
    w.logout().await;

    let officer = officer_for(&db, &number);
    w.login_as(&officer).await;
    w.click("[data-testid=nav-queue]").await;
    w.text_contains("[data-testid=queue-table]", &number).await;
    w.screenshot("11-officer-queue").await;
    open_case(&w, &number).await;
    act(&w, "claim", "办理中").await;
    w.click("[data-testid=action-request_supplement]").await;
    w.type_into("textarea[data-testid=action-note]", "请补充户口簿首页复印件").await;
    w.click("[data-testid=action-ok]").await;
    w.text_contains("[data-testid=case-state]", "补正").await;
    w.screenshot("12-supplement-requested").await;
    w.logout().await;
    w.close().await;

    // Day 2, three working days later: the supplement comes in, the due date moves by three.
    let w = Window::open(&db, Some(&format!("{day2} 10:00"))).await;
    w.login_as("clerk1").await;
    open_case(&w, &number).await;
    act(&w, "supplement_received", "办理中").await;
    let due1 = cal.add_working_days(due0, 3).date;
    w.text_contains("[data-testid=case-paused-days]", "3").await;
    let shown = w.text("[data-testid=case-due]").await.unwrap();
    assert!(shows_date(&shown, due1), "due moved from {due0} to {due1}, shown {shown}");
    w.screenshot("13-supplement-received").await;
    w.logout().await;

    w.login_as(&officer).await;
    open_case(&w, &number).await;
    act(&w, "approve", "通过").await;
    w.logout().await;

    // The pickup window: identity check, then the citizen's rating.
    w.login_as("clerk1").await;
    w.click("[data-testid=nav-pickup]").await;
    w.text_contains("[data-testid=pickup-table]", &number).await;
    w.screenshot("14-pickup-ready").await;
    open_case(&w, &number).await;
    w.click("[data-testid=action-deliver]").await;
    w.click("[data-testid=delivery-method-in_person]").await;
    // The dialog moves the focus to the name once it has opened: let it settle before typing.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    w.type_into("input[data-testid=delivery-id]", "11010519491231002X").await;
    w.type_into("input[data-testid=delivery-name]", NAME).await;
    w.click("[data-testid=action-ok]").await;
    w.text_contains("body", "身份核验未通过").await;
    w.screenshot("15-identity-check-refused").await;
    w.type_into("input[data-testid=delivery-id]", ID).await;
    w.type_into("input[data-testid=delivery-name]", NAME).await;
    w.click("[data-testid=action-ok]").await;
    w.text_contains("[data-testid=case-state]", "已出件").await;
    w.click("[data-testid=rating-level-2]").await;
    w.type_into("textarea[data-testid=rating-comment]", "排队时间太长").await;
    w.click("[data-testid=rating-submit]").await;
    w.text_contains("[data-testid=case-rating]", "不满意").await;
    w.screenshot("16-delivered-and-rated").await;
    w.logout().await;

    // The supervisor sees the follow-up and closes it.
    w.login_as("director").await;
    w.click("[data-testid=nav-supervisor]").await;
    w.el("[data-testid=supervisor-dashboard]").await;
    w.screenshot("17-supervisor-dashboard").await;
    w.click("[data-testid=supervisor-tab-urgent]").await;
    w.el("[data-testid=urgent-table]").await;
    w.screenshot("17b-supervisor-urgent").await;
    w.click("[data-testid=supervisor-tab-follow]").await;
    w.text_contains("[data-testid=follow-up-table]", &number).await;
    // The sample hall has 差评 of its own: take this case's row.
    w.click_in_row("[data-testid=follow-up-table]", &number, "[data-testid=follow-up-edit]").await;
    w.type_into("textarea[data-testid=follow-up-callback]", "已电话回访，群众反映排队时间长").await;
    w.type_into("textarea[data-testid=follow-up-fix]", "高峰时段增开综合窗口").await;
    w.click("[data-testid=follow-up-close]").await;
    w.click("[data-testid=follow-up-save]").await;
    w.text_contains("[data-testid=follow-up-table]", "已办结").await;
    let row = w
        .c()
        .execute(
            "return [...document.querySelectorAll('[data-testid=follow-up-table] tr')].find(r => r.innerText.includes(arguments[0])).innerText",
            vec![number.clone().into()],
        )
        .await
        .unwrap();
    assert!(row.as_str().unwrap_or("").contains("已办结"), "{row}");
    w.screenshot("18-follow-up-closed").await;
    open_case(&w, &number).await;
    let timeline = w.text("[data-testid=case-timeline]").await.unwrap();
    for step in ["接件", "受理", "认领", "要求补正", "补正完成", "办结（通过）", "出件", "评价", "差评回访"]
    {
        assert!(timeline.contains(step), "{step} missing from the timeline:\n{timeline}");
    }
    w.close().await;
    // The app's log after a whole case: no full ID number, no phone (等保: personal information).
    let log = std::fs::read_to_string(dir.path().join("logs/yichuang.log")).unwrap();
    assert!(log.contains(&number), "the log is the app's, written during the test");
    for secret in [ID, "13800138000"] {
        assert!(!log.contains(secret), "the log holds {secret}");
    }
    drop(dir);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn the_desk_decides_instant_refused_and_incomplete_requests() {
    let (dir, db) = demo_db();
    let w = Window::open(&db, None).await;
    w.login_as("clerk1").await;

    // 即办件: accepted and decided at the window in one step.
    let (_, key) = item(&db, CaseKind::Instant);
    fill_intake(&w, &key, true).await;
    w.click("[data-testid=intake-instant]").await;
    let number = result_number(&w).await;
    w.text_contains("[data-testid=intake-result]", "通过").await;
    w.screenshot("20-instant-done").await;
    assert_eq!(Store::open(&db).unwrap().case_detail(&number).unwrap().summary.state.key(), "approved");
    w.click("[data-testid=intake-next]").await;

    // 不予受理 with a reason.
    let (_, key) = item(&db, CaseKind::Promised);
    fill_intake(&w, &key, true).await;
    w.click("[data-testid=intake-refuse]").await;
    w.type_into("textarea[data-testid=intake-reason]", "申请事项不属于本中心受理范围").await;
    w.click("[data-testid=intake-reason-ok]").await;
    let refused = result_number(&w).await;
    w.text_contains("[data-testid=intake-result]", "不予受理").await;
    w.screenshot("21-refused").await;
    w.click("[data-testid=intake-next]").await;

    // 一次性告知: nothing handed in; one list of everything missing, the request stays logged.
    let (it, key) = item(&db, CaseKind::Promised);
    fill_intake(&w, &key, false).await;
    w.click("[data-testid=intake-notify]").await;
    let logged = result_number(&w).await;
    let missing = w.text_contains("[data-testid=intake-result-missing]", &it.materials[0].name).await;
    for m in it.materials.iter().filter(|m| m.required) {
        assert!(missing.contains(&m.name), "{} missing from {missing}", m.name);
    }
    w.screenshot("22-notify-missing").await;
    // The same citizen asks again for the same item: the desk is warned of the open request.
    w.click("[data-testid=intake-next]").await;
    fill_intake(&w, &key, false).await;
    w.text_contains("[data-testid=intake-repeat-warning]", &logged).await;
    w.screenshot("23-repeat-warning").await;
    let s = Store::open(&db).unwrap();
    assert_eq!(s.case_detail(&logged).unwrap().summary.state.key(), "logged");
    assert_eq!(s.case_detail(&refused).unwrap().summary.state.key(), "refused");
    w.close().await;
    drop(dir);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn a_forwarded_case_goes_to_the_county_and_back() {
    let (dir, db) = demo_db();
    let (_, key) = item(&db, CaseKind::Forwarded);
    let w = Window::open(&db, None).await;
    w.login_as("clerk1").await;
    fill_intake(&w, &key, true).await;
    w.click("[data-testid=intake-accept]").await;
    let number = result_number(&w).await;
    w.logout().await;

    w.login_as(&officer_for(&db, &number)).await;
    open_case(&w, &number).await;
    act(&w, "claim", "办理中").await;
    act(&w, "forward", "办理中").await;
    w.text_contains("[data-testid=case-timeline]", "上报").await;
    w.click("[data-testid=action-county_result]").await;
    w.type_into("textarea[data-testid=action-note]", "县民政局审批通过").await;
    w.click("[data-testid=action-ok]").await;
    w.text_contains("[data-testid=case-timeline]", "县民政局审批通过").await;
    act(&w, "approve", "通过").await;
    w.screenshot("30-forwarded-round-trip").await;
    let s = Store::open(&db).unwrap();
    let days: Option<i64> = s.county_turnaround(&number).unwrap();
    assert_eq!(days, Some(0), "sent and answered the same day");
    w.close().await;
    drop(dir);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn roles_are_refused_in_rust_what_they_may_not_do() {
    let (dir, db) = demo_db();
    let w = Window::open(&db, None).await;
    w.login_as("clerk1").await;
    assert!(
        w.c().find(fantoccini::Locator::Css("[data-testid=nav-admin]")).await.is_err(),
        "no admin menu for a clerk"
    );
    // Even called directly, Rust refuses: the menu is not the guard.
    let e = w.invoke(serde_json::json!({"type": "users"})).await.unwrap_err();
    assert_eq!(e["code"], "forbidden");
    assert!(e["message"].as_str().unwrap().contains("系统管理员"), "{e}");
    w.logout().await;
    w.login_as("officer.shsw").await;
    let e = w.invoke(serde_json::json!({"type": "ready_list"})).await.unwrap_err();
    assert_eq!(e["code"], "forbidden");
    w.logout().await;
    let e = w.invoke(serde_json::json!({"type": "dashboard"})).await.unwrap_err();
    assert!(e["message"].as_str().unwrap().contains("请先登录"), "{e}");
    w.close().await;
    drop(dir);
}

/// The `data-testid` of the element that has the focus.
async fn focused(w: &Window) -> String {
    let v = w.c().execute("return document.activeElement?.dataset?.testid ?? ''", vec![]).await.unwrap();
    v.as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn an_agent_is_typed_by_keyboard_and_a_refusal_needs_its_reason() {
    let (dir, db) = demo_db();
    let w = Window::open(&db, None).await;
    w.login_as("clerk1").await;
    let (_, key) = item(&db, CaseKind::Promised);
    fill_intake(&w, &key, true).await;

    // Alt+D: 由代办人代为办理, the focus in the agent's ID; Enter runs on to the first material.
    w.keys("input[data-testid=intake-address]", "\u{E00A}d\u{E000}").await;
    w.el("[data-testid=intake-agent]").await;
    assert_eq!(focused(&w).await, "intake-agent-id");
    w.keys("input[data-testid=intake-agent-id]", "110101199003074119\u{E007}").await;
    assert_eq!(focused(&w).await, "intake-agent-name");
    w.keys("input[data-testid=intake-agent-name]", "李代办\u{E007}").await;
    assert_eq!(focused(&w).await, "intake-agent-phone");
    w.keys("input[data-testid=intake-agent-phone]", "13900139000\u{E007}").await;
    assert_eq!(focused(&w).await, "intake-material");
    w.screenshot("24-intake-agent").await;

    // Alt+B: 不予受理 asks the reason; Ctrl+Enter without one is refused in the dialog.
    w.keys("input[data-testid=intake-agent-phone]", "\u{E00A}b\u{E000}").await;
    w.el("[data-testid=intake-refuse-dialog]").await;
    w.keys("textarea[data-testid=intake-reason]", "\u{E009}\u{E007}\u{E000}").await;
    w.text_contains("[data-testid=intake-refuse-dialog]", "请填写不予受理的理由").await;
    w.type_into("textarea[data-testid=intake-reason]", "代办人未带授权委托书").await;
    w.screenshot("25-intake-refuse-dialog").await;
    w.keys("textarea[data-testid=intake-reason]", "\u{E009}\u{E007}\u{E000}").await;
    let number = result_number(&w).await;
    w.text_contains("[data-testid=intake-result]", "代办人未带授权委托书").await;
    let d = Store::open(&db).unwrap().case_detail(&number).unwrap();
    assert_eq!(d.summary.state.key(), "refused");
    assert_eq!(d.agent.expect("the agent is recorded").name, "李代办");
    w.close().await;
    drop(dir);
}
