//! What the running service knows of itself: [`Metrics`], counted by every poll and served
//! by the health listener's `/metrics`, and the scheduler's [`Heartbeat`], read by
//! `/healthz` and by the systemd watchdog.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::service::report::Outcome;

/// Upper bounds of the fetch duration histogram, in seconds.
pub const BUCKETS: [f64; 9] = [0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// What polls count as they go; kept across reloads.
#[derive(Debug, Default)]
pub struct Metrics {
    pub(super) fetched: AtomicU64,
    pub(super) not_modified: AtomicU64,
    pub(super) failed: AtomicU64,
    pub(super) not_stored: AtomicU64,
    /// Per bucket of [`BUCKETS`], then +Inf.
    pub(super) durations: [AtomicU64; 10],
    pub(super) duration_sum_micros: AtomicU64,
}

impl Metrics {
    /// Counts one poll and how long it took.
    pub fn record(&self, outcome: &Outcome, took: Duration) {
        let counter = match outcome {
            Outcome::Fetched => &self.fetched,
            Outcome::NotModified => &self.not_modified,
            Outcome::Failed(_) => &self.failed,
            Outcome::NotStored(_) => &self.not_stored,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        let secs = took.as_secs_f64();
        let i = BUCKETS
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(BUCKETS.len());
        self.durations[i].fetch_add(1, Ordering::Relaxed);
        self.duration_sum_micros
            .fetch_add(took.as_micros() as u64, Ordering::Relaxed);
    }
}

/// When the scheduler last went round its loop, in milliseconds on tokio's clock since the
/// heartbeat was made.
#[derive(Debug, Clone)]
pub struct Heartbeat {
    origin: tokio::time::Instant,
    last_ms: Arc<AtomicU64>,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Heartbeat {
            origin: tokio::time::Instant::now(),
            last_ms: Arc::new(AtomicU64::new(0)),
        }
    }
}

impl Heartbeat {
    /// The scheduler is alive now.
    pub fn beat(&self) {
        self.last_ms
            .store(self.origin.elapsed().as_millis() as u64, Ordering::Relaxed);
    }

    /// How long since the last beat.
    pub fn age(&self) -> Duration {
        let last = Duration::from_millis(self.last_ms.load(Ordering::Relaxed));
        self.origin.elapsed().saturating_sub(last)
    }
}
