//! 事项公示: the public wall list of the catalog in force — every item with its deciding unit,
//! time limits, fee, visits and materials, grouped by category.

use hall_core::store::{CatalogItemView, CatalogVersionInfo, HallLetterhead};

use crate::layout::{col, Align, Sheet};

const SMALL: f32 = 8.5;

pub fn render(h: &HallLetterhead, version: Option<&CatalogVersionInfo>, items: &[CatalogItemView]) -> Vec<u8> {
    let mut s = Sheet::new("政务服务事项公示", &format!("{} · 政务服务事项公示", h.hall_name));
    s.para(&h.hall_name, 13.0, false, Align::Center);
    s.title("政务服务事项公示", 20.0);
    let v = version.map(|v| format!("目录版本 {}，{} 起施行，", v.version, v.effective_date)).unwrap_or_default();
    s.para(&format!("{v}共 {} 项。欢迎群众监督。", items.len()), 10.0, false, Align::Center);
    s.gap(6.0);
    let cols = [
        col("序号", 0.06, Align::Center),
        col("事项名称及实施机关", 0.27, Align::Left),
        col("办件类型", 0.09, Align::Center),
        col("法定/承诺时限（工作日）", 0.12, Align::Center),
        col("收费", 0.1, Align::Center),
        col("申请材料", 0.36, Align::Left),
    ];
    // Categories in the order the catalog lists them.
    let mut categories: Vec<&str> = Vec::new();
    for i in items {
        if !categories.contains(&i.item.category.as_str()) {
            categories.push(&i.item.category);
        }
    }
    let mut n = 0;
    for (ci, cat) in categories.iter().enumerate() {
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
    let contact = [
        (!h.address.is_empty()).then(|| format!("地址：{}", h.address)),
        (!h.phone.is_empty()).then(|| format!("咨询电话：{}", h.phone)),
    ];
    let contact: Vec<String> = contact.into_iter().flatten().collect();
    if !contact.is_empty() {
        s.para(&contact.join("　"), 10.0, false, Align::Left);
    }
    s.finish()
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
