//! How this PC takes part in the hall network, kept in `network.json` beside the database (or
//! where `--network PATH` / `YICHUANG_NETWORK` says): `{"mode":"single"}`,
//! `{"mode":"host","listen":"0.0.0.0:7443"}` or `{"mode":"desk","url":…,"pin":…,"credential":…,
//! "name":…}`. A desk's file holds its device credential, so it is readable by this user only.
//! No file and no database: the first start, which asks. No file beside an existing database:
//! one PC, as before the hall network.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use hall_core::hall_network::DEFAULT_PORT;
use hall_core::{ErrorCode, HallError};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum NetworkConfig {
    Single,
    Host {
        #[serde(default = "default_listen")]
        listen: String,
    },
    Desk {
        url: String,
        pin: String,
        credential: String,
        name: String,
        /// The hall's standby host as the host told this desk: where to go once it has taken over.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        standby: Option<KnownStandby>,
    },
}

/// A standby host a desk knows of: its name, address and the fingerprint it will show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnownStandby {
    pub name: String,
    pub url: String,
    pub pin: String,
}

pub fn default_listen() -> String {
    format!("0.0.0.0:{DEFAULT_PORT}")
}

/// Where the app keeps what: the database and the network file.
#[derive(Debug, Clone)]
pub struct Paths {
    pub db: PathBuf,
    pub network: PathBuf,
}

fn arg(flag: &str) -> Option<PathBuf> {
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == flag {
            return args.next().map(PathBuf::from);
        }
    }
    None
}

impl Paths {
    /// The database: `--db PATH`, else `YICHUANG_DB`, else the default data dir (as hallctl);
    /// the network file: `--network PATH`, else `YICHUANG_NETWORK`, else beside the database.
    pub fn from_env() -> Paths {
        let db = arg("--db")
            .or_else(|| std::env::var_os("YICHUANG_DB").map(PathBuf::from))
            .unwrap_or_else(hall_core::default_db_path);
        let network = arg("--network")
            .or_else(|| std::env::var_os("YICHUANG_NETWORK").filter(|v| !v.is_empty()).map(PathBuf::from))
            .unwrap_or_else(|| db.parent().unwrap_or(Path::new(".")).join("network.json"));
        Paths { db, network }
    }
}

/// What the file says; `Ok(None)` when there is none.
pub fn read(path: &Path) -> Result<Option<NetworkConfig>, HallError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(storage(format!("无法读取大厅网络设置 {}：{e}", path.display()))),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| storage(format!("大厅网络设置 {} 无法识别（{e}），请重新选择本机的使用方式", path.display())))
}

fn storage(message: String) -> HallError {
    HallError::new(ErrorCode::Storage, message)
}

/// Writes the whole file or nothing, readable by this user only (it may hold the credential).
pub fn write(path: &Path, config: &NetworkConfig) -> Result<(), HallError> {
    let fail = |e: std::io::Error| storage(format!("无法保存大厅网络设置 {}：{e}", path.display()));
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(fail)?;
    // A temporary file is created 0600 on unix already; the rename keeps that.
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o600)).map_err(fail)?;
    }
    let json = serde_json::to_string_pretty(config).map_err(|e| storage(e.to_string()))?;
    std::io::Write::write_all(&mut tmp, json.as_bytes()).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Forgets a desk's pairing (it was revoked): the next start asks again.
pub fn forget(path: &Path) {
    if let Err(e) = std::fs::remove_file(path) {
        if e.kind() != std::io::ErrorKind::NotFound {
            log::error!("cannot remove {}: {e}", path.display());
        }
    }
}

/// The host's address as an administrator may type it: `192.168.1.10`, `192.168.1.10:7443`,
/// `https://zhuji:7443/` — made `https://host:port`. `http://` is refused (the hall network is
/// always encrypted).
pub fn host_url(typed: &str) -> Result<String, HallError> {
    let t = typed.trim().trim_end_matches('/');
    if t.is_empty() {
        return Err(HallError::invalid("请填写大厅主机的地址，例如 192.168.1.10（见主机“系统管理 → 大厅网络”）"));
    }
    if t.starts_with("http://") {
        return Err(HallError::invalid("大厅网络一律加密：主机地址须以 https:// 开头，或只填 IP 地址"));
    }
    let rest = t.strip_prefix("https://").unwrap_or(t);
    let ok = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    if rest.is_empty() || !rest.chars().all(ok) {
        return Err(HallError::invalid(format!("主机地址“{typed}”无法识别，应形如 192.168.1.10 或 192.168.1.10:7443")));
    }
    // A port is there when the text after the last ':' is a number and not inside [v6].
    let has_port = rest.rsplit_once(':').is_some_and(|(h, p)| {
        !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) && (!h.contains(':') || h.ends_with(']'))
    });
    if let Some((_, p)) = rest.rsplit_once(':').filter(|_| has_port) {
        if !p.parse::<u16>().is_ok_and(|p| p > 0) {
            return Err(HallError::invalid(format!("主机地址“{typed}”中的端口号无效（应为 1–65535）")));
        }
    }
    Ok(if has_port { format!("https://{rest}") } else { format!("https://{rest}:{DEFAULT_PORT}") })
}

