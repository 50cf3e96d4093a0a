//! 数据恢复凭证: the hall's key on paper. The key that encrypts the database (cipher.rs) is
//! written out as a recovery code — Crockford base32 (no I, L, O, U; read back forgiving of
//! case and of O/0, I/L/1), 14 groups of 4 — on an A4 sheet kept in the 档案柜. The code and
//! any backup restore the hall on any PC. A three-byte check inside the code finds a mistyped
//! group before a backup is even opened; the 凭证编号 (a digest of the key, not the key) tells
//! a current sheet from one a key rotation has made void.

use std::sync::OnceLock;

use data_encoding::{Encoding, Specification};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use zeroize::Zeroize;

use super::cipher::{self, HallKey};
use super::{put_setting, Store};
use crate::error::{HallError, Result};

const CHECK_BYTES: usize = 3;
const GROUP: usize = 4;
/// 35 bytes are 280 bits: 56 symbols of 5 bits, no padding.
const SYMBOLS: usize = (32 + CHECK_BYTES) * 8 / 5;

fn crockford() -> &'static Encoding {
    static ENCODING: OnceLock<Encoding> = OnceLock::new();
    ENCODING.get_or_init(|| {
        let mut spec = Specification::new();
        spec.symbols.push_str("0123456789ABCDEFGHJKMNPQRSTVWXYZ");
        // What a person reading a sheet may type for what is printed.
        spec.translate.from.push_str("abcdefghjkmnpqrstvwxyzoOiIlL");
        spec.translate.to.push_str("ABCDEFGHJKMNPQRSTVWXYZ000111");
        spec.encoding().expect("a valid base32 specification")
    })
}

fn check_of(key: &HallKey) -> [u8; CHECK_BYTES] {
    let d = Sha256::new().chain_update(b"yichuang recovery code check").chain_update(key).finalize();
    [d[0], d[1], d[2]]
}

/// The hall's key as it is written on paper. It never prints itself in logs (`Debug` shows
/// the 凭证编号 only) and is wiped from memory when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(HallKey);

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RecoveryCode({})", self.fingerprint())
    }
}

impl Drop for RecoveryCode {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl RecoveryCode {
    pub(crate) fn of(key: HallKey) -> RecoveryCode {
        RecoveryCode(key)
    }

    pub(crate) fn key(&self) -> &HallKey {
        &self.0
    }

    /// Reads a code as typed from a sheet: groups separated by `-` or spaces or not at all.
    pub fn parse(text: &str) -> Result<RecoveryCode> {
        // The line `hallctl key sheet --show` and `county-hub escrow open` print, as it is.
        let text = text.trim();
        let text = ["恢复码：", "恢复码:"].iter().find_map(|p| text.strip_prefix(p)).unwrap_or(text);
        let symbols: String = text.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
        let count = symbols.chars().count();
        if count != SYMBOLS {
            return Err(HallError::invalid(format!(
                "恢复码应为 {} 组、每组 {GROUP} 个字符（共 {SYMBOLS} 个），输入的有 {count} 个：请对照数据恢复凭证重新输入",
                SYMBOLS / GROUP
            )));
        }
        let bytes = crockford().decode(symbols.as_bytes()).map_err(|e| {
            let at = e.position / GROUP + 1;
            HallError::invalid(format!(
                "恢复码第 {at} 组有凭证上不会出现的字符（凭证只用数字和除 I、L、O、U 以外的大写字母）：请核对后重新输入"
            ))
        })?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes[..32]);
        if bytes[32..] != check_of(&key) {
            key.zeroize();
            return Err(HallError::invalid("恢复码校验不符，有字符输错了：请对照数据恢复凭证逐组核对后重新输入"));
        }
        Ok(RecoveryCode(key))
    }

    /// The code in groups of four, as printed.
    pub fn groups(&self) -> Vec<String> {
        let mut bytes = self.0.to_vec();
        bytes.extend_from_slice(&check_of(&self.0));
        let text = crockford().encode(&bytes);
        bytes.zeroize();
        text.as_bytes().chunks(GROUP).map(|g| String::from_utf8_lossy(g).into_owned()).collect()
    }

