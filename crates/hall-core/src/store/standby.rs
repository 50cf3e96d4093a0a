//! The standby host in the store: which paired device it is, and where the desks will find it
//! when it takes over (its address and its certificate's fingerprint, which it tells the host
//! each time it connects and the host passes on to the desks).

use rusqlite::{params, OptionalExtension};

use super::network::{device_row, Device, DEVICE_COLUMNS};
use super::Store;
use crate::error::{HallError, Result};

impl Store {
    /// The hall's standby host (at most one in use).
    pub fn standby_host(&self) -> Result<Option<Device>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {DEVICE_COLUMNS} FROM devices WHERE kind = 'standby' AND revoked_at IS NULL ORDER BY id DESC LIMIT 1"
                ),
                [],
                device_row,
            )
            .optional()?)
    }

    /// The standby `id` says where desks reach it (`https://…`) and which certificate it shows.
    /// Written only when it changed, so a standby that reconnects every minute adds nothing.
    pub fn set_standby_address(&mut self, id: i64, address: &str, fingerprint: &str) -> Result<Device> {
        let device = self.device(id)?;
        if device.kind != super::DeviceKind::Standby {
            return Err(HallError::forbidden("只有备用主机可以登记接替地址"));
        }
        let address = crate::validate::text("备用主机地址", address, 200, true)?;
        if !address.starts_with("https://") {
            return Err(HallError::invalid(format!("备用主机地址“{address}”应以 https:// 开头")));
        }
        if device.address.as_deref() == Some(address.as_str()) && device.fingerprint.as_deref() == Some(fingerprint) {
            return Ok(device);
        }
        let now = self.now();
        let tx = self.write()?;
        tx.execute(
            "UPDATE devices SET address = ?1, fingerprint = ?2 WHERE id = ?3",
            params![address, fingerprint, id],
        )?;
        let note = format!("备用主机“{}”登记接替地址 {address}，证书指纹 {fingerprint}", device.name);
        super::hall_event(&tx, now, &device.name, "standby_address", &note)?;
        tx.commit()?;
        self.device(id)
    }
}
