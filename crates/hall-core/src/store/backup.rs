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

use super::cipher;
use super::integrity::{CheckedBy, IntegrityCheck};
use super::recovery::RecoveryCode;
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

/// Which key opens a backup: this hall's (beside its database) or one typed from a sheet.
#[derive(Clone, Copy)]
pub(crate) enum KeyOf<'a> {
    Hall(&'a Path),
    Code(&'a RecoveryCode),
}

impl KeyOf<'_> {
    fn open(&self, path: &Path) -> Result<rusqlite::Connection> {
        match self {
            KeyOf::Hall(db) => cipher::open_sealed(path, db),
            KeyOf::Code(code) => cipher::open_sealed_with(path, code.key()),
        }
    }

    fn cannot_open(&self) -> String {
        match self {
            KeyOf::Hall(_) => "用本机的密钥打不开：它是别的大厅的备份、更换密钥前的备份，或不是一窗通的备份。请用它所属大厅的数据恢复凭证上的恢复码恢复（--recovery-code）".into(),
            KeyOf::Code(code) => format!(
                "用这个恢复码（凭证编号 {}）打不开：恢复码与这份备份不是同一个大厅的，或是更换密钥前后的凭证与备份对不上，或文件不是一窗通的备份。请核对数据恢复凭证上的乡镇和凭证编号",
                code.fingerprint()
            ),
        }
    }
}

/// Opens a backup read-only with this hall's key (`key_of`: the hall's database) and checks it
/// is whole and of a schema this program knows. The township may be empty (the copy of a hall
/// not set up yet, kept before a restore): [`Store::check_backup`] asks for it.
fn read_facts(path: &Path, key: KeyOf) -> Result<BackupFacts> {
    facts_of(path, key).map_err(|why| HallError::invalid(format!("{} 不能用于恢复：{why}", path.display())))
}

