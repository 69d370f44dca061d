//! Second factor: recovery codes (stored hashed, single use) and the TOTP replay guard. The TOTP
//! secret itself lives on the user row (`Store::set_totp`).

use super::{Store, new_id};
use crate::clock::now_ms;
use sqlx::Row;

impl Store {
    /// Replaces the user's recovery codes with these hashes.
    pub async fn replace_recovery_codes(
        &self,
        user_id: &str,
        hashes: &[String],
    ) -> sqlx::Result<()> {
        let mut tx = self.pool().begin().await?;
        write_recovery_codes(&mut tx, user_id, hashes).await?;
        tx.commit().await
    }

    /// Uses up a recovery code: true when it was unused (and is now used).
    pub async fn use_recovery_code(&self, user_id: &str, hash: &str) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE totp_recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
        )
        .bind(now_ms())
        .bind(user_id)
        .bind(hash)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Recovery codes the user has left.
    pub async fn recovery_codes_left(&self, user_id: &str) -> sqlx::Result<i64> {
        sqlx::query(
            "SELECT COUNT(*) AS n FROM totp_recovery_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user_id)
        .fetch_one(self.pool())
        .await?
        .try_get("n")
    }

    /// Records that the TOTP code of time step `step` was used: false when that step or a later
    /// one was already used (a replayed code).
    pub async fn use_totp_step(&self, user_id: &str, step: i64) -> sqlx::Result<bool> {
        let done = sqlx::query(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(user_id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Turns the second factor off: no secret, no recovery codes, no replay state.
    pub async fn clear_second_factor(&self, user_id: &str) -> sqlx::Result<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_enabled = 0, totp_last_step = NULL, updated_at = $1 WHERE id = $2",
        )
        .bind(now_ms())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM totp_recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    /// Starts an enrolment: a new secret, not yet enabled, no replay state.
    pub async fn begin_totp(&self, user_id: &str, secret: &str) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_enabled = 0, totp_last_step = NULL, updated_at = $2 \
             WHERE id = $3 AND totp_enabled = 0",
        )
        .bind(secret)
        .bind(now_ms())
        .bind(user_id)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Enables the pending secret together with its recovery codes; false when the enrolment is
    /// no longer the one confirmed (another enrolment replaced it meanwhile).
    pub async fn enable_totp(
        &self,
        user_id: &str,
        secret: &str,
        recovery_hashes: &[String],
    ) -> sqlx::Result<bool> {
        let mut tx = self.pool().begin().await?;
        let done = sqlx::query(
            "UPDATE users SET totp_enabled = 1, updated_at = $1 WHERE id = $2 AND totp_secret = $3 AND totp_enabled = 0",
        )
        .bind(now_ms())
        .bind(user_id)
        .bind(secret)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        write_recovery_codes(&mut tx, user_id, recovery_hashes).await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// Replaces the user's recovery codes with these hashes, within the caller's transaction.
async fn write_recovery_codes(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    user_id: &str,
    hashes: &[String],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM totp_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut **tx)
        .await?;
    let now = now_ms();
    for h in hashes {
        sqlx::query(
            "INSERT INTO totp_recovery_codes (id, user_id, code_hash, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(new_id())
        .bind(user_id)
        .bind(h)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
