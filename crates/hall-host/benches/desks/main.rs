//! Many desks at one hall host on loopback (not part of scripts/test: it runs for minutes).
//!
//!   cargo bench -p hall-host --bench desks -- --db FILE [--clients 10,20] [--seconds 180]
//!       [--speed 10] [--readers 4] [--settle] [--standby DIR] [--host URL --pin SHA256:… [--host-pid PID]]
//!
//! Starts the hall host on FILE in this process (its own runtime and threads), or uses one that
//! runs at URL. Every desk is a `Remote` of its own (its own TLS connections, as another PC)
//! with a clerk's session and an officer's, and listens to the live feed. Each desk does a busy
//! counter's minute — 2 intakes, 20 searches, 10 queue or case reads, 1 lifecycle step —
//! compressed `--speed` times, the requests at random moments of each (compressed) minute and
//! one after the other, as one clerk works. It prints latencies as the desk sees them, the
//! time from a write's answer to its notice at every other desk's feed, and the CPU each part
//! of the process spent. Search texts come from FILE (read-only). With `--standby DIR` a
//! standby host follows the host in this process (see standby.rs). Results: docs/benchmarks.md.

mod desk;
mod measure;
mod mix;
mod settle;
mod standby;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use desk::{Done, Plan};
use measure::{cpu_by_thread, cpu_of, cpu_spent, feed_delays, percentiles};
use mix::{Kind, Samples, MINUTE};

struct Args {
    db: PathBuf,
    clients: Vec<usize>,
    seconds: f64,
    speed: f64,
    readers: usize,
    host: Option<(String, String)>,
    host_pid: Option<u32>,
    settle: bool,
    standby: Option<PathBuf>,
}

fn usage() -> ! {
    eprintln!(
        "usage: desks --db FILE [--clients 10,20] [--seconds 180] [--speed 10] [--readers 4] [--settle] [--standby DIR] [--host URL --pin PIN [--host-pid PID]]"
    );
    std::process::exit(2)
}

impl Args {
    fn parse() -> Args {
        let mut a = Args {
            db: PathBuf::new(),
            clients: vec![10, 20],
            seconds: 180.0,
            speed: 10.0,
            readers: 4,
            host: None,
            host_pid: None,
            settle: false,
            standby: None,
        };
        let (mut url, mut pin) = (None, None);
        let mut it = std::env::args().skip(1);
        while let Some(flag) = it.next() {
            let mut value = || it.next().unwrap_or_else(|| usage());
            match flag.as_str() {
                "--db" => a.db = PathBuf::from(value()),
                "--clients" => {
                    a.clients = value().split(',').map(|n| n.trim().parse().unwrap_or_else(|_| usage())).collect()
                }
                "--seconds" => a.seconds = value().parse().unwrap_or_else(|_| usage()),
                "--speed" => a.speed = value().parse().unwrap_or_else(|_| usage()),
                "--readers" => a.readers = value().parse().unwrap_or_else(|_| usage()),
                "--host" => url = Some(value()),
                "--pin" => pin = Some(value()),
                "--host-pid" => a.host_pid = Some(value().parse().unwrap_or_else(|_| usage())),
                "--settle" => a.settle = true,
                "--standby" => a.standby = Some(PathBuf::from(value())),
                "--bench" => {} // cargo bench adds it
                _ => usage(),
            }
        }
        if a.db.as_os_str().is_empty() || a.clients.is_empty() || a.speed <= 0.0 {
            usage();
        }
        a.host = match (url, pin) {
            (Some(u), Some(p)) => Some((u, p)),
            (None, None) => None,
            _ => usage(),
        };
        a
    }
}

fn runtime(name: &str) -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(name)
        .enable_all()
        .build()
        .expect("a runtime")
}

