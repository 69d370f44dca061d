//! Conditional access, the rules: policies that target users and groups, test conditions of the
//! sign-in (second factor used, client address, the user's device compliant) and grant allow,
//! require a second factor, or block; each enabled, disabled or report-only. Pure: the facts are
//! an argument (`evaluate`: policies + facts → decision). `conditional` gathers the facts and
//! enforces the decision; the store keeps the policies.
//!
//! Semantics:
//! - A policy *applies* when it is not disabled, its evaluation points include this one, the user is
//!   targeted (all users or included directly or through a group, and not excluded directly or
//!   through a group: exclusion wins) and every condition it sets holds (conditions it does not set
//!   hold always).
//! - The outcome of an applied policy is its grant: allow; block; require second factor, which is
//!   satisfied (allow) when the sign-in used a second factor.
//! - The decision is the most restrictive outcome of the applied *enabled* policies
//!   (block > second factor required > allow); allow when none applies. Report-only policies are
//!   evaluated and logged with what they would have done, never enforced.

use crate::error::{AppError, ErrorCode};
use ipnet::IpNet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::net::IpAddr;

/// Where conditional access is evaluated.
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
#[serde(rename_all = "snake_case")]
pub enum EvalPoint {
    /// Signing in (password or single sign-on).
    SignIn,
    /// A helper creating a session.
    SessionCreate,
    /// A sharer joining a session with its code.
    SessionJoin,
    /// A session being allowed by the sharer's agent without asking the sharer (unattended
    /// consent). Evaluated for the *helper*, with the facts of the sign-in the helper created the
    /// session with.
    UnattendedConsent,
    /// A helper opening a file transfer in a session (either way).
    FileTransfer,
    /// A helper sharing clipboard text in a session (checked when the page asks what the session
    /// allows).
    Clipboard,
}

impl EvalPoint {
    /// All evaluation points.
    pub const ALL: [EvalPoint; 6] = [
        EvalPoint::SignIn,
        EvalPoint::SessionCreate,
        EvalPoint::SessionJoin,
        EvalPoint::UnattendedConsent,
        EvalPoint::FileTransfer,
        EvalPoint::Clipboard,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EvalPoint::SignIn => "sign_in",
            EvalPoint::SessionCreate => "session_create",
            EvalPoint::SessionJoin => "session_join",
            EvalPoint::UnattendedConsent => "unattended_consent",
            EvalPoint::FileTransfer => "file_transfer",
            EvalPoint::Clipboard => "clipboard",
        }
    }

    fn doing(self) -> &'static str {
        match self {
            EvalPoint::SignIn => "this sign-in",
            EvalPoint::SessionCreate => "starting a session",
            EvalPoint::SessionJoin => "joining a session",
            EvalPoint::UnattendedConsent => "allowing a session without the sharer's consent",
            EvalPoint::FileTransfer => "file transfer",
            EvalPoint::Clipboard => "clipboard sharing",
        }
    }
}

/// Whether a policy is enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PolicyState {
    /// Evaluated and enforced.
    Enabled,
    /// Ignored.
    Disabled,
    /// Evaluated and written to the audit log, never enforced.
    ReportOnly,
}

impl PolicyState {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyState::Enabled => "enabled",
            PolicyState::Disabled => "disabled",
            PolicyState::ReportOnly => "report_only",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "enabled" => Some(PolicyState::Enabled),
            "disabled" => Some(PolicyState::Disabled),
            "report_only" => Some(PolicyState::ReportOnly),
            _ => None,
        }
    }
}

/// What a policy grants when it applies. Ordered from least to most restrictive.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum GrantControl {
    /// Allow.
    Allow,
    /// Allow only when the sign-in used a second factor.
    RequireSecondFactor,
    /// Refuse.
    Block,
}

impl GrantControl {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            GrantControl::Allow => "allow",
            GrantControl::RequireSecondFactor => "require_second_factor",
            GrantControl::Block => "block",
        }
    }

    /// From the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "allow" => Some(GrantControl::Allow),
            "require_second_factor" => Some(GrantControl::RequireSecondFactor),
            "block" => Some(GrantControl::Block),
            _ => None,
        }
    }
}

