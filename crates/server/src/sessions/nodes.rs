//! Node liveness, so that a node that dies cannot leave its participants "online" for ever.
//!
//! Every node writes a heartbeat in the `nodes` table each `NODE_HEARTBEAT_MS`. A connection id is
//! `{node}.{random}` (see `Hub::new_conn_id`), and each session row keeps the current connection id
//! of each side and the node it is on (indexed columns), so the row says which node holds each
//! participant. Any node
//! that finds another node silent for `NODE_LOST_AFTER_MS` marks the participants held by it as
//! `lost` (told to the peer through the bus, as a lost network would be) and forgets the node. The
//! grace period then runs as usual: the participant reconnects through the load balancer to a
//! surviving node and is `online` again, or the sweeper ends the session when the grace is over.
//! Several nodes may do this at once: the presence update checks the connection id and the row
//! version, so the loss is recorded and told once.
//!
//! Only a node that has itself written its heartbeat without a break for the last
//! `NODE_LOST_AFTER_MS` judges others. When the database is away, no node can write: the one that
//! reaches it first when it returns would otherwise find every other node silent and take it for
//! dead, though none failed. Once it has written for a whole window, every node that is alive has
//! had the same window to write too.

use super::Context;
use super::bus::BusEvent;
use super::service;
use crate::clock::now_ms;
use crate::limits::{
    NODE_HEARTBEAT_MS, NODE_LOST_AFTER_MS, NODE_REAP_SESSIONS_PER_PASS, RATE_LIMIT_SWEEP_EVERY,
};
use crate::store::Store;
use assist_proto::presence::PresenceStatus;
use assist_proto::session::Role;
use std::time::{Duration, Instant};

/// Writes this node's heartbeat on `heartbeat_store` (its own connection). Returns `false` if the
/// row was gone: another node took this one for dead (a stall longer than `NODE_LOST_AFTER_MS`)
/// and its participants were marked lost.
pub async fn heartbeat(state: &impl Context, heartbeat_store: &Store) -> sqlx::Result<bool> {
    heartbeat_store.node_heartbeat(state.hub().node()).await
}

/// Nodes silent for `NODE_LOST_AFTER_MS` by the database's clock, other than this one.
pub async fn dead_nodes(state: &impl Context) -> sqlx::Result<Vec<String>> {
    state
        .store()
        .silent_nodes(state.hub().node(), NODE_LOST_AFTER_MS)
        .await
}

/// Marks every participant held by `node` as lost. Returns how many were marked.
pub async fn reap(state: &impl Context, node: &str) -> anyhow::Result<usize> {
    let prefix = format!("{node}.");
    let ids = state
        .store()
        .sessions_held_by(state.tenant_id(), node, NODE_REAP_SESSIONS_PER_PASS)
        .await?;
    let mut marked = 0;
    for id in ids {
        let Some(row) = state.store().session(state.tenant_id(), &id).await? else {
            continue;
        };
        if row.machine.is_terminal() {
            continue;
        }
        for role in [Role::Helper, Role::Sharer] {
            let online = row
                .presence
                .of(role)
                .is_some_and(|p| p.status == PresenceStatus::Online);
            if let Some(conn) = row.presence.conn(role)
                && online
                && conn.starts_with(&prefix)
                && service::set_presence(state, &id, role, PresenceStatus::Lost, conn).await?
            {
                marked += 1;
            }
        }
    }
    Ok(marked)
}

/// Since when this node has written its heartbeat without a break (see the module's notes).
#[derive(Debug, Default)]
pub struct Writing {
    since: Option<Instant>,
}

impl Writing {
    /// Records the outcome of a heartbeat at `now`.
    pub fn record(&mut self, written: bool, now: Instant) {
        if !written {
            self.since = None;
        } else if self.since.is_none() {
            self.since = Some(now);
        }
    }

    /// Whether this node may take others for dead at `now`: it has written its heartbeat for a
    /// whole liveness window.
    pub fn may_judge(&self, now: Instant) -> bool {
        self.since.is_some_and(|t| {
            now.duration_since(t) >= Duration::from_millis(NODE_LOST_AFTER_MS.unsigned_abs())
        })
    }
}

/// One pass: heartbeat, then reap nodes that died. A node that finds itself reaped closes its
/// connections, so that its participants reconnect and are `online` again.
pub async fn pass(
    state: &impl Context,
    heartbeat_store: &Store,
    writing: &mut Writing,
) -> anyhow::Result<()> {
    let beat = heartbeat(state, heartbeat_store).await;
    writing.record(beat.is_ok(), Instant::now());
    let known = beat?;
    if !known && state.hub().registered() {
        tracing::warn!(
            "this node was taken for dead by another node (stalled?); closing its live connections"
        );
        state.hub().close_all();
    }
    state.hub().mark_registered();
    if !writing.may_judge(Instant::now()) {
        return Ok(());
    }
    for node in dead_nodes(state).await? {
        let marked = reap(state, &node).await?;
        let channels = state
            .store()
            .channels_of_node_closed(&node, now_ms())
            .await?;
        state.store().forget_node(&node, NODE_LOST_AFTER_MS).await?;
        tracing::warn!(
            node,
            participants = marked,
            channels,
            "a node stopped; its participants are marked lost, its device channels offline"
        );
    }
    Ok(())
}

/// Runs node heartbeats (and the sweep of old rate-limit windows) until the process ends.
pub async fn run(state: impl Context) {
    // A connection of its own for the heartbeat, so that a busy pool never delays it into a
    // false death.
    let heartbeat_store = state
        .store()
        .on_own_connection(&state.config().database_url())
        .await;
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(NODE_HEARTBEAT_MS));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut n: u64 = 0;
    let mut writing = Writing::default();
    loop {
        tick.tick().await;
        if let Err(e) = pass(&state, &heartbeat_store, &mut writing).await {
            tracing::warn!(error = %e, "node heartbeat failed");
        }
        n = n.wrapping_add(1);
        if n.is_multiple_of(RATE_LIMIT_SWEEP_EVERY)
            && let Err(e) = state.limiter().sweep(now_ms()).await
        {
            tracing::warn!(error = %e, "sweeping rate limits failed");
        }
    }
}

/// Tells this node's connections of a session that they must close (a local event only).
pub fn close_event(role: Role) -> BusEvent {
    BusEvent::Replaced {
        role,
        conn: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_node_writing_for_a_whole_window_judges_others() {
        let window = Duration::from_millis(NODE_LOST_AFTER_MS.unsigned_abs());
        let t0 = Instant::now();
        let mut w = Writing::default();
        assert!(!w.may_judge(t0), "before its first heartbeat");
        w.record(true, t0);
        assert!(!w.may_judge(t0 + window / 2));
        w.record(true, t0 + window / 2);
        assert!(w.may_judge(t0 + window));
        // The database went away: a failed heartbeat starts the window again.
        w.record(false, t0 + window * 2);
        assert!(!w.may_judge(t0 + window * 2));
        w.record(true, t0 + window * 5);
        assert!(!w.may_judge(t0 + window * 5 + window / 2));
        assert!(w.may_judge(t0 + window * 6));
    }
}
