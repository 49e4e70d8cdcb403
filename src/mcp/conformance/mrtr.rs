//! The `test_input_required_result_*` fixtures (SEP-2322, multi round-trip requests): a
//! call answers with an `InputRequiredResult` until the client retries with the
//! `inputResponses` (and the `requestState`) it asked for.
//!
//! Answers that are missing, under the wrong key or of the wrong shape are asked for again,
//! never an error; extra answers are ignored. A `requestState` that fails verification
//! ([`super::state`]) is an error (`-32602`). Only inputs the client declared it can give are
//! asked for. In a handshake-era session the same tools ask the client directly and finish
//! in one call.

use rmcp::ErrorData as McpError;
use rmcp::RoleServer;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, InputRequest,
    InputRequiredResult, Tool,
};
use rmcp::service::RequestContext;
use serde_json::{Value, json};

use super::client::{self, Feature, Gathered};
use super::{Fixtures, schema};

const ELICITATION: &str = "test_input_required_result_elicitation";
const SAMPLING: &str = "test_input_required_result_sampling";
const LIST_ROOTS: &str = "test_input_required_result_list_roots";
const REQUEST_STATE: &str = "test_input_required_result_request_state";
const TAMPERED_STATE: &str = "test_input_required_result_tampered_state";
const MULTIPLE_INPUTS: &str = "test_input_required_result_multiple_inputs";
const MULTI_ROUND: &str = "test_input_required_result_multi_round";
const CAPABILITIES: &str = "test_input_required_result_capabilities";

/// The tool definitions.
pub fn definitions() -> Vec<Tool> {
    let tools: [(&str, &str); 8] = [
        (
            ELICITATION,
            "Asks the user's name (elicitation), then greets them",
        ),
        (
            SAMPLING,
            "Asks the client's model a question (sampling), then returns the answer",
        ),
        (LIST_ROOTS, "Asks for the client's roots, then lists them"),
        (
            REQUEST_STATE,
            "Asks for a confirmation and carries a requestState across the round trip",
        ),
        (
            TAMPERED_STATE,
            "Like the request-state tool; an altered requestState is refused",
        ),
        (
            MULTIPLE_INPUTS,
            "Asks for a name, a model answer and the roots at once",
        ),
        (
            MULTI_ROUND,
            "Asks for a name, then a colour, in two rounds with evolving state",
        ),
        (
            CAPABILITIES,
            "Asks only for the inputs the client declared it can give",
        ),
    ];
    tools
        .into_iter()
        .map(|(name, description)| {
            Tool::new(
                name,
                description,
                schema(json!({"type": "object", "properties": {}})),
            )
        })
        .collect()
}

fn name_form() -> Result<InputRequest, McpError> {
    client::elicitation(
        "What is your name?",
        json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}),
    )
}

