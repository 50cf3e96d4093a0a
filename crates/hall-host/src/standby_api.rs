//! The host's endpoints for its standby (a paired device of kind `standby`, by its credential):
//!
//! - `GET /api/standby/copy` — a consistent copy of the hall's database (the backup API, under
//!   the hall's key) with, in headers, the run of the host (`x-yichuang-epoch`), the change it
//!   is consistent with (`x-yichuang-seq`) and the hall's recovery code
//!   (`x-yichuang-recovery-code`), which the standby needs to open it and, once promoted, to be
//!   the hall. Only over the pinned TLS channel, only to the paired standby.
//! - `GET /api/standby/changes?epoch=E&after=N` — the changes after N, waiting up to 10 s for
//!   one; asking with N says N is applied (the acknowledgement the host's writes wait for).
//!   `410` with a Chinese message: take a fresh copy.
//! - `POST /api/standby/address` — `{"address": "https://…", "fingerprint": "SHA256:…"}`: where
//!   desks reach the standby once it has taken over; the host passes it on in `/api/hello`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use hall_core::store::{Device, DeviceKind};
use hall_core::{ErrorCode, HallError};
use serde::Deserialize;

use crate::handlers::{refuse, standby_facts};
use crate::server::Hall;
use crate::wire::{Answer, DEVICE};

pub const EPOCH: &str = "x-yichuang-epoch";
pub const SEQ: &str = "x-yichuang-seq";
pub const RECOVERY_CODE: &str = "x-yichuang-recovery-code";

/// How long a fetch waits for a change before answering with none.
const LONG_POLL: Duration = Duration::from_secs(10);

type Shared = State<Arc<Hall>>;

async fn standby(hall: &Hall, headers: &HeaderMap) -> Result<Device, HallError> {
    let credential = headers
        .get(DEVICE)
        .and_then(|v| v.to_str().ok())
        .map(String::from)
        .ok_or_else(|| HallError::forbidden("只有已配对的备用主机可以复制大厅数据"))?;
    let device = hall.workers.read(move |s| s.device_for(&credential)).await??;
    if device.kind != DeviceKind::Standby {
        return Err(HallError::forbidden(format!("“{}”不是备用主机，不能复制大厅数据", device.name)));
    }
    Ok(device)
}

pub async fn copy(State(hall): Shared, headers: HeaderMap) -> Response {
    let device = match standby(&hall, &headers).await {
        Ok(d) => d,
        Err(e) => return refuse(e),
    };
    let repl = hall.replication.clone();
    let made = hall
        .workers
        .write(move |s| -> Result<_, HallError> {
            // Recording first, then the copy: what the copy misses is recorded, what it holds
            // and is recorded too comes again and changes nothing.
            repl.activate(s)?;
            let seq = repl.capture(s);
            let dir = s.path().parent().map(std::path::Path::to_path_buf).unwrap_or_default();
            let file = tempfile::Builder::new()
                .prefix(".standby-copy-")
                .tempfile_in(&dir)
                .map_err(|e| HallError::new(ErrorCode::Storage, format!("无法为备用主机准备副本：{e}")))?;
            s.snapshot_to(file.path())?;
            // Opened, then unlinked: the answer streams from the open file, nothing is left.
            let open = std::fs::File::open(file.path())
                .map_err(|e| HallError::new(ErrorCode::Storage, format!("无法读取副本：{e}")))?;
            drop(file);
            Ok((seq, s.recovery_code()?.text(), open))
        })
        .await
        .and_then(|r| r);
    let (seq, code, file) = match made {
        Ok(m) => m,
        Err(e) => return refuse(e),
    };
    hall.replication.restarted_at(&device.name, seq);
    log::info!("standby {} takes a copy at change {seq}", device.name);
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let body = Body::from_stream(tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(file)));
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::CONTENT_LENGTH, size.to_string()),
            (header::HeaderName::from_static(EPOCH), hall.replication.epoch.clone()),
            (header::HeaderName::from_static(SEQ), seq.to_string()),
            (header::HeaderName::from_static(RECOVERY_CODE), code),
        ],
        body,
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct Ask {
    epoch: String,
    after: u64,
}

pub async fn changes(State(hall): Shared, headers: HeaderMap, Query(ask): Query<Ask>) -> Response {
    let device = match standby(&hall, &headers).await {
        Ok(d) => d,
        Err(e) => return refuse(e),
    };
    let repl = &hall.replication;
    if ask.epoch == repl.epoch {
        repl.acknowledge(&device.name, ask.after);
    }
    match repl.since(&ask.epoch, ask.after, LONG_POLL).await {
        Some(changes) => axum::Json(Answer::Ok(changes)).into_response(),
        None => (
            StatusCode::GONE,
            axum::Json(Answer::<()>::Err(HallError::conflict(
                "主机已重新启动或备用主机落后太多：备用主机将重新复制大厅数据",
            ))),
        )
            .into_response(),
    }
}

#[derive(Deserialize)]
struct Address {
    address: String,
    fingerprint: String,
}

pub async fn address(State(hall): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let device = match standby(&hall, &headers).await {
        Ok(d) => d,
        Err(e) => return refuse(e),
    };
    let said: Address = match serde_json::from_slice(&body) {
        Ok(a) => a,
        Err(e) => return refuse(HallError::invalid(format!("备用主机地址无法识别：{e}"))),
    };
    let fingerprint = match crate::Pin::parse(&said.fingerprint) {
        Ok(p) => p.to_string(),
        Err(e) => return refuse(e),
    };
    let id = device.id;
    let saved = hall.workers.write(move |s| s.set_standby_address(id, &said.address, &fingerprint)).await;
    match saved.and_then(|r| r) {
        Ok(_) => match standby_facts(&hall).await {
            Ok(facts) => axum::Json(Answer::Ok(facts)).into_response(),
            Err(e) => refuse(e),
        },
        Err(e) => refuse(e),
    }
}
