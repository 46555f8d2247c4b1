//! Dates as forums and blogs write them, read in the source's time zone: ISO 8601 and
//! RFC 3339, RFC 2822, day-month-year in French or English ("12 janvier 2026 à 14h05",
//! "Jan 12, 2026, 2:05 pm", "12/01/2026 14:05", day first), and relative forms ("il y a 3
//! heures", "5 minutes ago", "hier à 14:05", "yesterday at 2:05 pm", "aujourd'hui",
//! "à l'instant"). Pure: the zone and `now` are arguments.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use crate::text::fold;

/// Reads `text` as a point in time; local times are in `zone`. `None` when it is not a date.
pub fn parse_date(text: &str, zone: &TimeZone, now: Timestamp) -> Option<Timestamp> {
    let raw = text.trim();
    if raw.is_empty() {
        return None;
    }
    if let Ok(t) = raw.parse::<Timestamp>() {
        return Some(t);
    }
    // Unix time, in seconds or milliseconds (Discourse's `data-time`).
    if raw.chars().all(|c| c.is_ascii_digit()) {
        let n: i64 = raw.parse().ok()?;
        return match raw.len() {
            9 | 10 => Timestamp::from_second(n).ok(),
            12 | 13 => Timestamp::from_millisecond(n).ok(),
            _ => None,
        };
    }
    if let Ok(z) = jiff::fmt::rfc2822::parse(raw) {
        return Some(z.timestamp());
    }
    if let Ok(dt) = raw.parse::<DateTime>() {
        return local(dt, zone);
    }
    if let Ok(d) = raw.parse::<Date>() {
        return local(d.to_datetime(Time::midnight()), zone);
    }
    let folded = fold(raw);
    let words: Vec<&str> = folded
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    relative(&words, zone, now).or_else(|| absolute(&words, zone))
}

fn local(dt: DateTime, zone: &TimeZone) -> Option<Timestamp> {
    dt.to_zoned(zone.clone()).ok().map(|z| z.timestamp())
}

/// "il y a 3 heures", "3 hours ago", "hier à 14h05", "yesterday at 2:05 pm", "today".
fn relative(words: &[&str], zone: &TimeZone, now: Timestamp) -> Option<Timestamp> {
    let joined = words.join(" ");
    if ["a l'instant", "just now", "maintenant", "now"].contains(&joined.as_str()) {
        return Some(now);
    }
    // "il y a N unit" or "N unit ago" (also "an hour ago", "une heure").
    let amount = |w: &str| -> Option<i64> {
        match w {
            "a" | "an" | "un" | "une" => Some(1),
            _ => w.parse().ok(),
        }
    };
    let ago = match words {
        ["il", "y", "a", n, unit, ..] => amount(n).zip(unit_seconds(unit)),
        [n, unit, "ago", ..] => amount(n).zip(unit_seconds(unit)),
        _ => None,
    };
    if let Some((n, secs)) = ago {
        return now
            .checked_sub(Span::new().seconds(n.checked_mul(secs)?))
            .ok();
    }
    let today = now.to_zoned(zone.clone()).date();
    let (day, rest) = match words {
        ["hier", rest @ ..] | ["yesterday", rest @ ..] => (today.yesterday().ok()?, rest),
        ["aujourd'hui", rest @ ..] | ["aujourdhui", rest @ ..] | ["today", rest @ ..] => {
            (today, rest)
        }
        ["avant-hier", rest @ ..] => (today.yesterday().ok()?.yesterday().ok()?, rest),
        _ => return None,
    };
    let time = time_of(rest).unwrap_or(Time::midnight());
    local(day.to_datetime(time), zone)
}

fn unit_seconds(unit: &str) -> Option<i64> {
    let u = unit.trim_end_matches('.');
    Some(match u {
        "s" | "sec" | "secs" | "second" | "seconds" | "seconde" | "secondes" => 1,
        "min" | "mins" | "minute" | "minutes" | "mn" => 60,
        "h" | "hr" | "hrs" | "hour" | "hours" | "heure" | "heures" => 3600,
        "j" | "d" | "day" | "days" | "jour" | "jours" => 86_400,
        "week" | "weeks" | "semaine" | "semaines" => 7 * 86_400,
        _ => return None,
    })
}

