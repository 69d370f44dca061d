//! The admin center `/admin/...`: one page per area. The server renders the frame, headings,
//! forms and table headers; `admin/*.mjs` fill the tables from the JSON API and send changes to it
//! (same origin, the cookie). Each area checks the caller's permission here, before rendering.

use super::{NavItem, Page, Visitor, render};
use crate::access::Permission;
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

/// One area of the admin center.
#[derive(Debug)]
pub struct Section {
    /// The path segment after `/admin/`.
    pub slug: &'static str,
    /// The message of its name.
    pub key: &'static str,
    /// Any of these permissions opens it.
    pub perms: &'static [Permission],
    /// Whether the area has a detail page `/admin/{slug}/{id}`.
    pub detail: bool,
}

/// The areas, in navigation order.
pub const SECTIONS: [Section; 11] = [
    Section {
        slug: "users",
        key: "admin-users",
        perms: &[Permission::ManageUsers],
        detail: true,
    },
    Section {
        slug: "groups",
        key: "admin-groups",
        perms: &[Permission::ManageGroups],
        detail: true,
    },
    Section {
        slug: "roles",
        key: "admin-roles",
        perms: &[Permission::ManageRoles],
        detail: false,
    },
    Section {
        slug: "settings",
        key: "admin-settings",
        perms: &[Permission::ManageSettings],
        detail: false,
    },
    Section {
        slug: "domains",
        key: "admin-domains",
        perms: &[Permission::ManageDomains],
        detail: false,
    },
    Section {
        slug: "compliance",
        key: "admin-compliance",
        perms: &[Permission::ManageCompliance],
        detail: false,
    },
    Section {
        slug: "conditional-access",
        key: "admin-conditional-access",
        perms: &[Permission::ManageConditionalAccess],
        detail: false,
    },
    Section {
        slug: "enrollment",
        key: "admin-enrollment",
        perms: &[Permission::ManageEnrollment],
        detail: false,
    },
    Section {
        slug: "devices",
        key: "admin-devices",
        perms: &[Permission::ManageDevices, Permission::Offer],
        detail: true,
    },
    Section {
        slug: "reports",
        key: "admin-reports",
        perms: &[Permission::ReadReports],
        detail: false,
    },
    Section {
        slug: "audit",
        key: "admin-audit",
        perms: &[Permission::ReadAudit],
        detail: false,
    },
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(home))
        .route("/admin/", get(home))
        .route("/admin/{slug}", get(section))
        .route("/admin/{slug}/{id}", get(detail))
}

#[derive(Template)]
#[template(path = "admin/section.html")]
struct AdminPage {
    page: Page,
    sections: Vec<NavItem>,
    /// The area's slug (which part of the template to show).
    slug: &'static str,
    /// The id of the item a detail page shows.
    id: Option<String>,
}

impl AdminPage {
    fn is(&self, slug: &str) -> bool {
        self.slug == slug
    }
}

fn allowed(v: &Visitor) -> Vec<&'static Section> {
    let Some(who) = &v.authed else {
        return Vec::new();
    };
    SECTIONS
        .iter()
        .filter(|s| s.perms.iter().any(|p| who.access.has(*p)))
        .collect()
}

/// `/admin`: the first area the caller may open.
async fn home(v: Visitor) -> Response {
    if let Err(r) = v.require() {
        return r;
    }
    match allowed(&v).first() {
        Some(s) => Redirect::to(&format!("/admin/{}", s.slug)).into_response(),
        None => v.message_page(
            axum::http::StatusCode::FORBIDDEN,
            "error-forbidden-title",
            "error-forbidden-body",
        ),
    }
}

async fn section(v: Visitor, Path(slug): Path<String>) -> Response {
    show(v, &slug, None)
}

async fn detail(v: Visitor, Path((slug, id)): Path<(String, String)>) -> Response {
    if id.is_empty() || id.len() > 100 || id.chars().any(|c| c.is_control()) {
        return v.error_page(&crate::error::AppError::NotFound("page"));
    }
    show(v, &slug, Some(id))
}

fn show(v: Visitor, slug: &str, id: Option<String>) -> Response {
    let Some(s) = SECTIONS
        .iter()
        .find(|s| s.slug == slug && (id.is_none() || s.detail))
    else {
        return v.error_page(&crate::error::AppError::NotFound("page"));
    };
    if let Err(r) = v.require_any(s.perms) {
        return r;
    }
    let tr = v.tr();
    let sections = allowed(&v)
        .into_iter()
        .map(|x| NavItem {
            href: format!("/admin/{}", x.slug),
            label: tr.t(x.key),
            current: x.slug == s.slug,
        })
        .collect();
    let title = if id.is_some() {
        format!("{}-detail", s.key)
    } else {
        s.key.to_owned()
    };
    render(&AdminPage {
        page: v.page(&title).in_section("admin"),
        sections,
        slug: s.slug,
        id,
    })
}
