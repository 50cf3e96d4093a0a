//! The answers kept for request ids (`crate::idempotent`). A write and its kept answer commit
//! in one transaction: the scope opened here is the outer transaction, and the store's own
//! write transactions become savepoints inside it (`write_tx.rs`).

use chrono::Duration;
use rusqlite::{params, OptionalExtension};

use super::{fmt_ts, Store};
use crate::error::{HallError, Result};

/// How long an answer is kept for a repeat: far longer than any desk retries.
const KEEP_DAYS: i64 = 7;

impl Store {
    /// The fingerprint and answer kept for `request_id`, if the request was run.
    pub fn kept_answer(&self, request_id: &str) -> Result<Option<(String, String)>> {
        Ok(self
            .conn
            .query_row("SELECT fingerprint, answer FROM request_log WHERE request_id = ?1", [request_id], |r| {
                Ok((r.get("fingerprint")?, r.get("answer")?))
            })
            .optional()?)
    }

    /// Opens the request's outer transaction (taking the write lock at once).
    pub fn begin_request_scope(&self) -> Result<()> {
        if !self.conn.is_autocommit() {
            return Err(HallError::new(crate::ErrorCode::Internal, "内部错误：请求事务嵌套"));
        }
        self.wal_upkeep();
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    /// Keeps the answer and commits the request's writes with it; on failure nothing stays.
    pub fn end_request_scope(&self, request_id: &str, fingerprint: &str, kind: &str, answer: &str) -> Result<()> {
        let kept = self
            .conn
            .execute(
                "INSERT INTO request_log(request_id, fingerprint, kind, at, answer) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![request_id, fingerprint, kind, fmt_ts(self.now()), answer],
            )
            .map_err(HallError::from)
            .and_then(|_| self.conn.execute_batch("COMMIT").map_err(HallError::from));
        if kept.is_err() && !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
        kept
    }

    /// Forgets answers older than a week (the host does this when it starts).
    pub fn prune_request_log(&self) -> Result<usize> {
        let before = fmt_ts(self.now() - Duration::days(KEEP_DAYS));
        Ok(self.conn.execute("DELETE FROM request_log WHERE at < ?1", [before])?)
    }
}
