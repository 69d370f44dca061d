//! The shared application state handed to every handler, and the composition root: it builds
//! the store, hub, chat writer, limiters and settings cache, and implements the narrow views the
//! lower layers ask for (`Tenancy`, `AuthContext`, `sessions::Context`).

use crate::auth::AuthContext;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimiter;
use crate::sessions::chat::ChatWriter;
use crate::sessions::hub::Hub;
use crate::settings::SettingsCache;
use crate::store::{Store, Tenancy};
use std::sync::Arc;

/// Cheap to clone; everything lives behind one `Arc`.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

/// What the state holds.
pub struct Inner {
    pub store: Store,
    pub config: Config,
    /// The tenant this server serves.
    pub tenant_id: String,
    /// Cookies get the `Secure` attribute (TLS on, or a TLS proxy in front).
    pub secure_cookies: bool,
    pub limiter: RateLimiter,
    /// Chat flood limits: per participant, so kept by the node that holds their socket.
    pub chat_limiter: RateLimiter,
    pub metrics: Metrics,
    /// This node's live session connections.
    pub hub: Arc<Hub>,
    /// This node's chat writer (group commit, then publish).
    pub chat: ChatWriter,
    /// The tenant settings, read at most every `SETTINGS_CACHE_MS`.
    pub settings: SettingsCache,
}

impl AppState {
    /// Builds the state.
    pub fn new(store: Store, config: Config, tenant_id: String, secure_cookies: bool) -> Self {
        let limiter = RateLimiter::for_store(&store);
        let hub = Arc::new(Hub::default());
        let chat = ChatWriter::spawn(store.clone(), hub.clone());
        AppState(Arc::new(Inner {
            store,
            config,
            tenant_id,
            secure_cookies,
            limiter,
            chat_limiter: RateLimiter::in_memory(),
            metrics: Metrics::default(),
            hub,
            chat,
            settings: SettingsCache::default(),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl Tenancy for AppState {
    fn store(&self) -> &Store {
        &self.0.store
    }
    fn tenant_id(&self) -> &str {
        &self.0.tenant_id
    }
}

impl AuthContext for AppState {
    fn config(&self) -> &Config {
        &self.0.config
    }
}

impl crate::sessions::Context for AppState {
    fn hub(&self) -> &Arc<Hub> {
        &self.0.hub
    }
    fn chat(&self) -> &ChatWriter {
        &self.0.chat
    }
    fn chat_limiter(&self) -> &RateLimiter {
        &self.0.chat_limiter
    }
    fn limiter(&self) -> &RateLimiter {
        &self.0.limiter
    }
    fn settings(&self) -> &SettingsCache {
        &self.0.settings
    }
    fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }
}
