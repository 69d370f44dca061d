//! The inventory of devices (`devices`): what each enrolled device reported, its compliance,
//! its primary user, and the dynamic query of the device list.

use crate::devices::facts::{CheckedReport, Facts};
use crate::store::Store;
use crate::store::audit::AuditEntry;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// An enrolled (or retired) device.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Device {
    pub id: String,
    /// The device's name: given at enrollment (else its host name then) or by an administrator;
    /// check-ins never change it.
    pub name: String,
    /// The host name the agent last reported (a fact, shown beside the name).
    pub hostname: String,
    /// os-release `ID`, e.g. `ubuntu`.
    pub os_id: String,
    pub os_name: String,
    pub os_version: String,
    pub kernel: String,
    pub agent_version: String,
    pub primary_user_id: Option<String>,
    /// The login name the agent reported as the primary user.
    pub primary_user_login: Option<String>,
    /// The primary user was set by an administrator or the enrollment token, not from reports.
    pub primary_user_pinned: bool,
    /// Base64 of the device's Ed25519 public key.
    pub public_key: String,
    pub facts: Facts,
    /// `compliant`, `not_compliant` or `not_evaluated`.
    pub compliance: String,
    /// The failing rules, one sentence each, prefixed with the policy's name.
    pub compliance_reasons: Vec<String>,
    pub evaluated_at: Option<i64>,
    /// Enrolled and not retired.
    pub enrolled: bool,
    pub enrolled_at: i64,
    pub last_check_in: i64,
    pub last_boot: Option<i64>,
    pub retired_at: Option<i64>,
    /// The device's channel is open: a running agent can be reached at once.
    pub online: bool,
    /// When the channel last opened (`online`) or closed ("offline since"), Unix ms; `null`:
    /// the device never opened one.
    pub online_changed_at: Option<i64>,
}

pub(super) const DEVICE_COLS: &str = "id, name, hostname, os_id, os_name, os_version, kernel, agent_version, primary_user_id, \
     primary_user_login, primary_user_pinned, public_key, facts, compliance, compliance_reasons, evaluated_at, \
     enrolled_at, last_check_in, last_boot, retired_at, channel_conn, channel_changed_at";

pub(super) fn device_from(r: &AnyRow) -> sqlx::Result<Device> {
    let facts: String = r.try_get("facts")?;
    let reasons: String = r.try_get("compliance_reasons")?;
    let retired_at: Option<i64> = r.try_get("retired_at")?;
    Ok(Device {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        hostname: r.try_get("hostname")?,
        os_id: r.try_get("os_id")?,
        os_name: r.try_get("os_name")?,
        os_version: r.try_get("os_version")?,
        kernel: r.try_get("kernel")?,
        agent_version: r.try_get("agent_version")?,
        primary_user_id: r.try_get("primary_user_id")?,
        primary_user_login: r.try_get("primary_user_login")?,
        primary_user_pinned: r.try_get::<i64, _>("primary_user_pinned")? != 0,
        public_key: r.try_get("public_key")?,
        // Written only by this module from these types: unreadable JSON would be a broken
        // invariant, shown as empty rather than failing the whole listing.
        facts: serde_json::from_str(&facts).unwrap_or_default(),
        compliance: r.try_get("compliance")?,
        compliance_reasons: serde_json::from_str(&reasons).unwrap_or_default(),
        evaluated_at: r.try_get("evaluated_at")?,
        enrolled: retired_at.is_none(),
        enrolled_at: r.try_get("enrolled_at")?,
        last_check_in: r.try_get("last_check_in")?,
        last_boot: r.try_get("last_boot")?,
        retired_at,
        online: r.try_get::<Option<String>, _>("channel_conn")?.is_some(),
        online_changed_at: r.try_get("channel_changed_at")?,
    })
}

