//! `note_add`: write a note to the shared workspace.

use schemars::JsonSchema;
use serde::Deserialize;
use switchyard_core::{
    CallContext, ConnectorError, ItemUri, JsonObject, ToolEffects, ToolOutput, ToolSpec, parse_args,
};

use crate::notes::{render, store_error};
use crate::store::{NewNote, NotesStore};

/// The tool name.
pub const NAME: &str = "note_add";

/// The longest note accepted, in characters (as the schema's maxLength says).
pub const MAX_NOTE_CHARS: usize = 65_536;

/// The most tags and links a note may carry.
pub const MAX_TAGS: usize = 20;
/// The most links a note may carry.
pub const MAX_LINKS: usize = 50;

/// Arguments of `note_add`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The note, in markdown (at most 65536 characters).
    #[schemars(length(max = 65536))]
    text: String,
    /// Tags to find it by later (at most 20 lowercase words such as "deploy", "incident-42").
    #[serde(default)]
    tags: Vec<String>,
    /// URIs of the items the note is about (at most 50: git://…, note://…, any source's URI).
    #[serde(default)]
    links: Vec<String>,
}

/// The tool's description.
pub fn spec() -> ToolSpec {
    ToolSpec::new::<Params>(
        NAME,
        "Add a workspace note",
        "Add a note to the workspace shared by every client of this server.\n\
         Use it to leave findings, decisions or hand-offs for other agents and people; link the \
         items it is about by their URIs. Returns the new note's note:// URI.",
        ToolEffects::ADDITIVE_WRITE,
    )
}

/// Run `note_add`.
pub async fn run(
    store: &NotesStore,
    args: &JsonObject,
    ctx: &CallContext,
) -> Result<ToolOutput, ConnectorError> {
    let params: Params = parse_args(args)?;
    let text = params.text.trim().to_owned();
    if text.is_empty() {
        return Err(ConnectorError::invalid("text must not be empty"));
    }
    let chars = text.chars().count();
    if chars > MAX_NOTE_CHARS {
        return Err(ConnectorError::invalid(format!(
            "text is {chars} characters; a note holds at most {MAX_NOTE_CHARS}, so split it or link the source instead"
        )));
    }
    if params.tags.len() > MAX_TAGS {
        return Err(ConnectorError::invalid(format!(
            "{} tags given; a note takes at most {MAX_TAGS}",
            params.tags.len()
        )));
    }
    let mut tags = Vec::with_capacity(params.tags.len());
    for tag in params.tags {
        let tag = tag.trim().to_lowercase();
        if tag.is_empty() || tag.len() > 64 || tag.chars().any(char::is_whitespace) {
            return Err(ConnectorError::invalid(format!(
                "tag {tag:?} must be one word of at most 64 characters"
            )));
        }
        tags.push(tag);
    }
    if params.links.len() > MAX_LINKS {
        return Err(ConnectorError::invalid(format!(
            "{} links given; a note takes at most {MAX_LINKS}",
            params.links.len()
        )));
    }
    for link in &params.links {
        ItemUri::parse(link)?;
    }
    let note = store
        .add(NewNote {
            text,
            author: ctx.identity.user.clone(),
            team: ctx.identity.team.clone(),
            tags,
            links: params.links,
        })
        .await
        .map_err(store_error)?;
    let uri = render::uri(note.id);
    Ok(ToolOutput {
        uris: vec![uri.clone()],
        ..ToolOutput::text(format!("added {uri}\n{}", render::line(&note)))
    })
}
