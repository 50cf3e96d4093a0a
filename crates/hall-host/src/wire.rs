//! What travels between a desk and the host, besides the `Request`/`Reply` values themselves.
//!
//! - `POST /api/pair` — `PairDevice`'s fields as JSON, no credential yet → `PairedDevice`.
//! - `POST /api/session` — opens a session for the device (header [`DEVICE`]) → [`Opened`].
//! - `POST /api/call` — a `Request` as JSON, headers [`DEVICE`], [`SESSION`] and, on a write,
//!   [`REQUEST_ID`] → [`Answer`].
//! - `POST /api/document` — a [`DocumentAsk`] → the PDF bytes (or an [`Answer`] with `err`).
//! - `GET /api/events` — the live feed: server-sent events, each a [`Notice`]; `Last-Event-ID`
//!   makes a desk that reconnects catch up.
//! - `GET /rater` — the rating screen's page.
//! - `/api/standby/…` — the standby host's copy and changes (see `standby_api`).

use hall_core::documents::DocRequest;
use hall_core::{ErrorCode, HallError};
use serde::{Deserialize, Serialize};

pub const DEVICE: &str = "x-yichuang-device";
pub const SESSION: &str = "x-yichuang-session";
pub const REQUEST_ID: &str = "x-request-id";

/// A hall answer: `{"ok": Reply}` or `{"err": {"code", "message"}}`.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer<T> {
    Ok(T),
    Err(HallError),
}

#[derive(Debug, Serialize, Deserialize)]
pub struct Opened {
    pub session: String,
    /// The device the session belongs to (`None` for hallctl, which signs in with a password).
    pub device: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
pub struct DocumentAsk {
    pub request: DocRequest,
    /// How the desk uses it, for the event log (`打印`, `另存为 …`); none for a preview.
    pub record: Option<String>,
}

/// One change at the host, as the live feed sends it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Notice {
    /// The hall's change counter (the newest event's id) after the change.
    pub seq: i64,
    /// The request that made it (`intake`, `act`, …), or `changed` when catching up.
    pub kind: String,
    /// The case it touched, when it touched one.
    pub number: Option<String>,
}

/// The HTTP status for a hall error: the body always says it in Chinese.
pub fn status_of(code: ErrorCode) -> u16 {
    match code {
        ErrorCode::Invalid | ErrorCode::Transition => 400,
        ErrorCode::Auth => 401,
        ErrorCode::Forbidden => 403,
        ErrorCode::NotFound => 404,
        ErrorCode::Conflict => 409,
        ErrorCode::Unreachable => 503,
        ErrorCode::Storage | ErrorCode::Internal => 500,
    }
}
