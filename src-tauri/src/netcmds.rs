//! The hall network's commands: what this PC is (`network`), the first start's two ways
//! (`choose_single`, `pair_desk`) and the administrator's 本机作为大厅主机 switch (`host_switch`).
//! Pairing codes, the device list and 撤销 are hall requests (`host_pair_code`, `host_devices`,
//! `host_revoke`) and go through `call` like any other.

use std::sync::Arc;

use hall_core::hall_network::{firewall_hint, DeskPaired, HostFacts, NetworkMode, NetworkView, DEFAULT_PORT};
use hall_core::lifecycle::Role;
use hall_core::store::DeviceKind;
use hall_core::HallError;
use hall_host::Remote;

use crate::desk::Desk;
use crate::hall::{open_store, Local, Mode, Shell};
use crate::network::{self, NetworkConfig};

type ShellState<'a> = tauri::State<'a, Arc<Shell>>;

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

pub async fn view(shell: &Shell) -> NetworkView {
    let problem = lock(&shell.problem).clone();
    let status = lock(&shell.status).clone();
    let mut v = NetworkView {
        choosing: false,
        mode: NetworkMode::Single,
        host: None,
        desk: None,
        problem,
        port: DEFAULT_PORT,
        status,
    };
    match &*shell.mode.read().await {
        Mode::Choosing => v.choosing = true,
        Mode::Local(l) => {
            if let Some(h) = &l.host {
                let port = h.running.addr.port();
                v.mode = NetworkMode::Host;
                v.port = port;
                v.host = Some(HostFacts {
                    listen: h.listen.clone(),
                    port,
                    addresses: network::host_addresses(h.running.addr),
                    fingerprint: h.running.fingerprint.clone(),
                    firewall: firewall_hint(port),
                    standby: match hall_host::handlers::standby_facts(&h.running.hall).await {
                        Ok(standby) => standby,
                        Err(e) => {
                            log::warn!("standby facts: {}", e.message);
                            None
                        }
                    },
                });
            } else if let Some(last) = *lock(&shell.last_listen) {
                // Switched off, or on but not running (the port was taken): the same port again.
                v.port = last.port();
            }
        }
        Mode::Desk(d) => {
            v.mode = NetworkMode::Desk;
            v.desk = Some(d.facts());
        }
    }
    v
}

#[tauri::command]
pub async fn network(shell: ShellState<'_>) -> Result<NetworkView, HallError> {
    Ok(view(&shell).await)
}

/// 单机使用: the hall on this PC, from now on.
#[tauri::command]
pub async fn choose_single(shell: ShellState<'_>) -> Result<NetworkView, HallError> {
    {
        let mut mode = shell.mode.write().await;
        if !matches!(&*mode, Mode::Choosing) {
            return Err(HallError::invalid("本机的使用方式已经选定"));
        }
        let store = open_store(&shell.paths);
        store.as_ref().map_err(Clone::clone)?;
        network::write(&shell.paths.network, &NetworkConfig::Single)?;
        *mode = Mode::Local(Local { store, host: None });
    }
    shell.set_problem(None);
    log::info!("first start: this PC works alone");
    Ok(view(&shell).await)
}

/// 连接大厅主机: pairs with the code the administrator gave, pins the host's certificate as it
/// shows it now (the administrator compares the fingerprint with the host's), keeps the
/// credential in network.json and goes on as a desk.
#[tauri::command]
pub async fn pair_desk(
    url: String,
    code: String,
    name: String,
    shell: ShellState<'_>,
) -> Result<DeskPaired, HallError> {
    let shell = shell.inner().clone();
    let url = network::host_url(&url)?;
    let name = network::desk_name(&name)?;
    if code.trim().is_empty() {
        return Err(HallError::invalid("请填写配对码（在主机“系统管理 → 大厅网络”中点“生成配对码”获得）"));
    }
    if !matches!(&*shell.mode.read().await, Mode::Choosing) {
        return Err(HallError::invalid("本机的使用方式已经选定"));
    }
    let first = Remote::new(&url, None, None)?;
    let (paired, pin) = first.pair(code.trim(), &name, DeviceKind::Desk, None).await?;
    let config = NetworkConfig::Desk {
        url: url.clone(),
        pin: pin.to_string(),
        credential: paired.credential.clone(),
        name: paired.device.name.clone(),
        standby: None,
    };
    let desk = Arc::new(Desk::new(&url, pin.as_str(), &paired.credential, &paired.device.name, None)?);
    let township = desk
        .remote
        .hello(std::time::Duration::from_secs(5))
        .await
        .ok()
        .and_then(|h| h.get("township_name").and_then(|v| v.as_str()).map(String::from))
        .unwrap_or_default();
    {
        let mut mode = shell.mode.write().await;
        if !matches!(&*mode, Mode::Choosing) {
            return Err(HallError::invalid("本机的使用方式已经选定"));
        }
        network::write(&shell.paths.network, &config)?;
        *mode = Mode::Desk(desk.clone());
    }
    shell.set_problem(None);
    *lock(&shell.status) = hall_core::hall_network::HostStatus::online();
    log::info!("paired as desk {} with {url} ({pin})", paired.device.name);
    tauri::async_runtime::spawn(crate::desk::watch(shell.clone(), desk));
    Ok(DeskPaired { name: paired.device.name, url, fingerprint: pin.to_string(), township_name: township })
}

/// 本机作为大厅主机 on or off (administrator). On: the host starts on this PC's database at
/// `port` of every interface; off: it stops, the desks lose it, this PC goes on alone.
#[tauri::command]
pub async fn host_switch(on: bool, port: Option<u16>, shell: ShellState<'_>) -> Result<NetworkView, HallError> {
    let shell = shell.inner().clone();
    hall_core::api::authorize(&shell.session(), &[Role::Admin])?;
    {
        let mut mode = shell.mode.write().await;
        let Mode::Local(local) = &mut *mode else {
            return Err(HallError::invalid("本机是大厅工作站，不能作为大厅主机"));
        };
        if on {
            let last = *lock(&shell.last_listen);
            let listen = network::listen_on(port.unwrap_or(DEFAULT_PORT), last)?;
            shell.stop_host(local).await;
            shell.start_host(local, &listen).await?;
            network::write(&shell.paths.network, &NetworkConfig::Host { listen })?;
        } else {
            shell.stop_host(local).await;
            network::write(&shell.paths.network, &NetworkConfig::Single)?;
        }
    }
    shell.set_problem(None);
    Ok(view(&shell).await)
}
