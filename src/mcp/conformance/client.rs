//! Talking back to the client from a fixture: which protocol era a request is in, what the
//! client declared it can do, and how to get sampling, elicitation or roots from it.
//!
//! The two eras ask differently. A handshake-era session (≤ 2025-11-25) sends a request to
//! the client and waits for the answer inside the call. The stateless era (2026-07-28) may
//! not send requests at all: the call returns an `InputRequiredResult` naming what it needs
//! and the client retries with `inputResponses`. [`gather`] hides the difference, so one
//! fixture serves both eras.

use std::collections::BTreeMap;

use rmcp::model::{
    ClientCapabilities, ClientResult, CreateMessageResult, ElicitResult, ElicitationSchema,
    InputRequest, InputRequests, InputResponses, ListRootsResult, LoggingLevel,
    LoggingMessageNotificationParam, ProgressNotificationParam, ServerRequest,
};
use rmcp::service::{RequestContext, ServiceError};
use rmcp::{ErrorData as McpError, RoleServer};
use serde::Deserialize;
use serde_json::Value;

/// Whether the request uses the stateless lifecycle (2026-07-28 and later, no `initialize`).
pub fn is_stateless(context: &RequestContext<RoleServer>) -> bool {
    context
        .protocol_version()
        .is_some_and(|version| !version.has_initialize())
}

/// What kind of client feature an input request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// `sampling/createMessage`.
    Sampling,
    /// `elicitation/create`.
    Elicitation,
    /// `roots/list`.
    Roots,
}

impl Feature {
    /// The feature an input request needs.
    pub fn of(request: &InputRequest) -> Feature {
        match request {
            InputRequest::CreateMessage(_) => Feature::Sampling,
            InputRequest::Elicitation(_) => Feature::Elicitation,
            InputRequest::ListRoots(_) => Feature::Roots,
            _ => Feature::Elicitation,
        }
    }

    /// Whether the client declared this feature.
    pub fn declared(self, capabilities: &ClientCapabilities) -> bool {
        match self {
            Feature::Sampling => capabilities.sampling.is_some(),
            Feature::Elicitation => capabilities.elicitation.is_some(),
            Feature::Roots => capabilities.roots.is_some(),
        }
    }

    /// Whether `answer` is a well-formed answer to a request of this kind.
    fn accepts(self, answer: &Value) -> bool {
        match self {
            Feature::Sampling => CreateMessageResult::deserialize(answer).is_ok(),
            Feature::Elicitation => ElicitResult::deserialize(answer).is_ok(),
            Feature::Roots => ListRootsResult::deserialize(answer).is_ok(),
        }
    }
}

/// The capabilities the client declared for this request (per request in the stateless
/// era, at `initialize` in the handshake era).
pub fn declared(context: &RequestContext<RoleServer>) -> ClientCapabilities {
    context.client_capabilities().unwrap_or_default()
}

/// `-32021` naming every feature in `missing`.
pub fn missing_capabilities(missing: &[Feature]) -> McpError {
    let mut value = serde_json::Map::new();
    for feature in missing {
        let name = match feature {
            Feature::Sampling => "sampling",
            Feature::Elicitation => "elicitation",
            Feature::Roots => "roots",
        };
        value.insert(name.to_owned(), Value::Object(serde_json::Map::new()));
    }
    let required: ClientCapabilities =
        serde_json::from_value(Value::Object(value)).unwrap_or_default();
    McpError::missing_required_client_capability(required)
}

/// Fail with `-32021` unless the client declared every feature the requests need.
pub fn require(
    context: &RequestContext<RoleServer>,
    requests: &[(String, InputRequest)],
) -> Result<(), McpError> {
    let capabilities = declared(context);
    let mut missing: Vec<Feature> = Vec::new();
    for (_, request) in requests {
        let feature = Feature::of(request);
        if !feature.declared(&capabilities) && !missing.contains(&feature) {
            missing.push(feature);
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing_capabilities(&missing))
    }
}

/// The outcome of asking the client for several inputs.
#[derive(Debug)]
pub enum Gathered {
    /// Every answer, by key.
    All(BTreeMap<String, Value>),
    /// Stateless era: the inputs still missing; return them in an `InputRequiredResult`.
    Missing(InputRequests),
    /// Handshake era: the client answered a request with an error (a tool-level failure).
    Refused(String),
}

