//! The one place where errors become HTTP answers: `{"error": {"code", "message", "request_id"}}`
//! with the right status. Handlers return `Result<T, AppError>`; storage errors are logged and never leak details.

use axum::Json;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

pub mod code;

pub use code::ErrorCode;

/// An error as the API reports it.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: the request is malformed or a field is invalid.
    #[error("{message}")]
    BadRequest { code: ErrorCode, message: String },
    /// 401: no valid credentials.
    #[error("sign in first")]
    Unauthenticated,
    /// 401 with a specific code (wrong password, second factor needed...).
    #[error("{message}")]
    AuthFailed { code: ErrorCode, message: String },
    /// 403: signed in, but not allowed.
    #[error("{message}")]
    Forbidden { code: ErrorCode, message: String },
    /// 404: not found (also what a non-participant sees of a session).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 409: conflicts with the current state (duplicate, illegal transition).
    #[error("{message}")]
    Conflict { code: ErrorCode, message: String },
    /// 410: gone (expired code or session).
    #[error("{message}")]
    Gone { code: ErrorCode, message: String },
    /// 413: body too large.
    #[error("request body is larger than {0} bytes")]
    TooLarge(usize),
    /// 415: unsupported media type.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 429: rate limited; retry after that many seconds.
    #[error("too many attempts; retry in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// 502: a service this server depends on (an identity provider) failed or answered wrongly.
    #[error("{message}")]
    Upstream { code: ErrorCode, message: String },
    /// 503: the database cannot be reached now (down, restarting, every connection busy past
    /// the pool's wait); the client may try again shortly (`Retry-After`).
    #[error("the database is unavailable; try again in a moment")]
    Unavailable(#[source] sqlx::Error),
    /// 500: a fault of the server (never caused by client input).
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

/// The JSON body of every error answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// `code` is stable and machine-readable; `message` is for people; `request_id` is the id of the
/// request (as in its `x-request-id` answer header) that the server's log lines carry.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl ErrorBody {
    /// The body of an error answered outside `AppError`, with the current request's id.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: code.into(),
                message: message.into(),
                request_id: crate::request_id::current(),
            },
        }
    }
}

impl AppError {
    pub fn bad_request(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::BadRequest {
            code,
            message: message.into(),
        }
    }
    pub fn forbidden(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Forbidden {
            code,
            message: message.into(),
        }
    }
    pub fn conflict(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }
    pub fn gone(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::Gone {
            code,
            message: message.into(),
        }
    }
    pub fn auth_failed(code: ErrorCode, message: impl Into<String>) -> Self {
        Self::AuthFailed {
            code,
            message: message.into(),
        }
    }

    /// HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthenticated | Self::AuthFailed { .. } => StatusCode::UNAUTHORIZED,
            Self::Forbidden { .. } => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Gone { .. } => StatusCode::GONE,
            Self::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Upstream { .. } => StatusCode::BAD_GATEWAY,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable machine-readable code, as clients read it.
    pub fn code(&self) -> &'static str {
        self.error_code().as_str()
    }

    /// Stable machine-readable code.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            Self::BadRequest { code, .. }
            | Self::AuthFailed { code, .. }
            | Self::Forbidden { code, .. }
            | Self::Conflict { code, .. }
            | Self::Gone { code, .. }
            | Self::Upstream { code, .. } => *code,
            Self::Unauthenticated => ErrorCode::Unauthenticated,
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::TooLarge(_) => ErrorCode::BodyTooLarge,
            Self::UnsupportedMediaType(_) => ErrorCode::UnsupportedMediaType,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Unavailable(_) => ErrorCode::DatabaseUnavailable,
            Self::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The JSON body (with the id of the request being served, if any).
    pub fn body(&self) -> ErrorBody {
        ErrorBody::new(self.code(), self.to_string())
    }
}

/// The error code an answer carries, for layers that show errors differently (the single
/// sign-on pages of `web::signin`).
#[derive(Debug, Clone)]
pub struct AnsweredCode(pub ErrorCode);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match &self {
            Self::Internal(e) => tracing::error!(error = ?e, "internal error"),
            Self::Unavailable(e) => tracing::warn!(error = %e, "database unavailable"),
            _ => {}
        }
        let retry_after = match &self {
            Self::RateLimited { retry_after_secs } => Some((*retry_after_secs).max(1)),
            Self::Unavailable(_) => Some(crate::limits::UNAVAILABLE_RETRY_AFTER_SECS),
            _ => None,
        };
        let mut res = (self.status(), Json(self.body())).into_response();
        res.extensions_mut().insert(AnsweredCode(self.error_code()));
        if let Some(secs) = retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        if database_unavailable(&e) {
            Self::Unavailable(e)
        } else {
            Self::Internal(anyhow::Error::new(e).context("database"))
        }
    }
}

/// Whether a database error says the database cannot be reached now, rather than that a
/// statement failed: no connection to be had (refused, lost, pool closed or exhausted past its
/// wait), or PostgreSQL refusing connections (class 08 connection exceptions, shutting down or
/// starting up, too many connections).
fn database_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|c| {
            c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

impl From<JsonRejection> for AppError {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::JsonDataError(e) => Self::BadRequest {
                code: ErrorCode::InvalidBody,
                message: format!("invalid request body: {}", e.body_text()),
            },
            JsonRejection::JsonSyntaxError(e) => Self::BadRequest {
                code: ErrorCode::MalformedJson,
                message: format!("malformed JSON: {}", e.body_text()),
            },
            JsonRejection::MissingJsonContentType(_) => {
                Self::UnsupportedMediaType("expected Content-Type: application/json".into())
            }
            JsonRejection::BytesRejection(e) => {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Self::TooLarge(crate::limits::MAX_JSON_BODY_BYTES)
                } else {
                    Self::bad_request(ErrorCode::UnreadableBody, e.body_text())
                }
            }
            other => Self::bad_request(ErrorCode::InvalidBody, other.body_text()),
        }
    }
}

impl From<PathRejection> for AppError {
    fn from(r: PathRejection) -> Self {
        Self::bad_request(ErrorCode::InvalidPath, r.body_text())
    }
}

impl From<QueryRejection> for AppError {
    fn from(r: QueryRejection) -> Self {
        Self::bad_request(ErrorCode::InvalidQuery, r.body_text())
    }
}

/// Shorthand for handler results.
pub type ApiResult<T> = Result<T, AppError>;
