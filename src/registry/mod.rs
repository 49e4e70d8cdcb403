//! The registry: every connector, the published tool list, and dispatch by tool name or URI.
//!
//! | file | role |
//! |---|---|
//! | `mod.rs` | [`Registry`]: building the tool table, dispatching calls and reads |
//! | `policy.rs` | which tools are published (`[tools]` allow, deny, read_only) |
//! | `instances.rs` | several instances of one kind behind one tool with an `instance` argument |
//!
//! The cross-source tools (`read_context`, `search_context`) live in `crate::context` and are
//! routed here like any other tool.

mod instances;
mod policy;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use switchyard_core::{
    CallContext, CheckReport, Connector, ConnectorError, DataClass, ItemUri, JsonObject,
    ResourceSpec, ResourceTemplateSpec, ResponseBudget, ToolOutput, ToolSpec,
};

use crate::config::model::{ResponseConfig, ToolsConfig};
use crate::context;
use crate::delegate;
use crate::delegate::provider::Provider;
use crate::delegate::service::Delegation;
use crate::governance::{self, Denial, Governance, Meter};

pub use policy::ToolPolicy;

/// Where a published tool goes.
#[derive(Clone)]
pub enum Route {
    /// A connector tool; several instances when more than one of the kind is configured
    /// (the first is the default).
    Connector(instances::Group),
    /// `read_context`.
    ReadContext,
    /// `search_context`.
    SearchContext,
    /// `delegate`.
    Delegate,
    /// `route_preview`.
    RoutePreview,
    /// `list_models`.
    ListModels,
    /// `budget_status`.
    BudgetStatus,
}

/// How the registry is set up besides its connectors.
#[derive(Clone, Default)]
pub struct RegistryOptions {
    /// How long the cross-source search waits for each source.
    pub search_timeout: Duration,
    /// The data class of each source, by instance id (default `internal`).
    pub data_classes: HashMap<String, DataClass>,
    /// The delegation service, when delegation is enabled.
    pub delegation: Option<Arc<Delegation>>,
    /// Team policies: which sources `read_context`, `search_context` and delegation context
    /// may reach for a caller.
    pub governance: Governance,
    /// Quotas, budgets and the ledger, when the server has a store.
    pub meter: Option<Arc<Meter>>,
}

/// What one call brings from its session besides the context (today: the client's own model,
/// when the client can sample).
#[derive(Clone, Default)]
pub struct CallExtras {
    /// The MCP client's model as a provider, when the client declared sampling.
    pub client_model: Option<Arc<dyn Provider>>,
    /// Where `delegate` reports the model, tokens and cost of the call (for the ledger).
    pub usage: Option<Arc<delegate::accounting::UsageSlot>>,
}

/// One published tool.
#[derive(Clone)]
pub struct ToolEntry {
    /// Its description as published (with an `instance` argument when grouped).
    pub spec: ToolSpec,
    /// Where calls go.
    pub route: Route,
    /// Its response budget.
    pub budget: ResponseBudget,
    /// The toolsets it belongs to (connector ids and kind, `note`/`notes`, `context`,
    /// `delegate`), as policies name them.
    pub toolsets: Vec<String>,
}

/// Why a call could not be dispatched at all (a protocol error, not a tool error).
#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    /// No published tool has that name.
    #[error("unknown tool {0:?}")]
    UnknownTool(String),
}

/// The largest string any tool argument may hold unless its schema declares a `maxLength`.
/// Tools with tighter limits declare them in their schema, where clients see them too; either
/// way a 10 MB argument is refused here, naming the argument, before it reaches a connector.
pub const MAX_ARGUMENT_BYTES: usize = 256 * 1024;

