//! A live socket whose node is stopping (`crate::shutdown`): the participant is not gone, it is
//! moving to another node. Its peer is told `moving` (not `lost`, not `left`), then the socket is
//! closed with `CLOSE_MOVING` and its reason, on which the clients reconnect at once; the load
//! balancer sends them to another node, where they resume within the grace period and the peer is
//! told `online` again. The close is a handshake: what the client sent before it answered with its
//! own close frame (a chat message typed a moment earlier) is still read and handled, so that a
//! restart loses no message.

use super::service;
use crate::error::ApiResult;
use crate::limits::{LIVE_CHAT_QUEUE, MOVING_CLOSE_WAIT_MS};
use crate::state::AppState;
use assist_proto::presence::PresenceStatus;
use assist_proto::session::Role;
use assist_proto::wire::{CLOSE_MOVING, CLOSE_MOVING_REASON};
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use std::time::Duration;

/// Ends the live connection `conn` of `role` in session `id` because its node stops: records and
/// publishes `moving` (unless a newer connection of the side has taken over), sends the close
/// frame, then reads until the client's close frame (within `MOVING_CLOSE_WAIT_MS`). Returns the
/// text messages the client sent meanwhile, in order, for the connection to handle as usual. The
/// close goes out even when the database cannot record the move.
pub async fn close<S, R, E>(
    state: &AppState,
    tx: &mut S,
    rx: &mut R,
    id: &str,
    role: Role,
    conn: &str,
) -> ApiResult<Vec<String>>
where
    S: Sink<Message> + Unpin,
    R: Stream<Item = Result<Message, E>> + Unpin,
{
    let recorded = Box::pin(service::set_presence(
        state,
        id,
        role,
        PresenceStatus::Moving,
        conn,
    ))
    .await;
    let _ = tx.send(close_frame()).await;
    // Past the wait, what came so far is kept.
    let mut texts = Vec::new();
    let _ = tokio::time::timeout(
        Duration::from_millis(MOVING_CLOSE_WAIT_MS),
        last_words(rx, &mut texts),
    )
    .await;
    tracing::debug!(session = %id, role = role.as_str(), late = texts.len(), "live connection moved: the node stops");
    recorded.map(|_| texts)
}

/// Adds to `texts` the text messages a client sends until its close frame (at most
/// `LIVE_CHAT_QUEUE` in all).
async fn last_words<R, E>(rx: &mut R, texts: &mut Vec<String>)
where
    R: Stream<Item = Result<Message, E>> + Unpin,
{
    while let Some(Ok(frame)) = rx.next().await {
        match frame {
            Message::Close(_) => break,
            Message::Text(t) if texts.len() < LIVE_CHAT_QUEUE => texts.push(t.as_str().to_owned()),
            _ => {}
        }
    }
}

/// The close frame that tells a client to reconnect at once, to another node.
pub fn close_frame() -> Message {
    Message::Close(Some(CloseFrame {
        code: CLOSE_MOVING,
        reason: Utf8Bytes::from_static(CLOSE_MOVING_REASON),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_close_frame_says_service_restart_and_fits() {
        let Message::Close(Some(frame)) = close_frame() else {
            panic!("not a close frame");
        };
        assert_eq!(frame.code, 1012, "WebSocket 'service restart'");
        // A close reason has at most 123 bytes.
        assert!(frame.reason.len() <= 123);
        assert!(frame.reason.as_str().contains("reconnect"));
    }

    #[tokio::test]
    async fn what_the_client_sent_before_its_close_is_kept_in_order() {
        let frames = vec![
            Ok::<_, ()>(Message::Text("one".into())),
            Ok(Message::Ping(Default::default())),
            Ok(Message::Text("two".into())),
            Ok(Message::Close(None)),
            Ok(Message::Text("after the close".into())),
        ];
        let mut rx = futures_util::stream::iter(frames);
        let mut texts = Vec::new();
        last_words(&mut rx, &mut texts).await;
        assert_eq!(texts, ["one", "two"]);
        // At most LIVE_CHAT_QUEUE of them.
        let many =
            (0..LIVE_CHAT_QUEUE + 5).map(|n| Ok::<_, ()>(Message::Text(n.to_string().into())));
        let mut rx = futures_util::stream::iter(many);
        let mut texts = Vec::new();
        last_words(&mut rx, &mut texts).await;
        assert_eq!(texts.len(), LIVE_CHAT_QUEUE);
    }
}
