//! The subset of JSON Schema that `json_schema` checks understand.
//!
//! A full validator (the `jsonschema` crate) brings a regex engine with backtracking, a URI
//! resolver and an HTTP client for remote references; eval answers need none of that. These
//! keywords are enough to say "an object with these fields of these types":
//!
//! | keyword | meaning |
//! |---|---|
//! | `type` | `object`, `array`, `string`, `number`, `integer`, `boolean`, `null`, or a list of them |
//! | `enum`, `const` | the value is one of these / exactly this |
//! | `required` | these properties are present |
//! | `properties` | each present property matches its schema |
//! | `additionalProperties` | `false`: no property outside `properties` (a boolean only) |
//! | `items` | every element matches this schema (one schema, not a tuple) |
//! | `minItems`, `maxItems` | array length bounds |
//! | `minLength`, `maxLength` | string length bounds, in characters |
//! | `pattern` | the string contains a match of this regex (unanchored, as in JSON Schema) |
//! | `minimum`, `maximum` | inclusive number bounds |
//!
//! `title`, `description`, `$schema`, `$id`, `examples` and `default` are accepted and ignored.
//! Any other keyword is refused when the suite loads, so a schema never silently checks less
//! than its author thinks.

use std::collections::BTreeMap;

use regex::Regex;
use serde_json::{Map, Value};

/// Keywords accepted and ignored.
const ANNOTATIONS: &[&str] = &[
    "title",
    "description",
    "$schema",
    "$id",
    "examples",
    "default",
];

/// The JSON types a schema can name.
const TYPES: &[&str] = &[
    "object", "array", "string", "number", "integer", "boolean", "null",
];

/// A compiled schema of the supported subset.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    types: Option<Vec<String>>,
    allowed: Option<Vec<Value>>,
    required: Vec<String>,
    properties: BTreeMap<String, Schema>,
    additional_properties: bool,
    items: Option<Box<Schema>>,
    min_items: Option<u64>,
    max_items: Option<u64>,
    min_length: Option<u64>,
    max_length: Option<u64>,
    pattern: Option<Regex>,
    minimum: Option<f64>,
    maximum: Option<f64>,
}

impl Schema {
    /// Compile a schema; an error names the JSON pointer of the offending keyword.
    pub fn compile(value: &Value) -> Result<Schema, String> {
        compile_at(value, "")
    }

    /// Check `value`; the error names where it fails (`/findings/0/line: …`).
    pub fn validate(&self, value: &Value) -> Result<(), String> {
        self.validate_at(value, "")
    }

    fn validate_at(&self, value: &Value, at: &str) -> Result<(), String> {
        let here = if at.is_empty() { "/" } else { at };
        let fail = |message: String| Err(format!("at {here}: {message}"));
        if let Some(types) = &self.types
            && !types.iter().any(|t| has_type(value, t))
        {
            return fail(format!(
                "expected {}, found {}",
                types.join(" or "),
                type_name(value)
            ));
        }
        if let Some(allowed) = &self.allowed
            && !allowed.contains(value)
        {
            let options: Vec<String> = allowed.iter().map(Value::to_string).collect();
            return fail(format!("{value} is not one of {}", options.join(", ")));
        }
        match value {
            Value::Object(map) => self.validate_object(map, at, here)?,
            Value::Array(list) => {
                let length = list.len() as u64;
                if let Some(min) = self.min_items
                    && length < min
                {
                    return fail(format!("{length} items, fewer than {min}"));
                }
                if let Some(max) = self.max_items
                    && length > max
                {
                    return fail(format!("{length} items, more than {max}"));
                }
                if let Some(items) = &self.items {
                    for (index, item) in list.iter().enumerate() {
                        items.validate_at(item, &format!("{at}/{index}"))?;
                    }
                }
            }
            Value::String(text) => {
                let length = text.chars().count() as u64;
                if let Some(min) = self.min_length
                    && length < min
                {
                    return fail(format!("{length} characters, fewer than {min}"));
                }
                if let Some(max) = self.max_length
                    && length > max
                {
                    return fail(format!("{length} characters, more than {max}"));
                }
                if let Some(pattern) = &self.pattern
                    && !pattern.is_match(text)
                {
                    return fail(format!("{text:?} does not match /{pattern}/"));
                }
            }
            Value::Number(number) => {
                let number = number.as_f64().unwrap_or(f64::NAN);
                if let Some(min) = self.minimum
                    && number < min
                {
                    return fail(format!("{number} is less than {min}"));
                }
                if let Some(max) = self.maximum
                    && number > max
                {
                    return fail(format!("{number} is more than {max}"));
                }
            }
            Value::Bool(_) | Value::Null => {}
        }
        Ok(())
    }

