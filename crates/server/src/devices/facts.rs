//! What an agent reports: inventory and compliance facts, as sent in enrollment and check-in
//! bodies and kept in the `devices` table. The types are `assist_proto::device`'s, shared with
//! the agent; here are their input checks.

use crate::error::{AppError, ErrorCode};
use crate::limits::{MAX_FACT_NOTE_CHARS, MAX_FACT_NOTES, MAX_INVENTORY_FIELD_CHARS};
use crate::validate;
use std::collections::BTreeMap;

pub use assist_proto::device::{Facts, Report};

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

/// Checks every field of `report`; a bad field is a 400 naming it.
pub fn check(report: &Report) -> Result<CheckedReport, AppError> {
    let name = validate::name("name", &report.name)?;
    if report.facts.notes.len() > MAX_FACT_NOTES {
        return Err(AppError::bad_request(
            ErrorCode::InvalidField,
            format!("facts.notes has more than {MAX_FACT_NOTES} entries"),
        ));
    }
    let mut notes = BTreeMap::new();
    for (k, v) in &report.facts.notes {
        let k = validate::name("facts.notes key", k)?;
        let v = validate::optional_text("facts.notes", Some(v), MAX_FACT_NOTE_CHARS)?
            .unwrap_or_default();
        notes.insert(k, v);
    }
    let last_boot = match report.last_boot {
        Some(t) if !(0..=crate::limits::MAX_TIMESTAMP_MS).contains(&t) => {
            return Err(AppError::bad_request(
                ErrorCode::InvalidField,
                "last_boot is not a plausible time",
            ));
        }
        t => t,
    };
    Ok(CheckedReport {
        name,
        os_id: field("os_id", report.os_id.as_deref())?.to_lowercase(),
        os_name: field("os_name", report.os_name.as_deref())?,
        os_version: field("os_version", report.os_version.as_deref())?,
        kernel: field("kernel", report.kernel.as_deref())?,
        agent_version: field("agent_version", report.agent_version.as_deref())?,
        primary_user: validate::optional_text(
            "primary_user",
            report.primary_user.as_deref(),
            MAX_INVENTORY_FIELD_CHARS,
        )?,
        last_boot,
        facts: Facts {
            notes,
            ..report.facts.clone()
        },
    })
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
        let c = check(&r).unwrap();
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
            assert!(check(&r).is_err(), "{r:?}");
        }
    }

    #[test]
    fn unknown_fact_fields_are_refused() {
        assert!(serde_json::from_str::<Facts>(r#"{"disk_encryption": true}"#).is_ok());
        assert!(serde_json::from_str::<Facts>(r#"{"antivirus": true}"#).is_err());
    }
}