fn main() {
    let args = Args::parse();
    let samples = Arc::new(Samples::read(&args.db));
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let size = std::fs::metadata(&args.db).map(|m| m.len()).unwrap_or(0);
    println!(
        "database {}: {} cases, {:.0} MB; {cores} cores; {} build",
        args.db.display(),
        samples.cases,
        size as f64 / 1e6,
        if cfg!(debug_assertions) { "debug" } else { "release" }
    );
    let host_rt = runtime("host-rt");
    let desk_rt = runtime("desk-rt");
    let (url, pin, running) = match &args.host {
        Some((url, pin)) => (url.clone(), pin.clone(), None),
        None => {
            let mut config = hall_host::HostConfig::new(args.db.clone(), "127.0.0.1:0".parse().expect("address"));
            config.readers = args.readers;
            config.upkeep = false;
            let host = host_rt.block_on(hall_host::start(config)).unwrap_or_else(|e| panic!("host: {}", e.message));
            println!("host in this process at https://{}, {} readers", host.addr, args.readers);
            if let Some(dir) = &args.standby {
                standby::start(&host_rt, &host, &args.db, dir);
            }
            (format!("https://{}", host.addr), host.fingerprint.clone(), Some(host))
        }
    };
    let hall = desk_rt.block_on(desk::Hall::prepare(&url, &pin, samples.clone()));
    desk_rt.block_on(async {
        if args.settle {
            settle::backlog(hall.officers().await).await;
        }
        let sizes = settle::queue_sizes(&hall.officers().await).await;
        println!(
            "open cases in the {} offices' queues: {} in all, largest {}",
            sizes.len(),
            sizes.iter().sum::<usize>(),
            sizes.iter().max().unwrap_or(&0)
        );
    });
    for &n in args.clients.iter().filter(|n| **n > 0) {
        let done = desk_rt.block_on(run(&hall, n, &args));
        report(&done, n, &args);
        if let (Some(host), Some(_)) = (&running, &args.standby) {
            standby::report(&host.hall);
        }
    }
    if let Some(host) = running {
        host_rt.block_on(host.stop());
    }
}

/// Each desk's requests for the run: every compressed minute's mix at random moments in it.
fn plans(n: usize, args: &Args, seed: u64) -> Vec<Plan> {
    use rand::{Rng, SeedableRng};
    let window = 60.0 / args.speed;
    let minutes = (args.seconds / window).ceil() as usize;
    (0..n)
        .map(|i| {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed + i as u64);
            let mut at: Vec<(Duration, Kind)> = Vec::new();
            for m in 0..minutes {
                for (kind, count) in MINUTE {
                    for _ in 0..count {
                        let t = (m as f64 + rng.gen::<f64>()) * window;
                        if t < args.seconds {
                            at.push((Duration::from_secs_f64(t), kind));
                        }
                    }
                }
            }
            at.sort();
            Plan { at, rng }
        })
        .collect()
}

struct Run {
    desks: Vec<Done>,
    delays: measure::FeedDelays,
    elapsed: Duration,
    cpu: BTreeMap<String, f64>,
    host_cpu: Option<f64>,
}

async fn run(hall: &desk::Hall, n: usize, args: &Args) -> Run {
    let seed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let desks = hall.open_desks(n).await;
    let feeds: Vec<_> = desks.iter().map(|d| d.listen()).collect();
    let mut feeds = futures_util::future::join_all(feeds).await;
    let cpu_before = cpu_by_thread();
    let host_before = args.host_pid.and_then(cpu_of);
    let start = Instant::now() + Duration::from_millis(200);
    let tasks: Vec<_> = desks
        .into_iter()
        .zip(plans(n, args, seed))
        .enumerate()
        .map(|(i, (d, plan))| tokio::spawn(d.work(i, plan, start, format!("{seed}-{n}"))))
        .collect();
    let mut done = Vec::new();
    for t in tasks {
        done.push(t.await.expect("a desk"));
    }
    let elapsed = start.elapsed();
    let (cpu_after, host_after) = (cpu_by_thread(), args.host_pid.and_then(cpu_of));
    // Notices still on their way.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let heard: Vec<_> = feeds.iter_mut().map(|f| f.stop()).collect();
    let written: Vec<_> = done.iter_mut().flat_map(|d| std::mem::take(&mut d.written)).collect();
    let delays = feed_delays(&written, &heard);
    let cpu = cpu_spent(&cpu_before, &cpu_after);
    let host_cpu = host_before.zip(host_after).map(|(b, a)| a - b);
    Run { desks: done, delays, elapsed, cpu, host_cpu }
}

