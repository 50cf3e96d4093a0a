//! The event log's hash chain and the backups, on real files.

use chrono::NaiveDateTime;

use super::testing;
use super::{HallSettings, Store};

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn demo() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Store::open(dir.path().join("hall.db")).unwrap();
    s.set_now(Some(at("2026-11-20 17:00")));
    crate::demo::load_demo(&mut s, 10, 6).unwrap();
    (dir, s)
}

/// Someone with the file and the sqlite3 tool: triggers dropped, a row changed or removed.
fn behind_the_apps_back(s: &Store, sql: &str) {
    s.conn.execute_batch("DROP TRIGGER IF EXISTS events_no_update; DROP TRIGGER IF EXISTS events_no_delete;").unwrap();
    s.conn.execute_batch(sql).unwrap();
}

#[test]
fn the_event_log_is_a_chain_and_a_changed_row_is_named() {
    let (_d, s) = demo();
    let r = s.audit_verify().unwrap();
    assert!(r.intact && r.events > 100, "{r:?}");
    behind_the_apps_back(&s, "UPDATE events SET note = '已改' WHERE id = 42;");
    let r = s.audit_verify().unwrap();
    assert!(!r.intact);
    assert_eq!(r.broken_id, Some(42));
    assert!(r.broken.contains("#42") && r.broken.contains("内容被改动"), "{}", r.broken);
}

#[test]
fn a_removed_row_and_a_removed_newest_row_are_caught() {
    let (_d, s) = demo();
    behind_the_apps_back(&s, "DELETE FROM events WHERE id = 17;");
    let r = s.audit_verify().unwrap();
    assert_eq!(r.broken_id, Some(18));
    assert!(r.broken.contains("删除"), "{}", r.broken);

    let (_d, s) = demo();
    let last: i64 = s.conn.query_row("SELECT max(id) FROM events", [], |r| r.get(0)).unwrap();
    behind_the_apps_back(&s, &format!("DELETE FROM events WHERE id = {last};"));
    let r = s.audit_verify().unwrap();
    assert!(!r.intact && r.broken.contains("最新的事件记录被删除"), "{}", r.broken);
}

#[test]
fn a_log_from_before_the_chain_is_chained_on_upgrade() {
    // A demo hall as schema 4 made it: its event log without hashes.
    let (_dir, path) = testing::old_hall(4);
    let n: i64 = testing::raw(&path).query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap();
    assert!(n > 100);
    let s = Store::open(&path).unwrap();
    let r = s.audit_verify().unwrap();
    assert!(r.intact && r.events as i64 == n, "{r:?}");
    // And the log is append-only again.
    assert!(s.conn.execute("UPDATE events SET note = 'x' WHERE id = 1", []).is_err());
}

#[test]
fn a_backup_restores_what_it_held_and_keeps_what_it_replaced() {
    let (dir, mut s) = demo();
    let cases_then = s.case_count().unwrap();
    let file = dir.path().join("copy.db");
    let made = s.backup_to(&file).unwrap();
    assert!(made.bytes > 0);
    let facts = s.check_backup(&file, None).unwrap();
    assert_eq!((facts.township_code.as_str(), facts.cases), ("231221102", cases_then));
    // Work goes on after the backup…
    crate::demo::seed_refused(&mut s, 3, 0).unwrap();
    assert_eq!(s.case_count().unwrap(), cases_then + 3);
    // …and the restore brings the backup's content back, the replaced content kept aside.
    let restored = s.restore_from(&file, None, "admin").unwrap();
    assert_eq!(restored.cases, cases_then);
    assert_eq!(s.case_count().unwrap(), cases_then);
    assert!(s.audit_verify().unwrap().intact, "the chain goes on after the restore event");
    let kept: Vec<_> = std::fs::read_dir(dir.path().join("backups")).unwrap().filter_map(|e| e.ok()).collect();
    assert!(kept.iter().any(|e| e.file_name().to_string_lossy().starts_with("before-restore-")));
    // The same content compared table by table.
    let copy = super::open_keyed(&file, s.path(), true).unwrap();
    for table in ["cases", "events", "applicants", "case_materials", "outbox", "ratings"] {
        let q = format!("SELECT count(*) FROM {table}");
        let here: i64 = s.conn.query_row(&q, [], |r| r.get(0)).unwrap();
        let there: i64 = copy.query_row(&q, [], |r| r.get(0)).unwrap();
        // The restore itself is one more event.
        assert_eq!(here, there + i64::from(table == "events"), "{table}");
    }
}

