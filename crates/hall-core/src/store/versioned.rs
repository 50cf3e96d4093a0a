//! One path for the files the hall imports as a whole, numbered version: the catalog (事项清单)
//! and the three lists (权力清单, 责任清单, 职责清单). A version is imported whole or not at all;
//! the same version with the same content changes nothing, with other content is refused (a
//! changed list needs a new number, so what a case was judged by stays readable). The units
//! the file names are written the one way the hall writes units ([`write_units`]).

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{fmt_ts, hall_event, Store};
use crate::catalog::{Unit, UnitLevel};
use crate::error::{HallError, Result};
use crate::validate::text;

/// Where a kind of versioned file is kept and what it is called.
pub(crate) struct VersionTable {
    /// The versions table (`id, version, effective_date, imported_at, imported_by,
    /// content_hash` and the count column).
    pub table: &'static str,
    pub count_column: &'static str,
    /// What the refusal calls the file, e.g. 事项清单.
    pub what: &'static str,
    /// The event's action, e.g. `catalog_import`.
    pub event: &'static str,
}

/// A file imported as one version: what the generic path needs to know of it.
pub(crate) trait VersionedFile {
    const TABLE: VersionTable;
    /// One row of the version (a catalog item, a list entry).
    type Row: Serialize;

    /// The file's own checks, before anything is read or written.
    fn check(&self) -> Result<()>;
    /// The file's version number (may be empty), effective date and units.
    fn head(&self) -> (&str, Option<NaiveDate>, &[Unit]);
    fn rows(&self) -> &[Self::Row];
    /// Writes the version's rows, refusing references to units the hall does not have.
    fn write_rows(&self, tx: &Connection, version_id: i64) -> Result<()>;
    /// The event's note for version `version`.
    fn event_note(&self, version: &str) -> String;
}

/// A hash of the content (units and rows, not the version's number or date): the same file
/// imported again is recognised whatever its number says.
fn content_hash<F: VersionedFile>(file: &F) -> String {
    let canonical = serde_json::to_string(&(file.head().2, file.rows())).expect("a versioned file serialises");
    format!("{:x}", Sha256::digest(canonical.as_bytes()))
}

/// What an import did: the version's row id, and whether it was there already.
pub(crate) struct Imported {
    pub id: i64,
    pub unchanged: bool,
}

/// Adds the units, or renames them (and sets their level) when their code is known.
pub(crate) fn write_units(conn: &Connection, units: &[Unit]) -> Result<()> {
    let mut st = conn.prepare_cached(
        "INSERT INTO units(code, name, level) VALUES (?1, ?2, ?3)
         ON CONFLICT(code) DO UPDATE SET name = excluded.name, level = excluded.level",
    )?;
    for u in units {
        let level = match u.level {
            UnitLevel::Township => "township",
            UnitLevel::County => "county",
        };
        st.execute(params![u.code, u.name, level])?;
    }
    Ok(())
}

/// Whether the hall has a unit with this code.
pub(crate) fn unit_known(conn: &Connection, code: &str) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS(SELECT 1 FROM units WHERE code = ?1)", [code], |r| r.get(0))?)
}

impl Store {
    /// Imports `file` as one version, in one transaction.
    pub(crate) fn import_version<F: VersionedFile>(&mut self, file: &F, actor: &str) -> Result<Imported> {
        file.check()?;
        let hash = content_hash(file);
        let (number, effective, units) = file.head();
        let version = if number.trim().is_empty() {
            // A file without a number is numbered by the hall's clock at import.
            self.now().format("%Y%m%d-%H%M%S").to_string()
        } else {
            text("版本号", number, 64, true)?
        };
        let effective = effective.unwrap_or_else(|| self.today()).to_string();
        let tx = self.write()?;
        let existing: Option<(i64, String)> = tx
            .query_row(
                &format!("SELECT id, content_hash FROM {} WHERE version = ?1", F::TABLE.table),
                [&version],
                |r| Ok((r.get("id")?, r.get("content_hash")?)),
            )
            .optional()?;
        if let Some((id, old_hash)) = existing {
            if old_hash == hash {
                return Ok(Imported { id, unchanged: true });
            }
            return Err(HallError::conflict(format!(
                "{}版本“{version}”已导入过且内容不同：请为新清单使用新的版本号",
                F::TABLE.what
            )));
        }
        write_units(&tx, units)?;
        tx.execute(
            &format!(
                "INSERT INTO {}(version, effective_date, imported_at, imported_by, content_hash, {})
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                F::TABLE.table,
                F::TABLE.count_column
            ),
            params![version, effective, fmt_ts(self.now()), actor, hash, file.rows().len() as i64],
        )?;
        let id = tx.last_insert_rowid();
        file.write_rows(&tx, id)?;
        hall_event(&tx, self.now(), actor, F::TABLE.event, &file.event_note(&version))?;
        tx.commit()?;
        Ok(Imported { id, unchanged: false })
    }
}
