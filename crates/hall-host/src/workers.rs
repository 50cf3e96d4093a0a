//! One writer and a pool of readers, each a thread owning its own connection to the hall's
//! store. Writes queue for the one writer (SQLite has one anyway; here they wait in order
//! instead of on a lock); reads — searches, queues, a director's report, a PDF — run side by side
//! on the readers, so no desk waits for another desk's report.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crossbeam_channel::{unbounded, Sender};
use hall_core::{ErrorCode, HallError, Store};
use tokio::sync::oneshot;

use crate::replication::Replication;

type Job = Box<dyn FnOnce(&mut Store) + Send>;

pub struct Workers {
    writer: Sender<Job>,
    readers: Sender<Job>,
    /// Bumped when the calendar may have changed (an import, a sync pass): each connection
    /// reads it again before its next job, since a store keeps its calendar in memory.
    calendar: Arc<AtomicU64>,
    /// The writer's changes, job by job, for the standby.
    replication: Arc<Replication>,
}

fn spawn(name: String, mut store: Store, jobs: crossbeam_channel::Receiver<Job>, calendar: Arc<AtomicU64>) {
    std::thread::Builder::new()
        .name(name)
        .spawn(move || {
            let mut seen = calendar.load(Ordering::Acquire);
            for job in jobs {
                let now = calendar.load(Ordering::Acquire);
                if now != seen {
                    if let Err(e) = store.reload_calendar() {
                        log::error!("calendar reload failed: {}", e.message);
                    }
                    seen = now;
                }
                job(&mut store);
            }
        })
        .expect("a worker thread starts");
}

fn gone() -> HallError {
    HallError::new(ErrorCode::Unreachable, "大厅主机正在停止，请稍后重试")
}

impl Workers {
    /// `writer` is the store as [`Store::open`] opened (checked and migrated); `readers` more
    /// connections are opened beside it.
    pub fn start(
        db: &Path,
        writer: Store,
        readers: usize,
        replication: Arc<Replication>,
    ) -> Result<Workers, HallError> {
        let calendar = Arc::new(AtomicU64::new(0));
        let (wtx, wrx) = unbounded::<Job>();
        spawn("hall-writer".into(), writer, wrx, calendar.clone());
        let (rtx, rrx) = unbounded::<Job>();
        for n in 0..readers.max(1) {
            spawn(format!("hall-reader-{n}"), Store::open_reader(db)?, rrx.clone(), calendar.clone());
        }
        Ok(Workers { writer: wtx, readers: rtx, calendar, replication })
    }

    async fn run<T: Send + 'static>(
        queue: &Sender<Job>,
        f: impl FnOnce(&mut Store) -> T + Send + 'static,
    ) -> Result<T, HallError> {
        let (tx, rx) = oneshot::channel();
        queue.send(Box::new(move |s: &mut Store| drop(tx.send(f(s))))).map_err(|_| gone())?;
        rx.await.map_err(|_| gone())
    }

    /// On the one writer, in order. The job's changes are taken for the standby before its
    /// answer is given, so the caller that waits for the standby waits for this very write.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> T + Send + 'static,
    ) -> Result<T, HallError> {
        let replication = self.replication.clone();
        Self::run(&self.writer, move |s| {
            let out = f(s);
            replication.capture(s);
            out
        })
        .await
    }

    /// On whichever reader is free.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Store) -> T + Send + 'static,
    ) -> Result<T, HallError> {
        Self::run(&self.readers, f).await
    }

    pub fn calendar_changed(&self) {
        self.calendar.fetch_add(1, Ordering::AcqRel);
    }
}
