//! Workspace notes: add, read, list with filters and keyset paging, delete, and full-text
//! search. The queries both backends share are here; search and substring matching differ
//! and live in `notes/sqlite.rs` (FTS5, bm25) and `notes/postgres.rs` (tsvector, ts_rank).

mod postgres;
mod sqlite;

use std::collections::HashMap;

use sqlx::AssertSqlSafe;

use super::{Backend, StoreError, with_pool};

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
    /// An excerpt around the match, the matched words between `«` and `»`.
    pub snippet: String,
    /// Higher is better; comparable within one backend only.
    pub score: f64,
}

/// A `notes` row, before its tags and links are added.
#[derive(Debug, sqlx::FromRow)]
struct NoteRow {
    id: i64,
    text: String,
    author: String,
    team: Option<String>,
    created_at: String,
}

/// What a backend's search returns: the row, its snippet, its score (higher is better).
type RawHit = (NoteRow, String, f64);

/// The columns of [`NoteRow`], for `SELECT`.
const NOTE_COLUMNS: &str = "id, text, author, team, created_at";

/// Ids per `IN (…)` list when reading tags and links (far below SQLite's parameter limit).
const IDS_PER_QUERY: usize = 500;

/// Notes in the store.
#[derive(Debug, Clone)]
pub struct NotesStore {
    backend: Backend,
}

impl NotesStore {
    /// Notes over an open backend.
    pub(crate) fn new(backend: Backend) -> Self {
        NotesStore { backend }
    }

