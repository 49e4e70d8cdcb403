//! What notes do differently on SQLite: FTS5 search ranked by bm25, `instr` for substrings.

use sqlx::sqlite::SqlitePool;

use super::{NoteRow, RawHit};
use crate::store::StoreError;

/// SQL true when `column` contains the text bound at `param`, ignoring (ASCII) case.
pub(super) fn contains(column: &str, param: &str) -> String {
    format!("instr(lower({column}), lower({param})) > 0")
}

/// The notes matching every word as a prefix, best first.
pub(super) async fn search(
    pool: &SqlitePool,
    words: &[String],
    limit: u32,
) -> Result<Vec<RawHit>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct Hit {
        #[sqlx(flatten)]
        note: NoteRow,
        snippet: String,
        rank: f64,
    }
    let hits: Vec<Hit> = sqlx::query_as(
        "SELECT n.id, n.text, n.author, n.team, n.created_at,
                snippet(notes_fts, 0, '«', '»', '…', 16) AS snippet,
                bm25(notes_fts) AS rank
         FROM notes_fts JOIN notes n ON n.id = notes_fts.rowid
         WHERE notes_fts MATCH $1
         ORDER BY rank LIMIT $2",
    )
    .bind(fts_expression(words))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    // bm25 is lower-is-better and negative; flip it so higher is better.
    Ok(hits
        .into_iter()
        .map(|hit| (hit.note, hit.snippet, -hit.rank))
        .collect())
}

/// An FTS5 expression: each word quoted as a prefix term, all required.
fn fts_expression(words: &[String]) -> String {
    words
        .iter()
        .map(|word| format!("\"{}\"*", word.replace('"', "")))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::fts_expression;

    #[test]
    fn fts_expressions_are_quoted() {
        let words = ["a\"", "OR", "b"].map(String::from);
        assert_eq!(fts_expression(&words), "\"a\"* \"OR\"* \"b\"*");
    }
}
