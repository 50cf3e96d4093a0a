//! Who acts. Without `--user` a command runs as the operator session (county IT at the hall's
//! computer, recorded as `hallctl（操作员）`); with it, as that user only after `Request::Login`
//! with their password — so a wrong password, a locked account or a password that must be
//! changed first is refused by the core exactly as in the window.

use std::io::IsTerminal;

use hall_core::api::{dispatch, Reply, Request};
use hall_core::store::SessionUser;
use hall_core::{HallError, Store};
use zeroize::Zeroizing;

/// The password of `--user` (and the old one for `user passwd`).
pub const PASSWORD_VAR: &str = "YICHUANG_PASSWORD";
/// The new password for `user passwd`.
pub const NEW_PASSWORD_VAR: &str = "YICHUANG_NEW_PASSWORD";

/// The store and the session every request of this run goes through.
pub struct Gate {
    pub store: Store,
    pub session: Option<SessionUser>,
    pub json: bool,
}

impl Gate {
    /// The operator session, or `username` after a login with their password.
    pub fn open(mut store: Store, username: Option<&str>, json: bool) -> Result<Gate, HallError> {
        let session = match username {
            None => Some(SessionUser::operator()),
            Some(name) => Some(login(&mut store, name)?),
        };
        Ok(Gate { store, session, json })
    }

    /// One request through the hall's one gate.
    pub fn ask(&mut self, req: Request) -> Result<Reply, HallError> {
        dispatch(&mut self.store, &mut self.session, req)
    }
}

/// A reply the request does not give: a defect of hallctl, not of the input.
pub fn unexpected(reply: &Reply) -> HallError {
    let kind = serde_json::to_value(reply).ok().and_then(|v| v["type"].as_str().map(String::from));
    HallError::new(hall_core::ErrorCode::Internal, format!("内部错误：意外的应答 {}", kind.unwrap_or_default()))
}

fn login(store: &mut Store, username: &str) -> Result<SessionUser, HallError> {
    let password = secret(PASSWORD_VAR, &format!("请输入用户 {username} 的密码："))?;
    login_with(store, username, password)
}

fn login_with(store: &mut Store, username: &str, password: Zeroizing<String>) -> Result<SessionUser, HallError> {
    let mut session = None;
    match dispatch(store, &mut session, Request::Login { username: username.into(), password })? {
        Reply::Session(Some(user)) => Ok(user),
        other => Err(unexpected(&other)),
    }
}

/// A password from the environment, or typed at the terminal (not echoed).
fn secret(var: &str, prompt: &str) -> Result<Zeroizing<String>, HallError> {
    if let Ok(p) = std::env::var(var) {
        return Ok(Zeroizing::new(p));
    }
    if !std::io::stdin().is_terminal() {
        return Err(HallError::invalid(format!("请在环境变量 {var} 中给出密码（或在终端上运行，按提示输入）")));
    }
    rpassword::prompt_password(prompt)
        .map(Zeroizing::new)
        .map_err(|e| HallError::invalid(format!("无法读取输入的密码：{e}")))
}

/// `user passwd USERNAME`: the user proves the old password (a login) and sets a new one, which
/// also ends a forced change.
pub fn change_own_password(store: &mut Store, username: &str) -> Result<SessionUser, HallError> {
    let old = secret(PASSWORD_VAR, &format!("请输入用户 {username} 的原密码："))?;
    let mut session = Some(login_with(store, username, old.clone())?);
    let new = match std::env::var(NEW_PASSWORD_VAR) {
        Ok(p) => Zeroizing::new(p),
        Err(_) => {
            let new = secret(NEW_PASSWORD_VAR, "请输入新密码：")?;
            if *secret(NEW_PASSWORD_VAR, "请再输入一次新密码：")? != *new {
                return Err(HallError::invalid("两次输入的新密码不一致，密码未修改"));
            }
            new
        }
    };
    match dispatch(store, &mut session, Request::ChangePassword { old, new })? {
        Reply::Session(Some(user)) => Ok(user),
        other => Err(unexpected(&other)),
    }
}
