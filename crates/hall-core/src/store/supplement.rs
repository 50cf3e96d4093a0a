//! 补正 as the policies ask for it. 一次性告知 means once: the first 补正 of a case is its
//! officer's, a repeat one needs the director (中心主任) and a reason, and repeats are counted in
//! the reports. The 补正 deadline is watched: cases whose deadline comes soon or has passed are
//! listed and warned about, and — when the township's setting says so — a 补正 never brought
//! ends the case as 视为撤回, by the director's hand or by the store's own sweep.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases::Urgency;
use super::steps::CaseRow;
use super::{ActParams, CaseSummary, SessionUser, Store};
use crate::error::{ErrorCode, HallError, Result};
use crate::lifecycle::{Action, CaseState, Role};

/// What the township does with a 补正 whose deadline has passed (setting `supplement_lapse`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SupplementLapseMode {
    /// Listed and warned about only; the case waits.
    Off,
    /// The director ends it as 视为撤回 by hand, from the list.
    #[default]
    Manual,
    /// The store ends it by itself: when the app starts and hourly while it runs, and at
    /// `hallctl case sweep`.
    Auto,
}

impl SupplementLapseMode {
    pub const ALL: [SupplementLapseMode; 3] =
        [SupplementLapseMode::Off, SupplementLapseMode::Manual, SupplementLapseMode::Auto];

    pub fn key(self) -> &'static str {
        match self {
            SupplementLapseMode::Off => "off",
            SupplementLapseMode::Manual => "manual",
            SupplementLapseMode::Auto => "auto",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SupplementLapseMode::Off => "只提醒，不视为撤回",
            SupplementLapseMode::Manual => "由中心主任确认后视为撤回",
            SupplementLapseMode::Auto => "逾期自动视为撤回",
        }
    }
    pub fn options() -> Vec<SupplementLapseOption> {
        Self::ALL.into_iter().map(|mode| SupplementLapseOption { mode, label: mode.label().to_string() }).collect()
    }
    pub fn parse(s: &str) -> Result<SupplementLapseMode> {
        Self::ALL.into_iter().find(|m| m.key() == s || m.label() == s).ok_or_else(|| {
            let all: Vec<String> = Self::ALL.iter().map(|m| format!("{}（{}）", m.key(), m.label())).collect();
            HallError::invalid(format!("补正逾期处理方式“{s}”无效，应为：{}", all.join("、")))
        })
    }
}

/// One choice of the setting, as the settings screen offers it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SupplementLapseOption {
    pub mode: SupplementLapseMode,
    pub label: String,
}

/// A case waiting for its 补正 whose deadline is near or past.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SupplementWatch {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub supplement_due: String,
    /// `warning` (deadline within the warning days) or `overdue` (passed).
    pub supplement_urgency: Urgency,
    /// What the applicant was asked for, as the last 补正 request recorded it.
    pub asked: String,
    /// How many times 补正 was asked on the case.
    pub requests: u32,
    /// Whether the user may end it as 视为撤回 now — the very check `act` applies.
    pub lapse_allowed: bool,
    /// Why not, when not.
    pub lapse_reason: String,
}

/// The actor of the automatic sweep, as the event log records it.
pub const SWEEP_ACTOR: &str = "系统（补正逾期自动处理）";

fn sweep_user() -> SessionUser {
    SessionUser::system(SWEEP_ACTOR, SWEEP_ACTOR)
}

/// How close a deadline is: yellow within the warning days, red once passed (due dates and
/// 补正 deadlines alike).
pub(super) fn deadline_urgency(
    cal: &crate::calendar::Calendar,
    due: NaiveDate,
    warn_days: u32,
    today: NaiveDate,
) -> Urgency {
    if today > due {
        Urgency::Overdue
    } else if cal.working_days_between(today, due).0 <= warn_days {
        Urgency::Warning
    } else {
        Urgency::Normal
    }
}

/// The user's part of a recorded 补正 note, without what the step added to it.
pub fn asked_of(note: &str) -> String {
    note.split('；')
        .filter(|p| !(p.starts_with("补正期限") || p.starts_with("计时") || p.starts_with("再次补正")))
        .collect::<Vec<_>>()
        .join("；")
}

impl Store {
    /// The township's setting; absent means [`SupplementLapseMode::Manual`].
    pub fn supplement_lapse_mode(&self) -> Result<SupplementLapseMode> {
        Ok(self.settings()?.supplement_lapse)
    }

    /// How many times 补正 has been asked on the case.
    pub(crate) fn supplement_requests(&self, case_id: i64) -> Result<u32> {
        Ok(self.conn.query_row(
            "SELECT count(*) AS n FROM events WHERE case_id = ?1 AND action = 'request_supplement'",
            [case_id],
            |r| r.get("n"),
        )?)
    }

