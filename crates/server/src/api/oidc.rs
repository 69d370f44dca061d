//! Single sign-on with OpenID Connect: the tenant's settings (administrators), what the sign-in
//! page offers (anyone), and the browser redirects `/auth/oidc/login` → provider →
//! `/auth/oidc/callback`.
//!
//! The login's state, nonce and PKCE verifier are kept server-side (hashed state as the key, single
//! use, expiring); the state is also set in a short-lived HttpOnly cookie scoped to `/auth/oidc`,
//! and the callback requires the two to match, so a sign-in response cannot be replayed into
//! another browser (login CSRF).
//!
//! The native agent starts the same login with `agent_redirect`, `agent_state` and
//! `agent_challenge` (`auth/agent_sso.rs`): the callback then sends the browser to the agent's
//! loopback listener with a one-time code (or the error) instead of signing the browser in, and
//! the agent trades the code for an API token at `POST /api/auth/agent/token` (`api/agent_auth.rs`).

use super::{Json, Query};
use crate::access::Need;
use crate::access::guard::perm;
use crate::audit;
use crate::audit::action::Action;
use crate::auth::agent_sso;
use crate::auth::oidc::{self, Identity};
use crate::auth::{ClientAddr, extract};
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::*;
use crate::ratelimit::Limit;
use crate::secrets::{ct_eq, hash_token, new_token};
use crate::state::AppState;
use crate::store::oidc::{AgentCode, AgentReturn, OidcSettings, PendingLogin};
use crate::store::users::{NewUser, User, UserUpdate};
use crate::validate;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(providers))
        .routes(routes!(login))
        .routes(routes!(callback))
}

/// Name of the cookie that binds a login to the browser that started it.
pub const STATE_COOKIE: &str = "assist_oidc";
/// Name of the cookie that holds where a web sign-in goes back to (`next`, base64url), beside
/// [`STATE_COOKIE`]: the page that sent the person to sign in, e.g. `/rh?passcode=...`.
pub const NEXT_COOKIE: &str = "assist_oidc_next";
/// Where the callback is served.
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";
pub use crate::store::oidc::DEFAULT_BUTTON_LABEL;

const START_LIMIT: Limit = Limit {
    max: OIDC_STARTS_PER_ADDRESS,
    window: Duration::from_secs(OIDC_WINDOW_SECS),
};
const FAILURE_LIMIT: Limit = Limit {
    max: OIDC_FAILURES_PER_ADDRESS,
    window: Duration::from_secs(OIDC_WINDOW_SECS),
};

/// The single sign-on settings as administrators see them (the client secret never leaves).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OidcSettingsView {
    /// Settings were saved.
    pub configured: bool,
    pub enabled: bool,
    pub issuer: String,
    pub client_id: String,
    /// A client secret is stored (confidential client); otherwise the client is public (PKCE).
    pub client_secret_set: bool,
    pub allowed_domains: Vec<String>,
    pub button_label: String,
    /// The redirect URI to register at the provider.
    pub redirect_uri: String,
}

/// New single sign-on settings. `client_secret`: absent keeps the stored one, `null` removes it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OidcSettingsBody {
    pub enabled: bool,
    /// The issuer, e.g. `https://login.microsoftonline.com/{tenant-id}/v2.0`.
    pub issuer: String,
    pub client_id: String,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub client_secret: Option<Option<String>>,
    /// Email domains allowed to sign in; empty: any.
    #[serde(default)]
    pub allowed_domains: Vec<String>,
    /// The sign-in button's text: absent keeps the stored one, `null` or empty restores the
    /// default (shown in each visitor's language).
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub button_label: Option<Option<String>>,
}

/// What the sign-in page offers: one definition with the agent.
pub use assist_proto::api::{OidcButton, Providers};

/// A login started by the native agent (RFC 8252): one definition with the agent.
pub use assist_proto::api::LoginQuery;

