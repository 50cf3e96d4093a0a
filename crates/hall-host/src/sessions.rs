//! The host's sessions: one per desk window (or hallctl run), each holding what the one-PC
//! window holds — who signed in, locked or not. The host enforces the idle lock itself, so a
//! desk that stops asking (a PC left on) is locked at the host whatever its window does.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use hall_core::store::SessionUser;
use hall_core::HallError;
use rand::RngCore;

/// A session nobody used for this long is forgotten (the user signs in again).
const FORGET_AFTER: Duration = Duration::from_secs(12 * 3600);

struct Slot {
    user: Option<SessionUser>,
    device: Option<i64>,
    origin: String,
    last: Instant,
    version: u64,
}

/// A session as one request sees it.
#[derive(Debug)]
pub struct Held {
    pub user: Option<SessionUser>,
    /// The desk's name (or `命令行 <address>` for hallctl), recorded on every event.
    pub origin: String,
    version: u64,
}

pub struct Sessions {
    slots: Mutex<HashMap<String, Slot>>,
    /// The hall's `idle_lock_minutes` in seconds (0: never).
    idle_seconds: AtomicU32,
}

fn expired() -> HallError {
    HallError::new(hall_core::ErrorCode::Auth, "会话已失效（大厅主机已重启或长时间未使用），请重新登录")
}

impl Sessions {
    pub fn new(idle_minutes: u32) -> Sessions {
        Sessions { slots: Mutex::new(HashMap::new()), idle_seconds: AtomicU32::new(idle_minutes.saturating_mul(60)) }
    }

    pub fn set_idle_minutes(&self, minutes: u32) {
        self.idle_seconds.store(minutes.saturating_mul(60), Ordering::Release);
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        self.slots.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn open(&self, device: Option<i64>, origin: String, user: Option<SessionUser>) -> String {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        let mut slots = self.slots();
        slots.retain(|_, s| s.last.elapsed() < FORGET_AFTER);
        slots.insert(token.clone(), Slot { user, device, origin, last: Instant::now(), version: 0 });
        token
    }

    /// The session for a request from `device`; a token of another device is not accepted.
    pub fn hold(&self, token: &str, device: Option<i64>) -> Result<Held, HallError> {
        let mut slots = self.slots();
        let slot = slots.get_mut(token).filter(|s| s.device == device).ok_or_else(expired)?;
        let idle = self.idle_seconds.load(Ordering::Acquire);
        if let Some(user) = slot.user.as_mut() {
            if idle > 0 && !user.locked && slot.last.elapsed() > Duration::from_secs(u64::from(idle)) {
                log::info!("session of {} locked at the host after {idle} idle seconds", user.username);
                user.locked = true;
                slot.version += 1;
            }
        }
        slot.last = Instant::now();
        Ok(Held { user: slot.user.clone(), origin: slot.origin.clone(), version: slot.version })
    }

    /// Keeps what the request made of the session (a login, a lock, a logout). A request that
    /// did not change it writes nothing back, so a slow read never undoes a logout made meanwhile.
    pub fn keep(&self, token: &str, held: &Held, after: Option<SessionUser>) {
        let same = serde_json::to_value(&held.user).ok() == serde_json::to_value(&after).ok();
        if same {
            return;
        }
        if let Some(slot) = self.slots().get_mut(token) {
            if slot.version == held.version {
                slot.user = after;
                slot.version += 1;
            }
        }
    }

    /// A revoked device's sessions end at once.
    pub fn end_device(&self, device: i64) {
        self.slots().retain(|_, s| s.device != Some(device));
    }

    /// Whether the session is still open (the live feed ends with it).
    pub fn alive(&self, token: &str) -> bool {
        self.slots().contains_key(token)
    }

    /// Sessions open now, for the administrator's screen.
    pub fn count(&self) -> usize {
        self.slots().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn someone() -> SessionUser {
        SessionUser::operator()
    }

    #[test]
    fn a_session_is_the_devices_own_and_idle_ones_are_locked_at_the_host() {
        let sessions = Sessions::new(0);
        sessions.idle_seconds.store(1, Ordering::Release);
        let token = sessions.open(Some(7), "1号窗口".into(), Some(someone()));
        assert!(sessions.hold(&token, Some(8)).is_err(), "another device's token is refused");
        assert!(sessions.hold(&token, None).is_err());
        let held = sessions.hold(&token, Some(7)).unwrap();
        assert_eq!(held.origin, "1号窗口");
        assert!(!held.user.unwrap().locked);
        std::thread::sleep(Duration::from_millis(1100));
        assert!(sessions.hold(&token, Some(7)).unwrap().user.unwrap().locked, "idle past the limit: locked");
        sessions.end_device(7);
        assert!(!sessions.alive(&token));
        assert_eq!(sessions.hold(&token, Some(7)).unwrap_err().code, hall_core::ErrorCode::Auth);
    }

    #[test]
    fn a_slow_read_never_undoes_a_logout_made_meanwhile() {
        let sessions = Sessions::new(10);
        let token = sessions.open(None, "命令行".into(), Some(someone()));
        let slow = sessions.hold(&token, None).unwrap();
        let logout = sessions.hold(&token, None).unwrap();
        sessions.keep(&token, &logout, None);
        // The slow read answers with the session as it found it: unchanged, so nothing is kept.
        let unchanged = slow.user.clone();
        sessions.keep(&token, &slow, unchanged);
        assert!(sessions.hold(&token, None).unwrap().user.is_none());
        // A stale change (made from an older view) is dropped too.
        let mut locked = someone();
        locked.locked = true;
        sessions.keep(&token, &slow, Some(locked));
        assert!(sessions.hold(&token, None).unwrap().user.is_none());
    }
}