/// Refuse string arguments (at any depth) over their schema's `maxLength` (top-level
/// arguments) or [`MAX_ARGUMENT_BYTES`], naming the argument.
fn check_argument_sizes(args: &JsonObject, schema: &JsonObject) -> Result<(), ConnectorError> {
    fn walk(path: &str, value: &serde_json::Value, limit: usize) -> Result<(), ConnectorError> {
        match value {
            serde_json::Value::String(text)
                if text.len() > limit && text.chars().count() > limit =>
            {
                Err(ConnectorError::invalid(format!(
                    "{path} is {} characters; it may have at most {limit}, so pass a reference (a path, a URI) or a shorter text instead",
                    text.chars().count()
                )))
            }
            serde_json::Value::Array(items) => items
                .iter()
                .enumerate()
                .try_for_each(|(index, item)| walk(&format!("{path}[{index}]"), item, limit)),
            serde_json::Value::Object(map) => map
                .iter()
                .try_for_each(|(key, item)| walk(&format!("{path}.{key}"), item, limit)),
            _ => Ok(()),
        }
    }
    let properties = schema
        .get("properties")
        .and_then(serde_json::Value::as_object);
    args.iter().try_for_each(|(key, value)| {
        let declared = properties
            .and_then(|p| p.get(key))
            .and_then(|p| p.get("maxLength"))
            .and_then(serde_json::Value::as_u64)
            .and_then(|max| usize::try_from(max).ok());
        walk(
            key,
            value,
            declared
                .unwrap_or(MAX_ARGUMENT_BYTES)
                .min(MAX_ARGUMENT_BYTES),
        )
    })
}

/// Every connector and the tools published from them.
pub struct Registry {
    connectors: Vec<Arc<dyn Connector>>,
    entries: Vec<ToolEntry>,
    by_name: HashMap<String, usize>,
    by_scheme: HashMap<String, Arc<dyn Connector>>,
    search_timeout: Duration,
    data_classes: HashMap<String, DataClass>,
    delegation: Option<Arc<Delegation>>,
    governance: Governance,
    meter: Option<Arc<Meter>>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field(
                "connectors",
                &self
                    .connectors
                    .iter()
                    .map(|c| c.id().to_owned())
                    .collect::<Vec<_>>(),
            )
            .field("tools", &self.entries.len())
            .finish()
    }
}

impl Registry {
    /// Build the tool table from `connectors` (in configuration order).
    pub fn new(
        connectors: Vec<Arc<dyn Connector>>,
        tools: &ToolsConfig,
        response: &ResponseConfig,
        options: RegistryOptions,
    ) -> Registry {
        let policy = ToolPolicy::from_config(tools);
        let default_budget = ResponseBudget::tokens(response.max_tokens);
        let budget_for = |name: &str| {
            response
                .tools
                .get(name)
                .map(|tokens| ResponseBudget::tokens(*tokens))
                .unwrap_or(default_budget)
        };
        let mut entries = Vec::new();
        for (spec, group) in instances::group(&connectors) {
            let toolsets: Vec<&str> = group
                .instances
                .iter()
                .map(|c| c.id())
                .chain([group.instances[0].kind()])
                .collect();
            if policy.publishes(&spec, &toolsets) {
                let budget = budget_for(&spec.name);
                let mut toolsets: Vec<String> = toolsets.iter().map(|t| (*t).to_owned()).collect();
                toolsets.dedup();
                if toolsets.iter().any(|t| t == crate::notes::NOTES_ID) {
                    toolsets.push("notes".to_owned());
                }
                entries.push(ToolEntry {
                    spec,
                    route: Route::Connector(group),
                    budget,
                    toolsets,
                });
            }
        }
        let mut builtins = vec![
            (context::read::spec(), Route::ReadContext, "context"),
            (context::search::spec(), Route::SearchContext, "context"),
        ];
        if options.delegation.is_some() {
            builtins.push((
                delegate::tools::delegate::spec(),
                Route::Delegate,
                "delegate",
            ));
            builtins.push((
                delegate::tools::route_preview::spec(),
                Route::RoutePreview,
                "delegate",
            ));
            builtins.push((
                delegate::tools::list_models::spec(),
                Route::ListModels,
                "delegate",
            ));
        }
        if options.meter.is_some() {
            builtins.push((
                governance::status_tool::spec(),
                Route::BudgetStatus,
                "governance",
            ));
        }
        for (spec, route, toolset) in builtins {
            if policy.publishes(&spec, &[toolset]) {
                let budget = budget_for(&spec.name);
                entries.push(ToolEntry {
                    spec,
                    route,
                    budget,
                    toolsets: vec![toolset.to_owned()],
                });
            }
        }
        let by_name = entries
            .iter()
            .enumerate()
            .map(|(index, entry)| (entry.spec.name.clone(), index))
            .collect();
        let by_scheme = connectors
            .iter()
            .map(|c| (c.id().to_owned(), Arc::clone(c)))
            .collect();
        Registry {
            connectors,
            entries,
            by_name,
            by_scheme,
            search_timeout: options.search_timeout,
            data_classes: options.data_classes,
            delegation: options.delegation,
            governance: options.governance,
            meter: options.meter,
        }
    }

