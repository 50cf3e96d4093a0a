//! The township's lists besides the service catalog (三张清单 / 职责清单, seeds 002 and 003):
//! 权力清单, 责任清单 and the 职责清单 that county tasks are checked against (准入). The county
//! publishes them together as one versioned file; an import is all-or-nothing and every error
//! names the line and field.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::catalog::Unit;
use crate::error::{HallError, Result};
use crate::validate::{clip, json_error_zh, text};

/// Which list an entry belongs to. The 公共服务清单 is the service catalog itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum DutyList {
    #[serde(rename = "权力清单", alias = "power")]
    Power,
    #[serde(rename = "责任清单", alias = "responsibility")]
    Responsibility,
    #[serde(rename = "职责清单", alias = "duty")]
    Duty,
}

impl DutyList {
    pub const ALL: [DutyList; 3] = [DutyList::Power, DutyList::Responsibility, DutyList::Duty];

    pub fn label(self) -> &'static str {
        match self {
            DutyList::Power => "权力清单",
            DutyList::Responsibility => "责任清单",
            DutyList::Duty => "职责清单",
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            DutyList::Power => "power",
            DutyList::Responsibility => "responsibility",
            DutyList::Duty => "duty",
        }
    }
    /// By its Chinese name or its key (hallctl, CSV, the store).
    pub fn parse(s: &str) -> Result<DutyList> {
        let s = s.trim();
        DutyList::ALL.into_iter().find(|l| l.label() == s || l.key() == s).ok_or_else(|| {
            HallError::invalid(format!("“{}”不是清单名称，应为 权力清单、责任清单 或 职责清单", clip(s, 40)))
        })
    }
}

/// Who carries the entry (seed 003 “明确依据来源、责任分工”).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum DutySide {
    /// 乡镇主责: the township's own duty (基本履职事项).
    #[serde(rename = "乡镇主责", alias = "township")]
    Township,
    /// 部门牵头、乡镇配合 (配合履职事项).
    #[serde(rename = "部门牵头乡镇配合", alias = "shared")]
    Shared,
    /// 县级部门职责: listed so it is clear the township does not carry it.
    #[serde(rename = "县级部门", alias = "county")]
    County,
}

impl DutySide {
    const ALL: [DutySide; 3] = [DutySide::Township, DutySide::Shared, DutySide::County];

    pub fn label(self) -> &'static str {
        match self {
            DutySide::Township => "乡镇主责",
            DutySide::Shared => "部门牵头乡镇配合",
            DutySide::County => "县级部门",
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            DutySide::Township => "township",
            DutySide::Shared => "shared",
            DutySide::County => "county",
        }
    }
    pub fn parse(s: &str) -> Option<DutySide> {
        let s = s.trim();
        DutySide::ALL.into_iter().find(|d| d.label() == s || d.key() == s)
    }
    /// Whether the township carries (part of) the entry: a county task under it may be admitted.
    pub fn township_carries(self) -> bool {
        !matches!(self, DutySide::County)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DutyEntry {
    pub list: DutyList,
    /// 编码: unique within its list.
    pub code: String,
    /// 事项名称
    pub name: String,
    /// 类别 (党的建设、经济发展、社会治理…) as the county writes it.
    #[serde(default)]
    pub category: String,
    /// 依据来源
    pub basis: String,
    pub side: DutySide,
    /// The county department (unit code) that leads or carries it; none for 乡镇主责 alone.
    #[serde(default)]
    pub department: Option<String>,
    /// 乡镇职责
    #[serde(default)]
    pub township_duty: String,
    /// 部门职责
    #[serde(default)]
    pub department_duty: String,
}

/// One published set of lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DutyFile {
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub effective_date: Option<NaiveDate>,
    /// County departments the entries name (added to the hall's units, as a catalog's are).
    #[serde(default)]
    pub units: Vec<Unit>,
    pub entries: Vec<DutyEntry>,
}

/// The CSV columns, in the order an export writes them.
pub const CSV_HEADERS: [&str; 9] =
    ["清单", "编码", "事项名称", "类别", "依据来源", "责任主体", "县级部门编码", "乡镇职责", "部门职责"];

fn at(line: Option<usize>, code: &str, field: &str) -> String {
    match line {
        Some(l) => format!("第 {l} 行（编码“{}”）的“{field}”", clip(code, 64)),
        None => format!("编码“{}”的“{field}”", clip(code, 64)),
    }
}

