//! Conditional access at run time: `enforce` and `enforce_sign_in` gather the facts of a caller
//! (groups, second factor, address, a compliant device), evaluate the tenant's policies with the
//! pure rules of `policy`, write the decision to the audit log (`access.evaluated`) and refuse the
//! request when enforced policies block it. The rules' types are re-exported here.

pub use super::policy::*;

use crate::audit::action::Action;
use crate::auth::{Authed, ClientAddr};
use crate::error::AppError;
use crate::store::Tenancy;
use crate::store::audit::AuditEntry;
use crate::store::users::User;
use serde_json::json;
use std::collections::BTreeSet;

/// Who is being evaluated: a signed-in caller, or a user in the middle of signing in.
#[derive(Debug, Clone, Copy)]
pub struct Subject<'a> {
    pub user: &'a User,
    pub second_factor: bool,
    pub addr: ClientAddr,
}

/// Gathers the facts for `who` and evaluates the tenant's policies, without writing anything.
pub async fn evaluate_for(
    state: &impl Tenancy,
    who: Subject<'_>,
    point: EvalPoint,
) -> Result<(Evaluation, Option<bool>), AppError> {
    let policies = state.store().ca_policies(state.tenant_id()).await?;
    let groups: BTreeSet<String> = state
        .store()
        .groups_of(&who.user.id)
        .await?
        .into_iter()
        .collect();
    let device = if needs_device_fact(&policies, &who.user.id, &groups, point) {
        Some(
            state
                .store()
                .has_compliant_device(state.tenant_id(), &who.user.id)
                .await?,
        )
    } else {
        None
    };
    let facts = Facts {
        user_id: &who.user.id,
        groups: &groups,
        point,
        second_factor: who.second_factor,
        address: who.addr.0,
        device_compliant: device.unwrap_or(false),
    };
    Ok((evaluate(&policies, &facts), device))
}

/// Evaluates, writes the decision to the audit log, and refuses when enforced policies block.
pub async fn run(state: &impl Tenancy, who: Subject<'_>, point: EvalPoint) -> Result<(), AppError> {
    let (eval, device) = evaluate_for(state, who, point).await?;
    let detail = json!({
        "point": point,
        "decision": eval.decision,
        "report_only_decision": eval.report_only_decision,
        "policies": eval.applied,
        "facts": {
            "second_factor": who.second_factor,
            "address": who.addr.0.map(|a| a.to_string()),
            "device_compliant": device,
        },
    });
    state
        .store()
        .audit(
            state.tenant_id(),
            &AuditEntry {
                actor_id: Some(who.user.id.clone()),
                actor: who.user.email.clone(),
                action: Action::AccessEvaluated,
                target: Some(who.user.id.clone()),
                address: who.addr.0.map(|a| a.to_string()),
                detail,
            },
        )
        .await?;
    match refusal(eval.decision, point) {
        None => Ok(()),
        Some(e) => Err(e),
    }
}

/// Conditional access for a signed-in caller at session creation or join (or any point): evaluates
/// the tenant's policies, writes `access.evaluated` to the audit log with the decision and every
/// policy that applied (report-only ones marked `enforced: false`), and answers
/// `403 conditional_access_blocked` or `403 second_factor_required` when enforced policies refuse.
pub async fn enforce(state: &impl Tenancy, who: &Authed, point: EvalPoint) -> Result<(), AppError> {
    run(
        state,
        Subject {
            user: &who.user,
            second_factor: who.second_factor,
            addr: who.addr,
        },
        point,
    )
    .await
}

/// Conditional access at sign-in, before a session exists: as [`enforce`] at
/// [`EvalPoint::SignIn`], for `user` signing in from `addr` with or without a second factor.
pub async fn enforce_sign_in(
    state: &impl Tenancy,
    user: &User,
    second_factor: bool,
    addr: ClientAddr,
) -> Result<(), AppError> {
    run(
        state,
        Subject {
            user,
            second_factor,
            addr,
        },
        EvalPoint::SignIn,
    )
    .await
}
