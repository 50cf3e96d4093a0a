//! A real hall host process (`hallctl host serve`) on loopback, and desks that talk to it with
//! the hall-host client, as the app in desk mode does.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use hall_core::api::{Reply, Request};
use hall_core::catalog::{CaseKind, CatalogItem};
use hall_core::intake::IntakeRequest;
use hall_host::{Pin, Remote};

pub struct Host {
    pub child: Child,
    pub url: String,
    pub pin: String,
}

impl Host {
    /// Starts `hallctl host serve` on `db` at a free loopback port, returning once it printed
    /// its fingerprint and address.
    pub fn start(db: &Path) -> Host {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hallctl"))
            .arg("--db")
            .arg(db)
            .args(["host", "serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let pin =
            first.strip_prefix("主机指纹 ").unwrap_or_else(|| panic!("fingerprint line first: {first}")).to_string();
        assert!(pin.starts_with("SHA256:") && pin.len() == 7 + 64, "{pin}");
        let second = lines.next().unwrap().unwrap();
        let addr = second.split("https://").nth(1).unwrap().split('（').next().unwrap().to_string();
        // Keep reading so the host never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Host { child, url: format!("https://{addr}"), pin }
    }

    pub fn sigterm(&mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        self.child.wait().unwrap()
    }

    pub fn sigkill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn remote(&self) -> Remote {
        Remote::new(&self.url, Some(Pin::parse(&self.pin).unwrap()), None).unwrap()
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A signed-in session at the host.
pub async fn signed_in(remote: &Remote, user: &str) -> String {
    let session = remote.open_session().await.unwrap();
    let login = Request::Login { username: user.into(), password: super::password(user).into() };
    match remote.call(&session, None, &login).await.unwrap() {
        Reply::Session(Some(_)) => session,
        other => panic!("{other:?}"),
    }
}

/// A valid resident ID number for `n` (GB 11643 check digit), born 1990-03-07.
pub fn id_number(n: u32) -> String {
    let body = format!("230102199003{:02}{:03}", 7 + (n / 1000) % 20, n % 1000);
    let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.chars().zip(weights).map(|(c, w)| c.to_digit(10).unwrap() * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

/// A 承诺件 of the hall's catalog, asked at the host.
pub async fn promised(remote: &Remote, session: &str) -> CatalogItem {
    let items = match remote.call(session, None, &Request::CatalogList { query: None, category: None }).await.unwrap() {
        Reply::CatalogItems(items) => items,
        other => panic!("{other:?}"),
    };
    items.into_iter().find(|i| i.item.kind == CaseKind::Promised).unwrap().item
}

/// An intake of `item` with every material, for applicant `n`.
pub fn intake_of(item: &CatalogItem, n: u32) -> Request {
    let names: Vec<&str> = item.materials.iter().map(|m| m.name.as_str()).collect();
    let request: IntakeRequest = serde_json::from_value(serde_json::json!({"item_code": item.code,
        "materials": names, "applicant": {"id_number": id_number(n), "name": "张三", "phone": "13800138000"}}))
    .unwrap();
    Request::Intake { request: Box::new(request) }
}

pub fn number_of(reply: Reply) -> String {
    match reply {
        Reply::Case(c) => c.summary.number,
        other => panic!("{other:?}"),
    }
}

/// Every case in the database, read from the file itself, by number.
pub fn cases_in(db: &Path) -> BTreeMap<String, usize> {
    let store = hall_core::Store::open(db).unwrap();
    let mut seen = BTreeMap::new();
    for c in store.list_cases(None, None, 100_000).unwrap() {
        *seen.entry(c.number).or_insert(0) += 1;
    }
    seen
}

/// What desks sent (request id, request) and what they saw confirmed (request id, number).
pub type Sent = (Vec<(String, Request)>, Vec<(String, String)>);

/// `desks` desks (clerk1 and clerk2 by turns) take in cases one after the other, each with its
/// own request ids (`PREFIX-desk-n`), until the host — killed with SIGKILL after `wait` —
/// stops answering; what each sent and what it saw confirmed.
pub async fn take_in_until_killed(host: &mut Host, desks: u32, prefix: &str, wait: std::time::Duration) -> Sent {
    let mut running = Vec::new();
    for d in 0..desks {
        let (remote, prefix) = (host.remote(), prefix.to_string());
        running.push(tokio::spawn(async move {
            let session = signed_in(&remote, if d % 2 == 0 { "clerk1" } else { "clerk2" }).await;
            let item = promised(&remote, &session).await;
            let (mut sent, mut confirmed) = (Vec::new(), Vec::new());
            for i in 0..1000 {
                let (id, req) = (format!("{prefix}-{d}-{i}"), intake_of(&item, d * 1000 + i));
                sent.push((id.clone(), req.clone()));
                match remote.call(&session, Some(&id), &req).await {
                    Ok(reply) => confirmed.push((id, number_of(reply))),
                    Err(_) => break,
                }
            }
            (sent, confirmed)
        }));
    }
    tokio::time::sleep(wait).await;
    host.sigkill();
    let (mut sent, mut confirmed) = (Vec::new(), Vec::new());
    for d in running {
        let (s, c) = d.await.unwrap();
        sent.extend(s);
        confirmed.extend(c);
    }
    (sent, confirmed)
}
