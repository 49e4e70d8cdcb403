//! Governance: quotas, budgets, the usage ledger, the usage report and metrics.
//!
//! | file | role |
//! |---|---|
//! | `gate.rs` | [`Meter`]: quotas before a call, the ledger row and metrics after |
//! | `quota.rs` | requests per minute and tokens per day, counted in the store |
//! | `budget.rs` | budgets: the store-backed cost hook (reserve, settle), soft-limit pressure |
//! | `period.rs` | UTC day, ISO week and calendar month bounds |
//! | `clock.rs` | the clock (tests move it forward) |
//! | `ledger.rs` | the group-commit ledger writer |
//! | `usage.rs` | the chargeback report (`switchyard usage`, `GET /usage`) |
//! | `metrics.rs` | Prometheus metrics (`GET /metrics`) |
//! | `http.rs` | the `/usage` and `/metrics` handlers |
//! | `status_tool.rs` | the `budget_status` tool |

pub mod budget;
pub mod clock;
pub mod gate;
pub mod http;
pub mod ledger;
pub mod metrics;
pub mod period;
pub mod quota;
pub mod status_tool;
pub mod usage;

pub use gate::{CallOutcome, Meter};
