//! The `Connector` trait every source implements, and the types it speaks besides tools:
//! resources, search hits and health checks.

use async_trait::async_trait;

use crate::context::CallContext;
use crate::error::ConnectorError;
use crate::output::ToolOutput;
use crate::tool::{JsonObject, ToolSpec};
use crate::uri::ItemUri;

/// A concrete resource a connector lists (a repository's HEAD, a note).
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceSpec {
    /// Its URI (`git://repo/refs`).
    pub uri: String,
    /// A short name.
    pub name: String,
    /// What it is.
    pub description: String,
    /// Its media type.
    pub mime_type: String,
}

/// A family of resources addressed by an RFC 6570 template (`git://{repo}/commit/{sha}`).
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceTemplateSpec {
    /// The URI template.
    pub uri_template: String,
    /// A short name.
    pub name: String,
    /// What the template addresses and how to fill it in.
    pub description: String,
    /// The media type of what it resolves to.
    pub mime_type: String,
}

/// A query to a connector's search, with the caller's limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// What the user typed; connectors interpret it as literal words.
    pub text: String,
    /// The most hits this source should return.
    pub limit: usize,
}

/// One search hit, ranked within its source.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// The item's URI; `read_context` resolves it.
    pub uri: String,
    /// A one-line title.
    pub title: String,
    /// A short excerpt around the match.
    pub snippet: String,
    /// The source's own relevance score (higher is better; only comparable within a source).
    pub score: f64,
    /// When the item last changed, as RFC 3339, when known.
    pub updated: Option<String>,
}

/// The health of a connector, as `switchyard check` and `/healthz` show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Whether the connector can serve calls.
    pub ok: bool,
    /// One line on what was checked and what was found.
    pub detail: String,
}

impl CheckReport {
    /// A passing check.
    pub fn ok(detail: impl Into<String>) -> Self {
        CheckReport {
            ok: true,
            detail: detail.into(),
        }
    }

    /// A failing check; `detail` says what is wrong and how to fix it.
    pub fn failed(detail: impl Into<String>) -> Self {
        CheckReport {
            ok: false,
            detail: detail.into(),
        }
    }
}

/// A source of context. Connectors know nothing of MCP, HTTP, the store or the router.
#[async_trait]
pub trait Connector: Send + Sync {
    /// The instance id; also the URI scheme of its items.
    fn id(&self) -> &str;

    /// The kind (`git`, `notes`); tool names start with it.
    fn kind(&self) -> &'static str;

    /// The tools this instance offers (fixed for its lifetime).
    fn tools(&self) -> &[ToolSpec];

    /// Run one tool. `args` has not been validated against the schema: parse it with
    /// [`crate::tool::parse_args`].
    async fn call(
        &self,
        tool: &str,
        args: &JsonObject,
        ctx: &CallContext,
    ) -> Result<ToolOutput, ConnectorError>;

    /// A cheap probe of credentials and reachability.
    async fn check(&self) -> CheckReport;

    /// Concrete resources worth listing (keep it short; templates cover the rest).
    async fn resources(&self) -> Result<Vec<ResourceSpec>, ConnectorError> {
        Ok(Vec::new())
    }

    /// The URI templates of this connector's items.
    fn resource_templates(&self) -> Vec<ResourceTemplateSpec> {
        Vec::new()
    }

    /// Read one item by its URI (whose scheme is this connector's id).
    async fn read(&self, uri: &ItemUri, ctx: &CallContext) -> Result<ToolOutput, ConnectorError> {
        let _ = ctx;
        Err(ConnectorError::not_found(format!(
            "{} has no readable items; {uri} cannot be resolved",
            self.id()
        )))
    }

    /// Whether [`Connector::search`] is implemented (the cross-source search asks only these).
    fn searchable(&self) -> bool {
        false
    }

    /// Search this source for `query`, best hits first.
    async fn search(
        &self,
        query: &SearchQuery,
        ctx: &CallContext,
    ) -> Result<Vec<SearchHit>, ConnectorError> {
        let _ = (query, ctx);
        Ok(Vec::new())
    }
}
