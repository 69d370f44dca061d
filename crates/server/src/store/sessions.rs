//! Remote help sessions: rows with optimistic concurrency, and reports.

use super::Store;
use super::audit::AuditEntry;
use assist_proto::presence::PeerPresence;
use assist_proto::session::{Role, Session};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

/// Who is connected: each participant's presence and the id of their current connection.
///
/// The presences are stored as JSON (`presence`); the connection ids in columns of their own
/// (`helper_conn`, `sharer_conn`), each with the node that holds it (`helper_node`,
/// `sharer_node`, indexed), so that the sessions a node holds are found without reading JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presence {
    pub helper: Option<PeerPresence>,
    pub sharer: Option<PeerPresence>,
    #[serde(skip)]
    pub helper_conn: Option<String>,
    #[serde(skip)]
    pub sharer_conn: Option<String>,
}

/// The node part of a connection id, `{node}.{random}` (`sessions::hub::Hub::new_conn_id`).
fn node_of(conn: Option<&str>) -> Option<&str> {
    conn.and_then(|c| c.split_once('.')).map(|(node, _)| node)
}

impl Presence {
    /// The presence of one side.
    pub fn of(&self, role: Role) -> Option<PeerPresence> {
        match role {
            Role::Helper => self.helper,
            Role::Sharer => self.sharer,
        }
    }

    /// The current connection id of one side.
    pub fn conn(&self, role: Role) -> Option<&str> {
        match role {
            Role::Helper => self.helper_conn.as_deref(),
            Role::Sharer => self.sharer_conn.as_deref(),
        }
    }

    /// Mutable access to one side: (presence, connection id).
    pub fn side_mut(&mut self, role: Role) -> (&mut Option<PeerPresence>, &mut Option<String>) {
        match role {
            Role::Helper => (&mut self.helper, &mut self.helper_conn),
            Role::Sharer => (&mut self.sharer, &mut self.sharer_conn),
        }
    }
}

/// How the sharer takes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SharerKind {
    /// The web app (view only, unverified device).
    Web,
    /// The native agent on an enrolled device that proved itself.
    Agent,
}

impl SharerKind {
    fn as_str(self) -> &'static str {
        match self {
            SharerKind::Web => "web",
            SharerKind::Agent => "agent",
        }
    }
}

/// A session as stored.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: String,
    pub tenant_id: String,
    pub helper_id: String,
    pub sharer_id: Option<String>,
    pub device_id: Option<String>,
    pub sharer_kind: Option<SharerKind>,
    /// Cleared once the code has been used or can no longer be used.
    pub code_hash: Option<String>,
    pub machine: Session,
    pub presence: Presence,
    pub helper_address: Option<String>,
    pub sharer_address: Option<String>,
    /// Incremented by every save; a save with a stale version fails.
    pub version: i64,
    /// When the sweeper looks at the session next (as stored).
    pub deadline: Option<i64>,
    /// The helper's sign-in used a second factor when the session was created (a fact for
    /// conditional access when an unattended allow is checked later).
    pub helper_second_factor: bool,
    /// A request was allowed by the sharer's agent without asking the sharer (unattended consent).
    pub unattended: bool,
}

/// One line of the session report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportRow {
    pub id: String,
    pub helper_email: String,
    pub helper_name: String,
    pub sharer_email: Option<String>,
    pub sharer_name: Option<String>,
    pub device_id: Option<String>,
    pub sharer_kind: Option<String>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
    /// Seconds from start (or join) to end.
    pub duration_secs: Option<i64>,
    /// The highest mode allowed: `view`, `control` or none.
    pub mode: Option<String>,
    /// The final state and reason, e.g. `ended:helper_ended`, `denied`, `expired`, or the live state.
    pub outcome: String,
    /// How the sharer consented: `interactive` (answered the prompt), `unattended` (the agent
    /// allowed without asking, as role and policy permitted), or none (never allowed).
    pub consent: Option<String>,
    /// The session's file transfers, oldest first (filled by the report from the transfers).
    pub transfers: Vec<assist_proto::transfer::TransferView>,
}

