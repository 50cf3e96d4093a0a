//! 准入 records: each task a county department pushed down, the 职责清单 entry it was checked
//! against, the rule that decided it, and — when admitted — its tracking to completion.

use chrono::NaiveDate;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::records::{next_number, not_found, record_event};
use super::stored::At;
use super::{fmt_ts, DutyEntryView, Store};
use crate::admission::{decide, AdmissionRule, TaskTerms};
use crate::duties::DutyList;
use crate::error::{HallError, Result};
use crate::validate::{clip, text};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AdmissionInput {
    /// The county department (unit code) pushing the task.
    pub department: String,
    pub title: String,
    #[serde(default)]
    pub content: String,
    /// 文号 of the department's document, if any.
    #[serde(default)]
    pub doc_ref: String,
    /// When it reached the township (today when absent).
    #[serde(default)]
    pub received_on: Option<NaiveDate>,
    /// The 职责清单 entry the supervisor matched it to; none when it is on no entry.
    #[serde(default)]
    pub entry_code: Option<String>,
    #[serde(default)]
    pub terms: TaskTerms,
    /// The department's deadline for an admitted task.
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
}

/// The outcome of the check, before or after it is recorded.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AdmissionCheck {
    pub rule: AdmissionRule,
    pub admitted: bool,
    pub label: String,
    pub basis: String,
    pub entry: Option<DutyEntryView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TaskState {
    /// Admitted, being done.
    Tracking,
    Done,
    Refused,
}

