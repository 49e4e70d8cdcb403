//! Tool descriptions and typed argument parsing.
//!
//! A connector describes each tool with a [`ToolSpec`] built from a params struct that derives
//! `JsonSchema`. [`ToolSpec::new`] generates a flat `type: object` schema (sub-schemas inlined,
//! no `$schema`, no top-level `anyOf`), which is what every MCP client can read.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::ConnectorError;

/// A JSON object, as tool arguments and schemas are.
pub type JsonObject = Map<String, Value>;

/// The longest tool name we publish; clients add prefixes and cap at 64.
pub const MAX_TOOL_NAME_LEN: usize = 48;

/// How a tool touches the world, published as MCP annotations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolEffects {
    /// The tool only reads.
    pub read_only: bool,
    /// The tool may destroy or overwrite data (meaningful only when not read-only).
    pub destructive: bool,
    /// Calling it twice with the same arguments has no further effect.
    pub idempotent: bool,
    /// The tool reaches systems outside this server (an upstream API).
    pub open_world: bool,
}

impl ToolEffects {
    /// A read-only tool over local data (git, notes).
    pub const LOCAL_READ: ToolEffects = ToolEffects {
        read_only: true,
        destructive: false,
        idempotent: true,
        open_world: false,
    };

    /// A read-only tool that calls an upstream service.
    pub const REMOTE_READ: ToolEffects = ToolEffects {
        read_only: true,
        destructive: false,
        idempotent: true,
        open_world: true,
    };

    /// A write that only adds (a note, a comment).
    pub const ADDITIVE_WRITE: ToolEffects = ToolEffects {
        read_only: false,
        destructive: false,
        idempotent: false,
        open_world: false,
    };

    /// A write that removes or overwrites data.
    pub const DESTRUCTIVE_WRITE: ToolEffects = ToolEffects {
        read_only: false,
        destructive: true,
        idempotent: true,
        open_world: false,
    };
}

/// The description of one tool, independent of any protocol library.
#[derive(Debug, Clone)]
pub struct ToolSpec {
    /// `<kind>_<verb>_<noun>`, `[a-z0-9_]`, at most [`MAX_TOOL_NAME_LEN`] characters.
    pub name: String,
    /// A short human title.
    pub title: String,
    /// What the tool does, when to use it, and what it returns. The first line is the summary.
    pub description: String,
    /// A flat `type: object` JSON schema of the arguments.
    pub input_schema: JsonObject,
    /// How the tool touches the world.
    pub effects: ToolEffects,
    /// The schema of the structured content, for tools that return one.
    pub output_schema: Option<JsonObject>,
}

impl ToolSpec {
    /// Describe a tool whose arguments are `P`.
    pub fn new<P: JsonSchema>(
        name: impl Into<String>,
        title: impl Into<String>,
        description: impl Into<String>,
        effects: ToolEffects,
    ) -> Self {
        ToolSpec {
            name: name.into(),
            title: title.into(),
            description: description.into(),
            input_schema: schema_for::<P>(),
            effects,
            output_schema: None,
        }
    }

    /// Declare that results carry structured content shaped like `O`.
    pub fn with_output<O: JsonSchema>(mut self) -> Self {
        let generator = SchemaSettings::draft2020_12()
            .with(|settings| {
                settings.inline_subschemas = true;
            })
            .into_generator();
        let mut schema = match generator.into_root_schema_for::<O>().to_value() {
            Value::Object(object) => object,
            _ => Map::new(),
        };
        schema.remove("$schema");
        schema.remove("$defs");
        schema.remove("title");
        // Field names say enough; descriptions and formats would cost every client tokens on
        // each tools/list for a schema models rarely read.
        let mut value = Value::Object(schema);
        strip_keys(&mut value, &["description", "format", "title"]);
        if let Value::Object(schema) = value {
            self.output_schema = Some(schema);
        }
        self
    }

    /// The first line of the description.
    pub fn summary(&self) -> &str {
        self.description.lines().next().unwrap_or_default()
    }

    /// Add an argument to the schema (used to add `repo` or `instance` enums).
    pub fn with_argument(mut self, name: &str, schema: Value, required: bool) -> Self {
        add_property(&mut self.input_schema, name, schema, required);
        self
    }
}

