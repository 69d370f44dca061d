//! The shared application state handed to every handler, and the composition root: it builds
//! the store, hub, chat writer, limiters and settings cache, and implements the narrow views the
//! lower layers ask for (`Tenancy`, `AuthContext`, `sessions::Context`).

use crate::auth::AuthContext;
use crate::config::Config;
use crate::limits::SHUTDOWN_DRAIN_SECS;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimiter;
use crate::sessions::chat::ChatWriter;
use crate::sessions::hub::Hub;
use crate::settings::SettingsCache;
use crate::shutdown::Shutdown;
use crate::store::{Store, Tenancy};
use std::sync::Arc;
use std::time::{Duration, Instant};

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
            settings: SettingsCache::default(),
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
    fn shutdown(&self) -> &Shutdown {
        &self.0.shutdown
    }
}

/// After the accept loop ended: tells every connection to finish or move, waits for them up to
/// `SHUTDOWN_DRAIN_SECS`, then flushes the chat writer and the bus.
pub async fn drain(state: &AppState) {
    let started = Instant::now();
    let sockets = state
        .metrics
        .open_websockets
        .load(std::sync::atomic::Ordering::Relaxed);
    tracing::info!(
        live_sockets = sockets,
        "stopping: finishing requests in flight; live sockets are told to reconnect to another node"
    );
    state.shutdown.begin();
    let limit = Duration::from_secs(SHUTDOWN_DRAIN_SECS);
    if !state.shutdown.finished(limit).await {
        tracing::warn!(
            pending = state.shutdown.pending(),
            "stopping: not everything finished within {SHUTDOWN_DRAIN_SECS} s; exiting anyway"
        );
    }
    // The chat writer gets what is left of the drain time, and at least a second.
    let rest = limit
        .saturating_sub(started.elapsed())
        .max(Duration::from_secs(1));
    if tokio::time::timeout(rest, state.chat.flush())
        .await
        .is_err()
    {
        tracing::warn!("stopping: the chat writer did not finish in time");
    }
    state.hub.flush().await;
    tracing::info!(
        elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "stopped"
    );
}
