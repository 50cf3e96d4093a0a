//! The hall's paper in the real window: a clerk previews a case's paper and prints it (a script
//! stands in for CUPS `lp` and keeps what it was sent); the supervisor's daily sheet, report and
//! charts show the store's numbers; a clerk cannot have the supervisor's sheet.

use std::path::Path;

use hall_core::lifecycle::CaseState;
use hall_core::Store;

use crate::window::Window;
use crate::{demo_db, password};

/// A stand-in for `lp -t TITLE FILE`: copies the file where the test can read it.
pub(crate) fn print_script(dir: &Path) -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("lp");
    let out = dir.join("printed.pdf");
    std::fs::write(&script, format!("#!/bin/sh\ncp \"$3\" '{}'\necho \"request id is hall-7 ($2)\"\n", out.display()))
        .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn pdf_text(path: &Path) -> String {
    let o = std::process::Command::new("pdftotext").arg(path).arg("-").output().expect("pdftotext");
    String::from_utf8_lossy(&o.stdout).split_whitespace().collect()
}

/// Waits until the preview shows at least `min` pages drawn by pdf.js; returns the count.
pub(crate) async fn drawn(w: &Window, min: usize) -> usize {
    let t = std::time::Instant::now();
    loop {
        let v = w
            .c()
            .execute(
                "const v = document.querySelector('[data-testid=document-viewer]');
                 return v && v.dataset.drawn === 'done' ? document.querySelectorAll('[data-testid=document-page]').length : 0;",
                vec![],
            )
            .await
            .unwrap();
        let n = v.as_u64().unwrap_or(0) as usize;
        if n >= min {
            return n;
        }
        if t.elapsed() > std::time::Duration::from_secs(20) {
            w.screenshot("failure").await;
            panic!("the preview did not show {min} pages");
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs Xvfb, tauri-driver, WebKitWebDriver and the built UI: run by scripts/test"]
async fn papers_preview_and_print_and_the_supervisor_sees_the_numbers() {
    let (dir, db) = demo_db();
    let number = Store::open(&db).unwrap().list_cases(Some(CaseState::Delivered), None, 1).unwrap().remove(0).number;
    let script = print_script(dir.path());
    let w = Window::open_with(&db, None, &[("YICHUANG_PRINT_COMMAND", &script)]).await;

    // The clerk opens a handed-out case: its papers are offered; the slip previews and prints.
    w.login("clerk1", &password("clerk1")).await;
    w.el("[data-testid=header-user]").await;
    w.click("[data-testid=nav-search]").await;
    w.type_into("input[data-testid=search-input]", &number).await;
    w.click("[data-testid=search-submit]").await;
    w.text_contains("[data-testid=search-results]", &number).await;
    w.click("[data-testid=search-results] tr.result-row td").await;
    w.text_contains("[data-testid=case-number]", &number).await;
    w.el("[data-testid=case-paper-receipt]").await;
    w.click("[data-testid=case-paper-delivery]").await;
    w.el("[data-testid=document-dialog]").await;
    assert_eq!(drawn(&w, 1).await, 1);
    w.screenshot("20-paper-preview").await;
    w.click("[data-testid=document-print]").await;
    let said = w.text_contains("[data-testid=document-notice]", "已发送到打印机").await;
    assert!(said.contains("hall-7"), "{said}");
    let printed = pdf_text(&dir.path().join("printed.pdf"));
    assert!(printed.contains("出件签收单") && printed.contains(&number), "{printed}");
    w.click("[data-testid=document-close]").await;
    let events = Store::open(&db).unwrap().case_detail(&number).unwrap().events;
    assert!(events.iter().any(|e| e.action == "print" && e.note.contains("出件签收单")), "the print is in the record");
    // The supervisor's sheet is not the clerk's.
    let e = w.invoke_cmd("document", serde_json::json!({"request": {"type": "daily", "date": "2026-11-20"}})).await;
    assert!(e.unwrap_err()["message"].as_str().unwrap().contains("中心主任"));
    w.logout().await;

    // The supervisor: the daily sheet (numbers from the store, the PDF drawn), the report, the charts.
    w.login("director", &password("director")).await;
    w.el("[data-testid=header-user]").await;
    w.click("[data-testid=nav-daily]").await;
    w.el("[data-testid=daily-figures]").await;
    drawn(&w, 1).await;
    w.screenshot("21-daily-sheet").await;
    w.click("[data-testid=nav-report]").await;
    w.el("[data-testid=report-figures]").await;
    w.click("[data-testid=report-range-last_month]").await;
    drawn(&w, 2).await;
    w.screenshot("22-period-report").await;
    w.click("[data-testid=nav-charts]").await;
    w.el("[data-testid=charts-day] canvas").await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    w.screenshot("23-charts").await;
    let f = w.invoke(serde_json::json!({"type": "figures", "from": "2026-10-22", "to": "2026-11-22"})).await.unwrap();
    assert!(f["data"]["counts"]["logged"].as_u64().unwrap() > 0);
    w.close().await;
}
