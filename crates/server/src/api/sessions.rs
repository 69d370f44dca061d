//! Remote help sessions over HTTP: create (helper), join by code (sharer), request a mode
//! (helper), consent (sharer), take control back (sharer), end (either), chat history. Only the two participants see a
//! session: anyone else gets 404.

use super::{Json, Path, Query};
use crate::access::conditional::{EvalPoint, enforce};
use crate::access::guard::perm;
use crate::access::{Need, Permission, unattended};
use crate::audit;
use crate::audit::action::Action;
use crate::auth::Authed;
use crate::clock::now_ms;
use crate::devices::{VerifiedDevice, device_summary};
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::*;
use crate::ratelimit::Limit;
use crate::secrets::keyed_hash;
use crate::sessions::{chat, service, view};
use crate::state::AppState;
use crate::store::chat::ChatRecord;
use crate::store::sessions::{Presence, SessionRow, SharerKind};
use assist_proto::code::SecurityCode;
use assist_proto::session::{CODE_TTL_MS, EndReason, Event, Mode, Role, Session};
use assist_proto::wire::SessionView;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::BTreeSet;
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sessions, create_session))
        .routes(routes!(join_session))
        .routes(routes!(get_session))
        .routes(routes!(request_mode))
        .routes(routes!(consent))
        .routes(routes!(stop_control))
        .routes(routes!(end_session))
        .routes(routes!(get_chat, post_chat))
}

const ACCOUNT_LIMIT: Limit = Limit {
    max: CODE_GUESSES_PER_ACCOUNT,
    window: Duration::from_secs(CODE_GUESS_WINDOW_SECS),
};
const ADDRESS_LIMIT: Limit = Limit {
    max: CODE_GUESSES_PER_ADDRESS,
    window: Duration::from_secs(CODE_GUESS_ADDRESS_WINDOW_SECS),
};

/// A new session, optionally for an enrolled device.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    pub device_id: Option<String>,
}

/// The created session: give `code` (or `link`) to the sharer. Shown only now.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedSession {
    pub id: String,
    /// The security code, grouped for reading out (`4k7m r9gx`).
    pub code: String,
    /// The sharer's link with the code filled in.
    pub link: String,
    pub expires_at: i64,
    pub session: SessionView,
    /// For a session started for a device: whether the offer reached its channel.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device_channel: Option<DeviceReach>,
}

/// Whether a session's offer reached the device (`offered`: its agent is connected and tells its
/// user; `offline`: no agent is connected, give the code instead).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeviceReach {
    /// `offered` or `offline`.
    pub status: String,
    /// Since when the device has been offline (Unix ms); `null` if online, or never connected.
    pub offline_since: Option<i64>,
}

/// Joining with a security code, and the sharer's answer: one definition with the agent.
pub use assist_proto::api::{Consent, JoinSession};

/// The mode the helper asks for.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestMode {
    #[schema(value_type = String)]
    pub mode: Mode,
}

/// A chat message sent over HTTP (the live socket does the same).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostChat {
    pub text: String,
}

/// Paging of "my sessions".
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// At most this many (1 to 100, default 20).
    pub limit: Option<i64>,
}

fn ensure_enabled(settings: &crate::store::tenants::Settings) -> ApiResult<()> {
    if settings.remote_help_enabled {
        Ok(())
    } else {
        Err(AppError::forbidden(
            ErrorCode::RemoteHelpDisabled,
            "Remote Help is turned off for this organisation",
        ))
    }
}

/// The groups a sharer belongs to (the scope of role assignments is checked against them).
async fn groups_of(state: &AppState, user_id: &str) -> ApiResult<BTreeSet<String>> {
    Ok(state.store.groups_of(user_id).await?.into_iter().collect())
}

async fn load_for(state: &AppState, id: &str, who: &Authed) -> ApiResult<(SessionRow, Role)> {
    crate::validate::id("id", id)?;
    let row = state
        .store
        .session(&state.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("session"))?;
    let role = service::role_of(&row, &who.user.id).ok_or(AppError::NotFound("session"))?;
    Ok((row, role))
}

#[utoipa::path(get, path = "/api/sessions", tag = "sessions", params(ListQuery),
    responses((status = 200, body = [SessionView], description = "The caller's sessions, newest first")))]
