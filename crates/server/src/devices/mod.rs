//! Devices: what makes a device enrolled and compliant.
//!
//! - `facts`: what the agent reports (inventory and compliance facts), with input checks.
//! - `compliance`: policy rules and their pure evaluation (`now` is an argument).
//! - `signing`: the signed-request scheme (canonical string, header checks); pure.
//! - `auth`: the middleware that verifies signed device requests and hands handlers a
//!   [`VerifiedDevice`].
//!
//! This module also re-evaluates compliance: on check-in, on every policy change, when a device is
//! read (detail, [`device_summary`]), and in the background every [`SWEEP_INTERVAL_SECS`] (which
//! is how "checked in within N days" turns a silent device non-compliant in listings).

pub mod auth;
pub mod compliance;
pub mod facts;
pub mod signing;
#[cfg(test)]
mod signing_fuzz;

use crate::audit::action::Action;
use crate::clock::now_ms;
use crate::store::Store;
use crate::store::Tenancy;
use crate::store::devices::{CompliancePolicy, Device};
use compliance::{DeviceFacts, Outcome, PolicyRules};
use serde::Serialize;
use std::collections::BTreeSet;

pub use crate::limits::DEVICE_SWEEP_INTERVAL_SECS as SWEEP_INTERVAL_SECS;

/// An enrolled device that proved itself on this request (set by [`auth::verify_device`]).
/// Handlers read it with `Option<Extension<VerifiedDevice>>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedDevice {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub primary_user_id: Option<String>,
}

/// A device's enrollment and compliance, as sessions show it to the helper.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DeviceState {
    pub id: String,
    pub name: String,
    /// Enrolled and not retired.
    pub enrolled: bool,
    /// `compliant`, `not_compliant` or `not_evaluated`.
    pub compliance: String,
    /// The failing rules (empty unless `not_compliant`).
    pub reasons: Vec<String>,
    pub primary_user_id: Option<String>,
    /// Whether its agent holds a device channel now.
    pub online: bool,
    /// Since when it has been online or offline (`None`: never connected).
    pub online_changed_at: Option<i64>,
}

impl DeviceState {
    /// The wire summary of the session view; `verified`: the device proved itself in this session.
    pub fn summary(&self, verified: bool) -> assist_proto::wire::DeviceSummary {
        assist_proto::wire::DeviceSummary {
            id: self.id.clone(),
            name: self.name.clone(),
            enrolled: self.enrolled,
            verified,
            compliance: self.compliance.clone(),
        }
    }
}

/// The enrollment and compliance state of a device of the tenant, compliance re-evaluated now
/// (so that "checked in within N days" is current). `None`: no such device.
pub async fn device_summary(
    store: &Store,
    tenant_id: &str,
    device_id: &str,
) -> sqlx::Result<Option<DeviceState>> {
    let Some(d) = refresh(store, tenant_id, device_id).await? else {
        return Ok(None);
    };
    Ok(Some(DeviceState {
        id: d.id,
        name: d.name,
        enrolled: d.enrolled,
        compliance: d.compliance,
        reasons: d.compliance_reasons,
        primary_user_id: d.primary_user_id,
        online: d.online,
        online_changed_at: d.online_changed_at,
    }))
}

/// The enabled policies that apply to a device whose primary user is in `groups`.
fn applicable<'a>(
    policies: &'a [CompliancePolicy],
    groups: &BTreeSet<String>,
) -> Vec<PolicyRules<'a>> {
    policies
        .iter()
        .filter(|p| p.enabled && (p.all_devices || p.group_ids.iter().any(|g| groups.contains(g))))
        .map(|p| PolicyRules {
            name: &p.name,
            rules: &p.rules,
        })
        .collect()
}

/// Evaluates one device against the tenant's policies and stores the result if it changed.
/// Returns the outcome and whether it changed. Retired devices keep their last state.
async fn evaluate_device(
    store: &Store,
    tenant_id: &str,
    device: &Device,
    policies: &[CompliancePolicy],
    now: i64,
) -> sqlx::Result<(Outcome, bool)> {
    let groups: BTreeSet<String> = match &device.primary_user_id {
        Some(u) => store.groups_of(u).await?.into_iter().collect(),
        None => BTreeSet::new(),
    };
    let outcome = compliance::evaluate(
        &DeviceFacts {
            os_id: &device.os_id,
            os_name: &device.os_name,
            os_version: &device.os_version,
            facts: &device.facts,
            last_check_in: device.last_check_in,
        },
        &applicable(policies, &groups),
        now,
    );
    let changed = store
        .set_compliance(
            tenant_id,
            &device.id,
            (outcome.state, &outcome.reasons),
            now,
            change_entry(device, &outcome).as_ref(),
        )
        .await?;
    Ok((outcome, changed))
}

/// Re-evaluates one device and returns it as stored afterwards.
pub async fn refresh(store: &Store, tenant_id: &str, id: &str) -> sqlx::Result<Option<Device>> {
    let Some(device) = store.device(tenant_id, id).await? else {
        return Ok(None);
    };
    if !device.enrolled {
        return Ok(Some(device));
    }
    let policies = store.list_policies(tenant_id).await?;
    let (_, changed) = evaluate_device(store, tenant_id, &device, &policies, now_ms()).await?;
    if changed {
        return store.device(tenant_id, id).await;
    }
    Ok(Some(device))
}

/// Re-evaluates every enrolled device of the tenant; returns how many changed state.
pub async fn recompute_all(store: &Store, tenant_id: &str) -> sqlx::Result<u64> {
    let policies = store.list_policies(tenant_id).await?;
    let now = now_ms();
    let mut after = String::new();
    let mut changed = 0;
    loop {
        let ids = store
            .active_device_ids(tenant_id, &after, crate::limits::DEVICE_RECOMPUTE_BATCH)
            .await?;
        let Some(last) = ids.last() else { break };
        after = last.clone();
        for id in &ids {
            let Some(device) = store.device(tenant_id, id).await? else {
                continue;
            };
            let (_, did) = evaluate_device(store, tenant_id, &device, &policies, now).await?;
            if did {
                changed += 1;
            }
        }
    }
    Ok(changed)
}

/// The audit entry of a change of a device's compliance state (not of every re-evaluation:
/// only of real changes), stored with the new state.
fn change_entry(before: &Device, after: &Outcome) -> Option<crate::store::audit::AuditEntry> {
    (before.compliance != after.state).then(|| crate::store::audit::AuditEntry {
        actor_id: None,
        actor: "system".into(),
        action: Action::DeviceComplianceChanged,
        target: Some(before.id.clone()),
        address: None,
        detail: serde_json::json!({
            "device": before.name,
            "from": before.compliance,
            "to": after.state,
            "reasons": after.reasons,
        }),
    })
}

/// Starts the background task that re-evaluates compliance and forgets expired nonces every
/// [`SWEEP_INTERVAL_SECS`]. Every node runs it; the work is idempotent.
pub fn spawn_sweeper(state: impl Tenancy + 'static) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(SWEEP_INTERVAL_SECS));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = state.store().purge_nonces(now_ms()).await {
                tracing::warn!(error = %e, "purging device nonces");
            }
            match recompute_all(state.store(), state.tenant_id()).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(changed = n, "device compliance re-evaluated"),
                Err(e) => tracing::warn!(error = %e, "re-evaluating device compliance"),
            }
        }
    })
}
