//! Roles and role assignments (administrators).

use super::{Json, Path, named};
use crate::access::guard::perm;
use crate::access::{Need, Permission};
use crate::audit;
use crate::audit::action::Action;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::state::AppState;
use crate::store::roles::{Guarded, Role, RoleAssignment, RoleChange};
use crate::validate;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_roles, create_role))
        .routes(routes!(get_role, update_role, delete_role))
        .routes(routes!(list_assignments, create_assignment))
        .routes(routes!(delete_assignment))
}

/// A custom role.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleBody {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub permissions: Vec<Permission>,
}

/// A role given to a user or a group (exactly one), for members of the scope groups or the
/// whole tenant.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignmentBody {
    pub role_id: String,
    pub user_id: Option<String>,
    pub group_id: Option<String>,
    #[serde(default)]
    pub scope_all: bool,
    #[serde(default)]
    pub scope_groups: Vec<String>,
}

fn checked(body: &RoleBody) -> ApiResult<(String, String, Vec<Permission>)> {
    let (name, desc) = named::name_and_description(&body.name, &body.description)?;
    let mut perms = body.permissions.clone();
    perms.sort();
    perms.dedup();
    Ok((name, desc, perms))
}

#[utoipa::path(get, path = "/api/roles", tag = "roles", responses((status = 200, body = [Role])))]
async fn list_roles(
    State(state): State<AppState>,
    _who: Need<perm::ManageRoles>,
) -> ApiResult<Json<Vec<Role>>> {
    Ok(Json(state.store.list_roles(&state.tenant_id).await?))
}

#[utoipa::path(post, path = "/api/roles", tag = "roles", request_body = RoleBody,
    responses((status = 201, body = Role), (status = 400, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn create_role(
    State(state): State<AppState>,
    who: Need<perm::ManageRoles>,
    Json(body): Json<RoleBody>,
) -> ApiResult<(StatusCode, Json<Role>)> {
    let (name, desc, perms) = checked(&body)?;
    let role = state
        .store
        .create_role(&state.tenant_id, &name, &desc, &perms, |r| {
            audit::entry(
                &who,
                Action::RoleCreated,
                Some(&r.id),
                json!({"name": name, "permissions": perms}),
            )
        })
        .await?
        .ok_or_else(|| named::name_taken("role"))?;
    Ok((StatusCode::CREATED, Json(role)))
}

#[utoipa::path(get, path = "/api/roles/{id}", tag = "roles", params(("id" = String, Path)),
    responses((status = 200, body = Role), (status = 404, body = crate::error::ErrorBody)))]
async fn get_role(
    State(state): State<AppState>,
    _who: Need<perm::ManageRoles>,
    Path(id): Path<String>,
) -> ApiResult<Json<Role>> {
    validate::id("id", &id)?;
    named::found(state.store.role(&state.tenant_id, &id).await?, "role")
}

