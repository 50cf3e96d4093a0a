//! Front-desk intake: the request a clerk (or `hallctl case intake`) submits, and its checks.
//! Everything here is validated before the store opens a transaction.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{CaseKind, CatalogItem, Material};
use crate::error::{HallError, Result};
use crate::lifecycle::Action;
use crate::{limits, validate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PartyKind {
    Person,
    Org,
}

/// An applicant or an agent as typed at the desk.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Party {
    #[serde(default = "person")]
    pub kind: PartyKind,
    /// 居民身份证号 for a person, 统一社会信用代码 for an organisation.
    pub id_number: String,
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub address: String,
}

fn person() -> PartyKind {
    PartyKind::Person
}

/// What the clerk does with the request at the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum IntakeOutcome {
    /// Log only (已接件), to be decided later.
    Log,
    Accept,
    AcceptPending,
    NotifyMissing,
    Refuse,
    Instant,
}

impl IntakeOutcome {
    /// The desk's outcome buttons, in their order (`log` is not one).
    pub const DESK: [IntakeOutcome; 5] = [
        IntakeOutcome::Accept,
        IntakeOutcome::AcceptPending,
        IntakeOutcome::NotifyMissing,
        IntakeOutcome::Refuse,
        IntakeOutcome::Instant,
    ];

    /// The button's label.
    pub fn label(self) -> &'static str {
        match self {
            IntakeOutcome::Log => "只接件",
            IntakeOutcome::Accept => "受理",
            IntakeOutcome::AcceptPending => "容缺受理",
            IntakeOutcome::NotifyMissing => "一次性告知",
            IntakeOutcome::Refuse => "不予受理",
            IntakeOutcome::Instant => "即办",
        }
    }

    /// The lifecycle action the outcome takes after the request is logged.
    pub fn action(self) -> Option<Action> {
        match self {
            IntakeOutcome::Log => None,
            IntakeOutcome::Accept => Some(Action::Accept),
            IntakeOutcome::AcceptPending => Some(Action::AcceptPending),
            IntakeOutcome::NotifyMissing => Some(Action::NotifyMissing),
            IntakeOutcome::Refuse => Some(Action::Refuse),
            IntakeOutcome::Instant => Some(Action::Instant),
        }
    }
}

/// The intake document (see README, "hallctl case intake").
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IntakeRequest {
    pub item_code: String,
    pub applicant: Party,
    #[serde(default)]
    pub agent: Option<Party>,
    /// Names of the catalog materials handed in.
    #[serde(default)]
    pub materials: Vec<String>,
    /// The clerk who logs it (首问负责人). The app fills it from the session.
    #[serde(default)]
    pub clerk: String,
    #[serde(default = "accept")]
    pub outcome: IntakeOutcome,
    /// Reason for 不予受理, or a remark.
    #[serde(default)]
    pub note: String,
    /// 容缺受理: the date the missing materials are promised by (default: the due date).
    #[serde(default)]
    pub commitment_due: Option<NaiveDate>,
}

fn accept() -> IntakeOutcome {
    IntakeOutcome::Accept
}

/// A party after validation, normalised.
#[derive(Debug, Clone)]
pub struct CheckedParty {
    pub kind: PartyKind,
    pub id_number: String,
    pub name: String,
    pub phone: String,
    pub address: String,
}

pub fn check_party(role: &str, p: &Party, today: NaiveDate, phone_required: bool) -> Result<CheckedParty> {
    let prefix = |e: HallError| HallError::invalid(format!("{role}：{}", e.message));
    let id_number = match p.kind {
        PartyKind::Person => validate::resident_id(&p.id_number, today),
        PartyKind::Org => validate::credit_code(&p.id_number),
    }
    .map_err(prefix)?;
    let name =
        validate::text(if p.kind == PartyKind::Org { "单位名称" } else { "姓名" }, &p.name, limits::PARTY_NAME, true)
            .map_err(prefix)?;
    let phone = if p.phone.trim().is_empty() && !phone_required {
        String::new()
    } else {
        validate::phone(&p.phone).map_err(prefix)?
    };
    let address = validate::text("地址", &p.address, limits::ADDRESS, false).map_err(prefix)?;
    Ok(CheckedParty { kind: p.kind, id_number, name, phone, address })
}

