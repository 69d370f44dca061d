//! Unattended consent: whether the sharer's agent may allow the helper's request without asking
//! the sharer (`assist agent join CODE --yes`).
//!
//! The rule (all must hold, checked in this order):
//! 1. the sharer joined with the Assist agent on an enrolled device that proved itself with its
//!    key (a web-app sharer never consents unattended), and that device is still enrolled;
//! 2. the helper's account is active and holds `remote_help.unattended` through a role assignment
//!    whose scope covers the sharer (the same scope rule as view and control);
//! 3. conditional access, evaluated for the helper at [`EvalPoint::UnattendedConsent`] with the
//!    facts of the sign-in the helper created the session with, allows it (a block, or a second
//!    factor the helper did not use, refuses).
//!
//! [`decide`] is the pure rule; [`check`] gathers the facts (for the session view, writes
//! nothing); [`enforce`] is the check at the moment the agent allows: the request must come
//! signed by the session's device, and the conditional-access decision goes to the audit log.

use super::Permission;
use super::conditional::{self, Decision, EvalPoint, Evaluation, Subject};
use crate::audit::action::Action;
use crate::auth::ClientAddr;
use crate::devices::{VerifiedDevice, device_summary};
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::store::Tenancy;
use crate::store::audit::AuditEntry;
use crate::store::sessions::{SessionRow, SharerKind};
use assist_proto::wire::ErrorBody;
use serde_json::json;
use std::collections::BTreeSet;

/// Why unattended consent is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No sharer has joined yet.
    NoSharer,
    /// The sharer uses the web app, not the agent on an enrolled device.
    WebSharer,
    /// The session's device is no longer enrolled (retired).
    DeviceNotEnrolled,
    /// The helper's account was disabled.
    HelperDisabled,
    /// The helper does not hold `remote_help.unattended` for this sharer.
    NotPermitted,
    /// Conditional access blocks it.
    PolicyBlocked,
    /// Conditional access requires a second factor the helper did not use.
    SecondFactorRequired,
}

impl Refusal {
    /// The stable error code.
    pub fn code(self) -> &'static str {
        self.error_code().as_str()
    }

    /// The stable code of the refusal.
    pub fn error_code(self) -> ErrorCode {
        match self {
            Refusal::NoSharer => ErrorCode::UnattendedNoSharer,
            Refusal::WebSharer => ErrorCode::UnattendedWebSharer,
            Refusal::DeviceNotEnrolled => ErrorCode::UnattendedDeviceNotEnrolled,
            Refusal::HelperDisabled => ErrorCode::UnattendedHelperDisabled,
            Refusal::NotPermitted => ErrorCode::UnattendedNotPermitted,
            Refusal::PolicyBlocked => ErrorCode::UnattendedBlockedByPolicy,
            Refusal::SecondFactorRequired => ErrorCode::UnattendedSecondFactorRequired,
        }
    }

    /// A sentence for the sharer.
    pub fn message(self) -> &'static str {
        match self {
            Refusal::NoSharer => "no sharer has joined this session yet",
            Refusal::WebSharer => {
                "unattended consent needs the Assist agent on an enrolled device; \
                 the web app always asks the sharer"
            }
            Refusal::DeviceNotEnrolled => "this device is no longer enrolled",
            Refusal::HelperDisabled => "the helper's account is disabled",
            Refusal::NotPermitted => {
                "the helper's role does not allow unattended sessions for you \
                 (remote_help.unattended in scope)"
            }
            Refusal::PolicyBlocked => {
                "your organisation's conditional-access policy blocks unattended sessions \
                 for this helper"
            }
            Refusal::SecondFactorRequired => {
                "your organisation's conditional-access policy allows unattended sessions only \
                 when the helper signed in with a second factor"
            }
        }
    }

    /// As the wire's error body.
    pub fn body(self) -> ErrorBody {
        ErrorBody::new(self.code(), self.message())
    }

    /// As a 403 API error.
    pub fn error(self) -> AppError {
        AppError::forbidden(self.error_code(), self.message())
    }
}

