//! A case's papers, handed across the window: 受理回执, 一次性告知书, 不予受理通知书,
//! 容缺受理承诺书 (two copies) and 出件签收单. Every ID number on them is masked.

use hall_core::documents::CasePaper;
use hall_core::store::{CaseMaterial, CasePaperFacts};

use crate::layout::{col, Align, Sheet, CONTENT_W, MARGIN_X};

pub(crate) const BODY: f32 = 11.0;
pub(crate) const SMALL: f32 = 9.5;

pub fn render(f: &CasePaperFacts, paper: CasePaper) -> Vec<u8> {
    let c = &f.case.summary;
    let footer = format!("{} · {} · {}", f.hall.hall_name, f.title, c.number);
    let mut s = Sheet::new(&format!("{}（{}）", f.title, c.number), &footer, f.hall.printed_at);
    match paper {
        CasePaper::Receipt => receipt(&mut s, f),
        CasePaper::Notice => notice(&mut s, f),
        CasePaper::Refusal => refusal(&mut s, f),
        CasePaper::Commitment => {
            commitment(&mut s, f, "第一联　申请人留存");
            s.new_page();
            commitment(&mut s, f, "第二联　窗口存档");
        }
        CasePaper::Delivery => delivery(&mut s, f),
        CasePaper::Decision => crate::decisions::decision(&mut s, f),
        CasePaper::DeemedWithdrawn => crate::decisions::deemed_withdrawn(&mut s, f),
    }
    s.finish()
}

/// “张三（clerk1）” as recorded in the log → “张三”.
pub(crate) fn person(actor: &str) -> &str {
    actor.split('（').next().unwrap_or(actor)
}

fn date_of(ts: &str) -> &str {
    ts.get(..10).unwrap_or(ts)
}

/// The hall's name, the paper's title and the case number, with the number as a QR code at
/// the right for the pickup window's scanner.
pub(crate) fn letterhead(s: &mut Sheet, f: &CasePaperFacts, title: &str, copy: Option<&str>) {
    let qr = 74.0;
    let start = s.y;
    s.qr(&f.case.summary.number, MARGIN_X + CONTENT_W - qr + 6.0, start - 10.0, qr);
    s.para_in(MARGIN_X + qr, CONTENT_W - 2.0 * qr, &f.hall.hall_name, 13.0, false, Align::Center);
    s.para_in(MARGIN_X + qr, CONTENT_W - 2.0 * qr, title, 22.0, true, Align::Center);
    if let Some(copy) = copy {
        s.para_in(MARGIN_X + qr, CONTENT_W - 2.0 * qr, &format!("（{copy}）"), SMALL, false, Align::Center);
    }
    s.y = s.y.max(start + qr - 4.0);
    let top = s.y;
    s.text_at(MARGIN_X, top, &format!("编号：{}", f.case.summary.number), SMALL, false, (0, 0, 0));
    let scan = "扫码查询办件";
    let w = s.width(scan, 7.5, false);
    s.text_at(MARGIN_X + CONTENT_W - qr / 2.0 + 6.0 - w / 2.0, start + qr - 15.0, scan, 7.5, false, (96, 96, 96));
    s.y = top + Sheet::line_height(SMALL) + 6.0;
}

pub(crate) fn applicant_line(f: &CasePaperFacts) -> String {
    let a = &f.case.applicant;
    let id_kind = match a.kind {
        hall_core::intake::PartyKind::Person => "身份证号",
        hall_core::intake::PartyKind::Org => "统一社会信用代码",
    };
    format!("{}（{}：{}）", a.name, id_kind, a.id_masked)
}

/// The hall's address and phone, when the admin has set them.
pub(crate) fn contact(s: &mut Sheet, f: &CasePaperFacts) {
    let parts: Vec<String> = [("地址", &f.hall.address), ("咨询电话", &f.hall.phone)]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}：{v}"))
        .collect();
    if !parts.is_empty() {
        s.body(&parts.join("　"), SMALL);
    }
}

pub(crate) fn stamp(s: &mut Sheet, f: &CasePaperFacts, date: &str) {
    stamp_as(s, &f.hall.hall_name, date);
}

/// The seal line of `who` (the hall, or the deciding unit on a decision) and the date.
pub(crate) fn stamp_as(s: &mut Sheet, who: &str, date: &str) {
    s.gap(10.0);
    s.ensure(2.0 * Sheet::line_height(BODY));
    let w = CONTENT_W * 0.45;
    let x = MARGIN_X + CONTENT_W - w;
    s.para_in(x, w, &format!("{who}（盖章）"), BODY, false, Align::Center);
    s.para_in(x, w, &date_label(date), BODY, false, Align::Center);
}

