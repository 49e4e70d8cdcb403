//! Fixture resources (`test://…`), the template `test://template/{id}/data`, completion of
//! its `id`, and the handshake-era `resources/subscribe` / `resources/unsubscribe`.
//!
//! The fixtures own the whole `test` scheme: an unknown `test://` URI is "resource not
//! found" (`-32002` for the handshake era, `-32602` for 2026-07-28, rmcp maps it) with the
//! URI in `data`.

use rmcp::ErrorData as McpError;
use rmcp::model::{
    ReadResourceResult, Resource, ResourceContents, ResourceTemplate, SubscribeRequestParams,
    UnsubscribeRequestParams,
};
use serde_json::json;

use super::media;
use super::sessions::Sessions;

/// The text resource.
pub const STATIC_TEXT: &str = "test://static-text";
/// The binary resource.
pub const STATIC_BINARY: &str = "test://static-binary";
/// The resource clients subscribe to.
pub const WATCHED: &str = "test://watched-resource";
/// The template.
pub const TEMPLATE: &str = "test://template/{id}/data";

const TEMPLATE_PREFIX: &str = "test://template/";
const TEMPLATE_SUFFIX: &str = "/data";

/// The ids the template's completion offers.
const TEMPLATE_IDS: &[&str] = &["1", "12", "123", "1234", "42", "7"];

/// Whether `uri` belongs to the fixtures.
pub fn owns(uri: &str) -> bool {
    uri.starts_with("test://")
}

/// Whether `uri` is one of the listed resources.
pub fn is_listed(uri: &str) -> bool {
    matches!(uri, STATIC_TEXT | STATIC_BINARY | WATCHED)
}

/// `resources/list`.
pub fn list() -> Vec<Resource> {
    vec![
        Resource::new(STATIC_TEXT, "static-text")
            .with_title("Static text")
            .with_description("A text resource whose content never changes")
            .with_mime_type("text/plain"),
        Resource::new(STATIC_BINARY, "static-binary")
            .with_title("Static binary")
            .with_description("A binary resource: a 1x1 PNG image")
            .with_mime_type("image/png"),
        Resource::new(WATCHED, "watched-resource")
            .with_title("Watched resource")
            .with_description("A resource clients may subscribe to")
            .with_mime_type("text/plain"),
    ]
}

/// `resources/templates/list`.
pub fn templates() -> Vec<ResourceTemplate> {
    vec![
        ResourceTemplate::new(TEMPLATE, "template-data")
            .with_title("Data by id")
            .with_description("JSON data for any id, substituted into the URI")
            .with_mime_type("application/json"),
    ]
}

/// `resources/read` of a fixture URI.
pub fn read(uri: &str) -> Result<ReadResourceResult, McpError> {
    let contents = match uri {
        STATIC_TEXT => {
            ResourceContents::text("This is the content of the static text resource.", uri)
                .with_mime_type("text/plain")
        }
        STATIC_BINARY => ResourceContents::blob(media::PNG_BASE64, uri).with_mime_type("image/png"),
        WATCHED => ResourceContents::text("This resource is watched by subscribers.", uri)
            .with_mime_type("text/plain"),
        _ => match template_id(uri) {
            Some(id) => {
                let data =
                    json!({"id": id, "templateTest": true, "data": format!("Data for ID: {id}")});
                ResourceContents::text(data.to_string(), uri).with_mime_type("application/json")
            }
            None => return Err(not_found(uri)),
        },
    };
    Ok(ReadResourceResult::new(vec![contents]))
}

/// The `{id}` of a template URI.
fn template_id(uri: &str) -> Option<&str> {
    let id = uri
        .strip_prefix(TEMPLATE_PREFIX)?
        .strip_suffix(TEMPLATE_SUFFIX)?;
    let valid = !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then_some(id)
}

fn not_found(uri: &str) -> McpError {
    McpError::resource_not_found(
        format!(
            "no resource {uri}; resources/list and resources/templates/list show what there is"
        ),
        Some(json!({ "uri": uri })),
    )
}

/// Completions of the template's `id` argument that start with `prefix`.
pub fn complete_id(prefix: &str) -> Vec<String> {
    TEMPLATE_IDS
        .iter()
        .filter(|id| id.starts_with(prefix))
        .map(|id| (*id).to_owned())
        .collect()
}

/// `resources/subscribe` (handshake era).
pub fn subscribe(
    sessions: &Sessions,
    session: &str,
    request: &SubscribeRequestParams,
) -> Result<(), McpError> {
    if !is_listed(&request.uri) {
        return Err(not_found(&request.uri));
    }
    sessions.subscribe(session, &request.uri);
    Ok(())
}

/// `resources/unsubscribe` (handshake era); unsubscribing twice is not an error.
pub fn unsubscribe(
    sessions: &Sessions,
    session: &str,
    request: &UnsubscribeRequestParams,
) -> Result<(), McpError> {
    if !is_listed(&request.uri) {
        return Err(not_found(&request.uri));
    }
    sessions.unsubscribe(session, &request.uri);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{complete_id, read, template_id};
    use rmcp::model::ResourceContents;

    #[test]
    fn reads_fixtures_and_templates() {
        let text = read("test://static-text").unwrap();
        assert!(matches!(
            &text.contents[0],
            ResourceContents::TextResourceContents { .. }
        ));
        let blob = read("test://static-binary").unwrap();
        assert!(matches!(
            &blob.contents[0],
            ResourceContents::BlobResourceContents { .. }
        ));
        let data = serde_json::to_value(read("test://template/123/data").unwrap()).unwrap();
        assert!(
            data["contents"][0]["text"]
                .as_str()
                .unwrap()
                .contains("\"id\":\"123\"")
        );
        let missing = read("test://nonexistent").unwrap_err();
        assert_eq!(missing.data.unwrap()["uri"], "test://nonexistent");
        assert_eq!(template_id("test://template//data"), None);
        assert_eq!(template_id("test://template/a/b/data"), None);
    }

    #[test]
    fn completes_ids() {
        assert_eq!(complete_id("12"), vec!["12", "123", "1234"]);
        assert!(complete_id("x").is_empty());
    }
}
