//! Analyze: items in, decisions out. [`matcher`] finds the brands, [`sentiment`] scores
//! the text around them, [`risk`] reads what bad news it reports, [`story`] groups copies,
//! [`alert`] reads spikes and decides alerts; [`search`] finds stored mentions with the
//! query language and [`stem`]'s light stemming.

pub mod alert;
pub mod matcher;
pub mod risk;
pub mod search;
pub mod sentiment;
pub mod stem;
pub mod story;
pub mod voice;