/// 2026-11-20 → 2026年11月20日
pub(crate) fn date_label(d: &str) -> String {
    match chrono::NaiveDate::parse_from_str(date_of(d), "%Y-%m-%d") {
        Ok(d) => d.format("%Y年%m月%d日").to_string(),
        Err(_) => d.to_string(),
    }
}

fn materials_table(s: &mut Sheet, materials: &[&CaseMaterial], status: impl Fn(&CaseMaterial) -> String) {
    let cols = [
        col("序号", 0.08, Align::Center),
        col("材料名称", 0.52, Align::Left),
        col("形式", 0.12, Align::Center),
        col("份数", 0.08, Align::Center),
        col("状态", 0.20, Align::Center),
    ];
    let rows: Vec<Vec<String>> = materials
        .iter()
        .enumerate()
        .map(|(i, m)| vec![(i + 1).to_string(), m.name.clone(), m.form.clone(), m.copies.to_string(), status(m)])
        .collect();
    if rows.is_empty() {
        s.para("（本事项无需提交材料）", BODY, false, Align::Left);
    } else {
        s.table(&cols, &rows, SMALL);
    }
}

fn receipt(s: &mut Sheet, f: &CasePaperFacts) {
    letterhead(s, f, "受理回执", None);
    let c = &f.case;
    let item = &f.item.item;
    let accepted = c.summary.accepted_on.clone().unwrap_or_default();
    let due = match (&c.summary.due_date, item.kind) {
        (_, hall_core::catalog::CaseKind::Instant) => "即办件，当场办结".to_string(),
        (Some(d), _) => format!("{}（{} 个工作日内）", date_label(d), c.promised_days),
        (None, _) => "—".to_string(),
    };
    let mut pairs = vec![
        ("事项名称", format!("{}（{}）", c.summary.item_name, c.summary.item_code)),
        ("申请人", applicant_line(f)),
    ];
    if let Some(a) = &c.agent {
        pairs.push(("代办人", format!("{}（身份证号：{}）", a.name, a.id_masked)));
    }
    pairs.extend([
        ("办件类型", item.kind.label().to_string()),
        ("实施机关", f.item.unit_name.clone()),
        ("受理日期", date_label(&accepted)),
        ("承诺办结", due),
        ("收费标准", item.fee.clone()),
        ("受理人", format!("{}（首问负责人）", c.logged_by)),
    ]);
    if let Some(d) = &c.commitment_due {
        pairs.push(("容缺补齐", format!("所缺材料请于 {} 前补齐", date_label(d))));
    }
    s.fields(&pairs, BODY, 1);
    s.heading("已收材料");
    let mats: Vec<&CaseMaterial> = c.materials.iter().filter(|m| m.submitted || m.deferrable && m.required).collect();
    materials_table(s, &mats, |m| if m.submitted { "已收".into() } else { "容缺，限期补交".into() });
    s.heading("温馨提示");
    s.body(
        "您的申请已受理。办理结果统一在本中心出件窗口发放，领取时请携带本回执和申请人身份证件；\
         委托他人领取的，请携带委托书和代领人身份证件。可凭办件编号或扫描右上角二维码查询办理进度。",
        SMALL,
    );
    contact(s, f);
    s.gap(6.0);
    s.signatures(&["申请人（签字）", "受理人（签字）"], BODY);
    stamp(s, f, &accepted);
}

fn notice(s: &mut Sheet, f: &CasePaperFacts) {
    letterhead(s, f, "一次性告知书", None);
    let c = &f.case;
    let (at, by) = f.notice.clone().unwrap_or_default();
    s.para(&format!("{}：", c.applicant.name), BODY, false, Align::Left);
    s.body(
        &format!(
            "您于{}申请办理的“{}”事项，经审查，申请材料尚不齐全。现将需要补齐的材料一次性告知如下，\
             请备齐后到本中心综合受理窗口办理，材料齐全即予受理。",
            date_label(&at),
            c.summary.item_name
        ),
        BODY,
    );
    s.gap(4.0);
    let cols = [
        col("序号", 0.08, Align::Center),
        col("所缺材料", 0.40, Align::Left),
        col("形式及份数", 0.16, Align::Center),
        col("获取途径", 0.36, Align::Left),
    ];
    let rows: Vec<Vec<String>> = c
        .materials
        .iter()
        .filter(|m| m.required && !m.submitted)
        .enumerate()
        .map(|(i, m)| {
            let source = f
                .item
                .item
                .materials
                .iter()
                .find(|cm| cm.name == m.name)
                .and_then(|cm| cm.source.clone())
                .unwrap_or_else(|| "申请人自备".into());
            vec![(i + 1).to_string(), m.name.clone(), format!("{} {} 份", m.form, m.copies), source]
        })
        .collect();
    s.table(&cols, &rows, SMALL);
    s.body(&format!("事项依据：{}", if f.item.item.basis.is_empty() { "—" } else { &f.item.item.basis }), SMALL);
    contact(s, f);
    s.gap(6.0);
    s.signatures(&[&format!("告知人：{}　签字", person(&by)), "申请人签收"], BODY);
    stamp(s, f, &at);
}

