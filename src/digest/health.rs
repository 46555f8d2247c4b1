//! The sources that need a look in the digest: failing, silent or empty.

use std::time::Duration;

use jiff::Timestamp;

use super::SourceView;
use super::words;
use crate::ingest::fetch::redact_str;
use crate::ingest::problem::Problem;
use crate::notify::clean_line;
use crate::settings::watchlist::Language;
use crate::store::SourceHealth;

/// Why a source needs a look, if it does: failing, silent for longer than its usual
/// rhythm allows, or answering with no item at all.
pub fn source_problem(
    s: &SourceHealth,
    now: Timestamp,
    zone: &jiff::tz::TimeZone,
    lang: Language,
) -> Option<SourceView> {
    let fr = lang == Language::Fr;
    let (label, url) = match &s.name {
        Some(name) => (clean_line(name), Some(redact_str(&s.url))),
        None => (redact_str(&s.url), None),
    };
    let since = |t: Timestamp| words::short_time(t, zone, lang);
    if s.consecutive_errors > 0 {
        let count = s.consecutive_errors;
        let what = in_words(s.problem, s.last_error.as_deref(), lang);
        let reason = if fr {
            format!(
                "{what} — {count} échec{} de suite",
                if count > 1 { "s" } else { "" }
            )
        } else {
            format!(
                "{what} — {count} failure{} in a row",
                if count > 1 { "s" } else { "" }
            )
        };
        return Some(SourceView {
            label: label.clone(),
            url: url.clone(),
            problem: if fr { "en échec" } else { "failing" },
            reason,
            since: since(
                s.failing_since
                    .or(s.last_checked_at)
                    .unwrap_or(s.created_at),
            ),
        });
    }
    if s.last_item_count == Some(0) {
        return Some(SourceView {
            label: label.clone(),
            url: url.clone(),
            problem: if fr { "vide" } else { "empty" },
            reason: if fr {
                "la source répond mais ne contient aucun article".into()
            } else {
                "the source answers with no item at all".into()
            },
            since: since(s.empty_since.or(s.last_checked_at).unwrap_or(s.created_at)),
        });
    }
    if let (Some(newest), Some(cadence)) = (s.newest_item_at, s.cadence) {
        let silent = Duration::try_from(now.duration_since(newest)).unwrap_or_default();
        let allowed = (cadence * 4).max(Duration::from_secs(24 * 3600));
        if silent > allowed {
            let reason = if fr {
                format!(
                    "rien de nouveau depuis {}\u{202f}; d'habitude, un article toutes les {}",
                    words::span(silent, lang),
                    words::span(cadence, lang)
                )
            } else {
                format!(
                    "nothing new for {}; usually one item every {}",
                    words::span(silent, lang),
                    words::span(cadence, lang)
                )
            };
            return Some(SourceView {
                label: label.clone(),
                url: url.clone(),
                problem: if fr { "muette" } else { "silent" },
                reason,
                since: since(newest),
            });
        }
    }
    None
}

/// A source's failure said for the person reading the digest: what happened and what to
/// do, without the library's words (`vigie sources` and the logs keep those).
fn in_words(problem: Option<Problem>, error: Option<&str>, lang: Language) -> String {
    let fr = lang == Language::Fr;
    let pick = |f: &str, e: &str| if fr { f.to_string() } else { e.to_string() };
    match problem {
        Some(Problem::Status(code @ (404 | 410))) => {
            if fr {
                format!(
                    "cette adresse n'existe plus sur le site (erreur {code})\u{202f}: vérifiez l'adresse de la source"
                )
            } else {
                format!(
                    "this address no longer exists on the site (error {code}): check the source's address"
                )
            }
        }
        Some(Problem::Status(code @ (401 | 403))) => {
            if fr {
                format!(
                    "le site refuse l'accès à Vigie (erreur {code})\u{202f}: la source demande peut-être un identifiant"
                )
            } else {
                format!("the site refuses Vigie access (error {code}): the source may need a login")
            }
        }
        Some(Problem::Status(429)) => pick(
            "le site demande de le lire moins souvent (erreur 429)\u{202f}; Vigie ralentit et réessaie",
            "the site asks to be read less often (error 429); Vigie slows down and tries again",
        ),
        Some(Problem::Status(code)) if code >= 500 => {
            if fr {
                format!("le site est en panne (erreur {code})\u{202f}; Vigie réessaie")
            } else {
                format!("the site is down (error {code}); Vigie tries again")
            }
        }
        Some(Problem::Status(code)) => {
            if fr {
                format!("le site répond par une erreur ({code})")
            } else {
                format!("the site answers with an error ({code})")
            }
        }
        Some(Problem::Timeout) => pick(
            "le site ne répond pas à temps\u{202f}; Vigie réessaie",
            "the site does not answer in time; Vigie tries again",
        ),
        Some(Problem::Connect) => pick(
            "le site est injoignable (nom inconnu ou connexion refusée)\u{202f}; Vigie réessaie",
            "the site cannot be reached (unknown name or connection refused); Vigie tries again",
        ),
        Some(Problem::TooLarge) => pick(
            "la page est trop volumineuse pour être lue",
            "the page is too large to be read",
        ),
        Some(Problem::Redirects) => pick(
            "le site renvoie d'adresse en adresse sans aboutir",
            "the site sends Vigie from address to address without end",
        ),
        Some(Problem::Blocked) => pick(
            "l'adresse mène à un réseau interne, que Vigie ne lit pas sans autorisation",
            "the address leads to an internal network, which Vigie does not read unless allowed",
        ),
        Some(Problem::BadUrl) => pick(
            "l'adresse de la source n'est pas valide",
            "the source's address is not valid",
        ),
        Some(Problem::Io) => pick(
            "la lecture a été interrompue, ou le fichier manque",
            "reading was cut short, or the file is missing",
        ),
        Some(Problem::HtmlPage) => {
            let feed = error
                .and_then(|e| e.split("it names its feed: use ").nth(1))
                .map(|u| redact_str(u.trim()));
            match (feed, fr) {
                (Some(u), true) => format!(
                    "c'est une page web, pas un flux\u{202f}; elle indique son flux\u{202f}: {u}"
                ),
                (Some(u), false) => {
                    format!("this is a web page, not a feed; it names its feed: {u}")
                }
                (None, true) => "c'est une page web, pas un flux\u{202f}: elle se lit comme un forum (kind = \"html\" avec des sélecteurs)".into(),
                (None, false) => "this is a web page, not a feed: read it as a forum page (kind = \"html\" with selectors)".into(),
            }
        }
        Some(Problem::NotAFeed) => pick(
            "le document n'est pas un flux que Vigie sait lire (RSS, Atom ou JSON Feed)",
            "the document is not a feed Vigie can read (RSS, Atom or JSON Feed)",
        ),
        Some(Problem::NoItems) => pick(
            "la page a changé\u{202f}: les sélecteurs n'y trouvent plus aucun message",
            "the page has changed: the selectors find no post in it any more",
        ),
        Some(Problem::Unreadable) | None => pick(
            "le document n'a pas pu être lu",
            "the document could not be read",
        ),
    }
}
