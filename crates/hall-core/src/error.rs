//! The one error type of the hall. It crosses IPC and the CLI as `{code, message}` with a
//! Chinese message a clerk can act on.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable machine codes; the message is for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// Input that fails validation (ID number, file format, missing field...).
    Invalid,
    /// The thing asked for does not exist.
    NotFound,
    /// The logged-in role may not do this, or nobody is logged in.
    Forbidden,
    /// Wrong username or password, or the account is locked/disabled.
    Auth,
    /// The lifecycle table does not allow this action from the case's state.
    Transition,
    /// Would clash with what is stored (duplicate code, real cases present...).
    Conflict,
    /// The database file is damaged, read-only, full, or otherwise unusable.
    Storage,
    /// Anything else: a bug, reported with its detail in the log.
    Internal,
    /// A desk could not reach the hall host (or lost its answer): nothing is known to be done.
    Unreachable,
}

#[derive(Debug, Clone, thiserror::Error, Serialize, Deserialize, TS)]
#[error("{message}")]
#[ts(export)]
pub struct HallError {
    pub code: ErrorCode,
    pub message: String,
}

pub type Result<T, E = HallError> = std::result::Result<T, E>;

impl HallError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Invalid, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::NotFound, message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, message)
    }
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Conflict, message)
    }
}

impl From<rusqlite::Error> for HallError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ffi::ErrorCode as E;
        // A row mapping that found an unknown stored value carries its own message out.
        if let rusqlite::Error::FromSqlConversionFailure(_, _, inner) = &e {
            if let Some(h) = inner.downcast_ref::<HallError>() {
                return h.clone();
            }
        }
        if let rusqlite::Error::SqliteFailure(f, detail) = &e {
            let message = match f.code {
                E::DiskFull => "磁盘空间已满，本次操作未保存。请清理磁盘后重试。".to_string(),
                E::ReadOnly => "数据库文件为只读，本次操作未保存。请检查文件权限。".to_string(),
                E::DatabaseCorrupt | E::NotADatabase => {
                    "数据库文件已损坏或不是一窗通数据库，请联系县信息中心从备份恢复。".to_string()
                }
                E::DatabaseBusy | E::DatabaseLocked => "数据库正被其他程序占用，请稍后重试。".to_string(),
                E::CannotOpen => "无法打开数据库文件，请检查路径和权限。".to_string(),
                _ => {
                    log::error!("sqlite failure: {e} ({detail:?})");
                    format!("数据库操作失败：{}", detail.as_deref().unwrap_or("未知原因"))
                }
            };
            return Self::new(ErrorCode::Storage, message);
        }
        log::error!("sqlite error: {e}");
        Self::new(ErrorCode::Internal, format!("数据库内部错误：{e}"))
    }
}

impl From<std::io::Error> for HallError {
    fn from(e: std::io::Error) -> Self {
        Self::new(ErrorCode::Storage, format!("读写文件失败：{e}"))
    }
}
