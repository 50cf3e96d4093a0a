//! The host's own TLS certificate: made on the first start and kept in the hall's (encrypted)
//! store, so it moves with the database when the host moves to another PC and the desks' pins
//! stay good. Desks do not trust it through a CA; they pin its SHA-256 fingerprint, learnt
//! when they pair.

use hall_core::{ErrorCode, HallError, Store};
use sha2::{Digest, Sha256};

const CERT: &str = "host_tls_cert";
const KEY: &str = "host_tls_key";

pub struct HostCert {
    pub cert_pem: String,
    pub key_pem: String,
    /// `SHA256:<64 hex>` of the certificate (DER).
    pub fingerprint: String,
}

/// `SHA256:<hex>` of a DER certificate.
pub fn fingerprint(der: &[u8]) -> String {
    let hex: String = Sha256::digest(der).iter().map(|b| format!("{b:02x}")).collect();
    format!("SHA256:{hex}")
}

fn failed(what: &str, e: impl std::fmt::Display) -> HallError {
    HallError::new(ErrorCode::Internal, format!("{what}：{e}"))
}

/// The stored certificate, or a new one (stored at once).
pub fn load_or_make(store: &mut Store) -> Result<HostCert, HallError> {
    if let (Some(cert_pem), Some(key_pem)) = (store.setting(CERT)?, store.setting(KEY)?) {
        return of(cert_pem, key_pem);
    }
    let made = make(&store.hall_info()?.township_name)?;
    adopt(store, &made)?;
    log::info!("made the host's TLS certificate");
    Ok(made)
}

/// A new certificate for a host (or standby host) of `township`.
pub fn make(township: &str) -> Result<HostCert, HallError> {
    let key = rcgen::KeyPair::generate().map_err(|e| failed("无法生成主机密钥", e))?;
    let mut params =
        rcgen::CertificateParams::new(vec!["yichuang-host".to_string()]).map_err(|e| failed("无法生成主机证书", e))?;
    params.distinguished_name.push(rcgen::DnType::CommonName, format!("一窗通大厅主机 {township}"));
    // Desks pin the certificate itself, so its dates only need to outlast the PC.
    params.not_before = rcgen::date_time_ymd(2025, 1, 1);
    params.not_after = rcgen::date_time_ymd(2045, 1, 1);
    let cert = params.self_signed(&key).map_err(|e| failed("无法生成主机证书", e))?;
    of(cert.pem(), key.serialize_pem())
}

/// Makes `cert` the hall host's certificate from now on (a standby taking over keeps its own,
/// the one the desks learnt for it).
pub fn adopt(store: &mut Store, cert: &HostCert) -> Result<(), HallError> {
    store.set_setting(CERT, &cert.cert_pem)?;
    store.set_setting(KEY, &cert.key_pem)
}

/// A certificate and key as PEM, with the fingerprint worked out.
pub fn of(cert_pem: String, key_pem: String) -> Result<HostCert, HallError> {
    let der = rustls_pki_der(&cert_pem)?;
    Ok(HostCert { fingerprint: fingerprint(&der), cert_pem, key_pem })
}

fn rustls_pki_der(pem: &str) -> Result<Vec<u8>, HallError> {
    use rustls::pki_types::pem::PemObject;
    let der =
        rustls::pki_types::CertificateDer::from_pem_slice(pem.as_bytes()).map_err(|e| failed("主机证书无法读取", e))?;
    Ok(der.to_vec())
}
