//! Several instances of one kind (say `github` and `ghes`) publish one set of tools; each tool
//! then takes an `instance` argument, an enum of the instance ids defaulting to the first
//! declared. The tool list does not grow with the number of instances.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Value, json};
use switchyard_core::{CallContext, Connector, ConnectorError, JsonObject, ToolOutput, ToolSpec};

/// The argument that selects an instance.
pub const INSTANCE_ARG: &str = "instance";

/// The instances behind one published tool.
#[derive(Clone)]
pub struct Group {
    /// The instances that offer the tool, the default first.
    pub instances: Vec<Arc<dyn Connector>>,
    /// Whether the tool takes the `instance` argument and its results name the instance: when
    /// more than one instance of the kind is configured, even if only one offers this tool
    /// (writes enabled on one instance only, say).
    pub tagged: bool,
}

/// Group the connectors' tools by name: one spec per tool, with the instances that offer it.
pub fn group(connectors: &[Arc<dyn Connector>]) -> Vec<(ToolSpec, Group)> {
    let mut per_kind: BTreeMap<&str, usize> = BTreeMap::new();
    for connector in connectors {
        *per_kind.entry(connector.kind()).or_default() += 1;
    }
    let mut order: Vec<String> = Vec::new();
    let mut grouped: BTreeMap<String, (ToolSpec, Vec<Arc<dyn Connector>>)> = BTreeMap::new();
    for connector in connectors {
        for spec in connector.tools() {
            match grouped.get_mut(&spec.name) {
                Some((_, instances)) => instances.push(Arc::clone(connector)),
                None => {
                    order.push(spec.name.clone());
                    grouped.insert(
                        spec.name.clone(),
                        (spec.clone(), vec![Arc::clone(connector)]),
                    );
                }
            }
        }
    }
    order
        .into_iter()
        .filter_map(|name| grouped.remove(&name))
        .map(|(spec, instances)| {
            let kind = instances[0].kind();
            let tagged = per_kind.get(kind).copied().unwrap_or(0) > 1;
            let spec = if tagged {
                let ids: Vec<&str> = instances.iter().map(|c| c.id()).collect();
                let schema = json!({
                    "type": "string",
                    "enum": ids,
                    "description": format!("Which {kind} instance answers (default {}).", ids[0]),
                });
                spec.with_argument(INSTANCE_ARG, schema, false)
            } else {
                spec
            };
            (spec, Group { instances, tagged })
        })
        .collect()
}

