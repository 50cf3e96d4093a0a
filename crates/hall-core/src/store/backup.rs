//! Backups through SQLite's online backup API: a consistent copy while the hall keeps working,
//! written beside its destination and renamed into place only once checked. A daily copy goes
//! to `backups/` next to the database, the newest `backup_keep` kept. A restore checks the file
//! first — SQLite, intact, a schema this program knows, the same township — and refuses a
//! damaged or foreign one with the database unchanged.

use std::path::{Path, PathBuf};

use rusqlite::backup::Backup;
use rusqlite::OptionalExtension;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Store, MIGRATIONS};
use crate::error::{ErrorCode, HallError, Result};

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupInfo {
    pub path: String,
    /// When it was made (file time), `YYYY-MM-DD HH:MM:SS`.
    pub made_at: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// What a backup file holds, read before it is trusted.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct BackupFacts {
    pub township_code: String,
    pub township_name: String,
    #[ts(type = "number")]
    pub cases: i64,
    #[ts(type = "number")]
    pub schema: i64,
}

fn storage(msg: String) -> HallError {
    HallError::new(ErrorCode::Storage, msg)
}

fn info(path: &Path) -> Result<BackupInfo> {
    let meta = std::fs::metadata(path)?;
    let made: chrono::DateTime<chrono::Local> = meta.modified()?.into();
    Ok(BackupInfo {
        path: path.display().to_string(),
        made_at: made.format("%Y-%m-%d %H:%M:%S").to_string(),
        bytes: meta.len(),
    })
}

/// Opens a backup read-only with this hall's key (`key_of`: the hall's database) and checks it
/// is whole and of a schema this program knows. The township may be empty (the copy of a hall
/// not set up yet, kept before a restore): [`Store::check_backup`] asks for it.
fn read_facts(path: &Path, key_of: &Path) -> Result<BackupFacts> {
    facts_of(path, key_of).map_err(|why| HallError::invalid(format!("{} 不能用于恢复：{why}", path.display())))
}

/// [`read_facts`], the reason for a refusal said without the file's name (a check of a copy
/// being made names what was copied, not the temporary file).
fn facts_of(path: &Path, key_of: &Path) -> std::result::Result<BackupFacts, String> {
    if !path.is_file() {
        return Err("文件不存在".into());
    }
    let conn = super::cipher::open_sealed(path, key_of).map_err(|e| format!("无法打开（{}）", e.message))?;
    let unreadable = |_| "不是本机的一窗通数据库备份（用本机密钥无法读取），或文件已损坏".to_string();
    // The first few findings are enough to say it is damaged and where.
    let mut st = conn.prepare("PRAGMA integrity_check(4)").map_err(unreadable)?;
    let found: Vec<String> =
        st.query_map([], |r| r.get(0)).and_then(|rows| rows.collect::<rusqlite::Result<_>>()).map_err(unreadable)?;
    if found != ["ok"] {
        let found: Vec<&str> = found.iter().map(String::as_str).filter(|l| !l.starts_with("***")).collect();
        return Err(format!("文件已损坏（{}）", found.join("；")));
    }
    let read = |e: rusqlite::Error| HallError::from(e).message;
    let schema: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(read)?;
    let latest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    if schema == 0 || schema > latest {
        return Err(format!("数据库结构版本 {schema} 不是本程序能恢复的（1 至 {latest}）"));
    }
    let get = |k: &str| -> std::result::Result<String, String> {
        Ok(conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [k], |r| r.get(0))
            .optional()
            .map_err(|_| "不是一窗通的数据库文件".to_string())?
            .unwrap_or_default())
    };
    Ok(BackupFacts {
        township_code: get("township_code")?,
        township_name: get("township_name")?,
        cases: conn.query_row("SELECT count(*) FROM cases", [], |r| r.get(0)).map_err(|_| "缺少办件表".to_string())?,
        schema,
    })
}

impl Store {
    fn backup_dir(&self) -> PathBuf {
        self.path().with_file_name("backups")
    }

    /// A consistent copy of the database at `dest`, whole or not at all.
    pub fn backup_to(&self, dest: &Path) -> Result<BackupInfo> {
        let dir = dest.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(|e| storage(format!("无法创建备份目录 {}：{e}", dir.display())))?;
        let tmp = tempfile::Builder::new()
            .prefix(".hall-backup-")
            .tempfile_in(dir)
            .map_err(|e| storage(format!("无法在 {} 写入备份：{e}", dir.display())))?;
        // The copy is encrypted with the hall's own key, page for page.
        let copied = (|| -> Result<()> {
            let mut dst = super::cipher::open_keyed(tmp.path(), self.path(), false)?;
            Backup::new(&self.conn, &mut dst)?.run_to_completion(256, std::time::Duration::ZERO, None)?;
            // A backup is a single file: in rollback-journal mode it is read later (checked,
            // restored from) without a `-shm` / `-wal` appearing beside it.
            dst.pragma_update(None, "journal_mode", "DELETE")?;
            Ok(())
        })();
        copied.map_err(|e| storage(format!("备份未完成：{}", e.message)))?;
        // The copy is checked whole (integrity_check over every page): this is where a hall
        // finds out that its database is damaged, once a day, instead of at every start.
        facts_of(tmp.path(), self.path()).map_err(|why| {
            storage(format!(
                "备份未完成：复制出的数据未通过检查（{why}）。本机数据库 {} 可能已损坏，请停止使用并联系县信息中心从备份恢复",
                self.path().display()
            ))
        })?;
        tmp.persist(dest).map_err(|e| storage(format!("无法保存备份到 {}：{}", dest.display(), e.error)))?;
        info(dest)
    }

