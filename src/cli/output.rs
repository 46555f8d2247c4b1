//! Rendering for people and for scripts: aligned tables, CSV, times.

use jiff::Timestamp;
use jiff::tz::TimeZone;

/// A plain-text table with a header, columns padded to their widest cell (in characters).
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        let mut l = String::new();
        for (i, c) in cells.enumerate() {
            if i > 0 {
                l.push_str("  ");
            }
            l.push_str(c);
            l.push_str(&" ".repeat(widths[i] - c.chars().count()));
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&mut header.iter().copied());
    for row in rows {
        line(&mut row.iter().map(String::as_str));
    }
    out
}

/// `s` cut to `max` characters, with `…` when cut, on one line.
pub fn truncate(s: &str, max: usize) -> String {
    let one_line: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut t: String = one_line.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

/// One CSV record (RFC 4180): fields quoted when they hold a comma, quote or line break.
pub fn csv_record(fields: &[String]) -> String {
    csv_record_with(fields, ',')
}

/// A CSV line with `delimiter` between fields (`;` for a spreadsheet in French), a field
/// quoted when it holds the delimiter, a quote or a line break.
pub fn csv_record_with(fields: &[String], delimiter: char) -> String {
    let quoted: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.contains([delimiter, '"', '\n', '\r']) {
                format!("\"{}\"", f.replace('"', "\"\""))
            } else {
                f.clone()
            }
        })
        .collect();
    quoted.join(&delimiter.to_string())
}

/// A time in `zone` (the config's, as the digest and the emails use), to the minute, with the
/// zone's abbreviation: one clock for every human output.
pub fn local_time(t: Timestamp, zone: &TimeZone) -> String {
    t.to_zoned(zone.clone())
        .strftime("%Y-%m-%d %H:%M %Z")
        .to_string()
}

/// "3 min ago", "in 2 h", relative to `now`.
pub fn relative(t: Timestamp, now: Timestamp) -> String {
    let secs = t.as_second() - now.as_second();
    let a = secs.unsigned_abs();
    let amount = match a {
        0..60 => {
            return if secs < 0 {
                "just now".into()
            } else {
                "now".into()
            };
        }
        60..3600 => format!("{} min", a / 60),
        3600..172_800 => format!("{} h", a / 3600),
        _ => format!("{} d", a / 86_400),
    };
    if secs < 0 {
        format!("{amount} ago")
    } else {
        format!("in {amount}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_align_on_characters_not_bytes() {
        let t = table(
            &["brand", "n"],
            &[
                vec!["Crédit".into(), "1".into()],
                vec!["Acme".into(), "22".into()],
            ],
        );
        assert_eq!(t, "brand   n\nCrédit  1\nAcme    22\n");
    }

    #[test]
    fn csv_quotes_only_when_needed() {
        assert_eq!(
            csv_record(&["a".into(), "b,c".into(), "say \"hi\"".into()]),
            "a,\"b,c\",\"say \"\"hi\"\"\""
        );
    }

    #[test]
    fn relative_times() {
        let now = Timestamp::from_second(100_000).unwrap();
        assert_eq!(
            relative(Timestamp::from_second(100_000 - 180).unwrap(), now),
            "3 min ago"
        );
        assert_eq!(
            relative(Timestamp::from_second(100_000 + 7200).unwrap(), now),
            "in 2 h"
        );
        assert_eq!(truncate("Un  titre\ntrès long", 8), "Un titr…");
    }
}
