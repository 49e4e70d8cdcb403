//! Queries over workspace notes: add, read, list with filters and keyset paging, delete,
//! and full-text search (FTS5, ranked by bm25).

use sqlx::sqlite::SqlitePool;
use sqlx::{QueryBuilder, Row, Sqlite};

use super::StoreError;

/// A stored note with its tags and links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Its id (the `note://<id>` URI).
    pub id: i64,
    /// The text (markdown).
    pub text: String,
    /// Who wrote it.
    pub author: String,
    /// The author's team, when known.
    pub team: Option<String>,
    /// When it was written (RFC 3339, UTC).
    pub created_at: String,
    /// Its tags, sorted.
    pub tags: Vec<String>,
    /// URIs of the items it is about, in the order given.
    pub links: Vec<String>,
}

/// A note to add.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    /// The text.
    pub text: String,
    /// Who writes it.
    pub author: String,
    /// Their team.
    pub team: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Linked URIs.
    pub links: Vec<String>,
}

/// Which notes to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteFilter {
    /// Only notes with this tag.
    pub tag: Option<String>,
    /// Only notes whose text contains this (case-insensitive).
    pub text: Option<String>,
    /// Only notes by this author.
    pub author: Option<String>,
    /// Only notes linking this URI.
    pub linked: Option<String>,
    /// Only notes with an id below this (keyset paging, newest first).
    pub before_id: Option<i64>,
    /// At most this many.
    pub limit: u32,
}

/// A search hit over notes.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteHit {
    /// The note.
    pub note: Note,
    /// An excerpt around the match.
    pub snippet: String,
    /// Higher is better.
    pub score: f64,
}

/// Notes in the embedded store.
#[derive(Debug, Clone)]
pub struct NotesStore {
    pool: SqlitePool,
}

impl NotesStore {
    /// Notes over an open pool.
    pub fn new(pool: SqlitePool) -> Self {
        NotesStore { pool }
    }

