//! Printing benchmark (a bench binary, not a timed test): the daily service sheet for a day of
//! 500 cases and a 受理回执, rendered from a real store with history behind it.
//!
//!   cargo bench -p hall-print --bench print -- [HISTORY_CASES]
//!
//! HISTORY_CASES (default 50,000) are seeded over the year before the measured day, so the
//! day's queries run against a store that is not empty.

use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveTime};
use hall_core::documents::{CasePaper, DocRequest};
use hall_core::Store;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn measure(n: usize, mut f: impl FnMut() -> usize) -> (f64, f64, f64, usize) {
    let mut times = Vec::with_capacity(n);
    let mut size = 0;
    for _ in 0..n {
        let t = Instant::now();
        size = f();
        times.push(t.elapsed());
    }
    times.sort();
    let at = |p: f64| times[((n as f64 * p) as usize).min(n - 1)];
    (ms(at(0.5)), ms(at(0.99)), ms(times[n - 1]), size)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let history: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(dir.path().join("hall.db")).expect("open");
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let t = Instant::now();
    store.set_now(Some(day.pred_opt().unwrap().and_time(NaiveTime::from_hms_opt(18, 0, 0).unwrap())));
    hall_core::demo::seed(&mut store, history, chrono::Duration::days(365), &mut |_| {}).expect("history");
    store.set_now(Some(day.and_time(NaiveTime::from_hms_opt(17, 0, 0).unwrap())));
    hall_core::demo::seed(&mut store, 500, chrono::Duration::hours(8), &mut |_| {}).expect("the day");
    store.set_now(Some(day.and_time(NaiveTime::from_hms_opt(17, 30, 0).unwrap())));
    eprintln!("seeded {history} + 500 cases in {:.1} s", t.elapsed().as_secs_f64());
    let on_day = store.figures(day, day).unwrap().counts.logged;
    assert_eq!(on_day, 500, "the measured day holds 500 cases");

    // The fonts are parsed once per process; the first document pays for it.
    let receipt = DocRequest::Case {
        number: store.list_cases(None, Some(day), 1).unwrap()[0].number.clone(),
        paper: CasePaper::Receipt,
    };
    let t = Instant::now();
    hall_print::render(&store, &receipt).unwrap();
    let first = ms(t.elapsed());

    let daily = DocRequest::Daily { date: day };
    let (d50, d99, dmax, dsize) = measure(20, || hall_print::render(&store, &daily).unwrap().len());
    let (r50, r99, rmax, rsize) = measure(200, || hall_print::render(&store, &receipt).unwrap().len());
    let (f50, _, _, _) = measure(20, || store.daily_sheet(day).unwrap().cases.len());
    let keep = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test-artifacts/print");
    if std::fs::create_dir_all(&keep).is_ok() {
        let _ = std::fs::write(keep.join("bench-daily-500.pdf"), hall_print::render(&store, &daily).unwrap());
    }

    println!("| document | runs | p50 ms | p99 ms | max ms | size KB |");
    println!("|---|---|---|---|---|---|");
    println!("| 每日服务台账, 500 cases (of which figures and list from the store: {f50:.1} ms) | 20 | {d50:.1} | {d99:.1} | {dmax:.1} | {:.1} |", dsize as f64 / 1024.0);
    println!("| 受理回执 | 200 | {r50:.1} | {r99:.1} | {rmax:.1} | {:.1} |", rsize as f64 / 1024.0);
    println!("| first document in a process (font parse + 受理回执) | 1 | {first:.1} | | | |");
}
