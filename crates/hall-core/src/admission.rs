//! 职责准入 (seed 003 三(二), 四(三)): a task a county department pushes down to the township is
//! checked against the 职责清单 before the township takes it on. One table of rules, read by the
//! store, the screens and the printed report alike.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::duties::DutyEntry;

/// The rule a task was admitted or refused under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum AdmissionRule {
    /// Within the 职责清单: the township carries (or shares) it.
    InList,
    /// Outside the list, but deployed by the Party committee and government together.
    Deployed,
    /// Not on the 职责清单 at all.
    NotInList,
    /// On the list as the county department's own duty.
    CountyDuty,
    /// Sets a 一票否决 the centre or province did not require.
    OneVoteVeto,
    /// Shifts the department's responsibility by 责任状, quotas or inspections.
    Transfer,
}

pub struct RuleInfo {
    pub rule: AdmissionRule,
    pub admitted: bool,
    pub label: &'static str,
    /// The policy sentence the decision rests on, as printed and shown to the supervisor.
    pub basis: &'static str,
}

pub const RULES: &[RuleInfo] = &[
    RuleInfo {
        rule: AdmissionRule::InList,
        admitted: true,
        label: "清单内事项，予以准入",
        basis: "照清单履职、按清单办事：该任务属于乡镇职责清单所列事项",
    },
    RuleInfo {
        rule: AdmissionRule::Deployed,
        admitted: true,
        label: "党委政府统一部署，予以准入",
        basis: "《指导意见》三(二)：经党委和政府统一部署的事项，可派交乡镇（街道）承担",
    },
    RuleInfo {
        rule: AdmissionRule::NotInList,
        admitted: false,
        label: "清单外事项，不予准入",
        basis: "《指导意见》三(二)：未经党委和政府统一部署，各职能部门不得将自身权责事项派交乡镇（街道）承担；四(三)：在清单事项之外向乡镇（街道）安排工作任务的要追责问责",
    },
    RuleInfo {
        rule: AdmissionRule::CountyDuty,
        admitted: false,
        label: "属县级部门职责，不予准入",
        basis: "《指导意见》三(二)：未经党委和政府统一部署，各职能部门不得将自身权责事项派交乡镇（街道）承担",
    },
    RuleInfo {
        rule: AdmissionRule::OneVoteVeto,
        admitted: false,
        label: "设置“一票否决”，不予准入",
        basis: "《指导意见》三(二)：除中央和省委明确要求外，各部门不得以任何形式对乡镇（街道）设置“一票否决”事项",
    },
    RuleInfo {
        rule: AdmissionRule::Transfer,
        admitted: false,
        label: "以责任状、指标、考核转嫁责任，不予准入",
        basis: "《指导意见》三(二)：上级部门不得以签订“责任状”、分解下达指标、考核验收等方式，将工作责任转嫁乡镇（街道）承担",
    },
];

impl AdmissionRule {
    pub fn info(self) -> &'static RuleInfo {
        RULES.iter().find(|r| r.rule == self).expect("every rule is in RULES")
    }
    pub fn key(self) -> &'static str {
        match self {
            AdmissionRule::InList => "in_list",
            AdmissionRule::Deployed => "deployed",
            AdmissionRule::NotInList => "not_in_list",
            AdmissionRule::CountyDuty => "county_duty",
            AdmissionRule::OneVoteVeto => "one_vote_veto",
            AdmissionRule::Transfer => "transfer",
        }
    }
    pub fn from_key(s: &str) -> Option<AdmissionRule> {
        RULES.iter().map(|r| r.rule).find(|r| r.key() == s)
    }
}

/// What the supervisor states about how the task came down.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TaskTerms {
    /// 经党委和政府统一部署
    #[serde(default)]
    pub deployed: bool,
    /// The task sets a 一票否决 …
    #[serde(default)]
    pub veto: bool,
    /// … that the centre or the province explicitly requires.
    #[serde(default)]
    pub central: bool,
    /// It comes as a 责任状, quotas or an inspection that shifts responsibility.
    #[serde(default)]
    pub transfer: bool,
}

/// The check: the forbidden forms first (they refuse even a listed task), then the 统一部署
/// exception, then the list itself.
pub fn decide(entry: Option<&DutyEntry>, terms: TaskTerms) -> AdmissionRule {
    if terms.veto && !terms.central {
        return AdmissionRule::OneVoteVeto;
    }
    if terms.transfer {
        return AdmissionRule::Transfer;
    }
    if terms.deployed {
        return AdmissionRule::Deployed;
    }
    match entry {
        None => AdmissionRule::NotInList,
        Some(e) if !e.side.township_carries() => AdmissionRule::CountyDuty,
        Some(_) => AdmissionRule::InList,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duties::{DutyList, DutySide};

    fn entry(side: DutySide) -> DutyEntry {
        DutyEntry {
            list: DutyList::Duty,
            code: "ZZ-1".into(),
            name: "n".into(),
            category: String::new(),
            basis: "b".into(),
            side,
            department: Some("C-MZJ".into()),
            township_duty: "d".into(),
            department_duty: String::new(),
        }
    }

    #[test]
    fn each_rule_is_reached_and_forbidden_forms_win() {
        let none = TaskTerms::default();
        assert_eq!(decide(None, none), AdmissionRule::NotInList);
        assert_eq!(decide(Some(&entry(DutySide::County)), none), AdmissionRule::CountyDuty);
        assert_eq!(decide(Some(&entry(DutySide::Shared)), none), AdmissionRule::InList);
        assert_eq!(decide(None, TaskTerms { deployed: true, ..none }), AdmissionRule::Deployed);
        let e = entry(DutySide::Township);
        let listed = Some(&e);
        assert_eq!(decide(listed, TaskTerms { veto: true, ..none }), AdmissionRule::OneVoteVeto);
        assert_eq!(decide(listed, TaskTerms { veto: true, central: true, ..none }), AdmissionRule::InList);
        assert_eq!(decide(listed, TaskTerms { transfer: true, deployed: true, ..none }), AdmissionRule::Transfer);
        for r in RULES {
            assert_eq!(AdmissionRule::from_key(r.rule.key()), Some(r.rule));
            assert_eq!(r.admitted, matches!(r.rule, AdmissionRule::InList | AdmissionRule::Deployed));
        }
    }
}
