//! Operations endpoints: health, Prometheus metrics, the OpenAPI document; and the middleware
//! that counts requests and sets security headers on every answer.

use crate::error::AppError;
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

async fn healthz(State(state): State<AppState>) -> Response {
    match sqlx::query("SELECT 1").execute(state.store.pool()).await {
        Ok(_) => axum::Json(serde_json::json!({"status": "ok"})).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            (
                axum::http::StatusCode::SERVICE_UNAVAILABLE,
                axum::Json(serde_json::json!({"status": "database unreachable"})),
            )
                .into_response()
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Result<Response, AppError> {
    let sessions = state.store.sessions_by_state(&state.tenant_id).await?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(&sessions),
    )
        .into_response())
}

/// Counts the request and its latency; adds security headers.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().as_str().to_owned();
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
        let body = serde_json::json!({"error": {"code": "method_not_allowed", "message": "this method is not allowed here"}});
        let mut out =
            (axum::http::StatusCode::METHOD_NOT_ALLOWED, axum::Json(body)).into_response();
        if let Some(allow) = res.headers().get(header::ALLOW) {
            out.headers_mut().insert(header::ALLOW, allow.clone());
        }
        return out;
    }
    res
}
