//! The JSON API. Every endpoint is registered through `utoipa_axum` so that it also appears in
//! `GET /api/openapi.json`; the permission it needs is in its signature (`Need<perm::X>`).

pub mod agent_auth;
pub mod audit;
pub mod auth;
pub mod compliance;
pub mod conditional_access;
pub mod contract;
pub mod device_channel;
pub mod devices;
pub mod domains;
pub mod enrollment;
pub mod groups;
pub mod ice;
mod named;
pub mod oidc;
pub mod reports;
pub mod roles;
pub mod second_factor;
pub mod sessions;
pub mod settings;
pub mod tokens;
pub mod transfers;
pub mod users;

use crate::error::{AppError, ErrorCode};
use crate::limits::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::state::AppState;
use axum::extract::FromRequest;
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// A JSON body whose rejections become our JSON errors. A number with a zero fraction (`5.0`)
/// is an integer, as JSON Schema's `integer` says, so integer fields take it.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for Json<T> {
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        let axum::Json(mut value) =
            axum::Json::<serde_json::Value>::from_request(req, state).await?;
        // serde would also read a struct from an array of its fields' values.
        if !value.is_object() {
            return Err(AppError::bad_request(
                ErrorCode::InvalidBody,
                "the request body must be a JSON object",
            ));
        }
        integral_numbers_as_integers(&mut value);
        serde_json::from_value(value).map(Json).map_err(|e| {
            AppError::bad_request(ErrorCode::InvalidBody, format!("invalid request body: {e}"))
        })
    }
}

pub use crate::validate::{object, objects};

/// Rewrites every float with a zero fraction that fits an `i64` or `u64` as that integer.
pub fn integral_numbers_as_integers(v: &mut serde_json::Value) {
    use serde_json::Value;
    match v {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // Bounds are exact powers of two, so the comparisons are exact.
            if f.fract() == 0.0
                && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&f)
            {
                *v = Value::from(f as i64);
            } else if f.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&f) {
                *v = Value::from(f as u64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers_as_integers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers_as_integers),
        _ => {}
    }
}

impl<T: Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

pub use crate::params::{Path, Query};

/// Paging of list endpoints.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Page {
    /// Rows to return (1 to 500, default 100).
    pub limit: Option<i64>,
    /// Rows to skip.
    pub offset: Option<i64>,
}

impl Page {
    /// Checked (limit, offset).
    pub fn bounds(&self) -> Result<(i64, i64), AppError> {
        let limit = self.limit.unwrap_or(DEFAULT_PAGE_SIZE);
        let offset = self.offset.unwrap_or(0);
        if !(1..=MAX_PAGE_SIZE).contains(&limit) || offset < 0 {
            return Err(AppError::bad_request(
                ErrorCode::InvalidPage,
                format!("limit must be 1 to {MAX_PAGE_SIZE}, offset ≥ 0"),
            ));
        }
        Ok((limit, offset))
    }
}

/// A page of results.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// The document's frame; paths come from the routers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Assist",
        description = "Self-hosted remote help: sessions, access, devices, audit."
    ),
    components(schemas(crate::error::ErrorBody))
)]
pub struct ApiDoc;

/// Every JSON endpoint, with its OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(auth::router())
        .merge(tokens::router())
        .merge(users::router())
        .merge(groups::router())
        .merge(domains::router())
        .merge(roles::router())
        .merge(settings::router())
        .merge(audit::router())
        .merge(conditional_access::router())
        .merge(second_factor::router())
        .merge(oidc::router())
        .merge(agent_auth::router())
        .merge(enrollment::router())
        .merge(devices::router())
        .merge(compliance::router())
        .merge(sessions::router())
        .merge(ice::router())
        .merge(reports::router())
        .merge(transfers::router())
}

/// Tells an absent field (`None`) from an explicit `null` (`Some(None)`) in PATCH bodies.
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[cfg(test)]
mod tests {
    use super::integral_numbers_as_integers;
    use serde_json::json;

    #[test]
    fn integral_floats_become_integers_and_others_stay() {
        let mut v = json!({"a": 5.0, "b": [-3.0, 2.5, 1e300], "c": {"d": 18446744073709549568.0}, "e": "5.0"});
        integral_numbers_as_integers(&mut v);
        assert_eq!(
            v,
            json!({"a": 5, "b": [-3, 2.5, 1e300], "c": {"d": 18446744073709549568u64}, "e": "5.0"})
        );
        assert!(v["a"].is_i64());
    }
}
