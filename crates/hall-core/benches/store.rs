//! Store benchmark (a bench binary, not a timed test): search latency on a large seeded hall
//! and durable intake against a bare fsync'd insert measured in the same run.
//!
//!   cargo bench -p hall-core --bench store -- [CASES] [DB_PATH]
//!
//! CASES defaults to 1,000,000. DB_PATH defaults to target/bench-hall-CASES.db and is reused
//! when it already holds that many cases (seeding a million takes a few minutes).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use hall_core::intake::{IntakeOutcome, IntakeRequest, Party, PartyKind};
use hall_core::store::SEARCH_LIMIT;
use hall_core::Store;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

fn percentiles(mut v: Vec<Duration>) -> (f64, f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |p: f64| v[((v.len() as f64 * p) as usize).min(v.len() - 1)];
    (ms(at(0.5)), ms(at(0.99)), ms(*v.last().unwrap()))
}

fn time<F: FnMut(usize)>(n: usize, mut f: F) -> Vec<Duration> {
    (0..n)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed()
        })
        .collect()
}

fn report(name: &str, v: Vec<Duration>) -> (f64, f64) {
    let n = v.len();
    let (p50, p99, max) = percentiles(v);
    println!("| {name} | {n} | {p50:.3} | {p99:.3} | {max:.3} |");
    (p50, p99)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let cases: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let db: PathBuf = args.get(1).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../target/bench-hall-{cases}.db"))
    });
    let mut store = Store::open(&db).expect("open");
    let have = store.case_count().unwrap() as usize;
    if have < cases {
        let t = Instant::now();
        hall_core::demo::seed(&mut store, cases - have, chrono::Duration::days(3 * 365), &mut |done| {
            if done % 100_000 == 0 {
                eprintln!("seeded {done} in {:.0?}", t.elapsed());
            }
        })
        .expect("seed");
        println!("seeded {} cases in {:.1} s", cases - have, t.elapsed().as_secs_f64());
    }
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0);
    println!("database: {} cases, {:.0} MB ({})", store.case_count().unwrap(), size as f64 / 1e6, db.display());

    // Samples: real numbers, ID numbers, phones and names from the store.
    let sample = store.list_cases(None, None, 1).unwrap();
    assert!(!sample.is_empty());
    let mut rng = StdRng::seed_from_u64(7);
    let raw = hall_core::store::open_keyed(&db, &db, true).unwrap();
    let pick = |sql: &str| -> Vec<String> {
        raw.prepare(sql).unwrap().query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
    };
    let numbers = pick("SELECT number FROM cases WHERE id % 997 = 0 LIMIT 2000");
    let ids = pick("SELECT id_number FROM applicants WHERE id % 499 = 0 LIMIT 2000");
    let phones = pick("SELECT phone FROM applicants WHERE id % 499 = 1 LIMIT 2000");
    let names = pick("SELECT applicant_name FROM cases WHERE id % 991 = 0 LIMIT 2000");
    let items = pick("SELECT DISTINCT name FROM catalog_items");
    let n = 2000;
    println!();
    println!("| query | runs | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|");
    let warm = |q: &str| store.search_cases(q, SEARCH_LIMIT).unwrap();
    for q in numbers.iter().take(50) {
        warm(q);
    }
    report("case number (exact)", time(n, |i| assert!(!warm(&numbers[i % numbers.len()]).is_empty())));
    report(
        "case number (prefix: township+date)",
        time(n, |i| {
            warm(&numbers[i % numbers.len()][..18]);
        }),
    );
    report("ID number (exact)", time(n, |i| assert!(!warm(&ids[i % ids.len()]).is_empty())));
    report(
        "ID number (prefix, 10 digits)",
        time(n, |i| {
            warm(&ids[i % ids.len()][..10]);
        }),
    );
    report("phone (exact)", time(n, |i| assert!(!warm(&phones[i % phones.len()]).is_empty())));
    report(
        "phone (prefix, 7 digits)",
        time(n, |i| {
            warm(&phones[i % phones.len()][..7]);
        }),
    );
    let full_names: Vec<&String> = names.iter().filter(|s| s.chars().count() >= 3).collect();
    report(
        "name, 3 chars (FTS trigram)",
        time(n, |i| {
            warm(full_names[i % full_names.len()]);
        }),
    );
    report(
        "name, 2 chars (gram index)",
        time(n, |i| {
            let s: String = names[i % names.len()].chars().take(2).collect();
            warm(&s);
        }),
    );
    report(
        "surname, 1 char (gram index)",
        time(n, |i| {
            let s: String = names[i % names.len()].chars().take(1).collect();
            warm(&s);
        }),
    );
    report(
        "item name, 4 chars (FTS trigram)",
        time(n, |i| {
            let s: String = items[i % items.len()].chars().take(4).collect();
            warm(&s);
        }),
    );
    report(
        "item name, 2 chars (catalog + index)",
        time(n, |i| {
            let s: String = items[i % items.len()].chars().skip(1).take(2).collect();
            warm(&s);
        }),
    );

    // Durable intake vs a bare single-row insert, both WAL + synchronous=FULL on this disk.
    let clerk = store.user("clerk1").unwrap();
    let catalog = store.catalog_items(None, None).unwrap();
    let bare_path = db.with_file_name("bench-bare.db");
    let _ = std::fs::remove_file(&bare_path);
    let bare = rusqlite::Connection::open(&bare_path).unwrap();
    bare.execute_batch(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE t(id INTEGER PRIMARY KEY, number TEXT, body TEXT);",
    )
    .unwrap();
    let runs = 500;
    let mut intake = Vec::with_capacity(runs);
    let mut plain = Vec::with_capacity(runs);
    for i in 0..runs {
        let item = catalog.choose(&mut rng).unwrap();
        let req = IntakeRequest {
            item_code: item.item.code.clone(),
            applicant: Party {
                kind: PartyKind::Person,
                id_number: "230102199003078519".into(),
                name: "基准测试".into(),
                phone: format!("139{:08}", rng.gen_range(0..100_000_000u32)),
                address: "惠头村1组1号".into(),
            },
            agent: None,
            materials: item.item.materials.iter().map(|m| m.name.clone()).collect(),
            clerk: clerk.username.clone(),
            outcome: if item.item.kind == hall_core::catalog::CaseKind::Instant {
                IntakeOutcome::Instant
            } else {
                IntakeOutcome::Accept
            },
            note: String::new(),
            commitment_due: None,
        };
        // Interleaved, so both see the same disk conditions.
        let t = Instant::now();
        bare.execute("INSERT INTO t(number, body) VALUES (?1, ?2)", rusqlite::params![i.to_string(), "x".repeat(200)])
            .unwrap();
        plain.push(t.elapsed());
        let t = Instant::now();
        store.intake(&req, &clerk).unwrap();
        intake.push(t.elapsed());
    }
    println!();
    println!("| write | runs | p50 ms | p99 ms | max ms |");
    println!("|---|---|---|---|---|");
    let (_, bare99) = report("bare single-row insert (WAL, synchronous=FULL)", plain);
    let (_, intake99) = report("durable intake (validate, number, case, materials, events, FTS)", intake);
    println!();
    println!("intake p99 / bare insert p99 = {:.2}", intake99 / bare99);
    drop(bare);
    let _ = std::fs::remove_file(&bare_path);
}
