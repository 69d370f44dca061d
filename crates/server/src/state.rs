//! The shared application state handed to every handler.

use crate::config::Config;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimiter;
use crate::sessions::chat::ChatWriter;
use crate::sessions::hub::Hub;
use crate::shutdown::Shutdown;
use crate::store::Store;
use crate::store::tenants::Settings;
use std::sync::{Arc, Mutex};
use std::time::Instant;

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
    pub settings_cache: Mutex<Option<(Instant, Settings)>>,
    /// The signal that this node stops, and the work it waits for first (`shutdown`).
    pub shutdown: Shutdown,
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
            settings_cache: Mutex::new(None),
            shutdown: Shutdown::default(),
        }))
    }
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}
