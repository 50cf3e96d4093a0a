//! A 补正 never brought: the director finds it on the 补正期限 list (red, past its deadline),
//! ends it as 视为撤回 there, and the case offers the 视为撤回通知书.

use chrono::Local;
use hall_core::lifecycle::{Action, CaseState};
use hall_core::store::ActParams;
use hall_core::Store;

use crate::window::Window;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn the_director_ends_a_lapsed_supplement_from_the_list() {
    let (_dir, db) = crate::demo_db();
    let today = Local::now().date_naive();
    let number = {
        let mut s = Store::open(&db).unwrap();
        s.set_now(Some(today.and_hms_opt(9, 0, 0).unwrap()));
        let number = s
            .list_cases(Some(CaseState::Processing), None, 1000)
            .unwrap()
            .into_iter()
            .map(|c| c.number)
            .find(|n| s.case_detail(n).unwrap().events.iter().all(|e| e.action != "request_supplement"))
            .unwrap();
        let officer = s.case_officer(&number).unwrap().unwrap();
        let p = ActParams { note: "请补充户口簿复印件".into(), due: Some(today), ..ActParams::default() };
        s.act(&number, Action::RequestSupplement, &officer, &p).unwrap();
        number
    };
    let later = Store::open(&db).unwrap().calendar().add_working_days(today, 2).date;
    let w = Window::open(&db, Some(&format!("{later} 09:00"))).await;
    w.login_as("director").await;
    w.click("[data-testid=nav-supervisor]").await;
    w.click("[data-testid=supervisor-tab-supplement]").await;
    let row = w.text_contains("[data-testid=supplement-table]", &number).await;
    assert!(row.contains("已超期") && row.contains("请补充户口簿复印件"), "{row}");
    w.screenshot("80-supervisor-supplement").await;
    w.click_in_row("[data-testid=supplement-table]", &number, "[data-testid=supplement-lapse]").await;
    w.click(".el-message-box__btns .el-button--primary").await;
    w.text_contains("[data-testid=supervisor-tab-supplement]", "（0）").await;
    assert_eq!(Store::open(&db).unwrap().case_detail(&number).unwrap().summary.state, CaseState::Withdrawn);
    w.click("[data-testid=nav-search]").await;
    w.type_into("input[data-testid=search-input]", &number).await;
    w.click("[data-testid=search-submit]").await;
    w.text_contains("[data-testid=search-results]", &number).await;
    w.click("[data-testid=search-results] tr.result-row td").await;
    w.text_contains("[data-testid=case-paper-deemed_withdrawn]", "视为撤回通知书").await;
    w.screenshot("81-case-deemed-withdrawn").await;
    w.close().await;
}
