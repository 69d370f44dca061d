//! Writing to the audit log from handlers.

pub mod action;
pub mod chain;

use crate::audit::action::Action;
use crate::auth::{Authed, ClientAddr};
use crate::error::AppError;
use crate::ratelimit::Refusal;
use crate::store::Tenancy;
use crate::store::audit::AuditEntry;

/// The entry of an action by an authenticated caller, to hand to the store call that makes the
/// change (so that the two commit together).
pub fn entry(
    who: &Authed,
    action: Action,
    target: Option<&str>,
    detail: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        actor_id: Some(who.user.id.clone()),
        actor: who.user.email.clone(),
        action,
        target: target.map(str::to_owned),
        address: who.addr.0.map(|a| a.to_string()),
        detail,
    }
}

/// Records an action by an authenticated caller (on its own: for a change, pass
/// [`entry`] to the store call that makes it).
pub async fn by(
    state: &impl Tenancy,
    who: &Authed,
    action: Action,
    target: Option<&str>,
    detail: serde_json::Value,
) -> sqlx::Result<()> {
    state
        .store()
        .audit(state.tenant_id(), &entry(who, action, target, detail))
        .await
}

/// The entry of an action by someone not authenticated by a cookie or token (a sign-in, an
/// agent's single sign-on): the actor is also the target.
pub fn unauthenticated(
    actor: &str,
    actor_id: Option<&str>,
    addr: ClientAddr,
    action: Action,
    detail: serde_json::Value,
) -> AuditEntry {
    AuditEntry {
        actor_id: actor_id.map(str::to_owned),
        actor: actor.to_owned(),
        action,
        target: actor_id.map(str::to_owned),
        address: addr.0.map(|a| a.to_string()),
        detail,
    }
}

/// Records an action by someone not (yet) authenticated, e.g. a failed sign-in.
pub async fn anonymous(
    state: &impl Tenancy,
    actor: &str,
    actor_id: Option<&str>,
    addr: ClientAddr,
    action: Action,
    detail: serde_json::Value,
) -> sqlx::Result<()> {
    state
        .store()
        .audit(
            state.tenant_id(),
            &unauthenticated(actor, actor_id, addr, action, detail),
        )
        .await
}

/// Records an attempt refused by the rate limit named `limit` (the first refusal of a window,
/// when the lockout begins, then the 2nd, 4th, 8th, ...: `Refusal::worth_auditing`) as
/// `rate_limit.refused`, and gives the 429 to answer with.
pub async fn rate_limited(
    state: &impl Tenancy,
    actor: &str,
    actor_id: Option<&str>,
    addr: ClientAddr,
    limit: &str,
    refusal: Refusal,
) -> AppError {
    if refusal.worth_auditing()
        && let Err(e) = anonymous(
            state,
            actor,
            actor_id,
            addr,
            Action::RateLimitRefused,
            serde_json::json!({"limit": limit, "retry_after_secs": refusal.retry_after_secs,
                "refused_in_window": refusal.refused_in_window}),
        )
        .await
    {
        return e.into();
    }
    refusal.into()
}
