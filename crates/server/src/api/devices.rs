//! The device inventory (`/api/devices`) and the agent's signed check-in.
//!
//! Administrators with `admin.devices` see and change every device. Helpers with
//! `remote_help.offer` may read the devices whose primary user is in their scope groups (to start
//! a session from a device's page).

use super::{Json, Listing, Path, Query};
use crate::access::guard::perm;
use crate::access::{Need, Permission};
use crate::audit;
use crate::audit::action::Action;
use crate::auth::Authed;
use crate::clock::now_ms;
use crate::devices::facts::{self, Report};
use crate::devices::{self, VerifiedDevice, compliance};
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::*;
use crate::state::AppState;
use crate::store::devices::{Device, DeviceChange, DeviceFilter, DeviceSession, Retirement};
use crate::validate;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeSet;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_devices))
        .routes(routes!(get_device, update_device))
        .routes(routes!(retire_device))
        .routes(routes!(check_in))
}

/// Filters and paging of the device list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeviceQuery {
    /// `compliant`, `not_compliant` or `not_evaluated`.
    pub compliance: Option<String>,
    /// OS: os-release `ID` (`ubuntu`) or `NAME` (`Ubuntu`), any case.
    pub os: Option<String>,
    /// Last check-in before this time (Unix ms): devices gone silent.
    pub checked_in_before: Option<i64>,
    /// Last check-in after this time (Unix ms).
    pub checked_in_after: Option<i64>,
    /// Part of the device name or the primary user's login name.
    pub q: Option<String>,
    /// `active` (default), `retired` or `all`.
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The primary user as the device page shows them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PrimaryUser {
    pub id: String,
    pub email: String,
    pub full_name: String,
}

/// A device with its facts, compliance reasons, primary user and recent sessions.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeviceDetail {
    #[serde(flatten)]
    pub device: Device,
    pub primary_user: Option<PrimaryUser>,
    pub recent_sessions: Vec<DeviceSession>,
}

/// Changes to a device: its name, or its primary user (`null`: back to the one the agent reports).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateDevice {
    pub name: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub primary_user_id: Option<Option<String>>,
}

/// The answer to a check-in: one definition with the agent, in `assist_proto`.
pub use assist_proto::device::CheckedIn;