/// What the rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// A sharer has joined.
    pub sharer_joined: bool,
    /// The sharer joined with the agent on the session's device (signed by its key).
    pub sharer_on_agent: bool,
    /// The session's device is enrolled and not retired.
    pub device_enrolled: bool,
    /// The helper's account is active.
    pub helper_active: bool,
    /// The helper holds `remote_help.unattended` with the sharer in scope.
    pub helper_permitted: bool,
    /// The enforced conditional-access decision for the helper (`None`: not evaluated, because
    /// an earlier condition already refuses).
    pub policy: Option<Decision>,
}

/// The rule: `Ok` when unattended consent is allowed.
pub fn decide(f: &Facts) -> Result<(), Refusal> {
    if !f.sharer_joined {
        return Err(Refusal::NoSharer);
    }
    if !f.sharer_on_agent {
        return Err(Refusal::WebSharer);
    }
    if !f.device_enrolled {
        return Err(Refusal::DeviceNotEnrolled);
    }
    if !f.helper_active {
        return Err(Refusal::HelperDisabled);
    }
    if !f.helper_permitted {
        return Err(Refusal::NotPermitted);
    }
    match f.policy {
        Some(Decision::Allow) => Ok(()),
        Some(Decision::Block) => Err(Refusal::PolicyBlocked),
        Some(Decision::SecondFactorRequired) => Err(Refusal::SecondFactorRequired),
        // Conditional access was not evaluated: the caller must evaluate it before allowing.
        None => Err(Refusal::PolicyBlocked),
    }
}

/// The outcome of [`check`]: the decision, and the conditional-access evaluation if it was made.
#[derive(Debug, Clone)]
pub struct Check {
    pub decision: Result<(), Refusal>,
    pub evaluation: Option<Evaluation>,
    /// The device-compliance fact gathered for the evaluation, if any policy needed it.
    pub device_fact: Option<bool>,
}

/// Gathers the facts for `row` now and applies the rule. Writes nothing.
pub async fn check(state: &impl Tenancy, row: &SessionRow) -> ApiResult<Check> {
    let helper = match row.sharer_id {
        Some(_) => state.store().user_by_id(&row.helper_id).await?,
        None => None,
    };
    check_for(state, row, helper).await
}

/// [`check`] with the session's helper as the caller read them (a session view reads them for
/// the profile anyway).
pub async fn check_for(
    state: &impl Tenancy,
    row: &SessionRow,
    helper: Option<crate::store::users::User>,
) -> ApiResult<Check> {
    let refused = |r| Check {
        decision: Err(r),
        evaluation: None,
        device_fact: None,
    };
    let Some(sharer_id) = &row.sharer_id else {
        return Ok(refused(Refusal::NoSharer));
    };
    let mut facts = Facts {
        sharer_joined: true,
        sharer_on_agent: row.sharer_kind == Some(SharerKind::Agent) && row.device_id.is_some(),
        device_enrolled: false,
        helper_active: false,
        helper_permitted: false,
        policy: None,
    };
    if let Some(device_id) = row.device_id.as_deref().filter(|_| facts.sharer_on_agent) {
        facts.device_enrolled = device_summary(state.store(), state.tenant_id(), device_id)
            .await?
            .is_some_and(|d| d.enrolled);
    }
    facts.helper_active = helper.as_ref().is_some_and(|h| !h.disabled);
    if facts.sharer_on_agent && facts.device_enrolled && facts.helper_active {
        let groups: BTreeSet<String> = state
            .store()
            .groups_of(sharer_id)
            .await?
            .into_iter()
            .collect();
        facts.helper_permitted = state
            .store()
            .access_of(&row.helper_id)
            .await?
            .has_for(Permission::Unattended, &groups);
    }
    let mut evaluation = None;
    let mut device_fact = None;
    if let (true, Some(helper)) = (facts.helper_permitted, &helper) {
        let (eval, device) = conditional::evaluate_for(
            state,
            helper_subject(helper, row),
            EvalPoint::UnattendedConsent,
        )
        .await?;
        facts.policy = Some(eval.decision);
        evaluation = Some(eval);
        device_fact = device;
    }
    Ok(Check {
        decision: decide(&facts),
        evaluation,
        device_fact,
    })
}

