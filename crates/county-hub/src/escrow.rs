//! 密钥托管: the county keeps every hall's database key sealed to its own public key (age,
//! X25519), so a hall whose PC died and whose 数据恢复凭证 is lost can still be restored. The
//! hub stores the public recipient and the sealed copies only; the private identity is written
//! once to a file county IT keeps offline (`escrow keygen`) and is needed to open a copy
//! (`escrow open`). A copy of the hub's database therefore opens nothing.

use std::io::{Read, Write};
use std::path::Path;
use std::str::FromStr;

use axum::extract::State;
use axum::Json;
use deadpool_postgres::Client;
use sync_protocol::{EscrowDeposit, EscrowRecipient};

use crate::auth::Township;
use crate::db::db_error;
use crate::errors::ApiError;
use crate::server::AppState;

/// Makes a new county identity: the private half to `out` (owner-only, never overwritten),
/// the public half registered here. Returns the public recipient.
pub async fn keygen(client: &Client, out: &Path) -> Result<String, String> {
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let mut file = std::fs::OpenOptions::new();
    file.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut file, 0o600);
    let mut f = file.open(out).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => {
            format!("{} 已存在，未覆盖：请换一个文件名（旧的私钥仍可打开旧的托管副本）", out.display())
        }
        _ => format!("无法写入私钥文件 {}：{e}", out.display()),
    })?;
    let secret = age::secrecy::ExposeSecret::expose_secret(&identity.to_string()).to_string();
    let text = format!("# 一窗通 县级密钥托管私钥（公钥 {recipient}）\n# 请离线保管，不要留在平台服务器上\n{secret}\n");
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(|e| format!("无法写入私钥文件 {}：{e}", out.display()))?;
    client.execute("INSERT INTO escrow_recipients (recipient) VALUES ($1)", &[&recipient]).await.map_err(db_error)?;
    Ok(recipient)
}

/// The newest sealed copy of a township's key, opened with the identity in `identity_file`:
/// (凭证编号, received at, the recovery code).
pub async fn open(client: &Client, township: &str, identity_file: &Path) -> Result<(String, String, String), String> {
    let text = std::fs::read_to_string(identity_file)
        .map_err(|e| format!("无法读取私钥文件 {}：{e}", identity_file.display()))?;
    let identity = text
        .lines()
        .map(str::trim)
        .find(|l| l.starts_with("AGE-SECRET-KEY-"))
        .and_then(|l| age::x25519::Identity::from_str(l).ok())
        .ok_or_else(|| {
            format!("{} 不是县级密钥托管私钥文件（应由 county-hub escrow keygen 写出）", identity_file.display())
        })?;
    let ours = identity.to_public().to_string();
    let rows = client
        .query(
            "SELECT k.fingerprint, to_char(k.received_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI'), k.sealed, r.recipient
             FROM escrowed_keys k JOIN escrow_recipients r ON r.id = k.recipient_id
             WHERE k.township = $1 ORDER BY k.received_at DESC",
            &[&township.trim()],
        )
        .await
        .map_err(db_error)?;
    if rows.is_empty() {
        return Err(format!(
            "县级平台没有乡镇 {} 的托管密钥：该乡镇尚未在登记托管公钥后同步过（或乡镇代码有误）",
            township.trim()
        ));
    }
    let Some(row) = rows.iter().find(|r| r.get::<_, String>("recipient") == ours) else {
        return Err(format!(
            "乡镇 {} 的托管副本不是用这个私钥的公钥加密的：请用登记时（county-hub escrow keygen）写出的那份私钥文件",
            township.trim()
        ));
    };
    let sealed: String = row.get("sealed");
    let code = unseal(&identity, &sealed).map_err(|e| format!("托管副本无法解开：{e}"))?;
    Ok((row.get("fingerprint"), row.get(1), code))
}

fn unseal(identity: &age::x25519::Identity, sealed: &str) -> Result<String, String> {
    let armored = age::armor::ArmoredReader::new(sealed.as_bytes());
    let decryptor = age::Decryptor::new(armored).map_err(|e| e.to_string())?;
    let mut reader = decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).map_err(|e| e.to_string())?;
    let mut out = String::new();
    reader.read_to_string(&mut out).map_err(|e| e.to_string())?;
    Ok(out.trim().to_string())
}

/// `GET /v1/escrow/recipient`: the public key halls seal to.
pub async fn recipient(
    State(state): State<AppState>,
    Township(_): Township,
) -> Result<Json<EscrowRecipient>, ApiError> {
    let client = state.pool.get().await?;
    let row = client.query_opt("SELECT recipient FROM escrow_recipients ORDER BY id DESC LIMIT 1", &[]).await?;
    let row = row.ok_or_else(|| ApiError::not_found("县级平台尚未登记密钥托管公钥"))?;
    Ok(Json(EscrowRecipient { recipient: row.get(0) }))
}

/// `PUT /v1/escrow`: a hall's sealed key. Only to a recipient the county registered; the same
/// key sent again is stored once (its first copy kept).
pub async fn deposit(
    State(state): State<AppState>,
    Township(township): Township,
    Json(d): Json<EscrowDeposit>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let fp_ok = d.fingerprint.len() == 9
        && d.fingerprint.chars().enumerate().all(|(i, c)| {
            if i == 4 {
                c == '-'
            } else {
                c.is_ascii_hexdigit() && !c.is_ascii_lowercase()
            }
        });
    if !fp_ok {
        return Err(ApiError::malformed(format!("凭证编号“{}”格式不对（应为 XXXX-XXXX）", d.fingerprint)));
    }
    if !d.sealed.starts_with("-----BEGIN AGE ENCRYPTED FILE-----") || d.sealed.len() > 4096 {
        return Err(ApiError::malformed("托管副本应为 age 加密（ASCII 封装）的文本"));
    }
    let client = state.pool.get().await?;
    let id = client
        .query_opt("SELECT id FROM escrow_recipients WHERE recipient = $1 ORDER BY id DESC LIMIT 1", &[&d.recipient])
        .await?
        .ok_or_else(|| ApiError::malformed("托管副本所用的公钥不是县级平台登记的：请重新同步以取得当前公钥"))?;
    let id: i32 = id.get(0);
    client
        .execute(
            "INSERT INTO escrowed_keys (township, fingerprint, recipient_id, sealed) VALUES ($1, $2, $3, $4)
             ON CONFLICT (township, fingerprint, recipient_id) DO NOTHING",
            &[&township, &d.fingerprint, &id, &d.sealed],
        )
        .await?;
    Ok(Json(serde_json::json!({ "stored": true })))
}
