//! The names of audit actions: one enum, so that an action is written once and a misspelt one is
//! a compile error. Each name is the text stored in the `action` column and read by `GET
//! /api/audit?action=` and by anyone who exports the log, so the names are a contract: a
//! variant's text never changes. `docs/audit.md` lists them; a test keeps the two the same.

/// Declares the actions once: the variant, the stored name, and a sentence on its meaning.
macro_rules! audit_actions {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// What an audit entry records.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Action {
            $($(#[$doc])* $variant,)*
        }

        impl Action {
            /// Every action, in the order declared.
            pub const ALL: &[Action] = &[$(Action::$variant,)*];

            /// The name as stored.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Action::$variant => $name,)*
                }
            }
        }
    };
}

audit_actions! {
    /// Conditional access was evaluated for a user (at sign-in, a session start or join, or an
    /// unattended consent), with its result.
    AccessEvaluated = "access.evaluated",
    /// The one-time code that hands a single sign-on to the agent was refused.
    AuthAgentCodeRefused = "auth.agent_code_refused",
    /// A user renewed their second-factor recovery codes.
    AuthRecoveryCodesRenewed = "auth.recovery_codes_renewed",
    /// A user turned their second factor off.
    AuthSecondFactorDisabled = "auth.second_factor_disabled",
    /// A user confirmed their authenticator: the second factor is on.
    AuthSecondFactorEnabled = "auth.second_factor_enabled",
    /// A user began to set up an authenticator.
    AuthSecondFactorEnrolmentStarted = "auth.second_factor_enrolment_started",
    /// An administrator reset a user's second factor.
    AuthSecondFactorReset = "auth.second_factor_reset",
    /// A user signed in (password or single sign-on).
    AuthSignIn = "auth.sign_in",
    /// A sign-in was refused (wrong password or code, disabled account, single sign-on error).
    AuthSignInFailed = "auth.sign_in_failed",
    /// A user signed out.
    AuthSignOut = "auth.sign_out",
    /// A compliance policy was created.
    CompliancePolicyCreated = "compliance_policy.created",
    /// A compliance policy was deleted.
    CompliancePolicyDeleted = "compliance_policy.deleted",
    /// A compliance policy was changed.
    CompliancePolicyUpdated = "compliance_policy.updated",
    /// A conditional access policy was created.
    ConditionalAccessPolicyCreated = "conditional_access.policy_created",
    /// A conditional access policy was deleted.
    ConditionalAccessPolicyDeleted = "conditional_access.policy_deleted",
    /// A conditional access policy was changed.
    ConditionalAccessPolicyUpdated = "conditional_access.policy_updated",
    /// A device became compliant or stopped being so.
    DeviceComplianceChanged = "device.compliance_changed",
    /// A device was enrolled with an enrollment token.
    DeviceEnrolled = "device.enrolled",
    /// An enrollment was refused (bad, used or expired token).
    DeviceEnrollmentRefused = "device.enrollment_refused",
    /// A device was retired.
    DeviceRetired = "device.retired",
    /// A device's name or groups were changed.
    DeviceUpdated = "device.updated",
    /// An email domain was added to the organisation.
    DomainAdded = "domain.added",
    /// An email domain was removed from the organisation.
    DomainRemoved = "domain.removed",
    /// An enrollment token was created.
    EnrollmentTokenCreated = "enrollment_token.created",
    /// An enrollment token was revoked.
    EnrollmentTokenRevoked = "enrollment_token.revoked",
    /// A group was created.
    GroupCreated = "group.created",
    /// A group was deleted.
    GroupDeleted = "group.deleted",
    /// A user was added to a group.
    GroupMemberAdded = "group.member_added",
    /// A user was removed from a group.
    GroupMemberRemoved = "group.member_removed",
    /// A group was renamed.
    GroupUpdated = "group.updated",
    /// An attempt was refused by a rate limit (the first refusal of a window, then the 2nd,
    /// 4th, 8th, ...).
    RateLimitRefused = "rate_limit.refused",
    /// A role was assigned to a user (also at the first start and by `assist admin`).
    RoleAssigned = "role.assigned",
    /// A role was created.
    RoleCreated = "role.created",
    /// A role was deleted.
    RoleDeleted = "role.deleted",
    /// A role assignment was removed.
    RoleUnassigned = "role.unassigned",
    /// A role was changed.
    RoleUpdated = "role.updated",
    /// The sharer allowed the helper's request.
    SessionAllowed = "session.allowed",
    /// A chat message was sent in a session (its text is not in the log).
    SessionChatSent = "session.chat_sent",
    /// The sharer took control back; the session went on as view only.
    SessionControlStopped = "session.control_stopped",
    /// A helper created a session (and its code).
    SessionCreated = "session.created",
    /// The sharer denied the helper's request.
    SessionDenied = "session.denied",
    /// A session ended.
    SessionEnded = "session.ended",
    /// A session expired before it started, or ran past its longest time.
    SessionExpired = "session.expired",
    /// A join failed: the code was unknown or already used.
    SessionJoinFailed = "session.join_failed",
    /// A join was refused by policy (helper out of scope, device not enrolled).
    SessionJoinRefused = "session.join_refused",
    /// A sharer joined a session.
    SessionJoined = "session.joined",
    /// A session was offered to an enrolled device's agent.
    SessionOfferedToDevice = "session.offered_to_device",
    /// A helper's request to view or control was refused by their role.
    SessionRequestRefused = "session.request_refused",
    /// A helper asked to view the screen or to take control.
    SessionRequested = "session.requested",
    /// An unattended consent was refused by policy.
    SessionUnattendedRefused = "session.unattended_refused",
    /// The organisation's settings were changed.
    SettingsChanged = "settings.changed",
    /// The single sign-on (OpenID Connect) settings were changed.
    SettingsOidcUpdated = "settings.oidc_updated",
    /// An API token was created (also for the agent, after its single sign-on).
    TokenCreated = "token.created",
    /// An API token was revoked.
    TokenRevoked = "token.revoked",
    /// A file transfer was finished, failed or cancelled (with its outcome and SHA-256).
    TransferFinished = "transfer.finished",
    /// A file transfer was opened in a session.
    TransferOpened = "transfer.opened",
    /// A file transfer was refused (larger than the organisation allows).
    TransferRefused = "transfer.refused",
    /// A user was created.
    UserCreated = "user.created",
    /// A user was deleted.
    UserDeleted = "user.deleted",
    /// A user's password was reset by `assist admin`.
    UserPasswordReset = "user.password_reset",
    /// A user's picture was changed.
    UserPictureChanged = "user.picture_changed",
    /// A user's details were changed.
    UserUpdated = "user.updated",
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Action;
    use std::collections::BTreeSet;

    #[test]
    fn names_are_unique_and_well_formed() {
        let mut seen = BTreeSet::new();
        for a in Action::ALL {
            let name = a.as_str();
            assert!(seen.insert(name), "{name} is declared twice");
            let (subject, verb) = name.split_once('.').expect("subject.verb");
            let word =
                |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_lowercase() || c == '_');
            assert!(
                word(subject) && word(verb),
                "{name} is not subject.verb in snake_case"
            );
        }
    }

    /// The table in `docs/audit.md` lists exactly the actions, in the same order.
    #[test]
    fn the_docs_list_every_action() {
        let doc = include_str!("../../../../docs/audit.md");
        let listed: Vec<&str> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split_once('`').map(|(name, _)| name))
            .collect();
        let declared: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(listed, declared);
    }
}
