//! Heartbeats and presence: pure timers a connection loop drives with the current time.
//!
//! Each side of a live connection keeps a [`Liveness`]. The client sends `{"type":"ping"}` every
//! [`HEARTBEAT_INTERVAL_MS`] and the server answers `{"type":"pong"}`; any message counts as a sign
//! of life ([`Liveness::seen`]). A peer silent for [`LOST_AFTER_MS`] is lost. A loop that wakes at
//! [`Liveness::next_wakeup`] notices a loss exactly [`LOST_AFTER_MS`] after the last message; one
//! that only wakes to ping notices it at most one interval later. Either way a network cut is told to
//! the other side well within the 6 seconds of `docs/architecture.md` ("Measures").
//!
//! On the server, each participant's [`PeerPresence`] says whether it is online, left cleanly,
//! was lost or is moving to another server node, and since when. A participant who is back within [`RESUME_GRACE_MS`] resumes the same
//! session; past that, [`PeerPresence::end_reason`] gives the reason to end it with.

use serde::{Deserialize, Serialize};

use crate::session::{EndReason, Millis, Role};

/// How often a client sends a heartbeat ping: 1 second.
pub const HEARTBEAT_INTERVAL_MS: i64 = 1_000;

/// How long a peer may stay silent before it is declared lost: 4 seconds (four missed heartbeats).
pub const LOST_AFTER_MS: i64 = 4_000;

/// How long a participant who left or was lost may take to come back and resume the session:
/// 60 seconds.
pub const RESUME_GRACE_MS: i64 = 60_000;

// The timing promises of docs/architecture.md ("Measures"), checked when the crate compiles.
// A network cut must be told within 6 s, even by a loop that wakes only to ping.
const _: () = assert!(LOST_AFTER_MS + HEARTBEAT_INTERVAL_MS <= 6_000);
// Several heartbeats may go missing before a peer counts as lost.
const _: () = assert!(LOST_AFTER_MS >= 3 * HEARTBEAT_INTERVAL_MS);
// A lost participant has time to come back after being declared lost.
const _: () = assert!(RESUME_GRACE_MS > LOST_AFTER_MS);

/// Whether a participant is connected, as told to the other side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PresenceStatus {
    /// Connected and heard from recently.
    Online,
    /// Closed the connection cleanly (page closed, End pressed, agent stopped).
    Left,
    /// Went silent for `LOST_AFTER_MS` (network cut, machine asleep, process killed).
    Lost,
    /// Its server node is shutting down and told it to reconnect (close code
    /// [`crate::wire::CLOSE_MOVING`]): it is coming back through another node at once.
    Moving,
}

impl PresenceStatus {
    /// The name used on the wire: `online`, `left`, `lost` or `moving`.
    pub fn as_str(self) -> &'static str {
        match self {
            PresenceStatus::Online => "online",
            PresenceStatus::Left => "left",
            PresenceStatus::Lost => "lost",
            PresenceStatus::Moving => "moving",
        }
    }
}

impl std::fmt::Display for PresenceStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a connection loop should do next, from [`Liveness::poll`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Heartbeat {
    /// The peer has been silent for [`LOST_AFTER_MS`]: close the connection and report it lost.
    Lost,
    /// Send a ping now (already recorded as sent).
    Ping,
    /// Nothing to do: wake up at this time, or earlier if a message arrives.
    WaitUntil(Millis),
}

/// The heartbeat timers of one connection, seen from one side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Liveness {
    last_seen: Millis,
    last_ping: Millis,
    /// Whether a peer heard from within the interval is spared the ping (the server's side).
    ping_only_silent: bool,
}

impl Liveness {
    /// A client's timers for a connection opened at `now`: the server counts as just seen, and
    /// a ping goes out every interval, the first one interval from now.
    pub fn new(now: Millis) -> Liveness {
        Liveness {
            last_seen: now,
            last_ping: now,
            ping_only_silent: false,
        }
    }

    /// The server's timers for a connection opened at `now`: it pings only a client it has not
    /// heard from for an interval. The web app and the agent ping every interval themselves, so
    /// the server's pings go only to a client that has fallen silent (or does not ping); the
    /// loss deadline is the same either way.
    pub fn for_server(now: Millis) -> Liveness {
        Liveness {
            ping_only_silent: true,
            ..Liveness::new(now)
        }
    }

