//! 一窗通 (Yichuang) core: the township hall's domain — service catalog, case lifecycle,
//! working-day calendar, validation — and its SQLite store. No Tauri, no webview: the desktop
//! shell, `hallctl` and the tests all stand on this crate.

pub mod action_forms;
pub mod admission;
pub mod api;
pub mod calendar;
pub mod catalog;
pub mod clock;
pub mod consult;
pub mod coordination;
mod csv_text;
pub mod demands;
pub mod demo;
pub mod documents;
pub mod duties;
pub mod error;
pub mod guards;
pub mod hall_network;
pub mod idempotent;
pub mod intake;
pub mod lifecycle;
pub mod limits;
pub mod origin;
pub mod privacy;
pub mod publish;
pub mod store;
pub mod validate;
pub mod vocabulary;

pub use error::{ErrorCode, HallError, Result};
pub use store::Store;

/// The product's name as the window and printouts show it.
pub const PRODUCT: &str = "一窗通";

/// Where the desktop app and hallctl keep the hall's data (database, logs) unless told
/// otherwise: `YICHUANG_DATA_DIR` if set, else the platform data dir (`~/.local/share/yichuang`
/// on Linux).
pub fn default_data_dir() -> std::path::PathBuf {
    if let Some(dir) = std::env::var_os("YICHUANG_DATA_DIR") {
        return dir.into();
    }
    dirs::data_dir().unwrap_or_else(|| std::path::PathBuf::from(".")).join("yichuang")
}

pub fn default_db_path() -> std::path::PathBuf {
    default_data_dir().join("hall.db")
}
