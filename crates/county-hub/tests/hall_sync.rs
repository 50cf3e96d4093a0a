//! A hall syncing to a real hub on a real PostgreSQL over loopback, through a proxy that breaks
//! the link the ways rural links break: the hub away, the connection cut mid-batch, 5xx answers,
//! answers too slow to wait for, the answer lost after the hub stored the batch, and the hall
//! killed mid-sync. Each over thousands of cases; the end is always every case once at the hub
//! and none left pending.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::hallctl;
use hall_core::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// How the proxy treats the next `times` connections (then it forwards faithfully).
#[derive(Clone, Copy, Debug)]
enum Fault {
    /// Forward the first bytes of the request, then cut both sides.
    CutRequest,
    /// Answer 503 without asking the hub.
    ServerError,
    /// Forward, then hold the answer longer than the hall waits.
    Slow,
    /// Forward the whole request and read the hub's answer, then drop it.
    LoseAnswer,
}

struct Proxy {
    port: u16,
    fault: Arc<Mutex<Option<(Fault, usize)>>>,
    faults_done: Arc<AtomicUsize>,
}

impl Proxy {
    async fn start(upstream: Arc<std::sync::atomic::AtomicU16>) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let fault: Arc<Mutex<Option<(Fault, usize)>>> = Arc::new(Mutex::new(None));
        let faults_done = Arc::new(AtomicUsize::new(0));
        let (f, done) = (fault.clone(), faults_done.clone());
        tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else { return };
                let this = {
                    let mut g = f.lock().unwrap();
                    match g.as_mut() {
                        Some((kind, n)) if *n > 0 => {
                            *n -= 1;
                            Some(*kind)
                        }
                        _ => None,
                    }
                };
                let done = done.clone();
                let upstream = upstream.load(Ordering::SeqCst);
                tokio::spawn(async move {
                    serve(client, upstream, this).await;
                    if this.is_some() {
                        done.fetch_add(1, Ordering::SeqCst);
                    }
                });
            }
        });
        Proxy { port, fault, faults_done }
    }

    fn set(&self, fault: Fault, times: usize) {
        *self.fault.lock().unwrap() = Some((fault, times));
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Reads one HTTP/1.1 request (head and Content-Length body).
async fn read_request(s: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
                .unwrap_or(0);
            while buf.len() < end + 4 + len {
                let n = s.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(buf);
        }
    }
}

