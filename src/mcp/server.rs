//! The rmcp `ServerHandler`: a thin adapter from MCP requests to the registry.
//!
//! It knows the protocol (requests, results, progress, cancellation) and nothing about any
//! source. Unknown tools and malformed requests become JSON-RPC errors; everything that goes
//! wrong inside a tool becomes a tool result with `isError: true`.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CompleteRequestParams, CompleteResult,
    GetPromptRequestParams, GetPromptResponse, Implementation, ListPromptsResult,
    ListResourceTemplatesResult, ListResourcesResult, ListToolsResult, PaginatedRequestParams,
    ProgressNotificationParam, ProgressToken, ReadResourceRequestParams, ReadResourceResponse,
    ReadResourceResult, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{Peer, RequestContext};
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::Value;
use switchyard_core::{CallContext, ConnectorError, Identity, ProgressSink, ResponseBudget};

use super::conformance::Fixtures;
use super::sampling::{self, ClientModel};
use super::{convert, prompts};
use crate::delegate::accounting::UsageSlot;
use crate::governance::{CallOutcome, Caller, Denial, Governance};
use crate::registry::{CallExtras, DispatchError, Registry};

/// What the server says about itself.
pub const SERVER_NAME: &str = "switchyard";
/// The server's version, from the package.
pub const SERVER_VERSION: &str = env!("CARGO_PKG_VERSION");

const INSTRUCTIONS: &str = "Switchyard gives one view of your development context. \
Tools are named <source>_<verb>_<noun> (git_log, note_add). Every item has a URI (git://repo/commit/<sha>, note://<id>) \
that read_context resolves; search_context searches every source at once. Lists are paged: pass next_cursor back as \
cursor. Results are cut to a response budget and always say when something was left out and how to get it.";

/// The longest resource URI accepted.
const MAX_URI_BYTES: usize = 8192;

/// The MCP server: shared by every session of a process.
#[derive(Clone)]
pub struct SwitchyardServer {
    registry: Arc<Registry>,
    tools: Arc<Vec<Tool>>,
    identity: Identity,
    call_timeout: Duration,
    fixtures: Option<Arc<Fixtures>>,
    governance: Governance,
}

impl SwitchyardServer {
    /// A server over `registry`, calling tools as `identity` (unless a request carries an
    /// authenticated caller) with `call_timeout` each, under `governance`'s team policies.
    pub fn new(
        registry: Arc<Registry>,
        identity: Identity,
        call_timeout: Duration,
        governance: Governance,
    ) -> Self {
        let tools = registry
            .tools()
            .iter()
            .map(|entry| convert::tool(&entry.spec))
            .collect();
        SwitchyardServer {
            registry,
            tools: Arc::new(tools),
            identity,
            call_timeout,
            fixtures: None,
            governance,
        }
    }

    /// The same server calling as `identity` when a request carries no caller (a legacy SSE
    /// session bound to the identity that opened it).
    pub fn with_identity(mut self, identity: Identity) -> Self {
        self.identity = identity;
        self
    }

    /// The governance (policies, audit) of this server.
    pub fn governance(&self) -> &Governance {
        &self.governance
    }

