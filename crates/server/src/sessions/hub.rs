//! The hub: this node's live connections, grouped by session, and its device channels, by
//! device. It receives envelopes from the bus and fans each one out to the connections of its
//! session, or hands it to the channel of its device.

use super::bus::{Bus, BusEvent, DeviceEvent, Envelope};
use assist_proto::session::Role;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::{broadcast, mpsc};

/// Events buffered per session for a slow connection before it lags (and gets a fresh state).
/// Every session's buffer is allocated whole when its first connection subscribes: 256 slots
/// cost about 3 KiB per idle connection, 64 (a burst of ICE candidates is a dozen) under 1 KiB.
const TOPIC_CAPACITY: usize = 64;

/// Events queued for one device channel before pushes to it are dropped (a channel reads them
/// at once; a full queue means the connection is stuck and about to be taken for dead).
const DEVICE_QUEUE: usize = 8;

/// One device channel of this node.
struct DeviceConn {
    conn: String,
    tx: mpsc::Sender<Arc<DeviceEvent>>,
}

/// Live connections of this node.
pub struct Hub {
    topics: Mutex<HashMap<String, broadcast::Sender<Arc<BusEvent>>>>,
    /// Device channels by device id (one per device; a newer one replaces an older).
    devices: Mutex<HashMap<String, DeviceConn>>,
    bus: OnceLock<Arc<dyn Bus>>,
    /// This node's id: random per process, the prefix of its connection ids (see `nodes`).
    node: String,
    /// Whether this node has written its first heartbeat.
    registered: AtomicBool,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            topics: Mutex::default(),
            devices: Mutex::default(),
            bus: OnceLock::new(),
            node: crate::store::new_id(),
            registered: AtomicBool::new(false),
        }
    }
}

/// A device channel's place in the hub; dropping it frees the place (unless a newer channel of
/// the device took it).
pub struct DeviceSubscription {
    pub rx: mpsc::Receiver<Arc<DeviceEvent>>,
    pub conn: String,
    hub: Arc<Hub>,
    device_id: String,
}

impl Drop for DeviceSubscription {
    fn drop(&mut self) {
        let mut devices = self.hub.lock_devices();
        if devices
            .get(&self.device_id)
            .is_some_and(|d| d.conn == self.conn)
        {
            devices.remove(&self.device_id);
        }
    }
}

/// The bus key of a device's envelopes (a plain token, as NATS subjects need).
pub fn device_key(device_id: &str) -> String {
    format!("device-{device_id}")
}

/// A connection's subscription to one session; leaving the last one frees the topic.
pub struct Subscription {
    pub rx: broadcast::Receiver<Arc<BusEvent>>,
    hub: Arc<Hub>,
    session_id: String,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut topics = self.hub.lock();
        if let Some(tx) = topics.get(&self.session_id)
            && tx.receiver_count() <= 1
        {
            topics.remove(&self.session_id);
        }
    }
}

impl Hub {
    /// This node's id.
    pub fn node(&self) -> &str {
        &self.node
    }

    /// A new connection id, `{node}.{random}`: the presence row then says which node holds a
    /// participant, so that other nodes can mark it lost when this node dies.
    pub fn new_conn_id(&self) -> String {
        format!("{}.{}", self.node, crate::store::new_id())
    }

    /// Whether this node's first heartbeat was written.
    pub fn registered(&self) -> bool {
        self.registered.load(Ordering::Relaxed)
    }

    /// Records that this node's first heartbeat was written.
    pub fn mark_registered(&self) {
        self.registered.store(true, Ordering::Relaxed);
    }

    /// Closes every live connection of this node (they reconnect and resume), without telling
    /// presence: used when other nodes already reported them lost.
    pub fn close_all(&self) {
        for tx in self.lock().values() {
            for role in [Role::Helper, Role::Sharer] {
                let _ = tx.send(Arc::new(super::nodes::close_event(role)));
            }
        }
        let close = Arc::new(DeviceEvent::Replaced {
            conn: String::new(),
        });
        for d in self.lock_devices().values() {
            let _ = d.tx.try_send(close.clone());
        }
    }

    /// How many device channels this node holds.
    pub fn device_channels(&self) -> usize {
        self.lock_devices().len()
    }