/// A desk's name as the administrator will see it in the device list.
pub fn desk_name(typed: &str) -> Result<String, HallError> {
    let name = typed.trim();
    if name.is_empty() {
        return Err(HallError::invalid("请填写本机名称，例如 2号综合受理窗口（管理员在设备列表中看到的名称）"));
    }
    if name.chars().count() > 40 {
        return Err(HallError::invalid("本机名称最多 40 个字"));
    }
    Ok(name.to_string())
}

/// The listen address for a port the administrator chose: on the interface the host last
/// listened on (every interface of this PC, unless network.json named one).
pub fn listen_on(port: u16, last: Option<SocketAddr>) -> Result<String, HallError> {
    if port < 1024 {
        return Err(HallError::invalid(format!("端口号应在 1024–65535 之间（默认 {DEFAULT_PORT}）")));
    }
    let ip = last.map(|a| a.ip()).unwrap_or(std::net::Ipv4Addr::UNSPECIFIED.into());
    Ok(SocketAddr::new(ip, port).to_string())
}

pub fn parse_listen(listen: &str) -> Result<SocketAddr, HallError> {
    listen.trim().parse().map_err(|_| {
        HallError::invalid(format!("大厅网络设置中的监听地址“{listen}”无法识别，应形如 0.0.0.0:{DEFAULT_PORT}"))
    })
}

pub use hall_host::host_addresses;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_as_typed_become_https_with_the_port() {
        assert_eq!(host_url("192.168.1.10").unwrap(), "https://192.168.1.10:7443");
        assert_eq!(host_url(" 192.168.1.10:8443 ").unwrap(), "https://192.168.1.10:8443");
        assert_eq!(host_url("https://zhuji/").unwrap(), "https://zhuji:7443");
        assert_eq!(host_url("https://127.0.0.1:5000").unwrap(), "https://127.0.0.1:5000");
        assert_eq!(host_url("[::1]").unwrap(), "https://[::1]:7443");
        assert_eq!(host_url("[::1]:9000").unwrap(), "https://[::1]:9000");
        assert!(host_url("http://192.168.1.10").unwrap_err().message.contains("加密"));
        assert!(host_url("").is_err());
        assert!(host_url("192.168.1.10:99999").unwrap_err().message.contains("端口"));
        assert!(host_url("主机 一").is_err());
    }

    #[test]
    fn the_file_round_trips_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("network.json");
        assert_eq!(read(&path).unwrap(), None);
        let desk = NetworkConfig::Desk {
            url: "https://127.0.0.1:7443".into(),
            pin: format!("SHA256:{}", "a".repeat(64)),
            credential: "secret".into(),
            name: "2号综合受理窗口".into(),
            standby: Some(KnownStandby {
                name: "备用主机".into(),
                url: "https://127.0.0.1:7444".into(),
                pin: format!("SHA256:{}", "b".repeat(64)),
            }),
        };
        write(&path, &desk).unwrap();
        assert_eq!(read(&path).unwrap(), Some(desk));
        // A desk paired before the standby host existed reads as one that knows of none.
        let old = r#"{"mode":"desk","url":"https://h:7443","pin":"SHA256:00","credential":"c","name":"1号"}"#;
        std::fs::write(&path, old).unwrap();
        assert!(matches!(read(&path).unwrap(), Some(NetworkConfig::Desk { standby: None, .. })));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, r#"{"mode":"host"}"#).unwrap();
        assert_eq!(read(&path).unwrap(), Some(NetworkConfig::Host { listen: "0.0.0.0:7443".into() }));
        std::fs::write(&path, r#"{"mode":"mainframe"}"#).unwrap();
        assert!(read(&path).unwrap_err().message.contains("无法识别"));
        forget(&path);
        assert_eq!(read(&path).unwrap(), None);
    }

    #[test]
    fn a_host_on_every_interface_is_offered_by_its_lan_addresses() {
        let one = host_addresses("127.0.0.1:7443".parse().unwrap());
        assert_eq!(one, vec!["https://127.0.0.1:7443".to_string()]);
        let all = host_addresses("0.0.0.0:7443".parse().unwrap());
        assert!(!all.is_empty() && all.iter().all(|a| a.starts_with("https://") && a.ends_with(":7443")), "{all:?}");
    }
}