#[test]
fn a_damaged_or_foreign_backup_is_refused_and_nothing_changes() {
    let (dir, mut s) = demo();
    let before = s.case_count().unwrap();
    let garbage = dir.path().join("garbage.db");
    std::fs::write(&garbage, b"not a database at all, just text").unwrap();
    let e = s.restore_from(&garbage, None, "admin").unwrap_err();
    assert!(e.message.contains("不能用于恢复"), "{}", e.message);
    // A copy cut short.
    let good = dir.path().join("good.db");
    s.backup_to(&good).unwrap();
    let bytes = std::fs::read(&good).unwrap();
    let cut = dir.path().join("cut.db");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let e = s.restore_from(&cut, None, "admin").unwrap_err();
    assert!(e.message.contains("不能用于恢复"), "{}", e.message);
    // Another township's hall: its own key, so this hall cannot even read it…
    let (d2, other) = testing::store();
    let foreign = dir.path().join("foreign.db");
    other.backup_to(&foreign).unwrap();
    let e = s.restore_from(&foreign, None, "admin").unwrap_err();
    assert!(e.message.contains("用本机的密钥打不开"), "{}", e.message);
    // …and with its key copied over, it is still another township's.
    let (_d3, mut mine) = {
        let d3 = tempfile::tempdir().unwrap();
        std::fs::copy(d2.path().join("hall.key"), d3.path().join("hall.key")).unwrap();
        let mut m = Store::open(d3.path().join("hall.db")).unwrap();
        m.init("231221102", "卫星镇", "test").unwrap();
        (d3, m)
    };
    let e = mine.restore_from(&foreign, None, "admin").unwrap_err();
    assert!(e.message.contains("不符"), "{}", e.message);
    assert_eq!(s.case_count().unwrap(), before);
    assert!(s.audit_verify().unwrap().intact);
}

#[test]
fn the_daily_backup_is_made_once_a_day_and_old_ones_go() {
    let (d, mut s) = demo();
    // 异地备份 to another folder (a mounted share in a hall), keeping as many.
    let away = d.path().join("county-share");
    std::fs::create_dir(&away).unwrap();
    let mut settings = s.settings().unwrap();
    settings.backup_keep = 3;
    settings.backup_copy_dir = away.to_string_lossy().into_owned();
    s.save_settings(&settings, "admin").unwrap();
    for day in 1..=5 {
        s.set_now(Some(at(&format!("2026-12-0{day} 08:00"))));
        assert!(s.daily_backup().unwrap().is_some());
        assert!(s.daily_backup().unwrap().is_none(), "once a day");
    }
    let kept = s.backups().unwrap();
    assert_eq!(kept.len(), 3);
    assert!(kept[0].path.ends_with("hall-20261205.db") && kept[2].path.ends_with("hall-20261203.db"));
    let mut copies: Vec<String> =
        std::fs::read_dir(&away).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    copies.sort();
    assert_eq!(copies, ["hall-20261203.db", "hall-20261204.db", "hall-20261205.db"], "no partial files either");
    // The copy is a whole backup of this hall, readable with its key.
    assert_eq!(s.check_backup(&away.join("hall-20261205.db"), None).unwrap().cases, s.case_count().unwrap());
    // The share gone: said in Chinese, the local backup still made.
    std::fs::remove_dir_all(&away).unwrap();
    s.set_now(Some(at("2026-12-06 08:00")));
    let e = s.daily_backup().unwrap_err();
    assert!(e.message.contains("已保存在本机") && e.message.contains("异地备份目录"), "{}", e.message);
    assert!(s.backups().unwrap()[0].path.ends_with("hall-20261206.db"));
    // The share back: the next call copies what it missed.
    std::fs::create_dir(&away).unwrap();
    assert!(s.daily_backup().unwrap().is_none());
    assert!(away.join("hall-20261206.db").exists());
    // A relative folder or a count out of range is refused, nothing saved.
    for (dir, keep, says) in [("backups", 3, "完整路径"), ("", 0, "保留备份份数")] {
        let bad = HallSettings { backup_copy_dir: dir.into(), backup_keep: keep, ..s.settings().unwrap() };
        assert!(s.save_settings(&bad, "admin").unwrap_err().message.contains(says));
    }
    assert_eq!(s.settings().unwrap().backup_keep, 3);
}

/// Table sizes and the log's end: what "nothing half-saved" is checked against.
fn fingerprint(s: &Store) -> Vec<i64> {
    ["cases", "events", "applicants", "case_materials", "name_grams", "outbox", "case_serials"]
        .iter()
        .map(|t| s.conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0)).unwrap())
        .collect()
}