/// Which devices the caller may read: `None` all, `Some(groups)` those whose primary user is in
/// one of the groups.
fn readable_scope(who: &Authed) -> Result<Option<BTreeSet<String>>, AppError> {
    if who.access.has(Permission::ManageDevices) {
        return Ok(None);
    }
    let offer: Vec<_> = who
        .access
        .grants
        .iter()
        .filter(|g| g.permissions.contains(&Permission::Offer))
        .collect();
    if offer.is_empty() {
        return Err(AppError::forbidden(
            ErrorCode::PermissionDenied,
            "this needs the permission admin.devices or remote_help.offer",
        ));
    }
    if offer.iter().any(|g| g.scope_all) {
        return Ok(None);
    }
    Ok(Some(
        offer
            .iter()
            .flat_map(|g| g.scope_groups.iter().cloned())
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/devices", tag = "devices", params(DeviceQuery),
    responses((status = 200, body = Listing<Device>), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
async fn list_devices(
    State(state): State<AppState>,
    who: Authed,
    Query(q): Query<DeviceQuery>,
) -> ApiResult<Json<Listing<Device>>> {
    let scope = readable_scope(&who)?;
    let (limit, offset) = super::Page {
        limit: q.limit,
        offset: q.offset,
    }
    .bounds()?;
    let bad = |m: &str| AppError::bad_request(ErrorCode::InvalidQuery, m.to_owned());
    let compliance = match q.compliance.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(
            c @ (compliance::COMPLIANT | compliance::NOT_COMPLIANT | compliance::NOT_EVALUATED),
        ) => Some(c.to_owned()),
        Some(_) => {
            return Err(bad(
                "compliance must be compliant, not_compliant or not_evaluated",
            ));
        }
    };
    let retirement = match q.status.as_deref().map(str::trim) {
        None | Some("") | Some("active") => Retirement::Active,
        Some("retired") => Retirement::Retired,
        Some("all") => Retirement::All,
        Some(_) => return Err(bad("status must be active, retired or all")),
    };
    let text = |v: Option<String>, what: &str| -> Result<Option<String>, AppError> {
        let v = v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        match v {
            Some(s) if s.chars().count() > MAX_NAME_CHARS || s.chars().any(char::is_control) => {
                Err(bad(&format!(
                    "{what} is too long or has control characters"
                )))
            }
            v => Ok(v),
        }
    };
    for t in [q.checked_in_before, q.checked_in_after]
        .into_iter()
        .flatten()
    {
        if !(0..=MAX_TIMESTAMP_MS).contains(&t) {
            return Err(bad("checked_in_before/after must be Unix milliseconds"));
        }
    }
    let filter = DeviceFilter {
        compliance,
        os: text(q.os, "os")?,
        checked_in_before: q.checked_in_before,
        checked_in_after: q.checked_in_after,
        search: text(q.q, "q")?,
        retirement,
        scope_groups: scope.map(|s| s.into_iter().collect()),
        limit,
        offset,
    };
    let (items, total) = state.store.list_devices(&state.tenant_id, &filter).await?;
    Ok(Json(Listing { items, total }))
}

/// The device, if the caller may read it (404 otherwise, so its existence is not disclosed).
async fn readable_device(state: &AppState, who: &Authed, id: &str) -> ApiResult<Device> {
    validate::id("id", id)?;
    let scope = readable_scope(who)?;
    let device = devices::refresh(&state.store, &state.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("device"))?;
    if let Some(scope) = scope {
        let groups = match &device.primary_user_id {
            Some(u) => state.store.groups_of(u).await?,
            None => Vec::new(),
        };
        if !groups.iter().any(|g| scope.contains(g)) {
            return Err(AppError::NotFound("device"));
        }
    }
    Ok(device)
}

#[utoipa::path(get, path = "/api/devices/{id}", tag = "devices", params(("id" = String, Path)),
    responses((status = 200, body = DeviceDetail), (status = 404, body = crate::error::ErrorBody)))]
async fn get_device(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<DeviceDetail>> {
    let device = readable_device(&state, &who, &id).await?;
    let primary_user = match &device.primary_user_id {
        Some(u) => state
            .store
            .user(&state.tenant_id, u)
            .await?
            .map(|u| PrimaryUser {
                id: u.id,
                email: u.email,
                full_name: u.full_name,
            }),
        None => None,
    };
    let recent_sessions = state
        .store
        .device_sessions(&state.tenant_id, &device.id, RECENT_DEVICE_SESSIONS)
        .await?;
    Ok(Json(DeviceDetail {
        device,
        primary_user,
        recent_sessions,
    }))
}

#[utoipa::path(patch, path = "/api/devices/{id}", tag = "devices", params(("id" = String, Path)), request_body = UpdateDevice,
    responses((status = 200, body = DeviceDetail), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
async fn update_device(
    State(state): State<AppState>,
    who: Need<perm::ManageDevices>,
    Path(id): Path<String>,
    Json(req): Json<UpdateDevice>,
) -> ApiResult<Json<DeviceDetail>> {
    validate::id("id", &id)?;
    let name = req
        .name
        .as_deref()
        .map(|n| validate::name("name", n))
        .transpose()?;
    let device = state
        .store
        .device(&state.tenant_id, &id)
        .await?
        .ok_or(AppError::NotFound("device"))?;
    if let Some(Some(u)) = &req.primary_user_id {
        validate::id("primary_user_id", u)?;
        if state.store.user(&state.tenant_id, u).await?.is_none() {
            return Err(AppError::conflict(
                ErrorCode::UnknownUser,
                "primary_user_id names no user",
            ));
        }
    }
    let reported = match &device.primary_user_login {
        Some(login) => state.store.user_for_login(&state.tenant_id, login).await?,
        None => None,
    };
    let primary = req.primary_user_id.as_ref().map(|o| o.as_deref());
    if !state
        .store
        .update_device(
            &state.tenant_id,
            &id,
            &DeviceChange {
                name: name.as_deref(),
                primary_user: primary,
                reported_user_id: reported.as_deref(),
            },
            &audit::entry(
                &who,
                Action::DeviceUpdated,
                Some(&id),
                json!({"name": name, "primary_user_id": req.primary_user_id}),
            ),
        )
        .await?
    {
        return Err(AppError::NotFound("device"));
    }
    get_device(State(state), who.0, Path(id)).await
}

#[utoipa::path(post, path = "/api/devices/{id}/retire", tag = "devices", params(("id" = String, Path)),
    description = "Retires a device: its key is refused from then on, and it leaves the inventory (listed with status=retired).",
    responses((status = 200, body = Device), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
async fn retire_device(
    State(state): State<AppState>,
    who: Need<perm::ManageDevices>,
    Path(id): Path<String>,
) -> ApiResult<Json<Device>> {
    validate::id("id", &id)?;
    let device = state
        .store
        .device(&state.tenant_id, &id)
        .await?
        .ok_or(AppError::NotFound("device"))?;
    if !state
        .store
        .retire_device(
            &state.tenant_id,
            &id,
            now_ms(),
            &audit::entry(
                &who,
                Action::DeviceRetired,
                Some(&id),
                json!({"name": device.name}),
            ),
        )
        .await?
    {
        return Err(AppError::conflict(
            ErrorCode::DeviceRetired,
            "the device is already retired",
        ));
    }
    // Its channel, on whichever node holds it, closes at once.
    super::device_channel::close_retired(&state, &id).await;
    state
        .store
        .device(&state.tenant_id, &id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound("device"))
}

#[utoipa::path(post, path = "/api/agent/check-in", tag = "agent", request_body = Report,
    description = "A signed request of an enrolled device (X-Assist-Device, X-Assist-Timestamp, X-Assist-Nonce, X-Assist-Signature; see docs/devices.md): reports inventory and facts, answers the compliance state.",
    responses((status = 200, body = CheckedIn), (status = 400, body = crate::error::ErrorBody),
              (status = 401, body = crate::error::ErrorBody, description = "device_signature_missing, _invalid, device_replay, device_retired, device_unknown, device_timestamp_skew")))]
async fn check_in(
    State(state): State<AppState>,
    SignedByDevice(device): SignedByDevice,
    Json(report): Json<Report>,
) -> ApiResult<Json<CheckedIn>> {
    record_check_in(&state, &device.id, &report).await.map(Json)
}

/// Records a verified device's check-in (over REST or its channel) and answers its compliance.
pub(crate) async fn record_check_in(
    state: &AppState,
    device_id: &str,
    report: &Report,
) -> ApiResult<CheckedIn> {
    let report = facts::check(report)?;
    let reported = match &report.primary_user {
        Some(login) => state.store.user_for_login(&state.tenant_id, login).await?,
        None => None,
    };
    if !state
        .store
        .record_check_in(
            &state.tenant_id,
            device_id,
            &report,
            reported.as_deref(),
            now_ms(),
        )
        .await?
    {
        return Err(AppError::auth_failed(
            ErrorCode::DeviceRetired,
            "this device was retired; enroll it again",
        ));
    }
    let device = devices::refresh(&state.store, &state.tenant_id, device_id)
        .await?
        .ok_or(AppError::NotFound("device"))?;
    Ok(CheckedIn {
        device_id: device.id,
        compliance: device.compliance,
        reasons: device.compliance_reasons,
        next_check_in_secs: CHECK_IN_INTERVAL_SECS,
    })
}

/// The enrolled device that signed the request; without one the answer is a 401, before the body
/// is read (credentials are checked before input).
struct SignedByDevice(VerifiedDevice);

impl axum::extract::FromRequestParts<AppState> for SignedByDevice {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _state: &AppState,
    ) -> Result<Self, AppError> {
        parts
            .extensions
            .get::<VerifiedDevice>()
            .cloned()
            .map(SignedByDevice)
            .ok_or_else(|| {
                AppError::auth_failed(
                    ErrorCode::DeviceSignatureMissing,
                    "check-ins must be signed by an enrolled device",
                )
            })
    }
}
