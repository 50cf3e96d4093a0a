//! The hall network in the store: the desks and rating screens paired with this hall's host,
//! and the one-time pairing codes an administrator hands out. The host itself (crates/hall-host)
//! keeps no state of its own beyond its sessions: who may connect is here, in the hall's one
//! store, so it moves with the database and every pairing and revocation is an audited event.

use chrono::Duration;
use rand::Rng;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;

use super::stored::{parse_stamp, At};
use super::{fmt_ts, Store};
use crate::error::{ErrorCode, HallError, Result};
use crate::validate;

/// How long a pairing code may be used.
pub const PAIRING_MINUTES: i64 = 10;
/// Letters and digits that cannot be mistaken for one another when read out (no 0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DeviceKind {
    /// A PC running the app in desk mode.
    Desk,
    /// A counter's rating screen (评价器): it can show a case for rating and take the rating.
    Rater,
    /// A second PC keeping a live copy of the host's store, to take over when the host dies.
    Standby,
}

impl DeviceKind {
    pub fn key(self) -> &'static str {
        match self {
            DeviceKind::Desk => "desk",
            DeviceKind::Rater => "rater",
            DeviceKind::Standby => "standby",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            DeviceKind::Desk => "工作站",
            DeviceKind::Rater => "评价器",
            DeviceKind::Standby => "备用主机",
        }
    }
    pub fn parse(s: &str) -> Option<DeviceKind> {
        [DeviceKind::Desk, DeviceKind::Rater, DeviceKind::Standby].into_iter().find(|k| k.key() == s)
    }
}

/// A paired device as the administrator's list shows it.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Device {
    #[ts(type = "number")]
    pub id: i64,
    pub name: String,
    pub kind: DeviceKind,
    /// For a rating screen: the desk whose cases it shows.
    pub serves: Option<String>,
    pub paired_at: String,
    pub paired_by: String,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
    pub last_seen: Option<String>,
    /// A standby host's own address and certificate fingerprint, as it last told the host.
    pub address: Option<String>,
    pub fingerprint: Option<String>,
}

/// A pairing code just made, shown once to the administrator.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PairingCode {
    pub code: String,
    pub expires_at: String,
}

/// A device just paired: the credential it keeps from now on (only its hash is stored).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct PairedDevice {
    pub device: Device,
    pub credential: String,
}

