//! `git_read_file`, `git_blame` and `git_search_code`.

use serde_json::json;
use switchyard_core::ErrorKind;
use switchyard_core::testkit::assert_budget_respected;

use crate::support::{Repo, args, fails, ok};

#[tokio::test]
async fn read_file_at_a_revision_with_a_line_range() {
    let repo = Repo::new();
    let first = repo.commit_file("notes.txt", "alpha\nbeta\ngamma\n", "v1");
    repo.commit_file("notes.txt", "alpha\nBETA\ngamma\ndelta\n", "v2");
    let git = repo.connector();
    let now = ok(&git, "git_read_file", json!({"path": "notes.txt"})).await;
    assert!(now.text.contains("2  BETA"), "{}", now.text);
    assert!(now.text.contains("4 lines"), "{}", now.text);
    assert!(!now.truncated);
    assert!(now.uris[0].starts_with("git://demo/file/"));
    let old = ok(
        &git,
        "git_read_file",
        json!({"path": "notes.txt", "rev": first}),
    )
    .await;
    assert!(old.text.contains("2  beta"), "{}", old.text);
    let range = ok(
        &git,
        "git_read_file",
        json!({"path": "./notes.txt", "start_line": 2, "end_line": 3}),
    )
    .await;
    assert!(range.text.contains("2  BETA\n3  gamma\n"), "{}", range.text);
    assert!(!range.text.contains("alpha"));
    let past = ok(
        &git,
        "git_read_file",
        json!({"path": "notes.txt", "start_line": 3, "end_line": 99}),
    )
    .await;
    assert!(
        past.text.contains("past the end; the file has 4 lines"),
        "{}",
        past.text
    );
    let err = fails(
        &git,
        "git_read_file",
        json!({"path": "notes.txt", "start_line": 9}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
}

#[tokio::test]
async fn missing_paths_are_not_found_and_named() {
    let repo = Repo::new();
    let git = repo.connector();
    for tool in ["git_read_file", "git_blame"] {
        let err = fails(&git, tool, json!({"path": "src/nope.rs"})).await;
        assert_eq!(err.kind(), ErrorKind::NotFound, "{tool}");
        assert!(err.to_string().contains("src/nope.rs"), "{err}");
    }
}

#[tokio::test]
async fn directories_list_their_entries() {
    let repo = Repo::new();
    repo.write("src/a.rs", "a\n");
    repo.write("src/deep/b.rs", "b\n");
    repo.commit("tree");
    let git = repo.connector();
    let root = ok(&git, "git_read_file", json!({"path": ""})).await;
    assert!(
        root.text.contains("src/  git://demo/file/"),
        "{}",
        root.text
    );
    let src = ok(&git, "git_read_file", json!({"path": "src"})).await;
    assert!(src.text.contains("a.rs (2 B)"), "{}", src.text);
    assert!(src.text.contains("deep/"), "{}", src.text);
}

#[tokio::test]
async fn a_large_file_is_cut_with_the_line_to_read_on_from() {
    let repo = Repo::new();
    let body: String = (1..=2000)
        .map(|n| format!("this is line number {n}\n"))
        .collect();
    repo.commit_file("big.txt", &body, "big");
    let git = repo.connector();
    let output = assert_budget_respected(
        &git,
        "git_read_file",
        &args(json!({"path": "big.txt"})),
        500,
    )
    .await;
    assert!(output.truncated);
    let hint = output.text.lines().last().unwrap();
    assert!(hint.contains("start_line="), "{hint}");
    let next: u32 = hint
        .rsplit("start_line=")
        .next()
        .unwrap()
        .trim_end_matches(" to read on]")
        .parse()
        .unwrap();
    let page = ok(
        &git,
        "git_read_file",
        json!({"path": "big.txt", "start_line": next, "end_line": next}),
    )
    .await;
    assert!(
        page.text.contains(&format!("this is line number {next}\n")),
        "{}",
        page.text
    );
    assert!(
        !output
            .text
            .contains(&format!("this is line number {next}\n"))
    );
}

#[tokio::test]
async fn blame_names_the_commit_of_each_line() {
    let repo = Repo::new();
    let first = repo.commit_file("code.rs", "one\ntwo\nthree\n", "first version");
    repo.write("code.rs", "one\nTWO\nthree\n");
    let second = repo.commit_as("Bob Builder <bob@example.com>", "second version");
    let git = repo.connector();
    let blame = ok(&git, "git_blame", json!({"path": "code.rs"})).await;
    let text = &blame.text;
    let body = text.split_once('\n').unwrap().1;
    let first_group = body.find(&first[..10]).unwrap();
    let second_group = body.find(&second[..10]).unwrap();
    assert!(first_group < second_group, "{text}");
    assert!(text.contains("Bob Builder · second version"), "{text}");
    assert!(text.contains("2  TWO"), "{text}");
    assert_eq!(blame.uris.len(), 3, "{text}");

    let range = ok(
        &git,
        "git_blame",
        json!({"path": "code.rs", "start_line": 2, "end_line": 2}),
    )
    .await;
    assert!(
        range.text.contains("2  TWO") && !range.text.contains("1  one"),
        "{}",
        range.text
    );
    let clamped = ok(
        &git,
        "git_blame",
        json!({"path": "code.rs", "start_line": 2, "end_line": 40}),
    )
    .await;
    assert!(
        clamped.text.contains("past the end; the file has 3 lines"),
        "{}",
        clamped.text
    );
    let err = fails(
        &git,
        "git_blame",
        json!({"path": "code.rs", "start_line": 4}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
    assert!(err.to_string().contains("3 lines"), "{err}");
    let err = fails(
        &git,
        "git_blame",
        json!({"path": "code.rs", "start_line": 3, "end_line": 2}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
}

#[tokio::test]
async fn search_code_finds_literals_and_regexes_with_a_glob() {
    let repo = Repo::new();
    repo.write(
        "src/main.rs",
        "fn main() {\n    let total = add(1, 2);\n}\n",
    );
    repo.write(
        "src/math.rs",
        "pub fn add(a: i32, b: i32) -> i32 { a + b }\n",
    );
    repo.write("docs/notes.md", "call add(1, 2) to add\n");
    repo.write("blob.bin", b"add(\0\0\0binary");
    repo.commit("code");
    let git = repo.connector();
    let literal = ok(&git, "git_search_code", json!({"query": "add(1, 2)"})).await;
    assert!(
        literal.text.contains("src/main.rs  git://demo/file/"),
        "{}",
        literal.text
    );
    assert!(
        literal.text.contains("  2:     let total = add(1, 2);"),
        "{}",
        literal.text
    );
    assert!(literal.text.contains("docs/notes.md"));
    assert!(
        literal.text.contains("skipped 1 binary file"),
        "{}",
        literal.text
    );
    let glob = ok(
        &git,
        "git_search_code",
        json!({"query": "add(1, 2)", "path": "*.rs"}),
    )
    .await;
    assert!(!glob.text.contains("docs/notes.md"), "{}", glob.text);
    let regex = ok(
        &git,
        "git_search_code",
        json!({"query": r"fn \w+\(a: i32", "regex": true}),
    )
    .await;
    assert!(regex.text.contains("src/math.rs"), "{}", regex.text);
    assert!(!regex.text.contains("src/main.rs"));
    let caseless = ok(
        &git,
        "git_search_code",
        json!({"query": "FN MAIN", "ignore_case": true}),
    )
    .await;
    assert!(
        caseless.text.contains("1: fn main() {"),
        "{}",
        caseless.text
    );
    let err = fails(
        &git,
        "git_search_code",
        json!({"query": "fn (unclosed", "regex": true}),
    )
    .await;
    assert_eq!(err.kind(), ErrorKind::InvalidArguments);
    assert!(err.to_string().contains("regex=false"), "{err}");
}

#[tokio::test]
async fn search_code_pages_resume_after_the_last_line_shown() {
    let repo = Repo::new();
    repo.write("a/one.txt", "hit 1\nmiss\nhit 2\n");
    repo.write("a/two.txt", "hit 3\n");
    repo.write("b.txt", "hit 4\nhit 5\n");
    repo.commit("hits");
    let git = repo.connector();
    let mut found = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let mut arguments = json!({"query": "hit", "limit": 2});
        if let Some(cursor) = &cursor {
            arguments["cursor"] = json!(cursor);
        }
        let page = ok(&git, "git_search_code", arguments).await;
        found.extend(
            page.text
                .lines()
                .filter_map(|line| line.split_once(": hit ").map(|(_, n)| n.to_owned())),
        );
        cursor = page.next_cursor.clone();
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(found, vec!["1", "2", "3", "4", "5"]);
}
