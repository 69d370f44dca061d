//! Operations endpoints: health, Prometheus metrics, the OpenAPI document; and the middleware
//! that counts requests and sets security headers on every answer.

use crate::error::AppError;
use crate::limits::UNAVAILABLE_RETRY_AFTER_SECS;
use crate::state::AppState;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;
use std::time::Instant;

/// `/healthz`, `/metrics` and `/api/openapi.json`.
pub fn router(openapi: serde_json::Value) -> Router<AppState> {
    let doc = Arc::new(openapi.to_string());
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        doc.as_str().to_owned(),
                    )
                }
            }),
        )
}

/// 200 `{"status":"ok"}` when the database answers, 503 `{"status":"database unreachable"}`
/// when it does not; at once while the database is known to be away, otherwise within
/// `DB_PROBE_TIMEOUT_MS`.
async fn healthz(State(state): State<AppState>) -> Response {
    if state.store.reachable() && state.store.probe().await {
        return axum::Json(serde_json::json!({"status": "ok"})).into_response();
    }
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, UNAVAILABLE_RETRY_AFTER_SECS)],
        axum::Json(serde_json::json!({"status": "database unreachable"})),
    )
        .into_response()
}

/// While the database is known to be out of reach, answers 503 `database_unavailable` at once
/// (with `Retry-After`) rather than letting each request wait for the pool. Health, metrics and
/// static files pass.
pub async fn fail_fast(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let passes = path == "/healthz" || path == "/metrics" || path.starts_with("/static/");
    if state.store.reachable() || passes {
        return next.run(req).await;
    }
    let body = crate::error::ErrorBody::new(
        "database_unavailable",
        "the database is unavailable; try again in a moment",
    );
    (
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, UNAVAILABLE_RETRY_AFTER_SECS)],
        axum::Json(body),
    )
        .into_response()
}

async fn metrics(State(state): State<AppState>) -> Result<Response, AppError> {
    let sessions = state.store.sessions_by_state(&state.tenant_id).await?;
    let mut text = state.metrics.render(&sessions);
    text.push_str(
        "# HELP assist_db_statements_total Statements handed to the database.\n\
         # TYPE assist_db_statements_total counter\n",
    );
    text.push_str(&format!(
        "assist_db_statements_total {}\n",
        state.store.statements()
    ));
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text).into_response())
}

/// Counts the request and its latency; adds security headers: HSTS where the server is reached
/// over TLS, and `Cache-Control: no-store` on every answer of the API and of the sign-in paths
/// (they carry tokens, second-factor secrets, recovery codes, enrollment tokens, personal data).
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_owned();
    let path = req.uri().path();
    let private =
        (path.starts_with("/api/") && path != "/api/openapi.json") || path.starts_with("/auth/");
    let started = Instant::now();
    let mut res = next.run(req).await;
    state.metrics.record(
        &method,
        res.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    let h = res.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: https:; \
         media-src 'self' blob:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if state.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if private {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// JSON 404 for unknown paths.
pub async fn not_found() -> AppError {
    AppError::NotFound("path")
}

/// JSON 405 for a known path with another method.
pub async fn method_not_allowed(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() == axum::http::StatusCode::METHOD_NOT_ALLOWED
        && res.headers().get(header::CONTENT_TYPE).is_none()
    {
        let body =
            crate::error::ErrorBody::new("method_not_allowed", "this method is not allowed here");
        let mut out =
            (axum::http::StatusCode::METHOD_NOT_ALLOWED, axum::Json(body)).into_response();
        if let Some(allow) = res.headers().get(header::ALLOW) {
            out.headers_mut().insert(header::ALLOW, allow.clone());
        }
        return out;
    }
    res
}
