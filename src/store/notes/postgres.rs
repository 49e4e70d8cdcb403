//! What notes do differently on PostgreSQL: search over the `search` tsvector column
//! (`simple` configuration) ranked by `ts_rank`, snippets by `ts_headline`, `strpos` for
//! substrings.

use sqlx::postgres::PgPool;

use super::{NoteRow, RawHit};
use crate::store::StoreError;

/// How `ts_headline` marks matches and sizes the excerpt (as SQLite's `snippet`: «…», about
/// 16 words).
const HEADLINE_OPTIONS: &str = "StartSel=«, StopSel=», MaxWords=16, MinWords=6, ShortWord=2";

/// SQL true when `column` contains the text bound at `param`, ignoring case.
pub(super) fn contains(column: &str, param: &str) -> String {
    format!("strpos(lower({column}), lower({param})) > 0")
}

/// The notes matching every word as a prefix, best first.
pub(super) async fn search(
    pool: &PgPool,
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
                ts_headline('simple', n.text, q, $2) AS snippet,
                ts_rank(n.search, q)::float8 AS rank
         FROM notes n, to_tsquery('simple', $1) AS q
         WHERE n.search @@ q
         ORDER BY rank DESC, n.id DESC LIMIT $3",
    )
    .bind(tsquery(words))
    .bind(HEADLINE_OPTIONS)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    Ok(hits
        .into_iter()
        .map(|hit| {
            let snippet = with_ellipses(&hit.note.text, &hit.snippet);
            (hit.note, snippet, hit.rank)
        })
        .collect())
}

/// A `to_tsquery` expression: each word quoted as a prefix term, all required. The words are
/// letters, digits and `_` only; quotes are doubled all the same.
fn tsquery(words: &[String]) -> String {
    words
        .iter()
        .map(|word| format!("'{}':*", word.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(" & ")
}

/// `…` where the headline cut the text, as SQLite's `snippet` does.
fn with_ellipses(text: &str, headline: &str) -> String {
    let plain: String = headline
        .chars()
        .filter(|c| *c != '«' && *c != '»')
        .collect();
    let plain = plain.trim();
    let text = text.trim();
    let mut snippet = String::with_capacity(headline.len() + 8);
    if !plain.is_empty() && !text.starts_with(plain) {
        snippet.push('…');
    }
    snippet.push_str(headline.trim());
    if !plain.is_empty() && !text.ends_with(plain) {
        snippet.push('…');
    }
    snippet
}

#[cfg(test)]
mod tests {
    use super::{tsquery, with_ellipses};

    #[test]
    fn tsqueries_are_quoted_prefixes() {
        let words = ["payment", "flak"].map(String::from);
        assert_eq!(tsquery(&words), "'payment':* & 'flak':*");
        assert_eq!(tsquery(&["o'k".to_owned()]), "'o''k':*");
    }

    #[test]
    fn cut_headlines_get_ellipses() {
        let text = "one two «three» four five";
        let text = text.replace(['«', '»'], "");
        assert_eq!(
            with_ellipses(&text, "two «three» four"),
            "…two «three» four…"
        );
        assert_eq!(with_ellipses(&text, "one two «three»"), "one two «three»…");
        assert_eq!(
            with_ellipses(&text, "«three» four five"),
            "…«three» four five"
        );
        assert_eq!(with_ellipses(&text, &text), text);
    }
}
