//! Transports: how clients reach the MCP server.
//!
//! | file | role |
//! |---|---|
//! | `stdio.rs` | one session over stdin/stdout (the IDE case) |
//! | `http.rs` | Streamable HTTP at `/mcp`, the legacy SSE pair, `/healthz` |
//! | `sse.rs` | the legacy HTTP+SSE transport, bridged to the same server |
//! | `guard.rs` | Host and Origin validation for every HTTP route |
//! | `owners.rs` | Streamable HTTP sessions bound to the caller that opened them |
//! | `channel.rs` | a channel transport and the parsing of incoming messages |

pub mod channel;
pub mod guard;
pub mod http;
pub mod owners;
pub mod sse;
pub mod stdio;
