//! `POST /v1/cases` against the real binary and a real PostgreSQL: each case stored once,
//! revisions deciding, tokens confined to their township, and refusals that store nothing.

mod common;

use common::hub::{add_township, cli, Hub};
use common::{body, connect, database, http, post, push_ok, push_request, record, refusal};
use sync_protocol::AckStatus::{Conflict, Duplicate, Stale, Stored};
use sync_protocol::{RatingRecord, BATCH, CHANNEL_SCREEN, MAX_BODY_BYTES, VERSION_HEADER};

const T: &str = "231221102";

async fn count(db: &tokio_postgres::Client, sql: &str) -> i64 {
    db.query_one(sql, &[]).await.expect("counts").get(0)
}

#[tokio::test]
async fn a_case_is_stored_once_and_its_revisions_decide() {
    let url = database();
    let token = add_township(&url, T, "卫星镇");
    let hub = Hub::start(&url, &[]);
    let (http, db) = (http(), connect(&url).await);
    let a = body(T, 1, "2026-11-20", "2026-12-01", None);
    let b = body(T, 2, "2026-11-20", "2026-12-01", Some(5));

    let first = push_request(T, vec![record(1, 1, a.clone()), record(2, 1, b)]);
    assert_eq!(push_ok(&http, &hub.url, &token, &first).await, [Stored, Stored]);
    // The hall never got the answer and sends the batch again: counted once.
    assert_eq!(push_ok(&http, &hub.url, &token, &first).await, [Duplicate, Duplicate]);
    assert_eq!(count(&db, "SELECT count(*) FROM cases").await, 2);
    assert_eq!(count(&db, "SELECT count(*) FROM events").await, 8);

    // Rated after it went up: revision 2 replaces the case, its events and its rating.
    let mut a2 = a.clone();
    // The citizen rated it on the counter's rating screen (评价器).
    a2.rating = Some(RatingRecord {
        channel: CHANNEL_SCREEN.into(),
        ..RatingRecord::staff(4, "很好", "2026-11-20 16:10:00", None)
    });
    a2.events.truncate(3);
    assert_eq!(push_ok(&http, &hub.url, &token, &push_request(T, vec![record(1, 2, a2.clone())])).await, [Stored]);
    let row = db.query_one("SELECT revision, content_hash FROM cases WHERE number = $1", &[&a.number]).await.unwrap();
    assert_eq!((row.get::<_, i64>("revision"), row.get::<_, String>("content_hash")), (2, a2.content_hash()));
    assert_eq!(count(&db, "SELECT count(*) FROM events").await, 7);
    assert_eq!(count(&db, "SELECT sum(level) FROM ratings").await, 9);
    // The channel is kept; b's rating came as an older hall sends one, without a channel: staff.
    assert!(!serde_json::to_string(&first.cases[1].body).unwrap().contains("channel"));
    let channels = db.query("SELECT level, channel FROM ratings ORDER BY level", &[]).await.unwrap();
    let channels: Vec<(i16, String)> = channels.iter().map(|r| (r.get("level"), r.get("channel"))).collect();
    assert_eq!(channels, [(4, "screen".to_string()), (5, "staff".to_string())]);

    // Revision 2 again with other content: a conflict, kept aside and never overwriting.
    let mut other = a2.clone();
    other.rating.as_mut().unwrap().level = 1;
    let conflicting = push_request(T, vec![record(1, 2, other.clone())]);
    assert_eq!(push_ok(&http, &hub.url, &token, &conflicting).await, [Conflict]);
    assert_eq!(push_ok(&http, &hub.url, &token, &conflicting).await, [Conflict]);
    let row = db.query_one("SELECT stored_body, incoming_body FROM conflicts", &[]).await.expect("one conflict row");
    let (stored, incoming): (serde_json::Value, serde_json::Value) = (row.get("stored_body"), row.get("incoming_body"));
    assert_eq!((stored["rating"]["level"].as_i64(), incoming["rating"]["level"].as_i64()), (Some(4), Some(1)));
    assert_eq!(count(&db, "SELECT sum(level) FROM ratings").await, 9);

    let overview: serde_json::Value = http
        .get(format!("{}/v1/overview?from=2026-11-01&to=2026-11-30", hub.url))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(overview["open_conflicts"][0]["number"], a.number.as_str());
    assert_eq!(overview["townships"][0]["open_conflicts"], 1);

    // Revision 1 arrives late: stale, nothing changes.
    assert_eq!(push_ok(&http, &hub.url, &token, &push_request(T, vec![record(1, 1, a.clone())])).await, [Stale]);
    let revision: i64 =
        db.query_one("SELECT revision FROM cases WHERE number = $1", &[&a.number]).await.unwrap().get(0);
    assert_eq!(revision, 2);

    // The supervisor settles it and the hall sends revision 3: the conflict is closed.
    assert_eq!(push_ok(&http, &hub.url, &token, &push_request(T, vec![record(1, 3, other)])).await, [Stored]);
    let overview: serde_json::Value =
        http.get(format!("{}/v1/overview", hub.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(overview["open_conflicts"], serde_json::json!([]));

    // Two revisions of a new case in one batch: both stored, the higher one kept.
    let c = body(T, 3, "2026-11-21", "2026-12-01", None);
    let mut c2 = c.clone();
    c2.state = "withdrawn".into();
    let both = push_request(T, vec![record(3, 1, c), record(3, 2, c2.clone()), record(3, 1, c2)]);
    assert_eq!(push_ok(&http, &hub.url, &token, &both).await, [Stored, Stored, Stale]);
    assert_eq!(count(&db, "SELECT count(*) FROM cases WHERE revision = 2 AND state = 'withdrawn'").await, 1);
}

#[tokio::test]
async fn a_token_writes_only_its_own_township() {
    let url = database();
    let token_a = add_township(&url, T, "卫星镇");
    let token_b = add_township(&url, "231221103", "惠头镇");
    let again = cli(&url, &["township", "add", T, "别的镇"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("已登记"), "{again:?}");

    let hub = Hub::start(&url, &[]);
    let (http, db) = (http(), connect(&url).await);
    let a_case = record(1, 1, body(T, 1, "2026-11-20", "2026-12-01", None));
    assert_eq!(push_ok(&http, &hub.url, &token_a, &push_request(T, vec![a_case.clone()])).await, [Stored]);

    // B's token, A's batch.
    let resp = post(&http, &hub.url, &token_b).json(&push_request(T, vec![a_case.clone()])).send().await.unwrap();
    assert_eq!(refusal(resp).await.0, 403);
    // B's batch carrying A's case number.
    let resp =
        post(&http, &hub.url, &token_b).json(&push_request("231221103", vec![a_case.clone()])).send().await.unwrap();
    let (status, code, message) = refusal(resp).await;
    assert_eq!((status, code.as_str()), (403, "forbidden"));
    assert!(message.contains("本乡镇"), "{message}");
    // B's own number on A's case UUID.
    let hijack = record(1, 5, body("231221103", 1, "2026-11-20", "2026-12-01", None));
    let resp = post(&http, &hub.url, &token_b).json(&push_request("231221103", vec![hijack])).send().await.unwrap();
    assert_eq!(refusal(resp).await.0, 403);
    let row = db.query_one("SELECT township, revision FROM cases", &[]).await.unwrap();
    assert_eq!((row.get::<_, String>("township"), row.get::<_, i64>("revision")), (T.to_string(), 1));

    // No token, a made-up one, a known code with a wrong secret.
    let resp =
        http.post(format!("{}/v1/cases", hub.url)).header(VERSION_HEADER, "1").json(&push_request(T, vec![])).send();
    let (status, code, _) = refusal(resp.await.unwrap()).await;
    assert_eq!((status, code.as_str()), (401, "unauthorized"));
    for bad in ["garbage", &format!("{T}.wrongsecret"), &format!("{T}{}", &token_a[T.len()..token_a.len() - 1])] {
        let resp = post(&http, &hub.url, bad).json(&push_request(T, vec![])).send().await.unwrap();
        assert_eq!(refusal(resp).await.0, 401, "{bad}");
    }

    // A new token for A: the old one stops working at once.
    let out = cli(&url, &["township", "token", T]);
    assert!(out.status.success());
    let new_token = String::from_utf8(out.stdout).unwrap().split_whitespace().last().unwrap().to_string();
    let resp = post(&http, &hub.url, &token_a).json(&push_request(T, vec![])).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    assert_eq!(push_ok(&http, &hub.url, &new_token, &push_request(T, vec![a_case])).await, [Duplicate]);
    let unknown = cli(&url, &["township", "token", "999"]);
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("尚未登记"));
}

#[tokio::test]
async fn refused_requests_store_nothing() {
    let url = database();
    let token = add_township(&url, T, "卫星镇");
    let hub = Hub::start(&url, &[]);
    let (http, db) = (http(), connect(&url).await);
    let good = record(1, 1, body(T, 1, "2026-11-20", "2026-12-01", None));

    let resp =
        post(&http, &hub.url, &token).body("{\"protocol\": 1,\n\"township\": \"231221102\",\n\"cases\": [").send();
    let (status, code, message) = refusal(resp.await.unwrap()).await;
    assert_eq!((status, code.as_str()), (400, "malformed"));
    assert!(message.contains("第 3 行第"), "{message}");

    let resp = post(&http, &hub.url, &token).body(vec![b' '; MAX_BODY_BYTES + 1]).send().await.unwrap();
    assert_eq!(refusal(resp).await.0, 413);

    for version in [Some("2"), Some("x"), None] {
        let mut req = http.post(format!("{}/v1/cases", hub.url)).bearer_auth(&token);
        if let Some(v) = version {
            req = req.header(VERSION_HEADER, v);
        }
        let (status, code, message) =
            refusal(req.json(&push_request(T, vec![good.clone()])).send().await.unwrap()).await;
        assert_eq!((status, code.as_str()), (426, "protocol"), "{version:?}");
        assert!(message.contains("协议"), "{message}");
    }
    let mut future = push_request(T, vec![good.clone()]);
    future.protocol = 2;
    assert_eq!(refusal(post(&http, &hub.url, &token).json(&future).send().await.unwrap()).await.0, 426);

    let too_many = (0..=BATCH as u32).map(|i| record(i.into(), 1, body(T, i, "2026-11-20", "2026-12-01", None)));
    let resp = post(&http, &hub.url, &token).json(&push_request(T, too_many.collect())).send().await.unwrap();
    assert_eq!(refusal(resp).await.0, 400);

    // A good case followed by a tampered one: the batch goes or nothing does.
    let mut tampered = record(2, 1, body(T, 2, "2026-11-20", "2026-12-01", None));
    tampered.body.applicant_name = "李四".into();
    let resp = post(&http, &hub.url, &token).json(&push_request(T, vec![good.clone(), tampered])).send().await.unwrap();
    let (status, _, message) = refusal(resp).await;
    assert_eq!(status, 400);
    assert!(message.contains("第 2 件"), "{message}");

    // The database fails on the last case's events: 5xx, and the first case is not kept either.
    db.batch_execute("ALTER TABLE events ADD CONSTRAINT refuse_boom CHECK (note <> 'boom')").await.unwrap();
    let mut failing = body(T, 3, "2026-11-20", "2026-12-01", Some(5));
    failing.events[0].note = "boom".into();
    let batch = push_request(T, vec![good, record(3, 1, failing)]);
    let resp = post(&http, &hub.url, &token).json(&batch).send().await.unwrap();
    let (status, code, _) = refusal(resp).await;
    assert_eq!((status, code.as_str()), (500, "internal"));

    let stored = "SELECT (SELECT count(*) FROM cases) + (SELECT count(*) FROM events)
                         + (SELECT count(*) FROM ratings) + (SELECT count(*) FROM conflicts)";
    assert_eq!(count(&db, stored).await, 0);
}

#[tokio::test]
async fn a_township_over_its_rate_is_told_when_to_retry() {
    let url = database();
    let (token_a, token_b) = (add_township(&url, T, "卫星镇"), add_township(&url, "231221103", "惠头镇"));
    let hub = Hub::start(&url, &["--rate-limit", "2"]);
    let http = http();
    let get = |token: &str| {
        http.get(format!("{}/v1/calendars", hub.url)).bearer_auth(token).header(VERSION_HEADER, "1").send()
    };
    assert_eq!(get(&token_a).await.unwrap().status(), 200);
    assert_eq!(get(&token_a).await.unwrap().status(), 200);
    let resp = get(&token_a).await.unwrap();
    let retry_after: u64 = resp.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry_after >= 1);
    let (status, code, message) = refusal(resp).await;
    assert_eq!((status, code.as_str()), (429, "rate_limited"));
    assert!(message.contains("秒后重试"), "{message}");
    assert_eq!(get(&token_b).await.unwrap().status(), 200, "another township has its own budget");
}