/// The time in what follows a date: "à 14h05", "at 2:05 pm", "14:05", "- 09h12".
fn time_of(words: &[&str]) -> Option<Time> {
    let mut words = words
        .iter()
        .copied()
        .filter(|w| !["a", "at", "-", "le", "on", "vers"].contains(w))
        .peekable();
    let clock = words.next()?;
    let meridiem = words
        .peek()
        .copied()
        .filter(|w| ["am", "pm", "a.m.", "p.m."].contains(w));
    let (clock, inline_meridiem) = match clock.strip_suffix("pm").or(clock.strip_suffix("am")) {
        Some(c) => (c, Some(if clock.ends_with("pm") { "pm" } else { "am" })),
        None => (clock, None),
    };
    let (h, m) = clock
        .split_once(':')
        .or_else(|| clock.split_once('h'))
        .unwrap_or((clock, "0"));
    let mut h: i8 = h.parse().ok()?;
    let m: i8 = if m.is_empty() {
        0
    } else {
        m.get(..2).unwrap_or(m).parse().ok()?
    };
    // "14:05:33": the seconds, when written.
    let sec: i8 = m_secs(clock).unwrap_or(0);
    match meridiem.or(inline_meridiem).map(|w| w.starts_with('p')) {
        Some(true) if h < 12 => h += 12,
        Some(false) if h == 12 => h = 0,
        // "24:05": some feeds count past midnight without moving the day; read as 00:05.
        _ if h == 24 => h = 0,
        _ => {}
    }
    Time::new(h, m, sec, 0).ok()
}

/// The seconds of "hh:mm:ss".
fn m_secs(clock: &str) -> Option<i8> {
    let mut parts = clock.split(':');
    let (_, _, s) = (parts.next()?, parts.next()?, parts.next()?);
    s.get(..2)
        .unwrap_or(s)
        .parse()
        .ok()
        .filter(|s| (0..60).contains(s))
}

const MONTHS: [(&str, i8); 24] = [
    ("janvier", 1),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("mai", 5),
    ("juin", 6),
    ("juillet", 7),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("decembre", 12),
    ("january", 1),
    ("february", 2),
    ("march", 3),
    ("april", 4),
    ("may", 5),
    ("june", 6),
    ("july", 7),
    ("august", 8),
    ("september", 9),
    ("october", 10),
    ("november", 11),
    ("december", 12),
];

/// A month name, whole or cut ("janv.", "févr", "Sept", "Dec").
fn month(word: &str) -> Option<i8> {
    let w = word.trim_end_matches('.');
    if w.len() < 3 || !w.chars().all(|c| c.is_alphabetic()) {
        return None;
    }
    MONTHS
        .iter()
        .find(|(name, _)| *name == w || (w.len() >= 3 && name.starts_with(w)))
        .map(|(_, m)| *m)
}

const WEEKDAYS: [&str; 14] = [
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// "12 janvier 2026 à 14h05", "Jan 12, 2026 2:05 pm", "lundi 12 janv. 2026", "12/01/2026".
fn absolute(words: &[&str], zone: &TimeZone) -> Option<Timestamp> {
    let is_weekday = |w: &str| {
        let w = w.trim_end_matches('.');
        w.len() >= 3 && WEEKDAYS.iter().any(|d| d.starts_with(w))
    };
    let words: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| *w != "le" && *w != "on")
        .collect();
    // Weekdays come first; "mar" is Tuesday in French ("mar. 12 mars") and March in
    // English ("Fri, Mar 13 2026"): read leading words as weekdays first, then fewer.
    let start = words.iter().take_while(|w| is_weekday(w)).count();
    (0..=start)
        .rev()
        .find_map(|skip| calendar_date(words[skip..].to_vec(), zone))
}

