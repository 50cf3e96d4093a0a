//! What a lifecycle action carries beyond the state change: the unit a case is transferred to,
//! the 补正 deadline, the kind of 特别程序, the forwarding of a 上报件 and the county's result,
//! and the pickup window's identity check. Each is checked before the transaction and written
//! in it, next to the transition.

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension};

use super::cases::{Delivery, DeliveryMethod};
use super::stored::At;
use super::{fmt_ts, ActParams, SessionUser, Store};
use crate::catalog::CaseKind;
use crate::error::{HallError, Result};
use crate::guards::CaseFacts;
use crate::intake::PartyKind;
use crate::lifecycle::{Action, CaseState};
use crate::privacy::mask_id;
use crate::{limits, validate};

pub use crate::action_forms::SPECIAL_KINDS;

/// The facts about a case that the steps check against.
pub(crate) struct CaseRow {
    pub id: i64,
    pub number: String,
    pub state: CaseState,
    pub unit: String,
    pub kind: CaseKind,
    /// The deciding unit of the item (a county department for 上报件).
    pub decider: String,
    pub applicant_kind: PartyKind,
    pub applicant_id: String,
    pub applicant_name: String,
    pub agent_id: Option<String>,
    pub agent_name: Option<String>,
}

pub(crate) enum Step {
    Plain,
    /// Acceptance of a logged request; 容缺受理 carries its commitment date.
    Accept(Option<NaiveDate>),
    Transfer(String),
    Supplement(Option<NaiveDate>),
    SupplementDone,
    Special(String),
    Forward {
        unit: String,
        sent_on: NaiveDate,
    },
    CountyResult {
        forward: i64,
        on: NaiveDate,
        days: u32,
    },
    Deliver {
        method: DeliveryMethod,
        name: String,
        id: String,
        tracking: String,
    },
}

pub(super) fn method_label(m: DeliveryMethod) -> &'static str {
    match m {
        DeliveryMethod::InPerson => "本人领取",
        DeliveryMethod::Agent => "代办人领取",
        DeliveryMethod::Mail => "邮寄送达",
    }
}

impl Store {
    pub(crate) fn case_row(&self, number: &str) -> Result<CaseRow> {
        let number = number.trim();
        self.conn
            .query_row(
                "SELECT c.id AS id, c.number AS number, c.state AS state, c.unit AS unit, i.rowid AS item_row,
                        i.kind AS item_kind, i.unit AS decider, a.id AS applicant_row, a.kind AS applicant_kind,
                        a.id_number AS applicant_id, a.name AS applicant_name, g.id_number AS agent_id,
                        g.name AS agent_name, c.accepted_on AS accepted_on, c.due_date AS due_date, c.paused_on AS paused_on,
                        c.commitment_due AS commitment_due, c.supplement_due AS supplement_due
                 FROM cases c JOIN applicants a ON a.id = c.applicant_id LEFT JOIN applicants g ON g.id = c.agent_id
                 JOIN catalog_items i ON i.version_id = c.catalog_version AND i.code = c.item_code
                 WHERE c.number = ?1",
                [number],
                |r| {
                    // The case's dates are checked here too, so that `act` refuses a damaged
                    // row before it writes anything.
                    let at = At::new(r, "cases", "id")?;
                    let item = At::new(r, "catalog_items", "item_row")?.aliased("item_");
                    let applicant = At::new(r, "applicants", "applicant_row")?.aliased("applicant_");
                    for column in ["accepted_on", "due_date", "paused_on", "commitment_due", "supplement_due"] {
                        at.date_text_opt(column)?;
                    }
                    Ok(CaseRow {
                        id: r.get("id")?,
                        number: r.get("number")?,
                        state: at.key("state", CaseState::parse)?,
                        unit: r.get("unit")?,
                        kind: item.known("item_kind", CaseKind::parse)?,
                        decider: r.get("decider")?,
                        applicant_kind: applicant.known("applicant_kind", super::cases::party_kind)?,
                        applicant_id: r.get("applicant_id")?,
                        applicant_name: r.get("applicant_name")?,
                        agent_id: r.get("agent_id")?,
                        agent_name: r.get("agent_name")?,
                    })
                },
            )
            .optional()?
            .ok_or_else(|| HallError::not_found(format!("没有编号为“{}”的办件", crate::validate::clip(number, 40))))
    }

    /// What the lifecycle guards look at, read once (see `guards::CaseFacts`).
    pub(crate) fn case_facts(&self, case: &CaseRow) -> Result<CaseFacts> {
        let (item_name, unit_name, commitment_due) = self.conn.query_row(
            "SELECT c.id AS id, c.item_name AS item_name, u.name AS unit_name, c.commitment_due AS commitment_due
             FROM cases c JOIN units u ON u.code = c.unit WHERE c.id = ?1",
            [case.id],
            |r| {
                let at = At::new(r, "cases", "id")?;
                let due = at.key_opt("commitment_due", super::stored::parse_date)?;
                Ok((r.get::<_, String>("item_name")?, r.get::<_, String>("unit_name")?, due))
            },
        )?;
        let materials = super::cases::case_materials(&self.conn, case.id)?;
        Ok(CaseFacts {
            state: case.state,
            unit: case.unit.clone(),
            unit_name,
            item_name,
            kind: case.kind,
            materials,
            commitment_due,
            forward_open: self.open_forward(case.id)?.is_some(),
            supplements_asked: self.supplement_requests(case.id)?,
            supplement_due: self.supplement_due(case.id)?,
            supplement_lapse_on: self.supplement_lapse_mode()? != super::SupplementLapseMode::Off,
        })
    }

