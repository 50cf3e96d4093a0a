//! 首问负责 at the desk: an inquiry that does not become a case is still logged — what was asked
//! (linked to a catalog item when there is one), what was answered, who answered, and whether
//! the citizen is owed a call back, which is then tracked to closure.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{HallError, Result};
use crate::validate::{phone, text};

/// Working days a call back may take when the clerk does not set a date.
pub const DEFAULT_CALLBACK_DAYS: u32 = 1;

#[derive(Debug, Clone, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ConsultInput {
    /// What was asked; may be left empty when `item_code` names the item.
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub item_code: Option<String>,
    pub answer: String,
    #[serde(default)]
    pub citizen_name: String,
    #[serde(default)]
    pub phone: String,
    /// The citizen is owed a call back.
    #[serde(default)]
    pub callback: bool,
    /// By when; the next working day when absent.
    #[serde(default)]
    pub callback_due: Option<NaiveDate>,
}

/// The checked fields of a consultation (the store adds the item's name when the topic is empty).
pub struct CheckedConsult {
    pub topic: String,
    pub item_code: Option<String>,
    pub answer: String,
    pub citizen_name: String,
    pub phone: String,
}

impl ConsultInput {
    pub fn check(&self, today: NaiveDate) -> Result<CheckedConsult> {
        let item_code = self.item_code.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(String::from);
        let topic = text("咨询事项", &self.topic, 200, item_code.is_none())?;
        let answer = text("答复内容", &self.answer, 2000, true)?;
        let citizen_name = text("咨询人姓名", &self.citizen_name, 50, false)?;
        let phone = if self.callback || !self.phone.trim().is_empty() {
            phone(&self.phone).map_err(|e| {
                if self.callback && self.phone.trim().is_empty() {
                    HallError::invalid("需要回访时必须留下联系电话")
                } else {
                    e
                }
            })?
        } else {
            String::new()
        };
        if let Some(d) = self.callback_due.filter(|_| self.callback) {
            if d < today {
                return Err(HallError::invalid(format!("回访期限 {d} 早于今天，请重新选择")));
            }
        }
        Ok(CheckedConsult { topic, item_code, answer, citizen_name, phone })
    }
}
