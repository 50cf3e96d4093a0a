//! Security in the real window: a fresh demo account must change its public password before it
//! can work; the administrator's data-safety screen makes a backup that lands in the list and on
//! disk, the event log checks out, and a row changed behind the app's back is named; users and
//! units are added through their dialogs.

use crate::duties::pick;
use crate::window::Window;
use crate::{demo_db, demo_password, fresh_demo_db, password};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn a_fresh_demo_account_must_change_its_password_before_it_can_work() {
    let (_dir, db) = fresh_demo_db();
    let w = Window::open(&db, None).await;
    w.login("clerk1", &demo_password("clerk1")).await;
    w.text_contains("[data-testid=change-password-notice]", "初始密码").await;
    w.screenshot("32-forced-password-change").await;
    // Behind the dialog nothing works: Rust refuses the window's own calls.
    let search = serde_json::json!({ "type": "search_cases", "text": "张" });
    let e = w.invoke(search.clone()).await.unwrap_err();
    assert!(e["message"].as_str().unwrap().contains("请先修改密码再办理业务"), "{e}");
    w.type_into("input[data-testid=change-password-old]", &demo_password("clerk1")).await;
    w.type_into("input[data-testid=change-password-new]", &password("clerk1")).await;
    w.click("[data-testid=change-password-save]").await;
    w.text_contains("body", "密码已修改").await;
    assert!(w.invoke(search).await.is_ok());
    w.close().await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn the_admin_backs_up_and_checks_the_event_log() {
    let (dir, db) = demo_db();
    let w = Window::open(&db, None).await;
    w.login("admin", &password("admin")).await;
    w.el("[data-testid=header-user]").await;
    w.click("[data-testid=nav-admin]").await;
    w.click("[data-testid=admin-tab-security]").await;
    w.click("[data-testid=backup-now]").await;
    w.text_contains("[data-testid=backup-table]", "手动").await;
    let backups: Vec<_> = std::fs::read_dir(dir.path().join("backups")).unwrap().filter_map(|e| e.ok()).collect();
    assert!(backups.iter().any(|b| b.file_name().to_string_lossy().ends_with("-manual.db")), "{backups:?}");
    w.click("[data-testid=audit-verify]").await;
    w.text_contains("[data-testid=audit-result]", "事件记录完整").await;
    w.screenshot("30-admin-security").await;

    // Someone edits the file with sqlite3 while the app runs.
    let c = hall_core::store::open_keyed(&db, &db, false).unwrap();
    c.execute_batch("DROP TRIGGER events_no_update; UPDATE events SET note = '改过' WHERE id = 3;").unwrap();
    drop(c);
    w.click("[data-testid=audit-verify]").await;
    w.text_contains("[data-testid=audit-result]", "#3").await;
    w.screenshot("31-audit-broken").await;
    w.close().await;
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn the_admin_adds_a_user_and_a_unit_through_their_dialogs() {
    let (_dir, db) = demo_db();
    let unit = {
        let s = hall_core::Store::open(&db).unwrap();
        s.units().unwrap().into_iter().find(|u| u.level == hall_core::catalog::UnitLevel::Township).unwrap()
    };
    let w = Window::open(&db, None).await;
    w.login("admin", &password("admin")).await;
    w.el("[data-testid=header-user]").await;
    w.click("[data-testid=nav-admin]").await;
    w.click("[data-testid=admin-tab-users]").await;
    w.click("[data-testid=admin-add-user]").await;
    w.el("[data-testid=user-dialog]").await;
    // Opened (its first field focused): typing before that could be lost to the opening.
    w.wait_focus("user-username").await;
    // The dialog names the first empty field; an officer needs a unit.
    w.click("[data-testid=user-save]").await;
    w.text_contains("[data-testid=user-error]", "请填写用户名").await;
    w.type_into("input[data-testid=user-username]", "officer.e2e").await;
    w.type_into("input[data-testid=user-name]", "端到端经办人").await;
    pick(&w, "user-role", "officer").await;
    w.click("[data-testid=user-save]").await;
    w.text_contains("[data-testid=user-error]", "后台经办人必须选择所属单位").await;
    pick(&w, "user-unit", &unit.code).await;
    w.type_into("input[data-testid=user-password]", "Xin@2026window").await;
    w.screenshot("33-admin-add-user").await;
    w.click("[data-testid=user-save]").await;
    w.text_contains("[data-testid=admin-users]", "officer.e2e").await;
    let u = hall_core::Store::open(&db).unwrap().users().unwrap().into_iter().find(|u| u.username == "officer.e2e");
    let u = u.expect("the user is in the store");
    assert_eq!(u.role, hall_core::lifecycle::Role::Officer);
    assert_eq!(u.unit.as_deref(), Some(unit.code.as_str()));
    assert!(u.must_change_password);

    w.click("[data-testid=admin-tab-units]").await;
    w.click("[data-testid=admin-add-unit]").await;
    w.el("[data-testid=unit-dialog]").await;
    // The dialog puts the cursor in its first field once open: type only after that.
    w.wait_focus("unit-code").await;
    w.type_into("input[data-testid=unit-code]", "E2E-OFFICE").await;
    w.type_into("input[data-testid=unit-name]", "端到端办公室").await;
    w.screenshot("34-admin-add-unit").await;
    w.click("[data-testid=unit-save]").await;
    w.text_contains("[data-testid=admin-units]", "端到端办公室").await;
    let units = hall_core::Store::open(&db).unwrap().units().unwrap();
    assert!(units.iter().any(|u| u.code == "E2E-OFFICE" && u.name == "端到端办公室"), "{units:?}");
    w.close().await;
}
