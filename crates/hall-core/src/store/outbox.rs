//! The outbox of what goes up to the county hub: completed cases and answered citizens'
//! demands. A row is written in the same transaction that completes a case (or adds a rating or
//! a follow-up to a completed one) or answers a demand, so a record the hall finished is always
//! either acknowledged by the hub or still waiting to go.

use chrono::NaiveDateTime;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sync_protocol::{
    AckStatus, CaseAck, CaseBody, CaseRecord, DemandAck, DemandBody, DemandRecord, EventRecord, RatingRecord,
    ReviewRecord,
};
use ts_rs::TS;

use super::stored::At;
use super::{fmt_ts, RatingChannel, Store};
use crate::error::Result;
use crate::lifecycle::CaseState;
use crate::privacy::mask_id;

/// Where a case stands with the county hub.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SyncState {
    /// Waiting to go up.
    Pending,
    /// Sent, no answer yet (sent again if none comes).
    Sent,
    Acknowledged,
    /// The hub holds this revision with other content: for the supervisor and the county.
    Conflict,
}

impl SyncState {
    fn key(self) -> &'static str {
        match self {
            SyncState::Pending => "pending",
            SyncState::Sent => "sent",
            SyncState::Acknowledged => "acknowledged",
            SyncState::Conflict => "conflict",
        }
    }
    fn parse(s: &str) -> Option<SyncState> {
        [SyncState::Pending, SyncState::Sent, SyncState::Acknowledged, SyncState::Conflict]
            .into_iter()
            .find(|k| k.key() == s)
    }
}

/// The window's sync indicator.
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutboxCounts {
    /// Cases and demands waiting to go up.
    pub pending: u32,
    pub acknowledged: u32,
    pub conflicts: u32,
}