/// Whom a policy is about. Exclusion wins over inclusion.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Targets {
    /// Every user of the tenant (minus the exclusions).
    #[serde(default)]
    pub all_users: bool,
    /// These users (ids).
    #[serde(default)]
    pub include_users: Vec<String>,
    /// Members of these groups (ids).
    #[serde(default)]
    pub include_groups: Vec<String>,
    /// Never these users (ids).
    #[serde(default)]
    pub exclude_users: Vec<String>,
    /// Never members of these groups (ids).
    #[serde(default)]
    pub exclude_groups: Vec<String>,
}

/// When a policy applies. Every condition that is set must hold; an absent condition always holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    /// Holds when the sign-in did (`true`) or did not (`false`) use a second factor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_factor_used: Option<bool>,
    /// Holds when the client address is inside one of these CIDR ranges (`10.0.0.0/8`,
    /// `2001:db8::/32`; a bare address is one host). An unknown address is inside none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_address_in: Option<Vec<String>>,
    /// Holds when the client address is inside none of these CIDR ranges (an unknown address
    /// counts as outside, so the condition holds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_address_not_in: Option<Vec<String>>,
    /// Holds when the user's device is (`true`) or is not (`false`) compliant: the user is the
    /// primary user of at least one enrolled, not retired device whose compliance is `compliant`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_compliant: Option<bool>,
    /// Where the policy is evaluated; absent or empty: everywhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evaluation_points: Vec<EvalPoint>,
}

/// A conditional-access policy as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Policy {
    pub id: String,
    pub name: String,
    pub description: String,
    pub state: PolicyState,
    pub targets: Targets,
    pub conditions: Conditions,
    pub grant: GrantControl,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A CIDR range or a single address, as accepted in conditions.
pub fn parse_range(s: &str) -> Option<IpNet> {
    let s = s.trim();
    if let Ok(net) = s.parse::<IpNet>() {
        return Some(net.trunc());
    }
    s.parse::<IpAddr>().ok().map(IpNet::from)
}

fn in_any(ranges: &[String], addr: IpAddr) -> bool {
    // An IPv4 client seen through an IPv6 socket is compared as IPv4.
    let addr = match addr {
        IpAddr::V6(v6) => v6
            .to_ipv4_mapped()
            .map(IpAddr::V4)
            .unwrap_or(IpAddr::V6(v6)),
        v4 => v4,
    };
    ranges
        .iter()
        .filter_map(|r| parse_range(r))
        .any(|net| net.contains(&addr))
}

/// What is known about the request being evaluated.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub user_id: &'a str,
    /// Ids of the groups the user belongs to.
    pub groups: &'a BTreeSet<String>,
    pub point: EvalPoint,
    /// The sign-in used a second factor.
    pub second_factor: bool,
    pub address: Option<IpAddr>,
    /// The user is the primary user of a compliant device.
    pub device_compliant: bool,
}

/// The outcome of one policy, or of all of them: ordered from least to most restrictive.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Allow,
    SecondFactorRequired,
    Block,
}

/// A policy that applied, with what it decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Applied {
    pub id: String,
    pub name: String,
    pub state: PolicyState,
    pub grant: GrantControl,
    pub outcome: Decision,
    /// False for report-only policies.
    pub enforced: bool,
}

/// The result of an evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Evaluation {
    pub point: EvalPoint,
    /// What is enforced.
    pub decision: Decision,
    /// What the decision would be if the report-only policies were enforced too.
    pub report_only_decision: Decision,
    /// The policies that applied (enabled and report-only), in the order given.
    pub applied: Vec<Applied>,
}

/// Whether the policy's targets include the user (ignoring state and conditions).
pub fn targets_user(t: &Targets, user_id: &str, groups: &BTreeSet<String>) -> bool {
    let excluded = t.exclude_users.iter().any(|u| u == user_id)
        || t.exclude_groups.iter().any(|g| groups.contains(g));
    if excluded {
        return false;
    }
    t.all_users
        || t.include_users.iter().any(|u| u == user_id)
        || t.include_groups.iter().any(|g| groups.contains(g))
}

fn at_point(c: &Conditions, point: EvalPoint) -> bool {
    c.evaluation_points.is_empty() || c.evaluation_points.contains(&point)
}

/// Whether the policy is in play for this user at this point, before its conditions are tested.
fn in_scope(p: &Policy, user_id: &str, groups: &BTreeSet<String>, point: EvalPoint) -> bool {
    p.state != PolicyState::Disabled
        && at_point(&p.conditions, point)
        && targets_user(&p.targets, user_id, groups)
}

