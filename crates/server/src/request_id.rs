//! Request ids, so that one request can be followed through the logs and a client's error report
//! points at its log lines.
//!
//! Every request gets an id: the client's (or the load balancer's) `x-request-id` when it is sane
//! (1 to `MAX_REQUEST_ID_CHARS` letters, digits, `-`, `_`, `.` or `:`), else a fresh one. The id
//! goes back in the `x-request-id` response header, into the request span (so into every log line
//! written while the request is served, see `lib.rs`), and into the `request_id` field of every JSON
//! error body (`error::ErrorBody`), read from a task-local while the request runs.

use crate::limits::MAX_REQUEST_ID_CHARS;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// The header that carries the id, both ways.
pub static HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static CURRENT: String;
}

/// The id of the request being served by this task, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(Clone::clone).ok()
}

/// Whether a client's id may be used as it is: short, and only characters that are safe in a log
/// line and a header.
pub fn sane(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID_CHARS
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// The id of a request with these headers: its own when sane, else a new one.
fn choose(req: &Request) -> String {
    req.headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|id| sane(id))
        .map_or_else(crate::store::new_id, str::to_owned)
}

/// Gives the request its id (in its headers, for the span) and the answer the `x-request-id`
/// header; errors built while it runs carry the id.
pub async fn assign(mut req: Request, next: Next) -> Response {
    let id = choose(&req);
    let value = HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("-"));
    req.headers_mut().insert(HEADER.clone(), value.clone());
    let mut res = CURRENT.scope(id, next.run(req)).await;
    res.headers_mut().insert(HEADER.clone(), value);
    res
}

/// The span of a request: its id, method and path (no query: it may carry secrets).
pub fn span(req: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = req
        .headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        path = %req.uri().path(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_taken() {
        for ok in [
            "a",
            "0f8c1e2d-1111-4a4a-9b9b-000000000000",
            "lb:1.2_3",
            &"x".repeat(MAX_REQUEST_ID_CHARS),
        ] {
            assert!(sane(ok), "{ok:?}");
        }
        for bad in [
            "",
            "a b",
            "a\nb",
            "a\"b",
            "ü",
            "<script>",
            &"x".repeat(MAX_REQUEST_ID_CHARS + 1),
        ] {
            assert!(!sane(bad), "{bad:?}");
        }
    }

    #[tokio::test]
    async fn the_current_id_is_seen_only_inside_the_request() {
        assert_eq!(current(), None);
        let inside = CURRENT.scope("r1".to_owned(), async { current() }).await;
        assert_eq!(inside.as_deref(), Some("r1"));
        assert_eq!(current(), None);
    }
}
