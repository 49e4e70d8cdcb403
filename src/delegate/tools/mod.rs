//! The delegation tools, one per file, and their shared arguments.

pub mod args;
pub mod delegate;
pub mod list_models;
pub mod route_preview;
