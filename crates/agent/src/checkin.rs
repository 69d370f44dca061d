//! Check-in: a signed `POST /api/agent/check-in` with inventory and facts, every
//! `next_check_in_secs` the server asks for (default [`DEFAULT_INTERVAL`]), and exponential
//! backoff with jitter while the server cannot be reached.

use crate::enroll::DeviceError;
use crate::facts::System;
use crate::http::{Client, HttpError, Signer};
use crate::identity::Identity;
use assist_proto::device::{CHECK_IN_PATH, DEFAULT_CHECK_IN_SECS};
use rand::Rng;
use std::time::Duration;

pub use assist_proto::device::CheckedIn;

/// Interval between check-ins when the server does not say (it does: 15 minutes by default).
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(DEFAULT_CHECK_IN_SECS);
/// Shortest and longest interval accepted from the server.
pub const MIN_INTERVAL: Duration = Duration::from_secs(30);
pub const MAX_INTERVAL: Duration = Duration::from_secs(24 * 60 * 60);
/// First retry delay after a failed check-in; doubled per failure up to [`BACKOFF_MAX`].
pub const BACKOFF_INITIAL: Duration = Duration::from_secs(10);
pub const BACKOFF_MAX: Duration = Duration::from_secs(30 * 60);

/// The delay before retry number `failures` (1 = first retry): `BACKOFF_INITIAL · 2^(n-1)`,
/// at most `BACKOFF_MAX`, then "equal jitter": a uniformly random point in its upper half
/// (`jitter` in 0..1), so that agents cut off together do not return together.
pub fn backoff(failures: u32, jitter: f64) -> Duration {
    let exp = failures.saturating_sub(1).min(20);
    let base = BACKOFF_INITIAL.saturating_mul(1u32 << exp).min(BACKOFF_MAX);
    let jitter = jitter.clamp(0.0, 1.0);
    base / 2 + base.mul_f64(jitter / 2.0)
}

/// The server's interval, within bounds.
pub fn interval(next_check_in_secs: u64) -> Duration {
    Duration::from_secs(next_check_in_secs).clamp(MIN_INTERVAL, MAX_INTERVAL)
}

/// Errors after which retrying cannot help: the device was retired or is unknown, or its
/// identity is broken. The agent stops.
pub fn is_fatal(e: &DeviceError) -> bool {
    match e {
        DeviceError::Identity(_) => true,
        DeviceError::Http(h) => {
            !h.is_transient()
                && matches!(
                    h,
                    HttpError::Refused { status: 401, .. }
                        | HttpError::BadUrl { .. }
                        | HttpError::BadCa(_)
                )
        }
    }
}

/// A check-in client for an enrolled device.
#[derive(Debug, Clone)]
pub struct CheckIn {
    client: Client,
    signer: Signer,
}

impl CheckIn {
    /// A client for `identity`'s server.
    pub fn new(identity: &Identity) -> Result<CheckIn, DeviceError> {
        Ok(CheckIn {
            client: Client::new(&identity.server, &identity.tls)?,
            signer: Signer {
                device_id: identity.device_id.clone(),
                key: identity.key.clone(),
            },
        })
    }

    /// One check-in with a fresh report of `system`.
    pub async fn once(&self, system: &System) -> Result<CheckedIn, DeviceError> {
        let report = system.report();
        Ok(self
            .client
            .post(CHECK_IN_PATH, &report, Some(&self.signer))
            .await?)
    }

    /// Checks in until a fatal error (returned), forever otherwise. `on_result` hears of each
    /// attempt.
    pub async fn run(
        &self,
        system: &System,
        mut on_result: impl FnMut(&Result<CheckedIn, DeviceError>),
    ) -> DeviceError {
        let mut failures = 0u32;
        loop {
            let result = self.once(system).await;
            on_result(&result);
            let wait = match result {
                Ok(answer) => {
                    failures = 0;
                    interval(answer.next_check_in_secs)
                }
                Err(e) if is_fatal(&e) => return e,
                Err(_) => {
                    failures = failures.saturating_add(1);
                    backoff(failures, rand::rng().random::<f64>())
                }
            };
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_stops_growing() {
        assert_eq!(backoff(1, 0.0), Duration::from_secs(5));
        assert_eq!(backoff(1, 1.0), Duration::from_secs(10));
        assert_eq!(backoff(2, 1.0), Duration::from_secs(20));
        assert_eq!(backoff(3, 0.5), Duration::from_secs(30));
        assert_eq!(backoff(100, 1.0), BACKOFF_MAX);
        assert_eq!(backoff(100, 0.0), BACKOFF_MAX / 2);
        assert_eq!(backoff(0, 1.0), BACKOFF_INITIAL);
        assert_eq!(backoff(1, 7.0), Duration::from_secs(10));
        let mut last = Duration::ZERO;
        for n in 1..20 {
            let d = backoff(n, 1.0);
            assert!(d >= last && d <= BACKOFF_MAX);
            last = d;
        }
    }

    #[test]
    fn server_intervals_are_bounded() {
        assert_eq!(interval(900), Duration::from_secs(900));
        assert_eq!(interval(0), MIN_INTERVAL);
        assert_eq!(interval(u64::MAX), MAX_INTERVAL);
    }

    #[test]
    fn retired_devices_stop_and_outages_retry() {
        let refused = |status, code: &str| {
            DeviceError::Http(HttpError::Refused {
                status,
                code: code.into(),
                message: String::new(),
            })
        };
        assert!(is_fatal(&refused(401, "device_retired")));
        assert!(is_fatal(&refused(401, "device_unknown")));
        assert!(!is_fatal(&refused(401, "device_timestamp_skew")));
        assert!(!is_fatal(&refused(503, "internal")));
        assert!(!is_fatal(&DeviceError::Http(HttpError::Transport(
            "refused".into()
        ))));
    }
}
