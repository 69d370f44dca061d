//! The live WebSocket of a participant: `GET /ws/sessions/{id}`.
//!
//! Each connection is one task: it subscribes to its session on the hub, marks its side online,
//! sends `hello`, then waits on four things at once: frames from the client, events from the
//! hub, refusals of its chat writer, and its timer. Every decision (heartbeats and liveness, what
//! a frame means, which events go to the client, the chat `seq`, how the connection ends) is the
//! pure machine's in `connection.rs`; this file carries its inputs in and its actions out.
//! On exit it marks its side `left` (close frame) or `lost` (error or silence), unless a newer
//! connection of the same side has taken over; when the node stops (`crate::shutdown`), `moving`.

use super::Context;
use super::bus::BusEvent;
use super::connection::{
    Action, Closing, Connection, Ending, Frame, Input, Load, Loaded, Owner, Snapshot,
};
use super::{chat, revoke, service, view};
use crate::auth::Authed;
use crate::auth::extract::Via;
use crate::clock::now_ms;
use crate::error::{ApiResult, AppError, ErrorCode};
use crate::limits::{
    LIVE_CATCH_UP_MAX, LIVE_CHAT_QUEUE, WS_MAX_MESSAGE_BYTES, WS_READ_BUFFER_BYTES,
    WS_WRITE_BUFFER_BYTES,
};
use crate::params::Path;
use crate::store::sessions::SessionRow;
use assist_proto::presence::PresenceStatus;
use assist_proto::session::Role;
use assist_proto::wire::ServerMessage;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures_util::{FutureExt, SinkExt, StreamExt};
use std::sync::atomic::Ordering;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;