/// Call `tool` on the instance the arguments select (removing the `instance` argument).
pub async fn dispatch(
    group: &Group,
    tool: &str,
    args: &JsonObject,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let instances = &group.instances;
    if !group.tagged {
        return instances[0].call(tool, args, ctx).await;
    }
    let mut args = args.clone();
    let chosen = match args.remove(INSTANCE_ARG) {
        None => &instances[0],
        Some(Value::String(id)) => instances.iter().find(|c| c.id() == id).ok_or_else(|| {
            let ids: Vec<&str> = instances.iter().map(|c| c.id()).collect();
            ConnectorError::invalid(format!(
                "instance {id:?} does not offer {tool}; it is offered by: {} (a write tool is offered only where writes are enabled)",
                ids.join(", ")
            ))
        })?,
        Some(other) => {
            return Err(ConnectorError::invalid(format!(
                "instance must be a string, not {other}"
            )));
        }
    };
    let mut output = chosen.call(tool, &args, ctx).await?;
    // A connector's hints name its tools, not its instance; off the default, say so once.
    let follow_up = if Arc::ptr_eq(chosen, &instances[0]) {
        String::new()
    } else {
        format!(
            "\n(from instance {0}: add instance=\"{0}\" to any call suggested above)",
            chosen.id()
        )
    };
    output.text = format!("[instance: {}]\n{}{follow_up}", chosen.id(), output.text);
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::{dispatch, group};
    use async_trait::async_trait;
    use serde_json::json;
    use std::sync::Arc;
    use switchyard_core::{
        CallContext, CheckReport, Connector, ConnectorError, JsonObject, ToolEffects, ToolOutput,
        ToolSpec,
    };

    #[derive(schemars::JsonSchema)]
    struct Nothing {}

    struct Fake {
        id: &'static str,
        tools: Vec<ToolSpec>,
    }

    #[async_trait]
    impl Connector for Fake {
        fn id(&self) -> &str {
            self.id
        }
        fn kind(&self) -> &'static str {
            "fake"
        }
        fn tools(&self) -> &[ToolSpec] {
            &self.tools
        }
        async fn call(
            &self,
            _: &str,
            args: &JsonObject,
            _: &CallContext,
        ) -> Result<ToolOutput, ConnectorError> {
            Ok(ToolOutput::text(format!("{} got {}", self.id, args.len())))
        }
        async fn check(&self) -> CheckReport {
            CheckReport::ok("fine")
        }
    }

    fn fake(id: &'static str) -> Arc<dyn Connector> {
        Arc::new(Fake {
            id,
            tools: vec![ToolSpec::new::<Nothing>(
                "fake_list_things",
                "t",
                "d",
                ToolEffects::REMOTE_READ,
            )],
        })
    }

    #[tokio::test]
    async fn two_instances_share_one_tool_with_an_instance_enum() {
        let grouped = group(&[fake("pub"), fake("corp")]);
        assert_eq!(grouped.len(), 1);
        let (spec, instances) = &grouped[0];
        assert!(instances.tagged);
        assert_eq!(
            spec.input_schema["properties"]["instance"]["enum"],
            json!(["pub", "corp"])
        );
        let ctx = CallContext::for_tests();
        let default = dispatch(instances, "fake_list_things", &JsonObject::new(), &ctx)
            .await
            .unwrap();
        assert_eq!(default.text, "[instance: pub]\npub got 0");
        let mut args = JsonObject::new();
        args.insert("instance".into(), json!("corp"));
        let chosen = dispatch(instances, "fake_list_things", &args, &ctx)
            .await
            .unwrap();
        assert_eq!(
            chosen.text,
            "[instance: corp]\ncorp got 0\n(from instance corp: add instance=\"corp\" to any call suggested above)"
        );
        args.insert("instance".into(), json!("nope"));
        let err = dispatch(instances, "fake_list_things", &args, &ctx)
            .await
            .unwrap_err();
        assert!(err.to_string().contains("offered by: pub, corp"), "{err}");
    }

    #[tokio::test]
    async fn a_tool_only_one_instance_offers_still_takes_and_names_the_instance() {
        let writer = Arc::new(Fake {
            id: "corp",
            tools: vec![
                ToolSpec::new::<Nothing>("fake_list_things", "t", "d", ToolEffects::REMOTE_READ),
                ToolSpec::new::<Nothing>("fake_add_thing", "t", "d", ToolEffects::ADDITIVE_WRITE),
            ],
        }) as Arc<dyn Connector>;
        let grouped = group(&[fake("pub"), writer]);
        let (spec, only_corp) = grouped
            .iter()
            .find(|(spec, _)| spec.name == "fake_add_thing")
            .unwrap();
        assert_eq!(
            spec.input_schema["properties"]["instance"]["enum"],
            json!(["corp"])
        );
        let ctx = CallContext::for_tests();
        let out = dispatch(only_corp, "fake_add_thing", &JsonObject::new(), &ctx)
            .await
            .unwrap();
        assert_eq!(out.text, "[instance: corp]\ncorp got 0");
        let mut args = JsonObject::new();
        args.insert("instance".into(), json!("pub"));
        let err = dispatch(only_corp, "fake_add_thing", &args, &ctx)
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .contains("instance \"pub\" does not offer fake_add_thing; it is offered by: corp"),
            "{err}"
        );
    }

    #[test]
    fn a_single_instance_has_no_instance_argument() {
        let grouped = group(&[fake("pub")]);
        assert!(!grouped[0].1.tagged);
        assert!(
            grouped[0].0.input_schema["properties"]
                .get("instance")
                .is_none()
        );
    }
}
