//! Ingest benchmark: a real PostgreSQL (fsync on) and the release `county-hub` binary.
//!
//! 1. 100 simulated halls, each its own township and token, push batches of 200 distinct cases
//!    at once: sustained cases per second and batch latency.
//! 2. One hall sends 10,000 cases in batches of 200, one after the other: time end to end.
//!
//! Also reported: the CPU time the hub, PostgreSQL and this client each spent, and the bytes
//! the database holds per case. `cargo bench -p county-hub --bench ingest`; results in
//! docs/county-hub.md.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::hub::{add_township, Hub};
use common::pg::Postgres;
use common::{body, push_request, record};
use sync_protocol::{AckStatus, PushResponse, BATCH, VERSION_HEADER};

const HALLS: usize = 100;
const BATCHES_PER_HALL: usize = 10;
const ONE_HALL_CASES: usize = 10_000;

fn main() {
    // Durable (fsync on), as a county would run it; pg_stat_statements says where its time goes.
    let pg = Postgres::start(&["shared_preload_libraries=pg_stat_statements"]);
    let url = pg.create_database("bench");
    let halls: Vec<(String, String)> = (0..=HALLS)
        .map(|i| {
            let code = format!("2312{i:05}");
            let token = add_township(&url, &code, &format!("第{i}镇"));
            (code, token)
        })
        .collect();
    let hub = Hub::start(&url, &[]);
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(async {
        let http = common::http();
        let db = common::connect(&url).await;
        db.batch_execute("CREATE EXTENSION pg_stat_statements; SELECT pg_stat_statements_reset()")
            .await
            .expect("stats");
        let before = cpu_seconds(hub.pid());
        let (cases, elapsed, mut latencies) = many_halls(&http, &hub.url, &halls[..HALLS]).await;
        let after = cpu_seconds(hub.pid());
        latencies.sort();
        let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize].as_secs_f64() * 1000.0;
        println!("{HALLS} halls × {BATCHES_PER_HALL} batches × {BATCH} cases at once:");
        println!(
            "  {cases} cases in {:.2} s = {:.0} cases/s",
            elapsed.as_secs_f64(),
            cases as f64 / elapsed.as_secs_f64()
        );
        println!("  batch latency p50 {:.0} ms, p90 {:.0} ms, p99 {:.0} ms", pct(0.5), pct(0.9), pct(0.99));
        let per_k = |s: f64| s / cases as f64 * 1000.0 * 1000.0;
        println!(
            "  CPU per 1000 cases: hub {:.0} ms, PostgreSQL {:.0} ms, this client {:.0} ms ({} cores)",
            per_k(after.hub - before.hub),
            per_k(after.postgres - before.postgres),
            per_k(after.client - before.client),
            std::thread::available_parallelism().map_or(1, |n| n.get())
        );
        statements(&db).await;
        hub_share(&batch(&halls[0].0, 0, 0));

        let (code, token) = &halls[HALLS];
        let started = Instant::now();
        let sent = one_hall(&http, &hub.url, code, token).await;
        let took = started.elapsed();
        println!("one hall, {sent} cases in batches of {BATCH} one after another:");
        println!("  {:.2} s end to end = {:.0} cases/s", took.as_secs_f64(), sent as f64 / took.as_secs_f64());

        // The real path end to end: a hall's SQLite outbox through hall-sync to the hub.
        let token = add_township(&url, "231221102", "卫星镇");
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut store = hall_core::Store::open(dir.path().join("hall.db")).expect("a hall store");
        hall_core::demo::load_demo(&mut store, 30, 12).expect("the sample hall");
        hall_core::demo::seed_refused(&mut store, ONE_HALL_CASES, 0).expect("completed cases");
        let store = std::sync::Mutex::new(store);
        let waiting = store.lock().expect("the store").outbox_counts().expect("counts").pending;
        let to_hub = hall_sync::Hub::new(&hub.url, &token).expect("the hub");
        let started = Instant::now();
        let report = hall_sync::pass(&store, &to_hub, &mut |_| {}).await.expect("the pass");
        let took = started.elapsed();
        assert_eq!(report.pending, 0);
        println!("a hall's outbox of {waiting} cases through hall-sync (SQLite → hub → acknowledged):");
        println!("  {:.2} s end to end = {:.0} cases/s", took.as_secs_f64(), waiting as f64 / took.as_secs_f64());

        let started = Instant::now();
        let overview = http.get(format!("{}/v1/overview?from=2026-11-01&to=2026-11-30", hub.url)).send().await;
        assert_eq!(overview.expect("the overview answers").status(), 200);
        println!(
            "overview of the month ({} townships): {:.0} ms",
            halls.len(),
            started.elapsed().as_secs_f64() * 1000.0
        );

        let row = db
            .query_one(
                "SELECT (SELECT count(*) FROM cases) AS cases, pg_database_size(current_database()) AS all_bytes,
                        pg_total_relation_size('cases') AS cases_bytes, pg_total_relation_size('events') AS events_bytes",
                &[],
            )
            .await
            .expect("sizes");
        let (n, all, cases_bytes, events_bytes): (i64, i64, i64, i64) =
            (row.get("cases"), row.get("all_bytes"), row.get("cases_bytes"), row.get("events_bytes"));
        println!(
            "database: {n} cases, {:.0} MB in all; per case {:.0} B in cases (jsonb body), {:.0} B in events",
            all as f64 / 1e6,
            cases_bytes as f64 / n as f64,
            events_bytes as f64 / n as f64
        );
    });
}

