//! Numbers, shares, dates and punctuation as French and English write them, for every
//! human-facing text (alert emails, the digest): `1 234,5` / `1,234.5`, `12 %` / `12%`,
//! `mardi 1er décembre 2026` / `Tuesday 1 December 2026`, and French typography's narrow
//! no-break space before `: ; ! ?` and `%`.

use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use crate::settings::watchlist::Language;

/// French puts a narrow no-break space between thousands and before `%`.
const NNBSP: char = '\u{202f}';

/// A high punctuation mark (`:`, `;`, `!`, `?`) as the language writes it after a word: in
/// French after a narrow no-break space.
pub fn punct(mark: char, lang: Language) -> String {
    match lang {
        Language::Fr => format!("{NNBSP}{mark}"),
        Language::En => mark.to_string(),
    }
}

/// At most `max` characters of `s`, cut at a word when one ends near, with an ellipsis:
/// how a title is shown (digest, emails), never a whole article pasted in a title.
pub fn cap(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    let at_word = cut
        .rfind(' ')
        .filter(|&i| i >= cut.len() * 3 / 4)
        .unwrap_or(cut.len());
    format!("{}…", cut[..at_word].trim_end())
}

/// Longest title shown, in characters.
pub const TITLE_CHARS: usize = 160;

/// `one` or `many` for a count of `n`: French takes the singular for 0 and 1 ("0 mention"),
/// English for 1 only ("0 mentions").
pub fn plural<'a>(n: u64, one: &'a str, many: &'a str, lang: Language) -> &'a str {
    let singular = match lang {
        Language::Fr => n <= 1,
        Language::En => n == 1,
    };
    if singular { one } else { many }
}

/// A day of the month as French writes it (`1er`, `2`), or the number.
fn day(d: i8, lang: Language) -> String {
    match (lang, d) {
        (Language::Fr, 1) => "1er".to_string(),
        _ => d.to_string(),
    }
}