async fn list_sessions(
    State(state): State<AppState>,
    who: Authed,
    Query(q): Query<ListQuery>,
) -> ApiResult<Json<Vec<SessionView>>> {
    let limit = q.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(AppError::bad_request(
            ErrorCode::InvalidPage,
            "limit must be 1 to 100",
        ));
    }
    let mut out = Vec::new();
    for row in state
        .store
        .sessions_of(&state.tenant_id, &who.user.id, limit)
        .await?
    {
        if let Some(role) = service::role_of(&row, &who.user.id) {
            out.push(view::view(&state, &row, role).await?);
        }
    }
    Ok(Json(out))
}

#[utoipa::path(post, path = "/api/sessions", tag = "sessions", request_body = CreateSession,
    responses((status = 201, body = CreatedSession), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "device_retired, too_many_waiting")))]
async fn create_session(
    State(state): State<AppState>,
    who: Need<perm::Offer>,
    headers: HeaderMap,
    Json(req): Json<CreateSession>,
) -> ApiResult<(StatusCode, Json<CreatedSession>)> {
    let settings = state.settings.current(&state).await?;
    ensure_enabled(&settings)?;
    enforce(&state, &who, EvalPoint::SessionCreate).await?;
    // "Unenrolled devices" is decided when the sharer joins: without a device, none is known yet.
    if let Some(device_id) = &req.device_id {
        crate::validate::id("device_id", device_id)?;
        let d = device_summary(&state.store, &state.tenant_id, device_id)
            .await?
            .ok_or(AppError::NotFound("device"))?;
        if !d.enrolled {
            return Err(AppError::conflict(
                ErrorCode::DeviceRetired,
                "this device has been retired",
            ));
        }
        let groups = match &d.primary_user_id {
            Some(u) => groups_of(&state, u).await?,
            None => BTreeSet::new(),
        };
        if !who.access.has_for(Permission::Offer, &groups) {
            return Err(AppError::forbidden(
                ErrorCode::OutOfScope,
                "your role does not cover this device's user",
            ));
        }
    }
    let waiting = state
        .store
        .count_waiting(&state.tenant_id, &who.user.id, now_ms())
        .await?;
    if waiting >= MAX_WAITING_SESSIONS_PER_HELPER as i64 {
        return Err(AppError::conflict(
            ErrorCode::TooManyWaiting,
            "end some of your waiting sessions first",
        ));
    }
    let tenant = state
        .store
        .tenant(&state.tenant_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("tenant missing"))?;
    let code = SecurityCode::generate();
    let now = now_ms();
    let row = SessionRow {
        id: crate::store::new_id(),
        tenant_id: state.tenant_id.clone(),
        helper_id: who.user.id.clone(),
        sharer_id: None,
        device_id: req.device_id.clone(),
        sharer_kind: None,
        code_hash: Some(keyed_hash(&tenant.secret, code.as_str())),
        machine: Session::new(
            now,
            CODE_TTL_MS,
            Some(settings.max_session_minutes * 60_000),
        ),
        presence: Presence::default(),
        helper_address: who.addr.0.map(|a| a.to_string()),
        sharer_address: None,
        version: 0,
        deadline: None,
        helper_second_factor: who.second_factor,
        unattended: false,
    };
    let entry = audit::entry(
        &who,
        Action::SessionCreated,
        Some(&row.id),
        json!({"device_id": row.device_id}),
    );
    state
        .store
        .insert_session(&row, service::deadline(&row), &entry)
        .await?;
    let link = format!(
        "{}/rh?passcode={}",
        crate::origin::public_base(&state.config, &headers),
        code.as_str()
    );
    let device_channel = match &row.device_id {
        Some(device_id) => Some(offer_to_device(&state, &who, &row, device_id, &code).await?),
        None => None,
    };
    let mut v = view::view(&state, &row, Role::Helper).await?;
    v.code = Some(code.grouped());
    v.link = Some(link.clone());
    Ok((
        StatusCode::CREATED,
        Json(CreatedSession {
            id: row.id.clone(),
            code: code.grouped(),
            link,
            expires_at: row.machine.code_expires_at,
            session: v,
            device_channel,
        }),
    ))
}

/// Offers a new session to its device's channel, if the device is online (audited); an offline
/// device is offered it when it comes back online while the session still waits.
async fn offer_to_device(
    state: &AppState,
    who: &Authed,
    row: &SessionRow,
    device_id: &str,
    code: &SecurityCode,
) -> ApiResult<DeviceReach> {
    let device = state
        .store
        .device(&state.tenant_id, device_id)
        .await?
        .ok_or(AppError::NotFound("device"))?;
    state
        .store
        .insert_offer(
            &state.tenant_id,
            &row.id,
            device_id,
            code.as_str(),
            now_ms(),
        )
        .await?;
    if !device.online {
        return Ok(DeviceReach {
            status: "offline".into(),
            offline_since: device.online_changed_at,
        });
    }
    let offer = service::offer_message(&who.user, row, code.as_str());
    state
        .hub
        .push_device(
            device_id,
            crate::sessions::bus::DeviceEvent::Send { message: offer },
        )
        .await;
    audit::by(
        state,
        who,
        Action::SessionOfferedToDevice,
        Some(&row.id),
        json!({"device_id": device_id}),
    )
    .await?;
    Ok(DeviceReach {
        status: "offered".into(),
        offline_since: None,
    })
}

