//! A desk's way to the hall host: HTTPS to an address the administrator gave, accepting only
//! the certificate whose fingerprint it pinned when it paired. hallctl `--host URL --pin …`
//! and the app in desk mode both use it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use hall_core::api::{Reply, Request};
use hall_core::store::{DeviceKind, PairedDevice};
use hall_core::{ErrorCode, HallError};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use serde::de::DeserializeOwned;

use crate::wire::{Answer, DocumentAsk, Notice, Opened, DEVICE, REQUEST_ID, SESSION};

/// A pinned host certificate: `SHA256:<64 hex>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin(String);

impl Pin {
    pub fn parse(text: &str) -> Result<Pin, HallError> {
        let t = text.trim();
        let hex = t.strip_prefix("SHA256:").or_else(|| t.strip_prefix("sha256:")).unwrap_or("");
        if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(HallError::invalid(
                "主机指纹格式应为 SHA256:<64 位十六进制>，见主机启动时打印的“主机指纹”一行",
            ));
        }
        Ok(Pin(format!("SHA256:{}", hex.to_ascii_lowercase())))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Pin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Accepts the host's certificate by its fingerprint alone (the host is its own authority);
/// with no pin yet (pairing), accepts any and notes what it saw. Signatures are still checked
/// by rustls's own functions, so the peer must hold the certificate's key.
#[derive(Debug)]
struct Pinned {
    pin: Option<Pin>,
    seen: Arc<Mutex<Option<String>>>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let seen = crate::cert::fingerprint(end_entity);
        *self.seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(seen.clone());
        match &self.pin {
            Some(pin) if pin.as_str() != seen => Err(rustls::Error::General("host certificate pin mismatch".into())),
            _ => Ok(ServerCertVerified::assertion()),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.provider.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// The hall host at one address.
#[derive(Clone)]
pub struct Remote {
    pub(crate) base: String,
    pub(crate) http: reqwest::Client,
    /// For long calls (a report's PDF) and the live feed: no overall timeout.
    pub(crate) patient: reqwest::Client,
    pin: Option<Pin>,
    seen: Arc<Mutex<Option<String>>>,
    pub(crate) device: Option<String>,
}

pub(crate) fn unreachable(base: &str, detail: impl std::fmt::Display) -> HallError {
    HallError::new(
        ErrorCode::Unreachable,
        format!("大厅主机无法连接（{base}）：{detail}。请确认主机电脑已开机、一窗通主机已启动、网线或无线已连接"),
    )
}

fn client(verifier: Arc<Pinned>, timeout: Option<Duration>) -> Result<reqwest::Client, HallError> {
    let tls = rustls::ClientConfig::builder_with_provider(verifier.provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| HallError::new(ErrorCode::Internal, e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    let mut b = reqwest::Client::builder().tls_backend_preconfigured(tls).connect_timeout(Duration::from_secs(3));
    if let Some(t) = timeout {
        b = b.timeout(t);
    }
    b.build().map_err(|e| HallError::new(ErrorCode::Internal, format!("无法建立加密连接：{e}")))
}

impl Remote {
    /// The host at `url` (`https://…` only), pinned to `pin` (none only while pairing), with
    /// this desk's credential (none for hallctl).
    pub fn new(url: &str, pin: Option<Pin>, device: Option<String>) -> Result<Remote, HallError> {
        crate::crypto();
        let base = url.trim().trim_end_matches('/').to_string();
        if base.starts_with("http://") {
            return Err(HallError::invalid("大厅网络一律加密：主机地址须以 https:// 开头，不能用 http://"));
        }
        if !base.starts_with("https://") || base.len() <= "https://".len() {
            return Err(HallError::invalid(format!("主机地址“{url}”无法识别，应形如 https://192.168.1.10:7443")));
        }
        let seen = Arc::new(Mutex::new(None));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = Arc::new(Pinned { pin: pin.clone(), seen: seen.clone(), provider });
        let http = client(verifier.clone(), Some(Duration::from_secs(30)))?;
        let patient = client(verifier, None)?;
        Ok(Remote { base, http, patient, pin, seen, device })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// The fingerprint the host showed on the last connection.
    pub fn seen_fingerprint(&self) -> Option<String> {
        self.seen.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// A transport failure in words: an impostor's certificate said as such.
    pub(crate) fn failed(&self, e: reqwest::Error) -> HallError {
        if let (Some(pin), Some(seen)) = (&self.pin, self.seen_fingerprint()) {
            if pin.as_str() != seen {
                return HallError::forbidden(format!(
                    "警告：{} 出示的证书与配对时记录的不符（记录 {pin}，实际 {seen}），可能有人冒充大厅主机，已拒绝连接，未发送任何数据。请联系系统管理员核实主机；如主机确已更换，须重新配对",
                    self.base
                ));
            }
        }
        let mut detail = e.to_string();
        let mut source = std::error::Error::source(&e);
        while let Some(s) = source {
            detail = s.to_string();
            source = s.source();
        }
        log::warn!("host {} unreachable: {detail}", self.base);
        let said = if e.is_timeout() {
            "等待主机答复超时"
        } else if e.is_connect() {
            "连接被拒绝或无法建立"
        } else {
            "连接中断"
        };
        unreachable(&self.base, said)
    }

    fn request(&self, patient: bool, path: &str, session: Option<&str>) -> reqwest::RequestBuilder {
        let http = if patient { &self.patient } else { &self.http };
        let mut b = http.post(format!("{}{path}", self.base));
        if let Some(d) = &self.device {
            b = b.header(DEVICE, d);
        }
        if let Some(s) = session {
            b = b.header(SESSION, s);
        }
        b
    }

    async fn answer<T: DeserializeOwned>(&self, b: reqwest::RequestBuilder) -> Result<T, HallError> {
        let r = b.send().await.map_err(|e| self.failed(e))?;
        let status = r.status();
        let bytes = r.bytes().await.map_err(|e| self.failed(e))?;
        match serde_json::from_slice::<Answer<T>>(&bytes) {
            Ok(Answer::Ok(v)) => Ok(v),
            Ok(Answer::Err(e)) => Err(e),
            Err(_) if !status.is_success() => match serde_json::from_slice::<Answer<serde_json::Value>>(&bytes) {
                Ok(Answer::Err(e)) => Err(e),
                _ => Err(unreachable(&self.base, format!("主机答复 HTTP {status}"))),
            },
            Err(e) => Err(HallError::new(ErrorCode::Internal, format!("大厅主机的答复无法读取：{e}"))),
        }
    }

    /// Pairs this PC (or rating screen) with a code; answers the credential and the host's
    /// fingerprint to pin from now on.
    pub async fn pair(
        &self,
        code: &str,
        name: &str,
        kind: DeviceKind,
        serves: Option<&str>,
    ) -> Result<(PairedDevice, Pin), HallError> {
        let body = serde_json::json!({"code": code, "name": name, "kind": kind, "serves": serves});
        let r = self.request(false, "/api/pair", None).json(&body).send().await.map_err(|e| self.failed(e))?;
        let status = r.status();
        let bytes = r.bytes().await.map_err(|e| self.failed(e))?;
        if !status.is_success() {
            return Err(match serde_json::from_slice::<Answer<serde_json::Value>>(&bytes) {
                Ok(Answer::Err(e)) => e,
                _ => unreachable(&self.base, format!("主机答复 HTTP {status}")),
            });
        }
        let paired: PairedDevice = serde_json::from_slice(&bytes)
            .map_err(|e| HallError::new(ErrorCode::Internal, format!("配对答复无法读取：{e}")))?;
        let pin = Pin::parse(&self.seen_fingerprint().unwrap_or_default())?;
        Ok((paired, pin))
    }

    /// Whether the host answers within `wait` (a desk's heartbeat, and the pairing screen's
    /// first look): its township, no session needed, so the host's idle lock is not touched.
    pub async fn hello(&self, wait: Duration) -> Result<serde_json::Value, HallError> {
        let mut b = self.http.get(format!("{}/api/hello", self.base)).timeout(wait);
        if let Some(d) = &self.device {
            b = b.header(DEVICE, d);
        }
        let r = b.send().await.map_err(|e| self.failed(e))?;
        let status = r.status();
        let bytes = r.bytes().await.map_err(|e| self.failed(e))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes)
                .map_err(|e| HallError::new(ErrorCode::Internal, format!("大厅主机的答复无法读取：{e}")));
        }
        Err(match serde_json::from_slice::<Answer<serde_json::Value>>(&bytes) {
            Ok(Answer::Err(e)) => e,
            _ => unreachable(&self.base, format!("主机答复 HTTP {status}")),
        })
    }

    /// A new session at the host for this desk (signed out, as a window that just opened).
    pub async fn open_session(&self) -> Result<String, HallError> {
        let r = self.request(false, "/api/session", None).send().await.map_err(|e| self.failed(e))?;
        let status = r.status();
        let bytes = r.bytes().await.map_err(|e| self.failed(e))?;
        if let Ok(opened) = serde_json::from_slice::<Opened>(&bytes) {
            return Ok(opened.session);
        }
        Err(match serde_json::from_slice::<Answer<serde_json::Value>>(&bytes) {
            Ok(Answer::Err(e)) => e,
            _ => unreachable(&self.base, format!("主机答复 HTTP {status}")),
        })
    }

    /// One request, its reply as the host sent it (the window reads it as it is).
    pub async fn call_json(
        &self,
        session: &str,
        request_id: Option<&str>,
        request: &serde_json::Value,
    ) -> Result<serde_json::Value, HallError> {
        let mut b = self.request(false, "/api/call", Some(session)).json(request);
        if let Some(id) = request_id {
            b = b.header(REQUEST_ID, id);
        }
        self.answer(b).await
    }

    /// One request, its reply typed.
    pub async fn call(&self, session: &str, request_id: Option<&str>, request: &Request) -> Result<Reply, HallError> {
        let mut b = self.request(false, "/api/call", Some(session)).json(request);
        if let Some(id) = request_id {
            b = b.header(REQUEST_ID, id);
        }
        self.answer(b).await
    }

    /// A write sent again with the same request id while the host cannot be reached (up to
    /// about 10 s): a lost answer is then got back, never done twice. Still unreachable, the
    /// error says 未确认 — the window offers 重试 with the same id.
    pub async fn call_json_retrying(
        &self,
        session: &str,
        request_id: &str,
        request: &serde_json::Value,
    ) -> Result<serde_json::Value, HallError> {
        let mut wait = Duration::from_millis(500);
        for _ in 0..4 {
            match self.call_json(session, Some(request_id), request).await {
                Err(e) if e.code == ErrorCode::Unreachable => {
                    tokio::time::sleep(wait).await;
                    wait *= 2;
                }
                other => return other,
            }
        }
        self.call_json(session, Some(request_id), request).await.map_err(|e| {
            if e.code == ErrorCode::Unreachable {
                HallError::new(
                    ErrorCode::Unreachable,
                    format!("未确认：{}。该操作可能未完成，主机恢复后请点“重试”（不会重复办理）", e.message),
                )
            } else {
                e
            }
        })
    }

    /// A PDF made at the host; `record` says how the desk uses it (打印, 另存为 …).
    pub async fn document(&self, session: &str, ask: &DocumentAsk) -> Result<Vec<u8>, HallError> {
        let r =
            self.request(true, "/api/document", Some(session)).json(ask).send().await.map_err(|e| self.failed(e))?;
        let pdf = r.headers().get("content-type").is_some_and(|v| v.as_bytes().starts_with(b"application/pdf"));
        let status = r.status();
        let bytes = r.bytes().await.map_err(|e| self.failed(e))?;
        if pdf {
            return Ok(bytes.to_vec());
        }
        Err(match serde_json::from_slice::<Answer<serde_json::Value>>(&bytes) {
            Ok(Answer::Err(e)) => e,
            _ => unreachable(&self.base, format!("主机答复 HTTP {status}")),
        })
    }

    /// The live feed from the host, from after `last` (the last notice's `seq`, if any).
    pub async fn events(
        &self,
        session: &str,
        last: Option<i64>,
    ) -> Result<impl Stream<Item = Result<Notice, HallError>> + use<>, HallError> {
        let mut b = self.patient.get(format!("{}/api/events", self.base)).header(SESSION, session);
        if let Some(d) = &self.device {
            b = b.header(DEVICE, d);
        }
        if let Some(l) = last {
            b = b.header("last-event-id", l.to_string());
        }
        let r = b.send().await.map_err(|e| self.failed(e))?;
        if !r.status().is_success() {
            let status = r.status();
            let bytes = r.bytes().await.unwrap_or_default();
            return Err(match serde_json::from_slice::<Answer<serde_json::Value>>(&bytes) {
                Ok(Answer::Err(e)) => e,
                _ => unreachable(&self.base, format!("主机答复 HTTP {status}")),
            });
        }
        let base = self.base.clone();
        Ok(eventsource_stream::Eventsource::eventsource(r.bytes_stream()).map(move |e| match e {
            Ok(event) => serde_json::from_str::<Notice>(&event.data)
                .map_err(|e| HallError::new(ErrorCode::Internal, format!("实时通知无法读取：{e}"))),
            Err(e) => Err(unreachable(&base, e)),
        }))
    }
}
