//! The hall's key goes up sealed to the county's public key (docs/sync-protocol.md, 密钥托管):
//! asked for once per pass, sealed here with age (X25519) and sent only when this key has not
//! yet gone up to this county key. The hub stores what it cannot open.

use std::sync::Mutex;

use hall_core::Store;
use sync_protocol::{EscrowDeposit, EscrowRecipient};

use crate::{lock, parse, Hub, SyncError};

impl Hub {
    /// The county's public key; `None` when the hub has none (or is older than 密钥托管).
    pub async fn escrow_recipient(&self) -> Result<Option<EscrowRecipient>, SyncError> {
        let body = self.answer_of(self.client.get(format!("{}/v1/escrow/recipient", self.base)), true).await?;
        body.map(|b| parse::<EscrowRecipient>(&b)).transpose()
    }

    pub async fn escrow_deposit(&self, d: &EscrowDeposit) -> Result<(), SyncError> {
        self.answer(self.client.put(format!("{}/v1/escrow", self.base)).json(d)).await?;
        Ok(())
    }
}

/// Seals the hall's recovery code to `recipient` (an `age1…` X25519 public key).
pub fn seal(code: &str, recipient: &str) -> Result<String, SyncError> {
    let to: age::x25519::Recipient = recipient
        .parse()
        .map_err(|e| SyncError::Refused(format!("县级平台的托管公钥无法识别（{e}），请联系县信息中心")))?;
    age::encrypt_and_armor(&to, code.as_bytes()).map_err(|e| SyncError::Refused(format!("无法加密托管密钥：{e}")))
}

/// One pass's part: the key up when the county holds no copy of it under its current key.
pub(crate) async fn deposit(store: &Mutex<Store>, hub: &Hub) -> Result<(), SyncError> {
    let Some(county) = hub.escrow_recipient().await? else { return Ok(()) };
    let Some(code) = lock(store).escrow_due(&county.recipient)? else { return Ok(()) };
    let d = EscrowDeposit {
        fingerprint: code.fingerprint(),
        recipient: county.recipient.clone(),
        sealed: seal(&code.text(), &county.recipient)?,
    };
    drop(code);
    hub.escrow_deposit(&d).await?;
    lock(store).mark_escrowed(&d.fingerprint, &d.recipient)?;
    Ok(())
}