    /// The published tools, in order.
    pub fn tools(&self) -> &[ToolEntry] {
        &self.entries
    }

    /// A published tool by name.
    pub fn tool(&self, name: &str) -> Option<&ToolEntry> {
        self.by_name.get(name).map(|index| &self.entries[*index])
    }

    /// Every connector, in configuration order.
    pub fn connectors(&self) -> &[Arc<dyn Connector>] {
        &self.connectors
    }

    /// How long the cross-source search waits for each source.
    pub fn search_timeout(&self) -> Duration {
        self.search_timeout
    }

    /// The data class of a source (by instance id; `internal` when not configured).
    pub fn data_class(&self, source: &str) -> DataClass {
        self.data_classes.get(source).copied().unwrap_or_default()
    }

    /// The delegation service, when enabled.
    pub fn delegation(&self) -> Option<&Arc<Delegation>> {
        self.delegation.as_ref()
    }

    /// Quotas, budgets and the ledger, when configured.
    pub fn meter(&self) -> Option<&Arc<Meter>> {
        self.meter.as_ref()
    }

    /// The connector instance a call of `tool` with `args` goes to (None for built-in tools
    /// and unknown tools).
    pub fn instance_for(&self, tool: &str, args: &JsonObject) -> Option<String> {
        let Route::Connector(group) = &self.tool(tool)?.route else {
            return None;
        };
        let named = args
            .get("instance")
            .and_then(serde_json::Value::as_str)
            .filter(|id| group.instances.iter().any(|c| c.id() == *id));
        Some(named.map_or_else(|| group.instances[0].id().to_owned(), str::to_owned))
    }

    /// How long a call of `tool` may take, and the setting that says so: `delegate` waits for
    /// models (and their fallbacks) up to `[delegate] timeout_secs`, everything else `default`.
    pub fn call_timeout(&self, tool: &str, default: Duration) -> (Duration, &'static str) {
        match &self.delegation {
            Some(delegation) if tool == "delegate" => (
                Duration::from_secs(delegation.config().timeout_secs),
                "delegate.timeout_secs",
            ),
            _ => (default, "server.call_timeout_secs"),
        }
    }

    /// Call a published tool. The context's budget is replaced by the tool's own.
    pub async fn call(
        &self,
        name: &str,
        args: &JsonObject,
        ctx: CallContext,
    ) -> Result<Result<ToolOutput, ConnectorError>, DispatchError> {
        self.call_with(name, args, ctx, &CallExtras::default())
            .await
    }

