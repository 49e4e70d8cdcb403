//! Workspace notes as a connector: `note_add`, `note_list`, `note_read`, `note_delete`,
//! resources `note://<id>`, and search for the cross-source `search_context`.
//!
//! Notes are Switchyard's own shared memory: every client of the same data directory (a
//! stdio process and an HTTP server alike) sees the same notes. The author is the caller's
//! identity; only the author may delete a note.

mod render;
mod tools;

use async_trait::async_trait;
use switchyard_core::{
    CallContext, CheckReport, Connector, ConnectorError, ItemUri, JsonObject, ResourceTemplateSpec,
    SearchHit, SearchQuery, ToolOutput, ToolSpec,
};

use crate::store::{NotesStore, StoreError};

/// The instance id and URI scheme of notes.
pub const NOTES_ID: &str = "note";

/// The names of the notes tools (known without opening the store).
pub fn tool_names() -> Vec<&'static str> {
    vec![
        tools::add::NAME,
        tools::list::NAME,
        tools::read::NAME,
        tools::delete::NAME,
    ]
}

/// The notes connector.
#[derive(Debug)]
pub struct NotesConnector {
    store: NotesStore,
    tools: Vec<ToolSpec>,
}

impl NotesConnector {
    /// Notes backed by `store`.
    pub fn new(store: NotesStore) -> Self {
        NotesConnector {
            store,
            tools: tools::specs(),
        }
    }
}

/// Store failures reach the caller as internal errors that say what failed.
pub(crate) fn store_error(err: StoreError) -> ConnectorError {
    ConnectorError::Internal(format!("the notes database failed: {err}"))
}

/// Parse the id of `note://<id>` or a bare id.
pub(crate) fn parse_note_id(text: &str) -> Result<i64, ConnectorError> {
    let bare = text.strip_prefix("note://").unwrap_or(text);
    bare.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            ConnectorError::invalid(format!(
                "{text:?} is not a note id; pass the number from note_list or a note:// URI"
            ))
        })
}

#[async_trait]
impl Connector for NotesConnector {
    fn id(&self) -> &str {
        NOTES_ID
    }

    fn kind(&self) -> &'static str {
        "note"
    }

    fn tools(&self) -> &[ToolSpec] {
        &self.tools
    }

    async fn call(
        &self,
        tool: &str,
        args: &JsonObject,
        ctx: &CallContext,
    ) -> Result<ToolOutput, ConnectorError> {
        match tool {
            tools::add::NAME => tools::add::run(&self.store, args, ctx).await,
            tools::list::NAME => tools::list::run(&self.store, args, ctx).await,
            tools::read::NAME => tools::read::run(&self.store, args, ctx).await,
            tools::delete::NAME => tools::delete::run(&self.store, args, ctx).await,
            other => Err(ConnectorError::invalid(format!(
                "notes have no tool named {other:?}"
            ))),
        }
    }

    async fn check(&self) -> CheckReport {
        match self
            .store
            .list(&crate::store::NoteFilter {
                limit: 1,
                ..Default::default()
            })
            .await
        {
            Ok(_) => CheckReport::ok("the notes database answers"),
            Err(err) => CheckReport::failed(format!("the notes database failed: {err}")),
        }
    }

    fn resource_templates(&self) -> Vec<ResourceTemplateSpec> {
        vec![ResourceTemplateSpec {
            uri_template: "note://{id}".into(),
            name: "note".into(),
            description: "A workspace note by id, with its tags, links and author".into(),
            mime_type: "text/markdown".into(),
        }]
    }

    async fn read(&self, uri: &ItemUri, _ctx: &CallContext) -> Result<ToolOutput, ConnectorError> {
        let id = parse_note_id(uri.path())?;
        let note = self
            .store
            .get(id)
            .await
            .map_err(store_error)?
            .ok_or_else(|| {
                ConnectorError::not_found(format!(
                    "note {id} does not exist; note_list shows the notes there are"
                ))
            })?;
        Ok(ToolOutput {
            uris: vec![render::uri(note.id)],
            ..ToolOutput::text(render::full(&note))
        })
    }

    fn searchable(&self) -> bool {
        true
    }

    async fn search(
        &self,
        query: &SearchQuery,
        _ctx: &CallContext,
    ) -> Result<Vec<SearchHit>, ConnectorError> {
        let limit = u32::try_from(query.limit).unwrap_or(u32::MAX);
        let hits = self
            .store
            .search(&query.text, limit)
            .await
            .map_err(store_error)?;
        Ok(hits
            .into_iter()
            .map(|hit| SearchHit {
                uri: render::uri(hit.note.id),
                title: render::title(&hit.note),
                snippet: hit.snippet,
                score: hit.score,
                updated: Some(hit.note.created_at.clone()),
            })
            .collect())
    }
}
