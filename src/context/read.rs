//! `read_context`: read any item by its URI, whichever source it comes from.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{
    CallContext, ConnectorError, JsonObject, ToolEffects, ToolOutput, ToolSpec, parse_args,
};

use crate::registry::Registry;

/// The tool name.
pub const NAME: &str = "read_context";

/// Arguments of `read_context`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The item's URI as tools return it, e.g. git://myrepo/commit/HEAD or note://3.
    uri: String,
}

/// The tool's description.
pub fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Read any item by URI",
        "Read any item by the URI a tool or search returned (git://…, note://…, any configured source).\n\
         The URI's scheme names the source; the result is the item as text.",
        ToolEffects::LOCAL_READ,
    )
}

/// Run `read_context`.
pub async fn run(
    registry: &Registry,
    args: &JsonObject,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let params: Params = parse_args(args)?;
    registry.read(params.uri.trim(), ctx).await
}