/// [`absolute`] once the weekday is left out.
fn calendar_date(mut words: Vec<&str>, zone: &TimeZone) -> Option<Timestamp> {
    // Numeric, day first: 12/01/2026, 12-01-2026, 12.01.26.
    if let Some(first) = words.first()
        && let Some(date) = numeric_date(first)
    {
        words.remove(0);
        return local(
            date.to_datetime(time_of(&words).unwrap_or(Time::midnight())),
            zone,
        );
    }
    let day_of = |w: &str| -> Option<i8> {
        let w = w
            .trim_end_matches("er")
            .trim_end_matches("st")
            .trim_end_matches("nd");
        let w = w.trim_end_matches("rd").trim_end_matches("th");
        w.parse().ok().filter(|d| (1..=31).contains(d))
    };
    let (day, month, year, rest) = match words.as_slice() {
        [d, m, y, rest @ ..] if day_of(d).is_some() && month(m).is_some() => {
            (day_of(d)?, month(m)?, y.parse::<i16>().ok()?, rest)
        }
        [m, d, y, rest @ ..] if month(m).is_some() && day_of(d).is_some() => {
            (day_of(d)?, month(m)?, y.parse::<i16>().ok()?, rest)
        }
        _ => return None,
    };
    let date = Date::new(year, month, day).ok()?;
    // A zone written after the time ("+0200", "GMT", "PDT") wins over the source's.
    let written = rest
        .last()
        .and_then(|w| written_offset(w))
        .map(TimeZone::fixed);
    local(
        date.to_datetime(time_of(rest).unwrap_or(Time::midnight())),
        written.as_ref().unwrap_or(zone),
    )
}

/// A time zone written after a time, as feeds write them: a numeric offset (`+0200`,
/// `-04:00`) or a name RFC 2822 knows (`GMT`, `UT`, `UTC`, `Z`, `EST` … `PDT`), folded.
fn written_offset(word: &str) -> Option<jiff::tz::Offset> {
    let hours = |h: i8| jiff::tz::Offset::constant(h);
    match word {
        "z" | "gmt" | "ut" | "utc" => return Some(hours(0)),
        "edt" => return Some(hours(-4)),
        "est" | "cdt" => return Some(hours(-5)),
        "cst" | "mdt" => return Some(hours(-6)),
        "mst" | "pdt" => return Some(hours(-7)),
        "pst" => return Some(hours(-8)),
        _ => {}
    }
    let sign = match word.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = word[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i32, i32) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
    jiff::tz::Offset::from_seconds(sign * (h * 3600 + m * 60)).ok()
}

