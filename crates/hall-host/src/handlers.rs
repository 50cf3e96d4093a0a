//! The host's endpoints (see `wire` for the shapes). Each one finds the device and the session,
//! then hands the request to `dispatch` — on the one writer for a write, on a reader otherwise —
//! with the desk's name as the events' origin.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use hall_core::api::{dispatch, Reply, Request};
use hall_core::idempotent::dispatch_once;
use hall_core::lifecycle::Role;
use hall_core::store::{Device, DeviceKind, SessionUser};
use hall_core::{origin, ErrorCode, HallError};
use serde::Deserialize;
use tokio_stream::wrappers::BroadcastStream;

use crate::server::Hall;
use crate::sessions::Held;
use crate::wire::{status_of, Answer, DocumentAsk, Notice, Opened, DEVICE, REQUEST_ID, SESSION};
use hall_core::hall_network::StandbyView;

type Shared = State<Arc<Hall>>;

/// A hall error as an HTTP answer: its status, and the Chinese message in the body.
pub fn refuse(e: HallError) -> Response {
    let status = StatusCode::from_u16(status_of(e.code)).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(Answer::<()>::Err(e))).into_response()
}

fn header_text<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim).filter(|v| !v.is_empty())
}

/// The paired device named by the request's credential (checked on every request, so a
/// revoked desk is refused at once), or none for hallctl.
async fn device(hall: &Hall, headers: &HeaderMap) -> Result<Option<Device>, HallError> {
    let Some(credential) = header_text(headers, DEVICE).map(String::from) else { return Ok(None) };
    hall.workers.read(move |s| s.device_for(&credential)).await?.map(Some)
}

async fn held(hall: &Hall, headers: &HeaderMap) -> Result<(Option<Device>, String, Held), HallError> {
    let device = device(hall, headers).await?;
    let token = header_text(headers, SESSION)
        .ok_or_else(|| HallError::new(ErrorCode::Auth, "缺少会话：请先打开会话再发送请求"))?
        .to_string();
    let held = hall.sessions.hold(&token, device.as_ref().map(|d| d.id))?;
    Ok((device, token, held))
}

/// The hall's standby host as desks learn it (where to go, which certificate to expect once
/// it has taken over) and as the 大厅网络 page shows it; none when the hall has no standby.
pub async fn standby_facts(hall: &Hall) -> Result<Option<StandbyView>, HallError> {
    let device = hall.workers.read(|s| s.standby_host()).await??;
    Ok(device.map(|d| StandbyView::of(d.name, d.address, d.fingerprint, hall.replication.status())))
}

pub async fn hello(State(hall): Shared) -> Response {
    let answered = async {
        let info = hall.workers.read(|s| s.hall_info()).await??;
        Ok::<_, HallError>((info, standby_facts(&hall).await?))
    };
    match answered.await {
        Ok((info, standby)) => axum::Json(serde_json::json!({
            "product": hall_core::PRODUCT,
            "township_code": info.township_code,
            "township_name": info.township_name,
            "role": "host",
            "standby": standby,
        }))
        .into_response(),
        Err(e) => refuse(e),
    }
}

#[derive(Deserialize)]
pub struct PairAsk {
    code: String,
    name: String,
    kind: DeviceKind,
    serves: Option<String>,
}

/// More wrong codes than this in ten minutes and pairing pauses (a code cannot be guessed).
const PAIR_FAILURES: usize = 10;

pub async fn pair(State(hall): Shared, body: Bytes) -> Response {
    let ask: PairAsk = match serde_json::from_slice(&body) {
        Ok(a) => a,
        Err(e) => return refuse(HallError::invalid(format!("配对请求无法识别：{e}"))),
    };
    {
        let mut failures = hall.pair_failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.retain(|t| t.elapsed() < Duration::from_secs(600));
        if failures.len() >= PAIR_FAILURES {
            return refuse(HallError::forbidden("配对码输错次数过多，请 10 分钟后再试"));
        }
    }
    let req = Request::PairDevice { code: ask.code, name: ask.name, kind: ask.kind, serves: ask.serves };
    let answer = hall.workers.write(move |s| dispatch(s, &mut None, req)).await.and_then(|r| r);
    match answer {
        Ok(Reply::Paired(p)) => {
            log::info!("device {} paired", p.device.name);
            axum::Json(p).into_response()
        }
        Ok(_) => refuse(HallError::new(ErrorCode::Internal, "内部错误：配对应答不符")),
        Err(e) => {
            if e.code == ErrorCode::Auth {
                hall.pair_failures.lock().unwrap_or_else(|p| p.into_inner()).push(Instant::now());
            }
            refuse(e)
        }
    }
}

