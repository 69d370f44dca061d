//! Request extractors: the client address, and the authenticated caller with their access.

use super::forwarded;
use crate::access::permissions::Access;
use crate::config::Config;
use crate::error::{AppError, ErrorCode};
use crate::secrets::hash_token;
use crate::store::Tenancy;
use crate::store::users::User;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{Method, header};
use std::net::{IpAddr, SocketAddr};

/// Name of the sign-in cookie.
pub const SESSION_COOKIE: &str = "assist_session";

/// The client's address: the socket's peer, or behind trusted proxies the address the nearest
/// of them names in `X-Forwarded-For` (see `forwarded`). Limits, conditional access and the audit
/// log all take it from here.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    /// The address as text, for logs and rate-limit keys.
    pub fn text(&self) -> String {
        self.0
            .map(|a| a.to_string())
            .unwrap_or_else(|| "unknown".into())
    }

    /// The address as rate limits and known sign-in addresses count it: an IPv4 address, or the
    /// /64 network of an IPv6 address (one subscriber or site holds a whole /64, so counting
    /// single IPv6 addresses would give each guesser 2^64 counters).
    pub fn network(&self) -> String {
        match self.0 {
            Some(IpAddr::V6(v6)) => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
            Some(v4) => v4.to_string(),
            None => "unknown".into(),
        }
    }
}

/// What the extractors need of the application: the store, the tenant, and the configuration
/// (trusted proxies, the public origin). The application state implements it.
pub trait AuthContext: Tenancy {
    /// The server's configuration.
    fn config(&self) -> &Config;
}

impl<S: AuthContext> FromRequestParts<S> for ClientAddr {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        Ok(client_addr(parts, state))
    }
}

fn client_addr(parts: &Parts, state: &impl AuthContext) -> ClientAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| forwarded::canonical(c.0.ip()));
    if !state.config().trust_forwarded_for {
        return ClientAddr(peer);
    }
    let lines = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .map(|v| v.to_str().ok());
    // A line that is not text breaks the chain: fall back to the peer.
    let Some(lines) = lines.collect::<Option<Vec<&str>>>() else {
        return ClientAddr(peer);
    };
    ClientAddr(forwarded::client_address(lines, state.config().forwarded_for_hops).or(peer))
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

impl<S: AuthContext> FromRequestParts<S> for Authed {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        if let Some(a) = parts.extensions.get::<Authed>() {
            return Ok(a.clone());
        }
        let (via, secret) = presented_secret(parts).ok_or(AppError::Unauthenticated)?;
        let hash = hash_token(&secret);
        let cred = match via {
            Via::Cookie => state.store().web_session(&hash).await?,
            Via::Bearer => state.store().api_token(&hash).await?,
        }
        .ok_or(AppError::Unauthenticated)?;
        let user = state
            .store()
            .user_by_id(&cred.user_id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if user.disabled || user.tenant_id != state.tenant_id() {
            return Err(AppError::Unauthenticated);
        }
        let unsafe_method = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if via == Via::Cookie
            && unsafe_method
            && !crate::origin::same_origin(&parts.headers, state.config())
        {
            return Err(AppError::forbidden(
                ErrorCode::CrossSiteRequest,
                "cross-site requests are refused",
            ));
        }
        let access = state.store().access_of(&user.id).await?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn networks_count_ipv6_by_its_64() {
        let net = |s: &str| ClientAddr(Some(s.parse().unwrap())).network();
        assert_eq!(net("198.51.100.7"), "198.51.100.7");
        assert_eq!(net("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
        assert_eq!(net("2001:db8:1:2::9"), "2001:db8:1:2::/64");
        assert_eq!(net("::1"), "0:0:0:0::/64");
        assert_eq!(ClientAddr(None).network(), "unknown");
    }
}