    /// Add a note; returns it as stored.
    pub async fn add(&self, note: NewNote) -> Result<Note, StoreError> {
        let created_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO notes (text, author, team, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(&note.text)
        .bind(&note.author)
        .bind(&note.team)
        .bind(&created_at)
        .fetch_one(&mut *tx)
        .await?
        .try_get("id")?;
        let mut tags = note.tags.clone();
        tags.sort();
        tags.dedup();
        for tag in &tags {
            sqlx::query("INSERT INTO note_tags (note_id, tag) VALUES (?, ?)")
                .bind(id)
                .bind(tag)
                .execute(&mut *tx)
                .await?;
        }
        for (position, uri) in note.links.iter().enumerate() {
            sqlx::query("INSERT INTO note_links (note_id, position, uri) VALUES (?, ?, ?)")
                .bind(id)
                .bind(position as i64)
                .bind(uri)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(Note {
            id,
            text: note.text,
            author: note.author,
            team: note.team,
            created_at,
            tags,
            links: note.links,
        })
    }

    /// One note by id.
    pub async fn get(&self, id: i64) -> Result<Option<Note>, StoreError> {
        let row = sqlx::query("SELECT id, text, author, team, created_at FROM notes WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => Ok(Some(self.complete(row).await?)),
            None => Ok(None),
        }
    }

    /// Notes matching `filter`, newest first; fetches `limit + 1` so the caller knows if more exist.
    pub async fn list(&self, filter: &NoteFilter) -> Result<Vec<Note>, StoreError> {
        let mut query: QueryBuilder<Sqlite> =
            QueryBuilder::new("SELECT id, text, author, team, created_at FROM notes WHERE 1 = 1");
        if let Some(tag) = &filter.tag {
            query
                .push(" AND id IN (SELECT note_id FROM note_tags WHERE tag = ")
                .push_bind(tag.clone())
                .push(")");
        }
        if let Some(uri) = &filter.linked {
            query
                .push(" AND id IN (SELECT note_id FROM note_links WHERE uri = ")
                .push_bind(uri.clone())
                .push(")");
        }
        if let Some(text) = &filter.text {
            query
                .push(" AND instr(lower(text), lower(")
                .push_bind(text.clone())
                .push(")) > 0");
        }
        if let Some(author) = &filter.author {
            query.push(" AND author = ").push_bind(author.clone());
        }
        if let Some(before) = filter.before_id {
            query.push(" AND id < ").push_bind(before);
        }
        query
            .push(" ORDER BY id DESC LIMIT ")
            .push_bind(i64::from(filter.limit) + 1);
        let rows = query.build().fetch_all(&self.pool).await?;
        let mut notes = Vec::with_capacity(rows.len());
        for row in rows {
            notes.push(self.complete(row).await?);
        }
        Ok(notes)
    }

    /// Delete a note; returns whether it existed.
    pub async fn delete(&self, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM notes WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }

    /// Full-text search; the words of `query` are matched as prefixes, all required.
    pub async fn search(&self, query: &str, limit: u32) -> Result<Vec<NoteHit>, StoreError> {
        let Some(expression) = fts_expression(query) else {
            return Ok(Vec::new());
        };
        let rows = sqlx::query(
            "SELECT n.id, n.text, n.author, n.team, n.created_at,
                    snippet(notes_fts, 0, '«', '»', '…', 16) AS snippet,
                    bm25(notes_fts) AS rank
             FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid
             WHERE notes_fts MATCH ?
             ORDER BY rank LIMIT ?",
        )
        .bind(expression)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut hits = Vec::with_capacity(rows.len());
        for row in rows {
            let snippet: String = row.try_get("snippet")?;
            let rank: f64 = row.try_get("rank")?;
            let note = self.complete(row).await?;
            // bm25 is lower-is-better and negative; flip it so higher is better.
            hits.push(NoteHit {
                note,
                snippet,
                score: -rank,
            });
        }
        Ok(hits)
    }

    async fn complete(&self, row: sqlx::sqlite::SqliteRow) -> Result<Note, StoreError> {
        let id: i64 = row.try_get("id")?;
        let tags = sqlx::query_scalar::<_, String>(
            "SELECT tag FROM note_tags WHERE note_id = ? ORDER BY tag",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let links = sqlx::query_scalar::<_, String>(
            "SELECT uri FROM note_links WHERE note_id = ? ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        Ok(Note {
            id,
            text: row.try_get("text")?,
            author: row.try_get("author")?,
            team: row.try_get("team")?,
            created_at: row.try_get("created_at")?,
            tags,
            links,
        })
    }
}

/// Turn free text into a safe FTS5 expression: each word quoted as a prefix term.
fn fts_expression(query: &str) -> Option<String> {
    let terms: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|word| !word.is_empty())
        .take(16)
        .map(|word| format!("\"{}\"*", word.replace('"', "")))
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::{NewNote, NoteFilter, fts_expression};
    use crate::store::Store;

    fn note(text: &str, tags: &[&str]) -> NewNote {
        NewNote {
            text: text.into(),
            author: "ana".into(),
            team: Some("core".into()),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            links: vec!["git://repo/commit/abc".into()],
        }
    }

    #[tokio::test]
    async fn add_list_search_delete() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let notes = store.notes();
        let first = notes
            .add(note("Deploy freeze until Friday", &["ops", "deploy"]))
            .await
            .unwrap();
        let second = notes
            .add(note("Flaky test in the payments suite", &["ci"]))
            .await
            .unwrap();
        assert!(second.id > first.id);
        assert_eq!(first.tags, vec!["deploy", "ops"]);

        let all = notes
            .list(&NoteFilter {
                limit: 10,
                ..NoteFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(
            all.iter().map(|n| n.id).collect::<Vec<_>>(),
            vec![second.id, first.id]
        );
        let tagged = notes
            .list(&NoteFilter {
                tag: Some("ops".into()),
                limit: 10,
                ..NoteFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(tagged.len(), 1);
        let page = notes
            .list(&NoteFilter {
                before_id: Some(second.id),
                limit: 10,
                ..NoteFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(page[0].id, first.id);

        let hits = notes.search("payment flak", 5).await.unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].note.id, second.id);
        assert!(hits[0].snippet.contains('«'));

        assert!(notes.delete(first.id).await.unwrap());
        assert!(!notes.delete(first.id).await.unwrap());
        assert!(notes.get(first.id).await.unwrap().is_none());
        assert!(notes.search("freeze", 5).await.unwrap().is_empty());
    }

    #[tokio::test]
    async fn two_stores_on_one_directory_share_notes() {
        let dir = tempfile::tempdir().unwrap();
        let a = Store::open(dir.path()).await.unwrap();
        let b = Store::open(dir.path()).await.unwrap();
        let added = a.notes().add(note("shared", &[])).await.unwrap();
        let seen = b.notes().get(added.id).await.unwrap().unwrap();
        assert_eq!(seen.text, "shared");
    }

    #[test]
    fn fts_expressions_are_quoted() {
        assert_eq!(
            fts_expression("a\" OR b"),
            Some("\"a\"* \"OR\"* \"b\"*".into())
        );
        assert_eq!(fts_expression("  ...  "), None);
    }
}
