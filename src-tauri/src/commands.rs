//! The thin shell's commands: `call` passes the window's typed request to the hall (hall.rs:
//! this PC's store, the host inside this app, or the host a desk paired with) with the window's
//! session; `document`, `print_document` and `save_document` hand a document request to the
//! printing crate — at a desk the host makes the PDF and this PC prints or saves it; `save_export`
//! writes a list for the township's web page; `sync_now` runs a pass to the county hub. Roles are
//! checked in Rust, at the host for a desk.

use std::path::PathBuf;
use std::sync::Arc;

use hall_core::api::Request;
use hall_core::documents::DocRequest;
use hall_core::lifecycle::Role;
use hall_core::publish::{ExportFormat, PublicList};
use hall_core::HallError;

use crate::hall::{Mode, Shell};

type ShellState<'a> = tauri::State<'a, Arc<Shell>>;

#[tauri::command]
pub async fn call(
    request: Request,
    request_id: Option<String>,
    shell: ShellState<'_>,
) -> Result<serde_json::Value, HallError> {
    let shell = shell.inner().clone();
    shell.call(request, request_id).await
}

/// The desk this window is, when it is one.
async fn desk(shell: &Shell) -> Option<Arc<crate::desk::Desk>> {
    match &*shell.mode.read().await {
        Mode::Desk(d) => Some(d.clone()),
        _ => None,
    }
}

/// The PDF itself, as raw bytes, for the preview.
#[tauri::command]
pub async fn document(request: DocRequest, shell: ShellState<'_>) -> Result<tauri::ipc::Response, HallError> {
    let shell = shell.inner().clone();
    let pdf = match desk(&shell).await {
        Some(d) => d.pdf(&request, None).await?,
        None => {
            shell
                .with_store("document", move |store, session| {
                    hall_print::authorize_for(session, &request)?;
                    hall_print::render(store, &request)
                })
                .await?
        }
    };
    Ok(tauri::ipc::Response::new(pdf))
}

#[tauri::command]
pub async fn print_document(request: DocRequest, shell: ShellState<'_>) -> Result<String, HallError> {
    let shell = shell.inner().clone();
    match desk(&shell).await {
        Some(d) => {
            let pdf = d.pdf(&request, Some("打印".into())).await?;
            let title = request.title();
            blocking(move || hall_print::send_to_printer(&pdf, &title)).await
        }
        None => {
            shell
                .with_store("print_document", move |store, session| {
                    let actor = hall_print::authorize_for(session, &request)?;
                    hall_print::print(store, &actor, &request)
                })
                .await
        }
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, HallError> + Send + 'static,
) -> Result<T, HallError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| HallError::new(hall_core::ErrorCode::Internal, format!("操作未完成：{e}")))?
}

/// The system's save dialog (in the documents folder by default); `None` when cancelled.
async fn ask_where(app: &tauri::AppHandle, title: String, file_name: &str, filter: (&str, &str)) -> Option<PathBuf> {
    use tauri_plugin_dialog::DialogExt;
    let mut dialog = app.dialog().file().set_title(title).set_file_name(file_name).add_filter(filter.0, &[filter.1]);
    if let Some(dir) = dirs::document_dir().filter(|d| d.is_dir()) {
        dialog = dialog.set_directory(dir);
    }
    let (tx, rx) = tokio::sync::oneshot::channel();
    dialog.save_file(move |p| {
        let _ = tx.send(p.and_then(|p| p.into_path().ok()));
    });
    rx.await.ok().flatten()
}

/// The system's open dialog for a backup file (从备份恢复: a USB drive, the off-site folder);
/// `None` when cancelled. Only the path goes back: the restore itself is a request.
#[tauri::command]
pub async fn pick_backup_file(app: tauri::AppHandle) -> Option<String> {
    use tauri_plugin_dialog::DialogExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().set_title("选择备份文件").add_filter("一窗通备份", &["db", "bak"]).pick_file(move |p| {
        let _ = tx.send(p.and_then(|p| p.into_path().ok()));
    });
    rx.await.ok().flatten().map(|p| p.display().to_string())
}

/// Asks where to save and saves.
#[tauri::command]
pub async fn save_document(
    request: DocRequest,
    app: tauri::AppHandle,
    shell: ShellState<'_>,
) -> Result<String, HallError> {
    let shell = shell.inner().clone();
    let desk = desk(&shell).await;
    if desk.is_none() {
        let r = request.clone();
        shell.with_store("save_document", move |_, session| hall_print::authorize_for(session, &r).map(|_| ())).await?;
    }
    let Some(path) = ask_where(&app, "另存为 PDF".into(), &request.file_name(), ("PDF 文件", "pdf")).await else {
        return Ok("已取消保存".into());
    };
    let said = format!("已保存到 {}", path.display());
    match desk {
        Some(d) => {
            let pdf = d.pdf(&request, Some(format!("另存为 {}", path.display()))).await?;
            let private = matches!(request, DocRequest::RecoverySheet);
            blocking(move || {
                if private {
                    hall_print::write_private(&path, &pdf)
                } else {
                    hall_print::write_file(&path, &pdf)
                }
            })
            .await?;
        }
        None => {
            shell
                .with_store("save_document", move |store, session| {
                    let actor = hall_print::authorize_for(session, &request)?;
                    hall_print::save(store, &actor, &request, &path)
                })
                .await?
        }
    }
    Ok(said)
}

/// 政务公开: a list as a web page or in the county's import format, for anyone logged in. The
/// list is exported once before the dialog, so that one never imported is refused before
/// asking where to save, and the file is named after its version.
#[tauri::command]
pub async fn save_export(
    list: PublicList,
    format: ExportFormat,
    app: tauri::AppHandle,
    shell: ShellState<'_>,
) -> Result<String, HallError> {
    let shell = shell.inner().clone();
    if desk(&shell).await.is_some() {
        return Err(HallError::invalid(
            "导出政务公开清单目前只能在大厅主机电脑上进行（本机是大厅工作站）；打印上墙版可在本机直接打印",
        ));
    }
    let export = shell
        .with_store("save_export", move |store, session| {
            hall_core::api::authorize(session, &Role::ALL)?;
            hall_core::publish::export(store, list, format)
        })
        .await?;
    let title = format!("导出{}", list.label());
    let Some(path) = ask_where(&app, title, &export.file_name, (format.label(), format.extension())).await else {
        return Ok("已取消导出".into());
    };
    let said = format!("已导出到 {}", path.display());
    shell
        .with_store("save_export", move |store, session| {
            let actor = hall_core::api::authorize(session, &Role::ALL)?.username.clone();
            hall_print::save_export(store, &actor, list, format, &path)
        })
        .await?;
    Ok(said)
}

/// 立即同步: a pass now; answers with the status afterwards (or why it failed).
#[tauri::command]
pub async fn sync_now(app: tauri::AppHandle, shell: ShellState<'_>) -> Result<hall_core::store::SyncStatus, HallError> {
    let shell = shell.inner().clone();
    if desk(&shell).await.is_some() {
        return Err(HallError::invalid(
            "县级平台同步由大厅主机每分钟自动进行；如需立即同步，请在大厅主机电脑上点“立即同步”",
        ));
    }
    shell.with_store("sync_now", |_, session| hall_core::api::authorize(session, &Role::ALL).map(|_| ())).await?;
    if crate::upkeep::sync_pass(&app, &shell).await?.is_none() {
        return Err(HallError::invalid("尚未设置县级平台地址：请系统管理员在“系统管理 → 县级平台”中设置"));
    }
    shell.with_store("sync_now", |store, _| store.sync_status()).await
}
