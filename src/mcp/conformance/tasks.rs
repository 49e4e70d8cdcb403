//! Fixtures of the tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663): tools the
//! server may run as tasks, and `tasks/get`, `tasks/update`, `tasks/cancel` over rmcp's
//! `TaskManager`.
//!
//! The server decides when a call becomes a task: a task-supporting tool runs as one when the
//! request declares the extension and synchronously otherwise; a task-required tool refuses
//! a request without it (`-32021`); `greet` never becomes a task.

use std::time::Duration;

use rmcp::ErrorData as McpError;
use rmcp::RoleServer;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CancelTaskParams, ClientCapabilities,
    ContentBlock, CreateTaskResult, GetTaskParams, GetTaskResult, InputRequiredResult, Tool,
    UpdateTaskParams,
};
use rmcp::service::RequestContext;
use rmcp::task_manager::{TaskContext, TaskExit, TaskManager, TaskOptions};
use serde_json::{Value, json};

use super::client::{self, Gathered};
use super::schema;

/// How a tool relates to tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Support {
    /// Never a task.
    Never,
    /// A task when the client declared the extension, synchronous otherwise.
    Optional,
    /// Only as a task: without the extension the call fails with `-32021`.
    Required,
}

const TOOLS: &[(&str, Support, &str)] = &[
    (
        "greet",
        Support::Never,
        "Greets by name, always synchronously",
    ),
    (
        "slow_compute",
        Support::Optional,
        "Waits `seconds` seconds, then answers; runs as a task when the client supports tasks",
    ),
    (
        "failing_job",
        Support::Required,
        "A task that finishes with a tool error (isError: true)",
    ),
    (
        "protocol_error_job",
        Support::Optional,
        "Fails with a protocol error (as a task: status failed)",
    ),
    (
        "confirm_delete",
        Support::Required,
        "A task that asks the user to confirm a deletion (elicitation) and waits for the answer",
    ),
    (
        "multi_input",
        Support::Required,
        "A task that asks for two values at once and waits for both",
    ),
    (
        "test_tool_with_task",
        Support::Required,
        "Asks the user's name (InputRequiredResult), then continues as a task",
    ),
];

/// The tool definitions.
pub fn definitions() -> Vec<Tool> {
    TOOLS
        .iter()
        .map(|(name, _, description)| {
            let input = match *name {
                "greet" => json!({
                    "type": "object",
                    "properties": {"name": {"type": "string", "description": "Who to greet"}},
                    "required": ["name"]
                }),
                "slow_compute" => json!({
                    "type": "object",
                    "properties": {
                        "seconds": {"type": "number", "description": "How long to work"},
                        "label": {"type": "string", "description": "A label echoed in the result"}
                    }
                }),
                "confirm_delete" => json!({
                    "type": "object",
                    "properties": {"filename": {"type": "string", "description": "The file to delete"}}
                }),
                _ => json!({"type": "object", "properties": {}}),
            };
            Tool::new(*name, *description, schema(input))
        })
        .collect()
}

fn done(text: impl Into<String>) -> CallToolResult {
    CallToolResult::success(vec![ContentBlock::text(text)])
}

fn value_form(
    message: &str,
    field: &str,
    kind: &str,
) -> Result<rmcp::model::InputRequest, McpError> {
    client::elicitation(
        message,
        json!({"type": "object", "properties": {field: {"type": kind}}, "required": [field]}),
    )
}

