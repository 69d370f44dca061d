//! Offers of sessions to enrolled devices (`session_offers`): what the helper's page says of a
//! session started for a device (offered, declined), and the offers to make again when the
//! device comes back online.

use super::Store;
use sqlx::Row;

/// The state of an offer, as stored in `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferStatus {
    /// The device's user is asked (or will be, when the device is back online).
    Offered,
    /// The device's user declined.
    Declined,
}

impl OfferStatus {
    /// The stored (and wire) name.
    pub fn as_str(self) -> &'static str {
        match self {
            OfferStatus::Offered => "offered",
            OfferStatus::Declined => "declined",
        }
    }

    fn parse(s: &str) -> OfferStatus {
        match s {
            "declined" => OfferStatus::Declined,
            _ => OfferStatus::Offered,
        }
    }
}

/// A session's offer to its device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub session_id: String,
    pub device_id: String,
    pub status: OfferStatus,
    pub changed_at: i64,
    /// The plain code, while the offer is open.
    pub code: Option<String>,
}

fn offer(r: &sqlx::any::AnyRow) -> sqlx::Result<Offer> {
    let status: String = r.try_get("status")?;
    Ok(Offer {
        session_id: r.try_get("session_id")?,
        device_id: r.try_get("device_id")?,
        status: OfferStatus::parse(&status),
        changed_at: r.try_get("changed_at")?,
        code: r.try_get("code")?,
    })
}

impl Store {
    /// Records that a new session was offered to `device_id` (kept with its plain code).
    pub async fn insert_offer(
        &self,
        tenant_id: &str,
        session_id: &str,
        device_id: &str,
        code: &str,
        now: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO session_offers (session_id, tenant_id, device_id, status, changed_at, code) \
             VALUES ($1, $2, $3, 'offered', $4, $5)",
        )
        .bind(session_id)
        .bind(tenant_id)
        .bind(device_id)
        .bind(now)
        .bind(code)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// The offer of a session, if it was started for a device.
    pub async fn offer(&self, tenant_id: &str, session_id: &str) -> sqlx::Result<Option<Offer>> {
        sqlx::query(
            "SELECT session_id, device_id, status, changed_at, code FROM session_offers \
             WHERE tenant_id = $1 AND session_id = $2",
        )
        .bind(tenant_id)
        .bind(session_id)
        .fetch_optional(self.pool())
        .await?
        .as_ref()
        .map(offer)
        .transpose()
    }

    /// The device's user declined: the offer says so, and its code is dropped. Returns whether
    /// an open offer of this session to this device was found.
    pub async fn decline_offer(
        &self,
        session_id: &str,
        device_id: &str,
        now: i64,
    ) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE session_offers SET status = 'declined', changed_at = $1, code = NULL \
             WHERE session_id = $2 AND device_id = $3 AND status = 'offered'",
        )
        .bind(now)
        .bind(session_id)
        .bind(device_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The open offers to a device made since `since` (newest first, at most `limit`): offered
    /// again when it comes back online, while their sessions still wait.
    pub async fn open_offers(
        &self,
        device_id: &str,
        since: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<Offer>> {
        let rows = sqlx::query(
            "SELECT session_id, device_id, status, changed_at, code FROM session_offers \
             WHERE device_id = $1 AND status = 'offered' AND changed_at >= $2 \
             ORDER BY changed_at DESC LIMIT $3",
        )
        .bind(device_id)
        .bind(since)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(offer).collect()
    }
}