fn numeric_date(w: &str) -> Option<Date> {
    let parts: Vec<&str> = w.split(['/', '-', '.']).collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let (d, m, y): (i8, i8, i16) = (d.parse().ok()?, m.parse().ok()?, y.parse().ok()?);
    let y = if y < 100 { 2000 + y } else { y };
    Date::new(y, m, d).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris() -> TimeZone {
        TimeZone::get("Europe/Paris").unwrap()
    }

    fn read(s: &str) -> Option<String> {
        // Monday 23 November 2026, 10:00 in Paris.
        let now: Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
        parse_date(s, &paris(), now).map(|t| t.to_string())
    }

    #[test]
    fn machine_formats() {
        assert_eq!(
            read("2026-01-12T14:05:00+01:00").unwrap(),
            "2026-01-12T13:05:00Z"
        );
        assert_eq!(
            read("2026-01-12T14:05:00Z").unwrap(),
            "2026-01-12T14:05:00Z"
        );
        assert_eq!(
            read("Mon, 12 Jan 2026 14:05:00 +0100").unwrap(),
            "2026-01-12T13:05:00Z"
        );
        // Without an offset, the source's zone: 14:05 in Paris in July is 12:05 UTC.
        assert_eq!(read("2026-07-12 14:05").unwrap(), "2026-07-12T12:05:00Z");
        assert_eq!(read("2026-07-12").unwrap(), "2026-07-11T22:00:00Z");
        assert_eq!(read("1768226700000").unwrap(), "2026-01-12T14:05:00Z");
        assert_eq!(read("1768226700").unwrap(), "2026-01-12T14:05:00Z");
    }

    #[test]
    fn feed_dates_as_publishers_write_them() {
        let now: Timestamp = "2026-11-23T09:00:00Z".parse().unwrap();
        let utc = |s: &str| parse_date(s, &TimeZone::UTC, now).map(|t| t.to_string());
        for (written, meant) in [
            // A weekday that is not that date's, or not abbreviated the RFC way.
            ("Sat, 14 Mar 2026 08:30:12 GMT", "2026-03-14T08:30:12Z"),
            ("Wed, 14 Mar 2026 08:30:12 GMT", "2026-03-14T08:30:12Z"),
            ("Thurs, 12 Mar 2026 08:30:00 +0000", "2026-03-12T08:30:00Z"),
            // Month first, a long month name, a zone as a name or a bare Z.
            ("Fri, Mar 13 2026 10:15:00 -0400", "2026-03-13T14:15:00Z"),
            ("13 March 2026 10:00:00 +0000", "2026-03-13T10:00:00Z"),
            ("13 Mar 2026 9:27 PDT", "2026-03-13T16:27:00Z"),
            ("Fri, 13 Mar 2026 20:15:04 Z", "2026-03-13T20:15:04Z"),
            ("Fri, 13 Mar 2026 20:15:04 UTC", "2026-03-13T20:15:04Z"),
            // Past midnight counted as 24h, a French weekday and month.
            ("13 Mar 2026 24:05 EST", "2026-03-13T05:05:00Z"),
            ("ven., 13 mars 2026 00:38:15 +0100", "2026-03-12T23:38:15Z"),
            // ISO 8601 with an offset without its colon, and a bare date (UTC).
            ("2026-03-13T14:53:35+0200", "2026-03-13T12:53:35Z"),
            ("2026-03-13", "2026-03-13T00:00:00Z"),
        ] {
            assert_eq!(utc(written).as_deref(), Some(meant), "{written}");
        }
    }

    #[test]
    fn french_forms() {
        assert_eq!(read("12 janvier 2026").unwrap(), "2026-01-11T23:00:00Z");
        assert_eq!(
            read("12 janvier 2026 à 14h05").unwrap(),
            "2026-01-12T13:05:00Z"
        );
        assert_eq!(
            read("lun. 12 janv. 2026, 14:05").unwrap(),
            "2026-01-12T13:05:00Z"
        );
        assert_eq!(
            read("Le 1er août 2026 à 9h").unwrap(),
            "2026-08-01T07:00:00Z"
        );
        assert_eq!(read("12/01/2026 14:05").unwrap(), "2026-01-12T13:05:00Z");
        assert_eq!(read("il y a 3 heures").unwrap(), "2026-11-23T06:00:00Z");
        assert_eq!(read("Il y a 5 min").unwrap(), "2026-11-23T08:55:00Z");
        assert_eq!(read("il y a 2 jours").unwrap(), "2026-11-21T09:00:00Z");
        assert_eq!(read("hier à 14h05").unwrap(), "2026-11-22T13:05:00Z");
        assert_eq!(read("Aujourd'hui, 08:30").unwrap(), "2026-11-23T07:30:00Z");
        assert_eq!(read("à l'instant").unwrap(), "2026-11-23T09:00:00Z");
    }

    #[test]
    fn english_forms() {
        assert_eq!(read("Jan 12, 2026").unwrap(), "2026-01-11T23:00:00Z");
        assert_eq!(
            read("January 12th, 2026 at 2:05 pm").unwrap(),
            "2026-01-12T13:05:00Z"
        );
        assert_eq!(read("12 Jan 2026 14:05").unwrap(), "2026-01-12T13:05:00Z");
        assert_eq!(
            read("Monday, March 2, 2026 12:30am").unwrap(),
            "2026-03-01T23:30:00Z"
        );
        assert_eq!(read("3 hours ago").unwrap(), "2026-11-23T06:00:00Z");
        assert_eq!(read("an hour ago").unwrap(), "2026-11-23T08:00:00Z");
        assert_eq!(
            read("yesterday at 2:05 pm").unwrap(),
            "2026-11-22T13:05:00Z"
        );
        assert_eq!(read("Today 09:12").unwrap(), "2026-11-23T08:12:00Z");
    }

    #[test]
    fn not_dates() {
        for s in [
            "",
            "posté par Marie",
            "Re: Acme",
            "il y a longtemps",
            "32 janvier 2026",
            "99/99/2026",
        ] {
            assert_eq!(read(s), None, "{s}");
        }
    }
}
