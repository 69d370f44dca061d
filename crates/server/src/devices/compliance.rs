//! Compliance rules and their evaluation: pure code, the caller passes the device, the policies
//! that apply to it and `now`.

use super::facts::Facts;
use crate::error::{AppError, ErrorCode};
use crate::limits::{MAX_CHECK_IN_AGE_DAYS, MAX_MIN_OS_RULES, MAX_NAME_CHARS};
use serde::{Deserialize, Serialize};
use std::cmp::Ordering;

/// `compliance` of a device that passes every policy that applies to it.
pub const COMPLIANT: &str = "compliant";
/// `compliance` of a device that fails at least one rule.
pub const NOT_COMPLIANT: &str = "not_compliant";
/// `compliance` of a device that no enabled policy applies to.
pub const NOT_EVALUATED: &str = "not_evaluated";

/// A minimum OS version for one operating system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MinOsVersion {
    /// The OS it applies to: os-release `ID` (`ubuntu`) or `NAME` (`Ubuntu`), any case.
    pub os: String,
    /// The lowest accepted version, compared part by part: `22.04` < `22.10` < `24.04`.
    pub version: String,
}

/// The rules of one policy. Absent or false rules are not checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Minimum OS versions; a device whose OS is not listed passes this rule.
    #[serde(default, deserialize_with = "crate::validate::objects")]
    pub min_os_versions: Vec<MinOsVersion>,
    /// The root filesystem must be encrypted.
    #[serde(default)]
    pub disk_encryption: bool,
    /// A host firewall must be active.
    #[serde(default)]
    pub firewall: bool,
    /// A screen lock must be configured.
    #[serde(default)]
    pub screen_lock: bool,
    /// The device must have checked in within this many days.
    #[serde(default)]
    pub checked_in_within_days: Option<i64>,
}

impl Rules {
    /// Checks the rules' own values.
    pub fn check(mut self) -> Result<Rules, AppError> {
        let bad = |m: String| AppError::bad_request(ErrorCode::InvalidRules, m);
        if self.min_os_versions.len() > MAX_MIN_OS_RULES {
            return Err(bad(format!(
                "at most {MAX_MIN_OS_RULES} minimum OS versions"
            )));
        }
        for m in &mut self.min_os_versions {
            m.os = m.os.trim().to_owned();
            m.version = m.version.trim().to_owned();
            let ok = |s: &str| {
                !s.is_empty()
                    && s.chars().count() <= MAX_NAME_CHARS
                    && !s.chars().any(char::is_control)
            };
            if !ok(&m.os) || !ok(&m.version) {
                return Err(bad(
                    "each minimum OS version needs an os and a version".into()
                ));
            }
            if !m.version.chars().any(|c| c.is_ascii_digit()) {
                return Err(bad(format!("{:?} is not a version", m.version)));
            }
        }
        if let Some(d) = self.checked_in_within_days
            && !(1..=MAX_CHECK_IN_AGE_DAYS).contains(&d)
        {
            return Err(bad(format!(
                "checked_in_within_days must be 1 to {MAX_CHECK_IN_AGE_DAYS}"
            )));
        }
        Ok(self)
    }

    /// Whether the policy checks anything at all.
    pub fn is_empty(&self) -> bool {
        self == &Rules::default()
    }
}

/// What compliance evaluation looks at on a device.
#[derive(Debug, Clone)]
pub struct DeviceFacts<'a> {
    pub os_id: &'a str,
    pub os_name: &'a str,
    pub os_version: &'a str,
    pub facts: &'a Facts,
    /// Last check-in, Unix ms.
    pub last_check_in: i64,
}

/// A policy as evaluation sees it.
#[derive(Debug, Clone)]
pub struct PolicyRules<'a> {
    pub name: &'a str,
    pub rules: &'a Rules,
}

/// The result: a state and the failing rules, one sentence each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub state: &'static str,
    pub reasons: Vec<String>,
}

const DAY_MS: i64 = 86_400_000;

/// Evaluates `policies` (those enabled and applying to the device) on the device at `now`.
pub fn evaluate(device: &DeviceFacts<'_>, policies: &[PolicyRules<'_>], now: i64) -> Outcome {
    if policies.is_empty() {
        return Outcome {
            state: NOT_EVALUATED,
            reasons: Vec::new(),
        };
    }
    let mut reasons = Vec::new();
    for p in policies {
        for r in failures(device, p.rules, now) {
            reasons.push(format!("{}: {r}", p.name));
        }
    }
    Outcome {
        state: if reasons.is_empty() {
            COMPLIANT
        } else {
            NOT_COMPLIANT
        },
        reasons,
    }
}

