//! What the halls pull: catalog versions and versions of the lists published after theirs,
//! and every calendar year.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use sync_protocol::{CalendarUpdate, CalendarYear, PublishedVersion, VersionList, PROTOCOL_VERSION};

use crate::auth::Township;
use crate::beijing;
use crate::errors::ApiError;
use crate::server::AppState;

/// A version the hub does not know (imported by the hall from a file) counts as nothing, so
/// the hall gets every version and skips the ones it has.
const CATALOG_SINCE: &str = "
    SELECT version, published_at, document FROM catalog_versions
    WHERE seq > coalesce((SELECT seq FROM catalog_versions WHERE version = $1), 0)
    ORDER BY seq";
/// The same for the lists.
const DUTIES_SINCE: &str = "
    SELECT version, published_at, document FROM duty_versions
    WHERE seq > coalesce((SELECT seq FROM duty_versions WHERE version = $1), 0)
    ORDER BY seq";

#[derive(Deserialize)]
pub struct Since {
    since: Option<String>,
}

pub async fn catalog(
    State(state): State<AppState>,
    _: Township,
    query: Result<Query<Since>, QueryRejection>,
) -> Result<Json<VersionList>, ApiError> {
    versions_since(&state, CATALOG_SINCE, query).await
}

pub async fn duties(
    State(state): State<AppState>,
    _: Township,
    query: Result<Query<Since>, QueryRejection>,
) -> Result<Json<VersionList>, ApiError> {
    versions_since(&state, DUTIES_SINCE, query).await
}

/// The versions `sql` lists after the hall's, oldest first.
async fn versions_since(
    state: &AppState,
    sql: &str,
    query: Result<Query<Since>, QueryRejection>,
) -> Result<Json<VersionList>, ApiError> {
    let Query(Since { since }) = query.map_err(|_| ApiError::malformed("查询参数有误：应为 ?since=版本号"))?;
    let client = state.pool.get().await?;
    let stmt = client.prepare_cached(sql).await?;
    let versions = client
        .query(&stmt, &[&since])
        .await?
        .iter()
        .map(|row| PublishedVersion {
            version: row.get("version"),
            published_at: beijing::rfc3339(row.get::<_, DateTime<Utc>>("published_at")),
            document: row.get("document"),
        })
        .collect();
    Ok(Json(VersionList { protocol: PROTOCOL_VERSION, versions }))
}

pub async fn calendars(State(state): State<AppState>, _: Township) -> Result<Json<CalendarUpdate>, ApiError> {
    let client = state.pool.get().await?;
    let stmt = client.prepare_cached("SELECT year, document FROM calendars ORDER BY year").await?;
    let years = client
        .query(&stmt, &[])
        .await?
        .iter()
        .map(|row| CalendarYear { year: row.get("year"), document: row.get("document") })
        .collect();
    Ok(Json(CalendarUpdate { protocol: PROTOCOL_VERSION, years }))
}
