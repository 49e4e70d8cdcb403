//! Fixtures for the official MCP conformance suite (`@modelcontextprotocol/conformance`),
//! mounted by the hidden `serve --conformance` flag.
//!
//! The suite calls tools, resources and prompts with fixed names (`test_simple_text`,
//! `test://static-text`, `test_simple_prompt`, …) and checks how the server behaves around
//! them. They are always compiled in but exist only in this mode, so the real server — its
//! transports, its protocol handling, both eras — is what the suite checks, while the normal
//! `tools/list` never shows them. `scripts/conformance.sh` runs the suite.
//!
//! | file | role |
//! |---|---|
//! | `mod.rs` | [`Fixtures`]: what `SwitchyardServer` delegates to, capabilities, completion |
//! | `tools.rs` | content, error, progress, logging, sampling, elicitation and diagnostic tools |
//! | `mrtr.rs` | `InputRequiredResult` tools (multi round-trip requests, SEP-2322) |
//! | `prompts.rs` | fixture prompts and their completion |
//! | `resources.rs` | `test://` resources, the template, handshake-era subscriptions |
//! | `tasks.rs` | the tasks extension (SEP-2663): task tools, `tasks/get`, `update`, `cancel` |
//! | `listen.rs` | `subscriptions/listen` streams and list-change announcements |
//! | `client.rs` | protocol era, client capabilities, asking the client (both eras) |
//! | `state.rs` | `requestState` handles with tamper detection |
//! | `sessions.rs` | per-session log level and subscriptions (handshake era) |
//! | `media.rs` | the PNG and WAV payloads |

// Sampling, roots and logging are deprecated by SEP-2577 but still part of both eras the
// suite checks.
#![expect(
    deprecated,
    reason = "the suite exercises sampling, roots and logging (SEP-2577 deprecations)"
)]

mod client;
mod listen;
mod media;
mod mrtr;
mod prompts;
mod resources;
mod sessions;
mod state;
mod tasks;
mod tools;

use std::sync::Arc;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CancelTaskParams, CompleteRequestParams,
    CompleteResult, CompletionInfo, GetPromptRequestParams, GetPromptResponse, GetTaskParams,
    GetTaskResult, JsonObject, LoggingLevel, Prompt, ReadResourceRequestParams,
    ReadResourceResponse, Reference, Resource, ResourceTemplate, ServerCapabilities,
    SetLevelRequestParams, SubscribeRequestParams, SubscriptionFilter, Tool,
    UnsubscribeRequestParams, UpdateTaskParams,
};
use rmcp::service::{RequestContext, SubscriptionContext};
use rmcp::task_manager::TaskManager;
use rmcp::{ErrorData as McpError, RoleServer};
use serde_json::Value;

use listen::Listeners;
use sessions::Sessions;
use state::RequestStates;

/// The conformance fixtures and the state they keep between requests.
#[derive(Default)]
pub struct Fixtures {
    sessions: Sessions,
    states: RequestStates,
    listeners: Listeners,
    tasks: TaskManager,
}

impl std::fmt::Debug for Fixtures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fixtures")
            .field("sessions", &self.sessions)
            .field("states", &self.states)
            .field("listeners", &self.listeners)
            .finish_non_exhaustive()
    }
}

/// A JSON schema as a tool's `inputSchema`.
fn schema(value: Value) -> Arc<JsonObject> {
    match value {
        Value::Object(map) => Arc::new(map),
        _ => Arc::new(JsonObject::new()),
    }
}

impl Fixtures {
    /// The fixtures.
    pub fn new() -> Self {
        Fixtures::default()
    }

    /// The capabilities the server declares with the fixtures mounted: everything the
    /// suite exercises (completions, logging, list changes, resource subscriptions, and the
    /// tasks extension).
    pub fn capabilities() -> ServerCapabilities {
        ServerCapabilities::builder()
            .enable_completions()
            .enable_logging()
            .enable_prompts()
            .enable_prompts_list_changed()
            .enable_resources()
            .enable_resources_subscribe()
            .enable_tools()
            .enable_tool_list_changed()
            .enable_tasks()
            .build()
    }

    /// Fixture tools.
    pub fn tools(&self) -> Vec<Tool> {
        let mut tools = tools::definitions();
        tools.extend(mrtr::definitions());
        tools.extend(tasks::definitions());
        tools
    }

    /// Answer a fixture tool call, or `None` when `request` is not for a fixture.
    pub async fn call_tool(
        &self,
        request: &CallToolRequestParams,
        context: &RequestContext<RoleServer>,
    ) -> Option<Result<CallToolResponse, McpError>> {
        if let Some(response) = tools::call(self, request, context).await {
            return Some(response);
        }
        if let Some(response) = mrtr::call(self, request, context).await {
            return Some(response);
        }
        tasks::call(&self.tasks, request, context).await
    }

    /// Fixture resources.
    pub fn resources(&self) -> Vec<Resource> {
        resources::list()
    }