fn refusal(s: &mut Sheet, f: &CasePaperFacts) {
    letterhead(s, f, "不予受理通知书", None);
    let c = &f.case;
    s.para(&format!("{}：", c.applicant.name), BODY, false, Align::Left);
    s.body(
        &format!(
            "您于{}提出的“{}”申请（办件编号 {}），经审查，决定不予受理。理由如下：",
            date_label(&c.summary.logged_at),
            c.summary.item_name,
            c.summary.number
        ),
        BODY,
    );
    let reason = f.refusal_reason.clone().unwrap_or_default();
    s.gap(2.0);
    s.fields(&[("不予受理理由", reason)], BODY, 1);
    s.body(&f.hall.appeal_text, BODY);
    contact(s, f);
    let refused_on = c.events.iter().rev().find(|e| e.action == "refuse").map(|e| e.at.clone()).unwrap_or_default();
    stamp(s, f, &refused_on);
    s.gap(8.0);
    s.signatures(&["申请人签收", "签收日期"], BODY);
}

fn commitment(s: &mut Sheet, f: &CasePaperFacts, copy: &str) {
    letterhead(s, f, "容缺受理承诺书", Some(copy));
    let c = &f.case;
    let due = c.commitment_due.clone().unwrap_or_default();
    s.para(&format!("{}：", f.hall.hall_name), BODY, false, Align::Left);
    s.body(
        &format!(
            "本人（单位）{}申请办理“{}”事项（办件编号 {}），因下列非关键材料暂缺，申请容缺受理。\
             本人承诺于 {} 前补齐下列材料，并对所提交材料的真实性负责。逾期未补齐的，\
             同意按规定终止办理，由此产生的后果由本人承担。",
            c.applicant.name,
            c.summary.item_name,
            c.summary.number,
            date_label(&due)
        ),
        BODY,
    );
    s.gap(4.0);
    let missing: Vec<&CaseMaterial> = c.materials.iter().filter(|m| m.required && m.deferrable).collect();
    materials_table(s, &missing, |m| if m.submitted { "已补交".into() } else { format!("{} 前补交", date_of(&due)) });
    s.fields(&[("承诺补齐期限", date_label(&due)), ("受理人", c.logged_by.clone())], BODY, 2);
    s.gap(8.0);
    s.signatures(&["承诺人（签字）", "日期"], BODY);
    s.signatures(&["受理人（签字）", "日期"], BODY);
}

fn delivery(s: &mut Sheet, f: &CasePaperFacts) {
    letterhead(s, f, "出件签收单", None);
    let c = &f.case;
    let h = f.hand_out.clone();
    let (result, note) = f.decision.clone().unwrap_or_default();
    let mut pairs = vec![
        ("事项名称", format!("{}（{}）", c.summary.item_name, c.summary.item_code)),
        ("申请人", applicant_line(f)),
        ("办理结果", if note.is_empty() { result } else { format!("{result}：{note}") }),
    ];
    if let Some(h) = &h {
        pairs.push(("出件方式", h.method_label.clone()));
        if h.tracking.is_empty() {
            pairs.push(("领取人", format!("{}（身份证号：{}）", h.collector_name, h.collector_id_masked)));
        } else {
            pairs.push(("收件人", h.collector_name.clone()));
            pairs.push(("邮寄单号", h.tracking.clone()));
        }
        pairs.push(("出件时间", h.at.clone()));
        pairs.push(("出件人", h.clerk.clone()));
    }
    s.fields(&pairs, BODY, 1);
    s.gap(4.0);
    s.body("本人已收到上述办理结果，当面核对无误。", BODY);
    s.gap(8.0);
    let signer = if h.as_ref().is_some_and(|h| !h.tracking.is_empty()) {
        "寄件人（签字）"
    } else {
        "领取人（签字）"
    };
    s.signatures(&[signer, "出件人（签字）"], BODY);
    stamp(s, f, h.as_ref().map(|h| h.at.as_str()).unwrap_or(""));
}
