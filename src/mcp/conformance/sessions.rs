//! Per-session state of the handshake era: the log level a client set with
//! `logging/setLevel` and the resources it subscribed to with `resources/subscribe`.
//!
//! Sessions are told apart by their `Mcp-Session-Id` (see [`super::client::session_key`]);
//! the stateless era has neither method and carries its log level in each request's `_meta`.

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;

use rmcp::model::LoggingLevel;

/// The state of every handshake-era session.
#[derive(Debug, Default)]
pub struct Sessions {
    sessions: Mutex<HashMap<String, Session>>,
}

#[derive(Debug, Default)]
struct Session {
    level: Option<LoggingLevel>,
    subscriptions: BTreeSet<String>,
}

impl Sessions {
    /// The most sessions remembered; past this, the state of all is dropped (a fixture
    /// server serves one suite at a time).
    const CAPACITY: usize = 1024;

    fn with<T>(&self, key: &str, change: impl FnOnce(&mut Session) -> T) -> Option<T> {
        let mut sessions = self.sessions.lock().ok()?;
        if sessions.len() >= Self::CAPACITY && !sessions.contains_key(key) {
            sessions.clear();
        }
        Some(change(sessions.entry(key.to_owned()).or_default()))
    }

    /// Set the session's log level.
    pub fn set_level(&self, key: &str, level: LoggingLevel) {
        self.with(key, |session| session.level = Some(level));
    }

    /// The session's log level; `info` until the client sets one.
    pub fn level(&self, key: &str) -> LoggingLevel {
        self.with(key, |session| session.level)
            .flatten()
            .unwrap_or(LoggingLevel::Info)
    }

    /// Subscribe the session to `uri`.
    pub fn subscribe(&self, key: &str, uri: &str) {
        self.with(key, |session| session.subscriptions.insert(uri.to_owned()));
    }

    /// Unsubscribe the session from `uri`; whether it was subscribed.
    pub fn unsubscribe(&self, key: &str, uri: &str) -> bool {
        self.with(key, |session| session.subscriptions.remove(uri))
            .unwrap_or(false)
    }

    /// Whether the session is subscribed to `uri`. (No fixture resource ever changes, so no
    /// `notifications/resources/updated` is ever due; only the tests ask.)
    #[cfg(test)]
    pub fn subscribed(&self, key: &str, uri: &str) -> bool {
        self.with(key, |session| session.subscriptions.contains(uri))
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::Sessions;
    use rmcp::model::LoggingLevel;

    #[test]
    fn sessions_are_separate() {
        let sessions = Sessions::default();
        sessions.set_level("a", LoggingLevel::Debug);
        assert_eq!(sessions.level("a"), LoggingLevel::Debug);
        assert_eq!(sessions.level("b"), LoggingLevel::Info);
        sessions.subscribe("a", "test://watched-resource");
        assert!(sessions.subscribed("a", "test://watched-resource"));
        assert!(!sessions.subscribed("b", "test://watched-resource"));
        assert!(sessions.unsubscribe("a", "test://watched-resource"));
        assert!(!sessions.unsubscribe("a", "test://watched-resource"));
    }
}
