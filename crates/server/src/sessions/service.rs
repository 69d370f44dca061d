//! Session operations: load, apply an event of the pure state machine, save with optimistic
//! concurrency, tell every node. The HTTP API, the live socket and the sweeper all go through here.

use super::Context;
use super::bus::BusEvent;
use crate::clock::now_ms;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::store::audit::AuditEntry;
use crate::store::sessions::{Presence, SessionRow};
use assist_proto::presence::PresenceStatus;
use assist_proto::session::{Event, Role, Session, StateName, TransitionError};

/// Attempts at a save before giving up on a busy session.
const SAVE_ATTEMPTS: usize = 8;

/// When the sweeper must next look at a session: its state machine's next deadline, or the end
/// of a participant's grace period. `None` once it is over.
pub fn deadline(row: &SessionRow) -> Option<i64> {
    next_deadline(&row.machine, &row.presence)
}

/// [`deadline`] of a session's state machine and presence.
pub fn next_deadline(machine: &Session, presence: &Presence) -> Option<i64> {
    if machine.is_terminal() {
        return None;
    }
    let grace = |role| presence.of(role).and_then(|p| p.grace_deadline());
    [
        machine.next_deadline(),
        grace(Role::Helper),
        grace(Role::Sharer),
    ]
    .into_iter()
    .flatten()
    .min()
}

/// What time alone does to a session at `now`: its code expires, its maximum length ends it, and
/// a participant who did not come back within the grace period ends it.
pub fn sweep_at(machine: &mut Session, presence: &Presence, now: i64) {
    let _ = machine.apply(Event::Tick, now);
    for role in [Role::Sharer, Role::Helper] {
        if machine.is_terminal() {
            break;
        }
        if let Some(reason) = presence.of(role).and_then(|p| p.end_reason(role, now)) {
            let _ = machine.apply(Event::End { reason }, now);
        }
    }
}

/// Records that connection `conn` of `role` is `status` at `now`. A connection coming online
/// becomes the side's current one; a leave or loss of a connection that has been replaced is
/// ignored. Returns whether it was recorded.
pub fn record_presence(
    presence: &mut Presence,
    role: Role,
    status: PresenceStatus,
    conn: &str,
    now: i64,
) -> bool {
    let (side, current) = presence.side_mut(role);
    match status {
        PresenceStatus::Online => *current = Some(conn.to_owned()),
        _ if current.as_deref() != Some(conn) => return false,
        _ => {}
    }
    side.get_or_insert(assist_proto::presence::PeerPresence::online(now))
        .set(status, now);
    true
}

/// The role of `user_id` in the session, if they take part.
pub fn role_of(row: &SessionRow, user_id: &str) -> Option<Role> {
    if row.helper_id == user_id {
        Some(Role::Helper)
    } else if row.sharer_id.as_deref() == Some(user_id) {
        Some(Role::Sharer)
    } else {
        None
    }
}

/// A refused transition as an API error (409, or 410 for an expired code).
pub fn transition_error(e: TransitionError) -> AppError {
    match ErrorCode::from(&e) {
        ErrorCode::Expired => AppError::gone(ErrorCode::Expired, e.message()),
        code => AppError::conflict(code, e.message()),
    }
}

/// Loads the session, lets `change` alter it, and saves it if nobody else did meanwhile
/// (retrying from a fresh read otherwise). When `change` fails but time alone changed the session
/// (a code expired), that change is still saved. Every saved change is published as `State`.
pub async fn update<F>(state: &impl Context, id: &str, change: F) -> ApiResult<SessionRow>
where
    F: FnMut(&mut SessionRow, i64) -> ApiResult<()>,
{
    update_audited(state, id, change, |_| None).await
}

