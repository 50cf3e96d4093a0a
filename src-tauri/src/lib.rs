mod commands;
mod desk;
mod hall;
mod netcmds;
mod network;
mod standby;
mod upkeep;

use std::path::PathBuf;
use std::sync::Arc;

use tauri::Manager;

use hall::{open_store, Local, Mode, Shell};
use network::{NetworkConfig, Paths};

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

/// What network.json says this PC is; the host itself is started in `setup` (it needs the
/// async runtime). A desk opens no database at all.
fn first_mode(paths: &Paths) -> (Mode, Option<String>, Option<String>) {
    match network::read(&paths.network) {
        Ok(None) if !paths.db.exists() => (Mode::Choosing, None, None),
        Ok(None) | Ok(Some(NetworkConfig::Single)) => {
            (Mode::Local(Local { store: open_store(paths), host: None }), None, None)
        }
        Ok(Some(NetworkConfig::Host { listen })) => {
            (Mode::Local(Local { store: open_store(paths), host: None }), None, Some(listen))
        }
        Ok(Some(NetworkConfig::Desk { url, pin, credential, name, standby })) => {
            match desk::Desk::new(&url, &pin, &credential, &name, standby) {
                Ok(d) => (Mode::Desk(Arc::new(d)), None, None),
                Err(e) => (Mode::Choosing, Some(format!("本机保存的大厅主机连接无法使用：{}", e.message)), None),
            }
        }
        Err(e) => (Mode::Choosing, Some(e.message), None),
    }
}

pub fn run() {
    let paths = Paths::from_env();
    let log_dir = paths.db.parent().map(|d| d.join("logs")).unwrap_or_else(|| PathBuf::from("logs"));
    start_logging(&log_dir);
    log::info!("一窗通 starting, database {}, network {}", paths.db.display(), paths.network.display());
    let (mode, problem, host_listen) = first_mode(&paths);
    let shell = Arc::new(Shell::new(paths, mode, problem));
    let managed = shell.clone();
    tauri::Builder::default()
        .setup(move |app| {
            shell.attach(app.handle().clone());
            let title = tauri::async_runtime::block_on(async {
                let mut mode = shell.mode.write().await;
                match &mut *mode {
                    Mode::Local(local) => {
                        if let Some(listen) = &host_listen {
                            *shell.last_listen.lock().unwrap_or_else(|p| p.into_inner()) =
                                network::parse_listen(listen).ok();
                            if let Err(e) = shell.start_host(local, listen).await {
                                log::error!("host mode could not start: {}", e.message);
                                shell.set_problem(Some(format!("本机作为大厅主机未能启动：{}", e.message)));
                            }
                        }
                        local.store.as_ref().ok().and_then(|s| s.lock().ok()?.hall_info().ok()).map(|h| h.township_name)
                    }
                    Mode::Desk(d) => {
                        tauri::async_runtime::spawn(desk::watch(shell.clone(), d.clone()));
                        None
                    }
                    Mode::Choosing => None,
                }
            });
            if let (Some(window), Some(name)) = (app.get_webview_window("main"), title.filter(|n| !n.is_empty())) {
                window.set_title(&format!("{} — {name}便民服务中心", hall_core::PRODUCT))?;
            }
            upkeep::start_sync(app.handle().clone(), shell.clone());
            upkeep::start_backups(shell.clone());
            Ok(())
        })
        .manage(managed)
        .manage(upkeep::SyncGate(tokio::sync::Mutex::new(())))
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(tauri::generate_handler![
            commands::call,
            commands::document,
            commands::print_document,
            commands::save_document,
            commands::pick_backup_file,
            commands::save_export,
            commands::sync_now,
            netcmds::network,
            netcmds::choose_single,
            netcmds::pair_desk,
            netcmds::host_switch,
            standby::follow_standby,
        ])
        .run(tauri::generate_context!())
        .expect("一窗通 window failed to start");
}
