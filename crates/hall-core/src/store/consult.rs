//! Consultations in the store: logged in one write with their event; call-backs tracked until a
//! clerk records how the citizen was called back.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::records::{next_number, not_found, record_event};
use super::stored::At;
use super::{fmt_ts, Store};
use crate::consult::{ConsultInput, DEFAULT_CALLBACK_DAYS};
use crate::error::{HallError, Result};
use crate::validate::{clip, text};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Consultation {
    pub number: String,
    pub at: String,
    /// 首问负责人 (username) and name.
    pub clerk: String,
    pub clerk_name: String,
    pub topic: String,
    pub item_code: Option<String>,
    pub citizen_name: String,
    /// The number to call back on (empty when none was left).
    pub phone: String,
    pub answer: String,
    pub callback: bool,
    pub callback_due: Option<String>,
    pub closed_at: Option<String>,
    pub closed_by: Option<String>,
    pub result: String,
    /// A call back still owed past its date.
    pub overdue: bool,
}

const COLUMNS: &str = "c.id AS id, c.number AS number, c.at AS at, c.clerk AS clerk, u.name AS clerk_name,
     c.topic AS topic, c.item_code AS item_code, c.citizen_name AS citizen_name, c.phone AS phone, c.answer AS answer,
     c.callback AS callback, c.callback_due AS callback_due, c.closed_at AS closed_at, c.closed_by AS closed_by,
     c.result AS result";

/// The one mapping of a consultation (`COLUMNS`).
fn consultation(r: &Row, today: &str) -> rusqlite::Result<Consultation> {
    let callback: bool = r.get("callback")?;
    let due = At::new(r, "consultations", "id")?.date_text_opt("callback_due")?;
    let closed_at: Option<String> = r.get("closed_at")?;
    Ok(Consultation {
        number: r.get("number")?,
        at: r.get("at")?,
        clerk: r.get("clerk")?,
        clerk_name: r.get::<_, Option<String>>("clerk_name")?.unwrap_or_default(),
        topic: r.get("topic")?,
        item_code: r.get("item_code")?,
        citizen_name: r.get("citizen_name")?,
        phone: r.get("phone")?,
        answer: r.get("answer")?,
        callback,
        overdue: callback && closed_at.is_none() && due.as_deref().is_some_and(|d| d < today),
        callback_due: due,
        closed_at,
        closed_by: r.get("closed_by")?,
        result: r.get("result")?,
    })
}

/// Which consultations a list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ConsultFilter {
    All,
    /// Call-backs still owed.
    OpenCallbacks,
}

impl Store {
    pub fn log_consultation(&mut self, input: &ConsultInput, clerk: &str) -> Result<Consultation> {
        let now = self.now();
        let c = input.check(now.date())?;
        let topic = match (&c.item_code, c.topic.is_empty()) {
            (Some(code), empty) => {
                let item = self.catalog_item(code, None)?;
                if empty {
                    item.item.name
                } else {
                    c.topic
                }
            }
            (None, _) => c.topic,
        };
        let due = input.callback.then(|| {
            input
                .callback_due
                .unwrap_or_else(|| self.calendar().add_working_days(now.date(), DEFAULT_CALLBACK_DAYS).date)
        });
        let tx = self.write()?;
        let number = next_number(&tx, "ZX", now)?;
        tx.execute(
            "INSERT INTO consultations(number, at, clerk, topic, item_code, citizen_name, phone, answer, callback, callback_due)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                number,
                fmt_ts(now),
                clerk,
                topic,
                c.item_code,
                c.citizen_name,
                c.phone,
                c.answer,
                input.callback,
                due.map(|d| d.to_string())
            ],
        )?;
        let note = match due {
            Some(d) => format!("咨询登记：{}（需回访，期限 {d}）", clip(&topic, 60)),
            None => format!("咨询登记：{}", clip(&topic, 60)),
        };
        record_event(&tx, now, clerk, "consult_log", &number, &note)?;
        tx.commit()?;
        self.consultation(&number)
    }

    /// Closes an owed call back with what came of it.
    pub fn close_callback(&mut self, number: &str, result: &str, actor: &str) -> Result<Consultation> {
        let result = text("回访情况", result, 1000, true)?;
        let c = self.consultation(number)?;
        if !c.callback {
            return Err(HallError::conflict(format!("{} 登记时未要求回访，无需办结回访", c.number)));
        }
        if let Some(at) = &c.closed_at {
            return Err(HallError::conflict(format!("{} 的回访已于 {at} 办结", c.number)));
        }
        let now = self.now();
        let tx = self.write()?;
        tx.execute(
            "UPDATE consultations SET closed_at = ?2, closed_by = ?3, result = ?4 WHERE number = ?1 AND closed_at IS NULL",
            params![c.number, fmt_ts(now), actor, result],
        )?;
        record_event(&tx, now, actor, "callback_close", &c.number, &format!("回访办结：{}", clip(&result, 80)))?;
        tx.commit()?;
        self.consultation(number)
    }

    pub fn consultation(&self, number: &str) -> Result<Consultation> {
        let today = self.today().to_string();
        let sql = format!(
            "SELECT {COLUMNS} FROM consultations c LEFT JOIN users u ON u.username = c.clerk WHERE c.number = ?1"
        );
        self.conn
            .query_row(&sql, [number.trim()], |r| consultation(r, &today))
            .optional()?
            .ok_or_else(|| not_found("咨询记录", number))
    }

    /// Newest first: of one day when `date` is given; open call-backs (oldest due first) by filter.
    pub fn consultations(
        &self,
        filter: ConsultFilter,
        date: Option<NaiveDate>,
        limit: usize,
    ) -> Result<Vec<Consultation>> {
        let today = self.today().to_string();
        let sql = match filter {
            ConsultFilter::All => format!(
                "SELECT {COLUMNS} FROM consultations c LEFT JOIN users u ON u.username = c.clerk
                 WHERE ?1 IS NULL OR substr(c.at, 1, 10) = ?1 ORDER BY c.id DESC LIMIT ?2"
            ),
            ConsultFilter::OpenCallbacks => format!(
                "SELECT {COLUMNS} FROM consultations c LEFT JOIN users u ON u.username = c.clerk
                 WHERE c.callback = 1 AND c.closed_at IS NULL AND (?1 IS NULL OR substr(c.at, 1, 10) = ?1)
                 ORDER BY c.callback_due, c.id LIMIT ?2"
            ),
        };
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(params![date.map(|d| d.to_string()), limit as i64], |r| consultation(r, &today))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