/// A rating screen's session is the screen itself; a desk's and hallctl's start signed out.
fn first_user(device: Option<&Device>) -> Option<SessionUser> {
    let screen = device.filter(|d| d.kind == DeviceKind::Rater)?;
    Some(SessionUser { serves: screen.serves.clone(), ..SessionUser::rating_screen(&screen.name) })
}

pub async fn session(State(hall): Shared, ConnectInfo(peer): ConnectInfo<SocketAddr>, headers: HeaderMap) -> Response {
    let device = match device(&hall, &headers).await {
        Ok(d) => d,
        Err(e) => return refuse(e),
    };
    let origin = match &device {
        Some(d) => d.name.clone(),
        None => format!("命令行 {}", peer.ip()),
    };
    if let Some(d) = &device {
        let id = d.id;
        if let Err(e) = hall.workers.write(move |s| s.device_seen(id)).await.and_then(|r| r) {
            log::warn!("last seen not noted: {}", e.message);
        }
    }
    let session = hall.sessions.open(device.as_ref().map(|d| d.id), origin, first_user(device.as_ref()));
    axum::Json(Opened { session, device: device.map(|d| d.name) }).into_response()
}

pub async fn call(State(hall): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let (_device, token, held) = match held(&hall, &headers).await {
        Ok(h) => h,
        Err(e) => return refuse(e),
    };
    let req: Request = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return refuse(HallError::invalid(format!("请求无法识别：{e}"))),
    };
    // Only the administrator's (anyone else is refused by the gate as always).
    let admin = held.user.as_ref().is_some_and(|u| u.role == Role::Admin && !u.locked && !u.must_change_password);
    if hall_core::api::whole_database(&req) && admin {
        return refuse(HallError::invalid(
            "从备份恢复和更换密钥会改动整个数据库，只能在大厅主机上执行：先停止主机（hallctl host serve），再用 hallctl restore 或 hallctl key rotate",
        ));
    }
    let request_id = header_text(&headers, REQUEST_ID).map(String::from);
    let (answer, user) = run_request(&hall, held.origin.clone(), held.user.clone(), request_id, req).await;
    hall.sessions.keep(&token, &held, user);
    match answer {
        Ok(reply) => axum::Json(Answer::Ok(reply)).into_response(),
        Err(e) => refuse(e),
    }
}

/// One request for a session, from `origin`: a write on the one writer (done once for its
/// request id) and told to the live feed, a read on a reader. Answers with the session as the
/// request left it. The host's own window (the app with 本机作为大厅主机 on) comes here too.
pub async fn run_request(
    hall: &Hall,
    origin_name: String,
    mut user: Option<SessionUser>,
    request_id: Option<String>,
    req: Request,
) -> (Result<Reply, HallError>, Option<SessionUser>) {
    let kind: &'static str = (&req).into();
    let before = user.clone();
    let writes = hall_core::api::writes(&req);
    let job = move |s: &mut hall_core::Store| {
        let _from = origin::enter(&origin_name);
        let answer =
            if writes { dispatch_once(s, &mut user, request_id.as_deref(), req) } else { dispatch(s, &mut user, req) };
        let seq = s.last_event_id().unwrap_or(0);
        (answer, user, seq)
    };
    let ran = if writes { hall.workers.write(job).await } else { hall.workers.read(job).await };
    match ran {
        Ok((answer, user, seq)) => {
            if writes {
                // Confirmed to the desk only once the standby has it too (replication.rs).
                hall.replication.confirmed(hall.replication.last()).await;
            }
            if let (true, Ok(reply)) = (writes, &answer) {
                after_write(hall, kind, reply, seq);
            }
            (answer, user)
        }
        Err(e) => (Err(e), before),
    }
}

