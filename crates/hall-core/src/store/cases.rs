//! Cases in the store: intake (number allocation, applicant, materials, first events in one
//! transaction), lifecycle actions read from the one table, and the views of a case.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::stored::At;
use super::{fmt_ts, SessionUser, Store};
use crate::calendar::Calendar;
use crate::catalog::{CaseKind, CatalogItem, Material, MaterialForm};
use crate::error::{HallError, Result};
use crate::guards::{self, ActionOffer};
use crate::intake::{
    check_materials, check_outcome, check_party, outcome_offers, CheckedParty, IntakeOutcome, IntakeRequest,
    OutcomeOffer, PartyKind,
};
use crate::lifecycle::{self, Action, CaseState, Clock, Role};
use crate::limits;
use crate::privacy::{mask_address, mask_id, mask_phone};

/// How close a running case is to its due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Urgency {
    /// No running clock (not accepted, paused or ended).
    None,
    Normal,
    /// Yellow: at most the warning number of working days left.
    Warning,
    /// Red: past the due date.
    Overdue,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CaseSummary {
    pub number: String,
    pub item_code: String,
    pub item_name: String,
    pub applicant_name: String,
    pub applicant_id_masked: String,
    pub state: CaseState,
    pub state_label: String,
    pub unit: String,
    pub unit_name: String,
    pub logged_at: String,
    pub accepted_on: Option<String>,
    pub due_date: Option<String>,
    pub urgency: Urgency,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PersonView {
    pub kind: PartyKind,
    pub name: String,
    pub id_masked: String,
    pub phone_masked: String,
    pub address_masked: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CaseMaterial {
    pub name: String,
    pub form: String,
    pub copies: u32,
    pub required: bool,
    pub deferrable: bool,
    pub submitted: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CaseEvent {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub action_label: String,
    pub from_state: Option<CaseState>,
    pub to_state: Option<CaseState>,
    pub note: String,
    /// The desk on the hall's network the step was taken at ('' on one PC or at the host).
    pub desk: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub uuid: String,
    pub item_kind: String,
    pub catalog_version: String,
    pub promised_days: u32,
    pub paused_days: u32,
    pub paused_on: Option<String>,
    pub commitment_due: Option<String>,
    /// Set when the due date rests on a year with no imported calendar.
    pub calendar_warning: Option<String>,
    pub applicant: PersonView,
    pub agent: Option<PersonView>,
    /// 首问负责人
    pub logged_by: String,
    pub assignee: Option<String>,
    pub closed_at: Option<String>,
    pub materials: Vec<CaseMaterial>,
    pub events: Vec<CaseEvent>,
    /// 补正: the date the applicant should bring it by.
    pub supplement_due: Option<String>,
    /// How close that date is while the case waits in 补正 (yellow / red as for due dates).
    pub supplement_urgency: Urgency,
    /// How the result went out, e.g. “本人领取：张三（2301**********8519）”.
    pub delivery: Option<String>,
    pub rating: Option<super::Rating>,
    /// The citizen's visit has ended (出件, 即办, 不予受理) and there is no rating yet.
    pub rating_open: bool,
    /// The user who asked may key in the citizen's rating now (窗口代录).
    pub can_rate: bool,
    /// Open 差评 follow-up, if any.
    pub follow_up_open: bool,
    /// The papers the case can print now (受理回执, 一次性告知书...), each with its title.
    pub documents: Vec<crate::documents::PaperOffer>,
    /// Where the case stands with the county hub (`None` until it is completed).
    pub sync_state: Option<super::SyncState>,
    /// The case page's buttons for the user who asked (empty when read without a user), from
    /// the very judgement `act` refuses with (`guards::offers`).
    pub actions: Vec<ActionOffer>,
    /// What to do next, for the user who asked ('' when nothing or no user).
    pub hint: String,
    /// Materials the desk or the office may register as brought later (none for other viewers;
    /// see `Store::supply_materials`): every one not handed in
    /// while the case is only logged, else the 容缺 (and optional) ones still out while a 容缺
    /// one is; none once the case is closed.
    pub suppliable: Vec<String>,
}

/// Details an action may carry (see the lifecycle table for which needs what).
#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActParams {
    /// Reason or remark; required by actions marked `needs_reason` (for 补正: what is asked for;
    /// for 登记县级结果: the county's result).
    #[serde(default)]
    pub note: String,
    /// 转办: the unit that takes the case over.
    #[serde(default)]
    pub unit: Option<String>,
    /// 补正: the date the applicant should bring it by.
    #[serde(default)]
    pub due: Option<NaiveDate>,
    /// 特别程序: 听证, 检验, 鉴定 or 专家评审.
    #[serde(default)]
    pub kind: Option<String>,
    /// 上报件: the day it was sent, or the day the county's result came back (default today).
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// 出件: how, and who collected it.
    #[serde(default)]
    pub delivery: Option<Delivery>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DeliveryMethod {
    /// The applicant in person (or an organisation's registered agent).
    InPerson,
    /// The registered agent, or a new agent recorded with ID.
    Agent,
    Mail,
}

/// The pickup window's identity check: the collector's name and ID number as shown, or the
/// mail tracking number.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Delivery {
    pub method: DeliveryMethod,
    #[serde(default)]
    pub collector_name: String,
    #[serde(default)]
    pub collector_id: String,
    #[serde(default)]
    pub tracking: String,
}

const SUMMARY_SQL: &str = "SELECT c.id AS id, c.number AS number, c.item_code AS item_code, c.item_name AS item_name,
        c.applicant_name AS applicant_name, a.id_number AS id_number, c.state AS state, c.unit AS unit,
        u.name AS unit_name, c.logged_at AS logged_at, c.accepted_on AS accepted_on, c.due_date AS due_date
     FROM cases c JOIN applicants a ON a.id = c.applicant_id JOIN units u ON u.code = c.unit";

pub(super) fn urgency(
    cal: &Calendar,
    state: CaseState,
    due: Option<&str>,
    warn_days: u32,
    today: NaiveDate,
) -> Urgency {
    let Some(due) = due.and_then(|d| d.parse::<NaiveDate>().ok()) else {
        return Urgency::None;
    };
    if state.info().clock != Clock::Running {
        return Urgency::None;
    }
    super::supplement::deadline_urgency(cal, due, warn_days, today)
}

impl Store {
    pub(super) fn summary_from_row(&self, r: &Row, warn_days: u32, today: NaiveDate) -> rusqlite::Result<CaseSummary> {
        let at = At::new(r, "cases", "id")?;
        let state = at.key("state", CaseState::parse)?;
        let due = at.date_text_opt("due_date")?;
        Ok(CaseSummary {
            number: r.get("number")?,
            item_code: r.get("item_code")?,
            item_name: r.get("item_name")?,
            applicant_name: r.get("applicant_name")?,
            applicant_id_masked: mask_id(&r.get::<_, String>("id_number")?),
            state,
            state_label: state.label().to_string(),
            unit: r.get("unit")?,
            unit_name: r.get("unit_name")?,
            logged_at: r.get("logged_at")?,
            accepted_on: at.date_text_opt("accepted_on")?,
            urgency: urgency(&self.calendar, state, due.as_deref(), warn_days, today),
            due_date: due,
        })
    }

    /// Working days before the due date that turn a case yellow (setting `warn_days`, default 1).
    pub fn warn_days(&self) -> Result<u32> {
        Ok(self.settings()?.warn_days)
    }

    /// Summaries for the given case ids, in that order.
    pub(super) fn summaries(&self, ids: &[i64]) -> Result<Vec<CaseSummary>> {
        let warn = self.warn_days()?;
        let today = self.today();
        let mut st = self.conn.prepare_cached(&format!("{SUMMARY_SQL} WHERE c.id = ?1"))?;
        ids.iter().map(|id| Ok(st.query_row([id], |r| self.summary_from_row(r, warn, today))?)).collect()
    }

    /// Logs a request and applies the clerk's outcome in one transaction. Nothing is stored
    /// when any check fails.
    pub fn intake(&mut self, req: &IntakeRequest, clerk: &SessionUser) -> Result<CaseDetail> {
        let plan = self.plan_intake(req, clerk)?;
        let tx = self.write()?;
        let number = write_intake(&tx, &self.calendar, &plan)?;
        // A refusal at the desk completes the case at once.
        let case_id: i64 = tx.query_row("SELECT id FROM cases WHERE number = ?1", [&number], |r| r.get(0))?;
        super::outbox::queue(&tx, case_id, plan.now)?;
        tx.commit()?;
        log::info!("intake {number} item {} by {}", plan.item.code, clerk.username);
        self.case_view(&number, clerk)
    }

    /// The desk's outcome buttons for the item and the materials ticked: the intake's rule
    /// (`intake::outcome_refusal`) on the catalog version in force.
    pub fn intake_outcomes(&self, item_code: &str, materials: &[String]) -> Result<Vec<OutcomeOffer>> {
        let version = self.require_catalog()?;
        let item = self.catalog_item(item_code, Some(version))?.item;
        let materials = check_materials(&item, materials)?;
        Ok(outcome_offers((&item.name, item.kind), &materials))
    }

    /// Many intakes in one transaction (sample and benchmark history).
    pub(crate) fn intake_batch(&mut self, plans: &[IntakePlan]) -> Result<Vec<String>> {
        let tx = self.write()?;
        let numbers = plans.iter().map(|p| write_intake(&tx, &self.calendar, p)).collect::<Result<Vec<_>>>()?;
        tx.commit()?;
        Ok(numbers)
    }

    /// Every check of an intake, before any write.
    pub(crate) fn plan_intake(&self, req: &IntakeRequest, clerk: &SessionUser) -> Result<IntakePlan> {
        let township = self.require_initialised()?.township_code;
        let now = self.now();
        let today = now.date();
        let version = self.require_catalog()?;
        let item = self.catalog_item(&req.item_code, Some(version))?.item;
        let applicant = check_party("申请人", &req.applicant, today, true)?;
        let agent = req.agent.as_ref().map(|a| check_party("代办人", a, today, true)).transpose()?;
        if let Some(a) = &agent {
            if a.kind != PartyKind::Person {
                return Err(HallError::invalid("代办人须为自然人，请填写代办人的居民身份证号"));
            }
            if a.id_number == applicant.id_number {
                return Err(HallError::invalid("代办人与申请人是同一人，无需登记代办人"));
            }
        }
        let materials = check_materials(&item, &req.materials)?;
        let missing = check_outcome(req.outcome, &req.note, (&item.name, item.kind), &materials)?;
        let note = crate::validate::text("备注", &req.note, limits::NOTE, false)?;
        if let Some(action) = req.outcome.action() {
            lifecycle::check(action, CaseState::Logged, clerk.role)?;
        } else if clerk.role != Role::Clerk {
            return Err(HallError::forbidden("只有前台受理员可以接件"));
        }
        let due = self.calendar.add_working_days(today, item.promised_days);
        let commitment_due = match (req.outcome, req.commitment_due) {
            (IntakeOutcome::AcceptPending, Some(d)) if d > due.date => {
                return Err(HallError::invalid(format!(
                    "容缺承诺期限 {d} 晚于承诺办结日期 {}，承诺期限不得超过承诺时限",
                    due.date
                )))
            }
            (IntakeOutcome::AcceptPending, Some(d)) if d < today => {
                return Err(HallError::invalid(format!("容缺承诺期限 {d} 早于今天")))
            }
            (IntakeOutcome::AcceptPending, d) => Some(d.unwrap_or(due.date)),
            _ => None,
        };
        Ok(IntakePlan {
            township,
            version,
            item,
            applicant,
            agent,
            materials,
            missing,
            note,
            outcome: req.outcome,
            commitment_due,
            clerk: clerk.clone(),
            now,
        })
    }

    /// Takes a lifecycle action on a case, as the logged-in user. The table and its guards
    /// decide whether it is allowed (`guards::judge`, the judgement the case page's buttons come
    /// from); `steps` checks and records what the action carries.
    pub fn act(&mut self, number: &str, action: Action, user: &SessionUser, p: &ActParams) -> Result<CaseDetail> {
        let case = self.case_row(number)?;
        let now = self.now();
        guards::judge(action, &self.case_facts(&case)?, user, now.date())?;
        let note = crate::validate::text("理由", &p.note, limits::NOTE, action.info().needs_reason)?;
        let step = self.plan_step(&case, action, p, now.date())?;
        let note = match (step.describe(&note), self.supplement_note(&case, action)?) {
            (n, Some(extra)) if n.is_empty() => extra,
            (n, Some(extra)) => format!("{extra}；{n}"),
            (n, None) => n,
        };
        let tx = self.write()?;
        // The checks above read the case before the write lock was held: another desk (or
        // hallctl) may have moved it since. Then nothing is written.
        let state_now: CaseState = tx.query_row("SELECT id, state FROM cases WHERE id = ?1", [case.id], |r| {
            At::new(r, "cases", "id")?.key("state", CaseState::parse)
        })?;
        if state_now != case.state {
            return Err(HallError::conflict(format!(
                "办件 {} 刚被他人处理（现为“{}”），请刷新后再操作",
                case.number,
                state_now.label()
            )));
        }
        apply(&tx, &self.calendar, now, case.id, case.state, action, user, &note, step.new_unit())?;
        step.write(&tx, &case, now, user)?;
        super::outbox::queue(&tx, case.id, now)?;
        tx.commit()?;
        self.case_view(&case.number, user)
    }

    /// The case as `user` sees it: with the actions offered to them and the hint.
    pub fn case_view(&self, number: &str, user: &SessionUser) -> Result<CaseDetail> {
        let mut detail = self.case_detail(number)?;
        let facts = self.case_facts(&self.case_row(number)?)?;
        detail.actions = guards::offers(&facts, user, self.today());
        detail.hint = guards::hint(&facts, user, facts.state.info().ready_for_pickup);
        // Only the desk and the office register materials brought later (`supply_materials`).
        if !matches!(user.role, Role::Clerk | Role::Officer) {
            detail.suppliable.clear();
        }
        detail.can_rate = detail.rating_open && matches!(user.role, Role::Clerk | Role::Supervisor) && !user.screen;
        Ok(detail)
    }

    /// The case without a viewer (printing, hallctl, tests): no actions, no hint.
    pub fn case_detail(&self, number: &str) -> Result<CaseDetail> {
        let number = number.trim();
        let warn = self.warn_days()?;
        let today = self.today();
        let summary = self
            .conn
            .query_row(&format!("{SUMMARY_SQL} WHERE c.number = ?1"), [number], |r| {
                self.summary_from_row(r, warn, today)
            })
            .optional()?
            .ok_or_else(|| HallError::not_found(format!("没有编号为“{}”的办件", crate::validate::clip(number, 40))))?;
        type Row9 = (i64, String, i64, i64, Option<i64>, u32, u32, Option<String>, Option<String>);
        let (case_id, uuid, version, applicant_id, agent_id, promised_days, paused_days, paused_on, commitment_due): Row9 =
            self.conn.query_row(
                "SELECT id, uuid, catalog_version, applicant_id, agent_id, promised_days, paused_days, paused_on, commitment_due
                 FROM cases WHERE number = ?1",
                [number],
                |r| {
                    let at = At::new(r, "cases", "id")?;
                    Ok((
                        r.get("id")?,
                        r.get("uuid")?,
                        r.get("catalog_version")?,
                        r.get("applicant_id")?,
                        r.get("agent_id")?,
                        r.get("promised_days")?,
                        r.get("paused_days")?,
                        at.date_text_opt("paused_on")?,
                        at.date_text_opt("commitment_due")?,
                    ))
                },
            )?;
        let (logged_by, assignee, closed_at, missing_years): (String, Option<String>, Option<String>, Vec<i32>) =
            self.conn.query_row(
                "SELECT c.id AS id, l.name AS logged_by, a.name AS assignee, c.closed_at AS closed_at,
                        c.calendar_missing AS calendar_missing
                 FROM cases c JOIN users l ON l.id = c.logged_by LEFT JOIN users a ON a.id = c.assignee WHERE c.id = ?1",
                [case_id],
                |r| {
                    // Years the due date was computed without a calendar, as "2027,2028".
                    let missing = At::new(r, "cases", "id")?.key("calendar_missing", |s| {
                        s.split(',').filter(|y| !y.is_empty()).map(str::parse::<i32>).collect::<Result<Vec<_>, _>>()
                    })?;
                    Ok((r.get("logged_by")?, r.get("assignee")?, r.get("closed_at")?, missing))
                },
            )?;
        let (item_kind, catalog_version): (String, String) = self.conn.query_row(
            "SELECT i.rowid AS item_row, i.kind AS kind, v.version AS version
             FROM cases c JOIN catalog_items i ON i.version_id = c.catalog_version AND i.code = c.item_code
             JOIN catalog_versions v ON v.id = c.catalog_version WHERE c.id = ?1",
            [case_id],
            |r| {
                let kind = At::new(r, "catalog_items", "item_row")?.known("kind", CaseKind::parse)?;
                Ok((kind.label().to_string(), r.get("version")?))
            },
        )?;
        let _ = version;
        let person = |id: i64| -> Result<PersonView> {
            Ok(self.conn.query_row(
                "SELECT id, kind, name, id_number, phone, address FROM applicants WHERE id = ?1",
                [id],
                |r| {
                    Ok(PersonView {
                        kind: At::new(r, "applicants", "id")?.known("kind", party_kind)?,
                        name: r.get("name")?,
                        id_masked: mask_id(&r.get::<_, String>("id_number")?),
                        phone_masked: mask_phone(&r.get::<_, String>("phone")?),
                        address_masked: mask_address(&r.get::<_, String>("address")?),
                    })
                },
            )?)
        };
        let materials: Vec<CaseMaterial> = case_materials(&self.conn, case_id)?
            .into_iter()
            .map(|(m, submitted)| CaseMaterial {
                name: m.name,
                form: m.form.label().to_string(),
                copies: m.copies,
                required: m.required,
                deferrable: m.deferrable,
                submitted,
            })
            .collect();
        let mut st = self.conn.prepare_cached(
            "SELECT e.id AS id, e.at AS at, coalesce(u.name || '（' || e.actor || '）', e.actor) AS actor, e.action AS action,
                    e.from_state AS from_state, e.to_state AS to_state, e.note AS note, e.desk AS desk
             FROM events e LEFT JOIN users u ON u.username = e.actor WHERE e.case_id = ?1 ORDER BY e.id",
        )?;
        let events = st
            .query_map([case_id], |r| {
                let at = At::new(r, "events", "id")?;
                let action: String = r.get("action")?;
                Ok(CaseEvent {
                    at: r.get("at")?,
                    actor: r.get("actor")?,
                    action_label: event_label(&action),
                    action,
                    from_state: at.key_opt("from_state", CaseState::parse)?,
                    to_state: at.key_opt("to_state", CaseState::parse)?,
                    note: r.get("note")?,
                    desk: r.get("desk")?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        let supplement_due: Option<String> =
            self.conn.query_row("SELECT id, supplement_due FROM cases WHERE id = ?1", [case_id], |r| {
                At::new(r, "cases", "id")?.date_text_opt("supplement_due")
            })?;
        let delivery = super::papers::hand_out(&self.conn, case_id)?.map(|(method, h)| match method {
            DeliveryMethod::Mail => format!("{}，单号 {}（{}）", h.method_label, h.tracking, h.at),
            DeliveryMethod::InPerson | DeliveryMethod::Agent => {
                format!("{}：{}（{}）", h.method_label, h.collector_name, h.at)
            }
        });
        let follow_up_open: bool = self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM follow_ups WHERE case_id = ?1 AND closed_at IS NULL)",
            [case_id],
            |r| r.get(0),
        )?;
        let closed = summary.state.info().closed;
        let rating = self.rating(number)?;
        let rating_open = rating.is_none() && self.visit_ended(case_id, summary.state)?;
        let mut detail = CaseDetail {
            suppliable: if closed { Vec::new() } else { suppliable(summary.state, &materials) },
            actions: Vec::new(),
            hint: String::new(),
            documents: Vec::new(),
            sync_state: self.sync_state(case_id)?,
            supplement_urgency: self.supplement_urgency(summary.state, supplement_due.as_deref())?,
            supplement_due,
            delivery,
            rating,
            rating_open,
            can_rate: false,
            follow_up_open,
            uuid,
            item_kind,
            catalog_version,
            promised_days,
            paused_days,
            paused_on,
            commitment_due,
            calendar_warning: crate::calendar::WorkingDate { date: today, missing_years }.warning(),
            applicant: person(applicant_id)?,
            agent: agent_id.map(person).transpose()?,
            logged_by,
            assignee,
            closed_at,
            materials,
            events,
            summary,
        };
        detail.documents = self.paper_offers(&detail)?;
        Ok(detail)
    }

    /// The officer who holds the case, or the first active officer of its unit.
    pub fn case_officer(&self, number: &str) -> Result<Option<SessionUser>> {
        let username: Option<String> = self
            .conn
            .query_row(
                "SELECT u.username FROM cases c JOIN users u ON u.role = 'officer' AND u.disabled = 0
                   AND (u.id = c.assignee OR (c.assignee IS NULL AND u.unit = c.unit))
                 WHERE c.number = ?1 ORDER BY u.id = c.assignee DESC, u.id LIMIT 1",
                [number],
                |r| r.get(0),
            )
            .optional()?;
        username.map(|u| self.user(&u)).transpose()
    }

    /// Cases filtered by state and/or the day they were logged, newest first.
    pub fn list_cases(
        &self,
        state: Option<CaseState>,
        date: Option<NaiveDate>,
        limit: usize,
    ) -> Result<Vec<CaseSummary>> {
        let mut st = self.conn.prepare_cached(
            "SELECT id FROM cases WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR logged_on = ?2) ORDER BY id DESC LIMIT ?3",
        )?;
        let ids: Vec<i64> = st
            .query_map(params![state.map(|s| s.key()), date.map(|d| d.to_string()), limit as i64], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        self.summaries(&ids)
    }
}

/// See `CaseDetail::suppliable` (the case is open).
fn suppliable(state: CaseState, materials: &[CaseMaterial]) -> Vec<String> {
    let out = materials.iter().filter(|m| !m.submitted);
    if state == CaseState::Logged {
        return out.map(|m| m.name.clone()).collect();
    }
    if !out.clone().any(|m| m.required && m.deferrable) {
        return Vec::new();
    }
    out.filter(|m| m.deferrable || !m.required).map(|m| m.name.clone()).collect()
}

/// A checked intake, ready to write.
pub(crate) struct IntakePlan {
    township: String,
    version: i64,
    item: CatalogItem,
    applicant: CheckedParty,
    agent: Option<CheckedParty>,
    materials: Vec<(Material, bool)>,
    missing: Vec<Material>,
    note: String,
    outcome: IntakeOutcome,
    commitment_due: Option<NaiveDate>,
    clerk: SessionUser,
    now: NaiveDateTime,
}

/// Writes a planned intake: applicant, a number from the day's serial, the case, its
/// materials, its events and the outcome's transition. Returns the case number.
fn write_intake(tx: &Connection, cal: &Calendar, p: &IntakePlan) -> Result<String> {
    let today = p.now.date();
    let applicant_id = upsert_party(tx, &p.applicant)?;
    let agent_id = p.agent.as_ref().map(|a| upsert_party(tx, a)).transpose()?;
    let day = today.format("%Y%m%d").to_string();
    let serial: i64 = tx.query_row(
        "INSERT INTO case_serials(day, last) VALUES (?1, 1)
         ON CONFLICT(day) DO UPDATE SET last = last + 1 RETURNING last",
        [&day],
        |r| r.get(0),
    )?;
    let number = format!("{}-{day}-{serial:04}", p.township);
    tx.prepare_cached(
        "INSERT INTO cases(uuid, number, catalog_version, item_code, item_name, applicant_id, applicant_name, agent_id,
            state, unit, logged_by, logged_at, logged_on, promised_days, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'logged', ?9, ?10, ?11, ?12, ?13, ?11)",
    )?
    .execute(params![
        uuid::Uuid::new_v4().to_string(),
        number,
        p.version,
        p.item.code,
        p.item.name,
        applicant_id,
        p.applicant.name,
        agent_id,
        p.item.handled_by.as_ref().unwrap_or(&p.item.unit),
        p.clerk.id,
        fmt_ts(p.now),
        today.to_string(),
        p.item.promised_days
    ])?;
    let case_id = tx.last_insert_rowid();
    insert_name_grams(tx, case_id, &p.applicant.name)?;
    {
        let mut ins = tx.prepare_cached(
            "INSERT INTO case_materials(case_id, seq, name, form, copies, required, can_defer, submitted)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?;
        for (i, (m, given)) in p.materials.iter().enumerate() {
            ins.execute(params![case_id, i as i64, m.name, m.form.label(), m.copies, m.required, m.deferrable, given])?;
        }
    }
    let agent_note = p.agent.as_ref().map(|a| format!("，代办人 {}", a.name)).unwrap_or_default();
    insert_event(
        tx,
        p.now,
        case_id,
        &p.clerk.username,
        "intake",
        (None, Some(CaseState::Logged)),
        &format!("接件：{}，申请人 {}{agent_note}；首问负责人 {}", p.item.name, p.applicant.name, p.clerk.name),
    )?;
    if let Some(action) = p.outcome.action() {
        let missing_names = p.missing.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("、");
        let step_note = match p.outcome {
            IntakeOutcome::NotifyMissing => format!("一次性告知所缺材料：{missing_names}"),
            IntakeOutcome::AcceptPending => format!(
                "容缺受理，缺：{missing_names}；承诺补齐期限 {}",
                p.commitment_due.map(|d| d.to_string()).unwrap_or_default()
            ),
            _ => p.note.clone(),
        };
        apply(tx, cal, p.now, case_id, CaseState::Logged, action, &p.clerk, &step_note, None)?;
        if let Some(d) = p.commitment_due {
            tx.execute("UPDATE cases SET commitment_due = ?1 WHERE id = ?2", params![d.to_string(), case_id])?;
        }
    }
    Ok(number)
}

fn event_label(action: &str) -> String {
    match action {
        "intake" => "接件".into(),
        "rate" => "评价".into(),
        "follow_up" => "差评回访".into(),
        "reveal_id" => "查看完整身份证号".into(),
        "materials_supplied" => "补交容缺材料".into(),
        "print" => "打印文书".into(),
        other => Action::parse(other).map(|a| a.label().to_string()).unwrap_or_else(|_| other.to_string()),
    }
}

/// How `applicants.kind` is stored (see [`upsert_party`]).
pub(super) fn party_kind(s: &str) -> Option<PartyKind> {
    match s {
        "person" => Some(PartyKind::Person),
        "org" => Some(PartyKind::Org),
        _ => None,
    }
}

/// The materials of a case, in order, each with whether it was handed in; the one mapping of
/// `case_materials`.
pub(super) fn case_materials(conn: &Connection, case_id: i64) -> Result<Vec<(Material, bool)>> {
    let mut st = conn.prepare_cached(
        "SELECT rowid AS row_id, name, form, copies, required, can_defer, submitted
         FROM case_materials WHERE case_id = ?1 ORDER BY seq",
    )?;
    let rows = st.query_map([case_id], |r| {
        let at = At::new(r, "case_materials", "row_id")?;
        let material = Material {
            name: r.get("name")?,
            form: at.known("form", MaterialForm::parse)?,
            copies: r.get("copies")?,
            required: r.get("required")?,
            deferrable: r.get("can_defer")?,
            source: None,
        };
        Ok((material, r.get("submitted")?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn upsert_party(tx: &Connection, p: &CheckedParty) -> Result<i64> {
    let kind = match p.kind {
        PartyKind::Person => "person",
        PartyKind::Org => "org",
    };
    Ok(tx.query_row(
        "INSERT INTO applicants(kind, id_number, name, phone, address) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(kind, id_number) DO UPDATE SET name = excluded.name,
            phone = CASE WHEN excluded.phone = '' THEN phone ELSE excluded.phone END,
            address = CASE WHEN excluded.address = '' THEN address ELSE excluded.address END
         RETURNING id",
        params![kind, p.id_number, p.name, p.phone, p.address],
        |r| r.get(0),
    )?)
}

/// The 1- and 2-character substrings of a name, for short searches.
pub(super) fn insert_name_grams(tx: &Connection, case_id: i64, name: &str) -> Result<()> {
    let chars: Vec<char> = name.chars().filter(|c| !c.is_whitespace()).collect();
    let mut ins = tx.prepare_cached("INSERT OR IGNORE INTO name_grams(gram, case_id) VALUES (?1, ?2)")?;
    for i in 0..chars.len() {
        ins.execute(params![chars[i].to_string(), case_id])?;
        if i + 1 < chars.len() {
            ins.execute(params![chars[i..i + 2].iter().collect::<String>(), case_id])?;
        }
    }
    Ok(())
}

pub(super) fn insert_event(
    tx: &Connection,
    now: NaiveDateTime,
    case_id: i64,
    actor: &str,
    action: &str,
    (from, to): (Option<CaseState>, Option<CaseState>),
    note: &str,
) -> Result<()> {
    super::audit::append(
        tx,
        &super::audit::NewEvent {
            case_id: Some(case_id),
            at: &fmt_ts(now),
            actor,
            action,
            from_state: from.map(|s| s.key()),
            to_state: to.map(|s| s.key()),
            note,
            data: "{}",
        },
    )
}

/// Moves a case along one row of the lifecycle table and keeps the clock: starts it on
/// acceptance, stops it for 补正/特别程序 and pushes the due date by the paused working days
/// when it restarts.
#[allow(clippy::too_many_arguments)]
fn apply(
    tx: &Connection,
    cal: &Calendar,
    now: NaiveDateTime,
    case_id: i64,
    from: CaseState,
    action: Action,
    user: &SessionUser,
    note: &str,
    new_unit: Option<&str>,
) -> Result<()> {
    let today = now.date();
    let t = lifecycle::check(action, from, user.role)?;
    let (from_clock, to_clock) = (from.info().clock, t.to.info().clock);
    let mut note = note.to_string();
    if action.info().accepts {
        let promised: u32 = tx.query_row("SELECT promised_days FROM cases WHERE id = ?1", [case_id], |r| r.get(0))?;
        let due = cal.add_working_days(today, promised);
        tx.execute(
            "UPDATE cases SET accepted_on = ?1, due_date = ?2, calendar_missing = ?3 WHERE id = ?4",
            params![
                today.to_string(),
                due.date.to_string(),
                due.missing_years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(","),
                case_id
            ],
        )?;
        if to_clock == Clock::Running {
            note = join_note(&note, &format!("承诺办结日期 {}", due.date));
        }
    }
    if from_clock == Clock::Running && to_clock == Clock::Stopped {
        tx.execute("UPDATE cases SET paused_on = ?1 WHERE id = ?2", params![today.to_string(), case_id])?;
        note = join_note(&note, "计时暂停");
    }
    if from_clock == Clock::Stopped && to_clock == Clock::Running {
        let (paused_on, due): (NaiveDate, NaiveDate) =
            tx.query_row("SELECT id, paused_on, due_date FROM cases WHERE id = ?1", [case_id], |r| {
                let at = At::new(r, "cases", "id")?;
                Ok((at.date("paused_on")?, at.date("due_date")?))
            })?;
        let (days, _) = cal.working_days_between(paused_on, today);
        let new_due = cal.add_working_days(due, days);
        tx.execute(
            "UPDATE cases SET paused_on = NULL, paused_days = paused_days + ?1, due_date = ?2 WHERE id = ?3",
            params![days, new_due.date.to_string(), case_id],
        )?;
        note = join_note(&note, &format!("计时恢复，暂停 {days} 个工作日，办结日期顺延至 {}", new_due.date));
    }
    if action == Action::Claim {
        tx.execute("UPDATE cases SET assignee = ?1 WHERE id = ?2", params![user.id, case_id])?;
    }
    if let Some(u) = new_unit {
        tx.execute("UPDATE cases SET unit = ?1, assignee = NULL WHERE id = ?2", params![u, case_id])?;
        note = join_note(&note, &format!("转至 {u}"));
    }
    let closed = t.to.info().closed.then(|| fmt_ts(now));
    tx.execute(
        "UPDATE cases SET state = ?1, updated_at = ?2, closed_at = coalesce(?3, closed_at) WHERE id = ?4",
        params![t.to.key(), fmt_ts(now), closed, case_id],
    )?;
    if super::rater::ends_the_visit(action) {
        super::rater::offer(tx, case_id, now)?;
    }
    insert_event(tx, now, case_id, &user.username, action.key(), (Some(from), Some(t.to)), &note)
}

fn join_note(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}；{b}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::intake::Party;
    use crate::lifecycle::{STATES, TRANSITIONS};
    use crate::store::testing;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    /// An item of the sample catalog of `kind`, and all its material names.
    fn item(s: &Store, kind: CaseKind, with_deferrable: bool) -> (CatalogItem, Vec<String>) {
        let it = s
            .catalog_items(None, None)
            .unwrap()
            .into_iter()
            .map(|v| v.item)
            .find(|i| i.kind == kind && i.materials.iter().any(|m| m.deferrable) == with_deferrable)
            .unwrap();
        let names = it.materials.iter().map(|m| m.name.clone()).collect();
        (it, names)
    }

    fn request(item: &CatalogItem, materials: Vec<String>, outcome: IntakeOutcome) -> IntakeRequest {
        IntakeRequest {
            item_code: item.code.clone(),
            applicant: Party {
                kind: PartyKind::Person,
                id_number: "230102199003078519".into(),
                name: "王小二".into(),
                phone: "13800138000".into(),
                address: "惠头村1组2号".into(),
            },
            agent: None,
            materials,
            clerk: "clerk1".into(),
            outcome,
            note: if outcome == IntakeOutcome::Refuse {
                "不属于本中心受理范围".into()
            } else {
                String::new()
            },
            commitment_due: None,
        }
    }

    fn events(s: &Store) -> i64 {
        s.conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn intake_outcomes_and_their_checks() {
        let (_d, mut s) = testing::store();
        s.set_now(Some(at("2026-09-30 09:00")));
        let clerk = s.user("clerk1").unwrap();
        let (promised, names) = item(&s, CaseKind::Promised, false);
        let c = s.intake(&request(&promised, names.clone(), IntakeOutcome::Accept), &clerk).unwrap();
        assert_eq!(c.summary.state, CaseState::Accepted);
        let due = s.calendar().add_working_days("2026-09-30".parse().unwrap(), promised.promised_days).date;
        assert_eq!(c.summary.due_date.as_deref(), Some(due.to_string().as_str()));
        assert_eq!(c.summary.number, "231221104-20260930-0001");
        assert_eq!(c.logged_by, "孙丽娟");
        assert_eq!(c.events.len(), 2);

        // 一次性告知: stays logged, the missing list is in the event.
        let c = s.intake(&request(&promised, vec![], IntakeOutcome::NotifyMissing), &clerk).unwrap();
        assert_eq!(c.summary.state, CaseState::Logged);
        assert!(c.summary.due_date.is_none());
        assert!(c.events[1].note.contains(&names[0]), "{}", c.events[1].note);
        assert_eq!(c.summary.number, "231221104-20260930-0002");

        // Refused inputs change nothing.
        let before = (s.case_count().unwrap(), events(&s));
        for (req, needle) in [
            (request(&promised, vec![], IntakeOutcome::Accept), "缺少必需材料"),
            (request(&promised, names.clone(), IntakeOutcome::NotifyMissing), "无需一次性告知"),
            (request(&promised, names.clone(), IntakeOutcome::AcceptPending), "无需容缺"),
            (request(&promised, names.clone(), IntakeOutcome::Instant), "不是即办件"),
            (request(&promised, vec!["不存在的材料".into()], IntakeOutcome::Accept), "不是事项"),
            (IntakeRequest { note: String::new(), ..request(&promised, names.clone(), IntakeOutcome::Refuse) }, "理由"),
            (
                IntakeRequest {
                    applicant: Party {
                        name: "<script>".repeat(30),
                        ..request(&promised, vec![], IntakeOutcome::Accept).applicant
                    },
                    ..request(&promised, names.clone(), IntakeOutcome::Accept)
                },
                "过长",
            ),
        ] {
            let e = s.intake(&req, &clerk).unwrap_err();
            assert!(e.message.contains(needle), "{needle}: {}", e.message);
        }
        let officer = s.user("officer.shsw").unwrap();
        let e = s.intake(&request(&promised, names.clone(), IntakeOutcome::Accept), &officer).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert_eq!((s.case_count().unwrap(), events(&s)), before);

        // 容缺受理: commitment no later than the due date.
        let (deferrable_item, all) = item(&s, CaseKind::Promised, true);
        let deferrable = deferrable_item.materials.iter().find(|m| m.deferrable).unwrap().name.clone();
        let partial: Vec<String> = all.iter().filter(|n| **n != deferrable).cloned().collect();
        let mut req = request(&deferrable_item, partial.clone(), IntakeOutcome::AcceptPending);
        req.commitment_due = Some("2027-06-01".parse().unwrap());
        assert!(s.intake(&req, &clerk).unwrap_err().message.contains("不得超过"));
        req.commitment_due = None;
        let c = s.intake(&req, &clerk).unwrap();
        assert_eq!(c.commitment_due, c.summary.due_date);

        // 即办件: accepted and decided at once, due the same day.
        let (instant, names) = item(&s, CaseKind::Instant, false);
        let c = s.intake(&request(&instant, names, IntakeOutcome::Instant), &clerk).unwrap();
        assert_eq!(c.summary.state, CaseState::Approved);
        assert_eq!(c.summary.due_date.as_deref(), Some("2026-09-30"));
    }

    #[test]
    fn pauses_move_the_due_date_by_the_paused_working_days() {
        let (_d, mut s) = testing::store();
        let clerk = s.user("clerk1").unwrap();
        let (promised, names) = item(&s, CaseKind::Promised, false);
        s.set_now(Some(at("2026-09-28 09:00")));
        let c = s.intake(&request(&promised, names, IntakeOutcome::Accept), &clerk).unwrap();
        let number = c.summary.number.clone();
        let due0: NaiveDate = c.summary.due_date.unwrap().parse().unwrap();
        let officer = s.case_officer(&number).unwrap().unwrap();
        let p = ActParams { note: "请补充户口簿复印件".into(), ..ActParams::default() };
        s.act(&number, Action::Claim, &officer, &ActParams::default()).unwrap();
        s.set_now(Some(at("2026-09-30 10:00")));
        let c = s.act(&number, Action::RequestSupplement, &officer, &p).unwrap();
        assert_eq!(c.summary.state, CaseState::Supplement);
        assert_eq!(c.summary.urgency, Urgency::None, "no clock while paused");
        // Resumed Fri 10-09: 10-01..10-07 are holidays, 10-08 and 10-09 were working days paused.
        s.set_now(Some(at("2026-10-09 15:00")));
        let c = s.act(&number, Action::SupplementReceived, &clerk, &ActParams::default()).unwrap();
        assert_eq!(c.paused_days, 2);
        let due1: NaiveDate = c.summary.due_date.unwrap().parse().unwrap();
        assert_eq!(due1, s.calendar().add_working_days(due0, 2).date);
        assert!(c.events.last().unwrap().note.contains("暂停 2 个工作日"));
    }

    #[test]
    fn case_numbers_never_collide_between_two_clerks() {
        let (dir, s) = testing::store();
        let path = s.path().to_path_buf();
        drop(s);
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || {
                    let mut s = Store::open(&path).unwrap();
                    let clerk = s.user("clerk1").unwrap();
                    let (it, names) = item(&s, CaseKind::Promised, false);
                    (0..25)
                        .map(|_| {
                            s.intake(&request(&it, names.clone(), IntakeOutcome::Accept), &clerk)
                                .unwrap()
                                .summary
                                .number
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut all: Vec<String> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
        all.sort();
        let n = all.len();
        all.dedup();
        assert_eq!(all.len(), n, "50 intakes from two connections, 50 distinct numbers");
        assert!(all.last().unwrap().ends_with("-0050"));
        drop(dir);
    }

    fn applicant_collects() -> Delivery {
        Delivery {
            method: DeliveryMethod::InPerson,
            collector_name: "王小二".into(),
            collector_id: "230102199003078519".into(),
            tracking: String::new(),
        }
    }

    /// A logged request whose materials fit `action`: one 容缺 item short for 容缺受理, nothing
    /// handed in for 一次性告知, a complete 即办件 for 即办.
    fn logged_for(s: &mut Store, action: Action) -> String {
        let clerk = s.user("clerk1").unwrap();
        let (kind, deferrable) =
            if action == Action::Instant { (CaseKind::Instant, false) } else { (CaseKind::Promised, true) };
        let (it, names) = item(s, kind, deferrable);
        let materials: Vec<String> = match action {
            Action::NotifyMissing => vec![],
            Action::AcceptPending => {
                let skip = it.materials.iter().find(|m| m.deferrable).unwrap().name.clone();
                names.into_iter().filter(|n| *n != skip).collect()
            }
            _ => names,
        };
        s.intake(&request(&it, materials, IntakeOutcome::Log), &clerk).unwrap().summary.number
    }

    #[test]
    fn accepting_a_logged_request_later_applies_the_intake_rules() {
        let (_d, mut s) = testing::store();
        let clerk = s.user("clerk1").unwrap();
        let number = logged_for(&mut s, Action::NotifyMissing);
        let before = events(&s);
        let e = s.act(&number, Action::Accept, &clerk, &ActParams::default()).unwrap_err();
        assert!(e.message.contains("缺少必需材料"), "{}", e.message);
        assert_eq!(events(&s), before);
        let number = logged_for(&mut s, Action::AcceptPending);
        let late = ActParams { due: Some("2030-01-01".parse().unwrap()), ..ActParams::default() };
        assert!(s.act(&number, Action::AcceptPending, &clerk, &late).unwrap_err().message.contains("容缺承诺期限"));
        let c = s.act(&number, Action::AcceptPending, &clerk, &ActParams::default()).unwrap();
        assert_eq!(c.summary.state, CaseState::Accepted);
        assert_eq!(c.commitment_due, c.summary.due_date);
    }

    /// Walks a fresh 上报件 case to `target` along the table's main path.
    fn case_in(s: &mut Store, target: CaseState) -> String {
        let clerk = s.user("clerk1").unwrap();
        let (it, names) = item(s, CaseKind::Forwarded, true);
        let deferrable = it.materials.iter().find(|m| m.deferrable).unwrap().name.clone();
        let (outcome, materials) = if target == CaseState::ApprovedPending {
            (IntakeOutcome::AcceptPending, names.iter().filter(|n| **n != deferrable).cloned().collect())
        } else {
            (IntakeOutcome::Log, names)
        };
        let number = s.intake(&request(&it, materials, outcome), &clerk).unwrap().summary.number;
        let officer = s.case_officer(&number).unwrap().unwrap();
        let director = s.user("director").unwrap();
        let reason = ActParams {
            note: "测试".into(),
            kind: Some("专家评审".into()),
            delivery: Some(applicant_collects()),
            ..ActParams::default()
        };
        use Action as A;
        use CaseState as S;
        let path: &[(Action, &SessionUser)] = match target {
            S::Logged => &[],
            S::Accepted => &[(A::Accept, &clerk)],
            S::Processing => &[(A::Accept, &clerk), (A::Claim, &officer)],
            S::Supplement => &[(A::Accept, &clerk), (A::Claim, &officer), (A::RequestSupplement, &officer)],
            S::Special => &[(A::Accept, &clerk), (A::Claim, &officer), (A::SpecialStart, &officer)],
            S::Approved => &[(A::Accept, &clerk), (A::Claim, &officer), (A::Approve, &officer)],
            S::ApprovedPending => &[(A::Claim, &officer), (A::ApprovePending, &officer)],
            S::Rejected => &[(A::Accept, &clerk), (A::Claim, &officer), (A::Reject, &officer)],
            S::Delivered => &[(A::Accept, &clerk), (A::Claim, &officer), (A::Approve, &officer), (A::Deliver, &clerk)],
            S::Refused => &[(A::Refuse, &clerk)],
            S::Cancelled => &[(A::Withdraw, &clerk)],
            S::Withdrawn => &[(A::Accept, &clerk), (A::Withdraw, &clerk)],
            S::Revoked => &[(A::Accept, &clerk), (A::Revoke, &director)],
        };
        for (action, user) in path {
            s.act(&number, *action, user, &reason).unwrap();
        }
        assert_eq!(s.case_detail(&number).unwrap().summary.state, target);
        number
    }

    /// A 容缺 case (one 容缺 material out, committed for today) walked to `target`.
    fn pending_case_in(s: &mut Store, target: CaseState) -> String {
        let clerk = s.user("clerk1").unwrap();
        let (it, names) = item(s, CaseKind::Forwarded, true);
        let deferrable = it.materials.iter().find(|m| m.deferrable).unwrap().name.clone();
        let mut req =
            request(&it, names.into_iter().filter(|n| *n != deferrable).collect(), IntakeOutcome::AcceptPending);
        req.commitment_due = Some(s.today());
        let number = s.intake(&req, &clerk).unwrap().summary.number;
        let officer = s.case_officer(&number).unwrap().unwrap();
        let path: &[Action] = match target {
            CaseState::Accepted => &[],
            CaseState::Processing => &[Action::Claim],
            CaseState::ApprovedPending => &[Action::Claim, Action::ApprovePending],
            other => panic!("no 容缺 path to {other:?}"),
        };
        for a in path {
            s.act(&number, *a, &officer, &ActParams::default()).unwrap();
        }
        number
    }

    #[test]
    fn every_transition_is_allowed_to_its_roles_and_refused_to_the_others() {
        let (_d, mut s) = testing::store();
        let transfer_to = "T-PAJS";
        for t in TRANSITIONS {
            s.set_now(None);
            let number = match (t.from, t.action) {
                (CaseState::Logged, Action::AcceptPending | Action::NotifyMissing | Action::Instant) => {
                    logged_for(&mut s, t.action)
                }
                // The rows guarded by 容缺 materials still out (and, for 终止, a passed date).
                (_, Action::ApprovePending | Action::Lapse) => pending_case_in(&mut s, t.from),
                _ => case_in(&mut s, t.from),
            };
            if t.action == Action::Lapse {
                s.set_now(Some(s.now() + chrono::Duration::days(3)));
            }
            let p = ActParams {
                note: "测试理由".into(),
                unit: Some(transfer_to.into()),
                kind: Some("鉴定".into()),
                delivery: Some(applicant_collects()),
                ..ActParams::default()
            };
            if t.action == Action::CountyResult {
                let officer = s.case_officer(&number).unwrap().unwrap();
                s.act(&number, Action::Forward, &officer, &p).unwrap();
            }
            if t.action == Action::SupplementLapse {
                // Only once the 补正 deadline has passed (store::supplement).
                s.conn.execute("UPDATE cases SET supplement_due = '2000-01-03' WHERE number = ?1", [&number]).unwrap();
            }
            // The officer first: a first 补正 is the officer's, not the director's.
            let mut users: Vec<SessionUser> = vec![s.case_officer(&number).unwrap().unwrap()];
            users.extend(["clerk1", "director", "admin"].iter().map(|u| s.user(u).unwrap()));
            let before = events(&s);
            for u in users.iter().filter(|u| !t.roles.contains(&u.role)) {
                let e = s.act(&number, t.action, u, &p).unwrap_err();
                assert_eq!(e.code, ErrorCode::Forbidden, "{:?} by {:?}", t.action, u.role);
            }
            assert_eq!(events(&s), before, "refusals leave no trace");
            let u = users.iter().find(|u| t.roles.contains(&u.role)).unwrap();
            let c = s
                .act(&number, t.action, u, &p)
                .unwrap_or_else(|e| panic!("{:?} from {:?}: {}", t.action, t.from, e.message));
            assert_eq!(c.summary.state, t.to, "{:?} from {:?}", t.action, t.from);
            let last = c.events.last().unwrap();
            assert_eq!((last.from_state, last.to_state), (Some(t.from), Some(t.to)));
        }
        // Every (action, state) pair the table lacks is refused as a transition error.
        let clerk = s.user("clerk1").unwrap();
        for st in STATES {
            let number = case_in(&mut s, st.state);
            for a in crate::lifecycle::ACTIONS {
                if lifecycle::find(a.action, st.state).is_none() {
                    let e = s
                        .act(&number, a.action, &clerk, &ActParams { note: "x".into(), ..ActParams::default() })
                        .unwrap_err();
                    assert_eq!(e.code, ErrorCode::Transition, "{:?} from {:?}", a.action, st.state);
                }
            }
        }
    }

    #[test]
    fn officers_act_only_on_their_units_cases() {
        let (_d, mut s) = testing::store();
        let number = case_in(&mut s, CaseState::Accepted);
        let unit = s.case_detail(&number).unwrap().summary.unit;
        let other = s
            .conn
            .query_row("SELECT username FROM users WHERE role = 'officer' AND unit <> ?1 LIMIT 1", [&unit], |r| {
                r.get::<_, String>(0)
            })
            .unwrap();
        let other = s.user(&other).unwrap();
        let e = s.act(&number, Action::Claim, &other, &ActParams::default()).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert!(e.message.contains("本单位"));
    }
}
