//! Awkward repositories: empty, shallow, non-UTF-8 and unicode paths, long histories.

use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::json;
use switchyard_core::{CallContext, Connector, ErrorKind, ItemUri};

use crate::support::{Repo, commit_ids, ok, shallow_clone};

#[tokio::test]
async fn an_empty_repository_gets_clear_answers_from_every_tool() {
    let repo = Repo::empty();
    repo.write("draft.txt", "not committed\n");
    let git = repo.connector();
    let calls = [
        ("git_log", json!({})),
        ("git_show_commit", json!({})),
        ("git_diff", json!({})),
        ("git_blame", json!({"path": "draft.txt"})),
        ("git_read_file", json!({"path": "draft.txt"})),
        ("git_search_code", json!({"query": "draft"})),
        ("git_list_refs", json!({})),
        ("git_status", json!({})),
    ];
    for (tool, arguments) in calls {
        match crate::support::call(&git, tool, arguments).await {
            Ok(output) => assert!(
                output.text.contains("no commits yet") || output.text.contains("no changes"),
                "{tool}: {}",
                output.text
            ),
            Err(err) => {
                assert_eq!(err.kind(), ErrorKind::NotFound, "{tool}: {err}");
                assert!(err.to_string().contains("no commits yet"), "{tool}: {err}");
            }
        }
    }
    let status = ok(&git, "git_status", json!({})).await;
    assert!(
        status.text.contains("HEAD: branch main (no commits yet)"),
        "{}",
        status.text
    );
    assert!(
        status.text.contains("untracked: draft.txt"),
        "{}",
        status.text
    );
    assert!(git.check().await.detail.contains("no commits yet"));
}

