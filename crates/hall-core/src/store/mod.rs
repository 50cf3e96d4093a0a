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
#[cfg(test)]
mod clock_tests;
mod consult;
mod coordination;
mod demands;
mod duties;
mod integrity;
mod network;
#[cfg(test)]
mod offers_tests;
mod outbox;
mod papers;
mod pickup;
mod rater;
#[cfg(test)]
mod rater_tests;
mod record_figures;
mod records;
#[cfg(test)]
mod records_tests;
mod recovery;
#[cfg(test)]
mod recovery_tests;
#[cfg(test)]
mod reliability_tests;
mod replica;
#[cfg(test)]
mod replica_tests;
mod reports;
mod request_log;
mod search;
mod settings;
mod standby;
mod steps;
mod stored;
#[cfg(test)]
mod stored_tests;
mod supervision;
mod supplement;
#[cfg(test)]
mod supplement_tests;
mod users;
mod versioned;
#[cfg(test)]
mod workflow_tests;
mod write_tx;

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, NaiveDateTime};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::calendar::Calendar;
use crate::catalog::Unit;
use crate::error::{ErrorCode, HallError, Result};
use crate::validate::text;

pub use admission::{AdmissionCheck, AdmissionInput, AdmissionTask, TaskState};
pub use audit::AuditReport;
pub use backup::{install_copy, restore_new, BackupFacts, BackupInfo};
pub use calendar::CalendarYearInfo;
pub use cases::{
    ActParams, CaseDetail, CaseEvent, CaseMaterial, CaseSummary, Delivery, DeliveryMethod, PersonView, Urgency,
};
pub use catalog::{CatalogItemView, CatalogVersionInfo, ImportOutcome};
pub use cipher::open_keyed;
pub use consult::{ConsultFilter, Consultation};
pub use coordination::CoordIssue;
pub use demands::Demand;
pub use duties::{DutyEntryView, DutyImport, DutyVersionInfo};
pub use integrity::{CheckedBy, DataSafety, IntegrityCheck, RecoveryCodeShown};
pub use network::{Device, DeviceKind, PairedDevice, PairingCode, PAIRING_MINUTES};
pub use outbox::{OutboxBatch, OutboxCounts, SyncState, SyncStatus};
pub use papers::{CasePaperFacts, HallLetterhead, HandOut, SupplementAsked, DEFAULT_APPEAL_TEXT};
pub use pickup::{rating_label, FollowUp, FollowUpUpdate, Rating, RatingChannel, RATING_LABELS};
pub use rater::{RatingPromptView, PROMPT_SECONDS, RATING_REASONS};
pub use record_figures::{
    AdmissionFigures, ConsultFigures, DemandFigures, DepartmentAdmission, DepartmentResponse, RuleCount,
};
pub use recovery::{KeyRotated, RecoveryCode, RecoverySheet, RecoveryState, RetiredKey};
pub use replica::APPLIED_SETTING;
pub use reports::{
    ChannelRatings, Counts, CountyTurnaround, DailySheet, DayCount, Figures, ItemDays, RatingSummary, Tally,
};
pub use search::SEARCH_LIMIT;
pub use settings::HallSettings;
pub use steps::SPECIAL_KINDS;
pub use supervision::{Dashboard, UnitQueue};
pub use supplement::{asked_of, SupplementLapseMode, SupplementLapseOption, SupplementWatch, SWEEP_ACTOR};
pub use users::{NewUser, SessionUser, UserInfo, UserUpdate, OPERATOR};

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/0001_hall.sql")),
    (2, include_str!("../../migrations/0002_workflow.sql")),
    (3, include_str!("../../migrations/0003_reports.sql")),
    (4, include_str!("../../migrations/0004_sync.sql")),
    (5, include_str!("../../migrations/0005_audit.sql")),
    (6, include_str!("../../migrations/0006_duties.sql")),
    (7, include_str!("../../migrations/0007_passwords.sql")),
    (8, include_str!("../../migrations/0008_outbox_kinds.sql")),
    (9, include_str!("../../migrations/0009_hall_network.sql")),
    (10, include_str!("../../migrations/0010_rating_channel.sql")),
    (11, include_str!("../../migrations/0011_standby.sql")),
];

/// The schema this program writes (the last migration's number).
pub const SCHEMA_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// The calendars shipped with the product, imported when a database is created.
pub const BUNDLED_CALENDARS: &[&str] = &[include_str!("../../../../assets/calendar/cn-calendar-2026.json")];