    /// Add a note; returns it as stored.
    pub async fn add(&self, note: NewNote) -> Result<Note, StoreError> {
        let created_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let mut tags = note.tags.clone();
        tags.sort();
        tags.dedup();
        let id: i64 = with_pool!(&self.backend, pool => {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO notes (text, author, team, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(&note.text)
            .bind(&note.author)
            .bind(&note.team)
            .bind(&created_at)
            .fetch_one(&mut *tx)
            .await?;
            for tag in &tags {
                sqlx::query("INSERT INTO note_tags (note_id, tag) VALUES ($1, $2)")
                    .bind(id)
                    .bind(tag)
                    .execute(&mut *tx)
                    .await?;
            }
            for (position, uri) in note.links.iter().enumerate() {
                sqlx::query("INSERT INTO note_links (note_id, position, uri) VALUES ($1, $2, $3)")
                    .bind(id)
                    .bind(i64::try_from(position).unwrap_or(i64::MAX))
                    .bind(uri)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            id
        });
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
        let sql = format!("SELECT {NOTE_COLUMNS} FROM notes WHERE id = $1");
        let row: Option<NoteRow> = with_pool!(&self.backend, pool => {
            sqlx::query_as(AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?
        });
        match row {
            Some(row) => Ok(self.complete(vec![row]).await?.pop()),
            None => Ok(None),
        }
    }

    /// Notes matching `filter`, newest first; fetches `limit + 1` so the caller knows if more exist.
    pub async fn list(&self, filter: &NoteFilter) -> Result<Vec<Note>, StoreError> {
        let mut sql = Sql::new(format!("SELECT {NOTE_COLUMNS} FROM notes WHERE 1 = 1"));
        if let Some(tag) = &filter.tag {
            let tag = sql.text(tag);
            sql.push(&format!(
                " AND id IN (SELECT note_id FROM note_tags WHERE tag = {tag})"
            ));
        }
        if let Some(uri) = &filter.linked {
            let uri = sql.text(uri);
            sql.push(&format!(
                " AND id IN (SELECT note_id FROM note_links WHERE uri = {uri})"
            ));
        }
        if let Some(text) = &filter.text {
            let needle = sql.text(text);
            let contains = match &self.backend {
                Backend::Sqlite(_) => sqlite::contains("text", &needle),
                Backend::Postgres(_) => postgres::contains("text", &needle),
            };
            sql.push(&format!(" AND {contains}"));
        }
        if let Some(author) = &filter.author {
            let author = sql.text(author);
            sql.push(&format!(" AND author = {author}"));
        }
        if let Some(before) = filter.before_id {
            let before = sql.int(before);
            sql.push(&format!(" AND id < {before}"));
        }
        let limit = sql.int(i64::from(filter.limit) + 1);
        sql.push(&format!(" ORDER BY id DESC LIMIT {limit}"));
        let Sql { text, args } = sql;
        let rows: Vec<NoteRow> = with_pool!(&self.backend, pool => {
            let mut query = sqlx::query_as(AssertSqlSafe(text));
            for arg in args {
                query = match arg {
                    Arg::Text(value) => query.bind(value),
                    Arg::Int(value) => query.bind(value),
                };
            }
            query.fetch_all(pool).await?
        });
        self.complete(rows).await
    }

    /// Delete a note; returns whether it existed.
    pub async fn delete(&self, id: i64) -> Result<bool, StoreError> {
        let deleted = with_pool!(&self.backend, pool => {
            sqlx::query("DELETE FROM notes WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(deleted > 0)
    }

    /// Full-text search, best first; the words of `query` are matched as prefixes, all
    /// required. A query without words finds nothing.
    pub async fn search(&self, query: &str, limit: u32) -> Result<Vec<NoteHit>, StoreError> {
        let words = search_words(query);
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let raw = match &self.backend {
            Backend::Sqlite(pool) => sqlite::search(pool, &words, limit).await?,
            Backend::Postgres(pool) => postgres::search(pool, &words, limit).await?,
        };
        let (rows, ranked): (Vec<NoteRow>, Vec<(String, f64)>) = raw
            .into_iter()
            .map(|(row, snippet, score)| (row, (snippet, score)))
            .unzip();
        let notes = self.complete(rows).await?;
        Ok(notes
            .into_iter()
            .zip(ranked)
            .map(|(note, (snippet, score))| NoteHit {
                note,
                snippet,
                score,
            })
            .collect())
    }

    /// Add the tags and links to rows (two queries for all of them), keeping their order.
    async fn complete(&self, rows: Vec<NoteRow>) -> Result<Vec<Note>, StoreError> {
        let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
        let mut tags = self
            .per_note("SELECT note_id, tag FROM note_tags", "tag", &ids)
            .await?;
        let mut links = self
            .per_note("SELECT note_id, uri FROM note_links", "position", &ids)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| Note {
                tags: tags.remove(&row.id).unwrap_or_default(),
                links: links.remove(&row.id).unwrap_or_default(),
                id: row.id,
                text: row.text,
                author: row.author,
                team: row.team,
                created_at: row.created_at,
            })
            .collect())
    }

    /// `select` (`note_id` and one text column) for the notes in `ids`, grouped by note, each
    /// group in `order_by` order.
    async fn per_note(
        &self,
        select: &str,
        order_by: &str,
        ids: &[i64],
    ) -> Result<HashMap<i64, Vec<String>>, StoreError> {
        let mut grouped: HashMap<i64, Vec<String>> = HashMap::new();
        for chunk in ids.chunks(IDS_PER_QUERY) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let sql = format!(
                "{select} WHERE note_id IN ({}) ORDER BY note_id, {order_by}",
                placeholders.join(", ")
            );
            let pairs: Vec<(i64, String)> = with_pool!(&self.backend, pool => {
                let mut query = sqlx::query_as(AssertSqlSafe(sql));
                for id in chunk {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await?
            });
            for (id, value) in pairs {
                grouped.entry(id).or_default().push(value);
            }
        }
        Ok(grouped)
    }
}

/// The words of a search query: runs of letters, digits and `_`, at most 16. Each backend
/// quotes them its own way, so no query syntax of either reaches the database.
fn search_words(query: &str) -> Vec<String> {
    query
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|word| !word.is_empty())
        .take(16)
        .map(str::to_owned)
        .collect()
}

/// A query under construction: SQL with `$n` placeholders and the values they stand for.
struct Sql {
    text: String,
    args: Vec<Arg>,
}

/// One bound value of a [`Sql`].
enum Arg {
    Text(String),
    Int(i64),
}

impl Sql {
    fn new(text: String) -> Self {
        Sql {
            text,
            args: Vec::new(),
        }
    }

    fn push(&mut self, sql: &str) {
        self.text.push_str(sql);
    }

    /// Bind a text value; returns its placeholder.
    fn text(&mut self, value: &str) -> String {
        self.args.push(Arg::Text(value.to_owned()));
        format!("${}", self.args.len())
    }

    /// Bind an integer; returns its placeholder.
    fn int(&mut self, value: i64) -> String {
        self.args.push(Arg::Int(value));
        format!("${}", self.args.len())
    }
}

#[cfg(test)]
mod tests {
    use super::search_words;

    #[test]
    fn search_words_drop_every_operator() {
        assert_eq!(search_words("a\" OR b*"), vec!["a", "OR", "b"]);
        assert_eq!(
            search_words("it's (x & !y) | z:*"),
            vec!["it", "s", "x", "y", "z"]
        );
        assert!(search_words("  ...  ").is_empty());
        assert_eq!(search_words(&"w ".repeat(40)).len(), 16);
    }
}
