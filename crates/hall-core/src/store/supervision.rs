//! Watching the work: a unit's queue by deadline, near-deadline and overdue cases, 容缺
//! commitments past their date, today at a glance, the repeat-request check at the desk, and
//! the logged reveal of a full ID number.

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::cases::{insert_event, Urgency};
use super::{CaseSummary, SessionUser, Store};
use crate::error::{HallError, Result};
use crate::guards;
use crate::lifecycle::{Action, Clock, Role, Transition, STATES, TRANSITIONS};
use crate::validate::text;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UnitQueue {
    pub unit: String,
    pub unit_name: String,
    pub open: u32,
    pub warning: u32,
    pub overdue: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Dashboard {
    pub date: String,
    pub logged: u32,
    pub accepted: u32,
    pub refused: u32,
    pub decided: u32,
    pub delivered: u32,
    pub queues: Vec<UnitQueue>,
    pub warning: u32,
    pub overdue: u32,
    pub ratings_today: u32,
    /// Average rating of today's ratings (0 when none).
    pub rating_average: f64,
    pub bad_ratings_today: u32,
    pub open_follow_ups: u32,
    pub lapsed_commitments: u32,
}

fn open_state_keys() -> Vec<&'static str> {
    STATES.iter().filter(|s| matches!(s.clock, Clock::Running | Clock::Stopped)).map(|s| s.key).collect()
}