/// What the request signature check needs of a device.
#[derive(Debug, Clone)]
pub struct DeviceKey {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    pub public_key: String,
    pub primary_user_id: Option<String>,
    pub retired_at: Option<i64>,
}

/// A device to enroll.
#[derive(Debug, Clone)]
pub struct NewDevice<'a> {
    pub public_key: &'a str,
    /// The device's name (given at enrollment, else its host name); `report.name` is the host
    /// name.
    pub name: &'a str,
    pub report: &'a CheckedReport,
    /// The primary user found from the report (used unless the token names one).
    pub reported_user_id: Option<&'a str>,
    pub now: i64,
}

/// Which devices a listing shows, by retirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Retirement {
    #[default]
    Active,
    Retired,
    All,
}

/// Filters of the device list.
#[derive(Debug, Clone, Default)]
pub struct DeviceFilter {
    pub compliance: Option<String>,
    /// os-release `ID` or `NAME`, any case.
    pub os: Option<String>,
    pub checked_in_before: Option<i64>,
    pub checked_in_after: Option<i64>,
    /// Part of the name or primary user login.
    pub search: Option<String>,
    pub retirement: Retirement,
    /// Only devices whose primary user is in one of these groups (`None`: no restriction).
    pub scope_groups: Option<Vec<String>>,
    pub limit: i64,
    pub offset: i64,
}

/// A session held with a device, as its detail page lists it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeviceSession {
    pub id: String,
    pub helper_id: String,
    pub helper_name: String,
    pub state: String,
    pub created_at: i64,
    pub ended_at: Option<i64>,
}

/// A value bound to a dynamic query.
enum Arg {
    Text(String),
    Int(i64),
}

/// The conditions of a dynamic query and their numbered arguments.
#[derive(Default)]
struct Where {
    cond: Vec<String>,
    args: Vec<Arg>,
}

impl Where {
    /// Adds an argument and returns its placeholder (`$n`).
    fn arg(&mut self, a: Arg) -> String {
        self.args.push(a);
        format!("${}", self.args.len())
    }
}

/// Binds the arguments of a dynamic query, in order.
fn bind_args<'q>(mut query: AnyQuery<'q>, args: &[Arg]) -> AnyQuery<'q> {
    for a in args {
        query = match a {
            Arg::Text(s) => query.bind(s.clone()),
            Arg::Int(i) => query.bind(*i),
        };
    }
    query
}

/// A query on the `Any` driver with its arguments.
type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

/// An administrator's change of a device.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeviceChange<'a> {
    /// A new name.
    pub name: Option<&'a str>,
    /// A pinned primary user (`Some(None)`: back to the reported one).
    pub primary_user: Option<Option<&'a str>>,
    /// The user the device reports, for going back to it.
    pub reported_user_id: Option<&'a str>,
}

impl Store {
    /// One device of the tenant (retired ones too).
    pub async fn device(&self, tenant_id: &str, id: &str) -> sqlx::Result<Option<Device>> {
        let q = format!("SELECT {DEVICE_COLS} FROM devices WHERE tenant_id = $1 AND id = $2");
        let row = sqlx::query(AssertSqlSafe(q))
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(device_from).transpose()
    }