    /// Who sent a request: the caller the HTTP auth layer put into the request's extensions
    /// (rmcp copies the HTTP request parts into the MCP request's), else this server's identity.
    fn caller(&self, context: &RequestContext<RoleServer>) -> Identity {
        context
            .extensions
            .get::<axum::http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<Caller>())
            .map(|caller| caller.identity.clone())
            .unwrap_or_else(|| self.identity.clone())
    }

    /// Whether `identity` may call the registry tool `name` (tools outside the registry,
    /// the conformance fixtures, are not governed).
    fn permitted(&self, identity: &Identity, name: &str) -> Result<(), Denial> {
        match self.registry.tool(name) {
            Some(entry) => self
                .governance
                .check(identity, &entry.spec, &entry.toolsets),
            None => Ok(()),
        }
    }

    /// The tools `identity` may call, as `tools/list` shows them to it.
    pub fn tools_for(&self, identity: &Identity) -> Vec<Tool> {
        self.tools
            .iter()
            .filter(|tool| self.permitted(identity, &tool.name).is_ok())
            .cloned()
            .collect()
    }

    /// Mount the conformance-suite fixtures (tools, resources and prompts named `test_*`).
    pub fn with_conformance_fixtures(mut self) -> Self {
        let fixtures = Fixtures::new();
        let mut tools = (*self.tools).clone();
        tools.extend(fixtures.tools());
        self.tools = Arc::new(tools);
        self.fixtures = Some(Arc::new(fixtures));
        self
    }

    /// The registry tools `identity` may call, as prompts see them.
    fn available(&self, identity: &Identity) -> prompts::Available<'_> {
        prompts::Available::new(
            self.registry
                .tools()
                .iter()
                .filter(|t| {
                    self.governance
                        .check(identity, &t.spec, &t.toolsets)
                        .is_ok()
                })
                .map(|t| t.spec.name.as_str()),
        )
    }

    /// The tools as `tools/list` publishes them.
    pub fn published_tools(&self) -> Vec<Tool> {
        (*self.tools).clone()
    }

    /// The registry behind this server.
    pub fn registry(&self) -> &Arc<Registry> {
        &self.registry
    }

    fn call_context(
        &self,
        context: &RequestContext<RoleServer>,
        identity: Identity,
        timeout: Duration,
    ) -> CallContext {
        let mut ctx = CallContext::new(identity, timeout, ResponseBudget::default());
        ctx.cancel = context.ct.child_token();
        if let Some(token) = context.meta.get_progress_token() {
            ctx.progress = Arc::new(PeerProgress::new(context.peer.clone(), token));
        }
        ctx
    }

    async fn call_registry_tool(
        &self,
        name: &str,
        args: &serde_json::Map<String, Value>,
        context: &RequestContext<RoleServer>,
        retry: Option<(&serde_json::Map<String, Value>, Option<&str>)>,
    ) -> Result<CallToolResponse, McpError> {
        let identity = self.caller(context);
        if let Err(denial) = self.permitted(&identity, name) {
            tracing::info!(tool = %name, user = %identity.user, outcome = "policy_denied", rule = %denial.rule, "tool call refused");
            self.governance
                .audit(
                    &identity,
                    "policy_denied",
                    &format!("{name}: {}", denial.rule),
                )
                .await;
            let text = format!(
                "{name} refused by policy: {}\nwhat to try: use a tool that tools/list shows you, or ask an admin of your team to change the policy",
                denial.rule
            );
            return Ok(
                rmcp::model::CallToolResult::error(vec![rmcp::model::ContentBlock::text(text)])
                    .into(),
            );
        }
        let client = ClientModel::for_request(
            context,
            retry.map(|(responses, _)| responses),
            retry.and_then(|(_, state)| state),
            args,
        )
        .map_err(|message| McpError::invalid_params(message, None))?;
        let usage = Arc::new(UsageSlot::default());
        let extras = CallExtras {
            client_model: client.provider(),
            usage: Some(Arc::clone(&usage)),
        };
        let (timeout, setting) = self.registry.call_timeout(name, self.call_timeout);
        let ctx = self.call_context(context, identity.clone(), timeout);
        let meter = self
            .registry
            .meter()
            .filter(|_| self.registry.tool(name).is_some());
        let started = Instant::now();
        let admitted = match meter {
            Some(meter) => meter.admit(&identity, name).await,
            None => Ok(()),
        };
        let outcome = match admitted {
            Err(err) => Ok(Err(err)),
            Ok(()) => {
                let cancel = ctx.cancel.clone();
                let call = self.registry.call_with(name, args, ctx, &extras);
                tokio::select! {
                    result = tokio::time::timeout(timeout, call) => match result {
                        Ok(dispatched) => dispatched,
                        Err(_) => Ok(Err(ConnectorError::Timeout(format!(
                            "{name} did not finish within {} seconds ({setting})",
                            timeout.as_secs()
                        )))),
                    },
                    () = cancel.cancelled() => Ok(Err(ConnectorError::Timeout(format!("{name} was cancelled by the client")))),
                }
            }
        };
        let elapsed_ms = started.elapsed().as_millis() as u64;
        let response = match outcome {
            Err(DispatchError::UnknownTool(tool)) => {
                tracing::info!(tool = %tool, outcome = "unknown_tool", "tool call rejected");
                return Err(McpError::invalid_params(
                    format!("unknown tool {tool:?}; tools/list shows the tools this server offers"),
                    None,
                ));
            }
            Ok(Ok(output)) => {
                tracing::info!(
                    tool = %name,
                    outcome = "ok",
                    elapsed_ms,
                    bytes = output.text.len(),
                    truncated = output.truncated,
                    "tool call"
                );
                let recorded = (output.text.len(), output.truncated, "ok");
                (convert::success(output), recorded)
            }
            Ok(Err(err)) => {
                // A 2026-07-28 delegation that got as far as the client's model asks for its
                // answer in a second round trip (recorded when it comes back).
                if let ClientModel::Deferred(deferred) = &client
                    && let Some(request) = deferred.taken()
                {
                    tracing::info!(tool = %name, outcome = "input_required", elapsed_ms, "tool call needs the client's model");
                    let state = sampling::request_state(args);
                    return Ok(sampling::input_required(&request, state).into());
                }
                tracing::info!(tool = %name, outcome = err.kind().as_str(), elapsed_ms, error = %err, "tool call failed");
                let result = convert::failure(name, &err);
                let bytes = result
                    .content
                    .iter()
                    .filter_map(|c| c.as_text().map(|t| t.text.len()))
                    .sum();
                (result, (bytes, false, err.kind().as_str()))
            }
        };
        let (result, (bytes, truncated, outcome)) = response;
        if let Some(meter) = meter {
            let call = CallOutcome {
                identity: &identity,
                tool: name,
                instance: self.registry.instance_for(name, args),
                latency_ms: elapsed_ms,
                outcome,
                bytes,
                truncated,
                usage: usage.take(),
            };
            if let Err(err) = meter.record(call).await {
                // Every answered call has its ledger row: without one, the answer is withheld.
                tracing::error!(tool = %name, error = %err, "tool call not recorded");
                return Ok(convert::failure(
                    name,
                    &ConnectorError::Internal(format!(
                        "{err}; the call ran but its result is withheld because it could not be recorded"
                    )),
                )
                .into());
            }
        }
        Ok(result.into())
    }
}