fn helper_subject<'a>(helper: &'a crate::store::users::User, row: &SessionRow) -> Subject<'a> {
    Subject {
        user: helper,
        second_factor: row.helper_second_factor,
        addr: ClientAddr(row.helper_address.as_deref().and_then(|a| a.parse().ok())),
    }
}

/// The check at the moment the sharer's agent allows without asking: the request must be signed
/// by the session's device; the rule must hold now. Writes the conditional-access decision
/// (`access.evaluated`, point `unattended_consent`, for the helper) to the audit log when it was
/// evaluated. Answers 403 with the refusal's code otherwise.
pub async fn enforce(
    state: &impl Tenancy,
    row: &SessionRow,
    device: Option<&VerifiedDevice>,
) -> ApiResult<()> {
    if row.sharer_kind == Some(SharerKind::Agent) && device.map(|d| &d.id) != row.device_id.as_ref()
    {
        return Err(AppError::forbidden(
            ErrorCode::UnattendedNeedsDevice,
            "unattended consent must come from the Assist agent on the session's device",
        ));
    }
    let check = check(state, row).await?;
    if let Some(eval) = &check.evaluation {
        let helper = state.store().user_by_id(&row.helper_id).await?;
        state
            .store()
            .audit(
                state.tenant_id(),
                &AuditEntry {
                    actor_id: Some(row.helper_id.clone()),
                    actor: helper.map(|h| h.email).unwrap_or_default(),
                    action: Action::AccessEvaluated,
                    target: Some(row.helper_id.clone()),
                    address: row.helper_address.clone(),
                    detail: json!({
                        "point": EvalPoint::UnattendedConsent,
                        "session_id": row.id,
                        "decision": eval.decision,
                        "report_only_decision": eval.report_only_decision,
                        "policies": eval.applied,
                        "facts": {
                            "second_factor": row.helper_second_factor,
                            "address": row.helper_address,
                            "device_compliant": check.device_fact,
                        },
                    }),
                },
            )
            .await?;
    }
    check.decision.map_err(Refusal::error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Facts {
        Facts {
            sharer_joined: true,
            sharer_on_agent: true,
            device_enrolled: true,
            helper_active: true,
            helper_permitted: true,
            policy: Some(Decision::Allow),
        }
    }

    #[test]
    fn every_condition_is_needed() {
        assert_eq!(decide(&allowed()), Ok(()));
        type Change = fn(&mut Facts);
        let cases: [(Change, Refusal); 7] = [
            (|f| f.sharer_joined = false, Refusal::NoSharer),
            (|f| f.sharer_on_agent = false, Refusal::WebSharer),
            (|f| f.device_enrolled = false, Refusal::DeviceNotEnrolled),
            (|f| f.helper_active = false, Refusal::HelperDisabled),
            (|f| f.helper_permitted = false, Refusal::NotPermitted),
            (|f| f.policy = Some(Decision::Block), Refusal::PolicyBlocked),
            (
                |f| f.policy = Some(Decision::SecondFactorRequired),
                Refusal::SecondFactorRequired,
            ),
        ];
        for (change, want) in cases {
            let mut f = allowed();
            change(&mut f);
            assert_eq!(decide(&f), Err(want), "{f:?}");
        }
    }

    #[test]
    fn unevaluated_policy_never_allows() {
        let f = Facts {
            policy: None,
            ..allowed()
        };
        assert!(decide(&f).is_err());
    }

    #[test]
    fn a_web_sharer_is_refused_whatever_the_helper_holds() {
        let f = Facts {
            sharer_on_agent: false,
            device_enrolled: false,
            ..allowed()
        };
        assert_eq!(decide(&f), Err(Refusal::WebSharer));
    }

    #[test]
    fn codes_are_distinct() {
        let all = [
            Refusal::NoSharer,
            Refusal::WebSharer,
            Refusal::DeviceNotEnrolled,
            Refusal::HelperDisabled,
            Refusal::NotPermitted,
            Refusal::PolicyBlocked,
            Refusal::SecondFactorRequired,
        ];
        let codes: BTreeSet<&str> = all.iter().map(|r| r.code()).collect();
        assert_eq!(codes.len(), all.len());
        assert!(codes.iter().all(|c| c.starts_with("unattended_")));
    }
}
