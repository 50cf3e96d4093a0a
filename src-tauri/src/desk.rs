//! A desk: this PC keeps no database, every request goes to the hall host it paired with
//! (pinned to the host's certificate, with its own device credential). [`watch`] keeps the
//! link: the host's live feed told to the window as `hall-changed`, a heartbeat so that a host
//! gone away shows within 3 s as `host-status`, a reconnection every 2 s until it is back, a
//! new session when the host restarted, and the first-start choice again when this desk was
//! revoked.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use hall_core::api::{writes, Request};
use hall_core::documents::DocRequest;
use hall_core::hall_network::{DeskFacts, HallChange, HostProblem, HostStatus};
use hall_core::{ErrorCode, HallError};
use hall_host::wire::DocumentAsk;
use hall_host::{Pin, Remote};
use tokio::sync::Notify;

use crate::hall::{Mode, Shell};
use crate::network::{KnownStandby, NetworkConfig};

/// How often an idle link is checked, and how long the host may take to answer the check.
const HEARTBEAT: Duration = Duration::from_secs(1);
const HEARTBEAT_WAIT: Duration = Duration::from_millis(1800);
/// How often a lost host is tried again.
const RETRY: Duration = Duration::from_secs(2);

pub struct Desk {
    pub remote: Remote,
    pub name: String,
    pub url: String,
    pub pin: Pin,
    pub credential: String,
    /// The hall's standby host, as the host last told (kept in network.json).
    standby: Mutex<Option<KnownStandby>>,
    /// The session at the host ('' until one is opened).
    token: Mutex<String>,
    stopped: AtomicBool,
    /// A call failed to reach the host: check the link now rather than at the next beat.
    poke: Notify,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Desk {
    pub fn new(
        url: &str,
        pin: &str,
        credential: &str,
        name: &str,
        standby: Option<KnownStandby>,
    ) -> Result<Desk, HallError> {
        let pin = Pin::parse(pin)?;
        let remote = Remote::new(url, Some(pin.clone()), Some(credential.to_string()))?;
        Ok(Desk {
            url: remote.base().to_string(),
            remote,
            name: name.to_string(),
            pin,
            credential: credential.to_string(),
            standby: Mutex::new(standby),
            token: Mutex::new(String::new()),
            stopped: AtomicBool::new(false),
            poke: Notify::new(),
        })
    }

    pub fn facts(&self) -> DeskFacts {
        DeskFacts {
            name: self.name.clone(),
            url: self.url.clone(),
            fingerprint: self.pin.to_string(),
            standby: self.known_standby().map(|s| format!("{}（{}）", s.name, s.url)),
        }
    }

    pub fn known_standby(&self) -> Option<KnownStandby> {
        lock(&self.standby).clone()
    }

    /// What the host's hello says of its standby, kept (and saved) when it changed.
    fn learn(&self, hello: &serde_json::Value, network: &std::path::Path) {
        let s = &hello["standby"];
        let (Some(name), Some(url), Some(pin)) = (s["name"].as_str(), s["address"].as_str(), s["fingerprint"].as_str())
        else {
            return;
        };
        let known = KnownStandby { name: name.into(), url: url.into(), pin: pin.into() };
        if lock(&self.standby).as_ref() == Some(&known) {
            return;
        }
        log::info!("the hall's standby host is {} at {} ({})", known.name, known.url, known.pin);
        *lock(&self.standby) = Some(known.clone());
        let config = NetworkConfig::Desk {
            url: self.url.clone(),
            pin: self.pin.to_string(),
            credential: self.credential.clone(),
            name: self.name.clone(),
            standby: Some(known),
        };
        if let Err(e) = crate::network::write(network, &config) {
            log::error!("{}", e.message);
        }
    }

    pub fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
        self.poke.notify_one();
    }

    pub fn stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    /// The session at the host, opened when there is none yet.
    async fn session(&self) -> Result<String, HallError> {
        let token = lock(&self.token).clone();
        if !token.is_empty() {
            return Ok(token);
        }
        let fresh = self.remote.open_session().await?;
        *lock(&self.token) = fresh.clone();
        Ok(fresh)
    }

    fn noticed(&self, e: &HallError) {
        if e.code == ErrorCode::Unreachable {
            self.poke.notify_one();
        }
    }

    /// One request at the host, its reply as the host sent it. A write carries the window's
    /// request id (a new one if it gave none) and is retried for a while with it.
    pub async fn call(&self, request: &Request, request_id: Option<String>) -> Result<serde_json::Value, HallError> {
        let token = self.session().await.inspect_err(|e| self.noticed(e))?;
        let json = serde_json::to_value(request).map_err(|e| HallError::new(ErrorCode::Internal, e.to_string()))?;
        let r = if writes(request) {
            let id = request_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
            self.remote.call_json_retrying(&token, &id, &json).await
        } else {
            self.remote.call_json(&token, None, &json).await
        };
        if let Err(e) = &r {
            self.noticed(e);
            let kind: &'static str = request.into();
            log::warn!("{kind} refused: {:?} {}", e.code, hall_core::privacy::scrub(&e.message));
        }
        r
    }

