//! `host standby` and `host promote`: this PC as the hall host's standby (hall_host::standby
//! says how it follows). The standby runs until stopped (SIGTERM, Ctrl-C) or promoted: `host
//! promote`, run on the same PC, signals it (SIGUSR1) and it takes over in the same process,
//! on the same port, with the certificate the desks already know.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use hall_core::store::OPERATOR;
use hall_core::{ErrorCode, HallError};
use hall_host::standby::{self, Identity, Pairing, Progress};
use hall_host::{Pin, Remote};

pub struct Asked {
    pub from: Option<String>,
    pub pin: Option<String>,
    pub code: Option<String>,
    pub name: String,
    pub listen: SocketAddr,
    pub address: Option<String>,
}

fn runtime() -> Result<tokio::runtime::Runtime, HallError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| HallError::new(ErrorCode::Internal, e.to_string()))
}

fn say(line: String) {
    println!("{line}");
    let _ = std::io::stdout().flush();
}

async fn identity(db: &Path, asked: Asked) -> Result<Identity, HallError> {
    if let Some(known) = Identity::load(db)? {
        if asked.code.is_some() || asked.from.as_deref().is_some_and(|f| f.trim_end_matches('/') != known.host) {
            return Err(HallError::conflict(format!(
                "本机已是 {} 的备用主机“{}”，不需要再配对：直接运行 hallctl host standby",
                known.host, known.name
            )));
        }
        return Ok(known);
    }
    let missing = "本机第一次作为备用主机，须给出 --from 主机地址、--pin 主机指纹与 --code 配对码（在主机上运行 hallctl host pair 生成）";
    let (Some(from), Some(pin), Some(code)) = (asked.from, asked.pin, asked.code) else {
        return Err(HallError::invalid(missing));
    };
    let address = match asked.address {
        Some(a) => a.trim().trim_end_matches('/').to_string(),
        None => hall_host::host_addresses(asked.listen).remove(0),
    };
    let pairing = Pairing { host: from, pin: Pin::parse(&pin)?, code, name: asked.name, listen: asked.listen, address };
    let made = standby::pair(db, pairing).await?;
    say(format!("已与主机 {} 配对为备用主机“{}”", made.host, made.name));
    Ok(made)
}

enum Ended {
    Promote,
    Stop,
}

#[cfg(unix)]
async fn until_told() -> Ended {
    use tokio::signal::unix::{signal, SignalKind};
    let (mut promote, mut term) = match (signal(SignalKind::user_defined1()), signal(SignalKind::terminate())) {
        (Ok(p), Ok(t)) => (p, t),
        _ => return std::future::pending().await,
    };
    tokio::select! {
        _ = promote.recv() => Ended::Promote,
        _ = term.recv() => Ended::Stop,
        _ = tokio::signal::ctrl_c() => Ended::Stop,
    }
}

#[cfg(not(unix))]
async fn until_told() -> Ended {
    // No signal to promote a running standby with: stop it, then `host promote` on the file.
    let _ = tokio::signal::ctrl_c().await;
    Ended::Stop
}

fn progress_printer() -> impl FnMut(Progress) + Send {
    let mut said_at: Option<Instant> = None;
    move |p| match p {
        Progress::Copied { cases, seq } => {
            say(format!("已从主机复制大厅数据：{cases} 件办件（主机第 {seq} 项变化）"));
            said_at = None;
        }
        Progress::Following { applied, last } => {
            if said_at.is_none_or(|t| t.elapsed() > Duration::from_secs(60)) {
                say(format!("正在跟随主机：已同步到第 {applied} 项变化（主机 {last}）"));
                said_at = Some(Instant::now());
            }
        }
        Progress::HostAway(why) => {
            say(format!("主机无法连接：{why}。本机每秒重试；如主机确已停机，在本机运行 hallctl host promote 接替"))
        }
    }
}