impl Store {
    fn ids(&self, sql: &str, args: impl rusqlite::Params) -> Result<Vec<i64>> {
        let mut st = self.conn.prepare_cached(sql)?;
        let ids = st.query_map(args, |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        Ok(ids)
    }

    /// A unit's open cases (accepted, in progress, paused), nearest deadline first.
    pub fn queue(&self, unit: &str) -> Result<Vec<CaseSummary>> {
        let keys = open_state_keys();
        let sql = format!(
            "SELECT id FROM cases WHERE unit = ?1 AND state IN ({}) ORDER BY due_date IS NULL, due_date, id",
            keys.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(",")
        );
        self.summaries(&self.ids(&sql, [unit])?)
    }

    /// Running cases at or past the warning line, most urgent first.
    pub fn urgent_cases(&self) -> Result<Vec<CaseSummary>> {
        let keys = open_state_keys();
        let sql = format!(
            "SELECT id FROM cases WHERE state IN ({}) AND due_date IS NOT NULL ORDER BY due_date, id",
            keys.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(",")
        );
        let all = self.summaries(&self.ids(&sql, [])?)?;
        Ok(all.into_iter().filter(|c| matches!(c.urgency, Urgency::Warning | Urgency::Overdue)).collect())
    }

    /// 容缺 commitments whose date has passed while a 容缺 material is still missing.
    pub fn lapsed_commitments(&self) -> Result<Vec<CaseSummary>> {
        // The states and conditions come from the table's 容缺逾期终止 rows and their guards, so
        // every case listed is one the table lets the supervisor end.
        let today = self.today();
        let rows: Vec<&Transition> = TRANSITIONS.iter().filter(|t| t.action == Action::Lapse).collect();
        let sql = format!(
            "SELECT c.number AS number FROM cases c WHERE c.commitment_due IS NOT NULL AND c.state IN ({})
             ORDER BY c.commitment_due, c.id",
            rows.iter().map(|t| format!("'{}'", t.from.key())).collect::<Vec<_>>().join(",")
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let numbers: Vec<String> = st.query_map([], |r| r.get("number"))?.collect::<rusqlite::Result<_>>()?;
        let mut ids = Vec::new();
        for n in numbers {
            let case = self.case_row(&n)?;
            let facts = self.case_facts(&case)?;
            if rows.iter().any(|t| t.from == case.state && guards::row_applies(t, &facts, today)) {
                ids.push(case.id);
            }
        }
        self.summaries(&ids)
    }

    /// Open cases of the same applicant for the same item (the desk's repeat-request warning).
    pub fn open_cases_for(&self, id_number: &str, item_code: &str) -> Result<Vec<CaseSummary>> {
        let keys: Vec<&str> = STATES.iter().filter(|s| !s.closed).map(|s| s.key).collect();
        let sql = format!(
            "SELECT c.id FROM cases c JOIN applicants a ON a.id = c.applicant_id
             WHERE a.id_number = ?1 AND c.item_code = ?2 AND c.state IN ({}) ORDER BY c.id DESC",
            keys.iter().map(|k| format!("'{k}'")).collect::<Vec<_>>().join(",")
        );
        self.summaries(&self.ids(&sql, params![id_number.trim().to_uppercase(), item_code.trim()])?)
    }

    /// Today at a glance.
    pub fn dashboard(&self) -> Result<Dashboard> {
        let today = self.today().to_string();
        let count = |sql: &str| -> Result<u32> { Ok(self.conn.query_row(sql, [&today], |r| r.get(0))?) };
        let events = |actions: &str| {
            count(&format!(
                "SELECT count(DISTINCT case_id) FROM events WHERE substr(at, 1, 10) = ?1 AND action IN ({actions})"
            ))
        };
        let mut queues: Vec<UnitQueue> = Vec::new();
        for u in self.units()?.into_iter().filter(|u| u.level == crate::catalog::UnitLevel::Township) {
            let q = self.queue(&u.code)?;
            if q.is_empty() {
                continue;
            }
            queues.push(UnitQueue {
                open: q.len() as u32,
                warning: q.iter().filter(|c| c.urgency == Urgency::Warning).count() as u32,
                overdue: q.iter().filter(|c| c.urgency == Urgency::Overdue).count() as u32,
                unit: u.code,
                unit_name: u.name,
            });
        }
        let (ratings_today, rating_average, bad): (u32, f64, u32) = self.conn.query_row(
            "SELECT count(*) AS rated, coalesce(avg(level), 0) AS average, coalesce(sum(level <= 2), 0) AS bad
             FROM ratings WHERE substr(rated_at, 1, 10) = ?1",
            [&today],
            |r| Ok((r.get("rated")?, r.get("average")?, r.get("bad")?)),
        )?;
        Ok(Dashboard {
            logged: count("SELECT count(*) FROM cases WHERE logged_on = ?1")?,
            accepted: events("'accept', 'accept_pending', 'instant'")?,
            refused: events("'refuse'")?,
            decided: events("'approve', 'approve_pending', 'reject', 'instant'")?,
            delivered: events("'deliver'")?,
            warning: queues.iter().map(|q| q.warning).sum(),
            overdue: queues.iter().map(|q| q.overdue).sum(),
            queues,
            ratings_today,
            rating_average,
            bad_ratings_today: bad,
            open_follow_ups: self.conn.query_row(
                "SELECT count(*) FROM follow_ups WHERE closed_at IS NULL",
                [],
                |r| r.get(0),
            )?,
            lapsed_commitments: self.lapsed_commitments()?.len() as u32,
            date: today,
        })
    }

    /// The whole ID number of the applicant (or agent), for the supervisor or the officer who
    /// holds the case; every reveal is an event.
    pub fn reveal_id(&mut self, number: &str, agent: bool, user: &SessionUser) -> Result<String> {
        let case = self.case_row(number)?;
        let assignee: Option<i64> =
            self.conn.query_row("SELECT assignee FROM cases WHERE id = ?1", [case.id], |r| r.get(0))?;
        let allowed = user.role == Role::Supervisor || (user.role == Role::Officer && assignee == Some(user.id));
        if !allowed {
            return Err(HallError::forbidden("只有中心主任或本件经办人可以查看完整身份证号"));
        }
        let (who, id) = if agent {
            ("代办人", case.agent_id.clone().ok_or_else(|| HallError::not_found("该办件没有代办人"))?)
        } else {
            ("申请人", case.applicant_id.clone())
        };
        let tx = self.write()?;
        insert_event(
            &tx,
            self.now(),
            case.id,
            &user.username,
            "reveal_id",
            (Some(case.state), Some(case.state)),
            &format!("查看{who}完整身份证号"),
        )?;
        tx.commit()?;
        log::info!("ID reveal on {} by {}", case.number, user.username);
        Ok(id)
    }

    /// The applicant brings 容缺 materials later: they are marked handed in, as an event.
    pub fn supply_materials(
        &mut self,
        number: &str,
        names: &[String],
        user: &SessionUser,
    ) -> Result<super::CaseDetail> {
        if !matches!(user.role, Role::Clerk | Role::Officer) {
            return Err(HallError::forbidden("补交材料由前台受理员或经办人登记"));
        }
        let case = self.case_row(number)?;
        if case.state.info().closed {
            return Err(HallError::invalid(format!("办件已{}，不能再补交材料", case.state.label())));
        }
        let detail = self.case_detail(&case.number)?;
        let mut given = Vec::new();
        for n in names {
            let n = text("材料名称", n, crate::limits::MATERIAL_NAME, true)?;
            match detail.materials.iter().find(|m| m.name == n) {
                None => return Err(HallError::invalid(format!("材料“{n}”不是本件的申请材料"))),
                Some(m) if m.submitted => return Err(HallError::invalid(format!("材料“{n}”已经提交过"))),
                Some(_) => given.push(n),
            }
        }
        if given.is_empty() {
            return Err(HallError::invalid("请选择补交的材料"));
        }
        let tx = self.write()?;
        for n in &given {
            tx.execute(
                "UPDATE case_materials SET submitted = 1 WHERE case_id = ?1 AND name = ?2",
                params![case.id, n],
            )?;
        }
        insert_event(
            &tx,
            self.now(),
            case.id,
            &user.username,
            "materials_supplied",
            (Some(case.state), Some(case.state)),
            &format!("补交：{}", given.join("、")),
        )?;
        tx.commit()?;
        self.case_view(&case.number, user)
    }
}
