//! Enrollment: tokens created by administrators (shown once, stored hashed, with an expiry and a
//! number of uses), and `POST /api/agent/enroll`, where an agent trades a token and its public
//! key for a device id.

use super::{Json, Listing, Page, Path, Query};
use crate::access::Need;
use crate::access::guard::perm;
use crate::audit;
use crate::audit::action::Action;
use crate::auth::ClientAddr;
use crate::clock::now_ms;
use crate::devices::{self, facts, signing};
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::*;
use crate::ratelimit::Limit;
use crate::secrets::{hash_token, new_token};
use crate::state::AppState;
use crate::store::audit::AuditEntry;
use crate::store::devices::{EnrollRefusal, EnrollmentToken, NewDevice, NewEnrollmentToken};
use crate::validate;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Prefix of enrollment tokens, so that one found in a log or a script is recognisable.
pub const TOKEN_PREFIX: &str = "ae_";

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(enroll))
}

/// A new enrollment token.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateEnrollmentToken {
    /// What the token is for, e.g. "Laptops, Berlin office".
    pub name: String,
    /// Hours until it expires (1 to 2160); absent: 24.
    pub expires_in_hours: Option<i64>,
    /// How many devices may enroll with it (1 to 10000); absent: 1.
    pub max_uses: Option<i64>,
    /// The primary user of devices enrolled with it (otherwise found from what the agent reports).
    pub user_id: Option<String>,
}

/// The created token: `token` is shown only this once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedEnrollmentToken {
    #[serde(flatten)]
    pub info: EnrollmentToken,
    pub token: String,
}

#[utoipa::path(get, path = "/api/enrollment-tokens", tag = "devices", params(Page),
    responses((status = 200, body = Listing<EnrollmentToken>), (status = 403, body = crate::error::ErrorBody)))]
async fn list_tokens(
    State(state): State<AppState>,
    _who: Need<perm::ManageEnrollment>,
    Query(page): Query<Page>,
) -> ApiResult<Json<Listing<EnrollmentToken>>> {
    let (limit, offset) = page.bounds()?;
    let (items, total) = state
        .store
        .list_enrollment_tokens(&state.tenant_id, limit, offset)
        .await?;
    Ok(Json(Listing { items, total }))
}

#[utoipa::path(post, path = "/api/enrollment-tokens", tag = "devices", request_body = CreateEnrollmentToken,
    responses((status = 201, body = CreatedEnrollmentToken), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "unknown_user: `user_id` names no user")))]
async fn create_token(
    State(state): State<AppState>,
    who: Need<perm::ManageEnrollment>,
    Json(req): Json<CreateEnrollmentToken>,
) -> ApiResult<(StatusCode, Json<CreatedEnrollmentToken>)> {
    let name = validate::name("name", &req.name)?;
    let hours = req
        .expires_in_hours
        .unwrap_or(DEFAULT_ENROLLMENT_TOKEN_HOURS);
    if !(1..=MAX_ENROLLMENT_TOKEN_HOURS).contains(&hours) {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!("expires_in_hours must be 1 to {MAX_ENROLLMENT_TOKEN_HOURS}"),
        ));
    }
    let max_uses = req.max_uses.unwrap_or(1);
    if !(1..=MAX_ENROLLMENT_TOKEN_USES).contains(&max_uses) {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!("max_uses must be 1 to {MAX_ENROLLMENT_TOKEN_USES}"),
        ));
    }
    if let Some(u) = &req.user_id {
        validate::id("user_id", u)?;
        if state.store.user(&state.tenant_id, u).await?.is_none() {
            return Err(AppError::conflict(
                ErrorCode::UnknownUser,
                "user_id names no user",
            ));
        }
    }
    let token = new_token(TOKEN_PREFIX);
    let now = now_ms();
    let info = state
        .store
        .create_enrollment_token(
            &state.tenant_id,
            &NewEnrollmentToken {
                name: &name,
                token_hash: &hash_token(&token),
                user_id: req.user_id.as_deref(),
                max_uses,
                expires_at: now + hours * 3_600_000,
                created_by: Some(&who.user.id),
            },
            now,
            |t| {
                audit::entry(
                    &who,
                    Action::EnrollmentTokenCreated,
                    Some(&t.id),
                    json!({"name": name, "hours": hours, "max_uses": max_uses, "user_id": req.user_id}),
                )
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedEnrollmentToken { info, token }),
    ))
}

#[utoipa::path(delete, path = "/api/enrollment-tokens/{id}", tag = "devices", params(("id" = String, Path)),
    responses((status = 204, description = "Revoked; devices enrolled with it stay enrolled"),
              (status = 404, body = crate::error::ErrorBody)))]
