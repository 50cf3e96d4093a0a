//! Who acts. Without `--user` a command runs as the operator session (county IT at the hall's
//! computer, recorded as `hallctl（操作员）`); with it, as that user only after `Request::Login`
//! with their password — so a wrong password, a locked account or a password that must be
//! changed first is refused by the core exactly as in the window. With `--host URL --pin …`
//! the same requests go to the hall host, which signs the user in and runs them there.

use std::io::IsTerminal;

use hall_core::api::{Reply, Request};
use hall_core::documents::DocRequest;
use hall_core::idempotent::dispatch_once;
use hall_core::store::SessionUser;
use hall_core::{HallError, Store};
use hall_host::wire::DocumentAsk;
use hall_host::{Pin, Remote};
use zeroize::Zeroizing;

/// The password of `--user` (and the old one for `user passwd`).
pub const PASSWORD_VAR: &str = "YICHUANG_PASSWORD";
/// The new password for `user passwd`.
pub const NEW_PASSWORD_VAR: &str = "YICHUANG_NEW_PASSWORD";

/// Where the requests of this run go: the hall's store on this PC, or a hall host on the
/// hall's network (`--host URL --pin …`), which runs them with the same gate.
pub enum Place {
    Here(Store),
    Host(HostLink),
}

/// A hall host and this run's session at it.
pub struct HostLink {
    remote: Remote,
    rt: tokio::runtime::Runtime,
    token: String,
}

impl HostLink {
    /// Connects (the pin is checked on the first byte) and opens a session.
    pub fn connect(url: &str, pin: &str) -> Result<HostLink, HallError> {
        let pin = Pin::parse(pin)?;
        let remote = Remote::new(url, Some(pin), None)?;
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| HallError::new(hall_core::ErrorCode::Internal, e.to_string()))?;
        let token = rt.block_on(remote.open_session())?;
        Ok(HostLink { remote, rt, token })
    }

    fn ask(&self, request_id: Option<&str>, req: &Request) -> Result<Reply, HallError> {
        self.rt.block_on(self.remote.call(&self.token, request_id, req))
    }
}

/// The place and the session every request of this run goes through.
pub struct Gate {
    place: Place,
    pub session: Option<SessionUser>,
    pub json: bool,
    /// `--request-id`: the run's first write carries it, a second `ID.2`, and so on.
    request_id: Option<String>,
    writes: u32,
}

impl Gate {
    /// The operator session (on this PC only), or `username` after a login with their password.
    pub fn open(place: Place, username: Option<&str>, json: bool) -> Result<Gate, HallError> {
        let mut gate = Gate { place, session: None, json, request_id: None, writes: 0 };
        gate.session = match (username, &gate.place) {
            (None, Place::Here(_)) => Some(SessionUser::operator()),
            (None, Place::Host(_)) => {
                return Err(HallError::invalid(format!(
                    "连接大厅主机时须用 --user 指定用户，并在环境变量 {PASSWORD_VAR} 中给出其密码"
                )))
            }
            (Some(name), _) => {
                let password = secret(PASSWORD_VAR, &format!("请输入用户 {name} 的密码："))?;
                Some(gate.login(name, password)?)
            }
        };
        Ok(gate)
    }

    pub fn with_request_id(mut self, id: Option<String>) -> Gate {
        self.request_id = id;
        self
    }

    fn login(&mut self, username: &str, password: Zeroizing<String>) -> Result<SessionUser, HallError> {
        match self.send(None, Request::Login { username: username.into(), password })? {
            Reply::Session(Some(user)) => Ok(user),
            other => Err(unexpected(&other)),
        }
    }

    fn send(&mut self, request_id: Option<&str>, req: Request) -> Result<Reply, HallError> {
        match &mut self.place {
            Place::Here(store) => dispatch_once(store, &mut self.session, request_id, req),
            Place::Host(link) => link.ask(request_id, &req),
        }
    }

    /// One request through the hall's one gate (here, or at the host).
    pub fn ask(&mut self, req: Request) -> Result<Reply, HallError> {
        let id = match (&self.request_id, hall_core::api::writes(&req)) {
            (Some(id), true) => {
                self.writes += 1;
                Some(if self.writes == 1 { id.clone() } else { format!("{id}.{}", self.writes) })
            }
            _ => None,
        };
        self.send(id.as_deref(), req)
    }

    /// The store itself, for the few commands that work on this PC's file (a backup to a named
    /// place, an export, a sync pass): refused against a host.
    pub fn store(&mut self, what: &str) -> Result<&mut Store, HallError> {
        match &mut self.place {
            Place::Here(store) => Ok(store),
            Place::Host(_) => Err(HallError::invalid(format!("{what}须在大厅主机所在的电脑上执行（不带 --host）"))),
        }
    }

    pub fn into_store(self, what: &str) -> Result<Store, HallError> {
        match self.place {
            Place::Here(store) => Ok(store),
            Place::Host(_) => Err(HallError::invalid(format!("{what}须在大厅主机所在的电脑上执行（不带 --host）"))),
        }
    }

    /// A PDF made at the host, recorded there as used `how`; `None` on this PC (the caller
    /// renders it here).
    pub fn host_document(&mut self, req: &DocRequest, how: &str) -> Option<Result<Vec<u8>, HallError>> {
        match &self.place {
            Place::Here(_) => None,
            Place::Host(link) => {
                let ask = DocumentAsk { request: req.clone(), record: Some(how.to_string()) };
                Some(link.rt.block_on(link.remote.document(&link.token, &ask)))
            }
        }
    }
}

/// A reply the request does not give: a defect of hallctl, not of the input.
pub fn unexpected(reply: &Reply) -> HallError {
    let kind = serde_json::to_value(reply).ok().and_then(|v| v["type"].as_str().map(String::from));
    HallError::new(hall_core::ErrorCode::Internal, format!("内部错误：意外的应答 {}", kind.unwrap_or_default()))
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
pub fn change_own_password(place: Place, username: &str, json: bool) -> Result<SessionUser, HallError> {
    let old = secret(PASSWORD_VAR, &format!("请输入用户 {username} 的原密码："))?;
    let mut gate = Gate { place, session: None, json, request_id: None, writes: 0 };
    gate.session = Some(gate.login(username, old.clone())?);
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
    match gate.ask(Request::ChangePassword { old, new })? {
        Reply::Session(Some(user)) => Ok(user),
        other => Err(unexpected(&other)),
    }
}
