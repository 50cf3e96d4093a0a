//! End-to-end: the real app window under Xvfb, driven through tauri-driver + WebKitWebDriver,
//! on a real demo database. Run by `scripts/test` (they need the built UI, Xvfb, tauri-driver
//! and webkit2gtk-driver, which that script installs): `cargo test --test e2e -- --ignored`.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use hall_core::Store;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Xvfb, tauri-driver and a WebDriver session on the app, torn down in order on drop.
struct Window {
    client: Option<Client>,
    driver: Child,
    xvfb: Child,
    _dir: tempfile::TempDir,
}

fn start_xvfb() -> (Child, String) {
    for n in 90..200 {
        if Path::new(&format!("/tmp/.X{n}-lock")).exists() {
            continue;
        }
        let display = format!(":{n}");
        let mut child = Command::new("Xvfb")
            .args([display.as_str(), "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb is installed (scripts/test installs it)");
        let socket = format!("/tmp/.X11-unix/X{n}");
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(10) {
            if Path::new(&socket).exists() {
                return (child, display);
            }
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("could not start Xvfb");
}

impl Window {
    async fn open(db: &Path, dir: tempfile::TempDir) -> Window {
        let (xvfb, display) = start_xvfb();
        let port = free_port();
        let native = free_port();
        let driver = Command::new(std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into()))
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .env("DISPLAY", &display)
            .env("YICHUANG_DB", db)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver is installed (cargo install tauri-driver --locked)");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": env!("CARGO_BIN_EXE_yichuang"), "args": ["--db", db] }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let t = Instant::now();
        // The driver may report ready before it accepts sessions: retry.
        let client = loop {
            match ClientBuilder::native().capabilities(caps.clone()).connect(&url).await {
                Ok(c) => break c,
                Err(e) if t.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(300)).await;
                }
                Err(e) => panic!("no WebDriver session: {e}"),
            }
        };
        Window { client: Some(client), driver, xvfb, _dir: dir }
    }

    fn c(&self) -> &Client {
        self.client.as_ref().unwrap()
    }

    /// Waits for an element (the UI renders asynchronously).
    async fn el(&self, css: &str) -> Element {
        self.c()
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
    }

    /// Clicks once nothing covers the element any more (a closing drawer fades out).
    async fn click_when_free(&self, css: &str) {
        let t = Instant::now();
        loop {
            match self.el(css).await.click().await {
                Ok(_) => return,
                Err(e) if t.elapsed() > Duration::from_secs(5) => panic!("{css}: {e}"),
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    /// Replaces an input's text the way a person does (select all, delete, type), so Vue's
    /// v-model sees every change.
    async fn type_into(&self, css: &str, text: &str) {
        let e = self.el(css).await;
        e.click().await.unwrap();
        e.send_keys("\u{E009}a\u{E000}\u{E003}").await.unwrap();
        e.send_keys(text).await.unwrap();
    }

    /// Waits until the element's text contains `needle`; returns the text.
    async fn text_contains(&self, css: &str, needle: &str) -> String {
        let t = Instant::now();
        loop {
            if let Some(text) = self.text(css).await {
                {
                    if text.contains(needle) {
                        return text;
                    }
                    if t.elapsed() > Duration::from_secs(15) {
                        self.screenshot("failure").await;
                        panic!("{css}: expected “{needle}”, found “{text}”");
                    }
                }
            } else if t.elapsed() > Duration::from_secs(15) {
                self.screenshot("failure").await;
                panic!("{css}: not found while waiting for “{needle}”");
            }
            tokio::time::sleep(Duration::from_millis(150)).await;
        }
    }

    /// The element's rendered text, read in the page (WebKitWebDriver's own getText can stall on
    /// large tables).
    async fn text(&self, css: &str) -> Option<String> {
        let v = self
            .c()
            .execute("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", vec![css.into()])
            .await;
        v.ok()?.as_str().map(str::to_string)
    }

    async fn screenshot(&self, name: &str) {
        // A shot taken at once can show the previous frame.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = self.c().screenshot().await.unwrap();
        std::fs::write(artifacts().join(format!("{name}.png")), png).unwrap();
    }

    async fn login(&self, user: &str, password: &str) {
        self.type_into("input[data-testid=login-username]", user).await;
        self.type_into("input[data-testid=login-password]", password).await;
        self.el("[data-testid=login-submit]").await.click().await.unwrap();
    }

    async fn close(mut self) {
        if let Some(c) = self.client.take() {
            let _ = c.close().await;
        }
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        // SIGTERM, not SIGKILL: killed hard, tauri-driver leaves WebKitWebDriver on its port.
        let _ = Command::new("kill").arg("-TERM").arg(self.driver.id().to_string()).status();
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(5) {
            if let Ok(Some(_)) = self.driver.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = self.xvfb.kill();
        let _ = self.xvfb.wait();
    }
}

fn demo_db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hall.db");
    let mut store = Store::open(&db).unwrap();
    hall_core::demo::load_demo(&mut store, 30, 12).unwrap();
    (dir, db)
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
    let w = Window::open(&db, dir).await;

    // A wrong password is refused in Chinese.
    w.el("[data-testid=login-submit]").await;
    w.screenshot("01-login").await;
    w.login("clerk1", "wrong-password").await;
    w.text_contains("[data-testid=login-error]", "用户名或密码错误").await;

    w.login("clerk1", "Demo@clerk1").await;
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
}
