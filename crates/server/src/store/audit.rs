//! The append-only, tamper-evident audit log. The database refuses updates and deletes of its
//! rows (and `TRUNCATE` on PostgreSQL); each entry is a link of its tenant's hash chain
//! (`crate::audit::chain`).
//!
//! Appending takes the tenant's row of `audit_chain` (the chain's head) until the commit: on
//! PostgreSQL a row lock, on SQLite the database's one write lock. Appends of one tenant, from
//! any request or node, therefore chain one after another. A change and its audit entry commit
//! together through [`Audited`]: it takes the head first, then the change is made and checked,
//! then the entry is appended and everything commits at once (or nothing does). Other writes
//! that append entries (chat) take the head last, after their own rows; so no two transactions
//! wait for each other in a cycle.

use super::{Backend, Store};
use crate::audit::action::Action;
use crate::audit::chain::{self, Break, Fields, Walker};
use crate::clock::now_ms;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Row, Transaction};

/// One audit entry to write.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub actor_id: Option<String>,
    /// Who acted, for people: an email, `system`, or a device name.
    pub actor: String,
    /// What happened, e.g. `auth.sign_in`, `session.created`.
    pub action: Action,
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
    /// The entry's place in the tenant's chain (1, 2, ...).
    pub seq: Option<i64>,
    /// The entry's link: SHA-256 over the previous link and this entry's fields.
    pub hash: Option<String>,
}

/// What checking a tenant's chain found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditVerification {
    /// True when every entry links to the one before it and the head matches the last entry.
    pub intact: bool,
    /// Entries that were checked and hold, from the first.
    pub verified: i64,
    /// The first link that does not hold, if any.
    pub first_broken: Option<BrokenLink>,
}

/// The first entry at which the chain does not hold.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BrokenLink {
    /// The entry's id (absent when the chain's last entries are missing).
    pub id: Option<i64>,
    /// The entry's place in the chain (for `missing`: the place that was expected).
    pub seq: i64,
    pub reason: Break,
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
    /// Appends an entry (on its own: a change and its entry go together through [`Store::audited`]).
    pub async fn audit(&self, tenant_id: &str, e: &AuditEntry) -> sqlx::Result<()> {
        let mut tx = self.pool().begin().await?;
        append(&mut tx, self.backend(), tenant_id, std::slice::from_ref(e)).await?;
        tx.commit().await
    }

    /// Begins a change of `tenant_id` that commits together with its audit entry: takes the
    /// tenant's chain head first (so audited changes of a tenant run one at a time, and a check
    /// made inside sees every change committed before), see [`Audited`].
    pub async fn audited(&self, tenant_id: &str) -> sqlx::Result<Audited> {
        let mut tx = self.pool().begin().await?;
        head(&mut tx, tenant_id).await?;
        Ok(Audited {
            tx,
            backend: self.backend(),
            tenant_id: tenant_id.to_owned(),
        })
    }

    /// Checks the tenant's chain from its first entry and reports the first link that does
    /// not hold.
    pub async fn verify_audit(&self, tenant_id: &str) -> sqlx::Result<AuditVerification> {
        let mut walker = Walker::default();
        let broken = |id, seq, reason| {
            Ok(AuditVerification {
                intact: false,
                verified: 0,
                first_broken: Some(BrokenLink { id, seq, reason }),
            })
        };
        let mut result: sqlx::Result<AuditVerification> = Ok(AuditVerification {
            intact: true,
            verified: 0,
            first_broken: None,
        });
        'walk: loop {
            let rows = sqlx::query(
                "SELECT id, seq, hash, tenant_id, at, actor_id, actor, action, target, address, detail \
                 FROM audit WHERE tenant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
            )
            .bind(tenant_id)
            .bind(walker.last_seq())
            .bind(AUDIT_VERIFY_PAGE)
            .fetch_all(self.pool())
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let row = Linked::from_row(r)?;
                if let Err(reason) = walker.step(&row.fields(), &row.hash) {
                    let seq = if reason == Break::Missing {
                        walker.last_seq() + 1
                    } else {
                        row.seq
                    };
                    result = broken(Some(row.id), seq, reason);
                    break 'walk;
                }
            }
        }
        if result.as_ref().is_ok_and(|r| r.intact) {
            // Entries without a link (inserted around the chain), then the head.
            let unlinked = sqlx::query(
                "SELECT MIN(id) AS id FROM audit WHERE tenant_id = $1 AND (seq IS NULL OR hash IS NULL)",
            )
            .bind(tenant_id)
            .fetch_one(self.pool())
            .await?
            .try_get::<Option<i64>, _>("id")?;
            let head = sqlx::query("SELECT seq, hash FROM audit_chain WHERE tenant_id = $1")
                .bind(tenant_id)
                .fetch_optional(self.pool())
                .await?
                .map(|r| {
                    Ok::<_, sqlx::Error>((
                        r.try_get::<i64, _>("seq")?,
                        r.try_get::<String, _>("hash")?,
                    ))
                })
                .transpose()?;
            if let Some(id) = unlinked {
                result = broken(Some(id), walker.last_seq() + 1, Break::Unlinked);
            } else if let Some((seq, hash)) = head
                && (seq != walker.last_seq() || hash != walker.last_hash())
            {
                result = broken(None, walker.last_seq() + 1, Break::Truncated);
            }
        }
        result.map(|mut r| {
            r.verified = walker.last_seq();
            r
        })
    }

    /// Ids of every tenant that has audit entries or a chain head.
    pub async fn audited_tenants(&self) -> sqlx::Result<Vec<String>> {
        sqlx::query(
            "SELECT tenant_id FROM audit_chain UNION SELECT DISTINCT tenant_id FROM audit ORDER BY tenant_id",
        )
        .fetch_all(self.pool())
        .await?
        .iter()
        .map(|r| r.try_get("tenant_id"))
        .collect()
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
                    seq: r.try_get("seq")?,
                    hash: r.try_get("hash")?,
                })
            })
            .collect::<sqlx::Result<_>>()?;
        Ok((records, total))
    }
}