pub struct Store {
    /// Before `conn`: a recording session must be dropped before its connection.
    recorder: Option<replica::Recorder>,
    conn: Connection,
    path: PathBuf,
    calendar: Calendar,
    /// A fixed "now" for building sample history and for tests; the hall's clock otherwise.
    fixed_now: Option<NaiveDateTime>,
    /// `YICHUANG_NOW` when the store was opened ([`crate::clock::pinned`]).
    pinned_now: Option<NaiveDateTime>,
    _checkpointer: Option<checkpoint::Checkpointer>,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HallInfo {
    pub township_code: String,
    pub township_name: String,
    /// The hall's today ([`Store::today`]): every date picker's default and range in the window
    /// starts from it, never from the computer's calendar.
    pub today: NaiveDate,
}

/// An event about the hall rather than a case (settings, users, imports): the log records
/// every change of who may do what and of the data cases are judged by. `now` is the hall's
/// clock ([`Store::now`]), so a pinned clock stamps these events too.
pub(crate) fn hall_event(conn: &Connection, now: NaiveDateTime, actor: &str, action: &str, note: &str) -> Result<()> {
    let at = fmt_ts(now);
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
    /// Opens (creating if needed) and migrates the database at `path`. It does not read the
    /// whole file: a wrong key or a file that is not a hall database fails on the first page,
    /// and the whole-file integrity check runs on the daily backup's copy (backup.rs), so that
    /// a hall of 200,000 cases opens as fast as a new one.
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
        let pinned_now = crate::clock::pinned()?;
        if let Some(now) = pinned_now {
            log::warn!("clock pinned to {now} by {}", crate::clock::PIN_VAR);
        }
        let checkpointer = checkpoint::Checkpointer::start(&path);
        let mut store = Store::around(conn, path, pinned_now, checkpointer);
        store.migrate()?;
        store.calendar = store.load_calendar()?;
        Ok(store)
    }

    /// Another connection to a store that [`Store::open`] has opened (and checked, and brought
    /// to the current schema) in this process: the hall host's pool of readers. WAL lets them
    /// read while the one writer writes; they skip the whole-file check and the migrations.
    pub fn open_reader(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        let conn = Connection::open(&path)?;
        cipher::unlock(&conn, &path)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch("PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;")?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version != MIGRATIONS.last().map(|m| m.0).unwrap_or(0) {
            return Err(HallError::new(ErrorCode::Storage, "数据库尚未升级到本版本：请先由大厅主机打开"));
        }
        let mut store = Store::around(conn, path, crate::clock::pinned()?, None);
        store.calendar = store.load_calendar()?;
        Ok(store)
    }

    /// A store on an open, unlocked connection (its calendar still to be read).
    fn around(
        conn: Connection,
        path: PathBuf,
        pinned_now: Option<NaiveDateTime>,
        checkpointer: Option<checkpoint::Checkpointer>,
    ) -> Store {
        Store {
            recorder: None,
            conn,
            path,
            calendar: Calendar::default(),
            fixed_now: None,
            pinned_now,
            _checkpointer: checkpointer,
        }
    }

    /// Reads the calendar again (a reader after the writer imported a year).
    pub fn reload_calendar(&mut self) -> Result<()> {
        self.calendar = self.load_calendar()?;
        Ok(())
    }

    /// The newest event's id: the hall's change counter, which the host's live feed carries.
    pub fn last_event_id(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT coalesce(max(id), 0) FROM events", [], |r| r.get(0))?)
    }

    /// After a restore the file may be of an older schema and hold other calendars.
    fn after_restore(&mut self) -> Result<()> {
        self.migrate()?;
        self.calendar = self.load_calendar()?;
        // The backup passed the full check before it replaced the database.
        let check = integrity::IntegrityCheck {
            at: fmt_ts(self.now()),
            by: integrity::CheckedBy::Restore,
            ok: true,
            findings: vec![],
        };
        self.record_check(&check, OPERATOR);
        Ok(())
    }

    /// The hall's clock: case dates, deadlines and events are stamped with it (see [`crate::clock`]).
    pub fn now(&self) -> NaiveDateTime {
        self.fixed_now.or(self.pinned_now).unwrap_or_else(crate::clock::wall)
    }

    pub fn today(&self) -> NaiveDate {
        self.now().date()
    }

    /// Pins the clock (sample history, tests); `None` returns to the hall's clock (`YICHUANG_NOW`
    /// or the wall clock).
    pub fn set_now(&mut self, now: Option<NaiveDateTime>) {
        self.fixed_now = now;
    }