/// The failing rules of one policy.
fn failures(d: &DeviceFacts<'_>, rules: &Rules, now: i64) -> Vec<String> {
    let mut out = Vec::new();
    for m in &rules.min_os_versions {
        let applies =
            m.os.eq_ignore_ascii_case(d.os_id) || m.os.eq_ignore_ascii_case(d.os_name.trim());
        if !applies {
            continue;
        }
        if d.os_version.is_empty() {
            out.push(format!(
                "OS version unknown; {} {} or later is required",
                m.os, m.version
            ));
        } else if compare_versions(d.os_version, &m.version) == Ordering::Less {
            out.push(format!(
                "OS version {} is older than the minimum {} {}",
                d.os_version, m.os, m.version
            ));
        }
    }
    let fact = |required: bool, value: Option<bool>, what: &str, no: &str| match (required, value) {
        (false, _) | (true, Some(true)) => None,
        (true, Some(false)) => Some(format!("{what} is required: {no}")),
        (true, None) => Some(format!("{what} is required: the device could not tell")),
    };
    out.extend(fact(
        rules.disk_encryption,
        d.facts.disk_encryption,
        "disk encryption",
        "the root filesystem is not encrypted",
    ));
    out.extend(fact(
        rules.firewall,
        d.facts.firewall,
        "a firewall",
        "no active firewall",
    ));
    out.extend(fact(
        rules.screen_lock,
        d.facts.screen_lock,
        "a screen lock",
        "no screen lock is configured",
    ));
    if let Some(days) = rules.checked_in_within_days {
        let age = now.saturating_sub(d.last_check_in);
        if age > days.saturating_mul(DAY_MS) {
            out.push(format!(
                "last check-in {} days ago; must be within {days} days",
                age / DAY_MS
            ));
        }
    }
    out
}