/// One request per connection (the hub is asked to close after answering), forwarded on a
/// fresh upstream connection; when the hub is down the hall's connection is simply closed.
async fn serve(mut client: TcpStream, upstream: u16, fault: Option<Fault>) {
    if let Some(req) = read_request(&mut client).await {
        match fault {
            Some(Fault::CutRequest) => {
                if let Ok(mut up) = TcpStream::connect(("127.0.0.1", upstream)).await {
                    let _ = up.write_all(&req[..req.len() / 2]).await;
                }
                return;
            }
            Some(Fault::ServerError) => {
                let body = r#"{"code":"internal","message":"县级平台维护中"}"#;
                let resp = format!(
                    "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = client.write_all(resp.as_bytes()).await;
                return;
            }
            _ => {}
        }
        let Ok(mut up) = TcpStream::connect(("127.0.0.1", upstream)).await else { return };
        // Ask the hub to close after answering, so the answer's end is the connection's end.
        let req = String::from_utf8_lossy(&req).replacen("\r\n", "\r\nconnection: close\r\n", 1).into_bytes();
        if up.write_all(&req).await.is_err() {
            return;
        }
        let mut answer = Vec::new();
        let _ = up.read_to_end(&mut answer).await;
        match fault {
            // The answer is dropped: the hub stored the batch, the hall never hears so.
            Some(Fault::LoseAnswer) => {}
            Some(Fault::Slow) => {
                tokio::time::sleep(Duration::from_secs(3)).await;
                let _ = client.write_all(&answer).await;
            }
            _ => {
                let _ = client.write_all(&answer).await;
            }
        }
    }
}

/// A hall (the sample township 卫星镇) with `extra` more requests refused at the desk — each a
/// completed case waiting in the outbox.
fn hall(dir: &std::path::Path, extra: usize) -> Store {
    let mut s = Store::open(dir.join("hall.db")).unwrap();
    hall_core::demo::load_demo(&mut s, 30, 12).unwrap();
    refuse_more(&mut s, extra, 0);
    s
}

/// A case waiting at the pickup window handed out (mailed) at desk 1 on the hall network, and
/// rated 1 by the citizen on the rating screen serving that desk.
fn screen_rated(s: &mut Store) -> String {
    use hall_core::store::{ActParams, Delivery, DeliveryMethod, SessionUser};
    let waiting = s.list_cases(Some(hall_core::lifecycle::CaseState::Approved), None, 500).unwrap();
    let number = waiting.first().expect("a case waits at the pickup window").number.clone();
    let clerk = s.user("clerk1").unwrap();
    let mail = Delivery {
        method: DeliveryMethod::Mail,
        collector_name: String::new(),
        collector_id: String::new(),
        tracking: "SF1234567890".into(),
    };
    {
        let _desk = hall_core::origin::enter("1号窗口");
        let p = ActParams { delivery: Some(mail), ..ActParams::default() };
        s.act(&number, hall_core::lifecycle::Action::Deliver, &clerk, &p).unwrap();
    }
    let screen = SessionUser { serves: Some("1号窗口".into()), ..SessionUser::rating_screen("1号窗口评价器") };
    s.screen_rate(&number, 1, &["态度不好".to_string()], "", &screen).unwrap();
    number
}

fn refuse_more(s: &mut Store, n: usize, from: usize) {
    hall_core::demo::seed_refused(s, n, from).unwrap();
}

/// Records the township sent up — completed cases and answered demands, which share the
/// outbox — at the hub: (rows, distinct records).
async fn at_hub(db: &str) -> (i64, i64) {
    let c = common::connect(db).await;
    let row = c
        .query_one(
            "SELECT (SELECT count(*) FROM cases WHERE township = '231221102')
                    + (SELECT count(*) FROM demands WHERE township = '231221102') AS rows,
                    (SELECT count(DISTINCT number) FROM cases WHERE township = '231221102')
                    + (SELECT count(DISTINCT number) FROM demands WHERE township = '231221102') AS records",
            &[],
        )
        .await
        .unwrap();
    (row.get("rows"), row.get("records"))
}

async fn pass(store: &Mutex<Store>, hub: &hall_sync::Hub) -> Result<hall_sync::Report, hall_sync::SyncError> {
    hall_sync::pass(store, hub, &mut |_| {}).await
}

fn pending(store: &Mutex<Store>) -> u32 {
    store.lock().unwrap().outbox_counts().unwrap().pending
}

#[tokio::test(flavor = "multi_thread")]
async fn every_case_reaches_the_hub_once_through_every_fault() {
    let db = common::database();
    let token = common::hub::add_township(&db, "231221102", "卫星镇");
    let dir = tempfile::tempdir().unwrap();
    let store = Mutex::new(hall(dir.path(), 2000));
    let total = pending(&store) as i64;
    assert!(total > 2000, "{total} completed cases wait");

    // The hub is away: the pass fails, nothing is lost.
    let upstream = Arc::new(std::sync::atomic::AtomicU16::new(free_port()));
    let proxy = Proxy::start(upstream.clone()).await;
    let hub = hall_sync::Hub::with_timeout(&proxy.url(), &token, Duration::from_secs(1)).unwrap();
    let e = pass(&store, &hub).await.unwrap_err();
    assert!(e.retryable() && e.message().contains("无法连接"), "{}", e.message());
    assert_eq!(pending(&store) as i64, total);
    assert_eq!(store.lock().unwrap().sync_status().unwrap().last_error, e.message());

    // The hub comes up; each fault hits the next batches (new cases keep coming), then the link
    // is clean again.
    let server = common::hub::Hub::start(&db, &[]);
    upstream.store(server.url.rsplit(':').next().unwrap().parse().unwrap(), Ordering::SeqCst);
    let mut next = 100_000;
    for (fault, times) in [(Fault::CutRequest, 2), (Fault::ServerError, 2), (Fault::Slow, 1), (Fault::LoseAnswer, 2)] {
        refuse_more(&mut store.lock().unwrap(), 1500, next);
        next += 1500;
        proxy.set(fault, times);
        let before = proxy.faults_done.load(Ordering::SeqCst);
        let mut failed = 0;
        loop {
            match pass(&store, &hub).await {
                Err(e) => {
                    assert!(e.retryable(), "{fault:?}: {}", e.message());
                    failed += 1;
                }
                Ok(r) => assert_eq!(r.pending, 0, "{fault:?}"),
            }
            assert!(failed <= times, "{fault:?} failed more passes than it was set for");
            if proxy.faults_done.load(Ordering::SeqCst) >= before + times && pending(&store) == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(failed >= 1, "{fault:?} was felt");
        let (rows, distinct) = at_hub(&db).await;
        assert_eq!(rows, distinct, "{fault:?}: a case is stored twice");
    }
    let total = total + 4 * 1500;
    assert_eq!(at_hub(&db).await, (total, total), "every case at the hub once");
    let counts = store.lock().unwrap().outbox_counts().unwrap();
    assert_eq!((counts.pending, counts.acknowledged as i64, counts.conflicts), (0, total, 0));

    // A rating after the case went up travels as revision 2; the hub still holds it once.
    let delivered =
        store.lock().unwrap().list_cases(Some(hall_core::lifecycle::CaseState::Delivered), None, 500).unwrap();
    let unrated = delivered.iter().find(|c| store.lock().unwrap().rating(&c.number).unwrap().is_none()).unwrap();
    let clerk = store.lock().unwrap().user("clerk1").unwrap();
    store.lock().unwrap().rate(&unrated.number, 4, "", &clerk).unwrap();
    assert_eq!(pending(&store), 1);
    pass(&store, &hub).await.unwrap();
    let c = common::connect(&db).await;
    let rev: i64 =
        c.query_one("SELECT revision FROM cases WHERE number = $1", &[&unrated.number]).await.unwrap().get(0);
    assert_eq!(rev, 2);
    assert_eq!(at_hub(&db).await, (total, total));
    // A case handed out at desk 1 and rated there by the citizen on the counter's rating screen
    // goes up with channel screen; the staff rating above is kept as staff.
    let screened = screen_rated(&mut store.lock().unwrap());
    assert_eq!(pending(&store), 1);
    pass(&store, &hub).await.unwrap();
    let channel = "SELECT r.channel FROM ratings r JOIN cases c ON c.uuid = r.case_uuid WHERE c.number = $1";
    let channel_of = |row: tokio_postgres::Row| row.get::<_, String>(0);
    assert_eq!(channel_of(c.query_one(channel, &[&screened]).await.unwrap()), "screen");
    assert_eq!(channel_of(c.query_one(channel, &[&unrated.number]).await.unwrap()), "staff");
    let body: serde_json::Value =
        c.query_one("SELECT body FROM cases WHERE number = $1", &[&screened]).await.unwrap().get(0);
    let rating = &body["rating"];
    assert_eq!(
        (&rating["channel"], &rating["reasons"]),
        (&serde_json::json!("screen"), &serde_json::json!(["态度不好"]))
    );
    let total = total + 1;

    // The hall killed mid-sync (hallctl, SIGKILL) and run again: still every case once.
    refuse_more(&mut store.lock().unwrap(), 2000, 200_000);
    let hallctl = hallctl();
    let db_path = dir.path().join("hall.db");
    let args = |once: bool| {
        let mut a = vec!["--db".to_string(), db_path.display().to_string(), "sync".into()];
        if once {
            a.push("--once".into());
        }
        a.extend(["--hub".into(), server.url.clone(), "--token".into(), token.clone()]);
        a
    };
    let mut child =
        std::process::Command::new(&hallctl).args(args(false)).stdout(std::process::Stdio::piped()).spawn().unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    // Killed once the first batch is acknowledged.
    loop {
        line.clear();
        std::io::BufRead::read_line(&mut out, &mut line).unwrap();
        if line.contains("已确认") || line.is_empty() {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let left = pending(&store);
    assert!(left > 0 && left < 2000, "killed mid-way: {left} left");
    let o = std::process::Command::new(&hallctl).args(args(true)).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(pending(&store), 0);
    assert_eq!(at_hub(&db).await, (total + 2000, total + 2000));
    drop(server);
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_county_catalog_and_calendar_come_down_and_cases_keep_their_version() {
    let db = common::database();
    let token = common::hub::add_township(&db, "231221102", "卫星镇");
    let server = common::hub::Hub::start(&db, &[]);
    let dir = tempfile::tempdir().unwrap();
    let store = Mutex::new(hall(dir.path(), 0));
    let open_case =
        store.lock().unwrap().list_cases(Some(hall_core::lifecycle::CaseState::Processing), None, 1).unwrap();
    let open_case = &open_case[0].number;
    let version_before = store.lock().unwrap().catalog_versions().unwrap()[0].version.clone();

    // The county publishes a new catalog version and the 2027 calendar.
    let mut catalog: serde_json::Value = serde_json::from_str(hall_core::demo::SAMPLE_CATALOG).unwrap();
    catalog["version"] = "2027.01-县级发布".into();
    catalog["effective_date"] = "2027-01-01".into();
    let mut year: serde_json::Value =
        serde_json::from_str(include_str!("../../../assets/calendar/cn-calendar-2026.json")).unwrap();
    year["year"] = 2027.into();
    year["holidays"] = serde_json::json!([{"name": "元旦", "from": "2027-01-01", "to": "2027-01-01"}]);
    year["workdays"] = serde_json::json!([]);
    for (what, doc) in [("catalog", &catalog), ("calendar", &year)] {
        let file = dir.path().join(format!("{what}.json"));
        std::fs::write(&file, doc.to_string()).unwrap();
        let o = common::hub::cli(&db, &[what, "publish", file.to_str().unwrap()]);
        assert!(o.status.success(), "{what}: {}", String::from_utf8_lossy(&o.stderr));
    }
    let hub = hall_sync::Hub::new(&server.url, &token).unwrap();
    let r = pass(&store, &hub).await.unwrap();
    assert_eq!(r.catalog_versions, vec!["2027.01-县级发布".to_string()]);
    assert_eq!(r.calendar_years, vec![2027]);
    {
        let s = store.lock().unwrap();
        assert_eq!(s.catalog_versions().unwrap()[0].version, "2027.01-县级发布");
        assert!(s.calendar_years().unwrap().iter().any(|y| y.year == 2027));
        // A case in progress keeps the version it was accepted under.
        assert_eq!(s.case_detail(open_case).unwrap().catalog_version, version_before);
    }
    // Nothing new the second time.
    let r = pass(&store, &hub).await.unwrap();
    assert!(r.catalog_versions.is_empty() && r.calendar_years.is_empty());

    // hallctl: a wrong token is refused by the hub and said in Chinese; no hub at all too.
    let db_path = dir.path().join("hall.db");
    let run = |args: &[&str]| {
        let mut all = vec!["--db", db_path.to_str().unwrap(), "sync", "--once"];
        all.extend_from_slice(args);
        std::process::Command::new(hallctl()).args(&all).output().unwrap()
    };
    let o = run(&["--hub", &server.url, "--token", "231221102.wrong"]);
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && said.contains("县级平台拒绝了请求"), "{said}");
    let o = run(&[]);
    let said = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success() && said.contains("未设置县级平台地址"), "{said}");
}
