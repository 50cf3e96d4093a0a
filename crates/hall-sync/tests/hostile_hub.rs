//! The hall's sync client against a county hub that answers badly. The hub here is a real TCP
//! server on loopback that speaks just enough HTTP/1.1 to play back the answers in
//! `tests/hostile/answers/*.http`; the hall is a real store on a real SQLite file with completed
//! cases in its outbox; the thing under test is `hall_sync::pass`, as the app and hallctl run it.
//!
//! An answer file is a raw HTTP response (head lines end in LF here and go out as CRLF; a
//! Content-Length is added when the head has none) after directives:
//!
//! | directive | meaning |
//! |---|---|
//! | `@on push\|catalog\|duties\|calendars` | the request that gets this answer; the others are answered well |
//! | `@expect retry\|refused` | the pass must fail, retryable (hub unreachable) or refused |
//! | `@says TEXT` | the hall's message must carry this text, as data |
//! | `@fill N` | N blanks after the body (a huge answer without a huge file) |
//! | `@chunked` | chunked transfer encoding, no length |
//! | `@body-file NAME` | the body is the bytes of NAME |
//! | `@drip-ms N` | one byte every N ms (slowloris) |
//! | `@stall` | send what there is, then hold the connection open without a word |
//! | `@close` | close without answering |
//! | `@raw` | send the text exactly as written |
//!
//! and placeholders filled from the request: `{{ACKS}}` (the right acknowledgments) and its
//! wrong variants, `{{UUID0}}`, `{{REV0}}`, `{{OTHER_UUID}}`, `{{ACKED_UUID}}` (a case
//! acknowledged in an earlier pass), `{{PORT}}`, `{{BIG:N}}` (N letters).
//!
//! For every answer: the pass fails with a Chinese message (short, nothing invisible in it) of
//! the kind expected; it makes one request of the failing kind (no loop); a failed push puts
//! every case of the batch back to pending and acknowledges nothing, and cases acknowledged
//! before stay as they were; a bad catalog, version of the lists or calendar imports nothing. Never a panic or a
//! hang. At the end a well-behaved hub takes every case.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hall_core::catalog::CatalogFile;
use hall_core::Store;
use serde_json::json;
use sync_protocol::PushRequest;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const OTHER_UUID: &str = "00000000-0000-4000-8000-000000000000";
/// How long the hall waits for an answer here (the app waits 30 s).
const TIMEOUT: Duration = Duration::from_secs(2);

fn answers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile/answers")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Push,
    Catalog,
    Duties,
    Calendars,
}

impl Route {
    fn key(self) -> &'static str {
        match self {
            Route::Push => "push",
            Route::Catalog => "catalog",
            Route::Duties => "duties",
            Route::Calendars => "calendars",
        }
    }
}

#[derive(Debug, Clone, Default)]
struct Answer {
    name: String,
    on: Option<Route>,
    refused: bool,
    says: Option<String>,
    fill: usize,
    chunked: bool,
    body_file: Option<String>,
    drip: Option<Duration>,
    stall: bool,
    close: bool,
    raw: bool,
    text: String,
}

fn load(path: &Path) -> Answer {
    let text = std::fs::read_to_string(path).unwrap();
    let mut a = Answer { name: path.file_stem().unwrap().to_string_lossy().into(), ..Answer::default() };
    let mut rest = text.as_str();
    loop {
        let (line, tail) = rest.split_once('\n').unwrap_or((rest, ""));
        if line.starts_with('#') {
            rest = tail;
            continue;
        }
        let Some(d) = line.strip_prefix('@') else { break };
        let (key, value) = d.split_once(' ').unwrap_or((d, ""));
        match key {
            "on" => {
                a.on = Some(match value {
                    "push" => Route::Push,
                    "catalog" => Route::Catalog,
                    "duties" => Route::Duties,
                    "calendars" => Route::Calendars,
                    v => panic!("{}: @on {v}", a.name),
                })
            }
            "expect" => a.refused = value == "refused",
            "says" => a.says = Some(value.into()),
            "fill" => a.fill = value.parse().unwrap(),
            "chunked" => a.chunked = true,
            "body-file" => a.body_file = Some(value.into()),
            "drip-ms" => a.drip = Some(Duration::from_millis(value.parse().unwrap())),
            "stall" => a.stall = true,
            "close" => a.close = true,
            "raw" => a.raw = true,
            k => panic!("{}: unknown directive @{k}", a.name),
        }
        rest = tail;
    }
    a.text = rest.to_string();
    assert!(a.on.is_some(), "{}: no @on", a.name);
    a
}

