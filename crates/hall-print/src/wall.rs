//! The public wall lists: 事项公示 of the catalog in force — every item with its deciding unit,
//! time limits, fee, visits and materials — and the 权力清单 / 责任清单 / 职责清单 with each
//! entry's basis and who carries what, each grouped by category.

use hall_core::duties::DutyList;
use hall_core::store::{CatalogItemView, CatalogVersionInfo, DutyEntryView, DutyVersionInfo, HallLetterhead};

use crate::layout::{col, Align, Sheet};

const SMALL: f32 = 8.5;

pub fn render(h: &HallLetterhead, version: Option<&CatalogVersionInfo>, items: &[CatalogItemView]) -> Vec<u8> {
    let v = version.map(|v| format!("目录版本 {}，{} 起施行，", v.version, v.effective_date)).unwrap_or_default();
    let mut s = masthead(h, "政务服务事项公示", &format!("{v}共 {} 项。欢迎群众监督。", items.len()));
    let cols = [
        col("序号", 0.06, Align::Center),
        col("事项名称及实施机关", 0.27, Align::Left),
        col("办件类型", 0.09, Align::Center),
        col("法定/承诺时限（工作日）", 0.12, Align::Center),
        col("收费", 0.1, Align::Center),
        col("申请材料", 0.36, Align::Left),
    ];
    // Categories in the order the catalog lists them.
    let mut n = 0;
    for (ci, cat) in in_order(items.iter().map(|i| i.item.category.as_str())).iter().enumerate() {
        let rows: Vec<Vec<String>> = items
            .iter()
            .filter(|i| i.item.category == *cat)
            .map(|i| {
                n += 1;
                let it = &i.item;
                let materials = if it.materials.is_empty() {
                    "无需提交材料".to_string()
                } else {
                    it.materials
                        .iter()
                        .enumerate()
                        .map(|(k, m)| {
                            let flag = if !m.required {
                                "（非必需）"
                            } else if m.deferrable {
                                "（可容缺）"
                            } else {
                                ""
                            };
                            format!("{}. {}{}，{} {} 份", k + 1, m.name, flag, m.form.label(), m.copies)
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                vec![
                    n.to_string(),
                    format!("{}\n{}　编码 {}", it.name, i.unit_name, it.code),
                    it.kind.label().to_string(),
                    format!("{} / {}", it.legal_days, it.promised_days),
                    format!("{}\n到现场 {} 次", it.fee, it.visits),
                    materials,
                ]
            })
            .collect();
        s.heading(&format!("{}、{}", chinese_number(ci + 1), cat));
        s.table(&cols, &rows, SMALL);
    }
    footer(&mut s, h);
    s.finish()
}

/// A wall list of the lists: entries grouped by category, each with its basis, who carries it
/// and what the township and the department each do.
pub fn duties(
    h: &HallLetterhead,
    list: DutyList,
    version: Option<&DutyVersionInfo>,
    entries: &[DutyEntryView],
) -> Vec<u8> {
    let title = format!("{}{}", h.township_name, list.label());
    let v = version.map(|v| format!("清单版本 {}，{} 起施行，", v.version, v.effective_date)).unwrap_or_default();
    let mut s =
        masthead(h, &title, &format!("{v}共 {} 项。照清单履职、按清单办事、依清单问责，欢迎群众监督。", entries.len()));
    let cols = [
        col("序号", 0.06, Align::Center),
        col("事项名称", 0.2, Align::Left),
        col("依据来源", 0.22, Align::Left),
        col("责任主体", 0.12, Align::Center),
        col("乡镇职责", 0.2, Align::Left),
        col("县级部门职责", 0.2, Align::Left),
    ];
    let mut n = 0;
    for (ci, cat) in in_order(entries.iter().map(|e| e.entry.category.as_str())).iter().enumerate() {
        let rows: Vec<Vec<String>> = entries
            .iter()
            .filter(|e| e.entry.category == *cat)
            .map(|e| {
                n += 1;
                let d = &e.entry;
                let dept = match (&e.department_name, d.department_duty.is_empty()) {
                    (Some(name), false) => format!("{name}：{}", d.department_duty),
                    (Some(name), true) => name.clone(),
                    (None, _) => d.department_duty.clone(),
                };
                vec![
                    n.to_string(),
                    format!("{}\n编码 {}", d.name, d.code),
                    d.basis.clone(),
                    d.side.label().to_string(),
                    if d.township_duty.is_empty() { "—".to_string() } else { d.township_duty.clone() },
                    if dept.is_empty() { "—".to_string() } else { dept },
                ]
            })
            .collect();
        let heading = if cat.is_empty() { "其他" } else { cat };
        s.heading(&format!("{}、{}", chinese_number(ci + 1), heading));
        s.table(&cols, &rows, SMALL);
    }
    footer(&mut s, h);
    s.finish()
}

fn masthead(h: &HallLetterhead, title: &str, lead: &str) -> Sheet {
    let mut s = Sheet::new(title, &format!("{} · {title}", h.hall_name));
    s.para(&h.hall_name, 13.0, false, Align::Center);
    s.title(title, 20.0);
    s.para(lead, 10.0, false, Align::Center);
    s.gap(6.0);
    s
}

/// Distinct values in the order first met (categories as the county lists them).
fn in_order<'a>(values: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn footer(s: &mut Sheet, h: &HallLetterhead) {
    let contact = [
        (!h.address.is_empty()).then(|| format!("地址：{}", h.address)),
        (!h.phone.is_empty()).then(|| format!("咨询电话：{}", h.phone)),
    ];
    let contact: Vec<String> = contact.into_iter().flatten().collect();
    if !contact.is_empty() {
        s.para(&contact.join("　"), 10.0, false, Align::Left);
    }
}

/// 1 → 一, 12 → 十二, 20 → 二十 (section numbers up to 99).
fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n - 10] }),
        _ => format!("{}十{}", D[n / 10 % 10], if n.is_multiple_of(10) { "" } else { D[n % 10] }),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn section_numbers_read_in_chinese() {
        assert_eq!(super::chinese_number(1), "一");
        assert_eq!(super::chinese_number(10), "十");
        assert_eq!(super::chinese_number(18), "十八");
        assert_eq!(super::chinese_number(20), "二十");
        assert_eq!(super::chinese_number(31), "三十一");
    }
}
