//! The database is encrypted at rest (SQLCipher: every page, the WAL included, AES-256), so a
//! copied file or a stolen PC does not give up citizens' ID numbers, phones and addresses. The
//! key is 256 random bits in `hall.key` beside the database, readable by the hall's user only;
//! backups are encrypted with the same key, so a restore needs this hall's key — another
//! hall's backup cannot even be opened. A database written before encryption is encrypted in
//! place the first time it is opened.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use crate::error::{ErrorCode, HallError, Result};

fn key_path(db: &Path) -> PathBuf {
    db.with_file_name("hall.key")
}

/// Where a key being rotated in is written first (see [`finish_rotation`]).
fn next_key_path(db: &Path) -> PathBuf {
    db.with_file_name("hall.key.next")
}

/// The hall's 256-bit key: in `hall.key`, on the recovery sheet as the recovery code.
pub(crate) type HallKey = [u8; 32];

fn storage(msg: String) -> HallError {
    HallError::new(ErrorCode::Storage, msg)
}

fn hex(key: &HallKey) -> String {
    key.iter().map(|b| format!("{b:02x}")).collect()
}

/// SQLCipher's raw-key literal (no key derivation: the key is random already).
fn literal(key: &HallKey) -> String {
    format!("x'{}'", hex(key))
}

pub(crate) fn new_key() -> HallKey {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

fn parse_hex(text: &str) -> Option<HallKey> {
    let text = text.trim();
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    let mut key = [0u8; 32];
    for (i, b) in key.iter_mut().enumerate() {
        *b = u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(key)
}

fn read_key_at(path: &Path) -> Result<HallKey> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        storage(format!(
            "无法读取数据库密钥 {}（{e}）：没有本机的密钥文件就打不开加密的数据库。密钥文件丢失时，请用档案柜里的数据恢复凭证从备份恢复（hallctl restore 备份文件 --recovery-code 恢复码），或联系县信息中心",
            path.display()
        ))
    })?;
    parse_hex(&text).ok_or_else(|| storage(format!("数据库密钥文件 {} 已损坏", path.display())))
}

/// The key of the hall whose database is `db`.
pub(crate) fn read_key(db: &Path) -> Result<HallKey> {
    read_key_at(&key_path(db))
}

fn write_key_at(path: &Path, key: &HallKey) -> Result<()> {
    // tempfile creates the file readable by its owner only; renamed into place whole.
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut f = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut f, hex(key).as_bytes())?;
    f.as_file().sync_all()?;
    f.persist(path).map_err(|e| storage(format!("无法保存数据库密钥 {}：{}", path.display(), e.error)))?;
    Ok(())
}

/// Writes the hall's key file (a restore on a new PC).
pub(crate) fn write_key(db: &Path, key: &HallKey) -> Result<()> {
    write_key_at(&key_path(db), key)
}

/// The hall's key as SQLCipher's raw-key literal; made (0600) the first time.
fn key(db: &Path, create: bool) -> Result<String> {
    let path = key_path(db);
    if create && !path.exists() {
        let key = new_key();
        write_key_at(&path, &key)?;
        return Ok(literal(&key));
    }
    Ok(literal(&read_key_at(&path)?))
}

/// Applies a key to a freshly opened connection.
pub(crate) fn unlock_with(conn: &Connection, key: &HallKey) -> Result<()> {
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    conn.pragma_update(None, "key", literal(key))?;
    Ok(())
}

/// Whether `conn` (keyed) reads: a wrong key fails on the first page.
pub(crate) fn readable(conn: &Connection) -> bool {
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).is_ok()
}

/// Re-encrypts the database `conn` has open (in rollback-journal mode: SQLCipher 4 cannot
/// rekey a WAL database) with `key`. The new key is written to `hall.key.next` before the
/// file changes and renamed over `hall.key` after, so a power cut between leaves both keys on
/// disk and [`finish_rotation`] finds which one opens the file.
pub(crate) fn rekey(conn: &Connection, db: &Path, key: &HallKey) -> Result<()> {
    write_key_at(&next_key_path(db), key)?;
    conn.pragma_update(None, "rekey", literal(key))?;
    std::fs::rename(next_key_path(db), key_path(db))?;
    Ok(())
}

/// Re-encrypts a file opened on its own (a backup, in rollback-journal mode).
pub(crate) fn rekey_file(conn: &Connection, key: &HallKey) -> Result<()> {
    conn.pragma_update(None, "rekey", literal(key))?;
    Ok(())
}

/// A key rotation cut off by a power cut: `hall.key.next` is kept if it is the one that opens
/// the file now, dropped otherwise.
fn finish_rotation(db: &Path) -> Result<()> {
    let next = next_key_path(db);
    if !next.exists() || !key_path(db).exists() {
        return Ok(());
    }
    let opens = |key: &HallKey| {
        Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY)
            .ok()
            .is_some_and(|c| unlock_with(&c, key).is_ok() && readable(&c))
    };
    if opens(&read_key(db)?) {
        std::fs::remove_file(&next)?;
    } else if opens(&read_key_at(&next)?) {
        log::warn!("finishing a key rotation cut off before its end");
        std::fs::rename(&next, key_path(db))?;
    }
    Ok(())
}

