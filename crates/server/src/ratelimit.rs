//! Attempt counters in fixed windows, per key (an account, a client address, or both).
//!
//! An attempt is **reserved before its work** (a password checked, a code looked up): one atomic
//! step counts it if the key has room left in its window, or refuses it. Requests that arrive
//! together therefore cannot all pass a check before any of them is counted. An attempt that
//! succeeds is given back, so it does not count; one that fails simply stays counted.
//!
//! Two homes, one API: in memory for a single node (SQLite), or in the database's `rate_limits`
//! table when the store is PostgreSQL and several nodes may serve the same people, so that
//! guesses spread over nodes add up (one upsert per attempt; see `docs/state.md`).

use crate::error::{ApiResult, AppError};
use crate::store::rate_limits::FullWindow;
use crate::store::{Backend, Store};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

/// A limit: at most `max` attempts counted per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: u32,
    pub window: Duration,
}

impl Limit {
    fn window_ms(&self) -> i64 {
        i64::try_from(self.window.as_millis()).unwrap_or(i64::MAX)
    }
}

/// An attempt reserved against a limit. It counts unless given back with
/// [`RateLimiter::give_back`] (dropping it keeps it counted: a failure, or an error).
#[must_use = "an attempt counts as a failure unless it is given back"]
#[derive(Debug)]
pub struct Attempt {
    key: String,
    window_start: i64,
}

/// An attempt refused: the key has used up its attempts in the current window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// Seconds until the window ends (at least 1).
    pub retry_after_secs: u64,
    /// Attempts refused in this window so far, this one included (1: the lockout begins).
    pub refused_in_window: u64,
}

impl Refusal {
    /// Whether this refusal goes into the audit log: the first of a window (the lockout), then
    /// the 2nd, 4th, 8th, ...: a flood shows with its size, without filling the log.
    pub fn worth_auditing(&self) -> bool {
        self.refused_in_window.is_power_of_two()
    }
}

impl From<Refusal> for AppError {
    fn from(r: Refusal) -> AppError {
        AppError::RateLimited {
            retry_after_secs: r.retry_after_secs,
        }
    }
}

/// A key's current window (in memory).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    start: i64,
    window_ms: i64,
    used: u32,
    refused: u64,
}

impl Window {
    fn over_at(&self, now: i64) -> bool {
        self.start.saturating_add(self.window_ms) <= now
    }
}

/// Reserves an attempt in `slot` at `now` (pure): a window that is over starts afresh.
fn reserve_in(slot: &mut Option<Window>, limit: Limit, now: i64) -> Result<i64, Refusal> {
    let w = match slot {
        Some(w) if !w.over_at(now) => w,
        _ => slot.insert(Window {
            start: now,
            window_ms: limit.window_ms(),
            used: 0,
            refused: 0,
        }),
    };
    if w.used < limit.max {
        w.used += 1;
        return Ok(w.start);
    }
    w.refused = w.refused.saturating_add(1);
    Err(refusal(
        FullWindow {
            start: w.start,
            window_ms: w.window_ms,
            refused: i64::try_from(w.refused).unwrap_or(i64::MAX),
        },
        now,
    ))
}

/// Gives back an attempt reserved in the window that started at `start` (pure).
fn give_back_in(slot: &mut Option<Window>, start: i64) {
    if let Some(w) = slot
        && w.start == start
    {
        w.used = w.used.saturating_sub(1);
    }
}

fn refusal(w: FullWindow, now: i64) -> Refusal {
    let left_ms = w.start.saturating_add(w.window_ms).saturating_sub(now);
    Refusal {
        retry_after_secs: u64::try_from(left_ms).unwrap_or(0).div_ceil(1000).max(1),
        refused_in_window: u64::try_from(w.refused).unwrap_or(1).max(1),
    }
}

/// Counts attempts per key.
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, Window>>,
    /// The shared table, when several nodes may run.
    shared: Option<Store>,
}

