//! Users and login. Passwords are kept as argon2 hashes; repeated failures lock the account for
//! a growing time, so guessing is slow. Every login, failure and lockout is an event in the
//! hash-chained log (never with the password tried); a password older than the hall's limit must
//! be changed before work.

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, NaiveDateTime};
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use zeroize::Zeroizing;

use super::stored::{parse_stamp, At};
use super::{fmt_ts, hall_event, Store};
use crate::error::{ErrorCode, HallError, Result};
use crate::lifecycle::Role;
use crate::validate::text;

/// Failures allowed before the account starts to lock.
pub(super) const FREE_FAILURES: i64 = 5;

/// The actor of a login attempt with a name no account has: the name typed is not kept, as it
/// is often a password typed into the wrong field.
const UNKNOWN_USER: &str = "（未知用户名）";

/// A user to add. `must_change_password` forces a new password at first login (reset and
/// generated accounts).
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct NewUser {
    pub username: String,
    pub name: String,
    pub role: Role,
    pub unit: Option<String>,
    /// Wiped from memory when the request is dropped.
    #[ts(type = "string")]
    pub password: Zeroizing<String>,
    #[serde(default)]
    pub must_change_password: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SessionUser {
    #[ts(type = "number")]
    pub id: i64,
    pub username: String,
    pub name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub unit_name: Option<String>,
    /// The password must be changed before any work: an initial or reset one, or older than the
    /// hall's `password_max_days`.
    pub must_change_password: bool,
    /// Why, in Chinese (empty when no change is due).
    pub password_notice: String,
    /// The window was locked for being idle: only the password (a fresh login) opens it.
    pub locked: bool,
    /// A counter's rating screen (评价器), not a person: it may only ask for the case to rate
    /// and submit the citizen's rating, and only it may (`api::screen_gate`).
    #[serde(default)]
    pub screen: bool,
    /// The desk (its name as paired) whose cases a rating screen offers; none for people.
    #[serde(default)]
    pub serves: Option<String>,
}

/// Who county IT is recorded as when it runs hallctl at the hall's computer without signing in
/// as a person. Usernames are ASCII, so no account can carry this name.
pub const OPERATOR: &str = "hallctl（操作员）";

impl SessionUser {
    /// County IT at the hall's computer (hallctl without `--user`): the supervisor's work and
    /// the administrator's, recorded as [`OPERATOR`]. Its role is the supervisor's, so the
    /// lifecycle table never lets it take a clerk's or an officer's case step: those need a
    /// person who signed in.
    pub fn operator() -> SessionUser {
        SessionUser::system(OPERATOR, "县信息中心操作员（命令行）")
    }

    /// An actor that is not a person who signed in (the operator, the 补正 sweep): the
    /// supervisor's role, no unit, recorded under `username`.
    pub fn system(username: &str, name: &str) -> SessionUser {
        SessionUser {
            id: 0,
            username: username.into(),
            name: name.into(),
            role: Role::Supervisor,
            unit: None,
            unit_name: None,
            must_change_password: false,
            password_notice: String::new(),
            locked: false,
            screen: false,
            serves: None,
        }
    }

    /// A counter's rating screen paired as `name` (“1号窗口评价器”), recorded as
    /// “评价器：<name>”. The hall host sets [`SessionUser::serves`]. Its role is an officer's of
    /// no unit, the narrowest there is, though no role check is ever reached: the screen gate
    /// in `dispatch` comes first.
    pub fn rating_screen(name: &str) -> SessionUser {
        let name = name.trim();
        SessionUser {
            role: Role::Officer,
            screen: true,
            ..SessionUser::system(&format!("评价器：{name}"), &format!("评价器：{name}"))
        }
    }

    /// The operator session of [`SessionUser::operator`]; it may also do the administrator's work.
    pub fn is_operator(&self) -> bool {
        self.id == 0 && self.username == OPERATOR
    }
}

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HallError::new(ErrorCode::Internal, format!("密码加密失败：{e}")))
}