#[utoipa::path(post, path = "/api/sessions/join", tag = "sessions", request_body = JoinSession,
    responses((status = 200, body = SessionView, description = "Joined: the helper's trust screen is in `helper`"),
              (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "own_session, or code_used (the code already opened a session)"),
              (status = 410, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
async fn join_session(
    State(state): State<AppState>,
    who: Authed,
    device: Option<axum::Extension<VerifiedDevice>>,
    Json(req): Json<JoinSession>,
) -> ApiResult<Json<SessionView>> {
    let settings = state.settings.current(&state).await?;
    ensure_enabled(&settings)?;
    // Each try is reserved before the code is looked up, per account and per address, and
    // given back unless it was a wrong code (docs/access.md, "Attempt limits and lockouts").
    let (email, id, addr) = (&who.user.email, Some(who.user.id.as_str()), who.addr);
    let account_key = format!("code:acct:{}", who.user.id);
    let account = match state.limiter.reserve(&account_key, ACCOUNT_LIMIT).await? {
        Ok(a) => a,
        Err(r) => {
            return Err(audit::rate_limited(&state, email, id, addr, "code_account", r).await);
        }
    };
    let address_key = format!("code:addr:{}", who.addr.network());
    let address = match state.limiter.reserve(&address_key, ADDRESS_LIMIT).await? {
        Ok(a) => a,
        Err(r) => {
            state.limiter.give_back(account).await;
            return Err(audit::rate_limited(&state, email, id, addr, "code_address", r).await);
        }
    };
    let joined = join_with_code(&state, &who, &settings, device, req).await;
    let wrong_code = matches!(&joined, Err(e) if matches!(e.error_code(), ErrorCode::InvalidCode | ErrorCode::NotFound));
    if !wrong_code {
        state.limiter.give_back(account).await;
        state.limiter.give_back(address).await;
    }
    joined
}

/// The join itself; a wrong code is `invalid_code` or `not_found`.
async fn join_with_code(
    state: &AppState,
    who: &Authed,
    settings: &crate::store::tenants::Settings,
    device: Option<axum::Extension<VerifiedDevice>>,
    req: JoinSession,
) -> ApiResult<Json<SessionView>> {
    if req.code.len() > 64 {
        return Err(AppError::bad_request(
            ErrorCode::InvalidCode,
            "a security code has 8 characters",
        ));
    }
    let code = match SecurityCode::parse(&req.code) {
        Ok(c) => c,
        Err(e) => {
            return Err(AppError::bad_request(ErrorCode::InvalidCode, e.to_string()));
        }
    };
    let tenant = state
        .store
        .tenant(&state.tenant_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("tenant missing"))?;
    let hash = keyed_hash(&tenant.secret, code.as_str());
    let found = state.store.session_by_code(&state.tenant_id, &hash).await?;
    let Some(row) = found.filter(|r| {
        r.code_hash
            .as_deref()
            .is_some_and(|h| crate::secrets::ct_eq(h, &hash))
    }) else {
        if state
            .store
            .code_was_used(&state.tenant_id, &hash, now_ms())
            .await?
        {
            audit::by(
                state,
                who,
                Action::SessionJoinFailed,
                None,
                json!({"reason": "code_used"}),
            )
            .await?;
            return Err(AppError::conflict(
                ErrorCode::CodeUsed,
                "this code has already been used; ask your helper for a new one",
            ));
        }
        audit::by(
            state,
            who,
            Action::SessionJoinFailed,
            None,
            json!({"reason": "unknown_code"}),
        )
        .await?;
        return Err(AppError::NotFound("session for this code"));
    };
    if row.helper_id == who.user.id {
        return Err(AppError::conflict(
            ErrorCode::OwnSession,
            "you cannot join your own session",
        ));
    }
    let helper_access = state.store.access_of(&row.helper_id).await?;
    if !helper_access.has_for(Permission::Offer, &groups_of(state, &who.user.id).await?) {
        audit::by(
            state,
            who,
            Action::SessionJoinRefused,
            Some(&row.id),
            json!({"reason": "out_of_scope"}),
        )
        .await?;
        return Err(AppError::forbidden(
            ErrorCode::OutOfScope,
            "this helper may not help you; ask your IT department",
        ));
    }
    let verified = device.map(|d| d.0);
    if let Some(expected) = &row.device_id
        && verified.as_ref().map(|d| &d.id) != Some(expected)
    {
        return Err(AppError::forbidden(
            ErrorCode::DeviceMismatch,
            "this session is for another device; join from the Assist agent on it",
        ));
    }
    if verified.is_none() && !settings.allow_unenrolled_devices {
        audit::by(
            state,
            who,
            Action::SessionJoinRefused,
            Some(&row.id),
            json!({"reason": "unenrolled_not_allowed"}),
        )
        .await?;
        return Err(AppError::forbidden(
            ErrorCode::UnenrolledNotAllowed,
            "sessions with devices that are not enrolled are turned off for this organisation; \
             join from the Assist app on an enrolled device",
        ));
    }
    enforce(state, who, EvalPoint::SessionJoin).await?;
    let sharer_id = who.user.id.clone();
    let address = who.addr.0.map(|a| a.to_string());
    let joined = service::update_audited(
        state,
        &row.id,
        |r, now| {
            r.machine
                .apply(Event::Join, now)
                .map_err(service::transition_error)?;
            r.sharer_id = Some(sharer_id.clone());
            r.sharer_address = address.clone();
            r.sharer_kind = Some(if verified.is_some() {
                SharerKind::Agent
            } else {
                SharerKind::Web
            });
            if let Some(d) = &verified {
                r.device_id = Some(d.id.clone());
            }
            Ok(())
        },
        |r| {
            Some(audit::entry(
                who,
                Action::SessionJoined,
                Some(&r.id),
                json!({"sharer_kind": r.sharer_kind, "device_id": r.device_id}),
            ))
        },
    )
    .await
    .map_err(|e| match e {
        AppError::Gone { .. } => AppError::gone(
            ErrorCode::CodeExpired,
            "this code has expired; ask your helper for a new one",
        ),
        other => other,
    })?;
    Ok(Json(view::view(state, &joined, Role::Sharer).await?))
}

#[utoipa::path(get, path = "/api/sessions/{id}", tag = "sessions", params(("id" = String, Path)),
    responses((status = 200, body = SessionView), (status = 404, body = crate::error::ErrorBody)))]
