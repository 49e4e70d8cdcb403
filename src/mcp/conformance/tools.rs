//! The suite's tool fixtures: content types, errors, progress, logging, sampling and
//! elicitation, schema preservation, custom headers, and the diagnostic tools of the
//! stateless scenario (`test_missing_capability`, `test_streaming_elicitation`,
//! `test_logging_tool`, `test_trigger_*_change`).
//!
//! Tools that need the client (sampling, elicitation) work in both eras through
//! [`super::client::gather`]: a request to the client in a handshake-era session, an
//! `InputRequiredResult` in the stateless era.

use std::collections::BTreeMap;
use std::time::Duration;

use rmcp::ErrorData as McpError;
use rmcp::RoleServer;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, InputRequest,
    InputRequiredResult, LoggingLevel, ResourceContents, Tool,
};
use rmcp::service::RequestContext;
use serde_json::{Value, json};

use super::client::{self, Gathered};
use super::listen::Change;
use super::{Fixtures, media, schema};

/// The pause between the steps of the logging and progress fixtures.
const STEP: Duration = Duration::from_millis(50);

/// The tool definitions.
pub fn definitions() -> Vec<Tool> {
    let none = || schema(json!({"type": "object", "properties": {}}));
    vec![
        Tool::new("test_simple_text", "Returns simple text content", none()),
        Tool::new(
            "test_image_content",
            "Returns image content (a 1x1 PNG)",
            none(),
        ),
        Tool::new(
            "test_audio_content",
            "Returns audio content (a short WAV)",
            none(),
        ),
        Tool::new(
            "test_embedded_resource",
            "Returns an embedded text resource",
            none(),
        ),
        Tool::new(
            "test_multiple_content_types",
            "Returns text, image and embedded resource content together",
            none(),
        ),
        Tool::new(
            "test_tool_with_logging",
            "Sends three log messages while it runs (at the level the client allows)",
            none(),
        ),
        Tool::new(
            "test_error_handling",
            "Always fails with a tool error (isError: true)",
            none(),
        ),
        Tool::new(
            "test_tool_with_progress",
            "Reports progress 0, 50 and 100 of 100 when the request carries a progress token",
            none(),
        ),
        Tool::new(
            "test_sampling",
            "Asks the client's model to answer a prompt (sampling) and returns the answer",
            schema(json!({
                "type": "object",
                "properties": {"prompt": {"type": "string", "description": "The prompt to send to the model"}},
                "required": ["prompt"]
            })),
        ),
        Tool::new(
            "test_elicitation",
            "Asks the user for a username and an email (elicitation) and returns the answer",
            schema(json!({
                "type": "object",
                "properties": {"message": {"type": "string", "description": "The message to show the user"}},
                "required": ["message"]
            })),
        ),
        Tool::new(
            "test_elicitation_sep1034_defaults",
            "Elicits a form whose fields carry default values of every primitive type (SEP-1034)",
            none(),
        ),
        Tool::new(
            "test_elicitation_sep1330_enums",
            "Elicits a form with every kind of enum field (SEP-1330)",
            none(),
        ),
        Tool::new(
            "json_schema_2020_12_tool",
            "Has an input schema that uses JSON Schema 2020-12 keywords ($defs, $anchor, allOf, if/then/else)",
            schema(json_schema_2020_12()),
        ),
        Tool::new(
            "test_custom_header",
            "Echoes a value that clients also send as the Mcp-Param-Value header (SEP-2243)",
            schema(json!({
                "type": "object",
                "properties": {"value": {"type": "string", "description": "Any text", "x-mcp-header": "Value"}},
                "required": ["value"]
            })),
        ),
        Tool::new(
            "test_missing_capability",
            "Needs the client's sampling capability; without it the call fails with -32021",
            none(),
        ),
        Tool::new(
            "test_streaming_elicitation",
            "Needs the user's confirmation (elicitation); reports progress while it waits",
            none(),
        ),
        Tool::new(
            "test_logging_tool",
            "Logs at debug, info and warning; only what the request's log level allows is sent",
            none(),
        ),
        Tool::new(
            "test_trigger_tool_change",
            "Announces a change of the tool list to every listener",
            none(),
        ),
        Tool::new(
            "test_trigger_prompt_change",
            "Announces a change of the prompt list to every listener",
            none(),
        ),
    ]
}