#[tokio::test]
async fn a_shallow_clone_ends_its_log_honestly() {
    let source = Repo::new();
    for n in 1..=5 {
        source.commit_file("a.txt", format!("{n}\n"), &format!("change {n}"));
    }
    let (_dir, path) = shallow_clone(&source, 3);
    let git =
        switchyard_git::GitConnector::open("git", vec![switchyard_git::RepoConfig::new(&path)])
            .unwrap();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut last_text = String::new();
    for _ in 0..5 {
        let mut arguments = json!({"limit": 2});
        if let Some(cursor) = &cursor {
            arguments["cursor"] = json!(cursor);
        }
        let page = ok(&git, "git_log", arguments).await;
        seen.extend(commit_ids(&page));
        last_text = page.text.clone();
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    let expected: Vec<String> = source
        .git(&["rev-list", "-n", "3", "HEAD"])
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(seen, expected);
    assert!(last_text.contains("shallow clone"), "{last_text}");
    let boundary = ok(&git, "git_show_commit", json!({"rev": expected[2]})).await;
    assert!(boundary.text.contains("shallow"), "{}", boundary.text);
    let blame = ok(&git, "git_blame", json!({"path": "a.txt"})).await;
    assert!(blame.text.contains("1  5"), "{}", blame.text);
}

#[cfg(unix)]
#[tokio::test]
async fn non_utf8_and_unicode_paths_are_readable_filterable_and_searchable() {
    use std::os::unix::ffi::OsStrExt;
    let repo = Repo::new();
    repo.write(
        std::ffi::OsStr::from_bytes(b"caf\xe9.txt"),
        "bonjour needle\n",
    );
    let latin = repo.commit("latin-1 name");
    repo.write("docs/ünïcødé 文件.md", "unicode needle\n");
    let unicode = repo.commit("unicode name");
    let git = repo.connector();

    let lossy = ok(&git, "git_read_file", json!({"path": "caf\u{FFFD}.txt"})).await;
    assert!(lossy.text.contains("bonjour needle"), "{}", lossy.text);
    assert!(lossy.uris[0].ends_with("/caf%E9.txt"), "{:?}", lossy.uris);
    let encoded = ok(&git, "git_read_file", json!({"path": "caf%E9.txt"})).await;
    assert!(encoded.text.contains("bonjour needle"));
    let by_uri = git
        .read(
            &ItemUri::parse(&lossy.uris[0]).unwrap(),
            &CallContext::for_tests(),
        )
        .await
        .unwrap();
    assert!(by_uri.text.contains("bonjour needle"));

    let log = ok(&git, "git_log", json!({"path": "caf\u{FFFD}.txt"})).await;
    assert_eq!(commit_ids(&log), vec![latin]);
    let log = ok(&git, "git_log", json!({"path": "docs/ünïcødé 文件.md"})).await;
    assert_eq!(commit_ids(&log), vec![unicode.clone()]);

    let search = ok(&git, "git_search_code", json!({"query": "needle"})).await;
    assert!(search.text.contains("caf\u{FFFD}.txt"), "{}", search.text);
    assert!(
        search.text.contains("docs/ünïcødé 文件.md"),
        "{}",
        search.text
    );
    let unicode_uri = search
        .uris
        .iter()
        .find(|uri| uri.contains("docs/"))
        .unwrap();
    assert!(unicode_uri.ends_with(&switchyard_core::uri::encode_path("docs/ünïcødé 文件.md")));
    let read = git
        .read(
            &ItemUri::parse(unicode_uri).unwrap(),
            &CallContext::for_tests(),
        )
        .await
        .unwrap();
    assert!(read.text.contains("unicode needle"));
    let show = ok(&git, "git_show_commit", json!({"rev": unicode})).await;
    assert!(
        show.text.contains("added: docs/ünïcødé 文件.md"),
        "{}",
        show.text
    );
}

#[tokio::test]
async fn the_first_page_does_not_walk_the_whole_history() {
    // With the root commit's object gone, only a walk that reads all history fails: a page of
    // two (plus the look-ahead) never needs it. A sorted libgit2 walk would read it up front.
    let repo = Repo::new();
    for n in 1..=5 {
        repo.commit_file("a.txt", format!("{n}\n"), &format!("change {n}"));
    }
    let root = repo.git(&["rev-list", "--max-parents=0", "HEAD"]);
    let object = repo
        .path()
        .join(".git/objects")
        .join(&root[..2])
        .join(&root[2..]);
    std::fs::remove_file(object).unwrap();
    let git = repo.connector();
    let page = ok(&git, "git_log", json!({"limit": 2})).await;
    assert_eq!(commit_ids(&page).len(), 2);
    assert!(page.next_cursor.is_some());
}

/// A linear history of `count` commits, imported in one go with `git fast-import`.
#[expect(
    clippy::unwrap_used,
    reason = "a fixture that cannot be built fails the test"
)]
fn long_history(count: usize) -> Repo {
    let repo = Repo::empty();
    let mut stream = String::with_capacity(count * 160);
    for n in 1..=count {
        let message = format!("commit number {n}\n");
        let content = format!("{n}\n");
        stream.push_str(&format!(
            "commit refs/heads/main\nmark :{n}\ncommitter Robot <robot@example.com> {} +0000\ndata {}\n{message}",
            crate::support::EPOCH + n as i64,
            message.len()
        ));
        if n > 1 {
            stream.push_str(&format!("from :{}\n", n - 1));
        }
        stream.push_str(&format!(
            "M 644 inline counter.txt\ndata {}\n{content}\n",
            content.len()
        ));
    }
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(repo.path())
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stream.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    repo
}

#[tokio::test]
async fn a_filtered_log_stops_at_its_scan_window_with_a_cursor() {
    let repo = long_history(25_000);
    let git = repo.connector();
    let first = ok(&git, "git_log", json!({})).await;
    assert_eq!(commit_ids(&first).len(), 30);
    assert!(first.text.contains("commit number 25000"));

    let nothing = ok(&git, "git_log", json!({"author": "nobody at all"})).await;
    assert!(commit_ids(&nothing).is_empty());
    assert!(
        nothing.text.contains("scanned 20000 commits"),
        "{}",
        nothing.text
    );
    let cursor = nothing
        .next_cursor
        .clone()
        .expect("a cursor to keep searching");

    // The cursor continues the listing that made it: passed alone, it keeps the filter.
    let alone = ok(&git, "git_log", json!({"cursor": cursor.clone()})).await;
    assert!(commit_ids(&alone).is_empty());
    assert!(alone.next_cursor.is_none(), "{}", alone.text);

    let rest = ok(
        &git,
        "git_log",
        json!({"author": "nobody at all", "cursor": cursor}),
    )
    .await;
    assert!(commit_ids(&rest).is_empty());
    assert!(rest.next_cursor.is_none(), "{}", rest.text);

    let found = ok(
        &git,
        "git_log",
        json!({"grep": "commit number 17\n", "limit": 1}),
    )
    .await;
    assert!(found.text.contains("(no results)") || commit_ids(&found).len() == 1);
}

