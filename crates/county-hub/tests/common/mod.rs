//! What the hub's tests share: one PostgreSQL per test binary (a database per test), the hub
//! binary, an HTTP client and cases as a hall would send them.
// Each test binary uses its own part of this module.
#![allow(dead_code)]

pub mod hub;
pub mod pg;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use sync_protocol::{AckStatus, CaseBody, CaseRecord, EventRecord, PushRequest, PushResponse, RatingRecord};
use uuid::Uuid;

static PG: OnceLock<pg::Postgres> = OnceLock::new();
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

/// A fresh, empty database on this test binary's PostgreSQL.
pub fn database() -> String {
    let pg = PG.get_or_init(|| pg::Postgres::start(pg::QUICK));
    pg.create_database(&format!("t{}", NEXT_DB.fetch_add(1, Ordering::SeqCst)))
}

pub async fn connect(database_url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(database_url, tokio_postgres::NoTls).await.expect("connects");
    tokio::spawn(connection);
    client
}

pub fn http() -> reqwest::Client {
    http_builder().build().expect("an HTTP client")
}

pub fn http_builder() -> reqwest::ClientBuilder {
    // The process-wide rustls provider; a second call finds it set.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
}

/// A completed case of `township`, logged, decided and delivered on the given days.
pub fn body(township: &str, serial: u32, closed_on: &str, due_date: &str, rating: Option<u8>) -> CaseBody {
    let event = |action: &str, from: Option<&str>, to: &str| EventRecord {
        at: format!("{closed_on} 09:00:00"),
        actor: "clerk1".into(),
        action: action.into(),
        from_state: from.map(Into::into),
        to_state: Some(to.into()),
        note: String::new(),
    };
    CaseBody {
        item_code: format!("{township}-MZ-JF-0001"),
        logged_at: format!("{closed_on} 08:30:00"),
        accepted_on: Some(closed_on.into()),
        due_date: Some(due_date.into()),
        closed_at: Some(format!("{closed_on} 16:00:00")),
        events: vec![
            event("intake", None, "logged"),
            event("accept", Some("logged"), "accepted"),
            event("approve", Some("accepted"), "approved"),
            event("deliver", Some("approved"), "delivered"),
        ],
        rating: rating.map(|level| RatingRecord::staff(level, "", &format!("{closed_on} 16:05:00"), None)),
        ..CaseBody::example(&format!("{township}-{}-{serial:04}", closed_on.replace('-', "")))
    }
}

pub fn record(uuid: u128, revision: u32, body: CaseBody) -> CaseRecord {
    CaseRecord { uuid: Uuid::from_u128(uuid).to_string(), revision, content_hash: body.content_hash(), body }
}

pub fn push_request(township: &str, cases: Vec<CaseRecord>) -> PushRequest {
    PushRequest { protocol: sync_protocol::PROTOCOL_VERSION, township: township.into(), cases, demands: vec![] }
}

/// `POST /v1/cases` with the token and the protocol header, as a hall sends it.
pub fn post(http: &reqwest::Client, hub: &str, token: &str) -> reqwest::RequestBuilder {
    http.post(format!("{hub}/v1/cases")).bearer_auth(token).header(sync_protocol::VERSION_HEADER, "1")
}

pub async fn push_ok(http: &reqwest::Client, hub: &str, token: &str, req: &PushRequest) -> Vec<AckStatus> {
    let resp = post(http, hub, token).json(req).send().await.expect("the hub answers");
    assert_eq!(resp.status(), 200, "{}", resp.text().await.unwrap_or_default());
    let answer: PushResponse = resp.json().await.expect("a push response");
    assert_eq!(answer.acks.len(), req.cases.len());
    for (ack, case) in answer.acks.iter().zip(&req.cases) {
        assert_eq!((&ack.uuid, ack.revision), (&case.uuid, case.revision));
    }
    answer.acks.into_iter().map(|a| a.status).collect()
}

/// The refusal's status, code and Chinese message.
pub async fn refusal(resp: reqwest::Response) -> (u16, String, String) {
    let status = resp.status().as_u16();
    let body: sync_protocol::ErrorBody = resp.json().await.expect("an error body");
    (status, body.code, body.message)
}

/// The hallctl built beside this test (`cargo test --workspace` builds it).
pub fn hallctl() -> std::path::PathBuf {
    let p = std::env::current_exe().unwrap().parent().unwrap().parent().unwrap().join("hallctl");
    assert!(p.exists(), "build hallctl first (cargo build -p hallctl): {}", p.display());
    p
}
