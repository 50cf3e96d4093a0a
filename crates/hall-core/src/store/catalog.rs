//! Catalog versions in the store. A version is imported whole or not at all; re-importing the
//! same version with the same content changes nothing, with other content is refused.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::stored::{serde_key, At};
use super::versioned::{unit_known, VersionTable, VersionedFile};
use super::Store;
use crate::catalog::{CaseKind, CatalogFile, CatalogItem, Material, Unit, UnitLevel};
use crate::error::{HallError, Result};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CatalogVersionInfo {
    #[ts(type = "number")]
    pub id: i64,
    pub version: String,
    pub effective_date: String,
    pub imported_at: String,
    pub imported_by: String,
    #[ts(type = "number")]
    pub item_count: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ImportOutcome {
    pub version: CatalogVersionInfo,
    /// The same version with the same content was already there: nothing changed.
    pub unchanged: bool,
}

/// An item as the hall sees it: the catalog entry with its unit's name and its version.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct CatalogItemView {
    #[serde(flatten)]
    pub item: CatalogItem,
    pub unit_name: String,
    pub unit_level: UnitLevel,
    /// Pinyin initials of the name, for quick lookup at the desk.
    pub initials: String,
    pub version: String,
}

/// Lower-case pinyin initials of the Chinese characters in `name` (其他字符 kept as they are).
pub(crate) fn initials(name: &str) -> String {
    use pinyin::ToPinyin;
    name.chars()
        .filter_map(|c| match c.to_pinyin() {
            Some(p) => p.plain().chars().next(),
            None if c.is_ascii_alphanumeric() => Some(c.to_ascii_lowercase()),
            None => None,
        })
        .collect()
}

const ITEM_COLUMNS: &str = "i.rowid AS item_row, u.rowid AS unit_row, i.code AS code, i.name AS name, \
     i.item_type AS item_type, i.category AS category, i.unit AS unit, i.basis AS basis, i.kind AS kind, \
     i.legal_days AS legal_days, i.promised_days AS promised_days, i.fee AS fee, i.fee_basis AS fee_basis, \
     i.visits AS visits, i.materials AS materials, u.name AS unit_name, u.level AS unit_level, \
     i.initials AS initials, v.version AS version, i.handled_by AS handled_by";

/// The one mapping of a catalog item (`ITEM_COLUMNS`).
fn item_view(r: &Row) -> rusqlite::Result<CatalogItemView> {
    let at = At::new(r, "catalog_items", "item_row")?;
    Ok(CatalogItemView {
        item: CatalogItem {
            code: r.get("code")?,
            name: r.get("name")?,
            item_type: r.get("item_type")?,
            category: r.get("category")?,
            unit: r.get("unit")?,
            handled_by: r.get("handled_by")?,
            basis: r.get("basis")?,
            kind: at.known("kind", CaseKind::parse)?,
            legal_days: r.get("legal_days")?,
            promised_days: r.get("promised_days")?,
            fee: r.get("fee")?,
            fee_basis: r.get("fee_basis")?,
            visits: r.get("visits")?,
            materials: at.key("materials", |s| serde_json::from_str::<Vec<Material>>(s))?,
        },
        unit_name: r.get("unit_name")?,
        unit_level: At::new(r, "units", "unit_row")?.aliased("unit_").key("unit_level", serde_key)?,
        initials: r.get("initials")?,
        version: r.get("version")?,
    })
}

impl VersionedFile for CatalogFile {
    const TABLE: VersionTable = VersionTable {
        table: "catalog_versions",
        count_column: "item_count",
        what: "事项清单",
        event: "catalog_import",
    };
    type Row = CatalogItem;

