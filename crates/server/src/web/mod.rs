//! Web pages: rendered on the server from templates compiled into the binary (`web/templates/`,
//! askama), with small ES modules (`web/static/`) that call the JSON API with `fetch` for what must
//! run in the browser. Every string comes from Fluent (`i18n`).
//!
//! - `Visitor`: the extractor every page takes: the language, the signed-in user if any, the path.
//! - `Page`: what the base layout needs (title, language, direction, navigation, picker).
//! - `require` / `require_any`: redirect to `/signin?next=...`, or a 403 page.
//! - `assets`: `/static/...`; `i18n`: languages and `/i18n/{lang}.json` for scripts.
//!
//! Other page modules add their routes in `router()` below.

pub mod admin;
pub mod assets;
pub mod i18n;
pub mod live;
pub mod signin;

use crate::access::Permission;
use crate::auth::Authed;
use crate::error::{AppError, ErrorCode};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use i18n::{LANG_COOKIE, LANGUAGES, Lang, Tr};

/// The page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/static/{*path}", get(assets::serve))
        .route(
            "/favicon.ico",
            get(|headers: axum::http::HeaderMap| {
                assets::serve(Path("favicon.ico".to_owned()), headers)
            }),
        )
        .route("/i18n/{file}", get(strings))
        .route("/lang", post(set_language))
        .merge(signin::router())
        .merge(admin::router())
        .merge(live::router())
}

/// Who is asking for a page, in which language, for which path.
#[derive(Debug, Clone)]
pub struct Visitor {
    pub lang: Lang,
    pub authed: Option<Authed>,
    /// Path and query of this request (for "come back here" links).
    pub path: String,
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let lang = language_of(parts);
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        let authed = match Authed::from_request_parts(parts, state).await {
            Ok(a) => Some(a),
            Err(AppError::Unauthenticated) => None,
            Err(e) => {
                let v = Visitor {
                    lang,
                    authed: None,
                    path,
                };
                return Err(v.error_page(&e));
            }
        };
        Ok(Visitor { lang, authed, path })
    }
}

