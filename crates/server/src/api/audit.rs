//! Reading the audit log.

use super::{Json, Listing, Page, Query};
use crate::access::Need;
use crate::access::guard::perm;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::state::AppState;
use crate::store::audit::{AuditFilter, AuditRecord, AuditVerification};
use axum::extract::State;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_audit))
        .routes(routes!(verify_audit))
}

/// Filters of the audit log.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// From this time (unix ms).
    pub from: Option<i64>,
    /// Until this time (unix ms).
    pub to: Option<i64>,
    /// Actions starting with this, e.g. `session.`.
    pub action: Option<String>,
    pub actor_id: Option<String>,
    pub target: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

#[utoipa::path(get, path = "/api/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Listing<AuditRecord>), (status = 403, body = crate::error::ErrorBody)))]
async fn list_audit(
    State(state): State<AppState>,
    _who: Need<perm::ReadAudit>,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Listing<AuditRecord>>> {
    let (limit, offset) = Page {
        limit: q.limit,
        offset: q.offset,
    }
    .bounds()?;
    for v in [&q.action, &q.actor_id, &q.target].into_iter().flatten() {
        if v.len() > 200 {
            return Err(AppError::bad_request(
                ErrorCode::InvalidQuery,
                "filter too long",
            ));
        }
    }
    let f = AuditFilter {
        from: q.from,
        to: q.to,
        action: q.action,
        actor_id: q.actor_id,
        target: q.target,
        limit,
        offset,
    };
    let (items, total) = state.store.list_audit(&state.tenant_id, &f).await?;
    Ok(Json(Listing { items, total }))
}

/// Checks the tenant's audit chain from its first entry: every entry must link to the one before
/// it (its hash covers the previous hash and its own fields) and the last must be the chain's
/// recorded head. Reports the first link that does not hold.
#[utoipa::path(get, path = "/api/audit/verify", tag = "audit",
    responses((status = 200, body = AuditVerification), (status = 403, body = crate::error::ErrorBody)))]
async fn verify_audit(
    State(state): State<AppState>,
    _who: Need<perm::ReadAudit>,
) -> ApiResult<Json<AuditVerification>> {
    Ok(Json(state.store.verify_audit(&state.tenant_id).await?))
}
