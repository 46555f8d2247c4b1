//! Watchlists (`watchlists/*.toml`): the brands to look for and the sources to read.
//!
//! A watchlist file holds one or more `[[brand]]` tables (name, aliases, excluded terms) and
//! one or more `[[source]]` tables (url, kind, optional interval). Every source of a file is
//! matched against every brand of that file. The same URL in two files is one source, polled
//! once, matched for both files' brands, at the shorter of their intervals.
//!
//! Source URLs are `http://`, `https://` or `file://`. As a convenience for shipped samples,
//! `file:relative/path.xml` (no slash after the colon) is resolved against the watchlist's
//! folder.
//!
//! The files: [`catalog`](self) types are what the rest of Vigie uses; `raw.rs` holds the
//! TOML shapes, `validate.rs` checks a file's text, `source.rs` one source, `load.rs`
//! reads the files.

mod catalog;
mod channel;
mod load;
mod raw;
mod source;
mod validate;

pub use catalog::*;
pub use channel::{Channel, ChannelKind};
pub use load::{load, load_all};
pub use source::{normalize_source_url, take_credentials};
pub use validate::parse;

/// Pages an html source may follow per poll.
pub const MAX_PAGES: u32 = 20;

/// What one watchlist may hold. Far above what a team writes by hand, low enough that
/// `check` and `poll` stay within seconds and a few hundred MiB at the caps
/// (BENCHMARKS.md); past them the file is refused with the place of the first excess.
pub mod limits {
    /// Size of a watchlist file.
    pub const FILE_BYTES: u64 = 1024 * 1024;
    /// Characters in a brand name, alias, exclusion or query term.
    pub const TERM_CHARS: usize = 200;
    /// Characters in a brand's query.
    pub const QUERY_CHARS: usize = 4_000;
    /// Name, aliases, exclusions and query terms of one brand.
    pub const TERMS_PER_BRAND: usize = 100;
    /// Brands in one file.
    pub const BRANDS_PER_FILE: usize = 1_000;
    /// Brands in all the watchlists together.
    pub const BRANDS: usize = 10_000;
}

#[cfg(test)]
mod tests;