fn agent_return(q: &LoginQuery) -> ApiResult<Option<AgentReturn>> {
    let bad = |m: String| AppError::bad_request(ErrorCode::InvalidAgentRedirect, m);
    match (&q.agent_redirect, &q.agent_state, &q.agent_challenge) {
        (None, None, None) => Ok(None),
        (Some(redirect), Some(state), Some(challenge)) => {
            agent_sso::check_redirect(redirect).map_err(bad)?;
            agent_sso::check_state(state).map_err(bad)?;
            agent_sso::check_challenge(challenge).map_err(bad)?;
            Ok(Some(AgentReturn {
                redirect: redirect.clone(),
                state: state.clone(),
                challenge: challenge.clone(),
            }))
        }
        _ => Err(bad(
            "agent_redirect, agent_state and agent_challenge go together".into(),
        )),
    }
}

/// Sends the browser back to the agent (303), with `params` and the agent's state.
fn to_agent(state: &AppState, agent: &AgentReturn, params: &[(&str, &str)]) -> ApiResult<Response> {
    let mut all: Vec<(&str, &str)> = params.to_vec();
    all.push(("state", &agent.state));
    let url = agent_sso::return_url(&agent.redirect, &all)
        .map_err(|m| anyhow::anyhow!("stored agent redirect: {m}"))?;
    let location =
        HeaderValue::from_str(&url).map_err(|e| anyhow::anyhow!("agent redirect: {e}"))?;
    let mut res = StatusCode::SEE_OTHER.into_response();
    let h = res.headers_mut();
    h.insert(header::LOCATION, location);
    h.insert(header::SET_COOKIE, state_cookie(state, "", 0)?);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(res)
}

/// Tells the agent why its sign-in failed, at its loopback redirect.
fn error_to_agent(state: &AppState, agent: &AgentReturn, e: &AppError) -> ApiResult<Response> {
    if let AppError::Internal(inner) = e {
        tracing::error!(error = ?inner, "internal error during an agent's single sign-on");
    }
    to_agent(
        state,
        agent,
        &[("error", e.code()), ("error_description", &e.to_string())],
    )
}

/// Where a web sign-in goes back to once signed in.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WebReturn {
    /// A path on this site (`/rh?passcode=...`); anything else, or none, is `/`.
    pub next: Option<String>,
}

/// What the provider sends back to the callback.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackQuery {
    pub code: Option<String>,
    pub state: Option<String>,
    /// The provider's error, instead of a code.
    pub error: Option<String>,
    pub error_description: Option<String>,
    /// The issuer (RFC 9207), when the provider sends it.
    pub iss: Option<String>,
}

fn view(state: &AppState, headers: &HeaderMap, s: Option<OidcSettings>) -> OidcSettingsView {
    let redirect_uri = format!(
        "{}{CALLBACK_PATH}",
        crate::origin::public_base(&state.config, headers)
    );
    match s {
        Some(s) => OidcSettingsView {
            configured: true,
            enabled: s.enabled,
            issuer: s.issuer,
            client_id: s.client_id,
            client_secret_set: s.client_secret.is_some(),
            allowed_domains: s.allowed_domains,
            button_label: s.button_label,
            redirect_uri,
        },
        None => OidcSettingsView {
            configured: false,
            enabled: false,
            issuer: String::new(),
            client_id: String::new(),
            client_secret_set: false,
            allowed_domains: Vec::new(),
            button_label: DEFAULT_BUTTON_LABEL.into(),
            redirect_uri,
        },
    }
}

fn client_text(field: &'static str, v: &str) -> ApiResult<String> {
    let v = v.trim();
    if v.is_empty() || v.chars().count() > MAX_OIDC_CLIENT_CHARS || v.chars().any(char::is_control)
    {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!(
                "{field} must have 1 to {MAX_OIDC_CLIENT_CHARS} characters, none of them control characters"
            ),
        ));
    }
    Ok(v.to_owned())
}

