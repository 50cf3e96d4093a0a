//! Every word list and field limit the window shows, in one value: the `Vocabulary` request
//! answers it, and a test writes it to `ui/src/bindings/vocabularyValue.ts` (like ts-rs writes the
//! types), so the window has the same words before it asks and never types them again.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::admission::{AdmissionRule, RULES};
use crate::catalog::CaseKind;
use crate::coordination::IssueUrgency;
use crate::demands::DemandState;
use crate::documents::CasePaper;
use crate::duties::{DutyList, DutySide};
use crate::hall_network::NetworkMode;
use crate::intake::IntakeOutcome;
use crate::lifecycle::{ActionInfo, CaseState, Clock, Role, ACTIONS, STATES};
use crate::limits::{Limits, LIMITS};
use crate::publish::PublicList;
use crate::store::{
    DeliveryMethod, DeviceKind, RatingChannel, SyncState, TaskState, Urgency, RATING_LABELS, RATING_REASONS,
};

/// Element Plus tag colours, chosen here by what a value means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Tag {
    Primary,
    Success,
    Info,
    Warning,
    Danger,
}

/// A value of one of the hall's enums with its Chinese label and tag colour.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Word<T: TS> {
    pub value: T,
    pub label: String,
    pub tag: Tag,
}

fn word<T: TS>(value: T, label: &str, tag: Tag) -> Word<T> {
    Word { value, label: label.to_string(), tag }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StateWord {
    pub state: CaseState,
    pub label: String,
    /// By meaning: green at the pickup window, blue while the clock runs, yellow while it is
    /// stopped, grey otherwise.
    pub tag: Tag,
    /// Closed states are drawn outlined.
    pub closed: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IssueUrgencyWord {
    pub value: IssueUrgency,
    pub label: String,
    pub tag: Tag,
    /// Working days the county department has to answer.
    pub days: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ListTab {
    /// Tab key, the export's list name and the testid suffix.
    pub key: PublicList,
    pub label: String,
    /// The duty list behind it; none for the service catalog.
    pub list: Option<DutyList>,
}

/// The papers a case step produces, the one to hand over first at the head.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StepPapers {
    /// An action key or an intake outcome key (`accept`, `notify_missing`, `deliver` …).
    pub step: String,
    pub papers: Vec<CasePaper>,
}

/// A 准入 rule as the screens explain it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RuleView {
    pub rule: AdmissionRule,
    pub admitted: bool,
    pub label: String,
    pub basis: String,
}

/// Fixed word lists the screens offer.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Vocabulary {
    pub states: Vec<StateWord>,
    /// The lifecycle actions with their dialogs (`form`) and button colours (`tone`).
    pub actions: Vec<ActionInfo>,
    pub roles: Vec<Word<Role>>,
    /// Each role's work in one line (the home page's greeting).
    pub role_duties: Vec<Word<Role>>,
    /// A completed case's standing with the county hub (its tag on the case page).
    pub sync_states: Vec<Word<SyncState>>,
    pub item_kinds: Vec<Word<CaseKind>>,
    pub delivery_methods: Vec<Word<DeliveryMethod>>,
    /// The desk's outcome buttons (前台受理), in order, coloured by meaning.
    pub desk_outcomes: Vec<Word<IntakeOutcome>>,
    /// What the desk's result panel is headed after each outcome.
    pub desk_results: Vec<Word<IntakeOutcome>>,
    /// Only the urgencies that are shown (即将到期, 已超期).
    pub urgencies: Vec<Word<Urgency>>,
    pub papers: Vec<Word<CasePaper>>,
    pub step_papers: Vec<StepPapers>,
    pub demand_states: Vec<Word<DemandState>>,
    pub task_states: Vec<Word<TaskState>>,
    pub issue_urgencies: Vec<IssueUrgencyWord>,
    pub duty_sides: Vec<Word<DutySide>>,
    pub list_tabs: Vec<ListTab>,
    pub limits: Limits,
    pub special_kinds: Vec<String>,
    /// Index 0 is level 1 (非常不满意) … index 4 is level 5 (非常满意).
    pub rating_labels: Vec<String>,
    /// How a rating came in: 评价器 (the citizen on the counter's screen) or 窗口代录.
    pub rating_channels: Vec<Word<RatingChannel>>,
    /// The rating screen's choices of why a citizen is not satisfied (one at least for a 差评).
    pub rating_reasons: Vec<String>,
    pub demand_categories: Vec<String>,
    pub issue_kinds: Vec<String>,
    pub issue_results: Vec<String>,
    pub satisfaction: Vec<String>,
    pub admission_rules: Vec<RuleView>,
    /// The township's choices for a 补正 past its deadline (乡镇设置).
    pub supplement_lapse_modes: Vec<crate::store::SupplementLapseOption>,
    /// 大厅网络: how a PC takes part, and what can be paired with the host.
    pub network_modes: Vec<Word<NetworkMode>>,
    pub device_kinds: Vec<Word<DeviceKind>>,
}