    fn check(&self) -> Result<()> {
        CatalogFile::check(self, &[])
    }
    fn head(&self) -> (&str, Option<NaiveDate>, &[Unit]) {
        (&self.version, self.effective_date, &self.units)
    }
    fn rows(&self) -> &[CatalogItem] {
        &self.items
    }
    fn write_rows(&self, tx: &Connection, vid: i64) -> Result<()> {
        for it in &self.items {
            for code in std::iter::once(&it.unit).chain(it.handled_by.as_ref()) {
                if !unit_known(tx, code)? {
                    return Err(HallError::invalid(format!(
                        "事项“{}”引用的单位编码“{code}”不存在：请在清单的 units 中列出该单位",
                        it.code
                    )));
                }
            }
        }
        let mut ins = tx.prepare(
            "INSERT INTO catalog_items(version_id, code, name, initials, item_type, category, unit, basis, kind,
               legal_days, promised_days, fee, fee_basis, visits, materials, handled_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        )?;
        for it in &self.items {
            ins.execute(params![
                vid,
                it.code,
                it.name,
                initials(&it.name),
                it.item_type,
                it.category,
                it.unit,
                it.basis,
                it.kind.label(),
                it.legal_days,
                it.promised_days,
                it.fee,
                it.fee_basis,
                it.visits,
                serde_json::to_string(&it.materials).expect("materials serialise"),
                it.handled_by,
            ])?;
        }
        Ok(())
    }
    fn event_note(&self, version: &str) -> String {
        format!("导入事项清单版本 {version}：{} 个事项", self.items.len())
    }
}

impl Store {
    pub fn import_catalog(&mut self, file: &CatalogFile, actor: &str) -> Result<ImportOutcome> {
        let done = self.import_version(file, actor)?;
        Ok(ImportOutcome { version: self.catalog_version(done.id)?, unchanged: done.unchanged })
    }

    fn catalog_version(&self, id: i64) -> Result<CatalogVersionInfo> {
        Ok(self.conn.query_row(
            "SELECT id, version, effective_date, imported_at, imported_by, item_count FROM catalog_versions WHERE id = ?1",
            [id],
            |r| {
                Ok(CatalogVersionInfo {
                    id: r.get("id")?,
                    version: r.get("version")?,
                    effective_date: r.get("effective_date")?,
                    imported_at: r.get("imported_at")?,
                    imported_by: r.get("imported_by")?,
                    item_count: r.get("item_count")?,
                })
            },
        )?)
    }

    pub fn catalog_versions(&self) -> Result<Vec<CatalogVersionInfo>> {
        let ids: Vec<i64> = self
            .conn
            .prepare("SELECT id FROM catalog_versions ORDER BY id DESC")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.into_iter().map(|id| self.catalog_version(id)).collect()
    }

    /// The version new cases are accepted under: the latest imported.
    pub fn current_catalog_version(&self) -> Result<Option<i64>> {
        Ok(self.conn.query_row("SELECT max(id) FROM catalog_versions", [], |r| r.get(0))?)
    }

    pub(crate) fn require_catalog(&self) -> Result<i64> {
        self.current_catalog_version()?
            .ok_or_else(|| HallError::invalid("尚未导入事项清单：请先运行 hallctl catalog import 文件"))
    }

