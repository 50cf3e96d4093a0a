//! The conditions a lifecycle row needs beyond state and role, and the one function that
//! judges an action on a case: `verdict`. The case page's offers (`offers`) and the store's
//! refusal (`judge`, called by `Store::act`) both come from it, so a button is live exactly
//! when the action would be accepted, and a refusal says what the greyed button says.
//!
//! A guard either hides the action (it does not apply to this case: 上报 on a 承诺件) or leaves
//! it offered but disabled with its reason (受理 while materials are missing). Adding a rule is
//! one variant here with its check, and `.when(&[G::…])` on the rows it guards.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{CaseKind, Material};
use crate::error::{ErrorCode, HallError, Result};
use crate::intake::{outcome_refusal, IntakeOutcome};
use crate::lifecycle::{find, Action, CaseState, Role, Transition, ACTIONS};
use crate::store::SessionUser;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Guard {
    /// An officer works only the cases of their own unit (every row has it).
    OwnUnit,
    /// 上报件 only.
    ForwardedItem,
    /// 即办件 only.
    InstantItem,
    /// The materials handed in fit the acceptance step (the intake's rule, `outcome_refusal`):
    /// 受理/即办 all required ones, 容缺受理 only 容缺 ones missing, 一次性告知 some missing.
    MaterialsFit,
    /// Some 容缺 material is still out.
    DeferredOut,
    /// The 容缺 commitment date has passed.
    CommitmentPassed,
    /// No 上报 waits for the county's answer.
    NoForwardOpen,
    /// A 上报 waits for the county's answer.
    ForwardOpen,
    /// 一次性告知: the first 补正 is the unit officer's (the director's row is for repeats only).
    FirstSupplementByOfficer,
    /// 一次性告知: a repeat 补正 is the director's decision (counted in the reports).
    RepeatSupplementByDirector,
    /// The township lets a 补正 past its deadline end the case (乡镇设置 → 补正逾期处理).
    SupplementLapseOn,
    /// The 补正 was asked with a deadline.
    SupplementDueSet,
    /// That deadline has passed.
    SupplementDuePassed,
}

/// What a failed guard does to the action's button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// Not offered at all: the action does not apply to this case.
    Hide,
    /// Offered, greyed out, with the reason.
    Disable,
}

/// Guards every row has, before its own.
const EVERY_ROW: &[Guard] = &[Guard::OwnUnit];

/// What the guards look at, read once from the store (`Store::case_facts`).
#[derive(Debug, Clone)]
pub struct CaseFacts {
    pub state: CaseState,
    pub unit: String,
    pub unit_name: String,
    pub item_name: String,
    pub kind: CaseKind,
    /// The item's materials, with whether each was handed in.
    pub materials: Vec<(Material, bool)>,
    pub commitment_due: Option<NaiveDate>,
    pub forward_open: bool,
    /// How many times 补正 has been asked on the case.
    pub supplements_asked: u32,
    /// The deadline of the 补正 under way.
    pub supplement_due: Option<NaiveDate>,
    /// Whether the township lets a 补正 past its deadline end the case as 视为撤回.
    pub supplement_lapse_on: bool,
}

impl CaseFacts {
    pub fn deferred_out(&self) -> bool {
        self.materials.iter().any(|(m, given)| m.deferrable && !given)
    }
}

/// One button of the case page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ActionOffer {
    pub action: Action,
    pub enabled: bool,
    /// Why it is disabled ('' when enabled): the very message `act` refuses with.
    pub reason: String,
}

impl Guard {
    pub fn effect(self) -> Effect {
        match self {
            Guard::MaterialsFit | Guard::RepeatSupplementByDirector | Guard::SupplementDuePassed => Effect::Disable,
            _ => Effect::Hide,
        }
    }

