//! Governance end to end over HTTP: budgets (soft limit → warning and the cheapest model,
//! hard limit → refusal with what remains and when it resets), quotas (refusal with the reset
//! time, then success in the next window), the ledger and audit rows that reach the store,
//! `/metrics`, `/usage`, and two real server processes racing for one PostgreSQL budget.
//!
//! | file | role |
//! |---|---|
//! | `support.rs` | the mock provider, an in-process server, the MCP client |
//! | `budgets.rs` | soft and hard limits, `budget_status` |
//! | `ledger.rs` | an answer whose ledger row cannot be written is withheld |
//! | `quotas.rs` | per-minute quotas with a moved clock |
//! | `endpoints.rs` | `/metrics` and `/usage` |
//! | `race.rs` | two `switchyard serve --http` processes on one PostgreSQL budget |

#![expect(
    clippy::expect_used,
    reason = "test helpers that cannot set up fail the test"
)]

#[path = "../store/fixture.rs"]
#[expect(
    dead_code,
    reason = "shared with tests/store; not every helper is used here"
)]
mod fixture;

mod budgets;
mod endpoints;
mod ledger;
mod quotas;
mod race;
mod support;