#[utoipa::path(get, path = "/api/settings/oidc", tag = "sso",
    responses((status = 200, body = OidcSettingsView), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
async fn get_settings(
    State(state): State<AppState>,
    _who: Need<perm::ManageSettings>,
    headers: HeaderMap,
) -> ApiResult<Json<OidcSettingsView>> {
    let s = state.store.oidc_settings(&state.tenant_id).await?;
    Ok(Json(view(&state, &headers, s)))
}

#[utoipa::path(put, path = "/api/settings/oidc", tag = "sso", request_body = OidcSettingsBody,
    responses((status = 200, body = OidcSettingsView), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
async fn put_settings(
    State(state): State<AppState>,
    who: Need<perm::ManageSettings>,
    headers: HeaderMap,
    Json(body): Json<OidcSettingsBody>,
) -> ApiResult<Json<OidcSettingsView>> {
    let issuer = body.issuer.trim().to_owned();
    oidc::check_issuer(&issuer).map_err(|m| AppError::bad_request(ErrorCode::InvalidIssuer, m))?;
    let client_id = client_text("client_id", &body.client_id)?;
    if body.allowed_domains.len() > MAX_OIDC_DOMAINS {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!("at most {MAX_OIDC_DOMAINS} allowed domains"),
        ));
    }
    let mut domains = Vec::with_capacity(body.allowed_domains.len());
    for d in &body.allowed_domains {
        let d = validate::domain_name(d)?;
        if !domains.contains(&d) {
            domains.push(d);
        }
    }
    let current = state.store.oidc_settings(&state.tenant_id).await?;
    // Absent keeps the stored label (a form that does not show it does not reset it); null or
    // empty goes back to the default, which each page says in its own language.
    let button_label = match &body.button_label {
        None => current.as_ref().map(|c| c.button_label.clone()),
        Some(label) => validate::optional_text("button_label", label.as_deref(), MAX_NAME_CHARS)?,
    }
    .unwrap_or_else(|| DEFAULT_BUTTON_LABEL.into());
    let client_secret = match &body.client_secret {
        None => current.as_ref().and_then(|c| c.client_secret.clone()),
        Some(None) => None,
        Some(Some(s)) => Some(client_text("client_secret", s)?),
    };
    let settings = OidcSettings {
        enabled: body.enabled,
        issuer,
        client_id,
        client_secret,
        allowed_domains: domains,
        button_label,
        updated_at: 0,
    };
    let entry = audit::entry(
        &who,
        Action::SettingsOidcUpdated,
        None,
        json!({"enabled": settings.enabled, "issuer": settings.issuer,
            "client_id": settings.client_id,
            "client_secret": match &body.client_secret { None => "kept", Some(None) => "removed", Some(Some(_)) => "set" },
            "allowed_domains": settings.allowed_domains}),
    );
    state
        .store
        .put_oidc_settings(&state.tenant_id, &settings, &entry)
        .await?;
    let saved = state.store.oidc_settings(&state.tenant_id).await?;
    Ok(Json(view(&state, &headers, saved)))
}

#[utoipa::path(get, path = "/api/auth/providers", tag = "sso",
    responses((status = 200, body = Providers, description = "The sign-in options to show")))]
async fn providers(State(state): State<AppState>) -> ApiResult<Json<Providers>> {
    let s = state.store.oidc_settings(&state.tenant_id).await?;
    Ok(Json(Providers {
        oidc: OidcButton {
            enabled: s.as_ref().is_some_and(|s| s.enabled),
            label: s
                .map(|s| s.button_label)
                .unwrap_or_else(|| DEFAULT_BUTTON_LABEL.into()),
            login_url: assist_proto::api::OIDC_LOGIN_PATH.into(),
        },
    }))
}

async fn enabled_settings(state: &AppState) -> ApiResult<OidcSettings> {
    state
        .store
        .oidc_settings(&state.tenant_id)
        .await?
        .filter(|s| s.enabled)
        .ok_or_else(|| {
            AppError::conflict(
                ErrorCode::SsoNotConfigured,
                "single sign-on is not configured or not enabled",
            )
        })
}

