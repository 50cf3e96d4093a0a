//! The hall's changes for a standby host (hall-host's `standby`): SQLite's session extension
//! records, on each connection of the host that writes, the rows every write changed; the host
//! takes them as one changeset after each piece of work and the standby applies them, in order,
//! to its own copy. Why the session extension: it is SQLite's own, row-level and exact, works
//! under SQLCipher (the pages stay encrypted on both PCs), and leaves a standby that is an
//! ordinary hall database — promoted, it is opened like any other.
//!
//! What does not travel: the search index (`cases_fts*`), which the standby's own triggers keep
//! as the cases rows arrive, and SQLite's internal tables. A table without a primary key would
//! be skipped by the session silently; the tests check that the hall has none.
//!
//! Changes taken from two connections (the host's writer and its upkeep) may reach the standby
//! in another order than they were committed. A changeset carries each row's values as they are
//! when it is *taken*, which is after its commit, so the last changeset that names a row holds
//! that row's newest values: applied with "the incoming row wins" on a clash, the standby ends
//! as the host is. Events are only ever added, and an event seen twice is the same event.

use std::io::Cursor;

use rusqlite::session::{ChangesetItem, ConflictAction, ConflictType, Session};

use super::{put_setting, Store};
use crate::error::{ErrorCode, HallError, Result};

/// The standby's position in the host's stream: which run of the host (`epoch`) and the last
/// changeset applied. Kept in the standby's own copy, in the same transaction as each change.
pub const APPLIED_SETTING: &str = "standby_applied";

/// Recording on one connection.
pub(crate) struct Recorder {
    session: Session<'static>,
}

// SAFETY: a session belongs to its connection and is only used with it: both live in the one
// `Store`, which moves between threads whole and is used by one thread at a time.
unsafe impl Send for Recorder {}

fn replicated(table: &str) -> bool {
    !table.starts_with("cases_fts") && !table.starts_with("sqlite_")
}

fn failed(what: &str, e: rusqlite::Error) -> HallError {
    HallError::new(ErrorCode::Storage, format!("{what}：{}", HallError::from(e).message))
}

impl Recorder {
    fn start(conn: &rusqlite::Connection) -> Result<Recorder> {
        let mut session = Session::new(conn).map_err(|e| failed("无法记录数据变化", e))?;
        session.table_filter(Some(replicated));
        session.attach(None::<&str>).map_err(|e| failed("无法记录数据变化", e))?;
        // SAFETY: the session only borrows the connection it records; `Store` declares its
        // recorder before its connection, so the session is dropped first.
        let session: Session<'static> = unsafe { std::mem::transmute(session) };
        Ok(Recorder { session })
    }
}

/// What the standby does when a change meets its copy not as the host left it (see the module
/// comment): the incoming row wins, an event already there is the same event, a row already
/// gone stays gone. A constraint broken is a copy gone astray: the changeset is refused and
/// the standby takes a fresh copy.
fn on_clash(kind: ConflictType, item: ChangesetItem) -> ConflictAction {
    match kind {
        // (Only a row's clash names its table: asked of a foreign-key report, SQLite has none.)
        ConflictType::SQLITE_CHANGESET_DATA | ConflictType::SQLITE_CHANGESET_CONFLICT => {
            if item.op().map(|op| op.table_name() == "events").unwrap_or(false) {
                ConflictAction::SQLITE_CHANGESET_OMIT
            } else {
                ConflictAction::SQLITE_CHANGESET_REPLACE
            }
        }
        ConflictType::SQLITE_CHANGESET_NOTFOUND => ConflictAction::SQLITE_CHANGESET_OMIT,
        // A row whose parent comes in a later changeset (taken from the other connection).
        ConflictType::SQLITE_CHANGESET_FOREIGN_KEY => ConflictAction::SQLITE_CHANGESET_OMIT,
        _ => ConflictAction::SQLITE_CHANGESET_ABORT,
    }
}

impl Store {
    /// Records from now on every row this connection changes, for [`Store::take_changes`].
    pub fn record_changes(&mut self) -> Result<()> {
        if self.recorder.is_none() {
            self.recorder = Some(Recorder::start(&self.conn)?);
        }
        Ok(())
    }

    /// The rows changed since the last call, as one changeset (`None`: nothing changed, or a
    /// transaction is still open — then they come with the next call).
    pub fn take_changes(&mut self) -> Result<Option<Vec<u8>>> {
        let Some(recorder) = self.recorder.as_mut() else { return Ok(None) };
        if !self.conn.is_autocommit() || recorder.session.is_empty() {
            return Ok(None);
        }
        let mut bytes = Vec::new();
        recorder.session.changeset_strm(&mut bytes).map_err(|e| failed("无法取出数据变化", e))?;
        // A session keeps what it saw for good: the next changes start a new one.
        self.recorder = None;
        self.recorder = Some(Recorder::start(&self.conn)?);
        Ok((!bytes.is_empty()).then_some(bytes))
    }

    /// Applies one changeset of the host's, with the standby's new position, in one transaction.
    pub fn apply_changes(&mut self, changes: &[u8], position: &str) -> Result<()> {
        let tx = self.write()?;
        let mut input = Cursor::new(changes);
        tx.apply_strm(&mut input, None::<fn(&str) -> bool>, on_clash)
            .map_err(|e| failed("备用主机无法应用主机的数据变化", e))?;
        put_setting(&tx, APPLIED_SETTING, position)?;
        tx.commit()
    }

    /// The standby's position, as [`Store::apply_changes`] last left it.
    pub fn applied_position(&self) -> Result<Option<String>> {
        self.setting(APPLIED_SETTING)
    }

    /// Sets the standby's position (after a fresh copy).
    pub fn set_applied_position(&mut self, position: &str) -> Result<()> {
        put_setting(&self.conn, APPLIED_SETTING, position)
    }

    /// Tables the session extension would skip (no primary key): none may be in a hall.
    #[cfg(test)]
    pub(crate) fn tables_without_key(&self) -> Result<Vec<String>> {
        let mut st = self.conn.prepare(
            "SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
               AND m.name NOT LIKE 'cases_fts%'
               AND NOT EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.pk > 0)",
        )?;
        let names = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(names)
    }
}