/// Applies the hall's key to a freshly opened connection to `db` (or to a file beside it that
/// shares its key: a backup).
pub(crate) fn unlock(conn: &Connection, db: &Path) -> Result<()> {
    // SQLCipher logs a wrong key or a damaged page to stderr itself ("ERROR CORE
    // sqlcipher_page_cipher: hmac check failed …") before the error reaches us; the hall's
    // Chinese message says it already, so its own log stays quiet.
    conn.pragma_update(None, "cipher_log_level", "NONE")?;
    conn.pragma_update(None, "key", key(db, false)?)?;
    Ok(())
}

/// A backup opened read-only with a key given (a recovery code), not the one beside a database.
pub(crate) fn open_sealed_with(path: &Path, key: &HallKey) -> Result<Connection> {
    let conn = Connection::open_with_flags(immutable_uri(path), sealed_flags())?;
    unlock_with(&conn, key)?;
    Ok(conn)
}

fn sealed_flags() -> OpenFlags {
    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX
}

/// A backup opened to be read and nothing else. `immutable=1` tells SQLite the file does not
/// change while it is open, so it takes no locks and writes no `-shm` / `-wal` beside it: a
/// backup on a read-only or removable medium is checked without failing or littering.
pub(crate) fn open_sealed(path: &Path, key_of: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(immutable_uri(path), sealed_flags())?;
    unlock(&conn, key_of)?;
    Ok(conn)
}

fn immutable_uri(path: &Path) -> String {
    // The path as a URI: only the characters that URIs give a meaning to are escaped.
    let mut uri = String::from("file:");
    for c in path.display().to_string().chars() {
        match c {
            '%' => uri.push_str("%25"),
            '?' => uri.push_str("%3f"),
            '#' => uri.push_str("%23"),
            c => uri.push(c),
        }
    }
    uri.push_str("?immutable=1");
    uri
}

/// A connection to a hall database (or a backup of it) with its key applied, for tools and
/// tests that read the file behind the store (the store itself opens through `Store::open`).
pub fn open_keyed(path: &Path, key_of: &Path, read_only: bool) -> Result<Connection> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::default()
    };
    let conn = Connection::open_with_flags(path, flags)?;
    unlock(&conn, key_of)?;
    Ok(conn)
}

fn is_plaintext(db: &Path) -> bool {
    let mut head = [0u8; 16];
    std::fs::File::open(db).and_then(|mut f| std::io::Read::read_exact(&mut f, &mut head)).is_ok()
        && &head == b"SQLite format 3\0"
}

/// Makes sure the key exists and the file at `db` is encrypted with it: a new database gets a
/// new key; a plaintext one from before is encrypted in place (written beside it, then renamed
/// over it, so a power cut leaves either the old file or the new one).
pub(crate) fn prepare(db: &Path) -> Result<()> {
    finish_rotation(db)?;
    let exists = db.exists() && std::fs::metadata(db).map(|m| m.len() > 0).unwrap_or(false);
    if exists && !key_path(db).exists() && !is_plaintext(db) {
        return Err(storage(format!(
            "{} 不是有效的一窗通数据库，或是加密的数据库而旁边没有它的密钥文件 hall.key：请把原来的密钥文件放回，或联系县信息中心",
            db.display()
        )));
    }
    let key = key(db, true)?;
    if !exists || !is_plaintext(db) {
        return Ok(());
    }
    log::warn!("encrypting the plaintext database {}", db.display());
    let fail =
        |e: rusqlite::Error| storage(format!("加密原有数据库时出错，原文件未改动：{}", HallError::from(e).message));
    let plain = Connection::open(db).map_err(fail)?;
    // Everything from the WAL into the main file first, so the export sees all of it.
    plain.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())).map_err(fail)?;
    let version: i64 = plain.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(fail)?;
    let tmp = db.with_extension("encrypting");
    let _ = std::fs::remove_file(&tmp);
    plain
        .execute("ATTACH DATABASE ?1 AS enc KEY ?2", rusqlite::params![tmp.display().to_string(), key])
        .map_err(fail)?;
    plain.query_row("SELECT sqlcipher_export('enc')", [], |_| Ok(())).map_err(fail)?;
    plain.execute_batch(&format!("PRAGMA enc.user_version = {version}; DETACH DATABASE enc;")).map_err(fail)?;
    plain.execute_batch("PRAGMA journal_mode = DELETE;").map_err(fail)?;
    drop(plain);
    std::fs::rename(&tmp, db)?;
    for side in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{side}", db.display()));
    }
    Ok(())
}