/// What the server knows when it fills an answer in.
#[derive(Default)]
struct Shared {
    /// The answer being played, or `None` for a well-behaved hub.
    answer: Option<Answer>,
    acked_uuid: String,
    port: u16,
    requests: BTreeMap<&'static str, usize>,
}

fn acks(req: &PushRequest, f: impl Fn(usize, &str, u32) -> serde_json::Value) -> String {
    let v: Vec<serde_json::Value> = req.cases.iter().enumerate().map(|(i, c)| f(i, &c.uuid, c.revision)).collect();
    serde_json::to_string(&v).unwrap()
}

fn stored(uuid: &str, revision: u32) -> serde_json::Value {
    json!({"uuid": uuid, "revision": revision, "status": "stored"})
}

fn fill_in(text: &str, req: Option<&PushRequest>, shared: &Shared) -> String {
    let mut t = text.replace("{{PORT}}", &shared.port.to_string()).replace("{{OTHER_UUID}}", OTHER_UUID);
    t = t.replace("{{ACKED_UUID}}", &shared.acked_uuid);
    while let Some(at) = t.find("{{BIG:") {
        let end = at + t[at..].find("}}").unwrap();
        let n: usize = t[at + 6..end].parse().unwrap();
        t.replace_range(at..end + 2, &"x".repeat(n));
    }
    let Some(req) = req else { return t };
    let first = req.cases.first();
    let subs: Vec<(&str, String)> = vec![
        ("{{UUID0}}", first.map(|c| c.uuid.clone()).unwrap_or_default()),
        ("{{REV0}}", first.map(|c| c.revision.to_string()).unwrap_or_default()),
        ("{{ACKS}}", acks(req, |_, u, r| stored(u, r))),
        ("{{ACKS_OTHER_UUIDS}}", acks(req, |i, _, r| stored(&format!("{}{i:012}", &OTHER_UUID[..24]), r))),
        ("{{ACKS_PLUS_OTHER}}", {
            let mut v: Vec<serde_json::Value> = req.cases.iter().map(|c| stored(&c.uuid, c.revision)).collect();
            v.push(stored(OTHER_UUID, 1));
            serde_json::to_string(&v).unwrap()
        }),
        ("{{ACKS_BUT_LAST}}", {
            let v: Vec<serde_json::Value> =
                req.cases.iter().take(req.cases.len().saturating_sub(1)).map(|c| stored(&c.uuid, c.revision)).collect();
            serde_json::to_string(&v).unwrap()
        }),
        ("{{ACKS_FIRST_REPEATED}}", acks(req, |_, _, _| stored(&req.cases[0].uuid, req.cases[0].revision))),
        ("{{ACKS_NEXT_REVISION}}", acks(req, |_, u, r| stored(u, r + 1))),
        ("{{ACKS_PREVIOUS_REVISION}}", acks(req, |_, u, r| stored(u, r.saturating_sub(1)))),
        ("{{ACKS_UPPERCASE}}", acks(req, |_, u, r| stored(&u.to_uppercase(), r))),
        ("{{ACKS_WITH_ACKED}}", {
            acks(req, |i, u, r| {
                if i == 0 {
                    json!({"uuid": shared.acked_uuid, "revision": 1, "status": "conflict"})
                } else {
                    stored(u, r)
                }
            })
        }),
    ];
    for (k, v) in subs {
        t = t.replace(k, &v);
    }
    t
}

