//! The thin shell: `call` passes the window's typed request to the core's dispatcher with the
//! window's session; `document`, `print_document` and `save_document` hand a document request
//! to the printing crate, `save_export` a list for the township's web page. Roles are checked
//! there, in Rust.

use std::path::PathBuf;
use std::sync::Mutex;

use hall_core::api::{dispatch, Reply, Request};
use hall_core::documents::DocRequest;
use hall_core::lifecycle::Role;
use hall_core::publish::{ExportFormat, PublicList};
use hall_core::store::SessionUser;
use hall_core::{HallError, Store};
use tauri::Manager;

/// The hall as the window sees it: the store (or why it could not be opened) and the session.
struct Hall {
    store: Result<Mutex<Store>, HallError>,
    session: Mutex<Option<SessionUser>>,
}

impl Hall {
    /// Runs `f` with the store and the session held; a refusal is logged with what was asked.
    fn with<T>(
        &self,
        what: &str,
        f: impl FnOnce(&mut Store, &mut Option<SessionUser>) -> Result<T, HallError>,
    ) -> Result<T, HallError> {
        let store = self.store.as_ref().map_err(Clone::clone)?;
        let mut store = store.lock().unwrap_or_else(|p| p.into_inner());
        let mut session = self.session.lock().unwrap_or_else(|p| p.into_inner());
        let r = f(&mut store, &mut session);
        if let Err(e) = &r {
            log::warn!("{what} refused: {:?} {}", e.code, hall_core::privacy::scrub(&e.message));
        }
        r
    }
}

#[tauri::command(async)]
fn call(request: Request, hall: tauri::State<'_, Hall>) -> Result<Reply, HallError> {
    let kind = format!("{request:?}").split([' ', '{', '(']).next().unwrap_or("").to_string();
    hall.with(&kind, |store, session| dispatch(store, session, request))
}

/// The PDF itself, as raw bytes, for the preview.
#[tauri::command(async)]
fn document(request: DocRequest, hall: tauri::State<'_, Hall>) -> Result<tauri::ipc::Response, HallError> {
    hall.with("document", |store, session| {
        hall_print::authorize_for(session, &request)?;
        Ok(tauri::ipc::Response::new(hall_print::render(store, &request)?))
    })
}

#[tauri::command(async)]
fn print_document(request: DocRequest, hall: tauri::State<'_, Hall>) -> Result<String, HallError> {
    hall.with("print_document", |store, session| {
        let actor = hall_print::authorize_for(session, &request)?;
        hall_print::print(store, &actor, &request)
    })
}

/// Asks where to save (the system's dialog, in the documents folder by default) and saves.
#[tauri::command(async)]
fn save_document(
    request: DocRequest,
    app: tauri::AppHandle,
    hall: tauri::State<'_, Hall>,
) -> Result<String, HallError> {
    use tauri_plugin_dialog::DialogExt;
    hall.with("save_document", |_, session| hall_print::authorize_for(session, &request))?;
    let mut dialog =
        app.dialog().file().set_title("另存为 PDF").set_file_name(request.file_name()).add_filter("PDF 文件", &["pdf"]);
    if let Some(dir) = dirs::document_dir().filter(|d| d.is_dir()) {
        dialog = dialog.set_directory(dir);
    }
    let Some(path) = dialog.blocking_save_file().and_then(|p| p.into_path().ok()) else {
        return Ok("已取消保存".into());
    };
    hall.with("save_document", |store, session| {
        let actor = hall_print::authorize_for(session, &request)?;
        hall_print::save(store, &actor, &request, &path)?;
        Ok(format!("已保存到 {}", path.display()))
    })
}

/// 政务公开: a list as a web page or in the county's import format, for anyone logged in. The
/// list is exported once before the dialog, so that one never imported is refused before
/// asking where to save, and the file is named after its version.
#[tauri::command(async)]
fn save_export(
    list: PublicList,
    format: ExportFormat,
    app: tauri::AppHandle,
    hall: tauri::State<'_, Hall>,
) -> Result<String, HallError> {
    use tauri_plugin_dialog::DialogExt;
    let export = hall.with("save_export", |store, session| {
        hall_core::api::authorize(session, &Role::ALL)?;
        hall_core::publish::export(store, list, format)
    })?;
    let mut dialog = app
        .dialog()
        .file()
        .set_title(format!("导出{}", list.label()))
        .set_file_name(&export.file_name)
        .add_filter(format.label(), &[format.extension()]);
    if let Some(dir) = dirs::document_dir().filter(|d| d.is_dir()) {
        dialog = dialog.set_directory(dir);
    }
    let Some(path) = dialog.blocking_save_file().and_then(|p| p.into_path().ok()) else {
        return Ok("已取消导出".into());
    };
    hall.with("save_export", |store, session| {
        let actor = hall_core::api::authorize(session, &Role::ALL)?.username.clone();
        hall_print::save_export(store, &actor, list, format, &path)?;
        Ok(format!("已导出到 {}", path.display()))
    })
}

/// One sync pass at a time, whether the timer or the 立即同步 button started it.
struct SyncGate(tokio::sync::Mutex<()>);

