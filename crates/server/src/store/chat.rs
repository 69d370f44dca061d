//! The chat thread of a session: messages numbered 1, 2, ... in the order they were stored.
//!
//! `chat_threads` holds the number of each thread's last message. Appending raises it by the
//! number of new messages, which takes its row until the commit: when two nodes append to one
//! thread at once (the helper on one node, the sharer on the other), the later statement waits
//! for the earlier one's commit and numbers its messages after them, so neither fails and the
//! thread has no gaps. A batch raises its threads' counters in session id order, so two batches
//! never wait for each other in a cycle. The counter has a narrow table of its own: raising it
//! touches no index and leaves the session's row alone.
//!
//! On PostgreSQL a batch is one statement (raise the counters, insert the messages, insert their
//! audit entries) with the messages as one JSON parameter: one round trip and one commit, and
//! one statement text for every batch size. SQLite has no data-modifying `WITH`; there the same
//! three steps are three statements in one transaction, in process.

use super::audit::{AuditEntry, append};
use super::{Backend, Store};
use crate::audit::action::Action;
use crate::clock::now_ms;
use crate::limits::CHAT_BATCH_MAX;
use assist_proto::session::{Role, StateName};
use serde::Serialize;
use sqlx::{AssertSqlSafe, Row};
use std::collections::HashMap;

/// One chat message.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChatRecord {
    /// The position in the thread (1, 2, ...), also the message id on the wire.
    pub seq: i64,
    #[schema(value_type = String)]
    pub from: Role,
    pub sender_id: String,
    pub text: String,
    pub sent_at: i64,
}

/// A chat message to store: already sanitised and allowed.
#[derive(Debug, Clone)]
pub struct NewChat {
    pub tenant_id: String,
    pub session_id: String,
    pub from: Role,
    pub sender_id: String,
    pub text: String,
    pub sent_at: i64,
    /// The sender's network address, for the audit entry.
    pub address: Option<String>,
}

/// The audit action of a stored message.
const CHAT_SENT: Action = Action::SessionChatSent;

/// How often a message stored alone is tried before its error is reported.
const ATTEMPTS_ALONE: usize = 3;

impl Store {
    /// Appends messages, each at the end of its session's thread, with their audit entries (one
    /// commit per [`CHAT_BATCH_MAX`] messages). A message whose session is over (or
    /// gone) is not stored: its slot in the answer is `None`. Messages of one session keep
    /// their order in the batch.
    pub async fn add_chats(&self, batch: &[NewChat]) -> sqlx::Result<Vec<Option<ChatRecord>>> {
        let mut out = Vec::with_capacity(batch.len());
        for run in batch.chunks(CHAT_BATCH_MAX) {
            let seqs = match self.backend() {
                Backend::Postgres => append_postgres(self, run).await?,
                Backend::Sqlite => append_sqlite(self, run).await?,
            };
            out.extend(run.iter().zip(seqs).map(|(m, seq)| {
                seq.map(|seq| ChatRecord {
                    seq,
                    from: m.from,
                    sender_id: m.sender_id.clone(),
                    text: m.text.clone(),
                    sent_at: m.sent_at,
                })
            }));
        }
        Ok(out)
    }

