//! The sign-in page (`/signin`: local account with second factor, single sign-on button) and
//! sign-out (`POST /signout`). The form posts to `/api/auth/login` from `signin.mjs`.

use super::{Page, Visitor, render, safe_next};
use crate::audit;
use crate::audit::action::Action;
use crate::auth::SESSION_COOKIE;
use crate::auth::extract::cookie;
use crate::error::{AppError, ErrorCode};
use crate::origin::same_origin;
use crate::secrets::hash_token;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/signin", get(signin_page))
        .route("/signout", post(signout))
}

#[derive(Debug, Deserialize)]
struct SigninQuery {
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "signin.html")]
struct SigninPage {
    page: Page,
    next: String,
    /// The single sign-on button's label, when single sign-on is enabled.
    sso_label: Option<String>,
    /// Where the single sign-on button leads: the login, coming back to `next`.
    sso_href: String,
}

async fn signin_page(
    State(state): State<AppState>,
    v: Visitor,
    q: Result<Query<SigninQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let next = safe_next(q.ok().and_then(|q| q.0.next).as_deref());
    if v.authed.is_some() {
        return Redirect::to(&next).into_response();
    }
    let sso_label = match state.store.oidc_settings(&state.tenant_id).await {
        Ok(s) => s.filter(|s| s.enabled).map(|s| s.button_label),
        Err(e) => return v.error_page(&AppError::from(e)),
    };
    let page = v.page("signin-title");
    render(&SigninPage {
        sso_label: sso_label.map(|label| button_text(&page, &label)),
        sso_href: format!("/auth/oidc/login?next={}", super::url_encode(&next)),
        page,
        next,
    })
}

/// The single sign-on button's text: the administrator's label as it is, or (none chosen) the
/// page's own words for it.
fn button_text(page: &Page, label: &str) -> String {
    let label = label.trim();
    if label.is_empty() || label == crate::store::oidc::DEFAULT_BUTTON_LABEL {
        page.t("signin-sso")
    } else {
        label.to_owned()
    }
}

/// A refused single sign-on as a page in the visitor's language, with a way back: a layer over
/// `/auth/oidc/*`. A person's browser lands on those (it asks for HTML first); API clients and the
/// agent's redirects keep the JSON error and every other answer as it is.
pub async fn sso_pages(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if !req.uri().path().starts_with("/auth/oidc/") || !wants_page(req.headers()) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let v = Visitor {
        lang: super::language_of(&parts),
        authed: None,
        path: parts.uri.path().to_owned(),
    };
    let res = next
        .run(axum::extract::Request::from_parts(parts, body))
        .await;
    match res.extensions().get::<crate::error::AnsweredCode>() {
        Some(code) if res.status().is_client_error() || res.status().is_server_error() => {
            sso_refusal(&v, code.0, res.status())
        }
        _ => res,
    }
}

fn sso_refusal(v: &Visitor, code: ErrorCode, status: axum::http::StatusCode) -> Response {
    let key = match code {
        ErrorCode::AccountDisabled => "sso-refused-disabled",
        ErrorCode::OidcDomainNotAllowed => "sso-refused-domain",
        ErrorCode::OidcEmailMissing | ErrorCode::OidcEmailUnverified => "sso-refused-email",
        ErrorCode::OidcProviderError => "sso-refused-provider",
        ErrorCode::OidcInvalidState | ErrorCode::OidcMissingCode => "sso-refused-expired",
        ErrorCode::RateLimited => "sso-refused-rate-limited",
        ErrorCode::SsoNotConfigured => "sso-refused-not-configured",
        _ => "sso-refused-other",
    };
    let mut res = v.message_page(status, "sso-refused-title", key);
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    res
}

/// Whether a request comes from a person's browser navigating (it asks for HTML first).
fn wants_page(headers: &header::HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .is_some_and(|first| first.trim().starts_with("text/html"))
}

/// Ends the sign-in session of the cookie, then shows the sign-in page.
async fn signout(State(state): State<AppState>, v: Visitor, parts: Parts) -> Response {
    if !same_origin(&parts.headers, &state.config) {
        return v.error_page(&AppError::forbidden(
            ErrorCode::CrossSiteRequest,
            "cross-site requests are refused",
        ));
    }
    if let Some(token) = cookie(&parts, SESSION_COOKIE) {
        // The sign-in session ends together with the audit entry of the sign-out.
        let entry = v.authed.as_ref().map(|who| {
            audit::entry(
                who,
                Action::AuthSignOut,
                None,
                serde_json::json!({"via": "page"}),
            )
        });
        if let Err(e) = state
            .store
            .delete_web_session(&state.tenant_id, &hash_token(&token), entry.as_ref())
            .await
        {
            return v.error_page(&AppError::from(e));
        }
    }
    let mut res = Redirect::to("/signin").into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        crate::api::auth::session_cookie(&state, "", 0),
    );
    res
}
