//! The sources that need a look in the digest: failing, silent or empty.

use std::time::Duration;

use jiff::Timestamp;

use super::SourceView;
use super::words;
use crate::ingest::fetch::redact_str;
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
        let error = clean_line(s.last_error.as_deref().unwrap_or(""));
        let count = s.consecutive_errors;
        let reason = if fr {
            format!(
                "{error} ({count} échec{} de suite)",
                if count > 1 { "s" } else { "" }
            )
        } else {
            format!(
                "{error} ({count} failure{} in a row)",
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