    /// Appends one message, trying again after a failure (a lost connection, a restarting
    /// database): the writer's way when a whole batch failed, so that one message's trouble is
    /// only its own.
    pub async fn add_chat(&self, msg: &NewChat) -> sqlx::Result<Option<ChatRecord>> {
        let mut last = None;
        for _ in 0..ATTEMPTS_ALONE {
            match self.add_chats(std::slice::from_ref(msg)).await {
                Ok(mut recs) => return Ok(recs.pop().flatten()),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or(sqlx::Error::RowNotFound))
    }

    /// The whole chat thread of a session, in order.
    pub async fn chat(&self, session_id: &str) -> sqlx::Result<Vec<ChatRecord>> {
        self.chat_after(session_id, 0, i64::MAX).await
    }

    /// The number of a thread's last message (0 before the first).
    pub async fn last_chat_seq(&self, session_id: &str) -> sqlx::Result<i64> {
        let row = sqlx::query("SELECT last_seq FROM chat_threads WHERE session_id = $1")
            .bind(session_id)
            .fetch_optional(self.pool())
            .await?;
        row.map_or(Ok(0), |r| r.try_get("last_seq"))
    }

    /// At most `limit` messages of a thread after number `after`, in order: what a live
    /// connection that has sent up to `after` still owes its client.
    pub async fn chat_after(
        &self,
        session_id: &str,
        after: i64,
        limit: i64,
    ) -> sqlx::Result<Vec<ChatRecord>> {
        let rows = sqlx::query(
            "SELECT seq, sender_role, sender_id, text, sent_at FROM chat_messages \
             WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(session_id)
        .bind(after)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| {
                let role: String = r.try_get("sender_role")?;
                Ok(ChatRecord {
                    seq: r.try_get("seq")?,
                    from: if role == "helper" {
                        Role::Helper
                    } else {
                        Role::Sharer
                    },
                    sender_id: r.try_get("sender_id")?,
                    text: r.try_get("text")?,
                    sent_at: r.try_get("sent_at")?,
                })
            })
            .collect()
    }
}

/// Each message's place among its session's messages in `run`: 1, 2, ... in run order.
fn places(run: &[NewChat]) -> Vec<i64> {
    let mut count: HashMap<&str, i64> = HashMap::new();
    run.iter()
        .map(|m| {
            let n = count.entry(m.session_id.as_str()).or_default();
            *n += 1;
            *n
        })
        .collect()
}

/// The message's audit entry: the fact, not the text.
fn audit_entry(m: &NewChat, seq: i64) -> AuditEntry {
    AuditEntry {
        actor_id: Some(m.sender_id.clone()),
        actor: m.from.as_str().to_owned(),
        action: CHAT_SENT,
        target: Some(m.session_id.clone()),
        address: m.address.clone(),
        detail: serde_json::json!({"seq": seq, "chars": m.text.chars().count()}),
    }
}

/// Raises the counters of the live sessions among `run`'s (in session id order) and answers
/// each one's number before the raise, as the SQL of the `WITH` item `counted`: the rows of
/// `v(session_id, tenant_id, added)`, bound after the three terminal states. A macro, so that
/// the PostgreSQL statement can include it at compile time.
macro_rules! raise_counters {
    () => {
        "INSERT INTO chat_threads (session_id, last_seq) \
         SELECT v.session_id, v.added FROM v, sessions s \
         WHERE s.id = v.session_id AND s.tenant_id = v.tenant_id AND s.state NOT IN ($1, $2, $3) \
         ORDER BY v.session_id \
         ON CONFLICT (session_id) DO UPDATE SET last_seq = chat_threads.last_seq + excluded.last_seq \
         RETURNING session_id, last_seq"
    };
}
/// A message as a row of the batch that [`append_postgres`] hands over as one JSON parameter.
#[derive(Serialize)]
struct BatchRow<'a> {
    id: &'a str,
    session_id: &'a str,
    place: i64,
    sender_role: &'a str,
    sender_id: &'a str,
    text: &'a str,
    sent_at: i64,
    tenant_id: &'a str,
    address: Option<&'a str>,
    chars: i64,
}

/// PostgreSQL: one statement, whatever the batch's size: the messages arrive as one JSON array
/// (so the statement's text never changes, stays prepared on every connection, and a batch is one
/// round trip and one commit). The counters of the batch's live sessions are raised in session id
/// order (an upsert waits for a row another transaction holds and then raises the value that
/// transaction committed); the messages go in at the numbers below the new counters, and their
/// audit entries from what was inserted. The audit detail is the JSON `{"chars":…,"seq":…}`, as
/// [`audit_entry`] writes it.
async fn append_postgres(store: &Store, run: &[NewChat]) -> sqlx::Result<Vec<Option<i64>>> {
    const SQL: &str = concat!(
        "WITH m AS (SELECT * FROM json_to_recordset($6::json) AS r \
           (id TEXT, session_id TEXT, place BIGINT, sender_role TEXT, sender_id TEXT, text TEXT, \
            sent_at BIGINT, tenant_id TEXT, address TEXT, chars BIGINT)), \
         v AS (SELECT session_id, tenant_id, MAX(place) AS added FROM m GROUP BY session_id, tenant_id), \
         counted AS (",
        raise_counters!(),
        "), \
         stored AS ( \
           INSERT INTO chat_messages (id, session_id, seq, sender_role, sender_id, text, sent_at) \
           SELECT m.id, m.session_id, c.last_seq - v.added + m.place, m.sender_role, m.sender_id, m.text, m.sent_at \
           FROM m JOIN v ON v.session_id = m.session_id JOIN counted c ON c.session_id = m.session_id \
           RETURNING id, seq), \
         audited AS ( \
           INSERT INTO audit (tenant_id, at, actor_id, actor, action, target, address, detail) \
           SELECT m.tenant_id, $4, m.sender_id, m.sender_role, $5, m.session_id, m.address, \
                  '{\"chars\":' || m.chars || ',\"seq\":' || s.seq || '}' \
           FROM stored s JOIN m ON m.id = s.id) \
         SELECT id, seq FROM stored"
    );
    let ids: Vec<String> = run.iter().map(|_| super::new_id()).collect();
    let rows: Vec<BatchRow> = run
        .iter()
        .zip(&ids)
        .zip(places(run))
        .map(|((m, id), place)| BatchRow {
            id,
            session_id: &m.session_id,
            place,
            sender_role: m.from.as_str(),
            sender_id: &m.sender_id,
            text: &m.text,
            sent_at: m.sent_at,
            tenant_id: &m.tenant_id,
            address: m.address.as_deref(),
            chars: i64::try_from(m.text.chars().count()).unwrap_or(i64::MAX),
        })
        .collect();
    let rows = serde_json::to_string(&rows).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    let stored = sqlx::query(SQL)
        .bind(StateName::TERMINAL[0].as_str())
        .bind(StateName::TERMINAL[1].as_str())
        .bind(StateName::TERMINAL[2].as_str())
        .bind(now_ms())
        .bind(CHAT_SENT.as_str())
        .bind(rows)
        .fetch_all(store.pool())
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<String, _>("id")?, r.try_get::<i64, _>("seq")?)))
        .collect::<sqlx::Result<HashMap<_, _>>>()?;
    Ok(ids.iter().map(|id| stored.get(id).copied()).collect())
}

