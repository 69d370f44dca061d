//! Permissions, built-in roles, and the pure rules that decide who may help whom.

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Every permission a role can hold.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
pub enum Permission {
    /// Start a remote help session at all.
    #[serde(rename = "remote_help.offer")]
    Offer,
    /// Request view-only sessions.
    #[serde(rename = "remote_help.view_screen")]
    ViewScreen,
    /// Request full control of mouse and keyboard.
    #[serde(rename = "remote_help.full_control")]
    FullControl,
    /// Interact with elevated (administrator) prompts on the device.
    #[serde(rename = "remote_help.elevation")]
    Elevation,
    /// Sessions without the sharer's interactive consent (where policy allows).
    #[serde(rename = "remote_help.unattended")]
    Unattended,
    /// Share clipboard text with the sharer, both ways, during a session.
    #[serde(rename = "remote_help.clipboard")]
    Clipboard,
    /// Send files to the sharer and receive files from them during a session.
    #[serde(rename = "remote_help.files")]
    Files,
    #[serde(rename = "admin.users")]
    ManageUsers,
    #[serde(rename = "admin.groups")]
    ManageGroups,
    #[serde(rename = "admin.roles")]
    ManageRoles,
    #[serde(rename = "admin.settings")]
    ManageSettings,
    #[serde(rename = "admin.domains")]
    ManageDomains,
    #[serde(rename = "admin.devices")]
    ManageDevices,
    #[serde(rename = "admin.enrollment")]
    ManageEnrollment,
    #[serde(rename = "admin.compliance")]
    ManageCompliance,
    #[serde(rename = "admin.conditional_access")]
    ManageConditionalAccess,
    #[serde(rename = "admin.audit")]
    ReadAudit,
    #[serde(rename = "admin.reports")]
    ReadReports,
}

impl Permission {
    /// All permissions.
    pub const ALL: [Permission; 18] = [
        Permission::Offer,
        Permission::ViewScreen,
        Permission::FullControl,
        Permission::Elevation,
        Permission::Unattended,
        Permission::Clipboard,
        Permission::Files,
        Permission::ManageUsers,
        Permission::ManageGroups,
        Permission::ManageRoles,
        Permission::ManageSettings,
        Permission::ManageDomains,
        Permission::ManageDevices,
        Permission::ManageEnrollment,
        Permission::ManageCompliance,
        Permission::ManageConditionalAccess,
        Permission::ReadAudit,
        Permission::ReadReports,
    ];

    /// The wire name, e.g. `remote_help.offer`.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::Offer => "remote_help.offer",
            Permission::ViewScreen => "remote_help.view_screen",
            Permission::FullControl => "remote_help.full_control",
            Permission::Elevation => "remote_help.elevation",
            Permission::Unattended => "remote_help.unattended",
            Permission::Clipboard => "remote_help.clipboard",
            Permission::Files => "remote_help.files",
            Permission::ManageUsers => "admin.users",
            Permission::ManageGroups => "admin.groups",
            Permission::ManageRoles => "admin.roles",
            Permission::ManageSettings => "admin.settings",
            Permission::ManageDomains => "admin.domains",
            Permission::ManageDevices => "admin.devices",
            Permission::ManageEnrollment => "admin.enrollment",
            Permission::ManageCompliance => "admin.compliance",
            Permission::ManageConditionalAccess => "admin.conditional_access",
            Permission::ReadAudit => "admin.audit",
            Permission::ReadReports => "admin.reports",
        }
    }

    /// Whether this permission is about helping (scoped) rather than administration (tenant-wide).
    pub fn is_remote_help(self) -> bool {
        matches!(
            self,
            Permission::Offer
                | Permission::ViewScreen
                | Permission::FullControl
                | Permission::Elevation
                | Permission::Unattended
                | Permission::Clipboard
                | Permission::Files
        )
    }
}

