//! Remote help sessions: the pure state machine lives in `assist_proto::session`; this module
//! stores it, checks who may do what, and carries live events between the two participants.
//!
//! - `service`: load → apply event → save (optimistic) → publish; presence; the sweeper's work.
//! - `live`: the WebSocket of each participant (hello, state, presence, chat, signalling, heartbeats);
//!   `connection`: its decisions, as a pure state machine.
//! - `bus` / `hub`: events between nodes, and to this node's connections; `bus_nats` over NATS.
//! - `nodes`: node heartbeats; participants held by a node that died are marked lost.
//! - `moving`: a live socket of a node that stops tells the peer `moving` and the client to
//!   reconnect elsewhere.
//! - `view`: what each side sees (trust screen, device, warnings).

pub mod bus;
pub mod bus_nats;
pub mod chat;
pub mod connection;
pub mod hub;
pub mod live;
pub mod nodes;
pub mod revoke;
pub mod service;
pub mod view;

use crate::audit::action::Action;
use crate::auth::AuthContext;
use crate::metrics::Metrics;
use crate::ratelimit::RateLimiter;
use crate::settings::SettingsCache;
use crate::store::audit::AuditEntry;
use crate::store::sessions::SessionRow;
use assist_proto::session::State;
use std::sync::Arc;

/// What the session layer needs of the application: the store and the tenant, the extractors'
/// configuration, this node's hub and chat writer, the rate limiters and the settings. The
/// application state implements it; nothing here reaches further up.
pub trait Context: AuthContext + Clone + 'static {
    /// This node's live session connections.
    fn hub(&self) -> &Arc<hub::Hub>;
    /// This node's chat writer.
    fn chat(&self) -> &chat::ChatWriter;
    /// Chat flood limits (per participant, in memory on the node holding the socket).
    fn chat_limiter(&self) -> &RateLimiter;
    /// The rate limits shared by the nodes (swept by the node heartbeat task).
    fn limiter(&self) -> &RateLimiter;
    /// The tenant settings.
    fn settings(&self) -> &SettingsCache;
    /// The server's counters (live sockets open).
    fn metrics(&self) -> &Metrics;
    /// The signal that this node stops, and the work it waits for first.
    fn shutdown(&self) -> &crate::shutdown::Shutdown;
}

/// The audit entry of the end of a session (ended or expired), saved with the change that
/// ends it; `None` while it is not over.
pub fn end_entry(row: &SessionRow) -> Option<AuditEntry> {
    let (action, reason) = match row.machine.state {
        State::Ended { reason } => (Action::SessionEnded, Some(reason.as_str())),
        State::Expired => (Action::SessionExpired, None),
        _ => return None,
    };
    Some(AuditEntry {
        actor_id: None,
        actor: "system".into(),
        action,
        target: Some(row.id.clone()),
        address: None,
        detail: serde_json::json!({"reason": reason, "helper_id": row.helper_id, "sharer_id": row.sharer_id}),
    })
}

/// Runs the sweeper until the process ends.
pub async fn run_sweeper(state: impl Context) {
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(
        crate::limits::SWEEP_INTERVAL_MS,
    ));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for round in 0u64.. {
        tick.tick().await;
        if let Err(e) = service::sweep(&state).await {
            tracing::warn!(error = %e, "session sweep failed");
        }
        // Expired sign-in sessions are already refused; this only keeps the table small.
        if round % crate::limits::WEB_SESSION_PURGE_EVERY == 0
            && let Err(e) = state.store().purge_web_sessions().await
        {
            tracing::warn!(error = %e, "purging expired sign-in sessions failed");
        }
    }
}
