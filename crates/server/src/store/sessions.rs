//! Remote help sessions and their chat (filled in with the sessions work).

use super::Store;
use sqlx::Row;

impl Store {
    /// Number of sessions per state.
    pub async fn sessions_by_state(&self, tenant_id: &str) -> sqlx::Result<Vec<(String, i64)>> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM sessions WHERE tenant_id = $1 GROUP BY state ORDER BY state")
            .bind(tenant_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("state")?, r.try_get("n")?)))
            .collect()
    }
}
