//! The REST bodies of the sign-in and session endpoints that the native agent calls, beside the
//! web app: one definition for the server that reads a request and the agent that builds it (and
//! the other way round for answers).
//!
//! Requests are read strictly by the server (`deny_unknown_fields`); the agent reads answers
//! tolerantly (unknown fields are ignored), through the types here or, where the server's answer
//! carries much more than the agent needs, through a reader of the part it uses ([`SignedIn`],
//! [`CreatedTokenSecret`]).

use serde::{Deserialize, Serialize};

/// `POST /api/auth/login`: sign-in with a local account (sets the session cookie).
pub const LOGIN_PATH: &str = "/api/auth/login";
/// `POST /api/tokens`: a new API token for the signed-in user.
pub const TOKENS_PATH: &str = "/api/tokens";
/// `GET /api/auth/providers`: the sign-in options.
pub const PROVIDERS_PATH: &str = "/api/auth/providers";
/// `POST /api/auth/agent/token`: the agent's single sign-on code exchange.
pub const AGENT_TOKEN_PATH: &str = "/api/auth/agent/token";
/// `POST /api/sessions/join`: join a session with its security code.
pub const JOIN_PATH: &str = "/api/sessions/join";
/// `GET /auth/oidc/login`: where the browser starts a single sign-on ([`LoginQuery`]).
pub const OIDC_LOGIN_PATH: &str = "/auth/oidc/login";

/// `POST /api/sessions/{id}/consent`.
pub fn consent_path(id: &str) -> String {
    format!("/api/sessions/{id}/consent")
}

/// `POST /api/sessions/{id}/stop-control`: the sharer takes control back; the session goes on
/// as view only.
pub fn stop_control_path(id: &str) -> String {
    format!("/api/sessions/{id}/stop-control")
}

/// `POST /api/sessions/{id}/end`.
pub fn end_path(id: &str) -> String {
    format!("/api/sessions/{id}/end")
}

/// Sign-in with a local account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's email address.
    pub email: String,
    /// The account's password.
    pub password: String,
    /// The current code of the authenticator app, when the account has a second factor.
    pub totp: Option<String>,
}

/// The part of the answer to a sign-in (`Me`) that the agent reads: who signed in.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SignedIn {
    /// The signed-in user.
    pub user: UserSummary,
}

/// A new API token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    /// What the token is for.
    pub name: String,
    /// Days until it expires (1 to 366); absent: 90.
    pub expires_in_days: Option<i64>,
}

/// The part of a created API token that the agent reads: the secret, shown only this once.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct CreatedTokenSecret {
    /// The API token (`at_...`).
    pub token: String,
}

/// What the sign-in page offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Providers {
    /// Single sign-on.
    pub oidc: OidcButton,
}

/// The single sign-on button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OidcButton {
    /// Whether single sign-on is configured and enabled.
    pub enabled: bool,
    /// The button's text.
    pub label: String,
    /// Where the button leads.
    pub login_url: String,
}

/// A single sign-on started by the native agent (RFC 8252), the query of [`OIDC_LOGIN_PATH`]:
/// all three together, or none (a sign-in of the web app).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct LoginQuery {
    /// The agent's loopback redirect: `http://127.0.0.1:PORT/PATH` or `http://[::1]:PORT/PATH`.
    pub agent_redirect: Option<String>,
    /// The agent's state, echoed back to its redirect.
    pub agent_state: Option<String>,
    /// The agent's PKCE challenge (S256) for `POST /api/auth/agent/token`.
    pub agent_challenge: Option<String>,
}

impl LoginQuery {
    /// The query's (name, value) pairs, for a URL: the names are the fields' own.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("agent_redirect", &self.agent_redirect),
            ("agent_state", &self.agent_state),
            ("agent_challenge", &self.agent_challenge),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_deref().map(|v| (name, v)))
        .collect()
    }
}

/// The agent's code exchange.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AgentTokenRequest {
    /// The one-time code from the loopback redirect.
    pub code: String,
    /// The PKCE verifier behind the `agent_challenge` the login started with.
    pub code_verifier: String,
    /// The device's name, for the token's name (`assist agent on NAME`).
    pub device_name: Option<String>,
    /// Days until the token expires (1 to 366); absent: 90.
    pub expires_in_days: Option<i64>,
}

/// A user as a token's answer names them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    /// The user's id.
    pub id: String,
    /// The user's email address.
    pub email: String,
    /// The user's full name.
    pub full_name: String,
}

/// The API token for the agent: shown only this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgentToken {
    /// The API token (`at_...`).
    pub token: String,
    /// The token's id.
    pub token_id: String,
    /// When the token expires, Unix milliseconds.
    pub expires_at: i64,
    /// The user the token belongs to.
    pub user: UserSummary,
}

/// Joining with a security code (any case, spaces and dashes allowed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct JoinSession {
    /// The security code.
    pub code: String,
}

/// The sharer's answer to a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// Allow (`true`) or deny.
    pub allow: bool,
    /// The agent allows without asking the sharer (`assist agent join --yes`). Only with
    /// `allow: true`, only from the agent on the session's device (a signed request), and only
    /// when the session view says `unattended_allowed`: the server checks the rule again now and
    /// answers 403 with the reason otherwise.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unattended: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// An empty JSON object, the body of requests that carry nothing (`POST /api/sessions/{id}/end`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Empty {}
