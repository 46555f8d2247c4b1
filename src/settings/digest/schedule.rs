//! When a watchlist's digest goes out ([`DigestSchedule`]): the calendar arithmetic of
//! send times and periods in the watchlist's zone. Pure: every method takes the instant
//! it reasons from.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

/// When a watchlist's digest goes out: a local time in an IANA time zone, on chosen
/// weekdays. Pure: every method takes the instant it reasons from.
///
/// Daylight saving time is handled by the zone's rules, day by day:
/// - the digest goes out at the same local time whatever the offset (08:00 is 07:00 UTC in
///   winter and 06:00 UTC in summer in Europe/Paris), so a period across a change lasts 23
///   or 25 hours;
/// - a time that does not exist that day (02:30 on the night clocks go forward) is taken
///   with the offset before the change, so it falls just after the gap (03:30);
/// - a time that happens twice (02:30 on the night clocks go back) is taken once, the
///   first time.
#[derive(Debug, Clone, PartialEq)]
pub struct DigestSchedule {
    pub time: jiff::civil::Time,
    pub zone: jiff::tz::TimeZone,
    /// The zone's IANA name, for people.
    pub zone_name: String,
    /// Monday first.
    pub days: [bool; 7],
}

impl DigestSchedule {
    /// The send time on `date` (whether or not the digest goes out that day).
    pub fn at(&self, date: jiff::civil::Date) -> Timestamp {
        date.to_datetime(self.time)
            .to_zoned(self.zone.clone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MAX)
    }

    /// Whether the digest goes out on `date`.
    pub fn sends_on(&self, date: jiff::civil::Date) -> bool {
        self.days[date.weekday().to_monday_zero_offset() as usize]
    }

    /// The local date of `t` in the schedule's zone.
    pub fn date_of(&self, t: Timestamp) -> jiff::civil::Date {
        t.to_zoned(self.zone.clone()).date()
    }

    /// The first send time strictly after `t`.
    pub fn next_after(&self, t: Timestamp) -> Timestamp {
        let mut date = self
            .date_of(t)
            .yesterday()
            .unwrap_or(jiff::civil::Date::MIN);
        // Eight days cover every weekday once; a schedule has at least one day.
        for _ in 0..9 {
            if self.sends_on(date) {
                let at = self.at(date);
                if at > t {
                    return at;
                }
            }
            date = date.tomorrow().unwrap_or(jiff::civil::Date::MAX);
        }
        Timestamp::MAX
    }

    /// The last send time at or before `t`.
    pub fn last_at_or_before(&self, t: Timestamp) -> Timestamp {
        let mut date = self.date_of(t).tomorrow().unwrap_or(jiff::civil::Date::MAX);
        for _ in 0..9 {
            if self.sends_on(date) {
                let at = self.at(date);
                if at <= t {
                    return at;
                }
            }
            date = date.yesterday().unwrap_or(jiff::civil::Date::MIN);
        }
        Timestamp::MIN
    }

    /// The period a digest sent at `end` covers when every digest went out: from the send
    /// time before it.
    pub fn period_ending(&self, end: Timestamp) -> (Timestamp, Timestamp) {
        let before = end.checked_sub(SignedDuration::from_secs(1)).unwrap_or(end);
        (self.last_at_or_before(before), end)
    }

    /// The digest due at `now`, if any, given that every period up to `covered_until` has
    /// been sent: the last send time, covering everything since `covered_until` (at most
    /// [`MAX_DIGEST_SPAN`] back). Several send times missed while the daemon was down make
    /// one digest, not a burst of them.
    pub fn due(&self, covered_until: Timestamp, now: Timestamp) -> Option<(Timestamp, Timestamp)> {
        let end = self.last_at_or_before(now);
        (end > covered_until).then(|| {
            let floor = end
                .checked_sub(SignedDuration::try_from(MAX_DIGEST_SPAN).unwrap_or_default())
                .unwrap_or(Timestamp::MIN);
            (covered_until.max(floor), end)
        })
    }
}

/// The longest period one digest covers, after a long outage.
pub const MAX_DIGEST_SPAN: Duration = Duration::from_secs(31 * 24 * 3600);

#[cfg(test)]
mod tests {
    use super::*;

    fn digest(time: &str, zone: &str, days: [bool; 7]) -> DigestSchedule {
        DigestSchedule {
            time: time.parse().unwrap(),
            zone: jiff::tz::TimeZone::get(zone).unwrap(),
            zone_name: zone.into(),
            days,
        }
    }

