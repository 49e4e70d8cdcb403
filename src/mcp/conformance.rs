//! Fixtures for the official MCP conformance suite, mounted by `serve --conformance`.
//!
//! The suite calls tools, resources and prompts with fixed names (`test_simple_text`,
//! `test://static-text`, `test_simple_prompt`, …). They exist only in this hidden mode, so the
//! real server can be checked against the suite over its real transports.

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestParams, CompleteResult,
    ContentBlock, GetPromptRequestParams, GetPromptResponse, Prompt, ReadResourceRequestParams,
    ReadResourceResponse, Resource, ResourceTemplate, ServerCapabilities, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer};

/// The conformance fixtures.
#[derive(Debug, Default)]
pub struct Fixtures {}

impl Fixtures {
    /// The fixtures.
    pub fn new() -> Self {
        Fixtures {}
    }

    /// The capabilities the suite expects.
    pub fn capabilities() -> ServerCapabilities {
        ServerCapabilities::builder()
            .enable_completions()
            .enable_prompts()
            .enable_resources()
            .enable_tools()
            .build()
    }

    /// Fixture tools.
    pub fn tools(&self) -> Vec<Tool> {
        let schema = serde_json::json!({"type": "object", "properties": {}});
        let schema = match schema {
            serde_json::Value::Object(map) => map,
            _ => serde_json::Map::new(),
        };
        vec![Tool::new("test_simple_text", "Returns simple text content", std::sync::Arc::new(schema))]
    }

    /// Answer a fixture tool call, or `None` when `request` is not for a fixture.
    pub async fn call_tool(
        &self,
        request: &CallToolRequestParams,
        _context: &RequestContext<RoleServer>,
    ) -> Option<Result<CallToolResponse, McpError>> {
        match request.name.as_ref() {
            "test_simple_text" => Some(Ok(CallToolResult::success(vec![ContentBlock::text(
                "This is a simple text response for testing.",
            )])
            .into())),
            _ => None,
        }
    }

    /// Fixture resources.
    pub fn resources(&self) -> Vec<Resource> {
        Vec::new()
    }

    /// Fixture resource templates.
    pub fn resource_templates(&self) -> Vec<ResourceTemplate> {
        Vec::new()
    }

    /// Read a fixture resource, or `None` when the URI is not a fixture.
    pub async fn read_resource(
        &self,
        _request: &ReadResourceRequestParams,
        _context: &RequestContext<RoleServer>,
    ) -> Option<Result<ReadResourceResponse, McpError>> {
        None
    }

    /// Fixture prompts.
    pub fn prompts(&self) -> Vec<Prompt> {
        Vec::new()
    }

    /// Render a fixture prompt, or `None` when the name is not a fixture.
    pub async fn get_prompt(
        &self,
        _request: &GetPromptRequestParams,
        _context: &RequestContext<RoleServer>,
    ) -> Option<Result<GetPromptResponse, McpError>> {
        None
    }

    /// Completions for fixture prompts and templates.
    pub async fn complete(
        &self,
        _request: CompleteRequestParams,
        _context: &RequestContext<RoleServer>,
    ) -> Result<CompleteResult, McpError> {
        Ok(CompleteResult::default())
    }
}
