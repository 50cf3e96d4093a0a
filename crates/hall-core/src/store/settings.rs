//! The hall's settings: one typed struct, each setting declared once below with its key (the
//! field's name), what the administrator calls it, its default and its limits. Reading and
//! writing go through here only. A stored value that is not a valid value of its setting is
//! refused with the key and the value named — never replaced by the default — so a damaged or
//! hand-edited settings table shows itself instead of quietly changing deadlines.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{hall_event, put_setting, Store, SupplementLapseMode};
use crate::error::{ErrorCode, HallError, Result};
use crate::validate::{clip, text};

/// What a setting may hold.
enum Limit {
    /// A whole number from `.0` to `.1`.
    Range(u32, u32),
    /// Text of at most `.0` characters; `.1`: it may not be left empty when saved.
    Text(usize, bool),
    /// One of an enum's keys (the type knows them).
    Choice,
}

/// A setting's type: how it is checked when saved and read back from its stored text.
trait Value: Sized {
    fn check(label: &str, v: &Self, limit: &Limit) -> Result<Self>;
    fn from_stored(key: &str, v: &str, limit: &Limit) -> Result<Self>;
}

fn bad_stored(key: &str, v: &str, what: &str) -> HallError {
    HallError::new(
        ErrorCode::Storage,
        format!("设置表中 {key} 的值“{}”无效（应为{what}）：请在系统管理的乡镇设置中重新保存", clip(v, 40)),
    )
}

impl Value for u32 {
    fn check(label: &str, v: &u32, limit: &Limit) -> Result<u32> {
        let Limit::Range(min, max) = *limit else { unreachable!("a number setting has a range") };
        if !(min..=max).contains(v) {
            return Err(HallError::invalid(format!("{label}应在 {min} 至 {max} 之间")));
        }
        Ok(*v)
    }
    fn from_stored(key: &str, v: &str, limit: &Limit) -> Result<u32> {
        let Limit::Range(min, max) = *limit else { unreachable!("a number setting has a range") };
        v.parse()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or_else(|| bad_stored(key, v, &format!("{min} 至 {max} 的整数")))
    }
}

impl Value for String {
    fn check(label: &str, v: &String, limit: &Limit) -> Result<String> {
        let Limit::Text(max, required) = *limit else { unreachable!("a text setting has a length") };
        text(label, v, max, required)
    }
    fn from_stored(key: &str, v: &str, limit: &Limit) -> Result<String> {
        let Limit::Text(max, _) = *limit else { unreachable!("a text setting has a length") };
        if v.chars().count() > max {
            return Err(bad_stored(key, v, &format!("不超过 {max} 个字的文字")));
        }
        Ok(v.to_string())
    }
}

impl std::fmt::Display for SupplementLapseMode {
    /// The stored text: the mode's key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.key())
    }
}

impl Value for SupplementLapseMode {
    fn check(_label: &str, v: &SupplementLapseMode, _limit: &Limit) -> Result<SupplementLapseMode> {
        Ok(*v)
    }
    fn from_stored(key: &str, v: &str, _limit: &Limit) -> Result<SupplementLapseMode> {
        SupplementLapseMode::parse(v).map_err(|_| bad_stored(key, v, "off、manual 或 auto"))
    }
}

