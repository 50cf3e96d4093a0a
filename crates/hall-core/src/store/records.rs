//! What the hall's own records (咨询, 需求, 准入, 联动) share: a number from the day's serial
//! for their kind, and an event in the hash-chained log for every change, naming the record.

use chrono::NaiveDateTime;
use rusqlite::Connection;

use super::{audit, fmt_ts};
use crate::error::Result;

/// `ZX-20261122-003`: the kind's prefix, the day, the day's serial for that kind.
pub(crate) fn next_number(conn: &Connection, prefix: &str, now: NaiveDateTime) -> Result<String> {
    let day = now.format("%Y%m%d").to_string();
    let serial: i64 = conn.query_row(
        "INSERT INTO record_serials(prefix, day, last) VALUES (?1, ?2, 1)
         ON CONFLICT(prefix, day) DO UPDATE SET last = last + 1 RETURNING last",
        [prefix, &day],
        |r| r.get(0),
    )?;
    Ok(format!("{prefix}-{day}-{serial:03}"))
}

/// An event about one of these records, inside the caller's write transaction.
pub(crate) fn record_event(
    conn: &Connection,
    now: NaiveDateTime,
    actor: &str,
    action: &str,
    number: &str,
    note: &str,
) -> Result<()> {
    let data = serde_json::json!({ "record": number }).to_string();
    audit::append(
        conn,
        &audit::NewEvent {
            case_id: None,
            at: &fmt_ts(now),
            actor,
            action,
            from_state: None,
            to_state: None,
            note,
            data: &data,
        },
    )
}

/// A record that is not there, in Chinese.
pub(crate) fn not_found(what: &str, number: &str) -> crate::HallError {
    crate::HallError::not_found(format!("没有编号为“{}”的{what}", crate::validate::clip(number, 40)))
}