/// SQLite: the same steps as three statements in one transaction (SQLite takes one writer at a
/// time, so nothing waits on a row here); the counters with the same SQL as on PostgreSQL. The
/// inserts list their rows, so they go in runs of 1, 2, 4, ... rows (a few statement texts, all
/// kept prepared).
async fn append_sqlite(store: &Store, run: &[NewChat]) -> sqlx::Result<Vec<Option<i64>>> {
    let places = places(run);
    let mut counts: Vec<(&str, &str, i64)> = Vec::new();
    for (m, &place) in run.iter().zip(&places) {
        match counts.iter_mut().find(|(s, _, _)| *s == m.session_id) {
            Some(c) => c.2 = place,
            None => counts.push((&m.session_id, &m.tenant_id, place)),
        }
    }
    let mut tx = store.pool().begin().await?;
    let sql = format!(
        "WITH v (session_id, tenant_id, added) AS (VALUES {}) {}",
        (0..counts.len())
            .map(|r| super::placeholders(4 + r * 3, 3))
            .collect::<Vec<_>>()
            .join(", "),
        raise_counters!()
    );
    let mut q = sqlx::query(AssertSqlSafe(sql))
        .bind(StateName::TERMINAL[0].as_str())
        .bind(StateName::TERMINAL[1].as_str())
        .bind(StateName::TERMINAL[2].as_str());
    for (session, tenant, count) in &counts {
        q = q.bind(*session).bind(*tenant).bind(*count);
    }
    let raised = q
        .fetch_all(crate::store::counting(&mut *tx))
        .await?
        .iter()
        .map(|r| {
            Ok((
                r.try_get::<String, _>("session_id")?,
                r.try_get::<i64, _>("last_seq")?,
            ))
        })
        .collect::<sqlx::Result<HashMap<_, _>>>()?;
    let seqs: Vec<Option<i64>> = run
        .iter()
        .zip(&places)
        .map(|(m, place)| {
            let count = counts
                .iter()
                .find(|c| c.0 == m.session_id)
                .map_or(0, |c| c.2);
            raised.get(&m.session_id).map(|last| last - count + place)
        })
        .collect();
    let stored: Vec<(&NewChat, i64)> = run
        .iter()
        .zip(&seqs)
        .filter_map(|(m, seq)| seq.map(|seq| (m, seq)))
        .collect();
    for part in super::runs(&stored, CHAT_BATCH_MAX) {
        let sql = format!(
            "INSERT INTO chat_messages (id, session_id, seq, sender_role, sender_id, text, sent_at) VALUES {}",
            (0..part.len())
                .map(|r| super::placeholders(1 + r * 7, 7))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (m, seq) in part {
            q = q
                .bind(super::new_id())
                .bind(&m.session_id)
                .bind(*seq)
                .bind(m.from.as_str())
                .bind(&m.sender_id)
                .bind(&m.text)
                .bind(m.sent_at);
        }
        q.execute(crate::store::counting(&mut *tx)).await?;
    }
    if let Some((first, _)) = stored.first() {
        let audit: Vec<AuditEntry> = stored.iter().map(|(m, seq)| audit_entry(m, *seq)).collect();
        append(&mut tx, Backend::Sqlite, &first.tenant_id, &audit).await?;
    }
    tx.commit().await?;
    Ok(seqs)
}
