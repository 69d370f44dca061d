//! The message bus between server nodes, behind one small interface. Session logic publishes
//! `Envelope`s; the bus delivers each to the hub of every node (in publishing order per session),
//! and each hub fans it out to the connections it holds. In-process now; NATS for several nodes.

use assist_proto::channel::ChannelServer;
use assist_proto::presence::PresenceStatus;
use assist_proto::session::Role;
use assist_proto::wire::SessionView;
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// Something that happened to a session, for its live connections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BusEvent {
    /// The session changed: connections read it and send each side its fresh view.
    State,
    /// The session changed and was saved as this: connections send each side its view without
    /// reading the store (boxed: it is by far the largest event).
    Changed(Box<Saved>),
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
    /// `user_id` lost rights or sign-ins (see `docs/access.md`): their connections to this
    /// session that `scope` covers close with `reason`.
    Revoked {
        user_id: String,
        scope: RevokeScope,
        reason: String,
    },
    /// For the device channel of `device_id`, on whichever node holds it (the envelope's
    /// `session_id` is `device-{device_id}`, see `Hub::push_device`).
    Device {
        device_id: String,
        event: DeviceEvent,
    },
    /// This node may have missed events (its bus connection came back): connections read the
    /// session's state and chat from the store and send the client what it lacks. Local only.
    Resync,
}

/// A session as a change saved it, built once by the node that saved it and carried with the
/// event ([`BusEvent::Changed`]), so that no connection has to read the store for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    /// The session's version after the change: a connection never goes back to an older one.
    pub version: i64,
    /// The view for no role in particular (each connection narrows it to its own).
    pub view: SessionView,
    /// The session is not over.
    pub live: bool,
    /// A mode is active.
    pub media: bool,
    /// The helper's presence, if they ever connected.
    pub helper: Option<PresenceStatus>,
    /// The sharer's presence, if they ever connected.
    pub sharer: Option<PresenceStatus>,
}

/// What a device channel is told.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeviceEvent {
    /// A message for the agent; after [`ChannelServer::Closed`] the channel closes.
    Send { message: ChannelServer },
    /// A newer channel of the device opened (`conn`): older ones close. An empty `conn` closes
    /// every channel of the device on this node (local only).
    Replaced { conn: String },
}

/// Which of a person's live connections a revocation closes, by the credential each was opened
/// with (the hash of its cookie or bearer token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "credential", rename_all = "snake_case")]
pub enum RevokeScope {
    /// Every connection of the person.
    All,
    /// Connections opened with this credential (a sign-out).
    Credential(String),
    /// Connections opened with a sign-in cookie other than this one (a password change keeps the
    /// sign-in that made it; `None`: every cookie). Connections opened with API tokens stay.
    CookiesExcept(Option<String>),
}

impl RevokeScope {
    /// Whether a connection opened with `credential` (a cookie when `cookie`) is covered.
    pub fn covers(&self, credential: &str, cookie: bool) -> bool {
        match self {
            RevokeScope::All => true,
            RevokeScope::Credential(c) => c == credential,
            RevokeScope::CookiesExcept(keep) => cookie && keep.as_deref() != Some(credential),
        }
    }
}

/// An event and the session it belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub session_id: String,
    pub event: BusEvent,
    /// The node that published it: that node delivered it to its own connections at once, and
    /// skips it when the bus brings it back.
    #[serde(default)]
    pub origin: String,
}

/// Where the bus hands incoming envelopes (the local hub).
pub type Deliver = Arc<dyn Fn(Envelope) + Send + Sync>;

/// A boxed future, so the trait stays object-safe.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Carries envelopes to every node's hub (this node's included).
pub trait Bus: Send + Sync {
    /// Publishes an envelope. Envelopes of one session published from one node arrive in order.
    fn publish(&self, env: Envelope) -> BoxFuture<'_, anyhow::Result<()>>;

    /// Returns once what was published has left this node (a node that stops calls it last).
    fn flush(&self) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async { Ok(()) })
    }
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

#[cfg(test)]
mod tests {
    use super::RevokeScope;

    #[test]
    fn revoke_scopes_cover_the_right_connections() {
        assert!(RevokeScope::All.covers("t", false));
        assert!(RevokeScope::All.covers("c", true));
        let one = RevokeScope::Credential("c1".into());
        assert!(one.covers("c1", true));
        assert!(!one.covers("c2", true));
        let others = RevokeScope::CookiesExcept(Some("c1".into()));
        assert!(!others.covers("c1", true));
        assert!(others.covers("c2", true));
        assert!(
            !others.covers("t1", false),
            "API tokens outlive a password change"
        );
        assert!(RevokeScope::CookiesExcept(None).covers("c1", true));
    }
}
