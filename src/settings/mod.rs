//! The settings: the config file and the watchlists, read and validated once (at start and
//! on reload), with located errors. Depends on nothing above it (only [`crate::text`]).

pub mod alerts;
pub mod config;
pub mod digest;
pub mod errors;
pub mod query;
pub mod sources;
pub mod units;
pub mod watchlist;
