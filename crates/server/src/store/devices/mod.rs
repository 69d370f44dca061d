//! Devices, split by what is stored:
//!
//! - `enrollment_tokens`: enrollment tokens, and enrolling a device with one;
//! - `inventory`: the devices themselves (inventory, compliance, primary user);
//! - `compliance_policies`: compliance policies and their groups;
//! - `nonces`: the nonces of signed device requests.

mod compliance_policies;
mod enrollment_tokens;
mod inventory;
mod nonces;

pub use compliance_policies::{CompliancePolicy, PolicyInput};
pub use enrollment_tokens::{EnrollRefusal, EnrollmentToken, NewEnrollmentToken};
pub use inventory::{
    Device, DeviceChange, DeviceFilter, DeviceKey, DeviceSession, NewDevice, Retirement,
};

use super::Store;
use super::audit::AuditEntry;
use super::is_unique_violation;
use sqlx::AssertSqlSafe;

impl Store {
    /// Sets the time column `column` of the tenant's row `id` of `table` to `now`, once (a
    /// revocation, a retirement), with its audit entry; false (and nothing written) if there is
    /// no such row or the time was set before. `table` and `column` are names written in this
    /// module, never input.
    async fn stamp_once(
        &self,
        table: &'static str,
        column: &'static str,
        tenant_id: &str,
        id: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        let q = format!(
            "UPDATE {table} SET {column} = $1 WHERE tenant_id = $2 AND id = $3 AND {column} IS NULL"
        );
        let mut w = self.audited(tenant_id).await?;
        let done = sqlx::query(AssertSqlSafe(q))
            .bind(now)
            .bind(tenant_id)
            .bind(id)
            .execute(crate::store::counting(&mut **w.tx()))
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        w.commit(audit).await?;
        Ok(true)
    }
}
