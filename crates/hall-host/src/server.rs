//! The hall host: starts on the hall's database, makes or loads its certificate, and serves
//! the hall's requests over HTTPS until stopped. Nothing listens unless it is started — by
//! `hallctl host serve`, or by the app when 本机作为大厅主机 is switched on.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::routing::{get, post};
use axum::Router;
use axum_server::tls_rustls::RustlsConfig;
use axum_server::Handle;
use hall_core::{ErrorCode, HallError, Store};
use tokio::sync::broadcast;

use crate::replication::Replication;
use crate::sessions::Sessions;
use crate::wire::Notice;
use crate::workers::Workers;
use crate::{cert, handlers, standby_api, upkeep};

/// Told the fingerprint and the address once the host listens.
pub type OnReady = Box<dyn FnOnce(&str, SocketAddr) + Send>;

pub struct HostConfig {
    pub db: PathBuf,
    pub listen: SocketAddr,
    /// Reader connections (4 serve 20 busy counters: see docs/benchmarks.md).
    pub readers: usize,
    /// Run the sync pass and the hourly tick here (headless host); the app does its own.
    pub upkeep: bool,
    /// Called with the fingerprint and the bound address once listening, before the first
    /// connection is taken (hallctl prints the fingerprint there).
    pub on_ready: Option<OnReady>,
}

impl HostConfig {
    pub fn new(db: PathBuf, listen: SocketAddr) -> HostConfig {
        HostConfig { db, listen, readers: 4, upkeep: true, on_ready: None }
    }
}

/// What every handler shares.
pub struct Hall {
    pub workers: Workers,
    pub replication: Arc<Replication>,
    pub sessions: Sessions,
    pub feed: broadcast::Sender<Notice>,
    pub pair_failures: Mutex<Vec<std::time::Instant>>,
}

pub struct RunningHost {
    pub addr: SocketAddr,
    /// `SHA256:<64 hex>`: what desks pin.
    pub fingerprint: String,
    pub hall: Arc<Hall>,
    handle: Handle<SocketAddr>,
    served: tokio::task::JoinHandle<Result<(), String>>,
}

fn cannot(what: String) -> HallError {
    HallError::new(ErrorCode::Storage, what)
}

pub async fn start(config: HostConfig) -> Result<RunningHost, HallError> {
    crate::crypto();
    let db = config.db.clone();
    let (store, host_cert, idle) = tokio::task::spawn_blocking(move || -> Result<_, HallError> {
        let mut store = Store::open(&db)?;
        if store.hall_info()?.township_code.is_empty() {
            return Err(HallError::invalid("数据库尚未初始化乡镇：请先运行 hallctl init"));
        }
        let host_cert = cert::load_or_make(&mut store)?;
        let pruned = store.prune_request_log()?;
        log::info!("host opened {}; {pruned} old request answers pruned", db.display());
        let idle = store.settings()?.idle_lock_minutes;
        Ok((store, host_cert, idle))
    })
    .await
    .map_err(|e| cannot(format!("主机启动失败：{e}")))??;
    let replication = Replication::new();
    let workers = Workers::start(&config.db, store, config.readers, replication.clone())?;
    let tls = RustlsConfig::from_pem(host_cert.cert_pem.into_bytes(), host_cert.key_pem.into_bytes())
        .await
        .map_err(|e| cannot(format!("主机证书无法使用：{e}")))?;
    let listener = std::net::TcpListener::bind(config.listen)
        .map_err(|e| HallError::invalid(format!("无法监听 {}：{e}（端口是否已被占用？）", config.listen)))?;
    listener.set_nonblocking(true).map_err(|e| cannot(format!("无法监听 {}：{e}", config.listen)))?;
    let addr = listener.local_addr().map_err(|e| cannot(format!("无法监听 {}：{e}", config.listen)))?;
    let (feed, _) = broadcast::channel(1024);
    let hall = Arc::new(Hall {
        workers,
        replication,
        sessions: Sessions::new(idle),
        feed,
        pair_failures: Mutex::new(Vec::new()),
    });
    if let Some(ready) = config.on_ready {
        ready(&host_cert.fingerprint, addr);
    }
    let app = router(hall.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let handle = Handle::new();
    let server = axum_server::from_tcp_rustls(listener, tls)
        .map_err(|e| cannot(format!("无法监听 {addr}：{e}")))?
        .handle(handle.clone());
    let served = tokio::spawn(async move { server.serve(app).await.map_err(|e| format!("主机服务异常退出：{e}")) });
    if config.upkeep {
        start_upkeep(config.db.clone(), hall.clone());
    }
    log::info!("hall host listening on https://{addr}, {}", host_cert.fingerprint);
    Ok(RunningHost { addr, fingerprint: host_cert.fingerprint, hall, handle, served })
}

pub fn router(hall: Arc<Hall>) -> Router {
    Router::new()
        .route("/api/hello", get(handlers::hello))
        .route("/api/pair", post(handlers::pair))
        .route("/api/session", post(handlers::session))
        .route("/api/call", post(handlers::call))
        .route("/api/document", post(handlers::document))
        .route("/api/events", get(handlers::events))
        .route("/rater", get(handlers::rater_page))
        .route("/api/standby/copy", get(standby_api::copy))
        .route("/api/standby/changes", get(standby_api::changes))
        .route("/api/standby/address", post(standby_api::address))
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024 * 1024))
        .with_state(hall)
}

