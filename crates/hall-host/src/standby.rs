//! The standby host: a second PC that keeps a live copy of the hall host's store and takes over
//! when the host dies (`hallctl host standby`, `hallctl host promote`).
//!
//! It pairs with the host like a desk (a one-time code, the host's fingerprint pinned), makes
//! a certificate of its own and tells the host where desks will find it; desks learn both from
//! the host. Then it takes a copy of the hall's database and follows: it fetches the host's
//! changes and applies them to its copy, each with its position in one transaction, and its
//! next fetch tells the host they are applied (the host confirms a desk's write only then, see
//! `replication`). Until it is promoted it serves nothing but `/api/hello`: every request is
//! refused with a Chinese message, so that no desk works on a copy by mistake.
//!
//! Its identity (the host's address and pin, its credential, its own certificate) is kept in
//! `standby.json` beside the database, owner-only, like `hall.key`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use futures_util::StreamExt;
use hall_core::store::{install_copy, DeviceKind, RecoveryCode};
use hall_core::{ErrorCode, HallError, Store};
use serde::{Deserialize, Serialize};
use tokio::io::AsyncWriteExt;

use crate::cert::{self, HostCert};
use crate::replication::Changes;
use crate::standby_api::{EPOCH, RECOVERY_CODE, SEQ};
use crate::wire::{Answer, DEVICE};
use crate::{Pin, Remote};

/// What this PC is as a standby, kept beside the database.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Identity {
    pub name: String,
    /// The host followed, and its pinned fingerprint.
    pub host: String,
    pub pin: String,
    pub credential: String,
    /// Where desks reach this PC once it has taken over.
    pub address: String,
    pub listen: SocketAddr,
    pub cert_pem: String,
    pub key_pem: String,
    pub fingerprint: String,
    /// Set once it has taken over (it is the hall host from then on).
    pub promoted_at: Option<String>,
}

pub fn identity_path(db: &Path) -> PathBuf {
    db.with_file_name("standby.json")
}

/// Where the following process notes its pid, for `hallctl host promote`.
pub fn pid_path(db: &Path) -> PathBuf {
    db.with_file_name("standby.pid")
}

fn storage(msg: String) -> HallError {
    HallError::new(ErrorCode::Storage, msg)
}

impl Identity {
    pub fn load(db: &Path) -> Result<Option<Identity>, HallError> {
        let path = identity_path(db);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| storage(format!("备用主机设置 {} 无法读取：{e}", path.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(storage(format!("备用主机设置 {} 无法读取：{e}", path.display()))),
        }
    }

    pub fn save(&self, db: &Path) -> Result<(), HallError> {
        let path = identity_path(db);
        let text = serde_json::to_vec_pretty(self).map_err(|e| storage(e.to_string()))?;
        hall_print::write_private(&path, &text)
            .map_err(|e| storage(format!("无法保存备用主机设置 {}：{}", path.display(), e.message)))
    }

    fn cert(&self) -> HostCert {
        HostCert {
            cert_pem: self.cert_pem.clone(),
            key_pem: self.key_pem.clone(),
            fingerprint: self.fingerprint.clone(),
        }
    }
}

/// How the standby is started the first time (later runs read [`Identity`]).
pub struct Pairing {
    pub host: String,
    pub pin: Pin,
    pub code: String,
    pub name: String,
    pub listen: SocketAddr,
    pub address: String,
}

/// Pairs this PC with the host as its standby and keeps the identity.
pub async fn pair(db: &Path, p: Pairing) -> Result<Identity, HallError> {
    if let Some(old) = Identity::load(db)? {
        return Err(HallError::conflict(format!(
            "本机已是 {} 的备用主机“{}”（{}）；如要重新配对，先删除该文件",
            old.host,
            old.name,
            identity_path(db).display()
        )));
    }
    if !p.address.starts_with("https://") {
        return Err(HallError::invalid(format!("备用主机地址“{}”应形如 https://192.168.1.11:7443", p.address)));
    }
    let first = Remote::new(&p.host, Some(p.pin.clone()), None)?;
    let hello = first.hello(Duration::from_secs(5)).await?;
    let township = hello["township_name"].as_str().unwrap_or_default().to_string();
    let (paired, pin) = first.pair(&p.code, &p.name, DeviceKind::Standby, None).await?;
    let made = cert::make(&township)?;
    let identity = Identity {
        name: paired.device.name,
        host: first.base().to_string(),
        pin: pin.to_string(),
        credential: paired.credential,
        address: p.address,
        listen: p.listen,
        cert_pem: made.cert_pem,
        key_pem: made.key_pem,
        fingerprint: made.fingerprint,
        promoted_at: None,
    };
    identity.save(db)?;
    Ok(identity)
}

/// What the following loop tells its caller (hallctl prints it).
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    /// A fresh copy of the hall is in place, consistent with the host's change `seq`.
    Copied { cases: i64, seq: u64 },
    /// Applied up to `applied`; the host is at `last`.
    Following { applied: u64, last: u64 },
    /// The host cannot be reached (it retries every second).
    HostAway(String),
}