/// One HTTP/1.1 request: its path and body.
async fn read_request(s: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break p + 4;
        }
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
    let len: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap_or(0)))
        .unwrap_or(0);
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some((path, buf[head_end..head_end + len].to_vec()))
}

/// The bytes of an answer: head (CRLF, with a length unless told otherwise) and body.
fn render(a: &Answer, text: &str) -> (Vec<u8>, usize) {
    if a.raw {
        return (text.as_bytes().to_vec(), 0);
    }
    if text.is_empty() {
        return (vec![], 0);
    }
    let (head, body) = text.split_once("\n\n").unwrap_or((text, ""));
    let mut body = body.as_bytes().to_vec();
    if let Some(f) = &a.body_file {
        body = std::fs::read(answers_dir().join(f)).unwrap();
    }
    let mut lines: Vec<String> = head.lines().map(str::to_string).collect();
    let has = |lines: &[String], h: &str| lines.iter().any(|l| l.to_ascii_lowercase().starts_with(h));
    if a.chunked {
        lines.push("Transfer-Encoding: chunked".into());
    } else if !has(&lines, "content-length:") {
        lines.push(format!("Content-Length: {}", body.len() + a.fill));
    }
    if !has(&lines, "connection:") {
        lines.push("Connection: close".into());
    }
    let mut out = (lines.join("\r\n") + "\r\n\r\n").into_bytes();
    if a.chunked {
        out.extend_from_slice(format!("{:x}\r\n", body.len()).as_bytes());
        out.extend_from_slice(&body);
        out.extend_from_slice(b"\r\n");
    } else {
        out.extend_from_slice(&body);
    }
    (out, a.fill)
}

