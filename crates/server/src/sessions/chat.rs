//! The session's chat thread: sanitised, stored in order, delivered to both sides.
//!
//! Messages are written by one task per node, the [`ChatWriter`], which commits whatever has
//! queued up while the previous commit ran in one transaction (group commit): the message and its
//! audit entry together, and the refusal of a message whose session is over decided by the same
//! statement that stores it. Only after the commit is a message published to the peer, so what
//! the peer sees is always in the thread. Under load this turns hundreds of commits a second into
//! a few dozen, which is what keeps delivery fast with a thousand live sessions.

use super::bus::BusEvent;
use super::hub::Hub;
use crate::clock::now_ms;
use crate::error::{ApiResult, AppError};
use crate::limits::{
    CHAT_BATCH_MAX, CHAT_MESSAGES_PER_MINUTE, CHAT_QUEUE_MAX, CHAT_WRITERS_POSTGRES,
};
use crate::ratelimit::Limit;
use crate::state::AppState;
use crate::store::sessions::{ChatRecord, NewChat};
use crate::store::{Backend, Store};
use assist_proto::chat::sanitize_chat;
use assist_proto::session::Role;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

const CHAT_LIMIT: Limit = Limit {
    max: CHAT_MESSAGES_PER_MINUTE,
    window: Duration::from_secs(60),
};

/// Posts a message from the participant in `role` of session `session_id` (the caller has
/// checked that `user_id` is that participant).
pub async fn post(
    state: &AppState,
    session_id: &str,
    role: Role,
    user_id: &str,
    text: &str,
    address: Option<String>,
) -> ApiResult<ChatRecord> {
    if crate::api::settings::current(state).await?.chat_disabled {
        return Err(AppError::forbidden(
            "chat_disabled",
            "chat is turned off for this organisation",
        ));
    }
    let text = sanitize_chat(text).map_err(|e| AppError::bad_request(e.code(), e.to_string()))?;
    let key = format!("chat:{session_id}:{}", role.as_str());
    state
        .chat_limiter
        .check(&key, CHAT_LIMIT)
        .await
        .map_err(|retry_after_secs| AppError::RateLimited { retry_after_secs })?;
    state.chat_limiter.fail(&key, CHAT_LIMIT).await;
    let msg = NewChat {
        tenant_id: state.tenant_id.clone(),
        session_id: session_id.to_owned(),
        from: role,
        sender_id: user_id.to_owned(),
        text,
        sent_at: now_ms(),
        address,
    };
    match state.chat.write(msg).await? {
        Some(rec) => Ok(rec),
        None => Err(AppError::conflict(
            "session_over",
            "the session is over; chat is closed",
        )),
    }
}

/// A message waiting for the writer, and where its outcome goes.
struct Pending {
    msg: NewChat,
    done: oneshot::Sender<Result<Option<ChatRecord>, String>>,
}

/// This node's chat writer: queues in front of tasks that store messages in batches and publish
/// them once stored. One task on SQLite (it takes one writer at a time anyway); on PostgreSQL
/// `CHAT_WRITERS_POSTGRES`, each with the sessions whose id hashes to it, so that one session's
/// messages keep their order while several transactions are in flight.
pub struct ChatWriter {
    queues: Vec<mpsc::Sender<Pending>>,
}

impl ChatWriter {
    /// Starts the writer tasks (they end when the last handle is dropped).
    pub fn spawn(store: Store, hub: Arc<Hub>) -> ChatWriter {
        let writers = match store.backend() {
            Backend::Sqlite => 1,
            Backend::Postgres => CHAT_WRITERS_POSTGRES,
        };
        let queues = (0..writers)
            .map(|_| {
                let (queue, rx) = mpsc::channel(CHAT_QUEUE_MAX);
                tokio::spawn(run(store.clone(), hub.clone(), rx));
                queue
            })
            .collect();
        ChatWriter { queues }
    }

    /// Stores `msg` and publishes it to the session. `None`: the session is over or gone.
    pub async fn write(&self, msg: NewChat) -> ApiResult<Option<ChatRecord>> {
        let (done, outcome) = oneshot::channel();
        let queue = &self.queues[shard(&msg.session_id, self.queues.len())];
        queue
            .send(Pending { msg, done })
            .await
            .map_err(|_| anyhow::anyhow!("the chat writer has stopped"))?;
        match outcome.await {
            Ok(Ok(rec)) => Ok(rec),
            Ok(Err(e)) => Err(anyhow::anyhow!("storing a chat message: {e}").into()),
            Err(_) => Err(anyhow::anyhow!("the chat writer has stopped").into()),
        }
    }
}

/// The writer of a session's messages (FNV-1a of its id).
fn shard(session_id: &str, writers: usize) -> usize {
    let h = session_id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    usize::try_from(h % writers.max(1) as u64).unwrap_or(0)
}

async fn run(store: Store, hub: Arc<Hub>, mut rx: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(CHAT_BATCH_MAX);
    while rx.recv_many(&mut batch, CHAT_BATCH_MAX).await > 0 {
        let msgs: Vec<NewChat> = batch.iter().map(|p| p.msg.clone()).collect();
        let outcomes = match store.add_chats(&msgs).await {
            Ok(recs) => recs.into_iter().map(Ok).collect(),
            // A conflict with another node (or a failed commit): one at a time, with retries.
            Err(_) => {
                let mut each = Vec::with_capacity(msgs.len());
                for m in &msgs {
                    each.push(store.add_chat(m).await.map_err(|e| e.to_string()));
                }
                each
            }
        };
        for (p, outcome) in batch.drain(..).zip(outcomes) {
            if let Ok(Some(rec)) = &outcome {
                hub.publish(
                    &p.msg.session_id,
                    BusEvent::Chat {
                        id: rec.seq.to_string(),
                        from: rec.from,
                        text: rec.text.clone(),
                        sent_at: rec.sent_at,
                    },
                )
                .await;
            }
            if let Err(e) = &outcome {
                tracing::warn!(error = %e, session = %p.msg.session_id, "chat message not stored");
            }
            let _ = p.done.send(outcome);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::shard;

    #[test]
    fn a_session_always_has_the_same_writer_and_sessions_spread() {
        assert_eq!(shard("abc", 1), 0);
        assert_eq!(shard("abc", 4), shard("abc", 4));
        let used: std::collections::BTreeSet<usize> =
            (0..64).map(|i| shard(&format!("session{i}"), 4)).collect();
        assert_eq!(used.len(), 4, "64 sessions reach every writer");
    }
}
