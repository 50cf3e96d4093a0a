//! 数据安全 in the real window: the admin is offered the 数据恢复凭证 once and prints it (the
//! printed PDF carries the code the hall's key gives), the full check runs and is shown; and on
//! a new PC the first start restores the hall from a backup with that code, after which its
//! people sign in as before.

use hall_core::Store;

use crate::printing::{drawn, print_script};
use crate::window::Window;
use crate::{demo_db, password};

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn the_admin_prints_the_recovery_sheet_and_a_new_pc_restores_the_hall_with_it() {
    let (dir, db) = demo_db();
    let (code, fingerprint) = {
        let s = Store::open(&db).unwrap();
        let c = s.recovery_code().unwrap();
        (c.text(), c.fingerprint())
    };
    let backup = dir.path().join("offsite-hall.db");
    Store::open(&db).unwrap().backup_to(&backup).unwrap();
    let script = print_script(dir.path());
    let w = Window::open_with(&db, None, &[("YICHUANG_PRINT_COMMAND", &script)]).await;
    w.login("admin", &password("admin")).await;
    w.text_contains("[data-testid=sheet-offer]", "数据恢复凭证").await;
    w.screenshot("50-sheet-offer").await;
    w.click("[data-testid=sheet-offer-print]").await;
    w.el("[data-testid=document-dialog]").await;
    assert_eq!(drawn(&w, 1).await, 1);
    w.screenshot("51-sheet-preview").await;
    w.click("[data-testid=document-print]").await;
    w.text_contains("body", "已发送到打印机").await;
    let printed = dir.path().join("printed.pdf");
    let text = std::process::Command::new("pdftotext").arg(&printed).arg("-").output().unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains(&fingerprint) && code.split('-').all(|g| text.contains(g)), "{text}");
    w.click("[data-testid=document-close]").await;

    // 系统管理 → 数据安全: the sheet is on record, the offer gone; the full check passes.
    w.click("[data-testid=nav-admin]").await;
    w.click("[data-testid=admin-tab-security]").await;
    w.text_contains("[data-testid=sheet-fingerprint]", &fingerprint).await;
    w.text_contains("[data-testid=sheet-printed]", "最近打印于").await;
    assert!(w.text("[data-testid=sheet-offer]").await.is_none(), "offered once");
    w.click("[data-testid=integrity-check]").await;
    w.text_contains("[data-testid=integrity-last]", "数据库完整").await;
    w.screenshot("52-data-safety").await;
    w.close().await;

    // A new PC: the first start, 从备份恢复 with the code; a mistyped code is said first.
    let new = tempfile::tempdir().unwrap();
    let new_db = new.path().join("hall.db");
    let net = new.path().join("network.json");
    let b = Window::open_with(&new_db, None, &[("YICHUANG_NETWORK", &net)]).await;
    b.click("[data-testid=welcome-restore]").await;
    b.type_into("input[data-testid=restore-path]", &backup.display().to_string()).await;
    b.type_into("textarea[data-testid=restore-code]", &code.replace('-', "").to_lowercase()[1..]).await;
    b.click("[data-testid=restore-submit]").await;
    b.text_contains("[data-testid=restore-error]", "恢复码应为 14 组").await;
    b.screenshot("53-first-start-restore").await;
    b.type_into("textarea[data-testid=restore-code]", &code).await;
    b.click("[data-testid=restore-submit]").await;
    b.text_contains("[data-testid=restore-done-panel]", "卫星镇").await;
    b.screenshot("54-first-start-restored").await;
    b.click("[data-testid=restore-done]").await;
    b.login("clerk1", &password("clerk1")).await;
    b.text_contains("[data-testid=header-user]", "孙丽娟").await;
    b.close().await;
    let restored = Store::open(&new_db).unwrap();
    assert_eq!(restored.case_count().unwrap(), Store::open(&db).unwrap().case_count().unwrap());
    assert_eq!(restored.recovery_code().unwrap().fingerprint(), fingerprint, "the sheet stays valid");
}

/// Start-up benchmark (docs/benchmarks.md), not a test: the time from launching the app on
/// `YICHUANG_BENCH_DB` to its login screen, through the same driver as the tests (Xvfb and
/// tauri-driver start included). Run by hand:
/// `YICHUANG_BENCH_DB=/tmp/bench200k/hall.db cargo test --release --test e2e -- --ignored --nocapture bench_start`.
#[tokio::test(flavor = "multi_thread")]
#[ignore = "a benchmark, run by hand with YICHUANG_BENCH_DB"]
async fn bench_start_to_login() {
    let Some(db) = std::env::var_os("YICHUANG_BENCH_DB") else { return };
    let db = std::path::PathBuf::from(db);
    for run in 1..=3 {
        let t = std::time::Instant::now();
        let w = Window::open(&db, None).await;
        let session = t.elapsed();
        w.el("[data-testid=login-submit]").await;
        println!(
            "run {run}: app start to the login screen {:.2} s (Xvfb, driver and WebDriver session {:.2} s, then the login screen {:.2} s)",
            t.elapsed().as_secs_f64(),
            session.as_secs_f64(),
            (t.elapsed() - session).as_secs_f64()
        );
        w.close().await;
    }
}
