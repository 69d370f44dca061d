//! The control gate: the helper's input reaches the desktop only while the latest session state
//! says `active_mode == "control"`. Any other state (view only, an upgrade awaiting consent,
//! denied, ended, or no state yet) drops input, and leaving control releases every key and
//! button the helper still holds.
//!
//! Text events (a paste, an input method's composition) are typed character by character, and a
//! character the keymap lacks goes through a spare keycode; the helper may have at most
//! [`TEXT_CHARS_PER_SEC`] characters typed per second, with bursts of [`TEXT_BURST_CHARS`] (one
//! paste): text past that is refused, so a hostile page cannot keep the desktop typing.
//!
//! Pure logic around an [`Injector`]: the caller feeds states and data-channel messages (with
//! the time they arrived); tests use a recording injector.

use std::time::{Duration, Instant};

use assist_input::{Injector, InputError, InputEvent};
use assist_proto::Mode;

/// Characters of text the helper may have typed per second, on average.
pub const TEXT_CHARS_PER_SEC: u32 = 2048;
/// Most characters of text accepted at once (a paste of this length after a pause); the helper
/// page cuts pastes there (`MAX_PASTE_CHARS` in `web/static/js/remote-control.js`).
pub const TEXT_BURST_CHARS: usize = 16 * 1024;

/// What happened to one data-channel message.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Replayed on the desktop; how long parsing and injecting took.
    Injected(Duration),
    /// Not in control: dropped.
    Dropped,
    /// Not an input event (or refused by the injector): dropped, with the reason.
    Refused(String),
}

/// Input from the helper, gated by the session state.
pub struct ControlGate<I: Injector> {
    injector: I,
    control: bool,
    /// Messages injected / dropped, for the summary at the end.
    pub injected: u64,
    /// Messages dropped because the session was not in control.
    pub dropped: u64,
    latencies: Vec<Duration>,
    /// Characters of text that may be typed now, and when that was last worked out.
    text_budget: (f64, Option<Instant>),
}

impl<I: Injector> ControlGate<I> {
    /// A closed gate around `injector`.
    pub fn new(injector: I) -> Self {
        ControlGate {
            injector,
            control: false,
            injected: 0,
            dropped: 0,
            latencies: Vec::new(),
            text_budget: (TEXT_BURST_CHARS as f64, None),
        }
    }

    /// Whether input is accepted now.
    pub fn in_control(&self) -> bool {
        self.control
    }

