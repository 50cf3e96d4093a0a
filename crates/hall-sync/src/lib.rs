//! The hall's side of sync (docs/sync-protocol.md): completed cases and answered demands go up
//! from the outbox in batches, the county's catalog versions, lists and calendars come down. A
//! failed pass leaves every unacknowledged record pending for the next; the hub answers a repeat
//! with `duplicate`, so a record is counted once however often it is sent.

mod escrow;

use std::sync::Mutex;
use std::time::Duration;

use std::collections::HashMap;

use hall_core::calendar::CalendarYear;
use hall_core::catalog::CatalogFile;
use hall_core::duties::DutyFile;
use hall_core::validate::clip;
use hall_core::{ErrorCode, HallError, Store};
use serde::de::DeserializeOwned;
use sync_protocol::{
    AckStatus, CalendarUpdate, ErrorBody, PushRequest, PushResponse, VersionList, BATCH, MAX_BODY_BYTES,
    PROTOCOL_VERSION, VERSION_HEADER,
};

/// The most the hall reads of a successful answer: a county's whole catalog is far smaller. A
/// larger body is refused unread rather than filling the hall's memory.
pub const MAX_ANSWER_BYTES: usize = 8 * MAX_BODY_BYTES;
/// The most the hall reads of a refusal's body (it wants only `{code, message}`).
const MAX_REFUSAL_BYTES: usize = 64 * 1024;
/// The most of the hub's own words the hall repeats (into the outbox rows and the indicator).
const MAX_SAID_CHARS: usize = 200;

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
        let base = hall_core::validate::hub_url(url)?.trim_end_matches('/').to_string();
        if token.trim().is_empty() {
            return Err(HallError::invalid("未设置本乡镇的接入令牌：请向县信息中心索取后在系统管理中填写"));
        }
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(timeout)
            // The protocol has no redirects: a 302 would turn the push into a GET, and a loop
            // would only waste the pass. A 3xx is reported as a wrong address instead.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| HallError::invalid(format!("无法建立网络连接组件：{e}")))?;
        Ok(Hub { base, token: token.trim().to_string(), client })
    }

    /// The body of a successful answer, or why there is none. The whole exchange, body
    /// included, is bounded by the client's timeout, so a hub that drips its answer byte by byte
    /// ends as a timeout like any other.
    async fn answer(&self, req: reqwest::RequestBuilder) -> Result<Vec<u8>, SyncError> {
        Ok(self.answer_of(req, false).await?.unwrap_or_default())
    }

    /// [`Hub::answer`]; with `absent_ok`, a 404 is `None` (a hub that does not have it: an
    /// older hub, or nothing registered yet) instead of a refusal.
    async fn answer_of(&self, req: reqwest::RequestBuilder, absent_ok: bool) -> Result<Option<Vec<u8>>, SyncError> {
        let mut resp = req
            .bearer_auth(&self.token)
            .header(VERSION_HEADER, PROTOCOL_VERSION.to_string())
            .send()
            .await
            .map_err(|e| SyncError::Unreachable(format!("无法连接县级平台 {}：{}", self.base, plain(&e))))?;
        let status = resp.status();
        if status.is_redirection() {
            let to = resp.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("");
            let to = if to.is_empty() { String::new() } else { format!("，跳转到 {}", clip(to, 100)) };
            return Err(SyncError::Refused(format!(
                "县级平台地址 {} 返回了跳转（HTTP {}{to}）：请在系统管理中核对县级平台地址",
                self.base,
                status.as_u16()
            )));
        }
        if absent_ok && status == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let cap = if status.is_success() { MAX_ANSWER_BYTES } else { MAX_REFUSAL_BYTES };
        let too_big = || {
            SyncError::Unreachable(format!(
                "县级平台的应答过大（超过 {} MB），已停止接收，稍后重试",
                MAX_ANSWER_BYTES / (1024 * 1024)
            ))
        };
        if status.is_success() && resp.content_length().is_some_and(|n| n > cap as u64) {
            return Err(too_big());
        }
        if status.is_success() {
            // The hall asks for no compression; a body it cannot read as sent is not guessed at.
            if let Some(enc) = resp.headers().get(reqwest::header::CONTENT_ENCODING) {
                let enc = enc.to_str().unwrap_or("?");
                if !enc.trim().eq_ignore_ascii_case("identity") {
                    return Err(SyncError::Unreachable(format!(
                        "县级平台的应答使用了未约定的编码（{}），无法识别，稍后重试",
                        clip(enc, 40)
                    )));
                }
            }
        }
        let mut bytes = Vec::new();
        while let Some(chunk) =
            resp.chunk().await.map_err(|e| SyncError::Unreachable(format!("县级平台的应答中断：{}", plain(&e))))?
        {
            if bytes.len() + chunk.len() > cap {
                if status.is_success() {
                    return Err(too_big());
                }
                break;
            }
            bytes.extend_from_slice(&chunk);
        }
        if status.is_success() {
            return Ok(Some(bytes));
        }
        let said =
            serde_json::from_slice::<ErrorBody>(&bytes).map(|b| clip(&b.message, MAX_SAID_CHARS)).unwrap_or_default();
        let said = if said.trim().is_empty() { format!("HTTP {status}") } else { said };
        if status.is_server_error() || status.as_u16() == 429 {
            Err(SyncError::Unreachable(format!("县级平台暂时无法处理（{said}），稍后自动重试")))
        } else {
            Err(SyncError::Refused(format!("县级平台拒绝了请求：{said}")))
        }
    }

    /// Sends one batch; the answer is checked against it (see [`read_push_answer`]).
    pub async fn push(&self, req: &PushRequest) -> Result<PushResponse, SyncError> {
        let body = self.answer(self.client.post(format!("{}/v1/cases", self.base)).json(req)).await?;
        read_push_answer(&body, req)
    }

    /// The answer to `GET path?since=…`.
    async fn since(&self, path: &str, since: Option<&str>) -> Result<Vec<u8>, SyncError> {
        let mut r = self.client.get(format!("{}{path}", self.base));
        if let Some(v) = since {
            r = r.query(&[("since", v)]);
        }
        self.answer(r).await
    }

    /// The county's catalog versions after `since`, each parsed and checked as an import would.
    pub async fn catalog_since(&self, since: Option<&str>) -> Result<Vec<(String, CatalogFile)>, SyncError> {
        read_catalog_answer(&self.since("/v1/catalog", since).await?)
    }

    /// The county's versions of the lists after `since`, each parsed and checked as an import would.
    pub async fn duties_since(&self, since: Option<&str>) -> Result<Vec<(String, DutyFile)>, SyncError> {
        read_duties_answer(&self.since("/v1/duties", since).await?)
    }

    /// Every published year's calendar, checked.
    pub async fn calendars(&self) -> Result<Vec<HubCalendar>, SyncError> {
        read_calendar_answer(&self.answer(self.client.get(format!("{}/v1/calendars", self.base))).await?)
    }
}