async fn get_session(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<SessionView>> {
    let (row, role) = load_for(&state, &id, &who).await?;
    Ok(Json(view::view(&state, &row, role).await?))
}

#[utoipa::path(post, path = "/api/sessions/{id}/request", tag = "sessions", params(("id" = String, Path)), request_body = RequestMode,
    responses((status = 200, body = SessionView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn request_mode(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
    Json(req): Json<RequestMode>,
) -> ApiResult<Json<SessionView>> {
    let (row, role) = load_for(&state, &id, &who).await?;
    if role != Role::Helper {
        return Err(AppError::forbidden(
            ErrorCode::HelperOnly,
            "only the helper requests a mode",
        ));
    }
    let needed = match req.mode {
        Mode::View => Permission::ViewScreen,
        Mode::Control => Permission::FullControl,
    };
    let groups = match &row.sharer_id {
        Some(s) => groups_of(&state, s).await?,
        None => BTreeSet::new(),
    };
    if !who.access.has_for(needed, &groups) {
        audit::by(
            &state,
            &who,
            Action::SessionRequestRefused,
            Some(&id),
            json!({"mode": req.mode}),
        )
        .await?;
        return Err(AppError::forbidden(
            ErrorCode::PermissionDenied,
            format!("your role does not allow {} for this user", req.mode),
        ));
    }
    if req.mode == Mode::Control
        && row.sharer_kind != Some(SharerKind::Agent)
        && row.sharer_id.is_some()
    {
        return Err(AppError::conflict(
            ErrorCode::ControlNeedsAgent,
            "full control needs the Assist agent on the sharer's device",
        ));
    }
    let row = service::apply_audited(&state, &id, Event::Request { mode: req.mode }, |_| {
        Some(audit::entry(
            &who,
            Action::SessionRequested,
            Some(&id),
            json!({"mode": req.mode}),
        ))
    })
    .await?;
    Ok(Json(view::view(&state, &row, role).await?))
}

#[utoipa::path(post, path = "/api/sessions/{id}/consent", tag = "sessions", params(("id" = String, Path)), request_body = Consent,
    responses((status = 200, body = SessionView), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn consent(
    State(state): State<AppState>,
    who: Authed,
    device: Option<axum::Extension<VerifiedDevice>>,
    Path(id): Path<String>,
    Json(req): Json<Consent>,
) -> ApiResult<Json<SessionView>> {
    let (current, role) = load_for(&state, &id, &who).await?;
    if role != Role::Sharer {
        return Err(AppError::forbidden(
            ErrorCode::SharerOnly,
            "only the sharer allows or denies",
        ));
    }
    if req.unattended {
        if !req.allow {
            return Err(AppError::bad_request(
                ErrorCode::InvalidConsent,
                "unattended applies only to allowing; a denial needs no flag",
            ));
        }
        if let Err(e) = unattended::enforce(&state, &current, device.as_deref()).await {
            audit::by(
                &state,
                &who,
                Action::SessionUnattendedRefused,
                Some(&id),
                json!({"reason": e.code(), "mode": current.machine.mode()}),
            )
            .await?;
            return Err(e);
        }
    }
    let unattended = req.unattended;
    let action = if req.allow {
        Action::SessionAllowed
    } else {
        Action::SessionDenied
    };
    let row = service::update_audited(
        &state,
        &id,
        |r, now| {
            r.machine
                .apply(Event::Consent { allow: req.allow }, now)
                .map_err(service::transition_error)?;
            r.unattended |= unattended;
            Ok(())
        },
        |r| {
            Some(audit::entry(
                &who,
                action,
                Some(&id),
                json!({"mode": r.machine.mode(), "unattended": unattended}),
            ))
        },
    )
    .await?;
    Ok(Json(view::view(&state, &row, role).await?))
}

#[utoipa::path(post, path = "/api/sessions/{id}/stop-control", tag = "sessions", params(("id" = String, Path)),
    responses((status = 200, body = SessionView, description = "The session, in view only (also when control had already stopped)"),
              (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn stop_control(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<SessionView>> {
    let (_, role) = load_for(&state, &id, &who).await?;
    if !Event::StopControl.may_be_sent_by(role) {
        return Err(AppError::forbidden(
            ErrorCode::SharerOnly,
            "only the sharer takes control back",
        ));
    }
    let row = service::update_audited(
        &state,
        &id,
        |r, now| match r.machine.apply(Event::StopControl, now) {
            Ok(_) => Ok(()),
            // Pressed twice, or the helper did not control (any more): what the sharer wants is
            // already so, and nothing is saved or audited.
            Err(e) if !e.from.is_terminal() => Ok(()),
            Err(e) => Err(service::transition_error(e)),
        },
        |_| {
            Some(audit::entry(
                &who,
                Action::SessionControlStopped,
                Some(&id),
                json!({"mode": Mode::View}),
            ))
        },
    )
    .await?;
    Ok(Json(view::view(&state, &row, role).await?))
}

#[utoipa::path(post, path = "/api/sessions/{id}/end", tag = "sessions", params(("id" = String, Path)),
    responses((status = 200, body = SessionView), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn end_session(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<SessionView>> {
    let (_, role) = load_for(&state, &id, &who).await?;
    let row = service::apply(
        &state,
        &id,
        Event::End {
            reason: EndReason::ended_by(role),
        },
    )
    .await?;
    Ok(Json(view::view(&state, &row, role).await?))
}

#[utoipa::path(get, path = "/api/sessions/{id}/chat", tag = "sessions", params(("id" = String, Path)),
    responses((status = 200, body = [ChatRecord]), (status = 404, body = crate::error::ErrorBody)))]
async fn get_chat(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ChatRecord>>> {
    let (row, _) = load_for(&state, &id, &who).await?;
    Ok(Json(state.store.chat(&row.id).await?))
}

#[utoipa::path(post, path = "/api/sessions/{id}/chat", tag = "sessions", params(("id" = String, Path)), request_body = PostChat,
    responses((status = 201, body = ChatRecord), (status = 400, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, description = "The session is over: chat is closed (`session_over`).", body = crate::error::ErrorBody)))]
async fn post_chat(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
    Json(req): Json<PostChat>,
) -> ApiResult<(StatusCode, Json<ChatRecord>)> {
    let (row, role) = load_for(&state, &id, &who).await?;
    let rec = chat::post(
        &state,
        &row.id,
        role,
        &who.user.id,
        &req.text,
        who.addr.0.map(|a| a.to_string()),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(rec)))
}
