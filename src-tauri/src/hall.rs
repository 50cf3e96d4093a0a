//! The hall as this window reaches it, in one of three ways (network.rs says which): the store
//! on this PC (one PC alone), the same store served to the desks by the host running inside
//! this app (本机作为大厅主机), or the hall host elsewhere (a desk: no database here). Before the
//! first start's choice there is none. Every request of the window goes through [`Shell::call`]
//! whichever way it is, to `dispatch` in the end.

use std::sync::{Arc, Mutex, OnceLock};

use hall_core::api::{dispatch, writes, Reply, Request};
use hall_core::hall_network::{HallChange, HostStatus};
use hall_core::store::SessionUser;
use hall_core::{HallError, Store};
use hall_host::RunningHost;
use tauri::Emitter;

use crate::desk::Desk;
use crate::network::Paths;

/// The host running inside this app, and the task that tells this window its notices.
pub struct Hosting {
    pub running: RunningHost,
    pub listen: String,
    forwarder: tauri::async_runtime::JoinHandle<()>,
}

/// The hall's store on this PC, served to desks or not.
pub struct Local {
    pub store: Result<Arc<Mutex<Store>>, HallError>,
    pub host: Option<Hosting>,
}

pub enum Mode {
    /// The first start, before 单机使用 / 连接大厅主机 is chosen.
    Choosing,
    Local(Local),
    Desk(Arc<Desk>),
}

pub struct Shell {
    pub paths: Paths,
    pub mode: tokio::sync::RwLock<Mode>,
    /// Who is signed in at this window, when the store is here (at a desk the host keeps it).
    session: Mutex<Option<SessionUser>>,
    /// Why the host did not start, or why the first start is shown again (a revoked desk).
    pub problem: Mutex<Option<String>>,
    /// A desk's link to its host, as last told to the window.
    pub status: Mutex<HostStatus>,
    /// Where the host last listened (or network.json says it should): switched on again, it
    /// listens there, and the tab offers that port.
    pub last_listen: Mutex<Option<std::net::SocketAddr>>,
    app: OnceLock<tauri::AppHandle>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn same_session(a: &Option<SessionUser>, b: &Option<SessionUser>) -> bool {
    serde_json::to_value(a).ok() == serde_json::to_value(b).ok()
}

pub fn open_store(paths: &Paths) -> Result<Arc<Mutex<Store>>, HallError> {
    // The store reads a pinned clock (YICHUANG_NOW, for training sessions and the end-to-end
    // tests) itself: see hall_core::clock.
    let store = Store::open(&paths.db).map(|s| Arc::new(Mutex::new(s)));
    if let Err(e) = &store {
        log::error!("cannot open {}: {}", paths.db.display(), e.message);
    }
    store
}

impl Shell {
    pub fn new(paths: Paths, mode: Mode, problem: Option<String>) -> Shell {
        Shell {
            paths,
            mode: tokio::sync::RwLock::new(mode),
            session: Mutex::new(None),
            problem: Mutex::new(problem),
            status: Mutex::new(HostStatus::online()),
            last_listen: Mutex::new(None),
            app: OnceLock::new(),
        }
    }

    pub fn attach(&self, app: tauri::AppHandle) {
        let _ = self.app.set(app);
    }

    pub fn app(&self) -> Option<&tauri::AppHandle> {
        self.app.get()
    }

    /// Tells the window something changed at the hall (its lists reload).
    pub fn changed(&self, change: HallChange) {
        if let Some(app) = self.app.get() {
            let _ = app.emit("hall-changed", change);
        }
    }

    /// Tells the window how the host stands, when that changed.
    pub fn tell_status(&self, status: HostStatus) {
        {
            let mut now = lock(&self.status);
            if now.online == status.online && now.problem == status.problem {
                return;
            }
            *now = status.clone();
        }
        match &status.problem {
            Some(p) => log::warn!("host status: {p:?} {}", status.message),
            None => log::info!("host status: online"),
        }
        if let Some(app) = self.app.get() {
            let _ = app.emit("host-status", status);
        }
    }

    pub fn session(&self) -> Option<SessionUser> {
        lock(&self.session).clone()
    }

    pub fn set_problem(&self, problem: Option<String>) {
        *lock(&self.problem) = problem;
    }

    /// One request of the window, wherever the hall is. `request_id` (the window's, one per
    /// thing the user asked for, the same on 重试) goes with a write to a host, which then does
    /// it once however often it is sent.
    pub async fn call(
        self: &Arc<Self>,
        request: Request,
        request_id: Option<String>,
    ) -> Result<serde_json::Value, HallError> {
        let mode = self.mode.read().await;
        match &*mode {
            Mode::Choosing => Err(HallError::invalid("请先选择本机的使用方式：单机使用，或连接大厅主机")),
            Mode::Desk(desk) => desk.call(&request, request_id).await,
            Mode::Local(local) => {
                let reply = match &local.host {
                    Some(h) => self.hosted_call(local, h, request, request_id).await?,
                    None => self.local_call(local, request).await?,
                };
                serde_json::to_value(reply).map_err(|e| HallError::new(hall_core::ErrorCode::Internal, e.to_string()))
            }
        }
    }

