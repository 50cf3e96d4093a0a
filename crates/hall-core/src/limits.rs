//! Field limits, in characters: the one place `validate::text` callers and the window's
//! `maxlength` read them from (the window through the generated vocabulary).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A reason, remark or note on a case step (理由, 备注, 回访情况 …).
pub const NOTE: usize = 1000;
/// A long answer (答复内容, 部门答复).
pub const ANSWER: usize = 2000;
/// A person's or an organisation's name at the desk and at the pickup window.
pub const PARTY_NAME: usize = 100;
pub const ADDRESS: usize = 200;
/// 居民身份证号 and 统一社会信用代码 are both 18 characters.
pub const ID_NUMBER: usize = 18;
pub const PHONE: usize = 20;
/// 邮寄单号
pub const TRACKING: usize = 40;
/// 评价意见
pub const RATING_COMMENT: usize = 500;
/// 材料名称
pub const MATERIAL_NAME: usize = 200;
/// A user's login name and display name.
pub const USER_NAME: usize = 40;
pub const UNIT_CODE: usize = 64;
pub const UNIT_NAME: usize = 100;

/// The limits as the window receives them (`maxlength`).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Limits {
    pub note: u32,
    pub answer: u32,
    pub party_name: u32,
    pub address: u32,
    pub id_number: u32,
    pub phone: u32,
    pub tracking: u32,
    pub rating_comment: u32,
    pub material_name: u32,
    pub user_name: u32,
    pub unit_code: u32,
    pub unit_name: u32,
}

pub const LIMITS: Limits = Limits {
    note: NOTE as u32,
    answer: ANSWER as u32,
    party_name: PARTY_NAME as u32,
    address: ADDRESS as u32,
    id_number: ID_NUMBER as u32,
    phone: PHONE as u32,
    tracking: TRACKING as u32,
    rating_comment: RATING_COMMENT as u32,
    material_name: MATERIAL_NAME as u32,
    user_name: USER_NAME as u32,
    unit_code: UNIT_CODE as u32,
    unit_name: UNIT_NAME as u32,
};