/// Every hall pushes its batches one after another, all halls at once. The bodies are made
/// before the clock starts, so the client's own JSON work is not counted against the hub.
async fn many_halls(http: &reqwest::Client, hub: &str, halls: &[(String, String)]) -> (usize, Duration, Vec<Duration>) {
    let bodies: Vec<Vec<Vec<u8>>> = halls
        .iter()
        .enumerate()
        .map(|(h, (code, _))| (0..BATCHES_PER_HALL).map(|b| batch(code, h, b)).collect())
        .collect();
    let started = Instant::now();
    let tasks: Vec<_> = halls
        .iter()
        .zip(bodies)
        .map(|((_, token), batches)| {
            let (http, hub, token) = (http.clone(), hub.to_string(), token.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for body in batches {
                    let t = Instant::now();
                    send(&http, &hub, &token, body).await;
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.expect("a hall finishes"));
    }
    (halls.len() * BATCHES_PER_HALL * BATCH, started.elapsed(), latencies)
}

/// One hall's backlog, as its sync client sends it: batch after batch, each made when due.
async fn one_hall(http: &reqwest::Client, hub: &str, code: &str, token: &str) -> usize {
    let batches = ONE_HALL_CASES / BATCH;
    for b in 0..batches {
        send(http, hub, token, batch(code, HALLS, b)).await;
    }
    batches * BATCH
}

/// Batch `b` of hall `h`: 200 distinct cases over several days, a third of them rated.
fn batch(code: &str, h: usize, b: usize) -> Vec<u8> {
    let cases = (0..BATCH)
        .map(|i| {
            let serial = (b * BATCH + i) as u32;
            let day = format!("2026-11-{:02}", 1 + serial % 28);
            let mut case =
                body(code, serial, &day, "2026-11-20", serial.is_multiple_of(3).then_some(5 - (serial % 5) as u8));
            case.events.push(case.events[1].clone());
            case.events.push(case.events[2].clone());
            record(((h as u128) << 64) | serial as u128, 1, case)
        })
        .collect();
    serde_json::to_vec(&push_request(code, cases)).expect("serialises")
}

async fn send(http: &reqwest::Client, hub: &str, token: &str, body: Vec<u8>) {
    let resp = http
        .post(format!("{hub}/v1/cases"))
        .bearer_auth(token)
        .header(VERSION_HEADER, "1")
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the hub answers");
    assert_eq!(resp.status(), 200);
    let answer: PushResponse = resp.json().await.expect("acks");
    assert!(answer.acks.iter().all(|a| a.status == AckStatus::Stored));
}

/// What the hub's own work per case costs, measured here on one batch: parsing the push, checking
/// each body's hash (the protocol crate serialises the body to hash it) and the JSON kept for
/// the database.
fn hub_share(body: &[u8]) {
    const ROUNDS: u32 = 50;
    let per_case = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(ROUNDS) / BATCH as f64;
    let t = Instant::now();
    for _ in 0..ROUNDS {
        std::hint::black_box(serde_json::from_slice::<sync_protocol::PushRequest>(body).expect("parses"));
    }
    let parse = t.elapsed();
    let req: sync_protocol::PushRequest = serde_json::from_slice(body).expect("parses");
    let t = Instant::now();
    for _ in 0..ROUNDS {
        assert!(req.cases.iter().all(|c| c.content_hash == c.body.content_hash()));
    }
    let hash = t.elapsed();
    let t = Instant::now();
    for _ in 0..ROUNDS {
        std::hint::black_box(req.cases.iter().map(|c| serde_json::to_string(&c.body).unwrap().len()).sum::<usize>());
    }
    let json = t.elapsed();
    println!(
        "  hub work per case: parse {:.1} µs, hash check {:.1} µs, JSON for the database {:.1} µs (body {} KB per batch)",
        per_case(parse),
        per_case(hash),
        per_case(json),
        body.len() / 1024
    );
}

/// The statements that took the database's time, with their share of it.
async fn statements(db: &tokio_postgres::Client) {
    let rows = db
        .query(
            "SELECT calls, rows, total_exec_time, sum(total_exec_time) OVER () AS all_time,
                    left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS query
             FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 8",
            &[],
        )
        .await
        .expect("pg_stat_statements");
    println!("  time in the database by statement (share, calls, rows):");
    for r in rows {
        let (calls, rows, ms, all, query): (i64, i64, f64, f64, String) =
            (r.get("calls"), r.get("rows"), r.get("total_exec_time"), r.get("all_time"), r.get("query"));
        println!("    {:>5.1}% {calls:>7} {rows:>8}  {query}", ms / all * 100.0);
    }
}

struct Cpu {
    hub: f64,
    postgres: f64,
    client: f64,
}

/// CPU seconds (user + system) so far of the hub, of every PostgreSQL process and of this one.
fn cpu_seconds(hub: u32) -> Cpu {
    let ticks = |stat: &str| -> Option<(String, f64)> {
        let (_, rest) = stat.split_once(" (")?;
        let (comm, rest) = rest.rsplit_once(") ")?;
        let f: Vec<&str> = rest.split_whitespace().collect();
        Some((comm.to_string(), (f[11].parse::<f64>().ok()? + f[12].parse::<f64>().ok()?) / 100.0))
    };
    let of = |pid: &str| std::fs::read_to_string(format!("/proc/{pid}/stat")).ok().and_then(|s| ticks(&s));
    let postgres = std::fs::read_dir("/proc")
        .expect("/proc")
        .flatten()
        .filter_map(|e| of(e.file_name().to_str()?))
        .filter(|(comm, _)| comm == "postgres")
        .map(|(_, s)| s)
        .sum();
    Cpu { hub: of(&hub.to_string()).map_or(0.0, |(_, s)| s), postgres, client: of("self").map_or(0.0, |(_, s)| s) }
}
