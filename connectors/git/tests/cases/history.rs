//! `git_log` and `git_show_commit`: paging, filters, merges, renames.

use serde_json::json;
use switchyard_core::ErrorKind;

use crate::support::{EPOCH, Repo, commit_ids, fails, ok};

#[tokio::test]
async fn log_pages_of_two_yield_every_commit_once_in_order() {
    let repo = Repo::new();
    for n in 1..=6 {
        repo.commit_file(
            &format!("f{n}.txt"),
            format!("{n}\n"),
            &format!("change {n}"),
        );
    }
    let expected: Vec<String> = repo
        .git(&["rev-list", "HEAD"])
        .lines()
        .map(str::to_owned)
        .collect();
    let git = repo.connector();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let mut arguments = json!({"limit": 2});
        if let Some(cursor) = &cursor {
            arguments["cursor"] = json!(cursor);
        }
        let page = ok(&git, "git_log", arguments).await;
        let ids = commit_ids(&page);
        assert!(ids.len() <= 2, "{}", page.text);
        seen.extend(ids);
        cursor = page.next_cursor.clone();
        if cursor.is_none() {
            assert!(!page.truncated, "{}", page.text);
            break;
        }
        assert!(page.truncated);
    }
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn pages_stay_stable_when_the_branch_moves() {
    let repo = Repo::new();
    for n in 1..=3 {
        repo.commit_file("a.txt", format!("{n}\n"), &format!("change {n}"));
    }
    let git = repo.connector();
    let first = ok(&git, "git_log", json!({"limit": 2})).await;
    repo.commit_file("a.txt", "new\n", "pushed meanwhile");
    let cursor = first.next_cursor.clone().unwrap();
    let second = ok(&git, "git_log", json!({"limit": 2, "cursor": cursor})).await;
    let all: Vec<String> = [commit_ids(&first), commit_ids(&second)].concat();
    let expected: Vec<String> = repo
        .git(&["rev-list", "HEAD~1"])
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(all, expected);
    assert!(!second.text.contains("pushed meanwhile"));
}

#[tokio::test]
async fn log_filters_by_path_author_and_message() {
    let repo = Repo::new();
    repo.write("src/lib.rs", "fn a() {}\n");
    let lib = repo.commit_as("Bob Builder <bob@example.com>", "add the library");
    repo.commit_file("docs/guide.md", "# guide\n", "write the guide");
    repo.write("src/lib.rs", "fn a() {}\nfn b() {}\n");
    let fix = repo.commit("Fix parser edge case");
    let git = repo.connector();

    let by_path = ok(&git, "git_log", json!({"path": "src/lib.rs"})).await;
    assert_eq!(commit_ids(&by_path), vec![fix.clone(), lib.clone()]);
    let by_dir = ok(&git, "git_log", json!({"path": "src"})).await;
    assert_eq!(commit_ids(&by_dir), vec![fix.clone(), lib.clone()]);
    let by_glob = ok(&git, "git_log", json!({"path": "*.md"})).await;
    assert_eq!(commit_ids(&by_glob).len(), 2, "{}", by_glob.text);

    let by_author = ok(&git, "git_log", json!({"author": "BOB"})).await;
    assert_eq!(commit_ids(&by_author), vec![lib.clone()]);
    let by_email = ok(&git, "git_log", json!({"author": "bob@example"})).await;
    assert_eq!(commit_ids(&by_email), vec![lib]);

    let by_grep = ok(&git, "git_log", json!({"grep": "parser"})).await;
    assert_eq!(commit_ids(&by_grep), vec![fix]);
    assert!(by_grep.text.contains("Fix parser edge case"));

    let none = ok(&git, "git_log", json!({"grep": "no such words"})).await;
    assert!(commit_ids(&none).is_empty());
    assert!(none.text.contains("(no results)"), "{}", none.text);
    assert!(none.next_cursor.is_none());
}

#[tokio::test]
async fn log_since_and_until_bound_the_dates() {
    let repo = Repo::new(); // EPOCH + 1h
    for n in 2..=5 {
        repo.commit_file("a.txt", format!("{n}\n"), &format!("hour {n}"));
    }
    let git = repo.connector();
    let since = ok(&git, "git_log", json!({"since": "2024-01-01T03:00:00Z"})).await;
    assert_eq!(commit_ids(&since).len(), 3, "{}", since.text);
    let until = ok(&git, "git_log", json!({"until": "2024-01-01T02:00:00Z"})).await;
    assert_eq!(commit_ids(&until).len(), 2, "{}", until.text);
    let day = ok(
        &git,
        "git_log",
        json!({"since": "2024-01-01", "until": "2024-01-01"}),
    )
    .await;
    assert_eq!(commit_ids(&day).len(), 5);
    let before = ok(&git, "git_log", json!({"until": "2023-12-31"})).await;
    assert!(commit_ids(&before).is_empty());
    let err = fails(&git, "git_log", json!({"since": "the other day"})).await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
    assert!(err.to_string().contains("the other day"));
    let err = fails(
        &git,
        "git_log",
        json!({"since": "2024-02-01", "until": "2024-01-01"}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
    let relative = ok(&git, "git_log", json!({"since": "2 weeks ago"})).await;
    assert!(
        commit_ids(&relative).is_empty(),
        "fixture commits are from 2024"
    );
    assert!(EPOCH < repo.now());
}

#[tokio::test]
async fn cursors_from_elsewhere_are_rejected() {
    let repo = Repo::new();
    repo.commit_file("a.txt", "needle\nneedle\n", "two");
    let git = repo.connector();
    let search = ok(
        &git,
        "git_search_code",
        json!({"query": "needle", "limit": 1}),
    )
    .await;
    let foreign = search.next_cursor.unwrap();
    let err = fails(&git, "git_log", json!({"cursor": foreign})).await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
    let err = fails(&git, "git_log", json!({"cursor": "garbage!"})).await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
    let err = fails(&git, "git_log", json!({"limit": 0})).await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
    let err = fails(&git, "git_log", json!({"limit": 201})).await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
}

#[tokio::test]
async fn merges_show_in_log_and_diff_against_the_first_parent() {
    let repo = Repo::new();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.commit_file("feature.txt", "feature work\n", "feature work");
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_file("main.txt", "main work\n", "main work");
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "feature",
        "-m",
        "Merge branch feature",
    ]);
    let merge = repo.git(&["rev-parse", "HEAD"]);
    let first_parent = repo.git(&["rev-parse", "HEAD^1"]);
    let git = repo.connector();

    let log = ok(&git, "git_log", json!({"limit": 1})).await;
    assert_eq!(commit_ids(&log), vec![merge.clone()]);
    assert!(log.text.contains("merge of 2 parents"), "{}", log.text);

    let show = ok(&git, "git_show_commit", json!({"rev": merge})).await;
    assert!(
        show.text
            .contains(&format!("against the first parent {}", &first_parent[..10])),
        "{}",
        show.text
    );
    assert!(show.text.contains("added: feature.txt"), "{}", show.text);
    assert!(!show.text.contains("main.txt"), "{}", show.text);
    assert!(show.text.contains("+feature work"));
}

