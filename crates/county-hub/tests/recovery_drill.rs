//! The recovery drill, as county IT would run it after a hall PC's disk died: a demo hall with
//! an off-site backup folder and a link to a real hub on a real PostgreSQL; the hall's folder
//! deleted whole; the hall restored on a fresh folder by the real `hallctl restore` with the
//! code from the 数据恢复凭证 — and again with the code `county-hub escrow open` gives back.
//! Refusals (a mistyped code, another hall's code, a cut file, a newer schema) write nothing.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::hub::{self, Hub};
use common::{database, hallctl};
use hall_core::Store;

fn hallctl_run(db: &Path, args: &[&str]) -> Output {
    Command::new(hallctl()).arg("--db").arg(db).args(args).output().expect("hallctl runs")
}

fn said(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Every file under `dir`, relative, sorted.
fn tree(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(rd) = std::fs::read_dir(dir) else { return };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().display().to_string());
            }
        }
    }
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// What a restored hall must hold again: its case numbers, users and event count.
fn contents(db: &Path) -> (Vec<String>, Vec<String>, i64) {
    let s = Store::open(db).unwrap();
    let raw = hall_core::store::open_keyed(db, db, true).unwrap();
    let mut st = raw.prepare("SELECT number FROM cases ORDER BY number").unwrap();
    let cases = st.query_map([], |r| r.get(0)).unwrap().collect::<Result<Vec<String>, _>>().unwrap();
    let users = s.users().unwrap().into_iter().map(|u| format!("{}:{:?}", u.username, u.role)).collect();
    (cases, users, s.last_event_id().unwrap())
}

/// A refused restore: non-zero, its own words, nothing from SQLite, the target never made.
fn refused(target: &Path, backup: &Path, code: &str, words: &str) {
    let o = hallctl_run(&target.join("hall.db"), &["restore", backup.to_str().unwrap(), "--recovery-code", code]);
    let text = said(&o);
    assert!(!o.status.success() && text.contains(words), "expected “{words}”: {text}");
    assert!(!text.contains("sqlcipher") && !text.contains("ERROR CORE"), "{text}");
    assert!(!target.exists(), "a refused restore made {}", target.display());
}

#[test]
fn the_hall_comes_back_from_an_offsite_backup_with_the_sheet_or_the_countys_copy() {
    let url = database();
    let server = Hub::start(&url, &[]);
    let token = hub::add_township(&url, "231221102", "卫星镇");
    let root = tempfile::tempdir().unwrap();
    let identity = root.path().join("county-escrow.txt");
    let o = hub::cli(&url, &["escrow", "keygen", "--out", identity.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));

    // The hall: demo data, an off-site folder, linked to the hub.
    let hall = root.path().join("hall");
    let db = hall.join("hall.db");
    assert!(hallctl_run(&db, &["demo"]).status.success());
    let offsite = root.path().join("offsite");
    std::fs::create_dir(&offsite).unwrap();
    {
        let mut s = Store::open(&db).unwrap();
        let mut settings = s.settings().unwrap();
        settings.backup_copy_dir = offsite.display().to_string();
        s.save_settings(&settings, "admin").unwrap();
        s.save_hub(&server.url, Some(&token), "admin").unwrap();
        s.daily_backup().unwrap();
    }
    // What the off-site copy holds.
    let (cases, users, events) = contents(&db);
    assert!(cases.len() > 100 && users.len() > 3);
    let o = hallctl_run(&db, &["sync", "--once"]);
    assert!(o.status.success(), "{}", said(&o));
    let sheet = root.path().join("sheet.pdf");
    let o = hallctl_run(&db, &["key", "sheet", "--out", sheet.to_str().unwrap(), "--show"]);
    assert!(o.status.success(), "{}", said(&o));
    let last = String::from_utf8_lossy(&o.stdout).lines().last().unwrap().to_string();
    let code = last.strip_prefix("恢复码：").expect("the last line is the code").to_string();
    assert_eq!(code.split('-').count(), 14);

    // The sheet read back: township and every group in the text, the QR the same code.
    let text = Command::new("pdftotext").arg(&sheet).arg("-").output().expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("卫星镇") && text.contains("231221102") && text.contains("数据恢复凭证"), "{text}");
    for group in code.split('-') {
        assert!(text.contains(group), "group {group} not on the sheet");
    }
    let png = root.path().join("sheet");
    assert!(Command::new("pdftoppm").args(["-r", "200", "-png"]).arg(&sheet).arg(&png).status().unwrap().success());
    let qr = Command::new("zbarimg").args(["-q", "--raw"]).arg(root.path().join("sheet-1.png")).output();
    let qr = qr.expect("zbarimg (zbar-tools)");
    assert_eq!(String::from_utf8_lossy(&qr.stdout).trim(), code);

    let backup = std::fs::read_dir(&offsite).unwrap().flatten().map(|e| e.path()).next().expect("an off-site copy");
    let offsite_files = tree(&offsite);

    // A backup of a newer program, made while the key is still at hand.
    let newer = root.path().join("newer.db");
    std::fs::copy(&backup, &newer).unwrap();
    let c = hall_core::store::open_keyed(&newer, &db, false).unwrap();
    c.pragma_update(None, "user_version", 9999).unwrap();
    drop(c);

    // The disk dies.
    std::fs::remove_dir_all(&hall).unwrap();

    // Refusals, each in its own words, nothing written anywhere.
    let fresh = root.path().join("fresh");
    let mut typo: Vec<char> = code.chars().collect();
    typo[2] = if typo[2] == 'A' { 'B' } else { 'A' };
    refused(&fresh, &backup, &typo.into_iter().collect::<String>(), "校验不符");
    let other = root.path().join("other");
    assert!(
        hallctl_run(
            &other.join("hall.db"),
            &["init", "--township-code", "231221103", "--township-name", "东风镇", "--admin-password", "Admin@2026x"]
        )
        .status
        .success(),
        "init other"
    );
    let o = hallctl_run(
        &other.join("hall.db"),
        &["key", "sheet", "--out", root.path().join("o.pdf").to_str().unwrap(), "--show"],
    );
    let other_code = String::from_utf8_lossy(&o.stdout).lines().last().unwrap().replace("恢复码：", "");
    refused(&fresh, &backup, &other_code, "打不开");
    let cut = root.path().join("cut.db");
    let bytes = std::fs::read(&backup).unwrap();
    std::fs::write(&cut, &bytes[..bytes.len() / 2 + 123]).unwrap();
    refused(&fresh, &cut, &code, "不完整");
    refused(&fresh, &newer, &code, "更新版本");
    assert_eq!(tree(&offsite), offsite_files, "nothing beside the backup");

    // With the sheet's code.
    let o = hallctl_run(&fresh.join("hall.db"), &["restore", backup.to_str().unwrap(), "--recovery-code", &code]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(said(&o).contains("接入令牌须重新输入"), "{}", said(&o));
    assert_eq!(tree(&fresh), ["hall.db", "hall.key"]);
    assert_eq!(tree(&offsite), offsite_files);
    let o = hallctl_run(&fresh.join("hall.db"), &["audit", "verify"]);
    assert!(o.status.success(), "{}", said(&o));
    let (c2, u2, e2) = contents(&fresh.join("hall.db"));
    assert_eq!((c2, u2), (cases.clone(), users.clone()));
    assert_eq!(e2, events + 1, "every event of the backup, and the restore as one more");
    {
        let s = Store::open(fresh.join("hall.db")).unwrap();
        let status = s.sync_status().unwrap();
        assert_eq!((s.hub_url().unwrap().as_deref(), status.token_set), (Some(server.url.as_str()), false));
    }

    // With the county's sealed copy, opened by the identity county IT kept offline.
    let o = hub::cli(&url, &["escrow", "open", "231221102", "--identity", identity.to_str().unwrap()]);
    assert!(o.status.success(), "{}", said(&o));
    let county_line = String::from_utf8_lossy(&o.stdout).lines().last().unwrap().to_string();
    assert_eq!(county_line, format!("恢复码：{code}"));
    let again = root.path().join("again");
    let o =
        hallctl_run(&again.join("hall.db"), &["restore", backup.to_str().unwrap(), "--recovery-code", &county_line]);
    assert!(o.status.success(), "{}", said(&o));
    assert_eq!(contents(&again.join("hall.db")).0, cases);
    assert_eq!(tree(&again), ["hall.db", "hall.key"]);
}

