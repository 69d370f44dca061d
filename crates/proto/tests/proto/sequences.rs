//! Long seeded random event sequences against the session state machine's invariants.

use assist_proto::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const T0: Millis = 1_700_000_000_000;

fn random_event(rng: &mut StdRng) -> Event {
    let mode = if rng.random_bool(0.5) {
        Mode::View
    } else {
        Mode::Control
    };
    match rng.random_range(0..10) {
        0 => Event::Join,
        1 | 2 => Event::Request { mode },
        3 | 4 => Event::Consent {
            allow: rng.random_bool(0.6),
        },
        6 => Event::StopControl,
        // `max_length` is left to time, so that its invariant below can be checked.
        5 => Event::End {
            reason: EndReason::ALL[rng.random_range(0..EndReason::ALL.len() - 1)],
        },
        _ => Event::Tick,
    }
}

/// What must hold of any session, whatever happened to it.
fn check_invariants(s: &Session) {
    assert_eq!(s.is_terminal(), s.ended_at.is_some(), "{s:?}");
    assert_eq!(s.started_at.is_some(), s.highest_mode.is_some(), "{s:?}");
    assert_eq!(
        s.control_allowed(),
        s.active_mode() == Some(Mode::Control),
        "{s:?}"
    );
    if s.state.is_live() {
        assert!(s.joined_at.is_some(), "{s:?}");
    }
    if s.active_mode().is_some() {
        assert!(s.started_at.is_some(), "{s:?}");
    }
    if let Some(mode) = s.active_mode() {
        assert!(Some(mode) <= s.highest_mode, "{s:?}");
    }
    if s.state == State::Denied {
        assert_eq!(
            s.started_at, None,
            "only a first request can be denied: {s:?}"
        );
    }
    if s.state == State::Expired {
        assert_eq!(s.joined_at, None, "{s:?}");
        assert_eq!(s.ended_at, Some(s.code_expires_at), "{s:?}");
    }
    if s.end_reason() == Some(EndReason::MaxLength) {
        let limit = s.joined_at.unwrap() + s.max_length_ms.unwrap();
        assert_eq!(s.ended_at, Some(limit), "{s:?}");
    }
    for t in [s.joined_at, s.started_at, s.ended_at]
        .into_iter()
        .flatten()
    {
        assert!(t >= s.created_at, "{s:?}");
    }
    if s.is_terminal() {
        assert_eq!(s.next_deadline(), None, "{s:?}");
    }
    if let State::Waiting { expires_at } = s.state {
        assert_eq!(s.next_deadline(), Some(expires_at), "{s:?}");
    }
}

#[test]
fn random_sequences_keep_every_invariant() {
    let mut transitions = std::collections::HashSet::new();
    for seed in 0..2_000u64 {
        let mut rng = StdRng::seed_from_u64(seed);
        let max = if rng.random_bool(0.5) {
            Some(rng.random_range(1..120_000))
        } else {
            None
        };
        let mut s = Session::new(T0, rng.random_range(1..CODE_TTL_MS), max);
        let mut now = T0;
        check_invariants(&s);
        for _ in 0..40 {
            now += rng.random_range(0..20_000);
            let event = random_event(&mut rng);
            let before = s.clone();

            // What time alone would do: the reference for a refused event.
            let mut ticked = s.clone();
            ticked.apply(Event::Tick, now).unwrap();

            match s.apply(event, now) {
                Ok(state) => {
                    assert_eq!(state, s.state);
                    if event == Event::Tick {
                        assert_eq!(s, ticked);
                    }
                    transitions.insert((before.state.name(), event_kind(event), s.state.name()));
                }
                Err(err) => {
                    assert_eq!(
                        s, ticked,
                        "refused {event:?} must leave what time did, seed {seed}"
                    );
                    assert_eq!(err.from, ticked.state);
                    assert!(!err.code().is_empty());
                }
            }
            check_invariants(&s);

            // Recorded times never change once set; the highest mode never goes down.
            for (a, b) in [
                (before.joined_at, s.joined_at),
                (before.started_at, s.started_at),
                (before.ended_at, s.ended_at),
            ] {
                if a.is_some() {
                    assert_eq!(a, b, "seed {seed}");
                }
            }
            assert!(s.highest_mode >= before.highest_mode);
            // Terminal states are final.
            if before.is_terminal() {
                assert_eq!(s, before, "seed {seed}");
            }
            // The deadline is always in the future of the last input.
            if let Some(deadline) = s.next_deadline() {
                assert!(deadline > now, "seed {seed}");
            }
        }
    }
    // The random walk reached every kind of edge of the diagram.
    for edge in [
        (StateName::Waiting, "join", StateName::Joined),
        (StateName::Waiting, "end", StateName::Ended),
        (StateName::Waiting, "tick", StateName::Expired),
        (StateName::Joined, "request", StateName::Requested),
        (StateName::Requested, "consent", StateName::Active),
        (StateName::Requested, "consent", StateName::Denied),
        (StateName::Active, "request", StateName::Requested),
        (StateName::Active, "end", StateName::Ended),
        (StateName::Active, "stop_control", StateName::Active),
        (StateName::Active, "tick", StateName::Ended),
        (StateName::Requested, "end", StateName::Ended),
    ] {
        assert!(transitions.contains(&edge), "never saw {edge:?}");
    }
}

fn event_kind(event: Event) -> &'static str {
    match event {
        Event::Join => "join",
        Event::Request { .. } => "request",
        Event::Consent { .. } => "consent",
        Event::End { .. } => "end",
        Event::StopControl => "stop_control",
        Event::Tick => "tick",
    }
}
