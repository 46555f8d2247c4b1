//! Vigie ("lookout"): an e-reputation monitoring daemon.
//!
//! It reads watchlists (brands, aliases, queries, excluded terms, sources), polls the
//! sources politely, finds the items that mention a brand, keeps every mention in SQLite
//! with a sentiment score, groups copies of one story, alerts on a bad buzz and sends a
//! daily digest.
//!
//! # Data flow
//! ```text
//! config/vigie.toml + watchlists/*.toml
//!   settings ──────────── parse + validate once (and on SIGHUP); errors name file:line:key
//!   service::daemon ───── the loop: due sources (service::schedule: next check, backoff)
//!   service::poll ─────── one source, end to end:
//!     ingest::fetch ───── HTTP or file, conditional GET, deadlines, size cap, address guard
//!     ingest::parse ───── transcode, then RSS / Atom / JSON Feed / HTML page / alert feed → Item
//!     ingest::extract ─── HTML → text, canonical URL, language
//!     analyze::matcher ── folded text, one automaton for all brands → hits with evidence
//!     analyze::sentiment  lexicon score per mention (French and English)
//!     store::commit ───── ONE transaction: source state + new mentions, joined to stories
//!                         (analyze::story) → activity → analyze::alert (detect, pure) →
//!                         service::alerts (policy: open, escalate, quiet) → store::outbox
//!   service::digests ─── when a digest period ends: store::digest → digest (compose,
//!                         chart, templates) → store::outbox, once per period
//!   notify ───────────── outbox → notify::render (alert emails) → notify::send/smtp,
//!                         leased, retried with backoff, never sent twice
//!   web ──────────────── the workspace and /api/v1 (axum): reads on its own connections,
//!                         decisions (triage, corrections, acknowledgements) through
//!                         store::triage, which every count, digest and alert respects
//!   service::health ──── /healthz and /metrics (service::metrics); service::systemd:
//!                         READY, WATCHDOG, RELOADING; service::shutdown: the signals
//!   cli ──────────────── the `vigie` commands over all of the above
//! ```
//! `settings`, `ingest::parse`, `ingest::extract`, `analyze`, `digest::compose` and
//! `service::schedule` are pure functions of their inputs; `ingest::fetch`, `store`,
//! `notify`, `service` and `cli` are the I/O shell.
//!
//! # Layout and the dependency rule
//! Each folder may import only from the folders below it (`tests/layout.rs` checks it):
//! - [`text`]: folding, word boundaries, French elisions, typography: imports nothing;
//! - [`settings`]: config, watchlists, the query language, units, located errors;
//! - [`ingest`] (fetch, parse, extract) and [`analyze`] (matcher, sentiment, story, alert
//!   detection): `settings` and `text` only, never each other;
//! - [`store`]: all SQL, split by table family; it takes and returns plain data types
//!   (some defined in `ingest` and `analyze`) and no other module sees a rusqlite type;
//! - [`notify`]: rendering and delivering the outbox's emails;
//! - [`digest`]: composing the digest;
//! - [`web`]: the workspace's pages, its API, sessions and rights, the listeners' accept
//!   loop (it reaches the running daemon through [`web::Daemon`], which the poller
//!   implements);
//! - [`service`]: the poller, the daemon, the alert policy, health, metrics, systemd;
//! - [`cli`]: one file per command; `main.rs` parses, logs and maps errors to exit codes.

pub mod analyze;
pub mod cli;
pub mod digest;
pub mod ingest;
pub mod notify;
pub mod service;
pub mod settings;
pub mod store;
pub mod text;
pub mod web;
