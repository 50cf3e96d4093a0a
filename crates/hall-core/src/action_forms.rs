//! What each action's dialog asks for, and the colour of its button by what it means. Part of
//! the lifecycle table (`ActionInfo::form`, `ActionInfo::tone`): the window draws the dialog
//! from this and decides nothing itself. Rust checks every field again when the action comes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::lifecycle::Action;
use crate::limits;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum NoteNeed {
    Required,
    Optional,
    /// The dialog asks no note.
    None,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NoteField {
    pub need: NoteNeed,
    pub label: &'static str,
    pub placeholder: &'static str,
    pub max_len: u32,
}

/// The dialog of one action. Each part the action does not ask for is `false`/`None`.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ActionForm {
    pub note: NoteField,
    /// 转办: the unit that takes the case over (any unit but the case's own).
    pub unit: bool,
    /// 补正: the optional date the applicant should bring it by, with its label.
    pub due_label: Option<&'static str>,
    /// 特别程序: the kinds to choose from.
    pub special_kinds: Option<&'static [&'static str]>,
    /// 上报 / 县级结果: a date (default today), with its label.
    pub date_label: Option<&'static str>,
    /// 出件: how the result goes out (the vocabulary's delivery methods) and who collects it.
    pub delivery: bool,
    /// Shown when the dialog asks nothing: a confirmation.
    pub confirm: bool,
}

/// Button colour by meaning: red for steps that end or refuse a case, blue for the usual next
/// step, plain for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Tone {
    Danger,
    Primary,
    Default,
}

pub const SPECIAL_KINDS: &[&str] = &["听证", "检验", "鉴定", "专家评审"];

const fn note(need: NoteNeed, label: &'static str, placeholder: &'static str) -> NoteField {
    NoteField { need, label, placeholder, max_len: limits::NOTE as u32 }
}

/// The dialog of `action`; an action without its own line asks for a reason when it
/// `needs_reason` and for nothing otherwise (so a new row of the table needs no line here).
pub const fn form_of(action: Action, needs_reason: bool) -> ActionForm {
    use Action as A;
    use NoteNeed::{Optional, Required};
    let default_note =
        if needs_reason { note(Required, "理由", "请写明理由") } else { note(NoteNeed::None, "", "") };
    let n = match action {
        A::Refuse => note(Required, "不予受理理由", "写明不予受理的理由（将告知申请人）"),
        A::Withdraw => note(Required, "撤回理由", "例如：申请人书面申请撤回"),
        A::Transfer => note(Required, "转办理由", "例如：不属于本单位职责，应由××办理"),
        A::RequestSupplement => note(Required, "需补正的内容", "写明需要申请人补正的材料或内容"),
        A::SpecialStart => note(Optional, "说明", "可填写程序的安排（选填）"),
        A::CountyResult => note(Required, "县级办理结果", "例如：县民政局审批通过，批准文号……"),
        A::Reject => note(Required, "不通过理由", "写明不予通过的理由（将告知申请人）"),
        A::Lapse => note(Required, "终止理由", "例如：容缺材料逾期未补齐"),
        A::Revoke => note(Required, "撤销理由", "写明撤销的依据和理由"),
        _ => default_note,
    };
    let confirm = matches!(n.need, NoteNeed::None)
        && !matches!(action, A::Forward | A::CountyResult | A::Deliver | A::RequestSupplement);
    ActionForm {
        note: n,
        unit: matches!(action, A::Transfer),
        due_label: if matches!(action, A::RequestSupplement) { Some("补正期限（选填）") } else { None },
        special_kinds: if matches!(action, A::SpecialStart) { Some(SPECIAL_KINDS) } else { None },
        date_label: match action {
            A::Forward => Some("上报日期"),
            A::CountyResult => Some("结果返回日期"),
            _ => None,
        },
        delivery: matches!(action, A::Deliver),
        confirm,
    }
}

pub const fn tone_of(action: Action) -> Tone {
    use Action as A;
    match action {
        A::Refuse | A::Reject | A::Withdraw | A::Revoke | A::Lapse => Tone::Danger,
        A::Accept | A::Instant | A::Claim | A::Approve | A::Deliver | A::SupplementReceived | A::SpecialEnd => {
            Tone::Primary
        }
        _ => Tone::Default,
    }
}
