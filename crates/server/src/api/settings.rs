//! Tenant settings for Remote Help.

use super::Json;
use crate::access::Need;
use crate::access::guard::perm;
use crate::audit;
use crate::auth::Authed;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::{MAX_SESSION_MINUTES, SETTINGS_CACHE_MS};
use crate::state::AppState;
use crate::store::tenants::{Settings, SettingsChange};
use axum::extract::State;
use serde::Deserialize;
use serde_json::json;
use std::time::{Duration, Instant};
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
}

/// The tenant's settings, from this node's cache when it is younger than `SETTINGS_CACHE_MS`.
pub async fn current(state: &AppState) -> ApiResult<Settings> {
    let fresh = Duration::from_millis(SETTINGS_CACHE_MS);
    if let Some((at, s)) = &*cache(state)
        && at.elapsed() < fresh
    {
        return Ok(s.clone());
    }
    stored(state).await
}

/// The settings as stored now (and the cache refreshed with them).
async fn stored(state: &AppState) -> ApiResult<Settings> {
    let settings = state
        .store
        .tenant(&state.tenant_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("tenant is missing"))?
        .settings;
    *cache(state) = Some((Instant::now(), settings.clone()));
    Ok(settings)
}

fn cache(state: &AppState) -> std::sync::MutexGuard<'_, Option<(Instant, Settings)>> {
    state
        .settings_cache
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[utoipa::path(get, path = "/api/settings", tag = "settings", responses((status = 200, body = Settings)))]
async fn get_settings(State(state): State<AppState>, _who: Authed) -> ApiResult<Json<Settings>> {
    Ok(Json(current(&state).await?))
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
    let change = SettingsChange {
        remote_help_enabled: req.remote_help_enabled,
        allow_unenrolled_devices: req.allow_unenrolled_devices,
        chat_disabled: req.chat_disabled,
        max_session_minutes: req.max_session_minutes,
    };
    let s = state
        .store
        .save_settings(&state.tenant_id, &change, |s| {
            audit::entry(&who, "settings.changed", None, json!(s))
        })
        .await?;
    *cache(&state) = Some((Instant::now(), s.clone()));
    Ok(Json(s))
}