    /// The code as one line, groups joined by `-`.
    pub fn text(&self) -> String {
        self.groups().join("-")
    }

    /// 凭证编号: names the key without giving it away (a digest, not part of the key).
    pub fn fingerprint(&self) -> String {
        let d = Sha256::new().chain_update(b"yichuang key fingerprint").chain_update(self.0).finalize();
        format!("{:02X}{:02X}-{:02X}{:02X}", d[0], d[1], d[2], d[3])
    }
}

/// What the 数据恢复凭证 prints.
#[derive(Debug, Clone)]
pub struct RecoverySheet {
    pub township_code: String,
    pub township_name: String,
    pub hall_name: String,
    /// The day it was printed, `YYYY年M月D日`.
    pub printed_on: String,
    pub code: RecoveryCode,
}

/// A key the hall no longer uses: sheets with its 凭证编号 are void.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RetiredKey {
    pub fingerprint: String,
    pub retired_at: String,
}

/// What 数据安全 shows of the hall's key — never the key itself.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct RecoveryState {
    /// 凭证编号 of the key in use.
    pub fingerprint: String,
    /// When a sheet of this key was last printed or saved; none: the hall has no valid sheet.
    pub sheet_printed_at: Option<String>,
    /// The one-time offer to print a sheet (halls from before sheets existed) was answered.
    pub sheet_offered: bool,
    pub retired: Vec<RetiredKey>,
    /// When this key last went up to the county hub sealed to the county's key (托管).
    pub escrowed_at: Option<String>,
}

const SHEET_PRINTED: &str = "recovery_sheet_printed_at";
const SHEET_FINGERPRINT: &str = "recovery_sheet_fingerprint";
const SHEET_OFFERED: &str = "recovery_sheet_offered";
const RETIRED: &str = "retired_keys";
pub(crate) const ESCROWED_FINGERPRINT: &str = "escrow_fingerprint";
pub(crate) const ESCROWED_AT: &str = "escrow_at";
const ESCROWED_TO: &str = "escrow_recipient";

/// A key rotation's outcome.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct KeyRotated {
    pub old_fingerprint: String,
    pub new_fingerprint: String,
    /// The backups in `backups/` re-encrypted with the new key.
    #[ts(type = "number")]
    pub backups_rekeyed: u32,
}

impl Store {
    /// The recovery code of the key in use.
    pub fn recovery_code(&self) -> Result<RecoveryCode> {
        Ok(RecoveryCode::of(cipher::read_key(self.path())?))
    }

    /// The sheet's content, for printing (an admin's act; recorded by `record_paper`).
    pub fn recovery_sheet(&self) -> Result<RecoverySheet> {
        let head = self.letterhead()?;
        if head.township_code.is_empty() {
            return Err(HallError::invalid("本机尚未设置乡镇，不能打印数据恢复凭证"));
        }
        let today = self.today();
        Ok(RecoverySheet {
            township_code: head.township_code,
            township_name: head.township_name,
            hall_name: head.hall_name,
            printed_on: today.format("%Y年%-m月%-d日").to_string(),
            code: self.recovery_code()?,
        })
    }

    pub fn recovery_state(&self) -> Result<RecoveryState> {
        let fingerprint = self.recovery_code()?.fingerprint();
        let current = |key: &str| -> Result<bool> { Ok(self.setting(key)?.as_deref() == Some(fingerprint.as_str())) };
        let printed = if current(SHEET_FINGERPRINT)? { self.setting(SHEET_PRINTED)? } else { None };
        let escrowed_at = if current(ESCROWED_FINGERPRINT)? { self.setting(ESCROWED_AT)? } else { None };
        Ok(RecoveryState {
            sheet_printed_at: printed,
            sheet_offered: self.setting(SHEET_OFFERED)?.is_some(),
            retired: self.retired_keys()?,
            escrowed_at,
            fingerprint,
        })
    }

    fn retired_keys(&self) -> Result<Vec<RetiredKey>> {
        match self.setting(RETIRED)? {
            None => Ok(vec![]),
            Some(text) => serde_json::from_str(&text)
                .map_err(|e| HallError::new(crate::ErrorCode::Storage, format!("作废密钥记录无法读取：{e}"))),
        }
    }