/// Declares the settings: the struct (with serde's defaults from [`Default`], so a window that
/// does not know a newer field keeps its default), its defaults and its limits, once each.
macro_rules! hall_settings {
    ($( $(#[doc = $doc:literal])* $field:ident : $ty:ident = $default:expr, $label:literal, $limit:expr; )*) => {
        /// What the administrator sets for the hall. The township code is fixed by `init`.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
        #[serde(default)]
        #[ts(export)]
        pub struct HallSettings {
            $( $(#[doc = $doc])* pub $field: $ty, )*
        }

        impl Default for HallSettings {
            fn default() -> HallSettings {
                HallSettings { $( $field: $default, )* }
            }
        }

        impl HallSettings {
            /// The settings from the stored key–value pairs; a missing key has its default.
            fn from_stored(stored: &HashMap<String, String>) -> Result<HallSettings> {
                let mut s = HallSettings::default();
                $( if let Some(v) = stored.get(stringify!($field)) {
                    s.$field = <$ty as Value>::from_stored(stringify!($field), v, &$limit)?;
                } )*
                Ok(s)
            }

            /// Every field checked against its limits (texts trimmed), or the first refusal.
            fn checked(&self) -> Result<HallSettings> {
                Ok(HallSettings { $( $field: <$ty as Value>::check($label, &self.$field, &$limit)?, )* })
            }

            /// (key, stored text) of every setting.
            fn to_stored(&self) -> Vec<(&'static str, String)> {
                vec![ $( (stringify!($field), self.$field.to_string()), )* ]
            }
        }
    };
}

hall_settings! {
    township_name: String = String::new(), "乡镇名称", Limit::Text(50, true);
    /// Working days before the due date that turn a case yellow.
    warn_days: u32 = 1, "预警天数", Limit::Range(0, 30);
    /// Working days within which a 差评 follow-up must be closed.
    follow_up_days: u32 = 5, "差评整改期限", Limit::Range(0, 60);
    /// Minutes without input after which the window locks (0: never).
    idle_lock_minutes: u32 = 10, "自动锁屏分钟数", Limit::Range(0, 240);
    /// Days after which a password must be changed at the next login (0: never).
    password_max_days: u32 = 90, "密码有效期天数", Limit::Range(0, 365);
    /// The hall's address and phone, printed on every paper.
    hall_address: String = String::new(), "中心地址", Limit::Text(100, false);
    hall_phone: String = String::new(), "咨询电话", Limit::Text(40, false);
    /// 行政复议 / 行政诉讼 wording on a 不予受理通知书 (empty: the standard wording).
    appeal_text: String = String::new(), "救济途径告知文字", Limit::Text(500, false);
    /// Daily backups kept, here and in the copy folder.
    backup_keep: u32 = 14, "保留备份份数", Limit::Range(1, 365);
    /// 异地备份: a folder on another machine or medium (a mounted network share, a removable
    /// drive) that each daily backup is copied to; empty: none.
    backup_copy_dir: String = String::new(), "异地备份目录", Limit::Text(500, false);
    /// 补正 past its deadline: only warned about, ended as 视为撤回 by the director, or by the
    /// store by itself.
    supplement_lapse: SupplementLapseMode = SupplementLapseMode::Manual, "补正逾期处理", Limit::Choice;
}

/// The county hub's address (empty: none): not in [`HallSettings`] because it is saved with its
/// token through 县级平台 (`SaveHub`, which checks that it is https), not with 乡镇设置.
const HUB_URL: &str = "hub_url";
const HUB_URL_LIMIT: Limit = Limit::Text(200, false);

fn read_all(conn: &Connection) -> Result<HashMap<String, String>> {
    let mut st = conn.prepare_cached("SELECT key, value FROM settings")?;
    let rows = st.query_map([], |r| Ok((r.get("key")?, r.get("value")?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    /// The hall's settings, each stored one checked (see the module's comment).
    pub fn settings(&self) -> Result<HallSettings> {
        HallSettings::from_stored(&read_all(&self.conn)?)
    }

    /// The county hub's address as stored ('' when none), checked like every setting.
    pub(super) fn stored_hub_url(&self) -> Result<String> {
        match read_all(&self.conn)?.get(HUB_URL) {
            Some(v) => String::from_stored(HUB_URL, v, &HUB_URL_LIMIT),
            None => Ok(String::new()),
        }
    }

    /// Saves every setting, all or none, and records the change.
    pub fn save_settings(&mut self, new: &HallSettings, actor: &str) -> Result<HallSettings> {
        let s = new.checked()?;
        if !s.backup_copy_dir.is_empty() && !Path::new(&s.backup_copy_dir).is_absolute() {
            return Err(HallError::invalid(format!(
                "异地备份目录应为完整路径（如 /mnt/县备份 或 E:\\备份），现为“{}”",
                s.backup_copy_dir
            )));
        }
        let tx = self.write()?;
        for (k, v) in s.to_stored() {
            put_setting(&tx, k, &v)?;
        }
        hall_event(
            &tx,
            self.now(),
            actor,
            "settings",
            &format!(
                "设置：乡镇名称 {}，预警 {} 个工作日，差评整改 {} 个工作日，锁屏 {} 分钟，密码有效期 {} 天，\
                 保留备份 {} 份，异地备份目录 {}",
                s.township_name,
                s.warn_days,
                s.follow_up_days,
                s.idle_lock_minutes,
                s.password_max_days,
                s.backup_keep,
                if s.backup_copy_dir.is_empty() { "未设置" } else { &s.backup_copy_dir }
            ),
        )?;
        tx.commit()?;
        self.settings()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    #[test]
    fn a_new_hall_has_the_declared_defaults() {
        let (_d, s) = testing::store();
        let got = s.settings().unwrap();
        assert_eq!(got, HallSettings { township_name: "测试镇".into(), ..HallSettings::default() });
        assert_eq!((got.warn_days, got.follow_up_days, got.password_max_days, got.backup_keep), (1, 5, 90, 14));
        assert_eq!(s.warn_days().unwrap(), 1);
        assert_eq!(s.follow_up_days().unwrap(), 5);
        assert_eq!(s.password_max_days().unwrap(), 90);
    }

    #[test]
    fn a_malformed_stored_value_is_refused_naming_key_and_value() {
        for (key, value) in [("warn_days", "abc"), ("warn_days", "99"), ("backup_keep", "0"), ("follow_up_days", "-1")]
        {
            let (_d, mut s) = testing::store();
            s.set_setting(key, value).unwrap();
            let e = s.settings().unwrap_err();
            assert!(e.message.contains(key) && e.message.contains(&format!("“{value}”")), "{}", e.message);
            // Every reader goes through the one struct, so none of them defaults quietly.
            if key == "warn_days" {
                assert_eq!(s.warn_days().unwrap_err().message, e.message);
            }
        }
        let (_d, mut s) = testing::store();
        s.set_setting("hall_phone", &"9".repeat(41)).unwrap();
        assert!(s.settings().unwrap_err().message.contains("hall_phone"));
    }

    #[test]
    fn save_checks_every_limit_and_keeps_the_hub_address() {
        let (_d, mut s) = testing::store();
        s.save_hub("https://hub.county.example", None, "admin").unwrap();
        let before = s.settings().unwrap();
        for (change, message) in [
            (HallSettings { warn_days: 31, ..before.clone() }, "预警天数应在 0 至 30 之间"),
            (HallSettings { backup_keep: 0, ..before.clone() }, "保留备份份数应在 1 至 365 之间"),
            (HallSettings { township_name: " ".into(), ..before.clone() }, "乡镇名称不能为空"),
            (HallSettings { backup_copy_dir: "备份".into(), ..before.clone() }, "异地备份目录应为完整路径"),
        ] {
            let e = s.save_settings(&change, "admin").unwrap_err();
            assert!(e.message.starts_with(message), "{}", e.message);
            assert_eq!(s.settings().unwrap(), before, "nothing saved");
        }
        let saved =
            s.save_settings(&HallSettings { warn_days: 3, hall_phone: " 0455-1 ".into(), ..before }, "admin").unwrap();
        assert_eq!((saved.warn_days, saved.hall_phone.as_str()), (3, "0455-1"));
        // The hub's address is not among them, and is checked like them.
        assert_eq!(s.hub_url().unwrap().as_deref(), Some("https://hub.county.example"));
        s.set_setting("hub_url", &"h".repeat(201)).unwrap();
        assert!(s.hub_url().unwrap_err().message.contains("hub_url"));
    }

    #[test]
    fn a_window_that_sends_fewer_fields_keeps_the_defaults_of_the_rest() {
        let sent: HallSettings = serde_json::from_str(r#"{"township_name":"测试镇","warn_days":2}"#).unwrap();
        assert_eq!(sent, HallSettings { township_name: "测试镇".into(), warn_days: 2, ..HallSettings::default() });
    }
}