/// The input schema of `json_schema_2020_12_tool`.
fn json_schema_2020_12() -> Value {
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "$defs": {
            "address": {
                "$anchor": "addressDef",
                "type": "object",
                "properties": {"street": {"type": "string"}, "city": {"type": "string"}}
            }
        },
        "properties": {
            "name": {"type": "string"},
            "address": {"$ref": "#/$defs/address"},
            "contactMethod": {"type": "string", "enum": ["phone", "email"]},
            "phone": {"type": "string"},
            "email": {"type": "string"}
        },
        "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
        "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
        "then": {"required": ["phone"]},
        "else": {"required": ["email"]},
        "additionalProperties": false
    })
}

fn text(text: impl Into<String>) -> Result<CallToolResponse, McpError> {
    Ok(CallToolResult::success(vec![ContentBlock::text(text)]).into())
}

fn tool_error(text: impl Into<String>) -> Result<CallToolResponse, McpError> {
    Ok(CallToolResult::error(vec![ContentBlock::text(text)]).into())
}

fn string_argument<'a>(request: &'a CallToolRequestParams, name: &str) -> Option<&'a str> {
    request
        .arguments
        .as_ref()
        .and_then(|arguments| arguments.get(name))
        .and_then(Value::as_str)
}

/// Answer a call of one of these tools, or `None` when `request` names another tool.
pub async fn call(
    fixtures: &Fixtures,
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Option<Result<CallToolResponse, McpError>> {
    let response = match request.name.as_ref() {
        "test_simple_text" => text("This is a simple text response for testing."),
        "test_image_content" => Ok(CallToolResult::success(vec![ContentBlock::image(
            media::PNG_BASE64,
            "image/png",
        )])
        .into()),
        "test_audio_content" => Ok(CallToolResult::success(vec![ContentBlock::audio(
            media::WAV_BASE64,
            "audio/wav",
        )])
        .into()),
        "test_embedded_resource" => Ok(CallToolResult::success(vec![ContentBlock::resource(
            ResourceContents::text(
                "This is an embedded resource content.",
                "test://embedded-resource",
            )
            .with_mime_type("text/plain"),
        )])
        .into()),
        "test_multiple_content_types" => Ok(CallToolResult::success(vec![
            ContentBlock::text("Multiple content types test:"),
            ContentBlock::image(media::PNG_BASE64, "image/png"),
            ContentBlock::resource(
                ResourceContents::text(
                    json!({"test": "data", "value": 123}).to_string(),
                    "test://mixed-content-resource",
                )
                .with_mime_type("application/json"),
            ),
        ])
        .into()),
        "test_tool_with_logging" => logging(fixtures, context).await,
        "test_error_handling" => tool_error("This tool intentionally returns an error for testing"),
        "test_tool_with_progress" => {
            for (done, message) in [(0.0, "started"), (50.0, "halfway"), (100.0, "done")] {
                if done > 0.0 {
                    tokio::time::sleep(STEP).await;
                }
                client::progress(context, done, 100.0, message).await;
            }
            text("Progress reported: 0, 50 and 100 of 100.")
        }
        "test_sampling" => sampling(request, context).await,
        "test_elicitation" => elicitation(request, context).await,
        "test_elicitation_sep1034_defaults" => {
            elicit_form(
                request,
                context,
                "Please review the defaults",
                sep1034_schema(),
            )
            .await
        }
        "test_elicitation_sep1330_enums" => {
            elicit_form(
                request,
                context,
                "Please choose from each list",
                sep1330_schema(),
            )
            .await
        }
        "json_schema_2020_12_tool" => {
            let arguments = request.arguments.clone().unwrap_or_default();
            text(format!("Received: {}", Value::Object(arguments)))
        }
        "test_custom_header" => match string_argument(request, "value") {
            Some(value) => text(format!("value: {value}")),
            None => tool_error("test_custom_header needs the string argument \"value\""),
        },
        "test_missing_capability" => missing_capability(request, context).await,
        "test_streaming_elicitation" => streaming_elicitation(request, context).await,
        "test_logging_tool" => {
            let threshold = fixtures.log_threshold(context);
            client::log(
                context,
                threshold,
                LoggingLevel::Debug,
                "test_logging_tool: debug",
            )
            .await;
            client::log(
                context,
                threshold,
                LoggingLevel::Info,
                "test_logging_tool: info",
            )
            .await;
            client::log(
                context,
                threshold,
                LoggingLevel::Warning,
                "test_logging_tool: warning",
            )
            .await;
            text("Logged at debug, info and warning (as far as the log level allows).")
        }
        "test_trigger_tool_change" => trigger(fixtures, context, Change::Tools).await,
        "test_trigger_prompt_change" => trigger(fixtures, context, Change::Prompts).await,
        _ => return None,
    };
    Some(response)
}

async fn logging(
    fixtures: &Fixtures,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, McpError> {
    let threshold = fixtures.log_threshold(context);
    client::log(
        context,
        threshold,
        LoggingLevel::Info,
        "Tool execution started",
    )
    .await;
    tokio::time::sleep(STEP).await;
    client::log(
        context,
        threshold,
        LoggingLevel::Info,
        "Tool processing data",
    )
    .await;
    tokio::time::sleep(STEP).await;
    client::log(
        context,
        threshold,
        LoggingLevel::Info,
        "Tool execution completed",
    )
    .await;
    text("Tool with logging executed successfully.")
}

async fn trigger(
    fixtures: &Fixtures,
    context: &RequestContext<RoleServer>,
    change: Change,
) -> Result<CallToolResponse, McpError> {
    let listeners = fixtures.listeners.announce(change).await;
    if !client::is_stateless(context) {
        let sent = match change {
            Change::Tools => context.peer.notify_tool_list_changed().await,
            Change::Prompts => context.peer.notify_prompt_list_changed().await,
        };
        if let Err(err) = sent {
            tracing::debug!(error = %err, "a list-changed notification could not be sent");
        }
    }
    let what = match change {
        Change::Tools => "tool",
        Change::Prompts => "prompt",
    };
    text(format!(
        "Announced a {what} list change to {listeners} listener(s)."
    ))
}

/// Ask the client for `requests`; `Err` carries the reply to send instead of going on
/// (an `InputRequiredResult`, or a tool error when the client refused).
async fn ask(
    context: &RequestContext<RoleServer>,
    request: &CallToolRequestParams,
    requests: Vec<(String, InputRequest)>,
) -> Result<Result<BTreeMap<String, Value>, CallToolResponse>, McpError> {
    client::require(context, &requests)?;
    Ok(
        match client::gather(context, requests, request.input_responses.as_ref()).await {
            Gathered::All(answers) => Ok(answers),
            Gathered::Missing(requests) => {
                Err(InputRequiredResult::from_input_requests(requests).into())
            }
            Gathered::Refused(reason) => {
                Err(CallToolResult::error(vec![ContentBlock::text(reason)]).into())
            }
        },
    )
}

async fn sampling(
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, McpError> {
    let Some(prompt) = string_argument(request, "prompt") else {
        return tool_error("test_sampling needs the string argument \"prompt\"");
    };
    let requests = vec![("sampling".to_owned(), client::sampling(prompt, 100))];
    match ask(context, request, requests).await? {
        Ok(answers) => {
            let answer = answers
                .get("sampling")
                .map(client::sampled_text)
                .unwrap_or_default();
            text(format!("LLM response: {answer}"))
        }
        Err(reply) => Ok(reply),
    }
}

async fn elicitation(
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, McpError> {
    let Some(message) = string_argument(request, "message") else {
        return tool_error("test_elicitation needs the string argument \"message\"");
    };
    let form = client::elicitation(
        message,
        json!({
            "type": "object",
            "properties": {
                "username": {"type": "string", "description": "User's response"},
                "email": {"type": "string", "description": "User's email address"}
            },
            "required": ["username", "email"]
        }),
    )?;
    match ask(context, request, vec![("elicitation".to_owned(), form)]).await? {
        Ok(answers) => {
            let answer = answers
                .get("elicitation")
                .map(client::elicited)
                .unwrap_or_default();
            text(format!("User response: {answer}"))
        }
        Err(reply) => Ok(reply),
    }
}

async fn elicit_form(
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
    message: &str,
    form: Value,
) -> Result<CallToolResponse, McpError> {
    let form = client::elicitation(message, form)?;
    match ask(context, request, vec![("form".to_owned(), form)]).await? {
        Ok(answers) => {
            let answer = answers
                .get("form")
                .map(client::elicited)
                .unwrap_or_default();
            text(format!("Elicitation completed: {answer}"))
        }
        Err(reply) => Ok(reply),
    }
}

/// SEP-1034: a default for every primitive type.
fn sep1034_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "name": {"type": "string", "description": "Your name", "default": "John Doe"},
            "age": {"type": "integer", "description": "Your age", "default": 30},
            "score": {"type": "number", "description": "Your score", "default": 95.5},
            "status": {
                "type": "string",
                "description": "Your status",
                "enum": ["active", "inactive", "pending"],
                "default": "active"
            },
            "verified": {"type": "boolean", "description": "Whether you are verified", "default": true}
        },
        "required": []
    })
}

