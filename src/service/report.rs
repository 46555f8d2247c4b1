//! What one poll came to ([`PollReport`], [`Outcome`]): plain data, read by `vigie poll`'s
//! summary, the daemon's log and the metrics.

use jiff::Timestamp;

/// How a poll ended, for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new document was read and stored.
    Fetched,
    /// The source said nothing changed.
    NotModified,
    /// The poll failed; the reason is stored on the source.
    Failed(String),
    /// The poll worked but the database refused the commit (disk full, locked...): nothing
    /// was stored, the source will be polled again.
    NotStored(String),
}

/// The result of polling one source.
#[derive(Debug, Clone)]
pub struct PollReport {
    pub url: String,
    pub outcome: Outcome,
    /// Items in the document.
    pub items: usize,
    /// Mentions that were not already stored.
    pub new_mentions: usize,
    pub next_check_at: Timestamp,
}
