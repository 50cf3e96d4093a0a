//! The hall store: one SQLite file in WAL mode with `synchronous=FULL`, so a case the clerk saw
//! saved survives a power cut. Schema changes are numbered migrations applied in one transaction.

mod admission;
mod audit;
mod backup;
mod calendar;
mod cases;
mod catalog;
mod checkpoint;
mod cipher;
mod consult;
mod coordination;
mod demands;
mod duties;
mod outbox;
mod papers;
mod pickup;
mod record_figures;
mod records;
#[cfg(test)]
mod records_tests;
#[cfg(test)]
mod reliability_tests;
mod reports;
mod search;
mod steps;
mod supervision;
mod supplement;
#[cfg(test)]
mod supplement_tests;
mod users;
#[cfg(test)]
mod workflow_tests;

use std::path::{Path, PathBuf};

use chrono::{Local, NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calendar::Calendar;
use crate::catalog::Unit;
use crate::error::{ErrorCode, HallError, Result};
use crate::validate::text;

pub use admission::{AdmissionCheck, AdmissionInput, AdmissionTask, TaskState};
pub use audit::AuditReport;
pub use backup::{BackupFacts, BackupInfo};
pub use calendar::CalendarYearInfo;
pub use cases::{ActParams, CaseDetail, CaseEvent, CaseMaterial, CaseSummary, Delivery, DeliveryMethod, PersonView};
pub use catalog::{CatalogItemView, CatalogVersionInfo, ImportOutcome};
pub use cipher::open_keyed;
pub use consult::{ConsultFilter, Consultation};
pub use coordination::CoordIssue;
pub use demands::Demand;
pub use duties::{DutyEntryView, DutyImport, DutyVersionInfo};
pub use outbox::{OutboxBatch, OutboxCounts, SyncState, SyncStatus};
pub use papers::{CasePaperFacts, HallLetterhead, HandOut, SupplementAsked, DEFAULT_APPEAL_TEXT};
pub use pickup::{rating_label, FollowUp, FollowUpUpdate, Rating, RATING_LABELS};
pub use record_figures::{
    AdmissionFigures, ConsultFigures, DemandFigures, DepartmentAdmission, DepartmentResponse, RuleCount,
};
pub use reports::{Counts, CountyTurnaround, DailySheet, DayCount, Figures, ItemDays, RatingSummary, Tally};
pub use search::SEARCH_LIMIT;
pub use steps::SPECIAL_KINDS;
pub use supervision::{Dashboard, UnitQueue};
pub use supplement::{asked_of, SupplementLapseMode, SupplementLapseOption, SupplementWatch, SWEEP_ACTOR};
pub use users::{NewUser, SessionUser, UserInfo, UserUpdate};

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/0001_hall.sql")),
    (2, include_str!("../../migrations/0002_workflow.sql")),
    (3, include_str!("../../migrations/0003_reports.sql")),
    (4, include_str!("../../migrations/0004_sync.sql")),
    (5, include_str!("../../migrations/0005_audit.sql")),
    (6, include_str!("../../migrations/0006_duties.sql")),
    (7, include_str!("../../migrations/0007_passwords.sql")),
    (8, include_str!("../../migrations/0008_outbox_kinds.sql")),
];

/// The calendars shipped with the product, imported when a database is created.
pub const BUNDLED_CALENDARS: &[&str] = &[include_str!("../../../../assets/calendar/cn-calendar-2026.json")];

pub struct Store {
    conn: Connection,
    path: PathBuf,
    calendar: Calendar,
    /// A fixed "now" for building sample history and for tests; the wall clock otherwise.
    fixed_now: Option<NaiveDateTime>,
    _checkpointer: Option<checkpoint::Checkpointer>,
}

