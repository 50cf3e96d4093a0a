//! 县乡联动 issues in the store: raised with a due date for the department's answer (by urgency,
//! in working days), answered with the department's reply, its date, result and the township's
//! evaluation.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::records::{next_number, not_found, record_event};
use super::stored::At;
use super::{fmt_ts, Store};
use crate::coordination::{IssueAnswer, IssueInput, IssueUrgency};
use crate::error::{HallError, Result};
use crate::validate::clip;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CoordIssue {
    pub number: String,
    pub kind: String,
    pub title: String,
    pub location: String,
    pub urgency: IssueUrgency,
    pub urgency_label: String,
    pub department: String,
    pub department_name: String,
    pub raised_on: String,
    pub raised_at: String,
    pub raised_by: String,
    /// The department's answer is due by this day.
    pub due_on: String,
    pub answer: String,
    pub answered_on: Option<String>,
    pub result: Option<String>,
    pub satisfaction: Option<String>,
    pub recorded_by: Option<String>,
    /// Unanswered past the due day, or answered after it.
    pub overdue: bool,
}

const COLUMNS: &str =
    "i.id AS id, i.number AS number, i.kind AS kind, i.title AS title, i.location AS location, i.urgency AS urgency,
     i.department AS department, u.name AS department_name, i.raised_on AS raised_on, i.raised_at AS raised_at,
     i.raised_by AS raised_by, i.due_on AS due_on, i.answer AS answer, i.answered_on AS answered_on,
     i.result AS result, i.satisfaction AS satisfaction, i.recorded_by AS recorded_by";

/// The one mapping of a 联动 issue (`COLUMNS`).
fn issue(r: &Row, today: &str) -> rusqlite::Result<CoordIssue> {
    let at = At::new(r, "coordination_issues", "id")?;
    let urgency = at.key("urgency", IssueUrgency::parse)?;
    let due_on = at.date_text("due_on")?;
    let answered_on = at.date_text_opt("answered_on")?;
    Ok(CoordIssue {
        number: r.get("number")?,
        kind: r.get("kind")?,
        title: r.get("title")?,
        location: r.get("location")?,
        urgency,
        urgency_label: urgency.label().to_string(),
        department: r.get("department")?,
        department_name: r.get::<_, Option<String>>("department_name")?.unwrap_or_default(),
        raised_on: at.date_text("raised_on")?,
        raised_at: r.get("raised_at")?,
        raised_by: r.get("raised_by")?,
        overdue: answered_on.as_deref().unwrap_or(today) > due_on.as_str(),
        due_on,
        answer: r.get("answer")?,
        answered_on,
        result: r.get("result")?,
        satisfaction: r.get("satisfaction")?,
        recorded_by: r.get("recorded_by")?,
    })
}

impl Store {
    pub fn raise_issue(&mut self, input: &IssueInput, actor: &str) -> Result<CoordIssue> {
        let (kind, title, location, department) = input.check()?;
        let level = self.unit(&department)?.map(|u| u.level);
        if level != Some(crate::catalog::UnitLevel::County) {
            return Err(HallError::invalid(format!(
                "“{}”不是县级部门：县乡联动事项应提交给县级部门",
                clip(&department, 40)
            )));
        }
        let now = self.now();
        let due = self.calendar().add_working_days(now.date(), input.urgency.answer_days()).date;
        let tx = self.write()?;
        let number = next_number(&tx, "LD", now)?;
        tx.execute(
            "INSERT INTO coordination_issues(number, kind, title, location, urgency, department, raised_on, raised_at,
                raised_by, due_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            params![
                number,
                kind,
                title,
                location,
                input.urgency.key(),
                department,
                now.date().to_string(),
                fmt_ts(now),
                actor,
                due.to_string()
            ],
        )?;
        let note = format!("县乡联动提请（{}，{}）：{}，答复期限 {due}", kind, input.urgency.label(), clip(&title, 60));
        record_event(&tx, now, actor, "coord_raise", &number, &note)?;
        tx.commit()?;
        self.issue(&number)
    }

    /// Records the department's answer.
    pub fn answer_issue(&mut self, number: &str, a: &IssueAnswer, actor: &str) -> Result<CoordIssue> {
        let (answer, result, satisfaction) = a.check()?;
        let i = self.issue(number)?;
        if i.answered_on.is_some() {
            return Err(HallError::conflict(format!("{} 已记录部门答复", i.number)));
        }
        let now = self.now();
        let on: NaiveDate = a.answered_on.unwrap_or(now.date());
        if on > now.date() {
            return Err(HallError::invalid(format!("答复日期 {on} 晚于今天")));
        }
        if on.to_string() < i.raised_on {
            return Err(HallError::invalid(format!("答复日期 {on} 早于提请日期 {}", i.raised_on)));
        }
        let tx = self.write()?;
        tx.execute(
            "UPDATE coordination_issues SET answer = ?2, answered_on = ?3, result = ?4, satisfaction = ?5, recorded_by = ?6
             WHERE number = ?1 AND answered_on IS NULL",
            params![i.number, answer, on.to_string(), result, satisfaction, actor],
        )?;
        let late = if on.to_string() > i.due_on { "（逾期答复）" } else { "" };
        let note = format!("部门答复{late}：{result}，评价{satisfaction}");
        record_event(&tx, now, actor, "coord_answer", &i.number, &note)?;
        tx.commit()?;
        self.issue(number)
    }

    pub fn issue(&self, number: &str) -> Result<CoordIssue> {
        let today = self.today().to_string();
        let sql = format!("SELECT {COLUMNS} FROM coordination_issues i LEFT JOIN units u ON u.code = i.department WHERE i.number = ?1");
        self.conn
            .query_row(&sql, [number.trim()], |r| issue(r, &today))
            .optional()?
            .ok_or_else(|| not_found("县乡联动事项", number))
    }

    /// Open ones nearest due first when `open_only`, else newest first.
    pub fn issues(&self, open_only: bool, limit: usize) -> Result<Vec<CoordIssue>> {
        let today = self.today().to_string();
        let sql = if open_only {
            format!(
                "SELECT {COLUMNS} FROM coordination_issues i LEFT JOIN units u ON u.code = i.department
                     WHERE i.answered_on IS NULL ORDER BY i.due_on, i.id LIMIT ?1"
            )
        } else {
            format!(
                "SELECT {COLUMNS} FROM coordination_issues i LEFT JOIN units u ON u.code = i.department
                     ORDER BY i.id DESC LIMIT ?1"
            )
        };
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map([limit as i64], |r| issue(r, &today))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
