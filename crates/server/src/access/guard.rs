//! `Need<P>`: a handler that takes it runs only for a caller holding permission `P`. The
//! permission an endpoint needs is thus written in its signature, in one place.

use super::permissions::Permission;
use crate::auth::{AuthContext, Authed};
use crate::error::{AppError, ErrorCode};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::marker::PhantomData;

/// A type that names one permission.
pub trait PermissionMarker: Send + Sync + 'static {
    const PERMISSION: Permission;
}

/// The authenticated caller, checked to hold `P`.
#[derive(Debug)]
pub struct Need<P: PermissionMarker>(pub Authed, PhantomData<P>);

impl<P: PermissionMarker> std::ops::Deref for Need<P> {
    type Target = Authed;
    fn deref(&self) -> &Authed {
        &self.0
    }
}

impl<S: AuthContext, P: PermissionMarker> FromRequestParts<S> for Need<P> {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        let authed = Authed::from_request_parts(parts, state).await?;
        if !authed.access.has(P::PERMISSION) {
            return Err(AppError::forbidden(
                ErrorCode::PermissionDenied,
                format!("this needs the permission {}", P::PERMISSION.as_str()),
            ));
        }
        Ok(Need(authed, PhantomData))
    }
}

/// Permission marker types, one per permission.
pub mod perm {
    use super::{Permission, PermissionMarker};

    macro_rules! marker {
        ($($name:ident),* $(,)?) => {$(
            #[doc = concat!("Marker for [`Permission::", stringify!($name), "`].")]
            #[derive(Debug)]
            pub struct $name;
            impl PermissionMarker for $name {
                const PERMISSION: Permission = Permission::$name;
            }
        )*};
    }

    marker!(
        Offer,
        ViewScreen,
        FullControl,
        ManageUsers,
        ManageGroups,
        ManageRoles,
        ManageSettings,
        ManageDomains,
        ManageDevices,
        ManageEnrollment,
        ManageCompliance,
        ManageConditionalAccess,
        ReadAudit,
        ReadReports,
    );
}