/// What the county needs of the case, read inside the writing transaction.
fn body(tx: &Connection, case_id: i64) -> Result<(String, CaseBody)> {
    let (uuid, mut body, id_number): (String, CaseBody, String) = tx.query_row(
        "SELECT c.uuid AS uuid, c.number AS number, c.item_code AS item_code, c.item_name AS item_name,
                v.version AS version, c.unit AS unit, c.state AS state, a.kind AS applicant_kind,
                c.applicant_name AS applicant_name, a.id_number AS id_number, c.logged_at AS logged_at,
                c.accepted_on AS accepted_on, c.due_date AS due_date, c.closed_at AS closed_at
         FROM cases c JOIN applicants a ON a.id = c.applicant_id JOIN catalog_versions v ON v.id = c.catalog_version
         WHERE c.id = ?1",
        [case_id],
        |r| {
            Ok((
                r.get("uuid")?,
                CaseBody {
                    number: r.get("number")?,
                    item_code: r.get("item_code")?,
                    item_name: r.get("item_name")?,
                    catalog_version: r.get("version")?,
                    unit: r.get("unit")?,
                    state: r.get("state")?,
                    applicant_kind: r.get("applicant_kind")?,
                    applicant_name: r.get("applicant_name")?,
                    applicant_id_masked: String::new(),
                    logged_at: r.get("logged_at")?,
                    accepted_on: r.get("accepted_on")?,
                    due_date: r.get("due_date")?,
                    closed_at: r.get("closed_at")?,
                    events: Vec::new(),
                    rating: None,
                },
                r.get("id_number")?,
            ))
        },
    )?;
    body.applicant_id_masked = mask_id(&id_number);
    let mut st = tx.prepare_cached(
        "SELECT at, actor, action, from_state, to_state, note FROM events WHERE case_id = ?1 AND action != 'print' ORDER BY id",
    )?;
    body.events = st
        .query_map([case_id], |r| {
            Ok(EventRecord {
                at: r.get("at")?,
                actor: r.get("actor")?,
                action: r.get("action")?,
                from_state: r.get("from_state")?,
                to_state: r.get("to_state")?,
                note: r.get("note")?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    body.rating = tx
        .query_row(
            "SELECT r.case_id AS case_id, r.level AS level, r.comment AS comment, r.rated_at AS rated_at,
                    r.channel AS channel, r.reasons AS reasons,
                    f.closed_at IS NOT NULL AS follow_up_closed, f.case_id IS NOT NULL AS has_follow_up
             FROM ratings r LEFT JOIN follow_ups f ON f.case_id = r.case_id WHERE r.case_id = ?1",
            [case_id],
            |r| {
                let at = At::new(r, "ratings", "case_id")?;
                let has_follow_up: bool = r.get("has_follow_up")?;
                Ok(RatingRecord {
                    level: r.get("level")?,
                    comment: r.get("comment")?,
                    rated_at: r.get("rated_at")?,
                    follow_up_closed: if has_follow_up { Some(r.get("follow_up_closed")?) } else { None },
                    channel: at.known("channel", RatingChannel::parse)?.key().to_string(),
                    reasons: at.key("reasons", super::rater::parse_reasons)?,
                })
            },
        )
        .optional()?;
    Ok((uuid, body))
}

/// What an outbox row holds: the column naming its record.
#[derive(Clone, Copy)]
enum Kind {
    Case,
    Demand,
}

impl Kind {
    fn column(self) -> &'static str {
        match self {
            Kind::Case => "case_id",
            Kind::Demand => "demand_id",
        }
    }
}

/// Puts a record's body in the outbox if it differs from what is there. A new revision is made
/// unless the previous one never left the hall.
fn put<T: serde::Serialize>(
    tx: &Connection,
    kind: Kind,
    id: i64,
    body: &T,
    hash: String,
    now: NaiveDateTime,
) -> Result<()> {
    let col = kind.column();
    let before: Option<(u32, String, u32)> = tx
        .query_row(&format!("SELECT revision, content_hash, attempts FROM outbox WHERE {col} = ?1"), [id], |r| {
            Ok((r.get("revision")?, r.get("content_hash")?, r.get("attempts")?))
        })
        .optional()?;
    let revision = match before {
        Some((_, h, _)) if h == hash => return Ok(()),
        Some((rev, _, 0)) => rev,
        Some((rev, _, _)) => rev + 1,
        None => 1,
    };
    let json = serde_json::to_string(body).expect("a body serialises");
    tx.execute(
        &format!(
            "INSERT INTO outbox({col}, revision, content_hash, body, state, queued_at) VALUES (?1, ?2, ?3, ?4, 'pending', ?5)
             ON CONFLICT({col}) DO UPDATE SET revision = excluded.revision, content_hash = excluded.content_hash,
                body = excluded.body, state = 'pending', queued_at = excluded.queued_at, attempts = 0, last_error = ''"
        ),
        params![id, revision, hash, json, fmt_ts(now)],
    )?;
    Ok(())
}

/// Queues the case for the hub if it is completed and what the hub would hold changed.
pub(super) fn queue(tx: &Connection, case_id: i64, now: NaiveDateTime) -> Result<()> {
    let state: CaseState = tx.query_row("SELECT id, state FROM cases WHERE id = ?1", [case_id], |r| {
        At::new(r, "cases", "id")?.key("state", CaseState::parse)
    })?;
    if !state.info().closed {
        return Ok(());
    }
    let (_, body) = body(tx, case_id)?;
    let hash = body.content_hash();
    put(tx, Kind::Case, case_id, &body, hash, now)
}

/// Queues the demand for the hub once it is answered (and again as a new revision should what
/// the county holds of it change). Who raised it and their phone stay in the hall.
pub(super) fn queue_demand(tx: &Connection, number: &str, now: NaiveDateTime) -> Result<()> {
    let (id, body): (i64, DemandBody) = tx.query_row(
        "SELECT id, number, kind, category, village, content, logged_at, state, adopted, review_note, reviewed_at,
                answer, answered_at FROM demands WHERE number = ?1",
        [number],
        |r| {
            let reviewed_at: Option<String> = r.get("reviewed_at")?;
            let review = match reviewed_at {
                Some(reviewed_at) => Some(ReviewRecord {
                    adopted: r.get::<_, Option<bool>>("adopted")?.unwrap_or(false),
                    note: r.get("review_note")?,
                    reviewed_at,
                }),
                None => None,
            };
            Ok((
                r.get("id")?,
                DemandBody {
                    number: r.get("number")?,
                    kind: r.get("kind")?,
                    category: r.get("category")?,
                    village: r.get("village")?,
                    content: r.get("content")?,
                    logged_at: r.get("logged_at")?,
                    state: r.get("state")?,
                    review,
                    answer: r.get("answer")?,
                    answered_at: r.get("answered_at")?,
                },
            ))
        },
    )?;
    if body.state != "answered" {
        return Ok(());
    }
    let hash = body.content_hash();
    put(tx, Kind::Demand, id, &body, hash, now)
}

/// Queues every completed case (a hall upgraded to the version that syncs).
pub(super) fn queue_all_completed(tx: &Connection, now: NaiveDateTime) -> Result<()> {
    let closed: Vec<String> =
        crate::lifecycle::STATES.iter().filter(|s| s.closed).map(|s| format!("'{}'", s.key)).collect();
    let ids: Vec<i64> = {
        let mut st = tx.prepare(&format!("SELECT id FROM cases WHERE state IN ({}) ORDER BY id", closed.join(", ")))?;
        let rows = st.query_map([], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    for id in ids {
        queue(tx, id, now)?;
    }
    Ok(())
}

/// One push's worth of the outbox: cases and demands, oldest first, together at most the limit.
#[derive(Debug, Clone, Default)]
pub struct OutboxBatch {
    pub cases: Vec<CaseRecord>,
    pub demands: Vec<DemandRecord>,
}

impl OutboxBatch {
    pub fn len(&self) -> usize {
        self.cases.len() + self.demands.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

fn corrupt(what: &str, e: serde_json::Error) -> crate::HallError {
    crate::HallError::new(crate::ErrorCode::Storage, format!("待上报{what}数据损坏：{e}"))
}

/// The outbox state an ack leaves a row in.
fn acked(status: AckStatus) -> SyncState {
    match status {
        AckStatus::Conflict => SyncState::Conflict,
        _ => SyncState::Acknowledged,
    }
}

/// Row conditions naming a case by its UUID and a demand by its number.
const BY_UUID: &str = "case_id = (SELECT id FROM cases WHERE uuid = ?)";
const BY_NUMBER: &str = "demand_id = (SELECT id FROM demands WHERE number = ?)";

impl Store {
    /// The next batch to send, oldest first: pending rows and rows sent without an answer
    /// (a hall stopped mid-sync sends those again). They are marked sent.
    pub fn outbox_batch(&mut self, limit: usize) -> Result<OutboxBatch> {
        let now = fmt_ts(self.now());
        let tx = self.write()?;
        let rows: Vec<(i64, Option<String>, u32, String, String)> = {
            let mut st = tx.prepare_cached(
                "SELECT o.id AS id, c.uuid AS uuid, o.revision AS revision, o.content_hash AS content_hash, o.body AS body
                 FROM outbox o LEFT JOIN cases c ON c.id = o.case_id
                 WHERE o.state IN ('pending', 'sent') ORDER BY o.queued_at, o.id LIMIT ?1",
            )?;
            let rows = st.query_map([limit as i64], |r| {
                Ok((r.get("id")?, r.get("uuid")?, r.get("revision")?, r.get("content_hash")?, r.get("body")?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut out = OutboxBatch::default();
        for (id, uuid, revision, content_hash, body) in rows {
            tx.execute(
                "UPDATE outbox SET state = 'sent', sent_at = ?1, attempts = attempts + 1 WHERE id = ?2",
                params![now, id],
            )?;
            match uuid {
                Some(uuid) => {
                    let body: CaseBody = serde_json::from_str(&body).map_err(|e| corrupt("办件", e))?;
                    out.cases.push(CaseRecord { uuid, revision, content_hash, body });
                }
                None => {
                    let body: DemandBody = serde_json::from_str(&body).map_err(|e| corrupt("诉求", e))?;
                    out.demands.push(DemandRecord { revision, content_hash, body });
                }
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Applies the hub's answers in one transaction. An answer for an older revision than the
    /// row now holds (the record changed while in flight) leaves the row pending.
    pub fn outbox_acknowledge(&mut self, cases: &[CaseAck], demands: &[DemandAck]) -> Result<()> {
        let now = fmt_ts(self.now());
        let tx = self.write()?;
        let acks = cases
            .iter()
            .map(|a| (BY_UUID, &a.uuid, a.revision, a.status))
            .chain(demands.iter().map(|a| (BY_NUMBER, &a.number, a.revision, a.status)));
        for (record, key, revision, status) in acks {
            tx.prepare_cached(&format!(
                "UPDATE outbox SET state = ?, acked_at = ?, last_error = '' WHERE revision = ? AND state = 'sent' AND {record}"
            ))?
            .execute(params![acked(status).key(), now, revision, key])?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A send failed: the batch's rows go back to pending with the reason.
    pub fn outbox_failed(&mut self, cases: &[CaseRecord], demands: &[DemandRecord], error: &str) -> Result<()> {
        let tx = self.write()?;
        let keys = cases.iter().map(|c| (BY_UUID, &c.uuid)).chain(demands.iter().map(|d| (BY_NUMBER, &d.body.number)));
        for (record, key) in keys {
            tx.prepare_cached(&format!(
                "UPDATE outbox SET state = 'pending', last_error = ? WHERE state = 'sent' AND {record}"
            ))?
            .execute(params![error, key])?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn outbox_counts(&self) -> Result<OutboxCounts> {
        Ok(self.conn.query_row(
            "SELECT coalesce(sum(state IN ('pending', 'sent')), 0) AS pending,
                    coalesce(sum(state = 'acknowledged'), 0) AS acknowledged,
                    coalesce(sum(state = 'conflict'), 0) AS conflicts FROM outbox",
            [],
            |r| {
                Ok(OutboxCounts {
                    pending: r.get("pending")?,
                    acknowledged: r.get("acknowledged")?,
                    conflicts: r.get("conflicts")?,
                })
            },
        )?)
    }

    /// Where one case stands with the hub (`None`: not completed, nothing to send).
    pub fn sync_state(&self, case_id: i64) -> Result<Option<SyncState>> {
        Ok(self
            .conn
            .query_row("SELECT id, state FROM outbox WHERE case_id = ?1", [case_id], |r| {
                At::new(r, "outbox", "id")?.known("state", SyncState::parse)
            })
            .optional()?)
    }
}

/// The county hub the hall syncs with: its address (a setting) and the township's token, kept
/// in a file beside the database that only the hall's user may read — never in the database,
/// which travels in backups.
impl Store {
    fn token_path(&self) -> std::path::PathBuf {
        self.path().with_file_name("hub-token")
    }

    pub fn hub_url(&self) -> Result<Option<String>> {
        Ok(Some(self.stored_hub_url()?).filter(|u| !u.is_empty()))
    }

    pub fn hub_token(&self) -> Result<Option<String>> {
        match std::fs::read_to_string(self.token_path()) {
            Ok(t) => Ok(Some(t.trim().to_string()).filter(|t| !t.is_empty())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Saves the hub's address and, when given, a new token (the token is never shown again).
    pub fn save_hub(&mut self, url: &str, token: Option<&str>, actor: &str) -> Result<()> {
        let url = crate::validate::text("县级平台地址", url, 200, false)?;
        if !url.is_empty() {
            crate::validate::hub_url(&url)?;
        }
        if let Some(t) = token {
            let t = crate::validate::text("接入令牌", t, 200, true)?;
            let path = self.token_path();
            let mut f = tempfile_beside(&path)?;
            std::io::Write::write_all(&mut f, t.as_bytes())?;
            f.persist(&path).map_err(|e| e.error)?;
        }
        let tx = self.write()?;
        super::put_setting(&tx, "hub_url", &url)?;
        let note = if token.is_some() {
            format!("县级平台 {url}，已更换接入令牌")
        } else {
            format!("县级平台 {url}")
        };
        super::hall_event(&tx, self.now(), actor, "settings", &note)?;
        tx.commit()?;
        Ok(())
    }
}

/// A file next to `path` readable by its owner only (the token's permissions from the start).
fn tempfile_beside(path: &std::path::Path) -> Result<tempfile::NamedTempFile> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    // tempfile creates files with mode 0600 on Unix.
    Ok(tempfile::NamedTempFile::new_in(dir)?)
}

/// The window's sync indicator: what waits, what went, and how the last pass ended.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SyncStatus {
    pub hub_url: Option<String>,
    pub token_set: bool,
    pub counts: OutboxCounts,
    pub last_attempt: Option<String>,
    pub last_success: Option<String>,
    /// The last pass's failure in Chinese (empty after a success).
    pub last_error: String,
}

impl Store {
    pub fn sync_status(&self) -> Result<SyncStatus> {
        Ok(SyncStatus {
            hub_url: self.hub_url()?,
            token_set: self.hub_token()?.is_some(),
            counts: self.outbox_counts()?,
            last_attempt: self.setting("sync_last_attempt")?,
            last_success: self.setting("sync_last_success")?,
            last_error: self.setting("sync_last_error")?.unwrap_or_default(),
        })
    }

    /// Records how a pass ended (`error` empty: it went through).
    pub fn record_sync(&mut self, error: &str) -> Result<()> {
        let now = fmt_ts(self.now());
        let tx = self.write()?;
        super::put_setting(&tx, "sync_last_attempt", &now)?;
        if error.is_empty() {
            super::put_setting(&tx, "sync_last_success", &now)?;
        }
        super::put_setting(&tx, "sync_last_error", error)?;
        tx.commit()?;
        Ok(())
    }
}
