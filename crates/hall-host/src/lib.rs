//! 一窗通 hall host: one hall across its PCs. The host holds the hall's SQLite store, exactly as
//! one PC does, and serves the very requests of `hall_core::api` over HTTPS on the hall's
//! network; desks (the app in desk mode, hallctl with `--host`) and the counters' rating screens
//! send them. Nothing is written twice for the network: every request still goes through
//! `dispatch`, writes with a request id through `hall_core::idempotent`.
//!
//! - [`server`]: the host (`hallctl host serve`, or inside the app), its TLS certificate
//!   ([`cert`]), its sessions ([`sessions`]), one writer and a pool of readers ([`workers`]),
//!   and the live feed of changes.
//! - [`client`]: what a desk uses to reach it, pinning the host's certificate.
//! - [`wire`]: the shapes both sides agree on.
//! - [`replication`], [`standby_api`] and [`standby`]: a second PC that keeps a live copy of
//!   the host and takes over when it dies.

pub mod cert;
pub mod client;
pub mod handlers;
pub mod replication;
pub mod server;
pub mod sessions;
pub mod standby;
pub mod standby_api;
pub mod upkeep;
pub mod wire;
pub mod workers;

pub use client::{Pin, Remote};
pub use server::{start, HostConfig, RunningHost};

/// The port the host listens on unless told otherwise (open it in the host PC's firewall).
pub const DEFAULT_PORT: u16 = hall_core::hall_network::DEFAULT_PORT;

/// rustls needs one process-wide crypto provider; the host and the client both call this.
pub fn crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The addresses a desk can be given for a host listening on `addr`: this PC's LAN addresses
/// (IPv4 first) when it listens on every interface, else the one it listens on.
pub fn host_addresses(addr: std::net::SocketAddr) -> Vec<String> {
    let port = addr.port();
    let url = |ip: std::net::IpAddr| match ip {
        std::net::IpAddr::V4(v4) => format!("https://{v4}:{port}"),
        std::net::IpAddr::V6(v6) => format!("https://[{v6}]:{port}"),
    };
    if !addr.ip().is_unspecified() {
        return vec![url(addr.ip())];
    }
    let mut ips: Vec<std::net::IpAddr> = if_addrs::get_if_addrs()
        .map(|list| list.into_iter().filter(|i| !i.is_loopback()).map(|i| i.ip()).collect())
        .unwrap_or_else(|e| {
            log::warn!("cannot list this PC's addresses: {e}");
            Vec::new()
        });
    // IPv4 first; an IPv6 listener on 0.0.0.0 is not reached anyway.
    ips.retain(|ip| ip.is_ipv4() || addr.is_ipv6());
    ips.sort_by_key(|ip| (!ip.is_ipv4(), *ip));
    ips.dedup();
    if ips.is_empty() {
        return vec![format!("https://127.0.0.1:{port}")];
    }
    ips.into_iter().map(url).collect()
}