/// What the administrator sets for the hall. The township code is fixed by `init`.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HallSettings {
    pub township_name: String,
    /// Working days before the due date that turn a case yellow.
    pub warn_days: u32,
    /// Working days within which a 差评 follow-up must be closed.
    pub follow_up_days: u32,
    /// Minutes without input after which the window locks (0: never).
    pub idle_lock_minutes: u32,
    /// Days after which a password must be changed at the next login (0: never).
    pub password_max_days: u32,
    /// The hall's address and phone, printed on every paper.
    #[serde(default)]
    pub hall_address: String,
    #[serde(default)]
    pub hall_phone: String,
    /// 行政复议 / 行政诉讼 wording on a 不予受理通知书 (empty: the standard wording).
    #[serde(default)]
    pub appeal_text: String,
    /// Daily backups kept, here and in the copy folder.
    #[serde(default = "default_backup_keep")]
    pub backup_keep: u32,
    /// 异地备份: a folder on another machine or medium (a mounted network share, a removable
    /// drive) that each daily backup is copied to; empty: none.
    #[serde(default)]
    pub backup_copy_dir: String,
    /// 补正 past its deadline: only warned about, ended as 视为撤回 by the director, or by the
    /// store at once.
    #[serde(default)]
    pub supplement_lapse: SupplementLapseMode,
}

