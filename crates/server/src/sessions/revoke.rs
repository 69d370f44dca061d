//! Changes of rights reach open sessions and live sockets (`docs/access.md`, "Changes of rights
//! reach open sessions").
//!
//! Each change ends what it takes away in the store first (sign-ins, tokens, session states),
//! then publishes `BusEvent::Revoked` on every running session of the person, so that the nodes
//! holding their live connections close those the change covers, whichever node made it. A
//! connection that was opening meanwhile checks its credential again once it listens to the bus
//! (`still_valid`), so that no connection slips between the check and the event.

use super::Context;
use super::bus::{BusEvent, RevokeScope};
use super::service;
use crate::access::permissions::Permission;
use crate::auth::extract::Via;
use crate::error::ApiResult;
use assist_proto::session::{EndReason, Event, Mode};
use std::collections::BTreeSet;

/// Running sessions re-checked per page after a change of roles.
const RECHECK_PAGE: i64 = 200;

/// A person's account was disabled (or deleted): their sign-ins and API tokens end for good, their
/// live connections close and their running sessions end (`access_revoked`).
pub async fn user_disabled(state: &impl Context, user_id: &str) -> ApiResult<()> {
    state.store().revoke_credentials_of(user_id).await?;
    for id in state
        .store()
        .running_sessions_of(state.tenant_id(), user_id)
        .await?
    {
        close(
            state,
            &id,
            user_id,
            RevokeScope::All,
            "your account was disabled",
        )
        .await;
        end(state, &id).await?;
    }
    Ok(())
}

/// A person signed out: the live connections opened with that sign-in close. Their sessions go
/// on as after any clean leave (the grace period runs).
pub async fn signed_out(state: &impl Context, user_id: &str, credential: &str) -> ApiResult<()> {
    let scope = RevokeScope::Credential(credential.to_owned());
    for id in state
        .store()
        .running_sessions_of(state.tenant_id(), user_id)
        .await?
    {
        close(state, &id, user_id, scope.clone(), "you signed out").await;
    }
    Ok(())
}

/// A person's password changed: every sign-in of theirs ends but `keep` (the one that made the
/// change, when they changed their own), and the live connections opened with those close.
/// A password reset by someone else (`keep` is `None`: whoever knew the old password may have
/// made tokens with it) also revokes every API token of theirs, an agent's sign-in included, and
/// closes the connections opened with them; changing one's own password keeps one's tokens.
pub async fn password_changed(
    state: &impl Context,
    user_id: &str,
    keep: Option<&str>,
) -> ApiResult<()> {
    let scope = match keep {
        Some(keep) => {
            state
                .store()
                .end_web_sessions_except(user_id, Some(keep))
                .await?;
            RevokeScope::CookiesExcept(Some(keep.to_owned()))
        }
        None => {
            state.store().revoke_credentials_of(user_id).await?;
            RevokeScope::All
        }
    };
    for id in state
        .store()
        .running_sessions_of(state.tenant_id(), user_id)
        .await?
    {
        close(
            state,
            &id,
            user_id,
            scope.clone(),
            "your password was changed",
        )
        .await;
    }
    Ok(())
}

/// After a user update: the one call of the handler. `disabled`: the account is now disabled;
/// `password_changed`: a new password was set, `keep` being the caller's own sign-in when they
/// changed their own password.
pub async fn user_updated(
    state: &impl Context,
    user_id: &str,
    disabled: bool,
    password_changed: bool,
    keep: Option<&str>,
) -> ApiResult<()> {
    if disabled {
        return user_disabled(state, user_id).await;
    }
    if password_changed {
        self::password_changed(state, user_id, keep).await?;
    }
    Ok(())
}

/// Roles or their assignments changed: every running session with a sharer is checked against
/// what its helper may now do for this sharer. A helper who may no longer help them at all has
/// the session ended (`access_revoked`) and their connections to it closed; one who may still
/// help but no longer in the current mode is narrowed (`Session::restrict`: control goes on as
/// view, a request no longer allowed is withdrawn).
pub async fn rights_changed(state: &impl Context) -> ApiResult<()> {
    let mut after = String::new();
    loop {
        let page = state
            .store()
            .running_joined_sessions(state.tenant_id(), &after, RECHECK_PAGE)
            .await?;
        let Some(last) = page.last() else {
            return Ok(());
        };
        after = last.clone();
        for id in &page {
            recheck(state, id).await?;
        }
    }
}

/// Re-checks one session's helper (see `rights_changed`).
async fn recheck(state: &impl Context, id: &str) -> ApiResult<()> {
    let Some(row) = state.store().session(state.tenant_id(), id).await? else {
        return Ok(());
    };
    let Some(sharer) = row.sharer_id.as_deref() else {
        return Ok(());
    };
    if row.machine.is_terminal() {
        return Ok(());
    }
    let access = state.store().access_of(&row.helper_id).await?;
    let groups: BTreeSet<String> = state.store().groups_of(sharer).await?.into_iter().collect();
    if !access.has_for(Permission::Offer, &groups) {
        close(
            state,
            id,
            &row.helper_id,
            RevokeScope::All,
            "your role no longer allows helping this person",
        )
        .await;
        return end(state, id).await;
    }
    let allowed = if access.has_for(Permission::FullControl, &groups) {
        Some(Mode::Control)
    } else if access.has_for(Permission::ViewScreen, &groups) {
        Some(Mode::View)
    } else {
        None
    };
    let row = service::update(state, id, |row, now| {
        row.machine.restrict(allowed, now);
        Ok(())
    })
    .await?;
    if row.machine.end_reason() == Some(EndReason::AccessRevoked) {
        close(
            state,
            id,
            &row.helper_id,
            RevokeScope::All,
            "your role no longer allows this session",
        )
        .await;
    }
    Ok(())
}

/// Tells every node to close `user_id`'s connections to session `id` that `scope` covers.
async fn close(state: &impl Context, id: &str, user_id: &str, scope: RevokeScope, reason: &str) {
    state
        .hub()
        .publish(
            id,
            BusEvent::Revoked {
                user_id: user_id.to_owned(),
                scope,
                reason: reason.to_owned(),
            },
        )
        .await;
}

/// Ends a running session because a participant's access was revoked (nothing if it is over).
async fn end(state: &impl Context, id: &str) -> ApiResult<()> {
    service::update(state, id, |row, now| {
        if !row.machine.is_terminal() {
            let _ = row.machine.apply(
                Event::End {
                    reason: EndReason::AccessRevoked,
                },
                now,
            );
        }
        Ok(())
    })
    .await?;
    Ok(())
}

/// Whether the credential a live connection was opened with still admits its holder: the sign-in
/// or token exists and the account is enabled.
pub async fn still_valid(state: &impl Context, via: Via, credential: &str) -> ApiResult<bool> {
    let cred = match via {
        Via::Cookie => state.store().web_session(credential).await?,
        Via::Bearer => state.store().api_token(credential).await?,
    };
    let Some(cred) = cred else {
        return Ok(false);
    };
    Ok(state
        .store()
        .user_by_id(&cred.user_id)
        .await?
        .is_some_and(|u| !u.disabled))
}