    /// Applies the session's latest `active_mode`. Returns `true` when control just ended, after
    /// releasing every held key and button.
    pub fn on_active_mode(&mut self, active_mode: Option<Mode>) -> Result<bool, InputError> {
        let now = active_mode == Some(Mode::Control);
        let was = std::mem::replace(&mut self.control, now);
        if was && !now {
            self.injector.release_all()?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Handles one message from the `"input"` data channel, received at `received`.
    pub fn on_message(&mut self, text: &str, received: Instant) -> Outcome {
        if !self.control {
            self.dropped += 1;
            return Outcome::Dropped;
        }
        let event = match InputEvent::from_json(text) {
            Ok(e) => e,
            Err(e) => return Outcome::Refused(e.to_string()),
        };
        if let InputEvent::Text { text } = &event
            && !self.spend_text(text.chars().count(), received)
        {
            return Outcome::Refused(format!(
                "text faster than {TEXT_CHARS_PER_SEC} characters a second (bursts of {TEXT_BURST_CHARS})"
            ));
        }
        match self.injector.inject(&event) {
            Ok(()) => {
                let took = received.elapsed();
                self.injected += 1;
                if self.latencies.len() < 100_000 {
                    self.latencies.push(took);
                }
                Outcome::Injected(took)
            }
            Err(e) => Outcome::Refused(e.to_string()),
        }
    }

    /// Takes `chars` characters from the text budget at `now`; false (and nothing taken) when
    /// there are not that many.
    fn spend_text(&mut self, chars: usize, now: Instant) -> bool {
        let (budget, last) = &mut self.text_budget;
        if let Some(last) = *last {
            let refill =
                now.saturating_duration_since(last).as_secs_f64() * f64::from(TEXT_CHARS_PER_SEC);
            *budget = (*budget + refill).min(TEXT_BURST_CHARS as f64);
        }
        *last = Some(now);
        if chars as f64 > *budget {
            return false;
        }
        *budget -= chars as f64;
        true
    }

    /// Releases everything (at the end of the session).
    pub fn release_all(&mut self) -> Result<(), InputError> {
        self.control = false;
        self.injector.release_all()
    }

    /// Median and 99th percentile of receive-to-injected times so far.
    pub fn latency_percentiles(&self) -> Option<(Duration, Duration)> {
        percentiles(&self.latencies)
    }
}

/// p50 and p99 of `samples` (nearest rank).
pub fn percentiles(samples: &[Duration]) -> Option<(Duration, Duration)> {
    if samples.is_empty() {
        return None;
    }
    let mut v = samples.to_vec();
    v.sort_unstable();
    let rank = |p: f64| {
        let i = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len()) - 1;
        v[i]
    };
    Some((rank(0.50), rank(0.99)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Recorder {
        events: Vec<InputEvent>,
        releases: usize,
    }

    impl Injector for &mut Recorder {
        fn inject(&mut self, ev: &InputEvent) -> Result<(), InputError> {
            self.events.push(ev.clone());
            Ok(())
        }
        fn release_all(&mut self) -> Result<(), InputError> {
            self.releases += 1;
            Ok(())
        }
    }

    const MOVE: &str = r#"{"t":"mouse_move","x":0.5,"y":0.5}"#;
    const KEY: &str = r#"{"t":"key","code":"KeyA","key":"a","down":true}"#;

    #[test]
    fn nothing_is_injected_before_control() {
        let mut rec = Recorder::default();
        let mut gate = ControlGate::new(&mut rec);
        assert_eq!(gate.on_message(MOVE, Instant::now()), Outcome::Dropped);
        gate.on_active_mode(Some(Mode::View)).unwrap();
        assert_eq!(gate.on_message(KEY, Instant::now()), Outcome::Dropped);
        gate.on_active_mode(None).unwrap();
        assert_eq!(gate.on_message(KEY, Instant::now()), Outcome::Dropped);
        assert_eq!(gate.dropped, 3);
        drop(gate);
        assert!(rec.events.is_empty());
    }

    #[test]
    fn control_injects_and_leaving_it_releases_and_drops() {
        let mut rec = Recorder::default();
        let mut gate = ControlGate::new(&mut rec);
        assert!(!gate.on_active_mode(Some(Mode::Control)).unwrap());
        assert!(matches!(
            gate.on_message(KEY, Instant::now()),
            Outcome::Injected(_)
        ));
        assert!(matches!(
            gate.on_message("{\"t\":\"nope\"}", Instant::now()),
            Outcome::Refused(_)
        ));
        // Consent withdrawn / session over: released once, then nothing more.
        assert!(gate.on_active_mode(None).unwrap());
        assert!(!gate.on_active_mode(None).unwrap());
        assert_eq!(gate.on_message(MOVE, Instant::now()), Outcome::Dropped);
        assert!(gate.latency_percentiles().is_some());
        drop(gate);
        assert_eq!(rec.events.len(), 1);
        assert_eq!(rec.releases, 1);
    }

    #[test]
    fn view_after_control_releases() {
        let mut rec = Recorder::default();
        let mut gate = ControlGate::new(&mut rec);
        gate.on_active_mode(Some(Mode::Control)).unwrap();
        assert!(gate.on_active_mode(Some(Mode::View)).unwrap());
        assert!(!gate.in_control());
        drop(gate);
        assert_eq!(rec.releases, 1);
    }

    #[test]
    fn text_is_typed_at_a_bounded_rate() {
        let mut rec = Recorder::default();
        let mut gate = ControlGate::new(&mut rec);
        gate.on_active_mode(Some(Mode::Control)).unwrap();
        let text = |n: usize| format!(r#"{{"t":"text","text":"{}"}}"#, "字".repeat(n));
        let t0 = Instant::now();
        // A whole burst at once, in events of the longest size.
        let max = assist_input::MAX_TEXT_CHARS;
        for _ in 0..TEXT_BURST_CHARS / max {
            assert!(matches!(
                gate.on_message(&text(max), t0),
                Outcome::Injected(_)
            ));
        }
        // Then more at once is refused...
        assert!(matches!(gate.on_message(&text(1), t0), Outcome::Refused(_)));
        // ...until time has given it back, at TEXT_CHARS_PER_SEC.
        let half = t0 + Duration::from_millis(500);
        let n = TEXT_CHARS_PER_SEC as usize / 2;
        assert!(matches!(
            gate.on_message(&text(n.min(max)), half),
            Outcome::Injected(_)
        ));
        // Keys are not counted.
        assert!(matches!(gate.on_message(KEY, half), Outcome::Injected(_)));
        drop(gate);
        assert_eq!(rec.events.len(), TEXT_BURST_CHARS / max + 2);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(
            percentiles(&v),
            Some((Duration::from_millis(50), Duration::from_millis(99)))
        );
        assert_eq!(percentiles(&[]), None);
    }
}
