//! Conditional-access policies (administrators), and a what-if evaluation.

use super::{Json, Path};
use crate::access::Need;
use crate::access::conditional::{
    self, Conditions, EvalPoint, Evaluation, GrantControl, Policy, PolicyState, Subject, Targets,
};
use crate::access::guard::perm;
use crate::audit;
use crate::audit::action::Action;
use crate::auth::ClientAddr;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::*;
use crate::state::AppState;
use crate::store::conditional_access::PolicyFields;
use crate::validate;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_policies, create_policy))
        .routes(routes!(get_policy, update_policy, delete_policy))
        .routes(routes!(what_if))
}

/// A conditional-access policy: whom it targets, when it applies, what it grants.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `enabled`, `disabled` or `report_only`.
    pub state: PolicyState,
    #[serde(deserialize_with = "super::object")]
    pub targets: Targets,
    #[serde(default, deserialize_with = "super::object")]
    pub conditions: Conditions,
    /// `allow`, `require_second_factor` or `block`.
    pub grant: GrantControl,
}

/// A what-if question: how would the policies decide for this user in these circumstances?
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WhatIf {
    pub user_id: String,
    pub point: EvalPoint,
    #[serde(default)]
    pub second_factor: bool,
    /// The client address to assume; absent: unknown.
    pub address: Option<String>,
}

/// The answer to a what-if question.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WhatIfAnswer {
    #[serde(flatten)]
    pub evaluation: Evaluation,
    /// The device fact, when a policy in play needed it.
    pub device_compliant: Option<bool>,
}

fn ids(field: &'static str, v: &[String]) -> ApiResult<Vec<String>> {
    if v.len() > MAX_CA_TARGETS {
        return Err(AppError::bad_request(
            ErrorCode::InvalidTargets,
            format!("{field} may hold at most {MAX_CA_TARGETS} ids"),
        ));
    }
    let mut out = Vec::with_capacity(v.len());
    for id in v {
        validate::id(field, id)?;
        let id = id.to_ascii_lowercase();
        if !out.contains(&id) {
            out.push(id);
        }
    }
    Ok(out)
}

fn ranges(field: &'static str, v: Option<&Vec<String>>) -> ApiResult<Option<Vec<String>>> {
    let Some(v) = v else { return Ok(None) };
    if v.is_empty() || v.len() > MAX_CA_ADDRESS_RANGES {
        return Err(AppError::bad_request(
            ErrorCode::InvalidConditions,
            format!("{field} must hold 1 to {MAX_CA_ADDRESS_RANGES} ranges"),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(v.len());
    for r in v {
        let net = (r.len() <= MAX_CA_RANGE_CHARS)
            .then(|| conditional::parse_range(r))
            .flatten()
            .ok_or_else(|| {
                AppError::bad_request(
                    ErrorCode::InvalidConditions,
                    format!(
                        "{field}: not a CIDR range or address (e.g. 10.0.0.0/8, 2001:db8::/32)"
                    ),
                )
            })?;
        let s = net.to_string();
        if !out.contains(&s) {
            out.push(s);
        }
    }
    Ok(Some(out))
}

/// Checks a policy body: fields, sizes, and that every user and group it names exists.
async fn checked(state: &AppState, body: &PolicyBody) -> ApiResult<PolicyFields> {
    let name = validate::name("name", &body.name)?;
    let description = validate::optional_text(
        "description",
        Some(&body.description),
        MAX_DESCRIPTION_CHARS,
    )?
    .unwrap_or_default();
    let t = &body.targets;
    let targets = Targets {
        all_users: t.all_users,
        include_users: ids("include_users", &t.include_users)?,
        include_groups: ids("include_groups", &t.include_groups)?,
        exclude_users: ids("exclude_users", &t.exclude_users)?,
        exclude_groups: ids("exclude_groups", &t.exclude_groups)?,
    };
    if !targets.all_users && targets.include_users.is_empty() && targets.include_groups.is_empty() {
        return Err(AppError::bad_request(
            ErrorCode::InvalidTargets,
            "target all_users, or include at least one user or group",
        ));
    }
    for u in targets.include_users.iter().chain(&targets.exclude_users) {
        if state.store.user(&state.tenant_id, u).await?.is_none() {
            return Err(AppError::conflict(
                ErrorCode::UnknownUser,
                format!("no user with id {u}"),
            ));
        }
    }
    for g in targets.include_groups.iter().chain(&targets.exclude_groups) {
        if state.store.group(&state.tenant_id, g).await?.is_none() {
            return Err(AppError::conflict(
                ErrorCode::UnknownGroup,
                format!("no group with id {g}"),
            ));
        }
    }
    let c = &body.conditions;
    let mut points = c.evaluation_points.clone();
    points.sort();
    points.dedup();
    let conditions = Conditions {
        second_factor_used: c.second_factor_used,
        client_address_in: ranges("client_address_in", c.client_address_in.as_ref())?,
        client_address_not_in: ranges("client_address_not_in", c.client_address_not_in.as_ref())?,
        device_compliant: c.device_compliant,
        evaluation_points: points,
    };
    Ok(PolicyFields {
        name,
        description,
        state: body.state,
        targets,
        conditions,
        grant: body.grant,
    })
}

fn summary(p: &PolicyFields) -> serde_json::Value {
    json!({"name": p.name, "state": p.state, "grant": p.grant, "targets": p.targets,
        "conditions": p.conditions})
}

#[utoipa::path(get, path = "/api/conditional-access/policies", tag = "conditional-access",
    responses((status = 200, body = [Policy]), (status = 401, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody)))]
async fn list_policies(
    State(state): State<AppState>,
    _who: Need<perm::ManageConditionalAccess>,
) -> ApiResult<Json<Vec<Policy>>> {
    Ok(Json(state.store.ca_policies(&state.tenant_id).await?))
}

#[utoipa::path(post, path = "/api/conditional-access/policies", tag = "conditional-access",
    request_body = PolicyBody,
    responses((status = 201, body = Policy), (status = 400, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody)))]
