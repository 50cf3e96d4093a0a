//! Registering townships and (re)issuing their tokens, from the command line.

use deadpool_postgres::Client;
use hall_core::validate::text;

use crate::db::db_error;
use crate::tokens;

/// Registers a township; returns its token, which exists nowhere else afterwards.
pub async fn add(client: &Client, code: &str, name: &str) -> Result<String, String> {
    let code = text("乡镇代码", code, 20, true).map_err(|e| e.message)?;
    // The code starts every case number and the token, so it must stay plain.
    if !code.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!("乡镇代码“{code}”只能包含数字和字母（通常为9或12位行政区划代码）"));
    }
    let name = text("乡镇名称", name, 50, true).map_err(|e| e.message)?;
    let token = tokens::new_token(&code);
    let added = client
        .execute(
            "INSERT INTO townships (code, name, token_hash) VALUES ($1, $2, $3) ON CONFLICT (code) DO NOTHING",
            &[&code, &name, &tokens::hash(&token)],
        )
        .await
        .map_err(db_error)?;
    if added == 0 {
        let existing: String =
            client.query_one("SELECT name FROM townships WHERE code = $1", &[&code]).await.map_err(db_error)?.get(0);
        return Err(format!(
            "乡镇代码 {code} 已登记（{existing}），未做改动。如需为它换发令牌，请运行：county-hub township token {code}"
        ));
    }
    Ok(token)
}

/// Issues a new token for a registered township; the old one stops working at once.
pub async fn rotate(client: &Client, code: &str) -> Result<String, String> {
    let token = tokens::new_token(code.trim());
    let changed = client
        .execute("UPDATE townships SET token_hash = $2 WHERE code = $1", &[&code.trim(), &tokens::hash(&token)])
        .await
        .map_err(db_error)?;
    if changed == 0 {
        return Err(format!("乡镇代码 {} 尚未登记，请先运行：county-hub township add 代码 名称", code.trim()));
    }
    Ok(token)
}