pub fn run(db: PathBuf, asked: Asked, _json: bool) -> Result<ExitCode, HallError> {
    runtime()?.block_on(async move {
        let mut me = identity(&db, asked).await?;
        if let Some(at) = &me.promoted_at {
            return Err(HallError::conflict(format!(
                "本机已于 {at} 接替为大厅主机：用 hallctl host serve --listen {} 启动",
                me.listen
            )));
        }
        say(format!("备用主机指纹 {}", me.fingerprint));
        say(format!("接替后工作站连接 {}（各工作站已从主机得知此地址与指纹）", me.address));
        let pid = standby::pid_path(&db);
        std::fs::write(&pid, std::process::id().to_string())
            .map_err(|e| HallError::new(ErrorCode::Storage, format!("无法写入 {}：{e}", pid.display())))?;
        let township =
            match Remote::new(&me.host, Some(Pin::parse(&me.pin)?), None)?.hello(Duration::from_secs(3)).await {
                Ok(h) => {
                    (h["township_code"].as_str().unwrap_or("").into(), h["township_name"].as_str().unwrap_or("").into())
                }
                Err(_) => (String::new(), String::new()),
            };
        let handle = axum_server::Handle::new();
        let waiting = standby::serve_waiting(&me, township, handle.clone()).await?;
        let mut ended = None;
        let stop = async { ended = Some(until_told().await) };
        let mut printer = progress_printer();
        let followed = standby::follow(&db, &me, stop, &mut printer).await;
        handle.graceful_shutdown(Some(Duration::from_secs(1)));
        let _ = waiting.await;
        if let Err(e) = followed {
            let _ = std::fs::remove_file(&pid);
            return Err(e);
        }
        if !matches!(ended, Some(Ended::Promote)) {
            let _ = std::fs::remove_file(&pid);
            say("备用主机已停止".into());
            crate::host::quit_now();
        }
        let reached = tokio::task::block_in_place(|| standby::promote(&db, &mut me, OPERATOR))?;
        let _ = std::fs::remove_file(&pid);
        say(format!("备用主机已接替为大厅主机（已同步到 {reached}）"));
        serve_promoted(db, me.listen).await
    })
}

/// The promoted standby as the hall host, in this process.
async fn serve_promoted(db: PathBuf, listen: SocketAddr) -> Result<ExitCode, HallError> {
    let mut config = hall_host::HostConfig::new(db, listen);
    config.on_ready = Some(Box::new(|fingerprint: &str, addr: SocketAddr| {
        say(format!("主机指纹 {fingerprint}"));
        say(format!("大厅主机正在监听 https://{addr}（工作站经系统管理员确认后改连本机）"));
    }));
    let host = hall_host::start(config).await?;
    host.until_signal().await;
    say("大厅主机已停止".into());
    crate::host::quit_now()
}

#[cfg(unix)]
fn signal_running(db: &Path) -> bool {
    let Some(pid) = std::fs::read_to_string(standby::pid_path(db)).ok().and_then(|t| t.trim().parse::<i32>().ok())
    else {
        return false;
    };
    // SAFETY: kill with a pid read from our own file; signal 0 only asks whether it runs.
    unsafe { libc::kill(pid, 0) == 0 && libc::kill(pid, libc::SIGUSR1) == 0 }
}

#[cfg(not(unix))]
fn signal_running(_db: &Path) -> bool {
    false
}

pub fn promote(db: PathBuf, force: bool, json: bool) -> Result<ExitCode, HallError> {
    let mut me = Identity::load(&db)?.ok_or_else(|| {
        HallError::invalid(format!(
            "本机不是备用主机（{} 不存在）：先用 hallctl host standby 配对并跟随主机",
            standby::identity_path(&db).display()
        ))
    })?;
    if let Some(at) = &me.promoted_at {
        return Err(HallError::conflict(format!("本机已于 {at} 接替为大厅主机")));
    }
    let alive = runtime()?.block_on(async {
        let host = Remote::new(&me.host, Some(Pin::parse(&me.pin)?), None)?;
        Ok::<_, HallError>(host.hello(Duration::from_secs(3)).await.is_ok())
    })?;
    if alive && !force {
        return Err(HallError::conflict(format!(
            "原主机 {} 仍在运行：两台主机同时办理会使数据分岔，未接替。请先停止原主机；确需接替时加 --force",
            me.host
        )));
    }
    let running = signal_running(&db);
    if running {
        // The following process takes over itself; wait until it says so.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            match Identity::load(&db)? {
                Some(now) if now.promoted_at.is_some() => {
                    me = now;
                    break;
                }
                _ if Instant::now() > deadline => {
                    return Err(HallError::new(ErrorCode::Internal, "备用主机 60 秒内未完成接替，请查看其输出"))
                }
                _ => std::thread::sleep(Duration::from_millis(100)),
            }
        }
    } else {
        standby::promote(&db, &mut me, OPERATOR)?;
    }
    if json {
        crate::print_json(&serde_json::json!({
            "promoted_at": me.promoted_at, "address": me.address, "fingerprint": me.fingerprint, "serving": running,
        }));
    } else if running {
        say(format!("备用主机已接替为大厅主机，正在 {} 提供服务（指纹 {}）。", me.address, me.fingerprint));
        say("请系统管理员在各工作站确认改连本机（工作站会提示）。".into());
    } else {
        say(format!(
            "已接替为大厅主机（指纹 {}）。现在用 hallctl host serve --listen {} 启动。",
            me.fingerprint, me.listen
        ));
    }
    Ok(ExitCode::SUCCESS)
}
