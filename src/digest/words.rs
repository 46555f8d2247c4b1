//! The digest's words and formats in French and English: numbers (`1 234,5` / `1,234.5`),
//! shares (`12 %` / `12%`), dates (`lundi 23 novembre 2026` / `Monday 23 November 2026`).

use serde::Serialize;

pub use crate::notify::format::{
    amount, axis_day, change, day_time, int, long_date, percent, plural, punct, score, short_time,
    span,
};
use crate::settings::watchlist::Language;

/// Every fixed string a digest template shows, in one language.
#[derive(Debug, Serialize)]
pub struct Words {
    pub digest: &'static str,
    /// Before the date in the subject: `Résumé du` / `Digest for`.
    pub digest_of: &'static str,
    pub period: &'static str,
    pub mentions: &'static str,
    pub mention: &'static str,
    pub published: &'static str,
    pub published_one: &'static str,
    pub previous_period: &'static str,
    pub usual: &'static str,
    pub no_history: &'static str,
    pub negative: &'static str,
    pub negative_one: &'static str,
    pub positive: &'static str,
    /// `nouvelles mentions` / `new mentions`: found in the period.
    pub new: &'static str,
    pub new_one: &'static str,
    /// Before the negative count in the headline: `dont ` / ``.
    pub including: &'static str,
    /// The line heading the published figures: `Publiées sur la période`.
    pub published_label: &'static str,
    pub change: &'static str,
    /// What "new" and "published" mean, stated once under the headline.
    pub how_to_read: &'static str,
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
    mention: "mention",
    published: "publiées sur la période",
    published_one: "publiée sur la période",
    previous_period: "période précédente",
    usual: "d'habitude",
    no_history: "pas encore assez d'historique pour dire ce qui est habituel",
    negative: "négatives",
    negative_one: "négative",
    positive: "positives",
    new: "nouvelles mentions",
    new_one: "nouvelle mention",
    including: "dont ",
    published_label: "Publiées sur la période",
    change: "évolution",
    how_to_read: "Nouvelles mentions\u{202f}: celles trouvées sur la période, chacune dans un seul résumé\u{202f}; les pourcentages et les listes portent sur elles. Publiées sur la période\u{202f}: celles datées de la période, que comptent les comparaisons et les graphiques. Un article repris par plusieurs sites compte une fois.",
    chart_caption: "Mentions par heure sur 7 jours et par jour sur 30 jours\u{202f}; en rouge, les négatives.",
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
    undelivered: "Messages non remis",
    next_digest: "Prochain résumé",
    footer: "Vigie\u{202f}: ce résumé est envoyé une fois par période. Son heure et ses jours se règlent dans la liste de veille (section [digest]).",
    colon: "\u{202f}:",
};

const EN: Words = Words {
    digest: "Vigie digest",
    digest_of: "Digest for",
    period: "Period",
    mentions: "mentions",
    mention: "mention",
    published: "published in the period",
    published_one: "published in the period",
    previous_period: "previous period",
    usual: "usually",
    no_history: "not enough history yet to say what is usual",
    negative: "negative",
    negative_one: "negative",
    positive: "positive",
    new: "new mentions",
    new_one: "new mention",
    including: "",
    published_label: "Published in the period",
    change: "change",
    how_to_read: "New mentions: those found in the period, each in one digest only; the shares and lists are about them. Published in the period: those dated in the period, what the comparisons and charts count. A story carried by several sites counts once.",
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
    undelivered: "Undelivered messages",
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
