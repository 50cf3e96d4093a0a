//! The counter's rating screen (评价器) in a real browser: Debian's chromium, headless, driven
//! through its chromium-driver over WebDriver, on the page the hall host serves at `/rater`.
//! The host runs in-process on a demo database (loopback, its own self-made certificate); a
//! clerk at the desk the screen serves finishes an 即办 visit over the network, the screen
//! shows the case, the citizen presses 不满意 with a reason — and the store holds a rating of 2,
//! channel 评价器, with a 差评 follow-up opened.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use hall_core::api::{Reply, Request};
use hall_core::catalog::CaseKind;
use hall_core::store::{DeviceKind, RatingChannel};
use hall_core::Store;
use hall_host::{HostConfig, Remote};

use crate::{demo_db, password};

/// The desk's name as paired: the screen's `serves` must say the same (that is how the host
/// knows which screen shows which case).
const DESK: &str = "1号窗口";
const SCREEN: &str = "1号窗口评价器";
const APPLICANT: &str = "欧阳娜娜";
const ID: &str = "11010519491231002X";

/// chromedriver (and the chromium it starts) plus a session on it. chromedriver runs in a
/// process group of its own so that, on drop (a failed assertion included), the group is
/// killed by its id and no browser outlives the test.
struct Browser {
    client: Option<Client>,
    driver: Child,
}

