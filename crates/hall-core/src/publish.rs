//! 政务公开 (seed 003 四(三): the lists “在…政府门户网站和乡镇（街道）便民服务中心及时对外公开”):
//! 权力清单, 责任清单, 职责清单 and the 公共服务清单 (the catalog in force) as the public sees
//! them. [`table`] is the one table grouped by category that the wall list (hall-print) and the
//! web page both show; [`export`] makes the web page — one self-contained HTML file — or CSV and
//! JSON in the county's own import formats, so the county can take the lists back.

use maud::{html, Markup, PreEscaped, DOCTYPE};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::{CatalogFile, Unit};
use crate::documents::DocRequest;
use crate::duties::{DutyFile, DutyList};
use crate::error::{HallError, Result};
use crate::store::{CatalogItemView, DutyEntryView, HallLetterhead, Store};
use crate::validate::clip;

/// A list the township publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PublicList {
    Power,
    Responsibility,
    Duty,
    /// 公共服务清单: the service catalog in force.
    Service,
}

impl PublicList {
    pub const ALL: [PublicList; 4] =
        [PublicList::Power, PublicList::Responsibility, PublicList::Duty, PublicList::Service];

    /// The duty list behind it; none for the catalog.
    pub fn duties(self) -> Option<DutyList> {
        match self {
            PublicList::Power => Some(DutyList::Power),
            PublicList::Responsibility => Some(DutyList::Responsibility),
            PublicList::Duty => Some(DutyList::Duty),
            PublicList::Service => None,
        }
    }
    pub fn label(self) -> &'static str {
        self.duties().map(DutyList::label).unwrap_or("公共服务清单")
    }
    pub fn key(self) -> &'static str {
        self.duties().map(DutyList::key).unwrap_or("service")
    }
    /// By its Chinese name or its key (hallctl).
    pub fn parse(s: &str) -> Result<PublicList> {
        let s = s.trim();
        PublicList::ALL.into_iter().find(|l| l.label() == s || l.key() == s).ok_or_else(|| {
            HallError::invalid(format!(
                "“{}”不是清单名称，应为 权力清单、责任清单、职责清单 或 公共服务清单",
                clip(s, 40)
            ))
        })
    }
    /// The wall version of the list.
    pub fn wall(self) -> DocRequest {
        match self.duties() {
            Some(list) => DocRequest::DutyWall { list },
            None => DocRequest::CatalogWall,
        }
    }
}

impl From<DutyList> for PublicList {
    fn from(list: DutyList) -> PublicList {
        match list {
            DutyList::Power => PublicList::Power,
            DutyList::Responsibility => PublicList::Responsibility,
            DutyList::Duty => PublicList::Duty,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ExportFormat {
    /// The web page: one self-contained UTF-8 file.
    Html,
    /// The county's import format, one row per entry (per material for the catalog).
    Csv,
    /// The county's import format, with version, date and units.
    Json,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 3] = [ExportFormat::Html, ExportFormat::Csv, ExportFormat::Json];

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Html => "html",
            ExportFormat::Csv => "csv",
            ExportFormat::Json => "json",
        }
    }
    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Html => "text/html; charset=utf-8",
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Json => "application/json",
        }
    }
    /// What the save dialog's filter calls it.
    pub fn label(self) -> &'static str {
        match self {
            ExportFormat::Html => "网页文件",
            ExportFormat::Csv => "CSV 表格",
            ExportFormat::Json => "JSON 文件",
        }
    }
    pub fn parse(s: &str) -> Result<ExportFormat> {
        let s = s.trim().to_ascii_lowercase();
        ExportFormat::ALL
            .into_iter()
            .find(|f| f.extension() == s)
            .ok_or_else(|| HallError::invalid(format!("“{}”不是导出格式，应为 html、csv 或 json", clip(&s, 20))))
    }
}

/// A file ready to be saved or served.
#[derive(Debug, Clone)]
pub struct Export {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The list as published: grouped by category in the county's order, each row as many cells as
/// `columns`, a cell's lines separated by `\n`.
#[derive(Debug, Clone)]
pub struct PublicTable {
    pub list: PublicList,
    pub hall: HallLetterhead,
    pub title: String,
    /// Version, effective date, count and, on a line of its own, the invitation to supervise.
    pub lead: String,
    pub version: Option<String>,
    pub columns: &'static [&'static str],
    pub sections: Vec<PublicSection>,
}