    /// [`Registry::call`] with what the session brings (the client's model).
    pub async fn call_with(
        &self,
        name: &str,
        args: &JsonObject,
        ctx: CallContext,
        extras: &CallExtras,
    ) -> Result<Result<ToolOutput, ConnectorError>, DispatchError> {
        let entry = self
            .tool(name)
            .ok_or_else(|| DispatchError::UnknownTool(name.to_owned()))?;
        let ctx = ctx.with_budget(entry.budget);
        if let Err(err) = check_argument_sizes(args, &entry.spec.input_schema) {
            return Ok(Err(err));
        }
        let result = match &entry.route {
            Route::Connector(group) => instances::dispatch(group, name, args, &ctx).await,
            Route::ReadContext => context::read::run(self, args, &ctx).await,
            Route::SearchContext => context::search::run(self, args, &ctx).await,
            Route::Delegate => delegate::tools::delegate::run(self, args, &ctx, extras).await,
            Route::RoutePreview => {
                delegate::tools::route_preview::run(self, args, &ctx, extras).await
            }
            Route::ListModels => delegate::tools::list_models::run(self, args, &ctx, extras).await,
            Route::BudgetStatus => governance::status_tool::run(self, args, &ctx).await,
        };
        let hint = "narrow the request (a path, a smaller range, a lower limit) to see the rest";
        Ok(result.map(|output| output.redact_secrets().enforce_budget(&entry.budget, hint)))
    }

    /// Whether `identity`'s team policy lets it read items of `connector` (its id and kind
    /// are the toolsets policies name).
    pub fn source_allowed(
        &self,
        identity: &switchyard_core::Identity,
        connector: &dyn Connector,
    ) -> Result<(), Denial> {
        let mut toolsets = vec![connector.id().to_owned(), connector.kind().to_owned()];
        if connector.id() == crate::notes::NOTES_ID {
            toolsets.push("notes".to_owned());
        }
        self.governance.check_source(identity, &toolsets)
    }

    /// Read an item by URI from the connector whose id is the URI's scheme, if the caller's
    /// team may read that source.
    pub async fn read(&self, uri: &str, ctx: &CallContext) -> Result<ToolOutput, ConnectorError> {
        let parsed = ItemUri::parse(uri)?;
        let connector = self.by_scheme.get(parsed.scheme()).ok_or_else(|| {
            let mut known: Vec<&str> = self.by_scheme.keys().map(String::as_str).collect();
            known.sort_unstable();
            ConnectorError::NotFound(format!(
                "no source named {:?} is configured; known sources: {}",
                parsed.scheme(),
                known.join(", ")
            ))
        })?;
        if let Err(denial) = self.source_allowed(&ctx.identity, connector.as_ref()) {
            self.governance
                .audit(
                    &ctx.identity,
                    "policy_denied",
                    &format!("read {}://: {}", parsed.scheme(), denial.rule),
                )
                .await;
            return Err(ConnectorError::Forbidden(format!(
                "reading {}:// items is refused by policy: {}",
                parsed.scheme(),
                denial.rule
            )));
        }
        // Redacted here, so a delegation's context never carries a secret to a model either.
        connector.read(&parsed, ctx).await.map(|output| {
            output
                .redact_secrets()
                .enforce_budget(&ctx.budget, "the item is longer than the response budget")
        })
    }

    /// Concrete resources of every connector.
    pub async fn resources(&self) -> Vec<ResourceSpec> {
        let mut all = Vec::new();
        for connector in &self.connectors {
            match connector.resources().await {
                Ok(list) => all.extend(list),
                Err(err) => {
                    tracing::warn!(connector = connector.id(), error = %err, "listing resources failed")
                }
            }
        }
        all
    }

    /// Resource templates of every connector.
    pub fn resource_templates(&self) -> Vec<ResourceTemplateSpec> {
        self.connectors
            .iter()
            .flat_map(|c| c.resource_templates())
            .collect()
    }

    /// Run every connector's check, in order.
    pub async fn check_all(&self) -> Vec<(String, &'static str, CheckReport)> {
        let mut reports = Vec::with_capacity(self.connectors.len());
        for connector in &self.connectors {
            let report = connector.check().await;
            reports.push((connector.id().to_owned(), connector.kind(), report));
        }
        reports
    }
}
