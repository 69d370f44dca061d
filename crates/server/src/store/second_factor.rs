//! Second factor: recovery codes (stored hashed, single use) and the TOTP replay guard. The TOTP
//! secret itself lives on the user row (`Store::set_totp`).

use super::audit::AuditEntry;
use super::{Store, new_id};
use crate::clock::now_ms;
use sqlx::Row;

impl Store {
    /// Replaces the user's recovery codes with these hashes, with its audit entry.
    pub async fn replace_recovery_codes(
        &self,
        tenant_id: &str,
        user_id: &str,
        hashes: &[String],
        audit: &AuditEntry,
    ) -> sqlx::Result<()> {
        let mut w = self.audited(tenant_id).await?;
        put_recovery_codes(w.tx(), user_id, hashes).await?;
        w.commit(audit).await
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
        let mut c = self.pool().acquire().await?;
        record_step(&mut c, user_id, step).await
    }

    /// Turns the second factor of a user of `tenant_id` off (no secret, no recovery codes, no
    /// replay state), with its audit entry.
    pub async fn clear_second_factor(
        &self,
        tenant_id: &str,
        user_id: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<()> {
        let mut w = self.audited(tenant_id).await?;
        sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_enabled = 0, totp_last_step = NULL, updated_at = $1 \
             WHERE tenant_id = $2 AND id = $3",
        )
        .bind(now_ms())
        .bind(tenant_id)
        .bind(user_id)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        sqlx::query("DELETE FROM totp_recovery_codes WHERE user_id = $1")
            .bind(user_id)
            .execute(crate::store::counting(&mut **w.tx()))
            .await?;
        w.commit(audit).await
    }

    /// Starts an enrolment (a new secret, not yet enabled, no replay state), with its audit
    /// entry; false (and nothing written) when a second factor is enabled.
    pub async fn begin_totp(
        &self,
        tenant_id: &str,
        user_id: &str,
        secret: &str,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query(
            "UPDATE users SET totp_secret = $1, totp_enabled = 0, totp_last_step = NULL, updated_at = $2 \
             WHERE tenant_id = $3 AND id = $4 AND totp_enabled = 0",
        )
        .bind(secret)
        .bind(now_ms())
        .bind(tenant_id)
        .bind(user_id)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        w.commit(audit).await?;
        Ok(true)
    }

    /// Enables the pending secret together with its recovery codes, the confirming code's time
    /// step (it may not be replayed) and the audit entry; false (and nothing written) when the
    /// enrolment is no longer the one confirmed (another enrolment replaced it meanwhile).
    pub async fn enable_totp(
        &self,
        tenant_id: &str,
        user_id: &str,
        confirmed: (&str, i64),
        recovery_hashes: &[String],
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        let (secret, step) = confirmed;
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query(
            "UPDATE users SET totp_enabled = 1, updated_at = $1 \
             WHERE tenant_id = $2 AND id = $3 AND totp_secret = $4 AND totp_enabled = 0",
        )
        .bind(now_ms())
        .bind(tenant_id)
        .bind(user_id)
        .bind(secret)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        put_recovery_codes(w.tx(), user_id, recovery_hashes).await?;
        record_step(w.tx(), user_id, step).await?;
        w.commit(audit).await?;
        Ok(true)
    }
}

/// Replaces the user's recovery codes with these hashes, inside `tx`.
async fn put_recovery_codes(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    user_id: &str,
    hashes: &[String],
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM totp_recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(crate::store::counting(&mut **tx))
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
        .execute(crate::store::counting(&mut **tx))
        .await?;
    }
    Ok(())
}

/// Records the TOTP time step `step` as used; false when it or a later one was used before.
async fn record_step(c: &mut sqlx::AnyConnection, user_id: &str, step: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
    )
    .bind(step)
    .bind(user_id)
    .execute(&mut *c)
    .await?;
    Ok(done.rows_affected() > 0)
}
