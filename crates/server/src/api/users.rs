//! User accounts (administrators) and profile pictures.

use super::{Json, Listing, Page, Path, Query};
use crate::access::guard::perm;
use crate::access::{Need, Permission};
use crate::audit;
use crate::audit::action::Action;
use crate::auth::{Authed, password};
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::*;
use crate::state::AppState;
use crate::store::roles::Guarded;
use crate::store::users::{NewUser, Removal, User, UserUpdate};
use crate::validate;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    let pictures = OpenApiRouter::new()
        .routes(routes!(get_picture, put_picture))
        .layer(DefaultBodyLimit::max(MAX_PICTURE_BYTES));
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user, delete_user))
        .merge(pictures)
}

/// A new user. Without a password the user signs in with single sign-on only.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub email: String,
    pub password: Option<String>,
    pub full_name: String,
    pub job_title: Option<String>,
    pub company: Option<String>,
}

/// Changes to a user; absent fields stay as they are, `null` clears an optional field.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub job_title: Option<Option<String>>,
    #[serde(default, deserialize_with = "super::double_option")]
    #[schema(value_type = Option<String>)]
    pub company: Option<Option<String>>,
    pub password: Option<String>,
    pub disabled: Option<bool>,
}

/// Search and paging of the user list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Part of the email or name.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[utoipa::path(get, path = "/api/users", tag = "users", params(UserQuery),
    responses((status = 200, body = Listing<User>), (status = 403, body = crate::error::ErrorBody)))]
async fn list_users(
    State(state): State<AppState>,
    _who: Need<perm::ManageUsers>,
    Query(q): Query<UserQuery>,
) -> ApiResult<Json<Listing<User>>> {
    let (limit, offset) = Page {
        limit: q.limit,
        offset: q.offset,
    }
    .bounds()?;
    let search = q.q.unwrap_or_default();
    if search.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::bad_request(
            ErrorCode::InvalidQuery,
            "search text too long",
        ));
    }
    let (items, total) = state
        .store
        .list_users(&state.tenant_id, search.trim(), limit, offset)
        .await?;
    Ok(Json(Listing { items, total }))
}

#[utoipa::path(post, path = "/api/users", tag = "users", request_body = CreateUser,
    responses((status = 201, body = User), (status = 400, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
async fn create_user(
    State(state): State<AppState>,
    who: Need<perm::ManageUsers>,
    Json(req): Json<CreateUser>,
) -> ApiResult<(StatusCode, Json<User>)> {
    let new = NewUser {
        email: validate::email(&req.email)?,
        full_name: validate::name("full_name", &req.full_name)?,
        job_title: validate::optional_text("job_title", req.job_title.as_deref(), MAX_NAME_CHARS)?,
        company: validate::optional_text("company", req.company.as_deref(), MAX_NAME_CHARS)?,
        password_hash: match &req.password {
            Some(p) => {
                validate::password(p)?;
                Some(password::hash_async(p.clone()).await?)
            }
            None => None,
        },
        ..Default::default()
    };
    let user = state
        .store
        .create_user_audited(&state.tenant_id, &new, |user| {
            audit::entry(
                &who,
                Action::UserCreated,
                Some(&user.id),
                json!({"email": user.email}),
            )
        })
        .await?
        .ok_or_else(|| {
            AppError::conflict(ErrorCode::EmailTaken, "a user with this email exists")
        })?;
    Ok((StatusCode::CREATED, Json(user)))
}

#[utoipa::path(get, path = "/api/users/{id}", tag = "users", params(("id" = String, Path)),
    responses((status = 200, body = User), (status = 404, body = crate::error::ErrorBody)))]
async fn get_user(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
) -> ApiResult<Json<User>> {
    validate::id("id", &id)?;
    if who.user.id != id && !who.access.has(Permission::ManageUsers) {
        return Err(AppError::forbidden(
            ErrorCode::PermissionDenied,
            "this needs the permission admin.users",
        ));
    }
    state
        .store
        .user(&state.tenant_id, &id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound("user"))
}

#[utoipa::path(patch, path = "/api/users/{id}", tag = "users", params(("id" = String, Path)), request_body = UpdateUser,
    responses((status = 200, body = User), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "cannot_disable_self, or disabling the last administrator")))]
async fn update_user(
    State(state): State<AppState>,
    who: Need<perm::ManageUsers>,
    Path(id): Path<String>,
    Json(req): Json<UpdateUser>,
) -> ApiResult<Json<User>> {
    validate::id("id", &id)?;
    if id == who.user.id && req.disabled == Some(true) {
        return Err(AppError::conflict(
            ErrorCode::CannotDisableSelf,
            "you cannot disable your own account",
        ));
    }
    let update = UserUpdate {
        full_name: req
            .full_name
            .as_deref()
            .map(|n| validate::name("full_name", n))
            .transpose()?,
        job_title: req
            .job_title
            .map(|t| validate::optional_text("job_title", t.as_deref(), MAX_NAME_CHARS))
            .transpose()?,
        company: req
            .company
            .map(|t| validate::optional_text("company", t.as_deref(), MAX_NAME_CHARS))
            .transpose()?,
        picture_url: None,
        disabled: req.disabled,
        password_hash: match &req.password {
            Some(p) => {
                validate::password(p)?;
                Some(password::hash_async(p.clone()).await?)
            }
            None => None,
        },
    };
    let changed: Vec<&str> = [
        update.full_name.as_ref().map(|_| "full_name"),
        update.job_title.as_ref().map(|_| "job_title"),
        update.company.as_ref().map(|_| "company"),
        update.disabled.map(|_| "disabled"),
        update.password_hash.as_ref().map(|_| "password"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let entry = audit::entry(
        &who,
        Action::UserUpdated,
        Some(&id),
        json!({"fields": changed}),
    );
    guarded(
        state
            .store
            .update_user(&state.tenant_id, &id, &update, &entry)
            .await?,
    )?;
    crate::sessions::revoke::user_updated(
        &state,
        &id,
        update.disabled == Some(true),
        update.password_hash.is_some(),
        (id == who.user.id).then_some(who.credential.as_str()),
    )
    .await?;
    state
        .store
        .user(&state.tenant_id, &id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound("user"))
}

/// The answer of a `DELETE /api/users/{id}` that kept the account (disabled) rather than
/// deleting it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UserKept {
    /// `disabled`: the user took part in sessions, which the audit log and reports name.
    pub outcome: &'static str,
    /// What happened, for people.
    pub message: &'static str,
    /// The account as it is now (disabled).
    pub user: User,
}

#[utoipa::path(delete, path = "/api/users/{id}", tag = "users", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"),
              (status = 200, body = UserKept, description = "Only disabled: the user took part in sessions"),
              (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "Deleting the last administrator")))]