fn words(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn state_tag(s: &crate::lifecycle::StateInfo) -> Tag {
    if s.ready_for_pickup {
        Tag::Success
    } else if s.closed {
        Tag::Info
    } else {
        match s.clock {
            Clock::Running => Tag::Primary,
            Clock::Stopped => Tag::Warning,
            _ => Tag::Info,
        }
    }
}

pub fn vocabulary() -> Vocabulary {
    use CasePaper as P;
    let steps: &[(&str, &[CasePaper])] = &[
        ("accept", &[P::Receipt]),
        ("instant", &[P::Receipt]),
        ("accept_pending", &[P::Commitment, P::Receipt]),
        ("notify_missing", &[P::Notice]),
        ("refuse", &[P::Refusal]),
        ("deliver", &[P::Delivery]),
        ("reject", &[P::Decision]),
        ("supplement_lapse", &[P::DeemedWithdrawn]),
    ];
    Vocabulary {
        states: STATES
            .iter()
            .map(|s| StateWord { state: s.state, label: s.label.into(), tag: state_tag(s), closed: s.closed })
            .collect(),
        actions: ACTIONS.to_vec(),
        roles: Role::ALL.iter().map(|r| word(*r, r.label(), Tag::Info)).collect(),
        role_duties: vec![
            word(Role::Clerk, "前台综合受理：请核对材料，缺什么一次性告知群众。", Tag::Info),
            word(Role::Officer, "后台分类办理：请及时认领并在承诺时限内办结本单位的办件。", Tag::Info),
            word(Role::Supervisor, "全程效能监督：请关注即将到期和已超期的办件。", Tag::Info),
            word(Role::Admin, "系统维护：用户、事项清单和节假日日历由您管理。", Tag::Info),
        ],
        sync_states: vec![
            word(SyncState::Pending, "待上报", Tag::Warning),
            word(SyncState::Sent, "上报中", Tag::Primary),
            word(SyncState::Acknowledged, "已上报县级", Tag::Success),
            word(SyncState::Conflict, "上报冲突（请联系县信息中心）", Tag::Danger),
        ],
        item_kinds: [
            (CaseKind::Instant, Tag::Success),
            (CaseKind::Promised, Tag::Primary),
            (CaseKind::Forwarded, Tag::Warning),
            (CaseKind::Joint, Tag::Info),
        ]
        .into_iter()
        .map(|(k, t)| word(k, k.label(), t))
        .collect(),
        delivery_methods: [
            (DeliveryMethod::InPerson, "本人领取"),
            (DeliveryMethod::Agent, "代办人领取"),
            (DeliveryMethod::Mail, "邮寄送达"),
        ]
        .into_iter()
        .map(|(m, l)| word(m, l, Tag::Info))
        .collect(),
        desk_outcomes: IntakeOutcome::DESK
            .into_iter()
            .map(|o| {
                let tag = match o {
                    IntakeOutcome::AcceptPending => Tag::Success,
                    IntakeOutcome::NotifyMissing => Tag::Warning,
                    IntakeOutcome::Refuse => Tag::Danger,
                    _ => Tag::Primary,
                };
                word(o, o.label(), tag)
            })
            .collect(),
        desk_results: [
            (IntakeOutcome::Accept, "已受理"),
            (IntakeOutcome::AcceptPending, "已容缺受理"),
            (IntakeOutcome::NotifyMissing, "已一次性告知（本件已接件，待补齐材料）"),
            (IntakeOutcome::Refuse, "已不予受理"),
            (IntakeOutcome::Instant, "已即办办结"),
        ]
        .into_iter()
        .map(|(o, l)| word(o, l, Tag::Info))
        .collect(),
        urgencies: vec![
            word(Urgency::Warning, "即将到期", Tag::Warning),
            word(Urgency::Overdue, "已超期", Tag::Danger),
        ],
        papers: CasePaper::ALL.iter().map(|p| word(*p, p.label(), Tag::Info)).collect(),
        step_papers: steps.iter().map(|(s, p)| StepPapers { step: s.to_string(), papers: p.to_vec() }).collect(),
        demand_states: [
            (DemandState::Submitted, Tag::Warning),
            (DemandState::Adopted, Tag::Success),
            (DemandState::Declined, Tag::Info),
            (DemandState::Answered, Tag::Primary),
        ]
        .into_iter()
        .map(|(s, t)| word(s, s.label(), t))
        .collect(),
        task_states: [
            (TaskState::Tracking, Tag::Warning),
            (TaskState::Done, Tag::Success),
            (TaskState::Refused, Tag::Danger),
        ]
        .into_iter()
        .map(|(s, t)| word(s, s.label(), t))
        .collect(),
        issue_urgencies: IssueUrgency::ALL
            .iter()
            .map(|u| IssueUrgencyWord {
                value: *u,
                label: u.label().into(),
                tag: match u {
                    IssueUrgency::Critical => Tag::Danger,
                    IssueUrgency::Urgent => Tag::Warning,
                    IssueUrgency::Normal => Tag::Info,
                },
                days: u.answer_days(),
            })
            .collect(),
        duty_sides: [
            (DutySide::Township, Tag::Success),
            (DutySide::Shared, Tag::Primary),
            (DutySide::County, Tag::Info),
        ]
        .into_iter()
        .map(|(s, t)| word(s, s.label(), t))
        .collect(),
        list_tabs: PublicList::ALL
            .iter()
            .map(|l| ListTab { key: *l, label: l.label().into(), list: l.duties() })
            .collect(),
        limits: LIMITS,
        special_kinds: words(crate::action_forms::SPECIAL_KINDS),
        rating_labels: words(&RATING_LABELS),
        rating_channels: [(RatingChannel::Screen, Tag::Success), (RatingChannel::Staff, Tag::Info)]
            .into_iter()
            .map(|(c, t)| word(c, c.label(), t))
            .collect(),
        rating_reasons: words(RATING_REASONS),
        demand_categories: words(crate::demands::CATEGORIES),
        issue_kinds: words(crate::coordination::KINDS),
        issue_results: words(crate::coordination::RESULTS),
        satisfaction: words(crate::coordination::SATISFACTION),
        admission_rules: RULES
            .iter()
            .map(|r| RuleView { rule: r.rule, admitted: r.admitted, label: r.label.into(), basis: r.basis.into() })
            .collect(),
        supplement_lapse_modes: crate::store::SupplementLapseMode::options(),
        network_modes: [
            (NetworkMode::Single, Tag::Info),
            (NetworkMode::Host, Tag::Success),
            (NetworkMode::Desk, Tag::Primary),
        ]
        .into_iter()
        .map(|(m, t)| word(m, m.label(), t))
        .collect(),
        device_kinds: [
            (DeviceKind::Desk, Tag::Primary),
            (DeviceKind::Rater, Tag::Warning),
            (DeviceKind::Standby, Tag::Success),
        ]
        .into_iter()
        .map(|(k, t)| word(k, k.label(), t))
        .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `ui/src/bindings/vocabularyValue.ts` (not `vocabulary.ts`: that differs from the
    /// type's `Vocabulary.ts` only in case) next to the ts-rs bindings (scripts/test fails
    /// when the committed file differs from what this writes).
    #[test]
    fn export_vocabulary() {
        let dir = std::env::var("TS_RS_EXPORT_DIR")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings"));
        let json = serde_json::to_string_pretty(&vocabulary()).unwrap();
        let text = format!(
            "// Generated by hall-core (vocabulary.rs, test export_vocabulary). Do not edit this file manually.\n\
             import type {{ Vocabulary }} from \"./Vocabulary\";\n\n\
             export const VOCABULARY: Vocabulary = {json};\n"
        );
        let path = dir.join("vocabularyValue.ts");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            std::fs::write(&path, text).unwrap();
        }
    }

    #[test]
    fn every_state_action_and_role_has_its_word() {
        let v = vocabulary();
        assert_eq!(v.states.len(), STATES.len());
        assert_eq!(v.actions.len(), ACTIONS.len());
        assert_eq!(v.roles.len(), Role::ALL.len());
        assert_eq!(v.papers.len(), CasePaper::ALL.len());
        assert_eq!(v.rating_channels.len(), RatingChannel::ALL.len());
        assert!(v.step_papers.iter().all(|s| ACTIONS.iter().any(|a| a.key == s.step)));
    }
}
