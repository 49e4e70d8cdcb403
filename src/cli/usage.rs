//! `switchyard usage`: the chargeback report from the ledger (cost, calls, tokens and
//! savings against the baseline, grouped), as a table, CSV or JSON.

use std::io::Write;

use crate::app::App;
use crate::governance::usage::{Format, UsageError, UsageQuery, render, report};
use crate::store::StoreError;

/// Why the report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum UsageCommandError {
    /// A bad argument.
    #[error(transparent)]
    Query(#[from] UsageError),
    /// No store (notes and delegation both disabled).
    #[error("there is no store, so no ledger: enable [notes] or [delegate], or set [store] url")]
    NoStore,
    /// The ledger could not be read.
    #[error("the ledger cannot be read: {0}")]
    Store(#[from] StoreError),
    /// Writing the report failed.
    #[error("writing the report: {0}")]
    Io(#[from] std::io::Error),
}

/// Print the report.
pub async fn run(
    app: &App,
    by: &str,
    since: &str,
    until: Option<&str>,
    format: &str,
    out: &mut impl Write,
) -> Result<(), UsageCommandError> {
    let format = Format::parse(format)?;
    let governance = app.meter().ok_or(UsageCommandError::NoStore)?;
    let query = UsageQuery::parse(by, since, until, governance.clock().now_ms())?;
    let report = report(governance.ledger(), &query).await?;
    out.write_all(render(&report, format).as_bytes())?;
    Ok(())
}