/// Ask the client for every input in `requests` the way the request's era allows.
///
/// In the stateless era, a well-formed answer under the request's key in `responses` counts;
/// anything else (absent, wrong key, wrong shape) is asked for again. In the handshake era
/// each request goes to the client in turn. The caller checks capabilities first
/// ([`require`]).
pub async fn gather(
    context: &RequestContext<RoleServer>,
    requests: Vec<(String, InputRequest)>,
    responses: Option<&InputResponses>,
) -> Gathered {
    let mut answers = BTreeMap::new();
    if is_stateless(context) {
        let mut missing = InputRequests::new();
        for (key, request) in requests {
            let feature = Feature::of(&request);
            match responses.and_then(|responses| responses.get(&key)) {
                Some(answer) if feature.accepts(answer) => {
                    answers.insert(key, answer.clone());
                }
                _ => {
                    missing.insert(key, request);
                }
            }
        }
        return if missing.is_empty() {
            Gathered::All(answers)
        } else {
            Gathered::Missing(missing)
        };
    }
    for (key, request) in requests {
        let method = method_name(&request);
        let outgoing = match request {
            InputRequest::CreateMessage(request) => ServerRequest::CreateMessageRequest(request),
            InputRequest::Elicitation(request) => ServerRequest::ElicitRequest(request),
            InputRequest::ListRoots(request) => ServerRequest::ListRootsRequest(request),
            _ => return Gathered::Refused(format!("{method} cannot be sent to this client")),
        };
        match context.peer.send_request(outgoing).await {
            Ok(result) => {
                let value = match result {
                    ClientResult::CreateMessageResult(result) => serde_json::to_value(*result),
                    ClientResult::ElicitResult(result) => serde_json::to_value(result),
                    ClientResult::ListRootsResult(result) => serde_json::to_value(result),
                    other => serde_json::to_value(other),
                };
                match value {
                    Ok(value) => {
                        answers.insert(key, value);
                    }
                    Err(err) => {
                        return Gathered::Refused(format!(
                            "the answer to {method} is not JSON: {err}"
                        ));
                    }
                }
            }
            Err(ServiceError::McpError(error)) => {
                return Gathered::Refused(format!(
                    "the client answered {method} with error {}: {}",
                    error.code.0, error.message
                ));
            }
            Err(err) => return Gathered::Refused(format!("{method} failed: {err}")),
        }
    }
    Gathered::All(answers)
}

fn method_name(request: &InputRequest) -> &'static str {
    match request {
        InputRequest::CreateMessage(_) => "sampling/createMessage",
        InputRequest::Elicitation(_) => "elicitation/create",
        InputRequest::ListRoots(_) => "roots/list",
        _ => "an input request",
    }
}

/// An `elicitation/create` form request; `schema` is the requested JSON schema.
pub fn elicitation(message: &str, schema: Value) -> Result<InputRequest, McpError> {
    let requested_schema: ElicitationSchema = serde_json::from_value(schema).map_err(|err| {
        McpError::internal_error(
            format!("fixture elicitation schema is invalid: {err}"),
            None,
        )
    })?;
    let params = rmcp::model::ElicitRequestParams::FormElicitationParams {
        meta: None,
        message: message.to_owned(),
        requested_schema,
    };
    Ok(InputRequest::Elicitation(rmcp::model::ElicitRequest::new(
        params,
    )))
}

/// A `sampling/createMessage` request with one user message.
pub fn sampling(prompt: &str, max_tokens: u32) -> InputRequest {
    let params = rmcp::model::CreateMessageRequestParams::new(
        vec![rmcp::model::SamplingMessage::user_text(prompt)],
        max_tokens,
    );
    InputRequest::CreateMessage(rmcp::model::CreateMessageRequest::new(params))
}

/// A `roots/list` request.
pub fn roots() -> InputRequest {
    InputRequest::ListRoots(rmcp::model::ListRootsRequest::default())
}

/// The text of a sampling answer, or a placeholder.
pub fn sampled_text(answer: &Value) -> String {
    answer
        .get("content")
        .and_then(|content| content.get("text"))
        .and_then(Value::as_str)
        .unwrap_or("(no text in the sampling answer)")
        .to_owned()
}

/// An elicitation answer as `action=…, content=…`.
pub fn elicited(answer: &Value) -> String {
    let action = answer
        .get("action")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    let content = answer.get("content").cloned().unwrap_or(Value::Null);
    format!("action={action}, content={content}")
}