/// A year's calendar as the hub published it.
#[derive(Debug, Clone)]
pub struct HubCalendar {
    pub year: i32,
    /// The published JSON, for comparing with the hall's copy.
    pub document: serde_json::Value,
    /// The same, as the text the hall imports.
    pub text: String,
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, SyncError> {
    serde_json::from_slice(body).map_err(|e| {
        // serde quotes the offending value, which a hostile answer can make a page long.
        SyncError::Unreachable(format!("县级平台的应答无法识别（{}），稍后重试", clip(&e.to_string(), MAX_SAID_CHARS)))
    })
}

fn check_protocol(protocol: u32) -> Result<(), SyncError> {
    if protocol == PROTOCOL_VERSION {
        return Ok(());
    }
    Err(SyncError::Refused(format!(
        "县级平台应答的协议版本为 {protocol}，本机为 {PROTOCOL_VERSION}：请联系县信息中心核对版本"
    )))
}

/// What the hall makes of a successful answer to the push `sent`: exactly one acknowledgment
/// for every case and every demand sent, for the revision sent. Anything else (an ack for a
/// record not in the batch, a missing or repeated one, another revision) means the answer is not
/// for this batch, and none of it is applied: the batch stays pending and is sent again (the hub
/// answers a repeat with `duplicate`).
pub fn read_push_answer(body: &[u8], sent: &PushRequest) -> Result<PushResponse, SyncError> {
    let resp: PushResponse = parse(body)?;
    check_protocol(resp.protocol)?;
    let total = sent.cases.len() + sent.demands.len();
    let mismatch = |why: String| {
        SyncError::Unreachable(format!(
            "县级平台的应答与本批发送的记录不符（{why}），本批 {total} 件仍待上报，稍后重试"
        ))
    };
    let cases = sent.cases.iter().map(|c| (c.uuid.as_str(), c.revision));
    let acks = resp.acks.iter().map(|a| (a.uuid.as_str(), a.revision));
    match_acks("办件", cases, acks).map_err(mismatch)?;
    let demands = sent.demands.iter().map(|d| (d.body.number.as_str(), d.revision));
    let acks = resp.demand_acks.iter().map(|a| (a.number.as_str(), a.revision));
    match_acks("诉求", demands, acks).map_err(mismatch)?;
    Ok(resp)
}

/// Whether `acks` are exactly one per record `sent` (key, revision); why not, if not.
fn match_acks<'a>(
    what: &str,
    sent: impl ExactSizeIterator<Item = (&'a str, u32)>,
    acks: impl ExactSizeIterator<Item = (&'a str, u32)>,
) -> Result<(), String> {
    if acks.len() != sent.len() {
        return Err(format!("发送{what} {} 件，确认 {} 件", sent.len(), acks.len()));
    }
    let mut waiting: HashMap<&str, u32> = sent.collect();
    for (key, revision) in acks {
        match waiting.remove(key) {
            Some(rev) if rev == revision => {}
            Some(rev) => return Err(format!("{what} {} 发送的是第 {rev} 版，确认的是第 {revision} 版", clip(key, 40))),
            None => return Err(format!("确认了未在本批发送或重复的{what} {}", clip(key, 40))),
        }
    }
    Ok(())
}

/// What the hall makes of an answer listing published versions: each document parsed and
/// checked by `parse_file`, as an import of the file would be; `what` names the file in a refusal.
fn read_versions<F>(
    body: &[u8],
    what: &str,
    parse_file: fn(&str) -> Result<F, HallError>,
) -> Result<Vec<(String, F)>, SyncError> {
    let update: VersionList = parse(body)?;
    check_protocol(update.protocol)?;
    update
        .versions
        .into_iter()
        .map(|v| {
            let file = parse_file(&v.document.to_string()).map_err(|e| {
                SyncError::Unreachable(format!(
                    "县级平台下发的{what}“{}”有误：{}，稍后重试",
                    clip(&v.version, 64),
                    e.message
                ))
            })?;
            Ok((v.version, file))
        })
        .collect()
}

/// What the hall makes of a catalog answer.
pub fn read_catalog_answer(body: &[u8]) -> Result<Vec<(String, CatalogFile)>, SyncError> {
    read_versions(body, "事项清单", CatalogFile::parse_json)
}

/// What the hall makes of an answer with versions of the lists (权力清单, 责任清单, 职责清单).
pub fn read_duties_answer(body: &[u8]) -> Result<Vec<(String, DutyFile)>, SyncError> {
    read_versions(body, "清单", DutyFile::parse_json)
}

/// What the hall makes of a calendar answer: each year's document checked as an import would
/// be, and for the year it is listed under.
pub fn read_calendar_answer(body: &[u8]) -> Result<Vec<HubCalendar>, SyncError> {
    let update: CalendarUpdate = parse(body)?;
    check_protocol(update.protocol)?;
    update
        .years
        .into_iter()
        .map(|y| {
            let text = y.document.to_string();
            let bad = |why: String| {
                SyncError::Unreachable(format!("县级平台下发的 {} 年节假日安排有误：{why}，稍后重试", y.year))
            };
            let parsed = CalendarYear::parse_json(&text).map_err(|e| bad(e.message))?;
            if parsed.year != y.year {
                return Err(bad(format!("文件内的年份是 {}", parsed.year)));
            }
            Ok(HubCalendar { year: y.year, document: y.document, text })
        })
        .collect()
}

/// An import of what the hub sent failed: the hall's own store failing is the hall's problem;
/// anything else is the content's, to be fixed at the county (and retried meanwhile, so the
/// cases keep going up).
fn import_failed(what: String, e: HallError) -> SyncError {
    match e.code {
        ErrorCode::Storage | ErrorCode::Internal => SyncError::Store(e),
        _ => SyncError::Unreachable(format!("{what}无法导入：{}，稍后重试", e.message)),
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
    /// Versions of the lists (权力清单, 责任清单, 职责清单) imported.
    pub duty_versions: Vec<String>,
    pub calendar_years: Vec<i32>,
}

fn lock(store: &Mutex<Store>) -> std::sync::MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(|p| p.into_inner())
}

/// One pass: every pending case and demand up, batch by batch, then the catalog, the lists and
/// the calendars down. The store is locked only between network calls, so the window keeps working.
pub async fn sync_once(
    store: &Mutex<Store>,
    hub: &Hub,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Report, SyncError> {
    let township = lock(store).hall_info()?.township_code;
    let mut p = Progress::default();
    loop {
        let batch = lock(store).outbox_batch(BATCH)?;
        if batch.is_empty() {
            break;
        }
        p.sent += batch.len();
        let req = PushRequest {
            protocol: PROTOCOL_VERSION,
            township: township.clone(),
            cases: batch.cases,
            demands: batch.demands,
        };
        match hub.push(&req).await {
            Ok(resp) => {
                lock(store).outbox_acknowledge(&resp.acks, &resp.demand_acks)?;
                let statuses = resp.acks.iter().map(|a| a.status).chain(resp.demand_acks.iter().map(|a| a.status));
                let conflicts = statuses.filter(|s| *s == AckStatus::Conflict).count();
                p.acknowledged += req.cases.len() + req.demands.len() - conflicts;
                p.conflicts += conflicts;
                progress(p);
            }
            Err(e) => {
                lock(store).outbox_failed(&req.cases, &req.demands, &e.message())?;
                return Err(e);
            }
        }
    }
    let mut report = Report { progress: p, ..Default::default() };
    // The county's catalog versions after ours, each imported whole (or not at all).
    let since = lock(store).catalog_versions()?.first().map(|v| v.version.clone());
    for (version, file) in hub.catalog_since(since.as_deref()).await? {
        let out = lock(store)
            .import_catalog(&file, "county-hub")
            .map_err(|e| import_failed(format!("县级平台下发的事项清单“{}”", clip(&version, 64)), e))?;
        if !out.unchanged {
            report.catalog_versions.push(version);
        }
    }
    // The lists likewise, after the catalog (the lists' 公共服务清单 is the catalog itself).
    let since = lock(store).current_duty_version()?;
    for (version, file) in hub.duties_since(since.as_deref()).await? {
        let out = lock(store)
            .import_duties(&file, "county-hub")
            .map_err(|e| import_failed(format!("县级平台下发的清单“{}”", clip(&version, 64)), e))?;
        if !out.unchanged {
            report.duty_versions.push(version);
        }
    }
    for y in hub.calendars().await? {
        let mut s = lock(store);
        let same = s.calendar_document(y.year)?.and_then(|d| serde_json::from_str::<serde_json::Value>(&d).ok());
        if same.as_ref() != Some(&y.document) {
            s.import_calendar(&y.text, "county-hub")
                .map_err(|e| import_failed(format!("县级平台下发的 {} 年节假日安排", y.year), e))?;
            report.calendar_years.push(y.year);
        }
    }
    // Last: the key, sealed to the county, once per key and county key.
    escrow::deposit(store, hub).await?;
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