    fn validate_object(
        &self,
        map: &Map<String, Value>,
        at: &str,
        here: &str,
    ) -> Result<(), String> {
        for name in &self.required {
            if !map.contains_key(name) {
                return Err(format!("at {here}: missing required property {name:?}"));
            }
        }
        for (name, item) in map {
            let path = format!("{at}/{}", escape_pointer(name));
            match self.properties.get(name) {
                Some(schema) => schema.validate_at(item, &path)?,
                None if !self.additional_properties => {
                    return Err(format!("at {here}: unexpected property {name:?}"));
                }
                None => {}
            }
        }
        Ok(())
    }
}

fn compile_at(value: &Value, at: &str) -> Result<Schema, String> {
    let here = if at.is_empty() { "/" } else { at };
    let Value::Object(map) = value else {
        return Err(format!(
            "at {here}: a schema is an object, found {}",
            type_name(value)
        ));
    };
    let bad = |keyword: &str, expected: &str| format!("at {at}/{keyword}: expected {expected}");
    let mut schema = Schema {
        additional_properties: true,
        ..Schema::default()
    };
    for (keyword, arg) in map {
        match keyword.as_str() {
            "type" => {
                let names: Vec<String> = match arg {
                    Value::String(name) => vec![name.clone()],
                    Value::Array(names) => names
                        .iter()
                        .map(|n| n.as_str().map(str::to_owned))
                        .collect::<Option<_>>()
                        .ok_or_else(|| bad(keyword, "a type name or a list of them"))?,
                    _ => return Err(bad(keyword, "a type name or a list of them")),
                };
                if let Some(unknown) = names.iter().find(|n| !TYPES.contains(&n.as_str())) {
                    return Err(format!(
                        "at {at}/type: {unknown:?} is not a JSON type; use one of {}",
                        TYPES.join(", ")
                    ));
                }
                schema.types = Some(names);
            }
            "enum" => {
                let options = arg.as_array().ok_or_else(|| bad(keyword, "a list"))?;
                schema.allowed = Some(options.clone());
            }
            "const" => schema.allowed = Some(vec![arg.clone()]),
            "required" => {
                schema.required = arg
                    .as_array()
                    .and_then(|names| {
                        names
                            .iter()
                            .map(|n| n.as_str().map(str::to_owned))
                            .collect::<Option<Vec<_>>>()
                    })
                    .ok_or_else(|| bad(keyword, "a list of property names"))?;
            }
            "properties" => {
                let properties = arg
                    .as_object()
                    .ok_or_else(|| bad(keyword, "an object of schemas"))?;
                for (name, property) in properties {
                    let path = format!("{at}/properties/{}", escape_pointer(name));
                    schema
                        .properties
                        .insert(name.clone(), compile_at(property, &path)?);
                }
            }
            "additionalProperties" => {
                schema.additional_properties = arg.as_bool().ok_or_else(|| {
                    bad(keyword, "true or false (schemas here are not supported)")
                })?;
            }
            "items" => {
                schema.items = Some(Box::new(compile_at(arg, &format!("{at}/items"))?));
            }
            "minItems" => {
                schema.min_items = Some(count(arg).ok_or_else(|| bad(keyword, "a count"))?)
            }
            "maxItems" => {
                schema.max_items = Some(count(arg).ok_or_else(|| bad(keyword, "a count"))?)
            }
            "minLength" => {
                schema.min_length = Some(count(arg).ok_or_else(|| bad(keyword, "a count"))?);
            }
            "maxLength" => {
                schema.max_length = Some(count(arg).ok_or_else(|| bad(keyword, "a count"))?);
            }
            "pattern" => {
                let text = arg.as_str().ok_or_else(|| bad(keyword, "a regex"))?;
                let regex = Regex::new(text)
                    .map_err(|err| format!("at {at}/pattern: not a valid regex: {err}"))?;
                schema.pattern = Some(regex);
            }
            "minimum" => {
                schema.minimum = Some(arg.as_f64().ok_or_else(|| bad(keyword, "a number"))?)
            }
            "maximum" => {
                schema.maximum = Some(arg.as_f64().ok_or_else(|| bad(keyword, "a number"))?)
            }
            other if ANNOTATIONS.contains(&other) => {}
            other => {
                return Err(format!(
                    "at {at}/{other}: the keyword {other:?} is not supported; json_schema checks understand type, enum, const, required, properties, additionalProperties (boolean), items, minItems, maxItems, minLength, maxLength, pattern, minimum, maximum"
                ));
            }
        }
    }
    Ok(schema)
}

