//! The notes tools, one per file.

pub mod add;
pub mod delete;
pub mod list;
pub mod read;

use switchyard_core::ToolSpec;

/// Every notes tool, in the order they are listed.
pub fn specs() -> Vec<ToolSpec> {
    vec![add::spec(), list::spec(), read::spec(), delete::spec()]
}
