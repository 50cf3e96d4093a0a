//! The hall's side of sync (docs/sync-protocol.md): completed cases go up from the outbox in
//! batches, the county's catalog versions and calendars come down. A failed pass leaves every
//! unacknowledged case pending for the next; the hub answers a repeat with `duplicate`, so a
//! case is counted once however often it is sent.

use std::sync::Mutex;
use std::time::Duration;

use hall_core::catalog::CatalogFile;
use hall_core::{ErrorCode, HallError, Store};
use serde::de::DeserializeOwned;
use sync_protocol::{
    AckStatus, CalendarUpdate, CatalogUpdate, ErrorBody, PushRequest, PushResponse, BATCH, PROTOCOL_VERSION,
    VERSION_HEADER,
};

/// Why a pass stopped.
#[derive(Debug, Clone)]
pub enum SyncError {
    /// No answer, a cut connection, a timeout or a 5xx: try again later.
    Unreachable(String),
    /// The hub refused (wrong token, another township…): retrying will not help until fixed.
    Refused(String),
    /// The hall's own store failed.
    Store(HallError),
}

impl SyncError {
    pub fn message(&self) -> String {
        match self {
            SyncError::Unreachable(m) | SyncError::Refused(m) => m.clone(),
            SyncError::Store(e) => e.message.clone(),
        }
    }
    pub fn retryable(&self) -> bool {
        matches!(self, SyncError::Unreachable(_))
    }
}

impl From<HallError> for SyncError {
    fn from(e: HallError) -> Self {
        SyncError::Store(e)
    }
}

impl From<SyncError> for HallError {
    fn from(e: SyncError) -> Self {
        match e {
            SyncError::Store(e) => e,
            other => HallError::new(ErrorCode::Invalid, other.message()),
        }
    }
}

/// The county hub as the hall reaches it.
pub struct Hub {
    base: String,
    token: String,
    client: reqwest::Client,
}

impl Hub {
    /// The hub at `url`, waiting at most 30 s for an answer.
    pub fn new(url: &str, token: &str) -> Result<Hub, HallError> {
        Hub::with_timeout(url, token, Duration::from_secs(30))
    }

    pub fn with_timeout(url: &str, token: &str, timeout: Duration) -> Result<Hub, HallError> {
        let base = url.trim().trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            return Err(HallError::invalid(format!("县级平台地址“{url}”有误：应以 http:// 或 https:// 开头")));
        }
        if token.trim().is_empty() {
            return Err(HallError::invalid("未设置本乡镇的接入令牌：请向县信息中心索取后在系统管理中填写"));
        }
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(timeout)
            .build()
            .map_err(|e| HallError::invalid(format!("无法建立网络连接组件：{e}")))?;
        Ok(Hub { base, token: token.trim().to_string(), client })
    }

    async fn answer<T: DeserializeOwned>(&self, req: reqwest::RequestBuilder) -> Result<T, SyncError> {
        let resp = req
            .bearer_auth(&self.token)
            .header(VERSION_HEADER, PROTOCOL_VERSION.to_string())
            .send()
            .await
            .map_err(|e| SyncError::Unreachable(format!("无法连接县级平台 {}：{}", self.base, plain(&e))))?;
        let status = resp.status();
        let bytes =
            resp.bytes().await.map_err(|e| SyncError::Unreachable(format!("县级平台的应答中断：{}", plain(&e))))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| SyncError::Unreachable(format!("县级平台的应答无法识别（{e}），稍后重试")));
        }
        let said = serde_json::from_slice::<ErrorBody>(&bytes).map(|b| b.message).unwrap_or_default();
        let said = if said.is_empty() { format!("HTTP {status}") } else { said };
        if status.is_server_error() || status.as_u16() == 429 {
            Err(SyncError::Unreachable(format!("县级平台暂时无法处理（{said}），稍后自动重试")))
        } else {
            Err(SyncError::Refused(format!("县级平台拒绝了请求：{said}")))
        }
    }

    pub async fn push(&self, req: &PushRequest) -> Result<PushResponse, SyncError> {
        self.answer(self.client.post(format!("{}/v1/cases", self.base)).json(req)).await
    }

    pub async fn catalog_since(&self, since: Option<&str>) -> Result<CatalogUpdate, SyncError> {
        let mut r = self.client.get(format!("{}/v1/catalog", self.base));
        if let Some(v) = since {
            r = r.query(&[("since", v)]);
        }
        self.answer(r).await
    }

    pub async fn calendars(&self) -> Result<CalendarUpdate, SyncError> {
        self.answer(self.client.get(format!("{}/v1/calendars", self.base))).await
    }
}

