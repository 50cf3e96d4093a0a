//! The event log as a hash chain: each event commits to the one before it, so a row altered or
//! removed behind the app's back (the database's own triggers already refuse UPDATE and DELETE
//! through SQL; this catches someone who drops them) breaks the chain at that row. The head —
//! the last event's id and hash — is kept in the settings, so removing the newest events shows
//! too.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::Store;
use crate::error::Result;

/// One event as it is written.
pub(crate) struct NewEvent<'a> {
    pub case_id: Option<i64>,
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub from_state: Option<&'a str>,
    pub to_state: Option<&'a str>,
    pub note: &'a str,
    pub data: &'a str,
}

type Fields = (i64, Option<i64>, String, String, String, Option<String>, Option<String>, String, String);

/// SHA-256 over the previous hash and every field of the event, as JSON (unambiguous). The desk
/// (schema 9) is hashed only when there is one, so the links made before it still verify.
fn link(prev: &str, f: &Fields, desk: &str) -> String {
    let json = if desk.is_empty() { serde_json::to_vec(&(prev, f)) } else { serde_json::to_vec(&(prev, f, desk)) }
        .expect("an event serialises");
    Sha256::digest(&json).iter().map(|b| format!("{b:02x}")).collect()
}

/// Appends an event to the chain, inside the caller's write transaction.
pub(crate) fn append(conn: &Connection, e: &NewEvent) -> Result<()> {
    let (last_id, prev): (i64, String) = conn
        .query_row("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get("id")?, r.get("hash")?)))
        .optional()?
        .unwrap_or((0, String::new()));
    let id = last_id + 1;
    let fields: Fields = (
        id,
        e.case_id,
        e.at.to_string(),
        e.actor.to_string(),
        e.action.to_string(),
        e.from_state.map(String::from),
        e.to_state.map(String::from),
        e.note.to_string(),
        e.data.to_string(),
    );
    // The desk on the hall's network the request came from (crate::origin), if any.
    let desk = crate::origin::current().unwrap_or_default();
    let hash = link(&prev, &fields, &desk);
    conn.prepare_cached(
        "INSERT INTO events(id, case_id, at, actor, action, from_state, to_state, note, data, prev_hash, hash, desk)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        id,
        e.case_id,
        e.at,
        e.actor,
        e.action,
        e.from_state,
        e.to_state,
        e.note,
        e.data,
        prev,
        hash,
        desk
    ])?;
    super::put_setting(conn, "audit_head", &format!("{id}:{hash}"))?;
    Ok(())
}

/// Chains the events written before the log was a chain (migration 5), in one transaction.
pub(super) fn chain_existing(conn: &Connection) -> Result<()> {
    conn.execute_batch("DROP TRIGGER events_no_update;")?;
    let rows = read_all(conn)?;
    let mut prev = String::new();
    let mut last = None;
    {
        let mut up = conn.prepare("UPDATE events SET prev_hash = ?1, hash = ?2 WHERE id = ?3")?;
        for (f, _, _, _) in rows {
            let hash = link(&prev, &f, "");
            up.execute(params![prev, hash, f.0])?;
            last = Some((f.0, hash.clone()));
            prev = hash;
        }
    }
    if let Some((id, hash)) = last {
        super::put_setting(conn, "audit_head", &format!("{id}:{hash}"))?;
    }
    conn.execute_batch(
        "CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN
             SELECT RAISE(ABORT, '事件记录只能追加，不能修改');
         END;",
    )?;
    Ok(())
}

fn read_all(conn: &Connection) -> Result<Vec<(Fields, String, String, String)>> {
    let mut st = conn.prepare(
        "SELECT id, case_id, at, actor, action, from_state, to_state, note, data, prev_hash, hash, desk
         FROM events ORDER BY id",
    )?;
    let rows = st.query_map([], |r| {
        let fields = (
            r.get("id")?,
            r.get("case_id")?,
            r.get("at")?,
            r.get("actor")?,
            r.get("action")?,
            r.get("from_state")?,
            r.get("to_state")?,
            r.get("note")?,
            r.get("data")?,
        );
        Ok((fields, r.get("prev_hash")?, r.get("hash")?, r.get("desk")?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What `hallctl audit verify` and the admin screen report.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditReport {
    pub events: u32,
    pub intact: bool,
    /// The first broken link, in Chinese (empty when intact).
    pub broken: String,
    /// Id of the first event that does not fit the chain.
    #[ts(type = "number | null")]
    pub broken_id: Option<i64>,
}

impl Store {
    /// Walks the whole chain and names the first broken link.
    pub fn audit_verify(&self) -> Result<AuditReport> {
        let rows = read_all(&self.conn)?;
        let n = rows.len() as u32;
        let broken =
            |id: i64, why: String| Ok(AuditReport { events: n, intact: false, broken: why, broken_id: Some(id) });
        let mut prev = String::new();
        let mut expected_id = 1;
        for (f, prev_hash, hash, desk) in &rows {
            let what = format!("事件 #{}（{}，{}，{}）", f.0, f.2, f.3, f.4);
            if f.0 != expected_id {
                return broken(f.0, format!("事件 #{expected_id} 至 #{} 缺失：有记录被删除", f.0 - 1));
            }
            if *prev_hash != prev {
                return broken(f.0, format!("{what} 之前的记录被改动或删除"));
            }
            if link(&prev, f, desk) != *hash {
                return broken(f.0, format!("{what} 的内容被改动"));
            }
            prev = hash.clone();
            expected_id += 1;
        }
        let head = self.setting("audit_head")?.unwrap_or_default();
        let last = rows.last().map(|(f, _, h, _)| format!("{}:{h}", f.0)).unwrap_or_default();
        if head != last {
            let id = head.split(':').next().and_then(|i| i.parse().ok()).unwrap_or(0);
            return broken(id, format!("最新的事件记录被删除（应至事件 #{id}，现仅至 #{}）", expected_id - 1));
        }
        Ok(AuditReport { events: n, intact: true, broken: String::new(), broken_id: None })
    }
}