fn state_cookie(state: &AppState, value: &str, max_age_secs: i64) -> ApiResult<HeaderValue> {
    login_cookie(state, STATE_COOKIE, value, max_age_secs)
}

fn login_cookie(
    state: &AppState,
    name: &str,
    value: &str,
    max_age_secs: i64,
) -> ApiResult<HeaderValue> {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/auth/oidc; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    ))
    .map_err(|e| anyhow::anyhow!("login cookie: {e}").into())
}

/// The `next` a web sign-in started with (from [`NEXT_COOKIE`]), made safe: `/` when absent.
fn next_of(headers: &HeaderMap) -> String {
    let mut parts: Parts = axum::http::Request::new(()).into_parts().0;
    parts.headers = headers.clone();
    let next = extract::cookie(&parts, NEXT_COOKIE)
        .and_then(|c| data_encoding::BASE64URL_NOPAD.decode(c.as_bytes()).ok())
        .and_then(|b| String::from_utf8(b).ok());
    validate::safe_next(next.as_deref())
}

#[utoipa::path(get, path = "/auth/oidc/login", tag = "sso", params(LoginQuery, WebReturn),
    responses((status = 303, description = "To the identity provider's sign-in page (or, for the agent, an error to its loopback redirect)"),
              (status = 400, body = crate::error::ErrorBody, description = "Invalid agent parameters"),
              (status = 409, body = crate::error::ErrorBody, description = "Single sign-on is not configured"),
              (status = 429, body = crate::error::ErrorBody),
              (status = 502, body = crate::error::ErrorBody, description = "The identity provider could not be used")))]
async fn login(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
    Query(back): Query<WebReturn>,
) -> ApiResult<Response> {
    let web = q.agent_redirect.is_none();
    let mut res = start_login(&state, addr, &headers, q).await?;
    // A web sign-in goes back where it came from (the agent's has its own return).
    if let Some(next) = back
        .next
        .filter(|_| web && res.status() == StatusCode::SEE_OTHER)
    {
        let next = validate::safe_next(Some(&next));
        let value = data_encoding::BASE64URL_NOPAD.encode(next.as_bytes());
        res.headers_mut().append(
            header::SET_COOKIE,
            login_cookie(&state, NEXT_COOKIE, &value, OIDC_LOGIN_TTL_MS / 1000)?,
        );
    }
    Ok(res)
}

async fn start_login(
    state: &AppState,
    addr: ClientAddr,
    headers: &HeaderMap,
    q: LoginQuery,
) -> ApiResult<Response> {
    // Every start counts (each holds a pending login): the attempt is never given back.
    let key = format!("oidc:start:{}", addr.network());
    if let Err(r) = state.limiter.reserve(&key, START_LIMIT).await? {
        let who = "single sign-on";
        return Err(audit::rate_limited(state, who, None, addr, "sso_start", r).await);
    }
    let agent = agent_return(&q)?;
    match begin(state, headers, agent.clone()).await {
        Ok(res) => Ok(res),
        Err(e) => match &agent {
            Some(a) => error_to_agent(state, a, &e),
            None => Err(e),
        },
    }
}

