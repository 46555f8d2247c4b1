//! The digest's words and formats in French and English: numbers (`1 234,5` / `1,234.5`),
//! shares (`12 %` / `12%`), dates (`lundi 23 novembre 2026` / `Monday 23 November 2026`).

use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::Serialize;

use crate::settings::watchlist::Language;

/// Every fixed string a digest template shows, in one language.
#[derive(Debug, Serialize)]
pub struct Words {
    pub digest: &'static str,
    /// Before the date in the subject: `Résumé du` / `Digest for`.
    pub digest_of: &'static str,
    pub period: &'static str,
    pub mentions: &'static str,
    pub published: &'static str,
    pub previous_period: &'static str,
    pub usual: &'static str,
    pub no_history: &'static str,
    pub negative: &'static str,
    pub positive: &'static str,
    pub found: &'static str,
    pub chart_caption: &'static str,
    pub chart_alt: &'static str,
    pub top_negative: &'static str,
    pub top_positive: &'static str,
    pub nothing_negative: &'static str,
    pub nothing_positive: &'static str,
    pub quiet_brand: &'static str,
    pub stories: &'static str,
    pub no_story: &'static str,
    pub outlets: &'static str,
    pub alerts: &'static str,
    pub no_alert: &'static str,
    pub sources: &'static str,
    pub sources_ok: &'static str,
    pub since: &'static str,
    pub undelivered: &'static str,
    pub next_digest: &'static str,
    pub footer: &'static str,
    /// French puts a no-break space before `:`.
    pub colon: &'static str,
}

const FR: Words = Words {
    digest: "Résumé Vigie",
    digest_of: "Résumé du",
    period: "Période",
    mentions: "mentions",
    published: "publiées sur la période",
    previous_period: "période précédente",
    usual: "d'habitude",
    no_history: "pas encore assez d'historique pour dire ce qui est habituel",
    negative: "négatives",
    positive: "positives",
    found: "nouvelles mentions trouvées",
    chart_caption: "Mentions par heure sur 7 jours et par jour sur 30 jours ; en rouge, les négatives.",
    chart_alt: "Graphique des mentions",
    top_negative: "Les plus négatives",
    top_positive: "Les plus positives",
    nothing_negative: "Aucune mention négative.",
    nothing_positive: "Aucune mention positive.",
    quiet_brand: "Aucune nouvelle mention sur la période.",
    stories: "Les sujets les plus repris",
    no_story: "Aucun sujet repris par plusieurs sources sur la période.",
    outlets: "sources",
    alerts: "Alertes",
    no_alert: "Aucune alerte sur la période.",
    sources: "État des sources",
    sources_ok: "Toutes les sources répondent normalement.",
    since: "depuis",
    undelivered: "Emails non remis",
    next_digest: "Prochain résumé",
    footer: "Vigie : ce résumé est envoyé une fois par période. Pour changer l'heure ou les jours, modifiez [digest] dans la liste de veille.",
    colon: "\u{a0}:",
};

const EN: Words = Words {
    digest: "Vigie digest",
    digest_of: "Digest for",
    period: "Period",
    mentions: "mentions",
    published: "published in the period",
    previous_period: "previous period",
    usual: "usually",
    no_history: "not enough history yet to say what is usual",
    negative: "negative",
    positive: "positive",
    found: "new mentions found",
    chart_caption: "Mentions per hour over 7 days and per day over 30 days; negative ones in red.",
    chart_alt: "Chart of mentions",
    top_negative: "Most negative",
    top_positive: "Most positive",
    nothing_negative: "No negative mention.",
    nothing_positive: "No positive mention.",
    quiet_brand: "No new mention in the period.",
    stories: "Most-covered stories",
    no_story: "No story was carried by more than one source in the period.",
    outlets: "sources",
    alerts: "Alerts",
    no_alert: "No alert in the period.",
    sources: "Source health",
    sources_ok: "Every source answers normally.",
    since: "since",
    undelivered: "Undelivered emails",
    next_digest: "Next digest",
    footer: "Vigie: this digest is sent once per period. To change its time or days, edit [digest] in the watchlist.",
    colon: ":",
};

/// The words of `lang`.
pub fn words(lang: Language) -> &'static Words {
    match lang {
        Language::Fr => &FR,
        Language::En => &EN,
    }
}

/// French puts a narrow no-break space between thousands and before `%`.
const NNBSP: char = '\u{202f}';

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
        Language::Fr => format!("{} {d} {} {y}", FR_DAYS[wd], FR_MONTHS[m]),
        Language::En => format!("{} {d} {} {y}", EN_DAYS[wd], EN_MONTHS[m]),
    }
}

/// `lundi 23 novembre, 08:00` / `Monday 23 November, 08:00`.
pub fn day_time(t: Timestamp, zone: &TimeZone, lang: Language) -> String {
    let (wd, d, m, _, h, min) = parts(t, zone);
    match lang {
        Language::Fr => format!("{} {d} {}, {h:02}:{min:02}", FR_DAYS[wd], FR_MONTHS[m]),
        Language::En => format!("{} {d} {}, {h:02}:{min:02}", EN_DAYS[wd], EN_MONTHS[m]),
    }
}

/// `lun. 23 nov., 07:30` / `Mon 23 Nov, 07:30`: mentions' times.
pub fn short_time(t: Timestamp, zone: &TimeZone, lang: Language) -> String {
    let (wd, d, m, _, h, min) = parts(t, zone);
    match lang {
        Language::Fr => format!(
            "{}. {d} {}, {h:02}:{min:02}",
            &FR_DAYS[wd][..3],
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