#[tokio::test]
async fn show_commit_reports_renames_and_stats() {
    let repo = Repo::new();
    let body: String = (1..=20).map(|n| format!("line {n}\n")).collect();
    repo.commit_file("old_name.txt", &body, "add file");
    repo.git(&["mv", "old_name.txt", "new_name.txt"]);
    let renamed = repo.commit("rename it");
    let git = repo.connector();
    let show = ok(&git, "git_show_commit", json!({"rev": renamed})).await;
    assert!(
        show.text.contains("renamed: old_name.txt -> new_name.txt"),
        "{}",
        show.text
    );
    assert!(show.text.contains("1 file changed"), "{}", show.text);
    assert!(show.uris[0].ends_with(&format!("/commit/{renamed}")));

    let stats_only = ok(
        &git,
        "git_show_commit",
        json!({"rev": "HEAD~1", "include_diff": false}),
    )
    .await;
    assert!(
        stats_only.text.contains("added: old_name.txt (+20 -0)"),
        "{}",
        stats_only.text
    );
    assert!(!stats_only.text.contains("+line 1"));
}

#[tokio::test]
async fn show_commit_caps_lines_per_file_and_points_at_the_rest() {
    let repo = Repo::new();
    let big: String = (1..=50).map(|n| format!("row {n}\n")).collect();
    repo.commit_file("big.txt", &big, "big file");
    repo.commit_file("small.txt", "tiny\n", "small file");
    let git = repo.connector();
    let show = ok(
        &git,
        "git_show_commit",
        json!({"rev": "HEAD~1", "max_lines_per_file": 10}),
    )
    .await;
    assert!(show.truncated);
    assert!(show.text.contains("+row 9\n"), "{}", show.text);
    assert!(!show.text.contains("+row 12\n"));
    assert!(
        show.text.contains("[cut: 41 more diff lines of big.txt"),
        "{}",
        show.text
    );
    assert!(show.text.contains("max_lines_per_file=51"), "{}", show.text);

    let root = ok(&git, "git_show_commit", json!({"rev": "HEAD~2"})).await;
    assert!(root.text.contains("root commit"), "{}", root.text);
    let filtered = ok(
        &git,
        "git_show_commit",
        json!({"rev": "HEAD~1", "path": "small.txt"}),
    )
    .await;
    assert!(
        filtered.text.contains("does not change \"small.txt\""),
        "{}",
        filtered.text
    );
}

#[tokio::test]
async fn unknown_revisions_name_the_revision() {
    let repo = Repo::new();
    let git = repo.connector();
    for tool in ["git_log", "git_show_commit"] {
        let err = fails(&git, tool, json!({"rev": "no-such-branch"})).await;
        assert_eq!(err.kind(), ErrorKind::NotFound, "{tool}");
        assert!(err.to_string().contains("no-such-branch"), "{err}");
        assert!(err.to_string().contains("git_list_refs"), "{err}");
    }
    let err = fails(
        &git,
        "git_read_file",
        json!({"path": "README.md", "rev": "v9.9"}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::NotFound);
    assert!(err.to_string().contains("v9.9"));
}

#[tokio::test]
async fn a_range_lists_the_commits_of_a_branch_not_in_main() {
    let repo = Repo::new();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let one = repo.commit_file("f.txt", "1\n", "feature one");
    let two = repo.commit_file("f.txt", "2\n", "feature two");
    repo.git(&["checkout", "-q", "main"]);
    repo.commit_file("m.txt", "m\n", "main moves on");
    let git = repo.connector();
    let range = ok(&git, "git_log", json!({"rev": "main..feature", "limit": 1})).await;
    assert_eq!(commit_ids(&range), vec![two]);
    let cursor = range.next_cursor.unwrap();
    let rest = ok(&git, "git_log", json!({"cursor": cursor})).await;
    assert_eq!(commit_ids(&rest), vec![one]);
    let ahead = ok(&git, "git_log", json!({"rev": "feature.."})).await;
    assert_eq!(commit_ids(&ahead).len(), 1, "{}", ahead.text);
    let err = fails(&git, "git_log", json!({"rev": "main...feature"})).await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
}