    /// Records traffic from the peer at `now` (any message, not only pings and pongs).
    /// Time never goes back: an older `now` than the last one seen is ignored.
    pub fn seen(&mut self, now: Millis) {
        self.last_seen = self.last_seen.max(now);
    }

    /// Records that a ping was sent at `now`.
    pub fn pinged(&mut self, now: Millis) {
        self.last_ping = self.last_ping.max(now);
    }

    /// When the peer was last heard from.
    pub fn last_seen(&self) -> Millis {
        self.last_seen
    }

    /// When the peer counts as lost unless heard from before: last seen + [`LOST_AFTER_MS`].
    pub fn deadline(&self) -> Millis {
        self.last_seen.saturating_add(LOST_AFTER_MS)
    }

    /// Whether the peer has been silent for [`LOST_AFTER_MS`] or more at `now`.
    pub fn is_lost(&self, now: Millis) -> bool {
        now >= self.deadline()
    }

    /// When the next ping should go out: one interval after the last ping (on the server's side,
    /// or after the last message from the peer if that is later), or `now` if overdue.
    pub fn next_ping(&self, now: Millis) -> Millis {
        self.ping_from()
            .saturating_add(HEARTBEAT_INTERVAL_MS)
            .max(now)
    }

    /// Whether a ping is due at `now` (see [`Liveness::next_ping`]).
    pub fn ping_due(&self, now: Millis) -> bool {
        now >= self.ping_from().saturating_add(HEARTBEAT_INTERVAL_MS)
    }

    /// What the next ping is counted from.
    fn ping_from(&self) -> Millis {
        if self.ping_only_silent {
            self.last_ping.max(self.last_seen)
        } else {
            self.last_ping
        }
    }

    /// The earliest time something needs doing: the next ping or the loss deadline.
    pub fn next_wakeup(&self, now: Millis) -> Millis {
        self.next_ping(now).min(self.deadline())
    }

    /// What to do at `now`, in the manner of str0m's `poll_output`: call it after every input
    /// and on every wake-up, act on the answer, and sleep until [`Heartbeat::WaitUntil`].
    /// A due ping is recorded as sent.
    pub fn poll(&mut self, now: Millis) -> Heartbeat {
        if self.is_lost(now) {
            Heartbeat::Lost
        } else if self.ping_due(now) {
            self.pinged(now);
            Heartbeat::Ping
        } else {
            Heartbeat::WaitUntil(self.next_wakeup(now))
        }
    }
}

/// One participant's presence as the server tracks it: status and since when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerPresence {
    /// Online, left, lost or moving.
    pub status: PresenceStatus,
    /// When the status last changed.
    pub since: Millis,
}

impl PeerPresence {
    /// A participant that connected at `now`.
    pub fn online(now: Millis) -> PeerPresence {
        PeerPresence {
            status: PresenceStatus::Online,
            since: now,
        }
    }

    /// Moves to `status` at `now`. Returns whether the status changed (and so whether the other
    /// side should be told); setting the same status again keeps the original `since`.
    pub fn set(&mut self, status: PresenceStatus, now: Millis) -> bool {
        if self.status == status {
            return false;
        }
        self.status = status;
        self.since = now;
        true
    }

    /// Until when a participant who left, was lost or is moving may come back: `since` +
    /// [`RESUME_GRACE_MS`]. `None` while online.
    pub fn grace_deadline(&self) -> Option<Millis> {
        match self.status {
            PresenceStatus::Online => None,
            PresenceStatus::Left | PresenceStatus::Lost | PresenceStatus::Moving => {
                Some(self.since.saturating_add(RESUME_GRACE_MS))
            }
        }
    }

