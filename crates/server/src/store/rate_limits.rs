//! Rate-limit counters shared by every node (`rate_limits`), and the addresses each account
//! signed in from (`known_sign_in_addresses`). See `docs/state.md` and `docs/access.md`.

use super::Store;
use sqlx::Row;

/// A window in which a key has no attempt left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FullWindow {
    pub start: i64,
    pub window_ms: i64,
    /// Attempts refused in this window so far, this one included.
    pub refused: i64,
}

impl Store {
    /// Reserves one attempt for `key` at `now` in one atomic upsert: a window that is over starts
    /// afresh, else the attempt counts if fewer than `max` are counted. `Ok(start)`: reserved, in
    /// the window that started at `start`. `Err(window)`: no attempt left; the refusal is counted.
    pub async fn reserve_attempt(
        &self,
        key: &str,
        max: u32,
        window_ms: i64,
        now: i64,
    ) -> sqlx::Result<Result<i64, FullWindow>> {
        let reserved = sqlx::query(
            "INSERT INTO rate_limits (key, window_start, window_ms, failures, refused) \
             VALUES ($1, $2, $3, 1, 0) \
             ON CONFLICT (key) DO UPDATE SET \
               failures = CASE WHEN rate_limits.window_start + rate_limits.window_ms <= $2 \
                               THEN 1 ELSE rate_limits.failures + 1 END, \
               refused = CASE WHEN rate_limits.window_start + rate_limits.window_ms <= $2 \
                              THEN 0 ELSE rate_limits.refused END, \
               window_start = CASE WHEN rate_limits.window_start + rate_limits.window_ms <= $2 \
                                   THEN $2 ELSE rate_limits.window_start END, \
               window_ms = $3 \
             WHERE rate_limits.window_start + rate_limits.window_ms <= $2 \
                OR rate_limits.failures < $4 \
             RETURNING window_start",
        )
        .bind(key)
        .bind(now)
        .bind(window_ms)
        .bind(i64::from(max))
        .fetch_optional(self.pool())
        .await?;
        if let Some(row) = reserved {
            return Ok(Ok(row.try_get("window_start")?));
        }
        // Refused: count the refusal (for the audit) and read how long the window has left.
        let row = sqlx::query(
            "UPDATE rate_limits SET refused = refused + 1 WHERE key = $1 \
             RETURNING window_start, window_ms, refused",
        )
        .bind(key)
        .fetch_optional(self.pool())
        .await?;
        Ok(Err(match row {
            Some(row) => FullWindow {
                start: row.try_get("window_start")?,
                window_ms: row.try_get("window_ms")?,
                refused: row.try_get("refused")?,
            },
            // Swept meanwhile: the window has just ended.
            None => FullWindow {
                start: now,
                window_ms: 0,
                refused: 1,
            },
        }))
    }

    /// Gives back an attempt reserved in the window that started at `window_start` (it does not
    /// count). Nothing happens once that window is over.
    pub async fn give_back_attempt(&self, key: &str, window_start: i64) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE rate_limits SET failures = failures - 1 \
             WHERE key = $1 AND window_start = $2 AND failures > 0",
        )
        .bind(key)
        .bind(window_start)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Forgets windows that ended before `now`.
    pub async fn sweep_rate_limits(&self, now: i64) -> sqlx::Result<u64> {
        Ok(
            sqlx::query("DELETE FROM rate_limits WHERE window_start + window_ms <= $1")
                .bind(now)
                .execute(self.pool())
                .await?
                .rows_affected(),
        )
    }

    /// Whether `user_id` signed in successfully from `address` at or after `since`.
    pub async fn is_known_address(
        &self,
        user_id: &str,
        address: &str,
        since: i64,
    ) -> sqlx::Result<bool> {
        Ok(sqlx::query(
            "SELECT 1 AS known FROM known_sign_in_addresses \
             WHERE user_id = $1 AND address = $2 AND last_seen >= $3",
        )
        .bind(user_id)
        .bind(address)
        .bind(since)
        .fetch_optional(self.pool())
        .await?
        .is_some())
    }

    /// Records a successful sign-in of `user_id` from `address` at `now`, and forgets the
    /// account's addresses last seen before `forget_before` and all but its `keep` most recent.
    pub async fn remember_address(
        &self,
        user_id: &str,
        address: &str,
        now: i64,
        forget_before: i64,
        keep: i64,
    ) -> sqlx::Result<()> {
        sqlx::query(
            "INSERT INTO known_sign_in_addresses (user_id, address, last_seen) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, address) DO UPDATE SET last_seen = $3",
        )
        .bind(user_id)
        .bind(address)
        .bind(now)
        .execute(self.pool())
        .await?;
        sqlx::query(
            "DELETE FROM known_sign_in_addresses WHERE user_id = $1 AND (last_seen < $2 \
               OR address NOT IN (SELECT address FROM known_sign_in_addresses WHERE user_id = $1 \
                                  ORDER BY last_seen DESC, address LIMIT $3))",
        )
        .bind(user_id)
        .bind(forget_before)
        .bind(keep)
        .execute(self.pool())
        .await?;
        Ok(())
    }
}
