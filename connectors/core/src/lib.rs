//! The connector contract of Switchyard.
//!
//! A connector turns one source (a git repository, a forge, a chat workspace) into tools,
//! resources and search hits. It knows nothing of MCP, HTTP, the store or the model router:
//! the server adapts these types to the protocol at its edge. See `docs/connectors.md`.
//!
//! | module | role |
//! |---|---|
//! | [`connector`] | the [`Connector`] trait, resources, search hits, health checks |
//! | [`tool`] | [`ToolSpec`], flat schemas from `JsonSchema`, typed argument parsing |
//! | [`output`] | [`ToolOutput`] and the paged envelope ([`PageWriter`]) |
//! | [`error`] | [`ConnectorError`] and its bounded [`ErrorKind`] |
//! | [`context`] | [`CallContext`]: identity, deadline, cancellation, progress, budget |
//! | [`budget`] | the response budget and honest cutting |
//! | [`cursor`] | opaque page cursors |
//! | [`uri`] | item URIs and path-segment encoding |
//! | [`patch`] | changed files of a forge change: collapsing, per-file caps, plain-text diffs |
//! | [`residency`] | data classes ([`DataClass`]) for data residency |
//! | [`secret`] | secret references and the redacting [`Secret`] |
//! | [`sanitize`] | stripping invisible and bidi control characters |
//! | `testkit` | checks every connector's tests run (feature `testkit`) |

pub mod budget;
pub mod connector;
pub mod context;
pub mod cursor;
pub mod error;
pub mod output;
pub mod patch;
pub mod redact;
pub mod residency;
pub mod sanitize;
pub mod secret;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod tool;
pub mod uri;

pub use budget::ResponseBudget;
pub use connector::{
    CheckReport, Connector, ResourceSpec, ResourceTemplateSpec, SearchHit, SearchQuery,
};
pub use context::{CallContext, Identity, NoProgress, ProgressSink, Role};
pub use error::{ConnectorError, ErrorKind};
pub use output::{PageWriter, ToolOutput};
pub use residency::DataClass;
pub use secret::{Secret, SecretRef};
pub use tool::{JsonObject, ToolEffects, ToolSpec, parse_args};
pub use uri::ItemUri;
