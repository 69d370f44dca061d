//! The session as each participant sees it: trust-screen profiles, device, warnings.

use super::Context;
use super::bus::Saved;
use crate::devices::{DeviceState, device_summary};
use crate::error::ApiResult;
use crate::store::offers::{Offer, OfferStatus};
use crate::store::sessions::{SessionRow, SharerKind};
use crate::store::users::User;
use assist_proto::session::{Role, StateName};
use assist_proto::wire::{DeviceOffer, Profile, SessionView, Warning};

/// A user's trust-screen profile.
pub async fn profile(state: &impl Context, user: &User) -> ApiResult<Profile> {
    let domain = user.email_domain();
    Ok(Profile {
        id: user.id.clone(),
        full_name: user.full_name.clone(),
        job_title: user.job_title.clone(),
        company: user.company.clone(),
        picture_url: user.picture_url.clone(),
        domain_verified: state
            .store()
            .domain_verified_for_view(state.tenant_id(), &domain)
            .await?,
        email_domain: domain,
    })
}

/// The warnings for the helper (never blocking). Before a sharer joined, nothing is known of
/// the sharer's device unless the session was started for one.
pub fn warnings(row: &SessionRow, device: Option<&DeviceState>) -> Vec<Warning> {
    let mut out = Vec::new();
    if row.sharer_id.is_none() && device.is_none() {
        return out;
    }
    match device {
        Some(d) if !d.enrolled => out.push(Warning::device_not_enrolled()),
        Some(d) if d.compliance == assist_proto::wire::COMPLIANCE_NOT_COMPLIANT => {
            out.push(Warning::device_not_compliant(d.reasons.clone()))
        }
        Some(_) => {}
        None => out.push(Warning::device_not_enrolled()),
    }
    if row.sharer_id.is_some() && row.sharer_kind != Some(SharerKind::Agent) {
        out.push(Warning::sharer_unverified());
    }
    out
}

/// Where a session's offer to its device stands, as the helper's page says it: declined, or
/// offered while the device is online, or offline since the device left.
pub fn device_offer(offer: &Offer, device: Option<&DeviceState>) -> DeviceOffer {
    match (offer.status, device) {
        (OfferStatus::Declined, _) => DeviceOffer {
            status: OfferStatus::Declined.as_str().into(),
            since: Some(offer.changed_at),
        },
        (OfferStatus::Offered, Some(d)) if d.online => DeviceOffer {
            status: OfferStatus::Offered.as_str().into(),
            since: Some(offer.changed_at.max(d.online_changed_at.unwrap_or(0))),
        },
        (OfferStatus::Offered, d) => DeviceOffer {
            status: "offline".into(),
            since: d.and_then(|d| d.online_changed_at),
        },
    }
}

/// The view of a session for the participant in `role`.
pub async fn view(state: &impl Context, row: &SessionRow, role: Role) -> ApiResult<SessionView> {
    Ok(full_view(state, row).await?.for_role(role))
}

/// The session `row` as a change saved it (at version `version`), for every connection to it.
pub async fn saved(state: &impl Context, row: &SessionRow, version: i64) -> ApiResult<Saved> {
    Ok(Saved {
        version,
        view: full_view(state, row).await?,
        live: !row.machine.is_terminal(),
        media: row.machine.active_mode().is_some(),
        helper: row.presence.of(Role::Helper).map(|p| p.status),
        sharer: row.presence.of(Role::Sharer).map(|p| p.status),
    })
}

/// The view of a session before it is narrowed to a role.
async fn full_view(state: &impl Context, row: &SessionRow) -> ApiResult<SessionView> {
    let mut v = SessionView::new(row.id.clone(), &row.machine);
    let helper = state.store().user_for_view(&row.helper_id).await?;
    if let Some(helper) = &helper {
        v.helper = Some(profile(state, helper).await?);
    }
    if let Some(id) = &row.sharer_id
        && let Some(sharer) = state.store().user_for_view(id).await?
    {
        v.sharer = Some(profile(state, &sharer).await?);
    }
    let device = match &row.device_id {
        Some(id) => device_summary(state.store(), state.tenant_id(), id).await?,
        None => None,
    };
    v.device = device
        .as_ref()
        .map(|d| d.summary(row.sharer_kind == Some(SharerKind::Agent)));
    v.warnings = warnings(row, device.as_ref());
    // Only the helper's view keeps it (SessionView::for_role).
    if row.machine.state.name() == StateName::Waiting
        && row.device_id.is_some()
        && let Some(offer) = state.store().offer(state.tenant_id(), &row.id).await?
    {
        v.device_offer = Some(device_offer(&offer, device.as_ref()));
    }
    v.chat_enabled = !state.settings().current(state).await?.chat_disabled;
    if row.sharer_id.is_some() && !row.machine.is_terminal() {
        match crate::access::unattended::check_for(state, row, helper)
            .await?
            .decision
        {
            Ok(()) => v.unattended_allowed = true,
            Err(refusal) => v.unattended_refusal = Some(refusal.body()),
        }
    }
    Ok(v)
}
