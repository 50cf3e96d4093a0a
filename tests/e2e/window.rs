//! The real app window under Xvfb, driven through tauri-driver + WebKitWebDriver.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A file in the e2e artifacts folder.
pub fn artifact(name: &str) -> PathBuf {
    artifacts().join(name)
}

fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts/e2e");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Xvfb, tauri-driver and a WebDriver session on the app, torn down in order on drop.
pub struct Window {
    client: Option<Client>,
    driver: Child,
    xvfb: Child,
}

fn start_xvfb() -> (Child, String) {
    for n in 90..200 {
        let lock = format!("/tmp/.X{n}-lock");
        if let Ok(pid) = std::fs::read_to_string(&lock) {
            // A lock whose server is gone (killed hard earlier) is stale: take the display.
            if Path::new(&format!("/proc/{}", pid.trim())).exists() {
                continue;
            }
            let _ = std::fs::remove_file(&lock);
            let _ = std::fs::remove_file(format!("/tmp/.X11-unix/X{n}"));
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

/// The app under test: this build's, or `YICHUANG_APP` (the release binary, for the start-up
/// benchmark in docs/benchmarks.md).
fn app_binary() -> String {
    std::env::var("YICHUANG_APP").unwrap_or_else(|_| env!("CARGO_BIN_EXE_yichuang").to_string())
}

impl Window {
    /// Opens the app on `db`; `now` pins the hall's clock ("YYYY-MM-DD HH:MM") so days can pass.
    pub async fn open(db: &Path, now: Option<&str>) -> Window {
        Self::open_with(db, now, &[]).await
    }

    /// Opens the app with extra environment for it (e.g. the print command).
    pub async fn open_with(db: &Path, now: Option<&str>, env: &[(&str, &Path)]) -> Window {
        let (xvfb, display) = start_xvfb();
        let port = free_port();
        let native = free_port();
        let driver = Command::new(std::env::var("TAURI_DRIVER").unwrap_or_else(|_| "tauri-driver".into()))
            .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
            .env("DISPLAY", &display)
            .env("YICHUANG_DB", db)
            .env("YICHUANG_NOW", now.unwrap_or(""))
            .envs(env.iter().map(|(k, v)| (*k, *v)))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tauri-driver is installed (cargo install tauri-driver --locked)");
        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), serde_json::json!({ "application": app_binary(), "args": ["--db", db] }));
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
        Window { client: Some(client), driver, xvfb }
    }

    /// Clicks the element (waiting for it).
    pub async fn click(&self, css: &str) {
        self.click_when_free(css).await;
    }

    /// Types into an empty input and returns the keystrokes used.
    pub async fn keys(&self, css: &str, text: &str) -> usize {
        self.el(css).await.send_keys(text).await.unwrap();
        text.chars().count()
    }

    /// Calls the app's Rust side directly from the page, as the UI does: Ok(reply) or Err(error).
    pub async fn invoke(&self, request: serde_json::Value) -> Result<serde_json::Value, serde_json::Value> {
        self.invoke_cmd("call", serde_json::json!({ "request": request })).await
    }

    /// Calls one of the app's commands by name with its arguments.
    pub async fn invoke_cmd(&self, cmd: &str, args: serde_json::Value) -> Result<serde_json::Value, serde_json::Value> {
        let script = "const [cmd, args, done] = arguments;
            window.__TAURI_INTERNALS__.invoke(cmd, args).then(
                r => done({ ok: r instanceof ArrayBuffer ? { bytes: r.byteLength } : r }), e => done({ err: e }));";
        let v = self.c().execute_async(script, vec![cmd.into(), args]).await.unwrap();
        match v.get("ok") {
            Some(ok) => Ok(ok.clone()),
            None => Err(v.get("err").cloned().unwrap_or_default()),
        }
    }

    /// Clicks `button` inside the table row of `table` whose text contains `text`.
    pub async fn click_in_row(&self, table: &str, text: &str, button: &str) {
        let script = "const [table, text, button] = arguments;
            const row = [...document.querySelectorAll(table + ' tr')].find(r => r.innerText.includes(text));
            const b = row && row.querySelector(button);
            if (b) b.click();
            return !!b;";
        let clicked = self.c().execute(script, vec![table.into(), text.into(), button.into()]).await.unwrap();
        assert_eq!(clicked, serde_json::Value::Bool(true), "no {button} in the {table} row with “{text}”");
    }

    pub async fn logout(&self) {
        self.click("[data-testid=logout]").await;
        self.el("[data-testid=login-submit]").await;
    }

    pub fn c(&self) -> &Client {
        self.client.as_ref().unwrap()
    }

    /// Waits for an element (the UI renders asynchronously).
    pub async fn el(&self, css: &str) -> Element {
        self.c()
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
    }

    /// Clicks once nothing covers the element any more (a closing drawer fades out).
    pub async fn click_when_free(&self, css: &str) {
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
    /// v-model sees every change. A dialog that moves the focus while it opens can steal keys:
    /// the value is read back and typed again until it is right.
    pub async fn type_into(&self, css: &str, text: &str) {
        for _ in 0..4 {
            // A closing dropdown or message can still cover the input for a moment.
            self.click_when_free(css).await;
            let e = self.el(css).await;
            e.send_keys("\u{E009}a\u{E000}\u{E003}").await.unwrap();
            e.send_keys(text).await.unwrap();
            let value = self
                .c()
                .execute("const e = document.querySelector(arguments[0]); return e ? e.value : null;", vec![css.into()])
                .await
                .unwrap();
            if value.as_str() == Some(text) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        self.screenshot("failure").await;
        panic!("{css}: could not type “{text}”");
    }

    /// Waits until the element with this `data-testid` has the focus (a dialog that focuses its
    /// first field when its opening animation ends is then ready to be typed into).
    pub async fn wait_focus(&self, testid: &str) {
        let t = Instant::now();
        loop {
            let v = self.c().execute("return document.activeElement?.dataset?.testid ?? ''", vec![]).await.unwrap();
            if v.as_str() == Some(testid) {
                return;
            }
            if t.elapsed() > Duration::from_secs(15) {
                self.screenshot("failure").await;
                panic!("{testid} never got the focus (focused: {v})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the element's text contains `needle`; returns the text.
    pub async fn text_contains(&self, css: &str, needle: &str) -> String {
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
    pub async fn text(&self, css: &str) -> Option<String> {
        let v = self
            .c()
            .execute("const e = document.querySelector(arguments[0]); return e ? e.innerText : null;", vec![css.into()])
            .await;
        v.ok()?.as_str().map(str::to_string)
    }

    pub async fn screenshot(&self, name: &str) {
        // A shot taken at once can show the previous frame.
        tokio::time::sleep(Duration::from_millis(400)).await;
        let png = self.c().screenshot().await.unwrap();
        std::fs::write(artifacts().join(format!("{name}.png")), png).unwrap();
    }

    pub async fn login(&self, user: &str, password: &str) {
        self.type_into("input[data-testid=login-username]", user).await;
        self.type_into("input[data-testid=login-password]", password).await;
        self.el("[data-testid=login-submit]").await.click().await.unwrap();
    }

    /// Logs in as a user of [`crate::demo_db`] and waits for the window to show them.
    pub async fn login_as(&self, user: &str) {
        self.login(user, &crate::password(user)).await;
        self.el("[data-testid=header-user]").await;
    }

    pub async fn close(mut self) {
        if let Some(c) = self.client.take() {
            let _ = c.close().await;
        }
    }
}

/// SIGTERM, then SIGKILL after five seconds: killed hard, tauri-driver leaves WebKitWebDriver
/// on its port and Xvfb leaves its display's lock file behind.
fn stop(child: &mut Child) {
    let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
    let t = Instant::now();
    while t.elapsed() < Duration::from_secs(5) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
}

impl Drop for Window {
    fn drop(&mut self) {
        stop(&mut self.driver);
        stop(&mut self.xvfb);
    }
}