/// A change and its audit entry, in one transaction that holds the tenant's chain head (begun
/// by [`Store::audited`]). Make the change through [`Audited::tx`], then [`Audited::commit`]
/// with the entry; dropping it instead rolls everything back.
pub struct Audited {
    tx: Transaction<'static, Any>,
    backend: Backend,
    tenant_id: String,
}

impl Audited {
    /// The transaction, for the change's statements.
    pub fn tx(&mut self) -> &mut Transaction<'static, Any> {
        &mut self.tx
    }

    /// The backend, for the statements that differ.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Appends the entry and commits the change with it.
    pub async fn commit(self, e: &AuditEntry) -> sqlx::Result<()> {
        self.commit_all(std::slice::from_ref(e)).await
    }

    /// Appends the entries and commits the change with them.
    pub async fn commit_all(mut self, entries: &[AuditEntry]) -> sqlx::Result<()> {
        append(&mut self.tx, self.backend, &self.tenant_id, entries).await?;
        self.tx.commit().await
    }
}

/// Takes the tenant's chain head (creating it at 0 for a tenant's first entry) until the
/// commit, and answers its `seq` and hash. An upsert, so that it is a write on both backends:
/// PostgreSQL locks the row (a concurrent append waits, then reads what this one committed);
/// SQLite takes its write lock at the transaction's first statement, before anything is read.
async fn head(tx: &mut Transaction<'_, Any>, tenant_id: &str) -> sqlx::Result<(i64, String)> {
    let row = sqlx::query(
        "INSERT INTO audit_chain (tenant_id, seq, hash) VALUES ($1, 0, '') \
         ON CONFLICT (tenant_id) DO UPDATE SET seq = audit_chain.seq RETURNING seq, hash",
    )
    .bind(tenant_id)
    .fetch_one(crate::store::counting(&mut **tx))
    .await?;
    Ok((row.try_get("seq")?, row.try_get("hash")?))
}