impl TaskState {
    fn parse(s: &str) -> Option<TaskState> {
        match s {
            "tracking" => Some(TaskState::Tracking),
            "done" => Some(TaskState::Done),
            "refused" => Some(TaskState::Refused),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            TaskState::Tracking => "办理中",
            TaskState::Done => "已完成",
            TaskState::Refused => "不予准入",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AdmissionTask {
    pub number: String,
    pub received_on: String,
    pub department: String,
    pub department_name: String,
    pub title: String,
    pub content: String,
    pub doc_ref: String,
    pub duty_version: Option<String>,
    pub entry_code: Option<String>,
    pub entry_name: Option<String>,
    pub terms: TaskTerms,
    pub rule: AdmissionRule,
    pub rule_label: String,
    pub basis: String,
    pub state: TaskState,
    pub state_label: String,
    pub due_on: Option<String>,
    pub done_on: Option<String>,
    pub done_note: String,
    pub recorded_by: String,
    pub recorded_at: String,
    /// Admitted, not done, past its deadline.
    pub overdue: bool,
}

const TASK_COLUMNS: &str = "t.id AS id, t.number AS number, t.received_on AS received_on, t.department AS department,
     u.name AS department_name, t.title AS title, t.content AS content, t.doc_ref AS doc_ref,
     t.duty_version AS duty_version, t.entry_code AS entry_code,
     (SELECT e.name FROM duty_entries e JOIN duty_versions v ON v.id = e.version_id
       WHERE v.version = t.duty_version AND e.list = 'duty' AND e.code = t.entry_code) AS entry_name,
     t.deployed AS deployed, t.veto AS veto, t.central AS central, t.transfer AS transfer, t.rule AS rule,
     t.state AS state, t.due_on AS due_on, t.done_on AS done_on, t.done_note AS done_note,
     t.recorded_by AS recorded_by, t.recorded_at AS recorded_at";

/// The one mapping of an admission task (`TASK_COLUMNS`).
fn task(r: &Row, today: NaiveDate) -> rusqlite::Result<AdmissionTask> {
    let at = At::new(r, "admission_tasks", "id")?;
    let rule = at.known("rule", AdmissionRule::from_key)?;
    let state = at.known("state", TaskState::parse)?;
    let due_on = at.date_text_opt("due_on")?;
    let info = rule.info();
    Ok(AdmissionTask {
        number: r.get("number")?,
        received_on: at.date_text("received_on")?,
        department: r.get("department")?,
        department_name: r.get::<_, Option<String>>("department_name")?.unwrap_or_default(),
        title: r.get("title")?,
        content: r.get("content")?,
        doc_ref: r.get("doc_ref")?,
        duty_version: r.get("duty_version")?,
        entry_code: r.get("entry_code")?,
        entry_name: r.get("entry_name")?,
        terms: TaskTerms {
            deployed: r.get("deployed")?,
            veto: r.get("veto")?,
            central: r.get("central")?,
            transfer: r.get("transfer")?,
        },
        rule,
        rule_label: info.label.to_string(),
        basis: info.basis.to_string(),
        state,
        state_label: state.label().to_string(),
        overdue: state == TaskState::Tracking && due_on.as_deref().is_some_and(|d| d < today.to_string().as_str()),
        due_on,
        done_on: at.date_text_opt("done_on")?,
        done_note: r.get("done_note")?,
        recorded_by: r.get("recorded_by")?,
        recorded_at: r.get("recorded_at")?,
    })
}

impl Store {
    /// Checks a task against the 职责清单 in force without recording it.
    pub fn check_admission(&self, input: &AdmissionInput) -> Result<AdmissionCheck> {
        let dept = input.department.trim();
        let level = self.unit(dept)?.map(|u| u.level);
        match level {
            None => return Err(HallError::invalid(format!("下派部门“{}”不在单位列表中", clip(dept, 40)))),
            Some(l) if l != crate::catalog::UnitLevel::County => {
                return Err(HallError::invalid(format!(
                    "“{}”是乡镇内设机构，准入审查只针对县级部门下派的任务",
                    clip(dept, 40)
                )))
            }
            _ => {}
        }
        if self.current_duty_version()?.is_none() {
            return Err(HallError::invalid("尚未导入职责清单：请先导入县级发布的职责清单，再做准入审查"));
        }
        let entry = match input.entry_code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(code) => Some(
                self.duty_entry(DutyList::Duty, code)?
                    .ok_or_else(|| HallError::invalid(format!("职责清单中没有编码为“{}”的条目", clip(code, 40))))?,
            ),
        };
        let rule = decide(entry.as_ref().map(|e| &e.entry), input.terms);
        let info = rule.info();
        Ok(AdmissionCheck {
            rule,
            admitted: info.admitted,
            label: info.label.to_string(),
            basis: info.basis.to_string(),
            entry,
        })
    }

    /// Records a task with the check's outcome: admitted ones are tracked, the others refused.
    pub fn record_admission(&mut self, input: &AdmissionInput, actor: &str) -> Result<AdmissionTask> {
        let title = text("任务名称", &input.title, 200, true)?;
        let content = text("任务内容", &input.content, 4000, false)?;
        let doc_ref = text("文号", &input.doc_ref, 100, false)?;
        let check = self.check_admission(input)?;
        let now = self.now();
        let received = input.received_on.unwrap_or(now.date());
        if received > now.date() {
            return Err(HallError::invalid(format!("收到日期 {received} 晚于今天")));
        }
        if let Some(d) = input.due_on.filter(|d| *d < received) {
            return Err(HallError::invalid(format!("完成期限 {d} 早于收到日期 {received}")));
        }
        let version = self.current_duty_version()?;
        let t = input.terms;
        let tx = self.write()?;
        let number = next_number(&tx, "ZR", now)?;
        tx.execute(
            "INSERT INTO admission_tasks(number, received_on, department, title, content, doc_ref, duty_version,
                entry_code, deployed, veto, central, transfer, rule, state, due_on, recorded_by, recorded_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                number,
                received.to_string(),
                input.department.trim(),
                title,
                content,
                doc_ref,
                version,
                check.entry.as_ref().map(|e| e.entry.code.clone()),
                t.deployed,
                t.veto,
                t.central,
                t.transfer,
                check.rule.key(),
                if check.admitted { "tracking" } else { "refused" },
                input.due_on.filter(|_| check.admitted).map(|d| d.to_string()),
                actor,
                fmt_ts(now)
            ],
        )?;
        let note = format!("准入审查“{}”（{}）：{}", clip(&title, 60), input.department.trim(), check.label);
        record_event(&tx, now, actor, "admission_record", &number, &note)?;
        tx.commit()?;
        self.admission_task(&number)
    }

    /// Marks an admitted task done.
    pub fn finish_admission(&mut self, number: &str, note: &str, actor: &str) -> Result<AdmissionTask> {
        let note = text("完成情况", note, 1000, true)?;
        let current = self.admission_task(number)?;
        if current.state != TaskState::Tracking {
            return Err(HallError::conflict(format!(
                "{} 的状态为“{}”，只有办理中的任务可以办结",
                current.number, current.state_label
            )));
        }
        let now = self.now();
        let tx = self.write()?;
        tx.execute(
            "UPDATE admission_tasks SET state = 'done', done_on = ?2, done_note = ?3 WHERE number = ?1 AND state = 'tracking'",
            params![current.number, now.date().to_string(), note],
        )?;
        record_event(
            &tx,
            now,
            actor,
            "admission_done",
            &current.number,
            &format!("准入任务办结：{}", clip(&note, 80)),
        )?;
        tx.commit()?;
        self.admission_task(number)
    }

    pub fn admission_task(&self, number: &str) -> Result<AdmissionTask> {
        let today = self.today();
        let sql = format!("SELECT {TASK_COLUMNS} FROM admission_tasks t LEFT JOIN units u ON u.code = t.department WHERE t.number = ?1");
        self.conn
            .query_row(&sql, [number.trim()], |r| task(r, today))
            .optional()?
            .ok_or_else(|| not_found("准入审查记录", number))
    }

    /// Newest first; only one state's when `state` is given.
    pub fn admission_tasks(&self, state: Option<TaskState>, limit: usize) -> Result<Vec<AdmissionTask>> {
        let today = self.today();
        let key = state.map(|s| match s {
            TaskState::Tracking => "tracking",
            TaskState::Done => "done",
            TaskState::Refused => "refused",
        });
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM admission_tasks t LEFT JOIN units u ON u.code = t.department
             WHERE ?1 IS NULL OR t.state = ?1 ORDER BY t.id DESC LIMIT ?2"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(params![key, limit as i64], |r| task(r, today))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