#[test]
fn the_hub_holds_only_what_it_cannot_open_and_a_wrong_identity_opens_nothing() {
    let url = database();
    let server = Hub::start(&url, &[]);
    let token = hub::add_township(&url, "231221102", "卫星镇");
    let root = tempfile::tempdir().unwrap();
    // Before the county has a key pair, a sync passes and sends nothing.
    let db = root.path().join("hall/hall.db");
    assert!(hallctl_run(&db, &["demo"]).status.success());
    let sync = || hallctl_run(&db, &["sync", "--once", "--hub", &server.url, "--token", &token]);
    assert!(sync().status.success());
    let o = hub::cli(&url, &["escrow", "open", "231221102", "--identity", "/nonexistent"]);
    assert!(!o.status.success());
    let id = root.path().join("id.txt");
    assert!(hub::cli(&url, &["escrow", "keygen", "--out", id.to_str().unwrap()]).status.success());
    // Never overwritten.
    let o = hub::cli(&url, &["escrow", "keygen", "--out", id.to_str().unwrap()]);
    assert!(!o.status.success() && said(&o).contains("已存在"), "{}", said(&o));
    assert!(sync().status.success());
    let code = Store::open(&db).unwrap().recovery_code().unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let stored: Vec<String> = rt.block_on(async {
        let c = common::connect(&url).await;
        c.query("SELECT sealed FROM escrowed_keys", &[]).await.unwrap().iter().map(|r| r.get(0)).collect()
    });
    assert_eq!(stored.len(), 1, "sent once however often the hall syncs");
    assert!(stored[0].starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    assert!(!stored[0].contains(&code.text()) && !stored[0].contains(&code.groups()[0]));
    // Another identity opens nothing.
    let stranger = root.path().join("stranger.txt");
    let other_url = database();
    assert!(hub::cli(&other_url, &["escrow", "keygen", "--out", stranger.to_str().unwrap()]).status.success());
    let o = hub::cli(&url, &["escrow", "open", "231221102", "--identity", stranger.to_str().unwrap()]);
    assert!(!o.status.success() && said(&o).contains("不是用这个私钥"), "{}", said(&o));
    // A rotated key goes up again at the next sync.
    let o = hallctl_run(&db, &["key", "rotate"]);
    assert!(o.status.success(), "{}", said(&o));
    assert!(sync().status.success());
    let o = hub::cli(&url, &["escrow", "open", "231221102", "--identity", id.to_str().unwrap()]);
    let new_code = Store::open(&db).unwrap().recovery_code().unwrap();
    assert!(said(&o).contains(&new_code.text()), "{}", said(&o));
}