#[test]
fn a_full_disk_is_said_in_chinese_and_nothing_is_half_saved() {
    let (_d, mut s) = demo();
    let pages: i64 = s.conn.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap();
    // The database may not grow: as when the disk is full.
    s.conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(())).unwrap();
    let mut refused = 0;
    // Free pages inside the file take a few intakes before the pages run out.
    for i in 0..200 {
        let before = fingerprint(&s);
        if let Err(e) = crate::demo::seed_refused(&mut s, 1, 1000 + i) {
            assert!(e.message.contains("磁盘空间已满") && e.message.contains("未保存"), "{}", e.message);
            refused += 1;
            assert_eq!(fingerprint(&s), before, "a refused intake leaves nothing behind");
            break;
        }
    }
    assert_eq!(refused, 1, "the pages ran out");
    // Room again: the hall goes on, the log intact.
    s.conn.query_row("PRAGMA max_page_count = 1073741823", [], |_| Ok(())).unwrap();
    crate::demo::seed_refused(&mut s, 1, 2000).unwrap();
    assert!(s.audit_verify().unwrap().intact);
}

#[test]
fn a_read_only_database_is_said_in_chinese_and_the_hall_reads_on() {
    let (_d, mut s) = demo();
    s.conn.execute_batch("PRAGMA query_only = ON").unwrap();
    let before = fingerprint(&s);
    let e = crate::demo::seed_refused(&mut s, 1, 0).unwrap_err();
    assert!(e.message.contains("只读") && e.message.contains("未保存"), "{}", e.message);
    assert_eq!(fingerprint(&s), before);
    // Reading still works.
    assert!(!s.list_cases(None, None, 5).unwrap().is_empty());
    s.conn.execute_batch("PRAGMA query_only = OFF").unwrap();
    crate::demo::seed_refused(&mut s, 1, 0).unwrap();
}

#[test]
fn the_database_on_disk_gives_up_no_id_numbers_and_opens_only_with_its_key() {
    let (dir, mut s) = demo();
    crate::demo::seed_refused(&mut s, 1, 0).unwrap();
    let path = s.path().to_path_buf();
    drop(s);
    // Every byte the hall wrote: database, WAL, backups.
    for entry in std::fs::read_dir(dir.path()).unwrap().filter_map(|e| e.ok()) {
        if entry.path().is_file() && entry.file_name() != "hall.key" {
            let bytes = std::fs::read(entry.path()).unwrap();
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains("230102199003078519"), "{:?} shows an ID number", entry.file_name());
            assert!(!bytes.starts_with(b"SQLite format 3"), "{:?} is plaintext", entry.file_name());
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join("hall.key")).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the key is its owner's only");
    }
    // Without the key the file is refused in Chinese.
    std::fs::rename(dir.path().join("hall.key"), dir.path().join("hall.key.away")).unwrap();
    let e = Store::open(&path).err().unwrap();
    assert!(e.message.contains("密钥文件"), "{}", e.message);
    std::fs::rename(dir.path().join("hall.key.away"), dir.path().join("hall.key")).unwrap();
    assert!(Store::open(&path).unwrap().case_count().unwrap() > 0);
}

#[test]
fn a_plaintext_database_from_before_is_encrypted_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hall.db");
    {
        // As an older 一窗通 left it: plain SQLite with a case in it.
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "PRAGMA journal_mode=WAL; CREATE TABLE t(x TEXT); INSERT INTO t VALUES ('230102199003078519');",
        )
        .unwrap();
    }
    // It is not a hall database (no schema) but shows the conversion: encrypted, data kept.
    super::cipher::prepare(&path).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    assert!(!bytes.starts_with(b"SQLite format 3") && !String::from_utf8_lossy(&bytes).contains("230102199003078519"));
    let c = super::open_keyed(&path, &path, true).unwrap();
    let x: String = c.query_row("SELECT x FROM t", [], |r| r.get(0)).unwrap();
    assert_eq!(x, "230102199003078519");
}

