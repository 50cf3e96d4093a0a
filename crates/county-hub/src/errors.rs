//! Refusals as the protocol spells them: a status and `{"code", "message"}` with a Chinese
//! message. Internal details go to the log, never to the hall.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use sync_protocol::ErrorBody;

#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), retry_after: None }
    }
    pub fn malformed(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "malformed", message)
    }
    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", message)
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    pub fn too_large() -> Self {
        Self::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("请求内容超过 {} MiB，未保存。请减少每批的件数后重试", sync_protocol::MAX_BODY_BYTES >> 20),
        )
    }
    pub fn protocol(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UPGRADE_REQUIRED, "protocol", message)
    }
    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self {
            retry_after: Some(retry_after_secs),
            ..Self::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("本乡镇请求过于频繁，请 {retry_after_secs} 秒后重试"),
            )
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Json(ErrorBody { code: self.code.into(), message: self.message });
        match self.retry_after {
            Some(secs) => (self.status, [(header::RETRY_AFTER, secs.to_string())], body).into_response(),
            None => (self.status, body).into_response(),
        }
    }
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(e: tokio_postgres::Error) -> Self {
        log::error!("database: {}", crate::db::detail(&e));
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "县级平台数据库出错，本次请求未保存，请稍后重试")
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        log::error!("database pool: {e}");
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            "县级平台暂时无法连接数据库，本次请求未保存，请稍后重试",
        )
    }
}
