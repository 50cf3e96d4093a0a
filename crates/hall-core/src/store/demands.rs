//! Citizens' demands and suggestions in the store: logged at the desk, reviewed (adopted or
//! not) and answered by the supervisor, each step one write with its event; the answer also
//! queues the demand for the county hub (store/outbox.rs).

use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::records::{next_number, not_found, record_event};
use super::stored::At;
use super::{fmt_ts, Store};
use crate::demands::{DemandInput, DemandKind, DemandState};
use crate::error::{HallError, Result};
use crate::privacy::mask_phone;
use crate::validate::{clip, text};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Demand {
    pub number: String,
    pub kind: DemandKind,
    pub kind_label: String,
    pub category: String,
    pub village: String,
    pub content: String,
    pub citizen_name: String,
    pub phone_masked: String,
    pub logged_by: String,
    pub logged_at: String,
    pub state: DemandState,
    pub state_label: String,
    pub review_note: String,
    pub reviewed_by: Option<String>,
    pub reviewed_at: Option<String>,
    pub answer: String,
    pub answered_by: Option<String>,
    pub answered_at: Option<String>,
}

const COLUMNS: &str = "id, number, kind, category, village, content, citizen_name, phone, logged_by, logged_at, state,
     review_note, reviewed_by, reviewed_at, answer, answered_by, answered_at";

/// The one mapping of a demand (`COLUMNS`).
fn demand(r: &Row) -> rusqlite::Result<Demand> {
    let at = At::new(r, "demands", "id")?;
    let kind = at.key("kind", DemandKind::parse)?;
    let state = at.key("state", DemandState::parse)?;
    let phone: String = r.get("phone")?;
    Ok(Demand {
        number: r.get("number")?,
        kind,
        kind_label: kind.label().to_string(),
        category: r.get("category")?,
        village: r.get("village")?,
        content: r.get("content")?,
        citizen_name: r.get("citizen_name")?,
        phone_masked: if phone.is_empty() { String::new() } else { mask_phone(&phone) },
        logged_by: r.get("logged_by")?,
        logged_at: r.get("logged_at")?,
        state,
        state_label: state.label().to_string(),
        review_note: r.get("review_note")?,
        reviewed_by: r.get("reviewed_by")?,
        reviewed_at: r.get("reviewed_at")?,
        answer: r.get("answer")?,
        answered_by: r.get("answered_by")?,
        answered_at: r.get("answered_at")?,
    })
}

impl Store {
    pub fn log_demand(&mut self, input: &DemandInput, actor: &str) -> Result<Demand> {
        let (category, village, content, name, phone) = input.check()?;
        let now = self.now();
        let tx = self.write()?;
        let number = next_number(&tx, "XQ", now)?;
        tx.execute(
            "INSERT INTO demands(number, kind, category, village, content, citizen_name, phone, logged_by, logged_at, state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'submitted')",
            params![number, input.kind.key(), category, village, content, name, phone, actor, fmt_ts(now)],
        )?;
        let note = format!("{}登记：{}（{}，{}）", input.kind.label(), clip(&content, 40), category, village);
        record_event(&tx, now, actor, "demand_log", &number, &note)?;
        tx.commit()?;
        self.demand(&number)
    }

    /// The supervisor's review: adopted or not, with a note (the reason, when not adopted).
    pub fn review_demand(&mut self, number: &str, adopt: bool, note: &str, actor: &str) -> Result<Demand> {
        if !adopt && note.trim().is_empty() {
            return Err(HallError::invalid("不予采纳时须写明理由"));
        }
        let note = text("审核意见", note, 1000, false)?;
        let d = self.demand(number)?;
        if d.state != DemandState::Submitted {
            return Err(HallError::conflict(format!("{} 已审核（{}），不能重复审核", d.number, d.state_label)));
        }
        let now = self.now();
        let state = if adopt { DemandState::Adopted } else { DemandState::Declined };
        let tx = self.write()?;
        tx.execute(
            "UPDATE demands SET state = ?2, adopted = ?3, review_note = ?4, reviewed_by = ?5, reviewed_at = ?6
             WHERE number = ?1 AND state = 'submitted'",
            params![d.number, state.key(), adopt, note, actor, fmt_ts(now)],
        )?;
        record_event(&tx, now, actor, "demand_review", &d.number, &format!("诉求审核：{}", state.label()))?;
        tx.commit()?;
        self.demand(number)
    }

    /// The answer given to the citizen; a reviewed demand only.
    pub fn answer_demand(&mut self, number: &str, answer: &str, actor: &str) -> Result<Demand> {
        let answer = text("答复内容", answer, 2000, true)?;
        let d = self.demand(number)?;
        match d.state {
            DemandState::Submitted => {
                return Err(HallError::conflict(format!("{} 尚未审核：请先审核（采纳或不予采纳）再答复", d.number)))
            }
            DemandState::Answered => return Err(HallError::conflict(format!("{} 已答复", d.number))),
            DemandState::Adopted | DemandState::Declined => {}
        }
        let now = self.now();
        let tx = self.write()?;
        tx.execute(
            "UPDATE demands SET state = 'answered', answer = ?2, answered_by = ?3, answered_at = ?4
             WHERE number = ?1 AND state IN ('adopted', 'declined')",
            params![d.number, answer, actor, fmt_ts(now)],
        )?;
        record_event(&tx, now, actor, "demand_answer", &d.number, &format!("诉求答复：{}", clip(&answer, 80)))?;
        // Answered, it goes up to the county with the completed cases: queued in this
        // transaction, so an answered demand is never missing from the outbox.
        super::outbox::queue_demand(&tx, &d.number, now)?;
        tx.commit()?;
        self.demand(number)
    }

    pub fn demand(&self, number: &str) -> Result<Demand> {
        let sql = format!("SELECT {COLUMNS} FROM demands WHERE number = ?1");
        self.conn.query_row(&sql, [number.trim()], demand).optional()?.ok_or_else(|| not_found("群众诉求", number))
    }

    /// Newest first; one state's when given.
    pub fn demands(&self, state: Option<DemandState>, limit: usize) -> Result<Vec<Demand>> {
        let sql = format!("SELECT {COLUMNS} FROM demands WHERE ?1 IS NULL OR state = ?1 ORDER BY id DESC LIMIT ?2");
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(params![state.map(|s| s.key()), limit as i64], demand)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Those logged on `date`, in number order (the daily sheet's list).
    pub fn demands_on(&self, date: chrono::NaiveDate) -> Result<Vec<Demand>> {
        let sql = format!("SELECT {COLUMNS} FROM demands WHERE logged_at >= ?1 AND logged_at < ?2 ORDER BY id");
        let mut st = self.conn.prepare_cached(&sql)?;
        let next = date + chrono::Duration::days(1);
        let rows = st.query_map([format!("{date} 00:00:00"), format!("{next} 00:00:00")], demand)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Villages named before, most used first (the desk's suggestions).
    pub fn demand_villages(&self) -> Result<Vec<String>> {
        let mut st = self
            .conn
            .prepare("SELECT village FROM demands GROUP BY village ORDER BY count(*) DESC, village LIMIT 50")?;
        let rows = st.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