    fn lock_devices(&self) -> std::sync::MutexGuard<'_, HashMap<String, DeviceConn>> {
        self.devices.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Registers a new channel of `device_id` on this node (an older one here is told to close).
    pub fn attach_device(self: &Arc<Self>, device_id: &str) -> DeviceSubscription {
        let (tx, rx) = mpsc::channel(DEVICE_QUEUE);
        let conn = self.new_conn_id();
        let old = self.lock_devices().insert(
            device_id.to_owned(),
            DeviceConn {
                conn: conn.clone(),
                tx,
            },
        );
        if let Some(old) = old {
            let _ = old
                .tx
                .try_send(Arc::new(DeviceEvent::Replaced { conn: conn.clone() }));
        }
        DeviceSubscription {
            rx,
            conn,
            hub: self.clone(),
            device_id: device_id.to_owned(),
        }
    }

    /// Sends an event to the channel of `device_id` on whichever node holds it: to this node's
    /// at once, then on the bus for the others. Returns whether this node held one.
    pub async fn push_device(&self, device_id: &str, event: DeviceEvent) -> bool {
        let env = Envelope {
            session_id: device_key(device_id),
            event: BusEvent::Device {
                device_id: device_id.to_owned(),
                event,
            },
            origin: self.node.clone(),
        };
        let here = self.deliver_device(&env.event);
        if let Some(bus) = self.bus.get()
            && let Err(e) = bus.publish(env).await
        {
            tracing::warn!(error = %e, device_id, "publishing on the bus failed");
        }
        here
    }

    /// Hands a device event to this node's channel of its device; whether there was one.
    fn deliver_device(&self, event: &BusEvent) -> bool {
        let BusEvent::Device { device_id, event } = event else {
            return false;
        };
        let devices = self.lock_devices();
        let Some(d) = devices.get(device_id) else {
            return false;
        };
        if let DeviceEvent::Replaced { conn } = event
            && *conn == d.conn
        {
            return true;
        }
        if d.tx.try_send(Arc::new(event.clone())).is_err() {
            tracing::debug!(device_id, "a device channel's queue is full; event dropped");
        }
        true
    }

    /// Waits until what this node published has left it on the bus (when it stops).
    pub async fn flush(&self) {
        if let Some(bus) = self.bus.get()
            && let Err(e) = bus.flush().await
        {
            tracing::warn!(error = %e, "flushing the bus failed");
        }
    }

    /// Sets the bus once, at start.
    pub fn set_bus(&self, bus: Arc<dyn Bus>) {
        let _ = self.bus.set(bus);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, broadcast::Sender<Arc<BusEvent>>>> {
        // The map stays consistent even if a holder panicked: recover it.
        self.topics.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Subscribes to a session's events.
    pub fn subscribe(self: &Arc<Self>, session_id: &str) -> Subscription {
        let rx = self
            .lock()
            .entry(session_id.to_owned())
            .or_insert_with(|| broadcast::channel(TOPIC_CAPACITY).0)
            .subscribe();
        Subscription {
            rx,
            hub: self.clone(),
            session_id: session_id.to_owned(),
        }
    }

    /// Hands an envelope from the bus to this node's connections of its session. Envelopes this
    /// node published were delivered here already (see `publish`) and are skipped; `Resync`
    /// goes to every session of this node.
    pub fn deliver(&self, env: Envelope) {
        if env.origin == self.node {
            return;
        }
        if env.event == BusEvent::Resync {
            self.resync_all();
            return;
        }
        self.deliver_here(env);
    }

    fn deliver_here(&self, env: Envelope) {
        if matches!(env.event, BusEvent::Device { .. }) {
            self.deliver_device(&env.event);
            return;
        }
        if let Some(tx) = self.lock().get(&env.session_id) {
            let _ = tx.send(Arc::new(env.event));
        }
    }

    /// Tells every connection of this node to bring its client up to date from the store: the
    /// bus was away, and events of other nodes published meanwhile never arrived.
    pub fn resync_all(&self) {
        for tx in self.lock().values() {
            let _ = tx.send(Arc::new(BusEvent::Resync));
        }
    }

    /// Publishes an event of a session to every node: to this node's connections at once (a
    /// sender is answered by its own node even while the bus is away), then on the bus for the
    /// others. Bus failures are logged: what matters is in the database, and nodes and clients
    /// catch up from it (`Resync`, the chat `seq`).
    pub async fn publish(&self, session_id: &str, event: BusEvent) {
        let env = Envelope {
            session_id: session_id.to_owned(),
            event,
            origin: self.node.clone(),
        };
        self.deliver_here(env.clone());
        if let Some(bus) = self.bus.get()
            && let Err(e) = bus.publish(env).await
        {
            tracing::warn!(error = %e, session_id, "publishing on the bus failed");
        }
    }
}
