//! The case lifecycle as one table. The store, the commands, the CLI and the UI all read
//! [`TRANSITIONS`] and [`STATES`]; nothing else decides what is allowed.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::action_forms::{form_of, tone_of, ActionForm, Tone};
use crate::error::{ErrorCode, HallError, Result};
use crate::guards::Guard;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Role {
    Clerk,
    Officer,
    Supervisor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Clerk, Role::Officer, Role::Supervisor, Role::Admin];

    pub fn key(self) -> &'static str {
        match self {
            Role::Clerk => "clerk",
            Role::Officer => "officer",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Role::Clerk => "前台受理员",
            Role::Officer => "后台经办人",
            Role::Supervisor => "中心主任",
            Role::Admin => "系统管理员",
        }
    }
    pub fn parse(s: &str) -> Result<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.key() == s || r.label() == s)
            .ok_or_else(|| {
                HallError::invalid(format!(
                    "未知角色“{s}”，应为 clerk（前台受理员）、officer（后台经办人）、supervisor（中心主任）或 admin（系统管理员）"
                ))
            })
    }
}

/// Whether the working-day clock runs while a case is in a state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Clock {
    /// Logged but not accepted: no time limit yet.
    NotStarted,
    Running,
    /// 补正 / 特别程序: the clock stops and the due date moves by the paused working days.
    Stopped,
    /// Decided or closed: the time limit no longer applies.
    Ended,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CaseState {
    Logged,
    Cancelled,
    Accepted,
    Refused,
    Supplement,
    Processing,
    Special,
    Approved,
    ApprovedPending,
    Rejected,
    Delivered,
    Withdrawn,
    Revoked,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StateInfo {
    pub state: CaseState,
    pub key: &'static str,
    pub label: &'static str,
    /// Exchange code used by provincial platforms; 已出件 has none of its own (the decision code
    /// stays, the delivery is recorded as an event).
    pub exchange_code: Option<u8>,
    pub clock: Clock,
    /// Waiting at the unified pickup window.
    pub ready_for_pickup: bool,
    /// No further action except revocation; the case goes up to the county.
    pub closed: bool,
}

const fn st(
    state: CaseState,
    key: &'static str,
    label: &'static str,
    exchange_code: Option<u8>,
    clock: Clock,
    ready_for_pickup: bool,
    closed: bool,
) -> StateInfo {
    StateInfo { state, key, label, exchange_code, clock, ready_for_pickup, closed }
}

use CaseState as S;
use Clock as C;

pub const STATES: &[StateInfo] = &[
    st(S::Logged, "logged", "已接件", Some(1), C::NotStarted, false, false),
    st(S::Cancelled, "cancelled", "已撤件", Some(2), C::Ended, false, true),
    st(S::Accepted, "accepted", "已受理", Some(3), C::Running, false, false),
    st(S::Refused, "refused", "不予受理", Some(5), C::Ended, false, true),
    st(S::Supplement, "supplement", "补正中", Some(6), C::Stopped, false, false),
    st(S::Processing, "processing", "办理中", Some(8), C::Running, false, false),
    st(S::Special, "special", "特别程序", Some(9), C::Stopped, false, false),
    st(S::Approved, "approved", "办结（通过）", Some(11), C::Ended, true, false),
    st(S::ApprovedPending, "approved_pending", "办结（容缺通过）", Some(12), C::Ended, true, false),
    st(S::Rejected, "rejected", "办结（不通过）", Some(13), C::Ended, true, false),
    st(S::Delivered, "delivered", "已出件", None, C::Ended, false, true),
    st(S::Withdrawn, "withdrawn", "已撤回", Some(14), C::Ended, false, true),
    st(S::Revoked, "revoked", "已撤销", Some(15), C::Ended, false, true),
];

impl CaseState {
    pub fn info(self) -> &'static StateInfo {
        STATES.iter().find(|s| s.state == self).expect("every state is in STATES")
    }
    pub fn key(self) -> &'static str {
        self.info().key
    }
    pub fn label(self) -> &'static str {
        self.info().label
    }
    pub fn parse(s: &str) -> Result<CaseState> {
        STATES
            .iter()
            .find(|i| i.key == s || i.label == s || i.exchange_code.map(|c| c.to_string()).as_deref() == Some(s))
            .map(|i| i.state)
            .ok_or_else(|| {
                let all: Vec<String> = STATES.iter().map(|i| format!("{}（{}）", i.key, i.label)).collect();
                HallError::invalid(format!("未知办件状态“{s}”，可用状态：{}", all.join("、")))
            })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Action {
    /// 受理
    Accept,
    /// 容缺受理: only 容缺-allowed materials missing; a commitment deadline is set.
    AcceptPending,
    /// 不予受理
    Refuse,
    /// 一次性告知: the request stays logged, the missing list is recorded.
    NotifyMissing,
    /// 即办件: accepted and decided at the window in one step.
    Instant,
    /// 撤件 before acceptance / 撤回 after.
    Withdraw,
    Claim,
    Transfer,
    RequestSupplement,
    SupplementReceived,
    SpecialStart,
    SpecialEnd,
    /// 上报件: sent to the deciding county department.
    Forward,
    /// 上报件: the county department's result came back.
    CountyResult,
    Approve,
    ApprovePending,
    Reject,
    Deliver,
    /// 容缺 commitment not met by its deadline: the case ends.
    Lapse,
    Revoke,
    /// 补正 not brought by its deadline: the case is deemed withdrawn (视为撤回), by the
    /// director or by the store's sweep when the township's setting says so.
    SupplementLapse,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ActionInfo {
    pub action: Action,
    pub key: &'static str,
    pub label: &'static str,
    /// The action needs a written reason (refusal, transfer, withdrawal...).
    pub needs_reason: bool,
    /// The action accepts the case: the time limit starts counting from today.
    pub accepts: bool,
    /// What its dialog asks for (see `action_forms`).
    pub form: ActionForm,
    /// The colour of its button, by meaning.
    pub tone: Tone,
}

const fn ac(action: Action, key: &'static str, label: &'static str, needs_reason: bool) -> ActionInfo {
    let accepts = matches!(action, Action::Accept | Action::AcceptPending | Action::Instant);
    ActionInfo { action, key, label, needs_reason, accepts, form: form_of(action, needs_reason), tone: tone_of(action) }
}

use Action as A;

pub const ACTIONS: &[ActionInfo] = &[
    ac(A::Accept, "accept", "受理", false),
    ac(A::AcceptPending, "accept_pending", "容缺受理", false),
    ac(A::Refuse, "refuse", "不予受理", true),
    ac(A::NotifyMissing, "notify_missing", "一次性告知", false),
    ac(A::Instant, "instant", "即办办结", false),
    ac(A::Withdraw, "withdraw", "撤回", true),
    ac(A::Claim, "claim", "认领", false),
    ac(A::Transfer, "transfer", "转办", true),
    ac(A::RequestSupplement, "request_supplement", "要求补正", true),
    ac(A::SupplementReceived, "supplement_received", "补正完成", false),
    ac(A::SpecialStart, "special_start", "启动特别程序", false),
    ac(A::SpecialEnd, "special_end", "结束特别程序", false),
    ac(A::Forward, "forward", "上报县级部门", false),
    ac(A::CountyResult, "county_result", "登记县级结果", true),
    ac(A::Approve, "approve", "办结（通过）", false),
    ac(A::ApprovePending, "approve_pending", "办结（容缺通过）", false),
    ac(A::Reject, "reject", "办结（不通过）", true),
    ac(A::Deliver, "deliver", "出件", false),
    ac(A::Lapse, "lapse", "容缺逾期终止", true),
    ac(A::Revoke, "revoke", "撤销", true),
    ac(A::SupplementLapse, "supplement_lapse", "补正逾期视为撤回", false),
];

impl Action {
    pub fn info(self) -> &'static ActionInfo {
        ACTIONS.iter().find(|a| a.action == self).expect("every action is in ACTIONS")
    }
    pub fn key(self) -> &'static str {
        self.info().key
    }
    pub fn label(self) -> &'static str {
        self.info().label
    }
    pub fn parse(s: &str) -> Result<Action> {
        ACTIONS.iter().find(|a| a.key == s || a.label == s).map(|a| a.action).ok_or_else(|| {
            let all: Vec<String> = ACTIONS.iter().map(|a| format!("{}（{}）", a.key, a.label)).collect();
            HallError::invalid(format!("未知操作“{s}”，可用操作：{}", all.join("、")))
        })
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Transition {
    pub action: Action,
    pub from: CaseState,
    pub to: CaseState,
    pub roles: &'static [Role],
    /// What else must hold, checked in this order after the role (see `guards`): a guard that
    /// fails hides the action or leaves it offered but disabled, with its reason.
    pub guards: &'static [Guard],
}

const fn tr(action: Action, from: CaseState, to: CaseState, roles: &'static [Role]) -> Transition {
    Transition { action, from, to, roles, guards: &[] }
}

impl Transition {
    /// The row with the conditions it needs: `tr(…).when(&[G::ForwardedItem])`.
    const fn when(self, guards: &'static [Guard]) -> Transition {
        Transition { guards, ..self }
    }
}

use Guard as G;
/// 容缺 materials still out and the commitment date passed.
const LAPSED: &[Guard] = &[G::DeferredOut, G::CommitmentPassed];

const CLERK: &[Role] = &[Role::Clerk];
const OFFICER: &[Role] = &[Role::Officer];
const SUPERVISOR: &[Role] = &[Role::Supervisor];
const DESK_OR_SUPERVISOR: &[Role] = &[Role::Clerk, Role::Supervisor];
const OFFICE_OR_SUPERVISOR: &[Role] = &[Role::Officer, Role::Supervisor];
const DESK_OR_OFFICE: &[Role] = &[Role::Clerk, Role::Officer];

/// Every allowed transition. Same-state rows are recorded steps that do not move the case.
pub const TRANSITIONS: &[Transition] = &[
    // Front desk
    tr(A::Accept, S::Logged, S::Accepted, CLERK).when(&[G::MaterialsFit]),
    tr(A::AcceptPending, S::Logged, S::Accepted, CLERK).when(&[G::MaterialsFit]),
    tr(A::Refuse, S::Logged, S::Refused, CLERK),
    tr(A::NotifyMissing, S::Logged, S::Logged, CLERK).when(&[G::MaterialsFit]),
    tr(A::Instant, S::Logged, S::Approved, CLERK).when(&[G::InstantItem, G::MaterialsFit]),
    tr(A::Withdraw, S::Logged, S::Cancelled, DESK_OR_SUPERVISOR),
    // Back office
    tr(A::Claim, S::Accepted, S::Processing, OFFICER),
    tr(A::Transfer, S::Accepted, S::Accepted, OFFICE_OR_SUPERVISOR),
    tr(A::Transfer, S::Processing, S::Accepted, OFFICE_OR_SUPERVISOR),
    // 一次性告知: the first 补正 is the officer's, a repeat one the director's.
    tr(A::RequestSupplement, S::Processing, S::Supplement, OFFICE_OR_SUPERVISOR)
        .when(&[G::FirstSupplementByOfficer, G::RepeatSupplementByDirector]),
    tr(A::SupplementReceived, S::Supplement, S::Processing, DESK_OR_OFFICE),
    tr(A::SpecialStart, S::Processing, S::Special, OFFICER),
    tr(A::SpecialEnd, S::Special, S::Processing, OFFICER),
    tr(A::Forward, S::Processing, S::Processing, OFFICER).when(&[G::ForwardedItem, G::NoForwardOpen]),
    tr(A::CountyResult, S::Processing, S::Processing, OFFICER).when(&[G::ForwardOpen]),
    tr(A::Approve, S::Processing, S::Approved, OFFICER),
    tr(A::ApprovePending, S::Processing, S::ApprovedPending, OFFICER).when(&[G::DeferredOut]),
    tr(A::Reject, S::Processing, S::Rejected, OFFICER),
    // 容缺 commitments that were not met
    tr(A::Lapse, S::Accepted, S::Revoked, OFFICE_OR_SUPERVISOR).when(LAPSED),
    tr(A::Lapse, S::Processing, S::Revoked, OFFICE_OR_SUPERVISOR).when(LAPSED),
    tr(A::Lapse, S::ApprovedPending, S::Revoked, OFFICE_OR_SUPERVISOR).when(LAPSED),
    // Pickup window
    tr(A::Deliver, S::Approved, S::Delivered, CLERK),
    tr(A::Deliver, S::ApprovedPending, S::Delivered, CLERK),
    tr(A::Deliver, S::Rejected, S::Delivered, CLERK),
    // The applicant withdraws at any open state after acceptance
    tr(A::Withdraw, S::Accepted, S::Withdrawn, DESK_OR_SUPERVISOR),
    tr(A::Withdraw, S::Processing, S::Withdrawn, DESK_OR_SUPERVISOR),
    tr(A::Withdraw, S::Supplement, S::Withdrawn, DESK_OR_SUPERVISOR),
    tr(A::Withdraw, S::Special, S::Withdrawn, DESK_OR_SUPERVISOR),
    // 补正 deadline passed: 视为撤回 (only after the deadline, as the township's setting allows)
    tr(A::SupplementLapse, S::Supplement, S::Withdrawn, SUPERVISOR).when(&[
        G::SupplementLapseOn,
        G::SupplementDueSet,
        G::SupplementDuePassed,
    ]),
    // Revocation by the supervisor
    tr(A::Revoke, S::Accepted, S::Revoked, SUPERVISOR),
    tr(A::Revoke, S::Processing, S::Revoked, SUPERVISOR),
    tr(A::Revoke, S::Approved, S::Revoked, SUPERVISOR),
    tr(A::Revoke, S::Delivered, S::Revoked, SUPERVISOR),
];

/// The transition for `action` from `from`, if the table has one.
pub fn find(action: Action, from: CaseState) -> Option<&'static Transition> {
    TRANSITIONS.iter().find(|t| t.action == action && t.from == from)
}

