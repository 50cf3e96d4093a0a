//! Security in the real window: a fresh demo account must change its public password before it
//! can work; the administrator's data-safety screen makes a backup that lands in the list and on
//! disk, the event log checks out, and a row changed behind the app's back is named.

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
