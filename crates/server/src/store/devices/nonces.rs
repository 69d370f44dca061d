//! The nonces of signed device requests (`device_nonces`): a nonce is accepted once, so a
//! replayed request fails on every node.

use crate::store::Store;

impl Store {
    /// Records a request nonce; false if the device used it before (a replay).
    pub async fn use_nonce(
        &self,
        device_id: &str,
        nonce: &str,
        expires_at: i64,
    ) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "INSERT INTO device_nonces (device_id, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        )
        .bind(device_id)
        .bind(nonce)
        .bind(expires_at)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Forgets nonces whose timestamps are outside the window anyway.
    pub async fn purge_nonces(&self, now: i64) -> sqlx::Result<u64> {
        let done = sqlx::query("DELETE FROM device_nonces WHERE expires_at < $1")
            .bind(now)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}
