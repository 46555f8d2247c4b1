//! Human units in config files: durations (`"15m"`, `"1h 30m"`, `"7d"`) and sizes
//! (`"10 MiB"`, or a plain number of bytes).
//!
//! Both are parsed during deserialisation, so a bad value is reported by the TOML reader with
//! its file, line and column like any other type error.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, de};

/// A duration written the human way. Zero is refused: every duration in Vigie's config is a
/// deadline or an interval, and zero would mean "never wait" or "spin".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HumanDuration(pub Duration);

impl HumanDuration {
    /// Parses `"15m"`, `"2h 30m"`, `"7d"`, `"90s"`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let d = humantime::parse_duration(s.trim()).map_err(|e| {
            format!("invalid duration {s:?}: {e} (write e.g. \"30s\", \"15m\", \"2h\", \"7d\")")
        })?;
        if d.is_zero() {
            return Err(format!("duration {s:?} must be greater than zero"));
        }
        Ok(HumanDuration(d))
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        HumanDuration::parse(&s).map_err(de::Error::custom)
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", humantime::format_duration(self.0))
    }
}

/// A size in bytes: an integer, or a string with a unit (`B`, `KB`, `KiB`, `MB`, `MiB`, `GB`,
/// `GiB`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ByteSize(pub u64);

impl ByteSize {
    /// Parses `"10 MiB"`, `"512KB"`, `"1048576"`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (num, unit) = t.split_at(split);
        let n: u64 = num
            .parse()
            .map_err(|_| format!("invalid size {s:?} (write e.g. \"10 MiB\")"))?;
        let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
            "" | "b" => 1,
            "kb" => 1_000,
            "kib" => 1 << 10,
            "mb" => 1_000_000,
            "mib" => 1 << 20,
            "gb" => 1_000_000_000,
            "gib" => 1 << 30,
            other => return Err(format!("unknown size unit {other:?} in {s:?}")),
        };
        match n.checked_mul(mult) {
            Some(0) => Err(format!("size {s:?} must be greater than zero")),
            Some(v) => Ok(ByteSize(v)),
            None => Err(format!("size {s:?} is too large")),
        }
    }
}

impl<'de> Deserialize<'de> for ByteSize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Int(u64),
            Str(String),
        }
        match Raw::deserialize(d)? {
            Raw::Int(0) => Err(de::Error::custom("size must be greater than zero")),
            Raw::Int(n) => Ok(ByteSize(n)),
            Raw::Str(s) => ByteSize::parse(&s).map_err(de::Error::custom),
        }
    }
}

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
            write!(f, "{} MiB", n >> 20)
        } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
            write!(f, "{} KiB", n >> 10)
        } else {
            write!(f, "{n} B")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_people_write() {
        assert_eq!(
            HumanDuration::parse("15m").unwrap().0,
            Duration::from_secs(900)
        );
        assert_eq!(
            HumanDuration::parse("1h 30m").unwrap().0,
            Duration::from_secs(5400)
        );
        assert_eq!(
            HumanDuration::parse("7d").unwrap().0,
            Duration::from_secs(7 * 86400)
        );
        assert!(
            HumanDuration::parse("0s")
                .unwrap_err()
                .contains("greater than zero")
        );
        assert!(
            HumanDuration::parse("fifteen")
                .unwrap_err()
                .contains("invalid duration")
        );
    }

    #[test]
    fn sizes_people_write() {
        assert_eq!(ByteSize::parse("10 MiB").unwrap().0, 10 * 1024 * 1024);
        assert_eq!(ByteSize::parse("512KB").unwrap().0, 512_000);
        assert_eq!(ByteSize::parse("42").unwrap().0, 42);
        assert!(ByteSize::parse("3 parsecs").is_err());
        assert!(
            ByteSize::parse("99999999999 GiB")
                .unwrap_err()
                .contains("too large")
        );
        assert_eq!(ByteSize(10 << 20).to_string(), "10 MiB");
    }
}
