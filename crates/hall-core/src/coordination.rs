//! 县乡联动 (seed 003 三(三), 三(四)): an issue in the township's area it cannot solve itself —
//! 综合执法, 应急处置, 管理服务 — raised to a county department, whose answer, its date and its
//! result are recorded. Answers due by urgency; late ones are marked. The period report turns
//! these into the township's evaluation of each department.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{HallError, Result};
use crate::validate::{clip, text};

pub const KINDS: &[&str] = &["综合执法", "应急处置", "管理服务", "其他"];
pub const RESULTS: &[&str] = &["已解决", "部分解决", "指导乡镇处置", "未解决"];
pub const SATISFACTION: &[&str] = &["满意", "基本满意", "不满意"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum IssueUrgency {
    Normal,
    Urgent,
    Critical,
}

impl IssueUrgency {
    pub const ALL: [IssueUrgency; 3] = [IssueUrgency::Normal, IssueUrgency::Urgent, IssueUrgency::Critical];

    pub fn label(self) -> &'static str {
        match self {
            IssueUrgency::Normal => "一般",
            IssueUrgency::Urgent => "紧急",
            IssueUrgency::Critical => "特急",
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            IssueUrgency::Normal => "normal",
            IssueUrgency::Urgent => "urgent",
            IssueUrgency::Critical => "critical",
        }
    }
    /// Working days the department has to answer (“部门应及时处理”: 一般 5, 紧急 2, 特急 1).
    pub fn answer_days(self) -> u32 {
        match self {
            IssueUrgency::Normal => 5,
            IssueUrgency::Urgent => 2,
            IssueUrgency::Critical => 1,
        }
    }
    pub fn parse(s: &str) -> Result<IssueUrgency> {
        IssueUrgency::ALL
            .into_iter()
            .find(|u| u.key() == s.trim() || u.label() == s.trim())
            .ok_or_else(|| HallError::invalid(format!("紧急程度“{}”无效，应为 一般、紧急 或 特急", clip(s, 40))))
    }
}

fn one_of(field: &str, v: &str, allowed: &[&str]) -> Result<String> {
    let v = v.trim();
    if allowed.contains(&v) {
        Ok(v.to_string())
    } else {
        Err(HallError::invalid(format!("{field}“{}”无效，应为：{}", clip(v, 40), allowed.join("、"))))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IssueInput {
    pub kind: String,
    /// What the problem is.
    pub title: String,
    /// Where.
    pub location: String,
    pub urgency: IssueUrgency,
    /// The county department (unit code).
    pub department: String,
}

impl IssueInput {
    /// The checked (kind, title, location, department).
    pub fn check(&self) -> Result<(String, String, String, String)> {
        Ok((
            one_of("问题类型", &self.kind, KINDS)?,
            text("问题描述", &self.title, 1000, true)?,
            text("发生地点", &self.location, 200, true)?,
            text("县级部门", &self.department, 64, true)?,
        ))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IssueAnswer {
    pub answer: String,
    /// The day the department answered (today when absent).
    #[serde(default)]
    pub answered_on: Option<chrono::NaiveDate>,
    pub result: String,
    /// The township's view of the department's response (部门满意度评价).
    pub satisfaction: String,
}

impl IssueAnswer {
    /// The checked (answer, result, satisfaction).
    pub fn check(&self) -> Result<(String, String, String)> {
        Ok((
            text("部门答复", &self.answer, 2000, true)?,
            one_of("办理结果", &self.result, RESULTS)?,
            one_of("满意度评价", &self.satisfaction, SATISFACTION)?,
        ))
    }
}