/// [`update`], with the audit entry `audit` makes of the changed session when `change`
/// succeeds: the change and its entry (and the end's entry, when it ends the session) are
/// saved in one transaction.
pub async fn update_audited<F, A>(
    state: &impl Context,
    id: &str,
    mut change: F,
    audit: A,
) -> ApiResult<SessionRow>
where
    F: FnMut(&mut SessionRow, i64) -> ApiResult<()>,
    A: Fn(&SessionRow) -> Option<AuditEntry>,
{
    for _ in 0..SAVE_ATTEMPTS {
        let mut row = state
            .store()
            .session(state.tenant_id(), id)
            .await?
            .ok_or(AppError::NotFound("session"))?;
        let before = (
            row.machine.clone(),
            row.presence.clone(),
            row.sharer_id.clone(),
        );
        let now = now_ms();
        let result = change(&mut row, now);
        let mut used_code = None;
        if (
            row.machine.clone(),
            row.presence.clone(),
            row.sharer_id.clone(),
        ) == before
            && deadline(&row) == row.deadline
        {
            return result.map(|_| row);
        }
        if !matches!(
            row.machine.state.name(),
            StateName::Waiting | StateName::Expired
        ) {
            // Single use: a code never opens a session twice. An expired code is kept so that
            // entering it says "expired" rather than "unknown"; a used one is remembered apart.
            used_code = row.code_hash.take();
        }
        row.deadline = deadline(&row);
        let mut entries: Vec<AuditEntry> = result
            .as_ref()
            .ok()
            .and_then(|_| audit(&row))
            .into_iter()
            .collect();
        if row.machine.is_terminal() && !before.0.is_terminal() {
            entries.extend(super::end_entry(&row));
        }
        // Saved with its audit entries: whoever is told of the change can already read them.
        if state
            .store()
            .save_session_with(&row, row.deadline, &entries)
            .await?
        {
            if let Some(hash) = &used_code {
                state.store().remember_used_code(&row.id, hash).await?;
            }
            row.version += 1;
            // The view is built once here rather than by each connection (they read the store
            // for it only if this fails).
            let event = match super::view::saved(state, &row, row.version).await {
                Ok(saved) => BusEvent::Changed(Box::new(saved)),
                Err(e) => {
                    tracing::debug!(error = %e, session = %row.id, "session view not built");
                    BusEvent::State
                }
            };
            state.hub().publish(&row.id, event).await;
            return result.map(|_| row);
        }
    }
    Err(AppError::conflict(
        ErrorCode::Busy,
        "the session changed too often; try again",
    ))
}

/// Applies a state-machine event.
pub async fn apply(state: &impl Context, id: &str, event: Event) -> ApiResult<SessionRow> {
    apply_audited(state, id, event, |_| None).await
}

/// Applies a state-machine event, saved with the audit entry `audit` makes of the result.
pub async fn apply_audited(
    state: &impl Context,
    id: &str,
    event: Event,
    audit: impl Fn(&SessionRow) -> Option<AuditEntry>,
) -> ApiResult<SessionRow> {
    update_audited(
        state,
        id,
        |row, now| {
            row.machine
                .apply(event, now)
                .map(|_| ())
                .map_err(transition_error)
        },
        audit,
    )
    .await
}

/// Records a participant's presence; tells the other side. `conn` is the connection reporting it:
/// a status from a connection that has been replaced is ignored. Returns whether it was recorded.
pub async fn set_presence(
    state: &impl Context,
    id: &str,
    role: Role,
    status: PresenceStatus,
    conn: &str,
) -> ApiResult<bool> {
    let mut recorded = false;
    let row = update(state, id, |row, now| {
        recorded = record_presence(&mut row.presence, role, status, conn, now);
        Ok(())
    })
    .await?;
    if recorded {
        state
            .hub()
            .publish(&row.id, BusEvent::Presence { role, status })
            .await;
    }
    Ok(recorded)
}

/// Moves every session whose deadline has come: codes expire, maximum lengths end sessions, and
/// participants who did not come back within the grace period end them.
pub async fn sweep(state: &impl Context) -> ApiResult<usize> {
    let due = state.store().due_sessions(now_ms(), 500).await?;
    let mut moved = 0;
    for (tenant, id) in due {
        if tenant != state.tenant_id() {
            continue;
        }
        let res = update(state, &id, |row, now| {
            sweep_at(&mut row.machine, &row.presence, now);
            Ok(())
        })
        .await;
        match res {
            Ok(_) => moved += 1,
            Err(e) => tracing::warn!(error = %e, session = %id, "sweeping a session failed"),
        }
    }
    Ok(moved)
}

/// The device channel's offer of `row` to its device, from `helper`, with the session's code.
pub fn offer_message(
    helper: &crate::store::users::User,
    row: &SessionRow,
    code: &str,
) -> assist_proto::channel::ChannelServer {
    assist_proto::channel::ChannelServer::Offer {
        session_id: row.id.clone(),
        code: code.to_owned(),
        helper: assist_proto::channel::OfferHelper {
            name: helper.full_name.clone(),
            email: helper.email.clone(),
            title: helper.job_title.clone(),
            company: helper.company.clone(),
        },
        expires_at: row.machine.code_expires_at,
    }
}
