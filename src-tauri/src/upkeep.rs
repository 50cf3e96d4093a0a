//! The store's upkeep while the hall is kept on this PC (one PC, or the host inside this app):
//! the sync pass to the county hub every minute and the hourly tick, both hall_host::upkeep's.
//! A desk keeps no store: its host does this.

use std::sync::Arc;

use hall_core::HallError;
use tauri::{Emitter, Manager};

use crate::hall::{Mode, Shell};

/// One sync pass at a time, whether the timer or the 立即同步 button started it.
pub struct SyncGate(pub tokio::sync::Mutex<()>);

/// A pass to the county hub, progress sent to the window as `sync-progress` events. `Ok(None)`
/// when no hub is set or the store is not here.
pub async fn sync_pass(app: &tauri::AppHandle, shell: &Shell) -> Result<Option<hall_sync::Report>, HallError> {
    let Some(store) = shell.local_store().await else { return Ok(None) };
    let store = store?;
    let gate = app.state::<SyncGate>();
    let _one = gate.0.lock().await;
    let window = app.clone();
    let mut progress = move |p: hall_sync::Progress| {
        let _ = window.emit(
            "sync-progress",
            serde_json::json!({ "sent": p.sent, "acknowledged": p.acknowledged, "conflicts": p.conflicts }),
        );
    };
    let report = hall_host::upkeep::sync_pass(&store, &mut progress).await?;
    if report.is_some() {
        // A pass may bring a new calendar: the host's connections read it again.
        if let Mode::Local(l) = &*shell.mode.read().await {
            if let Some(h) = &l.host {
                h.running.hall.workers.calendar_changed();
            }
        }
    }
    Ok(report)
}

/// The background sender: a pass every minute, backing off while the hub is away. It never
/// holds the store between network calls, so the window never waits for the link.
pub fn start_sync(app: tauri::AppHandle, shell: Arc<Shell>) {
    tauri::async_runtime::spawn(async move {
        let mut failures = 0;
        loop {
            match sync_pass(&app, &shell).await {
                Ok(_) => failures = 0,
                Err(e) => {
                    log::warn!("sync pass failed: {}", e.message);
                    failures += 1;
                }
            }
            tokio::time::sleep(hall_host::upkeep::next_pass(failures)).await;
        }
    });
}

/// The hourly tick: the day's automatic backup and the 补正 deadlines swept.
pub fn start_backups(shell: Arc<Shell>) {
    std::thread::spawn(move || loop {
        let store = match &*shell.mode.blocking_read() {
            Mode::Local(l) => l.store.as_ref().ok().cloned(),
            _ => None,
        };
        if let Some(store) = store {
            hall_host::upkeep::hourly(&store);
        }
        std::thread::sleep(std::time::Duration::from_secs(3600));
    });
}