/// Add a property to a flat object schema, optionally marking it required.
pub fn add_property(schema: &mut JsonObject, name: &str, property: Value, required: bool) {
    let properties = schema
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(properties) = properties {
        properties.insert(name.to_owned(), property);
    }
    if required {
        let list = schema
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = list
            && !list.iter().any(|v| v.as_str() == Some(name))
        {
            list.push(Value::String(name.to_owned()));
        }
    }
}

/// Generate a flat object schema for `P`: sub-schemas inlined, `$schema` and `title` dropped,
/// `Option<T>` published as plain `T` (absence already means "not given").
pub fn schema_for<P: JsonSchema>() -> JsonObject {
    let generator = SchemaSettings::draft2020_12()
        .with(|settings| {
            settings.inline_subschemas = true;
        })
        .into_generator();
    let schema = generator.into_root_schema_for::<P>();
    let mut object = match schema.to_value() {
        Value::Object(object) => object,
        _ => Map::new(),
    };
    object.remove("$schema");
    object.remove("title");
    object.remove("$defs");
    // The params struct's doc comment; the tool's description already says it.
    object.remove("description");
    if !object.contains_key("type") {
        object.insert("type".into(), Value::String("object".into()));
    }
    if !object.contains_key("properties") {
        object.insert("properties".into(), Value::Object(Map::new()));
    }
    if let Some(Value::Object(properties)) = object.get_mut("properties") {
        for property in properties.values_mut() {
            drop_null_from_type(property);
        }
    }
    object
}

/// Remove `keys` from every schema object, recursively (not from `properties` maps, whose keys
/// are field names).
fn strip_keys(value: &mut Value, keys: &[&str]) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if key == "properties" {
                    if let Value::Object(fields) = child {
                        for field in fields.values_mut() {
                            strip_keys(field, keys);
                        }
                    }
                } else {
                    strip_keys(child, keys);
                }
            }
            for key in keys {
                if map.get(*key).is_some_and(|v| !v.is_object()) {
                    map.remove(*key);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| strip_keys(item, keys)),
        _ => {}
    }
}

/// `["string", "null"]` → `"string"`; `anyOf: [X, {type: null}]` → `X`.
fn drop_null_from_type(property: &mut Value) {
    let Value::Object(map) = property else {
        return;
    };
    if let Some(Value::Array(types)) = map.get("type") {
        let kept: Vec<Value> = types
            .iter()
            .filter(|t| t.as_str() != Some("null"))
            .cloned()
            .collect();
        let replacement = if kept.len() == 1 {
            kept.into_iter().next().unwrap_or(Value::Null)
        } else {
            Value::Array(kept)
        };
        map.insert("type".into(), replacement);
    }
    if let Some(Value::Array(variants)) = map.get("anyOf") {
        let kept: Vec<Value> = variants
            .iter()
            .filter(|v| v.get("type").and_then(Value::as_str) != Some("null"))
            .cloned()
            .collect();
        if kept.len() == 1
            && let Some(Value::Object(inner)) = kept.into_iter().next()
        {
            map.remove("anyOf");
            for (key, value) in inner {
                map.entry(key).or_insert(value);
            }
        }
    }
    if let Some(Value::Array(values)) = map.get_mut("enum") {
        values.retain(|v| !v.is_null());
    }
    flatten_const_one_of(map);
}

/// `oneOf: [{const: "a", description: "…"}, …]` (what documented enum variants generate) →
/// `enum: ["a", …]`, with the variants' descriptions folded into the property's description.
/// Plain enums are read by every client; `oneOf` of constants is not.
fn flatten_const_one_of(map: &mut JsonObject) {
    let Some(Value::Array(variants)) = map.get("oneOf") else {
        return;
    };
    let mut values = Vec::with_capacity(variants.len());
    let mut notes = Vec::with_capacity(variants.len());
    for variant in variants {
        let Some(value) = variant.get("const") else {
            return;
        };
        if let (Some(name), Some(description)) = (
            value.as_str(),
            variant.get("description").and_then(Value::as_str),
        ) {
            notes.push(format!("{name}: {}", description.trim_end_matches('.')));
        }
        values.push(value.clone());
    }
    map.remove("oneOf");
    let base = map
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    // When the description already names every value, the variant notes only add tokens.
    if values
        .iter()
        .filter_map(Value::as_str)
        .all(|value| base.contains(value))
    {
        notes.clear();
    }
    if values.iter().all(Value::is_string) {
        map.insert("type".into(), Value::String("string".into()));
    }
    map.insert("enum".into(), Value::Array(values));
    if !notes.is_empty() {
        let base = map
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim_end()
            .to_owned();
        let joined = notes.join("; ");
        let description = if base.is_empty() {
            format!("{joined}.")
        } else {
            format!("{base} ({joined}.)")
        };
        map.insert("description".into(), Value::String(description));
    }
}