async fn play(s: &mut TcpStream, a: &Answer, bytes: &[u8], fill: usize) {
    if a.close {
        return;
    }
    if let Some(every) = a.drip {
        for b in bytes {
            if s.write_all(&[*b]).await.is_err() {
                return;
            }
            tokio::time::sleep(every).await;
        }
    } else if s.write_all(bytes).await.is_err() {
        return;
    }
    let blanks = vec![b' '; 64 * 1024];
    let mut left = fill;
    while left > 0 {
        let n = left.min(blanks.len());
        let piece = if a.chunked {
            [format!("{n:x}\r\n").as_bytes(), &blanks[..n], b"\r\n"].concat()
        } else {
            blanks[..n].to_vec()
        };
        if s.write_all(&piece).await.is_err() {
            return;
        }
        left -= n;
    }
    if a.chunked {
        let _ = s.write_all(b"0\r\n\r\n").await;
    }
    if a.stall {
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
    let _ = s.flush().await;
}

async fn serve(mut s: TcpStream, shared: Arc<Mutex<Shared>>) {
    let Some((path, body)) = read_request(&mut s).await else { return };
    let route = if path.starts_with("/v1/cases") {
        Route::Push
    } else if path.starts_with("/v1/catalog") {
        Route::Catalog
    } else if path.starts_with("/v1/duties") {
        Route::Duties
    } else if path.starts_with("/v1/calendars") {
        Route::Calendars
    } else {
        let _ = s.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").await;
        return;
    };
    let req: Option<PushRequest> = serde_json::from_slice(&body).ok();
    let (answer, bytes, fill) = {
        let mut sh = shared.lock().unwrap();
        *sh.requests.entry(route.key()).or_default() += 1;
        let hostile = sh.answer.clone().filter(|a| a.on == Some(route));
        let answer = hostile.unwrap_or_else(|| {
            let body = match route {
                Route::Push => r#"{"protocol":1,"acks":{{ACKS}}}"#,
                Route::Catalog | Route::Duties => r#"{"protocol":1,"versions":[]}"#,
                Route::Calendars => r#"{"protocol":1,"years":[]}"#,
            };
            Answer { text: format!("HTTP/1.1 200 OK\nContent-Type: application/json\n\n{body}"), ..Answer::default() }
        });
        let text = fill_in(&answer.text, req.as_ref(), &sh);
        let (bytes, fill) = render(&answer, &text);
        (answer, bytes, fill)
    };
    play(&mut s, &answer, &bytes, fill).await;
}

async fn start_hub(shared: Arc<Mutex<Shared>>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    shared.lock().unwrap().port = port;
    tokio::spawn(async move {
        loop {
            let Ok((s, _)) = listener.accept().await else { return };
            tokio::spawn(serve(s, shared.clone()));
        }
    });
    port
}

/// The outbox as the database holds it: case id → (state, revision, acked_at).
fn outbox(db: &rusqlite::Connection) -> BTreeMap<i64, (String, u32, Option<String>)> {
    let mut st = db.prepare("SELECT case_id, state, revision, acked_at FROM outbox").unwrap();
    let rows = st
        .query_map([], |r| Ok((r.get("case_id")?, (r.get("state")?, r.get("revision")?, r.get("acked_at")?))))
        .unwrap();
    rows.collect::<rusqlite::Result<_>>().unwrap()
}

/// What a bad catalog, lists or calendar answer must leave alone.
fn imports(db: &rusqlite::Connection) -> (i64, Vec<(i64, String)>, i64) {
    let versions = db
        .query_row("SELECT (SELECT count(*) FROM catalog_versions) + (SELECT count(*) FROM duty_versions)", [], |r| {
            r.get(0)
        })
        .unwrap();
    let mut st = db.prepare("SELECT year, document FROM calendar_years ORDER BY year").unwrap();
    let years = st
        .query_map([], |r| Ok((r.get("year")?, r.get("document")?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let events = db.query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0)).unwrap();
    (versions, years, events)
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}')
}

/// A clear Chinese message: Chinese words, not a page long, nothing invisible or controlling.
fn chinese(m: &str) -> Result<(), String> {
    if !m.chars().any(is_cjk) {
        return Err(format!("message without Chinese: {m:?}"));
    }
    if m.chars().count() > 600 {
        return Err(format!("message of {} characters: {:?}", m.chars().count(), hall_core::validate::clip(m, 80)));
    }
    if let Some(c) = m.chars().find(|c| hall_core::validate::clip(&c.to_string(), 1) != c.to_string()) {
        return Err(format!("message holds U+{:04X}: {:?}", c as u32, hall_core::validate::clip(m, 80)));
    }
    Ok(())
}

async fn run_pass(
    store: &Arc<Mutex<Store>>,
    port: u16,
) -> Result<Result<hall_sync::Report, hall_sync::SyncError>, String> {
    let store = store.clone();
    let mut task = tokio::spawn(async move {
        let hub =
            hall_sync::Hub::with_timeout(&format!("http://127.0.0.1:{port}"), "231221104.token", TIMEOUT).unwrap();
        hall_sync::pass(&store, &hub, &mut |_| {}).await
    });
    match tokio::time::timeout(Duration::from_secs(20), &mut task).await {
        Err(_) => {
            task.abort();
            let _ = task.await;
            Err("the pass hung (still running after 20 s)".into())
        }
        Ok(Err(e)) if e.is_panic() => Err(format!("PANIC: {e}")),
        Ok(Err(e)) => Err(format!("task failed: {e}")),
        Ok(Ok(r)) => Ok(r),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_hub_answers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hall.db");
    let store = {
        let mut s = Store::open(&path).unwrap();
        s.init("231221104", "测试镇", "test").unwrap();
        s.import_catalog(&CatalogFile::parse_json(hall_core::demo::SAMPLE_CATALOG).unwrap(), "test").unwrap();
        hall_core::demo::add_sample_users(&mut s, false).unwrap();
        hall_core::demo::seed_refused(&mut s, 3, 0).unwrap();
        Arc::new(Mutex::new(s))
    };
    let db = hall_core::store::open_keyed(&path, &path, false).unwrap();
    let shared = Arc::new(Mutex::new(Shared::default()));
    let port = start_hub(shared.clone()).await;

    // A first, good pass: these cases are acknowledged, and one is named in hostile acks later.
    let first = run_pass(&store, port).await.unwrap();
    assert!(first.is_ok(), "{:?}", first.err().map(|e| e.message()));
    let acked_uuid: String = db
        .query_row(
            "SELECT c.uuid FROM outbox o JOIN cases c ON c.id = o.case_id WHERE o.state = 'acknowledged' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    shared.lock().unwrap().acked_uuid = acked_uuid;

    let mut files: Vec<PathBuf> = std::fs::read_dir(answers_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "http"))
        .collect();
    files.sort();
    assert!(files.len() >= 60, "{} answers", files.len());
    let mut failures: Vec<String> = Vec::new();
    let mut seeded = 3;
    for file in &files {
        let a = load(file);
        let mut fail = |why: String| failures.push(format!("{}: {why}", a.name));
        // Cases waiting to go up.
        if store.lock().unwrap().outbox_counts().unwrap().pending == 0 {
            hall_core::demo::seed_refused(&mut store.lock().unwrap(), 3, seeded).unwrap();
            seeded += 3;
        }
        let before = outbox(&db);
        let imported = imports(&db);
        {
            let mut sh = shared.lock().unwrap();
            sh.answer = Some(a.clone());
            sh.requests.clear();
        }
        let started = std::time::Instant::now();
        let r = run_pass(&store, port).await;
        let took = started.elapsed();
        let requests = std::mem::take(&mut shared.lock().unwrap().requests);
        shared.lock().unwrap().answer = None;
        let e = match r {
            Err(why) => {
                fail(why);
                continue;
            }
            Ok(Ok(report)) => {
                fail(format!("the pass succeeded: {:?}", report.progress));
                continue;
            }
            Ok(Err(e)) => e,
        };
        let m = e.message();
        if let Err(why) = chinese(&m) {
            fail(why);
        }
        match (a.refused, &e) {
            (false, hall_sync::SyncError::Unreachable(_)) | (true, hall_sync::SyncError::Refused(_)) => {}
            (refused, e) => {
                fail(format!("expected {}, got {e:?}", if refused { "a refusal" } else { "a retryable failure" }))
            }
        }
        if let Some(says) = &a.says {
            if !m.contains(says.as_str()) {
                fail(format!("the message lacks the hub's words {says:?}: {m}"));
            }
        }
        let key = a.on.unwrap().key();
        if requests.get(key).copied().unwrap_or(0) != 1 {
            fail(format!("{} {key} requests in one pass (a loop?)", requests.get(key).copied().unwrap_or(0)));
        }
        let after = outbox(&db);
        for (case, (state, revision, acked_at)) in &after {
            let was = before.get(case);
            match (a.on.unwrap(), was) {
                // Acknowledged before: exactly as it was.
                (_, Some(w)) if w.0 == "acknowledged" => {
                    if (state, revision, acked_at) != (&w.0, &w.1, &w.2) {
                        fail(format!("case {case} acknowledged before is now {state} (rev {revision}, {acked_at:?})"));
                    }
                }
                // A failed push: back to pending, same revision.
                (Route::Push, Some(w)) => {
                    if state != "pending" || *revision != w.1 {
                        fail(format!("case {case} of the failed batch is {state} (rev {revision}), not pending"));
                    }
                }
                // The push was answered well, the pull failed: the batch is acknowledged.
                (_, Some(_)) => {
                    if state != "acknowledged" {
                        fail(format!("case {case} is {state} after a good push"));
                    }
                }
                (_, None) => fail(format!("case {case} appeared in the outbox during the pass")),
            }
        }
        if a.on == Some(Route::Push) {
            let last_errors: Vec<String> = db
                .prepare("SELECT last_error FROM outbox WHERE state = 'pending'")
                .unwrap()
                .query_map([], |r| r.get(0))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            if last_errors.iter().any(|l| *l != m) {
                fail("the batch's rows do not carry the pass's message".into());
            }
        }
        let now = imports(&db);
        if (now.0, &now.1) != (imported.0, &imported.1) {
            fail(format!(
                "imported something: {} → {} catalog and lists versions, calendars changed: {}",
                imported.0,
                now.0,
                now.1 != imported.1
            ));
        }
        if now.2 != imported.2 {
            fail(format!("events written by a failed pass: {} → {}", imported.2, now.2));
        }
        let status = store.lock().unwrap().sync_status().unwrap();
        if status.last_error != m {
            fail(format!(
                "the indicator shows {:?}, not the pass's message",
                hall_core::validate::clip(&status.last_error, 60)
            ));
        }
        if took > Duration::from_secs(15) {
            fail(format!("the pass took {took:?}"));
        }
        println!("{:<40} {:>6} ms  {}", a.name, took.as_millis(), m);
    }

    // A well-behaved hub takes everything that waited.
    let last = run_pass(&store, port).await.unwrap();
    match last {
        Ok(r) => {
            assert_eq!(r.pending, 0);
            assert_eq!(r.progress.conflicts, 0);
        }
        Err(e) => failures.push(format!("the good pass at the end failed: {}", e.message())),
    }
    let counts = store.lock().unwrap().outbox_counts().unwrap();
    let cases = store.lock().unwrap().case_count().unwrap();
    assert_eq!((counts.pending, counts.conflicts, counts.acknowledged as i64), (0, 0, cases));
    println!("{} hostile answers played, {} failures", files.len(), failures.len());
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}

/// The `hub_answers` fuzzer's corpus (`fuzz/corpus/hub_answers/`) replayed on the stable
/// toolchain with the fuzz target's checks: the hall's readers of a 200 body never panic, fail
/// in Chinese, and accept acks only when they are exactly the batch's.
#[test]
fn fuzz_corpus_replay() {
    use sync_protocol::{CaseBody, CaseRecord, PushRequest};
    let cases: Vec<CaseRecord> = ["11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"]
        .iter()
        .enumerate()
        .map(|(i, u)| {
            let body = CaseBody::example(&format!("231221104-20261122-000{i}"));
            CaseRecord { uuid: u.to_string(), revision: i as u32 + 1, content_hash: body.content_hash(), body }
        })
        .collect();
    let sent = PushRequest { protocol: 1, township: "231221104".into(), cases, demands: vec![] };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/hub_answers");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    inputs.sort();
    assert!(!inputs.is_empty());
    let mut failures = Vec::new();
    for p in &inputs {
        let data = std::fs::read(p).unwrap();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let r = std::panic::catch_unwind(|| {
            let mut why = Vec::new();
            match hall_sync::read_push_answer(&data, &sent) {
                Ok(answer) => {
                    let mut got: Vec<(String, u32)> =
                        answer.acks.iter().map(|a| (a.uuid.clone(), a.revision)).collect();
                    got.sort();
                    let want: Vec<(String, u32)> = sent.cases.iter().map(|c| (c.uuid.clone(), c.revision)).collect();
                    if got != want {
                        why.push(format!("acks accepted that are not the batch's: {got:?}"));
                    }
                }
                Err(e) => why.extend(chinese(&e.message()).err()),
            }
            match hall_sync::read_catalog_answer(&data) {
                Ok(versions) => why.extend(versions.iter().filter_map(|(_, f)| f.check(&[]).err()).map(|e| e.message)),
                Err(e) => why.extend(chinese(&e.message()).err()),
            }
            match hall_sync::read_duties_answer(&data) {
                Ok(versions) => why.extend(versions.iter().filter_map(|(_, f)| f.check(&[]).err()).map(|e| e.message)),
                Err(e) => why.extend(chinese(&e.message()).err()),
            }
            match hall_sync::read_calendar_answer(&data) {
                Ok(_) => {}
                Err(e) => why.extend(chinese(&e.message()).err()),
            }
            why
        });
        match r {
            Ok(why) => failures.extend(why.into_iter().map(|w| format!("{name}: {w}"))),
            Err(_) => failures.push(format!("{name}: PANIC")),
        }
    }
    println!("hub_answers corpus: {} inputs replayed", inputs.len());
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