/// Refusals of what a role may not do are audit events (who, when, which request, refused);
/// bad input and a locked window's requests are not.
#[test]
fn a_refused_role_is_an_event_naming_the_request() {
    use crate::api::{dispatch, Request};
    let (_d, mut s) = testing::store();
    let denied = |s: &Store| -> Vec<(String, String)> {
        let mut st = s.conn.prepare("SELECT actor, note FROM events WHERE action = 'denied' ORDER BY id").unwrap();
        st.query_map([], |r| Ok((r.get("actor")?, r.get("note")?))).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    };
    let mut session = None;
    let login = Request::Login { username: "clerk1".into(), password: "Demo@clerk1".to_string().into() };
    dispatch(&mut s, &mut session, login.clone()).unwrap();
    dispatch(&mut s, &mut session, Request::Users).unwrap_err();
    dispatch(&mut s, &mut session, Request::AdmissionTasks { state: None }).unwrap_err();
    // Bad input is answered, not audited.
    dispatch(&mut s, &mut session, Request::CaseDetail { number: "无此办件".into() }).unwrap_err();
    // Nor is what a locked window asks for.
    dispatch(&mut s, &mut session, Request::Lock).unwrap();
    dispatch(&mut s, &mut session, Request::Users).unwrap_err();
    let rows = denied(&s);
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].0, "clerk1");
    assert!(rows[0].1.contains("执行 users") && rows[0].1.contains("系统管理员"), "{}", rows[0].1);
    assert!(rows[1].1.contains("执行 admission_tasks"), "{}", rows[1].1);
    assert!(s.audit_verify().unwrap().intact);
}

/// Every file in `dir` whose name ends in `-shm` or `-wal`.
fn litter(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.ends_with("-shm") || n.ends_with("-wal"))
        .collect()
}

#[test]
fn checking_and_restoring_a_backup_leaves_nothing_beside_it() {
    let (dir, mut s) = demo();
    let away = tempfile::tempdir().unwrap();
    // A name with the characters a URI gives meaning to.
    let file = away.path().join("b#1 ?100%.bak");
    s.backup_to(&file).unwrap();
    s.daily_backup().unwrap();
    s.check_backup(&file, None).unwrap();
    s.restore_from(&file, None, "admin").unwrap();
    assert_eq!(litter(away.path()), Vec::<String>::new(), "beside the backup");
    let backups = dir.path().join("backups");
    assert_eq!(litter(&backups), Vec::<String>::new(), "in backups/");
    let names: Vec<String> = std::fs::read_dir(&backups)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert!(names.iter().all(|n| n.starts_with("hall-") || n.starts_with("before-restore-")), "{names:?}");
    // The backup is one file that reads alone: no WAL is needed to see its content.
    assert_eq!(std::fs::read_dir(away.path()).unwrap().count(), 1);
}

#[test]
fn a_hall_not_set_up_yet_restores_a_backup_of_its_own_key() {
    let (dir, s) = demo();
    let file = dir.path().join("copy.db");
    s.backup_to(&file).unwrap();
    let cases = s.case_count().unwrap();
    // A new PC with the hall's key file put back, and no `init`.
    let new = tempfile::tempdir().unwrap();
    std::fs::copy(dir.path().join("hall.key"), new.path().join("hall.key")).unwrap();
    let mut fresh = Store::open(new.path().join("hall.db")).unwrap();
    let facts = fresh.restore_from(&file, None, "admin").unwrap();
    assert_eq!((facts.township_code.as_str(), facts.cases), ("231221102", cases));
    assert_eq!(fresh.case_count().unwrap(), cases);
    assert!(fresh.audit_verify().unwrap().intact);
}

#[test]
fn a_damaged_page_does_not_stop_the_start_and_the_daily_backup_says_so() {
    let (dir, s) = demo();
    let db = s.path().to_path_buf();
    drop(s);
    // Every page into the main file, then a page in the middle overwritten.
    {
        let conn = super::open_keyed(&db, &db, false).unwrap();
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).unwrap();
    }
    let mut bytes = std::fs::read(&db).unwrap();
    let page = 4096;
    let middle = (bytes.len() / page / 2) * page;
    bytes[middle + 100..middle + 200].fill(0x5a);
    std::fs::write(&db, &bytes).unwrap();
    let s = Store::open(&db).expect("the start reads only what it needs");
    let e = s.daily_backup().unwrap_err();
    assert!(e.message.contains("备份未完成") && e.message.contains("从备份恢复"), "{}", e.message);
    assert!(e.message.chars().count() < 400, "a message to read, not a dump: {}", e.message);
    assert!(!e.message.contains(".hall-backup-"), "names no temporary file: {}", e.message);
    assert!(s.backups().unwrap().is_empty(), "no damaged copy is kept as a backup");
    assert_eq!(litter(&dir.path().join("backups")), Vec::<String>::new());
}
