//! `--standby DIR`: a standby host (the code `hallctl host standby` runs) pairs with the host in
//! this process, takes its copy into DIR and follows, so that every write of the run waits for
//! it as in a hall with a standby; the report adds the standby's lag as the host measured it.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hall_host::standby::{self, Pairing};
use hall_host::{Pin, RunningHost};

/// Pairs and starts following; returns once the standby is in sync.
pub fn start(rt: &tokio::runtime::Runtime, host: &RunningHost, db: &Path, dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("the standby's folder");
    let code = {
        let mut s = hall_core::Store::open(db).expect("the hall");
        s.new_pairing_code("bench").expect("a pairing code").code
    };
    let sdb = dir.join("hall.db");
    let pairing = Pairing {
        host: format!("https://{}", host.addr),
        pin: Pin::parse(&host.fingerprint).expect("pin"),
        code,
        name: "bench-standby".into(),
        listen: "127.0.0.1:0".parse().expect("address"),
        address: "https://127.0.0.1:1".into(),
    };
    let t = Instant::now();
    let identity = rt.block_on(standby::pair(&sdb, pairing)).unwrap_or_else(|e| panic!("standby: {}", e.message));
    rt.spawn(async move {
        let mut quiet = |_| {};
        if let Err(e) = standby::follow(&sdb, &identity, std::future::pending(), &mut quiet).await {
            eprintln!("standby stopped: {}", e.message);
        }
    });
    let hall = host.hall.clone();
    while !hall.replication.status().in_sync {
        assert!(t.elapsed() < Duration::from_secs(600), "the standby did not catch up");
        std::thread::sleep(Duration::from_millis(100));
    }
    println!("standby in sync after {:.1} s (pairing, copy and first fetch)", t.elapsed().as_secs_f64());
}

/// The standby's line of the report.
pub fn report(hall: &Arc<hall_host::server::Hall>) {
    let s = hall.replication.status();
    let ms = |v: Option<f64>| v.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into());
    println!(
        "standby: {} connected, in sync {}, {} behind; write → applied at the standby p50 {} ms, p99 {} ms (target p99 ≤ 2000 ms)",
        if s.connected { "" } else { "NOT" },
        s.in_sync,
        s.behind,
        ms(s.lag_p50_ms),
        ms(s.lag_p99_ms)
    );
}