/// Compares two version strings part by part: runs of digits numerically, other runs as text,
/// separators (`.`, `-`, `_`, `~`, `+`, space) ignored. `22.04` < `22.10` < `24.04`, `9` < `10`.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let (pa, pb) = (parts(a), parts(b));
    for i in 0..pa.len().max(pb.len()) {
        let ord = match (pa.get(i), pb.get(i)) {
            (Some(x), Some(y)) => compare_part(x, y),
            // A missing part counts as zero: `24.04` == `24.04.0`, `24.04` < `24.04.1`.
            (Some(x), None) => compare_part(x, "0"),
            (None, Some(y)) => compare_part("0", y),
            (None, None) => Ordering::Equal,
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

fn parts(v: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut digit = false;
    for (i, c) in v.char_indices() {
        let sep = !c.is_alphanumeric();
        match start {
            Some(s) if sep || c.is_ascii_digit() != digit => {
                out.push(&v[s..i]);
                start = (!sep).then_some(i);
            }
            None if !sep => start = Some(i),
            _ => {}
        }
        digit = c.is_ascii_digit();
    }
    if let Some(s) = start {
        out.push(&v[s..]);
    }
    out
}

fn compare_part(a: &str, b: &str) -> Ordering {
    let num = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    match (num(a), num(b)) {
        (true, true) => {
            let (ta, tb) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
            ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb))
        }
        // Numbers sort after words: `1.0rc1` < `1.0.1`.
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.to_lowercase().cmp(&b.to_lowercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_part_by_part() {
        use Ordering::*;
        for (a, b, o) in [
            ("22.04", "22.04", Equal),
            ("22.04", "24.04", Less),
            ("22.10", "22.04", Greater),
            ("9", "10", Less),
            ("12", "11", Greater),
            ("24.04", "24.04.0", Equal),
            ("24.04", "24.04.1", Less),
            ("40", "39", Greater),
            ("1.0rc1", "1.0.1", Less),
            ("007", "7", Equal),
            ("99999999999999999999999", "1", Greater),
            ("", "1", Less),
            ("10.0-beta", "10.0", Less),
        ] {
            assert_eq!(compare_versions(a, b), o, "{a} vs {b}");
            assert_eq!(compare_versions(b, a), o.reverse(), "{b} vs {a}");
        }
    }

    fn facts(enc: Option<bool>, fw: Option<bool>, lock: Option<bool>) -> Facts {
        Facts {
            disk_encryption: enc,
            firewall: fw,
            screen_lock: lock,
            ..Default::default()
        }
    }

    const NOW: i64 = 1_800_000_000_000;

    fn device<'a>(version: &'a str, f: &'a Facts, last: i64) -> DeviceFacts<'a> {
        DeviceFacts {
            os_id: "ubuntu",
            os_name: "Ubuntu",
            os_version: version,
            facts: f,
            last_check_in: last,
        }
    }

    #[test]
    fn no_policy_means_not_evaluated() {
        let f = facts(None, None, None);
        let o = evaluate(&device("24.04", &f, NOW), &[], NOW);
        assert_eq!(o.state, NOT_EVALUATED);
        assert!(o.reasons.is_empty());
    }

    #[test]
    fn every_failing_rule_is_a_reason() {
        let rules = Rules {
            min_os_versions: vec![MinOsVersion {
                os: "Ubuntu".into(),
                version: "24.04".into(),
            }],
            disk_encryption: true,
            firewall: true,
            screen_lock: true,
            checked_in_within_days: Some(7),
        };
        let p = [PolicyRules {
            name: "Baseline",
            rules: &rules,
        }];
        let f = facts(Some(false), None, Some(true));
        let o = evaluate(&device("22.04", &f, NOW - 9 * DAY_MS), &p, NOW);
        assert_eq!(o.state, NOT_COMPLIANT);
        assert_eq!(
            o.reasons,
            vec![
                "Baseline: OS version 22.04 is older than the minimum Ubuntu 24.04",
                "Baseline: disk encryption is required: the root filesystem is not encrypted",
                "Baseline: a firewall is required: the device could not tell",
                "Baseline: last check-in 9 days ago; must be within 7 days",
            ]
        );
        let good = facts(Some(true), Some(true), Some(true));
        let o = evaluate(&device("24.10", &good, NOW - DAY_MS), &p, NOW);
        assert_eq!(o.state, COMPLIANT);
        assert!(o.reasons.is_empty());
    }

    #[test]
    fn os_rules_apply_only_to_their_os() {
        let rules = Rules {
            min_os_versions: vec![MinOsVersion {
                os: "debian".into(),
                version: "12".into(),
            }],
            ..Default::default()
        };
        let p = [PolicyRules {
            name: "P",
            rules: &rules,
        }];
        let f = Facts::default();
        assert_eq!(evaluate(&device("1", &f, NOW), &p, NOW).state, COMPLIANT);
        let d = DeviceFacts {
            os_id: "debian",
            os_name: "Debian GNU/Linux",
            os_version: "",
            ..device("", &f, NOW)
        };
        let o = evaluate(&d, &p, NOW);
        assert_eq!(o.state, NOT_COMPLIANT);
        assert!(o.reasons[0].contains("unknown"), "{:?}", o.reasons);
    }

    #[test]
    fn reasons_name_their_policy() {
        let a = Rules {
            firewall: true,
            ..Default::default()
        };
        let b = Rules {
            screen_lock: true,
            ..Default::default()
        };
        let p = [
            PolicyRules {
                name: "A",
                rules: &a,
            },
            PolicyRules {
                name: "B",
                rules: &b,
            },
        ];
        let f = facts(None, Some(false), Some(false));
        let o = evaluate(&device("1", &f, NOW), &p, NOW);
        assert_eq!(o.reasons.len(), 2);
        assert!(o.reasons[0].starts_with("A: "));
        assert!(o.reasons[1].starts_with("B: "));
    }

    #[test]
    fn rule_values_are_checked() {
        assert!(
            Rules {
                checked_in_within_days: Some(0),
                ..Default::default()
            }
            .check()
            .is_err()
        );
        assert!(
            Rules {
                min_os_versions: vec![MinOsVersion {
                    os: "ubuntu".into(),
                    version: "latest".into()
                }],
                ..Default::default()
            }
            .check()
            .is_err()
        );
        let r = Rules {
            min_os_versions: vec![MinOsVersion {
                os: " ubuntu ".into(),
                version: " 22.04".into(),
            }],
            ..Default::default()
        }
        .check()
        .unwrap();
        assert_eq!(r.min_os_versions[0].os, "ubuntu");
        assert!(Rules::default().is_empty());
    }
}
