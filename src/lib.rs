//! Switchyard: one MCP server that gives every AI client a shared, governed view of the
//! development context (git history and code, shared notes, and more to come).
//!
//! Dependencies point inward: `transport` and `mcp` adapt the protocol; `registry` and
//! `context` dispatch to connectors; connectors know nothing of MCP. `app` wires it all.
//!
//! | module | role |
//! |---|---|
//! | [`cli`] | the command line (`serve`, `check`, `tools`) |
//! | [`app`] | wiring: config → store, connectors, registry, server |
//! | [`config`] | loading and validating `switchyard.toml` |
//! | [`transport`] | stdio, Streamable HTTP, legacy SSE, Host/Origin guard |
//! | [`mcp`] | the rmcp handler, conversions, prompts, conformance fixtures |
//! | [`registry`] | the tool table, policy, multi-instance dispatch |
//! | [`governance`] | quotas, budgets, the usage ledger and report, metrics |
//! | [`context`] | `read_context` and `search_context` |
//! | [`notes`] | workspace notes as a connector |
//! | [`governance`] | identity (API keys, JWTs), team policies, the audit log |
//! | [`store`] | the embedded SQLite store |
//! | [`telemetry`] | logging to stderr |

pub mod app;
pub mod cli;
pub mod config;
pub mod context;
pub mod delegate;
pub mod governance;
pub mod mcp;
pub mod notes;
pub mod registry;
pub mod store;
pub mod telemetry;
pub mod transport;