/// Where the copy stands: the host's run and the last change applied.
struct Position {
    epoch: String,
    seq: u64,
}

impl Position {
    fn text(&self) -> String {
        format!("{}:{}", self.epoch, self.seq)
    }
    fn of(store: &Store) -> Option<Position> {
        let text = store.applied_position().ok()??;
        let (epoch, seq) = text.split_once(':')?;
        Some(Position { epoch: epoch.to_string(), seq: seq.parse().ok()? })
    }
}

fn remove_copy(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let _ = std::fs::remove_file(db.with_file_name("hall.key"));
}

impl Remote {
    fn standby_get(&self, path: &str) -> reqwest::RequestBuilder {
        let b = self.patient.get(format!("{}{path}", self.base));
        match &self.device {
            Some(d) => b.header(DEVICE, d),
            None => b,
        }
    }

    async fn refusal(&self, r: reqwest::Response) -> HallError {
        let status = r.status();
        let bytes = r.bytes().await.unwrap_or_default();
        match serde_json::from_slice::<Answer<serde_json::Value>>(&bytes) {
            Ok(Answer::Err(e)) => e,
            _ => crate::client::unreachable(&self.base, format!("主机答复 HTTP {status}")),
        }
    }

    /// Tells the host where desks will find this standby.
    pub async fn standby_address(&self, address: &str, fingerprint: &str) -> Result<(), HallError> {
        let body = serde_json::json!({"address": address, "fingerprint": fingerprint});
        let mut b = self.http.post(format!("{}/api/standby/address", self.base)).json(&body);
        if let Some(d) = &self.device {
            b = b.header(DEVICE, d);
        }
        let r = b.send().await.map_err(|e| self.failed(e))?;
        if r.status().is_success() {
            return Ok(());
        }
        Err(self.refusal(r).await)
    }

    /// The hall's database, streamed to `dest`; answers the host's run, the change it is
    /// consistent with, and the recovery code that opens it.
    async fn standby_copy(&self, dest: &Path) -> Result<(String, u64, RecoveryCode), HallError> {
        let r = self.standby_get("/api/standby/copy").send().await.map_err(|e| self.failed(e))?;
        if !r.status().is_success() {
            return Err(self.refusal(r).await);
        }
        let header = |name: &str| r.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        let (epoch, seq, code) = (header(EPOCH), header(SEQ), header(RECOVERY_CODE));
        let seq: u64 = seq.parse().map_err(|_| storage("主机的副本缺少变化序号".into()))?;
        let code = RecoveryCode::parse(&code)?;
        let mut file =
            tokio::fs::File::create(dest).await.map_err(|e| storage(format!("无法写入 {}：{e}", dest.display())))?;
        let mut body = r.bytes_stream();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| self.failed(e))?;
            file.write_all(&chunk).await.map_err(|e| storage(format!("无法写入 {}：{e}", dest.display())))?;
        }
        file.sync_all().await.map_err(|e| storage(format!("无法写入 {}：{e}", dest.display())))?;
        Ok((epoch, seq, code))
    }

    /// The host's changes after `after` (`None`: take a fresh copy).
    async fn standby_changes(&self, epoch: &str, after: u64) -> Result<Option<Changes>, HallError> {
        let path = format!("/api/standby/changes?epoch={epoch}&after={after}");
        let r = self.standby_get(&path).timeout(Duration::from_secs(30)).send().await.map_err(|e| self.failed(e))?;
        if r.status() == reqwest::StatusCode::GONE {
            return Ok(None);
        }
        if !r.status().is_success() {
            return Err(self.refusal(r).await);
        }
        let bytes = r.bytes().await.map_err(|e| self.failed(e))?;
        match serde_json::from_slice::<Answer<Changes>>(&bytes) {
            Ok(Answer::Ok(c)) => Ok(Some(c)),
            Ok(Answer::Err(e)) => Err(e),
            Err(e) => Err(HallError::new(ErrorCode::Internal, format!("主机的变化无法读取：{e}"))),
        }
    }
}

