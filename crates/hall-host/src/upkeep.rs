//! What the hall's one store needs besides requests, wherever it is kept — the app on one PC,
//! or the hall host: the sync pass to the county hub every minute (backing off while the hub is
//! away), and the hourly tick (the day's automatic backup, the 补正 deadlines swept).

use std::sync::Mutex;
use std::time::Duration;

use hall_core::{HallError, Store};

/// One pass to the county hub; `Ok(None)` when no hub is set (a hall that does not sync yet).
pub async fn sync_pass(
    store: &Mutex<Store>,
    progress: &mut (dyn FnMut(hall_sync::Progress) + Send),
) -> Result<Option<hall_sync::Report>, HallError> {
    let (url, token) = {
        let s = store.lock().unwrap_or_else(|p| p.into_inner());
        (s.hub_url()?, s.hub_token()?)
    };
    let Some(url) = url else { return Ok(None) };
    let hub = hall_sync::Hub::new(&url, &token.unwrap_or_default())?;
    Ok(Some(hall_sync::pass(store, &hub, progress).await?))
}

/// How long to wait before the next pass, after `failures` failed ones in a row.
pub fn next_pass(failures: u32) -> Duration {
    if failures == 0 {
        Duration::from_secs(60)
    } else {
        hall_sync::backoff(failures - 1)
    }
}

/// The hourly tick's work, once. The day's backup (with its full check: half a minute on a
/// hall of 200,000 cases) runs on a connection of its own, outside the store's lock, so the
/// requests of the window and the desks go on meanwhile; only the sweep takes the lock.
pub fn hourly(store: &Mutex<Store>) {
    let (path, now) = {
        let s = store.lock().unwrap_or_else(|p| p.into_inner());
        (s.path().to_path_buf(), s.now())
    };
    let backed_up = Store::open_reader(&path).and_then(|mut own| {
        own.set_now(Some(now));
        own.daily_backup()
    });
    match backed_up {
        Ok(Some(b)) => log::info!("daily backup {} ({} bytes)", b.path, b.bytes),
        Ok(None) => {}
        Err(e) => log::error!("daily backup failed: {}", e.message),
    }
    let mut s = store.lock().unwrap_or_else(|p| p.into_inner());
    // 补正 past its deadline, when the township's setting is `auto` (视为撤回).
    if let Err(e) = s.sweep_supplement_lapses() {
        log::error!("supplement sweep failed: {}", e.message);
    }
}