    /// Records a hall-level event in its own transaction (a backup made by hand).
    pub fn note_hall_event(&mut self, actor: &str, action: &str, note: &str) -> Result<()> {
        let tx = self.write()?;
        super::hall_event(&tx, self.now(), actor, action, note)?;
        tx.commit()?;
        Ok(())
    }

    /// The day's automatic backup (none if one was made today), keeping the newest
    /// `backup_keep`; with a copy folder set (异地备份), the backup is copied there too, whole or
    /// not at all, keeping as many. A copy that fails is said in Chinese, the local backup stays,
    /// and the next call tries the copy again.
    pub fn daily_backup(&self) -> Result<Option<BackupInfo>> {
        let dest = self.backup_dir().join(format!("hall-{}.db", self.today().format("%Y%m%d")));
        let settings = self.settings()?;
        let keep = settings.backup_keep.max(1) as usize;
        let made = if dest.exists() {
            None
        } else {
            let made = self.backup_to(&dest)?;
            prune(&self.backup_dir(), keep)?;
            Some(made)
        };
        // A copy that failed earlier today is tried again on the next call (hourly in the app).
        let name = dest.file_name().expect("a backup file name");
        let dir = Path::new(&settings.backup_copy_dir);
        if !settings.backup_copy_dir.is_empty() && !dir.join(name).exists() {
            copy_whole(&dest, &dir.join(name)).map_err(|e| {
                storage(format!("今天的备份已保存在本机，但复制到异地备份目录 {} 失败：{e}", dir.display()))
            })?;
            prune(dir, keep)?;
        }
        Ok(made)
    }

    /// The automatic backups, newest first.
    pub fn backups(&self) -> Result<Vec<BackupInfo>> {
        daily_backups(&self.backup_dir())
    }

    /// What a backup file holds, after checking it is whole and this hall's.
    pub fn check_backup(&self, path: &Path) -> Result<BackupFacts> {
        let facts = read_facts(path, self.path())?;
        if facts.township_code.is_empty() {
            return Err(HallError::invalid(format!(
                "{} 不能用于恢复：库中没有乡镇设置，不是一窗通的数据库",
                path.display()
            )));
        }
        let ours = self.setting("township_code")?.unwrap_or_default();
        if !ours.is_empty() && facts.township_code != ours {
            return Err(HallError::invalid(format!(
                "{} 是乡镇 {}（{}）的备份，与本机的乡镇 {ours} 不符，不能恢复",
                path.display(),
                facts.township_code,
                facts.township_name
            )));
        }
        Ok(facts)
    }

    /// Replaces the database with the backup's content (checked first; the current content is
    /// kept as a backup of its own before it is replaced).
    pub fn restore_from(&mut self, path: &Path, actor: &str) -> Result<BackupFacts> {
        let facts = self.check_backup(path)?;
        let keep = self.backup_dir().join(format!("before-restore-{}.db", self.now().format("%Y%m%d-%H%M%S")));
        self.backup_to(&keep)?;
        let restored = (|| -> Result<()> {
            let src = super::cipher::open_sealed(path, self.path())?;
            Backup::new(&src, &mut self.conn)?.run_to_completion(256, std::time::Duration::ZERO, None)?;
            Ok(())
        })();
        restored.map_err(|e| storage(format!("恢复未完成：{}", e.message)))?;
        self.after_restore()?;
        let tx = self.write()?;
        super::hall_event(
            &tx,
            self.now(),
            actor,
            "restore",
            &format!("从备份 {} 恢复（{} 件办件）；恢复前的数据另存为 {}", path.display(), facts.cases, keep.display()),
        )?;
        tx.commit()?;
        Ok(facts)
    }
}

/// The daily backups (`hall-YYYYMMDD.db`) in `dir`, newest first.
fn daily_backups(dir: &Path) -> Result<Vec<BackupInfo>> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(vec![]) };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("hall-") && n.ends_with(".db"))
        })
        .collect();
    files.sort();
    files.reverse();
    files.iter().map(|p| info(p)).collect()
}

/// Keeps the newest `keep` daily backups in `dir`.
fn prune(dir: &Path, keep: usize) -> Result<()> {
    for old in daily_backups(dir)?.into_iter().skip(keep) {
        let _ = std::fs::remove_file(&old.path);
    }
    Ok(())
}

/// Copies through a temporary file in the target folder, synced, then renamed: a copy cut off
/// (a share that drops, a drive pulled out) never leaves a half file under the backup's name.
fn copy_whole(from: &Path, to: &Path) -> std::io::Result<()> {
    let dir = to.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".hall-backup-").tempfile_in(dir)?;
    std::io::copy(&mut std::fs::File::open(from)?, tmp.as_file_mut())?;
    tmp.as_file().sync_all()?;
    tmp.persist(to).map_err(|e| e.error)?;
    Ok(())
}
