//! The cross-source search (`search_context`): the query's words in recent commit messages
//! and in the code at HEAD of every repository, within fixed bounds so it answers quickly.
//!
//! Bounds per repository: the newest 2,000 commits, and up to 3,000 files / 8 MiB of code
//! (files over 256 KiB and binary files skipped). The search stops early, keeping what it has,
//! when 70% of the time left at its start has passed.

use std::time::Instant;

use git2::{Commit, Repository};
use regex::bytes::{Regex, RegexBuilder};
use switchyard_core::{CallContext, ConnectorError, SearchHit, SearchQuery};

use crate::dates;
use crate::error;
use crate::paths;
use crate::repo::RepoRef;
use crate::text;
use crate::treewalk::TreeWalk;
use crate::walk::{self, Filter};

const MAX_COMMITS: u64 = 2_000;
const MAX_FILES: usize = 3_000;
const MAX_CODE_BYTES: usize = 8 << 20;
const MAX_FILE_BYTES: usize = 256 << 10;
const MAX_WORDS: usize = 8;

/// The words of a query: lowercase, at least two characters, at most eight, no repeats.
pub(crate) fn words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in query.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == '.')) {
        let word = word
            .trim_matches(|c: char| c == '.' || c == '-')
            .to_lowercase();
        if word.chars().count() >= 2 && !words.contains(&word) && words.len() < MAX_WORDS {
            words.push(word);
        }
    }
    words
}

/// Search every repository; best hits first, at most `query.limit`.
pub(crate) fn run(
    repos: &[RepoRef],
    query: &SearchQuery,
    ctx: &CallContext,
) -> Result<Vec<SearchHit>, ConnectorError> {
    let words = words(&query.text);
    if words.is_empty() || query.limit == 0 {
        return Ok(Vec::new());
    }
    let pattern = words
        .iter()
        .map(|word| regex::escape(word))
        .collect::<Vec<_>>()
        .join("|");
    let matcher = RegexBuilder::new(&pattern)
        .case_insensitive(true)
        .build()
        .map_err(|err| ConnectorError::internal(format!("building the search pattern: {err}")))?;
    let soft_deadline = Instant::now() + ctx.remaining().mul_f32(0.7);
    let search = Search {
        words: &words,
        matcher: &matcher,
        soft_deadline,
        ctx,
    };
    let mut hits = Vec::new();
    for repo in repos {
        let git = repo.open()?;
        let Some(head) = repo.head_commit(&git)? else {
            continue;
        };
        search.commits(repo, &git, &head, &mut hits)?;
        search.code(repo, &git, &head, &mut hits)?;
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    hits.truncate(query.limit);
    Ok(hits)
}

struct Search<'a> {
    words: &'a [String],
    matcher: &'a Regex,
    soft_deadline: Instant,
    ctx: &'a CallContext,
}

impl Search<'_> {
    fn out_of_time(&self) -> bool {
        Instant::now() >= self.soft_deadline || self.ctx.cancel.is_cancelled()
    }

    /// Distinct query words in `haystack`.
    fn found(&self, haystack: &[u8]) -> usize {
        let mut seen = vec![false; self.words.len()];
        for found in self.matcher.find_iter(haystack) {
            let word = String::from_utf8_lossy(found.as_bytes()).to_lowercase();
            if let Some(index) = self.words.iter().position(|w| *w == word) {
                seen[index] = true;
            }
        }
        seen.iter().filter(|s| **s).count()
    }

    fn commits(
        &self,
        repo: &RepoRef,
        git: &Repository,
        head: &Commit<'_>,
        hits: &mut Vec<SearchHit>,
    ) -> Result<(), ConnectorError> {
        let total = self.words.len() as f64;
        let from = walk::From {
            start: head.id(),
            skip: 0,
            hide: None,
        };
        walk::walk(
            git,
            &repo.name,
            from,
            &Filter::default(),
            MAX_COMMITS,
            self.ctx,
            |_, commit| {
                if self.out_of_time() {
                    return Ok(false);
                }
                let message = commit.message_bytes();
                let found = self.found(message);
                if found == 0 {
                    return Ok(true);
                }
                let subject = text::subject(message);
                let in_subject = self.found(subject.as_bytes()) as f64;
                let snippet = message
                    .split(|b| *b == b'\n')
                    .find(|line| self.matcher.is_match(line))
                    .map(text::one_line)
                    .unwrap_or_default();
                hits.push(SearchHit {
                    uri: repo.commit_uri(commit.id()),
                    title: format!(
                        "{}: commit {} {subject}",
                        repo.name,
                        text::short(commit.id())
                    ),
                    snippet,
                    score: 10.0 * found as f64 / total + 2.0 * in_subject / total,
                    updated: Some(dates::rfc3339(commit.time())),
                });
                Ok(true)
            },
        )?;
        Ok(())
    }

    fn code(
        &self,
        repo: &RepoRef,
        git: &Repository,
        head: &Commit<'_>,
        hits: &mut Vec<SearchHit>,
    ) -> Result<(), ConnectorError> {
        let fail = |err: git2::Error| error::internal(&repo.name, "searching code", &err);
        let total = self.words.len() as f64;
        let tree = head.tree().map_err(fail)?;
        let odb = git.odb().map_err(fail)?;
        let mut walk = TreeWalk::new(git, tree, &[]).map_err(fail)?;
        let (mut files, mut bytes) = (0usize, 0usize);
        let head_id = head.id().to_string();
        let updated = dates::rfc3339(head.time());
        while let Some(file) = walk.next_file().map_err(fail)? {
            if files >= MAX_FILES || bytes >= MAX_CODE_BYTES || self.out_of_time() {
                break;
            }
            let Ok((size, _)) = odb.read_header(file.id) else {
                continue;
            };
            let in_path = self.found(&file.path) as f64;
            if size > MAX_FILE_BYTES {
                continue;
            }
            files += 1;
            bytes += size;
            let Ok(blob) = git.find_blob(file.id) else {
                continue;
            };
            let content = blob.content();
            if text::is_binary(content) {
                continue;
            }
            let found = self.found(content) as f64;
            if found == 0.0 && in_path == 0.0 {
                continue;
            }
            let snippet = content
                .split(|b| *b == b'\n')
                .enumerate()
                .find(|(_, line)| self.matcher.is_match(line))
                .map(|(index, line)| format!("{}: {}", index + 1, text::one_line(line)))
                .unwrap_or_default();
            hits.push(SearchHit {
                uri: repo.file_uri(&head_id, &file.path),
                title: format!("{}: {}", repo.name, paths::display(&file.path)),
                snippet,
                score: 8.0 * found / total + 3.0 * in_path / total,
                updated: Some(updated.clone()),
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::words;

    #[test]
    fn words_are_lowercase_unique_and_bounded() {
        assert_eq!(
            words("Fix the parser, fix it!"),
            vec!["fix", "the", "parser", "it"]
        );
        assert_eq!(words("a b"), Vec::<String>::new());
        assert_eq!(words("src/main.rs"), vec!["src", "main.rs"]);
    }
}
