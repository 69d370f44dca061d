//! When the capture thread sends a frame: as soon as the screen changes, at most `fps` frames a
//! second, and a refresh now and then while the screen is still. Pure: time is an input.
//!
//! ```text
//!  change reported ──► last frame ≥ 1/fps ago? ──yes──► send now
//!                                  │ no
//!                                  └──► send when 1/fps has passed since the last frame
//!  no change for REFRESH_INTERVAL ─────────────────────► send a refresh (whole screen read again)
//! ```
//!
//! A change never waits for a clock tick: on a still screen the first change goes out at once,
//! and a burst of changes goes out at the capped rate, the first at once and the last one no later
//! than 1/fps after the one before. The refresh frame keeps the stream alive while nothing moves:
//! a browser that lost the last frame notices the gap in sequence numbers and asks again, and a
//! change the display server failed to report is picked up within a second.

use std::time::{Duration, Instant};

/// How long a still screen goes without a frame: then the whole screen is read again and sent.
pub const REFRESH_INTERVAL: Duration = Duration::from_secs(1);

/// What kind of frame to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    /// The first frame (of the capture, or of a new media session): the whole screen.
    First,
    /// The screen changed.
    Change,
    /// Nothing was reported changed for [`REFRESH_INTERVAL`]: the whole screen again.
    Refresh,
}

/// What the capture thread does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Capture now and send the frame if it changed (then call [`FramePacer::sent`]; a capture
    /// that found nothing changed calls [`FramePacer::nothing_changed`]).
    Send(FrameKind),
    /// Wait for a change until `until`, and ask again then or on a change
    /// ([`FramePacer::changed`]).
    WaitForChange {
        /// When a refresh is due.
        until: Instant,
    },
    /// A change is waiting for the frame interval to pass: sleep until `until` (changes meanwhile
    /// go in the same frame), then ask again.
    Hold {
        /// When the next frame may go out.
        until: Instant,
    },
}

/// The capture thread's pacing state.
#[derive(Debug, Clone)]
pub struct FramePacer {
    min_interval: Duration,
    refresh_interval: Duration,
    /// When the last frame was sent; `None` before the first.
    last_sent: Option<Instant>,
    /// A change was reported and not yet captured.
    change: bool,
}

impl FramePacer {
    /// A pacer for at most `fps` frames a second (at least 1), refreshing a still screen every
    /// [`REFRESH_INTERVAL`].
    pub fn new(fps: u32) -> FramePacer {
        FramePacer::with_refresh(fps, REFRESH_INTERVAL)
    }

    /// As [`FramePacer::new`] with another refresh interval (no shorter than the frame
    /// interval).
    pub fn with_refresh(fps: u32, refresh_interval: Duration) -> FramePacer {
        let min_interval = Duration::from_secs(1) / fps.max(1);
        FramePacer {
            min_interval,
            refresh_interval: refresh_interval.max(min_interval),
            last_sent: None,
            change: false,
        }
    }

    /// The shortest time between two frames.
    pub fn min_interval(&self) -> Duration {
        self.min_interval
    }

    /// The next thing to do at `now`.
    pub fn next(&self, now: Instant) -> Pace {
        let Some(last) = self.last_sent else {
            return Pace::Send(FrameKind::First);
        };
        if self.change {
            let earliest = last + self.min_interval;
            if now >= earliest {
                Pace::Send(FrameKind::Change)
            } else {
                Pace::Hold { until: earliest }
            }
        } else {
            let refresh = last + self.refresh_interval;
            if now >= refresh {
                Pace::Send(FrameKind::Refresh)
            } else {
                Pace::WaitForChange { until: refresh }
            }
        }
    }

    /// The screen changed (reported by the display server).
    pub fn changed(&mut self) {
        self.change = true;
    }

    /// A frame captured at `at` was sent.
    pub fn sent(&mut self, at: Instant) {
        self.last_sent = Some(at);
        self.change = false;
    }

    /// The capture found nothing changed after all (a change elsewhere on the desktop, or one
    /// already captured): no frame was sent.
    pub fn nothing_changed(&mut self) {
        self.change = false;
    }