/// Answer a call of one of these tools, or `None` when `request` names another tool.
pub async fn call(
    tasks: &TaskManager,
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Option<Result<CallToolResponse, McpError>> {
    let support = TOOLS
        .iter()
        .find(|(name, _, _)| *name == request.name)
        .map(|(_, support, _)| *support)?;
    let declared = context
        .client_capabilities()
        .is_some_and(|capabilities| capabilities.supports_tasks());
    if support == Support::Required && !declared {
        return Some(Err(McpError::missing_required_client_capability(
            ClientCapabilities::builder().enable_tasks().build(),
        )));
    }
    let as_task = declared && support != Support::Never;
    let arguments = request.arguments.clone().unwrap_or_default();
    let text_argument = |name: &str, default: &str| {
        arguments
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or(default)
            .to_owned()
    };
    let response = match request.name.as_ref() {
        "greet" => Ok(done(format!("Hello, {}!", text_argument("name", "friend"))).into()),
        "slow_compute" => {
            let seconds = arguments
                .get("seconds")
                .and_then(Value::as_f64)
                .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
                .unwrap_or(1.0)
                .min(3600.0);
            let label = text_argument("label", "compute");
            let work = Duration::from_secs_f64(seconds);
            let answer = format!("slow_compute({label}) finished after {seconds} s");
            if as_task {
                let task = tasks.spawn(TaskOptions::default(), move |task| {
                    Box::pin(async move {
                        tokio::select! {
                            () = task.cancelled() => Err(TaskExit::Cancelled),
                            () = tokio::time::sleep(work) => Ok(done(answer)),
                        }
                    })
                });
                Ok(CreateTaskResult::new(task).into())
            } else {
                tokio::time::sleep(work).await;
                Ok(done(answer).into())
            }
        }
        "failing_job" => {
            let task = tasks.spawn(TaskOptions::default(), |_| {
                Box::pin(async {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    Ok(CallToolResult::error(vec![ContentBlock::text(
                        "failing_job failed on purpose (a tool execution error)",
                    )]))
                })
            });
            Ok(CreateTaskResult::new(task).into())
        }
        "protocol_error_job" => {
            let error = McpError::internal_error(
                "protocol_error_job failed on purpose (a protocol error)",
                None,
            );
            if as_task {
                let task = tasks.spawn(TaskOptions::default(), move |_| {
                    Box::pin(async move {
                        tokio::time::sleep(Duration::from_millis(200)).await;
                        Err(TaskExit::Error(error))
                    })
                });
                Ok(CreateTaskResult::new(task).into())
            } else {
                Err(error)
            }
        }
        "confirm_delete" => {
            let filename = text_argument("filename", "file.txt");
            let form = match value_form(&format!("Delete {filename}?"), "confirm", "boolean") {
                Ok(form) => form,
                Err(err) => return Some(Err(err)),
            };
            let task = tasks.spawn(TaskOptions::default(), move |task: TaskContext| {
                Box::pin(async move {
                    let answer = task.request_input("confirm", form).await?;
                    let confirmed = client::elicited_field(&answer, "confirm")
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    Ok(done(format!(
                        "confirm_delete({filename}): confirmed={confirmed}"
                    )))
                })
            });
            Ok(CreateTaskResult::new(task).into())
        }
        "multi_input" => {
            let forms = value_form("Provide value A", "value", "string")
                .and_then(|a| Ok((a, value_form("Provide value B", "value", "string")?)));
            let (form_a, form_b) = match forms {
                Ok(forms) => forms,
                Err(err) => return Some(Err(err)),
            };
            let task = tasks.spawn(TaskOptions::default(), move |task: TaskContext| {
                Box::pin(async move {
                    let (a, b) = tokio::join!(
                        task.request_input("input-a", form_a),
                        task.request_input("input-b", form_b)
                    );
                    let value = |answer: &Value| {
                        client::elicited_field(answer, "value")
                            .and_then(Value::as_str)
                            .unwrap_or("(none)")
                            .to_owned()
                    };
                    Ok(done(format!(
                        "multi_input: a={}, b={}",
                        value(&a?),
                        value(&b?)
                    )))
                })
            });
            Ok(CreateTaskResult::new(task).into())
        }
        "test_tool_with_task" => with_task_after_input(tasks, request, context).await,
        _ => return None,
    };
    Some(response)
}

/// `test_tool_with_task`: one synchronous input round, then a task.
async fn with_task_after_input(
    tasks: &TaskManager,
    request: &CallToolRequestParams,
    context: &RequestContext<RoleServer>,
) -> Result<CallToolResponse, McpError> {
    let form = value_form("What is your name?", "name", "string")?;
    let requests = vec![("user_name".to_owned(), form)];
    client::require(context, &requests)?;
    let answers = match client::gather(context, requests, request.input_responses.as_ref()).await {
        Gathered::All(answers) => answers,
        Gathered::Missing(missing) => {
            return Ok(InputRequiredResult::from_input_requests(missing).into());
        }
        Gathered::Refused(reason) => {
            return Ok(CallToolResult::error(vec![ContentBlock::text(reason)]).into());
        }
    };
    let name = answers
        .get("user_name")
        .and_then(|answer| client::elicited_field(answer, "name"))
        .and_then(Value::as_str)
        .unwrap_or("friend")
        .to_owned();
    let task = tasks.spawn(TaskOptions::default(), move |_| {
        Box::pin(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            Ok(done(format!("Hello, {name}! (finished as a task)")))
        })
    });
    Ok(CreateTaskResult::new(task).into())
}

/// `tasks/get`.
pub fn get(tasks: &TaskManager, request: &GetTaskParams) -> Result<GetTaskResult, McpError> {
    Ok(GetTaskResult::new(tasks.get_task(&request.task_id)?))
}

/// `tasks/update`.
pub fn update(tasks: &TaskManager, request: UpdateTaskParams) -> Result<(), McpError> {
    tasks.update_task(&request.task_id, request.input_responses)
}

/// `tasks/cancel`.
pub fn cancel(tasks: &TaskManager, request: &CancelTaskParams) -> Result<(), McpError> {
    tasks.cancel_task(&request.task_id)
}

#[cfg(test)]
mod tests {
    use super::{TOOLS, definitions};

    #[test]
    fn every_task_tool_is_defined() {
        let tools = definitions();
        assert_eq!(tools.len(), TOOLS.len());
        assert!(tools.iter().any(|tool| tool.name == "slow_compute"));
    }
}