#[derive(Debug, Clone)]
pub struct PublicSection {
    /// Numbered: 一、社会建设
    pub heading: String,
    pub rows: Vec<Vec<String>>,
}

/// Seed 004: 公开办事依据和标准 — every item with its 设定依据 and its fee with the fee's basis.
pub const CATALOG_COLUMNS: &[&str] =
    &["序号", "事项名称及实施机关", "办件类型", "法定/承诺时限（工作日）", "收费及依据", "设定依据", "申请材料"];

/// An empty basis is shown as a dash, so that a reader sees it was left blank.
pub fn or_dash(s: &str) -> String {
    if s.trim().is_empty() {
        "—".to_string()
    } else {
        s.to_string()
    }
}

pub const DUTY_COLUMNS: &[&str] = &["序号", "事项名称", "依据来源", "责任主体", "乡镇职责", "县级部门职责"];

/// What the store holds of a list, read once for the table and the files.
enum Source {
    Duties { list: DutyList, file: DutyFile, entries: Vec<DutyEntryView> },
    Catalog { file: CatalogFile, items: Vec<CatalogItemView> },
}

/// The units `codes` name, in the order first named, as the store has them.
fn units_named<'a>(store: &Store, codes: impl Iterator<Item = &'a str>) -> Result<Vec<Unit>> {
    let all = store.units()?;
    let mut out: Vec<Unit> = Vec::new();
    for code in codes {
        if !out.iter().any(|u| u.code == code) {
            out.extend(all.iter().find(|u| u.code == code).cloned());
        }
    }
    Ok(out)
}

fn load(store: &Store, list: PublicList) -> Result<Source> {
    let effective = |d: &str| d.parse().ok();
    match list.duties() {
        Some(duty) => {
            let Some(version) = store.duty_versions()?.into_iter().next() else {
                return Err(HallError::not_found(format!(
                    "尚未导入{}，没有可公开的条目：请先导入县级发布的清单",
                    duty.label()
                )));
            };
            let entries = store.duty_entries(duty, None)?;
            if entries.is_empty() {
                return Err(HallError::not_found(format!(
                    "清单版本“{}”中没有{}的条目，没有可公开的内容",
                    version.version,
                    duty.label()
                )));
            }
            let units = units_named(store, entries.iter().filter_map(|e| e.entry.department.as_deref()))?;
            let file = DutyFile {
                version: version.version,
                effective_date: effective(&version.effective_date),
                units,
                entries: entries.iter().map(|e| e.entry.clone()).collect(),
            };
            Ok(Source::Duties { list: duty, file, entries })
        }
        None => {
            let items = store.catalog_items(None, None)?;
            let Some(version) = store.catalog_versions()?.into_iter().next().filter(|_| !items.is_empty()) else {
                return Err(HallError::not_found(
                    "尚未导入服务事项目录（公共服务清单），没有可公开的事项：请先导入县级发布的事项清单",
                ));
            };
            let codes =
                items.iter().flat_map(|i| std::iter::once(i.item.unit.as_str()).chain(i.item.handled_by.as_deref()));
            let file = CatalogFile {
                version: version.version,
                effective_date: effective(&version.effective_date),
                units: units_named(store, codes)?,
                items: items.iter().map(|i| i.item.clone()).collect(),
            };
            Ok(Source::Catalog { file, items })
        }
    }
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

/// 1 → 一, 12 → 十二, 20 → 二十 (section numbers up to 99).
fn chinese_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n - 10] }),
        _ => format!("{}十{}", D[n / 10 % 10], if n.is_multiple_of(10) { "" } else { D[n % 10] }),
    }
}