    /// A document made at the host; `record` says what this desk does with it (打印, 另存为 …).
    pub async fn pdf(&self, request: &DocRequest, record: Option<String>) -> Result<Vec<u8>, HallError> {
        let token = self.session().await.inspect_err(|e| self.noticed(e))?;
        let ask = DocumentAsk { request: request.clone(), record };
        self.remote.document(&token, &ask).await.inspect_err(|e| self.noticed(e))
    }

    /// The certificate shown was not the pinned one.
    fn impostor(&self) -> bool {
        self.remote.seen_fingerprint().is_some_and(|seen| seen != self.pin.as_str())
    }
}

/// What a failure of the link means.
enum Lost {
    /// Unreachable, or an impostor: say so, try again in a while.
    Away(HostStatus),
    /// The host forgot the session (it restarted): open a new one, sign in again.
    Session,
    /// This desk was revoked (or its pairing is unknown to the host).
    Revoked(String),
}

fn lost(desk: &Desk, e: HallError) -> Lost {
    match e.code {
        ErrorCode::Auth => Lost::Session,
        ErrorCode::Forbidden if desk.impostor() => Lost::Away(HostStatus::impostor(&e.message)),
        ErrorCode::Forbidden => Lost::Revoked(e.message),
        _ => Lost::Away(HostStatus::unreachable(&e.message)),
    }
}

/// Waits `d`, or less when a call noticed the host gone or the desk was stopped.
async fn pause(desk: &Desk, d: Duration) {
    tokio::select! {
        _ = tokio::time::sleep(d) => {}
        _ = desk.poke.notified() => {}
    }
}

/// Keeps this desk's link to its host for as long as it is the shell's desk.
pub async fn watch(shell: Arc<Shell>, desk: Arc<Desk>) {
    let mut last: Option<i64> = None;
    let mut titled = false;
    loop {
        if desk.stopped() {
            return;
        }
        let opened = match desk.session().await {
            Ok(token) => desk.remote.events(&token, last).await,
            Err(e) => Err(e),
        };
        let feed = match opened {
            Ok(feed) => feed,
            Err(e) => {
                match lost(&desk, e) {
                    Lost::Away(status) => {
                        let took_over = match desk.known_standby() {
                            Some(s) if status.problem == Some(HostProblem::Unreachable) => {
                                crate::standby::answers_as_host(&desk, &s).await.then_some(s)
                            }
                            _ => None,
                        };
                        match took_over {
                            Some(s) => shell.tell_status(HostStatus::standby_took_over(&s.name, &s.url)),
                            None => shell.tell_status(status),
                        }
                        pause(&desk, RETRY).await;
                    }
                    Lost::Session => {
                        log::info!("the host forgot this desk's session: a new one, sign in again");
                        lock(&desk.token).clear();
                        last = None;
                        if desk.session().await.is_ok() {
                            shell.tell_status(HostStatus::session_lost());
                        } else {
                            pause(&desk, RETRY).await;
                        }
                    }
                    Lost::Revoked(message) => return revoked(&shell, &desk, &message).await,
                }
                continue;
            }
        };
        let was_away = !lock(&shell.status).online;
        shell.tell_status(HostStatus::online());
        if was_away {
            // What failed to load meanwhile loads again.
            shell.changed(HallChange { seq: 0, kind: "changed".into(), number: None });
        }
        if !titled {
            titled = set_title(&shell, &desk).await;
        }
        let mut feed = std::pin::pin!(feed);
        loop {
            tokio::select! {
                n = feed.next() => match n {
                    Some(Ok(n)) => {
                        last = Some(n.seq);
                        shell.changed(HallChange { seq: n.seq, kind: n.kind, number: n.number });
                    }
                    // The feed ended (the host stopped, or ended this session): see why.
                    _ => break,
                },
                _ = pause(&desk, HEARTBEAT) => {
                    if desk.stopped() {
                        return;
                    }
                    match desk.remote.hello(HEARTBEAT_WAIT).await {
                        Ok(hello) => desk.learn(&hello, &shell.paths.network),
                        Err(e) => {
                            if let Lost::Away(status) = lost(&desk, e) {
                                shell.tell_status(status);
                            }
                            break;
                        }
                    }
                }
            }
        }
        // Not at once: a feed that keeps ending must not spin.
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The window's title names the hall and this desk, as the host says.
async fn set_title(shell: &Shell, desk: &Desk) -> bool {
    let Ok(hello) = desk.remote.hello(HEARTBEAT_WAIT).await else { return false };
    desk.learn(&hello, &shell.paths.network);
    let township = hello.get("township_name").and_then(|v| v.as_str()).unwrap_or_default();
    if let Some(w) = shell.app().and_then(|a| tauri::Manager::get_webview_window(a, "main")) {
        let _ = w.set_title(&format!("{} — {township}便民服务中心 · {}", hall_core::PRODUCT, desk.name));
    }
    true
}

/// The host refuses this desk: its pairing is forgotten and the window offers the first-start
/// choice again, saying why.
async fn revoked(shell: &Arc<Shell>, desk: &Arc<Desk>, message: &str) {
    log::warn!("this desk was refused by the host: {message}");
    desk.stop();
    {
        let mut mode = shell.mode.write().await;
        if matches!(&*mode, Mode::Desk(d) if Arc::ptr_eq(d, desk)) {
            *mode = Mode::Choosing;
        }
    }
    crate::network::forget(&shell.paths.network);
    shell.set_problem(Some(message.to_string()));
    shell.tell_status(HostStatus::revoked(message));
}