/// One field of an accepted elicitation answer.
pub fn elicited_field<'a>(answer: &'a Value, field: &str) -> Option<&'a Value> {
    if answer.get("action").and_then(Value::as_str) != Some("accept") {
        return None;
    }
    answer.get("content").and_then(|content| content.get(field))
}

/// The severity rank of a log level (debug lowest).
pub fn severity(level: LoggingLevel) -> u8 {
    match level {
        LoggingLevel::Debug => 0,
        LoggingLevel::Info => 1,
        LoggingLevel::Notice => 2,
        LoggingLevel::Warning => 3,
        LoggingLevel::Error => 4,
        LoggingLevel::Critical => 5,
        LoggingLevel::Alert => 6,
        LoggingLevel::Emergency => 7,
    }
}

/// Send a log message when `threshold` lets `level` through (`None`: the client asked for
/// no log messages).
pub async fn log(
    context: &RequestContext<RoleServer>,
    threshold: Option<LoggingLevel>,
    level: LoggingLevel,
    text: &str,
) {
    let Some(threshold) = threshold else {
        return;
    };
    if severity(level) < severity(threshold) {
        return;
    }
    let param = LoggingMessageNotificationParam::new(level, Value::String(text.to_owned()))
        .with_logger("switchyard-conformance");
    if let Err(err) = context.peer.notify_logging_message(param).await {
        tracing::debug!(error = %err, "a fixture log message could not be sent");
    }
}

/// Report progress when the request carries a progress token.
pub async fn progress(context: &RequestContext<RoleServer>, done: f64, total: f64, message: &str) {
    let Some(token) = context.meta.get_progress_token() else {
        return;
    };
    let param = ProgressNotificationParam::new(token, done)
        .with_total(total)
        .with_message(message);
    if let Err(err) = context.peer.notify_progress(param).await {
        tracing::debug!(error = %err, "a fixture progress notification could not be sent");
    }
}

/// The handshake-era session a request belongs to (its `Mcp-Session-Id`), or `""` for
/// transports without one (stdio, legacy SSE: one session per connection anyway).
pub fn session_key(context: &RequestContext<RoleServer>) -> String {
    context
        .extensions
        .get::<axum::http::request::Parts>()
        .and_then(|parts| parts.headers.get("mcp-session-id"))
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::{Feature, elicitation, missing_capabilities, roots, sampling};
    use serde_json::json;

    #[test]
    fn answers_are_checked_by_shape() {
        let elicit = json!({"action": "accept", "content": {"name": "Alice"}});
        let sampled = json!({
            "role": "assistant",
            "content": {"type": "text", "text": "Paris"},
            "model": "test-model",
            "stopReason": "endTurn"
        });
        let listed = json!({"roots": [{"uri": "file:///test/root", "name": "Test Root"}]});
        assert!(Feature::Elicitation.accepts(&elicit));
        assert!(Feature::Sampling.accepts(&sampled));
        assert!(Feature::Roots.accepts(&listed));
        assert!(!Feature::Elicitation.accepts(&json!(12345)));
        assert!(!Feature::Roots.accepts(&elicit));
        assert!(!Feature::Sampling.accepts(&json!(null)));
    }

    #[test]
    fn requests_serialize_as_the_spec_says() {
        let request = elicitation(
            "What is your name?",
            json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}),
        )
        .unwrap();
        let value = serde_json::to_value(&request).unwrap();
        assert_eq!(value["method"], "elicitation/create");
        assert_eq!(
            value["params"]["requestedSchema"]["required"],
            json!(["name"])
        );
        let value = serde_json::to_value(sampling("hi", 100)).unwrap();
        assert_eq!(value["method"], "sampling/createMessage");
        assert_eq!(value["params"]["maxTokens"], 100);
        assert_eq!(
            serde_json::to_value(roots()).unwrap()["method"],
            "roots/list"
        );
    }

    #[test]
    fn missing_capabilities_are_an_object_of_objects() {
        let error = missing_capabilities(&[Feature::Sampling, Feature::Roots]);
        assert_eq!(error.code.0, -32021);
        let data = error.data.unwrap();
        assert_eq!(data["requiredCapabilities"]["sampling"], json!({}));
        assert!(data["requiredCapabilities"]["roots"].is_object());
    }
}
