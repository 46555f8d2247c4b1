//! Ingest: bytes in, items out. [`fetch`] reads a source (HTTP or a local file) within its
//! limits, [`parse`] turns the document into items, [`extract`] makes their text and links; [`problem`] names what went wrong.

pub mod extract;
pub mod fetch;
pub mod parse;
pub mod problem;
pub mod social;