async fn begin(
    state: &AppState,
    headers: &HeaderMap,
    agent: Option<AgentReturn>,
) -> ApiResult<Response> {
    let settings = enabled_settings(state).await?;
    if state.store.count_pending_oidc_logins().await? >= OIDC_MAX_PENDING_LOGINS {
        return Err(AppError::RateLimited {
            retry_after_secs: 60,
        });
    }
    let redirect_uri = format!(
        "{}{CALLBACK_PATH}",
        crate::origin::public_base(&state.config, headers)
    );
    let provider = oidc::discover(&settings, &redirect_uri).await?;
    let start = oidc::start(&provider, &redirect_uri, agent);
    state
        .store
        .put_pending_oidc_login(&state.tenant_id, &hash_token(&start.state), &start.login)
        .await?;
    let location = HeaderValue::from_str(&start.authorize_url)
        .map_err(|e| anyhow::anyhow!("authorization URL: {e}"))?;
    let mut res = StatusCode::SEE_OTHER.into_response();
    let h = res.headers_mut();
    h.insert(header::LOCATION, location);
    h.insert(
        header::SET_COOKIE,
        state_cookie(state, &start.state, OIDC_LOGIN_TTL_MS / 1000)?,
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

#[utoipa::path(get, path = "/auth/oidc/callback", tag = "sso", params(CallbackQuery),
    responses((status = 303, description = "Signed in: the session cookie is set, on to the `next` the login started with (default `/`); for the agent: to its loopback redirect with a one-time code or the error"),
              (status = 400, body = crate::error::ErrorBody, description = "Missing or wrong state or code"),
              (status = 401, body = crate::error::ErrorBody, description = "The provider's answer or ID token was refused"),
              (status = 403, body = crate::error::ErrorBody, description = "Not allowed to sign in (domain, disabled, conditional access)"),
              (status = 502, body = crate::error::ErrorBody)))]
async fn callback(
    State(state): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    query: Result<Query<CallbackQuery>, AppError>,
) -> ApiResult<Response> {
    finish_callback(&state, addr, &headers, query).await
}

async fn finish_callback(
    state: &AppState,
    addr: ClientAddr,
    headers: &HeaderMap,
    query: Result<Query<CallbackQuery>, AppError>,
) -> ApiResult<Response> {
    // Reserved before the provider's answer is checked; given back unless it was refused.
    let key = format!("oidc:fail:{}", addr.network());
    let attempt = match state.limiter.reserve(&key, FAILURE_LIMIT).await? {
        Ok(a) => a,
        Err(r) => {
            let who = "single sign-on";
            return Err(audit::rate_limited(state, who, None, addr, "sso_callback", r).await);
        }
    };
    // The account, once the provider's answer names one: a refusal after that names who was
    // refused.
    let mut who: Option<User> = None;
    let result = match query {
        Ok(Query(q)) => finish(state, addr, headers, q, &mut who).await,
        Err(e) => Err((e, None)),
    };
    match result {
        Ok(res) => {
            state.limiter.give_back(attempt).await;
            Ok(res)
        }
        Err((e, agent)) => {
            // A fault of ours or of the database is no failed sign-in.
            if matches!(e, AppError::Internal(_) | AppError::Unavailable(_)) {
                state.limiter.give_back(attempt).await;
            } else {
                audit::anonymous(
                    state,
                    who.as_ref().map_or("single sign-on", |u| u.email.as_str()),
                    who.as_ref().map(|u| u.id.as_str()),
                    addr,
                    Action::AuthSignInFailed,
                    json!({"method": "oidc", "client": if agent.is_some() { "agent" } else { "web" },
                        "reason": e.code(), "detail": e.to_string()}),
                )
                .await?;
            }
            match &agent {
                Some(a) => error_to_agent(state, a, &e),
                None => Err(e),
            }
        }
    }
}

fn invalid_state(message: &str) -> AppError {
    AppError::auth_failed(
        ErrorCode::OidcInvalidState,
        format!("single sign-on: {message}; start the sign-in again"),
    )
}

/// The callback's work; a failure after the pending login is known carries the agent (if the
/// agent started it) so that it can be told why.
async fn finish(
    state: &AppState,
    addr: ClientAddr,
    headers: &HeaderMap,
    q: CallbackQuery,
    who: &mut Option<User>,
) -> Result<Response, (AppError, Option<AgentReturn>)> {
    let pending = pending_login(state, headers, &q)
        .await
        .map_err(|e| (e, None))?;
    let agent = pending.agent.clone();
    complete(state, addr, q, pending, &next_of(headers), who)
        .await
        .map_err(|e| (e, agent))
}

