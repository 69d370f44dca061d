//! Groups and their members (administrators).

use super::{Json, Path, named};
use crate::access::Need;
use crate::access::guard::perm;
use crate::audit;
use crate::audit::action::Action;
use crate::error::{ApiResult, AppError};
use crate::state::AppState;
use crate::store::groups::Group;
use crate::store::roles::Guarded;
use crate::validate;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_groups, create_group))
        .routes(routes!(get_group, update_group, delete_group))
        .routes(routes!(list_members))
        .routes(routes!(add_member, remove_member))
}

/// A new group, or a change to one.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupBody {
    pub name: String,
    #[serde(default)]
    pub description: String,
}

fn checked(body: &GroupBody) -> ApiResult<(String, String)> {
    named::name_and_description(&body.name, &body.description)
}

#[utoipa::path(get, path = "/api/groups", tag = "groups", responses((status = 200, body = [Group])))]
async fn list_groups(
    State(state): State<AppState>,
    _who: Need<perm::ManageGroups>,
) -> ApiResult<Json<Vec<Group>>> {
    Ok(Json(state.store.list_groups(&state.tenant_id).await?))
}

#[utoipa::path(post, path = "/api/groups", tag = "groups", request_body = GroupBody,
    responses((status = 201, body = Group), (status = 409, body = crate::error::ErrorBody)))]
async fn create_group(
    State(state): State<AppState>,
    who: Need<perm::ManageGroups>,
    Json(body): Json<GroupBody>,
) -> ApiResult<(StatusCode, Json<Group>)> {
    let (name, desc) = checked(&body)?;
    let g = state
        .store
        .create_group(&state.tenant_id, &name, &desc, |g| {
            audit::entry(
                &who,
                Action::GroupCreated,
                Some(&g.id),
                json!({"name": name}),
            )
        })
        .await?
        .ok_or_else(|| named::name_taken("group"))?;
    Ok((StatusCode::CREATED, Json(g)))
}

#[utoipa::path(get, path = "/api/groups/{id}", tag = "groups", params(("id" = String, Path)),
    responses((status = 200, body = Group), (status = 404, body = crate::error::ErrorBody)))]
async fn get_group(
    State(state): State<AppState>,
    _who: Need<perm::ManageGroups>,
    Path(id): Path<String>,
) -> ApiResult<Json<Group>> {
    validate::id("id", &id)?;
    named::found(state.store.group(&state.tenant_id, &id).await?, "group")
}

#[utoipa::path(put, path = "/api/groups/{id}", tag = "groups", params(("id" = String, Path)), request_body = GroupBody,
    responses((status = 200, body = Group), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn update_group(
    State(state): State<AppState>,
    who: Need<perm::ManageGroups>,
    Path(id): Path<String>,
    Json(body): Json<GroupBody>,
) -> ApiResult<Json<Group>> {
    validate::id("id", &id)?;
    let (name, desc) = checked(&body)?;
    if state.store.group(&state.tenant_id, &id).await?.is_none() {
        return Err(AppError::NotFound("group"));
    }
    let taken = state
        .store
        .list_groups(&state.tenant_id)
        .await?
        .into_iter()
        .any(|g| g.name == name && g.id != id);
    if taken {
        return Err(named::name_taken("group"));
    }
    let entry = audit::entry(&who, Action::GroupUpdated, Some(&id), json!({"name": name}));
    if !state
        .store
        .update_group(&state.tenant_id, &id, &name, &desc, &entry)
        .await?
    {
        return Err(AppError::NotFound("group"));
    }
    named::found(state.store.group(&state.tenant_id, &id).await?, "group")
}

#[utoipa::path(delete, path = "/api/groups/{id}", tag = "groups", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "The group holds the last administrator's role")))]
async fn delete_group(
    State(state): State<AppState>,
    who: Need<perm::ManageGroups>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    validate::id("id", &id)?;
    let entry = audit::entry(&who, Action::GroupDeleted, Some(&id), json!({}));
    match state
        .store
        .delete_group(&state.tenant_id, &id, &entry)
        .await?
    {
        Guarded::Done(()) => Ok(StatusCode::NO_CONTENT),
        Guarded::Missing => Err(AppError::NotFound("group")),
        Guarded::LastAdministrator => Err(super::users::last_administrator()),
    }
}

#[utoipa::path(get, path = "/api/groups/{id}/members", tag = "groups", params(("id" = String, Path)),
    responses((status = 200, body = [String], description = "User ids"), (status = 404, body = crate::error::ErrorBody)))]
async fn list_members(
    State(state): State<AppState>,
    _who: Need<perm::ManageGroups>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<String>>> {
    validate::id("id", &id)?;
    if state.store.group(&state.tenant_id, &id).await?.is_none() {
        return Err(AppError::NotFound("group"));
    }
    Ok(Json(state.store.group_members(&id).await?))
}

#[utoipa::path(put, path = "/api/groups/{id}/members/{user_id}", tag = "groups",
    params(("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
async fn add_member(
    State(state): State<AppState>,
    who: Need<perm::ManageGroups>,
    Path((id, user_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    validate::id("id", &id)?;
    validate::id("user_id", &user_id)?;
    if state.store.group(&state.tenant_id, &id).await?.is_none() {
        return Err(AppError::NotFound("group"));
    }
    if state
        .store
        .user(&state.tenant_id, &user_id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound("user"));
    }
    let entry = audit::entry(
        &who,
        Action::GroupMemberAdded,
        Some(&id),
        json!({"user_id": user_id}),
    );
    state
        .store
        .add_member(&state.tenant_id, &id, &user_id, &entry)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/groups/{id}/members/{user_id}", tag = "groups",
    params(("id" = String, Path), ("user_id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "The member is the last administrator, through this group")))]
async fn remove_member(
    State(state): State<AppState>,
    who: Need<perm::ManageGroups>,
    Path((id, user_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    validate::id("id", &id)?;
    validate::id("user_id", &user_id)?;
    if state.store.group(&state.tenant_id, &id).await?.is_none() {
        return Err(AppError::NotFound("member"));
    }
    let entry = audit::entry(
        &who,
        Action::GroupMemberRemoved,
        Some(&id),
        json!({"user_id": user_id}),
    );
    match state
        .store
        .remove_member(&state.tenant_id, &id, &user_id, &entry)
        .await?
    {
        Guarded::Done(()) => Ok(StatusCode::NO_CONTENT),
        Guarded::Missing => Err(AppError::NotFound("member")),
        Guarded::LastAdministrator => Err(super::users::last_administrator()),
    }
}
