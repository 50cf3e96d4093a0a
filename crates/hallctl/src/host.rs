//! `host serve|pair|desks|revoke`: the hall host on this PC, and the administrator's pairing
//! work (requests through the gate, so they work against a host with `--host` too).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use hall_core::api::{Reply, Request};
use hall_core::store::Device;
use hall_core::{ErrorCode, HallError};

use crate::cli::HostCmd;
use crate::print_json;
use crate::session::Gate;

/// Serves the database at `db` until SIGTERM (or Ctrl-C).
pub fn serve(db: PathBuf, listen: SocketAddr) -> Result<ExitCode, HallError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| HallError::new(ErrorCode::Internal, e.to_string()))?;
    rt.block_on(async move {
        let mut config = hall_host::HostConfig::new(db, listen);
        config.on_ready = Some(Box::new(|fingerprint: &str, addr: SocketAddr| {
            println!("主机指纹 {fingerprint}");
            println!(
                "大厅主机正在监听 https://{addr}（工作站以此地址与上面的指纹连接；按 Ctrl-C 或发送 SIGTERM 停止）"
            );
            let _ = std::io::stdout().flush();
        }));
        let host = hall_host::start(config).await?;
        host.until_signal().await;
        println!("大厅主机已停止");
        let _ = std::io::stdout().flush();
        // Every request has finished and every write is committed (WAL, synchronous=FULL). Leave
        // now, without the C library's exit handlers: run while the store's connections are
        // still open on their worker threads, SQLCipher's crypto clean-up could crash the
        // process on its way out (seen as SIGSEGV after a clean stop).
        quit_now()
    })
}

#[cfg(unix)]
pub(crate) fn quit_now() -> ! {
    // SAFETY: _exit ends the process at once; nothing of ours is left to run.
    unsafe { libc::_exit(0) }
}

#[cfg(not(unix))]
pub(crate) fn quit_now() -> ! {
    std::process::exit(0)
}

pub fn run(gate: &mut Gate, cmd: HostCmd) -> Result<(), HallError> {
    match cmd {
        HostCmd::Serve { .. } | HostCmd::Standby { .. } | HostCmd::Promote { .. } => {
            unreachable!("main runs these itself")
        }
        HostCmd::Pair => {
            let code = answer!(gate.ask(Request::HostPairCode)?, Reply::PairingCode);
            if gate.json {
                print_json(&code);
            } else {
                println!("配对码在 {} 前有效，只能使用一次。在工作站或评价器上输入主机地址与配对码：", code.expires_at);
                println!("{}", code.code);
            }
        }
        HostCmd::Desks => {
            let devices = answer!(gate.ask(Request::HostDevices)?, Reply::Devices);
            show(&devices, gate.json);
        }
        HostCmd::Revoke { desk } => {
            let devices = answer!(gate.ask(Request::HostRevoke { device: desk.clone() })?, Reply::Devices);
            if gate.json {
                print_json(&devices);
            } else {
                println!("已撤销“{desk}”：它从现在起不能再连接大厅主机。");
            }
        }
    }
    Ok(())
}

fn show(devices: &[Device], json: bool) {
    if json {
        return print_json(&devices);
    }
    if devices.is_empty() {
        return println!("尚无已配对的工作站或评价器（hallctl host pair 生成配对码）");
    }
    println!("{:<6}{:<20}{:<8}{:<20}{:<20}状态", "编号", "名称", "类型", "配对时间", "最近连接");
    for d in devices {
        let state = match (&d.revoked_at, &d.serves) {
            (Some(at), _) => format!("已撤销（{at}）"),
            (None, Some(desk)) => format!("在用，服务 {desk}"),
            (None, None) => "在用".to_string(),
        };
        println!(
            "{:<6}{:<20}{:<8}{:<20}{:<20}{state}",
            format!("#{}", d.id),
            d.name,
            d.kind.label(),
            d.paired_at,
            d.last_seen.as_deref().unwrap_or("—")
        );
    }
}
