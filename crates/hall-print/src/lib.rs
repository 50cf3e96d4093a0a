//! 一窗通 printing: every paper the hall hands out or files, laid out on A4 as PDF with the
//! built-in CJK fonts, offline, with no webview. The desktop shell and `hallctl` both come
//! here: [`render`] makes the PDF, [`print`] sends it to the operating system's printer and
//! [`save`] writes it to a file — the last two record the act in the event log. [`save_export`]
//! writes a list for the township's web page (政务公开) the same way.

mod decisions;
mod fonts;
mod layout;
mod papers;
mod recovery;
mod sheets;
mod wall;

use std::path::Path;
use std::process::Command;

use hall_core::api::authorize;
use hall_core::documents::DocRequest;
use hall_core::lifecycle::Role;
use hall_core::publish::{self, ExportFormat, PublicList};
use hall_core::store::SessionUser;
use hall_core::{HallError, Result, Store};

/// Renders a document from the store's data.
pub fn render(store: &Store, req: &DocRequest) -> Result<Vec<u8>> {
    req.check()?;
    Ok(match req {
        DocRequest::Case { number, paper } => papers::render(&store.case_paper(number, *paper)?, *paper),
        DocRequest::Daily { date } => sheets::daily(&store.letterhead()?, &store.daily_sheet(*date)?),
        DocRequest::Period { from, to } => sheets::period(&store.letterhead()?, &store.figures(*from, *to)?),
        DocRequest::CatalogWall => wall::render(&publish::table(store, PublicList::Service)?),
        DocRequest::DutyWall { list } => wall::render(&publish::table(store, PublicList::from(*list))?),
        DocRequest::RecoverySheet => recovery::render(&store.recovery_sheet()?, store.now()),
    })
}

/// Who may have a document: a case's papers and the public list anyone at the hall; the daily
/// sheet and period reports the supervisor.
fn roles(req: &DocRequest) -> &'static [Role] {
    match req {
        DocRequest::Daily { .. } | DocRequest::Period { .. } => &[Role::Supervisor],
        DocRequest::RecoverySheet => &[Role::Admin],
        _ => &[Role::Clerk, Role::Officer, Role::Supervisor, Role::Admin],
    }
}

/// The window's gate, checked before anything is read: returns who is acting.
pub fn authorize_for(session: &Option<SessionUser>, req: &DocRequest) -> Result<String> {
    Ok(authorize(session, roles(req))?.username.clone())
}

/// The command that sends a PDF to the printer: `YICHUANG_PRINT_COMMAND` when set (county IT
/// may name a queue, e.g. `lp -d hall-front`), else CUPS `lp` to the default printer.
fn print_command() -> Vec<String> {
    std::env::var("YICHUANG_PRINT_COMMAND")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.split_whitespace().map(String::from).collect())
        .unwrap_or_else(|| vec!["lp".into()])
}

/// Sends the PDF to the operating system's printing: CUPS on Linux and macOS, the system's
/// handler for PDF on Windows. Returns what to tell the user.
pub fn send_to_printer(pdf: &[u8], title: &str) -> Result<String> {
    let file = tempfile::Builder::new()
        .prefix("yichuang-")
        .suffix(".pdf")
        .tempfile()
        .and_then(|mut f| std::io::Write::write_all(&mut f, pdf).map(|_| f))
        .map_err(|e| HallError::new(hall_core::ErrorCode::Storage, format!("无法写出打印文件：{e}")))?;
    let (program, mut args) = if cfg!(windows) {
        ("cmd".to_string(), vec!["/C".into(), "start".into(), "/wait".into(), String::new()])
    } else {
        let mut cmd = print_command();
        let program = cmd.remove(0);
        cmd.extend(["-t".into(), title.into()]);
        (program, cmd)
    };
    args.push(file.path().display().to_string());
    let out = Command::new(&program).args(&args).output().map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => format!("本机找不到打印程序 {program}（未安装打印服务 CUPS）"),
            std::io::ErrorKind::PermissionDenied => format!("没有权限运行打印程序 {program}"),
            _ => format!("无法运行打印程序 {program}（{e}）"),
        };
        HallError::new(
            hall_core::ErrorCode::Storage,
            format!("{why}。请联系县信息中心安装打印机，或先另存为 PDF 再打印"),
        )
    })?;
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
        log::warn!("print command failed: {why}");
        return Err(HallError::new(
            hall_core::ErrorCode::Storage,
            format!(
                "打印未完成：打印服务报告“{}”。请检查打印机是否开机、是否设置了默认打印机，或先另存为 PDF",
                why.chars().take(200).collect::<String>()
            ),
        ));
    }
    // `lp` prints e.g. "request id is HP-12 (1 file(s))"; CUPS has its own copy by now.
    let said = String::from_utf8_lossy(&out.stdout).trim().to_string();
    Ok(if said.is_empty() { "已发送到打印机".to_string() } else { format!("已发送到打印机（{said}）") })
}

/// Renders, prints and records the print as an event.
pub fn print(store: &mut Store, actor: &str, req: &DocRequest) -> Result<String> {
    let pdf = render(store, req)?;
    let said = send_to_printer(&pdf, &req.title())?;
    store.record_paper(req, actor, "打印")?;
    Ok(said)
}

/// Renders, writes to `path` and records the export as an event.
pub fn save(store: &mut Store, actor: &str, req: &DocRequest, path: &Path) -> Result<()> {
    let pdf = render(store, req)?;
    if matches!(req, DocRequest::RecoverySheet) {
        write_private(path, &pdf)?;
    } else {
        write_file(path, &pdf)?;
    }
    store.record_paper(req, actor, &format!("另存为 {}", path.display()))
}

/// Exports a list for the township's web page or the county ([`publish::export`]), writes it
/// whole to `path` and records the export as a hall event. Returns the size in bytes.
pub fn save_export(
    store: &mut Store,
    actor: &str,
    list: PublicList,
    format: ExportFormat,
    path: &Path,
) -> Result<usize> {
    let export = publish::export(store, list, format)?;
    write_file(path, &export.bytes)?;
    let note = format!("导出{}（{}）到 {}", list.label(), format.extension(), path.display());
    store.note_hall_event(actor, "export", &note)?;
    Ok(export.bytes.len())
}

/// Writes the whole file or nothing (a temporary file renamed into place).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    write_whole(path, bytes, true)
}

/// [`write_file`] readable by its owner only: the recovery sheet holds the hall's key.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    write_whole(path, bytes, false)
}

fn write_whole(path: &Path, bytes: &[u8], shared: bool) -> Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| {
        HallError::new(hall_core::ErrorCode::Storage, format!("无法保存到 {}：{e}", path.display()))
    };
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(fail)?;
    // A saved document is an ordinary file (the temporary one is private to its owner).
    #[cfg(unix)]
    if shared {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(fail)?;
    }
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}