/// The built-in roles: (name, description, permissions).
pub fn builtin_roles() -> Vec<(&'static str, &'static str, Vec<Permission>)> {
    vec![
        (
            "Administrator",
            "Every permission, for the whole tenant.",
            Permission::ALL.to_vec(),
        ),
        (
            "Help Desk Operator",
            "Offers remote help with view only or full control, clipboard and files.",
            vec![
                Permission::Offer,
                Permission::ViewScreen,
                Permission::FullControl,
                Permission::Clipboard,
                Permission::Files,
            ],
        ),
        (
            "Read Only Operator",
            "Offers remote help with view only.",
            vec![Permission::Offer, Permission::ViewScreen],
        ),
    ]
}

/// Name of the built-in role that the first administrator holds.
pub const ADMINISTRATOR_ROLE: &str = "Administrator";

/// One role assignment as it applies to a user: the role's permissions and the assignment's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub permissions: BTreeSet<Permission>,
    /// The whole tenant is in scope.
    pub scope_all: bool,
    /// Otherwise: members of these groups are in scope.
    pub scope_groups: BTreeSet<String>,
}

/// Everything a user may do, from all the role assignments that apply to them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    pub grants: Vec<Grant>,
}

impl Access {
    /// Holds the permission anywhere (for administration and for "may offer at all").
    pub fn has(&self, p: Permission) -> bool {
        self.grants.iter().any(|g| g.permissions.contains(&p))
    }

    /// Holds the permission for a target who belongs to `target_groups`.
    pub fn has_for(&self, p: Permission, target_groups: &BTreeSet<String>) -> bool {
        self.grants.iter().any(|g| {
            g.permissions.contains(&p)
                && (g.scope_all || g.scope_groups.iter().any(|s| target_groups.contains(s)))
        })
    }

    /// All permissions held anywhere, sorted.
    pub fn permissions(&self) -> BTreeSet<Permission> {
        self.grants
            .iter()
            .flat_map(|g| g.permissions.iter().copied())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(perms: &[Permission], all: bool, groups: &[&str]) -> Grant {
        Grant {
            permissions: perms.iter().copied().collect(),
            scope_all: all,
            scope_groups: groups.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn names_round_trip_through_serde() {
        for p in Permission::ALL {
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.as_str()));
            assert_eq!(serde_json::from_str::<Permission>(&json).unwrap(), p);
        }
    }

    #[test]
    fn scope_groups_limit_whom_a_helper_may_help() {
        let a = Access {
            grants: vec![grant(
                &[Permission::Offer, Permission::ViewScreen],
                false,
                &["sales"],
            )],
        };
        let sales: BTreeSet<String> = ["sales".to_string()].into();
        let hr: BTreeSet<String> = ["hr".to_string()].into();
        assert!(a.has_for(Permission::ViewScreen, &sales));
        assert!(!a.has_for(Permission::ViewScreen, &hr));
        assert!(!a.has_for(Permission::FullControl, &sales));
        assert!(!a.has_for(Permission::ViewScreen, &BTreeSet::new()));
    }

    #[test]
    fn permissions_do_not_leak_between_assignments() {
        // Control in group A and view in group B must not give control in group B.
        let a = Access {
            grants: vec![
                grant(&[Permission::Offer, Permission::FullControl], false, &["a"]),
                grant(&[Permission::Offer, Permission::ViewScreen], false, &["b"]),
            ],
        };
        let b: BTreeSet<String> = ["b".to_string()].into();
        assert!(a.has_for(Permission::ViewScreen, &b));
        assert!(!a.has_for(Permission::FullControl, &b));
    }

    #[test]
    fn tenant_wide_scope_covers_everyone() {
        let a = Access {
            grants: vec![grant(&[Permission::Offer], true, &[])],
        };
        assert!(a.has_for(Permission::Offer, &BTreeSet::new()));
        assert!(a.has(Permission::Offer));
        assert!(!a.has(Permission::ManageUsers));
    }
}