#[tokio::test]
async fn hostile_names_are_invalid_arguments_not_panics_or_bugs() {
    let repo = Repo::new();
    repo.commit_file("g.txt", "one\n", "first");
    let git = repo.connector();
    for (tool, arguments) in [
        ("git_read_file", json!({"path": "\u{0}"})),
        ("git_read_file", json!({"path": "g.txt\u{0}"})),
        ("git_log", json!({"path": "g\u{0}"})),
        ("git_blame", json!({"path": "g.txt\u{0}"})),
        ("git_diff", json!({"from": "HEAD\u{0}"})),
        ("git_show_commit", json!({"rev": "HEAD", "path": "\u{0}"})),
    ] {
        let err = crate::support::fails(&git, tool, arguments.clone()).await;
        assert_eq!(
            err.kind(),
            ErrorKind::InvalidArguments,
            "{tool} {arguments}: {err}"
        );
        assert!(err.to_string().contains("NUL"), "{tool}: {err}");
    }
    let long = "b".repeat(5000);
    let err = crate::support::fails(&git, "git_log", json!({"rev": long})).await;
    assert_ne!(err.kind(), ErrorKind::Internal, "{err}");
    let message = err.to_string();
    assert!(
        message.len() < 1000,
        "the revision is quoted whole: {} bytes",
        message.len()
    );
    assert!(message.contains(" characters)"), "{message}");
}

#[tokio::test]
async fn cursors_only_continue_the_listing_that_made_them() {
    let repo = Repo::new();
    for n in 0..5 {
        repo.commit_file(&format!("f{n}.txt"), "x\n", &format!("commit {n}"));
    }
    let git = repo.connector();
    let first = ok(&git, "git_log", json!({"limit": 2, "path": "f1.txt"})).await;
    let page = ok(&git, "git_log", json!({"limit": 2})).await;
    let cursor = page.next_cursor.expect("more commits");
    // Same arguments: the next page.
    let next = ok(
        &git,
        "git_log",
        json!({"limit": 2, "cursor": cursor.clone()}),
    )
    .await;
    assert_eq!(commit_ids(&next).len(), 2);
    // Other filters or another start: refused, naming the argument.
    for (arguments, name) in [
        (
            json!({"limit": 2, "cursor": cursor.clone(), "path": "f1.txt"}),
            "path",
        ),
        (
            json!({"limit": 2, "cursor": cursor.clone(), "rev": "HEAD~1"}),
            "rev",
        ),
        (
            json!({"limit": 2, "cursor": cursor.clone(), "author": "someone"}),
            "author",
        ),
    ] {
        let err = crate::support::fails(&git, "git_log", arguments).await;
        assert_eq!(err.kind(), ErrorKind::InvalidArguments);
        assert!(
            err.to_string()
                .contains(&format!("made with other {name};")),
            "{err}"
        );
    }
    // The filters of the first listing carry over when the cursor is passed alone.
    let filtered = ok(&git, "git_log", json!({"limit": 1, "path": "f1.txt"})).await;
    assert_eq!(commit_ids(&filtered).len(), 1);
    assert!(commit_ids(&first).len() <= 2);

    let search = ok(&git, "git_search_code", json!({"query": "x", "limit": 1})).await;
    let cursor = search.next_cursor.expect("more matches");
    let err = crate::support::fails(
        &git,
        "git_search_code",
        json!({"query": "y", "limit": 1, "cursor": cursor}),
    )
    .await;
    assert!(err.to_string().contains("made with other query;"), "{err}");
}

#[tokio::test]
async fn a_cursor_past_the_end_of_history_says_so() {
    use base64::Engine as _;
    let repo = Repo::new();
    for n in 0..3 {
        repo.commit_file("f.txt", format!("{n}\n"), &format!("commit {n}"));
    }
    let git = repo.connector();
    let page = ok(&git, "git_log", json!({"limit": 1})).await;
    let cursor = page.next_cursor.expect("more commits");
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut position: serde_json::Value =
        serde_json::from_slice(&engine.decode(&cursor).expect("base64")).expect("json");
    position["s"] = json!(999_999);
    let edited = engine.encode(position.to_string());
    let err = crate::support::fails(&git, "git_log", json!({"limit": 1, "cursor": edited})).await;
    assert!(
        err.to_string()
            .contains("past the end of the history (4 commits"),
        "{err}"
    );
}
