//! Papers, reports and the wall lists: made by the printing crate after the same gate as the
//! window's (`hall_print::authorize_for`), and recorded as the acting session's. Against a hall
//! host the PDF is made and recorded at the host, and written or printed here — as a desk does.

use std::path::PathBuf;

use hall_core::documents::DocRequest;
use hall_core::HallError;

use crate::print_json;
use crate::session::Gate;

/// Writes a document to `out`, or sends it to the default printer; either way it is logged.
pub fn emit(gate: &mut Gate, req: DocRequest, out: Option<PathBuf>) -> Result<(), HallError> {
    let actor = hall_print::authorize_for(&gate.session, &req)?;
    let title = req.title();
    let how = match &out {
        Some(path) => format!("另存为 {}", path.display()),
        None => "打印".to_string(),
    };
    let made_at_host = gate.host_document(&req, &how).transpose()?;
    match out {
        Some(path) => {
            match made_at_host {
                Some(pdf) if matches!(req, DocRequest::RecoverySheet) => hall_print::write_private(&path, &pdf)?,
                Some(pdf) => hall_print::write_file(&path, &pdf)?,
                None => hall_print::save(gate.store("打印")?, &actor, &req, &path)?,
            }
            let bytes = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            if gate.json {
                print_json(&serde_json::json!({"title": title, "out": path, "bytes": bytes}));
            } else {
                println!("已生成{title}：{}（{:.1} KB）", path.display(), bytes as f64 / 1024.0);
            }
        }
        None => {
            let said = match made_at_host {
                Some(pdf) => hall_print::send_to_printer(&pdf, &title)?,
                None => hall_print::print(gate.store("打印")?, &actor, &req)?,
            };
            if gate.json {
                print_json(&serde_json::json!({"title": title, "printed": said}));
            } else {
                println!("{title}：{said}");
            }
        }
    }
    Ok(())
}