fn row_from(r: &AnyRow) -> sqlx::Result<SessionRow> {
    let machine: String = r.try_get("machine")?;
    let presence: String = r.try_get("presence")?;
    let kind: Option<String> = r.try_get("sharer_kind")?;
    Ok(SessionRow {
        id: r.try_get("id")?,
        tenant_id: r.try_get("tenant_id")?,
        helper_id: r.try_get("helper_id")?,
        sharer_id: r.try_get("sharer_id")?,
        device_id: r.try_get("device_id")?,
        sharer_kind: match kind.as_deref() {
            Some("agent") => Some(SharerKind::Agent),
            Some("web") => Some(SharerKind::Web),
            _ => None,
        },
        code_hash: r.try_get("code_hash")?,
        machine: serde_json::from_str(&machine).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        presence: Presence {
            helper_conn: r.try_get("helper_conn")?,
            sharer_conn: r.try_get("sharer_conn")?,
            ..serde_json::from_str(&presence).unwrap_or_default()
        },
        helper_address: r.try_get("helper_address")?,
        sharer_address: r.try_get("sharer_address")?,
        version: r.try_get("version")?,
        deadline: r.try_get("deadline")?,
        helper_second_factor: r.try_get::<i64, _>("helper_second_factor")? != 0,
        unattended: r.try_get::<i64, _>("unattended")? != 0,
    })
}

fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "{}".into())
}

impl Store {
    /// Stores a new session with its audit entry; `deadline` is when the sweeper must look at
    /// it next.
    pub async fn insert_session(
        &self,
        s: &SessionRow,
        deadline: Option<i64>,
        audit: &AuditEntry,
    ) -> sqlx::Result<()> {
        let mut w = self.audited(&s.tenant_id).await?;
        sqlx::query(
            "INSERT INTO sessions (id, tenant_id, helper_id, sharer_id, device_id, sharer_kind, code_hash, state, machine, \
             created_at, expires_at, ended_at, version, deadline, presence, helper_address, sharer_address, \
             helper_second_factor, unattended, helper_conn, sharer_conn, helper_node, sharer_node) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, $13, $14, $15, $16, $17, $18, \
             $19, $20, $21, $22)",
        )
        .bind(&s.id)
        .bind(&s.tenant_id)
        .bind(&s.helper_id)
        .bind(&s.sharer_id)
        .bind(&s.device_id)
        .bind(s.sharer_kind.map(SharerKind::as_str))
        .bind(&s.code_hash)
        .bind(s.machine.state.name().as_str())
        .bind(json(&s.machine))
        .bind(s.machine.created_at)
        .bind(s.machine.code_expires_at)
        .bind(s.machine.ended_at)
        .bind(deadline)
        .bind(json(&s.presence))
        .bind(&s.helper_address)
        .bind(&s.sharer_address)
        .bind(i64::from(s.helper_second_factor))
        .bind(i64::from(s.unattended))
        .bind(&s.presence.helper_conn)
        .bind(&s.presence.sharer_conn)
        .bind(node_of(s.presence.helper_conn.as_deref()))
        .bind(node_of(s.presence.sharer_conn.as_deref()))
        .execute(crate::store::counting(&mut **w.tx()))
        .await?;
        w.commit(audit).await
    }

    /// A session of the tenant.
    pub async fn session(&self, tenant_id: &str, id: &str) -> sqlx::Result<Option<SessionRow>> {
        self.session_where("id", tenant_id, id).await
    }

    /// The session whose unused code has this hash.
    pub async fn session_by_code(
        &self,
        tenant_id: &str,
        code_hash: &str,
    ) -> sqlx::Result<Option<SessionRow>> {
        self.session_where("code_hash", tenant_id, code_hash).await
    }

