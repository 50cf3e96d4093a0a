//! The lists in the store: versions imported whole like the catalog's (same version, same
//! content: nothing changes; same version, other content: refused), the current version's
//! entries for the screens, the wall and the web page, and the 准入 check's lookup.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::stored::At;
use super::versioned::{unit_known, VersionTable, VersionedFile};
use super::Store;
use crate::catalog::Unit;
use crate::duties::{DutyEntry, DutyFile, DutyList, DutySide};
use crate::error::{HallError, Result};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DutyVersionInfo {
    pub version: String,
    pub effective_date: String,
    pub imported_at: String,
    pub imported_by: String,
    #[ts(type = "number")]
    pub entry_count: i64,
    /// Entries per list, in [`DutyList::ALL`] order.
    pub per_list: Vec<u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DutyImport {
    pub version: DutyVersionInfo,
    pub unchanged: bool,
}

/// An entry as the hall shows it: with its department's name and its version.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DutyEntryView {
    #[serde(flatten)]
    pub entry: DutyEntry,
    pub department_name: Option<String>,
    pub version: String,
}

const ENTRY_COLUMNS: &str = "e.rowid AS entry_row, e.list AS list, e.code AS code, e.name AS name, \
     e.category AS category, e.basis AS basis, e.side AS side, e.department AS department, \
     e.township_duty AS township_duty, e.department_duty AS department_duty, u.name AS department_name, \
     v.version AS version";

/// The one mapping of a list entry (`ENTRY_COLUMNS`).
fn entry_view(r: &Row) -> rusqlite::Result<DutyEntryView> {
    let at = At::new(r, "duty_entries", "entry_row")?;
    Ok(DutyEntryView {
        entry: DutyEntry {
            list: at.key("list", DutyList::parse)?,
            code: r.get("code")?,
            name: r.get("name")?,
            category: r.get("category")?,
            basis: r.get("basis")?,
            side: at.known("side", DutySide::parse)?,
            department: r.get("department")?,
            township_duty: r.get("township_duty")?,
            department_duty: r.get("department_duty")?,
        },
        department_name: r.get("department_name")?,
        version: r.get("version")?,
    })
}

impl VersionedFile for DutyFile {
    const TABLE: VersionTable =
        VersionTable { table: "duty_versions", count_column: "entry_count", what: "清单", event: "duties_import" };
    type Row = DutyEntry;

    fn check(&self) -> Result<()> {
        DutyFile::check(self, &[])
    }
    fn head(&self) -> (&str, Option<NaiveDate>, &[Unit]) {
        (&self.version, self.effective_date, &self.units)
    }
    fn rows(&self) -> &[DutyEntry] {
        &self.entries
    }
    fn write_rows(&self, tx: &Connection, vid: i64) -> Result<()> {
        let mut ins = tx.prepare(
            "INSERT INTO duty_entries(version_id, list, seq, code, name, category, basis, side, department,
                township_duty, department_duty) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for (seq, e) in self.entries.iter().enumerate() {
            if let Some(d) = &e.department {
                if !unit_known(tx, d)? {
                    return Err(HallError::invalid(format!(
                        "{}“{}”引用的县级部门编码“{d}”不存在：请在清单文件的 units 中列出该部门",
                        e.list.label(),
                        e.code
                    )));
                }
            }
            ins.execute(params![
                vid,
                e.list.key(),
                seq as i64,
                e.code,
                e.name,
                e.category,
                e.basis,
                e.side.key(),
                e.department,
                e.township_duty,
                e.department_duty
            ])?;
        }
        Ok(())
    }
    fn event_note(&self, version: &str) -> String {
        let counts: Vec<String> = DutyList::ALL
            .iter()
            .map(|l| format!("{} {} 项", l.label(), self.entries.iter().filter(|e| e.list == *l).count()))
            .collect();
        format!("导入清单版本 {version}：{}", counts.join("，"))
    }
}

impl Store {
    pub fn import_duties(&mut self, file: &DutyFile, actor: &str) -> Result<DutyImport> {
        let done = self.import_version(file, actor)?;
        let version: String =
            self.conn.query_row("SELECT version FROM duty_versions WHERE id = ?1", [done.id], |r| r.get("version"))?;
        Ok(DutyImport { version: self.duty_version(&version)?, unchanged: done.unchanged })
    }

    fn duty_version(&self, version: &str) -> Result<DutyVersionInfo> {
        let (id, mut info): (i64, DutyVersionInfo) = self.conn.query_row(
            "SELECT id, version, effective_date, imported_at, imported_by, entry_count FROM duty_versions WHERE version = ?1",
            [version],
            |r| {
                Ok((
                    r.get("id")?,
                    DutyVersionInfo {
                        version: r.get("version")?,
                        effective_date: r.get("effective_date")?,
                        imported_at: r.get("imported_at")?,
                        imported_by: r.get("imported_by")?,
                        entry_count: r.get("entry_count")?,
                        per_list: vec![],
                    },
                ))
            },
        )?;
        for l in DutyList::ALL {
            info.per_list.push(self.conn.query_row(
                "SELECT count(*) FROM duty_entries WHERE version_id = ?1 AND list = ?2",
                params![id, l.key()],
                |r| r.get(0),
            )?);
        }
        Ok(info)
    }

    /// Newest first.
    pub fn duty_versions(&self) -> Result<Vec<DutyVersionInfo>> {
        let mut st = self.conn.prepare("SELECT version FROM duty_versions ORDER BY id DESC")?;
        let names: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        names.iter().map(|v| self.duty_version(v)).collect()
    }

    /// The version in force (the latest imported), if any.
    pub fn current_duty_version(&self) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT version FROM duty_versions ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
            .optional()?)
    }

    /// A list of the version in force in published order, filtered by code, name, category or
    /// duty text when `query` is given.
    pub fn duty_entries(&self, list: DutyList, query: Option<&str>) -> Result<Vec<DutyEntryView>> {
        let q = query.map(str::trim).filter(|q| !q.is_empty()).map(|q| format!("%{}%", q.replace(['%', '_'], "")));
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM duty_entries e JOIN duty_versions v ON v.id = e.version_id
             LEFT JOIN units u ON u.code = e.department
             WHERE e.version_id = (SELECT max(id) FROM duty_versions) AND e.list = ?1
               AND (?2 IS NULL OR e.code LIKE ?2 OR e.name LIKE ?2 OR e.category LIKE ?2 OR e.township_duty LIKE ?2
                    OR e.department_duty LIKE ?2)
             ORDER BY e.seq"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(params![list.key(), q], entry_view)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One entry of the version in force.
    pub fn duty_entry(&self, list: DutyList, code: &str) -> Result<Option<DutyEntryView>> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM duty_entries e JOIN duty_versions v ON v.id = e.version_id
             LEFT JOIN units u ON u.code = e.department
             WHERE e.version_id = (SELECT max(id) FROM duty_versions) AND e.list = ?1 AND e.code = ?2"
        );
        Ok(self.conn.query_row(&sql, params![list.key(), code.trim()], entry_view).optional()?)
    }
}
