//! The host's side of the standby host: the changes of every write, in order, kept in memory
//! for the standby to fetch, and what the standby has applied.
//!
//! **A write is confirmed only when the standby has it.** While the standby keeps up, a desk's
//! write is answered once the standby has applied it (it acknowledges with its next fetch, a
//! few milliseconds on the hall's network): a host killed then loses nothing a desk saw
//! confirmed. A standby that does not answer within [`SYNC_WAIT`] (switched off, cable out) is
//! marked behind and the hall goes on without waiting — the 大厅网络 page says so in red — until
//! it has caught up again. A hall does not stop because its spare PC did.
//!
//! Recording starts when the standby takes its first copy ([`Replication::activate`]); a host
//! restarted starts a new run (`epoch`), and the standby then takes a fresh copy, since what
//! was written while no host ran (hallctl on the file) was not recorded.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use hall_core::hall_network::StandbyLink;
use hall_core::Store;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;

/// How long a write waits for the standby before the hall goes on without it.
pub const SYNC_WAIT: Duration = Duration::from_secs(2);
/// Changes kept for a standby that fell behind; further behind, it takes a fresh copy.
const KEEP_BYTES: usize = 64 * 1024 * 1024;
/// A standby not heard from for this long is shown as away.
const AWAY: Duration = Duration::from_secs(15);
/// Lags kept for the 大厅网络 page's figures.
const LAGS: usize = 2000;

struct Entry {
    seq: u64,
    at: Instant,
    changes: Arc<Vec<u8>>,
}

#[derive(Default)]
struct Log {
    entries: VecDeque<Entry>,
    bytes: usize,
    /// The lowest sequence a standby may still ask to continue from.
    floor: u64,
    last: u64,
}

#[derive(Default)]
struct Contact {
    name: Option<String>,
    heard: Option<Instant>,
    acked: u64,
    lags: VecDeque<Duration>,
}

/// One changeset as it travels (`changes`: the session extension's bytes, base64).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Change {
    pub seq: u64,
    pub changes: String,
}

/// What a standby's fetch gets.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Changes {
    pub epoch: String,
    pub entries: Vec<Change>,
    /// The host's newest sequence when answering.
    pub last: u64,
}

pub struct Replication {
    pub epoch: String,
    active: AtomicBool,
    in_sync: AtomicBool,
    log: Mutex<Log>,
    grown: watch::Sender<u64>,
    acked: watch::Sender<u64>,
    contact: Mutex<Contact>,
    /// The host's other connections that write (its upkeep, the host PC's own window).
    watched: Mutex<Vec<Arc<Mutex<Store>>>>,
}

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn percentile(sorted: &[Duration], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    Some(sorted[i].as_secs_f64() * 1000.0)
}

impl Replication {
    pub fn new() -> Arc<Replication> {
        let epoch = uuid::Uuid::new_v4().simple().to_string();
        Arc::new(Replication {
            epoch,
            active: AtomicBool::new(false),
            in_sync: AtomicBool::new(false),
            log: Mutex::new(Log::default()),
            grown: watch::channel(0).0,
            acked: watch::channel(0).0,
            contact: Mutex::new(Contact::default()),
            watched: Mutex::new(Vec::new()),
        })
    }

    /// Whether a standby has taken a copy in this run (changes are recorded from then on).
    pub fn active(&self) -> bool {
        self.active.load(Ordering::Acquire)
    }

    /// Starts recording on `writer` and on every watched connection (before the first copy is
    /// made, so that whatever the copy misses is recorded).
    pub fn activate(&self, writer: &mut Store) -> Result<(), hall_core::HallError> {
        writer.record_changes()?;
        for store in locked(&self.watched).iter() {
            locked(store).record_changes()?;
        }
        self.active.store(true, Ordering::Release);
        Ok(())
    }

    /// Another connection of the host that writes: its changes are taken four times a second.
    pub fn watch(self: &Arc<Self>, store: Arc<Mutex<Store>>) {
        let first = locked(&self.watched).is_empty();
        locked(&self.watched).push(store);
        if !first {
            return;
        }
        let me = Arc::downgrade(self);
        std::thread::Builder::new()
            .name("standby-flush".into())
            .spawn(move || loop {
                std::thread::sleep(Duration::from_millis(250));
                let Some(me) = me.upgrade() else { return };
                if !me.active() {
                    continue;
                }
                let stores: Vec<_> = locked(&me.watched).clone();
                for store in stores {
                    me.capture(&mut locked(&store));
                }
            })
            .expect("a thread starts");
    }