async fn delete_user(
    State(state): State<AppState>,
    who: Need<perm::ManageUsers>,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    validate::id("id", &id)?;
    if id == who.user.id {
        return Err(AppError::conflict(
            ErrorCode::CannotDeleteSelf,
            "you cannot delete your own account",
        ));
    }
    let entry = audit::entry(&who, Action::UserDeleted, Some(&id), json!({}));
    let removal = guarded(
        state
            .store
            .delete_user(&state.tenant_id, &id, &entry)
            .await?,
    )?;
    crate::sessions::revoke::user_disabled(&state, &id).await?;
    match removal {
        Removal::Deleted => Ok(StatusCode::NO_CONTENT.into_response()),
        Removal::Disabled => {
            let user = state
                .store
                .user(&state.tenant_id, &id)
                .await?
                .ok_or(AppError::NotFound("user"))?;
            Ok(Json(UserKept {
                outcome: "disabled",
                message: "the user took part in sessions, so the account was disabled (kept for \
                          the audit log and reports) rather than deleted",
                user,
            })
            .into_response())
        }
    }
}

/// The answer to a change that may not remove the last administrator.
pub(super) fn guarded<T>(outcome: Guarded<T>) -> ApiResult<T> {
    match outcome {
        Guarded::Done(v) => Ok(v),
        Guarded::Missing => Err(AppError::NotFound("user")),
        Guarded::LastAdministrator => Err(last_administrator()),
    }
}

/// 409 `last_administrator`.
pub(super) fn last_administrator() -> AppError {
    AppError::conflict(
        ErrorCode::LastAdministrator,
        "this would leave no enabled administrator; make another user an administrator first",
    )
}

/// The image type, from the file's own first bytes (never from what the client claims).
pub fn sniff_image(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(&[0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a]) {
        Some("image/png")
    } else if data.starts_with(&[0xff, 0xd8, 0xff]) {
        Some("image/jpeg")
    } else if data.len() > 12 && &data[0..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

#[utoipa::path(get, path = "/api/users/{id}/picture", tag = "users", params(("id" = String, Path)),
    responses((status = 200, content_type = "image/png", description = "The picture (PNG, JPEG or WebP)"),
              (status = 404, body = crate::error::ErrorBody)))]
async fn get_picture(
    State(state): State<AppState>,
    _who: Authed,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    validate::id("id", &id)?;
    if state.store.user(&state.tenant_id, &id).await?.is_none() {
        return Err(AppError::NotFound("picture"));
    }
    let (content_type, data) = state
        .store
        .picture(&id)
        .await?
        .ok_or(AppError::NotFound("picture"))?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=300".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'".to_owned(),
            ),
        ],
        data,
    )
        .into_response())
}

#[utoipa::path(put, path = "/api/users/{id}/picture", tag = "users", params(("id" = String, Path)),
    request_body(content = Vec<u8>, content_type = "image/png", description = "PNG, JPEG or WebP, at most 512 KiB"),
    responses((status = 204), (status = 413, body = crate::error::ErrorBody), (status = 415, body = crate::error::ErrorBody)))]
async fn put_picture(
    State(state): State<AppState>,
    who: Authed,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<StatusCode> {
    validate::id("id", &id)?;
    if who.user.id != id && !who.access.has(Permission::ManageUsers) {
        return Err(AppError::forbidden(
            ErrorCode::PermissionDenied,
            "only the user or an administrator may change the picture",
        ));
    }
    let data = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge(MAX_PICTURE_BYTES)
        } else {
            AppError::bad_request(ErrorCode::UnreadableBody, e.body_text())
        }
    })?;
    if data.len() > MAX_PICTURE_BYTES {
        return Err(AppError::TooLarge(MAX_PICTURE_BYTES));
    }
    let content_type = sniff_image(&data).ok_or_else(|| {
        AppError::UnsupportedMediaType("the picture must be a PNG, JPEG or WebP image".into())
    })?;
    let url = format!("/api/users/{id}/picture");
    let entry = audit::entry(
        &who,
        Action::UserPictureChanged,
        Some(&id),
        json!({"bytes": data.len()}),
    );
    if !state
        .store
        .set_picture(&state.tenant_id, &id, (content_type, &data), &url, &entry)
        .await?
    {
        return Err(AppError::NotFound("user"));
    }
    Ok(StatusCode::NO_CONTENT)
}