    /// If the grace period is over at `now`, the reason to end the session with
    /// (`helper_left`, `sharer_lost`, ...), for the participant in `role`. A move that never
    /// arrived is a loss.
    pub fn end_reason(&self, role: Role, now: Millis) -> Option<EndReason> {
        let deadline = self.grace_deadline()?;
        if now < deadline {
            return None;
        }
        Some(match self.status {
            PresenceStatus::Left => EndReason::left(role),
            PresenceStatus::Lost | PresenceStatus::Moving | PresenceStatus::Online => {
                EndReason::lost(role)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Millis = 1_700_000_000_000;

    #[test]
    fn lost_exactly_at_deadline() {
        let mut l = Liveness::new(T0);
        l.seen(T0 + 500);
        assert_eq!(l.deadline(), T0 + 500 + LOST_AFTER_MS);
        assert!(!l.is_lost(T0 + 499 + LOST_AFTER_MS));
        assert!(l.is_lost(T0 + 500 + LOST_AFTER_MS));
        assert_eq!(l.last_seen(), T0 + 500);
    }

    #[test]
    fn seen_never_goes_back() {
        let mut l = Liveness::new(T0);
        l.seen(T0 + 2_000);
        l.seen(T0 + 1_000);
        assert_eq!(l.last_seen(), T0 + 2_000);
    }

    #[test]
    fn pings_every_interval() {
        let mut l = Liveness::new(T0);
        assert_eq!(l.poll(T0), Heartbeat::WaitUntil(T0 + HEARTBEAT_INTERVAL_MS));
        assert!(!l.ping_due(T0 + HEARTBEAT_INTERVAL_MS - 1));
        assert_eq!(l.poll(T0 + HEARTBEAT_INTERVAL_MS), Heartbeat::Ping);
        assert_eq!(
            l.poll(T0 + HEARTBEAT_INTERVAL_MS),
            Heartbeat::WaitUntil(T0 + 2 * HEARTBEAT_INTERVAL_MS)
        );
        // Overdue: ping now.
        assert_eq!(
            l.next_ping(T0 + 10 * HEARTBEAT_INTERVAL_MS),
            T0 + 10 * HEARTBEAT_INTERVAL_MS
        );
    }

    #[test]
    fn the_server_pings_only_a_silent_peer() {
        let mut l = Liveness::for_server(T0);
        // The peer talks every 900 ms: no ping ever falls due.
        for k in 1..100 {
            let now = T0 + k * 900;
            assert_ne!(l.poll(now), Heartbeat::Ping, "at {now}");
            l.seen(now);
        }
        // Once it falls silent, pings resume one interval after its last message.
        let last = T0 + 99 * 900;
        assert_eq!(
            l.poll(last),
            Heartbeat::WaitUntil(last + HEARTBEAT_INTERVAL_MS)
        );
        assert_eq!(l.poll(last + HEARTBEAT_INTERVAL_MS), Heartbeat::Ping);
        assert_eq!(
            l.poll(last + HEARTBEAT_INTERVAL_MS),
            Heartbeat::WaitUntil(last + 2 * HEARTBEAT_INTERVAL_MS)
        );
        // A client pings every interval, whatever it hears.
        let mut c = Liveness::new(T0);
        c.seen(T0 + 900);
        assert_eq!(c.poll(T0 + HEARTBEAT_INTERVAL_MS), Heartbeat::Ping);
    }

    #[test]
    fn next_wakeup_is_the_earlier_of_ping_and_loss() {
        let mut l = Liveness::new(T0);
        l.pinged(T0 + 3_900);
        assert_eq!(l.next_wakeup(T0 + 3_900), T0 + LOST_AFTER_MS);
        l.seen(T0 + 3_900);
        assert_eq!(
            l.next_wakeup(T0 + 3_900),
            T0 + 3_900 + HEARTBEAT_INTERVAL_MS
        );
    }

    /// A peer goes silent at a random-ish offset inside a heartbeat interval. A loop that wakes
    /// at `next_wakeup` detects it at exactly LOST_AFTER_MS after the last message; one that wakes
    /// only every heartbeat interval within LOST_AFTER_MS + HEARTBEAT_INTERVAL_MS.
    #[test]
    fn silent_peer_is_lost_within_bound() {
        for silent_from in (0..3 * HEARTBEAT_INTERVAL_MS).step_by(37) {
            let silent_from = T0 + silent_from;
            // The peer pings every interval until it goes silent.
            let peer_sends = |t: Millis| t < silent_from && (t - T0) % HEARTBEAT_INTERVAL_MS == 0;

            // Loop 1: event-driven, wakes at next_wakeup or when a message arrives.
            let mut l = Liveness::new(T0);
            let mut now = T0;
            let mut steps = 0;
            let detected = loop {
                steps += 1;
                assert!(steps < 10_000 && now < T0 + 60_000, "never detected");
                let next_msg = (now + 1..).find(|&t| t >= silent_from || peer_sends(t));
                let wake = match l.poll(now) {
                    Heartbeat::Lost => break now,
                    Heartbeat::Ping => continue,
                    Heartbeat::WaitUntil(t) => t,
                };
                match next_msg {
                    Some(t) if t < silent_from && t <= wake => {
                        now = t;
                        l.seen(now);
                    }
                    _ => now = wake,
                }
            };
            let last_msg = l.last_seen();
            assert_eq!(detected - last_msg, LOST_AFTER_MS);
            assert!(detected - silent_from <= LOST_AFTER_MS);

            // Loop 2: wakes only on its own ping ticks.
            let mut l = Liveness::new(T0);
            let mut now = T0;
            let detected = loop {
                assert!(now < T0 + 60_000, "never detected");
                now += HEARTBEAT_INTERVAL_MS;
                if now - HEARTBEAT_INTERVAL_MS < silent_from {
                    // The last message in the past interval, if the peer still talked.
                    let last = (now - HEARTBEAT_INTERVAL_MS..now)
                        .rev()
                        .find(|&t| peer_sends(t));
                    if let Some(t) = last {
                        l.seen(t);
                    }
                }
                if l.is_lost(now) {
                    break now;
                }
            };
            assert!(
                detected - silent_from <= LOST_AFTER_MS + HEARTBEAT_INTERVAL_MS,
                "silent from {silent_from}, detected at {detected}"
            );
        }
    }

    #[test]
    fn chatty_peer_is_never_lost() {
        let mut l = Liveness::new(T0);
        let mut now = T0;
        // One hour of a peer whose messages arrive 1 ms to 3.999 s apart, the gaps varying.
        let mut gap = 0;
        while now < T0 + 3_600_000 {
            gap = (gap + 1_337) % (LOST_AFTER_MS - 1);
            now += gap + 1;
            assert_ne!(l.poll(now), Heartbeat::Lost, "at {now}");
            l.seen(now);
        }
        // And a peer whose messages are exactly LOST_AFTER_MS - 1 apart.
        let mut l = Liveness::new(T0);
        for i in 1..1_000 {
            let t = T0 + i * (LOST_AFTER_MS - 1);
            assert!(!l.is_lost(t));
            l.seen(t);
        }
    }

    #[test]
    fn presence_grace_and_end_reasons() {
        for role in Role::ALL {
            let mut p = PeerPresence::online(T0);
            assert_eq!(p.grace_deadline(), None);
            assert_eq!(p.end_reason(role, i64::MAX), None);

            assert!(p.set(PresenceStatus::Lost, T0 + 10));
            assert!(
                !p.set(PresenceStatus::Lost, T0 + 20),
                "same status is not a change"
            );
            assert_eq!(p.since, T0 + 10);
            assert_eq!(p.grace_deadline(), Some(T0 + 10 + RESUME_GRACE_MS));
            assert_eq!(p.end_reason(role, T0 + 9 + RESUME_GRACE_MS), None);
            assert_eq!(
                p.end_reason(role, T0 + 10 + RESUME_GRACE_MS),
                Some(EndReason::lost(role))
            );

            // Back in time: resumes.
            assert!(p.set(PresenceStatus::Online, T0 + 30));
            assert_eq!(p.end_reason(role, i64::MAX), None);

            assert!(p.set(PresenceStatus::Left, T0 + 40));
            assert_eq!(
                p.end_reason(role, T0 + 40 + RESUME_GRACE_MS),
                Some(EndReason::left(role))
            );

            // Moving to another node: the same grace; a move that never arrives is a loss.
            assert!(p.set(PresenceStatus::Moving, T0 + 50));
            assert_eq!(p.grace_deadline(), Some(T0 + 50 + RESUME_GRACE_MS));
            assert_eq!(p.end_reason(role, T0 + 49 + RESUME_GRACE_MS), None);
            assert_eq!(
                p.end_reason(role, T0 + 50 + RESUME_GRACE_MS),
                Some(EndReason::lost(role))
            );
        }
    }

    #[test]
    fn status_serde() {
        for (status, name) in [
            (PresenceStatus::Online, "online"),
            (PresenceStatus::Left, "left"),
            (PresenceStatus::Lost, "lost"),
            (PresenceStatus::Moving, "moving"),
        ] {
            assert_eq!(
                serde_json::to_string(&status).unwrap(),
                format!("\"{name}\"")
            );
            assert_eq!(status.as_str(), name);
            assert_eq!(status.to_string(), name);
        }
    }
}