    /// The tenant's session whose `column` (a name written here, never input) has this value.
    async fn session_where(
        &self,
        column: &'static str,
        tenant_id: &str,
        value: &str,
    ) -> sqlx::Result<Option<SessionRow>> {
        let q = format!("SELECT * FROM sessions WHERE tenant_id = $1 AND {column} = $2");
        let row = sqlx::query(AssertSqlSafe(q))
            .bind(tenant_id)
            .bind(value)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(row_from).transpose()
    }

    /// Remembers a session's used code (until the code would have expired), so that entering it
    /// again can say so.
    pub async fn remember_used_code(&self, id: &str, code_hash: &str) -> sqlx::Result<()> {
        sqlx::query("UPDATE sessions SET used_code_hash = $1 WHERE id = $2")
            .bind(code_hash)
            .bind(id)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Whether this code opened a session of the tenant and would not have expired yet.
    pub async fn code_was_used(
        &self,
        tenant_id: &str,
        code_hash: &str,
        now: i64,
    ) -> sqlx::Result<bool> {
        let row = sqlx::query(
            "SELECT id FROM sessions WHERE tenant_id = $1 AND used_code_hash = $2 AND expires_at > $3 LIMIT 1",
        )
        .bind(tenant_id)
        .bind(code_hash)
        .bind(now)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.is_some())
    }

    /// Saves a changed session if nobody saved it since it was read. Returns false on a conflict
    /// (read it again and retry).
    pub async fn save_session(&self, s: &SessionRow, deadline: Option<i64>) -> sqlx::Result<bool> {
        self.save_session_with(s, deadline, &[]).await
    }

    /// [`Store::save_session`] with the audit entries of the change: saved and committed with
    /// them, or (on a conflict) neither.
    pub async fn save_session_with(
        &self,
        s: &SessionRow,
        deadline: Option<i64>,
        audit: &[AuditEntry],
    ) -> sqlx::Result<bool> {
        let save = sqlx::query(
            "UPDATE sessions SET sharer_id = $1, device_id = $2, sharer_kind = $3, code_hash = $4, state = $5, \
             machine = $6, ended_at = $7, deadline = $8, presence = $9, helper_address = $10, sharer_address = $11, \
             unattended = $12, helper_conn = $13, sharer_conn = $14, helper_node = $15, sharer_node = $16, \
             version = version + 1 WHERE id = $17 AND version = $18",
        )
        .bind(&s.sharer_id)
        .bind(&s.device_id)
        .bind(s.sharer_kind.map(SharerKind::as_str))
        .bind(&s.code_hash)
        .bind(s.machine.state.name().as_str())
        .bind(json(&s.machine))
        .bind(s.machine.ended_at)
        .bind(deadline)
        .bind(json(&s.presence))
        .bind(&s.helper_address)
        .bind(&s.sharer_address)
        .bind(i64::from(s.unattended))
        .bind(&s.presence.helper_conn)
        .bind(&s.presence.sharer_conn)
        .bind(node_of(s.presence.helper_conn.as_deref()))
        .bind(node_of(s.presence.sharer_conn.as_deref()))
        .bind(&s.id)
        .bind(s.version);
        if audit.is_empty() {
            return Ok(save.execute(self.pool()).await?.rows_affected() == 1);
        }
        let mut w = self.audited(&s.tenant_id).await?;
        if save
            .execute(crate::store::counting(&mut **w.tx()))
            .await?
            .rows_affected()
            == 0
        {
            return Ok(false);
        }
        w.commit_all(audit).await?;
        Ok(true)
    }