/// Minimum strength: 8+ characters with at least three of lower, upper, digit, symbol.
pub fn check_password_strength(password: &str) -> Result<()> {
    let kinds = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if password.chars().count() < 8 || kinds.iter().filter(|k| **k).count() < 3 {
        return Err(HallError::invalid("密码强度不足：至少8位，且包含小写字母、大写字母、数字、符号中的至少三类"));
    }
    Ok(())
}

const TS_FMT: &str = "%Y-%m-%d %H:%M:%S";

impl Store {
    /// Adds a user. `must_change` forces a new password at first login (demo and reset accounts).
    pub fn add_user(&mut self, u: &NewUser, actor: &str) -> Result<i64> {
        let (role, unit, password, must_change) =
            (u.role, u.unit.as_deref(), u.password.as_str(), u.must_change_password);
        let username = text("用户名", &u.username, 40, true)?;
        if !username.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
            return Err(HallError::invalid("用户名只能包含字母、数字和 . _ -"));
        }
        let name = text("姓名", &u.name, 40, true)?;
        check_password_strength(password)?;
        if role == Role::Officer && unit.is_none() {
            return Err(HallError::invalid("后台经办人必须属于一个单位"));
        }
        let hash = hash_password(password)?;
        let tx = self.write()?;
        if let Some(u) = unit {
            let ok: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM units WHERE code = ?1)", [u], |r| r.get(0))?;
            if !ok {
                return Err(HallError::invalid(format!("单位“{u}”不存在")));
            }
        }
        let taken: bool =
            tx.query_row("SELECT EXISTS(SELECT 1 FROM users WHERE username = ?1)", [&username], |r| r.get(0))?;
        if taken {
            return Err(HallError::conflict(format!("用户名“{username}”已存在")));
        }
        tx.execute(
            "INSERT INTO users(username, name, role, unit, password_hash, must_change_password, created_at,
                               password_changed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![username, name, role.key(), unit, hash, must_change, fmt_ts(self.now()), fmt_ts(self.now())],
        )?;
        let id = tx.last_insert_rowid();
        hall_event(&tx, self.now(), actor, "user_add", &format!("新增用户 {username}（{name}，{}）", role.label()))?;
        tx.commit()?;
        Ok(id)
    }

    pub fn user_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
    }

    /// A user by name, as a session sees it.
    pub fn user(&self, username: &str) -> Result<SessionUser> {
        self.conn
            .query_row(
                "SELECT u.id AS id, u.username AS username, u.name AS name, u.role AS role, u.unit AS unit,
                        n.name AS unit_name, u.must_change_password AS must_change_password,
                        u.password_changed_at AS password_changed_at
                 FROM users u LEFT JOIN units n ON n.code = u.unit WHERE u.username = ?1 AND u.disabled = 0",
                [username.trim()],
                |r| {
                    let at = At::new(r, "users", "id")?;
                    Ok((
                        r.get::<_, i64>("id")?,
                        r.get::<_, String>("username")?,
                        r.get::<_, String>("name")?,
                        at.key("role", Role::parse)?,
                        r.get::<_, Option<String>>("unit")?,
                        r.get::<_, Option<String>>("unit_name")?,
                        r.get::<_, bool>("must_change_password")?,
                        at.checked_opt("password_changed_at", parse_stamp)?,
                    ))
                },
            )
            .optional()?
            .map(|(id, username, name, role, unit, unit_name, must, changed_at)| {
                let notice = self.password_notice(must, changed_at.as_deref())?;
                Ok(SessionUser {
                    id,
                    username,
                    name,
                    role,
                    unit,
                    unit_name,
                    must_change_password: !notice.is_empty(),
                    password_notice: notice,
                    locked: false,
                    screen: false,
                    serves: None,
                })
            })
            .unwrap_or_else(|| Err(HallError::not_found(format!("用户“{}”不存在或已停用", username.trim()))))
    }

    /// Days after which a password must be changed (setting, default 90; 0: never).
    pub fn password_max_days(&self) -> Result<u32> {
        Ok(self.settings()?.password_max_days)
    }

    /// Why a password must be changed before any work (empty: it need not be).
    fn password_notice(&self, must_change: bool, changed_at: Option<&str>) -> Result<String> {
        if must_change {
            return Ok("您正在使用初始密码或管理员重置的密码".into());
        }
        let max = self.password_max_days()?;
        let changed = changed_at.and_then(|t| NaiveDateTime::parse_from_str(t, TS_FMT).ok());
        Ok(match changed {
            Some(t) if max > 0 && self.now() - t > Duration::days(max.into()) => {
                format!("您的密码已使用超过 {max} 天")
            }
            _ => String::new(),
        })
    }

    /// Checks a password and opens a session. Failures count up; past the free ones the account
    /// locks for 30 s, 60 s, 120 s … (at most 15 minutes).
    pub fn login(&mut self, username: &str, password: &str) -> Result<SessionUser> {
        self.authenticate(username, password, "登录成功")?;
        self.user(username)
    }

    /// Checks a password; the outcome, and a lockout it causes, are events written in the same
    /// transaction as the failure count. `success` is the note of a right password.
    fn authenticate(&mut self, username: &str, password: &str, success: &str) -> Result<()> {
        let username = username.trim();
        let wrong = || HallError::new(ErrorCode::Auth, "用户名或密码错误");
        let row: Option<(i64, String, Option<String>, bool)> = self
            .conn
            .query_row(
                "SELECT id, password_hash, locked_until, disabled FROM users WHERE username = ?1",
                [username],
                |r| {
                    let at = At::new(r, "users", "id")?;
                    Ok((
                        r.get("id")?,
                        r.get("password_hash")?,
                        at.checked_opt("locked_until", parse_stamp)?,
                        r.get("disabled")?,
                    ))
                },
            )
            .optional()?;
        let Some((id, hash, locked_until, disabled)) = row else {
            // Spend the same time as a real check, so names cannot be probed by timing.
            let _ = hash_password(password);
            self.note_hall_event(UNKNOWN_USER, "login_failed", "登录失败：用户名不存在")?;
            return Err(wrong());
        };
        if disabled {
            self.note_hall_event(username, "login_failed", "登录失败：账号已停用")?;
            return Err(HallError::new(ErrorCode::Auth, "该账号已停用，请联系系统管理员"));
        }
        let now = self.now();
        if let Some(until) = locked_until.and_then(|t| NaiveDateTime::parse_from_str(&t, TS_FMT).ok()) {
            if until > now {
                let secs = (until - now).num_seconds().max(1);
                self.note_hall_event(username, "login_failed", &format!("登录失败：账号锁定中（还有 {secs} 秒）"))?;
                return Err(HallError::new(
                    ErrorCode::Auth,
                    format!("密码错误次数过多，账号暂时锁定，请在 {secs} 秒后再试"),
                ));
            }
        }
        let ok = PasswordHash::new(&hash)
            .map(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false);
        let tx = self.write()?;
        if ok {
            tx.execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?1", [id])?;
            hall_event(&tx, self.now(), username, "login", success)?;
            tx.commit()?;
            return Ok(());
        }
        let failed: i64 = tx.query_row(
            "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?1 RETURNING failed_logins",
            [id],
            |r| r.get(0),
        )?;
        hall_event(&tx, self.now(), username, "login_failed", &format!("登录失败：密码错误（连续第 {failed} 次）"))?;
        if failed >= FREE_FAILURES {
            let secs = (30i64 << (failed - FREE_FAILURES).min(5)).min(900);
            let until = (now + Duration::seconds(secs)).format(TS_FMT).to_string();
            tx.execute("UPDATE users SET locked_until = ?1 WHERE id = ?2", params![until, id])?;
            hall_event(
                &tx,
                self.now(),
                username,
                "login_locked",
                &format!("连续 {failed} 次密码错误，账号锁定 {secs} 秒"),
            )?;
        }
        tx.commit()?;
        Err(wrong())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing;

    #[test]
    fn login_checks_hash_and_locks_after_repeated_failures() {
        let (_d, mut s) = testing::store();
        let u = s.login("clerk1", "Demo@clerk1").unwrap();
        assert_eq!(u.role, Role::Clerk);
        for _ in 0..FREE_FAILURES {
            assert_eq!(s.login("clerk1", "wrong").unwrap_err().message, "用户名或密码错误");
        }
        let e = s.login("clerk1", "Demo@clerk1").unwrap_err();
        assert!(e.message.contains("锁定"), "{}", e.message);
        assert_eq!(s.login("nobody", "x").unwrap_err().code, ErrorCode::Auth);
        let stored: String =
            s.conn.query_row("SELECT password_hash FROM users WHERE username='clerk1'", [], |r| r.get(0)).unwrap();
        assert!(stored.starts_with("$argon2"));
    }

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    /// (actor, action, note) of the login events, oldest first.
    fn login_events(s: &Store) -> Vec<(String, String, String)> {
        let mut st =
            s.conn.prepare("SELECT actor, action, note FROM events WHERE action LIKE 'login%' ORDER BY id").unwrap();
        st.query_map([], |r| Ok((r.get("actor")?, r.get("action")?, r.get("note")?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect()
    }

    #[test]
    fn logins_failures_and_lockouts_are_events_in_the_chain() {
        let (_d, mut s) = testing::store();
        s.login("clerk1", "Demo@clerk1").unwrap();
        for _ in 0..FREE_FAILURES {
            s.login("clerk1", "Guess@2026").unwrap_err();
        }
        s.login("clerk1", "Demo@clerk1").unwrap_err();
        s.login("Demo@director", "Demo@director").unwrap_err();
        let events = login_events(&s);
        let actions: Vec<&str> = events.iter().map(|e| e.1.as_str()).collect();
        let mut expected = vec!["login"];
        expected.extend(["login_failed"; FREE_FAILURES as usize]);
        expected.extend(["login_locked", "login_failed", "login_failed"]);
        assert_eq!(actions, expected);
        assert_eq!(events[0], ("clerk1".into(), "login".into(), "登录成功".into()));
        assert_eq!(events[5].2, "登录失败：密码错误（连续第 5 次）");
        assert_eq!(events[6].2, "连续 5 次密码错误，账号锁定 30 秒");
        assert!(events[7].2.starts_with("登录失败：账号锁定中"), "{}", events[7].2);
        // A name no account has is not kept: it may be a password typed into the wrong field.
        assert_eq!(events[8], (UNKNOWN_USER.into(), "login_failed".into(), "登录失败：用户名不存在".into()));
        let all: String = s.conn.query_row("SELECT group_concat(actor || note) FROM events", [], |r| r.get(0)).unwrap();
        assert!(!all.contains("Guess@2026") && !all.contains("Demo@"), "no password tried is in the log");
        let audit = s.audit_verify().unwrap();
        assert!(audit.intact, "{}", audit.broken);
    }

    #[test]
    fn a_password_older_than_the_limit_must_be_changed_before_work() {
        let (_d, mut s) = testing::store();
        s.set_now(Some(at("2026-01-05 09:00")));
        let user = NewUser {
            username: "clerk9".into(),
            name: "赵九".into(),
            role: Role::Clerk,
            unit: None,
            password: String::from("Old@pass2026").into(),
            must_change_password: false,
        };
        s.add_user(&user, "admin").unwrap();
        // 90 days later the password still holds; a day more and it must be changed first.
        s.set_now(Some(at("2026-04-05 09:00")));
        assert!(!s.login("clerk9", "Old@pass2026").unwrap().must_change_password);
        s.set_now(Some(at("2026-04-06 09:00")));
        let u = s.login("clerk9", "Old@pass2026").unwrap();
        assert!(u.must_change_password);
        assert_eq!(u.password_notice, "您的密码已使用超过 90 天");
        let mut session = Some(u);
        let search = || crate::api::Request::SearchCases { text: "张".into() };
        let e = crate::api::dispatch(&mut s, &mut session, search()).unwrap_err();
        assert_eq!(e.message, "赵九，您的密码已使用超过 90 天，请先修改密码再办理业务");
        let u = s.change_password("clerk9", "Old@pass2026", "New@pass2026").unwrap();
        assert!(!u.must_change_password && u.password_notice.is_empty());
        let mut session = Some(u);
        assert!(crate::api::dispatch(&mut s, &mut session, search()).is_ok());

        // The limit is the administrator's: 0 is never, more than 365 is refused with nothing stored.
        let mut settings = s.settings().unwrap();
        assert_eq!(settings.password_max_days, 90);
        settings.password_max_days = 366;
        let e = s.save_settings(&settings, "admin").unwrap_err();
        assert_eq!(e.message, "密码有效期天数应在 0 至 365 之间");
        assert_eq!(s.setting("password_max_days").unwrap(), None);
        settings.password_max_days = 0;
        s.save_settings(&settings, "admin").unwrap();
        s.set_now(Some(at("2030-01-01 09:00")));
        assert!(!s.login("clerk9", "New@pass2026").unwrap().must_change_password);
        settings.password_max_days = 30;
        s.save_settings(&settings, "admin").unwrap();
        assert_eq!(s.login("clerk9", "New@pass2026").unwrap().password_notice, "您的密码已使用超过 30 天");
    }

    #[test]
    fn accounts_from_before_the_password_age_count_from_their_creation() {
        // A demo hall as schema 5 made it: accounts with no password date.
        let (_dir, path) = testing::old_hall(5);
        let created: Vec<(String, String)> = {
            let raw = testing::raw(&path);
            let mut st = raw.prepare("SELECT username, created_at FROM users ORDER BY username").unwrap();
            let rows = st.query_map([], |r| Ok((r.get("username")?, r.get("created_at")?))).unwrap();
            rows.collect::<rusqlite::Result<_>>().unwrap()
        };
        let mut s = Store::open(&path).unwrap();
        let changed: Vec<(String, String)> = {
            let mut st = s.conn.prepare("SELECT username, password_changed_at FROM users ORDER BY username").unwrap();
            let rows = st.query_map([], |r| Ok((r.get("username")?, r.get("password_changed_at")?))).unwrap();
            rows.collect::<rusqlite::Result<_>>().unwrap()
        };
        assert_eq!(changed, created);
        let made = NaiveDateTime::parse_from_str(&created[0].1, TS_FMT).unwrap();
        s.set_now(Some(made + Duration::days(30)));
        assert!(!s.login("clerk1", "Demo@clerk1").unwrap().must_change_password);
        s.set_now(Some(made + Duration::days(91)));
        assert!(s.login("clerk1", "Demo@clerk1").unwrap().must_change_password);
    }

    #[test]
    fn weak_passwords_and_bad_users_are_refused() {
        let (_d, mut s) = testing::store();
        let n = s.user_count().unwrap();
        let user = |username: &str, role: Role, password: &str| NewUser {
            username: username.into(),
            name: "某".into(),
            role,
            unit: None,
            password: Zeroizing::new(password.into()),
            must_change_password: false,
        };
        assert!(s.add_user(&user("x1", Role::Clerk, "short"), "t").unwrap_err().message.contains("强度"));
        assert!(s.add_user(&user("x 1", Role::Clerk, "Abcdef12!"), "t").is_err());
        assert!(s.add_user(&user("x2", Role::Officer, "Abcdef12!"), "t").unwrap_err().message.contains("单位"));
        assert!(s.add_user(&user("clerk1", Role::Clerk, "Abcdef12!"), "t").unwrap_err().message.contains("已存在"));
        assert_eq!(s.user_count().unwrap(), n);
    }
}

/// A user as the administrator's list shows it (no hash).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UserInfo {
    pub username: String,
    pub name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub unit_name: Option<String>,
    pub disabled: bool,
    pub must_change_password: bool,
    pub locked: bool,
}

/// Changes the administrator makes to an account.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct UserUpdate {
    pub username: String,
    pub name: String,
    pub role: Role,
    pub unit: Option<String>,
    pub disabled: bool,
}

impl Store {
    pub fn users(&self) -> Result<Vec<UserInfo>> {
        let now = self.now().format(TS_FMT).to_string();
        let mut st = self.conn.prepare(
            "SELECT u.id AS id, u.username AS username, u.name AS name, u.role AS role, u.unit AS unit,
                    n.name AS unit_name, u.disabled AS disabled, u.must_change_password AS must_change_password,
                    coalesce(u.locked_until > ?1, 0) AS locked
             FROM users u LEFT JOIN units n ON n.code = u.unit ORDER BY u.role, u.username",
        )?;
        let rows = st.query_map([now], |r| {
            Ok(UserInfo {
                username: r.get("username")?,
                name: r.get("name")?,
                role: At::new(r, "users", "id")?.key("role", Role::parse)?,
                unit: r.get("unit")?,
                unit_name: r.get("unit_name")?,
                disabled: r.get("disabled")?,
                must_change_password: r.get("must_change_password")?,
                locked: r.get("locked")?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn update_user(&mut self, u: &UserUpdate, actor: &str) -> Result<()> {
        let name = text("姓名", &u.name, 40, true)?;
        if u.role == Role::Officer && u.unit.is_none() {
            return Err(HallError::invalid("后台经办人必须属于一个单位"));
        }
        let current = self.user_any(&u.username)?;
        if current == Role::Admin && (u.role != Role::Admin || u.disabled) && self.active_admins()? <= 1 {
            return Err(HallError::conflict("这是最后一个可用的系统管理员账号，不能停用或改为其他角色"));
        }
        let tx = self.write()?;
        if let Some(unit) = &u.unit {
            let ok: bool = tx.query_row("SELECT EXISTS(SELECT 1 FROM units WHERE code = ?1)", [unit], |r| r.get(0))?;
            if !ok {
                return Err(HallError::invalid(format!("单位“{unit}”不存在")));
            }
        }
        tx.execute(
            "UPDATE users SET name = ?1, role = ?2, unit = ?3, disabled = ?4 WHERE username = ?5",
            params![name, u.role.key(), u.unit, u.disabled, u.username],
        )?;
        hall_event(
            &tx,
            self.now(),
            actor,
            "user_update",
            &format!(
                "修改用户 {}：{}，{}{}",
                u.username,
                name,
                u.role.label(),
                if u.disabled { "，已停用" } else { "" }
            ),
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Sets a new password that must be changed at the next login, and lifts a lockout.
    pub fn reset_password(&mut self, username: &str, password: &str, actor: &str) -> Result<()> {
        check_password_strength(password)?;
        self.user_any(username)?;
        let hash = hash_password(password)?;
        let tx = self.write()?;
        tx.execute(
            "UPDATE users SET password_hash = ?1, must_change_password = 1, failed_logins = 0, locked_until = NULL,
                              password_changed_at = ?2
             WHERE username = ?3",
            params![hash, fmt_ts(self.now()), username],
        )?;
        hall_event(&tx, self.now(), actor, "password_reset", &format!("重置用户 {username} 的密码（首次登录须修改）"))?;
        tx.commit()?;
        Ok(())
    }

    /// The user changes their own password, proving the old one (checked last, so a refused new
    /// password leaves no event).
    pub fn change_password(&mut self, username: &str, old: &str, new: &str) -> Result<SessionUser> {
        if old == new {
            return Err(HallError::invalid("新密码不能与原密码相同"));
        }
        check_password_strength(new)?;
        let hash = hash_password(new)?;
        self.authenticate(username, old, "修改密码前验证原密码")
            .map_err(|_| HallError::new(ErrorCode::Auth, "原密码不正确"))?;
        let tx = self.write()?;
        tx.execute(
            "UPDATE users SET password_hash = ?1, must_change_password = 0, password_changed_at = ?2 WHERE username = ?3",
            params![hash, fmt_ts(self.now()), username],
        )?;
        hall_event(&tx, self.now(), username, "password_change", "修改了自己的密码")?;
        tx.commit()?;
        self.user(username)
    }

    /// A user by name, disabled ones included.
    fn user_any(&self, username: &str) -> Result<Role> {
        let role: Option<Role> = self
            .conn
            .query_row("SELECT id, role FROM users WHERE username = ?1", [username], |r| {
                At::new(r, "users", "id")?.key("role", Role::parse)
            })
            .optional()?;
        role.ok_or_else(|| HallError::not_found(format!("用户“{username}”不存在")))
    }

    fn active_admins(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0", [], |r| r.get(0))?)
    }
}