    /// Starts over (a new media session): the next frame is a [`FrameKind::First`], at once.
    pub fn restart(&mut self) {
        self.last_sent = None;
        self.change = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs a pacer at `fps` the way the capture thread does, on a simulated clock, with the
    /// screen changing at each of `changes` (ms from the start, ascending) and every capture
    /// finding the change; returns when (ms) each frame was sent and its kind, up to `end` ms.
    fn simulate(fps: u32, changes: &[u64], end: u64) -> Vec<(u64, FrameKind)> {
        let start = Instant::now();
        let ms = |t: Instant| t.duration_since(start).as_millis() as u64;
        let at = |m: u64| start + Duration::from_millis(m);
        let mut pacer = FramePacer::new(fps);
        let mut now = start;
        let mut next_change = 0; // index into `changes` of the first not yet reported
        let mut sent = Vec::new();
        while ms(now) < end {
            // Changes up to now have been reported.
            while next_change < changes.len() && changes[next_change] <= ms(now) {
                pacer.changed();
                next_change += 1;
            }
            match pacer.next(now) {
                Pace::Send(kind) => {
                    pacer.sent(now);
                    sent.push((ms(now), kind));
                    // Capturing takes a moment.
                    now += Duration::from_micros(100);
                }
                Pace::Hold { until } => now = until,
                Pace::WaitForChange { until } => {
                    // Sleeps until the next change or the refresh, whichever comes first.
                    now = match changes.get(next_change) {
                        Some(&c) if at(c) < until => at(c),
                        _ => until,
                    };
                }
            }
        }
        sent
    }

    #[test]
    fn the_first_frame_goes_out_at_once() {
        assert_eq!(simulate(30, &[], 10), vec![(0, FrameKind::First)]);
    }

    #[test]
    fn a_change_on_a_still_screen_goes_out_at_once() {
        use FrameKind::*;
        // No tick to wait for: each change is sent the moment it is reported.
        assert_eq!(
            simulate(30, &[200, 517, 901], 1000),
            vec![(0, First), (200, Change), (517, Change), (901, Change)]
        );
    }

    #[test]
    fn a_change_soon_after_a_frame_waits_for_the_frame_interval() {
        use FrameKind::*;
        // 30 fps: 33.3 ms apart at least. Changes at 210 and 220 ms go out together at 233.
        let sent = simulate(30, &[200, 210, 220], 400);
        assert_eq!(sent, vec![(0, First), (200, Change), (233, Change)]);
        let sent = simulate(60, &[200, 210], 400);
        assert_eq!(sent, vec![(0, First), (200, Change), (216, Change)]);
    }

    #[test]
    fn a_continuous_change_is_capped_at_fps() {
        for fps in [5, 10, 30, 60] {
            // A change every 2 ms for two seconds, starting 0.5 s after the refresh at 1 s.
            let changes: Vec<u64> = (1500..3500).step_by(2).collect();
            let sent = simulate(fps, &changes, 3500);
            let changes_sent: Vec<u64> = sent
                .iter()
                .filter(|(_, k)| *k == FrameKind::Change)
                .map(|(t, _)| *t)
                .collect();
            let expected = 2 * u64::from(fps);
            let n = changes_sent.len() as u64;
            assert!(
                n.abs_diff(expected) <= 1,
                "{fps} fps: {n} frames in 2 s, {changes_sent:?}"
            );
            let min_gap = 1000 / u64::from(fps);
            for pair in changes_sent.windows(2) {
                assert!(pair[1] - pair[0] >= min_gap, "{fps} fps: {pair:?}");
                assert!(pair[1] - pair[0] <= min_gap + 1, "{fps} fps: {pair:?}");
            }
            assert_eq!(changes_sent[0], 1500, "the first change is not held");
        }
    }

    #[test]
    fn a_still_screen_is_refreshed_every_interval_and_a_change_restarts_the_count() {
        use FrameKind::*;
        assert_eq!(
            simulate(30, &[], 3500),
            vec![
                (0, First),
                (1000, Refresh),
                (2000, Refresh),
                (3000, Refresh)
            ]
        );
        assert_eq!(
            simulate(30, &[1500], 3000),
            vec![(0, First), (1000, Refresh), (1500, Change), (2500, Refresh)]
        );
    }

    #[test]
    fn a_false_alarm_sends_nothing_and_keeps_the_refresh_time() {
        let start = Instant::now();
        let ms = |m: u64| start + Duration::from_millis(m);
        let mut pacer = FramePacer::new(30);
        assert_eq!(pacer.next(start), Pace::Send(FrameKind::First));
        pacer.sent(start);
        pacer.changed();
        assert_eq!(
            pacer.next(ms(10)),
            Pace::Hold {
                until: start + Duration::from_nanos(33_333_333)
            }
        );
        assert_eq!(pacer.next(ms(40)), Pace::Send(FrameKind::Change));
        pacer.nothing_changed();
        assert_eq!(pacer.next(ms(40)), Pace::WaitForChange { until: ms(1000) });
    }

    #[test]
    fn a_restart_sends_a_first_frame_at_once() {
        let start = Instant::now();
        let mut pacer = FramePacer::new(30);
        pacer.sent(start);
        pacer.changed();
        let soon = start + Duration::from_millis(5);
        assert!(matches!(pacer.next(soon), Pace::Hold { .. }));
        pacer.restart();
        assert_eq!(pacer.next(soon), Pace::Send(FrameKind::First));
    }

    #[test]
    fn odd_rates_are_bounded() {
        assert_eq!(FramePacer::new(0).min_interval(), Duration::from_secs(1));
        assert_eq!(
            FramePacer::new(30).min_interval(),
            Duration::from_nanos(33_333_333)
        );
        // A refresh interval shorter than the frame interval is the frame interval.
        let start = Instant::now();
        let mut pacer = FramePacer::with_refresh(2, Duration::from_millis(10));
        pacer.sent(start);
        assert_eq!(
            pacer.next(start),
            Pace::WaitForChange {
                until: start + Duration::from_millis(500)
            }
        );
    }
}
