//! The full check of the database, off the opening path: `PRAGMA integrity_check` reads and
//! decrypts every page, so it runs on the nightly backup's copy (backup.rs) and on demand in
//! 数据安全, not at every start. Its outcome is recorded in the settings and shown to the admin;
//! a failure stops every write at the gate (the catalogue's `while_damaged` column lets through
//! signing in, checking again and restoring) with a message that names the way out.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::recovery::RecoveryState;
use super::write_tx::WriteTx;
use super::{put_setting, BackupInfo, Store};
use crate::error::{ErrorCode, HallError, Result};

const LAST_CHECK: &str = "integrity_last";

/// Who ran a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum CheckedBy {
    /// With the nightly backup, on its copy.
    Nightly,
    /// An admin in 数据安全 (or `hallctl check`).
    Admin,
    /// A restore: the backup passed the check before it replaced the database.
    Restore,
}

impl CheckedBy {
    pub fn label(self) -> &'static str {
        match self {
            CheckedBy::Nightly => "每晚自动检查",
            CheckedBy::Admin => "管理员检查",
            CheckedBy::Restore => "从备份恢复时检查",
        }
    }
}

/// One full check's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct IntegrityCheck {
    pub at: String,
    pub by: CheckedBy,
    pub ok: bool,
    /// What SQLite found (the first few), empty when whole.
    pub findings: Vec<String>,
}

/// What 数据安全 shows.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DataSafety {
    pub recovery: RecoveryState,
    pub last_check: Option<IntegrityCheck>,
    /// Who ran it, in words.
    pub last_check_by: Option<String>,
    /// Why writes are stopped (the last check failed), with what to do.
    pub writes_stopped: Option<String>,
    pub newest_backup: Option<BackupInfo>,
    pub backup_copy_dir: String,
    pub database: String,
}

/// The recovery code shown to an admin (county IT's records); the showing is logged.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecoveryCodeShown {
    pub code: String,
    pub fingerprint: String,
}

