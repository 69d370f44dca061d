//! Every request body is read whole, into one buffer of its own size, before a handler sees it,
//! within `HTTP_BODY_READ_TIMEOUT_SECS` and at most `MAX_REQUEST_BODY_BYTES`.
//!
//! Why: the HTTP layer hands a body over in the pieces it arrived in, and each piece keeps a
//! share of the connection's read buffer (kilobytes) alive. A body collected piece by piece, as
//! extractors do, so held about 4 KB per byte when a client sent it one byte per packet, with
//! no time limit. Copying each piece out at once frees that share, so a body in flight holds
//! about its own size; the deadline frees the connection of a client that never finishes.
//! Paths keep their own, smaller limits (`DefaultBodyLimit`).

use crate::error::{AppError, ErrorCode};
use crate::limits::{HTTP_BODY_READ_TIMEOUT_SECS, MAX_REQUEST_BODY_BYTES};
use axum::body::{Body, HttpBody};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use std::time::Duration;

/// Middleware: reads the body whole, then passes the request on with it.
pub async fn read_whole(req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    if body.is_end_stream() {
        return next.run(Request::from_parts(parts, body)).await;
    }
    let declared = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > MAX_REQUEST_BODY_BYTES) {
        return closing(AppError::TooLarge(MAX_REQUEST_BODY_BYTES).into_response());
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(HTTP_BODY_READ_TIMEOUT_SECS);
    match tokio::time::timeout_at(deadline, collect(body, declared.unwrap_or(0))).await {
        Ok(Ok(bytes)) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Ok(Err(res)) => closing(res),
        Err(_) => closing(timed_out()),
    }
}

/// The body's bytes in one buffer, each piece copied out as it arrives.
async fn collect(body: Body, declared: usize) -> Result<Vec<u8>, Response> {
    let mut buf = Vec::with_capacity(declared);
    let mut pieces = body.into_data_stream();
    while let Some(piece) = pieces.next().await {
        let piece = piece.map_err(|_| {
            AppError::bad_request(
                ErrorCode::BodyUnreadable,
                "the request body could not be read",
            )
            .into_response()
        })?;
        if buf.len() + piece.len() > MAX_REQUEST_BODY_BYTES {
            return Err(AppError::TooLarge(MAX_REQUEST_BODY_BYTES).into_response());
        }
        buf.extend_from_slice(&piece);
    }
    Ok(buf)
}

/// 408: the body did not arrive in time.
fn timed_out() -> Response {
    let body = crate::error::ErrorBody::new(
        "body_timeout",
        format!("the request body did not arrive within {HTTP_BODY_READ_TIMEOUT_SECS} s"),
    );
    (StatusCode::REQUEST_TIMEOUT, axum::Json(body)).into_response()
}

/// The connection is closed after this answer: the rest of the body is not read.
fn closing(mut res: Response) -> Response {
    res.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    res
}
