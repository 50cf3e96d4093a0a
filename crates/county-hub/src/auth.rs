//! Who is asking. Every hall request carries the protocol version and its township's token;
//! a request passes only with both right and within the township's rate.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use sync_protocol::{PROTOCOL_VERSION, VERSION_HEADER};

use crate::errors::ApiError;
use crate::server::AppState;
use crate::tokens;

/// The township whose token the request carries (its code).
pub struct Township(pub String);

impl FromRequestParts<AppState> for Township {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        check_protocol(&parts.headers)?;
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or_else(|| ApiError::unauthorized("缺少乡镇令牌：请求头应带 Authorization: Bearer <令牌>"))?;
        let unknown = || ApiError::unauthorized("乡镇令牌无效：县级平台不认识这个令牌，请向县信息中心核对");
        let code = tokens::township_of(token).ok_or_else(unknown)?;
        let client = state.pool.get().await?;
        let stmt = client.prepare_cached("SELECT token_hash FROM townships WHERE code = $1").await?;
        let row = client.query_opt(&stmt, &[&code]).await?.ok_or_else(unknown)?;
        if !tokens::matches(token, row.get(0)) {
            return Err(unknown());
        }
        state.limiter.check(code)?;
        Ok(Township(code.to_string()))
    }
}

/// The version header must name the version this hub speaks.
pub fn check_protocol(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(VERSION_HEADER) else {
        return Err(ApiError::protocol(format!(
            "请求缺少协议版本（请求头 {VERSION_HEADER}），本平台使用第 {PROTOCOL_VERSION} 版同步协议"
        )));
    };
    match value.to_str().ok().and_then(|v| v.trim().parse::<u32>().ok()) {
        Some(PROTOCOL_VERSION) => Ok(()),
        _ => Err(ApiError::protocol(format!(
            "不支持的同步协议版本“{}”，本平台使用第 {PROTOCOL_VERSION} 版。请升级乡镇一窗通后再同步",
            String::from_utf8_lossy(value.as_bytes())
        ))),
    }
}
