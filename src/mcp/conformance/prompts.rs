//! Fixture prompts and the completion of their arguments.
//!
//! `test_input_required_result_prompt` shows that `InputRequiredResult` is not only for tools:
//! it needs an elicited context before it can render (stateless era: as an
//! `InputRequiredResult`; handshake era: an `elicitation/create` request).

use rmcp::ErrorData as McpError;
use rmcp::RoleServer;
use rmcp::model::{
    ContentBlock, GetPromptRequestParams, GetPromptResponse, GetPromptResult, InputRequiredResult,
    Prompt, PromptArgument, PromptMessage, ResourceContents, Role,
};
use rmcp::service::RequestContext;
use serde_json::{Value, json};

use super::client::{self, Gathered};
use super::media;

const SIMPLE: &str = "test_simple_prompt";
const WITH_ARGUMENTS: &str = "test_prompt_with_arguments";
const EMBEDDED_RESOURCE: &str = "test_prompt_with_embedded_resource";
const WITH_IMAGE: &str = "test_prompt_with_image";
const INPUT_REQUIRED: &str = "test_input_required_result_prompt";

/// Values offered when completing `test_prompt_with_arguments`.
const ARGUMENT_VALUES: &[&str] = &[
    "paris",
    "park",
    "party",
    "test",
    "testing",
    "testValue1",
    "testValue2",
    "value",
];

/// Whether `name` is a fixture prompt.
pub fn owns(name: &str) -> bool {
    matches!(
        name,
        SIMPLE | WITH_ARGUMENTS | EMBEDDED_RESOURCE | WITH_IMAGE | INPUT_REQUIRED
    )
}

fn argument(name: &str, description: &str) -> PromptArgument {
    PromptArgument::new(name)
        .with_description(description)
        .with_required(true)
}

/// `prompts/list`.
pub fn list() -> Vec<Prompt> {
    vec![
        Prompt::new(SIMPLE, Some("A simple prompt without arguments"), None),
        Prompt::new(
            WITH_ARGUMENTS,
            Some("A prompt that substitutes two arguments"),
            Some(vec![
                argument("arg1", "First test argument"),
                argument("arg2", "Second test argument"),
            ]),
        ),
        Prompt::new(
            EMBEDDED_RESOURCE,
            Some("A prompt that embeds a resource"),
            Some(vec![argument(
                "resourceUri",
                "URI of the resource to embed",
            )]),
        ),
        Prompt::new(WITH_IMAGE, Some("A prompt that carries an image"), None),
        Prompt::new(
            INPUT_REQUIRED,
            Some("A prompt that asks the user for context (elicitation) before it renders"),
            None,
        ),
    ]
}

fn string_argument(request: &GetPromptRequestParams, name: &str) -> Result<String, McpError> {
    match request
        .arguments
        .as_ref()
        .and_then(|arguments| arguments.get(name))
    {
        Some(Value::String(text)) => Ok(text.clone()),
        Some(other) => Ok(other.to_string()),
        None => Err(McpError::invalid_params(
            format!(
                "prompt {} needs the argument {name:?}; prompts/list describes its arguments",
                request.name
            ),
            None,
        )),
    }
}

/// `prompts/get` of a fixture prompt.
pub async fn get(
    request: &GetPromptRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<GetPromptResponse, McpError> {
    let messages = match request.name.as_str() {
        SIMPLE => vec![PromptMessage::new_text(
            Role::User,
            "This is a simple prompt for testing.",
        )],
        WITH_ARGUMENTS => {
            let arg1 = string_argument(request, "arg1")?;
            let arg2 = string_argument(request, "arg2")?;
            vec![PromptMessage::new_text(
                Role::User,
                format!("Prompt with arguments: arg1='{arg1}', arg2='{arg2}'"),
            )]
        }
        EMBEDDED_RESOURCE => {
            let uri = string_argument(request, "resourceUri")?;
            let resource = ResourceContents::text("Embedded resource content for testing.", uri)
                .with_mime_type("text/plain");
            vec![
                PromptMessage::new(Role::User, ContentBlock::resource(resource)),
                PromptMessage::new_text(Role::User, "Please process the embedded resource above."),
            ]
        }
        WITH_IMAGE => vec![
            PromptMessage::new(
                Role::User,
                ContentBlock::image(media::PNG_BASE64, "image/png"),
            ),
            PromptMessage::new_text(Role::User, "Please analyze the image above."),
        ],
        INPUT_REQUIRED => return input_required(request, context).await,
        other => {
            return Err(McpError::invalid_params(
                format!("unknown prompt {other:?}"),
                None,
            ));
        }
    };
    Ok(GetPromptResult::new(messages).into())
}

async fn input_required(
    request: &GetPromptRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<GetPromptResponse, McpError> {
    let ask = client::elicitation(
        "What context should the prompt use?",
        json!({
            "type": "object",
            "properties": {"context": {"type": "string", "description": "Context for the prompt"}},
            "required": ["context"]
        }),
    )?;
    let requests = vec![("user_context".to_owned(), ask)];
    client::require(context, &requests)?;
    match client::gather(context, requests, request.input_responses.as_ref()).await {
        Gathered::Missing(requests) => {
            Ok(InputRequiredResult::from_input_requests(requests).into())
        }
        Gathered::Refused(reason) => Err(McpError::internal_error(
            format!("the prompt needs context from the user: {reason}"),
            None,
        )),
        Gathered::All(answers) => {
            let given = answers
                .get("user_context")
                .and_then(|answer| client::elicited_field(answer, "context"))
                .and_then(Value::as_str)
                .unwrap_or("(none given)");
            Ok(GetPromptResult::new(vec![PromptMessage::new_text(
                Role::User,
                format!("Answer with this context in mind: {given}"),
            )])
            .into())
        }
    }
}

/// Completions of a fixture prompt's argument that start with `prefix`.
pub fn complete(prompt: &str, argument: &str, prefix: &str) -> Vec<String> {
    if prompt != WITH_ARGUMENTS || !matches!(argument, "arg1" | "arg2") {
        return Vec::new();
    }
    let prefix = prefix.to_lowercase();
    ARGUMENT_VALUES
        .iter()
        .filter(|value| value.to_lowercase().starts_with(&prefix))
        .map(|value| (*value).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{complete, list, owns};

    #[test]
    fn every_listed_prompt_is_served() {
        for prompt in list() {
            assert!(owns(&prompt.name), "{}", prompt.name);
            assert!(prompt.description.is_some());
        }
    }

    #[test]
    fn completes_by_prefix() {
        assert_eq!(
            complete("test_prompt_with_arguments", "arg1", "par"),
            vec!["paris", "park", "party"]
        );
        assert!(complete("test_prompt_with_arguments", "arg9", "").is_empty());
        assert!(complete("other", "arg1", "").is_empty());
    }
}