/// Tells the desks, and keeps the host's own caches in step with what was written.
fn after_write(hall: &Hall, kind: &str, reply: &Reply, seq: i64) {
    match reply {
        Reply::Devices(devices) => {
            for d in devices.iter().filter(|d| d.revoked_at.is_some()) {
                hall.sessions.end_device(d.id);
            }
        }
        Reply::Settings(settings) => hall.sessions.set_idle_minutes(settings.idle_lock_minutes),
        Reply::CalendarYears(_) => hall.workers.calendar_changed(),
        _ => {}
    }
    // Signing in changes nobody's screen.
    if matches!(kind, "login" | "change_password") {
        return;
    }
    let number = match reply {
        Reply::Case(c) => Some(c.summary.number.clone()),
        _ => None,
    };
    // Nobody listening is fine.
    let _ = hall.feed.send(Notice { seq, kind: kind.to_string(), number });
}

pub async fn document(State(hall): Shared, headers: HeaderMap, body: Bytes) -> Response {
    let (_device, _token, held) = match held(&hall, &headers).await {
        Ok(h) => h,
        Err(e) => return refuse(e),
    };
    let ask: DocumentAsk = match serde_json::from_slice(&body) {
        Ok(a) => a,
        Err(e) => return refuse(HallError::invalid(format!("文书请求无法识别：{e}"))),
    };
    let (user, req) = (held.user.clone(), ask.request.clone());
    let pdf = hall
        .workers
        .read(move |s| {
            hall_print::authorize_for(&user, &req)?;
            hall_print::render(s, &req)
        })
        .await
        .and_then(|r| r);
    let pdf = match pdf {
        Ok(p) => p,
        Err(e) => return refuse(e),
    };
    if let Some(how) = ask.record {
        let (user, req, origin_name) = (held.user.clone(), ask.request, held.origin.clone());
        let recorded = hall
            .workers
            .write(move |s| {
                let _from = origin::enter(&origin_name);
                let actor = hall_print::authorize_for(&user, &req)?;
                s.record_paper(&req, &actor, &how)
            })
            .await
            .and_then(|r| r);
        if let Err(e) = recorded {
            return refuse(e);
        }
    }
    ([(header::CONTENT_TYPE, "application/pdf")], pdf).into_response()
}

fn event_of(n: &Notice) -> Result<Event, Infallible> {
    Ok(Event::default().id(n.seq.to_string()).event("change").json_data(n).unwrap_or_default())
}

/// The live feed. A desk that reconnects with `Last-Event-ID` older than the hall's counter
/// is told at once that it missed changes (it reloads what it shows). The stream ends when the
/// session does (a revoked desk, a logout elsewhere does not).
pub async fn events(State(hall): Shared, headers: HeaderMap) -> Response {
    let (_device, token, _held) = match held(&hall, &headers).await {
        Ok(h) => h,
        Err(e) => return refuse(e),
    };
    let rx = hall.feed.subscribe();
    let current = match hall.workers.read(|s| s.last_event_id()).await.and_then(|r| r) {
        Ok(c) => c,
        Err(e) => return refuse(e),
    };
    let last: Option<i64> = header_text(&headers, "last-event-id").and_then(|v| v.parse().ok());
    let missed = last.filter(|l| *l < current).map(|_| Notice { seq: current, kind: "changed".into(), number: None });
    let feed_hall = hall.clone();
    let live = BroadcastStream::new(rx)
        .map(move |n| n.unwrap_or_else(|_lagged| Notice { seq: current, kind: "changed".into(), number: None }))
        .take_while(move |_| {
            let alive = feed_hall.sessions.alive(&token);
            async move { alive }
        });
    let stream: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> =
        Box::pin(stream::iter(missed).chain(live).map(|n| event_of(&n)));
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(10))).into_response()
}

/// The rating screen's page: one file, no build step.
pub async fn rater_page() -> Html<&'static str> {
    Html(include_str!("../../../assets/rater/index.html"))
}