/// Keys kept in memory before windows that are over are swept.
const SWEEP_AT: usize = 100_000;

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

    /// Reserves one attempt for `key` before its work: `Ok(Ok(attempt))` when the key has room
    /// in its window (the attempt now counts), `Ok(Err(refusal))` when it has none (a refusal
    /// converts into 429 `rate_limited` with the seconds to wait). If the shared counters cannot
    /// be written, the attempt is refused (fail closed) with the database's error: 503
    /// `database_unavailable` when it is out of reach.
    pub async fn reserve(&self, key: &str, limit: Limit) -> ApiResult<Result<Attempt, Refusal>> {
        self.reserve_at(key, limit, crate::clock::now_ms()).await
    }

    async fn reserve_at(
        &self,
        key: &str,
        limit: Limit,
        now: i64,
    ) -> ApiResult<Result<Attempt, Refusal>> {
        let reserved = match &self.shared {
            None => {
                let mut map = self.lock();
                if map.len() >= SWEEP_AT {
                    map.retain(|_, w| !w.over_at(now));
                }
                let mut slot = map.get(key).copied();
                let r = reserve_in(&mut slot, limit, now);
                if let Some(w) = slot {
                    map.insert(key.to_owned(), w);
                }
                r
            }
            Some(store) => store
                .reserve_attempt(key, limit.max, limit.window_ms(), now)
                .await
                .map_err(AppError::from)?
                .map_err(|w| refusal(w, now)),
        };
        Ok(reserved.map(|window_start| Attempt {
            key: key.to_owned(),
            window_start,
        }))
    }

    /// Gives a reserved attempt back: it succeeded, or was not a guess, and does not count.
    pub async fn give_back(&self, attempt: Attempt) {
        match &self.shared {
            None => {
                let mut map = self.lock();
                let mut slot = map.get(&attempt.key).copied();
                give_back_in(&mut slot, attempt.window_start);
                if let Some(w) = slot {
                    map.insert(attempt.key, w);
                }
            }
            Some(store) => {
                if let Err(e) = store
                    .give_back_attempt(&attempt.key, attempt.window_start)
                    .await
                {
                    tracing::warn!(error = %e, "giving back a rate-limited attempt failed");
                }
            }
        }
    }

    /// Forgets windows that ended before `now_ms` (shared counters; memory sweeps itself).
    pub async fn sweep(&self, now_ms: i64) -> sqlx::Result<u64> {
        match &self.shared {
            None => Ok(0),
            Some(store) => store.sweep_rate_limits(now_ms).await,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Window>> {
        // A panic while holding this lock cannot leave the map inconsistent: recover it.
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: Limit = Limit {
        max: 3,
        window: Duration::from_secs(60),
    };

    #[test]
    fn reserves_up_to_max_then_refuses_until_the_window_ends() {
        let mut slot = None;
        let t0 = 1_000_000;
        for _ in 0..3 {
            assert_eq!(reserve_in(&mut slot, LIMIT, t0), Ok(t0));
        }
        assert_eq!(
            reserve_in(&mut slot, LIMIT, t0 + 500),
            Err(Refusal {
                retry_after_secs: 60,
                refused_in_window: 1
            })
        );
        assert_eq!(
            reserve_in(&mut slot, LIMIT, t0 + 59_001),
            Err(Refusal {
                retry_after_secs: 1,
                refused_in_window: 2
            })
        );
        // The window is over: a fresh one, with nothing refused yet.
        assert_eq!(reserve_in(&mut slot, LIMIT, t0 + 60_000), Ok(t0 + 60_000));
        assert_eq!(slot.unwrap().used, 1);
        assert_eq!(slot.unwrap().refused, 0);
    }

    #[test]
    fn given_back_attempts_do_not_count_but_only_in_their_window() {
        let mut slot = None;
        let t0 = 5_000;
        let starts: Vec<i64> = (0..3)
            .map(|_| reserve_in(&mut slot, LIMIT, t0).unwrap())
            .collect();
        assert!(reserve_in(&mut slot, LIMIT, t0).is_err());
        give_back_in(&mut slot, starts[0]);
        assert_eq!(reserve_in(&mut slot, LIMIT, t0 + 1), Ok(t0));
        // An attempt of an old window given back in a new one changes nothing.
        let later = t0 + 60_000;
        assert_eq!(reserve_in(&mut slot, LIMIT, later), Ok(later));
        give_back_in(&mut slot, starts[1]);
        assert_eq!(slot.unwrap().used, 1);
        give_back_in(&mut slot, later);
        give_back_in(&mut slot, later);
        assert_eq!(slot.unwrap().used, 0, "never below zero");
    }

    #[test]
    fn refusals_worth_auditing_thin_out() {
        let audited: Vec<u64> = (1..=100)
            .filter(|&n| {
                Refusal {
                    retry_after_secs: 1,
                    refused_in_window: n,
                }
                .worth_auditing()
            })
            .collect();
        assert_eq!(audited, [1, 2, 4, 8, 16, 32, 64]);
    }

    async fn reserved_of(limiter: &RateLimiter, key: &str, n: usize) -> (usize, Vec<Attempt>) {
        let results = futures_util::future::join_all(
            (0..n).map(|_| async { limiter.reserve(key, LIMIT).await.unwrap() }),
        )
        .await;
        let mut kept = Vec::new();
        let mut refused = 0;
        for r in results {
            match r {
                Ok(a) => kept.push(a),
                Err(_) => refused += 1,
            }
        }
        (refused, kept)
    }

    #[tokio::test]
    async fn in_memory_reservations_hold_and_give_back() {
        let rl = RateLimiter::in_memory();
        let (refused, kept) = reserved_of(&rl, "k", 50).await;
        assert_eq!((refused, kept.len()), (47, 3));
        for a in kept {
            rl.give_back(a).await;
        }
        let (refused, kept) = reserved_of(&rl, "k", 5).await;
        assert_eq!((refused, kept.len()), (2, 3));
        let (_, other) = reserved_of(&rl, "other", 1).await;
        assert_eq!(other.len(), 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn shared_counters_hold_under_concurrency_and_windows_end() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("rl.db").display());
        let store = Store::open(&url).await.unwrap();
        // Two limiters on one database stand for two nodes.
        let (a, b) = (
            std::sync::Arc::new(RateLimiter::shared(store.clone())),
            std::sync::Arc::new(RateLimiter::shared(store.clone())),
        );
        // 40 attempts at once, half on each node: exactly `max` are reserved.
        let tasks: Vec<_> = (0..40)
            .map(|i| {
                let rl = if i % 2 == 0 { a.clone() } else { b.clone() };
                tokio::spawn(async move { rl.reserve("n", LIMIT).await.unwrap() })
            })
            .collect();
        let mut kept = Vec::new();
        let mut refusals = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                Ok(at) => kept.push(at),
                Err(r) => refusals.push(r.refused_in_window),
            }
        }
        assert_eq!(kept.len(), 3);
        refusals.sort();
        assert_eq!(refusals, (1..=37).collect::<Vec<u64>>());
        // One given back on node a: one more fits, on node b.
        a.give_back(kept.pop().unwrap()).await;
        assert!(b.reserve("n", LIMIT).await.unwrap().is_ok());
        assert!(a.reserve("n", LIMIT).await.unwrap().is_err());

        // Windows at chosen times: a full one ends, and a fresh one starts.
        let t0 = 1_000_000;
        for _ in 0..3 {
            assert!(a.reserve_at("t", LIMIT, t0).await.unwrap().is_ok());
        }
        let r = a.reserve_at("t", LIMIT, t0 + 1_500).await.unwrap();
        assert_eq!(
            r.unwrap_err(),
            Refusal {
                retry_after_secs: 59,
                refused_in_window: 1
            }
        );
        let later = t0 + 60_000;
        let fresh = b.reserve_at("t", LIMIT, later).await.unwrap().unwrap();
        assert_eq!(fresh.window_start, later);
        // A give-back for the old window is ignored.
        a.give_back(Attempt {
            key: "t".into(),
            window_start: t0,
        })
        .await;
        for _ in 0..2 {
            assert!(a.reserve_at("t", LIMIT, later).await.unwrap().is_ok());
        }
        assert!(a.reserve_at("t", LIMIT, later).await.unwrap().is_err());
        assert!(a.sweep(later + 120_000).await.unwrap() >= 1);
        store.close().await;
    }
}