    /// Checks what `action` carries (the guards of its row are checked before, by
    /// `guards::judge`); nothing is written here.
    pub(crate) fn plan_step(&self, case: &CaseRow, action: Action, p: &ActParams, today: NaiveDate) -> Result<Step> {
        Ok(match action {
            Action::Transfer => {
                let u = p
                    .unit
                    .as_deref()
                    .map(str::trim)
                    .filter(|u| !u.is_empty())
                    .ok_or_else(|| HallError::invalid("转办必须选择接收单位"))?;
                if u == case.unit {
                    return Err(HallError::invalid("接收单位与当前单位相同"));
                }
                let ok: bool =
                    self.conn.query_row("SELECT EXISTS(SELECT 1 FROM units WHERE code = ?1)", [u], |r| r.get(0))?;
                if !ok {
                    return Err(HallError::invalid(format!("单位“{u}”不存在")));
                }
                Step::Transfer(u.to_string())
            }
            Action::RequestSupplement => {
                if let Some(d) = p.due.filter(|d| *d < today) {
                    return Err(HallError::invalid(format!("补正期限 {d} 早于今天")));
                }
                Step::Supplement(p.due)
            }
            Action::SupplementReceived => Step::SupplementDone,
            Action::SpecialStart => {
                let kind = p.kind.as_deref().map(str::trim).unwrap_or("");
                if !SPECIAL_KINDS.contains(&kind) {
                    return Err(HallError::invalid(format!("特别程序的种类应为：{}", SPECIAL_KINDS.join("、"))));
                }
                Step::Special(kind.to_string())
            }
            Action::Forward => {
                let sent_on = p.date.unwrap_or(today);
                if sent_on > today {
                    return Err(HallError::invalid(format!("上报日期 {sent_on} 晚于今天")));
                }
                Step::Forward { unit: case.decider.clone(), sent_on }
            }
            Action::CountyResult => {
                let (forward, sent_on) = self
                    .open_forward(case.id)?
                    .ok_or_else(|| HallError::invalid("该办件尚未上报县级部门，不能登记县级结果"))?;
                let on = p.date.unwrap_or(today);
                if on > today || on < sent_on {
                    return Err(HallError::invalid(format!("县级结果日期 {on} 应在上报日期 {sent_on} 与今天之间")));
                }
                let (days, _) = self.calendar.working_days_between(sent_on, on);
                Step::CountyResult { forward, on, days }
            }
            Action::Deliver => self.check_delivery(case, p.delivery.as_ref())?,
            Action::AcceptPending => self.check_commitment(case, p, today)?,
            Action::Accept | Action::Instant => Step::Accept(None),
            _ => Step::Plain,
        })
    }

    /// Working days the county department took on the case's latest answered 上报件.
    pub fn county_turnaround(&self, number: &str) -> Result<Option<i64>> {
        let case = self.case_row(number)?;
        Ok(self
            .conn
            .query_row(
                "SELECT working_days FROM county_forwards WHERE case_id = ?1 AND result IS NOT NULL ORDER BY id DESC LIMIT 1",
                [case.id],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// 容缺受理 of a logged request: the commitment date lies between today and the due date.
    fn check_commitment(&self, case: &CaseRow, p: &ActParams, today: NaiveDate) -> Result<Step> {
        let promised: u32 =
            self.conn.query_row("SELECT promised_days FROM cases WHERE id = ?1", [case.id], |r| r.get(0))?;
        let due = self.calendar.add_working_days(today, promised).date;
        let commitment = p.due.unwrap_or(due);
        if commitment > due || commitment < today {
            return Err(HallError::invalid(format!("容缺承诺期限 {commitment} 应在今天与承诺办结日期 {due} 之间")));
        }
        Ok(Step::Accept(Some(commitment)))
    }

    /// 上报件 sent and not yet answered: (row id, date sent).
    fn open_forward(&self, case_id: i64) -> Result<Option<(i64, NaiveDate)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, sent_on FROM county_forwards WHERE case_id = ?1 AND result IS NULL ORDER BY id DESC LIMIT 1",
                [case_id],
                |r| Ok((r.get("id")?, At::new(r, "county_forwards", "id")?.date("sent_on")?)),
            )
            .optional()?)
    }

