//! The service: the I/O shell that runs everything. [`poll`] is one source end to end,
//! [`daemon`] the loop, [`schedule`] when next, [`health`] the listener, [`systemd`] and
//! [`shutdown`] the process's life.

pub mod alerts;
pub mod daemon;
pub mod digests;
pub mod health;
pub mod metrics;
pub mod poll;
pub mod report;
pub mod schedule;
pub mod shutdown;
pub mod systemd;