/// Step 1: the response belongs to a login this browser started, once.
async fn pending_login(
    state: &AppState,
    headers: &HeaderMap,
    q: &CallbackQuery,
) -> ApiResult<PendingLogin> {
    // 1. The response belongs to a login this browser started, once.
    let sent = q
        .state
        .as_deref()
        .filter(|s| !s.is_empty() && s.len() <= 128)
        .ok_or_else(|| invalid_state("the response has no state"))?;
    let mut parts: Parts = axum::http::Request::new(()).into_parts().0;
    parts.headers = headers.clone();
    let cookie = extract::cookie(&parts, STATE_COOKIE)
        .ok_or_else(|| invalid_state("this browser did not start a sign-in (no state cookie)"))?;
    if !ct_eq(&cookie, sent) {
        return Err(invalid_state(
            "the response's state does not match this browser's sign-in",
        ));
    }
    state
        .store
        .take_pending_oidc_login(&state.tenant_id, &hash_token(sent))
        .await?
        .ok_or_else(|| invalid_state("unknown, used or expired sign-in attempt"))
}

async fn complete(
    state: &AppState,
    addr: ClientAddr,
    q: CallbackQuery,
    pending: PendingLogin,
    next: &str,
    who: &mut Option<User>,
) -> ApiResult<Response> {
    let settings = enabled_settings(state).await?;
    // 2. The provider's own refusal.
    if let Some(err) = q.error.as_deref() {
        let desc = q
            .error_description
            .as_deref()
            .and_then(|d| oidc::clean_text(d, MAX_NAME_CHARS))
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        let err = oidc::clean_text(err, MAX_NAME_CHARS).unwrap_or_default();
        return Err(AppError::auth_failed(
            ErrorCode::OidcProviderError,
            format!("single sign-on: the provider refused the sign-in: {err}{desc}"),
        ));
    }
    // 3. RFC 9207: a response naming another issuer is a mix-up.
    if let Some(iss) = q.iss.as_deref()
        && iss != settings.issuer
    {
        return Err(AppError::auth_failed(
            ErrorCode::OidcWrongIssuer,
            "single sign-on: the response comes from another issuer",
        ));
    }
    let code = q
        .code
        .as_deref()
        .filter(|c| !c.is_empty() && c.len() <= 4096)
        .ok_or_else(|| {
            AppError::bad_request(
                ErrorCode::OidcMissingCode,
                "single sign-on: the response has no code",
            )
        })?;
    // 4. Code exchange and ID token validation.
    let provider = oidc::discover(&settings, &pending.redirect_uri).await?;
    let identity = oidc::finish(&provider, code, &pending).await?;
    // 5. The account.
    let (user, how) = account_for(state, &settings, &identity).await?;
    *who = Some(user.clone());
    if user.disabled {
        return Err(AppError::forbidden(
            ErrorCode::AccountDisabled,
            "this account is disabled",
        ));
    }
    crate::access::conditional::enforce_sign_in(state, &user, identity.second_factor, addr).await?;
    audit::anonymous(
        state,
        &user.email,
        Some(&user.id),
        addr,
        Action::AuthSignIn,
        json!({"method": "oidc", "issuer": settings.issuer, "account": how,
            "second_factor": identity.second_factor,
            "client": if pending.agent.is_some() { "agent" } else { "web" }}),
    )
    .await?;
    if let Some(agent) = &pending.agent {
        // The agent's one-time code: random, stored hashed, single use, short-lived, bound to
        // the user and to the agent's PKCE challenge. The browser is not signed in.
        let code = new_token("");
        state
            .store
            .put_agent_code(
                &state.tenant_id,
                &hash_token(&code),
                &AgentCode {
                    user_id: user.id.clone(),
                    challenge: agent.challenge.clone(),
                    expires_at: crate::clock::now_ms() + AGENT_CODE_TTL_MS,
                },
            )
            .await?;
        return to_agent(state, agent, &[("code", &code)]);
    }
    let session = super::auth::start_session(state, &user, identity.second_factor, addr).await?;
    let mut res = StatusCode::SEE_OTHER.into_response();
    let h = res.headers_mut();
    h.insert(
        header::LOCATION,
        HeaderValue::from_str(next).unwrap_or(HeaderValue::from_static("/")),
    );
    if let Some(c) = session.headers().get(header::SET_COOKIE) {
        h.append(header::SET_COOKIE, c.clone());
    }
    h.append(header::SET_COOKIE, state_cookie(state, "", 0)?);
    h.append(header::SET_COOKIE, login_cookie(state, NEXT_COOKIE, "", 0)?);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}