/// Forwards connector progress as MCP progress notifications, in order, through one task
/// that ends when the call's context (and with it this sink) is dropped.
struct PeerProgress {
    token: ProgressToken,
    sender: tokio::sync::mpsc::UnboundedSender<ProgressNotificationParam>,
}

impl PeerProgress {
    fn new(peer: Peer<RoleServer>, token: ProgressToken) -> Self {
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(param) = receiver.recv().await {
                if peer.notify_progress(param).await.is_err() {
                    break;
                }
            }
        });
        PeerProgress { token, sender }
    }
}

impl ProgressSink for PeerProgress {
    fn report(&self, done: u64, total: Option<u64>, message: &str) {
        let mut param =
            ProgressNotificationParam::new(self.token.clone(), done as f64).with_message(message);
        if let Some(total) = total {
            param = param.with_total(total as f64);
        }
        let _ = self.sender.send(param);
    }
}

impl ServerHandler for SwitchyardServer {
    fn get_info(&self) -> ServerConfig {
        let capabilities = if self.fixtures.is_some() {
            Fixtures::capabilities()
        } else {
            ServerCapabilities::builder()
                .enable_prompts()
                .enable_resources()
                .enable_tools()
                .build()
        };
        ServerConfig::new(capabilities)
            .with_server_info(
                Implementation::new(SERVER_NAME, SERVER_VERSION)
                    .with_title("Switchyard")
                    .with_description(
                        "One governed view of your development context: git, notes and more",
                    ),
            )
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(
            self.tools_for(&self.caller(&context)),
        ))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        self.tools.iter().find(|tool| tool.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        if let Some(fixtures) = &self.fixtures
            && let Some(response) = fixtures.call_tool(&request, &context).await
        {
            return response;
        }
        let args = request.arguments.clone().unwrap_or_default();
        let responses = request.input_responses.as_ref().map(|responses| {
            responses
                .iter()
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect::<serde_json::Map<String, Value>>()
        });
        let retry = responses
            .as_ref()
            .map(|responses| (responses, request.request_state.as_deref()));
        self.call_registry_tool(&request.name, &args, &context, retry)
            .await
    }

    async fn list_resources(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        let mut resources: Vec<_> = self
            .registry
            .resources()
            .await
            .into_iter()
            .map(convert::resource)
            .collect();
        if let Some(fixtures) = &self.fixtures {
            resources.extend(fixtures.resources());
        }
        Ok(ListResourcesResult::with_all_items(resources))
    }

