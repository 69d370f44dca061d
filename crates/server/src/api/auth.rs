//! Sign-in with a local account, sign-out, and who am I.

use super::Json;
use crate::access::Permission;
use crate::audit;
use crate::audit::action::Action;
use crate::auth::extract::Via;
use crate::auth::{Authed, ClientAddr, SESSION_COOKIE, password};
use crate::clock::now_ms;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::*;
use crate::ratelimit::{Attempt, Limit};
use crate::secrets::{hash_token, new_token};
use crate::state::AppState;
use crate::store::users::User;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;
use std::time::Duration;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
}

/// Sign-in with a local account: one definition with the agent.
pub use assist_proto::api::LoginRequest;

/// The signed-in user, what they may do, and how they signed in.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Me {
    pub user: User,
    pub permissions: Vec<Permission>,
    pub second_factor: bool,
}

const ACCOUNT_LIMIT: Limit = Limit {
    max: LOGIN_FAILURES_PER_ACCOUNT,
    window: Duration::from_secs(LOGIN_WINDOW_SECS),
};
const KNOWN_ADDRESS_LIMIT: Limit = Limit {
    max: LOGIN_FAILURES_PER_KNOWN_ADDRESS,
    window: Duration::from_secs(LOGIN_WINDOW_SECS),
};
const ADDRESS_LIMIT: Limit = Limit {
    max: LOGIN_FAILURES_PER_ADDRESS,
    window: Duration::from_secs(LOGIN_WINDOW_SECS),
};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// Gives back the attempts of a sign-in whose credentials were right.
async fn give_back(state: &AppState, attempts: [Attempt; 2]) {
    for a in attempts {
        state.limiter.give_back(a).await;
    }
}

/// The `Set-Cookie` value for a sign-in session.
pub fn session_cookie(state: &AppState, token: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let v = format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    );
    // Tokens are URL-safe base64, so the header value is always valid ASCII.
    HeaderValue::from_str(&v).expect("cookie is ASCII")
}

/// Opens a sign-in session for `user` and answers with the cookie set.
pub async fn start_session(
    state: &AppState,
    user: &User,
    second_factor: bool,
    addr: ClientAddr,
) -> ApiResult<Response> {
    let token = new_token("s_");
    state
        .store
        .create_web_session(
            &hash_token(&token),
            &user.id,
            second_factor,
            addr.0.map(|a| a.to_string()).as_deref(),
            WEB_SESSION_TTL_MS,
        )
        .await?;
    let access = state.store.access_of(&user.id).await?;
    let me = Me {
        user: user.clone(),
        permissions: access.permissions().into_iter().collect(),
        second_factor,
    };
    let mut res = axum::Json(me).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(state, &token, WEB_SESSION_TTL_MS / 1000),
    );
    Ok(res)
}