/// Upgrades to the live socket of a participant (404 for anyone else).
pub async fn upgrade<S: Context>(
    State(state): State<S>,
    who: Authed,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
    ws: WebSocketUpgrade,
) -> ApiResult<Response> {
    crate::validate::id("id", &id)?;
    // A browser opens the socket with its cookie from any page: only the server's own pages may.
    if who.via == crate::auth::extract::Via::Cookie
        && !crate::origin::same_origin(&headers, state.config())
    {
        return Err(AppError::forbidden(
            ErrorCode::CrossSiteRequest,
            "cross-site requests are refused",
        ));
    }
    let row = state
        .store()
        .session(state.tenant_id(), &id)
        .await?
        .ok_or(AppError::NotFound("session"))?;
    let role = service::role_of(&row, &who.user.id).ok_or(AppError::NotFound("session"))?;
    let ws = ws
        .read_buffer_size(WS_READ_BUFFER_BYTES)
        .write_buffer_size(WS_WRITE_BUFFER_BYTES)
        .max_message_size(WS_MAX_MESSAGE_BYTES)
        .max_frame_size(WS_MAX_MESSAGE_BYTES);
    Ok(ws.on_upgrade(move |socket| async move {
        // A node that stops waits for this connection's goodbye (`connection.rs`, moving).
        let _draining = state.shutdown().hold();
        state
            .metrics()
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
            .metrics()
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

pub use super::connection::CLOSE_REVOKED;

fn text(msg: &ServerMessage) -> Message {
    Message::Text(Utf8Bytes::from(
        serde_json::to_string(msg).unwrap_or_default(),
    ))
}

/// Whether a read failed because the client's message was over `WS_MAX_MESSAGE_BYTES` (the
/// WebSocket layer reports it as a capacity error).
fn too_large(e: &axum::Error) -> bool {
    let text = e.to_string();
    text.contains("Message too long") || text.contains("Space limit exceeded")
}

/// A frame read from the socket, as the connection's machine sees it.
fn frame_of(frame: Option<Result<Message, axum::Error>>) -> Frame {
    match frame {
        Some(Err(e)) if too_large(&e) => Frame::TooLarge,
        None | Some(Err(_)) => Frame::Failed,
        Some(Ok(Message::Close(_))) => Frame::Close,
        Some(Ok(Message::Text(t))) => Frame::Text(t.as_str().to_owned()),
        Some(Ok(Message::Binary(_))) => Frame::Binary,
        Some(Ok(_)) => Frame::Control, // ping and pong frames: not a sign of life (see Connection)
    }
}

/// The connection's loop: it turns socket frames, hub events, chat refusals and its timer into
/// inputs of the connection's machine (`connection.rs`, where every decision is) and carries out
/// the machine's actions. It lives as long as the connection, so its future is kept small: the
/// database work it waits for (presence, the session view) is boxed, allocated only while it runs
/// rather than held in every idle connection's state.
async fn run(
    state: &impl Context,
    socket: WebSocket,
    id: &str,
    role: Role,
    user_id: &str,
    address: Option<String>,
    opened_with: OpenedWith,
) -> ApiResult<()> {
    let conn = state.hub().new_conn_id();
    let mut sub = state.hub().subscribe(id);
    let (mut tx, mut rx) = socket.split();
    let mut machine = Connection::new(
        Owner {
            role,
            conn: conn.clone(),
            user_id: user_id.to_owned(),
            credential: opened_with.credential.clone(),
            cookie: opened_with.via == Via::Cookie,
        },
        now_ms(),
    );
    // Listening now: a revocation from here on arrives as an event; one that came before the
    // subscription is seen here.
    if !Box::pin(revoke::still_valid(
        state,
        opened_with.via,
        &opened_with.credential,
    ))
    .await?
    {
        machine.handle_input(Input::SignInEnded, now_ms());
    } else {
        // The client fetches the thread over HTTP; from here on, messages come on the socket.
        let chat_seq = state.store().last_chat_seq(id).await?;
        Box::pin(service::set_presence(
            state,
            id,
            role,
            PresenceStatus::Online,
            &conn,
        ))
        .await?;
        state
            .hub()
            .publish(
                id,
                BusEvent::Replaced {
                    role,
                    conn: conn.clone(),
                },
            )
            .await;
        let row = state
            .store()
            .session(state.tenant_id(), id)
            .await?
            .ok_or(AppError::NotFound("session"))?;
        let session = Box::pin(snapshot(state, &row, role)).await?;
        machine.handle_input(Input::Greet { session, chat_seq }, now_ms());
    }

    let mut chat_out: Option<ChatOut> = None;
    loop {
        while let Some(action) = machine.poll_output() {
            match action {
                Action::Send(m) => {
                    if tx.send(text(&m)).await.is_err() {
                        let closed_cleanly = closed_or_lost(&mut rx).await;
                        machine.handle_input(Input::WriteFailed { closed_cleanly }, now_ms());
                    }
                }
                Action::Ping => {
                    if tx.send(Message::Ping(Default::default())).await.is_err() {
                        let closed_cleanly = closed_or_lost(&mut rx).await;
                        machine.handle_input(Input::WriteFailed { closed_cleanly }, now_ms());
                    }
                }
                Action::Publish(event) => state.hub().publish(id, event).await,
                Action::StoreChat(t) => {
                    let out = chat_out.get_or_insert_with(|| {
                        ChatOut::start(state, id, role, user_id, address.clone())
                    });
                    if out.queue.try_send(t).is_err() {
                        machine.handle_input(Input::ChatBusy, now_ms());
                    }
                }
                Action::Load(what) => {
                    let input = match Box::pin(load(state, id, role, what)).await {
                        Ok(loaded) => Input::Loaded(loaded),
                        Err(e) => {
                            tracing::debug!(error = %e, session = %id, "the store is out of reach; catching up later");
                            Input::LoadFailed
                        }
                    };
                    machine.handle_input(input, now_ms());
                }
                Action::Record(status) => {
                    // The close goes out even when the store cannot record the move.
                    if let Err(e) =
                        Box::pin(service::set_presence(state, id, role, status, &conn)).await
                    {
                        tracing::debug!(error = %e, session = %id, "presence not recorded");
                    }
                }
                Action::Close(closing) => {
                    if let Some(frame) = close_frame(closing) {
                        let _ = tx.send(frame).await;
                    }
                }
                Action::End(ending) => {
                    return Box::pin(end(state, id, role, &conn, &mut tx, ending)).await;
                }
            }
        }
        let now = now_ms();
        let sleep = tokio::time::sleep(Duration::from_millis(
            u64::try_from(machine.poll_timeout(now) - now).unwrap_or(0),
        ));
        tokio::select! {
            frame = rx.next() => machine.handle_input(Input::Frame(frame_of(frame)), now_ms()),
            event = sub.rx.recv() => match event {
                Ok(ev) => machine.handle_input(Input::Event(&ev), now_ms()),
                Err(RecvError::Lagged(_)) => machine.handle_input(Input::Lagged, now_ms()),
                Err(RecvError::Closed) => machine.handle_input(Input::HubClosed, now_ms()),
            },
            Some((code, message)) = chat_refusal(&mut chat_out) => {
                machine.handle_input(Input::ChatRefused { code, message }, now_ms());
            }
            () = state.shutdown().begun(), if !machine.is_moving() => {
                machine.handle_input(Input::Shutdown, now_ms());
            }
            _ = sleep => {
                // Silent, or this task was busy (waiting for the database under load) while the
                // client's answers queued up: a frame already waiting proves the client alive.
                if let Some(frame) = rx.next().now_or_never() {
                    machine.handle_input(Input::Frame(frame_of(frame)), now_ms());
                }
                machine.handle_timeout(now_ms());
            }
        }
    }
}

/// Closes the connection as the machine said and records the presence it gave.
async fn end(
    state: &impl Context,
    id: &str,
    role: Role,
    conn: &str,
    tx: &mut futures_util::stream::SplitSink<WebSocket, Message>,
    ending: Ending,
) -> ApiResult<()> {
    tracing::debug!(how = ending.how, session = %id, role = role.as_str(), "live connection ended");
    if let Some(frame) = close_frame(ending.close) {
        let _ = tx.send(frame).await;
    }
    if let Some(status) = ending.presence {
        Box::pin(service::set_presence(state, id, role, status, conn)).await?;
    }
    Ok(())
}

/// The close frame the machine asked for, if any.
fn close_frame(closing: Closing) -> Option<Message> {
    match closing {
        Closing::Nothing => None,
        Closing::Bare => Some(Message::Close(None)),
        Closing::With { code, reason } => Some(Message::Close(Some(CloseFrame {
            code,
            reason: Utf8Bytes::from(reason),
        }))),
    }
}

/// The session as the connection of `role` sees it.
async fn snapshot(state: &impl Context, row: &SessionRow, role: Role) -> ApiResult<Snapshot> {
    Ok(Snapshot {
        view: view::view(state, row, role).await?,
        live: !row.machine.is_terminal(),
        media: row.machine.active_mode().is_some(),
        peer: row.presence.of(role.peer()).map(|p| p.status),
        version: row.version,
    })
}

/// Reads what the machine asked for from the store.
async fn load(state: &impl Context, id: &str, role: Role, what: Load) -> ApiResult<Loaded> {
    let row = match what {
        Load::ChatAfter(after) => {
            return Ok(Loaded::Chat(
                state
                    .store()
                    .chat_after(id, after, LIVE_CATCH_UP_MAX)
                    .await?,
            ));
        }
        Load::State | Load::Resync(_) => state
            .store()
            .session(state.tenant_id(), id)
            .await?
            .ok_or(AppError::NotFound("session"))?,
    };
    let session = snapshot(state, &row, role).await?;
    Ok(match what {
        Load::Resync(after) => Loaded::Resync {
            session,
            chat: state
                .store()
                .chat_after(id, after, LIVE_CATCH_UP_MAX)
                .await?,
        },
        _ => Loaded::State(session),
    })
}

/// This connection's chat messages, stored one after the other by a task of their own (started
/// with the first message), so that the connection goes on reading and answering heartbeats
/// while a message waits for its commit. Refusals (flood limit, chat turned off, session over)
/// come back on `refusals` (code, sentence) and go to the client as `error` messages. Messages
/// already handed over are stored even if the connection ends meanwhile.
struct ChatOut {
    queue: mpsc::Sender<String>,
    refusals: mpsc::Receiver<(String, String)>,
}

impl ChatOut {
    fn start(
        state: &impl Context,
        id: &str,
        role: Role,
        user_id: &str,
        address: Option<String>,
    ) -> ChatOut {
        let (queue, mut texts) = mpsc::channel::<String>(LIVE_CHAT_QUEUE);
        let (refuse, refusals) = mpsc::channel(LIVE_CHAT_QUEUE);
        let (state, id, user_id) = (state.clone(), id.to_owned(), user_id.to_owned());
        // A node that stops stores what it was handed before it exits.
        state.shutdown().clone().spawn(async move {
            while let Some(t) = texts.recv().await {
                if let Err(e) = chat::post(&state, &id, role, &user_id, &t, address.clone()).await {
                    // The connection may be gone; the message was refused either way.
                    let _ = refuse.send((e.code().to_owned(), e.to_string())).await;
                }
            }
        });
        ChatOut { queue, refusals }
    }
}

/// The next refusal of this connection's chat task (never, before the first message).
async fn chat_refusal(out: &mut Option<ChatOut>) -> Option<(String, String)> {
    match out {
        Some(o) => o.refusals.recv().await,
        None => std::future::pending().await,
    }
}

/// After a failed write: a client that closed cleanly has usually sent its close frame already;
/// look for it briefly to tell a leave from a loss. Returns whether it was found.
async fn closed_or_lost(rx: &mut futures_util::stream::SplitStream<WebSocket>) -> bool {
    let look = async {
        while let Some(frame) = rx.next().await {
            match frame {
                Ok(Message::Close(_)) => return true,
                Ok(_) => continue,
                Err(_) => break,
            }
        }
        false
    };
    tokio::time::timeout(Duration::from_millis(CLOSE_LOOKUP_MS), look)
        .await
        .unwrap_or(false)
}

/// How long to look for a close frame after a failed write.
const CLOSE_LOOKUP_MS: u64 = 200;
