//! `sync`: the network loop to the county hub. Not a hall request by nature (it runs for as
//! long as county IT leaves it running, and the hub, not a person, decides what comes back), so
//! it works on the store directly, with the operator's or the signed-in user's rights checked
//! first. What the county sends is recorded as the county's (`county-hub`); what goes up is
//! the hall's outbox.

use std::process::ExitCode;

use hall_core::{HallError, Store};

use crate::print_json;

/// Pushes until nothing is pending (`--once`: one pass) and pulls the county's catalog, lists
/// and calendars; without `--once` it keeps going, retrying with backoff while the hub is away.
pub fn run(
    store: Store,
    once: bool,
    hub: Option<String>,
    token: Option<String>,
    json: bool,
) -> Result<ExitCode, HallError> {
    let url = hub
        .or(store.hub_url()?)
        .ok_or_else(|| HallError::invalid("未设置县级平台地址：请用 --hub 给出，或在系统管理中设置"))?;
    let token = token.or(store.hub_token()?).unwrap_or_default();
    let hub = hall_sync::Hub::new(&url, &token)?;
    let store = std::sync::Mutex::new(store);
    let waiting = store.lock().map(|s| s.outbox_counts()).unwrap_or_else(|p| p.into_inner().outbox_counts())?.pending;
    if !json {
        println!("县级平台 {url}：待上报 {waiting} 件");
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let mut failures = 0;
    loop {
        let mut show = |p: hall_sync::Progress| {
            if !json {
                println!("已发送 {} 件，已确认 {} 件，冲突 {} 件", p.sent, p.acknowledged, p.conflicts);
            }
        };
        match rt.block_on(hall_sync::pass(&store, &hub, &mut show)) {
            Ok(r) => {
                failures = 0;
                if json {
                    print_json(&serde_json::json!({
                        "sent": r.progress.sent, "acknowledged": r.progress.acknowledged,
                        "conflicts": r.progress.conflicts, "pending": r.pending,
                        "catalog_versions": r.catalog_versions, "duty_versions": r.duty_versions,
                        "calendar_years": r.calendar_years
                    }));
                } else {
                    for v in &r.catalog_versions {
                        println!("已导入县级发布的事项清单 {v}");
                    }
                    for v in &r.duty_versions {
                        println!("已导入县级发布的清单 {v}");
                    }
                    for y in &r.calendar_years {
                        println!("已导入县级发布的 {y} 年节假日安排");
                    }
                    println!("同步完成：待上报 {} 件，冲突累计 {} 件", r.pending, r.progress.conflicts);
                }
                if r.progress.conflicts > 0 {
                    eprintln!(
                        "注意：{} 件办件或群众诉求与县级平台已有内容冲突，已保留待核对，请联系县信息中心",
                        r.progress.conflicts
                    );
                }
                if once {
                    let clean = r.pending == 0 && r.progress.conflicts == 0;
                    return Ok(if clean { ExitCode::SUCCESS } else { ExitCode::FAILURE });
                }
                std::thread::sleep(std::time::Duration::from_secs(60));
            }
            Err(e) => {
                eprintln!("错误：{}", e.message());
                if once || !e.retryable() {
                    return Ok(ExitCode::FAILURE);
                }
                let wait = hall_sync::backoff(failures);
                failures += 1;
                eprintln!("{} 秒后重试", wait.as_secs());
                std::thread::sleep(wait);
            }
        }
    }
}