    /// Takes what `store` changed since the last time and adds it to the log; answers the
    /// newest sequence.
    pub fn capture(&self, store: &mut Store) -> u64 {
        if !self.active() {
            return 0;
        }
        match store.take_changes() {
            Ok(Some(bytes)) => self.append(bytes),
            Ok(None) => self.last(),
            Err(e) => {
                // The standby can no longer be told everything: it must take a fresh copy.
                log::error!("changes for the standby lost: {}", e.message);
                let mut log = locked(&self.log);
                log.entries.clear();
                log.bytes = 0;
                log.floor = log.last + 1;
                log.last
            }
        }
    }

    fn append(&self, bytes: Vec<u8>) -> u64 {
        let mut log = locked(&self.log);
        log.last += 1;
        let seq = log.last;
        log.bytes += bytes.len();
        log.entries.push_back(Entry { seq, at: Instant::now(), changes: Arc::new(bytes) });
        while log.bytes > KEEP_BYTES {
            let Some(old) = log.entries.pop_front() else { break };
            log.bytes -= old.changes.len();
            log.floor = old.seq;
        }
        drop(log);
        self.grown.send_replace(seq);
        seq
    }

    pub fn last(&self) -> u64 {
        locked(&self.log).last
    }

    /// Waits, while the standby keeps up, until it has applied `seq` (see the module comment).
    pub async fn confirmed(&self, seq: u64) {
        if !self.in_sync.load(Ordering::Acquire) || seq == 0 {
            return;
        }
        let mut acked = self.acked.subscribe();
        let reached = tokio::time::timeout(SYNC_WAIT, acked.wait_for(|a| *a >= seq)).await;
        if reached.is_err() && self.in_sync.swap(false, Ordering::AcqRel) {
            log::warn!("the standby did not confirm change {seq} within {SYNC_WAIT:?}: going on without waiting");
        }
    }

    /// The changes after `after`, waiting up to `wait` for one; `None` when the standby must
    /// take a fresh copy (another run of the host, or too far behind).
    pub async fn since(&self, epoch: &str, after: u64, wait: Duration) -> Option<Changes> {
        let mut grown = self.grown.subscribe();
        let _ = tokio::time::timeout(wait, grown.wait_for(|last| *last > after)).await;
        let log = locked(&self.log);
        if epoch != self.epoch || after < log.floor || after > log.last || !self.active() {
            return None;
        }
        let entries = log
            .entries
            .iter()
            .filter(|e| e.seq > after)
            .take(500)
            .map(|e| Change { seq: e.seq, changes: data_encoding::BASE64.encode(&e.changes) })
            .collect();
        Some(Changes { epoch: self.epoch.clone(), entries, last: log.last })
    }

    /// The standby `name` has applied everything up to `applied` (it says so with each fetch).
    pub fn acknowledge(&self, name: &str, applied: u64) {
        let now = Instant::now();
        let (last, lags): (u64, Vec<Duration>) = {
            let log = locked(&self.log);
            let before = locked(&self.contact).acked;
            let lags = log.entries.iter().filter(|e| e.seq > before && e.seq <= applied).map(|e| now - e.at).collect();
            (log.last, lags)
        };
        let mut c = locked(&self.contact);
        c.name = Some(name.to_string());
        c.heard = Some(now);
        if applied > c.acked {
            c.acked = applied;
            for lag in lags {
                if c.lags.len() == LAGS {
                    c.lags.pop_front();
                }
                c.lags.push_back(lag);
            }
        }
        drop(c);
        self.acked.send_replace(applied);
        if applied >= last && !self.in_sync.swap(true, Ordering::AcqRel) {
            log::info!("the standby {name} has caught up: writes wait for it again");
        }
    }

    /// A standby that took a fresh copy at `seq`.
    pub fn restarted_at(&self, name: &str, seq: u64) {
        let mut c = locked(&self.contact);
        c.acked = seq;
        c.name = Some(name.to_string());
        c.heard = Some(Instant::now());
    }

    pub fn status(&self) -> StandbyLink {
        let (last, oldest) = {
            let log = locked(&self.log);
            let acked = locked(&self.contact).acked;
            (log.last, log.entries.iter().find(|e| e.seq > acked).map(|e| e.at))
        };
        let c = locked(&self.contact);
        let connected = c.heard.is_some_and(|h| h.elapsed() < AWAY);
        let mut lags: Vec<Duration> = c.lags.iter().copied().collect();
        lags.sort();
        StandbyLink {
            name: c.name.clone(),
            connected,
            in_sync: connected && self.in_sync.load(Ordering::Acquire),
            behind: last.saturating_sub(c.acked),
            behind_seconds: oldest.map(|t| t.elapsed().as_secs_f64()).unwrap_or(0.0),
            lag_p50_ms: percentile(&lags, 0.50),
            lag_p99_ms: percentile(&lags, 0.99),
        }
    }
}
