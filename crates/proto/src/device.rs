//! What an enrolled device and the server say to each other over REST: the agent's inventory
//! and compliance facts ([`Report`], [`Facts`]), enrollment ([`Enroll`] → [`Enrolled`]) and
//! check-in ([`Report`] → [`CheckedIn`]). Requests are signed as [`crate::signing`] says.
//!
//! Requests are read strictly by the server (unknown fields are refused); answers are read
//! tolerantly by the agent (unknown fields are ignored, and what a later server might leave out
//! has a default).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `POST /api/agent/enroll`: unsigned, with an enrollment token.
pub const ENROLL_PATH: &str = "/api/agent/enroll";
/// `POST /api/agent/check-in`: signed by the device.
pub const CHECK_IN_PATH: &str = "/api/agent/check-in";

/// The check-in interval an agent assumes when an answer does not give one: 15 minutes.
pub const DEFAULT_CHECK_IN_SECS: u64 = 15 * 60;

fn default_check_in_secs() -> u64 {
    DEFAULT_CHECK_IN_SECS
}

/// Compliance facts read by the agent from the system. `None`: the agent could not tell.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// The inventory and facts of one check-in (the body of `POST /api/agent/check-in`, and the
/// report part of [`Enroll`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The device's host name. At a check-in it is stored as the device's `hostname`; it never
    /// renames the device (the name given at enrollment or by an administrator stays).
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
    /// Compliance facts (a JSON object).
    #[serde(default, deserialize_with = "object")]
    pub facts: Facts,
}

/// An agent's enrollment (`POST /api/agent/enroll`): the token, its new public key, and its
/// first report, whose fields sit beside the token's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Enroll {
    /// The enrollment token.
    pub token: String,
    /// Base64 of the device's Ed25519 public key (32 bytes).
    pub public_key: String,
    /// The device's name: the one the person enrolling gave, else its host name. Later
    /// check-ins do not change it (only an administrator does).
    pub name: String,
    /// The device's host name, when `name` is not it. Check-ins keep it current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// `ID` of os-release.
    pub os_id: Option<String>,
    /// `NAME` of os-release.
    pub os_name: Option<String>,
    /// `VERSION_ID` of os-release.
    pub os_version: Option<String>,
    /// Kernel release.
    pub kernel: Option<String>,
    /// Version of the agent.
    pub agent_version: Option<String>,
    /// Login name of the device's primary user, as the agent found it.
    pub primary_user: Option<String>,
    /// Last boot, Unix milliseconds.
    pub last_boot: Option<i64>,
    /// Compliance facts (a JSON object).
    #[serde(default, deserialize_with = "object")]
    pub facts: Facts,
}

impl Enroll {
    /// An enrollment with `token`, `public_key` and the first `report`, whose `name` is the
    /// host name; `name`: the device's name when the person enrolling gave one.
    pub fn new(
        token: impl Into<String>,
        public_key: impl Into<String>,
        report: Report,
        given_name: Option<String>,
    ) -> Enroll {
        let Report {
            name,
            os_id,
            os_name,
            os_version,
            kernel,
            agent_version,
            primary_user,
            last_boot,
            facts,
        } = report;
        let (name, hostname) = match given_name {
            Some(given) if given != name => (given, Some(name)),
            _ => (name, None),
        };
        Enroll {
            token: token.into(),
            public_key: public_key.into(),
            name,
            hostname,
            os_id,
            os_name,
            os_version,
            kernel,
            agent_version,
            primary_user,
            last_boot,
            facts,
        }
    }

    /// The report part of the enrollment; its `name` is the host name.
    pub fn report(&self) -> Report {
        Report {
            name: self.hostname.clone().unwrap_or_else(|| self.name.clone()),
            os_id: self.os_id.clone(),
            os_name: self.os_name.clone(),
            os_version: self.os_version.clone(),
            kernel: self.kernel.clone(),
            agent_version: self.agent_version.clone(),
            primary_user: self.primary_user.clone(),
            last_boot: self.last_boot,
            facts: self.facts.clone(),
        }
    }
}

/// The enrolled device and its first compliance evaluation (the answer to [`Enroll`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Enrolled {
    /// The device's id: it signs every later request with it.
    pub device_id: String,
    /// The device's name.
    pub name: String,
    /// `compliant`, `not_compliant` or `not_evaluated` (`crate::wire::COMPLIANCE_*`).
    pub compliance: String,
    /// The failing rules.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// When to check in next, seconds.
    #[serde(default = "default_check_in_secs")]
    pub next_check_in_secs: u64,
}

/// The answer to a check-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CheckedIn {
    /// The device's id.
    pub device_id: String,
    /// `compliant`, `not_compliant` or `not_evaluated` (`crate::wire::COMPLIANCE_*`).
    pub compliance: String,
    /// The failing rules.
    #[serde(default)]
    pub reasons: Vec<String>,
    /// When to check in next, seconds.
    #[serde(default = "default_check_in_secs")]
    pub next_check_in_secs: u64,
}

/// Reads a struct only from a JSON object: serde would also take an array of its fields in
/// order, which no client means to send.
fn object<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    use serde::de::Error;
    let v = serde_json::Value::deserialize(d)?;
    if !v.is_object() {
        return Err(D::Error::custom("expected a JSON object"));
    }
    T::deserialize(v).map_err(D::Error::custom)
}
