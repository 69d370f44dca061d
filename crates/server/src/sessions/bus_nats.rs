//! The bus over NATS, for several server nodes (`--bus nats://...`).
//!
//! Each envelope is published as JSON on the subject `assist.session.{id}`; every node holds one
//! subscription to `assist.session.>` and hands what arrives to its hub, which keeps only the
//! sessions it has connections for. Envelopes of a session published by one node arrive in
//! publishing order at every node: one client connection per node, one subject per session, and
//! NATS keeps the order of one publisher on one subject. A node hands its own envelopes to its
//! connections at once (`Hub::publish`) and skips them when NATS brings them back.
//!
//! Reconnects are the client's work. While NATS is away a node publishes nothing (what it would
//! have published is in the database) and hears nothing from the others. When the connection
//! comes back, once the server has our subscription again (a flush round trip), the node tells
//! every connection it holds to catch up from the store (`BusEvent::Resync`): the fresh state,
//! the peer's presence, and the chat messages it has not sent yet (by their `seq`).

use super::bus::{BoxFuture, Bus, BusEvent, Deliver, Envelope};
use crate::limits::BUS_PUBLISH_TIMEOUT_MS;
use anyhow::Context;
use futures_util::StreamExt;
use std::time::Duration;

/// Subject prefix of session envelopes.
pub const SUBJECT_PREFIX: &str = "assist.session.";
/// The wildcard every node subscribes to.
pub const SUBJECT_ALL: &str = "assist.session.>";
/// How long start-up waits for NATS before it gives up.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The NATS bus of one node.
pub struct NatsBus {
    client: async_nats::Client,
}

/// The subject of a session's envelopes. Session ids are plain tokens (letters, digits, `-`, `_`);
/// anything else could reach other subjects and is refused.
pub fn subject(session_id: &str) -> anyhow::Result<String> {
    let plain = !session_id.is_empty()
        && session_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    anyhow::ensure!(plain, "session id unusable as a NATS subject token");
    Ok(format!("{SUBJECT_PREFIX}{session_id}"))
}

/// The servers of a bus URL: one `nats://` or `tls://` URL, or several separated by commas (the
/// servers of one NATS cluster; the client picks one and fails over to the others).
pub fn servers(list: &str) -> anyhow::Result<Vec<String>> {
    let servers: Vec<String> = list
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    anyhow::ensure!(
        !servers.is_empty(),
        "the bus URL names no server (use nats://HOST:PORT)"
    );
    for s in &servers {
        anyhow::ensure!(
            s.starts_with("nats://") || s.starts_with("tls://"),
            "unsupported bus URL {s:?} (use nats://HOST:PORT or tls://HOST:PORT, several separated by commas)"
        );
        s.parse::<async_nats::ServerAddr>()
            .with_context(|| format!("invalid bus URL {s:?}"))?;
    }
    Ok(servers)
}

impl NatsBus {
    /// Connects to the NATS servers (see [`servers`]) and starts handing every session envelope
    /// to `deliver`. Fails with a clear message when no server can be reached at start.
    pub async fn connect(servers: &[String], deliver: Deliver) -> anyhow::Result<NatsBus> {
        let deliver_resync = {
            let deliver = deliver.clone();
            move || {
                deliver(Envelope {
                    session_id: String::new(),
                    event: BusEvent::Resync,
                    origin: String::new(),
                })
            }
        };
        let url = servers.join(", ");
        let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
        let client = async_nats::ConnectOptions::new()
            .name("assist")
            .connection_timeout(CONNECT_TIMEOUT)
            .event_callback(move |event| {
                let events_tx = events_tx.clone();
                async move {
                    tracing::info!(%event, "NATS connection event");
                    let _ = events_tx.send(event);
                }
            })
            .connect(servers)
            .await
            .with_context(|| format!("cannot reach the NATS bus at {url}"))?;
        let mut sub = client
            .subscribe(SUBJECT_ALL)
            .await
            .with_context(|| format!("cannot subscribe to {SUBJECT_ALL} on {url}"))?;
        tokio::spawn(async move {
            while let Some(msg) = sub.next().await {
                match serde_json::from_slice::<Envelope>(&msg.payload) {
                    Ok(env) => deliver(env),
                    Err(e) => {
                        tracing::warn!(error = %e, subject = %msg.subject, "ignoring a malformed envelope")
                    }
                }
            }
            tracing::warn!("the NATS subscription ended; live events from other nodes stop");
        });
        let (watcher, resync) = (client.clone(), deliver_resync);
        tokio::spawn(async move {
            let mut was_down = false;
            while let Some(event) = events.recv().await {
                match event {
                    async_nats::Event::Disconnected => was_down = true,
                    async_nats::Event::Connected if was_down => {
                        was_down = false;
                        // The subscription is sent again right after the connection is made;
                        // a round trip makes sure the server has it before we read the store.
                        if let Err(e) = watcher.flush().await {
                            tracing::warn!(error = %e, "flushing after a NATS reconnection failed");
                        }
                        resync();
                    }
                    _ => {}
                }
            }
        });
        Ok(NatsBus { client })
    }
}

impl Bus for NatsBus {
    fn publish(&self, env: Envelope) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async move {
            let subject = subject(&env.session_id)?;
            // While NATS is away the client queues what is published, and once its queue is full
            // publishing waits: the other nodes catch up from the store instead (see above).
            anyhow::ensure!(
                self.client.connection_state() == async_nats::connection::State::Connected,
                "the NATS bus is unavailable"
            );
            let body = serde_json::to_vec(&env)?;
            tokio::time::timeout(
                Duration::from_millis(BUS_PUBLISH_TIMEOUT_MS),
                self.client.publish(subject, body.into()),
            )
            .await
            .context("publishing on NATS timed out")?
            .context("publishing on NATS")?;
            Ok(())
        })
    }

    fn flush(&self) -> BoxFuture<'_, anyhow::Result<()>> {
        Box::pin(async move {
            tokio::time::timeout(
                Duration::from_millis(BUS_PUBLISH_TIMEOUT_MS),
                self.client.flush(),
            )
            .await
            .context("flushing NATS timed out")?
            .context("flushing NATS")?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bus_urls_name_one_or_several_servers() {
        assert_eq!(servers("nats://a:4222").unwrap(), ["nats://a:4222"]);
        assert_eq!(
            servers(" nats://a:4222, tls://b:4222 ,nats://c:4222,").unwrap(),
            ["nats://a:4222", "tls://b:4222", "nats://c:4222"]
        );
        for bad in [
            "",
            " , ",
            "redis://a:6379",
            "nats://a:4222,http://b",
            "a:4222",
        ] {
            assert!(servers(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn subjects_take_plain_ids_only() {
        assert_eq!(
            subject("0a1b2c").unwrap(),
            "assist.session.0a1b2c".to_owned()
        );
        for bad in ["", "a.b", "a*", ">", "a b", "a\nb"] {
            assert!(subject(bad).is_err(), "{bad:?}");
        }
    }
}