    /// Items of the current catalog matching `query` (code, name, or pinyin initials) and
    /// `category`; both optional.
    pub fn catalog_items(&self, query: Option<&str>, category: Option<&str>) -> Result<Vec<CatalogItemView>> {
        let Some(vid) = self.current_catalog_version()? else {
            return Ok(vec![]);
        };
        let q = query.map(str::trim).filter(|q| !q.is_empty()).map(|q| q.to_lowercase());
        let like = q.as_ref().map(|q| format!("%{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
        let prefix =
            q.as_ref().map(|q| format!("{}%", q.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM catalog_items i JOIN units u ON u.code = i.unit
               JOIN catalog_versions v ON v.id = i.version_id
             WHERE i.version_id = ?1
               AND (?2 IS NULL OR lower(i.code) LIKE ?2 ESCAPE '\\' OR i.name LIKE ?2 ESCAPE '\\' OR i.initials LIKE ?3 ESCAPE '\\')
               AND (?4 IS NULL OR i.category = ?4)
             ORDER BY (i.initials LIKE ?3 ESCAPE '\\' OR lower(i.code) LIKE ?3 ESCAPE '\\') DESC, i.category, i.code"
        );
        let mut st = self.conn.prepare_cached(&sql)?;
        let rows = st.query_map(params![vid, like, prefix, category], item_view)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One item in a given catalog version (the current one when `version_id` is None).
    pub fn catalog_item(&self, code: &str, version_id: Option<i64>) -> Result<CatalogItemView> {
        let vid = match version_id {
            Some(v) => v,
            None => self.require_catalog()?,
        };
        let sql = format!(
            "SELECT {ITEM_COLUMNS} FROM catalog_items i JOIN units u ON u.code = i.unit
               JOIN catalog_versions v ON v.id = i.version_id WHERE i.version_id = ?1 AND i.code = ?2"
        );
        self.conn.query_row(&sql, params![vid, code.trim()], item_view).optional()?.ok_or_else(|| {
            HallError::not_found(format!("事项清单中没有编码为“{}”的事项", crate::validate::clip(code.trim(), 64)))
        })
    }

    /// Categories of the current catalog with their item counts, in the catalog's order.
    pub fn catalog_categories(&self) -> Result<Vec<(String, i64)>> {
        let Some(vid) = self.current_catalog_version()? else {
            return Ok(vec![]);
        };
        let mut st = self
            .conn
            .prepare("SELECT category, count(*) AS items FROM catalog_items WHERE version_id = ?1 GROUP BY category")?;
        let mut rows: Vec<(String, i64)> =
            st.query_map([vid], |r| Ok((r.get("category")?, r.get("items")?)))?.collect::<rusqlite::Result<_>>()?;
        let pos = |c: &str| crate::catalog::CATEGORIES.iter().position(|x| *x == c).unwrap_or(usize::MAX);
        rows.sort_by_key(|(c, _)| pos(c));
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("户籍迁移（迁入）登记"), "hjqyqrdj");
        assert_eq!(initials("A类证明"), "alzm");
    }

    #[test]
    fn lookup_by_code_name_initials_and_category() {
        let (_d, s) = testing::store();
        let all = s.catalog_items(None, None).unwrap();
        assert!(all.len() >= 40);
        let hj = s.catalog_items(Some("hjqy"), None).unwrap();
        assert!(hj.iter().any(|i| i.item.name.contains("户籍迁移")), "{hj:?}");
        let first = &all[0];
        assert_eq!(s.catalog_items(Some(&first.item.code), None).unwrap()[0].item.code, first.item.code);
        let soc = s.catalog_items(None, Some("社会保险")).unwrap();
        assert!(!soc.is_empty() && soc.iter().all(|i| i.item.category == "社会保险"));
        assert!(s.catalog_items(Some("低保"), None).unwrap().iter().all(|i| i.item.name.contains("低保")));
        assert_eq!(s.catalog_item("nope", None).unwrap_err().code, crate::error::ErrorCode::NotFound);
    }

    #[test]
    fn reimport_same_is_noop_and_different_is_refused_unchanged() {
        let (_d, mut s) = testing::store();
        let mut f = CatalogFile::parse_json(crate::demo::SAMPLE_CATALOG).unwrap();
        let before = s.catalog_versions().unwrap();
        assert!(s.import_catalog(&f, "t").unwrap().unchanged);
        f.items[0].name.push_str("（改）");
        assert_eq!(s.import_catalog(&f, "t").unwrap_err().code, crate::error::ErrorCode::Conflict);
        f.items[0].unit = "NO-SUCH-UNIT".into();
        f.version = "v-new".into();
        f.units.clear();
        assert!(s.import_catalog(&f, "t").unwrap_err().message.contains("NO-SUCH-UNIT"));
        assert_eq!(s.catalog_versions().unwrap().len(), before.len());
    }
}
