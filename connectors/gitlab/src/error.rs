//! [`GitlabError`]: why an instance cannot be built from its settings. Failures while a tool
//! runs are `ConnectorError`s, made in [`crate::upstream`] and [`crate::ids`].

/// A problem with an instance's settings, found when the connector is built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GitlabError {
    /// The instance id cannot be a URI scheme.
    #[error(
        "connector id {id:?} is invalid: use lowercase letters, digits, '_' or '-', starting with a letter"
    )]
    InvalidId {
        /// The id given.
        id: String,
    },
    /// The base URL is unusable.
    #[error("base_url of {id}: {reason}")]
    BaseUrl {
        /// The instance id.
        id: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An allowlist entry is unusable.
    #[error("projects entry {pattern:?} of {id}: {reason}")]
    Pattern {
        /// The instance id.
        id: String,
        /// The entry.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Writes were enabled without an allowlist to limit them.
    #[error("{id} enables writes without a projects allowlist; list the projects writes may touch")]
    WritesWithoutAllowlist {
        /// The instance id.
        id: String,
    },
    /// The token cannot travel in an HTTP header.
    #[error("the token of {id} contains characters an HTTP header cannot carry")]
    Token {
        /// The instance id.
        id: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client of {id}: {reason}")]
    Client {
        /// The instance id.
        id: String,
        /// What failed.
        reason: String,
    },
}