/// SEP-1330: the five kinds of enum field.
fn sep1330_schema() -> Value {
    json!({
        "type": "object",
        "properties": {
            "untitledSingle": {
                "type": "string",
                "description": "Pick one option",
                "enum": ["option1", "option2", "option3"]
            },
            "titledSingle": {
                "type": "string",
                "description": "Pick one value",
                "oneOf": [
                    {"const": "value1", "title": "First Option"},
                    {"const": "value2", "title": "Second Option"},
                    {"const": "value3", "title": "Third Option"}
                ]
            },
            "legacyEnum": {
                "type": "string",
                "description": "Pick one (legacy titled enum)",
                "enum": ["opt1", "opt2", "opt3"],
                "enumNames": ["Option One", "Option Two", "Option Three"]
            },
            "untitledMulti": {
                "type": "array",
                "description": "Pick several options",
                "items": {"type": "string", "enum": ["option1", "option2", "option3"]}
            },
            "titledMulti": {
                "type": "array",
                "description": "Pick several values",
                "items": {
                    "anyOf": [
                        {"const": "value1", "title": "First Choice"},
                        {"const": "value2", "title": "Second Choice"},
                        {"const": "value3", "title": "Third Choice"}
                    ]
                }
            }
        },
        "required": []
    })
}

async fn missing_capability(
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, McpError> {
    let requests = vec![(
        "sampling".to_owned(),
        client::sampling("Say hello in one word.", 20),
    )];
    match ask(context, request, requests).await? {
        Ok(answers) => {
            let answer = answers
                .get("sampling")
                .map(client::sampled_text)
                .unwrap_or_default();
            text(format!("The client's model said: {answer}"))
        }
        Err(reply) => Ok(reply),
    }
}

async fn streaming_elicitation(
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, McpError> {
    let form = client::elicitation(
        "Continue?",
        json!({
            "type": "object",
            "properties": {"confirm": {"type": "boolean", "description": "Whether to continue"}},
            "required": ["confirm"]
        }),
    )?;
    client::require(context, &[("confirm".to_owned(), form.clone())])?;
    client::progress(context, 0.0, 2.0, "waiting for the user").await;
    match ask(context, request, vec![("confirm".to_owned(), form)]).await? {
        Ok(answers) => {
            client::progress(context, 2.0, 2.0, "confirmed").await;
            let answer = answers
                .get("confirm")
                .map(client::elicited)
                .unwrap_or_default();
            text(format!("Confirmation: {answer}"))
        }
        Err(reply) => Ok(reply),
    }
}

#[cfg(test)]
mod tests {
    use super::{definitions, sep1034_schema, sep1330_schema};
    use rmcp::model::ElicitationSchema;

    #[test]
    fn definitions_are_valid() {
        let tools = definitions();
        for tool in &tools {
            assert!(tool.description.as_deref().is_some_and(|d| !d.is_empty()));
            assert_eq!(
                tool.input_schema.get("type").and_then(|t| t.as_str()),
                Some("object")
            );
        }
        let mut names: Vec<_> = tools.iter().map(|t| t.name.to_string()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), tools.len());
    }

    /// The enum and default keywords survive rmcp's typed elicitation schema.
    #[test]
    fn elicitation_schemas_round_trip() {
        for schema in [sep1034_schema(), sep1330_schema()] {
            let typed: ElicitationSchema = serde_json::from_value(schema.clone()).unwrap();
            let back = serde_json::to_value(&typed).unwrap();
            assert_eq!(back["properties"], schema["properties"], "{back:#}");
        }
    }
}