impl DutyFile {
    pub fn parse_json(text: &str) -> Result<DutyFile> {
        let f: DutyFile = serde_json::from_str(text.trim_start_matches('\u{feff}')).map_err(|e| {
            HallError::invalid(format!("清单 JSON 第 {} 行第 {} 列有误：{}", e.line(), e.column(), json_error_zh(&e)))
        })?;
        f.check(&[])?;
        Ok(f)
    }

    /// CSV: one row per entry, headers as [`CSV_HEADERS`] (English keys also accepted).
    pub fn parse_csv(text: &str) -> Result<DutyFile> {
        let mut rdr = csv::ReaderBuilder::new().from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = rdr.headers().map_err(|e| HallError::invalid(format!("清单 CSV 表头读取失败：{e}")))?.clone();
        let english =
            ["list", "code", "name", "category", "basis", "side", "department", "township_duty", "department_duty"];
        let cols: Vec<Option<usize>> = CSV_HEADERS
            .iter()
            .zip(english)
            .map(|(zh, en)| headers.iter().position(|h| h.trim() == *zh || h.trim() == en))
            .collect();
        for (i, need) in [0, 1, 2, 4, 5].into_iter().map(|i| (i, cols[i])) {
            if need.is_none() {
                let hint = if headers.iter().any(|h| h.contains('\u{FFFD}')) {
                    "。文件可能不是 UTF-8 编码：请在 Excel 中“另存为 CSV UTF-8（逗号分隔）”后再导入"
                } else {
                    ""
                };
                return Err(HallError::invalid(format!("清单 CSV 缺少“{}”列{hint}", CSV_HEADERS[i])));
            }
        }
        let mut entries = Vec::new();
        let mut lines = Vec::new();
        for (i, rec) in rdr.records().enumerate() {
            let line = i + 2;
            let rec = rec.map_err(|e| HallError::invalid(format!("清单 CSV 第 {line} 行无法读取：{e}")))?;
            let get = |c: usize| cols[c].and_then(|c| rec.get(c)).map(str::trim).unwrap_or("");
            let code = get(1);
            let list = DutyList::parse(get(0))
                .map_err(|e| HallError::invalid(format!("{}：{}", at(Some(line), code, "清单"), e.message)))?;
            let side = DutySide::parse(get(5)).ok_or_else(|| {
                HallError::invalid(format!(
                    "{}应为 乡镇主责、部门牵头乡镇配合 或 县级部门，现为“{}”",
                    at(Some(line), code, "责任主体"),
                    clip(get(5), 40)
                ))
            })?;
            entries.push(DutyEntry {
                list,
                code: code.to_string(),
                name: get(2).to_string(),
                category: get(3).to_string(),
                basis: get(4).to_string(),
                side,
                department: Some(get(6).to_string()).filter(|d| !d.is_empty()),
                township_duty: get(7).to_string(),
                department_duty: get(8).to_string(),
            });
            lines.push(line);
        }
        let file = DutyFile { version: String::new(), effective_date: None, units: vec![], entries };
        file.check(&lines)?;
        Ok(file)
    }

    /// The entries as CSV in the columns of [`CSV_HEADERS`], so that [`DutyFile::parse_csv`]
    /// reads back the same entries (a CSV carries no version, date or units).
    pub fn to_csv(&self) -> String {
        crate::csv_text::write(
            &CSV_HEADERS,
            self.entries.iter().map(|e| {
                [
                    e.list.label(),
                    &e.code,
                    &e.name,
                    &e.category,
                    &e.basis,
                    e.side.label(),
                    e.department.as_deref().unwrap_or(""),
                    &e.township_duty,
                    &e.department_duty,
                ]
            }),
        )
    }

