//! The append-only audit log (the database refuses updates and deletes of its rows).

use super::Store;
use crate::clock::now_ms;
use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};

/// One audit entry to write.
#[derive(Debug, Clone, Default)]
pub struct AuditEntry {
    pub actor_id: Option<String>,
    /// Who acted, for people: an email, `system`, or a device name.
    pub actor: String,
    /// What happened, e.g. `auth.sign_in`, `session.created`.
    pub action: String,
    /// What it happened to (an id).
    pub target: Option<String>,
    /// The client address.
    pub address: Option<String>,
    /// Facts of the event (never secrets or chat text).
    pub detail: serde_json::Value,
}

/// An audit entry as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditRecord {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<String>,
    pub actor: String,
    pub action: String,
    pub target: Option<String>,
    pub address: Option<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// Filters for listing.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub from: Option<i64>,
    pub to: Option<i64>,
    /// Prefix of the action, e.g. `session.`.
    pub action: Option<String>,
    pub actor_id: Option<String>,
    pub target: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

impl Store {
    /// Appends an entry.
    pub async fn audit(&self, tenant_id: &str, e: &AuditEntry) -> sqlx::Result<()> {
        insert(self.pool(), tenant_id, e).await
    }

    /// Entries, newest first, and the total that match.
    pub async fn list_audit(
        &self,
        tenant_id: &str,
        f: &AuditFilter,
    ) -> sqlx::Result<(Vec<AuditRecord>, i64)> {
        let action = f
            .action
            .as_ref()
            .map(|a| format!("{a}%"))
            .unwrap_or_else(|| "%".into());
        let cond = "tenant_id = $1 AND at >= $2 AND at <= $3 AND action LIKE $4 \
                    AND ($5 = '' OR actor_id = $5) AND ($6 = '' OR target = $6)";
        let q = format!("SELECT * FROM audit WHERE {cond} ORDER BY id DESC LIMIT $7 OFFSET $8");
        let rows = sqlx::query(AssertSqlSafe(q))
            .bind(tenant_id)
            .bind(f.from.unwrap_or(0))
            .bind(f.to.unwrap_or(i64::MAX))
            .bind(&action)
            .bind(f.actor_id.clone().unwrap_or_default())
            .bind(f.target.clone().unwrap_or_default())
            .bind(f.limit)
            .bind(f.offset)
            .fetch_all(self.pool())
            .await?;
        let total: i64 = sqlx::query(AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM audit WHERE {cond}"
        )))
        .bind(tenant_id)
        .bind(f.from.unwrap_or(0))
        .bind(f.to.unwrap_or(i64::MAX))
        .bind(&action)
        .bind(f.actor_id.clone().unwrap_or_default())
        .bind(f.target.clone().unwrap_or_default())
        .fetch_one(self.pool())
        .await?
        .try_get("n")?;
        let records = rows
            .iter()
            .map(|r| {
                Ok(AuditRecord {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    actor_id: r.try_get("actor_id")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    target: r.try_get("target")?,
                    address: r.try_get("address")?,
                    detail: serde_json::from_str(&r.try_get::<String, _>("detail")?)
                        .unwrap_or_default(),
                })
            })
            .collect::<sqlx::Result<_>>()?;
        Ok((records, total))
    }
}

/// Appends one entry through `exec` (the pool, or a transaction that writes it together with
/// what it records).
pub(super) async fn insert<'e, E>(exec: E, tenant_id: &str, e: &AuditEntry) -> sqlx::Result<()>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query(
        "INSERT INTO audit (tenant_id, at, actor_id, actor, action, target, address, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(tenant_id)
    .bind(now_ms())
    .bind(&e.actor_id)
    .bind(&e.actor)
    .bind(&e.action)
    .bind(&e.target)
    .bind(&e.address)
    .bind(e.detail.to_string())
    .execute(exec)
    .await?;
    Ok(())
}

/// Appends several entries of one tenant in a few multi-row statements (runs of 1, 2, 4, ...
/// rows, at most [`AUDIT_ROWS_PER_INSERT`]), inside the caller's transaction.
pub(super) async fn insert_many(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    tenant_id: &str,
    entries: &[AuditEntry],
) -> sqlx::Result<()> {
    let at = now_ms();
    for run in super::runs(entries, AUDIT_ROWS_PER_INSERT) {
        let rows: Vec<String> = (0..run.len())
            .map(|r| super::placeholders(r * 8 + 1, 8))
            .collect();
        let sql = format!(
            "INSERT INTO audit (tenant_id, at, actor_id, actor, action, target, address, detail) VALUES {}",
            rows.join(", ")
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for e in run {
            q = q
                .bind(tenant_id)
                .bind(at)
                .bind(&e.actor_id)
                .bind(&e.actor)
                .bind(&e.action)
                .bind(&e.target)
                .bind(&e.address)
                .bind(e.detail.to_string());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Rows in one multi-row audit insert (a power of two): 8 parameters each, well inside SQLite's
/// and PostgreSQL's limits on parameters per statement.
const AUDIT_ROWS_PER_INSERT: usize = 256;