    /// One PC: the store here, under its lock; a write is then told to the window as a change.
    async fn local_call(self: &Arc<Self>, local: &Local, request: Request) -> Result<Reply, HallError> {
        let store = local.store.as_ref().map_err(Clone::clone)?.clone();
        let me = self.clone();
        let kind: &'static str = (&request).into();
        let wrote = writes(&request);
        let reply = tokio::task::spawn_blocking(move || {
            let mut store = lock(&store);
            let mut session = lock(&me.session);
            dispatch(&mut store, &mut session, request)
        })
        .await
        .map_err(|e| HallError::new(hall_core::ErrorCode::Internal, format!("请求未完成：{e}")))??;
        if wrote {
            self.changed(HallChange { seq: 0, kind: kind.into(), number: case_number(&reply) });
        }
        Ok(reply)
    }

    /// This PC is the host: the window's requests take the host's writer and readers like a
    /// desk's, so the desks see its work on their live feed at once.
    async fn hosted_call(
        &self,
        local: &Local,
        host: &Hosting,
        request: Request,
        request_id: Option<String>,
    ) -> Result<Reply, HallError> {
        if hall_core::api::whole_database(&request) {
            return Err(HallError::invalid(
                "本机正作为大厅主机为其他电脑服务，不能在此时从备份恢复或更换密钥：请先在“系统管理 → 大厅网络”中关闭“本机作为大厅主机”，完成后再打开",
            ));
        }
        let before = self.session();
        let mut session = before.clone();
        let id = request_id.filter(|_| writes(&request));
        let reply = host.running.local_call(&mut session, id, request).await;
        // Only a request that changed the session writes it back (a slow read never undoes a
        // logout made meanwhile).
        if !same_session(&before, &session) {
            *lock(&self.session) = session;
        }
        let reply = reply?;
        // This window's own store keeps the calendar in memory too (for the papers it prints).
        if let (Reply::CalendarYears(_), Ok(store)) = (&reply, &local.store) {
            if let Err(e) = lock(store).reload_calendar() {
                log::error!("calendar reload failed: {}", e.message);
            }
        }
        Ok(reply)
    }

    /// The store on this PC, when the hall is kept here (for documents, sync and backups).
    pub async fn local_store(&self) -> Option<Result<Arc<Mutex<Store>>, HallError>> {
        match &*self.mode.read().await {
            Mode::Local(l) => Some(l.store.clone()),
            _ => None,
        }
    }

    /// Runs `f` on this PC's store with the window's session, off the async threads; a refusal
    /// is logged with what was asked.
    pub async fn with_store<T: Send + 'static>(
        self: &Arc<Self>,
        what: &'static str,
        f: impl FnOnce(&mut Store, &mut Option<SessionUser>) -> Result<T, HallError> + Send + 'static,
    ) -> Result<T, HallError> {
        let store = match self.local_store().await {
            Some(s) => s?,
            None => return Err(HallError::invalid("本机不保存大厅数据（大厅工作站），此操作由大厅主机完成")),
        };
        let me = self.clone();
        let r = tokio::task::spawn_blocking(move || {
            let mut store = lock(&store);
            let mut session = lock(&me.session);
            f(&mut store, &mut session)
        })
        .await
        .map_err(|e| HallError::new(hall_core::ErrorCode::Internal, format!("请求未完成：{e}")))?;
        if let Err(e) = &r {
            log::warn!("{what} refused: {:?} {}", e.code, hall_core::privacy::scrub(&e.message));
        }
        r
    }

    /// Starts the host inside this app on its own database (the app keeps doing the sync and
    /// the backups itself).
    pub async fn start_host(self: &Arc<Self>, local: &mut Local, listen: &str) -> Result<(), HallError> {
        if local.host.is_some() {
            return Ok(());
        }
        local.store.as_ref().map_err(Clone::clone)?;
        let addr = crate::network::parse_listen(listen)?;
        *lock(&self.last_listen) = Some(addr);
        let mut config = hall_host::HostConfig::new(self.paths.db.clone(), addr);
        config.upkeep = false;
        let running = hall_host::start(config).await?;
        // This window's own connection writes too (papers recorded, sync, backups): its
        // changes go to the standby with the desks'.
        if let Ok(store) = &local.store {
            running.replicate(store.clone());
        }
        let mut feed = running.subscribe();
        let me = self.clone();
        let forwarder = tauri::async_runtime::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                match feed.recv().await {
                    Ok(n) => me.changed(HallChange { seq: n.seq, kind: n.kind, number: n.number }),
                    Err(RecvError::Lagged(_)) => {
                        me.changed(HallChange { seq: 0, kind: "changed".into(), number: None })
                    }
                    Err(RecvError::Closed) => return,
                }
            }
        });
        log::info!("host mode on: {} ({})", running.addr, running.fingerprint);
        local.host = Some(Hosting { running, listen: listen.to_string(), forwarder });
        Ok(())
    }

    /// Stops the host inside this app: desks lose it, this window goes on as one PC.
    pub async fn stop_host(&self, local: &mut Local) {
        if let Some(h) = local.host.take() {
            h.forwarder.abort();
            h.running.stop().await;
            log::info!("host mode off");
        }
    }
}

pub fn case_number(reply: &Reply) -> Option<String> {
    match reply {
        Reply::Case(c) => Some(c.summary.number.clone()),
        _ => None,
    }
}