/// Rows grouped under numbered category headings, numbered through the whole list.
fn sections<T>(all: &[T], category: impl Fn(&T) -> &str, cells: impl Fn(&T) -> Vec<String>) -> Vec<PublicSection> {
    let mut n = 0;
    in_order(all.iter().map(&category))
        .into_iter()
        .enumerate()
        .map(|(i, cat)| PublicSection {
            heading: format!("{}、{}", chinese_number(i + 1), if cat.is_empty() { "其他" } else { cat }),
            rows: all
                .iter()
                .filter(|x| category(x) == cat)
                .map(|x| {
                    n += 1;
                    let mut row = vec![n.to_string()];
                    row.extend(cells(x));
                    row
                })
                .collect(),
        })
        .collect()
}

fn catalog_cells(i: &CatalogItemView) -> Vec<String> {
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
        format!("{}\n{}　编码 {}", it.name, i.unit_name, it.code),
        it.kind.label().to_string(),
        format!("{} / {}", it.legal_days, it.promised_days),
        format!("{}\n收费依据：{}\n到现场 {} 次", or_dash(&it.fee), or_dash(&it.fee_basis), it.visits),
        or_dash(&it.basis),
        materials,
    ]
}

fn duty_cells(e: &DutyEntryView) -> Vec<String> {
    let d = &e.entry;
    let dept = match (&e.department_name, d.department_duty.is_empty()) {
        (Some(name), false) => format!("{name}：{}", d.department_duty),
        (Some(name), true) => name.clone(),
        (None, _) => d.department_duty.clone(),
    };
    vec![
        format!("{}\n编码 {}", d.name, d.code),
        d.basis.clone(),
        d.side.label().to_string(),
        or_dash(&d.township_duty),
        or_dash(&dept),
    ]
}

fn table_of(hall: HallLetterhead, src: &Source) -> PublicTable {
    let (version, effective, count) = match src {
        Source::Duties { file, .. } => (&file.version, file.effective_date, file.entries.len()),
        Source::Catalog { file, .. } => (&file.version, file.effective_date, file.items.len()),
    };
    let v = match effective {
        Some(d) => format!("版本 {version}，{d} 起施行，"),
        None => format!("版本 {version}，"),
    };
    match src {
        Source::Duties { list, entries, .. } => PublicTable {
            list: PublicList::from(*list),
            title: format!("{}{}", hall.township_name, list.label()),
            lead: format!("清单{v}共 {count} 项。\n照清单履职、按清单办事、依清单问责，欢迎群众监督。"),
            version: Some(version.clone()),
            columns: DUTY_COLUMNS,
            sections: sections(entries, |e| e.entry.category.as_str(), duty_cells),
            hall,
        },
        Source::Catalog { items, .. } => PublicTable {
            list: PublicList::Service,
            title: "政务服务事项公示".to_string(),
            lead: format!("目录{v}共 {count} 项。欢迎群众监督。"),
            version: Some(version.clone()),
            columns: CATALOG_COLUMNS,
            sections: sections(items, |i| i.item.category.as_str(), catalog_cells),
            hall,
        },
    }
}

/// The list in force as the wall and the web page show it; refused in Chinese when it was never
/// imported.
pub fn table(store: &Store, list: PublicList) -> Result<PublicTable> {
    let src = load(store, list)?;
    Ok(table_of(store.letterhead()?, &src))
}

/// A file name without path separators or spaces.
fn file_name(t: &PublicTable, format: ExportFormat) -> String {
    let version = t.version.as_deref().map(|v| format!("-{v}")).unwrap_or_default();
    let name = format!("{}{version}", t.title).replace(['/', '\\', ':', '*', '?', '"', '<', '>', '|', ' '], "-");
    format!("{name}.{}", format.extension())
}

/// Plain and printable, readable on a phone: no script, no font or image from elsewhere.
const PAGE_CSS: &str =
    "body{font-family:sans-serif;margin:0 auto;max-width:72em;padding:1em;color:#111;line-height:1.5}\
header{text-align:center;margin-bottom:1.5em}.hall{margin:0;font-size:1.1em}h1{margin:.3em 0}\
.lead,.published{margin:.2em 0;color:#333}h2{font-size:1.15em;margin:1.4em 0 .5em}\
table{border-collapse:collapse;width:100%;font-size:.92em}th,td{border:1px solid #888;padding:.35em .5em;\
vertical-align:top;text-align:left}th{background:#e2e8f0}td:first-child{text-align:center;white-space:nowrap}\
footer{margin-top:2em;color:#333}@media print{body{max-width:none}}";