    /// Checks the whole file; `lines[i]` is the CSV line of entry i when known.
    pub fn check(&self, lines: &[usize]) -> Result<()> {
        if self.entries.is_empty() {
            return Err(HallError::invalid("清单中没有任何条目"));
        }
        for u in &self.units {
            text("单位编码", &u.code, 64, true)?;
            text("单位名称", &u.name, 100, true)?;
        }
        for (i, e) in self.entries.iter().enumerate() {
            let f = |field: &str| at(lines.get(i).copied(), &e.code, field);
            let wrap = |field: &str, max: usize, v: &str, required: bool| {
                text(field, v, max, required)
                    .map_err(|err| HallError::invalid(format!("{}：{}", f(field), err.message)))
            };
            wrap("编码", 64, &e.code, true)?;
            if e.code.trim() != e.code {
                return Err(HallError::invalid(format!("{}前后不能有空格", f("编码"))));
            }
            if self.entries[..i].iter().any(|o| o.list == e.list && o.code == e.code) {
                return Err(HallError::invalid(format!(
                    "{}在{}中重复：同一清单中编码必须唯一",
                    f("编码"),
                    e.list.label()
                )));
            }
            wrap("事项名称", 200, &e.name, true)?;
            wrap("类别", 50, &e.category, false)?;
            wrap("依据来源", 2000, &e.basis, true)?;
            wrap("乡镇职责", 2000, &e.township_duty, false)?;
            wrap("部门职责", 2000, &e.department_duty, false)?;
            match (&e.department, e.side) {
                (Some(d), _) => {
                    wrap("县级部门编码", 64, d, true)?;
                    if !self.units.is_empty() && !self.units.iter().any(|u| &u.code == d) {
                        return Err(HallError::invalid(format!(
                            "{}“{}”不在文件的单位列表中",
                            f("县级部门编码"),
                            clip(d, 64)
                        )));
                    }
                }
                (None, DutySide::Shared | DutySide::County) => {
                    return Err(HallError::invalid(format!(
                        "{}不能为空：“{}”须写明牵头的县级部门",
                        f("县级部门编码"),
                        e.side.label()
                    )))
                }
                (None, DutySide::Township) => {}
            }
            if e.side.township_carries() && e.township_duty.trim().is_empty() {
                return Err(HallError::invalid(format!(
                    "{}不能为空：“{}”须写明乡镇承担什么",
                    f("乡镇职责"),
                    e.side.label()
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "清单,编码,事项名称,类别,依据来源,责任主体,县级部门编码,乡镇职责,部门职责\n\
        职责清单,ZZ-001,农村低保对象初审,社会建设,《社会救助暂行办法》第十一条,部门牵头乡镇配合,C-MZJ,受理、入户调查、公示,审核确认\n\
        职责清单,ZZ-002,乡村道路日常养护,经济建设,《农村公路养护管理办法》,乡镇主责,,组织日常养护,\n\
        权力清单,QL-001,对违法建设的行政处罚,规划建设,《城乡规划法》第六十五条,乡镇主责,,责令停止建设、限期改正,\n";

    #[test]
    fn csv_reads_every_list_and_names_line_and_field() {
        let f = DutyFile::parse_csv(CSV).unwrap();
        assert_eq!(f.entries.len(), 3);
        assert_eq!(f.entries[0].side, DutySide::Shared);
        assert_eq!(f.entries[2].list, DutyList::Power);
        let bad = CSV.replace("部门牵头乡镇配合,C-MZJ", "部门牵头乡镇配合,");
        let e = DutyFile::parse_csv(&bad).unwrap_err();
        assert!(e.message.contains("第 2 行") && e.message.contains("县级部门编码"), "{}", e.message);
        let bad = CSV.replace("乡镇主责,,组织日常养护", "镇里管,,组织日常养护");
        let e = DutyFile::parse_csv(&bad).unwrap_err();
        assert!(e.message.contains("第 3 行") && e.message.contains("责任主体"), "{}", e.message);
        let bad = CSV.replace("QL-001", "ZZ-001").replace("权力清单,ZZ-001", "职责清单,ZZ-001");
        assert!(DutyFile::parse_csv(&bad).unwrap_err().message.contains("重复"));
        let bad = CSV.replace("《城乡规划法》第六十五条", "");
        let e = DutyFile::parse_csv(&bad).unwrap_err();
        assert!(e.message.contains("第 4 行") && e.message.contains("依据来源"), "{}", e.message);
    }

    #[test]
    fn csv_written_reads_back_the_same_entries() {
        let f = DutyFile::parse_csv(CSV).unwrap();
        let mut tricky = f.clone();
        tricky.entries[0].name = "名称含逗号,和引号\"".into();
        let back = DutyFile::parse_csv(&tricky.to_csv()).unwrap();
        assert_eq!(back.entries, tricky.entries);
    }

    #[test]
    fn json_takes_chinese_or_english_names() {
        let f = DutyFile::parse_json(
            r#"{"version":"v1","entries":[{"list":"duty","code":"A","name":"n","basis":"b","side":"township","township_duty":"d"}]}"#,
        )
        .unwrap();
        assert_eq!(f.entries[0].list, DutyList::Duty);
        // 类别 is optional, in JSON as in CSV.
        assert_eq!(f.entries[0].category, "");
        let e = DutyFile::parse_json(r#"{"entries":[{"list":"清单X"}]}"#).unwrap_err();
        assert!(e.message.contains("第 1 行"), "{}", e.message);
        assert!(DutyFile::parse_json(r#"{"entries":[]}"#).unwrap_err().message.contains("没有任何条目"));
    }
}
