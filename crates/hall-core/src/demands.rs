//! 群众需求表达 and 人民建议征集 (seeds 000/001 (十四)): a citizen's demand or suggestion is
//! logged with its category and village, reviewed by the supervisor (adopted or not), answered,
//! and, once answered, goes up to the county with the completed cases.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{HallError, Result};
use crate::validate::{clip, phone, text};

pub const CATEGORIES: &[&str] =
    &["基础设施", "公共服务", "社会保障", "产业发展", "生态环境", "社会治理", "村务管理", "其他"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum DemandKind {
    #[serde(rename = "群众需求", alias = "demand")]
    Demand,
    #[serde(rename = "人民建议", alias = "suggestion")]
    Suggestion,
}

impl DemandKind {
    pub fn label(self) -> &'static str {
        match self {
            DemandKind::Demand => "群众需求",
            DemandKind::Suggestion => "人民建议",
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            DemandKind::Demand => "demand",
            DemandKind::Suggestion => "suggestion",
        }
    }
    pub fn parse(s: &str) -> Result<DemandKind> {
        match s.trim() {
            "群众需求" | "需求" | "demand" => Ok(DemandKind::Demand),
            "人民建议" | "建议" | "suggestion" => Ok(DemandKind::Suggestion),
            other => Err(HallError::invalid(format!("“{}”不是诉求类型，应为 群众需求 或 人民建议", clip(other, 40)))),
        }
    }
}

/// Where a demand stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DemandState {
    /// 待审核
    Submitted,
    /// 已采纳, to be answered
    Adopted,
    /// 未采纳, to be answered with the reason
    Declined,
    /// 已答复
    Answered,
}

impl DemandState {
    pub fn label(self) -> &'static str {
        match self {
            DemandState::Submitted => "待审核",
            DemandState::Adopted => "已采纳",
            DemandState::Declined => "未采纳",
            DemandState::Answered => "已答复",
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            DemandState::Submitted => "submitted",
            DemandState::Adopted => "adopted",
            DemandState::Declined => "declined",
            DemandState::Answered => "answered",
        }
    }
    pub fn parse(s: &str) -> Result<DemandState> {
        [DemandState::Submitted, DemandState::Adopted, DemandState::Declined, DemandState::Answered]
            .into_iter()
            .find(|d| d.key() == s.trim() || d.label() == s.trim())
            .ok_or_else(|| {
                HallError::invalid(format!("“{}”不是诉求状态，应为 待审核、已采纳、未采纳 或 已答复", clip(s, 40)))
            })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DemandInput {
    pub kind: DemandKind,
    pub category: String,
    pub village: String,
    pub content: String,
    #[serde(default)]
    pub citizen_name: String,
    #[serde(default)]
    pub phone: String,
}

impl DemandInput {
    /// The checked (category, village, content, name, phone).
    pub fn check(&self) -> Result<(String, String, String, String, String)> {
        if !CATEGORIES.contains(&self.category.trim()) {
            return Err(HallError::invalid(format!(
                "诉求类别“{}”无效，应为：{}",
                clip(&self.category, 40),
                CATEGORIES.join("、")
            )));
        }
        let village = text("所在村（社区）", &self.village, 50, true)?;
        let content = text("诉求内容", &self.content, 2000, true)?;
        let name = text("反映人姓名", &self.citizen_name, 50, false)?;
        let phone = if self.phone.trim().is_empty() { String::new() } else { phone(&self.phone)? };
        Ok((self.category.trim().to_string(), village, content, name, phone))
    }
}
