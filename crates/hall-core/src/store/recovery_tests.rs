//! The recovery code, key rotation, restore on a new PC and the full check, on real files.

use std::path::Path;

use chrono::NaiveDateTime;

use super::{restore_new, RecoveryCode, Store, OPERATOR};
use crate::api::{dispatch, Reply, Request};
use crate::store::SessionUser;

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn demo(dir: &Path) -> Store {
    let mut s = Store::open(dir.join("hall.db")).unwrap();
    s.set_now(Some(at("2026-11-20 17:00")));
    crate::demo::load_demo(&mut s, 10, 6).unwrap();
    s
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn a_backup_and_the_code_restore_the_hall_on_a_pc_with_none() {
    let d = tempfile::tempdir().unwrap();
    let s = demo(&d.path().join("old"));
    let code = s.recovery_code().unwrap();
    let off = d.path().join("off");
    std::fs::create_dir(&off).unwrap();
    let backup = off.join("b.db");
    s.backup_to(&backup).unwrap();
    let (cases, events) = (s.case_count().unwrap(), s.last_event_id().unwrap());
    drop(s);
    std::fs::remove_dir_all(d.path().join("old")).unwrap();

    let new = d.path().join("new");
    // No code and no key: refused, nothing made.
    let e = restore_new(&new.join("hall.db"), &backup, None, OPERATOR).err().unwrap();
    assert!(e.message.contains("--recovery-code"), "{}", e.message);
    // Another hall's code (valid, but not this backup's key).
    let other = RecoveryCode::of([3u8; 32]);
    let e = restore_new(&new.join("hall.db"), &backup, Some(&other), OPERATOR).err().unwrap();
    assert!(e.message.contains("打不开") && e.message.contains(&other.fingerprint()), "{}", e.message);
    assert!(!new.exists());
    assert_eq!(files(&off), ["b.db"]);

    let (r, facts) = restore_new(&new.join("hall.db"), &backup, Some(&code), OPERATOR).unwrap();
    assert_eq!((facts.cases, r.case_count().unwrap()), (cases, cases));
    assert!(r.audit_verify().unwrap().intact);
    assert!(r.last_event_id().unwrap() > events);
    // The same key: the sheet in the 档案柜 stays valid.
    assert_eq!(r.recovery_code().unwrap(), code);
    drop(r);
    assert_eq!(files(&new), ["hall.db", "hall.key"]);
    assert_eq!(files(&off), ["b.db"]);
}

#[test]
fn a_rotated_key_voids_the_old_code_and_keeps_the_local_backups_readable() {
    let d = tempfile::tempdir().unwrap();
    let mut s = demo(d.path());
    s.daily_backup().unwrap();
    let old = s.recovery_code().unwrap();
    let away = d.path().join("away.db");
    s.backup_to(&away).unwrap();
    let done = s.rotate_key("admin").unwrap();
    assert_eq!(done.old_fingerprint, old.fingerprint());
    let new = s.recovery_code().unwrap();
    assert_ne!(new, old);
    // The hall works on, and opens again with the new key.
    s.note_hall_event("admin", "x", "after").unwrap();
    drop(s);
    let s = Store::open(d.path().join("hall.db")).unwrap();
    assert!(s.audit_verify().unwrap().intact);
    for b in s.backups().unwrap() {
        s.check_backup(Path::new(&b.path), None).unwrap();
    }
    let state = s.recovery_state().unwrap();
    assert_eq!(state.retired[0].fingerprint, old.fingerprint());
    assert_eq!(state.sheet_printed_at, None);
    // A backup made before, away from the hall, still opens with the old code ...
    s.check_backup(&away, Some(&old)).unwrap();
    // ... and a new one does not: the refusal says the old sheet is void.
    let fresh = d.path().join("fresh.db");
    s.backup_to(&fresh).unwrap();
    let e = s.check_backup(&fresh, Some(&old)).unwrap_err();
    assert!(e.message.contains("作废"), "{}", e.message);
}

#[test]
fn a_rotation_is_refused_while_another_connection_has_the_file() {
    let d = tempfile::tempdir().unwrap();
    let mut s = demo(d.path());
    let before = s.recovery_code().unwrap();
    let reader = Store::open_reader(d.path().join("hall.db")).unwrap();
    reader.case_count().unwrap();
    let e = s.rotate_key("admin").unwrap_err();
    assert!(e.message.contains("其他程序"), "{}", e.message);
    assert_eq!(s.recovery_code().unwrap(), before);
    assert!(s.audit_verify().unwrap().intact);
    drop(reader);
    s.note_hall_event("admin", "x", "still writes").unwrap();
}

#[test]
fn a_damaged_page_is_found_at_night_and_stops_writes_but_not_the_way_out() {
    let d = tempfile::tempdir().unwrap();
    let s = demo(d.path());
    let clean = d.path().join("clean.db");
    s.backup_to(&clean).unwrap();
    let db = d.path().join("hall.db");
    drop(s);
    // A page in the middle of the file overwritten (a failing disk).
    let mut bytes = std::fs::read(&db).unwrap();
    let page = bytes.len() / 4096 / 2;
    for b in &mut bytes[page * 4096 + 100..page * 4096 + 300] {
        *b ^= 0x5a;
    }
    std::fs::write(&db, &bytes).unwrap();
    // It opens quickly (only the first page is read) ...
    let mut s = Store::open(&db).unwrap();
    s.set_now(Some(at("2026-11-21 02:00")));
    // ... and the nightly backup finds it.
    let e = s.daily_backup().unwrap_err();
    assert!(e.message.contains("停止保存"), "{}", e.message);
    let check = s.last_integrity_check().unwrap().unwrap();
    assert!(!check.ok && !check.findings.is_empty());
    let mut admin = Some(SessionUser::operator());
    let e = dispatch(&mut s, &mut admin, Request::MakeBackup).unwrap_err();
    assert!(e.message.contains("数据安全") && e.message.contains("恢复"), "{}", e.message);
    let safety = match dispatch(&mut s, &mut admin, Request::DataSafety).unwrap() {
        Reply::DataSafety(v) => v,
        other => panic!("{other:?}"),
    };
    assert!(safety.writes_stopped.is_some());
    drop(s);
    // Still stopped after a restart; a restore from the clean backup is the way out.
    let mut s = Store::open(&db).unwrap();
    assert!(s.writes_stopped().is_some());
    let req = Request::RestoreBackup { path: clean.display().to_string(), recovery_code: None };
    dispatch(&mut s, &mut admin, req).unwrap();
    assert!(s.writes_stopped().is_none());
    s.note_hall_event("admin", "x", "writes again").unwrap();
    match dispatch(&mut s, &mut admin, Request::CheckIntegrity).unwrap() {
        Reply::Integrity(c) => assert!(c.ok, "{c:?}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn restore_refuses_a_cut_file_and_a_newer_schema_each_in_its_own_words() {
    let d = tempfile::tempdir().unwrap();
    let s = demo(&d.path().join("hall"));
    let code = s.recovery_code().unwrap();
    let b = d.path().join("b.db");
    s.backup_to(&b).unwrap();
    let bytes = std::fs::read(&b).unwrap();
    let cut = d.path().join("cut.db");
    std::fs::write(&cut, &bytes[..bytes.len() / 2 + 77]).unwrap();
    let e = restore_new(&d.path().join("n1/hall.db"), &cut, Some(&code), OPERATOR).err().unwrap();
    assert!(e.message.contains("不完整"), "{}", e.message);
    let cut_whole_pages = d.path().join("cut2.db");
    std::fs::write(&cut_whole_pages, &bytes[..bytes.len() / 2 / 4096 * 4096]).unwrap();
    let e = restore_new(&d.path().join("n1/hall.db"), &cut_whole_pages, Some(&code), OPERATOR).err().unwrap();
    assert!(e.message.contains("损坏"), "{}", e.message);
    let newer = d.path().join("newer.db");
    std::fs::copy(&b, &newer).unwrap();
    let c = super::open_keyed(&newer, &d.path().join("hall/hall.db"), false).unwrap();
    c.pragma_update(None, "user_version", 999).unwrap();
    drop(c);
    let e = restore_new(&d.path().join("n1/hall.db"), &newer, Some(&code), OPERATOR).err().unwrap();
    assert!(e.message.contains("更新版本"), "{}", e.message);
    assert!(!d.path().join("n1").exists());
}

#[test]
fn damage_found_by_the_backups_own_connection_stops_the_writer_at_once() {
    // The hourly backup runs on a connection of its own (outside the store's lock): what it
    // finds must stop the writer that serves the window and the desks, without a restart.
    let d = tempfile::tempdir().unwrap();
    let db = d.path().join("hall.db");
    drop(demo(d.path()));
    let mut bytes = std::fs::read(&db).unwrap();
    let page = bytes.len() / 4096 / 2;
    bytes[page * 4096 + 64..page * 4096 + 256].fill(0);
    std::fs::write(&db, &bytes).unwrap();
    let mut writer = Store::open(&db).unwrap();
    let own = Store::open_reader(&db).unwrap();
    assert!(own.daily_backup().is_err());
    let mut admin = Some(SessionUser::operator());
    let e = dispatch(&mut writer, &mut admin, Request::MakeBackup).unwrap_err();
    assert!(e.message.contains("停止保存"), "{}", e.message);
}
