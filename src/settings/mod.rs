//! The settings: the config file and the watchlists, read and validated once (at start and
//! on reload), with located errors. Depends on nothing above it (only [`crate::text`]).

pub mod alerts;
pub mod config;
pub mod digest;
pub mod errors;
pub mod postgres;
pub mod query;
pub mod social;
pub mod sources;
pub mod units;
pub mod watchlist;
pub mod web;

use std::path::Path;

use config::Config;
use errors::ConfigErrors;
use watchlist::Catalog;

/// Loads and validates the config and all watchlists.
pub fn load(path: &Path) -> Result<(Config, Catalog), ConfigErrors> {
    let config = config::load(path)?;
    let catalog = watchlist::load_all(&config)?;
    Ok((config, catalog))
}