#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = Me, description = "Signed in; the session cookie is set"),
              (status = 401, body = crate::error::ErrorBody), (status = 429, body = crate::error::ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    addr: ClientAddr,
    Json(req): Json<LoginRequest>,
) -> ApiResult<Response> {
    let email = req.email.trim().to_lowercase();
    if email.len() > MAX_EMAIL_CHARS || req.password.len() > MAX_PASSWORD_CHARS {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            "email or password too long",
        ));
    }
    // Each attempt is reserved before the password is checked, per address and per account,
    // and given back when the credentials were right (docs/access.md, "Attempt limits and lockouts").
    let address = addr.network();
    let address_attempt = match state
        .limiter
        .reserve(&format!("login:addr:{address}"), ADDRESS_LIMIT)
        .await?
    {
        Ok(a) => a,
        Err(r) => {
            return Err(
                audit::rate_limited(&state, &email, None, addr, "sign_in_address", r).await,
            );
        }
    };
    let user = state.store.user_by_email(&state.tenant_id, &email).await?;
    let user_id = user.as_ref().map(|u| u.id.clone());
    // From an address the account signed in from before, failures elsewhere do not count: the
    // owner is not locked out by strangers. Guesses from there have a counter of their own.
    let known = match (&user, addr.0) {
        (Some(u), Some(_)) => {
            let since = now_ms() - KNOWN_ADDRESS_DAYS * DAY_MS;
            state.store.is_known_address(&u.id, &address, since).await?
        }
        _ => false,
    };
    let (account_key, account_limit, limit_name) = if known {
        (
            format!("login:acct:{email}:{address}"),
            KNOWN_ADDRESS_LIMIT,
            "sign_in_account_known_address",
        )
    } else {
        (
            format!("login:acct:{email}"),
            ACCOUNT_LIMIT,
            "sign_in_account",
        )
    };
    let account_attempt = match state.limiter.reserve(&account_key, account_limit).await? {
        Ok(a) => a,
        Err(r) => {
            // Not evaluated: the attempt does not count against the address either.
            state.limiter.give_back(address_attempt).await;
            let id = user_id.as_deref();
            return Err(audit::rate_limited(&state, &email, id, addr, limit_name, r).await);
        }
    };
    let (hash, totp_secret) = match &user {
        Some(u) => state.store.credentials(&u.id).await?,
        None => (None, None),
    };
    let password_ok = password::verify_async(req.password.clone(), hash).await;
    let user = match user {
        Some(u) if password_ok && !u.disabled => u,
        other => {
            // The reserved attempts stay counted: they are the failures.
            let id = other.as_ref().map(|u| u.id.as_str());
            audit::anonymous(
                &state,
                &email,
                id,
                addr,
                Action::AuthSignInFailed,
                json!({"reason": "bad_credentials"}),
            )
            .await?;
            return Err(AppError::auth_failed(
                ErrorCode::BadCredentials,
                "wrong email or password",
            ));
        }
    };
    let attempts = [address_attempt, account_attempt];
    let mut second_factor = false;
    let mut second_factor_method = None;
    if user.totp_enabled {
        let Some(code) = req.totp.as_deref().filter(|c| !c.trim().is_empty()) else {
            // The password was right: asking for the code is no failure.
            give_back(&state, attempts).await;
            return Err(AppError::auth_failed(
                ErrorCode::SecondFactorRequired,
                "enter the code from your authenticator app",
            ));
        };
        // A current authenticator code (each once), or else an unused recovery code.
        let used = match totp_secret.as_deref() {
            Some(secret) => {
                super::second_factor::verify_code(&state, &user.id, secret, code).await?
            }
            None => None,
        };
        let Some(used) = used else {
            audit::anonymous(
                &state,
                &email,
                Some(&user.id),
                addr,
                Action::AuthSignInFailed,
                json!({"reason": "bad_second_factor"}),
            )
            .await?;
            return Err(AppError::auth_failed(
                ErrorCode::BadSecondFactor,
                "the authenticator code is wrong or expired",
            ));
        };
        second_factor = true;
        second_factor_method = Some(used.as_str());
    }
    // The right credentials: the attempts do not count (the failures before them still do).
    give_back(&state, attempts).await;
    if let Err(e) =
        crate::access::conditional::enforce_sign_in(&state, &user, second_factor, addr).await
    {
        audit::anonymous(
            &state,
            &email,
            Some(&user.id),
            addr,
            Action::AuthSignInFailed,
            json!({"reason": e.code(), "method": "password"}),
        )
        .await?;
        return Err(e);
    }
    audit::anonymous(
        &state,
        &email,
        Some(&user.id),
        addr,
        Action::AuthSignIn,
        json!({"method": "password", "second_factor": second_factor,
            "second_factor_method": second_factor_method}),
    )
    .await?;
    if addr.0.is_some() {
        let now = now_ms();
        state
            .store
            .remember_address(
                &user.id,
                &address,
                now,
                now - KNOWN_ADDRESS_DAYS * DAY_MS,
                MAX_KNOWN_ADDRESSES_PER_ACCOUNT,
            )
            .await?;
    }
    start_session(&state, &user, second_factor, addr).await
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out; the cookie is cleared"), (status = 401, body = crate::error::ErrorBody)))]
async fn logout(
    State(state): State<AppState>,
    who: Authed,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let entry = audit::entry(&who, Action::AuthSignOut, None, json!({}));
    let cookie = (who.via == Via::Cookie)
        .then(|| {
            let mut parts = axum::http::Request::new(()).into_parts().0;
            parts.headers = headers;
            crate::auth::extract::cookie(&parts, SESSION_COOKIE)
        })
        .flatten();
    // The sign-in session ends together with its audit entry.
    match cookie {
        Some(token) => {
            state
                .store
                .delete_web_session(&state.tenant_id, &hash_token(&token), Some(&entry))
                .await?
        }
        None => state.store.audit(&state.tenant_id, &entry).await?,
    }
    if who.via == Via::Cookie {
        crate::sessions::revoke::signed_out(&state, &who.user.id, &who.credential).await?;
    }
    let mut res = StatusCode::NO_CONTENT.into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    Ok(res)
}

#[utoipa::path(get, path = "/api/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
async fn me(who: Authed) -> Json<Me> {
    Json(Me {
        permissions: who.access.permissions().into_iter().collect(),
        second_factor: who.second_factor,
        user: who.user,
    })
}