    /// Whether the guard holds; the refusal (its reason) when it does not.
    /// `user` is `None` for "whoever acts" (only `OwnUnit` looks at the user).
    pub fn check(self, action: Action, f: &CaseFacts, user: Option<&SessionUser>, today: NaiveDate) -> Result<()> {
        let fail = |e: HallError| Err(e);
        let other_unit = |u: &SessionUser| u.role == Role::Officer && u.unit.as_deref() != Some(f.unit.as_str());
        match self {
            Guard::OwnUnit if user.is_some_and(other_unit) => {
                fail(HallError::forbidden(format!("该办件属于{}，只能由本单位经办人处理", f.unit_name)))
            }
            Guard::ForwardedItem if f.kind != CaseKind::Forwarded => {
                fail(HallError::invalid(format!("该事项是{}，不是上报件，无需上报县级部门", f.kind.label())))
            }
            Guard::InstantItem if f.kind != CaseKind::Instant => {
                fail(HallError::invalid(format!("事项“{}”是{}，不是即办件，不能当场办结", f.item_name, f.kind.label())))
            }
            Guard::MaterialsFit => match acceptance_outcome(action)
                .and_then(|o| outcome_refusal(o, (&f.item_name, f.kind), &f.materials))
            {
                Some(reason) => fail(HallError::invalid(reason)),
                None => Ok(()),
            },
            Guard::DeferredOut if !f.deferred_out() => fail(HallError::invalid("本件没有待补齐的容缺材料")),
            Guard::CommitmentPassed => match f.commitment_due {
                Some(d) if d < today => Ok(()),
                Some(d) => fail(HallError::invalid(format!("容缺承诺期限 {d} 尚未届满"))),
                None => fail(HallError::invalid("本件不是容缺受理，没有承诺期限")),
            },
            Guard::NoForwardOpen if f.forward_open => {
                fail(HallError::conflict("该办件已上报县级部门，尚未登记结果，不能重复上报"))
            }
            Guard::ForwardOpen if !f.forward_open => {
                fail(HallError::invalid("该办件尚未上报县级部门，不能登记县级结果"))
            }
            Guard::FirstSupplementByOfficer
                if f.supplements_asked == 0 && user.is_some_and(|u| u.role != Role::Officer) =>
            {
                fail(HallError::forbidden("一次性告知：第一次补正由本单位经办人提出，中心主任只能决定再次补正"))
            }
            Guard::RepeatSupplementByDirector
                if f.supplements_asked > 0 && user.is_some_and(|u| u.role != Role::Supervisor) =>
            {
                fail(HallError::forbidden(format!(
                    "一次性告知：本件已要求补正 {} 次，再次补正须由中心主任决定并写明理由",
                    f.supplements_asked
                )))
            }
            Guard::SupplementLapseOn if !f.supplement_lapse_on => {
                fail(HallError::invalid("本乡镇设置为补正逾期只提醒、不视为撤回（系统管理 → 乡镇设置 → 补正逾期处理）"))
            }
            Guard::SupplementDueSet if f.supplement_due.is_none() => {
                fail(HallError::invalid("该办件要求补正时未定补正期限，不能按逾期视为撤回"))
            }
            Guard::SupplementDuePassed => match f.supplement_due {
                Some(d) if today <= d => fail(HallError::invalid(format!("补正期限 {d} 尚未届满，不能视为撤回"))),
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

/// The intake outcome whose material rule an acceptance step follows.
fn acceptance_outcome(action: Action) -> Option<IntakeOutcome> {
    match action {
        Action::Accept => Some(IntakeOutcome::Accept),
        Action::AcceptPending => Some(IntakeOutcome::AcceptPending),
        Action::Instant => Some(IntakeOutcome::Instant),
        Action::NotifyMissing => Some(IntakeOutcome::NotifyMissing),
        _ => None,
    }
}

enum Verdict {
    Hidden(HallError),
    Disabled(HallError),
    Allowed,
}

/// The one judgement of a row for a user on a case: the role, then the guards that hide, then
/// those that disable (so an action that does not apply is never shown greyed).
fn verdict(t: &Transition, f: &CaseFacts, user: &SessionUser, today: NaiveDate) -> Verdict {
    if !t.roles.contains(&user.role) {
        let allowed: Vec<&str> = t.roles.iter().map(|r| r.label()).collect();
        return Verdict::Hidden(HallError::forbidden(format!(
            "“{}”只能由{}执行，当前登录角色为{}",
            t.action.label(),
            allowed.join("或"),
            user.role.label()
        )));
    }
    let guards = || EVERY_ROW.iter().chain(t.guards);
    for effect in [Effect::Hide, Effect::Disable] {
        for g in guards().filter(|g| g.effect() == effect) {
            if let Err(e) = g.check(t.action, f, Some(user), today) {
                return match effect {
                    Effect::Hide => Verdict::Hidden(e),
                    Effect::Disable => Verdict::Disabled(e),
                };
            }
        }
    }
    Verdict::Allowed
}

/// Whether `user` may take `action` on the case now: the row it moves along, or the refusal.
pub fn judge(action: Action, f: &CaseFacts, user: &SessionUser, today: NaiveDate) -> Result<&'static Transition> {
    let t = find(action, f.state).ok_or_else(|| {
        HallError::new(
            ErrorCode::Transition,
            format!("办件当前状态为“{}”，不能执行“{}”", f.state.label(), action.label()),
        )
    })?;
    match verdict(t, f, user, today) {
        Verdict::Allowed => Ok(t),
        Verdict::Hidden(e) | Verdict::Disabled(e) => Err(e),
    }
}

/// The case page's buttons for `user`, in the table's order of actions.
pub fn offers(f: &CaseFacts, user: &SessionUser, today: NaiveDate) -> Vec<ActionOffer> {
    ACTIONS
        .iter()
        .filter_map(|a| find(a.action, f.state))
        .filter_map(|t| match verdict(t, f, user, today) {
            Verdict::Hidden(_) => None,
            Verdict::Disabled(e) => Some(ActionOffer { action: t.action, enabled: false, reason: e.message }),
            Verdict::Allowed => Some(ActionOffer { action: t.action, enabled: true, reason: String::new() }),
        })
        .collect()
}

/// Whether the row's own guards hold for the case, whoever acts (the supervisor's lists: a case
/// listed as lapsed is one whose 容缺逾期终止 the table allows).
pub fn row_applies(t: &Transition, f: &CaseFacts, today: NaiveDate) -> bool {
    t.guards.iter().all(|g| g.check(t.action, f, None, today).is_ok())
}

/// One line telling `user` what to do next with the case.
pub fn hint(f: &CaseFacts, user: &SessionUser, ready_for_pickup: bool) -> String {
    let role = user.role;
    let (desk, office) = (role == Role::Clerk, role == Role::Officer);
    if office && user.unit.as_deref() != Some(f.unit.as_str()) {
        return format!("本件由{}办理，您不能对其操作。", f.unit_name);
    }
    let s = match f.state {
        CaseState::Logged if desk => {
            "本件已接件、尚未受理（如已一次性告知）：群众补齐材料后，先“登记补交材料”，再受理。"
        }
        CaseState::Accepted if office => "已受理，等待本单位认领：点“认领”后开始办理。",
        CaseState::Processing if office && f.kind == CaseKind::Forwarded => {
            "办理中（上报件）：审核后“上报县级部门”，县级结果返回后“登记县级结果”，再办结。"
        }
        CaseState::Processing if office => {
            "办理中：需群众补充材料点“要求补正”；需听证、检验、鉴定等点“启动特别程序”；办完点“办结”。"
        }
        CaseState::Supplement if desk || office => "补正中（暂停计时）：群众带来补正材料后点“补正完成”，计时恢复。",
        CaseState::Special if office => "特别程序中（暂停计时）：程序结束后点“结束特别程序”，计时恢复。",
        CaseState::Delivered if desk || role == Role::Supervisor => "已出件。群众尚未评价的，请在下方登记评价。",
        _ if ready_for_pickup && desk => "结果已到统一出件窗口：查验领取人身份证后点“出件”，再请群众评价。",
        _ => "",
    };
    s.to_string()
}
