//! The one error type a connector returns, with a bounded set of kinds.
//!
//! Every failure a connector can meet maps to one of these variants. The MCP surface turns
//! them into tool results with `isError: true` whose text says what happened and what to try;
//! only protocol faults (unknown tool, malformed request) become JSON-RPC errors, and those
//! never come from a connector.

use std::time::Duration;

/// What went wrong inside a connector call.
///
/// Messages are lowercase, without a trailing period, and name the thing that failed
/// (a revision, a path, an upstream status) so a model can act on them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectorError {
    /// The caller's arguments cannot be used as given.
    #[error("invalid arguments: {0}")]
    InvalidArguments(String),
    /// The item the caller named does not exist (or is not visible to these credentials).
    #[error("not found: {0}")]
    NotFound(String),
    /// The upstream rejected the credentials.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// The credentials are valid but not allowed to do this, or policy forbids it.
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The upstream asked us to slow down.
    #[error("rate limited: {message}")]
    RateLimited {
        /// How long the upstream asked us to wait, when it said.
        retry_after: Option<Duration>,
        /// What the upstream said.
        message: String,
    },
    /// The upstream answered with an error status.
    #[error("upstream error (status {status}): {message}")]
    Upstream {
        /// The HTTP (or equivalent) status code.
        status: u16,
        /// The upstream's own message, already stripped of secrets.
        message: String,
    },
    /// The call ran out of time.
    #[error("timed out: {0}")]
    Timeout(String),
    /// The upstream could not be reached, or the connection broke.
    #[error("transport error: {0}")]
    Transport(String),
    /// A fault inside the connector itself; a bug or an unexpected local condition.
    #[error("internal error: {0}")]
    Internal(String),
}

/// The bounded label of a [`ConnectorError`], for logs, metrics and ledger rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// See [`ConnectorError::InvalidArguments`].
    InvalidArguments,
    /// See [`ConnectorError::NotFound`].
    NotFound,
    /// See [`ConnectorError::Unauthorized`].
    Unauthorized,
    /// See [`ConnectorError::Forbidden`].
    Forbidden,
    /// See [`ConnectorError::RateLimited`].
    RateLimited,
    /// See [`ConnectorError::Upstream`].
    Upstream,
    /// See [`ConnectorError::Timeout`].
    Timeout,
    /// See [`ConnectorError::Transport`].
    Transport,
    /// See [`ConnectorError::Internal`].
    Internal,
}

impl ErrorKind {
    /// Every kind, in declaration order; label sets are built from this.
    pub const ALL: [ErrorKind; 9] = [
        ErrorKind::InvalidArguments,
        ErrorKind::NotFound,
        ErrorKind::Unauthorized,
        ErrorKind::Forbidden,
        ErrorKind::RateLimited,
        ErrorKind::Upstream,
        ErrorKind::Timeout,
        ErrorKind::Transport,
        ErrorKind::Internal,
    ];

    /// The snake_case label used in logs, metrics and the ledger.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidArguments => "invalid_arguments",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Upstream => "upstream",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Transport => "transport",
            ErrorKind::Internal => "internal",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl ConnectorError {
    /// Shorthand for [`ConnectorError::InvalidArguments`].
    pub fn invalid(message: impl Into<String>) -> Self {
        ConnectorError::InvalidArguments(message.into())
    }

    /// Shorthand for [`ConnectorError::NotFound`].
    pub fn not_found(message: impl Into<String>) -> Self {
        ConnectorError::NotFound(message.into())
    }

    /// Shorthand for [`ConnectorError::Internal`].
    pub fn internal(message: impl Into<String>) -> Self {
        ConnectorError::Internal(message.into())
    }

    /// The bounded label of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ConnectorError::InvalidArguments(_) => ErrorKind::InvalidArguments,
            ConnectorError::NotFound(_) => ErrorKind::NotFound,
            ConnectorError::Unauthorized(_) => ErrorKind::Unauthorized,
            ConnectorError::Forbidden(_) => ErrorKind::Forbidden,
            ConnectorError::RateLimited { .. } => ErrorKind::RateLimited,
            ConnectorError::Upstream { .. } => ErrorKind::Upstream,
            ConnectorError::Timeout(_) => ErrorKind::Timeout,
            ConnectorError::Transport(_) => ErrorKind::Transport,
            ConnectorError::Internal(_) => ErrorKind::Internal,
        }
    }

    /// A generic suggestion of what to try next, used when the message itself carries none.
    pub fn hint(&self) -> String {
        match self {
            ConnectorError::InvalidArguments(_) => {
                "check the tool's input schema and correct the arguments".to_owned()
            }
            ConnectorError::NotFound(_) => {
                "check the name or identifier; list or search first to find valid ones".to_owned()
            }
            ConnectorError::Unauthorized(_) => {
                "the configured credential was rejected; check the token and run `switchyard check`"
                    .to_owned()
            }
            ConnectorError::Forbidden(_) => {
                "the configured credential or policy does not allow this; use another item or ask whoever runs this server"
                    .to_owned()
            }
            ConnectorError::RateLimited { retry_after, .. } => match retry_after {
                Some(wait) => format!("retry after {} seconds", wait.as_secs().max(1)),
                None => "wait a minute before retrying".to_owned(),
            },
            ConnectorError::Upstream { status, .. } if *status >= 500 => {
                "the upstream service failed; retry later".to_owned()
            }
            ConnectorError::Upstream { .. } => {
                "the upstream rejected the request; adjust the arguments".to_owned()
            }
            ConnectorError::Timeout(_) => {
                "narrow the request (a smaller range, a path filter) or retry".to_owned()
            }
            ConnectorError::Transport(_) => {
                "the upstream could not be reached; check its address and the network, then retry"
                    .to_owned()
            }
            ConnectorError::Internal(_) => {
                "this is a bug in Switchyard; please report it with the server log".to_owned()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ConnectorError, ErrorKind};
    use std::time::Duration;

    #[test]
    fn kinds_are_distinct_snake_case_labels() {
        let labels: std::collections::HashSet<_> =
            ErrorKind::ALL.iter().map(|kind| kind.as_str()).collect();
        assert_eq!(labels.len(), ErrorKind::ALL.len());
        for label in labels {
            assert!(label.chars().all(|c| c.is_ascii_lowercase() || c == '_'));
        }
    }

    #[test]
    fn rate_limit_hint_names_the_wait() {
        let err = ConnectorError::RateLimited {
            retry_after: Some(Duration::from_secs(42)),
            message: "slow down".into(),
        };
        assert_eq!(err.kind(), ErrorKind::RateLimited);
        assert_eq!(err.hint(), "retry after 42 seconds");
        assert_eq!(err.to_string(), "rate limited: slow down");
    }
}