    async fn list_resource_templates(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        let mut templates: Vec<_> = self
            .registry
            .resource_templates()
            .into_iter()
            .map(convert::resource_template)
            .collect();
        if let Some(fixtures) = &self.fixtures {
            templates.extend(fixtures.resource_templates());
        }
        Ok(ListResourceTemplatesResult::with_all_items(templates))
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        if let Some(fixtures) = &self.fixtures
            && let Some(response) = fixtures.read_resource(&request, &context).await
        {
            return response;
        }
        if request.uri.len() > MAX_URI_BYTES {
            return Err(McpError::invalid_params(
                format!(
                    "the URI is {} bytes; URIs may have at most {MAX_URI_BYTES} bytes",
                    request.uri.len()
                ),
                None,
            ));
        }
        let identity = self.caller(&context);
        if let Some(scheme) = request.uri.split_once("://").map(|(scheme, _)| scheme)
            && let Some(connector) = self.registry.connectors().iter().find(|c| c.id() == scheme)
            && let Err(denial) = self.registry.source_allowed(&identity, connector.as_ref())
        {
            self.governance
                .audit(
                    &identity,
                    "policy_denied",
                    &format!("resources/read {scheme}: {}", denial.rule),
                )
                .await;
            return Err(McpError::invalid_params(
                format!(
                    "reading {scheme}:// items is refused by policy: {}",
                    denial.rule
                ),
                None,
            ));
        }
        let ctx = self.call_context(&context, identity, self.call_timeout);
        match self.registry.read(&request.uri, &ctx).await {
            Ok(output) => {
                Ok(ReadResourceResult::new(vec![convert::contents(&request.uri, output)]).into())
            }
            Err(ConnectorError::NotFound(message)) => Err(McpError::resource_not_found(
                message,
                Some(serde_json::json!({ "uri": request.uri })),
            )),
            Err(ConnectorError::InvalidArguments(message)) => {
                Err(McpError::invalid_params(message, None))
            }
            Err(err) => Err(McpError::internal_error(
                convert::failure_text("resources/read", &err),
                Some(serde_json::json!({ "uri": request.uri })),
            )),
        }
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        let mut list = prompts::list(&self.available(&self.caller(&context)));
        if let Some(fixtures) = &self.fixtures {
            list.extend(fixtures.prompts());
        }
        Ok(ListPromptsResult::with_all_items(list))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        if let Some(fixtures) = &self.fixtures
            && let Some(response) = fixtures.get_prompt(&request, &context).await
        {
            return response;
        }
        let mut arguments = BTreeMap::new();
        for (key, value) in request.arguments.unwrap_or_default() {
            let text = match value {
                Value::String(text) => text,
                other => other.to_string(),
            };
            arguments.insert(key, text);
        }
        prompts::get(
            &request.name,
            &arguments,
            &self.available(&self.caller(&context)),
        )
        .map(Into::into)
        .map_err(|err| McpError::invalid_params(err.to_string(), None))
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, McpError> {
        match &self.fixtures {
            Some(fixtures) => fixtures.complete(request, &context).await,
            None => Err(McpError::method_not_found::<
                rmcp::model::CompleteRequestMethod,
            >()),
        }
    }

    // Logging, resource subscriptions, subscriptions/listen and tasks exist only with the
    // conformance fixtures mounted (their capabilities are declared only then); without
    // them these answer "method not found" like rmcp's defaults.

    #[expect(
        deprecated,
        reason = "logging/setLevel is deprecated by SEP-2577 but part of the handshake era"
    )]
    async fn set_level(
        &self,
        request: rmcp::model::SetLevelRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        match &self.fixtures {
            Some(fixtures) => {
                fixtures.set_level(&request, &context);
                Ok(())
            }
            None => Err(McpError::method_not_found::<
                rmcp::model::SetLevelRequestMethod,
            >()),
        }
    }

    async fn subscribe(
        &self,
        request: rmcp::model::SubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        match &self.fixtures {
            Some(fixtures) => fixtures.subscribe(&request, &context),
            None => Err(McpError::method_not_found::<
                rmcp::model::SubscribeRequestMethod,
            >()),
        }
    }

    async fn unsubscribe(
        &self,
        request: rmcp::model::UnsubscribeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        match &self.fixtures {
            Some(fixtures) => fixtures.unsubscribe(&request, &context),
            None => Err(McpError::method_not_found::<
                rmcp::model::UnsubscribeRequestMethod,
            >()),
        }
    }

    fn accepted_subscription_filter(
        &self,
        requested: &rmcp::model::SubscriptionFilter,
    ) -> Option<rmcp::model::SubscriptionFilter> {
        self.fixtures
            .as_ref()
            .map(|fixtures| fixtures.accepted_subscription_filter(requested))
    }

    async fn get_task(
        &self,
        request: rmcp::model::GetTaskParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<rmcp::model::GetTaskResult, McpError> {
        match &self.fixtures {
            Some(fixtures) => fixtures.get_task(&request),
            None => Err(McpError::method_not_found::<rmcp::model::GetTaskMethod>()),
        }
    }

    async fn update_task(
        &self,
        request: rmcp::model::UpdateTaskParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        match &self.fixtures {
            Some(fixtures) => fixtures.update_task(request),
            None => Err(McpError::method_not_found::<rmcp::model::UpdateTaskMethod>()),
        }
    }

    async fn cancel_task(
        &self,
        request: rmcp::model::CancelTaskParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        match &self.fixtures {
            Some(fixtures) => fixtures.cancel_task(&request),
            None => Err(McpError::method_not_found::<rmcp::model::CancelTaskMethod>()),
        }
    }

    async fn listen(
        &self,
        subscription: rmcp::service::SubscriptionContext,
    ) -> Result<(), McpError> {
        match &self.fixtures {
            Some(fixtures) => fixtures.listen(subscription).await,
            None => subscription.cancelled().await,
        }
        Ok(())
    }
}
