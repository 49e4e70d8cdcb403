//! The conformance checks every connector's tests run (feature `testkit`).
//!
//! A new connector inherits these checks by calling them from its own tests:
//! [`assert_tool_specs`] on its tool list, [`assert_rejects_bad_arguments`] on every tool,
//! [`assert_error_actionable`] on the errors its fixtures provoke, and
//! [`assert_budget_respected`] on its largest outputs. They panic with a message that names
//! the tool and the rule, as test assertions do.

#![expect(clippy::panic, reason = "test assertions report by panicking")]

use std::collections::HashSet;

use serde_json::{Value, json};

use crate::budget::ResponseBudget;
use crate::connector::Connector;
use crate::context::CallContext;
use crate::error::{ConnectorError, ErrorKind};
use crate::output::ToolOutput;
use crate::tool::{JsonObject, is_valid_tool_name};

/// Keywords that must not appear at the top level of an input schema: many clients reject them.
const FORBIDDEN_TOP_LEVEL: [&str; 5] = ["anyOf", "oneOf", "allOf", "not", "$ref"];

/// Every tool: a valid unique name with the kind's prefix, a summary, and a flat object schema
/// whose properties are all described.
pub fn assert_tool_specs(connector: &dyn Connector) {
    let prefix = format!("{}_", connector.kind());
    let mut seen = HashSet::new();
    assert!(
        !connector.tools().is_empty(),
        "{} offers no tools",
        connector.id()
    );
    for spec in connector.tools() {
        let name = &spec.name;
        assert!(
            is_valid_tool_name(name),
            "tool name {name:?} must be [a-z0-9_] and at most 48 characters"
        );
        assert!(
            name.starts_with(&prefix),
            "tool name {name:?} must start with the kind prefix {prefix:?}"
        );
        assert!(
            seen.insert(name.clone()),
            "tool name {name:?} is duplicated"
        );
        let summary = spec.summary();
        assert!(
            !summary.trim().is_empty() && summary.len() <= 160,
            "tool {name}: the description's first line must be a summary of at most 160 bytes"
        );
        assert!(!spec.title.is_empty(), "tool {name}: missing title");
        let schema = &spec.input_schema;
        assert_eq!(
            schema.get("type"),
            Some(&json!("object")),
            "tool {name}: input schema must be type: object"
        );
        for keyword in FORBIDDEN_TOP_LEVEL {
            assert!(
                !schema.contains_key(keyword),
                "tool {name}: input schema must not use top-level {keyword}"
            );
        }
        let serialized = Value::Object(schema.clone()).to_string();
        assert!(
            !serialized.contains("\"$ref\""),
            "tool {name}: input schema must be inlined (no $ref)"
        );
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or_else(|| panic!("tool {name}: input schema needs a properties object"));
        for (property, body) in properties {
            assert!(
                body.get("description")
                    .and_then(Value::as_str)
                    .is_some_and(|d| !d.is_empty()),
                "tool {name}: argument {property:?} needs a description"
            );
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for key in required {
                let key = key.as_str().unwrap_or_default();
                assert!(
                    properties.contains_key(key),
                    "tool {name}: required argument {key:?} is not among the properties"
                );
            }
        }
    }
}

/// Every tool answers unknown arguments and wrongly typed arguments with `InvalidArguments`
/// that names the problem, never with a panic, another kind or a success.
pub async fn assert_rejects_bad_arguments(connector: &dyn Connector) {
    let ctx = CallContext::for_tests();
    for spec in connector.tools() {
        let name = &spec.name;
        let mut unknown = JsonObject::new();
        unknown.insert("definitely_not_an_argument".into(), json!(true));
        expect_invalid(connector, name, &unknown, &ctx, "an unknown argument").await;

        let properties = spec
            .input_schema
            .get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        for (property, body) in properties {
            let wrong = wrong_value_for(&body);
            let mut args = JsonObject::new();
            args.insert(property.clone(), wrong);
            expect_invalid(
                connector,
                name,
                &args,
                &ctx,
                &format!("a wrongly typed {property:?}"),
            )
            .await;
        }
    }
}

async fn expect_invalid(
    connector: &dyn Connector,
    tool: &str,
    args: &JsonObject,
    ctx: &CallContext,
    what: &str,
) {
    match connector.call(tool, args, ctx).await {
        Ok(output) => panic!(
            "tool {tool}: {what} was accepted; it must be rejected as invalid arguments. Output: {}",
            output.text
        ),
        Err(err) => {
            assert_eq!(
                err.kind(),
                ErrorKind::InvalidArguments,
                "tool {tool}: {what} must give invalid_arguments, got {err}"
            );
            assert_error_actionable(&err);
        }
    }
}

/// A value whose JSON type differs from what the property schema asks for.
fn wrong_value_for(schema: &Value) -> Value {
    match schema.get("type").and_then(Value::as_str) {
        Some("string") => json!({"not": "a string"}),
        Some("integer") | Some("number") => json!("not a number"),
        Some("boolean") => json!("not a boolean"),
        Some("array") => json!(12),
        Some("object") => json!([1, 2]),
        _ => json!({"unexpected": ["shape"]}),
    }
}

/// An error that a model can act on: a message that says what failed and a hint on what to do.
pub fn assert_error_actionable(err: &ConnectorError) {
    let message = err.to_string();
    assert!(
        message.len() > err.kind().as_str().len() + 4,
        "error message {message:?} says too little"
    );
    assert!(
        !message.ends_with('.'),
        "error message {message:?} must not end with a period"
    );
    assert!(!err.hint().is_empty(), "error {message:?} has no hint");
}

/// Call `tool` with a small budget and check the result fits it, and that a cut result says
/// it was cut and how to get the rest.
pub async fn assert_budget_respected(
    connector: &dyn Connector,
    tool: &str,
    args: &JsonObject,
    budget_tokens: usize,
) -> ToolOutput {
    let budget = ResponseBudget::tokens(budget_tokens);
    let ctx = CallContext::for_tests().with_budget(budget);
    let output = connector
        .call(tool, args, &ctx)
        .await
        .unwrap_or_else(|err| panic!("tool {tool} failed under a small budget: {err}"));
    assert!(
        output.text.len() <= budget.max_bytes(),
        "tool {tool}: {} bytes exceed the budget of {} bytes",
        output.text.len(),
        budget.max_bytes()
    );
    if output.truncated {
        let text = output.text.to_lowercase();
        assert!(
            text.contains("cursor") || text.contains("truncated") || text.contains("cut"),
            "tool {tool}: a cut result must say so and how to get the rest"
        );
    }
    output
}