impl Browser {
    async fn open() -> Browser {
        use std::os::unix::process::CommandExt;
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into()))
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium-driver is installed (apt-get install chromium-driver)");
        let mut b = Browser { client: None, driver };
        // A 10" tablet on its side; the host's certificate is its own, not a CA's.
        let caps = serde_json::json!({
            "acceptInsecureCerts": true,
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--window-size=1280,800", "--lang=zh-CN"],
            },
        });
        let caps = caps.as_object().unwrap().clone();
        let url = format!("http://127.0.0.1:{port}");
        let t = Instant::now();
        // chromedriver takes a moment to listen: retry the session until it does.
        b.client = Some(loop {
            match ClientBuilder::native().capabilities(caps.clone()).connect(&url).await {
                Ok(c) => break c,
                Err(e) if t.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("no WebDriver session from chromedriver within 30 s: {e}"),
            }
        });
        b
    }

    fn c(&self) -> &Client {
        self.client.as_ref().unwrap()
    }

    async fn js(&self, script: &str) -> serde_json::Value {
        self.c().execute(script, vec![]).await.unwrap()
    }

    async fn screenshot(&self, path: &str) {
        std::fs::write(path, self.c().screenshot().await.unwrap()).unwrap();
    }

    /// Waits until the page's `predicate` (a JS expression) is true, up to `limit`; else fails
    /// with what the page shows (and a screenshot of it).
    async fn until(&self, what: &str, predicate: &str, limit: Duration) -> Duration {
        let t = Instant::now();
        let script = format!("return !!({predicate})");
        loop {
            if self.js(&script).await.as_bool() == Some(true) {
                return t.elapsed();
            }
            if t.elapsed() > limit {
                self.screenshot("/tmp/rater-failure.png").await;
                let body = self.js("return document.body.innerText").await;
                panic!("{what}: not within {limit:?} (screenshot /tmp/rater-failure.png); the page shows: {body}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn text(&self, testid: &str) -> String {
        self.c().find(Locator::Css(&format!("[data-testid={testid}]"))).await.unwrap().text().await.unwrap()
    }

    async fn click(&self, testid: &str) {
        self.c().find(Locator::Css(&format!("[data-testid={testid}]"))).await.unwrap().click().await.unwrap();
    }

    async fn type_into(&self, testid: &str, text: &str) {
        self.c().find(Locator::Css(&format!("[data-testid={testid}]"))).await.unwrap().send_keys(text).await.unwrap();
    }

    async fn close(mut self) {
        if let Some(c) = self.client.take() {
            let _ = c.close().await;
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-KILL", "--", &format!("-{}", self.driver.id())]).status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Whether the section with this id is shown (the page hides the others with `hidden`).
fn shown(id: &str) -> String {
    format!("document.getElementById('{id}') && !document.getElementById('{id}').hidden")
}

async fn signed_in(remote: &Remote, user: &str) -> String {
    let session = remote.open_session().await.unwrap();
    let login = Request::Login { username: user.into(), password: password(user).into() };
    match remote.call(&session, None, &login).await.unwrap() {
        Reply::Session(Some(_)) => session,
        other => panic!("login of {user} at the host: {other:?}"),
    }
}

async fn pairing_code(admin: &Remote, session: &str) -> String {
    match admin.call(session, None, &Request::HostPairCode).await.unwrap() {
        Reply::PairingCode(c) => c.code,
        other => panic!("{other:?}"),
    }
}

/// An 即办件 of the demo catalog: its intake ends the citizen's visit at the desk at once.
fn instant_item(db: &Path) -> hall_core::catalog::CatalogItem {
    let s = Store::open(db).unwrap();
    let items = s.catalog_items(None, None).unwrap();
    items.into_iter().map(|v| v.item).find(|i| i.kind == CaseKind::Instant).expect("the demo has an 即办件")
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs chromium and chromium-driver: run by scripts/test"]
async fn a_case_rated_two_on_the_rating_screen_in_chromium_opens_a_follow_up_with_channel_rater() {
    let started = Instant::now();
    let (dir, db) = demo_db();
    let item = instant_item(&db);
    // The headless host's upkeep (sync pass to the county) is not what is tested here.
    let config = HostConfig { upkeep: false, ..HostConfig::new(db.clone(), "127.0.0.1:0".parse().unwrap()) };
    let host = hall_host::start(config).await.unwrap();
    let url = format!("https://{}", host.addr);
    let pin = hall_host::Pin::parse(&host.fingerprint).unwrap();

    // The administrator makes two codes: one for the desk PC, one for its screen.
    let admin = Remote::new(&url, Some(pin.clone()), None).unwrap();
    let admin_session = signed_in(&admin, "admin").await;
    let (desk_code, screen_code) =
        (pairing_code(&admin, &admin_session).await, pairing_code(&admin, &admin_session).await);
    let pairing = Remote::new(&url, None, None).unwrap();
    let (paired, _) = pairing.pair(&desk_code, DESK, DeviceKind::Desk, None).await.unwrap();
    let desk = Remote::new(&url, Some(pin), Some(paired.credential)).unwrap();
    let clerk = signed_in(&desk, "clerk1").await;

    // The screen pairs itself in Chromium, as staff do once with the administrator's code.
    let b = Browser::open().await;
    b.c().goto(&format!("{url}/rater")).await.unwrap();
    b.until("the pairing form", &shown("pair"), Duration::from_secs(10)).await;
    b.type_into("pair-code", &screen_code).await;
    b.type_into("pair-name", SCREEN).await;
    b.type_into("pair-serves", DESK).await;
    b.click("pair-submit").await;
    b.until("the idle screen after pairing", &shown("idle"), Duration::from_secs(10)).await;
    // Its first tick (session, vocabulary, hall_info) has answered once the hall is named.
    b.until("the hall's name", "document.getElementById('welcome').textContent !== '欢迎'", Duration::from_secs(10))
        .await;

    // The clerk at that desk finishes an 即办 visit over the network.
    let request: hall_core::intake::IntakeRequest = serde_json::from_value(serde_json::json!({
        "item_code": item.code, "outcome": "instant",
        "materials": item.materials.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(),
        "applicant": {"id_number": ID, "name": APPLICANT, "phone": "13800138000"}}))
    .unwrap();
    let sent = Instant::now();
    let number = match desk.call(&clerk, Some("rater-e2e-1"), &Request::Intake { request: Box::new(request) }).await {
        Ok(Reply::Case(c)) => c.summary.number,
        other => panic!("the 即办 intake at the desk: {other:?}"),
    };

    // The screen shows it within its 1 s poll: the item, the name masked.
    let after = b.until("the rating prompt", &shown("prompt"), Duration::from_secs(10)).await;
    eprintln!("prompt shown {after:?} after the intake was answered, {:?} after it was sent", sent.elapsed());
    assert_eq!(b.text("prompt-item").await, item.name);
    let name = b.text("prompt-name").await;
    assert_eq!(name, hall_core::privacy::mask_name(APPLICANT));
    assert!(
        name.starts_with('欧') && !name.contains("阳娜娜"),
        "the name is masked on a screen facing the hall: {name}"
    );
    let seconds: u32 = b.js("return +document.getElementById('countdown').textContent").await.as_u64().unwrap() as u32;
    assert!((50..=60).contains(&seconds), "the countdown starts near 60 s: {seconds}");
    b.screenshot("/tmp/rater-prompt.png").await;

    // 不满意 (2) asks why; the first reason, then 提交.
    assert!(b.text("rate-2").await.contains("不满意"), "{}", b.text("rate-2").await);
    b.click("rate-2").await;
    b.until("the reasons after 不满意", &shown("reasons"), Duration::from_secs(5)).await;
    let reason = b
        .c()
        .find(Locator::Css("[data-testid=reason-0]"))
        .await
        .unwrap()
        .attr("data-reason")
        .await
        .unwrap()
        .expect("each reason carries its text");
    b.click("reason-0").await;
    b.screenshot("/tmp/rater-reasons.png").await;
    b.click("submit").await;
    b.until("the thanks after 提交", &shown("thanks"), Duration::from_secs(10)).await;
    assert_eq!(b.text("thanks").await, "感谢您的评价");
    b.close().await;

    // At the host: rated 2 on the screen, channel 评价器, the reason kept, a follow-up open.
    let Reply::Case(case) = desk.call(&clerk, None, &Request::CaseDetail { number: number.clone() }).await.unwrap()
    else {
        panic!("case detail")
    };
    let rating = case.rating.as_ref().expect("the case is rated");
    assert_eq!((rating.level, rating.channel), (2, RatingChannel::Screen));
    assert_eq!(rating.channel.label(), "评价器");
    assert_eq!(rating.rated_by, format!("评价器：{SCREEN}"));
    assert_eq!(rating.reasons, vec![reason]);
    assert!(case.follow_up_open, "a 差评 opens a follow-up");
    host.stop().await;

    // And in the database itself, after the host stopped.
    let store = Store::open(&db).unwrap();
    let follow_ups = store.follow_ups(true).unwrap();
    let f = follow_ups.iter().find(|f| f.number == number).expect("an open follow-up for the case");
    assert_eq!((f.level, f.channel), (2, RatingChannel::Screen));
    let stored = store.rating(&number).unwrap().expect("the rating is stored");
    assert_eq!((stored.level, stored.channel.label()), (2, "评价器"));
    eprintln!("rating screen in chromium: {:?}", started.elapsed());
    drop(dir);
}