fn default_backup_keep() -> u32 {
    14
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct HallInfo {
    pub township_code: String,
    pub township_name: String,
}

pub(crate) fn now_ts() -> String {
    Local::now().format("%Y-%m-%d %H:%M:%S").to_string()
}

/// An event about the hall rather than a case (settings, users, imports): the log records
/// every change of who may do what and of the data cases are judged by.
pub(crate) fn hall_event(conn: &Connection, actor: &str, action: &str, note: &str) -> Result<()> {
    let at = now_ts();
    audit::append(
        conn,
        &audit::NewEvent { case_id: None, at: &at, actor, action, from_state: None, to_state: None, note, data: "{}" },
    )
}

/// Sets a key of the settings table.
pub(crate) fn put_setting(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

pub(crate) fn fmt_ts(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M:%S").to_string()
}

impl Store {
    /// Opens (creating if needed) and migrates the database at `path`, after checking its
    /// integrity.
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| HallError::new(ErrorCode::Storage, format!("无法创建数据目录 {}：{e}", dir.display())))?;
        }
        cipher::prepare(&path)?;
        let conn = Connection::open(&path).map_err(|e| {
            HallError::new(
                ErrorCode::Storage,
                format!("无法打开数据库 {}：{}", path.display(), HallError::from(e).message),
            )
        })?;
        cipher::unlock(&conn, &path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // A file that is not SQLite fails on the first statement; say so plainly.
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).map_err(|e| {
            HallError::new(
                ErrorCode::Storage,
                format!("{} 不是有效的一窗通数据库，或已损坏：{}", path.display(), HallError::from(e).message),
            )
        })?;
        if !mode.eq_ignore_ascii_case("wal") {
            log::warn!("journal_mode is {mode}, not WAL");
        }
        // Checkpoints run on their own thread (see checkpoint.rs), not inside a clerk's commit.
        // secure_delete: freed pages (an old password hash, a corrected ID number) are zeroed.
        conn.execute_batch(
            "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=0; PRAGMA secure_delete=ON;",
        )?;
        let check: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(HallError::new(
                ErrorCode::Storage,
                format!("数据库完整性检查未通过（{check}）：文件可能已损坏，请停止使用并联系县信息中心从备份恢复"),
            ));
        }
        let _checkpointer = checkpoint::Checkpointer::start(&path);
        let mut store = Store { conn, path, calendar: Calendar::default(), fixed_now: None, _checkpointer };
        store.migrate()?;
        store.calendar = store.load_calendar()?;
        Ok(store)
    }

    /// After a restore the file may be of an older schema and hold other calendars.
    fn after_restore(&mut self) -> Result<()> {
        self.migrate()?;
        self.calendar = self.load_calendar()?;
        Ok(())
    }

    /// The hall's clock: case dates, deadlines and events are stamped with it.
    pub fn now(&self) -> NaiveDateTime {
        self.fixed_now.unwrap_or_else(|| Local::now().naive_local())
    }

    pub fn today(&self) -> NaiveDate {
        self.now().date()
    }

    /// Pins the clock (sample history, tests); `None` returns to the wall clock.
    pub fn set_now(&mut self, now: Option<NaiveDateTime>) {
        self.fixed_now = now;
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    fn migrate(&mut self) -> Result<()> {
        let current: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let latest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
        if current > latest {
            return Err(HallError::new(
                ErrorCode::Storage,
                format!("数据库结构版本为 {current}，比本程序支持的 {latest} 新：请升级一窗通后再打开"),
            ));
        }
        if current == latest {
            return Ok(());
        }
        let now = self.now();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        for (n, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
            tx.execute_batch(sql).map_err(|e| {
                log::error!("migration {n} failed: {e}");
                HallError::new(
                    ErrorCode::Storage,
                    format!("数据库升级第 {n} 步失败，未做任何改动：{}", crate::validate::text_preview(&e.to_string())),
                )
            })?;
            log::info!("applied migration {n}");
        }
        // Cases completed before the outbox existed go up too, in the same transaction.
        if current < 4 {
            outbox::queue_all_completed(&tx, now)?;
        }
        if current < 5 {
            audit::chain_existing(&tx)?;
        }
        tx.pragma_update(None, "user_version", latest)?;
        tx.commit()?;
        Ok(())
    }

    /// A write transaction that takes the write lock at once, so two clerks' intakes serialise.
    /// (`&self`: the store's own methods read through it while the transaction is open.)
    pub(crate) fn write(&self) -> Result<rusqlite::Transaction<'_>> {
        Ok(rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)?)
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        put_setting(&self.conn, key, value)?;
        Ok(())
    }

    pub fn settings(&self) -> Result<HallSettings> {
        Ok(HallSettings {
            township_name: self.hall_info()?.township_name,
            warn_days: self.warn_days()?,
            follow_up_days: self.follow_up_days()?,
            idle_lock_minutes: self.setting("idle_lock_minutes")?.and_then(|v| v.parse().ok()).unwrap_or(10),
            password_max_days: self.password_max_days()?,
            hall_address: self.setting("hall_address")?.unwrap_or_default(),
            hall_phone: self.setting("hall_phone")?.unwrap_or_default(),
            appeal_text: self.setting("appeal_text")?.unwrap_or_default(),
            backup_keep: self.setting("backup_keep")?.and_then(|v| v.parse().ok()).unwrap_or_else(default_backup_keep),
            backup_copy_dir: self.setting("backup_copy_dir")?.unwrap_or_default(),
            supplement_lapse: self.supplement_lapse_mode()?,
        })
    }

    pub fn save_settings(&mut self, s: &HallSettings, actor: &str) -> Result<HallSettings> {
        let name = text("乡镇名称", &s.township_name, 50, true)?;
        let address = text("中心地址", &s.hall_address, 100, false)?;
        let phone = text("咨询电话", &s.hall_phone, 40, false)?;
        let appeal = text("救济途径告知文字", &s.appeal_text, 500, false)?;
        let copy_dir = text("异地备份目录", &s.backup_copy_dir, 500, false)?;
        if !copy_dir.is_empty() && !Path::new(&copy_dir).is_absolute() {
            return Err(HallError::invalid(format!(
                "异地备份目录应为完整路径（如 /mnt/县备份 或 E:\\备份），现为“{copy_dir}”"
            )));
        }
        if !(1..=365).contains(&s.backup_keep) {
            return Err(HallError::invalid("保留备份份数应在 1 至 365 之间"));
        }
        for (label, v, max) in [
            ("预警天数", s.warn_days, 30),
            ("差评整改期限", s.follow_up_days, 60),
            ("自动锁屏分钟数", s.idle_lock_minutes, 240),
            ("密码有效期天数", s.password_max_days, 365),
        ] {
            if v > max {
                return Err(HallError::invalid(format!("{label}应在 0 至 {max} 之间")));
            }
        }
        let tx = self.write()?;
        for (k, v) in [
            ("township_name", name.clone()),
            ("warn_days", s.warn_days.to_string()),
            ("follow_up_days", s.follow_up_days.to_string()),
            ("idle_lock_minutes", s.idle_lock_minutes.to_string()),
            ("password_max_days", s.password_max_days.to_string()),
            ("hall_address", address),
            ("hall_phone", phone),
            ("appeal_text", appeal),
            ("backup_keep", s.backup_keep.to_string()),
            ("backup_copy_dir", copy_dir.clone()),
            ("supplement_lapse", s.supplement_lapse.key().to_string()),
        ] {
            put_setting(&tx, k, &v)?;
        }
        hall_event(
            &tx,
            actor,
            "settings",
            &format!(
                "设置：乡镇名称 {name}，预警 {} 个工作日，差评整改 {} 个工作日，锁屏 {} 分钟，密码有效期 {} 天，\
                 保留备份 {} 份，异地备份目录 {}，补正逾期{}",
                s.warn_days,
                s.follow_up_days,
                s.idle_lock_minutes,
                s.password_max_days,
                s.backup_keep,
                if copy_dir.is_empty() { "未设置" } else { &copy_dir },
                s.supplement_lapse.label()
            ),
        )?;
        tx.commit()?;
        self.settings()
    }

    /// Adds or renames a unit (the administrator's unit list).
    pub fn save_unit(&mut self, u: &Unit, actor: &str) -> Result<()> {
        let code = text("单位编码", &u.code, 64, true)?;
        let name = text("单位名称", &u.name, 100, true)?;
        let level = match u.level {
            crate::catalog::UnitLevel::Township => "township",
            crate::catalog::UnitLevel::County => "county",
        };
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO units(code, name, level) VALUES (?1, ?2, ?3)
             ON CONFLICT(code) DO UPDATE SET name = excluded.name, level = excluded.level",
            params![code, name, level],
        )?;
        hall_event(&tx, actor, "unit_save", &format!("保存单位 {code} {name}"))?;
        tx.commit()?;
        Ok(())
    }

    pub fn hall_info(&self) -> Result<HallInfo> {
        Ok(HallInfo {
            township_code: self.setting("township_code")?.unwrap_or_default(),
            township_name: self.setting("township_name")?.unwrap_or_default(),
        })
    }

    /// Sets the township (code and name) and imports the bundled calendars; idempotent. The code
    /// of a hall that already has cases cannot change: it is part of every case number.
    pub fn init(&mut self, code: &str, name: &str, actor: &str) -> Result<()> {
        let code = text("乡镇代码", code, 20, true)?;
        if !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(HallError::invalid(format!("乡镇代码“{code}”只能包含数字和字母（通常为9或12位行政区划代码）")));
        }
        let name = text("乡镇名称", name, 50, true)?;
        let old = self.hall_info()?;
        if !old.township_code.is_empty() && old.township_code != code && self.case_count()? > 0 {
            return Err(HallError::conflict(format!(
                "本数据库已属于乡镇 {}（{}）并有办件记录，不能改为 {code}",
                old.township_code, old.township_name
            )));
        }
        let tx = self.write()?;
        if old.township_code != code || old.township_name != name {
            for (k, v) in [("township_code", &code), ("township_name", &name)] {
                put_setting(&tx, k, v)?;
            }
            hall_event(&tx, actor, "settings", &format!("乡镇设置为 {code} {name}"))?;
        }
        tx.commit()?;
        for doc in BUNDLED_CALENDARS {
            let year = crate::calendar::CalendarYear::parse_json(doc)?;
            if !self.calendar.has_year(year.year) {
                self.import_calendar_year(&year, doc, actor)?;
            }
        }
        Ok(())
    }

    pub fn is_initialised(&self) -> Result<bool> {
        Ok(!self.hall_info()?.township_code.is_empty())
    }

    pub(crate) fn require_initialised(&self) -> Result<HallInfo> {
        let info = self.hall_info()?;
        if info.township_code.is_empty() {
            return Err(HallError::invalid(
                "数据库尚未初始化：请先运行 hallctl init --township-code 代码 --township-name 名称",
            ));
        }
        Ok(info)
    }

    pub fn units(&self) -> Result<Vec<Unit>> {
        let mut st = self.conn.prepare("SELECT code, name, level FROM units ORDER BY level DESC, code")?;
        let rows = st.query_map([], |r| {
            let level: String = r.get(2)?;
            Ok(Unit {
                code: r.get(0)?,
                name: r.get(1)?,
                level: if level == "county" {
                    crate::catalog::UnitLevel::County
                } else {
                    crate::catalog::UnitLevel::Township
                },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn case_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM cases", [], |r| r.get(0))?)
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use super::*;

    /// A store in a temporary directory, initialised as a township with the sample catalog.
    pub fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(dir.path().join("hall.db")).unwrap();
        s.init("231221104", "测试镇", "test").unwrap();
        let cat = crate::catalog::CatalogFile::parse_json(crate::demo::SAMPLE_CATALOG).unwrap();
        s.import_catalog(&cat, "test").unwrap();
        crate::demo::add_sample_users(&mut s, false).unwrap();
        (dir, s)
    }

    /// SQL that takes a database back to schema `version` from the latest, undoing the later
    /// migrations that a replayed upgrade would otherwise meet already done (tests that rebuild
    /// an older hall; schemas 4 and 5 are undone by those tests themselves).
    pub fn undo_above(version: i64) -> String {
        let mut sql = String::new();
        if version < 8 {
            // The outbox as schema 4 made it: cases only.
            sql.push_str(
                "CREATE TABLE outbox_cases (case_id INTEGER PRIMARY KEY REFERENCES cases(id), revision INTEGER NOT NULL,
                    content_hash TEXT NOT NULL, body TEXT NOT NULL, state TEXT NOT NULL, queued_at TEXT NOT NULL,
                    sent_at TEXT, acked_at TEXT, attempts INTEGER NOT NULL DEFAULT 0,
                    last_error TEXT NOT NULL DEFAULT '') STRICT;
                 INSERT INTO outbox_cases SELECT case_id, revision, content_hash, body, state, queued_at, sent_at,
                    acked_at, attempts, last_error FROM outbox WHERE case_id IS NOT NULL;
                 DROP TABLE outbox; ALTER TABLE outbox_cases RENAME TO outbox;
                 CREATE INDEX outbox_waiting ON outbox(state, queued_at);",
            );
        }
        if version < 7 {
            sql.push_str("ALTER TABLE users DROP COLUMN password_changed_at;");
        }
        if version < 6 {
            sql.push_str(
                "DROP TABLE coordination_issues; DROP TABLE demands; DROP TABLE consultations;
                 DROP TABLE admission_tasks; DROP TABLE record_serials; DROP TABLE duty_entries;
                 DROP TABLE duty_versions;",
            );
        }
        sql
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_sets_wal_full_sync_and_foreign_keys() {
        let dir = tempfile::tempdir().unwrap();
        let s = Store::open(dir.path().join("a.db")).unwrap();
        let mode: String = s.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        let sync: i64 = s.conn.query_row("PRAGMA synchronous", [], |r| r.get(0)).unwrap();
        let fk: i64 = s.conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
        let v: i64 = s.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, MIGRATIONS.last().unwrap().0);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.db");
        std::fs::write(&p, "这不是数据库".repeat(500)).unwrap();
        let e = Store::open(&p).err().unwrap();
        assert_eq!(e.code, ErrorCode::Storage);
        assert!(e.message.contains("不是有效的一窗通数据库"), "{}", e.message);
    }

    #[test]
    fn init_is_idempotent_and_guards_the_township_code() {
        let (_d, mut s) = testing::store();
        s.init("231221104", "测试镇", "test").unwrap();
        assert_eq!(s.hall_info().unwrap().township_name, "测试镇");
        assert!(s.calendar().has_year(2026));
        assert!(s.init("23 1", "x", "t").unwrap_err().message.contains("乡镇代码"));
    }

    #[test]
    fn the_event_log_refuses_updates_and_deletes() {
        let (_d, s) = testing::store();
        let e = s.conn.execute("UPDATE events SET note = 'x'", []).unwrap_err();
        assert!(e.to_string().contains("只能追加"), "{e}");
        let e = s.conn.execute("DELETE FROM events", []).unwrap_err();
        assert!(e.to_string().contains("只能追加"), "{e}");
    }
}