    /// Rows changed through this connection since it opened: the request catalogue's tests
    /// check with it that a read leaves the store as it was.
    #[cfg(test)]
    pub(crate) fn total_changes(&self) -> u64 {
        self.conn.total_changes()
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
    pub(crate) fn write(&self) -> Result<write_tx::WriteTx<'_>> {
        self.wal_upkeep();
        write_tx::WriteTx::begin(&self.conn)
    }

    /// Before a write that opens a transaction of its own: a WAL grown too long is cut back
    /// here, by the writer, between transactions (checkpoint.rs says why).
    pub(crate) fn wal_upkeep(&self) {
        if let (Some(c), true) = (&self._checkpointer, self.conn.is_autocommit()) {
            c.due(&self.conn);
        }
    }

    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        put_setting(&self.conn, key, value)?;
        Ok(())
    }

    /// Adds or renames a unit (the administrator's unit list).
    pub fn save_unit(&mut self, u: &Unit, actor: &str) -> Result<()> {
        let code = text("单位编码", &u.code, 64, true)?;
        let name = text("单位名称", &u.name, 100, true)?;
        let tx = self.write()?;
        versioned::write_units(&tx, &[Unit { code: code.clone(), name: name.clone(), level: u.level }])?;
        hall_event(&tx, self.now(), actor, "unit_save", &format!("保存单位 {code} {name}"))?;
        tx.commit()?;
        Ok(())
    }

    pub fn hall_info(&self) -> Result<HallInfo> {
        Ok(HallInfo {
            township_code: self.setting("township_code")?.unwrap_or_default(),
            township_name: self.setting("township_name")?.unwrap_or_default(),
            today: self.today(),
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
            hall_event(&tx, self.now(), actor, "settings", &format!("乡镇设置为 {code} {name}"))?;
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
        let mut st = self.conn.prepare(&format!("SELECT {UNIT_COLUMNS} FROM units ORDER BY level DESC, code"))?;
        let rows = st.query_map([], unit_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One unit by code, if there is one.
    pub(crate) fn unit(&self, code: &str) -> Result<Option<Unit>> {
        let sql = format!("SELECT {UNIT_COLUMNS} FROM units WHERE code = ?1");
        Ok(self.conn.query_row(&sql, [code], unit_from_row).optional()?)
    }

    pub fn case_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM cases", [], |r| r.get(0))?)
    }
}

const UNIT_COLUMNS: &str = "rowid AS row_id, code, name, level";

/// The one mapping of `units` (`UNIT_COLUMNS`).
fn unit_from_row(r: &rusqlite::Row) -> rusqlite::Result<Unit> {
    Ok(Unit {
        code: r.get("code")?,
        name: r.get("name")?,
        level: stored::At::new(r, "units", "row_id")?.key("level", stored::serde_key)?,
    })
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

    /// A copy, in a temporary directory, of the hall checked in at `tests/fixtures/schema-N`:
    /// a real database of that schema made by the hallctl of that version (its README says
    /// how), with its key when it was encrypted then. Tests that rebuild an older hall open it
    /// with today's store.
    pub fn old_hall(version: i64) -> (tempfile::TempDir, PathBuf) {
        let from = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/schema-{version}"));
        let dir = tempfile::tempdir().unwrap();
        for file in ["hall.db", "hall.key"] {
            if from.join(file).exists() {
                std::fs::copy(from.join(file), dir.path().join(file)).unwrap();
            }
        }
        let path = dir.path().join("hall.db");
        assert_eq!(raw(&path).query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap(), version);
        (dir, path)
    }

    /// A decided case handed out as a step taken at `desk` on the hall network.
    pub fn delivered_at(s: &mut Store, desk: &str) -> String {
        let number = super::workflow_tests::decided(s);
        let clerk = s.user("clerk1").unwrap();
        let p = super::workflow_tests::delivery(super::DeliveryMethod::InPerson, "王小二", "230102199003078519", "");
        let _desk = crate::origin::enter(desk);
        s.act(&number, crate::lifecycle::Action::Deliver, &clerk, &p).unwrap();
        number
    }

    /// One number from the store (a test's `SELECT count(*) …`).
    pub fn count(s: &Store, sql: &str) -> i64 {
        s.conn.query_row(sql, [], |r| r.get(0)).unwrap()
    }

    /// The file as it is, without migrating it (with its key if it has one).
    pub fn raw(path: &Path) -> Connection {
        if path.with_file_name("hall.key").exists() {
            super::cipher::open_keyed(path, path, false).unwrap()
        } else {
            Connection::open(path).unwrap()
        }
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
