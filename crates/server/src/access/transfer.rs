//! Whether a session may share clipboard text and move files.
//!
//! The rule, for each of clipboard and files (all must hold, checked in this order):
//! 1. the session is live: the sharer allowed view or control (and it has not ended);
//! 2. for files, the tenant has not turned file transfer off;
//! 3. the helper's account is active and holds `remote_help.clipboard` (or `remote_help.files`)
//!    through a role assignment whose scope covers the sharer (the scope rule of view and control);
//! 4. conditional access, evaluated for the helper at [`EvalPoint::Clipboard`] (or
//!    [`EvalPoint::FileTransfer`]) with the facts of the sign-in the helper created the session
//!    with, allows it.
//!
//! [`decide`] is the pure rule; [`check`] gathers the facts and writes nothing; [`enforce`] is
//! the check when a transfer opens, and writes the conditional-access decision to the audit log.
//! The sharer's own consent (Allow / Deny per file, clipboard sharing on or off) is asked on the
//! sharer's side; this is the organisation's part.

use super::Permission;
use super::conditional::{self, Decision, EvalPoint, Subject};
use crate::auth::ClientAddr;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::store::Tenancy;
use crate::store::sessions::SessionRow;
use crate::store::tenants::Settings;
use assist_proto::session::State;
use std::collections::BTreeSet;

/// What is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Clipboard text.
    Clipboard,
    /// Files.
    Files,
}

impl Kind {
    fn permission(self) -> Permission {
        match self {
            Kind::Clipboard => Permission::Clipboard,
            Kind::Files => Permission::Files,
        }
    }

    fn point(self) -> EvalPoint {
        match self {
            Kind::Clipboard => EvalPoint::Clipboard,
            Kind::Files => EvalPoint::FileTransfer,
        }
    }
}

/// Why it is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The sharer has not allowed view or control, or the session is over.
    NotActive,
    /// The tenant turned file transfer off.
    Disabled,
    /// The helper's account is disabled, or their role does not give the permission for this
    /// sharer.
    NotPermitted,
    /// Conditional access blocks it.
    PolicyBlocked,
    /// Conditional access requires a second factor the helper did not use.
    SecondFactorRequired,
}

impl Refusal {
    /// As a 403 (409 for a session that is not live) API error.
    pub fn error(self, kind: Kind) -> AppError {
        let what = match kind {
            Kind::Clipboard => "clipboard sharing",
            Kind::Files => "file transfer",
        };
        match self {
            Refusal::NotActive => AppError::conflict(
                ErrorCode::SessionNotActive,
                format!("{what} needs a session the sharer has allowed"),
            ),
            Refusal::Disabled => AppError::forbidden(
                ErrorCode::FileTransferDisabled,
                "file transfer is turned off for this organisation",
            ),
            Refusal::NotPermitted => AppError::forbidden(
                ErrorCode::PermissionDenied,
                format!(
                    "your role does not allow {what} for this user ({})",
                    kind.permission().as_str()
                ),
            ),
            Refusal::PolicyBlocked => AppError::forbidden(
                ErrorCode::ConditionalAccessBlocked,
                format!("your organisation's conditional-access policy blocks {what}"),
            ),
            Refusal::SecondFactorRequired => AppError::forbidden(
                ErrorCode::SecondFactorRequired,
                format!(
                    "your organisation's conditional-access policy requires a second factor for {what}"
                ),
            ),
        }
    }
}

/// What the rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    /// The session is live (view or control allowed, not ended).
    pub active: bool,
    /// The tenant turned file transfer off (files only).
    pub disabled: bool,
    /// The helper is active and holds the permission with the sharer in scope.
    pub permitted: bool,
    /// The enforced conditional-access decision (`None`: not evaluated, an earlier condition
    /// already refuses).
    pub policy: Option<Decision>,
}

/// The rule: `Ok` when allowed.
pub fn decide(f: &Facts) -> Result<(), Refusal> {
    if !f.active {
        return Err(Refusal::NotActive);
    }
    if f.disabled {
        return Err(Refusal::Disabled);
    }
    if !f.permitted {
        return Err(Refusal::NotPermitted);
    }
    match f.policy {
        Some(Decision::Allow) => Ok(()),
        Some(Decision::Block) => Err(Refusal::PolicyBlocked),
        Some(Decision::SecondFactorRequired) => Err(Refusal::SecondFactorRequired),
        None => Err(Refusal::NotPermitted),
    }
}