/// Finds or creates the account of a single sign-on identity: by subject, else by email (an
/// account not yet bound to another subject), else a new account. Updates the profile from the
/// claims. Returns the user and how it was found (`matched`, `linked`, `created`).
async fn account_for(
    state: &AppState,
    settings: &OidcSettings,
    id: &Identity,
) -> ApiResult<(User, &'static str)> {
    let email = id
        .email
        .as_deref()
        .and_then(|e| validate::email(e).ok())
        .ok_or_else(|| {
            AppError::auth_failed(
                ErrorCode::OidcEmailMissing,
                "single sign-on: the provider gave no usable email address (allow the email scope or claim)",
            )
        })?;
    if id.email_verified == Some(false) {
        return Err(AppError::forbidden(
            ErrorCode::OidcEmailUnverified,
            "single sign-on: the provider says this email address is not verified",
        ));
    }
    let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or_default();
    if !settings.allowed_domains.is_empty() && !settings.allowed_domains.iter().any(|d| d == domain)
    {
        return Err(AppError::forbidden(
            ErrorCode::OidcDomainNotAllowed,
            format!("single sign-on: accounts of {domain} may not sign in here"),
        ));
    }
    let tenant = &state.tenant_id;
    let (user, how) = if let Some(u) = state.store.user_by_subject(tenant, &id.subject).await? {
        (u, "matched")
    } else if let Some(u) = state.store.user_by_email(tenant, &email).await? {
        if u.sso {
            return Err(AppError::conflict(
                ErrorCode::OidcAccountConflict,
                "single sign-on: the account with this email is bound to another single sign-on identity",
            ));
        }
        state.store.link_oidc_subject(&u.id, &id.subject).await?;
        (u, "linked")
    } else {
        let new = NewUser {
            email: email.clone(),
            password_hash: None,
            full_name: id.name.clone().unwrap_or_else(|| {
                email
                    .split_once('@')
                    .map(|(l, _)| l.to_owned())
                    .unwrap_or_else(|| email.clone())
            }),
            job_title: id.job_title.clone(),
            company: id.company.clone(),
            picture_url: id.picture.clone(),
            oidc_subject: Some(id.subject.clone()),
        };
        let u = state
            .store
            .create_user(tenant, &new)
            .await?
            .ok_or_else(|| {
                AppError::conflict(
                    ErrorCode::OidcAccountConflict,
                    "single sign-on: an account with this email was created meanwhile; try again",
                )
            })?;
        (u, "created")
    };
    if how != "created" {
        // The provider is the source of the profile: what it gives replaces what is stored. A
        // picture uploaded here is kept.
        let own_picture = user
            .picture_url
            .as_deref()
            .is_some_and(|p| p.starts_with("/api/"));
        let update = UserUpdate {
            full_name: id.name.clone(),
            job_title: id.job_title.clone().map(Some),
            company: id.company.clone().map(Some),
            picture_url: id.picture.clone().filter(|_| !own_picture).map(Some),
            ..UserUpdate::default()
        };
        state.store.sync_profile(tenant, &user.id, &update).await?;
    }
    let user = state
        .store
        .user(tenant, &user.id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    Ok((user, how))
}