    /// 统一窗口出件: the collector must be the applicant, the registered agent, or a new agent
    /// whose valid ID is recorded; mail needs a tracking number.
    fn check_delivery(&self, case: &CaseRow, d: Option<&Delivery>) -> Result<Step> {
        let d = d.ok_or_else(|| HallError::invalid("出件须登记领取方式（本人、代办人或邮寄）"))?;
        if d.method == DeliveryMethod::Mail {
            let tracking = validate::text("邮寄单号", &d.tracking, limits::TRACKING, true)?;
            return Ok(Step::Deliver {
                method: d.method,
                name: case.applicant_name.clone(),
                id: case.applicant_id.clone(),
                tracking,
            });
        }
        let id = validate::resident_id(&d.collector_id, self.today())
            .map_err(|e| HallError::invalid(format!("领取人：{}", e.message)))?;
        let name = validate::text("领取人姓名", &d.collector_name, limits::PARTY_NAME, true)?;
        match d.method {
            DeliveryMethod::InPerson => {
                if case.applicant_kind == PartyKind::Org {
                    return Err(HallError::invalid("申请人是单位，请选择“代办人领取”并核对经办人身份证"));
                }
                if id != case.applicant_id {
                    return Err(HallError::invalid(format!(
                        "身份核验未通过：领取人身份证号与申请人{}（{}）不一致。如由他人代领，请选择“代办人领取”",
                        case.applicant_name,
                        mask_id(&case.applicant_id)
                    )));
                }
                if name != case.applicant_name {
                    return Err(HallError::invalid(format!(
                        "身份核验未通过：领取人姓名与申请人“{}”不一致",
                        case.applicant_name
                    )));
                }
            }
            DeliveryMethod::Agent => {
                if id == case.applicant_id {
                    return Err(HallError::invalid("领取人就是申请人本人，请选择“本人领取”"));
                }
                if case.agent_id.as_deref() == Some(id.as_str()) && case.agent_name.as_deref() != Some(name.as_str()) {
                    return Err(HallError::invalid("身份核验未通过：领取人姓名与登记的代办人不一致"));
                }
            }
            DeliveryMethod::Mail => unreachable!("handled above"),
        }
        Ok(Step::Deliver { method: d.method, name, id, tracking: String::new() })
    }
}

impl Step {
    pub(crate) fn new_unit(&self) -> Option<&str> {
        match self {
            Step::Transfer(u) => Some(u),
            _ => None,
        }
    }

    /// The event note: the user's note with what the step adds.
    pub(crate) fn describe(&self, note: &str) -> String {
        let extra = match self {
            Step::Supplement(Some(d)) => format!("补正期限 {d}"),
            Step::Accept(Some(d)) => format!("容缺受理，承诺补齐期限 {d}"),
            Step::Special(kind) => format!("程序种类：{kind}"),
            Step::Forward { unit, sent_on } => format!("{sent_on} 上报 {unit}"),
            Step::CountyResult { on, days, .. } => format!("{on} 县级结果返回，用时 {days} 个工作日"),
            Step::Deliver { method: DeliveryMethod::Mail, tracking, .. } => format!("邮寄送达，单号 {tracking}"),
            Step::Deliver { method, name, id, .. } => format!("{}：{name}（{}）", method_label(*method), mask_id(id)),
            _ => String::new(),
        };
        match (note.is_empty(), extra.is_empty()) {
            (_, true) => note.to_string(),
            (true, false) => extra,
            (false, false) => format!("{note}；{extra}"),
        }
    }

    pub(crate) fn write(&self, tx: &Connection, case: &CaseRow, now: NaiveDateTime, user: &SessionUser) -> Result<()> {
        match self {
            Step::Accept(Some(d)) => {
                tx.execute("UPDATE cases SET commitment_due = ?1 WHERE id = ?2", params![d.to_string(), case.id])?;
            }
            Step::Supplement(due) => {
                tx.execute(
                    "UPDATE cases SET supplement_due = ?1 WHERE id = ?2",
                    params![due.map(|d| d.to_string()), case.id],
                )?;
            }
            Step::SupplementDone => {
                tx.execute("UPDATE cases SET supplement_due = NULL WHERE id = ?1", [case.id])?;
            }
            Step::Forward { unit, sent_on } => {
                tx.execute(
                    "INSERT INTO county_forwards(case_id, unit, sent_on) VALUES (?1, ?2, ?3)",
                    params![case.id, unit, sent_on.to_string()],
                )?;
            }
            Step::CountyResult { forward, on, days } => {
                let result: String = tx.query_row(
                    "SELECT note FROM events WHERE case_id = ?1 ORDER BY id DESC LIMIT 1",
                    [case.id],
                    |r| r.get(0),
                )?;
                tx.execute(
                    "UPDATE county_forwards SET result = ?1, result_on = ?2, working_days = ?3 WHERE id = ?4",
                    params![result, on.to_string(), days, forward],
                )?;
            }
            Step::Deliver { method, name, id, tracking } => {
                let method = match method {
                    DeliveryMethod::InPerson => "in_person",
                    DeliveryMethod::Agent => "agent",
                    DeliveryMethod::Mail => "mail",
                };
                tx.execute(
                    "INSERT INTO deliveries(case_id, method, collector_name, collector_id, tracking, delivered_at, clerk)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![case.id, method, name, id, tracking, fmt_ts(now), user.username],
                )?;
            }
            Step::Plain | Step::Accept(None) | Step::Transfer(_) | Step::Special(_) => {}
        }
        Ok(())
    }
}
