//! The sign-in page (`/signin`: local account with second factor, single sign-on button) and
//! sign-out (`POST /signout`). The form posts to `/api/auth/login` from `signin.mjs`.

use super::{Page, Visitor, render, safe_next};
use crate::audit;
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
        sso_label: sso_label.map(|label| page.t1("signin-with", "provider", &label)),
        page,
        next,
    })
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
        if let Err(e) = state.store.delete_web_session(&hash_token(&token)).await {
            return v.error_page(&AppError::from(e));
        }
        if let Some(who) = &v.authed
            && let Err(e) = audit::by(
                &state,
                who,
                "auth.sign_out",
                None,
                serde_json::json!({"via": "page"}),
            )
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
