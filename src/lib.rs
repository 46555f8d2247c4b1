//! Vigie ("lookout"): an e-reputation monitoring daemon.
//!
//! It reads watchlists (brands, aliases, excluded terms, sources), polls the sources
//! politely, finds the items that mention a brand and keeps every mention in SQLite.
//!
//! # Data flow
//! ```text
//! watchlists/*.toml + config/vigie.toml
//!    │  config, watchlist: parse + validate once at start; unknown keys are errors
//!    ▼
//! daemon ──── due sources (schedule: next check, backoff, jitter)
//!    ▼
//! fetch ───── HTTP with conditional GET, deadlines, decoded-size cap, address guard
//!    ▼
//! parse ───── feed (RSS 0.9x/1.0/2.0, Atom, JSON Feed) → Item
//!    ▼
//! extract ─── HTML → text, canonical URL, language
//!    ▼
//! matcher ─── folded text, one automaton for all brands → hits with terms and snippet
//!    ▼
//! store ───── ONE transaction: new mentions + source state (validators, errors, next check)
//! ```
//! Everything from `parse` to `matcher`, and `schedule`, is a pure function of its inputs;
//! `fetch`, `store`, `poll` and `daemon` are the I/O shell.
//!
//! # Layout
//! - [`cli`]: the `vigie` commands; [`config`], [`watchlist`]: the files, with
//!   [`config_error`] for located errors and [`units`] for durations and sizes;
//! - [`fetch`] (and its address [`fetch::guard`]), [`parse`], [`extract`], [`matcher`];
//! - [`store`]: all SQL; [`poll`]: one source, end to end; [`schedule`]: when next;
//!   [`daemon`]: the loop; [`shutdown`]: the signal future.

pub mod analyze;
pub mod cli;
pub mod digest;
pub mod ingest;
pub mod notify;
pub mod service;
pub mod settings;
pub mod store;
pub mod text;
