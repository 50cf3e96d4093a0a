//! The papers that end a case against the applicant's wish, each with the reasons, the basis
//! and the 行政复议 / 行政诉讼 wording: the 不予许可决定书 (a 行政许可 item) or 不予办理决定书
//! (any other) for 办结（不通过）, and the 视为撤回通知书 for a 补正 never brought.

use hall_core::publish::or_dash;
use hall_core::store::CasePaperFacts;

use crate::layout::{Align, Sheet};
use crate::papers::{applicant_line, contact, date_label, letterhead, stamp, stamp_as, BODY};

/// When `action` was last taken on the case, or "".
fn when(f: &CasePaperFacts, action: &str) -> String {
    f.case.events.iter().rev().find(|e| e.action == action).map(|e| e.at.clone()).unwrap_or_default()
}

pub fn decision(s: &mut Sheet, f: &CasePaperFacts) {
    letterhead(s, f, &f.title, None);
    let c = &f.case;
    let permit = f.item.item.item_type == "行政许可";
    let verdict = if permit { "不予行政许可" } else { "不予办理" };
    let accepted = c.summary.accepted_on.clone().unwrap_or_else(|| c.summary.logged_at.clone());
    s.para(&format!("{}：", c.applicant.name), BODY, false, Align::Left);
    s.body(
        &format!(
            "您于{}提出的“{}”申请（办件编号 {}）已于{}受理。经审查，决定{verdict}。理由和依据如下：",
            date_label(&c.summary.logged_at),
            c.summary.item_name,
            c.summary.number,
            date_label(&accepted),
        ),
        BODY,
    );
    s.gap(2.0);
    let reason = f.decision.as_ref().map(|(_, note)| note.clone()).unwrap_or_default();
    s.fields(
        &[
            ("申请人", applicant_line(f)),
            ("事项", format!("{}（{}，{}）", c.summary.item_name, c.summary.item_code, f.item.item.item_type)),
            (if permit { "不予许可理由" } else { "不予办理理由" }, or_dash(&reason)),
            ("法律依据", or_dash(&f.item.item.basis)),
            ("实施机关", f.item.unit_name.clone()),
        ],
        BODY,
        1,
    );
    s.body(&f.hall.appeal_text, BODY);
    contact(s, f);
    stamp_as(s, &f.item.unit_name, &when(f, "reject"));
    s.gap(8.0);
    s.signatures(&["申请人签收", "签收日期"], BODY);
}

pub fn deemed_withdrawn(s: &mut Sheet, f: &CasePaperFacts) {
    letterhead(s, f, &f.title, None);
    let c = &f.case;
    let asked = f.supplement.clone();
    let (asked_at, what, due) = match &asked {
        Some(a) => (a.at.clone(), a.asked.clone(), a.due.clone().unwrap_or_default()),
        None => Default::default(),
    };
    let ended = f.deemed_withdrawn.as_ref().map(|(at, _)| at.clone()).unwrap_or_default();
    s.para(&format!("{}：", c.applicant.name), BODY, false, Align::Left);
    s.body(
        &format!(
            "您于{}提出的“{}”申请（办件编号 {}），本中心已于{}一次性告知您补正材料，补正期限为{}。\
             截至期限届满，您未提交补正材料，根据一次性告知的要求，您的申请视为撤回，本中心不再办理。",
            date_label(&c.summary.logged_at),
            c.summary.item_name,
            c.summary.number,
            date_label(&asked_at),
            date_label(&due),
        ),
        BODY,
    );
    s.gap(2.0);
    s.fields(
        &[
            ("申请人", applicant_line(f)),
            ("需补正内容", or_dash(&what)),
            ("补正期限", date_label(&due)),
            ("视为撤回日期", date_label(&ended)),
        ],
        BODY,
        1,
    );
    s.body("如仍需办理，请备齐全部材料后重新提出申请，本中心将依法受理。", BODY);
    s.body(&f.hall.appeal_text, BODY);
    contact(s, f);
    stamp(s, f, &ended);
    s.gap(8.0);
    s.signatures(&["申请人签收", "签收日期"], BODY);
}
