//! Stopping a node without dropping anyone, so that a rolling restart is invisible to the people in
//! a session (`docs/deployment.md`, "Stopping a node").
//!
//! SIGTERM or Ctrl-C (`signal`) ends the accept loop in `lib.rs`; then `drain`: the shutdown
//! signal goes to everything that holds a connection (the `Shutdown` in the state: kept-alive HTTP
//! connections finish the request under way and close; every live socket tells the peer its side is
//! `moving` and closes with `CLOSE_MOVING`, see `sessions::moving`), the node waits up to
//! `SHUTDOWN_DRAIN_SECS` for them, then flushes its chat writer and its bus, and the process exits 0.
//! Work that must finish before the process ends (connections, live sockets, the chat messages a
//! socket handed over) is spawned or held through `Shutdown` so that `drain` can wait for it.

use crate::limits::SHUTDOWN_DRAIN_SECS;
use crate::state::AppState;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tokio_util::sync::{CancellationToken, WaitForCancellationFuture};

/// The node's shutdown signal, and the work it waits for. Cheap to clone.
#[derive(Clone)]
pub struct Shutdown {
    begun: CancellationToken,
    /// How much work is under way (`Held` values alive).
    work: Arc<watch::Sender<usize>>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Shutdown {
            begun: CancellationToken::new(),
            work: Arc::new(watch::channel(0).0),
        }
    }
}

/// Work the node waits for before it exits, until dropped.
pub struct Held {
    work: Arc<watch::Sender<usize>>,
}

impl Drop for Held {
    fn drop(&mut self) {
        self.work.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl Shutdown {
    /// Gives the signal: everything waiting on `begun` wakes.
    pub fn begin(&self) {
        self.begun.cancel();
    }

    /// Whether the signal was given.
    pub fn has_begun(&self) -> bool {
        self.begun.is_cancelled()
    }

    /// Completes when the signal is given (at once if it was).
    pub fn begun(&self) -> WaitForCancellationFuture<'_> {
        self.begun.cancelled()
    }

    /// Counts as work the node waits for until dropped (for a task spawned elsewhere, such as a
    /// live socket's).
    pub fn hold(&self) -> Held {
        self.work.send_modify(|n| *n += 1);
        Held {
            work: self.work.clone(),
        }
    }

    /// Runs `work` as a task that the node waits for before it exits.
    pub fn spawn<F>(&self, work: F)
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let held = self.hold();
        tokio::spawn(async move {
            let _held = held;
            work.await;
        });
    }

    /// Work under way.
    pub fn pending(&self) -> usize {
        *self.work.borrow()
    }

    /// Waits up to `limit` for all work to end; whether it did.
    pub async fn finished(&self, limit: Duration) -> bool {
        let mut count = self.work.subscribe();
        tokio::time::timeout(limit, count.wait_for(|n| *n == 0))
            .await
            .is_ok()
    }
}

/// Completes on SIGTERM or Ctrl-C (SIGINT), and logs which.
pub async fn signal() {
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    let which = tokio::select! {
        () = term => "SIGTERM",
        r = tokio::signal::ctrl_c() => match r {
            Ok(()) => "Ctrl-C",
            Err(_) => std::future::pending().await,
        },
    };
    tracing::info!(signal = which, "stopping: no new connections from now on");
}

/// After the accept loop ended: tells every connection to finish or move, waits for them up to
/// `SHUTDOWN_DRAIN_SECS`, then flushes the chat writer and the bus.
pub async fn drain(state: &AppState) {
    let started = Instant::now();
    let sockets = state
        .metrics
        .open_websockets
        .load(std::sync::atomic::Ordering::Relaxed);
    tracing::info!(
        live_sockets = sockets,
        "stopping: finishing requests in flight; live sockets are told to reconnect to another node"
    );
    state.shutdown.begin();
    let limit = Duration::from_secs(SHUTDOWN_DRAIN_SECS);
    if !state.shutdown.finished(limit).await {
        tracing::warn!(
            pending = state.shutdown.pending(),
            "stopping: not everything finished within {SHUTDOWN_DRAIN_SECS} s; exiting anyway"
        );
    }
    // The chat writer gets what is left of the drain time, and at least a second.
    let rest = limit
        .saturating_sub(started.elapsed())
        .max(Duration::from_secs(1));
    if tokio::time::timeout(rest, state.chat.flush())
        .await
        .is_err()
    {
        tracing::warn!("stopping: the chat writer did not finish in time");
    }
    state.hub.flush().await;
    tracing::info!(
        elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "stopped"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn waits_for_held_and_spawned_work_only_as_long_as_allowed() {
        let s = Shutdown::default();
        assert!(s.finished(Duration::ZERO).await, "nothing under way");
        let held = s.hold();
        let (go, gate) = tokio::sync::oneshot::channel::<()>();
        s.spawn(async move {
            let _ = gate.await;
        });
        assert_eq!(s.pending(), 2);
        assert!(!s.finished(Duration::from_millis(20)).await);
        drop(held);
        assert!(
            !s.finished(Duration::from_millis(20)).await,
            "the task runs"
        );
        let _ = go.send(());
        assert!(s.finished(Duration::from_secs(5)).await);
        assert_eq!(s.pending(), 0);
    }

    #[tokio::test]
    async fn the_signal_wakes_every_waiter_and_stays_given() {
        let s = Shutdown::default();
        assert!(!s.has_begun());
        let waiter = tokio::spawn({
            let s = s.clone();
            async move { s.begun().await }
        });
        s.begin();
        waiter.await.unwrap();
        assert!(s.has_begun());
        s.begun().await; // at once
    }
}