/// Takes a fresh copy of the hall into `db` (the old copy, if any, replaced).
async fn fresh_copy(remote: &Remote, db: &Path) -> Result<(Store, Position, i64), HallError> {
    let dir = db.parent().map(Path::to_path_buf).unwrap_or_default();
    let tmp = tempfile::Builder::new()
        .prefix(".standby-incoming-")
        .tempfile_in(&dir)
        .map_err(|e| storage(format!("无法在 {} 写入副本：{e}", dir.display())))?;
    let (epoch, seq, code) = remote.standby_copy(tmp.path()).await?;
    let (db2, path) = (db.to_path_buf(), tmp.path().to_path_buf());
    let installed = tokio::task::spawn_blocking(move || -> Result<(Store, i64), HallError> {
        remove_copy(&db2);
        let facts = install_copy(&db2, &path, &code)?;
        if facts.schema != hall_core::store::SCHEMA_VERSION {
            remove_copy(&db2);
            return Err(HallError::invalid(format!(
                "主机的一窗通版本（数据库结构 {}）与本机（{}）不同：备用主机须与主机装同一版本",
                facts.schema,
                hall_core::store::SCHEMA_VERSION
            )));
        }
        Ok((Store::open(&db2)?, facts.cases))
    })
    .await
    .map_err(|e| HallError::new(ErrorCode::Internal, e.to_string()))??;
    drop(tmp);
    let (mut store, cases) = installed;
    let at = Position { epoch, seq };
    store.set_applied_position(&at.text())?;
    Ok((store, at, cases))
}

fn apply(store: &mut Store, epoch: &str, changes: &Changes) -> Result<u64, HallError> {
    let mut applied = 0;
    for c in &changes.entries {
        let bytes = data_encoding::BASE64
            .decode(c.changes.as_bytes())
            .map_err(|e| HallError::new(ErrorCode::Internal, format!("主机的变化无法读取：{e}")))?;
        store.apply_changes(&bytes, &format!("{epoch}:{}", c.seq))?;
        applied = c.seq;
    }
    Ok(applied)
}

