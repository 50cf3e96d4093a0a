//! The hall network as the app's window sees it: how this PC takes part (one PC alone, the hall
//! host, or a desk of a host elsewhere), what the 大厅网络 tab shows, and the two window events
//! the shell sends — `hall-changed` (something changed at the hall: the lists reload) and
//! `host-status` (a desk lost or found its host). The shell (src-tauri) fills these in; the
//! host itself is crates/hall-host.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The port the hall host listens on unless told otherwise (hall-host's `DEFAULT_PORT`).
pub const DEFAULT_PORT: u16 = 7443;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum NetworkMode {
    /// The whole hall on this PC (the default, as before the hall network).
    Single,
    /// This PC holds the hall's store and serves the desks (本机作为大厅主机).
    Host,
    /// Every request goes to the hall host; no database on this PC.
    Desk,
}

impl NetworkMode {
    pub const ALL: [NetworkMode; 3] = [NetworkMode::Single, NetworkMode::Host, NetworkMode::Desk];

    pub fn label(self) -> &'static str {
        match self {
            NetworkMode::Single => "单机使用",
            NetworkMode::Host => "大厅主机",
            NetworkMode::Desk => "大厅工作站",
        }
    }
}

/// What to tell the administrator about the firewall of the host PC.
pub fn firewall_hint(port: u16) -> String {
    format!(
        "其他电脑连不上时，请在本机防火墙中放行 TCP {port} 端口的入站连接（Windows：控制面板 → Windows Defender 防火墙 → 高级设置 → 入站规则 → 新建规则 → 端口 → TCP {port}；Linux：sudo ufw allow {port}/tcp）。"
    )
}

/// The host running inside this app.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HostFacts {
    /// What it listens on, e.g. `0.0.0.0:7443`.
    pub listen: String,
    pub port: u16,
    /// The addresses desks can be given (`https://192.168.1.10:7443`), this PC's LAN ones first.
    pub addresses: Vec<String>,
    /// `SHA256:<64 hex>`: the admin compares it with what a desk shows after pairing.
    pub fingerprint: String,
    pub firewall: String,
    /// The hall's standby host, when one is paired.
    pub standby: Option<StandbyView>,
}

/// The standby host as the host sees it (hall-host's replication measures it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, TS)]
#[ts(export)]
pub struct StandbyLink {
    pub name: Option<String>,
    /// Heard from within the last 15 s.
    pub connected: bool,
    /// Writes are confirmed to the desks only once it has them.
    pub in_sync: bool,
    /// Changes it has not applied yet.
    #[ts(type = "number")]
    pub behind: u64,
    /// How long the oldest of those has waited, in seconds.
    pub behind_seconds: f64,
    /// Time from a write to the standby having it, over the recent writes (ms).
    pub lag_p50_ms: Option<f64>,
    pub lag_p99_ms: Option<f64>,
}

/// The standby on the host's 大厅网络 page: who, where, and how far behind, said in words.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct StandbyView {
    pub name: String,
    /// Where desks go once it has taken over, and the certificate it will show.
    pub address: Option<String>,
    pub fingerprint: Option<String>,
    pub link: StandbyLink,
    /// Synced and connected (green), else red.
    pub ok: bool,
    pub state: String,
    pub detail: String,
}

impl StandbyView {
    pub fn of(name: String, address: Option<String>, fingerprint: Option<String>, link: StandbyLink) -> StandbyView {
        let lag = match (link.lag_p50_ms, link.lag_p99_ms) {
            (Some(p50), Some(p99)) => format!("；近期保存到备用主机确认：中位 {p50:.0} 毫秒，99% 在 {p99:.0} 毫秒内"),
            _ => String::new(),
        };
        let (ok, state, detail) = if !link.connected {
            (
                false,
                "未连接".to_string(),
                "备用主机没有连接本机：请检查备用主机电脑是否开机、hallctl host standby 是否在运行。在它回来之前，主机停机会丢失最近的办理。".to_string(),
            )
        } else if link.in_sync {
            (true, "已同步".to_string(), format!("每次保存都等备用主机收到后才向工作站确认{lag}"))
        } else {
            (
                false,
                format!("落后 {} 项变化", link.behind),
                format!("备用主机落后 {:.0} 秒，正在追赶；追上之前保存不等它确认{lag}", link.behind_seconds),
            )
        };
        StandbyView { name, address, fingerprint, link, ok, state, detail }
    }
}