/// A pass to the county hub, progress sent to the window as `sync-progress` events. `Ok(None)`
/// when no hub is set (a hall that does not sync yet).
async fn sync_pass(app: &tauri::AppHandle) -> Result<Option<hall_sync::Report>, HallError> {
    use tauri::Emitter;
    let hall = app.state::<Hall>();
    let store = hall.store.as_ref().map_err(Clone::clone)?;
    let (url, token) = {
        let s = store.lock().unwrap_or_else(|p| p.into_inner());
        (s.hub_url()?, s.hub_token()?)
    };
    let Some(url) = url else { return Ok(None) };
    let hub = hall_sync::Hub::new(&url, &token.unwrap_or_default())?;
    let gate = app.state::<SyncGate>();
    let _one = gate.0.lock().await;
    let window = app.clone();
    let mut progress = move |p: hall_sync::Progress| {
        let _ = window.emit(
            "sync-progress",
            serde_json::json!({ "sent": p.sent, "acknowledged": p.acknowledged, "conflicts": p.conflicts }),
        );
    };
    Ok(Some(hall_sync::pass(store, &hub, &mut progress).await?))
}

/// The background sender: a pass every minute, backing off while the hub is away. It never
/// holds the store between network calls, so the window never waits for the link.
fn start_sync(app: tauri::AppHandle) {
    tauri::async_runtime::spawn(async move {
        let mut failures = 0;
        loop {
            let wait = match sync_pass(&app).await {
                Ok(_) => {
                    failures = 0;
                    std::time::Duration::from_secs(60)
                }
                Err(_) => {
                    failures += 1;
                    hall_sync::backoff(failures - 1)
                }
            };
            tokio::time::sleep(wait).await;
        }
    });
}

/// The hourly tick: the day's automatic backup (SQLite's online backup, so the desk keeps
/// working), keeping the newest `backup_keep` (default 14), copied to the 异地备份 folder when set;
/// and the 补正 deadlines swept.
fn start_backups(app: tauri::AppHandle) {
    std::thread::spawn(move || loop {
        let hall = app.state::<Hall>();
        if let Ok(store) = hall.store.as_ref() {
            let mut s = store.lock().unwrap_or_else(|p| p.into_inner());
            match s.daily_backup() {
                Ok(Some(b)) => log::info!("daily backup {} ({} bytes)", b.path, b.bytes),
                Ok(None) => {}
                Err(e) => log::error!("daily backup failed: {}", e.message),
            }
            // 补正 past its deadline, when the township's setting is `auto` (视为撤回).
            if let Err(e) = s.sweep_supplement_lapses() {
                log::error!("supplement sweep failed: {}", e.message);
            }
        }
        std::thread::sleep(std::time::Duration::from_secs(3600));
    });
}

/// 立即同步: a pass now; answers with the status afterwards (or why it failed).
#[tauri::command(async)]
async fn sync_now(
    app: tauri::AppHandle,
    hall: tauri::State<'_, Hall>,
) -> Result<hall_core::store::SyncStatus, HallError> {
    hall.with("sync_now", |_, session| hall_core::api::authorize(session, &Role::ALL).map(|_| ()))?;
    if sync_pass(&app).await?.is_none() {
        return Err(HallError::invalid("尚未设置县级平台地址：请系统管理员在“系统管理 → 县级平台”中设置"));
    }
    hall.with("sync_now", |store, _| store.sync_status())
}

/// The database: `--db PATH`, else `YICHUANG_DB`, else the default data dir (as hallctl).
fn db_path() -> PathBuf {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--db" {
            if let Some(p) = args.next() {
                return p.into();
            }
        }
    }
    std::env::var_os("YICHUANG_DB").map(PathBuf::from).unwrap_or_else(hall_core::default_db_path)
}

fn start_logging(dir: &std::path::Path) {
    use simplelog::{CombinedLogger, ConfigBuilder, LevelFilter, TermLogger, TerminalMode, WriteLogger};
    let config = ConfigBuilder::new().set_time_offset_to_local().unwrap_or_else(|c| c).build();
    let mut loggers: Vec<Box<dyn simplelog::SharedLogger>> =
        vec![TermLogger::new(LevelFilter::Info, config.clone(), TerminalMode::Stderr, simplelog::ColorChoice::Never)];
    let file = std::fs::create_dir_all(dir)
        .and_then(|_| std::fs::OpenOptions::new().create(true).append(true).open(dir.join("yichuang.log")));
    match file {
        Ok(f) => loggers.push(WriteLogger::new(LevelFilter::Info, config, f)),
        Err(e) => eprintln!("无法写入日志目录 {}：{e}", dir.display()),
    }
    let _ = CombinedLogger::init(loggers);
}

pub fn run() {
    let db = db_path();
    let log_dir = db.parent().map(|d| d.join("logs")).unwrap_or_else(|| PathBuf::from("logs"));
    start_logging(&log_dir);
    log::info!("一窗通 starting, database {}", db.display());
    // The store reads a pinned clock (YICHUANG_NOW, for training sessions and the end-to-end
    // tests) itself: see hall_core::clock.
    let store = Store::open(&db).map(Mutex::new);
    if let Err(e) = &store {
        log::error!("cannot open {}: {}", db.display(), e.message);
    }
    tauri::Builder::default()
        .setup(|app| {
            let hall = app.state::<Hall>();
            let name = hall
                .store
                .as_ref()
                .ok()
                .and_then(|s| s.lock().ok().and_then(|s| s.hall_info().ok()))
                .map(|h| h.township_name)
                .filter(|n| !n.is_empty());
            if let (Some(window), Some(name)) = (app.get_webview_window("main"), name) {
                window.set_title(&format!("{} — {name}便民服务中心", hall_core::PRODUCT))?;
            }
            start_sync(app.handle().clone());
            start_backups(app.handle().clone());
            Ok(())
        })
        .manage(Hall { store, session: Mutex::new(None) })
        .manage(SyncGate(tokio::sync::Mutex::new(())))
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![call, document, print_document, save_document, save_export, sync_now])
        .run(tauri::generate_context!())
        .expect("一窗通 window failed to start");
}
