//! The middleware that verifies signed device requests. It runs on every request that carries
//! `X-Assist-Device`: buffers the body (at most the JSON body limit), checks the timestamp
//! window, the signature over the canonical string, that the device is enrolled (not retired),
//! and that the nonce is new (recorded in the database, so all nodes share it). On success the
//! handler finds a [`VerifiedDevice`] in the request extensions; on failure the answer is a 401
//! JSON error and the handler never runs. Requests without the header pass through untouched.

use super::VerifiedDevice;
use super::signing::{self, HeaderError, SignedHeaders};
use crate::clock::now_ms;
use crate::error::{AppError, ErrorCode};
use crate::limits::{DEVICE_SIGNATURE_WINDOW_MS, MAX_JSON_BODY_BYTES};
use crate::store::Tenancy;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Verifies a signed device request (see the module note).
pub async fn verify_device<S: Tenancy + Clone>(
    State(state): State<S>,
    req: Request,
    next: Next,
) -> Response {
    if !req.headers().contains_key(signing::HEADER_DEVICE) {
        return next.run(req).await;
    }
    match verified(&state, req).await {
        Ok(req) => next.run(req).await,
        Err(e) => e.into_response(),
    }
}

fn refused(code: ErrorCode, message: impl Into<String>) -> AppError {
    AppError::auth_failed(code, message)
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers().get(name).and_then(|v| v.to_str().ok())
}

async fn verified(state: &impl Tenancy, req: Request) -> Result<Request, AppError> {
    let headers = SignedHeaders::parse(
        header(&req, signing::HEADER_DEVICE),
        header(&req, signing::HEADER_TIMESTAMP),
        header(&req, signing::HEADER_NONCE),
        header(&req, signing::HEADER_SIGNATURE),
    )
    .map_err(|e| match e {
        HeaderError::Missing => refused(ErrorCode::DeviceSignatureMissing, e.to_string()),
        _ => refused(ErrorCode::DeviceSignatureInvalid, e.to_string()),
    })?;
    let now = now_ms();
    if !signing::timestamp_fresh(headers.timestamp, now, DEVICE_SIGNATURE_WINDOW_MS) {
        return Err(refused(
            ErrorCode::DeviceTimestampSkew,
            format!(
                "X-Assist-Timestamp is more than {} s away from the server's clock",
                DEVICE_SIGNATURE_WINDOW_MS / 1000
            ),
        ));
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_JSON_BODY_BYTES)
        .await
        .map_err(|_| AppError::TooLarge(MAX_JSON_BODY_BYTES))?;
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let message = signing::canonical(
        parts.method.as_str(),
        path,
        headers.timestamp,
        &headers.nonce,
        &bytes,
    );
    let unknown = || refused(ErrorCode::DeviceUnknown, "no enrolled device has this id");
    let device = state
        .store()
        .device_key(&headers.device_id)
        .await?
        .filter(|d| d.tenant_id == state.tenant_id())
        .ok_or_else(unknown)?;
    let key = signing::parse_public_key(&device.public_key).ok_or_else(unknown)?;
    if !signing::verify(&key, &message, &headers.signature) {
        tracing::warn!(device = %device.id, "refused a device request with a wrong signature");
        return Err(refused(
            ErrorCode::DeviceSignatureInvalid,
            "the request signature does not verify with the device's key",
        ));
    }
    if device.retired_at.is_some() {
        return Err(refused(
            ErrorCode::DeviceRetired,
            "this device was retired; enroll it again",
        ));
    }
    // Kept as long as a request with this timestamp could be accepted.
    let keep_until = headers.timestamp + DEVICE_SIGNATURE_WINDOW_MS;
    if !state
        .store()
        .use_nonce(&device.id, &headers.nonce, keep_until)
        .await?
    {
        tracing::warn!(device = %device.id, "refused a replayed device request");
        return Err(refused(
            ErrorCode::DeviceReplay,
            "this request was already received (nonce used before)",
        ));
    }
    let mut req = Request::from_parts(parts, Body::from(bytes));
    req.extensions_mut().insert(VerifiedDevice {
        id: device.id,
        tenant_id: device.tenant_id,
        name: device.name,
        primary_user_id: device.primary_user_id,
    });
    Ok(req)
}
