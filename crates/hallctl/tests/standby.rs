//! The standby host on real parts: `hallctl host serve` and `hallctl host standby` as two
//! processes on loopback with their own SQLite files, desks writing at the host, the host killed
//! with SIGKILL, `hallctl host promote`, and the desks carrying on at the promoted standby.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use hall_core::api::{Reply, Request};
use hall_host::{Pin, Remote};

mod common;
use common::host::{cases_in, id_number, intake_of, number_of, promised, signed_in, take_in_until_killed, Host};
use common::*;

/// `hallctl host standby` as a process, its output lines read as they come.
struct Standby {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Standby {
    fn start(db: &Path, args: &[&str]) -> Standby {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hallctl"))
            .arg("--db")
            .arg(db)
            .args(["host", "standby"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let (tx, lines) = mpsc::channel();
        let out = BufReader::new(child.stdout.take().unwrap());
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        Standby { child, lines, seen: Vec::new() }
    }

    /// The first line starting with `prefix` (waiting up to a minute).
    fn line(&mut self, prefix: &str) -> String {
        if let Some(l) = self.seen.iter().find(|l| l.starts_with(prefix)) {
            return l.clone();
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while let Ok(l) = self.lines.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            self.seen.push(l.clone());
            if l.starts_with(prefix) {
                return l;
            }
        }
        let ended = self.child.try_wait().ok().flatten();
        panic!("no line “{prefix}…” from the standby (exited: {ended:?}); it said: {:?}", self.seen)
    }
}

impl Drop for Standby {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn hello_standby(remote: &Remote) -> serde_json::Value {
    remote.hello(Duration::from_secs(3)).await.unwrap()["standby"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_standby_takes_over_from_a_killed_host_with_every_intake_a_desk_saw_confirmed() {
    let (_dir, db) = demo();
    let before = cases_in(&db).len();
    let mut host = Host::start(&db);
    let remote = host.remote();
    let admin = signed_in(&remote, "admin").await;
    let code = match remote.call(&admin, None, &Request::HostPairCode).await.unwrap() {
        Reply::PairingCode(c) => c.code,
        other => panic!("{other:?}"),
    };
    let spare = tempfile::tempdir().unwrap();
    let sdb = spare.path().join("hall.db");
    let port = free_port();
    let (listen, address) = (format!("127.0.0.1:{port}"), format!("https://127.0.0.1:{port}"));
    let wrong = hallctl(&sdb, &["host", "standby", "--from", &host.url, "--listen", &listen]);
    assert!(!wrong.status.success() && err(&wrong).contains("--code"), "{}", err(&wrong));
    let mut standby = Standby::start(
        &sdb,
        &["--from", &host.url, "--pin", &host.pin, "--code", &code, "--listen", &listen, "--address", &address],
    );
    let fingerprint = standby.line("备用主机指纹 ").trim_start_matches("备用主机指纹 ").to_string();
    assert!(standby.line("已从主机复制大厅数据").contains(&format!("{before} 件办件")));
    // Desks learn the standby from the host; the host waits for it once it has caught up.
    let deadline = Instant::now() + Duration::from_secs(20);
    let facts = loop {
        let s = hello_standby(&remote).await;
        if s["link"]["in_sync"] == true || Instant::now() > deadline {
            break s;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(facts["link"]["in_sync"], true, "{facts}");
    assert_eq!(
        (facts["address"].as_str(), facts["fingerprint"].as_str()),
        (Some(address.as_str()), Some(fingerprint.as_str()))
    );
    let at_standby = Remote::new(&address, Some(Pin::parse(&fingerprint).unwrap()), None).unwrap();
    assert_eq!(at_standby.hello(Duration::from_secs(3)).await.unwrap()["role"], "standby");
    let refused = at_standby.open_session().await.unwrap_err();
    assert!(refused.message.contains("尚未接替"), "{}", refused.message);
    let early = hallctl(&sdb, &["host", "promote"]);
    assert!(!early.status.success() && err(&early).contains("仍在运行"), "{}", err(&early));

    // Eight desks take in cases, each with its own request ids, until the host dies under them.
    let (sent, confirmed) = take_in_until_killed(&mut host, 8, "standby-desk", Duration::from_millis(2000)).await;
    assert!(confirmed.len() >= 16, "the desks worked before the kill: {}", confirmed.len());
    standby.line("主机无法连接");

    let promoted = hallctl(&sdb, &["host", "promote"]);
    assert!(promoted.status.success(), "{}", err(&promoted));
    assert!(out(&promoted).contains("已接替") && out(&promoted).contains(&fingerprint), "{}", out(&promoted));
    assert_eq!(standby.line("主机指纹 "), format!("主机指纹 {fingerprint}"), "the desks' pin stays good");
    standby.line("大厅主机正在监听");

    // The desks follow it with the fingerprint they learnt, and send again what was not
    // confirmed, with the same ids.
    let session = signed_in(&at_standby, "clerk1").await;
    let mut answered = BTreeMap::new();
    for (id, req) in &sent {
        answered.insert(id.clone(), number_of(at_standby.call(&session, Some(id), req).await.unwrap()));
    }
    for (id, number) in &confirmed {
        assert_eq!(&answered[id], number, "{id}, confirmed by the dead host, is the same case at the standby");
    }
    let item = promised(&at_standby, &session).await;
    let more = number_of(at_standby.call(&session, Some("after-promotion-1"), &intake_of(&item, 9999)).await.unwrap());
    let after = cases_in(&sdb);
    assert_eq!(after.len(), before + sent.len() + 1, "one case per request id: none lost, none twice");
    assert!(after.values().all(|n| *n == 1) && after.contains_key(&more));
    let store = hall_core::Store::open_reader(&sdb).unwrap();
    assert!(store.audit_verify().unwrap().intact, "the promoted hall's audit chain verifies");
    // The hall has no standby any more: its pairing ended with the promotion.
    assert!(store.standby_host().unwrap().is_none());
    let found = store.search_cases(&id_number(3), 5).unwrap();
    assert!(found.iter().any(|c| after.contains_key(&c.number)), "its search index has the cases it was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_standby_stops_and_a_stopped_one_is_promoted_on_its_file() {
    let (_dir, db) = demo();
    let mut host = Host::start(&db);
    let remote = host.remote();
    let admin = signed_in(&remote, "admin").await;
    let code = |remote: Remote, admin: String| async move {
        match remote.call(&admin, None, &Request::HostPairCode).await.unwrap() {
            Reply::PairingCode(c) => c.code,
            other => panic!("{other:?}"),
        }
    };
    let spare = tempfile::tempdir().unwrap();
    let sdb = spare.path().join("hall.db");
    let listen = format!("127.0.0.1:{}", free_port());
    let first = code(remote.clone(), admin.clone()).await;
    let args = ["--from", &host.url, "--pin", &host.pin, "--code", &first, "--listen", &listen];
    let mut standby = Standby::start(&sdb, &args);
    let fingerprint = standby.line("备用主机指纹 ").trim_start_matches("备用主机指纹 ").to_string();
    standby.line("已从主机复制大厅数据");
    // One standby per hall.
    let second = code(remote.clone(), admin.clone()).await;
    let other = tempfile::tempdir().unwrap();
    let o = hallctl(
        &other.path().join("hall.db"),
        &["host", "standby", "--from", &host.url, "--pin", &host.pin, "--code", &second, "--listen", &listen],
    );
    assert!(!o.status.success() && err(&o).contains("已有备用主机"), "{}", err(&o));
    // Revoked at the host: the standby stops, saying why.
    remote.call(&admin, None, &Request::HostRevoke { device: "备用主机".into() }).await.unwrap();
    let status = standby.child.wait().unwrap();
    assert!(!status.success(), "a revoked standby stops");
    // A standby not running is promoted on its file; `host serve` then shows its certificate.
    host.sigkill();
    let o = hallctl(&sdb, &["host", "promote"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("hallctl host serve"), "{}", out(&o));
    let o = hallctl(&sdb, &["host", "standby"]);
    assert!(!o.status.success() && err(&o).contains("已于"), "{}", err(&o));
    let promoted = Host::start(&sdb);
    assert_eq!(promoted.pin, fingerprint);
    let store = hall_core::Store::open_reader(&sdb).unwrap();
    assert_eq!(cases_in(&sdb).len(), cases_in(&db).len(), "the copy holds the hall's cases");
    assert!(store.audit_verify().unwrap().intact);
}