fn digest(s: &str) -> String {
    Sha256::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A code as typed: spaces and dashes dropped, letters upper-cased.
fn normalise_code(code: &str) -> String {
    code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect()
}

pub(crate) fn device_row(r: &Row) -> rusqlite::Result<Device> {
    let at = At::new(r, "devices", "id")?;
    Ok(Device {
        id: r.get("id")?,
        name: r.get("name")?,
        kind: at.known("kind", DeviceKind::parse)?,
        serves: r.get("serves")?,
        paired_at: at.checked("paired_at", parse_stamp)?,
        paired_by: r.get("paired_by")?,
        revoked_at: at.checked_opt("revoked_at", parse_stamp)?,
        revoked_by: r.get("revoked_by")?,
        last_seen: at.checked_opt("last_seen", parse_stamp)?,
        address: r.get("address")?,
        fingerprint: r.get("fingerprint")?,
    })
}

pub(crate) const DEVICE_COLUMNS: &str =
    "id, name, kind, serves, paired_at, paired_by, revoked_at, revoked_by, last_seen, address, fingerprint";

impl Store {
    /// A new one-time pairing code, good for ten minutes (`XXXX-XXXX`).
    pub fn new_pairing_code(&mut self, actor: &str) -> Result<PairingCode> {
        let mut rng = rand::rngs::OsRng;
        let raw: String = (0..8).map(|_| CODE_ALPHABET[rng.gen_range(0..CODE_ALPHABET.len())] as char).collect();
        let code = format!("{}-{}", &raw[..4], &raw[4..]);
        let now = self.now();
        let expires = now + Duration::minutes(PAIRING_MINUTES);
        let tx = self.write()?;
        tx.execute(
            "INSERT INTO pairing_codes(code_hash, created_at, expires_at, created_by) VALUES (?1, ?2, ?3, ?4)",
            params![digest(&raw), fmt_ts(now), fmt_ts(expires), actor],
        )?;
        super::hall_event(&tx, now, actor, "pair_code", &format!("生成配对码，{PAIRING_MINUTES} 分钟内有效"))?;
        tx.commit()?;
        Ok(PairingCode { code, expires_at: fmt_ts(expires) })
    }

    /// Pairs a device with a code: the code is used up, the device named and given a credential.
    pub fn pair_device(
        &mut self,
        code: &str,
        name: &str,
        kind: DeviceKind,
        serves: Option<&str>,
    ) -> Result<PairedDevice> {
        let name = validate::text("设备名称", name, 40, true)?;
        let serves = match (kind, serves.map(str::trim).filter(|s| !s.is_empty())) {
            (DeviceKind::Rater, None) => return Err(HallError::invalid("请填写评价器所服务的窗口（工作站名称）")),
            (DeviceKind::Rater, Some(desk)) => {
                let known: bool = self.conn.query_row(
                    "SELECT EXISTS(SELECT 1 FROM devices WHERE name = ?1 AND kind = 'desk' AND revoked_at IS NULL)",
                    [desk],
                    |r| r.get(0),
                )?;
                if !known {
                    return Err(HallError::invalid(format!("没有名为“{desk}”的已配对工作站，请核对窗口名称")));
                }
                Some(desk.to_string())
            }
            (DeviceKind::Desk, _) => None,
            (DeviceKind::Standby, _) => {
                if let Some(standby) = self.standby_host()? {
                    return Err(HallError::conflict(format!(
                        "大厅已有备用主机“{}”：一个大厅只设一台备用主机，请先在大厅网络中撤销它再配对新的",
                        standby.name
                    )));
                }
                None
            }
        };
        let now = self.now();
        let hash = digest(&normalise_code(code));
        let found: Option<(String, Option<String>, String)> = self
            .conn
            .query_row("SELECT expires_at, used_at, created_by FROM pairing_codes WHERE code_hash = ?1", [&hash], |r| {
                Ok((r.get("expires_at")?, r.get("used_at")?, r.get("created_by")?))
            })
            .optional()?;
        let admin = match found {
            None => return Err(HallError::new(ErrorCode::Auth, "配对码不正确，请向系统管理员重新索取")),
            Some((_, Some(_), _)) => {
                return Err(HallError::new(ErrorCode::Auth, "该配对码已使用过，每个配对码只能用一次，请重新索取"))
            }
            Some((expires, None, _)) if parse_stamp(&expires).map(|e| e < now).unwrap_or(true) => {
                return Err(HallError::new(
                    ErrorCode::Auth,
                    format!("配对码已过期（有效期 {PAIRING_MINUTES} 分钟），请重新索取"),
                ))
            }
            Some((_, None, admin)) => admin,
        };
        let taken: bool = self.conn.query_row(
            "SELECT EXISTS(SELECT 1 FROM devices WHERE name = ?1 AND revoked_at IS NULL)",
            [&name],
            |r| r.get(0),
        )?;
        if taken {
            return Err(HallError::conflict(format!("已有名为“{name}”的设备，请换一个名称")));
        }
        let mut secret = [0u8; 32];
        rand::rngs::OsRng.fill(&mut secret);
        let credential: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        let tx = self.write()?;
        // A revoked device's name may be reused by a new device (the old row keeps its record).
        tx.execute("UPDATE devices SET name = name || '（已撤销 #' || id || '）' WHERE name = ?1", [&name])?;
        tx.execute(
            "INSERT INTO devices(name, kind, serves, credential_hash, paired_at, paired_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![name, kind.key(), serves, digest(&credential), fmt_ts(now), admin],
        )?;
        let id = tx.last_insert_rowid();
        tx.execute(
            "UPDATE pairing_codes SET used_at = ?1, used_by = ?2 WHERE code_hash = ?3",
            params![fmt_ts(now), id, hash],
        )?;
        let note = format!("{}“{name}”以 {admin} 生成的配对码完成配对", kind.label());
        super::hall_event(&tx, now, &admin, "device_paired", &note)?;
        tx.commit()?;
        Ok(PairedDevice { device: self.device(id)?, credential })
    }

    pub(crate) fn device(&self, id: i64) -> Result<Device> {
        Ok(self.conn.query_row(&format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?1"), [id], device_row)?)
    }

    /// The device holding `credential`, refused when unknown or revoked.
    pub fn device_for(&self, credential: &str) -> Result<Device> {
        let device = self
            .conn
            .query_row(
                &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE credential_hash = ?1"),
                [digest(credential)],
                device_row,
            )
            .optional()?
            .ok_or_else(|| {
                HallError::forbidden("本机未与大厅主机配对（或配对已失效），请向系统管理员索取配对码重新配对")
            })?;
        if device.revoked_at.is_some() {
            return Err(HallError::forbidden(format!(
                "本机（{}）已被系统管理员撤销，不能再连接大厅主机；如需继续使用请重新配对",
                device.name
            )));
        }
        Ok(device)
    }

    /// Notes when a device last opened a session (shown in the administrator's list).
    pub fn device_seen(&self, id: i64) -> Result<()> {
        let tx = self.write()?;
        tx.execute("UPDATE devices SET last_seen = ?1 WHERE id = ?2", params![fmt_ts(self.now()), id])?;
        tx.commit()
    }

    /// Every device ever paired, the ones in use first.
    pub fn devices(&self) -> Result<Vec<Device>> {
        let mut st = self
            .conn
            .prepare(&format!("SELECT {DEVICE_COLUMNS} FROM devices ORDER BY revoked_at IS NOT NULL, kind, name"))?;
        let rows = st.query_map([], device_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Revokes a device by its name (or `#id`): refused at once from then on.
    pub fn revoke_device(&mut self, which: &str, actor: &str) -> Result<Device> {
        let which = which.trim();
        let id: Option<i64> = match which.strip_prefix('#').and_then(|n| n.parse().ok()) {
            Some(id) => Some(id),
            None => self
                .conn
                .query_row("SELECT id FROM devices WHERE name = ?1 AND revoked_at IS NULL", [which], |r| r.get(0))
                .optional()?,
        };
        let device = match id {
            Some(id) => self.device(id).map_err(|_| HallError::not_found(format!("没有设备 {which}")))?,
            None => return Err(HallError::not_found(format!("没有名为“{which}”的已配对设备"))),
        };
        if device.revoked_at.is_some() {
            return Err(HallError::conflict(format!(
                "设备“{}”已于 {} 撤销",
                device.name,
                device.revoked_at.unwrap_or_default()
            )));
        }
        let now = self.now();
        let tx = self.write()?;
        tx.execute(
            "UPDATE devices SET revoked_at = ?1, revoked_by = ?2 WHERE id = ?3",
            params![fmt_ts(now), actor, device.id],
        )?;
        super::hall_event(&tx, now, actor, "device_revoked", &format!("撤销{}“{}”", device.kind.label(), device.name))?;
        tx.commit()?;
        self.device(device.id)
    }
}