/// reqwest's error without its chain of English causes repeated.
fn plain(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        "等待应答超时".into()
    } else if e.is_connect() {
        "连接被拒绝或网络不通".into()
    } else {
        "连接中断".into()
    }
}

/// Progress of a pass, for a progress bar or a line of output.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub sent: usize,
    pub acknowledged: usize,
    pub conflicts: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub progress: Progress,
    /// Still waiting after the pass (0 when it went through).
    pub pending: u32,
    pub catalog_versions: Vec<String>,
    pub calendar_years: Vec<i32>,
}

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|p| p.into_inner())
}

/// One pass: every pending case up, batch by batch, then the catalog and calendars down. The
/// store is locked only between network calls, so the window keeps working.
pub async fn sync_once(
    store: &Mutex<Store>,
    hub: &Hub,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Report, SyncError> {
    let township = lock(store).hall_info()?.township_code;
    let mut p = Progress::default();
    loop {
        let cases = lock(store).outbox_batch(BATCH)?;
        if cases.is_empty() {
            break;
        }
        let uuids: Vec<String> = cases.iter().map(|c| c.uuid.clone()).collect();
        p.sent += cases.len();
        let req = PushRequest { protocol: PROTOCOL_VERSION, township: township.clone(), cases };
        match hub.push(&req).await {
            Ok(resp) => {
                lock(store).outbox_acknowledge(&resp.acks)?;
                p.acknowledged += resp.acks.iter().filter(|a| a.status != AckStatus::Conflict).count();
                p.conflicts += resp.acks.iter().filter(|a| a.status == AckStatus::Conflict).count();
                progress(p);
            }
            Err(e) => {
                lock(store).outbox_failed(&uuids, &e.message())?;
                return Err(e);
            }
        }
    }
    let mut report = Report { progress: p, ..Default::default() };
    // The county's catalog versions after ours, each imported whole (or not at all).
    let since = lock(store).catalog_versions()?.first().map(|v| v.version.clone());
    for v in hub.catalog_since(since.as_deref()).await?.versions {
        let file = CatalogFile::parse_json(&v.document.to_string())?;
        let out = lock(store).import_catalog(&file, "county-hub")?;
        if !out.unchanged {
            report.catalog_versions.push(v.version);
        }
    }
    for y in hub.calendars().await?.years {
        let mut s = lock(store);
        let same = s.calendar_document(y.year)?.and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok());
        if same.as_ref() != Some(&y.document) {
            s.import_calendar(&y.document.to_string(), "county-hub")?;
            report.calendar_years.push(y.year);
        }
    }
    report.pending = lock(store).outbox_counts()?.pending;
    Ok(report)
}

/// A pass whose outcome is recorded in the store for the window's indicator.
pub async fn pass(
    store: &Mutex<Store>,
    hub: &Hub,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Report, SyncError> {
    let r = sync_once(store, hub, progress).await;
    let said = r.as_ref().err().map(SyncError::message).unwrap_or_default();
    if let Err(e) = lock(store).record_sync(&said) {
        log::warn!("cannot record the sync: {}", e.message);
    }
    if !said.is_empty() {
        log::warn!("sync: {said}");
    }
    r
}

/// The wait before retry `n` (0-based): 1 s, 2 s, 4 s … up to 5 min, ±25 % jitter so a county's
/// halls coming back together do not all knock at once.
pub fn backoff(n: u32) -> Duration {
    use rand::Rng;
    let base = 2f64.powi(n.min(9) as i32).min(300.0);
    Duration::from_secs_f64(base * rand::thread_rng().gen_range(0.75..1.25))
}
