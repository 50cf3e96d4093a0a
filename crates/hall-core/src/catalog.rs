//! The service catalog (事项清单): the model of one published list, and its import from the
//! county's JSON or CSV. An import is all-or-nothing; every error names the line and field.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{HallError, Result};
use crate::validate::{clip, json_error_zh, text};

/// Categories of domain.md: the six basic public services and the other township services.
pub const CATEGORIES: &[&str] = &[
    "基本公共教育",
    "劳动就业",
    "社会保险",
    "基本社会服务",
    "基本医疗卫生",
    "公共文化体育",
    "农业农村经济发展",
    "农民经济权益保护",
    "环境卫生与生态",
    "食品安全",
    "社会治安与矛盾纠纷化解",
    "扶贫济困",
    "未成年人保护",
    "消防安全",
    "农村危房改造",
    "国防动员",
    "户籍管理",
    "规划建设",
];

pub const ITEM_TYPES: &[&str] =
    &["行政许可", "行政确认", "行政给付", "行政备案", "行政裁决", "行政奖励", "其他行政权力", "公共服务"];

/// 办件类型
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum CaseKind {
    /// Done on the spot.
    #[serde(rename = "即办件")]
    Instant,
    /// Promised within N working days.
    #[serde(rename = "承诺件")]
    Promised,
    /// The township collects, a county department decides.
    #[serde(rename = "上报件")]
    Forwarded,
    /// Several units.
    #[serde(rename = "联办件")]
    Joint,
}