    fn utc(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const EVERY_DAY: [bool; 7] = [true; 7];
    const WEEKDAYS: [bool; 7] = [true, true, true, true, true, false, false];

    #[test]
    fn paris_digest_stays_at_eight_local_across_both_2026_changes() {
        let d = digest("08:00", "Europe/Paris", EVERY_DAY);
        // Clocks go forward on Sunday 29 March 2026 (02:00 → 03:00).
        assert_eq!(
            d.next_after(utc("2026-03-28T07:00:00Z")),
            utc("2026-03-29T06:00:00Z")
        );
        let sat = utc("2026-03-28T07:00:00Z");
        assert_eq!(d.next_after(sat - SignedDuration::from_secs(1)), sat);
        assert_eq!(
            d.period_ending(utc("2026-03-29T06:00:00Z")),
            (sat, utc("2026-03-29T06:00:00Z")),
            "the night of the change is 23 hours long"
        );
        // Clocks go back on Sunday 25 October 2026 (03:00 → 02:00).
        assert_eq!(
            d.next_after(utc("2026-10-24T06:00:00Z")),
            utc("2026-10-25T07:00:00Z")
        );
        let (start, end) = d.period_ending(utc("2026-10-25T07:00:00Z"));
        assert_eq!(end.duration_since(start).as_hours(), 25);
    }

    #[test]
    fn a_time_skipped_by_the_change_comes_just_after_the_gap_and_a_repeated_one_once() {
        let d = digest("02:30", "Europe/Paris", EVERY_DAY);
        // 02:30 does not exist on 29 March: 03:30 CEST, 01:30 UTC, one hour after the day before's.
        assert_eq!(
            d.next_after(utc("2026-03-28T02:00:00Z")),
            utc("2026-03-29T01:30:00Z")
        );
        // 02:30 happens twice on 25 October: the first one (CEST, 00:30 UTC), and only it.
        let first = d.next_after(utc("2026-10-24T12:00:00Z"));
        assert_eq!(first, utc("2026-10-25T00:30:00Z"));
        assert_eq!(d.next_after(first), utc("2026-10-26T01:30:00Z"));
    }

    #[test]
    fn a_zone_without_dst_keeps_the_same_utc_time_all_year() {
        // Phoenix keeps UTC−7 while the rest of the US changes on 8 March and 1 November.
        let d = digest("08:00", "America/Phoenix", EVERY_DAY);
        for day in [
            "2026-03-07",
            "2026-03-08",
            "2026-03-09",
            "2026-10-31",
            "2026-11-01",
        ] {
            let date: jiff::civil::Date = day.parse().unwrap();
            assert_eq!(d.at(date), utc(&format!("{day}T15:00:00Z")), "{day}");
        }
        let (start, end) = d.period_ending(utc("2026-03-09T15:00:00Z"));
        assert_eq!(end.duration_since(start).as_hours(), 24);
    }

    #[test]
    fn weekdays_only_and_the_monday_digest_covers_the_weekend() {
        let d = digest("08:00", "Europe/Paris", WEEKDAYS);
        // Friday 27 November 2026, after 08:00: next is Monday 30.
        let fri = utc("2026-11-27T07:00:00Z");
        let mon = utc("2026-11-30T07:00:00Z");
        assert_eq!(d.next_after(fri), mon);
        assert_eq!(d.period_ending(mon), (fri, mon));
        assert_eq!(d.last_at_or_before(utc("2026-11-29T12:00:00Z")), fri);
        // Weekly: Mondays only, a week per digest.
        let weekly = digest(
            "09:00",
            "Europe/Paris",
            [true, false, false, false, false, false, false],
        );
        let (start, end) = weekly.period_ending(utc("2026-11-30T08:00:00Z"));
        assert_eq!(end.duration_since(start).as_hours(), 7 * 24);
    }

    #[test]
    fn digests_missed_while_down_make_one_digest_covering_all_of_them() {
        let d = digest("08:00", "Europe/Paris", EVERY_DAY);
        let sent = utc("2026-11-20T07:00:00Z");
        // Down from Friday to Monday 10:00: one digest, Friday 08:00 to Monday 08:00.
        let now = utc("2026-11-23T09:00:00Z");
        assert_eq!(d.due(sent, now), Some((sent, utc("2026-11-23T07:00:00Z"))));
        // Once it is recorded, nothing is due until Tuesday 08:00.
        let covered = utc("2026-11-23T07:00:00Z");
        assert_eq!(d.due(covered, now), None);
        assert_eq!(d.due(covered, utc("2026-11-24T06:59:59Z")), None);
        assert_eq!(
            d.due(covered, utc("2026-11-24T07:00:00Z")),
            Some((covered, utc("2026-11-24T07:00:00Z")))
        );
        // After months away, a digest covers the last 31 days only.
        let (start, end) = d.due(utc("2026-01-01T07:00:00Z"), now).unwrap();
        assert_eq!(end.duration_since(start).as_hours(), 31 * 24);
    }
}