impl RunningHost {
    /// Stops taking connections and lets requests in flight finish (up to 5 s).
    pub async fn stop(self) {
        self.handle.graceful_shutdown(Some(Duration::from_secs(5)));
        match self.served.await {
            Ok(Err(e)) => log::error!("{e}"),
            Err(e) => log::error!("host task failed: {e}"),
            Ok(Ok(())) => {}
        }
        log::info!("hall host stopped");
    }

    /// A request of the host PC's own window, through the same writer, readers and live feed
    /// as the desks' (so they see its work at once). `desk` names it in the events ('' for
    /// the host itself).
    pub async fn local_call(
        &self,
        session: &mut Option<hall_core::store::SessionUser>,
        request_id: Option<String>,
        request: hall_core::api::Request,
    ) -> Result<hall_core::api::Reply, HallError> {
        let (answer, user) =
            handlers::run_request(&self.hall, String::new(), session.clone(), request_id, request).await;
        *session = user;
        answer
    }

    /// Another connection to the hall's database in this process that writes (the host PC's
    /// own window): its changes go to the standby too.
    pub fn replicate(&self, store: Arc<Mutex<Store>>) {
        self.hall.replication.watch(store);
    }

    /// The live feed, for the host PC's own window.
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.hall.feed.subscribe()
    }

    /// Serves until SIGTERM or Ctrl-C, then stops cleanly.
    pub async fn until_signal(self) {
        shutdown_signal().await;
        self.stop().await;
    }
}

#[cfg(unix)]
async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler can be installed");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}

#[cfg(not(unix))]
async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
}

/// The headless host's sync pass and hourly tick, on a connection of their own. A sync pass
/// may bring a new calendar: the workers read it again.
fn start_upkeep(db: PathBuf, hall: Arc<Hall>) {
    let store = match Store::open_reader(&db) {
        Ok(s) => Arc::new(Mutex::new(s)),
        Err(e) => return log::error!("upkeep cannot open the store: {}", e.message),
    };
    hall.replication.watch(store.clone());
    let hourly = store.clone();
    std::thread::spawn(move || loop {
        upkeep::hourly(&hourly);
        std::thread::sleep(Duration::from_secs(3600));
    });
    tokio::spawn(async move {
        let mut failures = 0;
        loop {
            match upkeep::sync_pass(&store, &mut |_| {}).await {
                Ok(Some(_)) => {
                    failures = 0;
                    hall.workers.calendar_changed();
                }
                Ok(None) => failures = 0,
                Err(e) => {
                    log::warn!("sync pass failed: {}", e.message);
                    failures += 1;
                }
            }
            tokio::time::sleep(upkeep::next_pass(failures)).await;
        }
    });
}
