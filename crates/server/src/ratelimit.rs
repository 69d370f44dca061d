//! Failure counters in fixed windows, per key (an account or a client address).
//! One node keeps them in memory; see `docs/state.md` for what this means with several nodes.

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
}

/// Keys kept before old windows are swept.
const SWEEP_AT: usize = 100_000;

impl RateLimiter {
    /// `Err(seconds to wait)` while `key` has used up its failures in the current window.
    pub fn check(&self, key: &str, limit: Limit) -> Result<(), u64> {
        self.check_at(key, limit, Instant::now())
    }

    /// Counts one failure for `key`.
    pub fn fail(&self, key: &str, limit: Limit) {
        self.fail_at(key, limit, Instant::now());
    }

    /// Forgets the failures of `key` (after a success).
    pub fn reset(&self, key: &str) {
        self.lock().remove(key);
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

    #[test]
    fn reset_forgets() {
        let rl = RateLimiter::default();
        let limit = Limit {
            max: 1,
            window: Duration::from_secs(60),
        };
        rl.fail("k", limit);
        assert!(rl.check("k", limit).is_err());
        rl.reset("k");
        assert!(rl.check("k", limit).is_ok());
    }
}
