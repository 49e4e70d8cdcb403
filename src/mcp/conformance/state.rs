//! `requestState` for the stateless era: what a multi-round fixture needs to remember between
//! rounds, kept on the server behind an unguessable handle.
//!
//! The client echoes `requestState` verbatim and may not be trusted with it, so the state is
//! never sent at all: the client gets a random handle (122 bits from the OS generator) and
//! the server keeps what it stands for, bound to the tool that issued it, for
//! [`RequestStates::TTL`]. Any change to a handle (or a handle from another tool, another
//! process, or one that expired) finds nothing, and the retry is refused with `-32602`.
//!
//! This suits the fixtures, which run in one process. A deployment with several replicas
//! would seal the state into the handle instead (rmcp's `RequestStateCodec`, behind its
//! `request-state` feature) so that any replica can open it.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rmcp::ErrorData as McpError;
use serde_json::Value;

/// Issued request states.
#[derive(Debug, Default)]
pub struct RequestStates {
    issued: Mutex<HashMap<String, Issued>>,
}

#[derive(Debug)]
struct Issued {
    tool: String,
    state: Value,
    expires: Instant,
}

impl RequestStates {
    /// How long a handle stays valid.
    pub const TTL: Duration = Duration::from_secs(600);
    /// How many handles are kept at most (the oldest go first).
    pub const CAPACITY: usize = 4096;

    /// Remember `state` for `tool` and return the handle to send as `requestState`.
    pub fn issue(&self, tool: &str, state: Value) -> String {
        let handle = format!("rs-{}", uuid::Uuid::new_v4().simple());
        let now = Instant::now();
        if let Ok(mut issued) = self.issued.lock() {
            if issued.len() >= Self::CAPACITY {
                issued.retain(|_, entry| entry.expires > now);
            }
            while issued.len() >= Self::CAPACITY {
                let oldest = issued
                    .iter()
                    .min_by_key(|(_, entry)| entry.expires)
                    .map(|(key, _)| key.clone());
                match oldest {
                    Some(key) => issued.remove(&key),
                    None => break,
                };
            }
            issued.insert(
                handle.clone(),
                Issued {
                    tool: tool.to_owned(),
                    state,
                    expires: now + Self::TTL,
                },
            );
        }
        handle
    }

    /// The state behind `handle`, if this server issued it for `tool` and it has not expired.
    pub fn open(&self, tool: &str, handle: &str) -> Result<Value, McpError> {
        let now = Instant::now();
        let found = self.issued.lock().ok().and_then(|issued| {
            issued
                .get(handle)
                .filter(|entry| entry.tool == tool && entry.expires > now)
                .map(|entry| entry.state.clone())
        });
        found.ok_or_else(|| {
            McpError::invalid_params(
                "requestState failed verification: it was not issued by this server for this tool, \
                 was altered, or has expired; call the tool again without requestState",
                Some(serde_json::json!({ "tool": tool })),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::RequestStates;
    use serde_json::json;

    #[test]
    fn round_trips_and_rejects_tampering() {
        let states = RequestStates::default();
        let handle = states.issue("tool_a", json!({"round": 1}));
        assert_eq!(states.open("tool_a", &handle).unwrap(), json!({"round": 1}));
        let tampered = format!("{handle}-TAMPERED");
        assert_eq!(states.open("tool_a", &tampered).unwrap_err().code.0, -32602);
        assert!(states.open("tool_b", &handle).is_err());
        assert!(states.open("tool_a", "").is_err());
        assert_ne!(handle, states.issue("tool_a", json!({"round": 1})));
    }

    #[test]
    fn stays_bounded() {
        let states = RequestStates::default();
        let first = states.issue("t", json!(0));
        for n in 0..RequestStates::CAPACITY {
            states.issue("t", json!(n));
        }
        assert!(states.issued.lock().unwrap().len() <= RequestStates::CAPACITY);
        assert!(states.open("t", &first).is_err());
    }
}