/// Appends entries of one tenant at the end of its chain, inside the caller's transaction
/// (after the caller's own writes), in a few multi-row statements (runs of 1, 2, 4, ... rows, at
/// most [`AUDIT_ROWS_PER_INSERT`]). On PostgreSQL the trigger `audit_link` links each row; on
/// SQLite the links are computed here.
pub(super) async fn append(
    tx: &mut Transaction<'_, Any>,
    backend: Backend,
    tenant_id: &str,
    entries: &[AuditEntry],
) -> sqlx::Result<()> {
    let at = now_ms();
    let (mut seq, mut prev) = head(tx, tenant_id).await?;
    for run in super::runs(entries, AUDIT_ROWS_PER_INSERT) {
        let rows: Vec<String> = (0..run.len())
            .map(|r| super::placeholders(r * 10 + 1, 10))
            .collect();
        let sql = format!(
            "INSERT INTO audit (tenant_id, at, actor_id, actor, action, target, address, detail, seq, hash) VALUES {}",
            rows.join(", ")
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for e in run {
            let detail = e.detail.to_string();
            let link = match backend {
                Backend::Postgres => None,
                Backend::Sqlite => {
                    seq += 1;
                    prev = chain::link(
                        &prev,
                        &Fields {
                            seq,
                            tenant_id,
                            at,
                            actor_id: e.actor_id.as_deref(),
                            actor: &e.actor,
                            action: e.action.as_str(),
                            target: e.target.as_deref(),
                            address: e.address.as_deref(),
                            detail: &detail,
                        },
                    );
                    Some((seq, prev.clone()))
                }
            };
            q = q
                .bind(tenant_id)
                .bind(at)
                .bind(&e.actor_id)
                .bind(&e.actor)
                .bind(e.action.as_str())
                .bind(&e.target)
                .bind(&e.address)
                .bind(detail)
                .bind(link.as_ref().map(|l| l.0))
                .bind(link.map(|l| l.1));
        }
        q.execute(crate::store::counting(&mut **tx)).await?;
    }
    if backend == Backend::Sqlite && !entries.is_empty() {
        sqlx::query("UPDATE audit_chain SET seq = $1, hash = $2 WHERE tenant_id = $3")
            .bind(seq)
            .bind(&prev)
            .bind(tenant_id)
            .execute(crate::store::counting(&mut **tx))
            .await?;
    }
    Ok(())
}

/// An entry as stored, with its link.
struct Linked {
    id: i64,
    seq: i64,
    hash: String,
    tenant_id: String,
    at: i64,
    actor_id: Option<String>,
    actor: String,
    action: String,
    target: Option<String>,
    address: Option<String>,
    detail: String,
}

impl Linked {
    fn from_row(r: &AnyRow) -> sqlx::Result<Linked> {
        Ok(Linked {
            id: r.try_get("id")?,
            seq: r.try_get::<Option<i64>, _>("seq")?.unwrap_or(0),
            hash: r.try_get::<Option<String>, _>("hash")?.unwrap_or_default(),
            tenant_id: r.try_get("tenant_id")?,
            at: r.try_get("at")?,
            actor_id: r.try_get("actor_id")?,
            actor: r.try_get("actor")?,
            action: r.try_get("action")?,
            target: r.try_get("target")?,
            address: r.try_get("address")?,
            detail: r.try_get("detail")?,
        })
    }

    fn fields(&self) -> Fields<'_> {
        Fields {
            seq: self.seq,
            tenant_id: &self.tenant_id,
            at: self.at,
            actor_id: self.actor_id.as_deref(),
            actor: &self.actor,
            action: &self.action,
            target: self.target.as_deref(),
            address: self.address.as_deref(),
            detail: &self.detail,
        }
    }
}

/// Migration 9: links the entries written before the chain existed, per tenant in id order
/// (the order they were written), and records each tenant's head. Runs inside the migration's
/// transaction, while the trigger that refuses updates is dropped.
pub(super) async fn chain_existing(tx: &mut Transaction<'_, Any>) -> sqlx::Result<()> {
    let tenants: Vec<String> =
        sqlx::query("SELECT DISTINCT tenant_id FROM audit ORDER BY tenant_id")
            .fetch_all(crate::store::counting(&mut **tx))
            .await?
            .iter()
            .map(|r| r.try_get("tenant_id"))
            .collect::<sqlx::Result<_>>()?;
    for tenant_id in tenants {
        let (mut seq, mut prev, mut after) = (0_i64, String::new(), 0_i64);
        loop {
            let rows = sqlx::query(
                "SELECT id, 0 AS seq, '' AS hash, tenant_id, at, actor_id, actor, action, target, address, detail \
                 FROM audit WHERE tenant_id = $1 AND id > $2 ORDER BY id LIMIT $3",
            )
            .bind(&tenant_id)
            .bind(after)
            .bind(AUDIT_VERIFY_PAGE)
            .fetch_all(crate::store::counting(&mut **tx))
            .await?;
            if rows.is_empty() {
                break;
            }
            for r in &rows {
                let mut row = Linked::from_row(r)?;
                seq += 1;
                row.seq = seq;
                prev = chain::link(&prev, &row.fields());
                after = row.id;
                sqlx::query("UPDATE audit SET seq = $1, hash = $2 WHERE id = $3")
                    .bind(seq)
                    .bind(&prev)
                    .bind(row.id)
                    .execute(crate::store::counting(&mut **tx))
                    .await?;
            }
        }
        sqlx::query("INSERT INTO audit_chain (tenant_id, seq, hash) VALUES ($1, $2, $3)")
            .bind(&tenant_id)
            .bind(seq)
            .bind(&prev)
            .execute(crate::store::counting(&mut **tx))
            .await?;
    }
    Ok(())
}

/// Rows in one multi-row audit insert (a power of two): 10 parameters each, well inside SQLite's
/// and PostgreSQL's limits on parameters per statement.
const AUDIT_ROWS_PER_INSERT: usize = 256;

/// Entries read per query when checking or linking a chain.
const AUDIT_VERIFY_PAGE: i64 = 1000;
