//! Compliance policies (`/api/compliance-policies`): rules over the facts devices report, assigned
//! to every device or to the devices whose primary user is in some groups. Every change
//! re-evaluates all enrolled devices before answering.

use super::{Json, Path};
use crate::access::Need;
use crate::access::guard::perm;
use crate::audit;
use crate::audit::action::Action;
use crate::clock::now_ms;
use crate::devices::{self, compliance::Rules};
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::*;
use crate::state::AppState;
use crate::store::devices::{CompliancePolicy, PolicyInput};
use crate::validate;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_policies, create_policy))
        .routes(routes!(get_policy, replace_policy, delete_policy))
}

/// A compliance policy as written (create and replace).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = CompliancePolicyBody)]
pub struct PolicyBody {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Disabled policies are kept but not evaluated. Default: true.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Applies to every device. Default: false (then `group_ids` says which).
    #[serde(default)]
    pub all_devices: bool,
    /// Applies to devices whose primary user is in one of these groups.
    #[serde(default)]
    pub group_ids: Vec<String>,
    #[serde(deserialize_with = "super::object")]
    pub rules: Rules,
}

async fn checked(state: &AppState, body: PolicyBody) -> ApiResult<PolicyInput> {
    let name = validate::name("name", &body.name)?;
    let description = validate::optional_text(
        "description",
        body.description.as_deref(),
        MAX_DESCRIPTION_CHARS,
    )?
    .unwrap_or_default();
    let rules = body.rules.check()?;
    if rules.is_empty() {
        return Err(AppError::bad_request(
            ErrorCode::InvalidRules,
            "a policy needs at least one rule",
        ));
    }
    if body.group_ids.len() > MAX_POLICY_GROUPS {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!("at most {MAX_POLICY_GROUPS} groups"),
        ));
    }
    let mut group_ids = body.group_ids;
    group_ids.sort();
    group_ids.dedup();
    for g in &group_ids {
        validate::id("group_ids", g)?;
    }
    let found = state
        .store
        .existing_groups(&state.tenant_id, &group_ids)
        .await?;
    if found.len() != group_ids.len() {
        return Err(AppError::conflict(
            ErrorCode::UnknownGroup,
            "group_ids names a group that does not exist",
        ));
    }
    if body.all_devices && !group_ids.is_empty() {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            "give either all_devices or group_ids, not both",
        ));
    }
    Ok(PolicyInput {
        name,
        description,
        enabled: body.enabled.unwrap_or(true),
        all_devices: body.all_devices,
        group_ids,
        rules,
    })
}

/// What a policy's audit entries say of it.
fn summary(p: &CompliancePolicy) -> serde_json::Value {
    json!({"name": p.name, "enabled": p.enabled, "all_devices": p.all_devices,
           "group_ids": p.group_ids, "rules": p.rules})
}

fn name_taken() -> AppError {
    AppError::conflict(
        ErrorCode::NameTaken,
        "a compliance policy with this name exists",
    )
}

#[utoipa::path(get, path = "/api/compliance-policies", tag = "compliance",
    responses((status = 200, body = [CompliancePolicy]), (status = 403, body = crate::error::ErrorBody)))]
async fn list_policies(
    State(state): State<AppState>,
    _who: Need<perm::ManageCompliance>,
) -> ApiResult<Json<Vec<CompliancePolicy>>> {
    Ok(Json(state.store.list_policies(&state.tenant_id).await?))
}

#[utoipa::path(post, path = "/api/compliance-policies", tag = "compliance", request_body = PolicyBody,
    responses((status = 201, body = CompliancePolicy), (status = 400, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
async fn create_policy(
    State(state): State<AppState>,
    who: Need<perm::ManageCompliance>,
    Json(body): Json<PolicyBody>,
) -> ApiResult<(StatusCode, Json<CompliancePolicy>)> {
    let input = checked(&state, body).await?;
    let policy = state
        .store
        .save_policy(&state.tenant_id, None, &input, now_ms(), |p| {
            audit::entry(
                &who,
                Action::CompliancePolicyCreated,
                Some(&p.id),
                summary(p),
            )
        })
        .await?
        .ok_or_else(name_taken)?;
    devices::recompute_all(&state.store, &state.tenant_id).await?;
    Ok((StatusCode::CREATED, Json(policy)))
}

#[utoipa::path(get, path = "/api/compliance-policies/{id}", tag = "compliance", params(("id" = String, Path)),
    responses((status = 200, body = CompliancePolicy), (status = 404, body = crate::error::ErrorBody)))]
async fn get_policy(
    State(state): State<AppState>,
    _who: Need<perm::ManageCompliance>,
    Path(id): Path<String>,
) -> ApiResult<Json<CompliancePolicy>> {
    validate::id("id", &id)?;
    state
        .store
        .policy(&state.tenant_id, &id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound("compliance policy"))
}

#[utoipa::path(put, path = "/api/compliance-policies/{id}", tag = "compliance", params(("id" = String, Path)),
    request_body = PolicyBody,
    responses((status = 200, body = CompliancePolicy), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn replace_policy(
    State(state): State<AppState>,
    who: Need<perm::ManageCompliance>,
    Path(id): Path<String>,
    Json(body): Json<PolicyBody>,
) -> ApiResult<Json<CompliancePolicy>> {
    validate::id("id", &id)?;
    if state.store.policy(&state.tenant_id, &id).await?.is_none() {
        return Err(AppError::NotFound("compliance policy"));
    }
    let input = checked(&state, body).await?;
    if state
        .store
        .policy_name_taken(&state.tenant_id, &input.name, Some(&id))
        .await?
    {
        return Err(name_taken());
    }
    let policy = state
        .store
        .save_policy(&state.tenant_id, Some(&id), &input, now_ms(), |p| {
            audit::entry(
                &who,
                Action::CompliancePolicyUpdated,
                Some(&p.id),
                summary(p),
            )
        })
        .await?
        .ok_or_else(name_taken)?;
    devices::recompute_all(&state.store, &state.tenant_id).await?;
    Ok(Json(policy))
}

#[utoipa::path(delete, path = "/api/compliance-policies/{id}", tag = "compliance", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
async fn delete_policy(
    State(state): State<AppState>,
    who: Need<perm::ManageCompliance>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    validate::id("id", &id)?;
    let Some(policy) = state.store.policy(&state.tenant_id, &id).await? else {
        return Err(AppError::NotFound("compliance policy"));
    };
    let entry = audit::entry(
        &who,
        Action::CompliancePolicyDeleted,
        Some(&id),
        json!({"name": policy.name}),
    );
    if !state
        .store
        .delete_policy(&state.tenant_id, &id, &entry)
        .await?
    {
        return Err(AppError::NotFound("compliance policy"));
    }
    devices::recompute_all(&state.store, &state.tenant_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
