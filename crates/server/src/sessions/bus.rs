//! The message bus between server nodes, behind one small interface. Session logic publishes
//! `Envelope`s; the bus delivers each to the hub of every node (in publishing order per session),
//! and each hub fans it out to the connections it holds. In-process now; NATS for several nodes.

use assist_proto::presence::PresenceStatus;
use assist_proto::session::Role;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Something that happened to a session, for its live connections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BusEvent {
    /// The session changed: connections send each side its fresh view.
    State,
    /// A participant came online, left or was lost.
    Presence { role: Role, status: PresenceStatus },
    /// A chat message was stored.
    Chat {
        id: String,
        from: Role,
        text: String,
        sent_at: i64,
    },
    /// WebRTC signalling from one side, for the other.
    Signal { from: Role, data: serde_json::Value },
    /// A newer connection of `role` took over: older connections of that role close.
    Replaced { role: Role, conn: String },
}

/// An event and the session it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub session_id: String,
    pub event: BusEvent,
}

/// Where the bus hands incoming envelopes (the local hub).
pub type Deliver = Arc<dyn Fn(Envelope) + Send + Sync>;

/// A boxed future, so the trait stays object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Carries envelopes to every node's hub (this node's included).
pub trait Bus: Send + Sync {
    /// Publishes an envelope. Envelopes of one session published from one node arrive in order.
    fn publish(&self, env: Envelope) -> BoxFuture<'_, anyhow::Result<()>>;
}

/// One node: envelopes go straight to the local hub.
pub struct LocalBus {
    deliver: Deliver,
}

impl LocalBus {
    /// A bus that hands every envelope to `deliver`.
    pub fn new(deliver: Deliver) -> LocalBus {
        LocalBus { deliver }
    }
}

impl Bus for LocalBus {
    fn publish(&self, env: Envelope) -> BoxFuture<'_, anyhow::Result<()>> {
        (self.deliver)(env);
        Box::pin(async { Ok(()) })
    }
}
