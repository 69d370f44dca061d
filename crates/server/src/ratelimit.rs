//! Failure counters in fixed windows, per key (an account or a client address).
//!
//! Two homes, one API: in memory for a single node (SQLite), or in the database's `rate_limits`
//! table when the store is PostgreSQL and several nodes may serve the same people, so that
//! guesses spread over nodes add up. Each failure is one atomic upsert per key; see
//! `docs/state.md`.

use crate::error::{ApiResult, AppError};
use crate::store::{Backend, Store};
use sqlx::Row;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A limit: at most `max` failures per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

/// Counts failures per key.
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
    /// The shared table, when several nodes may run.
    shared: Option<Store>,
}

/// Keys kept before old windows are swept.
const SWEEP_AT: usize = 100_000;

fn ms(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl RateLimiter {
    /// Counters kept in this process only (one node).
    pub fn in_memory() -> RateLimiter {
        RateLimiter::default()
    }

    /// Counters in the database's `rate_limits` table, seen by every node.
    pub fn shared(store: Store) -> RateLimiter {
        RateLimiter {
            shared: Some(store),
            ..RateLimiter::default()
        }
    }

    /// Shared counters on PostgreSQL (the only store several nodes can share), in memory otherwise.
    pub fn for_store(store: &Store) -> RateLimiter {
        match store.backend() {
            Backend::Postgres => RateLimiter::shared(store.clone()),
            Backend::Sqlite => RateLimiter::in_memory(),
        }
    }

    /// Whether the counters are shared between nodes.
    pub fn is_shared(&self) -> bool {
        self.shared.is_some()
    }

    /// 429 `rate_limited` (with the seconds to wait) while `key` has used up its failures in the
    /// current window. If the shared counters cannot be read, the attempt is refused (fail
    /// closed) with the database's error: 503 `database_unavailable` when it is out of reach.
    pub async fn check(&self, key: &str, limit: Limit) -> ApiResult<()> {
        let verdict = match &self.shared {
            None => self.check_at(key, limit, Instant::now()),
            Some(store) => check_shared(store, key, limit, crate::clock::now_ms()).await?,
        };
        verdict.map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })
    }

    /// Counts one failure for `key`.
    pub async fn fail(&self, key: &str, limit: Limit) {
        match &self.shared {
            None => self.fail_at(key, limit, Instant::now()),
            Some(store) => {
                if let Err(e) = fail_shared(store, key, limit, crate::clock::now_ms()).await {
                    tracing::warn!(error = %e, "counting a rate-limited failure failed");
                }
            }
        }
    }

    /// Forgets the failures of `key` (after a success).
    pub async fn reset(&self, key: &str) {
        match &self.shared {
            None => {
                self.lock().remove(key);
            }
            Some(store) => {
                if let Err(e) = sqlx::query("DELETE FROM rate_limits WHERE key = $1")
                    .bind(key)
                    .execute(store.pool())
                    .await
                {
                    tracing::warn!(error = %e, "resetting a rate limit failed");
                }
            }
        }
    }

    /// Forgets windows that ended before `now_ms` (shared counters; memory sweeps itself).
    pub async fn sweep(&self, now_ms: i64) -> sqlx::Result<u64> {
        match &self.shared {
            None => Ok(0),
            Some(store) => Ok(sqlx::query(
                "DELETE FROM rate_limits WHERE window_start + window_ms <= $1",
            )
            .bind(now_ms)
            .execute(store.pool())
            .await?
            .rows_affected()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, u32)>> {
        // A panic while holding this lock cannot leave the map inconsistent: recover it.
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn check_at(&self, key: &str, limit: Limit, now: Instant) -> Result<(), u64> {
        let map = self.lock();
        match map.get(key) {
            Some((start, n)) if now.duration_since(*start) < limit.window && *n >= limit.max => {
                let left = limit.window - now.duration_since(*start);
                Err(left.as_secs().max(1))
            }
            _ => Ok(()),
        }
    }

    fn fail_at(&self, key: &str, limit: Limit, now: Instant) {
        let mut map = self.lock();
        if map.len() >= SWEEP_AT {
            map.retain(|_, (start, _)| now.duration_since(*start) < limit.window);
        }
        let entry = map.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= limit.window {
            *entry = (now, 0);
        }
        entry.1 = entry.1.saturating_add(1);
    }
}

async fn check_shared(
    store: &Store,
    key: &str,
    limit: Limit,
    now: i64,
) -> sqlx::Result<Result<(), u64>> {
    let row = sqlx::query("SELECT window_start, failures FROM rate_limits WHERE key = $1")
        .bind(key)
        .fetch_optional(store.pool())
        .await?;
    let Some(row) = row else { return Ok(Ok(())) };
    let start: i64 = row.try_get("window_start")?;
    let failures: i64 = row.try_get("failures")?;
    let end = start.saturating_add(ms(limit.window));
    if now < end && failures >= i64::from(limit.max) {
        let left_ms = u64::try_from(end - now).unwrap_or(0);
        return Ok(Err(left_ms.div_ceil(1000).max(1)));
    }
    Ok(Ok(()))
}

/// One atomic upsert: a new window starts when the old one is over, else the count goes up.
async fn fail_shared(store: &Store, key: &str, limit: Limit, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO rate_limits (key, window_start, window_ms, failures) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (key) DO UPDATE SET \
           failures = CASE WHEN rate_limits.window_start + rate_limits.window_ms <= $2 \
                           THEN 1 ELSE rate_limits.failures + 1 END, \
           window_start = CASE WHEN rate_limits.window_start + rate_limits.window_ms <= $2 \
                               THEN $2 ELSE rate_limits.window_start END, \
           window_ms = $3",
    )
    .bind(key)
    .bind(now)
    .bind(ms(limit.window))
    .execute(store.pool())
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_max_failures_and_recovers_after_the_window() {
        let rl = RateLimiter::default();
        let limit = Limit {
            max: 3,
            window: Duration::from_secs(60),
        };
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(rl.check_at("k", limit, t0).is_ok());
            rl.fail_at("k", limit, t0);
        }
        assert_eq!(rl.check_at("k", limit, t0), Err(60));
        assert!(rl.check_at("other", limit, t0).is_ok());
        assert!(
            rl.check_at("k", limit, t0 + Duration::from_secs(61))
                .is_ok()
        );
    }

    #[tokio::test]
    async fn reset_forgets() {
        let rl = RateLimiter::default();
        let limit = Limit {
            max: 1,
            window: Duration::from_secs(60),
        };
        rl.fail("k", limit).await;
        assert!(rl.check("k", limit).await.is_err());
        rl.reset("k").await;
        assert!(rl.check("k", limit).await.is_ok());
    }

    #[tokio::test]
    async fn shared_counters_add_up_and_windows_end() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("rl.db").display());
        let store = Store::open(&url).await.unwrap();
        // Two limiters on one database stand for two nodes.
        let (a, b) = (
            RateLimiter::shared(store.clone()),
            RateLimiter::shared(store.clone()),
        );
        let limit = Limit {
            max: 3,
            window: Duration::from_secs(60),
        };
        let t0 = 1_000_000;
        fail_shared(&store, "k", limit, t0).await.unwrap();
        fail_shared(&store, "k", limit, t0 + 1).await.unwrap();
        assert_eq!(
            check_shared(&store, "k", limit, t0 + 2).await.unwrap(),
            Ok(())
        );
        fail_shared(&store, "k", limit, t0 + 2).await.unwrap();
        assert_eq!(
            check_shared(&store, "k", limit, t0 + 3).await.unwrap(),
            Err(60)
        );
        assert_eq!(
            check_shared(&store, "other", limit, t0 + 3).await.unwrap(),
            Ok(())
        );
        // Past the window: allowed again, and the next failure opens a fresh window.
        let later = t0 + 60_000;
        assert_eq!(
            check_shared(&store, "k", limit, later).await.unwrap(),
            Ok(())
        );
        fail_shared(&store, "k", limit, later).await.unwrap();
        assert_eq!(
            check_shared(&store, "k", limit, later).await.unwrap(),
            Ok(())
        );
        // The public API against the real clock: failures on one node block on the other.
        for _ in 0..3 {
            a.fail("n", limit).await;
        }
        assert!(b.check("n", limit).await.is_err());
        b.reset("n").await;
        assert!(a.check("n", limit).await.is_ok());
        assert!(a.sweep(later + 120_000).await.unwrap() >= 1);
        store.close().await;
    }
}
