//! [`GithubError`]: why an instance cannot be built from its settings (call-time failures are
//! `ConnectorError`s, see [`crate::upstream`]).

/// A GitHub instance that cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum GithubError {
    /// The instance id cannot be a URI scheme.
    #[error(
        "{id:?} is not a valid instance id: use lowercase letters, digits, '-' and '_', starting with a letter"
    )]
    InvalidId {
        /// The id.
        id: String,
    },
    /// The base URL is unusable.
    #[error("base_url: {reason}")]
    BaseUrl {
        /// The URL as configured.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An allowlist entry is unusable.
    #[error("repos entry {pattern:?}: {reason}")]
    RepoPattern {
        /// The entry.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be set up (TLS roots, the token as a header).
    #[error("the HTTP client for {id} cannot be built: {reason}")]
    Client {
        /// The instance id.
        id: String,
        /// What failed.
        reason: String,
    },
}
