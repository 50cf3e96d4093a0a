//! The store's write transaction. On its own it is `BEGIN IMMEDIATE … COMMIT`, taking the write
//! lock at once so two clerks' intakes serialise. Inside a transaction already open on the
//! connection — the hall host's request scope (`crate::idempotent`), which must commit a write
//! and the answer kept for its request id together — it is a savepoint, so a store method that
//! fails still undoes exactly its own part, as it would alone.

use std::ops::Deref;

use rusqlite::Connection;

use crate::error::Result;

pub(crate) struct WriteTx<'a> {
    conn: &'a Connection,
    nested: bool,
    done: bool,
}

impl<'a> WriteTx<'a> {
    pub(crate) fn begin(conn: &'a Connection) -> Result<WriteTx<'a>> {
        let nested = !conn.is_autocommit();
        conn.execute_batch(if nested { "SAVEPOINT hall_write" } else { "BEGIN IMMEDIATE" })?;
        Ok(WriteTx { conn, nested, done: false })
    }

    pub(crate) fn commit(mut self) -> Result<()> {
        self.done = true;
        self.conn.execute_batch(if self.nested { "RELEASE hall_write" } else { "COMMIT" })?;
        Ok(())
    }
}

impl Deref for WriteTx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

impl Drop for WriteTx<'_> {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let undo = if self.nested { "ROLLBACK TO hall_write; RELEASE hall_write" } else { "ROLLBACK" };
        if let Err(e) = self.conn.execute_batch(undo) {
            log::error!("rollback failed: {e}");
        }
    }
}