impl Store {
    /// The last full check: recorded in the settings, or — when the damaged file would not
    /// take the record — the stop beside it.
    pub fn last_integrity_check(&self) -> Result<Option<IntegrityCheck>> {
        let recorded: Option<IntegrityCheck> = match self.setting(LAST_CHECK) {
            Ok(Some(text)) => Some(
                serde_json::from_str(&text)
                    .map_err(|e| HallError::new(ErrorCode::Storage, format!("数据库检查记录无法读取：{e}")))?,
            ),
            Ok(None) => None,
            Err(e) if self.is_damaged() => {
                log::warn!("last check not readable: {}", e.message);
                None
            }
            Err(e) => return Err(e),
        };
        if self.is_damaged() && recorded.as_ref().is_none_or(|c| c.ok) {
            let at = std::fs::metadata(marker(self.path()))
                .and_then(|m| m.modified())
                .map(|t| chrono::DateTime::<chrono::Local>::from(t).format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default();
            let found = std::fs::read_to_string(marker(self.path())).unwrap_or_default();
            return Ok(Some(IntegrityCheck { at, by: CheckedBy::Nightly, ok: false, findings: vec![found] }));
        }
        Ok(recorded)
    }

    /// Why writes are stopped, when the last full check failed.
    pub fn writes_stopped(&self) -> Option<String> {
        if !self.is_damaged() {
            return None;
        }
        let found = std::fs::read_to_string(marker(self.path())).unwrap_or_default();
        Some(format!(
            "数据库检查发现损坏（{}），为免损坏扩大已停止保存：请系统管理员在“系统管理 → 数据安全”中从最近一份完好的备份恢复（或 hallctl restore 备份文件），并联系县信息中心",
            found.trim()
        ))
    }

    /// The gate's refusal of a write while the database is known damaged.
    pub(crate) fn refuse_if_damaged(&self) -> Result<()> {
        match self.writes_stopped() {
            Some(why) => Err(HallError::new(ErrorCode::Storage, why)),
            None => Ok(()),
        }
    }

    /// Whether writes are stopped: the marker beside the database, so that a check run on any
    /// connection (the hourly backup's own, another process) stops the writer at once.
    fn is_damaged(&self) -> bool {
        marker(self.path()).exists()
    }

    /// Records a check's outcome (and, for a failure, a hall event). The stop itself is a
    /// file beside the database (`hall.damaged`, holding the findings): a damaged file may
    /// refuse the very write that would record its damage, and the stop must outlast a restart.
    pub(crate) fn record_check(&self, check: &IntegrityCheck, actor: &str) {
        let mark = if check.ok {
            std::fs::remove_file(marker(self.path())).or_else(|e| {
                if e.kind() == std::io::ErrorKind::NotFound {
                    Ok(())
                } else {
                    Err(e)
                }
            })
        } else {
            std::fs::write(marker(self.path()), check.findings.join("；"))
        };
        if let Err(e) = mark {
            log::error!("the damage marker beside {} not updated: {e}", self.path().display());
        }
        let recorded = (|| -> Result<()> {
            let tx = WriteTx::begin(&self.conn)?;
            put_setting(&tx, LAST_CHECK, &serde_json::to_string(check).expect("serialisable"))?;
            if !check.ok {
                super::hall_event(
                    &tx,
                    self.now(),
                    actor,
                    "integrity_failed",
                    &format!("数据库完整性检查发现损坏，已停止保存：{}", check.findings.join("；")),
                )?;
            }
            tx.commit()
        })();
        if let Err(e) = recorded {
            log::error!("integrity check outcome not recorded in the database: {}", e.message);
        }
    }

    /// The full check of every page, now.
    pub fn check_integrity(&mut self, actor: &str, by: CheckedBy) -> Result<IntegrityCheck> {
        let findings = match full_check(&self.conn) {
            Ok(f) => f,
            Err(e) => vec![e.message],
        };
        let check = IntegrityCheck { at: super::fmt_ts(self.now()), by, ok: findings.is_empty(), findings };
        self.record_check(&check, actor);
        Ok(check)
    }

    pub fn data_safety(&self) -> Result<DataSafety> {
        let settings = self.settings()?;
        let last_check = self.last_integrity_check()?;
        Ok(DataSafety {
            recovery: self.recovery_state()?,
            last_check_by: last_check.as_ref().map(|c| c.by.label().to_string()),
            last_check,
            writes_stopped: self.writes_stopped(),
            newest_backup: self.backups()?.into_iter().next(),
            backup_copy_dir: settings.backup_copy_dir,
            database: self.path().display().to_string(),
        })
    }

    /// The recovery code, for county IT's records; the showing is an event.
    pub fn show_recovery_code(&mut self, actor: &str) -> Result<RecoveryCodeShown> {
        let code = self.recovery_code()?;
        let shown = RecoveryCodeShown { code: code.text(), fingerprint: code.fingerprint() };
        let tx = WriteTx::begin(&self.conn)?;
        super::hall_event(
            &tx,
            self.now(),
            actor,
            "show_recovery_code",
            &format!("显示数据恢复凭证的恢复码（凭证编号 {}）", shown.fingerprint),
        )?;
        tx.commit()?;
        Ok(shown)
    }
}

/// Where the stop is kept: beside the database, like its key.
fn marker(db: &std::path::Path) -> std::path::PathBuf {
    db.with_file_name("hall.damaged")
}

/// `PRAGMA integrity_check`, its findings (none: whole).
pub(crate) fn full_check(conn: &rusqlite::Connection) -> Result<Vec<String>> {
    let mut found = cipher_check(conn)?;
    let mut st = conn.prepare("PRAGMA integrity_check(8)")?;
    let structure: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if structure != ["ok"] {
        found.extend(structure.into_iter().filter(|l| !l.starts_with("***")));
    }
    Ok(found)
}

/// SQLCipher's own check: the HMAC of every page of the file, free pages and pages that only
/// the search index uses included — `integrity_check` walks the b-trees from their cached
/// roots and can pass a file whose damaged pages only a search would reach.
pub(crate) fn cipher_check(conn: &rusqlite::Connection) -> Result<Vec<String>> {
    let mut st = conn.prepare("PRAGMA cipher_integrity_check")?;
    let found: Vec<String> = st.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    Ok(found.into_iter().take(8).collect())
}