fn row(name: &str, v: &mut [f64], errors: usize, bytes: Option<f64>, target: &str) {
    let bytes = bytes.map(|b| format!("{:.1}", b / 1024.0)).unwrap_or_default();
    match percentiles(v) {
        Some((p50, p99, max)) => {
            println!("| {name} | {} | {errors} | {p50:.1} | {p99:.1} | {max:.1} | {bytes} | {target} |", v.len())
        }
        None => println!("| {name} | 0 | {errors} | | | | | {target} |"),
    }
}

fn report(run: &Run, n: usize, args: &Args) {
    let per_minute: usize = MINUTE.iter().map(|(_, c)| c).sum();
    let secs = run.elapsed.as_secs_f64();
    let calls: Vec<&desk::Call> = run.desks.iter().flat_map(|d| d.calls.iter()).collect();
    let behind = run.desks.iter().map(|d| d.behind).max().unwrap_or_default();
    println!();
    println!(
        "## {n} desks, {:.0} s, speed {}× (each desk: {per_minute} requests per {:.1} s = {:.1}/s; all: {:.0}/s planned)",
        args.seconds,
        args.speed,
        60.0 / args.speed,
        per_minute as f64 * args.speed / 60.0,
        n as f64 * per_minute as f64 * args.speed / 60.0
    );
    println!(
        "done: {} requests in {secs:.1} s = {:.1}/s; a desk was at most {:.0} ms behind its schedule",
        calls.len(),
        calls.len() as f64 / secs,
        behind.as_secs_f64() * 1000.0
    );
    println!();
    println!("| request | count | errors | p50 ms | p99 ms | max ms | reply KB (mean) | target at 20 desks |");
    println!("|---|---|---|---|---|---|---|---|");
    let of = |f: &dyn Fn(&desk::Call) -> bool| -> (Vec<f64>, usize, Option<f64>) {
        let picked: Vec<&&desk::Call> = calls.iter().filter(|c| f(c)).collect();
        let ok: Vec<&&desk::Call> = picked.iter().copied().filter(|c| c.ok).collect();
        let bytes = (!ok.is_empty()).then(|| ok.iter().map(|c| c.bytes as f64).sum::<f64>() / ok.len() as f64);
        (picked.iter().map(|c| c.ms).collect(), picked.len() - ok.len(), bytes)
    };
    for (kind, name, target) in [
        (Kind::Intake, "intake", "p99 ≤ 100 ms"),
        (Kind::Search, "search", "p99 ≤ 50 ms"),
        (Kind::Read, "queue or case read", "p99 ≤ 50 ms"),
        (Kind::Step, "lifecycle step (claim / approve)", ""),
    ] {
        let (mut v, e, b) = of(&|c| c.kind == kind);
        row(&format!("**{name}**"), &mut v, e, b, target);
        let mut subs: Vec<&str> = calls.iter().filter(|c| c.kind == kind).map(|c| c.what).collect();
        subs.sort();
        subs.dedup();
        if subs.len() > 1 {
            for s in subs {
                let (mut v, e, b) = of(&|c| c.kind == kind && c.what == s);
                row(&format!("  {s}"), &mut v, e, b, "");
            }
        }
    }
    let mut d = run.delays.per_delivery.clone();
    row("write → notice at each other desk", &mut d, run.delays.missing, None, "p99 ≤ 1 s");
    let mut d = run.delays.last_desk.clone();
    row("write → notice at the last other desk", &mut d, 0, None, "");
    println!();
    println!(
        "feed: {} notices missing (counted as errors above), {} `changed` (a desk fell behind)",
        run.delays.missing, run.delays.changed
    );
    let mut errors: BTreeMap<&str, usize> = BTreeMap::new();
    for c in calls.iter().filter(|c| !c.ok) {
        *errors.entry(c.error.as_str()).or_insert(0) += 1;
    }
    for (e, count) in errors {
        println!("error ×{count}: {e}");
    }
    let total: f64 = run.cpu.values().sum();
    let parts: Vec<String> = run
        .cpu
        .iter()
        .filter(|(_, v)| **v >= 0.05)
        .map(|(k, v)| format!("{k} {v:.1} s ({:.0} %)", v / secs * 100.0))
        .collect();
    println!(
        "CPU of this process over {secs:.0} s: {total:.1} s = {:.0} % of one core; {}",
        total / secs * 100.0,
        parts.join(", ")
    );
    if let Some(h) = run.host_cpu {
        println!("CPU of the host process: {h:.1} s = {:.0} % of one core", h / secs * 100.0);
    }
}