/// Follows the host until `stop` resolves: copy, then changes, again and again. Errors that a
/// retry cannot mend (this standby revoked, another version) end it.
pub async fn follow(
    db: &Path,
    identity: &Identity,
    stop: impl std::future::Future<Output = ()>,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<(), HallError> {
    let remote = Remote::new(&identity.host, Some(Pin::parse(&identity.pin)?), Some(identity.credential.clone()))?;
    let mut copy: Option<(Store, Position)> = match db.exists() {
        true => {
            let store = Store::open(db)?;
            Position::of(&store).map(|p| (store, p))
        }
        false => None,
    };
    let mut announced = false;
    let mut away = false;
    let work = async {
        loop {
            let step: Result<(), HallError> = async {
                if !announced {
                    remote.standby_address(&identity.address, &identity.fingerprint).await?;
                    announced = true;
                }
                let Some((store, at)) = copy.as_mut() else {
                    copy = None;
                    let (store, at, cases) = fresh_copy(&remote, db).await?;
                    progress(Progress::Copied { cases, seq: at.seq });
                    copy = Some((store, at));
                    return Ok(());
                };
                match remote.standby_changes(&at.epoch, at.seq).await? {
                    None => copy = None,
                    Some(changes) if !changes.entries.is_empty() => match apply(store, &at.epoch, &changes) {
                        Ok(seq) => {
                            at.seq = seq;
                            progress(Progress::Following { applied: seq, last: changes.last });
                        }
                        Err(e) => {
                            log::error!("changes not applied, a fresh copy follows: {}", e.message);
                            copy = None;
                        }
                    },
                    Some(_) => {}
                }
                Ok(())
            }
            .await;
            match step {
                Ok(()) => away = false,
                // Revoked, or another version: a retry cannot mend it.
                Err(e) if matches!(e.code, ErrorCode::Forbidden | ErrorCode::Auth | ErrorCode::Invalid) => {
                    return Err(e)
                }
                // The host away, or an answer cut off as it died: again in a second.
                Err(e) => {
                    if !away {
                        progress(Progress::HostAway(e.message.clone()));
                        away = true;
                    }
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    };
    tokio::select! {
        r = work => r,
        _ = stop => Ok(()),
    }
}

/// What the standby answers before it has taken over: its hello, and a refusal for all else.
pub fn waiting_router(identity: &Identity, township: (String, String)) -> Router {
    let hello = serde_json::json!({
        "product": hall_core::PRODUCT,
        "township_code": township.0,
        "township_name": township.1,
        "role": "standby",
        "following": identity.host,
    });
    let refusal = format!(
        "这是大厅的备用主机“{}”，正在跟随主机 {}，尚未接替，不能办理业务。主机停机时，请系统管理员在本机运行 hallctl host promote 接替",
        identity.name, identity.host
    );
    Router::new().route("/api/hello", get(move || async move { axum::Json(hello) })).fallback(move || async move {
        let e = HallError::new(ErrorCode::Unreachable, refusal);
        (axum::http::StatusCode::SERVICE_UNAVAILABLE, axum::Json(Answer::<()>::Err(e))).into_response()
    })
}

/// Serves [`waiting_router`] on the standby's address until `handle` is told to stop.
pub async fn serve_waiting(
    identity: &Identity,
    township: (String, String),
    handle: axum_server::Handle<SocketAddr>,
) -> Result<tokio::task::JoinHandle<()>, HallError> {
    crate::crypto();
    let cert = identity.cert();
    let tls = RustlsConfig::from_pem(cert.cert_pem.into_bytes(), cert.key_pem.into_bytes())
        .await
        .map_err(|e| storage(format!("备用主机证书无法使用：{e}")))?;
    let listener = std::net::TcpListener::bind(identity.listen)
        .map_err(|e| HallError::invalid(format!("无法监听 {}：{e}（端口是否已被占用？）", identity.listen)))?;
    listener.set_nonblocking(true).map_err(|e| storage(e.to_string()))?;
    let server = axum_server::from_tcp_rustls(listener, tls).map_err(|e| storage(e.to_string()))?.handle(handle);
    let app = waiting_router(identity, township);
    Ok(tokio::spawn(async move {
        if let Err(e) = server.serve(app.into_make_service()).await {
            log::error!("standby listener stopped: {e}");
        }
    }))
}

/// Makes the copy at `db` the hall's database with this standby's certificate: recorded as an
/// event, this standby's pairing ended (the hall has no standby until another is paired).
/// Answers the change it had reached.
pub fn promote(db: &Path, identity: &mut Identity, actor: &str) -> Result<String, HallError> {
    if identity.promoted_at.is_some() {
        return Err(HallError::conflict("本机已接替为大厅主机：用 hallctl host serve 启动"));
    }
    let mut store = Store::open(db)
        .map_err(|e| HallError::new(e.code, format!("本机还没有大厅数据的副本，不能接替：{}", e.message)))?;
    let reached = store.applied_position()?.unwrap_or_default();
    cert::adopt(&mut store, &identity.cert())?;
    // Its pairing ends (unless the host had revoked it already, and the copy says so).
    if store.standby_host()?.is_some_and(|d| d.name == identity.name) {
        store.revoke_device(&identity.name, actor)?;
    }
    store.note_hall_event(
        actor,
        "standby_promoted",
        &format!(
            "备用主机“{}”接替为大厅主机（原主机 {}；已同步到 {}），工作站确认后改连 {}（指纹 {}）",
            identity.name, identity.host, reached, identity.address, identity.fingerprint
        ),
    )?;
    identity.promoted_at = Some(store.now().format("%Y-%m-%d %H:%M:%S").to_string());
    identity.save(db)?;
    Ok(reached)
}
