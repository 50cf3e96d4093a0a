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

pub mod cert;
pub mod client;
pub mod handlers;
pub mod server;
pub mod sessions;
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
