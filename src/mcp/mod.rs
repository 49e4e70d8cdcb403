//! The MCP surface: a thin adapter from rmcp's protocol types to the registry.
//!
//! | file | role |
//! |---|---|
//! | `server.rs` | the `ServerHandler`: tools, resources, prompts, completion |
//! | `convert.rs` | contract types ⇄ rmcp types |
//! | `prompts.rs` | workflow prompts |
//! | `sampling.rs` | the client's own model as a delegation provider |
//! | `conformance/` | fixtures for the official conformance suite (hidden `serve --conformance`) |

pub mod conformance;
pub mod convert;
pub mod prompts;
pub mod sampling;
pub mod server;

pub use server::{SERVER_NAME, SERVER_VERSION, SwitchyardServer};
