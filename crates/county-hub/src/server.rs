//! The HTTP(S) side: routes, shared state (the pool and the rate limiter only, everything else
//! is in PostgreSQL) and serving until SIGTERM or Ctrl-C.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use axum_server::tls_rustls::RustlsConfig;
use axum_server::Handle;
use deadpool_postgres::Pool;
use sync_protocol::{PushResponse, MAX_BODY_BYTES, PROTOCOL_VERSION};

use crate::auth::Township;
use crate::errors::ApiError;
use crate::rate_limit::RateLimiter;
use crate::{batch, escrow, ingest, overview, pull};

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub limiter: Arc<RateLimiter>,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/v1/cases", post(push).layer(DefaultBodyLimit::max(MAX_BODY_BYTES)))
        .route("/v1/catalog", get(pull::catalog))
        .route("/v1/duties", get(pull::duties))
        .route("/v1/calendars", get(pull::calendars))
        .route("/v1/escrow/recipient", get(escrow::recipient))
        .route("/v1/escrow", axum::routing::put(escrow::deposit))
        .route("/v1/overview", get(overview::json))
        .route("/overview", get(overview::page))
        .route("/healthz", get(health))
        .fallback(|| async { ApiError::not_found("没有这个地址") })
        .with_state(state)
}

/// `POST /v1/cases`: the token, the rate and the size are checked before the body is parsed,
/// the whole batch before the database is touched.
async fn push(
    State(state): State<AppState>,
    Township(township): Township,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<PushResponse>, ApiError> {
    let body = body.map_err(|r| match r.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::too_large(),
        _ => ApiError::malformed("请求内容读取不完整，本批未保存"),
    })?;
    let batch = batch::check(&body, &township)?;
    let mut client = state.pool.get().await?;
    let (acks, demand_acks) = ingest::store(&mut client, &township, &batch).await?;
    Ok(Json(PushResponse { protocol: PROTOCOL_VERSION, acks, demand_acks }))
}

/// For the load balancer: this instance answers and reaches the database.
async fn health(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    state.pool.get().await?.query_one("SELECT 1", &[]).await?;
    Ok("ok")
}

/// Serves until SIGTERM or Ctrl-C, then lets requests in flight finish (up to 10 s). The bound
/// address goes to stdout first, so `--listen 127.0.0.1:0` can be used by scripts and tests.
pub async fn serve(state: AppState, listen: SocketAddr, tls: Option<(PathBuf, PathBuf)>) -> Result<(), String> {
    let tls = match tls {
        Some((cert, key)) => Some(
            RustlsConfig::from_pem_file(&cert, &key)
                .await
                .map_err(|e| format!("无法读取 TLS 证书 {} 或私钥 {}：{e}", cert.display(), key.display()))?,
        ),
        None => None,
    };
    let listener = std::net::TcpListener::bind(listen).map_err(|e| format!("无法监听 {listen}：{e}"))?;
    listener.set_nonblocking(true).map_err(|e| format!("无法监听 {listen}：{e}"))?;
    let addr = listener.local_addr().map_err(|e| format!("无法监听 {listen}：{e}"))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("county-hub 正在监听 {scheme}://{addr}");
    log::info!("listening on {scheme}://{addr}");

    let handle = Handle::new();
    tokio::spawn(shutdown_on_signal(handle.clone()));
    let app = router(state).into_make_service();
    let served = match tls {
        Some(config) => {
            axum_server::from_tcp_rustls(listener, config)
                .map_err(|e| format!("无法监听 {addr}：{e}"))?
                .handle(handle)
                .serve(app)
                .await
        }
        None => {
            axum_server::from_tcp(listener)
                .map_err(|e| format!("无法监听 {addr}：{e}"))?
                .handle(handle)
                .serve(app)
                .await
        }
    };
    served.map_err(|e| format!("服务异常退出：{e}"))
}

async fn shutdown_on_signal(handle: Handle<SocketAddr>) {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("a SIGTERM handler can be installed");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
    log::info!("shutting down");
    handle.graceful_shutdown(Some(Duration::from_secs(10)));
}