async fn revoke_token(
    State(state): State<AppState>,
    who: Need<perm::ManageEnrollment>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    validate::id("id", &id)?;
    let entry = audit::entry(&who, Action::EnrollmentTokenRevoked, Some(&id), json!({}));
    if !state
        .store
        .revoke_enrollment_token(&state.tenant_id, &id, now_ms(), &entry)
        .await?
    {
        return Err(AppError::NotFound("enrollment token"));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// An agent's enrollment and the answer: one definition with the agent, in `assist_proto`.
pub use assist_proto::device::{Enroll, Enrolled};

const ENROLL_LIMIT: Limit = Limit {
    max: ENROLL_FAILURES_PER_ADDRESS,
    window: Duration::from_secs(ENROLL_FAILURE_WINDOW_SECS),
};

#[utoipa::path(post, path = "/api/agent/enroll", tag = "agent", request_body = Enroll,
    description = "Enrolls a device with an enrollment token. From then on the agent signs every request with its key (see docs/devices.md).",
    responses((status = 201, body = Enrolled), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody, description = "enrollment_token_invalid, _expired, _used_up or _revoked"),
              (status = 409, body = crate::error::ErrorBody, description = "device_key_in_use"),
              (status = 429, body = crate::error::ErrorBody)))]
async fn enroll(
    State(state): State<AppState>,
    addr: ClientAddr,
    Json(req): Json<Enroll>,
) -> ApiResult<(StatusCode, Json<Enrolled>)> {
    // Reserved before the token is looked up; given back unless the token was refused.
    let key = format!("enroll:{}", addr.network());
    let attempt = match state.limiter.reserve(&key, ENROLL_LIMIT).await? {
        Ok(a) => a,
        Err(r) => {
            return Err(
                audit::rate_limited(&state, "enrollment", None, addr, "enrollment", r).await,
            );
        }
    };
    let enrolled = enroll_with_token(&state, addr, req).await;
    let token_refused = matches!(&enrolled, Err(e) if e.code().starts_with("enrollment_token_"));
    if !token_refused {
        state.limiter.give_back(attempt).await;
    }
    enrolled
}

/// The enrollment itself; a refused token is one of the `enrollment_token_*` errors.
async fn enroll_with_token(
    state: &AppState,
    addr: ClientAddr,
    req: Enroll,
) -> ApiResult<(StatusCode, Json<Enrolled>)> {
    // The report's name is the host name; the device's own name is the one given at enrollment
    // (the host name when none was).
    let report = facts::check(&req.report())?;
    let name = crate::validate::name("name", &req.name)?;
    let token = req.token.trim();
    if token.is_empty() || token.chars().count() > MAX_ENROLLMENT_TOKEN_CHARS {
        return Err(AppError::auth_failed(
            ErrorCode::EnrollmentTokenInvalid,
            "the enrollment token is not valid",
        ));
    }
    let public_key = req.public_key.trim();
    if signing::parse_public_key(public_key).is_none() {
        return Err(AppError::bad_request(
            ErrorCode::InvalidPublicKey,
            "public_key must be the base64 of a 32-byte Ed25519 public key",
        ));
    }
    let reported_user = match &report.primary_user {
        Some(login) => state.store.user_for_login(&state.tenant_id, login).await?,
        None => None,
    };
    let outcome = state
        .store
        .enroll_device(
            &state.tenant_id,
            &hash_token(token),
            &NewDevice {
                public_key,
                name: &name,
                report: &report,
                reported_user_id: reported_user.as_deref(),
                now: now_ms(),
            },
            |device, token| AuditEntry {
                actor_id: None,
                actor: format!("device {}", device.name),
                action: Action::DeviceEnrolled,
                target: Some(device.id.clone()),
                address: addr.0.map(|a| a.to_string()),
                detail: json!({
                    "name": device.name,
                    "enrollment_token_id": token.id,
                    "enrollment_token": token.name,
                    "os": format!("{} {}", device.os_name, device.os_version).trim(),
                    "primary_user_id": device.primary_user_id,
                }),
            },
        )
        .await?;
    let (device, _) = match outcome {
        Ok(ok) => ok,
        Err(why) => {
            let (code, message) = match why {
                EnrollRefusal::UnknownToken => (
                    ErrorCode::EnrollmentTokenInvalid,
                    "the enrollment token is not valid",
                ),
                EnrollRefusal::Expired => (
                    ErrorCode::EnrollmentTokenExpired,
                    "the enrollment token has expired",
                ),
                EnrollRefusal::UsedUp => (
                    ErrorCode::EnrollmentTokenUsedUp,
                    "the enrollment token has been used as often as it allows",
                ),
                EnrollRefusal::Revoked => (
                    ErrorCode::EnrollmentTokenRevoked,
                    "the enrollment token was revoked",
                ),
                EnrollRefusal::KeyInUse => {
                    return Err(AppError::conflict(
                        ErrorCode::DeviceKeyInUse,
                        "a device with this public key is already enrolled",
                    ));
                }
            };
            audit::anonymous(
                state,
                &format!("device {}", report.name),
                None,
                addr,
                Action::DeviceEnrollmentRefused,
                json!({"reason": code}),
            )
            .await?;
            return Err(AppError::auth_failed(code, message));
        }
    };
    let device = devices::refresh(&state.store, &state.tenant_id, &device.id)
        .await?
        .unwrap_or(device);
    Ok((
        StatusCode::CREATED,
        Json(Enrolled {
            device_id: device.id,
            name: device.name,
            compliance: device.compliance,
            reasons: device.compliance_reasons,
            next_check_in_secs: CHECK_IN_INTERVAL_SECS,
        }),
    ))
}
