//! The hall's paper: which document each outcome of the workflow calls for, and the request
//! that names one. Laying them out is the printing crate's work; deciding which exist is ours.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{HallError, Result};
use crate::lifecycle::CaseState;
use crate::store::CaseDetail;

/// A document printed for one case, at the outcome that calls for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CasePaper {
    /// 受理回执: every accepted case (即办 and 容缺 included).
    Receipt,
    /// 一次性告知书: the request was told, once and in full, what it lacks.
    Notice,
    /// 不予受理通知书
    Refusal,
    /// 容缺受理承诺书, in two copies.
    Commitment,
    /// 出件签收单
    Delivery,
    /// 办结（不通过）: 不予许可决定书 for a 行政许可 item, 不予办理决定书 otherwise.
    Decision,
    /// 视为撤回通知书: the 补正 was not brought by its deadline.
    DeemedWithdrawn,
}

/// A paper a case can print now, titled as it will be printed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PaperOffer {
    pub paper: CasePaper,
    pub title: String,
}

/// The title of the decision paper: 行政许可法 Art. 38 calls a refused permit 不予行政许可.
pub fn decision_title(item_type: &str) -> &'static str {
    if item_type == "行政许可" {
        "不予许可决定书"
    } else {
        "不予办理决定书"
    }
}

impl CasePaper {
    pub const ALL: [CasePaper; 7] = [
        CasePaper::Receipt,
        CasePaper::Notice,
        CasePaper::Refusal,
        CasePaper::Commitment,
        CasePaper::Decision,
        CasePaper::DeemedWithdrawn,
        CasePaper::Delivery,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CasePaper::Receipt => "receipt",
            CasePaper::Notice => "notice",
            CasePaper::Refusal => "refusal",
            CasePaper::Commitment => "commitment",
            CasePaper::Delivery => "delivery",
            CasePaper::Decision => "decision",
            CasePaper::DeemedWithdrawn => "deemed_withdrawn",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CasePaper::Receipt => "受理回执",
            CasePaper::Notice => "一次性告知书",
            CasePaper::Refusal => "不予受理通知书",
            CasePaper::Commitment => "容缺受理承诺书",
            CasePaper::Delivery => "出件签收单",
            // Its printed title depends on the item: see [`decision_title`].
            CasePaper::Decision => "不予许可（办理）决定书",
            CasePaper::DeemedWithdrawn => "视为撤回通知书",
        }
    }

    pub fn parse(s: &str) -> Result<CasePaper> {
        let decision = [decision_title("行政许可"), decision_title("")];
        let found = CasePaper::ALL.into_iter().find(|p| p.key() == s || p.label() == s);
        found.or((decision.contains(&s)).then_some(CasePaper::Decision)).ok_or_else(|| {
            let all: Vec<String> = CasePaper::ALL.iter().map(|p| format!("{}（{}）", p.key(), p.label())).collect();
            HallError::invalid(format!("未知文书“{s}”，可用：{}", all.join("、")))
        })
    }

    /// Whether the case has reached the outcome this paper records.
    pub fn applies(self, case: &CaseDetail) -> bool {
        match self {
            CasePaper::Receipt => case.summary.accepted_on.is_some(),
            // Only while the request still waits for its materials; once accepted it is moot.
            CasePaper::Notice => {
                case.summary.state == CaseState::Logged && case.events.iter().any(|e| e.action == "notify_missing")
            }
            CasePaper::Refusal => case.summary.state == CaseState::Refused,
            CasePaper::Commitment => case.commitment_due.is_some(),
            CasePaper::Delivery => case.summary.state == CaseState::Delivered,
            // Decided 不通过, before and after the result went out.
            CasePaper::Decision => {
                matches!(case.summary.state, CaseState::Rejected | CaseState::Delivered)
                    && case.events.iter().any(|e| e.to_state == Some(CaseState::Rejected))
            }
            CasePaper::DeemedWithdrawn => {
                case.summary.state == CaseState::Withdrawn && case.events.iter().any(|e| e.action == "supplement_lapse")
            }
        }
    }

    /// The papers a case can print now, in the order they arose.
    pub fn for_case(case: &CaseDetail) -> Vec<CasePaper> {
        CasePaper::ALL.into_iter().filter(|p| p.applies(case)).collect()
    }
}

