//! Evaluations: suites of cases with checks, run over candidate models, measured into the
//! scorecards routing reads (`switchyard eval`).
//!
//! | file | role |
//! |---|---|
//! | `suite.rs` | the suite file format (TOML), loading a directory, the shipped starter suites |
//! | `raw.rs` | the file's raw serde shape and its validation into a `Suite` |
//! | `schema.rs` | the JSON Schema subset of `json_schema` checks |
//! | `checks.rs` | evaluating checks on an answer: pass or fail, with a reason |
//! | `judge.rs` | rubric checks, judged by the `[delegate] judge` model |
//! | `runner.rs` | cases × models with bounded concurrency, timeouts, the scorecard math |

pub mod checks;
pub mod judge;
mod raw;
pub mod runner;
pub mod schema;
pub mod suite;

pub use checks::{CheckOutcome, evaluate};
pub use judge::{Judge, Verdict};
pub use runner::{Candidate, CaseResult, Progress, RunError, RunOptions, RunReport, run};
pub use suite::{
    Case, Check, STARTER_SUITES, Suite, SuiteError, SuiteIssue, load_dir, starter_suites,
};