    pub(crate) fn supplement_due(&self, case_id: i64) -> Result<Option<NaiveDate>> {
        Ok(self.conn.query_row("SELECT id, supplement_due FROM cases WHERE id = ?1", [case_id], |r| {
            super::stored::At::new(r, "cases", "id")?.key_opt("supplement_due", super::stored::parse_date)
        })?)
    }

    /// What the event of a guarded step says besides the user's note.
    pub(crate) fn supplement_note(&self, case: &CaseRow, action: Action) -> Result<Option<String>> {
        Ok(match action {
            Action::RequestSupplement => match self.supplement_requests(case.id)? {
                0 => None,
                n => Some(format!("再次补正（第 {} 次），由中心主任决定", n + 1)),
            },
            Action::SupplementLapse => {
                self.supplement_due(case.id)?.map(|d| format!("补正期限 {d} 已过，申请人未补正，视为撤回"))
            }
            _ => None,
        })
    }

    /// Cases in 补正 whose deadline is within the warning days or past, most urgent first: all
    /// of them for the director, the unit's for an officer.
    pub fn supplement_watch(&self, user: &SessionUser) -> Result<Vec<SupplementWatch>> {
        let warn = self.warn_days()?;
        let today = self.today();
        let mut st = self.conn.prepare_cached(
            "SELECT c.id AS id, c.number AS number, c.unit AS unit, c.supplement_due AS due,
                    (SELECT e.note FROM events e WHERE e.case_id = c.id AND e.action = 'request_supplement'
                      ORDER BY e.id DESC LIMIT 1) AS asked
             FROM cases c WHERE c.state = 'supplement' AND c.supplement_due IS NOT NULL
             ORDER BY c.supplement_due, c.id",
        )?;
        let rows: Vec<(i64, String, String, Option<String>)> = st
            .query_map([], |r| Ok((r.get("id")?, r.get("number")?, r.get("unit")?, r.get("asked")?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::new();
        for (id, number, unit, asked) in rows {
            if user.role == Role::Officer && user.unit.as_deref() != Some(unit.as_str()) {
                continue;
            }
            let Some(due) = self.supplement_due(id)? else { continue };
            let urgency = deadline_urgency(&self.calendar, due, warn, today);
            if urgency == Urgency::Normal {
                continue;
            }
            let case = self.case_row(&number)?;
            // The table's own judgement, as the case page's button has it.
            let verdict =
                crate::guards::judge(Action::SupplementLapse, &self.case_facts(&case)?, user, today).map(|_| ());
            out.push(SupplementWatch {
                summary: self.summaries(&[id])?.remove(0),
                supplement_due: due.to_string(),
                supplement_urgency: urgency,
                asked: asked.as_deref().map(asked_of).unwrap_or_default(),
                requests: self.supplement_requests(id)?,
                lapse_allowed: verdict.is_ok(),
                lapse_reason: verdict.err().map(|e| e.message).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// When the setting is `auto`: every case whose 补正 deadline has passed is ended as 视为撤回,
    /// each step an event by [`SWEEP_ACTOR`]. Returns the case numbers ended.
    pub fn sweep_supplement_lapses(&mut self) -> Result<Vec<String>> {
        if self.supplement_lapse_mode()? != SupplementLapseMode::Auto {
            return Ok(Vec::new());
        }
        let mut st = self.conn.prepare_cached(
            "SELECT number FROM cases WHERE state = 'supplement' AND supplement_due < ?1 ORDER BY supplement_due, id",
        )?;
        let numbers: Vec<String> =
            st.query_map([self.today().to_string()], |r| r.get("number"))?.collect::<rusqlite::Result<_>>()?;
        drop(st);
        let system = sweep_user();
        let mut ended = Vec::new();
        for n in numbers {
            match self.act(&n, Action::SupplementLapse, &system, &ActParams::default()) {
                Ok(_) => ended.push(n),
                // Moved by a desk meanwhile: it is no longer waiting for its 补正.
                Err(e) if e.code == ErrorCode::Conflict => {}
                Err(e) => return Err(e),
            }
        }
        if !ended.is_empty() {
            log::info!("supplement sweep: {} case(s) deemed withdrawn", ended.len());
        }
        Ok(ended)
    }

    /// The 补正 deadline of a case in 补正 and how close it is (the case detail's warning).
    pub(crate) fn supplement_urgency(&self, state: CaseState, due: Option<&str>) -> Result<Urgency> {
        let Some(due) = due.and_then(|d| d.parse::<NaiveDate>().ok()) else { return Ok(Urgency::None) };
        if state != CaseState::Supplement {
            return Ok(Urgency::None);
        }
        Ok(deadline_urgency(&self.calendar, due, self.warn_days()?, self.today()))
    }
}