impl CaseKind {
    pub fn label(self) -> &'static str {
        match self {
            CaseKind::Instant => "即办件",
            CaseKind::Promised => "承诺件",
            CaseKind::Forwarded => "上报件",
            CaseKind::Joint => "联办件",
        }
    }
    pub(crate) fn parse(s: &str) -> Option<CaseKind> {
        [CaseKind::Instant, CaseKind::Promised, CaseKind::Forwarded, CaseKind::Joint]
            .into_iter()
            .find(|k| k.label() == s.trim())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum MaterialForm {
    #[serde(rename = "原件")]
    Original,
    #[serde(rename = "复印件")]
    Copy,
    #[serde(rename = "原件和复印件")]
    Both,
}

impl MaterialForm {
    pub fn label(self) -> &'static str {
        match self {
            MaterialForm::Original => "原件",
            MaterialForm::Copy => "复印件",
            MaterialForm::Both => "原件和复印件",
        }
    }
    pub(crate) fn parse(s: &str) -> Option<MaterialForm> {
        [MaterialForm::Original, MaterialForm::Copy, MaterialForm::Both].into_iter().find(|k| k.label() == s.trim())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum UnitLevel {
    /// A township office (乡镇内设机构).
    Township,
    /// A county department (县直部门).
    County,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Unit {
    pub code: String,
    pub name: String,
    pub level: UnitLevel,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Material {
    pub name: String,
    pub form: MaterialForm,
    #[serde(default = "one")]
    pub copies: u32,
    #[serde(default = "yes")]
    pub required: bool,
    /// 容缺: may be accepted now and supplied later.
    #[serde(default)]
    pub deferrable: bool,
    /// Where the applicant gets it (for the 一次性告知书), when the catalog says.
    #[serde(default)]
    pub source: Option<String>,
}

fn one() -> u32 {
    1
}
fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CatalogItem {
    /// 事项编码: an opaque string, unique in the catalog.
    pub code: String,
    pub name: String,
    /// 事项类型 (行政许可、行政确认…)
    pub item_type: String,
    pub category: String,
    /// 实施机关: the code of the unit that decides.
    pub unit: String,
    /// 承办单位: the township office whose queue takes the case when the deciding unit is a
    /// county department (上报件); the deciding unit itself when absent.
    #[serde(default)]
    pub handled_by: Option<String>,
    /// 设定和实施依据
    #[serde(default)]
    pub basis: String,
    pub kind: CaseKind,
    pub legal_days: u32,
    pub promised_days: u32,
    /// 收费标准, e.g. "不收费" or "工本费 10 元".
    #[serde(default = "no_fee")]
    pub fee: String,
    #[serde(default)]
    pub fee_basis: String,
    /// 到现场次数
    #[serde(default = "one")]
    pub visits: u32,
    #[serde(default)]
    pub materials: Vec<Material>,
}

fn no_fee() -> String {
    "不收费".into()
}

/// One published catalog: its version, when it takes effect, the units it names and its items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CatalogFile {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub effective_date: Option<NaiveDate>,
    #[serde(default)]
    pub units: Vec<Unit>,
    pub items: Vec<CatalogItem>,
}

/// The CSV columns [`CatalogFile::to_csv`] writes, each one a header [`CatalogFile::parse_csv`]
/// reads: one row per material, the item's columns repeated on each.
pub const CSV_HEADERS: [&str; 22] = [
    "事项编码",
    "事项名称",
    "事项类型",
    "类别",
    "实施机关编码",
    "实施机关",
    "实施机关层级",
    "承办单位编码",
    "承办单位",
    "设定依据",
    "办件类型",
    "法定时限",
    "承诺时限",
    "收费",
    "收费依据",
    "到场次数",
    "材料名称",
    "材料形式",
    "份数",
    "是否必需",
    "可容缺",
    "材料来源",
];

/// Column positions of a catalog CSV (by Chinese or English header).
struct CsvCols {
    code: Option<usize>,
    name: Option<usize>,
    item_type: Option<usize>,
    category: Option<usize>,
    unit: Option<usize>,
    handled_by: Option<usize>,
    handled_by_name: Option<usize>,
    unit_name: Option<usize>,
    unit_level: Option<usize>,
    basis: Option<usize>,
    kind: Option<usize>,
    legal_days: Option<usize>,
    promised_days: Option<usize>,
    fee: Option<usize>,
    fee_basis: Option<usize>,
    visits: Option<usize>,
    m_name: Option<usize>,
    m_form: Option<usize>,
    m_copies: Option<usize>,
    m_required: Option<usize>,
    m_deferrable: Option<usize>,
    m_source: Option<usize>,
}

/// Where a problem sits in an import file, so the message can name it.
fn at(line: Option<usize>, item: &str, field: &str) -> String {
    match line {
        Some(l) => format!("第 {l} 行（事项“{}”）的“{field}”", clip(item, 64)),
        None => format!("事项“{}”的“{field}”", clip(item, 64)),
    }
}

impl CatalogFile {
    pub fn parse_json(text: &str) -> Result<CatalogFile> {
        // Notepad on Windows saves UTF-8 with a byte-order mark.
        let f: CatalogFile = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
            HallError::invalid(format!(
                "事项清单 JSON 第 {} 行第 {} 列有误：{}",
                e.line(),
                e.column(),
                json_error_zh(&e)
            ))
        })?;
        f.check(&[])?;
        Ok(f)
    }

    /// CSV: one row per material; the item's columns are repeated (or left blank) on its
    /// further rows. Headers may be Chinese or English (see README).
    pub fn parse_csv(text: &str) -> Result<CatalogFile> {
        let mut rdr =
            csv::ReaderBuilder::new().flexible(false).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = rdr.headers().map_err(|e| HallError::invalid(format!("事项清单 CSV 表头读取失败：{e}")))?.clone();
        let col = |names: &[&str]| headers.iter().position(|h| names.contains(&h.trim()));
        let cols = CsvCols {
            code: col(&["事项编码", "code"]),
            name: col(&["事项名称", "name"]),
            item_type: col(&["事项类型", "item_type"]),
            category: col(&["类别", "事项类别", "category"]),
            unit: col(&["实施机关编码", "unit"]),
            handled_by: col(&["承办单位编码", "handled_by"]),
            handled_by_name: col(&["承办单位", "承办单位名称", "handled_by_name"]),
            unit_name: col(&["实施机关", "实施机关名称", "unit_name"]),
            unit_level: col(&["实施机关层级", "unit_level"]),
            basis: col(&["设定依据", "设定和实施依据", "basis"]),
            kind: col(&["办件类型", "kind"]),
            legal_days: col(&["法定时限", "legal_days"]),
            promised_days: col(&["承诺时限", "promised_days"]),
            fee: col(&["收费", "收费标准", "fee"]),
            fee_basis: col(&["收费依据", "fee_basis"]),
            visits: col(&["到场次数", "visits"]),
            m_name: col(&["材料名称", "material"]),
            m_form: col(&["材料形式", "form"]),
            m_copies: col(&["份数", "copies"]),
            m_required: col(&["是否必需", "required"]),
            m_deferrable: col(&["可容缺", "deferrable"]),
            m_source: col(&["材料来源", "source"]),
        };
        // A CSV saved by Excel as GBK and read as UTF-8 comes with U+FFFD where the Chinese was.
        let encoding_hint = if headers.iter().any(|h| h.contains('\u{FFFD}')) {
            "。文件中有无法识别的字符，可能不是 UTF-8 编码：请在 Excel 中“另存为 CSV UTF-8（逗号分隔）”后再导入"
        } else {
            ""
        };
        for (need, names) in [
            (cols.code, "事项编码"),
            (cols.name, "事项名称"),
            (cols.item_type, "事项类型"),
            (cols.category, "类别"),
            (cols.unit, "实施机关编码"),
            (cols.kind, "办件类型"),
            (cols.legal_days, "法定时限"),
            (cols.promised_days, "承诺时限"),
        ] {
            if need.is_none() {
                return Err(HallError::invalid(format!("事项清单 CSV 缺少“{names}”列{encoding_hint}")));
            }
        }
        let mut file = CatalogFile { version: String::new(), effective_date: None, units: vec![], items: vec![] };
        let mut lines = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let line = i + 2;
            let rec = rec.map_err(|e| HallError::invalid(format!("事项清单 CSV 第 {line} 行无法读取：{e}")))?;
            let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).map(str::trim).unwrap_or("");
            let code = get(cols.code);
            if code.is_empty() {
                return Err(HallError::invalid(format!("第 {line} 行缺少“事项编码”")));
            }
            let num = |c: Option<usize>, field: &str, default: u32| -> Result<u32> {
                let v = get(c);
                if v.is_empty() {
                    return Ok(default);
                }
                v.parse::<u32>().map_err(|_| {
                    HallError::invalid(format!("{}应为非负整数，现为“{}”", at(Some(line), code, field), clip(v, 40)))
                })
            };
            let flag = |c: Option<usize>, field: &str, default: bool| -> Result<bool> {
                match get(c) {
                    "" => Ok(default),
                    "是" | "Y" | "y" | "true" | "1" | "必需" | "必要" => Ok(true),
                    "否" | "N" | "n" | "false" | "0" | "非必需" | "可选" => Ok(false),
                    v => Err(HallError::invalid(format!(
                        "{}应为“是”或“否”，现为“{}”",
                        at(Some(line), code, field),
                        clip(v, 40)
                    ))),
                }
            };
            if file.items.last().map(|it: &CatalogItem| it.code.as_str()) != Some(code) {
                if file.items.iter().any(|it| it.code == code) {
                    return Err(HallError::invalid(format!(
                        "第 {line} 行：事项编码“{}”的材料行应连续排列，或该编码重复",
                        clip(code, 64)
                    )));
                }
                let kind_s = get(cols.kind);
                let kind = CaseKind::parse(kind_s).ok_or_else(|| {
                    HallError::invalid(format!(
                        "{}应为 即办件、承诺件、上报件 或 联办件，现为“{}”",
                        at(Some(line), code, "办件类型"),
                        clip(kind_s, 40)
                    ))
                })?;
                let unit = get(cols.unit).to_string();
                if !get(cols.unit_name).is_empty() && !file.units.iter().any(|u| u.code == unit) {
                    let level = match get(cols.unit_level) {
                        "县级" | "county" | "县直部门" => UnitLevel::County,
                        "" | "乡镇" | "township" | "乡镇内设机构" => UnitLevel::Township,
                        v => {
                            return Err(HallError::invalid(format!(
                                "{}应为“乡镇”或“县级”，现为“{}”",
                                at(Some(line), code, "实施机关层级"),
                                clip(v, 40)
                            )))
                        }
                    };
                    file.units.push(Unit { code: unit.clone(), name: get(cols.unit_name).to_string(), level });
                }
                // A 承办单位 is the township office whose queue takes a county department's case.
                let handled_by = get(cols.handled_by);
                if !handled_by.is_empty()
                    && !get(cols.handled_by_name).is_empty()
                    && !file.units.iter().any(|u| u.code == handled_by)
                {
                    let name = get(cols.handled_by_name).to_string();
                    file.units.push(Unit { code: handled_by.to_string(), name, level: UnitLevel::Township });
                }
                file.items.push(CatalogItem {
                    code: code.to_string(),
                    name: get(cols.name).to_string(),
                    item_type: get(cols.item_type).to_string(),
                    category: get(cols.category).to_string(),
                    unit,
                    handled_by: Some(get(cols.handled_by).to_string()).filter(|s| !s.is_empty()),
                    basis: get(cols.basis).to_string(),
                    kind,
                    legal_days: num(cols.legal_days, "法定时限", 0)?,
                    promised_days: num(cols.promised_days, "承诺时限", 0)?,
                    fee: Some(get(cols.fee)).filter(|f| !f.is_empty()).unwrap_or("不收费").to_string(),
                    fee_basis: get(cols.fee_basis).to_string(),
                    visits: num(cols.visits, "到场次数", 1)?,
                    materials: vec![],
                });
                lines.push(line);
            }
            let m_name = get(cols.m_name);
            if !m_name.is_empty() {
                let form_s = get(cols.m_form);
                let form = if form_s.is_empty() {
                    MaterialForm::Original
                } else {
                    MaterialForm::parse(form_s).ok_or_else(|| {
                        HallError::invalid(format!(
                            "{}应为 原件、复印件 或 原件和复印件，现为“{}”",
                            at(Some(line), code, "材料形式"),
                            clip(form_s, 40)
                        ))
                    })?
                };
                let m = Material {
                    name: m_name.to_string(),
                    form,
                    copies: num(cols.m_copies, "份数", 1)?,
                    required: flag(cols.m_required, "是否必需", true)?,
                    deferrable: flag(cols.m_deferrable, "可容缺", false)?,
                    source: Some(get(cols.m_source).to_string()).filter(|s| !s.is_empty()),
                };
                file.items.last_mut().expect("an item was pushed for this code").materials.push(m);
            }
        }
        file.check(&lines)?;
        Ok(file)
    }

    /// The file as CSV in the columns of [`CSV_HEADERS`], so that [`CatalogFile::parse_csv`]
    /// reads back the same units and items (a CSV carries no version or date).
    pub fn to_csv(&self) -> String {
        let unit = |code: &str| self.units.iter().find(|u| u.code == code);
        let yes_no = |b: bool| if b { "是" } else { "否" };
        let mut rows = Vec::new();
        for it in &self.items {
            let decider = unit(&it.unit);
            let handler = it.handled_by.as_deref().and_then(unit);
            let item = [
                it.code.clone(),
                it.name.clone(),
                it.item_type.clone(),
                it.category.clone(),
                it.unit.clone(),
                decider.map(|u| u.name.clone()).unwrap_or_default(),
                match decider.map(|u| u.level) {
                    Some(UnitLevel::County) => "县级".into(),
                    Some(UnitLevel::Township) => "乡镇".into(),
                    None => String::new(),
                },
                it.handled_by.clone().unwrap_or_default(),
                handler.map(|u| u.name.clone()).unwrap_or_default(),
                it.basis.clone(),
                it.kind.label().into(),
                it.legal_days.to_string(),
                it.promised_days.to_string(),
                it.fee.clone(),
                it.fee_basis.clone(),
                it.visits.to_string(),
            ];
            let materials: Vec<[String; 6]> = it
                .materials
                .iter()
                .map(|m| {
                    [
                        m.name.clone(),
                        m.form.label().into(),
                        m.copies.to_string(),
                        yes_no(m.required).into(),
                        yes_no(m.deferrable).into(),
                        m.source.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            if materials.is_empty() {
                rows.push(item.iter().cloned().chain(std::iter::repeat_n(String::new(), 6)).collect::<Vec<_>>());
            }
            for m in materials {
                rows.push(item.iter().cloned().chain(m).collect());
            }
        }
        crate::csv_text::write(&CSV_HEADERS, rows)
    }

    /// Checks the whole file; `lines[i]` is the CSV line of item i when known.
    pub fn check(&self, lines: &[usize]) -> Result<()> {
        if self.items.is_empty() {
            return Err(HallError::invalid("事项清单中没有任何事项"));
        }
        for u in &self.units {
            text("实施机关编码", &u.code, 64, true)?;
            text("实施机关名称", &u.name, 100, true)?;
        }
        for (i, it) in self.items.iter().enumerate() {
            let line = lines.get(i).copied();
            let f = |field: &str| at(line, &it.code, field);
            let wrap = |field: &str, r: Result<String>| {
                r.map_err(|e| HallError::invalid(format!("{}：{}", f(field), e.message)))
            };
            wrap("事项编码", text("事项编码", &it.code, 64, true))?;
            if it.code.trim() != it.code {
                // The desk looks items up by the trimmed code: this one could never be found.
                return Err(HallError::invalid(format!("{}前后不能有空格", f("事项编码"))));
            }
            if self.items[..i].iter().any(|o| o.code == it.code) {
                return Err(HallError::invalid(format!("{}重复：同一清单中编码必须唯一", f("事项编码"))));
            }
            wrap("事项名称", text("事项名称", &it.name, 200, true))?;
            wrap("设定依据", text("设定依据", &it.basis, 2000, false))?;
            wrap("收费", text("收费", &it.fee, 200, false))?;
            wrap("收费依据", text("收费依据", &it.fee_basis, 500, false))?;
            if !ITEM_TYPES.contains(&it.item_type.as_str()) {
                return Err(HallError::invalid(format!(
                    "{}“{}”不是有效类型，应为：{}",
                    f("事项类型"),
                    clip(&it.item_type, 40),
                    ITEM_TYPES.join("、")
                )));
            }
            if !CATEGORIES.contains(&it.category.as_str()) {
                return Err(HallError::invalid(format!(
                    "{}“{}”不在服务类别中，应为：{}",
                    f("类别"),
                    clip(&it.category, 40),
                    CATEGORIES.join("、")
                )));
            }
            wrap("实施机关编码", text("实施机关编码", &it.unit, 64, true))?;
            if let Some(h) = &it.handled_by {
                wrap("承办单位编码", text("承办单位编码", h, 64, true))?;
            }
            for (field, code) in [("实施机关编码", Some(&it.unit)), ("承办单位编码", it.handled_by.as_ref())]
            {
                if let Some(code) = code {
                    if !self.units.is_empty() && !self.units.iter().any(|u| &u.code == code) {
                        return Err(HallError::invalid(format!(
                            "{}“{}”不在清单的单位列表中",
                            f(field),
                            clip(code, 64)
                        )));
                    }
                }
            }
            if it.promised_days > it.legal_days {
                return Err(HallError::invalid(format!(
                    "{}{} 个工作日超过法定时限 {} 个工作日（承诺时限不得超过法定时限）",
                    f("承诺时限"),
                    it.promised_days,
                    it.legal_days
                )));
            }
            if it.legal_days > 365 {
                return Err(HallError::invalid(format!("{}{} 个工作日不合理", f("法定时限"), it.legal_days)));
            }
            if it.kind == CaseKind::Instant && it.promised_days != 0 {
                return Err(HallError::invalid(format!("{}：即办件的承诺时限应为 0", f("承诺时限"))));
            }
            for m in &it.materials {
                wrap("材料名称", text("材料名称", &m.name, 200, true))?;
                if let Some(src) = &m.source {
                    wrap("材料来源", text("材料来源", src, 200, false))?;
                }
                if m.copies == 0 || m.copies > 99 {
                    return Err(HallError::invalid(format!(
                        "{}“{}”的份数应在 1 至 99 之间",
                        f("材料"),
                        clip(&m.name, 64)
                    )));
                }
                if m.deferrable && !m.required {
                    return Err(HallError::invalid(format!(
                        "{}“{}”：可容缺只适用于必需材料",
                        f("材料"),
                        clip(&m.name, 64)
                    )));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "事项编码,事项名称,事项类型,类别,实施机关编码,实施机关,实施机关层级,办件类型,法定时限,承诺时限,收费,材料名称,材料形式,份数,是否必需,可容缺\n\
        A-1,开具居住证明,公共服务,户籍管理,PS,派出所,乡镇,即办件,1,0,不收费,居民身份证,原件,1,是,否\n\
        A-1,,,,,,,,,,,户口簿,原件,1,是,否\n\
        B-2,城乡居民养老保险参保登记,行政确认,社会保险,SB,社保所,乡镇,承诺件,20,5,,居民身份证,复印件,1,是,否\n\
        B-2,,,,,,,,,,,银行卡,复印件,1,是,是\n";

    #[test]
    fn csv_groups_material_rows_under_items() {
        let f = CatalogFile::parse_csv(CSV).unwrap();
        assert_eq!(f.items.len(), 2);
        assert_eq!(f.items[0].materials.len(), 2);
        assert_eq!(f.items[1].kind, CaseKind::Promised);
        assert!(f.items[1].materials[1].deferrable);
        assert_eq!(f.units.len(), 2);
    }

    #[test]
    fn csv_written_reads_back_the_same_items_and_units() {
        let f = CatalogFile::parse_json(crate::demo::SAMPLE_CATALOG).unwrap();
        let back = CatalogFile::parse_csv(&f.to_csv()).unwrap();
        assert_eq!(back.items, f.items);
        // The units the items name, 承办单位 included, with their names and levels.
        for it in &f.items {
            for code in std::iter::once(&it.unit).chain(&it.handled_by) {
                let unit = back.units.iter().find(|u| &u.code == code).unwrap();
                assert!(f.units.contains(unit), "{unit:?}");
            }
        }
    }

    #[test]
    fn csv_errors_name_line_and_field() {
        let bad = CSV.replace(
            "B-2,城乡居民养老保险参保登记,行政确认,社会保险,SB,社保所,乡镇,承诺件,20,5",
            "B-2,城乡居民养老保险参保登记,行政确认,社会保险,SB,社保所,乡镇,承诺件,20,30",
        );
        let e = CatalogFile::parse_csv(&bad).unwrap_err();
        assert!(e.message.contains("第 4 行") && e.message.contains("承诺时限"), "{}", e.message);
        let bad = CSV.replace("即办件", "马上办");
        let e = CatalogFile::parse_csv(&bad).unwrap_err();
        assert!(e.message.contains("第 2 行") && e.message.contains("办件类型"), "{}", e.message);
        let bad = CSV.replace("户籍管理", "杂项");
        assert!(CatalogFile::parse_csv(&bad).unwrap_err().message.contains("类别"));
    }

    #[test]
    fn json_errors_are_chinese() {
        let e = CatalogFile::parse_json("{\"items\": [{\"code\": \"x\"}]}").unwrap_err();
        assert!(e.message.contains("缺少"), "{}", e.message);
        assert!(CatalogFile::parse_json("{").unwrap_err().message.contains("不完整"));
        let e = CatalogFile::parse_json("{\"items\": []}").unwrap_err();
        assert!(e.message.contains("没有任何事项"));
    }
}
