//! Server nodes and their heartbeats (the `nodes` table), and the sessions whose participants a
//! node holds (the `helper_node` and `sharer_node` columns of `sessions`). The liveness rules
//! themselves are in `sessions::nodes`.
//!
//! Every staleness test uses the database's clock, so that nodes with skewed clocks still agree
//! on who is silent.

use super::{Backend, Store};
use sqlx::any::AnyPoolOptions;
use sqlx::{AssertSqlSafe, Row};

/// The database's clock in milliseconds, as an SQL expression.
fn db_now(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
        Backend::Sqlite => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
    }
}

impl Store {
    /// The same database on a connection of its own (opened from `url`), so that a busy pool
    /// never delays what runs on it; this store itself if that connection cannot be opened.
    pub async fn on_own_connection(&self, url: &str) -> Store {
        match AnyPoolOptions::new().max_connections(1).connect(url).await {
            Ok(pool) => Store {
                pool,
                backend: self.backend,
                reachable: self.reachable.clone(),
                cache: self.cache.clone(),
            },
            Err(e) => {
                tracing::warn!(error = %e, "no connection of its own; using the shared pool");
                self.clone()
            }
        }
    }

    /// Writes the heartbeat of `node`. Returns `false` if its row was gone (another node took it
    /// for dead), after writing the row again.
    pub async fn node_heartbeat(&self, node: &str) -> sqlx::Result<bool> {
        let now = db_now(self.backend);
        let updated = sqlx::query(AssertSqlSafe(format!(
            "UPDATE nodes SET seen_at = {now} WHERE id = $1"
        )))
        .bind(node)
        .execute(self.pool())
        .await?
        .rows_affected();
        if updated > 0 {
            return Ok(true);
        }
        sqlx::query(AssertSqlSafe(format!(
            "INSERT INTO nodes (id, started_at, seen_at) VALUES ($1, {now}, {now}) \
             ON CONFLICT (id) DO UPDATE SET seen_at = {now}"
        )))
        .bind(node)
        .execute(self.pool())
        .await?;
        Ok(false)
    }

    /// Nodes other than `this_node` silent for `silent_ms` by the database's clock.
    pub async fn silent_nodes(&self, this_node: &str, silent_ms: i64) -> sqlx::Result<Vec<String>> {
        let now = db_now(self.backend);
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT id FROM nodes WHERE seen_at < {now} - $1 AND id <> $2"
        )))
        .bind(silent_ms)
        .bind(this_node)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| r.try_get("id")).collect()
    }

    /// Forgets `node` if it is still silent for `silent_ms` (it may have come back meanwhile).
    pub async fn forget_node(&self, node: &str, silent_ms: i64) -> sqlx::Result<()> {
        let now = db_now(self.backend);
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM nodes WHERE id = $1 AND seen_at < {now} - $2"
        )))
        .bind(node)
        .bind(silent_ms)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Up to `limit` sessions of the tenant where `node` holds (or last held) a participant's
    /// connection, found through the indexes on `helper_node` and `sharer_node`.
    pub async fn sessions_held_by(
        &self,
        tenant_id: &str,
        node: &str,
        limit: i64,
    ) -> sqlx::Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT id FROM sessions WHERE tenant_id = $1 AND helper_node = $2 \
             UNION SELECT id FROM sessions WHERE tenant_id = $1 AND sharer_node = $2 LIMIT $3",
        )
        .bind(tenant_id)
        .bind(node)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| r.try_get("id")).collect()
    }
}
