//! End-to-end: the real app window under Xvfb, driven through tauri-driver + WebKitWebDriver,
//! on real demo databases. Run by `scripts/test` (they need the built UI, Xvfb, tauri-driver
//! and webkit2gtk-driver, which that script installs): `cargo test --test e2e -- --ignored`.

mod duties;
mod network;
mod printing;
mod rater;
mod recovery;
mod security;
mod standby;
mod supplement;
mod window;
mod workflow;

use std::path::PathBuf;

use hall_core::Store;
use window::Window;

/// A demo database as `hallctl demo` makes it: every account must change its (public) password
/// at first login.
pub(crate) fn fresh_demo_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let mut store = Store::open(&db).unwrap();
    hall_core::demo::load_demo(&mut store, 30, 12).unwrap();
    (dir, db)
}

/// A demo database whose people have each changed their password through the store's own path,
/// as at their first login, to [`password`]: the tests of the work itself start from there.
pub(crate) fn demo_db() -> (tempfile::TempDir, PathBuf) {
    let (dir, db) = fresh_demo_db();
    let mut store = Store::open(&db).unwrap();
    for u in store.users().unwrap() {
        store.change_password(&u.username, &demo_password(&u.username), &password(&u.username)).unwrap();
    }
    (dir, db)
}

/// A demo account's public password (README, `hallctl demo`).
pub(crate) fn demo_password(user: &str) -> String {
    hall_core::demo::sample_hall()
        .users
        .into_iter()
        .find(|u| u.username == user)
        .map(|u| u.password)
        .unwrap_or_else(|| "Demo@officer".into())
}

/// The password of an account of [`demo_db`].
pub(crate) fn password(user: &str) -> String {
    format!("{}-e2e", demo_password(user))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn clerk_logs_in_finds_a_case_and_browses_the_catalog() {
    let (dir, db) = demo_db();
    let (number, applicant) = {
        let store = Store::open(&db).unwrap();
        let c = store.list_cases(Some(hall_core::lifecycle::CaseState::Processing), None, 1).unwrap().remove(0);
        (c.number, c.applicant_name)
    };
    let w = Window::open(&db, None).await;

    // A wrong password is refused in Chinese.
    w.el("[data-testid=login-submit]").await;
    w.screenshot("01-login").await;
    w.login("clerk1", "wrong-password").await;
    w.text_contains("[data-testid=login-error]", "用户名或密码错误").await;

    w.login("clerk1", &password("clerk1")).await;
    w.text_contains("[data-testid=header-user]", "孙丽娟").await;
    w.screenshot("02-home-clerk").await;

    // Search by case number, open the case.
    w.el("[data-testid=nav-search]").await.click().await.unwrap();
    w.type_into("input[data-testid=search-input]", &number).await;
    w.el("[data-testid=search-submit]").await.click().await.unwrap();
    w.text_contains("[data-testid=search-results]", &number).await;
    w.screenshot("03-search-by-number").await;
    w.el("[data-testid=search-results] tr.result-row td").await.click().await.unwrap();
    w.text_contains("[data-testid=case-number]", &number).await;
    w.text_contains("[data-testid=case-state]", "办理中").await;
    let timeline = w.text_contains("[data-testid=case-timeline]", "接件").await;
    assert!(timeline.contains("受理"), "{timeline}");
    let page = w.text("body").await.unwrap();
    assert!(page.contains(&applicant));
    assert!(page.contains("**********"), "the ID number is shown masked");
    w.screenshot("04-case-detail").await;

    // Search by a two-character Chinese name fragment.
    w.el("[data-testid=nav-search]").await.click().await.unwrap();
    let fragment: String = applicant.chars().take(2).collect();
    w.type_into("input[data-testid=search-input]", &fragment).await;
    w.el("[data-testid=search-submit]").await.click().await.unwrap();
    w.text_contains("[data-testid=search-results]", &fragment).await;

    // The catalog by pinyin initials.
    w.el("[data-testid=nav-catalog]").await.click().await.unwrap();
    w.type_into("input[data-testid=catalog-search]", "hjqy").await;
    w.text_contains("[data-testid=catalog-table]", "户籍迁移").await;
    w.screenshot("05-catalog-search").await;
    w.el("[data-testid=catalog-table] tr.catalog-row td").await.click().await.unwrap();
    w.text_contains("[data-testid=catalog-detail]", "申请材料").await;
    w.screenshot("06-catalog-detail").await;

    w.el(".el-drawer__close-btn").await.click().await.unwrap();
    w.click_when_free("[data-testid=logout]").await;
    w.el("[data-testid=login-submit]").await;
    w.close().await;
    drop(dir);
}
