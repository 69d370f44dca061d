//! The native agent's single sign-on, last step: `POST /api/auth/agent/token` trades the one-time
//! code that the callback sent to the agent's loopback listener (`api/oidc.rs`), together with
//! the agent's PKCE verifier, for an API token of the signed-in user.
//!
//! The code is single use whatever the outcome (a wrong verifier burns it), expires after
//! `AGENT_CODE_TTL_MS`, and the verifier is checked against the challenge in constant time.
//! Failures count against the caller's address (`AGENT_CODE_FAILURES_PER_ADDRESS`).

use super::Json;
use crate::audit;
use crate::audit::action::Action;
use crate::auth::ClientAddr;
use crate::auth::agent_sso;
use crate::clock::now_ms;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::*;
use crate::ratelimit::Limit;
use crate::secrets::{hash_token, new_token};
use crate::state::AppState;
use crate::store::tokens::NewApiToken;
use crate::store::users::User;
use crate::validate;
use axum::extract::State;

use serde_json::json;
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(agent_token))
}

const FAILURE_LIMIT: Limit = Limit {
    max: AGENT_CODE_FAILURES_PER_ADDRESS,
    window: Duration::from_secs(OIDC_WINDOW_SECS),
};

/// The agent's code exchange and its answer: one definition with the agent.
pub use assist_proto::api::{AgentToken, AgentTokenRequest, UserSummary as AgentTokenUser};

fn refused(message: &str) -> AppError {
    AppError::auth_failed(
        ErrorCode::AgentCodeRefused,
        format!("{message}; sign in again with `assist agent login --sso`"),
    )
}

#[utoipa::path(post, path = "/api/auth/agent/token", tag = "sso", request_body = AgentTokenRequest,
    responses((status = 200, body = AgentToken, description = "An API token for the signed-in user"),
              (status = 400, body = crate::error::ErrorBody, description = "Malformed request"),
              (status = 401, body = crate::error::ErrorBody, description = "Unknown, used or expired code, or wrong verifier"),
              (status = 403, body = crate::error::ErrorBody, description = "The account is disabled"),
              (status = 429, body = crate::error::ErrorBody)))]
async fn agent_token(
    State(state): State<AppState>,
    addr: ClientAddr,
    Json(req): Json<AgentTokenRequest>,
) -> ApiResult<Json<AgentToken>> {
    // Reserved before the code is exchanged; given back unless the exchange was refused.
    let key = format!("agent-code:fail:{}", addr.network());
    let attempt = match state.limiter.reserve(&key, FAILURE_LIMIT).await? {
        Ok(a) => a,
        Err(r) => {
            let who = "single sign-on";
            return Err(audit::rate_limited(&state, who, None, addr, "agent_code", r).await);
        }
    };
    // The account, once the code names one: a refusal after that names who was refused.
    let mut who: Option<User> = None;
    match exchange(&state, addr, req, &mut who).await {
        Ok(t) => {
            state.limiter.give_back(attempt).await;
            Ok(Json(t))
        }
        Err(e) => {
            // A fault of ours or of the database is no wrong guess.
            if matches!(e, AppError::Internal(_) | AppError::Unavailable(_)) {
                state.limiter.give_back(attempt).await;
            } else {
                audit::anonymous(
                    &state,
                    who.as_ref().map_or("single sign-on", |u| u.email.as_str()),
                    who.as_ref().map(|u| u.id.as_str()),
                    addr,
                    Action::AuthAgentCodeRefused,
                    json!({"reason": e.code(), "detail": e.to_string()}),
                )
                .await?;
            }
            Err(e)
        }
    }
}

async fn exchange(
    state: &AppState,
    addr: ClientAddr,
    req: AgentTokenRequest,
    who: &mut Option<User>,
) -> ApiResult<AgentToken> {
    let code = req.code.trim();
    if code.is_empty() || code.len() > MAX_AGENT_CODE_CHARS {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!("code must have 1 to {MAX_AGENT_CODE_CHARS} characters"),
        ));
    }
    agent_sso::check_verifier(&req.code_verifier)
        .map_err(|m| AppError::bad_request(ErrorCode::InvalidField, m))?;
    let days = req.expires_in_days.unwrap_or(DEFAULT_AGENT_TOKEN_DAYS);
    if !(1..=MAX_TOKEN_DAYS).contains(&days) {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!("expires_in_days must be 1 to {MAX_TOKEN_DAYS}"),
        ));
    }
    let device =
        validate::optional_text("device_name", req.device_name.as_deref(), MAX_NAME_CHARS)?;
    // Taken first: one try per code, so a wrong verifier burns it.
    let found = state
        .store
        .take_agent_code(&state.tenant_id, &hash_token(code))
        .await?
        .ok_or_else(|| refused("unknown, used or expired sign-in code"))?;
    *who = state.store.user(&state.tenant_id, &found.user_id).await?;
    if !agent_sso::verifier_matches(&req.code_verifier, &found.challenge) {
        return Err(refused("the code verifier does not match this sign-in"));
    }
    let user = who
        .clone()
        .ok_or_else(|| refused("the account no longer exists"))?;
    if user.disabled {
        return Err(AppError::forbidden(
            ErrorCode::AccountDisabled,
            "this account is disabled",
        ));
    }
    let name: String = match device {
        Some(d) => format!("assist agent on {d}"),
        None => "assist agent".to_owned(),
    }
    .chars()
    .take(MAX_NAME_CHARS)
    .collect();
    let token = new_token("at_");
    let expires_at = now_ms() + days * 86_400_000;
    let info = state
        .store
        .create_api_token(
            &state.tenant_id,
            &user.id,
            &NewApiToken {
                name: &name,
                token_hash: &hash_token(&token),
                expires_at: Some(expires_at),
            },
            |t| {
                audit::unauthenticated(
                    &user.email,
                    Some(&user.id),
                    addr,
                    Action::TokenCreated,
                    json!({"name": name, "days": days, "via": "agent_sso", "token_id": t.id}),
                )
            },
        )
        .await?;
    Ok(AgentToken {
        token,
        token_id: info.id,
        expires_at,
        user: AgentTokenUser {
            id: user.id,
            email: user.email,
            full_name: user.full_name,
        },
    })
}
