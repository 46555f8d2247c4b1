//! Bad-buzz alerts: what [`detect`] reads, turned into an alert's life.
//!
//! Per brand and kind (volume, negativity, spread, risk) at most one alert is open. It
//! **opens** on a spike, unless one closed less than the cooldown ago; **escalates** once,
//! when the window that opened it shows at least twice the count it opened with (a risk
//! alert: when a watched category it did not open with appears); **closes** (the
//! all-clear) when no window spikes any more and that window and the shorter ones are back
//! to normal (see [`Reading::calm`]), an hour at least after opening.
//! Pure: the caller passes the state and `now`, and stores what comes out.

pub mod detect;
pub mod spread;

use std::time::Duration;

use jiff::Timestamp;

use crate::analyze::risk::Risk;
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
    /// The categories a risk alert opened with.
    pub risk: Risk,
    /// When someone acknowledged it (later emails say so).
    pub acknowledged: Option<Timestamp>,
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
            let grew = match kind {
                // A risk of another watched category than the one it opened with.
                Kind::Risk => !same.risk.within(&a.risk),
                _ => same.observed >= a.opened_observed.saturating_mul(2),
            };
            if !a.escalated && same.spike && grew {
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
        Kind::Negativity | Kind::Spread | Kind::Risk => r.statistic - r.threshold,
    };
    past - r.window.as_secs_f64() * 1e-9
}

/// An alert that [`replay`] found would have fired.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Replayed {
    pub kind: Kind,
    pub opened_at: Timestamp,
    pub reading: Reading,
    pub escalated_at: Option<Timestamp>,
    pub closed_at: Option<Timestamp>,
}

/// Replays detection and the lifecycle over `points` from `from` to `to`, every `step`, as
/// the daemon would have run it after each poll: what would have fired, without sending.
/// `volume`: what volume detection counts, `points` again or them weighted by engagement
/// ([`detect::weighted`]).
pub fn replay(
    points: &[Point],
    volume: &[Point],
    from: Timestamp,
    to: Timestamp,
    step: Duration,
    t: &Thresholds,
    cooldown: Duration,
) -> Vec<Replayed> {
    let mut out: Vec<Replayed> = Vec::new();
    let mut open: [Option<(OpenAlert, usize)>; 2] = [None, None];
    let mut closed: [Option<Timestamp>; 2] = [None, None];
    let span = crate::settings::alerts::DETECTION_SPAN;
    let mut now = from;
    while now <= to {
        let lo = points.partition_point(|p| p.published <= now - span);
        let hi = points.partition_point(|p| p.published <= now);
        let vlo = volume.partition_point(|p| p.published <= now - span);
        let vhi = volume.partition_point(|p| p.published <= now);
        let readings = detect::readings_weighted(&points[lo..hi], &volume[vlo..vhi], now, t);
        for (i, kind) in [Kind::Volume, Kind::Negativity].into_iter().enumerate() {
            let current = open[i].as_ref().map(|(a, _)| a);
            match decide(kind, &readings, current, closed[i], now, cooldown) {
                Some(Action::Open(r)) => {
                    out.push(Replayed {
                        kind,
                        opened_at: now,
                        reading: r,
                        escalated_at: None,
                        closed_at: None,
                    });
                    let alert = OpenAlert {
                        id: out.len() as i64,
                        kind,
                        opened_at: now,
                        window: r.window,
                        opened_observed: r.observed,
                        escalated: false,
                        risk: r.risk,
                        acknowledged: None,
                    };
                    open[i] = Some((alert, out.len() - 1));
                }
                Some(Action::Escalate { .. }) => {
                    if let Some((a, at)) = open[i].as_mut() {
                        a.escalated = true;
                        out[*at].escalated_at = Some(now);
                    }
                }
                Some(Action::Close { .. }) => {
                    if let Some((_, at)) = open[i].take() {
                        out[at].closed_at = Some(now);
                    }
                    closed[i] = Some(now);
                }
                None => {}
            }
        }
        now += step;
    }
    out
}