/// `1234567` as `1 234 567` or `1,234,567`.
pub fn int(n: u64, lang: Language) -> String {
    let digits = n.to_string();
    let sep = match lang {
        Language::Fr => NNBSP,
        Language::En => ',',
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// How loud a mention was: `1 234 interactions · portée 12 000` /
/// `1,234 interactions · reach 12,000`; `None` when its service said neither.
pub fn loudness(engagement: Option<u64>, reach: Option<u64>, lang: Language) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(n) = engagement {
        parts.push(format!(
            "{} {}",
            int(n, lang),
            plural(n, "interaction", "interactions", lang)
        ));
    }
    if let Some(r) = reach {
        parts.push(match lang {
            Language::Fr => format!("portée {}", int(r, lang)),
            Language::En => format!("reach {}", int(r, lang)),
        });
    }
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// The name of a part of an engagement, as a person says it.
pub fn engagement_part(part: &str, lang: Language) -> &str {
    match (part, lang) {
        ("score", Language::Fr) => "votes",
        ("comments", Language::Fr) => "commentaires",
        ("likes", Language::Fr) => "j'aime",
        ("reposts" | "boosts", Language::Fr) => "partages",
        ("replies", Language::Fr) => "réponses",
        ("quotes", Language::Fr) => "citations",
        ("favourites", Language::Fr) => "favoris",
        ("votes", Language::Fr) => "votes utiles",
        ("votes", Language::En) => "helpful votes",
        (other, _) => other,
    }
}

/// A count that may have a fraction (an average), one decimal when below 10.
pub fn amount(v: f64, lang: Language) -> String {
    if v >= 9.95 {
        return int(v.round() as u64, lang);
    }
    let s = format!("{v:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s).to_string();
    match lang {
        Language::Fr => s.replace('.', ","),
        Language::En => s,
    }
}

/// A share in [0, 1] as a whole percentage.
pub fn percent(share: f64, lang: Language) -> String {
    let p = (share * 100.0).round() as i64;
    match lang {
        Language::Fr => format!("{p}{NNBSP}%"),
        Language::En => format!("{p}%"),
    }
}

/// A signed change in percent: `+40 %`, `−20 %`.
pub fn change(ratio: f64, lang: Language) -> String {
    let p = ((ratio - 1.0) * 100.0).round() as i64;
    let sign = if p > 0 {
        "+"
    } else if p < 0 {
        "−"
    } else {
        "±"
    };
    match lang {
        Language::Fr => format!("{sign}{}{NNBSP}%", p.abs()),
        Language::En => format!("{sign}{}%", p.abs()),
    }
}

/// A sentiment score: `−0,84` or `-0.84`.
pub fn score(s: f64, lang: Language) -> String {
    let t = format!("{s:+.2}");
    match lang {
        Language::Fr => t.replace('.', ",").replace('-', "−"),
        Language::En => t,
    }
}

const FR_DAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];
const EN_DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const FR_MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const FR_MONTHS_SHORT: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
const EN_MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn parts(t: Timestamp, zone: &TimeZone) -> (usize, i8, usize, i16, i8, i8) {
    let z = t.to_zoned(zone.clone());
    (
        z.weekday().to_monday_zero_offset() as usize,
        z.day(),
        (z.month() - 1) as usize,
        z.year(),
        z.hour(),
        z.minute(),
    )
}

/// `lundi 23 novembre 2026` / `Monday 23 November 2026`.
pub fn long_date(t: Timestamp, zone: &TimeZone, lang: Language) -> String {
    let (wd, d, m, y, _, _) = parts(t, zone);
    match lang {
        Language::Fr => format!("{} {} {} {y}", FR_DAYS[wd], day(d, lang), FR_MONTHS[m]),
        Language::En => format!("{} {d} {} {y}", EN_DAYS[wd], EN_MONTHS[m]),
    }
}

/// `lundi 23 novembre, 08:00` / `Monday 23 November, 08:00`.
pub fn day_time(t: Timestamp, zone: &TimeZone, lang: Language) -> String {
    let (wd, d, m, _, h, min) = parts(t, zone);
    match lang {
        Language::Fr => format!(
            "{} {} {}, {h:02}:{min:02}",
            FR_DAYS[wd],
            day(d, lang),
            FR_MONTHS[m]
        ),
        Language::En => format!("{} {d} {}, {h:02}:{min:02}", EN_DAYS[wd], EN_MONTHS[m]),
    }
}

/// `lun. 23 nov., 07:30` / `Mon 23 Nov, 07:30`: mentions' times.
pub fn short_time(t: Timestamp, zone: &TimeZone, lang: Language) -> String {
    let (wd, d, m, _, h, min) = parts(t, zone);
    match lang {
        Language::Fr => format!(
            "{}. {} {}, {h:02}:{min:02}",
            &FR_DAYS[wd][..3],
            day(d, lang),
            FR_MONTHS_SHORT[m]
        ),
        Language::En => format!(
            "{} {d} {}, {h:02}:{min:02}",
            &EN_DAYS[wd][..3],
            &EN_MONTHS[m][..3]
        ),
    }
}

/// `lun. 23` / `Mon 23`, and `23/11` / `11/23`, for chart axes.
pub fn axis_day(t: Timestamp, zone: &TimeZone, lang: Language, numeric: bool) -> String {
    let (wd, d, m, _, _, _) = parts(t, zone);
    match (lang, numeric) {
        (Language::Fr, false) => format!("{}. {d}", &FR_DAYS[wd][..3]),
        (Language::En, false) => format!("{} {d}", &EN_DAYS[wd][..3]),
        (Language::Fr, true) => format!("{d:02}/{:02}", m + 1),
        (Language::En, true) => format!("{:02}/{d:02}", m + 1),
    }
}

/// `3 heures`, `2 jours` / `3 hours`, `2 days`: rounded to the largest unit.
pub fn span(d: Duration, lang: Language) -> String {
    let s = d.as_secs();
    let (n, unit) = if s >= 2 * 86_400 {
        (s / 86_400, 0)
    } else if s >= 2 * 3600 {
        (s / 3600, 1)
    } else {
        ((s / 60).max(1), 2)
    };
    let plural = n > 1;
    let word = match (lang, unit, plural) {
        (Language::Fr, 0, false) => "jour",
        (Language::Fr, 0, true) => "jours",
        (Language::Fr, 1, false) => "heure",
        (Language::Fr, 1, true) => "heures",
        (Language::Fr, _, _) => "min",
        (Language::En, 0, false) => "day",
        (Language::En, 0, true) => "days",
        (Language::En, 1, false) => "hour",
        (Language::En, 1, true) => "hours",
        (Language::En, _, _) => "min",
    };
    format!("{} {word}", int(n, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_are_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(cap("Acme recrute", 160), "Acme recrute");
        let long = "Acme ".repeat(60);
        let c = cap(&long, 160);
        assert!(c.ends_with("Acme…") && c.chars().count() <= 160, "{c}");
        assert_eq!(cap("abcdefghij", 5), "abcd…");
    }

    #[test]
    fn french_counts_zero_and_one_in_the_singular() {
        assert_eq!(plural(0, "mention", "mentions", Language::Fr), "mention");
        assert_eq!(plural(1, "mention", "mentions", Language::Fr), "mention");
        assert_eq!(plural(2, "mention", "mentions", Language::Fr), "mentions");
        assert_eq!(plural(0, "mention", "mentions", Language::En), "mentions");
        assert_eq!(plural(1, "mention", "mentions", Language::En), "mention");
        assert_eq!(punct(':', Language::Fr), "\u{202f}:");
        assert_eq!(punct(';', Language::En), ";");
    }

    #[test]
    fn numbers_shares_and_dates_follow_the_language() {
        assert_eq!(int(1_234_567, Language::Fr), "1\u{202f}234\u{202f}567");
        assert_eq!(int(1_234_567, Language::En), "1,234,567");
        assert_eq!(int(999, Language::En), "999");
        assert_eq!(amount(2.25, Language::Fr), "2,2");
        assert_eq!(amount(3.0, Language::En), "3");
        assert_eq!(percent(0.125, Language::Fr), "13\u{202f}%");
        assert_eq!(percent(0.125, Language::En), "13%");
        assert_eq!(change(1.4, Language::En), "+40%");
        assert_eq!(change(0.5, Language::Fr), "−50\u{202f}%");
        assert_eq!(score(-0.844, Language::Fr), "−0,84");
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let t: Timestamp = "2026-11-23T06:30:00Z".parse().unwrap();
        assert_eq!(long_date(t, &paris, Language::Fr), "lundi 23 novembre 2026");
        assert_eq!(
            long_date(t, &paris, Language::En),
            "Monday 23 November 2026"
        );
        assert_eq!(short_time(t, &paris, Language::Fr), "lun. 23 nov., 07:30");
        assert_eq!(short_time(t, &paris, Language::En), "Mon 23 Nov, 07:30");
        let july: Timestamp = "2026-07-14T10:00:00Z".parse().unwrap();
        assert_eq!(
            short_time(july, &paris, Language::Fr),
            "mar. 14 juil., 12:00"
        );
        assert_eq!(
            span(Duration::from_secs(3 * 86_400 + 5), Language::Fr),
            "3 jours"
        );
        assert_eq!(span(Duration::from_secs(3600), Language::En), "60 min");
    }
}