    /// Whether `code` is one this hall retired, and when: a restore with an old sheet says so.
    pub fn retired_at(&self, code: &RecoveryCode) -> Result<Option<String>> {
        let fp = code.fingerprint();
        Ok(self.retired_keys()?.into_iter().find(|k| k.fingerprint == fp).map(|k| k.retired_at))
    }

    /// The recovery code when the county holds no sealed copy of this key under `recipient`
    /// (never sent, the key rotated since, or the county made a new key pair).
    pub fn escrow_due(&self, recipient: &str) -> Result<Option<RecoveryCode>> {
        let code = self.recovery_code()?;
        let sent = self.setting(ESCROWED_FINGERPRINT)?.as_deref() == Some(code.fingerprint().as_str())
            && self.setting(ESCROWED_TO)?.as_deref() == Some(recipient);
        Ok((!sent).then_some(code))
    }

    /// The county acknowledged its sealed copy of the key `fingerprint` under `recipient`.
    pub fn mark_escrowed(&mut self, fingerprint: &str, recipient: &str) -> Result<()> {
        let tx = self.write()?;
        put_setting(&tx, ESCROWED_FINGERPRINT, fingerprint)?;
        put_setting(&tx, ESCROWED_TO, recipient)?;
        put_setting(&tx, ESCROWED_AT, &super::fmt_ts(self.now()))?;
        super::hall_event(
            &tx,
            self.now(),
            "county-hub",
            "escrow",
            &format!("数据库密钥（凭证编号 {fingerprint}）已加密托管到县级平台（县里的公钥 {}…）", clip_key(recipient)),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// A sheet printed or saved (inside `record_paper`'s transaction): its event, naming the
    /// key's 凭证编号, and the date of the valid sheet; the one-time offer is answered by it.
    pub(crate) fn record_sheet(&self, tx: &rusqlite::Connection, actor: &str, note: &str) -> Result<()> {
        let fp = self.recovery_code()?.fingerprint();
        let now = super::fmt_ts(self.now());
        super::hall_event(tx, self.now(), actor, "print_recovery_sheet", &format!("{note}（凭证编号 {fp}）"))?;
        for (key, value) in [(SHEET_PRINTED, now.as_str()), (SHEET_FINGERPRINT, &fp), (SHEET_OFFERED, now.as_str())] {
            put_setting(tx, key, value)?;
        }
        Ok(())
    }

    /// The one-time offer of a sheet was answered (printed or put off): not asked again.
    pub fn answer_sheet_offer(&mut self, actor: &str, printed: bool) -> Result<()> {
        let tx = self.write()?;
        put_setting(&tx, SHEET_OFFERED, &super::fmt_ts(self.now()))?;
        if !printed {
            super::hall_event(
                &tx,
                self.now(),
                actor,
                "recovery_sheet_later",
                "数据恢复凭证暂不打印（可在系统管理 → 数据安全中打印）",
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Re-encrypts the hall with a new key: the database, then every backup in `backups/`,
    /// then a fresh backup of today under the new key (and its off-site copy). Sheets and the
    /// county's sealed copy of the old key are void from then on; the new key goes up at the
    /// next sync. It needs the database to itself (SQLCipher 4 rekeys a file only outside WAL
    /// mode): with the window, a host or another hallctl open on it, it is refused unchanged.
    pub fn rotate_key(&mut self, actor: &str) -> Result<KeyRotated> {
        let old = self.recovery_code()?;
        let new = RecoveryCode::of(cipher::new_key());
        self.rekey_to(&new)?;
        let rekeyed = self.rekey_backups(&old, &new);
        let mut retired = self.retired_keys()?;
        let now = super::fmt_ts(self.now());
        retired.push(RetiredKey { fingerprint: old.fingerprint(), retired_at: now.clone() });
        let tx = self.write()?;
        put_setting(&tx, RETIRED, &serde_json::to_string(&retired).expect("serialisable"))?;
        super::hall_event(
            &tx,
            self.now(),
            actor,
            "rotate_key",
            &format!(
                "更换数据库密钥：凭证编号 {} 的数据恢复凭证作废，新凭证编号 {}；备份 {} 份已改用新密钥",
                old.fingerprint(),
                new.fingerprint(),
                rekeyed
            ),
        )?;
        tx.commit()?;
        let today = self.path().with_file_name("backups").join(format!("hall-{}.db", self.today().format("%Y%m%d")));
        let _ = std::fs::remove_file(&today);
        if let Err(e) = self.daily_backup() {
            log::warn!("backup after the key rotation: {}", e.message);
        }
        Ok(KeyRotated {
            old_fingerprint: old.fingerprint(),
            new_fingerprint: new.fingerprint(),
            backups_rekeyed: rekeyed,
        })
    }

    /// Re-encrypts the database with `new` and writes it to `hall.key`.
    pub(crate) fn rekey_to(&mut self, new: &RecoveryCode) -> Result<()> {
        // The checkpoint thread's own connection would keep the file in WAL mode.
        self._checkpointer = None;
        let rotated = self.rekey_alone(new);
        let mode = self.conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0));
        self._checkpointer = super::checkpoint::Checkpointer::start(self.path());
        rotated?;
        mode?;
        Ok(())
    }

    fn rekey_alone(&self, new: &RecoveryCode) -> Result<()> {
        let busy = || {
            HallError::invalid(
                "数据库正被其他程序使用（一窗通窗口、大厅主机或另一个 hallctl），不能更换密钥：请先关闭它们再试，数据未改动",
            )
        };
        let mode: String = self.conn.query_row("PRAGMA journal_mode=DELETE", [], |r| r.get(0)).map_err(|_| busy())?;
        if !mode.eq_ignore_ascii_case("delete") {
            return Err(busy());
        }
        cipher::rekey(&self.conn, self.path(), new.key())
    }

    /// The local backups re-encrypted with the new key, so 数据安全 can still check and restore
    /// them. One that cannot be (damaged, or already of another key) is left as it is.
    fn rekey_backups(&self, old: &RecoveryCode, new: &RecoveryCode) -> u32 {
        let mut done = 0;
        for b in self.backups().unwrap_or_default() {
            let path = std::path::Path::new(&b.path);
            let redone = (|| -> Result<()> {
                let conn = rusqlite::Connection::open(path)?;
                cipher::unlock_with(&conn, old.key())?;
                cipher::rekey_file(&conn, new.key())
            })();
            match redone {
                Ok(()) => done += 1,
                Err(e) => log::warn!("backup {} kept under the old key: {}", b.path, e.message),
            }
        }
        done
    }
}

fn clip_key(recipient: &str) -> String {
    recipient.chars().take(16).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_reads_back_as_printed_and_forgives_case_and_look_alikes() {
        let code = RecoveryCode::of([7u8; 32]);
        let groups = code.groups();
        assert_eq!((groups.len(), groups.iter().all(|g| g.len() == 4)), (14, true));
        assert_eq!(RecoveryCode::parse(&code.text()).unwrap(), code);
        let typed = code.text().to_lowercase().replace('-', " ").replace('0', "o").replace('1', "l");
        assert_eq!(RecoveryCode::parse(&typed).unwrap(), code);
    }

    #[test]
    fn a_mistyped_code_is_refused_before_any_file_is_opened() {
        let text = RecoveryCode::of([9u8; 32]).text();
        let swapped: String = text
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i == 5 {
                    if c == 'A' {
                        'B'
                    } else {
                        'A'
                    }
                } else {
                    c
                }
            })
            .collect();
        assert!(RecoveryCode::parse(&swapped).unwrap_err().message.contains("校验不符"));
        assert!(RecoveryCode::parse("ABCD-EFGH").unwrap_err().message.contains("14 组"));
        let bad = format!("U{}", &text.replace('-', "")[1..]);
        assert!(RecoveryCode::parse(&bad).unwrap_err().message.contains("第 1 组"));
        assert!(!format!("{:?}", RecoveryCode::of([9u8; 32])).contains(&text));
    }
}
