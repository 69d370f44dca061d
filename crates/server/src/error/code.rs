//! The stable, machine-readable codes of the API's error answers, `{"error": {"code", "message"}}`:
//! one enum, so that a code is written once and a misspelt one is a compile error. Each code
//! is the same snake_case text clients have always read; the contract does not change.

use assist_proto::chat::ChatError;
use assist_proto::session::TransitionError;
use serde::Serialize;

/// Declares the codes once: the variant, the text a client reads, and a sentence on its meaning.
macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)*) => {
        /// The `code` of an error answer.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        pub enum ErrorCode {
            $($(#[$doc])* #[serde(rename = $code)] $variant,)*
        }

        impl ErrorCode {
            /// Every code, in the order declared.
            pub const ALL: &[ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The code as clients read it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $code,)*
                }
            }
        }
    };
}

error_codes! {
    /// The account is disabled.
    AccountDisabled = "account_disabled",
    /// The one-time code that hands a single sign-on to the agent was refused.
    AgentCodeRefused = "agent_code_refused",
    /// The session is over (ended or denied).
    AlreadyEnded = "already_ended",
    /// Wrong email or password.
    BadCredentials = "bad_credentials",
    /// The authenticator or recovery code is wrong or expired.
    BadSecondFactor = "bad_second_factor",
    /// The request body is larger than the limit.
    BodyTooLarge = "body_too_large",
    /// The request body could not be read.
    BodyUnreadable = "body_unreadable",
    /// Built-in roles cannot be changed or deleted.
    BuiltinRole = "builtin_role",
    /// The session changed too often at once; try again.
    Busy = "busy",
    /// An administrator cannot delete their own account.
    CannotDeleteSelf = "cannot_delete_self",
    /// An administrator cannot disable their own account.
    CannotDisableSelf = "cannot_disable_self",
    /// Chat is turned off for the organisation.
    ChatDisabled = "chat_disabled",
    /// The chat message is empty once cleaned.
    ChatEmpty = "chat_empty",
    /// The chat message is longer than the limit.
    ChatTooLong = "chat_too_long",
    /// The security code has expired.
    CodeExpired = "code_expired",
    /// The security code already opened a session; a code is used once.
    CodeUsed = "code_used",
    /// A conditional-access policy blocks this.
    ConditionalAccessBlocked = "conditional_access_blocked",
    /// Full control needs the native agent on the sharer's device.
    ControlNeedsAgent = "control_needs_agent",
    /// A state-changing request from another site.
    CrossSiteRequest = "cross_site_request",
    /// The database cannot be reached now; try again shortly.
    DatabaseUnavailable = "database_unavailable",
    /// A device with this public key is already enrolled.
    DeviceKeyInUse = "device_key_in_use",
    /// The session is for another device.
    DeviceMismatch = "device_mismatch",
    /// A signed device request was received before (nonce used).
    DeviceReplay = "device_replay",
    /// The device is retired.
    DeviceRetired = "device_retired",
    /// A device request's signature does not verify.
    DeviceSignatureInvalid = "device_signature_invalid",
    /// The request must be signed by an enrolled device.
    DeviceSignatureMissing = "device_signature_missing",
    /// A device request's timestamp is too far from the server's clock.
    DeviceTimestampSkew = "device_timestamp_skew",
    /// No enrolled device has this id.
    DeviceUnknown = "device_unknown",
    /// The domain is already verified.
    DomainExists = "domain_exists",
    /// A user with this email exists.
    EmailTaken = "email_taken",
    /// The enrollment token has expired.
    EnrollmentTokenExpired = "enrollment_token_expired",
    /// The enrollment token is not valid.
    EnrollmentTokenInvalid = "enrollment_token_invalid",
    /// The enrollment token was revoked.
    EnrollmentTokenRevoked = "enrollment_token_revoked",
    /// The enrollment token has been used as often as it allows.
    EnrollmentTokenUsedUp = "enrollment_token_used_up",
    /// The session's code expired before the action.
    Expired = "expired",
    /// File transfer is turned off for the organisation.
    FileTransferDisabled = "file_transfer_disabled",
    /// Only the helper may do this.
    HelperOnly = "helper_only",
    /// A fault of the server.
    Internal = "internal",
    /// Not an IP address.
    InvalidAddress = "invalid_address",
    /// The agent's single sign-on redirect address is not allowed.
    InvalidAgentRedirect = "invalid_agent_redirect",
    /// The request body does not have the expected shape.
    InvalidBody = "invalid_body",
    /// Not a well-formed security code.
    InvalidCode = "invalid_code",
    /// The conditions of a conditional-access policy are invalid.
    InvalidConditions = "invalid_conditions",
    /// The consent body is invalid.
    InvalidConsent = "invalid_consent",
    /// Not a valid domain name.
    InvalidDomain = "invalid_domain",
    /// Not a valid email address.
    InvalidEmail = "invalid_email",
    /// A field's value is invalid.
    InvalidField = "invalid_field",
    /// An unknown output format.
    InvalidFormat = "invalid_format",
    /// Not a valid id.
    InvalidId = "invalid_id",
    /// Not a valid single sign-on issuer address.
    InvalidIssuer = "invalid_issuer",
    /// A group member must be one user or one group.
    InvalidMember = "invalid_member",
    /// The page's limit or offset is out of range.
    InvalidPage = "invalid_page",
    /// A path parameter is invalid.
    InvalidPath = "invalid_path",
    /// Not an Ed25519 public key.
    InvalidPublicKey = "invalid_public_key",
    /// A query parameter is invalid.
    InvalidQuery = "invalid_query",
    /// The rules of a compliance policy are invalid.
    InvalidRules = "invalid_rules",
    /// The scope of a role assignment is invalid.
    InvalidScope = "invalid_scope",
    /// The targets of a conditional-access policy are invalid.
    InvalidTargets = "invalid_targets",
    /// The action is not possible in the session's current state.
    InvalidTransition = "invalid_transition",
    /// The change would leave no enabled administrator.
    LastAdministrator = "last_administrator",
    /// The request body is not JSON.
    MalformedJson = "malformed_json",
    /// The mode requested is not allowed from the current one.
    ModeNotAllowed = "mode_not_allowed",
    /// The name is taken.
    NameTaken = "name_taken",
    /// No second-factor enrolment is under way.
    NoEnrolment = "no_enrolment",
    /// No such thing (or not visible to the caller).
    NotFound = "not_found",
    /// The account with this email is bound to another single sign-on identity.
    OidcAccountConflict = "oidc_account_conflict",
    /// The provider's token response is unreadable.
    OidcBadTokenResponse = "oidc_bad_token_response",
    /// The provider refused the authorization code.
    OidcCodeRejected = "oidc_code_rejected",
    /// The provider's discovery document could not be read.
    OidcDiscoveryFailed = "oidc_discovery_failed",
    /// Accounts of this email domain may not sign in.
    OidcDomainNotAllowed = "oidc_domain_not_allowed",
    /// The provider gave no usable email address.
    OidcEmailMissing = "oidc_email_missing",
    /// The provider says the email address is not verified.
    OidcEmailUnverified = "oidc_email_unverified",
    /// The ID token's signature does not verify.
    OidcInvalidSignature = "oidc_invalid_signature",
    /// The single sign-on state is unknown, used or expired.
    OidcInvalidState = "oidc_invalid_state",
    /// The ID token was refused.
    OidcInvalidToken = "oidc_invalid_token",
    /// The provider's configuration is unusable.
    OidcMisconfigured = "oidc_misconfigured",
    /// The provider's answer has no code.
    OidcMissingCode = "oidc_missing_code",
    /// The provider returned no ID token.
    OidcNoIdToken = "oidc_no_id_token",
    /// The provider refused the sign-in.
    OidcProviderError = "oidc_provider_error",
    /// The provider could not be reached.
    OidcProviderUnreachable = "oidc_provider_unreachable",
    /// The ID token is expired or not yet valid.
    OidcTokenExpired = "oidc_token_expired",
    /// The ID token is signed with a key the provider does not publish.
    OidcUnknownKey = "oidc_unknown_key",
    /// The ID token is for another client.
    OidcWrongAudience = "oidc_wrong_audience",
    /// The answer comes from another issuer.
    OidcWrongIssuer = "oidc_wrong_issuer",
    /// The ID token's nonce is not this sign-in's.
    OidcWrongNonce = "oidc_wrong_nonce",
    /// The helper's role does not cover this person or device.
    OutOfScope = "out_of_scope",
    /// A helper cannot join their own session.
    OwnSession = "own_session",
    /// The caller lacks the permission this needs.
    PermissionDenied = "permission_denied",
    /// Too many attempts; retry later.
    RateLimited = "rate_limited",
    /// Remote Help is turned off for the organisation.
    RemoteHelpDisabled = "remote_help_disabled",
    /// A request already awaits the sharer's answer.
    RequestPending = "request_pending",
    /// A second factor is already enabled.
    SecondFactorEnabled = "second_factor_enabled",
    /// No second factor is enabled.
    SecondFactorNotEnabled = "second_factor_not_enabled",
    /// A second factor is required.
    SecondFactorRequired = "second_factor_required",
    /// The session is not active (the sharer has not allowed view or control, or it ended).
    SessionNotActive = "session_not_active",
    /// The session is over.
    SessionOver = "session_over",
    /// Only the sharer may do this.
    SharerOnly = "sharer_only",
    /// Single sign-on is not configured or not enabled.
    SsoNotConfigured = "sso_not_configured",
    /// An API token cannot change the second factor.
    TokenCannotManageSecondFactor = "token_cannot_manage_second_factor",
    /// An API token cannot create further tokens.
    TokenCannotMint = "token_cannot_mint",
    /// The tenant has as many conditional-access policies as allowed.
    TooManyPolicies = "too_many_policies",
    /// The session has as many file transfers (open, or in all) as allowed.
    TooManyTransfers = "too_many_transfers",
    /// The helper has as many waiting sessions as allowed.
    TooManyWaiting = "too_many_waiting",
    /// The transfer already ended.
    TransferFinished = "transfer_finished",
    /// The file is larger than the organisation's limit for one transfer.
    TransferTooLarge = "transfer_too_large",
    /// Unattended consent: a conditional-access policy blocks it.
    UnattendedBlockedByPolicy = "unattended_blocked_by_policy",
    /// Unattended consent: the device is not enrolled.
    UnattendedDeviceNotEnrolled = "unattended_device_not_enrolled",
    /// Unattended consent: the helper's account is disabled.
    UnattendedHelperDisabled = "unattended_helper_disabled",
    /// Unattended consent must come from the session's device.
    UnattendedNeedsDevice = "unattended_needs_device",
    /// Unattended consent: nobody has joined.
    UnattendedNoSharer = "unattended_no_sharer",
    /// Unattended consent: the helper's role does not allow it.
    UnattendedNotPermitted = "unattended_not_permitted",
    /// Unattended consent: the helper must have signed in with a second factor.
    UnattendedSecondFactorRequired = "unattended_second_factor_required",
    /// Unattended consent: the sharer is in a browser, not the agent.
    UnattendedWebSharer = "unattended_web_sharer",
    /// No valid credentials.
    Unauthenticated = "unauthenticated",
    /// Sessions with unenrolled devices are turned off.
    UnenrolledNotAllowed = "unenrolled_not_allowed",
    /// A named group does not exist.
    UnknownGroup = "unknown_group",
    /// A named user does not exist.
    UnknownUser = "unknown_user",
    /// The request body could not be read.
    UnreadableBody = "unreadable_body",
    /// The request body's content type is not accepted.
    UnsupportedMediaType = "unsupported_media_type",
    /// The password is too short or too long.
    WeakPassword = "weak_password",
    /// The security code is wrong, expired or used.
    WrongCode = "wrong_code",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A chat message refused by `assist_proto::chat::sanitize_chat`.
impl From<&ChatError> for ErrorCode {
    fn from(e: &ChatError) -> Self {
        match e {
            ChatError::Empty => ErrorCode::ChatEmpty,
            ChatError::TooLong { .. } => ErrorCode::ChatTooLong,
        }
    }
}

/// An event the session state machine refused, by the code `assist_proto` gives it.
impl From<&TransitionError> for ErrorCode {
    fn from(e: &TransitionError) -> Self {
        match e.code() {
            "expired" => ErrorCode::Expired,
            "already_ended" => ErrorCode::AlreadyEnded,
            "request_pending" => ErrorCode::RequestPending,
            "mode_not_allowed" => ErrorCode::ModeNotAllowed,
            _ => ErrorCode::InvalidTransition,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;
    use assist_proto::chat::ChatError;
    use assist_proto::session::{EndReason, Event, Mode, State, TransitionError};
    use std::collections::HashSet;

    /// The codes of refused chat messages and transitions are the ones `assist_proto` names.
    #[test]
    fn codes_from_proto_errors_keep_their_text() {
        for e in [ChatError::Empty, ChatError::TooLong { chars: 1 }] {
            assert_eq!(ErrorCode::from(&e).as_str(), e.code());
        }
        let states = [
            State::Expired,
            State::Denied,
            State::Requested {
                mode: Mode::View,
                active: None,
            },
            State::Joined,
            State::Active { mode: Mode::View },
        ];
        let events = [
            Event::Request {
                mode: Mode::Control,
            },
            Event::Join,
            Event::Consent { allow: true },
            Event::End {
                reason: EndReason::HelperEnded,
            },
        ];
        for from in states {
            for event in events {
                let e = TransitionError { from, event };
                assert_eq!(ErrorCode::from(&e).as_str(), e.code(), "{from:?} {event:?}");
            }
        }
    }

    /// Each code is the snake_case form of its variant's name, serializes to exactly that text,
    /// and no two variants share one.
    #[test]
    fn codes_are_the_variant_names_in_snake_case_and_unique() {
        let mut seen = HashSet::new();
        for code in ErrorCode::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} twice");
            let snake: String = format!("{code:?}")
                .chars()
                .enumerate()
                .flat_map(|(i, c)| {
                    let lower = c.to_ascii_lowercase();
                    if c.is_ascii_uppercase() && i > 0 {
                        vec!['_', lower]
                    } else {
                        vec![lower]
                    }
                })
                .collect();
            assert_eq!(text, snake);
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(text.to_owned())
            );
            assert_eq!(code.to_string(), text);
        }
    }
}
