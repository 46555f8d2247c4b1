//! Analyze: items in, decisions out. [`matcher`] finds the brands, [`sentiment`] scores
//! the text around them, [`story`] groups copies, [`alert`] reads spikes and decides alerts.

pub mod alert;
pub mod matcher;
pub mod sentiment;
pub mod story;