    /// The key and state of a device, for request signature checks (any tenant).
    pub async fn device_key(&self, id: &str) -> sqlx::Result<Option<DeviceKey>> {
        let row = sqlx::query(
            "SELECT id, tenant_id, name, public_key, primary_user_id, retired_at FROM devices WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.map(|r| {
            Ok(DeviceKey {
                id: r.try_get("id")?,
                tenant_id: r.try_get("tenant_id")?,
                name: r.try_get("name")?,
                public_key: r.try_get("public_key")?,
                primary_user_id: r.try_get("primary_user_id")?,
                retired_at: r.try_get("retired_at")?,
            })
        })
        .transpose()
    }

    /// Devices matching the filter, by name, and how many match in all.
    pub async fn list_devices(
        &self,
        tenant_id: &str,
        f: &DeviceFilter,
    ) -> sqlx::Result<(Vec<Device>, i64)> {
        let mut w = Where::default();
        let t = w.arg(Arg::Text(tenant_id.to_owned()));
        w.cond.push(format!("tenant_id = {t}"));
        match f.retirement {
            Retirement::Active => w.cond.push("retired_at IS NULL".into()),
            Retirement::Retired => w.cond.push("retired_at IS NOT NULL".into()),
            Retirement::All => {}
        }
        if let Some(c) = &f.compliance {
            let p = w.arg(Arg::Text(c.clone()));
            w.cond.push(format!("compliance = {p}"));
        }
        if let Some(os) = &f.os {
            let p = w.arg(Arg::Text(os.to_lowercase()));
            w.cond
                .push(format!("(os_id = {p} OR LOWER(os_name) = {p})"));
        }
        if let Some(t) = f.checked_in_before {
            let p = w.arg(Arg::Int(t));
            w.cond.push(format!("last_check_in < {p}"));
        }
        if let Some(t) = f.checked_in_after {
            let p = w.arg(Arg::Int(t));
            w.cond.push(format!("last_check_in > {p}"));
        }
        if let Some(s) = f.search.as_deref().filter(|s| !s.is_empty()) {
            let p = w.arg(Arg::Text(format!("%{}%", escape_like(&s.to_lowercase()))));
            w.cond.push(format!(
                "(LOWER(name) LIKE {p} ESCAPE '\\' OR LOWER(COALESCE(primary_user_login, '')) LIKE {p} ESCAPE '\\')"
            ));
        }
        if let Some(groups) = &f.scope_groups {
            if groups.is_empty() {
                w.cond.push("1 = 0".into());
            } else {
                let marks: Vec<String> =
                    groups.iter().map(|g| w.arg(Arg::Text(g.clone()))).collect();
                w.cond.push(format!(
                    "primary_user_id IN (SELECT user_id FROM group_members WHERE group_id IN ({}))",
                    marks.join(", ")
                ));
            }
        }
        let Where { cond, args } = w;
        let where_ = cond.join(" AND ");
        let n = args.len();
        let q = format!(
            "SELECT {DEVICE_COLS} FROM devices WHERE {where_} ORDER BY LOWER(name), id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let rows = bind_args(sqlx::query(AssertSqlSafe(q)), &args)
            .bind(f.limit)
            .bind(f.offset)
            .fetch_all(self.pool())
            .await?;
        let cq = format!("SELECT COUNT(*) AS n FROM devices WHERE {where_}");
        let total: i64 = bind_args(sqlx::query(AssertSqlSafe(cq)), &args)
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        Ok((
            rows.iter().map(device_from).collect::<sqlx::Result<_>>()?,
            total,
        ))
    }

    /// Records a check-in: inventory, facts, time. The reported name is the host name: it is kept
    /// as `hostname` and never renames the device. The primary user changes only when not pinned.
    pub async fn record_check_in(
        &self,
        tenant_id: &str,
        id: &str,
        r: &CheckedReport,
        reported_user_id: Option<&str>,
        now: i64,
    ) -> sqlx::Result<bool> {
        let facts = serde_json::to_string(&r.facts).unwrap_or_else(|_| "{}".into());
        let done = sqlx::query(
            "UPDATE devices SET hostname = $1, os_id = $2, os_name = $3, os_version = $4, kernel = $5, \
             agent_version = $6, primary_user_login = $7, \
             primary_user_id = CASE WHEN primary_user_pinned = 1 THEN primary_user_id ELSE $8 END, \
             facts = $9, last_check_in = $10, last_boot = $11 \
             WHERE tenant_id = $12 AND id = $13 AND retired_at IS NULL",
        )
        .bind(&r.name)
        .bind(&r.os_id)
        .bind(&r.os_name)
        .bind(&r.os_version)
        .bind(&r.kernel)
        .bind(&r.agent_version)
        .bind(r.primary_user.as_deref())
        .bind(reported_user_id)
        .bind(facts)
        .bind(now)
        .bind(r.last_boot)
        .bind(tenant_id)
        .bind(id)
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores a compliance result of a device of `tenant_id`; true when the state or reasons
    /// changed. A change of state is committed with its audit entry `audit` (and when another
    /// node stored the same result first, neither is written again).
    pub async fn set_compliance(
        &self,
        tenant_id: &str,
        id: &str,
        result: (&str, &[String]),
        now: i64,
        audit: Option<&AuditEntry>,
    ) -> sqlx::Result<bool> {
        let (state, reasons) = result;
        let reasons = serde_json::to_string(reasons).unwrap_or_else(|_| "[]".into());
        let store = sqlx::query(
            "UPDATE devices SET compliance = $1, compliance_reasons = $2, evaluated_at = $3 \
             WHERE tenant_id = $4 AND id = $5 AND (compliance <> $1 OR compliance_reasons <> $2)",
        )
        .bind(state)
        .bind(&reasons)
        .bind(now)
        .bind(tenant_id)
        .bind(id);
        let changed = match audit {
            Some(entry) => {
                let mut w = self.audited(tenant_id).await?;
                let changed = store
                    .execute(crate::store::counting(&mut **w.tx()))
                    .await?
                    .rows_affected()
                    > 0;
                if changed {
                    w.commit(entry).await?;
                }
                changed
            }
            None => store.execute(self.pool()).await?.rows_affected() > 0,
        };
        if !changed {
            sqlx::query("UPDATE devices SET evaluated_at = $1 WHERE id = $2")
                .bind(now)
                .bind(id)
                .execute(self.pool())
                .await?;
            return Ok(false);
        }
        Ok(true)
    }

    /// Renames a device and/or sets its primary user (`Some(None)`: back to the reported one),
    /// with its audit entry; false (and nothing written) when there is no such device.
    pub async fn update_device(
        &self,
        tenant_id: &str,
        id: &str,
        change: &DeviceChange<'_>,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        let (name, primary_user, reported_user_id) =
            (change.name, change.primary_user, change.reported_user_id);
        let mut w = self.audited(tenant_id).await?;
        let tx = w.tx();
        let exists = sqlx::query("SELECT id FROM devices WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(crate::store::counting(&mut **tx))
            .await?;
        if exists.is_none() {
            return Ok(false);
        }
        if let Some(name) = name {
            sqlx::query("UPDATE devices SET name = $1 WHERE id = $2")
                .bind(name)
                .bind(id)
                .execute(crate::store::counting(&mut **tx))
                .await?;
        }
        match primary_user {
            Some(Some(user)) => {
                sqlx::query(
                    "UPDATE devices SET primary_user_id = $1, primary_user_pinned = 1 WHERE id = $2",
                )
                .bind(user)
                .bind(id)
                .execute(crate::store::counting(&mut **tx))
                .await?;
            }
            Some(None) => {
                sqlx::query(
                    "UPDATE devices SET primary_user_id = $1, primary_user_pinned = 0 WHERE id = $2",
                )
                .bind(reported_user_id)
                .bind(id)
                .execute(crate::store::counting(&mut **tx))
                .await?;
            }
            None => {}
        }
        w.commit(audit).await?;
        Ok(true)
    }

    /// Retires a device with its audit entry; false if there is no such enrolled device.
    pub async fn retire_device(
        &self,
        tenant_id: &str,
        id: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> sqlx::Result<bool> {
        self.stamp_once("devices", "retired_at", tenant_id, id, now, audit)
            .await
    }

    /// Records that `conn` is the device's open channel (a newer one replaces an older).
    pub async fn channel_opened(&self, device_id: &str, conn: &str, now: i64) -> sqlx::Result<()> {
        sqlx::query("UPDATE devices SET channel_conn = $1, channel_changed_at = $2 WHERE id = $3")
            .bind(conn)
            .bind(now)
            .bind(device_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Records that the channel `conn` closed, unless a newer one took its place.
    pub async fn channel_closed(&self, device_id: &str, conn: &str, now: i64) -> sqlx::Result<()> {
        sqlx::query(
            "UPDATE devices SET channel_conn = NULL, channel_changed_at = $1 \
             WHERE id = $2 AND channel_conn = $3",
        )
        .bind(now)
        .bind(device_id)
        .bind(conn)
        .execute(self.pool())
        .await?;
        Ok(())
    }

    /// Marks the channels held by `node` (a node found dead, or this node at start) closed;
    /// returns how many there were.
    pub async fn channels_of_node_closed(&self, node: &str, now: i64) -> sqlx::Result<u64> {
        let done = sqlx::query(
            "UPDATE devices SET channel_conn = NULL, channel_changed_at = $1 \
             WHERE channel_conn LIKE $2",
        )
        .bind(now)
        .bind(format!("{node}.%"))
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }

    /// The most recent sessions held with a device.
    pub async fn device_sessions(
        &self,
        tenant_id: &str,
        device_id: &str,
        limit: i64,
    ) -> sqlx::Result<Vec<DeviceSession>> {
        let rows = sqlx::query(
            "SELECT s.id, s.helper_id, u.full_name, s.state, s.created_at, s.ended_at FROM sessions s \
             JOIN users u ON u.id = s.helper_id WHERE s.tenant_id = $1 AND s.device_id = $2 \
             ORDER BY s.created_at DESC LIMIT $3",
        )
        .bind(tenant_id)
        .bind(device_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DeviceSession {
                    id: r.try_get("id")?,
                    helper_id: r.try_get("helper_id")?,
                    helper_name: r.try_get("full_name")?,
                    state: r.try_get("state")?,
                    created_at: r.try_get("created_at")?,
                    ended_at: r.try_get("ended_at")?,
                })
            })
            .collect()
    }

    /// Ids of the tenant's enrolled devices, a page at a time (by id, after `after`).
    pub async fn active_device_ids(
        &self,
        tenant_id: &str,
        after: &str,
        limit: i64,
    ) -> sqlx::Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT id FROM devices WHERE tenant_id = $1 AND retired_at IS NULL AND id > $2 ORDER BY id LIMIT $3",
        )
        .bind(tenant_id)
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|r| r.try_get("id")).collect()
    }

    /// The user a reported login name stands for: the user with that email, or else the only
    /// user whose email's local part is that name (any case). Disabled users are skipped.
    pub async fn user_for_login(
        &self,
        tenant_id: &str,
        login: &str,
    ) -> sqlx::Result<Option<String>> {
        let login = login.trim().to_lowercase();
        if login.is_empty() {
            return Ok(None);
        }
        let exact = sqlx::query(
            "SELECT id FROM users WHERE tenant_id = $1 AND email = $2 AND disabled = 0",
        )
        .bind(tenant_id)
        .bind(&login)
        .fetch_optional(self.pool())
        .await?;
        if let Some(r) = exact {
            return Ok(Some(r.try_get("id")?));
        }
        if login.contains('@') {
            return Ok(None);
        }
        let pattern = format!("{}@%", escape_like(&login));
        let rows = sqlx::query(
            "SELECT id FROM users WHERE tenant_id = $1 AND email LIKE $2 ESCAPE '\\' AND disabled = 0 LIMIT 2",
        )
        .bind(tenant_id)
        .bind(pattern)
        .fetch_all(self.pool())
        .await?;
        match rows.as_slice() {
            [one] => Ok(Some(one.try_get("id")?)),
            _ => Ok(None),
        }
    }
}

/// Escapes `%`, `_` and `\` for a LIKE pattern with `ESCAPE '\'`.
fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
