//! 县乡联动 issues in the store: raised with a due date for the department's answer (by urgency,
//! in working days), answered with the department's reply, its date, result and the township's
//! evaluation.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use super::records::{next_number, not_found, record_event};
use super::{fmt_ts, Store};
use crate::coordination::{IssueAnswer, IssueInput, IssueUrgency};
use crate::error::{HallError, Result};
use crate::validate::clip;

#[derive(Debug, Clone, Serialize, TS)]
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
    "i.number, i.kind, i.title, i.location, i.urgency, i.department, u.name, i.raised_on, i.raised_at,
     i.raised_by, i.due_on, i.answer, i.answered_on, i.result, i.satisfaction, i.recorded_by";

fn issue(r: &Row, today: &str) -> rusqlite::Result<CoordIssue> {
    let urgency = IssueUrgency::parse(&r.get::<_, String>(4)?).unwrap_or(IssueUrgency::Normal);
    let due_on: String = r.get(10)?;
    let answered_on: Option<String> = r.get(12)?;
    Ok(CoordIssue {
        number: r.get(0)?,
        kind: r.get(1)?,
        title: r.get(2)?,
        location: r.get(3)?,
        urgency,
        urgency_label: urgency.label().to_string(),
        department: r.get(5)?,
        department_name: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
        raised_on: r.get(7)?,
        raised_at: r.get(8)?,
        raised_by: r.get(9)?,
        overdue: answered_on.as_deref().unwrap_or(today) > due_on.as_str(),
        due_on,
        answer: r.get(11)?,
        answered_on,
        result: r.get(13)?,
        satisfaction: r.get(14)?,
        recorded_by: r.get(15)?,
    })
}

impl Store {
    pub fn raise_issue(&mut self, input: &IssueInput, actor: &str) -> Result<CoordIssue> {
        let (kind, title, location, department) = input.check()?;
        let level: Option<String> =
            self.conn.query_row("SELECT level FROM units WHERE code = ?1", [&department], |r| r.get(0)).optional()?;
        if level.as_deref() != Some("county") {
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