/// One document to render: a case's paper, a day's service sheet, a period report or the
/// public list of the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "type", rename_all = "snake_case")]
#[ts(export)]
pub enum DocRequest {
    Case {
        number: String,
        paper: CasePaper,
    },
    /// 每日服务台账
    Daily {
        date: NaiveDate,
    },
    /// 统计报告 for any range of days (a week, a month...).
    Period {
        from: NaiveDate,
        to: NaiveDate,
    },
    /// 事项公示: the wall list of the current catalog.
    CatalogWall,
    /// The wall version of 权力清单, 责任清单 or 职责清单.
    DutyWall {
        list: crate::duties::DutyList,
    },
    /// 数据恢复凭证: the hall's key on paper, for the 档案柜 (an admin's, every printing logged).
    RecoverySheet,
}

/// The longest range a period report covers.
pub const MAX_PERIOD_DAYS: i64 = 366;

impl DocRequest {
    /// Checks what the request itself can be checked for (a range the right way round).
    pub fn check(&self) -> Result<()> {
        if let DocRequest::Period { from, to } = self {
            if to < from {
                return Err(HallError::invalid(format!("统计期间有误：结束日期 {to} 早于开始日期 {from}")));
            }
            if (*to - *from).num_days() >= MAX_PERIOD_DAYS {
                return Err(HallError::invalid(format!("统计期间最长 {MAX_PERIOD_DAYS} 天，请缩短期间")));
            }
        }
        Ok(())
    }

    pub fn title(&self) -> String {
        match self {
            DocRequest::Case { number, paper } => format!("{}（{number}）", paper.label()),
            DocRequest::Daily { date } => format!("每日服务台账（{date}）"),
            DocRequest::Period { from, to } => format!("服务统计报告（{from} 至 {to}）"),
            DocRequest::CatalogWall => "政务服务事项公示".to_string(),
            DocRequest::DutyWall { list } => format!("{}公示", list.label()),
            DocRequest::RecoverySheet => "数据恢复凭证".to_string(),
        }
    }

    /// A file name without path separators or spaces, for saving.
    pub fn file_name(&self) -> String {
        match self {
            DocRequest::Case { number, paper } => format!("{}-{number}.pdf", paper.label()),
            DocRequest::Daily { date } => format!("每日服务台账-{date}.pdf"),
            DocRequest::Period { from, to } => format!("服务统计报告-{from}至{to}.pdf"),
            DocRequest::CatalogWall => "政务服务事项公示.pdf".to_string(),
            DocRequest::DutyWall { list } => format!("{}公示.pdf", list.label()),
            DocRequest::RecoverySheet => "数据恢复凭证.pdf".to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn papers_parse_by_key_or_name() {
        assert_eq!(CasePaper::parse("receipt").unwrap(), CasePaper::Receipt);
        assert_eq!(CasePaper::parse("出件签收单").unwrap(), CasePaper::Delivery);
        assert!(CasePaper::parse("x").unwrap_err().message.contains("未知文书"));
        for s in ["decision", "不予许可决定书", "不予办理决定书"] {
            assert_eq!(CasePaper::parse(s).unwrap(), CasePaper::Decision);
        }
        assert_eq!(CasePaper::parse("视为撤回通知书").unwrap(), CasePaper::DeemedWithdrawn);
        assert_eq!(decision_title("行政许可"), "不予许可决定书");
        assert_eq!(decision_title("行政确认"), "不予办理决定书");
    }

    #[test]
    fn a_period_must_run_forwards_and_not_too_long() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(DocRequest::Period { from: d("2026-11-01"), to: d("2026-11-30") }.check().is_ok());
        let e = DocRequest::Period { from: d("2026-11-30"), to: d("2026-11-01") }.check().unwrap_err();
        assert!(e.message.contains("早于"), "{}", e.message);
        assert!(DocRequest::Period { from: d("2025-01-01"), to: d("2026-11-01") }.check().is_err());
    }
}
