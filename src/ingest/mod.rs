//! Ingest: bytes in, items out. [`fetch`] reads a source (HTTP or a local file) within its
//! limits, [`parse`] turns the document into items, [`extract`] makes their text and links.

pub mod extract;
pub mod fetch;
pub mod parse;
