//! The administrator's data-safety screen in the real window: a backup made now lands in the
//! list and on disk, the event log checks out, and a row changed behind the app's back is named.

use crate::demo_db;
use crate::window::Window;

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn the_admin_backs_up_and_checks_the_event_log() {
    let (dir, db) = demo_db();
    let w = Window::open(&db, None).await;
    w.login("admin", "Demo@admin").await;
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
