//! The session's chat thread: sanitised, stored in order, delivered to both sides.
//!
//! Messages are written by one task per node, the [`ChatWriter`], which commits whatever has
//! queued up while the previous commit ran in one transaction (group commit): the message and its
//! audit entry together, and the refusal of a message whose session is over decided by the same
//! statement that stores it. Only after the commit is a message published to the peer, so what
//! the peer sees is always in the thread. Under load this turns hundreds of commits a second into
//! a few dozen, which is what keeps delivery fast with a thousand live sessions. One writer keeps
//! each session's messages in the order they arrived; on PostgreSQL a batch is one statement, and
//! one writer with larger batches measured faster than four with smaller ones
//! (`docs/benchmarks.md`).

use super::Context;
use super::bus::BusEvent;
use super::hub::Hub;
use crate::clock::now_ms;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::{CHAT_BATCH_MAX, CHAT_MESSAGES_PER_MINUTE, CHAT_QUEUE_MAX};
use crate::ratelimit::Limit;
use crate::store::Store;
use crate::store::chat::{ChatRecord, NewChat};
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
    state: &impl Context,
    session_id: &str,
    role: Role,
    user_id: &str,
    text: &str,
    address: Option<String>,
) -> ApiResult<ChatRecord> {
    if state.settings().current(state).await?.chat_disabled {
        return Err(AppError::forbidden(
            ErrorCode::ChatDisabled,
            "chat is turned off for this organisation",
        ));
    }
    let text = sanitize_chat(text)
        .map_err(|e| AppError::bad_request(ErrorCode::from(&e), e.to_string()))?;
    let key = format!("chat:{session_id}:{}", role.as_str());
    // Every message counts: the attempt is never given back.
    let _counted = state.chat_limiter().reserve(&key, CHAT_LIMIT).await??;
    let msg = NewChat {
        tenant_id: state.tenant_id().to_owned(),
        session_id: session_id.to_owned(),
        from: role,
        sender_id: user_id.to_owned(),
        text,
        sent_at: now_ms(),
        address,
    };
    match state.chat().write(msg).await? {
        Some(rec) => Ok(rec),
        None => Err(AppError::conflict(
            ErrorCode::SessionOver,
            "the session is over; chat is closed",
        )),
    }
}

/// A message waiting for the writer, and where its outcome goes.
struct Pending {
    msg: NewChat,
    done: oneshot::Sender<ApiResult<Option<ChatRecord>>>,
}

/// What the writer's queue carries: a message, or a request to be told once every message queued
/// before it is stored and published (`ChatWriter::flush`).
enum Job {
    Write(Pending),
    Flush(oneshot::Sender<()>),
}

/// This node's chat writer: a queue in front of the task that stores messages in batches and
/// publishes them once stored.
pub struct ChatWriter {
    queue: mpsc::Sender<Job>,
}

impl ChatWriter {
    /// Starts the writer task (it ends when the last handle is dropped).
    pub fn spawn(store: Store, hub: Arc<Hub>) -> ChatWriter {
        let (queue, rx) = mpsc::channel(CHAT_QUEUE_MAX);
        tokio::spawn(run(store, hub, rx));
        ChatWriter { queue }
    }

    /// Stores `msg` and publishes it to the session. `None`: the session is over or gone.
    pub async fn write(&self, msg: NewChat) -> ApiResult<Option<ChatRecord>> {
        let (done, outcome) = oneshot::channel();
        self.queue
            .send(Job::Write(Pending { msg, done }))
            .await
            .map_err(|_| anyhow::anyhow!("the chat writer has stopped"))?;
        match outcome.await {
            Ok(Ok(rec)) => Ok(rec),
            // The store's own error: 503 `database_unavailable` when the database is out of reach.
            Ok(Err(e)) => Err(e),
            Err(_) => Err(anyhow::anyhow!("the chat writer has stopped").into()),
        }
    }

    /// Returns once every message handed to the writer before the call is stored and published
    /// (or refused): a node that stops calls it last, so that no message it accepted is lost.
    pub async fn flush(&self) {
        let (done, flushed) = oneshot::channel();
        if self.queue.send(Job::Flush(done)).await.is_ok() {
            let _ = flushed.await;
        }
    }
}

async fn run(store: Store, hub: Arc<Hub>, mut rx: mpsc::Receiver<Job>) {
    let mut jobs = Vec::with_capacity(CHAT_BATCH_MAX);
    let mut batch = Vec::with_capacity(CHAT_BATCH_MAX);
    let mut flushes = Vec::new();
    while rx.recv_many(&mut jobs, CHAT_BATCH_MAX).await > 0 {
        for job in jobs.drain(..) {
            match job {
                Job::Write(p) => batch.push(p),
                Job::Flush(done) => flushes.push(done),
            }
        }
        let msgs: Vec<NewChat> = batch.iter().map(|p| p.msg.clone()).collect();
        let stored = if msgs.is_empty() {
            Ok(Vec::new())
        } else {
            store.add_chats(&msgs).await
        };
        let outcomes = match stored {
            Ok(recs) => recs.into_iter().map(Ok).collect(),
            // A failed statement (a lost connection, a restarting database): one at a time, so
            // that one message's trouble is only its own.
            Err(_) => {
                let mut each = Vec::with_capacity(msgs.len());
                for m in &msgs {
                    each.push(store.add_chat(m).await.map_err(AppError::from));
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
                tracing::warn!(error = ?e, session = %p.msg.session_id, "chat message not stored");
            }
            let _ = p.done.send(outcome);
        }
        // Everything queued before a flush was in this batch or an earlier one.
        for done in flushes.drain(..) {
            let _ = done.send(());
        }
    }
}
