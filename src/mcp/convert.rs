//! Conversions between the connector contract and rmcp's protocol types. The only place that
//! knows both; when rmcp changes shape, this file (and `server.rs`) change, nothing else.

use std::borrow::Cow;
use std::sync::Arc;

use rmcp::model::{
    CallToolResult, ContentBlock, Resource, ResourceContents, ResourceTemplate, Tool,
    ToolAnnotations,
};
use switchyard_core::{ConnectorError, ResourceSpec, ResourceTemplateSpec, ToolOutput, ToolSpec};

/// A published tool as rmcp's `Tool`.
pub fn tool(spec: &ToolSpec) -> Tool {
    let effects = spec.effects;
    let mut annotations = ToolAnnotations::with_title(spec.title.clone());
    annotations.read_only_hint = Some(effects.read_only);
    if !effects.read_only {
        annotations.destructive_hint = Some(effects.destructive);
        annotations.idempotent_hint = Some(effects.idempotent);
    }
    annotations.open_world_hint = Some(effects.open_world);
    let mut tool = Tool::new(
        Cow::Owned(spec.name.clone()),
        Cow::Owned(spec.description.clone()),
        Arc::new(spec.input_schema.clone()),
    );
    tool.title = Some(spec.title.clone());
    tool.annotations = Some(annotations);
    tool.output_schema = spec.output_schema.clone().map(Arc::new);
    tool
}

/// A successful output as a tool result: the text always in a `text` block.
pub fn success(output: ToolOutput) -> CallToolResult {
    let mut result = CallToolResult::success(vec![ContentBlock::text(output.text)]);
    result.structured_content = output.structured;
    result
}

/// A connector error as a tool result with `isError: true`, saying what failed and what to try.
pub fn failure(tool: &str, err: &ConnectorError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(failure_text(tool, err))])
}

/// The longest error message passed on; a longer one (an upstream page, an echoed argument)
/// is cut, and says so.
const MAX_ERROR_BYTES: usize = 4096;

/// The text of a failed call.
pub fn failure_text(tool: &str, err: &ConnectorError) -> String {
    // An upstream's error message may echo what it was sent, or a pasted secret.
    let message = switchyard_core::redact::redact(&err.to_string()).into_owned();
    let cut = switchyard_core::budget::cut_text(&message, MAX_ERROR_BYTES);
    let message = if cut.is_truncated() {
        format!(
            "{} [error message cut: {} more bytes]",
            cut.kept, cut.omitted_bytes
        )
    } else {
        message
    };
    // `[forbidden]: forbidden: …` says it twice: drop the message's own label when it repeats
    // the kind's.
    let kind = err.kind();
    let label = format!("{}: ", kind.as_str().replace('_', " "));
    let message = message.strip_prefix(&label).unwrap_or(&message);
    // A message that says what to try itself (a budget refusal) beats the generic hint.
    if message.contains("\nwhat to try: ") {
        return format!("{tool} failed [{kind}]: {message}");
    }
    format!(
        "{tool} failed [{kind}]: {message}\nwhat to try: {}",
        err.hint()
    )
}

/// A resource as rmcp's `Resource`.
pub fn resource(spec: ResourceSpec) -> Resource {
    Resource::new(spec.uri, spec.name)
        .with_description(spec.description)
        .with_mime_type(spec.mime_type)
}

/// A resource template as rmcp's `ResourceTemplate`.
pub fn resource_template(spec: ResourceTemplateSpec) -> ResourceTemplate {
    let mut template = ResourceTemplate::new(spec.uri_template, spec.name);
    template.description = Some(spec.description);
    template.mime_type = Some(spec.mime_type);
    template
}

/// A read item as resource contents.
pub fn contents(uri: &str, output: ToolOutput) -> ResourceContents {
    ResourceContents::text(output.text, uri).with_mime_type("text/plain")
}

#[cfg(test)]
mod tests {
    use super::{failure_text, tool};
    use switchyard_core::{ConnectorError, ToolEffects, ToolSpec};

    #[derive(schemars::JsonSchema)]
    struct Nothing {}

    #[test]
    fn annotations_follow_effects() {
        let read = tool(&ToolSpec::new::<Nothing>(
            "git_log",
            "Log",
            "d",
            ToolEffects::LOCAL_READ,
        ));
        let json = serde_json::to_value(&read).unwrap();
        assert_eq!(json["annotations"]["readOnlyHint"], true);
        assert_eq!(json["annotations"]["openWorldHint"], false);
        assert!(json["annotations"].get("destructiveHint").is_none());
        let delete = tool(&ToolSpec::new::<Nothing>(
            "note_delete",
            "Del",
            "d",
            ToolEffects::DESTRUCTIVE_WRITE,
        ));
        let json = serde_json::to_value(&delete).unwrap();
        assert_eq!(json["annotations"]["destructiveHint"], true);
    }

    #[test]
    fn long_error_messages_are_cut_and_say_so() {
        let text = failure_text(
            "read_context",
            &ConnectorError::invalid("x".repeat(100_000)),
        );
        assert!(text.len() < 5000);
        assert!(text.contains("[error message cut: "));
    }

    #[test]
    fn secrets_echoed_in_an_upstream_error_are_redacted() {
        let text = failure_text(
            "github_list_issues",
            &ConnectorError::invalid(
                "bad credentials for ghp_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
            ),
        );
        assert!(text.contains("bad credentials for [redacted]"), "{text}");
        assert!(!text.contains("ghp_ABCDEF"), "{text}");
    }

    #[test]
    fn failures_name_kind_and_hint() {
        let text = failure_text(
            "git_log",
            &ConnectorError::not_found("revision \"nope\" does not exist"),
        );
        assert!(
            text.starts_with("git_log failed [not_found]: revision"),
            "{text}"
        );
        assert!(text.contains("what to try:"));
        let own = failure_text(
            "delegate",
            &ConnectorError::Forbidden("the budget refused x\nwhat to try: wait".to_owned()),
        );
        assert_eq!(
            own,
            "delegate failed [forbidden]: the budget refused x\nwhat to try: wait"
        );
    }
}