/// Whether the device-compliance fact is needed: some policy in play tests it. Lets the caller
/// skip the device lookup.
pub fn needs_device_fact(
    policies: &[Policy],
    user_id: &str,
    groups: &BTreeSet<String>,
    point: EvalPoint,
) -> bool {
    policies
        .iter()
        .any(|p| p.conditions.device_compliant.is_some() && in_scope(p, user_id, groups, point))
}

/// Whether every condition of the policy holds for the facts.
pub fn conditions_hold(c: &Conditions, f: &Facts<'_>) -> bool {
    if c.second_factor_used
        .is_some_and(|want| want != f.second_factor)
    {
        return false;
    }
    if let Some(ranges) = &c.client_address_in
        && !f.address.is_some_and(|a| in_any(ranges, a))
    {
        return false;
    }
    if let Some(ranges) = &c.client_address_not_in
        && f.address.is_some_and(|a| in_any(ranges, a))
    {
        return false;
    }
    if c.device_compliant
        .is_some_and(|want| want != f.device_compliant)
    {
        return false;
    }
    true
}

/// What one grant decides for the facts.
pub fn outcome(grant: GrantControl, second_factor: bool) -> Decision {
    match grant {
        GrantControl::Allow => Decision::Allow,
        GrantControl::Block => Decision::Block,
        GrantControl::RequireSecondFactor if second_factor => Decision::Allow,
        GrantControl::RequireSecondFactor => Decision::SecondFactorRequired,
    }
}

/// Evaluates the policies for the facts.
pub fn evaluate(policies: &[Policy], f: &Facts<'_>) -> Evaluation {
    let applied: Vec<Applied> = policies
        .iter()
        .filter(|p| in_scope(p, f.user_id, f.groups, f.point) && conditions_hold(&p.conditions, f))
        .map(|p| Applied {
            id: p.id.clone(),
            name: p.name.clone(),
            state: p.state,
            grant: p.grant,
            outcome: outcome(p.grant, f.second_factor),
            enforced: p.state == PolicyState::Enabled,
        })
        .collect();
    let decision = applied
        .iter()
        .filter(|a| a.enforced)
        .map(|a| a.outcome)
        .max()
        .unwrap_or(Decision::Allow);
    let report_only_decision = applied
        .iter()
        .map(|a| a.outcome)
        .max()
        .unwrap_or(Decision::Allow);
    Evaluation {
        point: f.point,
        decision,
        report_only_decision,
        applied,
    }
}

