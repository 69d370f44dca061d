//! The tenant settings as this node sees them: read from the store at most every
//! `SETTINGS_CACHE_MS`, so that the chat writer, the session view and the handlers that check a
//! setting on every request do not each ask the database. A change made on this node is seen at
//! once; one made on another node within `SETTINGS_CACHE_MS`.

use crate::error::ApiResult;
use crate::limits::SETTINGS_CACHE_MS;
use crate::store::Tenancy;
use crate::store::tenants::Settings;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// This node's copy of the tenant settings and when it was read.
#[derive(Debug, Default)]
pub struct SettingsCache(Mutex<Option<(Instant, Settings)>>);

impl SettingsCache {
    /// The tenant's settings, from the cache when it is younger than `SETTINGS_CACHE_MS`.
    pub async fn current(&self, tenancy: &impl Tenancy) -> ApiResult<Settings> {
        let fresh = Duration::from_millis(SETTINGS_CACHE_MS);
        if let Some((at, s)) = &*self.lock()
            && at.elapsed() < fresh
        {
            return Ok(s.clone());
        }
        self.stored(tenancy).await
    }

    /// The settings as stored now (and the cache refreshed with them).
    async fn stored(&self, tenancy: &impl Tenancy) -> ApiResult<Settings> {
        let settings = tenancy
            .store()
            .tenant(tenancy.tenant_id())
            .await?
            .ok_or_else(|| anyhow::anyhow!("tenant is missing"))?
            .settings;
        self.remember(&settings);
        Ok(settings)
    }

    /// Keeps `settings`, just saved on this node, as the current ones.
    pub fn remember(&self, settings: &Settings) {
        *self.lock() = Some((Instant::now(), settings.clone()));
    }

    fn lock(&self) -> MutexGuard<'_, Option<(Instant, Settings)>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
