//! What an agent reports: inventory and compliance facts, as sent in enrollment and check-in
//! bodies and kept in the `devices` table. Pure types with their input checks.

use crate::error::AppError;
use crate::limits::{MAX_FACT_NOTE_CHARS, MAX_FACT_NOTES, MAX_INVENTORY_FIELD_CHARS};
use crate::validate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Compliance facts read by the agent from the system. `None`: the agent could not tell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    /// The root filesystem is on an encrypted block device (dm-crypt / LUKS).
    #[serde(default)]
    pub disk_encryption: Option<bool>,
    /// A host firewall is active (nftables, iptables, ufw or firewalld).
    #[serde(default)]
    pub firewall: Option<bool>,
    /// A screen lock is configured for the graphical session.
    #[serde(default)]
    pub screen_lock: Option<bool>,
    /// How each fact was determined, for people (fact name → short explanation).
    #[serde(default)]
    pub notes: BTreeMap<String, String>,
}

/// The inventory and facts of one check-in (also the body of `POST /api/agent/check-in`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The device's host name.
    pub name: String,
    /// `ID` of os-release, e.g. `ubuntu`, `debian`, `fedora`.
    #[serde(default)]
    pub os_id: Option<String>,
    /// `NAME` of os-release, e.g. `Ubuntu`.
    #[serde(default)]
    pub os_name: Option<String>,
    /// `VERSION_ID` of os-release, e.g. `24.04`.
    #[serde(default)]
    pub os_version: Option<String>,
    /// Kernel release, e.g. `6.8.0-45-generic`.
    #[serde(default)]
    pub kernel: Option<String>,
    /// Version of the agent.
    #[serde(default)]
    pub agent_version: Option<String>,
    /// Login name of the device's primary user, as the agent found it.
    #[serde(default)]
    pub primary_user: Option<String>,
    /// Last boot, Unix milliseconds.
    #[serde(default)]
    pub last_boot: Option<i64>,
    /// Compliance facts.
    #[serde(default, deserialize_with = "crate::api::object")]
    pub facts: Facts,
}

/// A report after its checks: trimmed, bounded, free of control characters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckedReport {
    pub name: String,
    pub os_id: String,
    pub os_name: String,
    pub os_version: String,
    pub kernel: String,
    pub agent_version: String,
    pub primary_user: Option<String>,
    pub last_boot: Option<i64>,
    pub facts: Facts,
}

fn field(name: &'static str, v: Option<&str>) -> Result<String, AppError> {
    Ok(validate::optional_text(name, v, MAX_INVENTORY_FIELD_CHARS)?.unwrap_or_default())
}

impl Report {
    /// Checks every field; a bad field is a 400 naming it.
    pub fn check(&self) -> Result<CheckedReport, AppError> {
        let name = validate::name("name", &self.name)?;
        if self.facts.notes.len() > MAX_FACT_NOTES {
            return Err(AppError::bad_request(
                "invalid_field",
                format!("facts.notes has more than {MAX_FACT_NOTES} entries"),
            ));
        }
        let mut notes = BTreeMap::new();
        for (k, v) in &self.facts.notes {
            let k = validate::name("facts.notes key", k)?;
            let v = validate::optional_text("facts.notes", Some(v), MAX_FACT_NOTE_CHARS)?
                .unwrap_or_default();
            notes.insert(k, v);
        }
        let last_boot = match self.last_boot {
            Some(t) if !(0..=crate::limits::MAX_TIMESTAMP_MS).contains(&t) => {
                return Err(AppError::bad_request(
                    "invalid_field",
                    "last_boot is not a plausible time",
                ));
            }
            t => t,
        };
        Ok(CheckedReport {
            name,
            os_id: field("os_id", self.os_id.as_deref())?.to_lowercase(),
            os_name: field("os_name", self.os_name.as_deref())?,
            os_version: field("os_version", self.os_version.as_deref())?,
            kernel: field("kernel", self.kernel.as_deref())?,
            agent_version: field("agent_version", self.agent_version.as_deref())?,
            primary_user: validate::optional_text(
                "primary_user",
                self.primary_user.as_deref(),
                MAX_INVENTORY_FIELD_CHARS,
            )?,
            last_boot,
            facts: Facts {
                notes,
                ..self.facts.clone()
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_are_checked_and_trimmed() {
        let r = Report {
            name: "  laptop-1 ".into(),
            os_id: Some("Ubuntu".into()),
            os_version: Some(" 24.04 ".into()),
            ..Default::default()
        };
        let c = r.check().unwrap();
        assert_eq!(c.name, "laptop-1");
        assert_eq!(c.os_id, "ubuntu");
        assert_eq!(c.os_version, "24.04");
        assert_eq!(c.os_name, "");
    }

    #[test]
    fn bad_reports_are_refused() {
        let bad = [
            Report::default(),
            Report {
                name: "a\u{7}b".into(),
                ..Default::default()
            },
            Report {
                name: "x".into(),
                kernel: Some("k".repeat(MAX_INVENTORY_FIELD_CHARS + 1)),
                ..Default::default()
            },
            Report {
                name: "x".into(),
                last_boot: Some(-1),
                ..Default::default()
            },
            Report {
                name: "x".into(),
                facts: Facts {
                    notes: (0..=MAX_FACT_NOTES)
                        .map(|i| (i.to_string(), "n".into()))
                        .collect(),
                    ..Default::default()
                },
                ..Default::default()
            },
        ];
        for r in bad {
            assert!(r.check().is_err(), "{r:?}");
        }
    }

    #[test]
    fn unknown_fact_fields_are_refused() {
        assert!(serde_json::from_str::<Facts>(r#"{"disk_encryption": true}"#).is_ok());
        assert!(serde_json::from_str::<Facts>(r#"{"antivirus": true}"#).is_err());
    }
}
