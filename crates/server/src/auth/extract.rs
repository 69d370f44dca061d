//! Request extractors: the client address, and the authenticated caller with their access.

use crate::access::Access;
use crate::error::AppError;
use crate::secrets::hash_token;
use crate::state::AppState;
use crate::store::users::User;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Method, header};
use std::net::{IpAddr, SocketAddr};

/// Name of the sign-in cookie.
pub const SESSION_COOKIE: &str = "assist_session";

/// The client's address (from the socket, or `X-Forwarded-For` when configured to trust it).
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// The address as text, for logs and rate-limit keys.
    pub fn text(&self) -> String {
        self.0
            .map(|a| a.to_string())
            .unwrap_or_else(|| "unknown".into())
    }
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        Ok(client_addr(parts, state))
    }
}

fn client_addr(parts: &Parts, state: &AppState) -> ClientAddr {
    if state.config.trust_forwarded_for
        && let Some(v) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
        && let Some(ip) = v.split(',').next().and_then(|s| s.trim().parse().ok())
    {
        return ClientAddr(Some(ip));
    }
    ClientAddr(
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip()),
    )
}

/// How the caller proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Via {
    Cookie,
    Bearer,
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Authed {
    pub user: User,
    pub access: Access,
    /// A second factor was used at sign-in.
    pub second_factor: bool,
    pub via: Via,
    pub addr: ClientAddr,
    /// The hash of the cookie or bearer token presented: live connections remember it, so that
    /// ending that sign-in or token closes them (`sessions::revoke`).
    pub credential: String,
}

/// The secret presented by the request: the bearer token or the cookie.
pub fn presented_secret(parts: &Parts) -> Option<(Via, String)> {
    if let Some(auth) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let (scheme, token) = auth.split_once(' ')?;
        if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() {
            return Some((Via::Bearer, token.trim().to_owned()));
        }
        return None;
    }
    cookie(parts, SESSION_COOKIE).map(|c| (Via::Cookie, c))
}

/// A cookie's value.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|h| {
            h.split(';').find_map(|kv| {
                let (k, v) = kv.trim().split_once('=')?;
                (k == name && !v.is_empty()).then(|| v.to_owned())
            })
        })
}

/// Cross-site request forgery guard for cookie-authenticated changes: a browser always sends
/// `Origin` (or `Sec-Fetch-Site`) on such requests; it must name this site.
pub fn same_origin(parts: &Parts) -> bool {
    if let Some(site) = parts
        .headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
    {
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = parts
        .headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return true; // not a browser: no ambient credentials to abuse
    };
    let host = parts
        .headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .map(|(_, rest)| rest == host)
        .unwrap_or(false)
}

impl FromRequestParts<AppState> for Authed {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if let Some(a) = parts.extensions.get::<Authed>() {
            return Ok(a.clone());
        }
        let (via, secret) = presented_secret(parts).ok_or(AppError::Unauthenticated)?;
        let hash = hash_token(&secret);
        let cred = match via {
            Via::Cookie => state.store.web_session(&hash).await?,
            Via::Bearer => state.store.api_token(&hash).await?,
        }
        .ok_or(AppError::Unauthenticated)?;
        let user = state
            .store
            .user_by_id(&cred.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if user.disabled || user.tenant_id != state.tenant_id {
            return Err(AppError::Unauthenticated);
        }
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if via == Via::Cookie && unsafe_method && !same_origin(parts) {
            return Err(AppError::forbidden(
                "cross_site_request",
                "cross-site requests are refused",
            ));
        }
        let access = state.store.access_of(&user.id).await?;
        let authed = Authed {
            user,
            access,
            second_factor: cred.second_factor,
            via,
            addr: client_addr(parts, state),
            credential: hash,
        };
        parts.extensions.insert(authed.clone());
        Ok(authed)
    }
}