/// Materials of the item with whether each was handed in; unknown names are refused.
pub fn check_materials(item: &CatalogItem, submitted: &[String]) -> Result<Vec<(Material, bool)>> {
    for s in submitted {
        if !item.materials.iter().any(|m| m.name == s.trim()) {
            let names: Vec<&str> = item.materials.iter().map(|m| m.name.as_str()).collect();
            return Err(HallError::invalid(format!(
                "材料“{}”不是事项“{}”的申请材料，应为：{}",
                validate::text_preview(s),
                item.name,
                names.join("、")
            )));
        }
    }
    Ok(item.materials.iter().map(|m| (m.clone(), submitted.iter().any(|s| s.trim() == m.name))).collect())
}

/// Checks that the outcome fits the materials and the item — at intake, and again when a logged
/// request is accepted later from the case page. Returns the missing required materials.
pub fn check_outcome(
    outcome: IntakeOutcome,
    note: &str,
    item: (&str, CaseKind),
    materials: &[(Material, bool)],
) -> Result<Vec<Material>> {
    if let Some(reason) = outcome_refusal(outcome, item, materials) {
        return Err(HallError::invalid(reason));
    }
    if outcome == IntakeOutcome::Refuse && note.trim().is_empty() {
        return Err(HallError::invalid("不予受理必须写明理由"));
    }
    Ok(materials.iter().filter(|(m, given)| m.required && !given).map(|(m, _)| m.clone()).collect())
}

/// Why the materials handed in (or the item's kind) do not allow the outcome, if they do not:
/// the rule of the desk's outcome buttons, of the intake and of the case page's 受理 steps.
pub fn outcome_refusal(
    outcome: IntakeOutcome,
    item: (&str, CaseKind),
    materials: &[(Material, bool)],
) -> Option<String> {
    let (item_name, kind) = item;
    let missing: Vec<&Material> = materials.iter().filter(|(m, given)| m.required && !given).map(|(m, _)| m).collect();
    let names = |ms: &[&Material]| ms.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join("、");
    match outcome {
        IntakeOutcome::Accept | IntakeOutcome::Instant if !missing.is_empty() => {
            let all_deferrable = missing.iter().all(|m| m.deferrable);
            Some(format!(
                "缺少必需材料：{}，不能直接受理。{}",
                names(&missing),
                if all_deferrable {
                    "所缺材料均可容缺，可选择“容缺受理”。"
                } else {
                    "请出具一次性告知书（一次性告知）。"
                }
            ))
        }
        IntakeOutcome::Instant if kind != CaseKind::Instant => {
            Some(format!("事项“{item_name}”是{}，不是即办件，不能当场办结", kind.label()))
        }
        IntakeOutcome::AcceptPending if missing.is_empty() => Some("材料已齐全，无需容缺受理，请直接受理".into()),
        IntakeOutcome::AcceptPending if missing.iter().any(|m| !m.deferrable) => {
            let hard: Vec<&Material> = missing.iter().copied().filter(|m| !m.deferrable).collect();
            Some(format!("缺少的“{}”不允许容缺，不能容缺受理，请一次性告知", names(&hard)))
        }
        IntakeOutcome::NotifyMissing if missing.is_empty() => Some("必需材料已齐全，无需一次性告知，请直接受理".into()),
        _ => None,
    }
}

/// One outcome button of the desk: live or greyed with the reason (`outcome_refusal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct OutcomeOffer {
    pub outcome: IntakeOutcome,
    pub enabled: bool,
    pub reason: String,
}

/// The desk's outcome buttons (every outcome but `log`) for the materials ticked.
pub fn outcome_offers(item: (&str, CaseKind), materials: &[(Material, bool)]) -> Vec<OutcomeOffer> {
    IntakeOutcome::DESK
        .into_iter()
        .map(|outcome| {
            let reason = outcome_refusal(outcome, item, materials);
            OutcomeOffer { outcome, enabled: reason.is_none(), reason: reason.unwrap_or_default() }
        })
        .collect()
}