/// [`read_facts`], the reason for a refusal said without the file's name (a check of a copy
/// being made names what was copied, not the temporary file). Each reason is its own: a file
/// cut short, a key that does not open it, damage inside, a schema from a newer program.
fn facts_of(path: &Path, key: KeyOf) -> std::result::Result<BackupFacts, String> {
    let len = match std::fs::metadata(path) {
        Ok(m) if m.is_file() => m.len(),
        _ => return Err("文件不存在".into()),
    };
    // A database is whole pages (512 bytes at the least): anything else was cut off.
    if len == 0 || len % 512 != 0 {
        return Err(format!("文件不完整（{len} 字节，不是整页）：复制时中断或文件被截断，请换一份备份"));
    }
    let conn = key.open(path).map_err(|e| format!("无法打开（{}）", e.message))?;
    let damaged = |e: rusqlite::Error| format!("文件已损坏（{}），请换一份备份", HallError::from(e).message);
    // The first page decrypts only with the right key; a schema that ends past the end of
    // the file is damage, not a wrong key.
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => {}
        Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase) => return Err(key.cannot_open()),
        Err(e) => return Err(damaged(e)),
    }
    // Every page's HMAC first (SQLCipher), then the structure; the first few findings are
    // enough to say it is damaged and where.
    let pages =
        super::integrity::cipher_check(&conn).map_err(|e| format!("文件已损坏（{}），请换一份备份", e.message))?;
    if !pages.is_empty() {
        return Err(format!("文件已损坏（{}），请换一份备份", pages.join("；")));
    }
    let mut st = conn.prepare("PRAGMA integrity_check(4)").map_err(damaged)?;
    let found: Vec<String> =
        st.query_map([], |r| r.get(0)).and_then(|rows| rows.collect::<rusqlite::Result<_>>()).map_err(damaged)?;
    if found != ["ok"] {
        let said: Vec<&str> = found.iter().map(String::as_str).filter(|l| !l.starts_with("***")).collect();
        let said = if said.is_empty() { found.join("；") } else { said.join("；") };
        return Err(format!("文件已损坏（{said}），请换一份备份"));
    }
    let read = |e: rusqlite::Error| HallError::from(e).message;
    let schema: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(read)?;
    let latest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
    if schema > latest {
        return Err(format!(
            "它由更新版本的一窗通写成（数据库结构版本 {schema}，本程序最高 {latest}）：请先把本机的一窗通升级到与原大厅相同或更新的版本再恢复"
        ));
    }
    if schema == 0 {
        return Err("不是一窗通的数据库文件（没有数据库结构版本）".into());
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

/// A restore needs a hall's township in the file.
fn with_township(path: &Path, facts: BackupFacts) -> Result<BackupFacts> {
    if facts.township_code.is_empty() {
        return Err(HallError::invalid(format!(
            "{} 不能用于恢复：库中没有乡镇设置（是一个尚未设置的大厅的数据），不是可恢复的大厅备份",
            path.display()
        )));
    }
    Ok(facts)
}

/// Restores a hall on a PC that has none (no `init` first): the backup is opened with the
/// recovery code — or a `hall.key` put beside `db` by hand — checked, copied whole to `db`
/// under the same key (so the sheet in the 档案柜 and the county's sealed copy stay valid),
/// and opened. Nothing is written anywhere until the backup has passed every check; nothing
/// but the database and its key file is left in the hall's folder.
pub fn restore_new(db: &Path, backup: &Path, code: Option<&RecoveryCode>, actor: &str) -> Result<(Store, BackupFacts)> {
    if db.exists() {
        return Err(HallError::invalid(format!("{} 已有大厅数据库，请在该大厅上恢复", db.display())));
    }
    let beside;
    let code = match code {
        Some(c) => c,
        None if db.with_file_name("hall.key").exists() => {
            beside = RecoveryCode::of(cipher::read_key(db)?);
            &beside
        }
        None => {
            return Err(HallError::invalid(
                "本机还没有大厅，恢复须给出数据恢复凭证上的恢复码：hallctl restore 备份文件 --recovery-code 恢复码（或由县信息中心用 county-hub escrow open 取回）",
            ))
        }
    };
    let facts = install_copy(db, backup, code)?;
    let mut store = Store::open(db)?;
    store.note_hall_event(
        actor,
        "restore",
        &format!(
            "在新电脑上从备份 {} 恢复（{} 件办件，凭证编号 {}）；县级平台的接入令牌须重新输入",
            backup.display(),
            facts.cases,
            code.fingerprint()
        ),
    )?;
    Ok((store, facts))
}

/// Puts a checked copy of `backup` at `db` (which must not exist) with its key file, writing
/// nothing else: a restore on a new PC, and the standby host's copy of its host, which must
/// stay row for row the host's (so no event of its own).
pub fn install_copy(db: &Path, backup: &Path, code: &RecoveryCode) -> Result<BackupFacts> {
    if db.exists() {
        return Err(HallError::invalid(format!("{} 已有大厅数据库，请在该大厅上恢复", db.display())));
    }
    let facts = with_township(backup, read_facts(backup, KeyOf::Code(code))?)?;
    let tmp = copy_backup(backup, KeyOf::Code(code), db, code.key())?;
    cipher::write_key(db, code.key())?;
    tmp.persist(db).map_err(|e| storage(format!("无法保存恢复的数据库到 {}：{}", db.display(), e.error)))?;
    Ok(facts)
}

impl Store {
    /// A consistent copy for a standby host (not checked: it is checked where it is installed).
    pub fn snapshot_to(&self, dest: &Path) -> Result<BackupInfo> {
        self.copy_to(dest, None)
    }

    fn backup_dir(&self) -> PathBuf {
        self.path().with_file_name("backups")
    }

    /// A consistent copy of the database at `dest`, whole or not at all, checked whole.
    pub fn backup_to(&self, dest: &Path) -> Result<BackupInfo> {
        self.copy_to(dest, Some(CheckedBy::Admin))
    }

    /// The copy; `check`: whose full check its copy is (the outcome recorded, a failure
    /// stopping writes), or none for the copy kept before a restore — of a database that may
    /// be the damaged one being replaced.
    fn copy_to(&self, dest: &Path, check: Option<CheckedBy>) -> Result<BackupInfo> {
        let tmp = temp_beside(dest, ".hall-backup-")?;
        // The copy is encrypted with the hall's own key, page for page.
        let mut dst = cipher::open_keyed(tmp.path(), self.path(), false)
            .map_err(|e| storage(format!("备份未完成：{}", e.message)))?;
        let copied = (|| -> rusqlite::Result<()> {
            // One step, so one read transaction: in WAL mode the hall writes on through other
            // connections meanwhile, and a backup in steps would start over at each such write.
            Backup::new(&self.conn, &mut dst)?.run_to_completion(i32::MAX, std::time::Duration::ZERO, None)?;
            // A backup is a single file: in rollback-journal mode it is read later (checked,
            // restored from) without a `-shm` / `-wal` appearing beside it.
            dst.pragma_update(None, "journal_mode", "DELETE")?;
            Ok(())
        })();
        drop(dst);
        if let Err(e) = copied {
            // A page that cannot be read (its HMAC fails, its b-tree is broken) stops the copy
            // itself: that is the full check failing too.
            let corrupt = matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
            );
            let said = HallError::from(e).message;
            if let (Some(by), true) = (check, corrupt) {
                let found =
                    IntegrityCheck { at: super::fmt_ts(self.now()), by, ok: false, findings: vec![said.clone()] };
                self.record_check(&found, super::OPERATOR);
                return Err(storage(format!(
                    "备份未完成：本机数据库有无法读取的数据页（{said}），已停止保存：请在“系统管理 → 数据安全”中从备份恢复，并联系县信息中心"
                )));
            }
            return Err(storage(format!("备份未完成：{said}")));
        }
        if let Some(by) = check {
            // The copy is checked whole (integrity_check over every page): this is where a hall
            // finds out that its database is damaged, once a day, instead of at every start.
            let found = facts_of(tmp.path(), KeyOf::Hall(self.path()));
            let outcome = IntegrityCheck {
                at: super::fmt_ts(self.now()),
                by,
                ok: found.is_ok(),
                findings: found.as_ref().err().cloned().into_iter().collect(),
            };
            if by == CheckedBy::Nightly || !outcome.ok {
                self.record_check(&outcome, super::OPERATOR);
            }
            found.map_err(|why| {
                storage(format!(
                    "备份未完成：复制出的数据未通过检查（{why}）。本机数据库 {} 可能已损坏，已停止保存：请在“系统管理 → 数据安全”中从备份恢复，并联系县信息中心",
                    self.path().display()
                ))
            })?;
        }
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
            let made = self.copy_to(&dest, Some(CheckedBy::Nightly))?;
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

    /// What a backup file holds, after checking it is whole and this hall's; opened with this
    /// hall's key, or with `code` (a sheet's recovery code: a backup from before a key change,
    /// or a hall not set up yet taking over a dead PC's backup).
    pub fn check_backup(&self, path: &Path, code: Option<&RecoveryCode>) -> Result<BackupFacts> {
        let key = code.map(KeyOf::Code).unwrap_or(KeyOf::Hall(self.path()));
        let facts = read_facts(path, key).map_err(|e| match code.map(|c| self.retired_at(c)) {
            Some(Ok(Some(at))) => {
                HallError::invalid(format!("{}（这个恢复码的凭证已于 {at} 更换密钥时作废）", e.message))
            }
            _ => e,
        })?;
        let facts = with_township(path, facts)?;
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
    /// kept as a backup of its own before it is replaced). The content is copied into a new
    /// file beside the database, which then takes the database's place: a damaged database —
    /// the reason for many a restore — is never written into. A hall not set up yet that
    /// restores with a recovery code takes that key over, so the sheet it came with stays valid.
    pub fn restore_from(&mut self, path: &Path, code: Option<&RecoveryCode>, actor: &str) -> Result<BackupFacts> {
        let facts = self.check_backup(path, code)?;
        let was_set_up = !self.setting("township_code")?.unwrap_or_default().is_empty();
        let db = self.path().to_path_buf();
        let keep = self.backup_dir().join(format!("before-restore-{}.db", self.now().format("%Y%m%d-%H%M%S")));
        let kept = match self.copy_to(&keep, None) {
            Ok(_) => format!("恢复前的数据另存为 {}", keep.display()),
            // A database too damaged to copy page by page is kept as the file it is.
            Err(_) => match std::fs::copy(&db, &keep) {
                Ok(_) => format!("恢复前的数据（已损坏，原样）另存为 {}", keep.display()),
                Err(e) => format!("恢复前的数据未能另存（{e}）"),
            },
        };
        let ours = cipher::read_key(&db)?;
        let adopt = code.filter(|c| !was_set_up && *c.key() != ours);
        let key = adopt.map(|c| *c.key()).unwrap_or(ours);
        let from = code.map(KeyOf::Code).unwrap_or(KeyOf::Hall(&db));
        let tmp = copy_backup(path, from, &db, &key)?;
        // The old file closed (its checkpoint thread too), the new one put in its place.
        let fixed_now = self.fixed_now;
        self._checkpointer = None;
        self.conn = rusqlite::Connection::open_in_memory()?;
        let swapped = (|| -> Result<()> {
            if adopt.is_some() {
                cipher::write_key(&db, &key)?;
            }
            for side in ["-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{side}", db.display()));
            }
            tmp.persist(&db).map_err(|e| storage(format!("恢复未完成：无法替换数据库文件（{}）", e.error)))?;
            Ok(())
        })();
        *self = Store::open(&db)?;
        self.fixed_now = fixed_now;
        swapped?;
        self.after_restore()?;
        let mut note = format!("从备份 {} 恢复（{} 件办件）；{kept}", path.display(), facts.cases);
        if let Some(code) = adopt {
            note.push_str(&format!("；改用恢复码的密钥（凭证编号 {}）", code.fingerprint()));
        }
        let tx = self.write()?;
        super::hall_event(&tx, self.now(), actor, "restore", &note)?;
        tx.commit()?;
        Ok(facts)
    }
}