    /// Sessions whose deadline has come: (tenant, id).
    pub async fn due_sessions(&self, now: i64, limit: i64) -> sqlx::Result<Vec<(String, String)>> {
        let rows = sqlx::query("SELECT tenant_id, id FROM sessions WHERE deadline IS NOT NULL AND deadline <= $1 LIMIT $2")
            .bind(now)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("tenant_id")?, r.try_get("id")?)))
            .collect()
    }

    /// The sessions a user took part in, newest first.
    pub async fn sessions_of(
        &self,
        tenant_id: &str,
        user_id: &str,
        limit: i64,
    ) -> sqlx::Result<Vec<SessionRow>> {
        let rows = sqlx::query(
            "SELECT * FROM sessions WHERE tenant_id = $1 AND (helper_id = $2 OR sharer_id = $2) \
             ORDER BY created_at DESC LIMIT $3",
        )
        .bind(tenant_id)
        .bind(user_id)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(row_from).collect()
    }

    /// Sessions created in `[from, to]`, oldest first, for the report.
    pub async fn session_report(
        &self,
        tenant_id: &str,
        from: i64,
        to: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<ReportRow>> {
        let q = "SELECT s.id, s.device_id, s.sharer_kind, s.machine, s.created_at, s.unattended, h.email AS helper_email, \
                 h.full_name AS helper_name, u.email AS sharer_email, u.full_name AS sharer_name \
                 FROM sessions s JOIN users h ON h.id = s.helper_id LEFT JOIN users u ON u.id = s.sharer_id \
                 WHERE s.tenant_id = $1 AND s.created_at >= $2 AND s.created_at <= $3 ORDER BY s.created_at LIMIT $4";
        let rows = sqlx::query(AssertSqlSafe(q))
            .bind(tenant_id)
            .bind(from)
            .bind(to)
            .bind(limit)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| {
                let m: Session = serde_json::from_str(&r.try_get::<String, _>("machine")?)
                    .map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
                let start = m.started_at.or(m.joined_at);
                let outcome = match m.end_reason() {
                    Some(reason) => format!("ended:{}", reason.as_str()),
                    None => m.state.name().as_str().to_owned(),
                };
                Ok(ReportRow {
                    id: r.try_get("id")?,
                    helper_email: r.try_get("helper_email")?,
                    helper_name: r.try_get("helper_name")?,
                    sharer_email: r.try_get("sharer_email")?,
                    sharer_name: r.try_get("sharer_name")?,
                    device_id: r.try_get("device_id")?,
                    sharer_kind: r.try_get("sharer_kind")?,
                    created_at: r.try_get("created_at")?,
                    started_at: m.started_at,
                    ended_at: m.ended_at,
                    duration_secs: match (start, m.ended_at) {
                        (Some(s), Some(e)) => Some((e - s).max(0) / 1000),
                        _ => None,
                    },
                    mode: m.highest_mode.map(|md| md.as_str().to_owned()),
                    outcome,
                    consent: m.highest_mode.map(|_| {
                        if r.try_get::<i64, _>("unattended").unwrap_or(0) != 0 {
                            "unattended".to_owned()
                        } else {
                            "interactive".to_owned()
                        }
                    }),
                    transfers: Vec::new(),
                })
            })
            .collect()
    }

    /// Sessions of a helper still waiting for a sharer.
    pub async fn count_waiting(
        &self,
        tenant_id: &str,
        helper_id: &str,
        now: i64,
    ) -> sqlx::Result<i64> {
        sqlx::query("SELECT COUNT(*) AS n FROM sessions WHERE tenant_id = $1 AND helper_id = $2 AND state = 'waiting' AND expires_at > $3")
            .bind(tenant_id)
            .bind(helper_id)
            .bind(now)
            .fetch_one(self.pool())
            .await?
            .try_get("n")
    }

    /// Number of sessions per state.
    pub async fn sessions_by_state(&self, tenant_id: &str) -> sqlx::Result<Vec<(String, i64)>> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM sessions WHERE tenant_id = $1 GROUP BY state ORDER BY state")
            .bind(tenant_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("state")?, r.try_get("n")?)))
            .collect()
    }
}
