//! The hall's one clock. Every time stamp and every "today" — case dates, deadlines, events,
//! lockouts, import versions, the 打印于 on paper, the window's date pickers — come from
//! [`Store::now`](crate::Store::now) / [`Store::today`](crate::Store::today), which read the
//! wall clock here unless the clock is pinned: `YICHUANG_NOW="YYYY-MM-DD HH:MM"` pins it for
//! training sessions and the end-to-end tests (days must pass for deadlines and pauses), in the
//! window and in hallctl alike.

use chrono::{Local, NaiveDate, NaiveDateTime};

use crate::error::{HallError, Result};

pub const PIN_VAR: &str = "YICHUANG_NOW";

/// The pinned time from `YICHUANG_NOW`, if set. A value that is not a time is refused rather
/// than ignored: a training hall that thinks its clock is pinned must not run on the real one.
pub fn pinned() -> Result<Option<NaiveDateTime>> {
    let Ok(v) = std::env::var(PIN_VAR) else { return Ok(None) };
    if v.trim().is_empty() {
        return Ok(None);
    }
    NaiveDateTime::parse_from_str(v.trim(), "%Y-%m-%d %H:%M").map(Some).map_err(|_| {
        HallError::invalid(format!(
            "环境变量 {PIN_VAR} 应写作“年-月-日 时:分”（如 2026-11-20 09:00），现为“{}”",
            crate::validate::text_preview(&v)
        ))
    })
}

/// The machine's local time: only through [`Store::now`](crate::Store::now) and [`today`].
pub(crate) fn wall() -> NaiveDateTime {
    Local::now().naive_local()
}

/// Today by the hall's clock where no store is open (hallctl check-id).
pub fn today() -> Result<NaiveDate> {
    Ok(pinned()?.unwrap_or_else(wall).date())
}