/// The error an enforced decision gives at `point`, if it refuses.
pub fn refusal(decision: Decision, point: EvalPoint) -> Option<AppError> {
    match decision {
        Decision::Allow => None,
        Decision::Block => Some(AppError::forbidden(
            ErrorCode::ConditionalAccessBlocked,
            format!(
                "your organisation's conditional-access policy blocks {}",
                point.doing()
            ),
        )),
        Decision::SecondFactorRequired => Some(AppError::forbidden(
            ErrorCode::SecondFactorRequired,
            format!(
                "your organisation's conditional-access policy requires a second factor for {}: \
                 sign in with your authenticator code (set one up under your account first)",
                point.doing()
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANA: &str = "ana";
    const BEN: &str = "ben";

    fn policy(name: &str, state: PolicyState, grant: GrantControl) -> Policy {
        Policy {
            id: format!("id-{name}"),
            name: name.into(),
            description: String::new(),
            state,
            targets: Targets {
                all_users: true,
                ..Targets::default()
            },
            conditions: Conditions::default(),
            grant,
            created_at: 0,
            updated_at: 0,
        }
    }

    fn groups(g: &[&str]) -> BTreeSet<String> {
        g.iter().map(|s| s.to_string()).collect()
    }

    struct F {
        user: &'static str,
        groups: BTreeSet<String>,
        point: EvalPoint,
        second_factor: bool,
        address: Option<IpAddr>,
        device_compliant: bool,
    }

    impl F {
        fn new() -> F {
            F {
                user: ANA,
                groups: BTreeSet::new(),
                point: EvalPoint::SignIn,
                second_factor: false,
                address: Some("192.0.2.10".parse().unwrap()),
                device_compliant: false,
            }
        }
        fn facts(&self) -> Facts<'_> {
            Facts {
                user_id: self.user,
                groups: &self.groups,
                point: self.point,
                second_factor: self.second_factor,
                address: self.address,
                device_compliant: self.device_compliant,
            }
        }
        fn decide(&self, policies: &[Policy]) -> Decision {
            evaluate(policies, &self.facts()).decision
        }
    }

    #[test]
    fn no_policy_allows() {
        let e = evaluate(&[], &F::new().facts());
        assert_eq!(e.decision, Decision::Allow);
        assert_eq!(e.report_only_decision, Decision::Allow);
        assert!(e.applied.is_empty());
    }

    #[test]
    fn each_grant() {
        let f = F::new();
        assert_eq!(
            f.decide(&[policy("a", PolicyState::Enabled, GrantControl::Allow)]),
            Decision::Allow
        );
        assert_eq!(
            f.decide(&[policy("b", PolicyState::Enabled, GrantControl::Block)]),
            Decision::Block
        );
        assert_eq!(
            f.decide(&[policy(
                "m",
                PolicyState::Enabled,
                GrantControl::RequireSecondFactor
            )]),
            Decision::SecondFactorRequired
        );
        let with_mfa = F {
            second_factor: true,
            ..F::new()
        };
        assert_eq!(
            with_mfa.decide(&[policy(
                "m",
                PolicyState::Enabled,
                GrantControl::RequireSecondFactor
            )]),
            Decision::Allow
        );
    }

    #[test]
    fn most_restrictive_wins_in_any_order() {
        let all = [
            policy("allow", PolicyState::Enabled, GrantControl::Allow),
            policy(
                "mfa",
                PolicyState::Enabled,
                GrantControl::RequireSecondFactor,
            ),
            policy("block", PolicyState::Enabled, GrantControl::Block),
        ];
        let f = F::new();
        // Every permutation of every subset.
        for mask in 1u8..8 {
            let subset: Vec<Policy> = (0..3)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| all[i].clone())
                .collect();
            let expected = subset
                .iter()
                .map(|p| outcome(p.grant, false))
                .max()
                .unwrap();
            let mut perm = subset.clone();
            for _ in 0..perm.len() {
                perm.rotate_left(1);
                assert_eq!(f.decide(&perm), expected, "{mask:b}");
                let mut rev = perm.clone();
                rev.reverse();
                assert_eq!(f.decide(&rev), expected, "{mask:b} reversed");
            }
        }
        assert_eq!(f.decide(&all), Decision::Block);
        assert_eq!(f.decide(&all[..2]), Decision::SecondFactorRequired);
        // A satisfied second factor makes "require" an allow, and block still wins.
        let with_mfa = F {
            second_factor: true,
            ..F::new()
        };
        assert_eq!(with_mfa.decide(&all[..2]), Decision::Allow);
        assert_eq!(with_mfa.decide(&all), Decision::Block);
    }

    #[test]
    fn disabled_is_ignored_and_report_only_is_logged_not_enforced() {
        let f = F::new();
        let e = evaluate(
            &[
                policy("off", PolicyState::Disabled, GrantControl::Block),
                policy("watch", PolicyState::ReportOnly, GrantControl::Block),
                policy(
                    "watch-mfa",
                    PolicyState::ReportOnly,
                    GrantControl::RequireSecondFactor,
                ),
            ],
            &f.facts(),
        );
        assert_eq!(e.decision, Decision::Allow);
        assert_eq!(e.report_only_decision, Decision::Block);
        let names: Vec<&str> = e.applied.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["watch", "watch-mfa"]);
        assert!(e.applied.iter().all(|a| !a.enforced));
        assert_eq!(e.applied[0].outcome, Decision::Block);
        assert_eq!(e.applied[1].outcome, Decision::SecondFactorRequired);
        // Report-only alongside an enforced policy: only the enforced one decides.
        let e = evaluate(
            &[
                policy("watch", PolicyState::ReportOnly, GrantControl::Block),
                policy(
                    "mfa",
                    PolicyState::Enabled,
                    GrantControl::RequireSecondFactor,
                ),
            ],
            &f.facts(),
        );
        assert_eq!(e.decision, Decision::SecondFactorRequired);
        assert_eq!(e.report_only_decision, Decision::Block);
        assert!(e.applied[1].enforced);
    }

    #[test]
    fn targeting_include_exclude() {
        let t = |all, iu: &[&str], ig: &[&str], eu: &[&str], eg: &[&str]| Targets {
            all_users: all,
            include_users: iu.iter().map(|s| s.to_string()).collect(),
            include_groups: ig.iter().map(|s| s.to_string()).collect(),
            exclude_users: eu.iter().map(|s| s.to_string()).collect(),
            exclude_groups: eg.iter().map(|s| s.to_string()).collect(),
        };
        let none = groups(&[]);
        let sales = groups(&["sales"]);
        let sales_vip = groups(&["sales", "vip"]);
        // Nobody targeted.
        assert!(!targets_user(&t(false, &[], &[], &[], &[]), ANA, &sales));
        // All users.
        assert!(targets_user(&t(true, &[], &[], &[], &[]), ANA, &none));
        // By user and by group.
        assert!(targets_user(&t(false, &[ANA], &[], &[], &[]), ANA, &none));
        assert!(!targets_user(&t(false, &[ANA], &[], &[], &[]), BEN, &none));
        assert!(targets_user(
            &t(false, &[], &["sales"], &[], &[]),
            BEN,
            &sales
        ));
        assert!(!targets_user(
            &t(false, &[], &["sales"], &[], &[]),
            BEN,
            &none
        ));
        // Exclusion wins over inclusion, directly and through a group.
        assert!(!targets_user(&t(true, &[], &[], &[ANA], &[]), ANA, &none));
        assert!(targets_user(&t(true, &[], &[], &[ANA], &[]), BEN, &none));
        assert!(!targets_user(
            &t(false, &[ANA], &[], &[ANA], &[]),
            ANA,
            &none
        ));
        assert!(!targets_user(
            &t(false, &[], &["sales"], &[], &["vip"]),
            ANA,
            &sales_vip
        ));
        assert!(targets_user(
            &t(false, &[], &["sales"], &[], &["vip"]),
            ANA,
            &sales
        ));
        assert!(!targets_user(
            &t(true, &[], &[], &[], &["sales"]),
            ANA,
            &sales
        ));
    }

    #[test]
    fn untargeted_users_are_not_affected() {
        let mut p = policy("b", PolicyState::Enabled, GrantControl::Block);
        p.targets = Targets {
            include_users: vec![BEN.into()],
            ..Targets::default()
        };
        assert_eq!(F::new().decide(std::slice::from_ref(&p)), Decision::Allow);
        let ben = F {
            user: BEN,
            ..F::new()
        };
        assert_eq!(ben.decide(&[p]), Decision::Block);
    }

    #[test]
    fn second_factor_condition() {
        let mut p = policy("no-mfa", PolicyState::Enabled, GrantControl::Block);
        p.conditions.second_factor_used = Some(false);
        assert_eq!(F::new().decide(std::slice::from_ref(&p)), Decision::Block);
        let with_mfa = F {
            second_factor: true,
            ..F::new()
        };
        assert_eq!(with_mfa.decide(std::slice::from_ref(&p)), Decision::Allow);
        p.conditions.second_factor_used = Some(true);
        assert_eq!(F::new().decide(std::slice::from_ref(&p)), Decision::Allow);
        assert_eq!(with_mfa.decide(&[p]), Decision::Block);
    }

    #[test]
    fn address_conditions() {
        let mut inside = policy("office", PolicyState::Enabled, GrantControl::Block);
        inside.conditions.client_address_in =
            Some(vec!["192.0.2.0/24".into(), "2001:db8::/32".into()]);
        let mut outside = policy("outside", PolicyState::Enabled, GrantControl::Block);
        outside.conditions.client_address_not_in = Some(vec!["192.0.2.0/24".into()]);
        let at = |a: Option<&str>| F {
            address: a.map(|a| a.parse().unwrap()),
            ..F::new()
        };
        let cases = [
            (Some("192.0.2.10"), Decision::Block, Decision::Allow),
            (Some("192.0.2.255"), Decision::Block, Decision::Allow),
            (Some("198.51.100.1"), Decision::Allow, Decision::Block),
            (Some("2001:db8::1"), Decision::Block, Decision::Block),
            (Some("2001:db9::1"), Decision::Allow, Decision::Block),
            // IPv4 seen as an IPv4-mapped IPv6 address.
            (Some("::ffff:192.0.2.7"), Decision::Block, Decision::Allow),
            // Unknown address: inside no range.
            (None, Decision::Allow, Decision::Block),
        ];
        for (addr, want_in, want_out) in cases {
            assert_eq!(
                at(addr).decide(std::slice::from_ref(&inside)),
                want_in,
                "in {addr:?}"
            );
            assert_eq!(
                at(addr).decide(std::slice::from_ref(&outside)),
                want_out,
                "not in {addr:?}"
            );
        }
        // A single address is one host.
        let mut host = policy("host", PolicyState::Enabled, GrantControl::Block);
        host.conditions.client_address_in = Some(vec!["192.0.2.10".into()]);
        assert_eq!(
            at(Some("192.0.2.10")).decide(std::slice::from_ref(&host)),
            Decision::Block
        );
        assert_eq!(at(Some("192.0.2.11")).decide(&[host]), Decision::Allow);
    }

    #[test]
    fn device_condition_and_when_it_is_needed() {
        let mut p = policy("unmanaged", PolicyState::Enabled, GrantControl::Block);
        p.conditions.device_compliant = Some(false);
        assert_eq!(F::new().decide(std::slice::from_ref(&p)), Decision::Block);
        let compliant = F {
            device_compliant: true,
            ..F::new()
        };
        assert_eq!(compliant.decide(std::slice::from_ref(&p)), Decision::Allow);
        let g = groups(&[]);
        assert!(needs_device_fact(
            std::slice::from_ref(&p),
            ANA,
            &g,
            EvalPoint::SignIn
        ));
        p.state = PolicyState::Disabled;
        assert!(!needs_device_fact(
            std::slice::from_ref(&p),
            ANA,
            &g,
            EvalPoint::SignIn
        ));
        p.state = PolicyState::ReportOnly;
        assert!(needs_device_fact(
            std::slice::from_ref(&p),
            ANA,
            &g,
            EvalPoint::SignIn
        ));
        p.targets.exclude_users = vec![ANA.into()];
        assert!(!needs_device_fact(&[p], ANA, &g, EvalPoint::SignIn));
        let plain = policy("plain", PolicyState::Enabled, GrantControl::Block);
        assert!(!needs_device_fact(&[plain], ANA, &g, EvalPoint::SignIn));
    }

    #[test]
    fn conditions_combine_with_and() {
        let mut p = policy("combo", PolicyState::Enabled, GrantControl::Block);
        p.conditions.second_factor_used = Some(false);
        p.conditions.client_address_not_in = Some(vec!["10.0.0.0/8".into()]);
        p.conditions.device_compliant = Some(false);
        // Every condition holds: the policy applies.
        assert_eq!(F::new().decide(std::slice::from_ref(&p)), Decision::Block);
        // Any one condition failing keeps it from applying.
        let one_fails = [
            F {
                second_factor: true,
                ..F::new()
            },
            F {
                address: Some("10.1.2.3".parse().unwrap()),
                ..F::new()
            },
            F {
                device_compliant: true,
                ..F::new()
            },
        ];
        for f in one_fails {
            assert_eq!(f.decide(std::slice::from_ref(&p)), Decision::Allow);
        }
    }

    #[test]
    fn evaluation_points() {
        let mut p = policy("sessions-only", PolicyState::Enabled, GrantControl::Block);
        p.conditions.evaluation_points = vec![EvalPoint::SessionCreate, EvalPoint::SessionJoin];
        for point in EvalPoint::ALL {
            let f = F { point, ..F::new() };
            let want = if matches!(point, EvalPoint::SessionCreate | EvalPoint::SessionJoin) {
                Decision::Block
            } else {
                Decision::Allow
            };
            assert_eq!(f.decide(std::slice::from_ref(&p)), want, "{point:?}");
        }
        p.conditions.evaluation_points.clear();
        for point in EvalPoint::ALL {
            let f = F { point, ..F::new() };
            assert_eq!(f.decide(std::slice::from_ref(&p)), Decision::Block);
        }
    }

    #[test]
    fn wire_names() {
        for p in EvalPoint::ALL {
            assert_eq!(
                serde_json::to_value(p).unwrap(),
                serde_json::Value::String(p.as_str().into())
            );
        }
        for s in [
            PolicyState::Enabled,
            PolicyState::Disabled,
            PolicyState::ReportOnly,
        ] {
            assert_eq!(PolicyState::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for g in [
            GrantControl::Allow,
            GrantControl::RequireSecondFactor,
            GrantControl::Block,
        ] {
            assert_eq!(GrantControl::parse(g.as_str()), Some(g));
            assert_eq!(serde_json::to_value(g).unwrap(), g.as_str());
        }
        assert_eq!(PolicyState::parse("on"), None);
        assert_eq!(GrantControl::parse(""), None);
        assert!(parse_range("10.0.0.0/8").is_some());
        assert_eq!(parse_range("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(parse_range("::1").unwrap().to_string(), "::1/128");
        assert!(parse_range("10.0.0.0/33").is_none());
        assert!(parse_range("example.com").is_none());
    }
}
