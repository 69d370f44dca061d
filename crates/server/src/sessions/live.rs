//! The live WebSocket of a participant: `GET /ws/sessions/{id}`.
//!
//! Each connection is one task: it subscribes to its session on the hub, marks its side online,
//! sends `hello`, then waits on three things at once: frames from the client, events from the
//! hub, and its heartbeat timer (a ping to a client silent for a second; silent for
//! `LOST_AFTER_MS` means lost).
//! On exit it marks its side `left` (close frame) or `lost` (error or silence), unless a newer
//! connection of the same side has taken over.

use super::bus::{BusEvent, RevokeScope};
use super::{chat, revoke, service, view};
use crate::auth::Authed;
use crate::auth::extract::Via;
use crate::clock::now_ms;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::{
    LIVE_CATCH_UP_MAX, LIVE_CHAT_QUEUE, WS_MAX_MESSAGE_BYTES, WS_READ_BUFFER_BYTES,
    WS_WRITE_BUFFER_BYTES,
};
use crate::state::AppState;
use assist_proto::presence::{Heartbeat, Liveness, PresenceStatus};
use assist_proto::session::Role;
use assist_proto::wire::{ClientMessage, ErrorBody, PROTOCOL_VERSION, ServerMessage};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures_util::{FutureExt, SinkExt, StreamExt};
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

/// Upgrades to the live socket of a participant (404 for anyone else).
pub async fn upgrade(
    State(state): State<AppState>,
    who: Authed,
    crate::api::Path(id): crate::api::Path<String>,
    headers: axum::http::HeaderMap,
    ws: WebSocketUpgrade,
) -> ApiResult<Response> {
    crate::validate::id("id", &id)?;
    // A browser opens the socket with its cookie from any page: only the server's own pages may.
    if who.via == crate::auth::extract::Via::Cookie
        && !crate::origin::same_origin(&headers, &state.config)
    {
        return Err(AppError::forbidden(
            ErrorCode::CrossSiteRequest,
            "cross-site requests are refused",
        ));
    }
    let row = state
        .store
        .session(&state.tenant_id, &id)
        .await?
        .ok_or(AppError::NotFound("session"))?;
    let role = service::role_of(&row, &who.user.id).ok_or(AppError::NotFound("session"))?;
    let ws = ws
        .read_buffer_size(WS_READ_BUFFER_BYTES)
        .write_buffer_size(WS_WRITE_BUFFER_BYTES)
        .max_message_size(WS_MAX_MESSAGE_BYTES)
        .max_frame_size(WS_MAX_MESSAGE_BYTES);
    Ok(ws.on_upgrade(move |socket| async move {
        // A node that stops waits for this connection's goodbye (`sessions::moving`).
        let _draining = state.shutdown.hold();
        state
            .metrics
            .open_websockets
            .fetch_add(1, Ordering::Relaxed);
        let address = who.addr.0.map(|a| a.to_string());
        let opened_with = OpenedWith {
            via: who.via,
            credential: who.credential.clone(),
        };
        if let Err(e) = run(
            &state,
            socket,
            &id,
            role,
            &who.user.id,
            address,
            opened_with,
        )
        .await
        {
            tracing::debug!(error = %e, session = %id, "live connection ended with an error");
        }
        state
            .metrics
            .open_websockets
            .fetch_sub(1, Ordering::Relaxed);
    }))
}

/// The credential a connection was opened with: a revocation that covers it closes the
/// connection (`revoke`).
struct OpenedWith {
    via: Via,
    credential: String,
}

impl OpenedWith {
    fn covered_by(&self, scope: &RevokeScope) -> bool {
        scope.covers(&self.credential, self.via == Via::Cookie)
    }
}

/// The close code of a connection whose person lost the right to it (see `docs/protocol.md`).
pub const CLOSE_REVOKED: u16 = 4403;

/// What woke the connection's loop.
enum Step {
    Frame(Option<Result<Message, axum::Error>>),
    Event(Result<std::sync::Arc<BusEvent>, RecvError>),
    Refusal(Message),
    Timer,
}

