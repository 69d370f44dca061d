//! Tenant settings for Remote Help.

use super::Json;
use crate::access::Need;
use crate::access::guard::perm;
use crate::audit;
use crate::audit::action::Action;
use crate::auth::Authed;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::{MAX_SESSION_MINUTES, MAX_TRANSFER_BYTES_CEILING};
use crate::state::AppState;
use crate::store::tenants::{Settings, SettingsChange};
use axum::extract::State;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_settings, put_settings))
}

/// A partial update: absent fields keep their value.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsUpdate {
    pub remote_help_enabled: Option<bool>,
    pub allow_unenrolled_devices: Option<bool>,
    pub chat_disabled: Option<bool>,
    /// 5 to 1440.
    pub max_session_minutes: Option<i64>,
    pub file_transfer_disabled: Option<bool>,
    /// 1 to `MAX_TRANSFER_BYTES_CEILING` (64 GiB).
    pub max_transfer_bytes: Option<i64>,
}

#[utoipa::path(get, path = "/api/settings", tag = "settings", responses((status = 200, body = Settings)))]
async fn get_settings(State(state): State<AppState>, _who: Authed) -> ApiResult<Json<Settings>> {
    Ok(Json(state.settings.current(&state).await?))
}

#[utoipa::path(put, path = "/api/settings", tag = "settings", request_body = SettingsUpdate,
    responses((status = 200, body = Settings), (status = 400, body = crate::error::ErrorBody), (status = 403, body = crate::error::ErrorBody)))]
async fn put_settings(
    State(state): State<AppState>,
    who: Need<perm::ManageSettings>,
    Json(req): Json<SettingsUpdate>,
) -> ApiResult<Json<Settings>> {
    if let Some(m) = req.max_session_minutes
        && !(5..=MAX_SESSION_MINUTES).contains(&m)
    {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!("max_session_minutes must be 5 to {MAX_SESSION_MINUTES}"),
        ));
    }
    if let Some(m) = req.max_transfer_bytes
        && !(1..=MAX_TRANSFER_BYTES_CEILING).contains(&m)
    {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!("max_transfer_bytes must be 1 to {MAX_TRANSFER_BYTES_CEILING}"),
        ));
    }
    let change = SettingsChange {
        remote_help_enabled: req.remote_help_enabled,
        allow_unenrolled_devices: req.allow_unenrolled_devices,
        chat_disabled: req.chat_disabled,
        max_session_minutes: req.max_session_minutes,
        file_transfer_disabled: req.file_transfer_disabled,
        max_transfer_bytes: req.max_transfer_bytes,
    };
    let s = state
        .store
        .save_settings(&state.tenant_id, &change, |s| {
            audit::entry(&who, Action::SettingsChanged, None, json!(s))
        })
        .await?;
    state.settings.remember(&s);
    Ok(Json(s))
}
