//! The test topics.

mod ci;
mod code;
mod contract;
mod cursors;
mod errors;
mod issues;
mod merge_requests;
mod secrets;
mod writes;
