//! The hall's duties besides cases, in the real window: 咨询登记 with a call back, a 准入 refusal,
//! a 县乡联动 issue answered, and the supervisor's lists, demands and home cards. Each checks what
//! the screen shows and, where cheap, what the store holds.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Local;
use hall_core::catalog::UnitLevel;
use hall_core::store::{ConsultFilter, TaskState};
use hall_core::Store;

use crate::demo_db;
use crate::window::Window;

const ENTER: &str = "\u{E007}";
const ARROW_DOWN: &str = "\u{E015}";
/// Alt+<key>, then every modifier released.
fn alt(key: char) -> String {
    format!("\u{E00A}{key}\u{E000}")
}

/// A county department of the demo hall: (code, name).
fn county_unit(db: &Path) -> (String, String) {
    let u = Store::open(db).unwrap().units().unwrap().into_iter().find(|u| u.level == UnitLevel::County).unwrap();
    (u.code, u.name)
}

/// Opens an el-select and clicks its option with that data-value (the visible one: a closed
/// dropdown stays in the DOM).
pub(crate) async fn pick(w: &Window, testid: &str, value: &str) {
    w.click(&format!("[data-testid={testid}]")).await;
    let css = format!("[data-testid={testid}-option][data-value=\"{value}\"]");
    w.el(&css).await;
    let t = Instant::now();
    loop {
        let clicked = w
            .c()
            .execute(
                "const e = [...document.querySelectorAll(arguments[0])].find(e => e.offsetParent !== null);
                 if (e) e.click(); return !!e;",
                vec![css.clone().into()],
            )
            .await
            .unwrap();
        if clicked == serde_json::Value::Bool(true) {
            return;
        }
        assert!(t.elapsed() < Duration::from_secs(10), "{css} never became visible");
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// Waits until no row of the table mentions `needle` (the list reloads after a change).
async fn gone_from(w: &Window, table: &str, needle: &str) {
    let t = Instant::now();
    loop {
        let text = w.text(table).await.unwrap_or_default();
        if !text.contains(needle) {
            return;
        }
        if t.elapsed() > Duration::from_secs(15) {
            w.screenshot("failure").await;
            panic!("{table} still shows “{needle}”");
        }
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
}

/// The text of the table row mentioning `needle`.
async fn row_text(w: &Window, table: &str, needle: &str) -> String {
    w.text_contains(table, needle).await;
    let v = w
        .c()
        .execute(
            "const [table, text] = arguments;
             const row = [...document.querySelectorAll(table + ' tr')].find(r => r.innerText.includes(text));
             return row ? row.innerText : '';",
            vec![table.into(), needle.into()],
        )
        .await
        .unwrap();
    v.as_str().unwrap_or_default().to_string()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn a_consultation_with_a_call_back_is_logged_by_keyboard_and_closed() {
    let (dir, db) = demo_db();
    let today = Local::now().date_naive();
    let callback_due = Store::open(&db).unwrap().calendar().add_working_days(today, 1).date;
    let w = Window::open(&db, None).await;
    w.login_as("clerk1").await;

    // Alt+Z from the home screen opens 咨询登记 with the focus in 咨询事项.
    w.keys("input[data-testid=home-search-input]", &alt('z')).await;
    w.el("[data-testid=consult-form]").await;
    w.keys("input[data-testid=consult-topic]", "hjqy").await;
    w.el("[data-testid=consult-topic-option][data-code]").await;
    w.keys("input[data-testid=consult-topic]", &format!("{ARROW_DOWN}{ENTER}")).await;
    w.text_contains("[data-testid=consult-item]", "户籍迁移").await;
    let answer = "带户口簿和准迁证到派出所窗口办理（端到端）";
    w.keys("textarea[data-testid=consult-answer]", &format!("{answer}\u{E004}")).await;
    w.keys("input[data-testid=consult-name]", "王小明").await;
    // Alt+H: 需回访, the focus moves to the phone.
    w.keys("input[data-testid=consult-name]", &alt('h')).await;
    w.keys("input[data-testid=consult-phone]", "13800138000").await;
    w.screenshot("40-consult-form").await;
    // The date is left empty: Rust sets the next working day. Enter saves.
    w.keys("input[data-testid=consult-phone]", ENTER).await;
    w.text_contains("[data-testid=consult-table]", answer).await;
    let topic_empty =
        w.c().execute("return document.querySelector('input[data-testid=consult-topic]').value", vec![]).await.unwrap();
    assert_eq!(topic_empty, serde_json::Value::String(String::new()), "the form is empty for the next citizen");
    let focused = w.c().execute("return document.activeElement?.dataset?.testid ?? ''", vec![]).await.unwrap();
    assert_eq!(focused, serde_json::Value::String("consult-topic".into()), "the focus is back in 咨询事项");

    // Logged with its item and the default date.
    let number = {
        let s = Store::open(&db).unwrap();
        let open = s.consultations(ConsultFilter::OpenCallbacks, None, 500).unwrap();
        let c = open.iter().find(|c| c.answer == answer).expect("the call back is open in the store");
        assert_eq!(c.clerk, "clerk1");
        assert_eq!(c.phone, "13800138000");
        assert!(c.item_code.is_some(), "linked to the catalog item");
        assert_eq!(c.callback_due.as_deref(), Some(callback_due.to_string().as_str()));
        c.number.clone()
    };

    // 待回访 lists it with its date; 回访办结 records the result.
    w.click("[data-testid=consult-tab-open]").await;
    w.el("[data-testid=consult-table][data-tab=open]").await;
    let row = row_text(&w, "[data-testid=consult-table]", answer).await;
    assert!(row.contains(&callback_due.to_string()), "{row}");
    w.screenshot("41-consult-open-callbacks").await;
    w.click_in_row("[data-testid=consult-table]", answer, "[data-testid=consult-close]").await;
    w.type_into("textarea[data-testid=consult-result]", "已电话回访，群众已办妥迁移").await;
    w.screenshot("42-consult-close-dialog").await;
    w.click("[data-testid=consult-close-dialog-save]").await;
    gone_from(&w, "[data-testid=consult-table]", answer).await;

    w.click("[data-testid=consult-tab-all]").await;
    w.el("[data-testid=consult-table][data-tab=all]").await;
    let row = row_text(&w, "[data-testid=consult-table]", answer).await;
    assert!(row.contains("已回访") && row.contains("已电话回访"), "{row}");
    w.screenshot("43-consult-all").await;
    let c = Store::open(&db).unwrap().consultation(&number).unwrap();
    assert!(c.closed_at.is_some());
    assert_eq!(c.closed_by.as_deref(), Some("clerk1"));
    assert_eq!(c.result, "已电话回访，群众已办妥迁移");
    w.close().await;
    drop(dir);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn a_task_outside_the_duty_list_is_refused_admission() {
    let (dir, db) = demo_db();
    let (dept, dept_name) = county_unit(&db);
    let w = Window::open(&db, None).await;
    w.login_as("director").await;
    w.click("[data-testid=nav-admission]").await;
    w.el("[data-testid=admission-form]").await;
    w.screenshot("50-admission-empty-form").await;

    let title = "代为开展辖区广告牌匾普查（端到端）";
    pick(&w, "admission-department", &dept).await;
    w.type_into("input[data-testid=admission-title]", title).await;
    w.type_into("input[data-testid=admission-doc-ref]", "县某发〔2026〕9号").await;
    pick(&w, "admission-entry", "__none__").await;
    // The check follows the form at once.
    w.el("[data-testid=admission-check][data-admitted=false]").await;
    let check = w.text_contains("[data-testid=admission-check]", "不予准入").await;
    assert!(check.contains("清单外事项，不予准入"), "{check}");
    assert!(check.contains("依据"), "{check}");
    w.el("[data-testid=admission-check][data-rule=not_in_list]").await;
    w.screenshot("51-admission-refused-check").await;

    w.click("[data-testid=admission-save]").await;
    let row = row_text(&w, "[data-testid=admission-table]", title).await;
    assert!(row.contains("不予准入") && row.contains(&dept_name), "{row}");
    w.screenshot("52-admission-list").await;

    let tasks = Store::open(&db).unwrap().admission_tasks(None, 500).unwrap();
    let t = tasks.iter().find(|t| t.title == title).expect("recorded in the store");
    assert_eq!(t.state, TaskState::Refused);
    assert_eq!(t.rule, hall_core::admission::AdmissionRule::NotInList);
    assert_eq!(t.department, dept);
    assert_eq!(t.entry_code, None);
    w.close().await;
    drop(dir);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn a_coordination_issue_is_raised_and_answered() {
    let (dir, db) = demo_db();
    let (dept, dept_name) = county_unit(&db);
    let today = Local::now().date_naive();
    let due = Store::open(&db).unwrap().calendar().add_working_days(today, 2).date;
    let w = Window::open(&db, None).await;
    w.login_as("director").await;
    w.click("[data-testid=nav-coordination]").await;
    w.el("[data-testid=issue-form]").await;

    let title = "暴雨后河堤出现渗水，需县级部门派员查看（端到端）";
    w.click("[data-testid=issue-kind][data-value=应急处置]").await;
    w.type_into("textarea[data-testid=issue-title]", title).await;
    w.type_into("input[data-testid=issue-location]", "东风村三组河堤").await;
    w.click("[data-testid=issue-urgency-urgent]").await;
    pick(&w, "issue-department", &dept).await;
    w.screenshot("60-issue-form").await;
    w.click("[data-testid=issue-save]").await;

    // Listed under 待答复 with its due date (紧急: two working days).
    w.el("[data-testid=issue-table][data-tab=open]").await;
    let row = row_text(&w, "[data-testid=issue-table]", title).await;
    assert!(row.contains(&due.to_string()) && row.contains(&dept_name), "{row}");
    w.screenshot("61-issue-open").await;
    let number = {
        let open = Store::open(&db).unwrap().issues(true, 500).unwrap();
        let i = open.iter().find(|i| i.title == title).expect("open in the store");
        assert_eq!(i.due_on, due.to_string());
        assert_eq!(i.kind, "应急处置");
        i.number.clone()
    };

    w.click_in_row("[data-testid=issue-table]", title, "[data-testid=issue-answer]").await;
    w.type_into("textarea[data-testid=issue-answer-text]", "县水利局已派员查看并加固").await;
    w.click("[data-testid=issue-result][data-value=已解决]").await;
    w.click("[data-testid=issue-satisfaction][data-value=满意]").await;
    w.screenshot("62-issue-answer-dialog").await;
    w.click("[data-testid=issue-answer-dialog-save]").await;
    gone_from(&w, "[data-testid=issue-table]", title).await;

    w.click("[data-testid=issue-tab-all]").await;
    w.el("[data-testid=issue-table][data-tab=all]").await;
    let row = row_text(&w, "[data-testid=issue-table]", title).await;
    assert!(row.contains("已解决"), "{row}");
    w.screenshot("63-issue-all").await;
    let i = Store::open(&db).unwrap().issues(false, 500).unwrap().into_iter().find(|i| i.number == number).unwrap();
    assert_eq!(i.answered_on.as_deref(), Some(today.to_string().as_str()));
    assert_eq!(i.result.as_deref(), Some("已解决"));
    assert_eq!(i.satisfaction.as_deref(), Some("满意"));
    w.close().await;
    drop(dir);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn the_supervisor_sees_the_counts_reviews_a_demand_and_reads_the_lists() {
    let (dir, db) = demo_db();
    let w = Window::open(&db, None).await;
    w.login_as("director").await;

    // Home: the duty cards carry the counts of what waits.
    let open_issues = Store::open(&db).unwrap().issues(true, 500).unwrap().len();
    w.el(&format!("[data-testid=home-duty-coordination][data-value=\"{open_issues}\"]")).await;
    w.screenshot("70-home-supervisor").await;

    // 群众诉求: logged at the form, then reviewed; 不予采纳 waits for its reason.
    w.click("[data-testid=home-duty-demands]").await;
    w.el("[data-testid=demand-form]").await;
    let content = "建议在村口增设公交候车亭（端到端）";
    w.click("[data-testid=demand-kind-suggestion]").await;
    pick(&w, "demand-category", "基础设施").await;
    w.type_into("input[data-testid=demand-village]", "东风村").await;
    // Esc closes the village suggestions, which may cover the content box.
    w.keys("input[data-testid=demand-village]", "\u{E00C}").await;
    w.type_into("textarea[data-testid=demand-content]", content).await;
    w.click("[data-testid=demand-save]").await;
    let row = row_text(&w, "[data-testid=demand-table]", content).await;
    assert!(row.contains("人民建议") && row.contains("待审核"), "{row}");
    w.screenshot("71-demands").await;
    w.click_in_row("[data-testid=demand-table]", content, "[data-testid=demand-review]").await;
    w.click("[data-testid=demand-adopt-no]").await;
    let disabled = w
        .c()
        .execute("return document.querySelector('[data-testid=demand-review-dialog-save]').disabled", vec![])
        .await
        .unwrap();
    assert_eq!(disabled, serde_json::Value::Bool(true), "不予采纳 needs a reason");
    w.type_into("textarea[data-testid=demand-review-note]", "属村级自治事项，已转村委会研究").await;
    w.screenshot("72-demand-review").await;
    w.click("[data-testid=demand-review-dialog-save]").await;
    gone_from(&w, "[data-testid=demand-table]", content).await;
    let d = Store::open(&db).unwrap().demands(None, 500).unwrap().into_iter().find(|d| d.content == content).unwrap();
    assert_eq!(d.state, hall_core::demands::DemandState::Declined);
    assert_eq!(d.village, "东风村");

    // 三张清单: each list with its entries; the wall version previews.
    w.click("[data-testid=nav-lists]").await;
    w.el("[data-testid=lists-table] tr.duty-row").await;
    w.screenshot("73-lists-power").await;
    w.click("[data-testid=lists-tab-duty]").await;
    w.el("[data-testid=lists-table][data-list=duty] tr.duty-row").await;
    w.text_contains("[data-testid=lists-version]", "清单版本").await;
    w.screenshot("74-lists-duty").await;
    w.click("[data-testid=lists-tab-service]").await;
    w.el("[data-testid=lists-service-table] tr.service-row").await;
    w.screenshot("75-lists-service").await;
    w.click("[data-testid=lists-tab-responsibility]").await;
    w.click("[data-testid=lists-print]").await;
    w.el("[data-testid=document-viewer][data-drawn=done]").await;
    w.screenshot("76-lists-wall").await;
    w.click("[data-testid=document-close]").await;
    w.click("[data-testid=lists-import]").await;
    w.el("[data-testid=lists-versions] tr.duty-version-row").await;
    w.screenshot("77-lists-import").await;
    w.close().await;
    drop(dir);
}