impl Store {
    /// 从备份恢复 at the first start, before anyone can sign in: only a hall with no township
    /// and no users may be replaced so (anything else is restored by its admin, signed in).
    pub fn restore_new_hall(&mut self, path: &Path, code: &RecoveryCode) -> Result<BackupFacts> {
        let set_up = !self.setting("township_code")?.unwrap_or_default().is_empty();
        let users: i64 = self.conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?;
        if set_up || users > 0 {
            return Err(HallError::forbidden(
                "本机已有大厅数据，不能在登录前从备份恢复：请系统管理员登录后在“系统管理 → 数据安全”中恢复",
            ));
        }
        self.restore_from(path, Some(code), "首次启动（从备份恢复）")
    }
}

/// A temporary file in the folder of `path` (made if missing), to be renamed onto `path` once
/// whole: a copy cut off never leaves a half file under the real name.
fn temp_beside(path: &Path, prefix: &str) -> Result<tempfile::NamedTempFile> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| storage(format!("无法创建目录 {}：{e}", dir.display())))?;
    tempfile::Builder::new()
        .prefix(prefix)
        .tempfile_in(dir)
        .map_err(|e| storage(format!("无法在 {} 写入：{e}", dir.display())))
}

/// The backup's content copied into a new file beside `db`, encrypted with `key`: whole, or
/// an error and nothing left.
fn copy_backup(backup: &Path, from: KeyOf, db: &Path, key: &cipher::HallKey) -> Result<tempfile::NamedTempFile> {
    let tmp = temp_beside(db, ".hall-restore-")?;
    let copied = (|| -> Result<()> {
        let src = from.open(backup)?;
        let mut dst = rusqlite::Connection::open(tmp.path())?;
        cipher::unlock_with(&dst, key)?;
        Backup::new(&src, &mut dst)?.run_to_completion(256, std::time::Duration::ZERO, None)?;
        Ok(())
    })();
    copied.map_err(|e| storage(format!("恢复未完成：{}", e.message)))?;
    Ok(tmp)
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