async fn create_policy(
    State(state): State<AppState>,
    who: Need<perm::ManageConditionalAccess>,
    Json(body): Json<PolicyBody>,
) -> ApiResult<(StatusCode, Json<Policy>)> {
    let fields = checked(&state, &body).await?;
    if state.store.count_ca_policies(&state.tenant_id).await? >= MAX_CA_POLICIES {
        return Err(AppError::conflict(
            ErrorCode::TooManyPolicies,
            format!("a tenant may have at most {MAX_CA_POLICIES} conditional-access policies"),
        ));
    }
    let policy = state
        .store
        .create_ca_policy(&state.tenant_id, &fields, |p| {
            audit::entry(
                &who,
                Action::ConditionalAccessPolicyCreated,
                Some(&p.id),
                summary(&fields),
            )
        })
        .await?
        .ok_or_else(|| {
            AppError::conflict(ErrorCode::NameTaken, "a policy with this name exists")
        })?;
    Ok((StatusCode::CREATED, Json(policy)))
}

#[utoipa::path(get, path = "/api/conditional-access/policies/{id}", tag = "conditional-access",
    params(("id" = String, Path)),
    responses((status = 200, body = Policy), (status = 404, body = crate::error::ErrorBody)))]
async fn get_policy(
    State(state): State<AppState>,
    _who: Need<perm::ManageConditionalAccess>,
    Path(id): Path<String>,
) -> ApiResult<Json<Policy>> {
    validate::id("id", &id)?;
    state
        .store
        .ca_policy(&state.tenant_id, &id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound("policy"))
}

#[utoipa::path(put, path = "/api/conditional-access/policies/{id}", tag = "conditional-access",
    params(("id" = String, Path)), request_body = PolicyBody,
    responses((status = 200, body = Policy), (status = 400, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn update_policy(
    State(state): State<AppState>,
    who: Need<perm::ManageConditionalAccess>,
    Path(id): Path<String>,
    Json(body): Json<PolicyBody>,
) -> ApiResult<Json<Policy>> {
    validate::id("id", &id)?;
    let fields = checked(&state, &body).await?;
    if state
        .store
        .ca_policy(&state.tenant_id, &id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound("policy"));
    }
    if state
        .store
        .ca_policies(&state.tenant_id)
        .await?
        .iter()
        .any(|p| p.name == fields.name && p.id != id)
    {
        return Err(AppError::conflict(
            ErrorCode::NameTaken,
            "a policy with this name exists",
        ));
    }
    // A concurrent rename to the same name trips the unique index: report it as the conflict it is.
    let entry = audit::entry(
        &who,
        Action::ConditionalAccessPolicyUpdated,
        Some(&id),
        summary(&fields),
    );
    let updated = match state
        .store
        .update_ca_policy(&state.tenant_id, &id, &fields, &entry)
        .await
    {
        Ok(done) => done,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(AppError::conflict(
                ErrorCode::NameTaken,
                "a policy with this name exists",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    if !updated {
        return Err(AppError::NotFound("policy"));
    }
    state
        .store
        .ca_policy(&state.tenant_id, &id)
        .await?
        .map(Json)
        .ok_or(AppError::NotFound("policy"))
}

#[utoipa::path(delete, path = "/api/conditional-access/policies/{id}", tag = "conditional-access",
    params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
async fn delete_policy(
    State(state): State<AppState>,
    who: Need<perm::ManageConditionalAccess>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    validate::id("id", &id)?;
    let Some(current) = state.store.ca_policy(&state.tenant_id, &id).await? else {
        return Err(AppError::NotFound("policy"));
    };
    let entry = audit::entry(
        &who,
        Action::ConditionalAccessPolicyDeleted,
        Some(&id),
        json!({"name": current.name}),
    );
    if !state
        .store
        .delete_ca_policy(&state.tenant_id, &id, &entry)
        .await?
    {
        return Err(AppError::NotFound("policy"));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/conditional-access/what-if", tag = "conditional-access",
    request_body = WhatIf,
    responses((status = 200, body = WhatIfAnswer, description = "How the policies would decide; nothing is enforced or logged"),
              (status = 400, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
async fn what_if(
    State(state): State<AppState>,
    _who: Need<perm::ManageConditionalAccess>,
    Json(q): Json<WhatIf>,
) -> ApiResult<Json<WhatIfAnswer>> {
    validate::id("user_id", &q.user_id)?;
    let address = match q.address.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(a) => Some(a.parse().map_err(|_| {
            AppError::bad_request(ErrorCode::InvalidAddress, "address must be an IP address")
        })?),
    };
    let user = state
        .store
        .user(&state.tenant_id, &q.user_id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let (evaluation, device_compliant) = conditional::evaluate_for(
        &state,
        Subject {
            user: &user,
            second_factor: q.second_factor,
            addr: ClientAddr(address),
        },
        q.point,
    )
    .await?;
    Ok(Json(WhatIfAnswer {
        evaluation,
        device_compliant,
    }))
}