fn count(value: &Value) -> Option<u64> {
    value.as_u64()
}

/// Whether `value` is of the JSON Schema type `name` (an integer-valued float is an integer).
fn has_type(value: &Value, name: &str) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => match value {
            Value::Number(n) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        },
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        _ => false,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::Bool(_) => "boolean",
        Value::Null => "null",
    }
}

/// A property name as a JSON pointer segment.
fn escape_pointer(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod tests {
    use super::Schema;
    use serde_json::json;

    fn findings() -> Schema {
        Schema::compile(&json!({
            "type": "object",
            "required": ["findings"],
            "additionalProperties": false,
            "properties": {
                "findings": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["line", "severity"],
                        "properties": {
                            "line": { "type": "integer", "minimum": 1 },
                            "severity": { "enum": ["low", "medium", "high", "critical"] },
                            "issue": { "type": "string", "minLength": 3, "pattern": "\\w" }
                        }
                    }
                }
            }
        }))
        .unwrap()
    }

    #[test]
    fn a_matching_document_passes() {
        let doc =
            json!({ "findings": [{ "line": 12, "severity": "high", "issue": "sql injection" }] });
        assert_eq!(findings().validate(&doc), Ok(()));
        // 3.0 is an integer, as in JSON Schema.
        let doc = json!({ "findings": [{ "line": 3.0, "severity": "low" }] });
        assert_eq!(findings().validate(&doc), Ok(()));
    }

    #[test]
    fn violations_name_where() {
        let schema = findings();
        let cases = [
            (json!([]), "at /: expected object, found array"),
            (json!({}), "at /: missing required property \"findings\""),
            (
                json!({ "findings": [], "extra": 1 }),
                "at /: unexpected property \"extra\"",
            ),
            (
                json!({ "findings": [] }),
                "at /findings: 0 items, fewer than 1",
            ),
            (
                json!({ "findings": [{ "line": "12", "severity": "high" }] }),
                "at /findings/0/line: expected integer, found string",
            ),
            (
                json!({ "findings": [{ "line": 0, "severity": "high" }] }),
                "at /findings/0/line: 0 is less than 1",
            ),
            (
                json!({ "findings": [{ "line": 2, "severity": "urgent" }] }),
                "at /findings/0/severity: \"urgent\" is not one of \"low\", \"medium\", \"high\", \"critical\"",
            ),
            (
                json!({ "findings": [{ "line": 2, "severity": "low", "issue": "ab" }] }),
                "at /findings/0/issue: 2 characters, fewer than 3",
            ),
        ];
        for (doc, expected) in cases {
            assert_eq!(schema.validate(&doc), Err(expected.to_owned()), "{doc}");
        }
    }

    #[test]
    fn unsupported_keywords_are_refused_with_their_place() {
        let err = Schema::compile(&json!({ "properties": { "a": { "oneOf": [] } } })).unwrap_err();
        assert!(
            err.starts_with("at /properties/a/oneOf: the keyword \"oneOf\" is not supported"),
            "{err}"
        );
        let err = Schema::compile(&json!({ "type": "text" })).unwrap_err();
        assert!(err.contains("\"text\" is not a JSON type"), "{err}");
        let err = Schema::compile(&json!("object")).unwrap_err();
        assert!(err.contains("a schema is an object"), "{err}");
        assert!(
            Schema::compile(&json!({ "description": "ignored", "type": ["string", "null"] }))
                .is_ok()
        );
    }
}
