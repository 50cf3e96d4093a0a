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

/// A WAL past this size is truncated. A passive checkpoint copies frames back but never lets
/// the WAL start over while the writer keeps appending (a host under a steady stream of
/// writes, a long import): the file then grows without end (7 GB in the hall host's benchmark
/// settling 150,000 cases) and every read pays for the longer WAL index. The checkpoint thread
/// cannot truncate it itself (a writer that never pauses takes the lock back before it), so the
/// writer looks at the WAL's size before each transaction (one `stat`) and truncates it there
/// ([`Checkpointer::due`]): what is left to copy then is a fraction of a second, once in
/// thousands of commits.
const WAL_LIMIT: u64 = if cfg!(test) { 2 * 1024 * 1024 } else { 64 * 1024 * 1024 };

pub(super) struct Checkpointer {
    stop: Arc<AtomicBool>,
    wal: std::path::PathBuf,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    pub(super) fn start(path: &Path) -> Option<Checkpointer> {
        let wal = std::path::PathBuf::from(format!("{}-wal", path.display()));
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
        Some(Checkpointer { stop, wal, thread: Some(thread) })
    }

    /// Called by the writer outside any transaction: truncates the WAL when it is too long.
    /// Readers still on an old snapshot (a long report) are waited for briefly; if they are
    /// not done, the next write tries again.
    pub(super) fn due(&self, writer: &rusqlite::Connection) {
        if !std::fs::metadata(&self.wal).is_ok_and(|m| m.len() > WAL_LIMIT) {
            return;
        }
        let _ = writer.busy_timeout(Duration::from_millis(200));
        if let Err(e) = writer.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())) {
            log::warn!("WAL truncation failed: {e}");
        }
        let _ = writer.busy_timeout(Duration::from_secs(5));
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

#[cfg(test)]
mod tests {
    use super::WAL_LIMIT;

    /// A writer that never pauses (every intake its own durable commit): the WAL is cut back
    /// to size, although a passive checkpoint alone would let it grow with every commit.
    #[test]
    fn a_steady_writer_does_not_grow_the_wal_without_end() {
        let (dir, mut s) = crate::store::testing::store();
        crate::demo::load_demo(&mut s, 0, 0).unwrap();
        let wal = dir.path().join("hall.db-wal");
        let size = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        let (start, mut largest, mut i) = (std::time::Instant::now(), 0, 0);
        let mut written = 0u64;
        while start.elapsed() < std::time::Duration::from_secs(8) {
            let before = size();
            crate::demo::seed_refused(&mut s, 1, i).unwrap();
            i += 1;
            written += size().saturating_sub(before);
            largest = largest.max(size());
        }
        assert!(written > 3 * WAL_LIMIT, "the test wrote enough to need a truncation: {written} bytes in {i} commits");
        assert!(largest < 3 * WAL_LIMIT, "the WAL stayed near its limit: largest {largest} bytes, {written} written");
    }
}
