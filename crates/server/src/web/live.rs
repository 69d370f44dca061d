//! The live pages: the helper console `/`, the helper start page `/rhh` (a device that is not
//! enrolled), the helper's session page `/sessions/{id}` and the sharer web app `/rh`.
//!
//! The server renders the frame and every string; the ES modules in `web/static/js/live/` do the
//! rest through the JSON API and the live socket (`docs/protocol.md`). Strings the scripts need
//! travel as `data-*` attributes of `#live-strings` (key `live-K` in `session.ftl` becomes
//! `data-K`), so scripts never build text of their own.

use super::{Page, Visitor, render, signin_url};
use crate::access::Permission;
use crate::sessions::service;
use crate::state::AppState;
use askama::Template;
use assist_proto::session::Role;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(console))
        .route("/rhh", get(start))
        .route("/sessions/{id}", get(session))
        .route("/rh", get(sharer))
}

/// The strings the live scripts look up (see `web/static/js/live/text.mjs`).
const SCRIPT_KEYS: &[&str] = &[
    "state-waiting",
    "state-joined",
    "state-requested",
    "state-active-view",
    "state-active-control",
    "state-denied",
    "state-expired",
    "state-ended",
    "state-name-waiting",
    "state-name-joined",
    "state-name-requested",
    "state-name-active",
    "state-name-denied",
    "state-name-expired",
    "state-name-ended",
    "mode-name-view",
    "mode-name-control",
    "role-helper",
    "role-sharer",
    "sharer-state-joined",
    "sharer-state-requested",
    "sharer-state-active",
    "sharer-online",
    "sharer-left",
    "sharer-lost",
    "sharer-moving",
    "helper-online",
    "helper-left",
    "helper-lost",
    "helper-moving",
    "helper-ended",
    "sharer-ended",
    "you-ended",
    "you-denied",
    "reason-helper_ended",
    "reason-sharer_ended",
    "reason-helper_left",
    "reason-sharer_left",
    "reason-helper_lost",
    "reason-sharer_lost",
    "reason-access_revoked",
    "reason-max_length",
    "connection-lost",
    "chat-you",
    "chat-helper",
    "chat-sharer",
    "chat-disabled",
    "warning-device_not_compliant",
    "warning-device_not_enrolled",
    "warning-sharer_unverified",
    "verified-domain",
    "unverified-domain",
    "copied",
    "copy-failed",
    "request-mode-view",
    "request-mode-control",
    "share-cancelled",
    "control-needs-agent",
    "unattended-allowed",
    "expires-in",
    "error",
    "video-waiting",
    "video-paused",
    "start-error-remote_help_disabled",
    "start-error-unenrolled_not_allowed",
    "start-error-too_many_waiting",
    "start-error-permission_denied",
    "join-error-code_empty",
    "join-error-invalid_code",
    "join-error-not_found",
    "join-error-code_expired",
    "join-error-rate_limited",
    "join-error-own_session",
    "join-error-out_of_scope",
    "join-error-remote_help_disabled",
    "join-error-invalid_transition",
    "join-error-unenrolled_not_allowed",
    "join-error-code_used",
    "offer-offered",
    "offer-declined",
    "offer-offline-never",
    "offer-again",
    "new-code",
    "start-another",
    "summary-mode-view",
    "summary-mode-control",
    "summary-not-started",
    "error-network",
    "error-generic",
    "pause",
    "resume",
    "sharer-paused",
    "sharer-stopped",
    "sharing-paused",
    "sharing-stopped",
    "clipboard-sent",
    "clipboard-copied",
    "clipboard-read-failed",
    "clipboard-write-failed",
    "clipboard-too-long",
];

/// Script strings with one variable: (key, variable). The page holds the text with `{variable}`
/// where the value goes; the script fills it in (`t(key, {variable: value})`).
const SCRIPT_KEYS_WITH_VALUE: &[(&str, &str)] = &[
    ("join-error-rate_limited-wait", "when"),
    ("offer-offline", "when"),
    ("summary-duration", "duration"),
    ("control-taken-back", "name"),
];

/// One script string: the attribute name (without `data-`) and its text.
#[derive(Debug, Clone)]
pub struct ScriptString {
    pub key: &'static str,
    pub text: String,
}

fn script_strings(page: &Page) -> Vec<ScriptString> {
    let plain = SCRIPT_KEYS.iter().map(|key| ScriptString {
        key,
        text: page.t(&format!("live-{key}")),
    });
    let with_value = SCRIPT_KEYS_WITH_VALUE
        .iter()
        .map(|(key, var)| ScriptString {
            key,
            text: page.t1(&format!("live-{key}"), var, &format!("{{{var}}}")),
        });
    plain.chain(with_value).collect()
}

#[derive(Template)]
#[template(path = "live/console.html")]
struct ConsolePage {
    page: Page,
    strings: Vec<ScriptString>,
    can_offer: bool,
}

#[derive(Template)]
#[template(path = "live/start.html")]
struct StartPage {
    page: Page,
    strings: Vec<ScriptString>,
}

#[derive(Template)]
#[template(path = "live/session.html")]
struct SessionPage {
    page: Page,
    strings: Vec<ScriptString>,
    id: String,
}

#[derive(Template)]
#[template(path = "live/sharer.html")]
struct SharerPage {
    page: Page,
    strings: Vec<ScriptString>,
    signed_in: bool,
    signin_link: String,
}

/// `/`: the helper console; someone who may not offer help is sent to the sharer app.
async fn console(v: Visitor) -> Response {
    let who = match v.require() {
        Ok(w) => w,
        Err(r) => return r,
    };
    let can_offer = who.access.has(Permission::Offer);
    if !can_offer && !who.access.has(Permission::ViewScreen) {
        return Redirect::to("/rh").into_response();
    }
    let page = v.page("live-console-title").in_section("console");
    render(&ConsolePage {
        strings: script_strings(&page),
        page,
        can_offer,
    })
}

/// `/rhh`: a new session for a device that is not enrolled.
async fn start(v: Visitor) -> Response {
    if let Err(r) = v.require_any(&[Permission::Offer]) {
        return r;
    }
    let page = v.page("live-start-title").in_section("console");
    render(&StartPage {
        strings: script_strings(&page),
        page,
    })
}

/// `/sessions/{id}`: the helper's side of a session (its sharer is sent to `/rh`).
async fn session(State(state): State<AppState>, v: Visitor, Path(id): Path<String>) -> Response {
    let who = match v.require() {
        Ok(w) => w,
        Err(r) => return r,
    };
    if let Err(e) = crate::validate::id("id", &id) {
        return v.error_page(&e);
    }
    let row = match state.store.session(&state.tenant_id, &id).await {
        Ok(Some(row)) => row,
        Ok(None) => return v.error_page(&crate::error::AppError::NotFound("session")),
        Err(e) => return v.error_page(&crate::error::AppError::from(e)),
    };
    match service::role_of(&row, &who.user.id) {
        Some(Role::Helper) => {}
        Some(Role::Sharer) => return Redirect::to("/rh").into_response(),
        None => return v.error_page(&crate::error::AppError::NotFound("session")),
    }
    let page = v.page("live-session-title").in_section("console");
    render(&SessionPage {
        strings: script_strings(&page),
        page,
        id,
    })
}

/// `/rh`: the sharer web app; `?passcode=` pre-fills the code box (in the script).
async fn sharer(v: Visitor) -> Response {
    let page = v.page("live-sharer-title").in_section("rh");
    render(&SharerPage {
        strings: script_strings(&page),
        signed_in: v.authed.is_some(),
        signin_link: signin_url(&v.path),
        page,
    })
}