/// Parse tool arguments into their typed params struct, naming the offending argument on
/// failure (`limit: invalid type: string "abc", expected u32`).
pub fn parse_args<P: DeserializeOwned>(args: &JsonObject) -> Result<P, ConnectorError> {
    serde_path_to_error::deserialize::<_, P>(Value::Object(args.clone())).map_err(|err| {
        let path = err.path().to_string();
        let message = err.into_inner().to_string();
        if path == "." || message.contains(&format!("`{path}`")) {
            ConnectorError::InvalidArguments(message)
        } else {
            ConnectorError::InvalidArguments(format!("{path}: {message}"))
        }
    })
}

/// Is `name` a valid published tool name?
pub fn is_valid_tool_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_TOOL_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && !name.starts_with('_')
}

#[cfg(test)]
mod tests {
    use super::{JsonObject, is_valid_tool_name, parse_args, schema_for};
    use schemars::JsonSchema;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only the schema and parsing are under test")]
    struct Params {
        /// The revision.
        rev: String,
        /// How many.
        limit: Option<u32>,
        /// Which way.
        order: Option<Order>,
    }

    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(rename_all = "snake_case")]
    enum Order {
        Newest,
        Oldest,
    }

    #[derive(Debug, Deserialize, JsonSchema)]
    #[expect(dead_code, reason = "only the schema is under test")]
    struct Documented {
        /// Which refs.
        kind: Option<Kind>,
    }

    #[derive(Debug, Deserialize, JsonSchema)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        /// Branches and tags.
        All,
        /// Tags only.
        Tags,
    }

    #[test]
    fn documented_enums_become_plain_enums() {
        let schema = schema_for::<Documented>();
        let kind = &schema["properties"]["kind"];
        assert!(kind.get("oneOf").is_none(), "{kind}");
        assert_eq!(kind["enum"], json!(["all", "tags"]));
        assert_eq!(kind["type"], "string");
        assert_eq!(
            kind["description"],
            "Which refs. (all: Branches and tags; tags: Tags only.)"
        );
    }

    #[test]
    fn schema_is_flat_object_without_nulls() {
        let schema = schema_for::<Params>();
        assert_eq!(schema["type"], "object");
        assert!(!schema.contains_key("$schema"));
        assert!(!schema.contains_key("$defs"));
        assert!(!schema.contains_key("anyOf"));
        assert_eq!(schema["properties"]["limit"]["type"], "integer");
        assert_eq!(schema["properties"]["rev"]["description"], "The revision.");
        assert_eq!(schema["required"], json!(["rev"]));
        let order = &schema["properties"]["order"];
        assert_eq!(order["enum"], json!(["newest", "oldest"]));
    }

    #[test]
    fn parse_errors_name_the_field() {
        let mut args = JsonObject::new();
        args.insert("rev".into(), json!(12));
        let err = parse_args::<Params>(&args).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid arguments: rev: invalid type: integer `12`, expected a string"
        );
        let mut args = JsonObject::new();
        args.insert("rev".into(), json!("HEAD"));
        args.insert("order".into(), json!("sideways"));
        let err = parse_args::<Params>(&args).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("invalid arguments: order: unknown variant `sideways`"),
            "{err}"
        );
        let err = parse_args::<Params>(&JsonObject::new()).unwrap_err();
        assert_eq!(err.to_string(), "invalid arguments: missing field `rev`");
        let mut args = JsonObject::new();
        args.insert("rev".into(), json!("HEAD"));
        args.insert("bogus".into(), json!(1));
        let err = parse_args::<Params>(&args).unwrap_err();
        assert!(err.to_string().contains("bogus"), "{err}");
    }

    #[test]
    fn tool_names() {
        assert!(is_valid_tool_name("git_log"));
        assert!(!is_valid_tool_name("Git_log"));
        assert!(!is_valid_tool_name("git-log"));
        assert!(!is_valid_tool_name(&"a".repeat(49)));
        assert!(!is_valid_tool_name(""));
    }
}