/// The language of a request: the `lang` cookie, else `Accept-Language`, else English.
pub fn language_of(parts: &Parts) -> Lang {
    crate::auth::extract::cookie(parts, LANG_COOKIE)
        .and_then(|c| Lang::exact(&c))
        .or_else(|| {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or(Lang::EN)
}

impl Visitor {
    /// The translator for this visitor's language.
    pub fn tr(&self) -> Tr {
        Tr::new(self.lang)
    }

    /// The signed-in caller, or a redirect to the sign-in page that comes back here.
    // The answer is the page to send as it is; handlers return it at once.
    #[allow(clippy::result_large_err)]
    pub fn require(&self) -> Result<&Authed, Response> {
        self.authed
            .as_ref()
            .ok_or_else(|| Redirect::to(&signin_url(&self.path)).into_response())
    }

    /// The signed-in caller holding at least one of `perms`, or a redirect or a 403 page.
    // The answer is the page to send as it is; handlers return it at once.
    #[allow(clippy::result_large_err)]
    pub fn require_any(&self, perms: &[Permission]) -> Result<&Authed, Response> {
        let who = self.require()?;
        if perms.iter().any(|p| who.access.has(*p)) {
            Ok(who)
        } else {
            Err(self.message_page(
                StatusCode::FORBIDDEN,
                "error-forbidden-title",
                "error-forbidden-body",
            ))
        }
    }

    /// The base layout's data for a page titled by the message `title_key`.
    pub fn page(&self, title_key: &str) -> Page {
        let tr = self.tr();
        Page {
            title: tr.t(title_key),
            tr,
            path: self.path.clone(),
            user_name: self.authed.as_ref().map(|a| {
                if a.user.full_name.trim().is_empty() {
                    a.user.email.clone()
                } else {
                    a.user.full_name.clone()
                }
            }),
            permissions: self
                .authed
                .as_ref()
                .map(|a| a.access.permissions().into_iter().collect())
                .unwrap_or_default(),
            section: String::new(),
        }
    }

    /// A page with a heading and one paragraph, with the given status.
    pub fn message_page(&self, status: StatusCode, title_key: &str, body_key: &str) -> Response {
        let page = self.page(title_key);
        let body = page.t(body_key);
        let mut res = render(&MessagePage { page, body });
        *res.status_mut() = status;
        res
    }

    /// An error as a page (a storage fault is logged by `AppError` and shown as a plain 500).
    pub fn error_page(&self, e: &AppError) -> Response {
        match e {
            AppError::Unauthenticated => Redirect::to(&signin_url(&self.path)).into_response(),
            AppError::Forbidden { .. } => self.message_page(
                StatusCode::FORBIDDEN,
                "error-forbidden-title",
                "error-forbidden-body",
            ),
            AppError::NotFound(_) => self.message_page(
                StatusCode::NOT_FOUND,
                "error-not-found-title",
                "error-not-found-body",
            ),
            AppError::Internal(err) => {
                tracing::error!(error = %err, "page failed");
                self.message_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-internal-title",
                    "error-internal-body",
                )
            }
            other => self.message_page(other.status(), "error-other-title", "error-other-body"),
        }
    }
}

/// `/signin?next=PATH` for coming back to `path`.
pub fn signin_url(path: &str) -> String {
    format!("/signin?next={}", url_encode(path))
}

/// Percent-encodes everything but unreserved characters and `/`.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub use crate::validate::safe_next;

/// Renders a template as an HTML answer (a template error is a fault of the server).
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => {
            let mut res = Html(html).into_response();
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

/// One entry of a navigation list.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: String,
    pub label: String,
    pub current: bool,
}

/// One choice of the language picker.
#[derive(Debug, Clone)]
pub struct LangChoice {
    pub code: &'static str,
    pub name: &'static str,
    pub selected: bool,
}

/// What the base layout (`base.html`) needs. Templates embed it as the field `page`.
#[derive(Debug, Clone)]
pub struct Page {
    pub title: String,
    pub tr: Tr,
    pub path: String,
    pub user_name: Option<String>,
    pub permissions: Vec<Permission>,
    /// The current top-level area (`console`, `admin`...), marked in the navigation.
    pub section: String,
}

impl Page {
    /// A message without variables.
    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }
    /// A message with one variable.
    pub fn t1(&self, key: &str, name: &str, value: &str) -> String {
        self.tr.t1(key, name, value)
    }
    pub fn lang(&self) -> &'static str {
        self.tr.lang.code()
    }
    pub fn dir(&self) -> &'static str {
        self.tr.lang.dir()
    }
    pub fn has(&self, p: Permission) -> bool {
        self.permissions.contains(&p)
    }
    /// Marks the current area of the navigation.
    pub fn in_section(mut self, section: &str) -> Self {
        self.section = section.to_owned();
        self
    }
    pub fn languages(&self) -> Vec<LangChoice> {
        LANGUAGES
            .iter()
            .map(|(code, name)| LangChoice {
                code,
                name,
                selected: *code == self.lang(),
            })
            .collect()
    }
    /// The main navigation for what the user may do.
    pub fn nav(&self) -> Vec<NavItem> {
        let mut items = Vec::new();
        if self.user_name.is_none() {
            return items;
        }
        let mut add = |href: &str, key: &str, section: &str| {
            items.push(NavItem {
                href: href.to_owned(),
                label: self.tr.t(key),
                current: self.section == section,
            })
        };
        if self.has(Permission::Offer) {
            add("/", "nav-console", "console");
        }
        add("/rh", "nav-get-help", "rh");
        // The admin center is for people who manage something. A helper reaches only the device
        // list there (to help a device without a code): the menu calls that "Devices".
        let manages = admin::SECTIONS.iter().any(|s| {
            s.perms
                .iter()
                .any(|p| *p != Permission::Offer && self.has(*p))
        });
        if manages {
            add("/admin", "nav-admin", "admin");
        } else if self.has(Permission::Offer) {
            add("/admin/devices", "admin-devices", "admin");
        }
        items
    }
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    page: Page,
    body: String,
}

/// `GET /i18n/{lang}.json`: every message of a language for page scripts (variables as `{name}`).
async fn strings(Path(file): Path<String>) -> Response {
    let Some(lang) = file.strip_suffix(".json").and_then(Lang::exact) else {
        return AppError::NotFound("language").into_response();
    };
    let mut res = axum::Json(Tr::new(lang).all_for_scripts()).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    res
}

#[derive(Debug, serde::Deserialize)]
struct LangForm {
    lang: String,
    next: Option<String>,
}

/// `POST /lang` from the picker: remembers the language in a cookie and goes back.
async fn set_language(
    axum::extract::State(state): axum::extract::State<AppState>,
    parts: Parts,
    axum::Form(form): axum::Form<LangForm>,
) -> Result<Response, AppError> {
    if !crate::origin::same_origin(&parts.headers, &state.config) {
        return Err(AppError::forbidden(
            ErrorCode::CrossSiteRequest,
            "cross-site requests are refused",
        ));
    }
    let lang = Lang::exact(&form.lang)
        .ok_or_else(|| AppError::bad_request(ErrorCode::InvalidField, "unknown language"))?;
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax",
        lang.code()
    );
    let mut res = Redirect::to(&safe_next(form.next.as_deref())).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/admin/users?q=a")), "/admin/users?q=a");
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "",
            "/a\nb",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn signin_url_encodes_the_path() {
        assert_eq!(
            signin_url("/admin/users?q=a b&x=1"),
            "/signin?next=/admin/users%3Fq%3Da%20b%26x%3D1"
        );
    }

    #[test]
    fn static_content_types() {
        assert_eq!(
            assets::content_type("js/app.mjs"),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            assets::content_type("css/app.css"),
            "text/css; charset=utf-8"
        );
        assert_eq!(assets::content_type("x"), "application/octet-stream");
    }
}
