//! WAL checkpoints off the clerk's path. SQLite's automatic checkpoint runs inside whichever
//! commit crosses the threshold, so one intake in ~70 waited for a thousand pages to be copied
//! and the database file to be synced. Here a thread with its own connection checkpoints every
//! few seconds instead; the writer's commit only appends to the WAL and syncs it.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

const INTERVAL: Duration = Duration::from_secs(2);

pub(super) struct Checkpointer {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    pub(super) fn start(path: &Path) -> Option<Checkpointer> {
        let conn = rusqlite::Connection::open(path).ok()?;
        super::cipher::unlock(&conn, path).ok()?;
        conn.busy_timeout(Duration::from_secs(1)).ok()?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("wal-checkpoint".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::park_timeout(INTERVAL);
                    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                        log::warn!("WAL checkpoint failed: {e}");
                    }
                }
            })
            .ok()?;
        Some(Checkpointer { stop, thread: Some(thread) })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.thread().unpark();
            let _ = t.join();
        }
    }
}
