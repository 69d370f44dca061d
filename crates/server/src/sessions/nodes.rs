//! Node liveness, so that a node that dies cannot leave its participants "online" for ever.
//!
//! Every node writes a heartbeat in the `nodes` table each `NODE_HEARTBEAT_MS`. A connection id is
//! `{node}.{random}` (see `Hub::new_conn_id`), and the presence JSON of each session keeps the
//! current connection id of each side, so the row says which node holds each participant. Any node
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

use super::bus::BusEvent;
use super::service;
use crate::clock::now_ms;
use crate::limits::{NODE_HEARTBEAT_MS, NODE_LOST_AFTER_MS, RATE_LIMIT_SWEEP_EVERY};
use crate::state::AppState;
use crate::store::Backend;
use assist_proto::presence::PresenceStatus;
use assist_proto::session::Role;
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, AssertSqlSafe, Row};
use std::time::{Duration, Instant};

/// Sessions looked at per dead node and pass (a dead node's remaining ones wait for the next pass).
const SESSIONS_PER_PASS: i64 = 1_000;

/// The database's clock in milliseconds, so that nodes with skewed clocks still agree on who is
/// silent: every heartbeat and every staleness test uses the same clock.
fn db_now(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)",
        Backend::Sqlite => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
    }
}

/// Writes this node's heartbeat on `pool`. Returns `false` if the row was gone: another node took
/// this one for dead (a stall longer than `NODE_LOST_AFTER_MS`) and its participants were marked
/// lost.
pub async fn heartbeat(state: &AppState, pool: &AnyPool) -> sqlx::Result<bool> {
    let now = db_now(state.store.backend());
    let updated = sqlx::query(AssertSqlSafe(format!(
        "UPDATE nodes SET seen_at = {now} WHERE id = $1"
    )))
    .bind(state.hub.node())
    .execute(pool)
    .await?
    .rows_affected();
    if updated > 0 {
        return Ok(true);
    }
    sqlx::query(AssertSqlSafe(format!(
        "INSERT INTO nodes (id, started_at, seen_at) VALUES ($1, {now}, {now}) \
         ON CONFLICT (id) DO UPDATE SET seen_at = {now}"
    )))
    .bind(state.hub.node())
    .execute(pool)
    .await?;
    Ok(false)
}

/// Nodes silent for `NODE_LOST_AFTER_MS` by the database's clock, other than this one.
pub async fn dead_nodes(state: &AppState) -> sqlx::Result<Vec<String>> {
    let now = db_now(state.store.backend());
    let rows = sqlx::query(AssertSqlSafe(format!(
        "SELECT id FROM nodes WHERE seen_at < {now} - $1 AND id <> $2"
    )))
    .bind(NODE_LOST_AFTER_MS)
    .bind(state.hub.node())
    .fetch_all(state.store.pool())
    .await?;
    rows.iter().map(|r| r.try_get("id")).collect()
}

/// Marks every participant held by `node` as lost. Returns how many were marked.
pub async fn reap(state: &AppState, node: &str) -> anyhow::Result<usize> {
    // Node ids are generated hex, so the pattern needs no escaping; checked anyway.
    anyhow::ensure!(
        node.bytes().all(|b| b.is_ascii_alphanumeric()),
        "unexpected node id"
    );
    let prefix = format!("{node}.");
    let rows =
        sqlx::query("SELECT id FROM sessions WHERE tenant_id = $1 AND presence LIKE $2 LIMIT $3")
            .bind(&state.tenant_id)
            .bind(format!("%\"{prefix}%"))
            .bind(SESSIONS_PER_PASS)
            .fetch_all(state.store.pool())
            .await?;
    let mut marked = 0;
    for r in rows {
        let id: String = r.try_get("id")?;
        let Some(row) = state.store.session(&state.tenant_id, &id).await? else {
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
    state: &AppState,
    heartbeat_pool: &AnyPool,
    writing: &mut Writing,
) -> anyhow::Result<()> {
    let beat = heartbeat(state, heartbeat_pool).await;
    writing.record(beat.is_ok(), Instant::now());
    let known = beat?;
    if !known && state.hub.registered() {
        tracing::warn!(
            "this node was taken for dead by another node (stalled?); closing its live connections"
        );
        state.hub.close_all();
    }
    state.hub.mark_registered();
    if !writing.may_judge(Instant::now()) {
        return Ok(());
    }
    let now = db_now(state.store.backend());
    for node in dead_nodes(state).await? {
        let marked = reap(state, &node).await?;
        let channels = state.store.channels_of_node_closed(&node, now_ms()).await?;
        sqlx::query(AssertSqlSafe(format!(
            "DELETE FROM nodes WHERE id = $1 AND seen_at < {now} - $2"
        )))
        .bind(&node)
        .bind(NODE_LOST_AFTER_MS)
        .execute(state.store.pool())
        .await?;
        tracing::warn!(
            node,
            participants = marked,
            channels,
            "a node stopped; its participants are marked lost, its device channels offline"
        );
    }
    Ok(())
}

/// A connection of its own for the heartbeat, so that a busy pool never delays it into a false
/// death; the shared pool if it cannot be opened.
async fn heartbeat_pool(state: &AppState) -> AnyPool {
    match AnyPoolOptions::new()
        .max_connections(1)
        .connect(&state.config.database_url())
        .await
    {
        Ok(pool) => pool,
        Err(e) => {
            tracing::warn!(error = %e, "no separate heartbeat connection; using the shared pool");
            state.store.pool().clone()
        }
    }
}

/// Runs node heartbeats (and the sweep of old rate-limit windows) until the process ends.
pub async fn run(state: AppState) {
    let pool = heartbeat_pool(&state).await;
    let mut tick = tokio::time::interval(std::time::Duration::from_millis(NODE_HEARTBEAT_MS));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut n: u64 = 0;
    let mut writing = Writing::default();
    loop {
        tick.tick().await;
        if let Err(e) = pass(&state, &pool, &mut writing).await {
            tracing::warn!(error = %e, "node heartbeat failed");
        }
        n = n.wrapping_add(1);
        if n.is_multiple_of(RATE_LIMIT_SWEEP_EVERY)
            && let Err(e) = state.limiter.sweep(now_ms()).await
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