/// Checks the table's state and role alone (the intake, before a case exists). A case's
/// action goes through `guards::judge`, which adds the row's guards.
pub fn check(action: Action, from: CaseState, role: Role) -> Result<&'static Transition> {
    let t = find(action, from).ok_or_else(|| {
        HallError::new(ErrorCode::Transition, format!("办件当前状态为“{}”，不能执行“{}”", from.label(), action.label()))
    })?;
    if !t.roles.contains(&role) {
        let allowed: Vec<&str> = t.roles.iter().map(|r| r.label()).collect();
        return Err(HallError::forbidden(format!(
            "“{}”只能由{}执行，当前登录角色为{}",
            action.label(),
            allowed.join("或"),
            role.label()
        )));
    }
    Ok(t)
}

/// Actions a role may take on a case in `from` (for the UI's buttons and the CLI's help).
pub fn available(from: CaseState, role: Role) -> Vec<Action> {
    TRANSITIONS.iter().filter(|t| t.from == from && t.roles.contains(&role)).map(|t| t.action).collect()
}

/// The whole table, as the UI receives it.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct LifecycleTable {
    pub states: Vec<StateInfo>,
    pub actions: Vec<ActionInfo>,
    pub transitions: Vec<Transition>,
}

pub fn table() -> LifecycleTable {
    LifecycleTable { states: STATES.to_vec(), actions: ACTIONS.to_vec(), transitions: TRANSITIONS.to_vec() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_and_action_is_listed_once() {
        for (i, a) in STATES.iter().enumerate() {
            assert!(STATES[i + 1..].iter().all(|b| b.state != a.state && b.key != a.key));
        }
        for (i, a) in ACTIONS.iter().enumerate() {
            assert!(ACTIONS[i + 1..].iter().all(|b| b.action != a.action && b.key != a.key));
        }
        // No two rows for the same (action, from): the target is unambiguous.
        for (i, a) in TRANSITIONS.iter().enumerate() {
            assert!(TRANSITIONS[i + 1..].iter().all(|b| !(b.action == a.action && b.from == a.from)));
        }
    }

    #[test]
    fn closed_states_only_allow_revocation() {
        for t in TRANSITIONS {
            if t.from.info().closed {
                assert_eq!(t.action, Action::Revoke, "{:?} from closed {:?}", t.action, t.from);
            }
        }
    }

    #[test]
    fn every_open_state_can_be_left() {
        for s in STATES.iter().filter(|s| !s.closed) {
            assert!(TRANSITIONS.iter().any(|t| t.from == s.state && t.to != s.state), "{:?} is a dead end", s.state);
        }
    }

    #[test]
    fn check_refuses_wrong_state_and_wrong_role() {
        assert!(check(Action::Accept, CaseState::Logged, Role::Clerk).is_ok());
        let e = check(Action::Accept, CaseState::Processing, Role::Clerk).unwrap_err();
        assert_eq!(e.code, ErrorCode::Transition);
        assert!(e.message.contains("办理中"));
        let e = check(Action::Accept, CaseState::Logged, Role::Officer).unwrap_err();
        assert_eq!(e.code, ErrorCode::Forbidden);
        assert!(e.message.contains("前台受理员"));
    }

    #[test]
    fn parse_accepts_keys_labels_and_codes() {
        assert_eq!(CaseState::parse("accepted").unwrap(), CaseState::Accepted);
        assert_eq!(CaseState::parse("已受理").unwrap(), CaseState::Accepted);
        assert_eq!(CaseState::parse("8").unwrap(), CaseState::Processing);
        assert!(CaseState::parse("nonsense").unwrap_err().message.contains("未知办件状态"));
        assert_eq!(Action::parse("受理").unwrap(), Action::Accept);
    }
}
