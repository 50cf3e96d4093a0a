//! A desk follows the hall's standby host once it has taken over. The desk learnt the standby's
//! address and fingerprint from its host (desk.rs keeps them in network.json); when the host is
//! gone and the standby answers as the host, the window says so, and an administrator signs in
//! here to confirm: only then does this desk pin the standby and go on with it. The desk's own
//! credential is good there, since the standby holds the hall's devices like everything else.

use std::sync::Arc;
use std::time::Duration;

use hall_core::api::{Reply, Request};
use hall_core::hall_network::{HostProblem, HostStatus, NetworkView};
use hall_core::lifecycle::Role;
use hall_core::HallError;
use hall_host::{Pin, Remote};
use zeroize::Zeroizing;

use crate::desk::Desk;
use crate::hall::{Mode, Shell};
use crate::network::{self, KnownStandby, NetworkConfig};

fn at_standby(desk: &Desk, standby: &KnownStandby) -> Result<Remote, HallError> {
    Remote::new(&standby.url, Some(Pin::parse(&standby.pin)?), Some(desk.credential.clone()))
}

/// Whether the standby, with the certificate the host said, now answers as the hall host.
pub async fn answers_as_host(desk: &Desk, standby: &KnownStandby) -> bool {
    let Ok(remote) = at_standby(desk, standby) else { return false };
    matches!(remote.hello(Duration::from_millis(1500)).await, Ok(h) if h["role"] == "host")
}

/// 确认改连: an administrator's password, checked at the standby that took over; then this desk
/// is the standby's from now on.
#[tauri::command]
pub async fn follow_standby(
    username: String,
    password: Zeroizing<String>,
    shell: tauri::State<'_, Arc<Shell>>,
) -> Result<NetworkView, HallError> {
    let shell = shell.inner().clone();
    let desk = match &*shell.mode.read().await {
        Mode::Desk(d) => d.clone(),
        _ => return Err(HallError::invalid("本机不是大厅工作站")),
    };
    let standby = desk.known_standby().ok_or_else(|| HallError::invalid("本机不知道大厅的备用主机"))?;
    let remote = at_standby(&desk, &standby)?;
    let hello = remote.hello(Duration::from_secs(3)).await?;
    if hello["role"] != "host" {
        return Err(HallError::invalid(format!(
            "备用主机“{}”尚未接替：请在备用主机上运行 hallctl host promote 后再确认",
            standby.name
        )));
    }
    if username.trim().is_empty() || password.is_empty() {
        return Err(HallError::invalid("请填写系统管理员的账号和密码"));
    }
    let session = remote.open_session().await?;
    let login = Request::Login { username: username.trim().to_string(), password };
    match remote.call(&session, None, &login).await? {
        Reply::Session(Some(u)) if u.role == Role::Admin && !u.must_change_password => {}
        _ => {
            let _ = remote.call(&session, None, &Request::Logout).await;
            return Err(HallError::forbidden("改连备用主机须由系统管理员确认：请用系统管理员的账号登录"));
        }
    }
    let _ = remote.call(&session, None, &Request::Logout).await;
    let config = NetworkConfig::Desk {
        url: standby.url.clone(),
        pin: standby.pin.clone(),
        credential: desk.credential.clone(),
        name: desk.name.clone(),
        standby: None,
    };
    let follower = Arc::new(Desk::new(&standby.url, &standby.pin, &desk.credential, &desk.name, None)?);
    {
        let mut mode = shell.mode.write().await;
        if !matches!(&*mode, Mode::Desk(d) if Arc::ptr_eq(d, &desk)) {
            return Err(HallError::conflict("本机的连接已改变，请重新操作"));
        }
        network::write(&shell.paths.network, &config)?;
        desk.stop();
        *mode = Mode::Desk(follower.clone());
    }
    log::warn!(
        "this desk follows the standby {} at {} ({}), confirmed by {username}",
        standby.name,
        standby.url,
        standby.pin
    );
    shell.tell_status(HostStatus {
        online: true,
        problem: Some(HostProblem::SessionLost),
        title: "已改连接替的大厅主机".into(),
        message: format!("本机已改连“{}”（{}）。", standby.name, standby.url),
        advice: "请重新登录后继续办理。".into(),
    });
    tauri::async_runtime::spawn(crate::desk::watch(shell.clone(), follower));
    Ok(crate::netcmds::view(&shell).await)
}
