//! The tenant's verified domains: a user whose email is in one is shown as verified on the trust screen.

use super::{Json, Path};
use crate::access::Need;
use crate::access::guard::perm;
use crate::audit;
use crate::audit::action::Action;
use crate::auth::Authed;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::state::AppState;
use crate::store::tenants::Domain;
use crate::validate;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_domains, add_domain))
        .routes(routes!(delete_domain))
}

/// A domain to add.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddDomain {
    /// e.g. `example.com`
    pub domain: String,
}

#[utoipa::path(get, path = "/api/domains", tag = "domains", responses((status = 200, body = [Domain])))]
async fn list_domains(State(state): State<AppState>, _who: Authed) -> ApiResult<Json<Vec<Domain>>> {
    Ok(Json(state.store.domains(&state.tenant_id).await?))
}

#[utoipa::path(post, path = "/api/domains", tag = "domains", request_body = AddDomain,
    responses((status = 201, body = Domain), (status = 400, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
async fn add_domain(
    State(state): State<AppState>,
    who: Need<perm::ManageDomains>,
    Json(req): Json<AddDomain>,
) -> ApiResult<(StatusCode, Json<Domain>)> {
    let domain = validate::domain_name(&req.domain)?;
    let d = state
        .store
        .add_domain(&state.tenant_id, &domain, |d| {
            audit::entry(
                &who,
                Action::DomainAdded,
                Some(&d.id),
                json!({"domain": domain}),
            )
        })
        .await?
        .ok_or_else(|| {
            AppError::conflict(ErrorCode::DomainExists, "this domain is already verified")
        })?;
    Ok((StatusCode::CREATED, Json(d)))
}

#[utoipa::path(delete, path = "/api/domains/{id}", tag = "domains", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = crate::error::ErrorBody)))]
async fn delete_domain(
    State(state): State<AppState>,
    who: Need<perm::ManageDomains>,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    validate::id("id", &id)?;
    let entry = audit::entry(&who, Action::DomainRemoved, Some(&id), json!({}));
    if !state
        .store
        .delete_domain(&state.tenant_id, &id, &entry)
        .await?
    {
        return Err(AppError::NotFound("domain"));
    }
    Ok(StatusCode::NO_CONTENT)
}
