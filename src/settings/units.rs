//! Human units in config files: durations (`"15m"`, `"1h 30m"`, `"7d"`), sizes
//! (`"10 MiB"`, or a plain number of bytes) and networks (`"10.1.0.0/16"`).
//!
//! Both are parsed during deserialisation, so a bad value is reported by the TOML reader with
//! its file, line and column like any other type error.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, de};

/// A duration written the human way. Zero is refused: every duration in Vigie's config is a
/// deadline or an interval, and zero would mean "never wait" or "spin".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct HumanDuration(pub Duration);

impl HumanDuration {
    /// Parses `"15m"`, `"2h 30m"`, `"7d"`, `"90s"`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let d = parse_duration(s).ok_or_else(|| {
            format!(
                "invalid duration {s:?}: write a number and a unit, e.g. \"30s\", \"15min\", \"2h\", \"7d\" or \"7j\", \"2w\" or \"2sem\""
            )
        })?;
        if d.is_zero() {
            return Err(format!("duration {s:?} must be greater than zero"));
        }
        Ok(HumanDuration(d))
    }
}

/// Seconds in one of a duration's units, French and English: `s`, `min`/`m`, `h`, `d`/`j`,
/// `w`/`sem`, and their words (`minutes`, `heures`, `jours`, `semaines`...).
fn unit_seconds(unit: &str) -> Option<u64> {
    Some(match unit {
        "s" | "sec" | "secs" | "second" | "seconds" | "seconde" | "secondes" => 1,
        "m" | "min" | "mins" | "minute" | "minutes" => 60,
        "h" | "hr" | "hrs" | "hour" | "hours" | "heure" | "heures" => 3600,
        "d" | "j" | "day" | "days" | "jour" | "jours" => 86_400,
        "w" | "sem" | "week" | "weeks" | "semaine" | "semaines" => 7 * 86_400,
        _ => return None,
    })
}

/// `"1h30min"`, `"7j"`, `"2 sem"`, `"90 minutes"`: numbers each followed by a unit.
fn parse_duration(s: &str) -> Option<std::time::Duration> {
    let s = s.trim().to_lowercase();
    let mut rest = s.as_str();
    let mut total: u64 = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start();
        let unit_len = rest
            .find(|c: char| !c.is_alphabetic())
            .unwrap_or(rest.len());
        let unit = unit_seconds(&rest[..unit_len])?;
        total = total.checked_add(n.checked_mul(unit)?)?;
        rest = rest[unit_len..].trim_start();
    }
    Some(std::time::Duration::from_secs(total))
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

/// A network in CIDR notation (`10.1.0.0/16`, `fd12::/16`; a bare address is a network of
/// one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    addr: IpAddr,
    prefix: u8,
}

impl Network {
    /// Whether `ip` lies in this network (an IPv4-mapped IPv6 address counts as its IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, unmapped(ip)) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

impl std::str::FromStr for Network {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let (addr, prefix) = s.split_once('/').unwrap_or((s, ""));
        let addr: IpAddr = addr.parse().map_err(|_| {
            format!("{s:?} is not a network: expected CIDR such as \"10.1.0.0/16\"")
        })?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() {
            max
        } else {
            prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("{s:?}: the prefix length must be 0 to {max}"))?
        };
        Ok(Network { addr, prefix })
    }
}

impl<'de> serde::Deserialize<'de> for Network {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

impl std::fmt::Display for Network {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

/// An IPv4-mapped IPv6 address as its IPv4 address; others as they are.
pub fn unmapped(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
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
        // French units and words, and units written out.
        for (text, secs) in [
            ("7j", 7 * 86400),
            ("2 sem", 14 * 86400),
            ("90 min", 5400),
            ("1h30min", 5400),
            ("3 jours", 3 * 86400),
            ("2 heures", 7200),
            ("1 week", 7 * 86400),
            ("45s", 45),
        ] {
            assert_eq!(
                HumanDuration::parse(text).unwrap().0,
                Duration::from_secs(secs),
                "{text}"
            );
        }
        for bad in ["7", "j7", "7 lunes", "", "1h30", "-5m"] {
            assert!(HumanDuration::parse(bad).is_err(), "{bad}");
        }
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

    #[test]
    fn networks_parse_or_say_why_not() {
        assert_eq!(
            "10.1.0.0/16".parse::<Network>().unwrap().to_string(),
            "10.1.0.0/16"
        );
        assert_eq!(
            "10.1.2.3".parse::<Network>().unwrap().to_string(),
            "10.1.2.3/32"
        );
        assert!(
            "0.0.0.0/0"
                .parse::<Network>()
                .unwrap()
                .contains("8.8.8.8".parse().unwrap())
        );
        assert!(
            "10.1.0.0/33"
                .parse::<Network>()
                .unwrap_err()
                .contains("0 to 32")
        );
        assert!("intranet".parse::<Network>().unwrap_err().contains("CIDR"));
    }
}