#[utoipa::path(put, path = "/api/roles/{id}", tag = "roles", params(("id" = String, Path)), request_body = RoleBody,
    responses((status = 200, body = Role), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn update_role(
    State(state): State<AppState>,
    who: Need<perm::ManageRoles>,
    Path(id): Path<String>,
    Json(body): Json<RoleBody>,
) -> ApiResult<Json<Role>> {
    validate::id("id", &id)?;
    let (name, desc, perms) = checked(&body)?;
    let current = state
        .store
        .role(&state.tenant_id, &id)
        .await?
        .ok_or(AppError::NotFound("role"))?;
    if current.builtin {
        return Err(AppError::conflict(
            ErrorCode::BuiltinRole,
            "built-in roles cannot be changed; create a custom role",
        ));
    }
    if state
        .store
        .role_by_name(&state.tenant_id, &name)
        .await?
        .is_some_and(|r| r.id != id)
    {
        return Err(named::name_taken("role"));
    }
    let entry = audit::entry(
        &who,
        Action::RoleUpdated,
        Some(&id),
        json!({"name": name, "permissions": perms}),
    );
    match state
        .store
        .update_role(&state.tenant_id, &id, &name, &desc, &perms, &entry)
        .await?
    {
        RoleChange::Updated => {}
        RoleChange::NotFound => return Err(AppError::NotFound("role")),
        // Taken by a concurrent rename after the check above.
        RoleChange::NameTaken => return Err(named::name_taken("role")),
    }
    crate::sessions::revoke::rights_changed(&state).await?;
    named::found(state.store.role(&state.tenant_id, &id).await?, "role")
}

#[utoipa::path(delete, path = "/api/roles/{id}", tag = "roles", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn delete_role(
    State(state): State<AppState>,
    who: Need<perm::ManageRoles>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    validate::id("id", &id)?;
    let current = state
        .store
        .role(&state.tenant_id, &id)
        .await?
        .ok_or(AppError::NotFound("role"))?;
    if current.builtin {
        return Err(AppError::conflict(
            ErrorCode::BuiltinRole,
            "built-in roles cannot be deleted",
        ));
    }
    let entry = audit::entry(
        &who,
        Action::RoleDeleted,
        Some(&id),
        json!({"name": current.name}),
    );
    if !state
        .store
        .delete_role(&state.tenant_id, &id, &entry)
        .await?
    {
        return Err(AppError::NotFound("role"));
    }
    crate::sessions::revoke::rights_changed(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/role-assignments", tag = "roles", responses((status = 200, body = [RoleAssignment])))]
async fn list_assignments(
    State(state): State<AppState>,
    _who: Need<perm::ManageRoles>,
) -> ApiResult<Json<Vec<RoleAssignment>>> {
    Ok(Json(state.store.list_assignments(&state.tenant_id).await?))
}

#[utoipa::path(post, path = "/api/role-assignments", tag = "roles", request_body = AssignmentBody,
    responses((status = 201, body = RoleAssignment), (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
async fn create_assignment(
    State(state): State<AppState>,
    who: Need<perm::ManageRoles>,
    Json(body): Json<AssignmentBody>,
) -> ApiResult<(StatusCode, Json<RoleAssignment>)> {
    validate::id("role_id", &body.role_id)?;
    let role = state
        .store
        .role(&state.tenant_id, &body.role_id)
        .await?
        .ok_or(AppError::NotFound("role"))?;
    match (&body.user_id, &body.group_id) {
        (Some(u), None) => {
            validate::id("user_id", u)?;
            state
                .store
                .user(&state.tenant_id, u)
                .await?
                .ok_or(AppError::NotFound("user"))?;
        }
        (None, Some(g)) => {
            validate::id("group_id", g)?;
            state
                .store
                .group(&state.tenant_id, g)
                .await?
                .ok_or(AppError::NotFound("group"))?;
        }
        _ => {
            return Err(AppError::bad_request(
                ErrorCode::InvalidMember,
                "give exactly one of user_id and group_id",
            ));
        }
    }
    if !body.scope_all && body.scope_groups.is_empty() {
        return Err(AppError::bad_request(
            ErrorCode::InvalidScope,
            "give scope_groups, or scope_all: true for the whole tenant",
        ));
    }
    if body.scope_groups.len() > 100 {
        return Err(AppError::bad_request(
            ErrorCode::InvalidScope,
            "at most 100 scope groups",
        ));
    }
    let mut scope = body.scope_groups.clone();
    scope.sort();
    scope.dedup();
    for g in &scope {
        validate::id("scope_groups", g)?;
        state
            .store
            .group(&state.tenant_id, g)
            .await?
            .ok_or(AppError::NotFound("scope group"))?;
    }
    let a = state
        .store
        .create_assignment(
            &state.tenant_id,
            &role.id,
            body.user_id.as_deref(),
            body.group_id.as_deref(),
            body.scope_all,
            &scope,
            |a| {
                audit::entry(
                    &who,
                    Action::RoleAssigned,
                    Some(&a.id),
                    assignment_detail(&role, a),
                )
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(a)))
}

/// What an assignment's audit entries say: the role, the member and the scope.
fn assignment_detail(role: &Role, a: &RoleAssignment) -> serde_json::Value {
    json!({"role": role.name, "role_id": role.id, "user_id": a.user_id, "group_id": a.group_id,
        "scope_all": a.scope_all, "scope_groups": a.scope_groups})
}

#[utoipa::path(delete, path = "/api/role-assignments/{id}", tag = "roles", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody, description = "The last administrator's assignment")))]
async fn delete_assignment(
    State(state): State<AppState>,
    who: Need<perm::ManageRoles>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    validate::id("id", &id)?;
    // Assignments are never changed, only created and deleted: what is read here is what the
    // delete removes (or it is gone, and the delete finds nothing).
    let a = state
        .store
        .assignment(&state.tenant_id, &id)
        .await?
        .ok_or(AppError::NotFound("role assignment"))?;
    let role = state
        .store
        .role(&state.tenant_id, &a.role_id)
        .await?
        .ok_or(AppError::NotFound("role assignment"))?;
    let entry = audit::entry(
        &who,
        Action::RoleUnassigned,
        Some(&id),
        assignment_detail(&role, &a),
    );
    match state
        .store
        .delete_assignment(&state.tenant_id, &id, &entry)
        .await?
    {
        Guarded::Done(()) => {
            crate::sessions::revoke::rights_changed(&state).await?;
            Ok(StatusCode::NO_CONTENT)
        }
        Guarded::Missing => Err(AppError::NotFound("role assignment")),
        Guarded::LastAdministrator => Err(super::users::last_administrator()),
    }
}
