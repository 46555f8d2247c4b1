//! Bad-buzz alerts: what [`detect`] reads, turned into an alert's life.
//!
//! Per brand and kind (volume, negativity) at most one alert is open. It **opens** on a
//! spike, unless one closed less than the cooldown ago; **escalates** once, when the window
//! that opened it shows at least twice the count it opened with; **closes** (the all-clear)
//! when no window spikes any more and that window and the shorter ones are back to normal
//! (see [`Reading::calm`]), an hour at least after opening.
//! Pure: the caller passes the state and `now`, and stores what comes out.

pub mod detect;

use std::time::Duration;

use jiff::Timestamp;

pub use detect::{Kind, Point, Reading, Sensitivity, Thresholds};

/// An open alert, as the lifecycle needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenAlert {
    pub id: i64,
    pub kind: Kind,
    pub opened_at: Timestamp,
    pub window: Duration,
    /// The count it opened with (mentions, or negative mentions).
    pub opened_observed: u32,
    pub escalated: bool,
}

/// What to do about one brand and kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Open(Reading),
    Escalate { alert: i64, reading: Reading },
    Close { alert: i64, reading: Reading },
}

/// Shortest time an alert stays open.
pub const MIN_OPEN: Duration = Duration::from_secs(3600);

/// Decides for one kind. `open` is the brand's open alert of that kind, `last_closed` when
/// its last one closed.
pub fn decide(
    kind: Kind,
    readings: &[Reading],
    open: Option<&OpenAlert>,
    last_closed: Option<Timestamp>,
    now: Timestamp,
    cooldown: Duration,
) -> Option<Action> {
    let of_kind = || readings.iter().filter(move |r| r.kind == kind);
    match open {
        Some(a) => {
            let same = of_kind().find(|r| r.window == a.window)?;
            if !a.escalated && same.spike && same.observed >= a.opened_observed.saturating_mul(2) {
                return Some(Action::Escalate {
                    alert: a.id,
                    reading: *same,
                });
            }
            // Every window quiet, and the one that opened it (and shorter ones) back to normal.
            let calm = of_kind().all(|r| !r.spike && (r.window > a.window || r.calm));
            (calm
                && now.duration_since(a.opened_at)
                    >= jiff::SignedDuration::try_from(MIN_OPEN).ok()?)
            .then_some(Action::Close {
                alert: a.id,
                reading: *same,
            })
        }
        None => {
            if let Some(closed) = last_closed
                && now.duration_since(closed) < jiff::SignedDuration::try_from(cooldown).ok()?
            {
                return None;
            }
            of_kind()
                .filter(|r| r.spike)
                .max_by(|a, b| strength(a).total_cmp(&strength(b)))
                .map(|r| Action::Open(*r))
        }
    }
}

/// How far past its threshold a reading is (larger is stronger); shorter windows win ties.
fn strength(r: &Reading) -> f64 {
    let past = match r.kind {
        Kind::Volume => -(r.statistic.max(1e-300)).ln(),
        Kind::Negativity => r.statistic - r.threshold,
    };
    past - r.window.as_secs_f64() * 1e-9
}
