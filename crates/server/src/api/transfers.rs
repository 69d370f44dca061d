//! Clipboard and file transfer in a session, the server's part: what the session allows
//! (`GET`), and every file transfer opened (helper) and closed (either side) with its audit
//! entries. The bytes go between the two sides over the data channel, never through here; the
//! sharer is asked Allow / Deny on their side.

use super::{Json, Path};
use crate::access::transfer::{self, Kind};
use crate::audit::{self, action::Action};
use crate::auth::Authed;
use crate::clock::now_ms;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::{MAX_OPEN_TRANSFERS_PER_SESSION, MAX_TRANSFERS_PER_SESSION};
use crate::sessions::service;
use crate::state::AppState;
use crate::store::sessions::SessionRow;
use crate::store::transfers::{FinishRefused, NewTransfer, OpenRefused, TransferEnd};
use assist_proto::session::Role;
use assist_proto::transfer::{
    FinishTransfer, MAX_NAME_BYTES, OpenTransfer, Outcome, SessionTransfers, TransferView,
    is_sha256_hex,
};
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_transfers, open_transfer))
        .routes(routes!(finish_transfer))
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

#[utoipa::path(get, path = "/api/sessions/{id}/transfers", tag = "sessions", params(("id" = String, Path)),
    responses((status = 200, body = SessionTransfers), (status = 404, body = crate::error::ErrorBody)))]
async fn list_transfers(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<SessionTransfers>> {
    let (row, _) = load_for(&state, &id, &who).await?;
    let settings = state.settings.current(&state).await?;
    let clipboard = transfer::check(&state, &row, &settings, Kind::Clipboard).await?;
    let files = transfer::check(&state, &row, &settings, Kind::Files).await?;
    Ok(Json(SessionTransfers {
        clipboard_allowed: clipboard.is_ok(),
        files_allowed: files.is_ok(),
        max_bytes: settings.max_transfer_bytes,
        transfers: state.store.transfers_of(&state.tenant_id, &id).await?,
    }))
}

#[utoipa::path(post, path = "/api/sessions/{id}/transfers", tag = "sessions", params(("id" = String, Path)),
    request_body = OpenTransfer,
    responses((status = 201, body = TransferView),
              (status = 400, body = crate::error::ErrorBody, description = "invalid_field, transfer_too_large"),
              (status = 403, body = crate::error::ErrorBody, description = "helper_only, file_transfer_disabled, permission_denied, conditional_access_blocked, second_factor_required"),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "session_not_active, too_many_transfers")))]
async fn open_transfer(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
    Json(req): Json<OpenTransfer>,
) -> ApiResult<(StatusCode, Json<TransferView>)> {
    let (row, role) = load_for(&state, &id, &who).await?;
    if role != Role::Helper {
        return Err(AppError::forbidden(
            ErrorCode::HelperOnly,
            "the helper's page opens file transfers, either way",
        ));
    }
    if req.name.is_empty() || req.name.chars().count() > MAX_NAME_BYTES {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!("name must be 1 to {MAX_NAME_BYTES} characters"),
        ));
    }
    if req.size < 0 {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            "size must not be negative",
        ));
    }
    let settings = state.settings.current(&state).await?;
    transfer::enforce(&state, &row, &settings, Kind::Files).await?;
    if req.size > settings.max_transfer_bytes {
        audit::by(
            &state,
            &who,
            Action::TransferRefused,
            Some(&id),
            json!({"name": req.name, "size": req.size, "direction": req.direction,
                   "reason": "too_large", "max_bytes": settings.max_transfer_bytes}),
        )
        .await?;
        return Err(AppError::bad_request(
            ErrorCode::TransferTooLarge,
            format!(
                "the file is larger than this organisation's limit of {} bytes",
                settings.max_transfer_bytes
            ),
        ));
    }
    let t = NewTransfer {
        id: crate::store::new_id(),
        session_id: id.clone(),
        actor_id: who.user.id.clone(),
        direction: req.direction,
        name: req.name.clone(),
        size: req.size,
        started_at: now_ms(),
    };
    let entry = audit::entry(
        &who,
        Action::TransferOpened,
        Some(&id),
        json!({"transfer_id": t.id, "name": t.name, "size": t.size, "direction": t.direction}),
    );
    match state
        .store
        .open_transfer(
            &state.tenant_id,
            &t,
            MAX_OPEN_TRANSFERS_PER_SESSION,
            MAX_TRANSFERS_PER_SESSION,
            &entry,
        )
        .await?
    {
        Ok(v) => Ok((StatusCode::CREATED, Json(v))),
        Err(OpenRefused::TooManyOpen) => Err(AppError::conflict(
            ErrorCode::TooManyTransfers,
            format!(
                "at most {MAX_OPEN_TRANSFERS_PER_SESSION} transfers run at once; wait for one to end"
            ),
        )),
        Err(OpenRefused::TooManyInAll) => Err(AppError::conflict(
            ErrorCode::TooManyTransfers,
            format!("a session may have at most {MAX_TRANSFERS_PER_SESSION} transfers"),
        )),
    }
}

#[utoipa::path(post, path = "/api/sessions/{id}/transfers/{transfer_id}/finish", tag = "sessions",
    params(("id" = String, Path), ("transfer_id" = String, Path)), request_body = FinishTransfer,
    responses((status = 200, body = TransferView), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "transfer_finished")))]
async fn finish_transfer(
    State(state): State<AppState>,
    who: Authed,
    Path((id, transfer_id)): Path<(String, String)>,
    Json(req): Json<FinishTransfer>,
) -> ApiResult<Json<TransferView>> {
    let (_, _role) = load_for(&state, &id, &who).await?;
    crate::validate::id("transfer_id", &transfer_id)?;
    let sha256 = match (&req.sha256, req.outcome) {
        (Some(h), _) if !is_sha256_hex(h) => {
            return Err(AppError::bad_request(
                ErrorCode::InvalidField,
                "sha256 must be 64 hexadecimal characters",
            ));
        }
        (None, Outcome::Completed) => {
            return Err(AppError::bad_request(
                ErrorCode::InvalidField,
                "a completed transfer needs its sha256",
            ));
        }
        (h, _) => h.as_ref().map(|h| h.to_ascii_lowercase()),
    };
    if req.bytes_done < 0 {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            "bytes_done must not be negative",
        ));
    }
    let end = TransferEnd {
        outcome: req.outcome,
        sha256,
        bytes_done: req.bytes_done,
        finished_at: now_ms(),
    };
    let finished = state
        .store
        .finish_transfer(&state.tenant_id, &id, &transfer_id, &end, |t| {
            audit::entry(
                &who,
                Action::TransferFinished,
                Some(&id),
                json!({"transfer_id": t.id, "name": t.name, "size": t.size,
                       "direction": t.direction, "outcome": t.outcome, "sha256": t.sha256,
                       "bytes_done": t.bytes_done, "opened_by": t.actor_id}),
            )
        })
        .await?;
    match finished {
        Ok(t) => Ok(Json(t)),
        Err(FinishRefused::NotFound) => Err(AppError::NotFound("transfer")),
        Err(FinishRefused::AlreadyFinished) => Err(AppError::conflict(
            ErrorCode::TransferFinished,
            "this transfer already ended",
        )),
    }
}