/// Text whose `\n`s are line breaks.
fn lines(text: &str) -> Markup {
    html! {
        @for (i, line) in text.split('\n').enumerate() {
            @if i > 0 { br; }
            (line)
        }
    }
}

fn html_page(t: &PublicTable, published: chrono::NaiveDate) -> String {
    let contact: Vec<String> = [
        (!t.hall.address.is_empty()).then(|| format!("地址：{}", t.hall.address)),
        (!t.hall.phone.is_empty()).then(|| format!("咨询电话：{}", t.hall.phone)),
    ]
    .into_iter()
    .flatten()
    .collect();
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (t.title) " — " (t.hall.hall_name) }
                style { (PreEscaped(PAGE_CSS)) }
            }
            body {
                header {
                    p.hall { (t.hall.hall_name) }
                    h1 { (t.title) }
                    p.lead { (lines(&t.lead)) }
                    p.published { "公开日期：" (published) }
                }
                @for s in &t.sections {
                    section {
                        h2 { (s.heading) }
                        table {
                            thead { tr { @for c in t.columns { th scope="col" { (c) } } } }
                            tbody {
                                @for row in &s.rows {
                                    tr {
                                        @for cell in row { td { (lines(cell)) } }
                                    }
                                }
                            }
                        }
                    }
                }
                @if !contact.is_empty() {
                    footer { p { (contact.join("　")) } }
                }
            }
        }
    }
    .into_string()
}

