//! The test topics.

#![expect(clippy::unwrap_used, reason = "tests fail loudly")]

mod changes;
mod contract;
mod cursors;
mod errors;
mod files;
mod lists;
mod writes;
