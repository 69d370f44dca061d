//! What a change of rights takes away at once (see `docs/access.md`, "Changes of rights reach
//! open sessions"): a disabled person's sign-ins and API tokens, a person's other sign-ins after
//! a password change, and the sessions still running that such a change may touch.

use super::Store;
use crate::clock::now_ms;
use sqlx::Row;

/// Session states in which a session still runs.
const LIVE_STATES: &str = "('waiting', 'joined', 'requested', 'active')";

impl Store {
    /// Ends every sign-in of a user and revokes every API token they hold (an agent's included):
    /// re-enabling the account does not bring them back; new ones must be issued.
    pub async fn revoke_credentials_of(&self, user_id: &str) -> sqlx::Result<()> {
        let mut tx = self.pool().begin().await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(user_id)
        .execute(crate::store::counting(&mut *tx))
        .await?;
        sqlx::query("DELETE FROM web_sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(crate::store::counting(&mut *tx))
            .await?;
        tx.commit().await
    }

    /// Ends a user's sign-ins other than `keep` (the hash of the one to keep; `None`: all).
    pub async fn end_web_sessions_except(
        &self,
        user_id: &str,
        keep: Option<&str>,
    ) -> sqlx::Result<u64> {
        let done = sqlx::query("DELETE FROM web_sessions WHERE user_id = $1 AND token_hash <> $2")
            .bind(user_id)
            .bind(keep.unwrap_or(""))
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    /// The ids of the sessions still running that `user_id` takes part in (helper or sharer).
    pub async fn running_sessions_of(
        &self,
        tenant_id: &str,
        user_id: &str,
    ) -> sqlx::Result<Vec<String>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM sessions WHERE tenant_id = $1 AND (helper_id = $2 OR sharer_id = $2) \
             AND state IN {LIVE_STATES}"
        )))
        .bind(tenant_id)
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| r.try_get("id")).collect()
    }

    /// The ids of the sessions of a tenant that have a sharer and still run, after `after` in id
    /// order, at most `limit` (to be read page by page).
    pub async fn running_joined_sessions(
        &self,
        tenant_id: &str,
        after: &str,
        limit: i64,
    ) -> sqlx::Result<Vec<String>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM sessions WHERE tenant_id = $1 AND sharer_id IS NOT NULL \
             AND state IN {LIVE_STATES} AND id > $2 ORDER BY id LIMIT $3"
        )))
        .bind(tenant_id)
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| r.try_get("id")).collect()
    }
}
