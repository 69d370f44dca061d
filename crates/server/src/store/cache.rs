//! What the session views read again and again, kept in memory for a short time: users' rows
//! (for the trust-screen profiles) and whether a domain is verified. Writes through this store
//! forget what they change at once; another node's writes are seen within
//! `limits::PROFILE_CACHE_MS`. Sign-ins and permission checks never read from here.

use super::Store;
use super::users::User;
use crate::limits::{PROFILE_CACHE_MAX, PROFILE_CACHE_MS};
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One map of entries that expire after `PROFILE_CACHE_MS`, at most `PROFILE_CACHE_MAX` of them.
pub(super) struct Expiring<K, V> {
    entries: Mutex<HashMap<K, (Instant, V)>>,
}

impl<K: Eq + Hash, V: Clone> Default for Expiring<K, V> {
    fn default() -> Self {
        Expiring {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V: Clone> Expiring<K, V> {
    fn get(&self, key: &K) -> Option<V> {
        let map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key)
            .filter(|(at, _)| at.elapsed() < Duration::from_millis(PROFILE_CACHE_MS))
            .map(|(_, v)| v.clone())
    }

    fn put(&self, key: K, value: V) {
        let mut map = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= PROFILE_CACHE_MAX {
            map.clear();
        }
        map.insert(key, (Instant::now(), value));
    }

    fn forget(&self, key: &K) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }

    fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// The store's cache (one per store, shared by its clones).
#[derive(Default)]
pub(super) struct Cache {
    users: Expiring<String, Option<User>>,
    /// (tenant, domain) → verified.
    domains: Expiring<(String, String), bool>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Cache")
    }
}

impl Store {
    /// A user by id for display (a session view's profile), from the cache when it is fresh.
    pub async fn user_for_view(&self, id: &str) -> sqlx::Result<Option<User>> {
        if let Some(user) = self.cache.users.get(&id.to_owned()) {
            return Ok(user);
        }
        let user = self.user_by_id(id).await?;
        self.cache.users.put(id.to_owned(), user.clone());
        Ok(user)
    }

    /// [`Store::domain_verified`], from the cache when it is fresh.
    pub async fn domain_verified_for_view(
        &self,
        tenant_id: &str,
        domain: &str,
    ) -> sqlx::Result<bool> {
        let key = (tenant_id.to_owned(), domain.to_owned());
        if let Some(verified) = self.cache.domains.get(&key) {
            return Ok(verified);
        }
        let verified = self.domain_verified(tenant_id, domain).await?;
        self.cache.domains.put(key, verified);
        Ok(verified)
    }

    /// Forgets the cached row of a user whose row this store changed.
    pub(super) fn forget_user(&self, id: &str) {
        self.cache.users.forget(&id.to_owned());
    }

    /// Forgets every cached domain flag (a domain was added or removed).
    pub(super) fn forget_domains(&self) {
        self.cache.domains.clear();
    }
}