/// Whether the session is live: the sharer allowed a mode that still runs.
pub fn is_active(state: &State) -> bool {
    matches!(
        state,
        State::Active { .. }
            | State::Requested {
                active: Some(_),
                ..
            }
    )
}

/// Gathers the facts of `row` for `kind` and applies the rule; with `record`, the
/// conditional-access decision goes to the audit log.
async fn gather(
    state: &impl Tenancy,
    row: &SessionRow,
    settings: &Settings,
    kind: Kind,
    record: bool,
) -> ApiResult<Result<(), Refusal>> {
    let mut facts = Facts {
        active: is_active(&row.machine.state),
        disabled: kind == Kind::Files && settings.file_transfer_disabled,
        permitted: false,
        policy: None,
    };
    let helper = state.store().user_by_id(&row.helper_id).await?;
    let Some(helper) = helper.filter(|h| !h.disabled) else {
        return Ok(decide(&facts));
    };
    let groups: BTreeSet<String> = match &row.sharer_id {
        Some(s) => state.store().groups_of(s).await?.into_iter().collect(),
        None => BTreeSet::new(),
    };
    facts.permitted = state
        .store()
        .access_of(&row.helper_id)
        .await?
        .has_for(kind.permission(), &groups);
    if facts.active && !facts.disabled && facts.permitted {
        let subject = Subject {
            user: &helper,
            second_factor: row.helper_second_factor,
            addr: ClientAddr(row.helper_address.as_deref().and_then(|a| a.parse().ok())),
        };
        facts.policy = Some(if record {
            match conditional::run(state, subject, kind.point()).await {
                Ok(()) => Decision::Allow,
                Err(e) if e.error_code() == ErrorCode::SecondFactorRequired => {
                    Decision::SecondFactorRequired
                }
                Err(e) if e.error_code() == ErrorCode::ConditionalAccessBlocked => Decision::Block,
                Err(e) => return Err(e),
            }
        } else {
            conditional::evaluate_for(state, subject, kind.point())
                .await?
                .0
                .decision
        });
    }
    Ok(decide(&facts))
}

/// The rule for `row` now. Writes nothing.
pub async fn check(
    state: &impl Tenancy,
    row: &SessionRow,
    settings: &Settings,
    kind: Kind,
) -> ApiResult<Result<(), Refusal>> {
    gather(state, row, settings, kind, false).await
}

/// The rule when a transfer opens: refuses with the error of [`Refusal::error`]; the
/// conditional-access decision (`access.evaluated`, for the helper) is written to the audit log.
pub async fn enforce(
    state: &impl Tenancy,
    row: &SessionRow,
    settings: &Settings,
    kind: Kind,
) -> ApiResult<()> {
    gather(state, row, settings, kind, true)
        .await?
        .map_err(|r| r.error(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn allowed() -> Facts {
        Facts {
            active: true,
            disabled: false,
            permitted: true,
            policy: Some(Decision::Allow),
        }
    }

    #[test]
    fn every_condition_refuses_on_its_own() {
        assert_eq!(decide(&allowed()), Ok(()));
        let cases = [
            (
                Facts {
                    active: false,
                    ..allowed()
                },
                Refusal::NotActive,
            ),
            (
                Facts {
                    disabled: true,
                    ..allowed()
                },
                Refusal::Disabled,
            ),
            (
                Facts {
                    permitted: false,
                    ..allowed()
                },
                Refusal::NotPermitted,
            ),
            (
                Facts {
                    policy: Some(Decision::Block),
                    ..allowed()
                },
                Refusal::PolicyBlocked,
            ),
            (
                Facts {
                    policy: Some(Decision::SecondFactorRequired),
                    ..allowed()
                },
                Refusal::SecondFactorRequired,
            ),
            (
                Facts {
                    policy: None,
                    ..allowed()
                },
                Refusal::NotPermitted,
            ),
        ];
        for (f, r) in cases {
            assert_eq!(decide(&f), Err(r), "{f:?}");
        }
    }

    #[test]
    fn live_states() {
        use assist_proto::session::{EndReason, Mode};
        assert!(is_active(&State::Active { mode: Mode::View }));
        assert!(is_active(&State::Requested {
            mode: Mode::Control,
            active: Some(Mode::View)
        }));
        assert!(!is_active(&State::Requested {
            mode: Mode::View,
            active: None
        }));
        assert!(!is_active(&State::Joined));
        assert!(!is_active(&State::Ended {
            reason: EndReason::HelperEnded
        }));
    }
}
