//! Prometheus text metrics: requests by method and status, request latency, open WebSockets and
//! device channels.
//! Sessions by state are counted from the store when scraped.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

/// The server's counters.
#[derive(Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    buckets: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    /// Open WebSocket connections.
    pub open_websockets: AtomicI64,
    /// Open device channels (not counted in `open_websockets`).
    pub open_channels: AtomicI64,
}

impl Metrics {
    /// Records one finished request.
    pub fn record(&self, method: &str, status: u16, seconds: f64) {
        {
            let mut map = self.requests.lock().unwrap_or_else(|e| e.into_inner());
            *map.entry((method.to_owned(), status)).or_default() += 1;
        }
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                self.buckets[i].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Ordering::Relaxed);
        self.latency_sum_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    /// Renders every metric in the Prometheus text format; `sessions` are (state, count).
    pub fn render(&self, sessions: &[(String, i64)]) -> String {
        let mut out = String::new();
        out.push_str("# HELP assist_http_requests_total HTTP requests by method and status.\n");
        out.push_str("# TYPE assist_http_requests_total counter\n");
        for ((method, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "assist_http_requests_total{{method=\"{method}\",status=\"{status}\"}} {n}"
            );
        }
        out.push_str("# HELP assist_http_request_duration_seconds HTTP request latency.\n");
        out.push_str("# TYPE assist_http_request_duration_seconds histogram\n");
        for (i, le) in BUCKETS.iter().enumerate() {
            let n = self.buckets[i].load(Ordering::Relaxed);
            let _ = writeln!(
                out,
                "assist_http_request_duration_seconds_bucket{{le=\"{le}\"}} {n}"
            );
        }
        let count = self.latency_count.load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "assist_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let sum = self.latency_sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "assist_http_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "assist_http_request_duration_seconds_count {count}");
        out.push_str("# HELP assist_websockets_open Open WebSocket connections.\n");
        out.push_str("# TYPE assist_websockets_open gauge\n");
        let _ = writeln!(
            out,
            "assist_websockets_open {}",
            self.open_websockets.load(Ordering::Relaxed)
        );
        out.push_str("# HELP assist_device_channels_open Open device channels.\n");
        out.push_str("# TYPE assist_device_channels_open gauge\n");
        let _ = writeln!(
            out,
            "assist_device_channels_open {}",
            self.open_channels.load(Ordering::Relaxed)
        );
        out.push_str("# HELP assist_sessions Remote help sessions by state.\n");
        out.push_str("# TYPE assist_sessions gauge\n");
        for (state, n) in sessions {
            let _ = writeln!(out, "assist_sessions{{state=\"{state}\"}} {n}");
        }
        out
    }
}
