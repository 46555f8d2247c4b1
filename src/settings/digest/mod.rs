//! The `[digest]` table: in the config file as the default for every watchlist, and in a
//! watchlist to override it key by key.
//!
//! ```toml
//! [digest]
//! time = "08:00"                 # local time, 24-hour
//! timezone = "Europe/Paris"      # IANA name
//! days = ["mon", "tue", "wed", "thu", "fri"]   # default: every day; ["mon"] is weekly
//! enabled = true
//! templates = "templates/"       # config file only: a folder of templates overriding the built-in ones
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

pub mod schedule;

use crate::settings::errors::ConfigError;
pub use schedule::DigestSchedule;

/// `[digest]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDigest {
    time: Option<Spanned<String>>,
    timezone: Option<Spanned<String>>,
    days: Option<Spanned<Vec<String>>>,
    enabled: Option<bool>,
    templates: Option<Spanned<String>>,
}

/// What one `[digest]` table sets; unset keys fall back to the config file's, then to the
/// defaults (08:00, Europe/Paris, every day, enabled).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DigestOverride {
    pub enabled: Option<bool>,
    pub time: Option<jiff::civil::Time>,
    pub zone: Option<(String, jiff::tz::TimeZone)>,
    pub days: Option<[bool; 7]>,
}

/// The config file's `[digest]`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DigestConfig {
    pub defaults: DigestOverride,
    /// A folder whose `digest.html`, `digest.txt` and `digest-subject.txt` replace the
    /// built-in templates.
    pub templates: Option<PathBuf>,
}

pub const DEFAULT_TIME: (i8, i8) = (8, 0);
pub const DEFAULT_ZONE: &str = "Europe/Paris";

impl DigestOverride {
    /// The time zone of a watchlist with these settings over the config's `defaults`
    /// (Europe/Paris when neither sets one), with its name: the digest's, and the alerts'.
    pub fn zone_over(&self, defaults: &DigestOverride) -> (String, jiff::tz::TimeZone) {
        match self.zone.clone().or_else(|| defaults.zone.clone()) {
            Some(z) => z,
            None => (
                DEFAULT_ZONE.to_string(),
                // The bundled database has it even when the system has none.
                jiff::tz::TimeZone::get(DEFAULT_ZONE).unwrap_or(jiff::tz::TimeZone::UTC),
            ),
        }
    }

    /// The schedule of a watchlist with these settings over the config's `defaults`, or
    /// `None` when its digest is turned off.
    pub fn schedule(&self, defaults: &DigestOverride) -> Option<DigestSchedule> {
        if !self.enabled.or(defaults.enabled).unwrap_or(true) {
            return None;
        }
        let time = self
            .time
            .or(defaults.time)
            .unwrap_or_else(|| jiff::civil::Time::constant(DEFAULT_TIME.0, DEFAULT_TIME.1, 0, 0));
        let (zone_name, zone) = self.zone_over(defaults);
        Some(DigestSchedule {
            time,
            zone,
            zone_name,
            days: self.days.or(defaults.days).unwrap_or([true; 7]),
        })
    }
}

/// Reads a `[digest]` table, pushing located errors. `in_config`: whether it is the config
/// file's (only there may `templates` be set).
pub(crate) fn parse(
    raw: &RawDigest,
    src: &str,
    path: &Path,
    in_config: bool,
    errors: &mut Vec<ConfigError>,
) -> DigestConfig {
    let at = |span, key: &str, msg: String| ConfigError::at(path, src, span, Some(key), msg);
    let time = raw.time.as_ref().and_then(|t| {
        parse_time(t.get_ref())
            .map_err(|msg| errors.push(at(t.span(), "digest.time", msg)))
            .ok()
    });
    let zone = raw.timezone.as_ref().and_then(|z| {
        let name = z.get_ref().trim();
        match jiff::tz::TimeZone::get(name) {
            Ok(tz) => Some((name.to_string(), tz)),
            Err(_) => {
                errors.push(at(
                    z.span(),
                    "digest.timezone",
                    format!("unknown time zone {name:?}: use an IANA name such as \"Europe/Paris\" or \"America/Montreal\""),
                ));
                None
            }
        }
    });
    let days = raw.days.as_ref().and_then(|d| {
        parse_days(d.get_ref())
            .map_err(|msg| errors.push(at(d.span(), "digest.days", msg)))
            .ok()
    });
    let templates = match &raw.templates {
        Some(t) if !in_config => {
            errors.push(at(
                t.span(),
                "digest.templates",
                "templates are set in the config file's [digest], for every watchlist".into(),
            ));
            None
        }
        Some(t) => Some(crate::settings::config::resolve(
            path.parent().unwrap_or(Path::new(".")),
            t.get_ref(),
        )),
        None => None,
    };
    DigestConfig {
        defaults: DigestOverride {
            enabled: raw.enabled,
            time,
            zone,
            days,
        },
        templates,
    }
}

/// `"08:00"` or `"8:00"`, 24-hour.
fn parse_time(s: &str) -> Result<jiff::civil::Time, String> {
    let bad = || format!("{s:?} is not a time: write it as \"HH:MM\", 24-hour, e.g. \"08:00\"");
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let h: i8 = h.parse().map_err(|_| bad())?;
    let m: i8 = m.parse().map_err(|_| bad())?;
    jiff::civil::Time::new(h, m, 0, 0).map_err(|_| bad())
}

const DAY_NAMES: [[&str; 4]; 7] = [
    ["mon", "monday", "lun", "lundi"],
    ["tue", "tuesday", "mar", "mardi"],
    ["wed", "wednesday", "mer", "mercredi"],
    ["thu", "thursday", "jeu", "jeudi"],
    ["fri", "friday", "ven", "vendredi"],
    ["sat", "saturday", "sam", "samedi"],
    ["sun", "sunday", "dim", "dimanche"],
];

/// Weekday names, English or French, short or long.
fn parse_days(names: &[String]) -> Result<[bool; 7], String> {
    if names.is_empty() {
        return Err("no day: leave `days` out to send every day".into());
    }
    let mut days = [false; 7];
    for n in names {
        let n = n.trim().to_lowercase();
        let i = DAY_NAMES
            .iter()
            .position(|names| names.contains(&n.as_str()))
            .ok_or_else(|| {
                format!("{n:?} is not a weekday: use mon, tue, wed, thu, fri, sat, sun")
            })?;
        days[i] = true;
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_and_days_are_read_in_english_or_french() {
        assert_eq!(parse_time("8:05").unwrap(), jiff::civil::time(8, 5, 0, 0));
        assert!(parse_time("25:00").is_err());
        assert!(parse_time("8h").is_err());
        assert_eq!(
            parse_days(&["Mon".into(), "vendredi".into()]).unwrap(),
            [true, false, false, false, true, false, false]
        );
        assert!(
            parse_days(&["mondays".into()])
                .unwrap_err()
                .contains("mondays")
        );
    }
}