    /// Fixture resource templates.
    pub fn resource_templates(&self) -> Vec<ResourceTemplate> {
        resources::templates()
    }

    /// Read a fixture resource (any `test://` URI), or `None` when the URI is not a fixture's.
    pub async fn read_resource(
        &self,
        request: &ReadResourceRequestParams,
        _context: &RequestContext<RoleServer>,
    ) -> Option<Result<ReadResourceResponse, McpError>> {
        resources::owns(&request.uri).then(|| resources::read(&request.uri).map(Into::into))
    }

    /// Fixture prompts.
    pub fn prompts(&self) -> Vec<Prompt> {
        prompts::list()
    }

    /// Render a fixture prompt, or `None` when the name is not a fixture.
    pub async fn get_prompt(
        &self,
        request: &GetPromptRequestParams,
        context: &RequestContext<RoleServer>,
    ) -> Option<Result<GetPromptResponse, McpError>> {
        if !prompts::owns(&request.name) {
            return None;
        }
        Some(prompts::get(request, context).await)
    }

    /// Completions for fixture prompts and the resource template.
    pub async fn complete(
        &self,
        request: CompleteRequestParams,
        _context: &RequestContext<RoleServer>,
    ) -> Result<CompleteResult, McpError> {
        let argument = &request.argument;
        let values = match &request.r#ref {
            Reference::Prompt(prompt) => {
                prompts::complete(&prompt.name, &argument.name, &argument.value)
            }
            Reference::Resource(template)
                if template.uri == resources::TEMPLATE && argument.name == "id" =>
            {
                resources::complete_id(&argument.value)
            }
            _ => Vec::new(),
        };
        let total = u32::try_from(values.len()).unwrap_or(u32::MAX);
        let mut completion = CompletionInfo::new(values)
            .map_err(|message| McpError::internal_error(message, None))?;
        completion.total = Some(total);
        completion.has_more = Some(false);
        Ok(CompleteResult::new(completion))
    }

    /// `logging/setLevel` (handshake era).
    pub fn set_level(&self, request: &SetLevelRequestParams, context: &RequestContext<RoleServer>) {
        self.sessions
            .set_level(&client::session_key(context), request.level);
    }

    /// The lowest level a log message may have to be sent for this request: the request's
    /// `_meta` log level in the stateless era (none: no log messages), the session's level
    /// in the handshake era.
    fn log_threshold(&self, context: &RequestContext<RoleServer>) -> Option<LoggingLevel> {
        if client::is_stateless(context) {
            context.meta.log_level()
        } else {
            Some(self.sessions.level(&client::session_key(context)))
        }
    }

    /// `resources/subscribe` (handshake era).
    pub fn subscribe(
        &self,
        request: &SubscribeRequestParams,
        context: &RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        resources::subscribe(&self.sessions, &client::session_key(context), request)
    }

    /// `resources/unsubscribe` (handshake era).
    pub fn unsubscribe(
        &self,
        request: &UnsubscribeRequestParams,
        context: &RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        resources::unsubscribe(&self.sessions, &client::session_key(context), request)
    }

    /// The part of a `subscriptions/listen` filter the fixtures serve.
    pub fn accepted_subscription_filter(
        &self,
        requested: &SubscriptionFilter,
    ) -> SubscriptionFilter {
        Listeners::accept(requested)
    }

    /// `tasks/get`.
    pub fn get_task(&self, request: &GetTaskParams) -> Result<GetTaskResult, McpError> {
        tasks::get(&self.tasks, request)
    }

    /// `tasks/update`: deliver input responses to a waiting task.
    pub fn update_task(&self, request: UpdateTaskParams) -> Result<(), McpError> {
        tasks::update(&self.tasks, request)
    }

    /// `tasks/cancel`.
    pub fn cancel_task(&self, request: &CancelTaskParams) -> Result<(), McpError> {
        tasks::cancel(&self.tasks, request)
    }

    /// Serve one `subscriptions/listen` stream until the client closes it.
    pub async fn listen(&self, subscription: SubscriptionContext) {
        self.listeners.listen(subscription).await;
    }
}

#[cfg(test)]
mod tests {
    use super::Fixtures;

    #[test]
    fn tool_names_follow_sep_986_and_do_not_repeat() {
        let tools = Fixtures::new().tools();
        let mut names: Vec<String> = tools.iter().map(|tool| tool.name.to_string()).collect();
        for name in &names {
            assert!(
                !name.is_empty()
                    && name.len() <= 64
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"_./-".contains(&b)),
                "{name}"
            );
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), tools.len());
    }

    #[test]
    fn capabilities_cover_what_the_suite_exercises() {
        let value = serde_json::to_value(Fixtures::capabilities()).unwrap();
        for key in ["completions", "logging", "prompts", "resources", "tools"] {
            assert!(value.get(key).is_some(), "{key}");
        }
        assert_eq!(value["resources"]["subscribe"], true);
        assert_eq!(value["tools"]["listChanged"], true);
        assert!(value["extensions"]["io.modelcontextprotocol/tasks"].is_object());
    }
}
