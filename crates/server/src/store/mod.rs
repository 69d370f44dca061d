//! Storage: one `Store` over SQLite (embedded default) or PostgreSQL, through sqlx's `Any` driver.
//! SQL is written once with `$1` placeholders (both backends accept them); what differs between the
//! backends lives in the numbered migration files of `migrations/{sqlite,postgres}`.

mod cache;
mod migrate;

pub mod audit;
pub mod chat;
pub mod conditional_access;
pub mod devices;
pub mod groups;
pub mod nodes;
pub mod offers;
pub mod oidc;
pub mod rate_limits;
pub mod revocation;
pub mod roles;
pub mod second_factor;
pub mod sessions;
pub mod tenants;
pub mod tokens;
pub mod transfers;
pub mod users;

pub use migrate::{MigrateError, SCHEMA_VERSION};

use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyPool, Executor};
use std::time::Duration;

/// Statements the query modules handed to the database, for `/metrics` and the benchmark's
/// statements per session setup: one per [`Store::pool`] call, and the statements inside a
/// transaction through [`counted`] (its `BEGIN` and `COMMIT` are not counted).
static STATEMENTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Counts `n` statements run inside a transaction (outside [`Store::pool`]).
pub(crate) fn counted(n: u64) {
    STATEMENTS.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
}

/// Counts one statement run inside a transaction, and passes its executor through.
pub(crate) fn counting<E>(executor: E) -> E {
    counted(1);
    executor
}

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The store and the tenant this server serves: what the layers above the store need to reach
/// the tenant's data. The application state implements it; lower modules take `&impl Tenancy`
/// rather than the whole state, so they cannot reach up into it.
pub trait Tenancy: Send + Sync {
    /// The database handle.
    fn store(&self) -> &Store;
    /// The id of the tenant this server serves.
    fn tenant_id(&self) -> &str;
}

/// The database handle, cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    reachable: std::sync::Arc<std::sync::atomic::AtomicBool>,
    cache: std::sync::Arc<cache::Cache>,
}

impl Store {
    /// Connects and applies pending migrations. Refuses a schema newer than this binary knows.
    pub async fn open(url: &str) -> anyhow::Result<Store> {
        install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            anyhow::bail!("unsupported database URL (use sqlite://FILE or postgres://...)");
        };
        let max = if backend == Backend::Sqlite { 8 } else { 16 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        // Checkpoints run in the background (`checkpoints`), not in the commit
                        // that happens to fill the log: that commit would wait for the copy and
                        // its fsync, and every message queued behind it with it.
                        conn.execute("PRAGMA wal_autocheckpoint = 0").await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await
            .map_err(|e| anyhow::anyhow!("cannot open the database: {e}"))?;
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL").await?;
        }
        let store = Store {
            pool,
            backend,
            reachable: std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true)),
            cache: Default::default(),
        };
        migrate::run(&store).await?;
        if backend == Backend::Sqlite {
            tokio::spawn(checkpoints(store.pool.clone()));
        }
        Ok(store)
    }

    /// The connection pool, for the query modules: each call is counted as one statement (a
    /// transaction's further statements are counted with [`Store::counted`]).
    pub fn pool(&self) -> &AnyPool {
        counted(1);
        &self.pool
    }

    /// Statements handed to the database by this process since it started
    /// (`assist_db_statements_total`).
    pub fn statements(&self) -> u64 {
        STATEMENTS.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Whether the database answered the latest probe (`watch_reachability`). Requests fail
    /// fast while it did not, rather than each waiting for the pool's acquire timeout.
    pub fn reachable(&self) -> bool {
        self.reachable.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Asks the database for `SELECT 1` within `limits::DB_PROBE_TIMEOUT_MS`: whether it answered.
    pub async fn probe(&self) -> bool {
        let limit = Duration::from_millis(crate::limits::DB_PROBE_TIMEOUT_MS);
        let answered = matches!(
            tokio::time::timeout(limit, sqlx::query("SELECT 1").execute(&self.pool)).await,
            Ok(Ok(_))
        );
        let was = self
            .reachable
            .swap(answered, std::sync::atomic::Ordering::Relaxed);
        if was != answered {
            if answered {
                tracing::info!("the database answers again");
            } else {
                tracing::warn!("the database does not answer: requests fail fast until it does");
            }
        }
        answered
    }
}

/// Probes the database every `limits::DB_PROBE_INTERVAL_MS` until the pool closes, so that
/// `Store::reachable` follows it. Only for PostgreSQL: an embedded database file does not go
/// out of reach.
pub async fn watch_reachability(store: Store) {
    if store.backend != Backend::Postgres {
        return;
    }
    loop {
        tokio::time::sleep(Duration::from_millis(crate::limits::DB_PROBE_INTERVAL_MS)).await;
        if store.pool.is_closed() {
            break;
        }
        store.probe().await;
    }
}

/// How often the write-ahead log of SQLite is copied into the database file.
pub const WAL_CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// SQLite: copies the write-ahead log into the database every [`WAL_CHECKPOINT_EVERY`], beside
/// the writers (a passive checkpoint neither waits for nor blocks them), until the pool closes.
/// The log starts over once everything in it is copied and no reader needs it.
async fn checkpoints(pool: AnyPool) {
    loop {
        tokio::time::sleep(WAL_CHECKPOINT_EVERY).await;
        if pool.is_closed() {
            break;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_all(&pool)
            .await
        {
            tracing::warn!(error = %e, "checkpointing the database log failed");
        }
    }
}

/// Whether a statement failed on a unique index (a name or key already taken).
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// A new random identifier (UUID v4, simple form).
pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Booleans are stored as integers on both backends.
pub fn b(v: bool) -> i64 {
    i64::from(v)
}

/// Splits `items` into runs whose lengths are powers of two, largest first, none longer than
/// `max` (a power of two). Multi-row statements are built per run, so a statement's text takes
/// one of a few shapes (1, 2, 4, ... rows) and stays in each connection's prepared-statement
/// cache, where one shape per batch size would be prepared again and again.
pub(crate) fn runs<T>(items: &[T], max: usize) -> impl Iterator<Item = &[T]> {
    debug_assert!(max.is_power_of_two());
    let mut rest = items;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let len = rest.len().min(max);
        let len = 1 << len.ilog2();
        let (run, tail) = rest.split_at(len);
        rest = tail;
        Some(run)
    })
}

/// `(${from}, ${from + 1}, ..., ${from + width - 1})`: the placeholders of one row.
pub(crate) fn placeholders(from: usize, width: usize) -> String {
    let cells: Vec<String> = (from..from + width).map(|i| format!("${i}")).collect();
    format!("({})", cells.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_are_powers_of_two_in_order() {
        let items: Vec<u32> = (0..23).collect();
        let lens: Vec<usize> = runs(&items, 8).map(<[u32]>::len).collect();
        assert_eq!(lens, [8, 8, 4, 2, 1]);
        let back: Vec<u32> = runs(&items, 8).flatten().copied().collect();
        assert_eq!(back, items);
        assert_eq!(runs(&items[..0], 8).count(), 0);
        assert_eq!(
            runs(&items[..1], 1).map(<[u32]>::len).collect::<Vec<_>>(),
            [1]
        );
    }

    #[test]
    fn placeholders_number_one_row() {
        assert_eq!(placeholders(5, 3), "($5, $6, $7)");
    }
}
