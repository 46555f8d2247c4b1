//! The digest: one email per watchlist and period (a day, or the days since the previous
//! send time) telling the community manager what was said about each brand.

pub mod chart;
pub mod settings;
pub mod words;
