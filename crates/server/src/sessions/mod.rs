//! Remote help sessions: the pure state machine lives in `assist_proto::session`; this module
//! stores it, checks who may do what, and carries live events between the two participants.
//!
//! - `service`: load → apply event → save (optimistic) → publish; presence; the sweeper's work.
//! - `live`: the WebSocket of each participant (hello, state, presence, chat, signalling, heartbeats).
//! - `bus` / `hub`: events between nodes, and to this node's connections; `bus_nats` over NATS.
//! - `nodes`: node heartbeats; participants held by a node that died are marked lost.
//! - `moving`: a live socket of a node that stops tells the peer `moving` and the client to
//!   reconnect elsewhere.
//! - `view`: what each side sees (trust screen, device, warnings).

pub mod bus;
pub mod bus_nats;
pub mod chat;
pub mod hub;
pub mod live;
pub mod moving;
pub mod nodes;
pub mod revoke;
pub mod service;
pub mod view;

use crate::state::AppState;
use crate::store::audit::AuditEntry;
use crate::store::sessions::SessionRow;
use assist_proto::session::State;

/// The audit entry of the end of a session (ended or expired), saved with the change that
/// ends it; `None` while it is not over.
pub fn end_entry(row: &SessionRow) -> Option<AuditEntry> {
    let (action, reason) = match row.machine.state {
        State::Ended { reason } => ("session.ended", Some(reason.as_str())),
        State::Expired => ("session.expired", None),
        _ => return None,
    };
    Some(AuditEntry {
        actor_id: None,
        actor: "system".into(),
        action: action.into(),
        target: Some(row.id.clone()),
        address: None,
        detail: serde_json::json!({"reason": reason, "helper_id": row.helper_id, "sharer_id": row.sharer_id}),
    })
}

/// Runs the sweeper until the process ends.
pub async fn run_sweeper(state: AppState) {
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
            && let Err(e) = state.store.purge_web_sessions().await
        {
            tracing::warn!(error = %e, "purging expired sign-in sessions failed");
        }
    }
}
