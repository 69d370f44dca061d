//! File transfers of sessions: one row per transfer, opened and closed with their audit entries
//! in the same transaction.

use super::Store;
use super::audit::AuditEntry;
use assist_proto::transfer::{Direction, Outcome, TransferView};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// A transfer to open.
#[derive(Debug, Clone)]
pub struct NewTransfer {
    pub id: String,
    pub session_id: String,
    pub actor_id: String,
    pub direction: Direction,
    pub name: String,
    pub size: i64,
    pub started_at: i64,
}

/// How a transfer ends.
#[derive(Debug, Clone)]
pub struct TransferEnd {
    pub outcome: Outcome,
    pub sha256: Option<String>,
    pub bytes_done: i64,
    pub finished_at: i64,
}

/// Why a transfer was not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenRefused {
    /// The session has `max_open` transfers running.
    TooManyOpen,
    /// The session has had `max_total` transfers.
    TooManyInAll,
}

/// Why a transfer was not closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FinishRefused {
    /// No such transfer in this session.
    NotFound,
    /// It already ended.
    AlreadyFinished,
}

/// The columns `transfer_from` reads (named, not `*`, as for tenants).
const COLUMNS: &str = "t.id, t.session_id, t.actor_id, t.direction, t.name, t.size, t.sha256, \
     t.outcome, t.bytes_done, t.started_at, t.finished_at";

fn transfer_from(r: &AnyRow) -> sqlx::Result<TransferView> {
    let bad = |what: &str, v: &str| sqlx::Error::Decode(format!("stored {what} {v:?}").into());
    let direction: String = r.try_get("direction")?;
    let outcome: Option<String> = r.try_get("outcome")?;
    Ok(TransferView {
        id: r.try_get("id")?,
        session_id: r.try_get("session_id")?,
        actor_id: r.try_get("actor_id")?,
        direction: Direction::parse(&direction).ok_or_else(|| bad("direction", &direction))?,
        name: r.try_get("name")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        outcome: match outcome {
            None => None,
            Some(o) => Some(Outcome::parse(&o).ok_or_else(|| bad("outcome", &o))?),
        },
        bytes_done: r.try_get("bytes_done")?,
        started_at: r.try_get("started_at")?,
        finished_at: r.try_get("finished_at")?,
    })
}

impl Store {
    /// Opens a transfer with the audit entry `audit`, unless the session already has `max_open`
    /// transfers running or `max_total` in all.
    pub async fn open_transfer(
        &self,
        tenant_id: &str,
        t: &NewTransfer,
        max_open: i64,
        max_total: i64,
        audit: &AuditEntry,
    ) -> sqlx::Result<Result<TransferView, OpenRefused>> {
        let mut w = self.audited(tenant_id).await?;
        let counts = sqlx::query(
            "SELECT COUNT(*) AS total, COALESCE(SUM(CASE WHEN outcome IS NULL THEN 1 ELSE 0 END), 0) AS open \
             FROM transfers WHERE tenant_id = $1 AND session_id = $2",
        )
        .bind(tenant_id)
        .bind(&t.session_id)
        .fetch_one(crate::store::counting(&mut **w.tx()))
        .await?;
        let total: i64 = counts.try_get("total")?;
        let open: i64 = counts.try_get("open")?;
        if total >= max_total {
            return Ok(Err(OpenRefused::TooManyInAll));
        }
        if open >= max_open {
            return Ok(Err(OpenRefused::TooManyOpen));
        }
        sqlx::query(
            "INSERT INTO transfers (id, tenant_id, session_id, actor_id, direction, name, size, started_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&t.id)
        .bind(tenant_id)
        .bind(&t.session_id)
        .bind(&t.actor_id)
        .bind(t.direction.as_str())
        .bind(&t.name)
        .bind(t.size)
        .bind(t.started_at)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        w.commit(audit).await?;
        Ok(Ok(TransferView {
            id: t.id.clone(),
            session_id: t.session_id.clone(),
            actor_id: t.actor_id.clone(),
            direction: t.direction,
            name: t.name.clone(),
            size: t.size,
            sha256: None,
            outcome: None,
            bytes_done: 0,
            started_at: t.started_at,
            finished_at: None,
        }))
    }

    /// Closes a running transfer of `session_id` with the audit entry `audit` makes of it.
    pub async fn finish_transfer(
        &self,
        tenant_id: &str,
        session_id: &str,
        id: &str,
        end: &TransferEnd,
        audit: impl FnOnce(&TransferView) -> AuditEntry,
    ) -> sqlx::Result<Result<TransferView, FinishRefused>> {
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query(
            "UPDATE transfers SET outcome = $1, sha256 = $2, bytes_done = $3, finished_at = $4 \
             WHERE tenant_id = $5 AND session_id = $6 AND id = $7 AND outcome IS NULL",
        )
        .bind(end.outcome.as_str())
        .bind(&end.sha256)
        .bind(end.bytes_done)
        .bind(end.finished_at)
        .bind(tenant_id)
        .bind(session_id)
        .bind(id)
        .execute(crate::store::counting(&mut **w.tx()))
        .await?
        .rows_affected();
        let row = sqlx::query(
            "SELECT * FROM transfers WHERE tenant_id = $1 AND session_id = $2 AND id = $3",
        )
        .bind(tenant_id)
        .bind(session_id)
        .bind(id)
        .fetch_optional(crate::store::counting(&mut **w.tx()))
        .await?;
        let Some(row) = row else {
            return Ok(Err(FinishRefused::NotFound));
        };
        if done == 0 {
            return Ok(Err(FinishRefused::AlreadyFinished));
        }
        let t = transfer_from(&row)?;
        w.commit(&audit(&t)).await?;
        Ok(Ok(t))
    }

    /// A session's transfers, oldest first.
    pub async fn transfers_of(
        &self,
        tenant_id: &str,
        session_id: &str,
    ) -> sqlx::Result<Vec<TransferView>> {
        sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM transfers t WHERE t.tenant_id = $1 AND t.session_id = $2 \
             ORDER BY t.started_at, t.id"
        )))
        .bind(tenant_id)
        .bind(session_id)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(transfer_from)
        .collect()
    }

    /// The transfers of the sessions created from `from` to `to` (as the session report selects
    /// them), at most `limit`, ordered by session creation and then by start.
    pub async fn transfers_in_report(
        &self,
        tenant_id: &str,
        from: i64,
        to: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<TransferView>> {
        sqlx::query(AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM transfers t JOIN sessions s ON s.id = t.session_id \
             WHERE t.tenant_id = $1 AND s.created_at >= $2 AND s.created_at <= $3 \
             ORDER BY s.created_at, t.started_at, t.id LIMIT $4"
        )))
        .bind(tenant_id)
        .bind(from)
        .bind(to)
        .bind(limit)
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(transfer_from)
        .collect()
    }
}
