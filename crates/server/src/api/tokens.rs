//! API tokens for scripts: created by a signed-in user for themselves, shown once, stored hashed.

use super::{Json, Path};
use crate::audit;
use crate::audit::action::Action;
use crate::auth::Authed;
use crate::auth::extract::Via;
use crate::clock::now_ms;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::{MAX_NAME_CHARS, MAX_TOKEN_DAYS};
use crate::secrets::{hash_token, new_token};
use crate::state::AppState;
use crate::store::tokens::{ApiToken, NewApiToken};
use crate::validate;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
}

/// A new API token: one definition with the agent.
pub use assist_proto::api::CreateToken;

/// The created token: `token` is shown only this once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub info: ApiToken,
    pub token: String,
}

#[utoipa::path(get, path = "/api/tokens", tag = "tokens",
    responses((status = 200, body = [ApiToken]), (status = 401, body = crate::error::ErrorBody)))]
async fn list_tokens(State(state): State<AppState>, who: Authed) -> ApiResult<Json<Vec<ApiToken>>> {
    Ok(Json(state.store.list_api_tokens(&who.user.id).await?))
}

#[utoipa::path(post, path = "/api/tokens", tag = "tokens", request_body = CreateToken,
    responses((status = 201, body = CreatedToken), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
async fn create_token(
    State(state): State<AppState>,
    who: Authed,
    Json(req): Json<CreateToken>,
) -> ApiResult<(StatusCode, Json<CreatedToken>)> {
    if who.via == Via::Bearer {
        return Err(AppError::forbidden(
            ErrorCode::TokenCannotMint,
            "an API token cannot create further tokens; sign in",
        ));
    }
    let name = validate::name("name", &req.name)?;
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            "name is too long",
        ));
    }
    let days = req.expires_in_days.unwrap_or(90);
    if !(1..=MAX_TOKEN_DAYS).contains(&days) {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!("expires_in_days must be 1 to {MAX_TOKEN_DAYS}"),
        ));
    }
    let token = new_token("at_");
    let info = state
        .store
        .create_api_token(
            &state.tenant_id,
            &who.user.id,
            &NewApiToken {
                name: &name,
                token_hash: &hash_token(&token),
                expires_at: Some(now_ms() + days * 86_400_000),
            },
            |t| {
                audit::entry(
                    &who,
                    Action::TokenCreated,
                    Some(&t.id),
                    json!({"name": name, "days": days}),
                )
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { info, token })))
}

#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "tokens", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
async fn revoke_token(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    validate::id("id", &id)?;
    let entry = audit::entry(&who, Action::TokenRevoked, Some(&id), json!({}));
    if !state
        .store
        .revoke_api_token(&state.tenant_id, &who.user.id, &id, &entry)
        .await?
    {
        return Err(AppError::NotFound("token"));
    }
    Ok(StatusCode::NO_CONTENT)
}