/// This PC as a desk of a host elsewhere.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DeskFacts {
    /// The name it was paired under (e.g. 2号综合受理窗口).
    pub name: String,
    pub url: String,
    /// The host's certificate fingerprint pinned at pairing.
    pub fingerprint: String,
    /// The hall's standby host as this desk learnt it from the host (`名称（地址）`).
    pub standby: Option<String>,
}

/// This PC's place in the hall network, for the first-start screen and the 大厅网络 tab.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct NetworkView {
    /// Nothing chosen yet (first start): the window offers 单机使用 / 连接大厅主机.
    pub choosing: bool,
    pub mode: NetworkMode,
    /// Set while the host runs in this app.
    pub host: Option<HostFacts>,
    /// Set in desk mode.
    pub desk: Option<DeskFacts>,
    /// Why the host could not be started, or why the first start is shown again.
    pub problem: Option<String>,
    /// The port offered when host mode is switched on.
    pub port: u16,
    /// In desk mode, whether the host answers now.
    pub status: HostStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum HostProblem {
    /// Cannot be reached (host off, cable out): the desk retries by itself.
    Unreachable,
    /// A certificate that is not the pinned one: refused, someone may impersonate the host.
    Impostor,
    /// This desk was revoked: back to the first-start choice.
    Revoked,
    /// The host restarted and forgot the session: sign in again.
    SessionLost,
    /// The host is gone and the hall's standby host answers as the host now: an administrator
    /// confirms at this desk before it follows.
    StandbyTookOver,
}

/// The `host-status` event: a desk lost or found its host.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HostStatus {
    pub online: bool,
    pub problem: Option<HostProblem>,
    /// The banner's headline (empty while all is well).
    pub title: String,
    /// What happened, in words (the host's or the connection's message).
    pub message: String,
    /// What the clerk can do.
    pub advice: String,
}

impl HostStatus {
    pub fn online() -> HostStatus {
        HostStatus { online: true, problem: None, title: String::new(), message: String::new(), advice: String::new() }
    }

    pub fn unreachable(message: &str) -> HostStatus {
        HostStatus {
            online: false,
            problem: Some(HostProblem::Unreachable),
            title: "大厅主机无法连接".into(),
            message: message.into(),
            advice: "请检查网线或无线是否连好、大厅主机电脑是否开机；恢复后本机自动重连，已填写的内容会保留。".into(),
        }
    }

    pub fn impostor(message: &str) -> HostStatus {
        HostStatus {
            online: false,
            problem: Some(HostProblem::Impostor),
            title: "大厅主机身份不符，已拒绝连接".into(),
            message: message.into(),
            advice: "请立即联系系统管理员核实大厅主机；在核实之前不要在本机办理业务。".into(),
        }
    }

    pub fn revoked(message: &str) -> HostStatus {
        HostStatus {
            online: false,
            problem: Some(HostProblem::Revoked),
            title: "本机已被撤销".into(),
            message: message.into(),
            advice: "本机已不能连接大厅主机。如需继续使用，请向系统管理员索取新的配对码重新连接，或改为单机使用。"
                .into(),
        }
    }

    pub fn standby_took_over(name: &str, address: &str) -> HostStatus {
        HostStatus {
            online: false,
            problem: Some(HostProblem::StandbyTookOver),
            title: "备用主机已接替大厅主机".into(),
            message: format!("原大厅主机无法连接；备用主机“{name}”（{address}）已接替为大厅主机。"),
            advice: "请系统管理员在下面输入账号和密码，确认后本机改连备用主机继续办理。".into(),
        }
    }

    pub fn session_lost() -> HostStatus {
        HostStatus {
            online: true,
            problem: Some(HostProblem::SessionLost),
            title: "大厅主机已重启".into(),
            message: "大厅主机重启过，原来的登录已失效。".into(),
            advice: "请重新登录后继续办理。".into(),
        }
    }
}

/// The `hall-changed` event: one change at the hall (a case taken in, decided, handed out …).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct HallChange {
    /// The hall's change counter after it (0 on one PC).
    #[ts(type = "number")]
    pub seq: i64,
    /// The request that made it (`intake`, `act` …), or `changed` after a reconnection.
    pub kind: String,
    /// The case it touched, when it touched one.
    pub number: Option<String>,
}

/// A desk just paired, for the screen that asks the administrator to compare the fingerprint.
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DeskPaired {
    pub name: String,
    pub url: String,
    pub fingerprint: String,
    /// The hall the host serves (its township), as the host says.
    pub township_name: String,
}
