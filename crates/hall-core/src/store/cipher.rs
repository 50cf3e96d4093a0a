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

fn storage(msg: String) -> HallError {
    HallError::new(ErrorCode::Storage, msg)
}

/// The hall's key as SQLCipher's raw-key literal; made (0600) the first time.
fn key(db: &Path, create: bool) -> Result<String> {
    let path = key_path(db);
    let hex = match std::fs::read_to_string(&path) {
        Ok(k) => k.trim().to_string(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
            use rand::RngCore;
            let mut bytes = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            // tempfile creates the file readable by its owner only; renamed into place whole.
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
            let mut f = tempfile::NamedTempFile::new_in(dir)?;
            std::io::Write::write_all(&mut f, hex.as_bytes())?;
            f.as_file().sync_all()?;
            f.persist(&path).map_err(|e| storage(format!("无法保存数据库密钥 {}：{}", path.display(), e.error)))?;
            hex
        }
        Err(e) => {
            return Err(storage(format!(
                "无法读取数据库密钥 {}（{e}）：没有本机的密钥文件就打不开加密的数据库，请联系县信息中心",
                path.display()
            )))
        }
    };
    if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(storage(format!("数据库密钥文件 {} 已损坏", path.display())));
    }
    Ok(format!("x'{hex}'"))
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

/// A backup opened to be read and nothing else. `immutable=1` tells SQLite the file does not
/// change while it is open, so it takes no locks and writes no `-shm` / `-wal` beside it: a
/// backup on a read-only or removable medium is checked without failing or littering.
pub(crate) fn open_sealed(path: &Path, key_of: &Path) -> Result<Connection> {
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
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(uri, flags)?;
    unlock(&conn, key_of)?;
    Ok(conn)
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