fn confirm_form() -> Result<InputRequest, McpError> {
    client::elicitation(
        "Please confirm",
        json!({"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}),
    )
}

fn text(text: impl Into<String>) -> Result<CallToolResponse, McpError> {
    Ok(CallToolResult::success(vec![ContentBlock::text(text)]).into())
}

fn field(answer: Option<&Value>, name: &str) -> String {
    answer
        .and_then(|answer| client::elicited_field(answer, name))
        .map(|value| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
        .unwrap_or_else(|| "(not given)".to_owned())
}

/// Answer a call of one of these tools, or `None` when `request` names another tool.
pub async fn call(
    fixtures: &Fixtures,
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Option<Result<CallToolResponse, McpError>> {
    let name = request.name.as_ref();
    let response = match name {
        ELICITATION => single(request, context, "user_name", name_form()).await,
        SAMPLING => {
            let ask = Ok(client::sampling("What is the capital of France?", 100));
            single(request, context, "capital_question", ask).await
        }
        LIST_ROOTS => single(request, context, "client_roots", Ok(client::roots())).await,
        REQUEST_STATE | TAMPERED_STATE => confirmed(fixtures, request, context).await,
        MULTIPLE_INPUTS => multiple(fixtures, request, context).await,
        MULTI_ROUND => multi_round(fixtures, request, context).await,
        CAPABILITIES => capabilities(request, context).await,
        _ => return None,
    };
    Some(response)
}

/// Ask `requests`, carrying `state` (already issued) when more input is needed.
async fn round(
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
    requests: Vec<(String, InputRequest)>,
    state: impl FnOnce() -> Option<String>,
) -> Result<Result<std::collections::BTreeMap<String, Value>, CallToolResponse>, McpError> {
    client::require(context, &requests)?;
    Ok(
        match client::gather(context, requests, request.input_responses.as_ref()).await {
            Gathered::All(answers) => Ok(answers),
            Gathered::Missing(missing) => {
                Err(InputRequiredResult::new(Some(missing), state()).into())
            }
            Gathered::Refused(reason) => {
                Err(CallToolResult::error(vec![ContentBlock::text(reason)]).into())
            }
        },
    )
}

async fn single(
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
    key: &str,
    ask: Result<InputRequest, McpError>,
) -> Result<CallToolResponse, McpError> {
    let answers = match round(request, context, vec![(key.to_owned(), ask?)], || None).await? {
        Ok(answers) => answers,
        Err(reply) => return Ok(reply),
    };
    let answer = answers.get(key);
    match request.name.as_ref() {
        ELICITATION => text(format!("Hello, {}!", field(answer, "name"))),
        SAMPLING => text(format!(
            "Sampling response: {}",
            answer.map(client::sampled_text).unwrap_or_default()
        )),
        _ => {
            let roots: Vec<&str> = answer
                .and_then(|answer| answer.get("roots"))
                .and_then(Value::as_array)
                .map(|roots| {
                    roots
                        .iter()
                        .filter_map(|root| root.get("uri").and_then(Value::as_str))
                        .collect()
                })
                .unwrap_or_default();
            text(format!("Client roots: [{}]", roots.join(", ")))
        }
    }
}

/// The verified state of a retry, `None` on a first call.
fn verified(
    fixtures: &Fixtures,
    request: &CallToolRequestParams,
) -> Result<Option<Value>, McpError> {
    match request.request_state.as_deref() {
        None => Ok(None),
        Some(handle) => fixtures.states.open(&request.name, handle).map(Some),
    }
}

/// A stateless first call of a tool that carries state: ask for everything and issue the
/// state, whatever answers came without one (they belong to no round this server started).
fn first_round(
    fixtures: &Fixtures,
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
    has_state: bool,
    requests: &[(String, InputRequest)],
    initial: Value,
) -> Result<Option<CallToolResponse>, McpError> {
    if has_state || !client::is_stateless(context) {
        return Ok(None);
    }
    client::require(context, requests)?;
    let asked: rmcp::model::InputRequests = requests.iter().cloned().collect();
    let handle = fixtures.states.issue(&request.name, initial);
    Ok(Some(
        InputRequiredResult::new(Some(asked), Some(handle)).into(),
    ))
}

/// `…_request_state` and `…_tampered_state`: a confirmation, with state across the trip.
async fn confirmed(
    fixtures: &Fixtures,
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, McpError> {
    let state = verified(fixtures, request)?;
    let issue = || {
        Some(
            fixtures
                .states
                .issue(&request.name, json!({"stage": "confirm"})),
        )
    };
    let requests = vec![("confirm".to_owned(), confirm_form()?)];
    if let Some(first) = first_round(
        fixtures,
        request,
        context,
        state.is_some(),
        &requests,
        json!({"stage": "confirm"}),
    )? {
        return Ok(first);
    }
    let answers = match round(request, context, requests, issue).await? {
        Ok(answers) => answers,
        Err(reply) => return Ok(reply),
    };
    let ok = field(answers.get("confirm"), "ok");
    if state.is_some() {
        text(format!(
            "Confirmed (ok={ok}); state-ok: the requestState was verified"
        ))
    } else {
        // A handshake-era session finishes in one call: there was no state to carry.
        text(format!(
            "Confirmed (ok={ok}) in a single call; no requestState was needed"
        ))
    }
}

/// `…_multiple_inputs`: three kinds of input at once.
async fn multiple(
    fixtures: &Fixtures,
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, McpError> {
    let state = verified(fixtures, request)?;
    let requests = vec![
        ("user_name".to_owned(), name_form()?),
        (
            "greeting".to_owned(),
            client::sampling("Generate a greeting", 50),
        ),
        ("client_roots".to_owned(), client::roots()),
    ];
    if let Some(first) = first_round(
        fixtures,
        request,
        context,
        state.is_some(),
        &requests,
        json!({"stage": "gather"}),
    )? {
        return Ok(first);
    }
    let issue = || {
        Some(
            fixtures
                .states
                .issue(&request.name, json!({"stage": "gather"})),
        )
    };
    let answers = match round(request, context, requests, issue).await? {
        Ok(answers) => answers,
        Err(reply) => return Ok(reply),
    };
    let roots = answers
        .get("client_roots")
        .and_then(|answer| answer.get("roots"))
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    text(format!(
        "All inputs received: name={}, greeting={}, roots={roots}",
        field(answers.get("user_name"), "name"),
        answers
            .get("greeting")
            .map(client::sampled_text)
            .unwrap_or_default(),
    ))
}

/// `…_multi_round`: a name, then a colour; the state says which round it is.
async fn multi_round(
    fixtures: &Fixtures,
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, McpError> {
    let state = verified(fixtures, request)?;
    let round_number = state
        .as_ref()
        .and_then(|state| state.get("round"))
        .and_then(Value::as_u64)
        .unwrap_or(1);
    if round_number <= 1 {
        let issue = || Some(fixtures.states.issue(&request.name, json!({"round": 1})));
        let step1 = client::elicitation(
            "Step 1: What is your name?",
            json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}),
        )?;
        let answers =
            match round(request, context, vec![("step1".to_owned(), step1)], issue).await? {
                Ok(answers) => answers,
                Err(reply) => return Ok(reply),
            };
        let name = field(answers.get("step1"), "name");
        if client::is_stateless(context) {
            let next = fixtures
                .states
                .issue(&request.name, json!({"round": 2, "name": name}));
            return Ok(InputRequiredResult::new(Some(step2_request(&name)?), Some(next)).into());
        }
        return finish_round_two(request, context, &name, || None).await;
    }
    let name = state
        .as_ref()
        .and_then(|state| state.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("(not given)")
        .to_owned();
    let issue = || {
        state
            .clone()
            .map(|state| fixtures.states.issue(&request.name, state))
    };
    finish_round_two(request, context, &name, issue).await
}

fn step2_request(name: &str) -> Result<rmcp::model::InputRequests, McpError> {
    let mut requests = rmcp::model::InputRequests::new();
    requests.insert("step2".to_owned(), step2_form(name)?);
    Ok(requests)
}

fn step2_form(name: &str) -> Result<InputRequest, McpError> {
    client::elicitation(
        &format!("Step 2: What is your favorite color, {name}?"),
        json!({"type": "object", "properties": {"color": {"type": "string"}}, "required": ["color"]}),
    )
}

async fn finish_round_two(
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
    name: &str,
    state: impl FnOnce() -> Option<String>,
) -> Result<CallToolResponse, McpError> {
    let answers = match round(
        request,
        context,
        vec![("step2".to_owned(), step2_form(name)?)],
        state,
    )
    .await?
    {
        Ok(answers) => answers,
        Err(reply) => return Ok(reply),
    };
    text(format!(
        "Multi-round flow complete: {name} likes {}",
        field(answers.get("step2"), "color")
    ))
}

/// `…_capabilities`: only what the client declared.
async fn capabilities(
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, McpError> {
    let declared = client::declared(context);
    let mut requests = Vec::new();
    if Feature::Elicitation.declared(&declared) {
        requests.push(("user_name".to_owned(), name_form()?));
    }
    if Feature::Sampling.declared(&declared) {
        requests.push((
            "greeting".to_owned(),
            client::sampling("Generate a greeting", 50),
        ));
    }
    if Feature::Roots.declared(&declared) {
        requests.push(("client_roots".to_owned(), client::roots()));
    }
    if requests.is_empty() {
        return text("The client declared no sampling, elicitation or roots, so nothing was asked");
    }
    let asked: Vec<String> = requests.iter().map(|(key, _)| key.clone()).collect();
    match round(request, context, requests, || None).await? {
        Ok(_) => text(format!(
            "Received every declared input: {}",
            asked.join(", ")
        )),
        Err(reply) => Ok(reply),
    }
}
