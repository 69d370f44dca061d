//! From bandwidth estimates to encoder settings, without I/O (time is an input).
//!
//! The send-side bandwidth estimate (str0m's TWCC estimator) moves a little with every report;
//! every bitrate change costs a keyframe (see `encode`), so the policy changes the encoder only
//! for real moves: down by 15 % or more at most once a second, up by 25 % or more at most every
//! four seconds. For the first two seconds after the first estimate (the estimator settles
//! while the first keyframe goes out) only a drop below half the current bitrate counts. Below [`BitratePolicy::REDUCE_BELOW_BPS`] the picture is encoded at the reduced
//! size (1280×720 by default); above [`BitratePolicy::RESTORE_ABOVE_BPS`] at full size again.

use std::time::{Duration, Instant};

/// What to change in the encoder after an estimate; `None` fields stay as they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RateDecision {
    /// New target bitrate for the encoder.
    pub bitrate_bps: Option<u32>,
    /// New largest encoded size.
    pub max_size: Option<(u32, u32)>,
}

/// Hysteresis between the network's estimate and the encoder's bitrate and size.
#[derive(Debug, Clone)]
pub struct BitratePolicy {
    min_bps: u32,
    max_bps: u32,
    current_bps: u32,
    full_size: (u32, u32),
    reduced_size: (u32, u32),
    reduced: bool,
    last_change: Option<Instant>,
    first_estimate: Option<Instant>,
}

impl BitratePolicy {
    /// Below this target the encoder switches to the reduced size.
    pub const REDUCE_BELOW_BPS: u32 = 1_200_000;
    /// Above this target the encoder returns to full size.
    pub const RESTORE_ABOVE_BPS: u32 = 1_800_000;
    /// Share of the estimate given to video (the rest is headroom for RTCP, data and bursts).
    const SHARE: f64 = 0.85;

    /// A policy starting at `initial_bps`, keeping the target within `min_bps..=max_bps`.
    pub fn new(
        initial_bps: u32,
        min_bps: u32,
        max_bps: u32,
        full_size: (u32, u32),
        reduced_size: (u32, u32),
    ) -> Self {
        let max_bps = max_bps.max(min_bps);
        BitratePolicy {
            min_bps,
            max_bps,
            current_bps: initial_bps.clamp(min_bps, max_bps),
            full_size,
            reduced_size,
            reduced: false,
            last_change: None,
            first_estimate: None,
        }
    }

    /// The bitrate the encoder was last told.
    pub fn current_bps(&self) -> u32 {
        self.current_bps
    }

    /// Takes a new estimate of the available send bitrate at `now`.
    pub fn on_estimate(&mut self, estimate_bps: u64, now: Instant) -> RateDecision {
        let target = ((estimate_bps as f64 * Self::SHARE) as u64)
            .clamp(u64::from(self.min_bps), u64::from(self.max_bps)) as u32;
        let since = self
            .last_change
            .map_or(Duration::MAX, |t| now.saturating_duration_since(t));
        let first = *self.first_estimate.get_or_insert(now);
        let settling = now.saturating_duration_since(first) < Duration::from_secs(2);
        let current = f64::from(self.current_bps);
        let down_limit = if settling { 0.5 } else { 0.85 };
        let down = f64::from(target) < current * down_limit && since >= Duration::from_secs(1);
        let up = !settling && f64::from(target) > current * 1.25 && since >= Duration::from_secs(4);
        if !down && !up {
            return RateDecision::default();
        }
        self.current_bps = target;
        self.last_change = Some(now);
        let mut decision = RateDecision {
            bitrate_bps: Some(target),
            max_size: None,
        };
        if !self.reduced && target < Self::REDUCE_BELOW_BPS {
            self.reduced = true;
            decision.max_size = Some(self.reduced_size);
        } else if self.reduced && target > Self::RESTORE_ABOVE_BPS {
            self.reduced = false;
            decision.max_size = Some(self.full_size);
        }
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> BitratePolicy {
        BitratePolicy::new(2_500_000, 150_000, 6_000_000, (1920, 1080), (1280, 720))
    }

    #[test]
    fn small_moves_change_nothing() {
        let mut p = policy();
        let now = Instant::now();
        assert_eq!(p.on_estimate(2_900_000, now), RateDecision::default());
        assert_eq!(p.current_bps(), 2_500_000);
    }

    #[test]
    fn early_estimates_only_count_when_far_off() {
        let mut p = policy();
        let t0 = Instant::now();
        assert_eq!(p.on_estimate(2_000_000, t0), RateDecision::default());
        let early = t0 + Duration::from_millis(300);
        assert_eq!(p.on_estimate(1_800_000, early), RateDecision::default());
        assert_eq!(p.on_estimate(9_000_000, early), RateDecision::default());
        assert_eq!(p.on_estimate(1_000_000, early).bitrate_bps, Some(850_000));
    }

    #[test]
    fn a_drop_lowers_bitrate_and_size_then_recovery_restores_them_slowly() {
        let mut p = policy();
        let start = Instant::now();
        assert_eq!(p.on_estimate(2_500_000, start), RateDecision::default());
        let t0 = start + Duration::from_secs(2);
        let d = p.on_estimate(1_000_000, t0);
        assert_eq!(d.bitrate_bps, Some(850_000));
        assert_eq!(d.max_size, Some((1280, 720)));
        // A second drop within a second waits.
        assert_eq!(
            p.on_estimate(400_000, t0 + Duration::from_millis(500)),
            RateDecision::default()
        );
        assert_eq!(
            p.on_estimate(400_000, t0 + Duration::from_secs(1))
                .bitrate_bps,
            Some(340_000)
        );
        // Going up waits four seconds after the last change.
        let t1 = t0 + Duration::from_secs(1);
        assert_eq!(
            p.on_estimate(5_000_000, t1 + Duration::from_secs(2)),
            RateDecision::default()
        );
        let d = p.on_estimate(5_000_000, t1 + Duration::from_secs(4));
        assert_eq!(d.bitrate_bps, Some(4_250_000));
        assert_eq!(d.max_size, Some((1920, 1080)));
    }

    #[test]
    fn target_is_clamped() {
        let mut p = policy();
        let t0 = Instant::now();
        // Far below half counts even while settling.
        assert_eq!(p.on_estimate(1_000, t0).bitrate_bps, Some(150_000));
        let later = t0 + Duration::from_secs(10);
        assert_eq!(p.on_estimate(u64::MAX, later).bitrate_bps, Some(6_000_000));
    }
}
