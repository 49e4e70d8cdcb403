//! Test topics.

mod changes;
mod contract;
mod edge;
mod files;
mod history;
mod refs;
