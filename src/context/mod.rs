//! The cross-source tools: `read_context` resolves any item's URI by its scheme, and
//! `search_context` fans one query out to every searchable source in parallel.

pub mod read;
pub mod search;