/// How a connection ended.
enum Exit {
    /// The client closed it.
    Left,
    /// An error, or silence past the heartbeat limit (why, for the log).
    Lost(&'static str),
    /// A newer connection of the same side took over.
    Replaced,
    /// The person's rights or sign-in ended (why, for the client).
    Revoked(String),
}

fn text(msg: &ServerMessage) -> Message {
    Message::Text(Utf8Bytes::from(
        serde_json::to_string(msg).unwrap_or_default(),
    ))
}

fn error_msg(code: &str, message: impl Into<String>) -> Message {
    text(&ServerMessage::Error {
        error: ErrorBody::new(code, message),
    })
}

/// Whether a read failed because the client's message was over `WS_MAX_MESSAGE_BYTES` (the
/// WebSocket layer reports it as a capacity error).
fn too_large(e: &axum::Error) -> bool {
    let text = e.to_string();
    text.contains("Message too long") || text.contains("Space limit exceeded")
}

/// Tells a client that sent a message over the limit why it is closed (`message_too_large`,
/// then a close frame 1009 "message too big"), as `docs/protocol.md` says.
async fn refuse_too_large<S>(tx: &mut S) -> Exit
where
    S: futures_util::Sink<Message> + Unpin,
{
    use futures_util::SinkExt;
    let limit = assist_proto::wire::MAX_CLIENT_MESSAGE_BYTES;
    let _ = tx
        .send(error_msg(
            "message_too_large",
            format!("a message may have at most {limit} bytes"),
        ))
        .await;
    let _ = tx
        .send(Message::Close(Some(axum::extract::ws::CloseFrame {
            code: axum::extract::ws::close_code::SIZE,
            reason: Utf8Bytes::from_static("message too large"),
        })))
        .await;
    Exit::Lost("message too large")
}

/// The connection's loop. It lives as long as the connection, so its future is kept small: the
/// database work it waits for (presence, the session view) is boxed, allocated only while it runs
/// rather than held in every idle connection's state.
async fn run(
    state: &AppState,
    socket: WebSocket,
    id: &str,
    role: Role,
    user_id: &str,
    address: Option<String>,
    opened_with: OpenedWith,
) -> ApiResult<()> {
    let conn = state.hub.new_conn_id();
    let mut sub = state.hub.subscribe(id);
    let (mut tx, mut rx) = socket.split();
    // Listening now: a revocation from here on arrives as an event; one that came before the
    // subscription is seen here.
    if !Box::pin(revoke::still_valid(
        state,
        opened_with.via,
        &opened_with.credential,
    ))
    .await?
    {
        let _ = tx.send(revoked_close("your sign-in has ended")).await;
        return Ok(());
    }
    // The client fetches the thread over HTTP; from here on, messages come on the socket.
    let mut chat_seq = state.store.last_chat_seq(id).await?;
    Box::pin(service::set_presence(
        state,
        id,
        role,
        PresenceStatus::Online,
        &conn,
    ))
    .await?;
    state
        .hub
        .publish(
            id,
            BusEvent::Replaced {
                role,
                conn: conn.clone(),
            },
        )
        .await;
    let row = state
        .store
        .session(&state.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("session"))?;
    let mut live = !row.machine.is_terminal();
    let mut media_allowed = row.machine.active_mode().is_some();
    let hello = ServerMessage::Hello {
        protocol_version: PROTOCOL_VERSION,
        role,
        session: Box::pin(view::view(state, &row, role)).await?,
    };
    let mut greeting = vec![text(&hello)];
    if let Some(p) = row.presence.of(role.peer()) {
        greeting.push(text(&ServerMessage::Presence {
            role: role.peer(),
            status: p.status,
        }));
    }

    let mut liveness = Liveness::for_server(now_ms());
    let mut greeted = false;
    let mut chat_out: Option<ChatOut> = None;
    // An event could not be turned into messages (the store was out of reach): resync later.
    let mut behind = false;
    let mut ready = None;
    let exit = loop {
        if !greeted {
            greeted = true;
            let mut failed = false;
            for m in greeting.drain(..) {
                failed = failed || tx.send(m).await.is_err();
            }
            if failed {
                break closed_or_lost(&mut rx).await;
            }
        }
        let wake = match liveness.poll(now_ms()) {
            // Silent, or this task was busy (waiting for the database under load) while the
            // client's answers queued up: a frame already waiting proves the client alive.
            Heartbeat::Lost => match rx.next().now_or_never() {
                Some(frame) => {
                    ready = Some(frame);
                    now_ms()
                }
                None => break Exit::Lost("silent past the heartbeat limit"),
            },
            Heartbeat::Ping => {
                if tx.send(Message::Ping(Default::default())).await.is_err() {
                    break closed_or_lost(&mut rx).await;
                }
                continue;
            }
            Heartbeat::WaitUntil(t) => t,
        };
        let step = match ready.take() {
            Some(frame) => Step::Frame(frame),
            None => {
                let sleep = tokio::time::sleep(Duration::from_millis(
                    u64::try_from(wake - now_ms()).unwrap_or(0),
                ));
                tokio::select! {
                    frame = rx.next() => Step::Frame(frame),
                    event = sub.rx.recv() => Step::Event(event),
                    Some(m) = chat_refusal(&mut chat_out) => Step::Refusal(m),
                    _ = sleep => Step::Timer,
                    () = state.shutdown.begun() => {
                        // The node stops: the client moves; what it sent last is still handled.
                        let late = super::moving::close(state, &mut tx, &mut rx, id, role, &conn);
                        for t in late.await? {
                            let (a, m) = (&address, media_allowed);
                            handle(state, id, role, user_id, a, &t, live, m, &mut chat_out).await;
                        }
                        return Ok(());
                    }
                }
            }
        };
        match step {
            Step::Frame(frame) => {
                liveness.seen(now_ms());
                let reply = match frame {
                    Some(Err(e)) if too_large(&e) => {
                        break refuse_too_large(&mut tx).await;
                    }
                    None | Some(Err(_)) => break Exit::Lost("read failed"),
                    Some(Ok(Message::Close(_))) => break Exit::Left,
                    Some(Ok(Message::Text(t))) => {
                        handle(
                            state,
                            id,
                            role,
                            user_id,
                            &address,
                            t.as_str(),
                            live,
                            media_allowed,
                            &mut chat_out,
                        )
                        .await
                    }
                    Some(Ok(Message::Binary(_))) => {
                        Some(error_msg("binary_not_supported", "send JSON text messages"))
                    }
                    Some(Ok(_)) => None, // ping and pong frames: liveness only
                };
                if let Some(m) = reply
                    && tx.send(m).await.is_err()
                {
                    break closed_or_lost(&mut rx).await;
                }
            }
            Step::Event(event) => {
                let fetched: ApiResult<Vec<Message>> = match event {
                    Ok(ev) => match ev.as_ref() {
                        BusEvent::State => {
                            Box::pin(fresh_state(state, id, role, &mut live, &mut media_allowed))
                                .await
                                .map(|m| vec![m])
                        }
                        BusEvent::Presence { role: r, status } if *r != role => {
                            Ok(vec![text(&ServerMessage::Presence {
                                role: *r,
                                status: *status,
                            })])
                        }
                        BusEvent::Chat {
                            id: cid,
                            from,
                            text: t,
                            sent_at,
                        } => {
                            let seq = cid.parse::<i64>().unwrap_or(0);
                            if seq <= chat_seq {
                                Ok(Vec::new()) // already sent (a catch-up read it first)
                            } else if seq == chat_seq + 1 {
                                chat_seq = seq;
                                Ok(vec![text(&ServerMessage::Chat {
                                    id: cid.clone(),
                                    from: *from,
                                    text: t.clone(),
                                    sent_at: *sent_at,
                                    seq: seq as u64,
                                })])
                            } else {
                                // Earlier messages did not come (yet): the store has them.
                                Box::pin(chat_catch_up(state, id, &mut chat_seq)).await
                            }
                        }
                        BusEvent::Signal { from, data } if *from != role => {
                            Ok(vec![text(&ServerMessage::Signal { data: data.clone() })])
                        }
                        BusEvent::Replaced { role: r, conn: c } if *r == role && *c != conn => {
                            break Exit::Replaced;
                        }
                        BusEvent::Revoked {
                            user_id: u,
                            scope,
                            reason,
                        } if u == user_id && opened_with.covered_by(scope) => {
                            break Exit::Revoked(reason.clone());
                        }
                        BusEvent::Resync => {
                            Box::pin(resync(
                                state,
                                id,
                                role,
                                &mut live,
                                &mut media_allowed,
                                &mut chat_seq,
                            ))
                            .await
                        }
                        _ => Ok(Vec::new()),
                    },
                    // Missed events: the store says everything that matters.
                    Err(RecvError::Lagged(_)) => {
                        Box::pin(resync(
                            state,
                            id,
                            role,
                            &mut live,
                            &mut media_allowed,
                            &mut chat_seq,
                        ))
                        .await
                    }
                    Err(RecvError::Closed) => break Exit::Lost("the hub closed"),
                };
                // The database out of reach must not end the connection (its heartbeat needs
                // none): catch up from the store once it answers again.
                let out = fetched.unwrap_or_else(|e| {
                    tracing::debug!(error = %e, session = %id, "the store is out of reach; catching up later");
                    behind = true;
                    Vec::new()
                });
                let mut failed = false;
                for m in out {
                    if tx.send(m).await.is_err() {
                        failed = true;
                        break;
                    }
                }
                if failed {
                    break closed_or_lost(&mut rx).await;
                }
            }
            Step::Refusal(m) => {
                if tx.send(m).await.is_err() {
                    break closed_or_lost(&mut rx).await;
                }
            }
            Step::Timer => {
                if behind
                    && let Ok(out) = Box::pin(resync(
                        state,
                        id,
                        role,
                        &mut live,
                        &mut media_allowed,
                        &mut chat_seq,
                    ))
                    .await
                {
                    behind = false;
                    let mut failed = false;
                    for m in out {
                        if tx.send(m).await.is_err() {
                            failed = true;
                            break;
                        }
                    }
                    if failed {
                        break closed_or_lost(&mut rx).await;
                    }
                }
            }
        }
    };
    let how = match &exit {
        Exit::Left => "left",
        Exit::Lost(why) => *why,
        Exit::Replaced => "replaced",
        Exit::Revoked(_) => "revoked",
    };
    tracing::debug!(how, session = %id, role = role.as_str(), "live connection ended");
    match exit {
        Exit::Left => {
            Box::pin(service::set_presence(
                state,
                id,
                role,
                PresenceStatus::Left,
                &conn,
            ))
            .await?;
        }
        Exit::Lost(_) => {
            Box::pin(service::set_presence(
                state,
                id,
                role,
                PresenceStatus::Lost,
                &conn,
            ))
            .await?;
        }
        Exit::Replaced => {
            let _ = tx.send(Message::Close(None)).await;
        }
        Exit::Revoked(reason) => {
            let _ = tx.send(error_msg("access_revoked", reason.clone())).await;
            let _ = tx.send(revoked_close(&reason)).await;
            // Not a lost network: the person is gone on purpose.
            Box::pin(service::set_presence(
                state,
                id,
                role,
                PresenceStatus::Left,
                &conn,
            ))
            .await?;
        }
    }
    Ok(())
}

/// The close frame of a connection whose person lost the right to it.
fn revoked_close(reason: &str) -> Message {
    let mut reason = reason.to_owned();
    // A close reason has at most 123 bytes.
    while reason.len() > 120 {
        reason.pop();
    }
    Message::Close(Some(CloseFrame {
        code: CLOSE_REVOKED,
        reason: Utf8Bytes::from(reason),
    }))
}

/// The chat messages after `chat_seq` from the store, as messages for the client; advances
/// `chat_seq` past them.
async fn chat_catch_up(state: &AppState, id: &str, chat_seq: &mut i64) -> ApiResult<Vec<Message>> {
    let recs = state
        .store
        .chat_after(id, *chat_seq, LIVE_CATCH_UP_MAX)
        .await?;
    Ok(recs
        .into_iter()
        .map(|r| {
            *chat_seq = (*chat_seq).max(r.seq);
            text(&ServerMessage::Chat {
                id: r.seq.to_string(),
                from: r.from,
                text: r.text,
                sent_at: r.sent_at,
                seq: r.seq as u64,
            })
        })
        .collect())
}

/// Everything the client may have missed, from the store: the state, the peer's presence and the
/// chat messages it has not been sent.
async fn resync(
    state: &AppState,
    id: &str,
    role: Role,
    live: &mut bool,
    media: &mut bool,
    chat_seq: &mut i64,
) -> ApiResult<Vec<Message>> {
    let row = state
        .store
        .session(&state.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("session"))?;
    *live = !row.machine.is_terminal();
    *media = row.machine.active_mode().is_some();
    let mut out = vec![text(&ServerMessage::State {
        session: view::view(state, &row, role).await?,
    })];
    if let Some(p) = row.presence.of(role.peer()) {
        out.push(text(&ServerMessage::Presence {
            role: role.peer(),
            status: p.status,
        }));
    }
    out.extend(chat_catch_up(state, id, chat_seq).await?);
    Ok(out)
}

/// This connection's chat messages, stored one after the other by a task of their own (started
/// with the first message), so that the connection goes on reading and answering heartbeats
/// while a message waits for its commit. Refusals (flood limit, chat turned off, session over)
/// come back on `refusals` and go to the client as `error` messages. Messages already handed over
/// are stored even if the connection ends meanwhile.
struct ChatOut {
    queue: mpsc::Sender<String>,
    refusals: mpsc::Receiver<Message>,
}

impl ChatOut {
    fn start(
        state: &AppState,
        id: &str,
        role: Role,
        user_id: &str,
        address: Option<String>,
    ) -> ChatOut {
        let (queue, mut texts) = mpsc::channel::<String>(LIVE_CHAT_QUEUE);
        let (refuse, refusals) = mpsc::channel(LIVE_CHAT_QUEUE);
        let (state, id, user_id) = (state.clone(), id.to_owned(), user_id.to_owned());
        // A node that stops stores what it was handed before it exits.
        state.shutdown.clone().spawn(async move {
            while let Some(t) = texts.recv().await {
                if let Err(e) = chat::post(&state, &id, role, &user_id, &t, address.clone()).await {
                    // The connection may be gone; the message was refused either way.
                    let _ = refuse.send(error_msg(e.code(), e.to_string())).await;
                }
            }
        });
        ChatOut { queue, refusals }
    }
}

/// The next refusal of this connection's chat task (never, before the first message).
async fn chat_refusal(out: &mut Option<ChatOut>) -> Option<Message> {
    match out {
        Some(o) => o.refusals.recv().await,
        None => std::future::pending().await,
    }
}

/// After a failed write: a client that closed cleanly has usually sent its close frame already;
/// look for it briefly to tell a leave from a loss.
async fn closed_or_lost(rx: &mut futures_util::stream::SplitStream<WebSocket>) -> Exit {
    let look = async {
        while let Some(frame) = rx.next().await {
            match frame {
                Ok(Message::Close(_)) => return Exit::Left,
                Ok(_) => continue,
                Err(_) => break,
            }
        }
        Exit::Lost("write failed")
    };
    tokio::time::timeout(Duration::from_millis(CLOSE_LOOKUP_MS), look)
        .await
        .unwrap_or(Exit::Lost("write failed"))
}

/// How long to look for a close frame after a failed write.
const CLOSE_LOOKUP_MS: u64 = 200;

async fn fresh_state(
    state: &AppState,
    id: &str,
    role: Role,
    live: &mut bool,
    media: &mut bool,
) -> ApiResult<Message> {
    let row = state
        .store
        .session(&state.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound("session"))?;
    *live = !row.machine.is_terminal();
    *media = row.machine.active_mode().is_some();
    Ok(text(&ServerMessage::State {
        session: view::view(state, &row, role).await?,
    }))
}

#[allow(clippy::too_many_arguments)]
async fn handle(
    state: &AppState,
    id: &str,
    role: Role,
    user_id: &str,
    address: &Option<String>,
    raw: &str,
    live: bool,
    media_allowed: bool,
    chat_out: &mut Option<ChatOut>,
) -> Option<Message> {
    let msg = match ClientMessage::parse(raw) {
        Ok(m) => m,
        Err(e) => return Some(error_msg(e.code(), e.to_string())),
    };
    match msg {
        ClientMessage::Ping => Some(text(&ServerMessage::Pong)),
        ClientMessage::Signal { data } => {
            if !live || !media_allowed {
                return Some(error_msg(
                    "signal_not_allowed",
                    "screen sharing starts after the sharer allows it",
                ));
            }
            state
                .hub
                .publish(id, BusEvent::Signal { from: role, data })
                .await;
            None
        }
        ClientMessage::Chat { text: t } => {
            // The store refuses a message for a session that is over in the statement that
            // stores it; `live` only saves the trip when this connection already knows.
            if !live {
                return Some(error_msg(
                    "session_over",
                    "the session is over; chat is closed",
                ));
            }
            let out = chat_out
                .get_or_insert_with(|| ChatOut::start(state, id, role, user_id, address.clone()));
            match out.queue.try_send(t) {
                Ok(()) => None,
                Err(_) => Some(error_msg(
                    "chat_busy",
                    format!(
                        "more than {LIVE_CHAT_QUEUE} messages are waiting to be stored; \
                         send this one again in a moment"
                    ),
                )),
            }
        }
    }
}