/// The list in force as a web page or as the county's import format.
pub fn export(store: &Store, list: PublicList, format: ExportFormat) -> Result<Export> {
    let src = load(store, list)?;
    let table = table_of(store.letterhead()?, &src);
    let bytes = match format {
        ExportFormat::Html => html_page(&table, store.today()).into_bytes(),
        // With a byte-order mark, so that Excel opens it as UTF-8.
        ExportFormat::Csv => {
            let csv = match &src {
                Source::Duties { file, .. } => file.to_csv(),
                Source::Catalog { file, .. } => file.to_csv(),
            };
            format!("\u{feff}{csv}").into_bytes()
        }
        ExportFormat::Json => match &src {
            Source::Duties { file, .. } => serde_json::to_vec_pretty(file),
            Source::Catalog { file, .. } => serde_json::to_vec_pretty(file),
        }
        .expect("lists serialise"),
    };
    Ok(Export { file_name: file_name(&table, format), content_type: format.content_type().to_string(), bytes })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    const DUTIES: &str = include_str!("../tests/data/duties.json");

    fn hall_with_lists() -> (tempfile::TempDir, Store) {
        let (dir, mut s) = testing::store();
        s.import_duties(&DutyFile::parse_json(DUTIES).unwrap(), "test").unwrap();
        (dir, s)
    }

    fn bare_hall() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path().join("hall.db")).unwrap();
        s.init("231221104", "测试镇", "test").unwrap();
        (dir, s)
    }

    fn text(e: &Export) -> &str {
        std::str::from_utf8(&e.bytes).unwrap()
    }

    #[test]
    fn each_list_exported_as_csv_or_json_reimports_to_the_same_content() {
        let (_d, s) = hall_with_lists();
        for list in PublicList::ALL {
            let json = export(&s, list, ExportFormat::Json).unwrap();
            let csv = export(&s, list, ExportFormat::Csv).unwrap();
            assert!(json.file_name.ends_with(".json") && csv.file_name.ends_with(".csv"), "{}", json.file_name);
            assert!(csv.bytes.starts_with("\u{feff}".as_bytes()), "Excel reads UTF-8 by its byte-order mark");
            // The JSON goes into another hall whole, and comes out of it the same.
            let (_e, mut other) = bare_hall();
            match list.duties() {
                Some(duty) => {
                    let file = DutyFile::parse_json(text(&json)).unwrap();
                    assert!(file.entries.iter().all(|e| e.list == duty) && !file.entries.is_empty());
                    let back = DutyFile::parse_csv(text(&csv)).unwrap();
                    assert_eq!(back.entries, file.entries, "{}", list.label());
                    other.import_duties(&file, "test").unwrap();
                }
                None => {
                    let file = CatalogFile::parse_json(text(&json)).unwrap();
                    assert_eq!(file.items.len(), s.catalog_items(None, None).unwrap().len());
                    let back = CatalogFile::parse_csv(text(&csv)).unwrap();
                    assert_eq!((&back.items, &back.units), (&file.items, &file.units));
                    other.import_catalog(&file, "test").unwrap();
                }
            }
            assert_eq!(export(&other, list, ExportFormat::Json).unwrap().bytes, json.bytes, "{}", list.label());
        }
    }

    #[test]
    fn the_web_page_is_one_escaped_file_with_every_entry() {
        let (_d, mut s) = hall_with_lists();
        let page = export(&s, PublicList::Duty, ExportFormat::Html).unwrap();
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        assert!(page.file_name.starts_with("测试镇职责清单-2026.11-测试"), "{}", page.file_name);
        let html = text(&page);
        assert!(html.starts_with("<!DOCTYPE html>") && html.contains(r#"<meta charset="utf-8">"#));
        for needle in ["测试镇职责清单", "版本 2026.11-测试，2026-11-01 起施行", "公开日期：", "一、社会建设"]
        {
            assert!(html.contains(needle), "{needle}");
        }
        let file = DutyFile::parse_json(DUTIES).unwrap();
        for e in file.entries.iter().filter(|e| e.list == DutyList::Duty) {
            assert!(html.contains(&format!("编码 {}", e.code)) && html.contains(&e.basis), "{}", e.code);
        }
        // Text a county clerk could type that HTML would read as markup.
        let mut hostile = file.clone();
        hostile.version = "2026.12".into();
        hostile.entries[8].name = r#"<script>alert("x")</script>"#.into();
        hostile.entries[8].basis = "《办法》第一条 & <b>第二条</b>".into();
        s.import_duties(&hostile, "test").unwrap();
        let html = String::from_utf8(export(&s, PublicList::Duty, ExportFormat::Html).unwrap().bytes).unwrap();
        assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"), "{html}");
        assert!(html.contains("《办法》第一条 &amp; &lt;b&gt;第二条&lt;/b&gt;"));
        for banned in ["<script", "<b>", "src=", "href=", "<link", "@import", "url(", "http:", "https:"] {
            assert!(!html.contains(banned), "{banned}");
        }
    }

    #[test]
    fn a_list_never_imported_is_refused_in_chinese() {
        let (_d, mut s) = bare_hall();
        for format in ExportFormat::ALL {
            let e = export(&s, PublicList::Service, format).unwrap_err();
            assert!(e.message.contains("尚未导入服务事项目录"), "{}", e.message);
            let e = export(&s, PublicList::Power, format).unwrap_err();
            assert!(e.message.contains("尚未导入权力清单"), "{}", e.message);
        }
        let mut only_duties = DutyFile::parse_json(DUTIES).unwrap();
        only_duties.entries.retain(|e| e.list == DutyList::Duty);
        s.import_duties(&only_duties, "test").unwrap();
        let e = table(&s, PublicList::Responsibility).unwrap_err();
        assert!(e.message.contains("没有责任清单的条目"), "{}", e.message);
        assert_eq!(table(&s, PublicList::Duty).unwrap().sections.len(), 3);
    }

    #[test]
    fn names_and_formats_parse_in_chinese_or_english() {
        assert_eq!(PublicList::parse("公共服务清单").unwrap(), PublicList::Service);
        assert_eq!(PublicList::parse("power").unwrap(), PublicList::Power);
        assert_eq!(PublicList::parse("职责清单").unwrap().wall(), DocRequest::DutyWall { list: DutyList::Duty });
        assert!(PublicList::parse("x").unwrap_err().message.contains("不是清单名称"));
        assert_eq!(ExportFormat::parse("HTML").unwrap(), ExportFormat::Html);
        assert!(ExportFormat::parse("pdf").unwrap_err().message.contains("html、csv 或 json"));
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(31), "三十一");
    }
}
