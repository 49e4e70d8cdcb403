//! Cursors: every paged tool continues from its cursor alone (or with the same arguments),
//! only on the instance that made it, and an edited cursor is checked like the arguments.

use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    call, comments, connector, connector_named, edited_cursor, fail, fixture_json, link_next,
    query_of, requests, upstream,
};

fn issues(n: usize) -> Value {
    let template = fixture_json("issues_list_page1.json")[0].clone();
    Value::Array(
        (0..n)
            .map(|i| {
                let mut issue = template.clone();
                issue["number"] = json!(500 + i);
                issue["title"] = json!(format!("issue {i}"));
                issue
            })
            .collect(),
    )
}

/// Answer `route` with `items` and a Link to a next page.
async fn paged(server: &MockServer, route: &str, items: Value) {
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(items)
                .insert_header("link", link_next(server, route).as_str()),
        )
        .mount(server)
        .await;
}

fn has(query: &[(String, String)], name: &str, value: &str) -> bool {
    query.iter().any(|(k, v)| k == name && v == value)
}

#[tokio::test]
async fn list_issues_continues_from_the_cursor_alone_and_with_the_same_arguments() {
    let server = upstream().await;
    paged(&server, "/repos/octo/hello/issues", issues(2)).await;
    let github = connector(&server);
    let first = call(
        &github,
        "github_list_issues",
        json!({"repo": "octo/hello", "state": "closed", "limit": 2}),
    )
    .await;
    let cursor = first.next_cursor.clone().unwrap();
    assert!(first.text.contains(&format!("next_cursor: \"{cursor}\"")));
    call(&github, "github_list_issues", json!({"cursor": cursor})).await;
    call(
        &github,
        "github_list_issues",
        json!({"cursor": cursor, "repo": "octo/hello", "state": "closed"}),
    )
    .await;
    for index in [1, 2] {
        let query = query_of(&server, index).await;
        assert!(has(&query, "page", "2"), "{query:?}");
        assert!(has(&query, "per_page", "2"), "{query:?}");
        assert!(has(&query, "state", "closed"), "{query:?}");
    }
    let err = fail(&github, "github_list_issues", json!({"state": "open"})).await;
    assert!(
        err.to_string()
            .contains("repo is required (such as \"octo/hello\"), unless you pass a cursor"),
        "{err}"
    );
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn every_paged_list_tool_takes_its_cursor_alone() {
    let server = upstream().await;
    let pulls = Value::Array(vec![fixture_json("pulls_list.json")[0].clone(); 2]);
    let commits = Value::Array(vec![fixture_json("commits_list.json")[0].clone(); 2]);
    let files = Value::Array(vec![fixture_json("pull_files.json")[0].clone(); 2]);
    paged(&server, "/repos/octo/hello/pulls", pulls).await;
    paged(&server, "/repos/octo/hello/commits", commits).await;
    paged(&server, "/repos/octo/hello/pulls/7/files", files).await;
    let search = json!({"total_count": 10, "incomplete_results": false, "items": issues(2)});
    paged(&server, "/search/issues", search).await;
    let code = json!({"total_count": 10, "incomplete_results": false, "items": [
        {"path": "a.rs", "repository": {"full_name": "octo/hello"}},
        {"path": "b.rs", "repository": {"full_name": "octo/hello"}},
    ]});
    paged(&server, "/search/code", code).await;
    let github = connector(&server);
    let cases = [
        (
            "github_list_pull_requests",
            json!({"repo": "octo/hello", "limit": 2}),
        ),
        (
            "github_list_commits",
            json!({"repo": "octo/hello", "ref": "main", "limit": 2}),
        ),
        (
            "github_get_pull_request_files",
            json!({"repo": "octo/hello", "number": 7, "limit": 2}),
        ),
        (
            "github_search_issues",
            json!({"query": "crash", "limit": 2}),
        ),
        (
            "github_search_code",
            json!({"query": "fn main", "limit": 2}),
        ),
    ];
    let mut index = 0;
    for (tool, args) in cases {
        let first = call(&github, tool, args).await;
        let cursor = first
            .next_cursor
            .unwrap_or_else(|| panic!("{tool}: no cursor in {}", first.text));
        let second = call(&github, tool, json!({"cursor": cursor})).await;
        assert!(
            !second.text.contains("(no results)"),
            "{tool}: {}",
            second.text
        );
        let requests = server.received_requests().await.unwrap();
        assert_eq!(
            requests[index].url.path(),
            requests[index + 1].url.path(),
            "{tool}"
        );
        let query = query_of(&server, index + 1).await;
        assert!(
            has(&query, "page", "2") && has(&query, "per_page", "2"),
            "{tool}: {query:?}"
        );
        if tool == "github_list_commits" {
            assert!(has(&query, "sha", "main"), "{query:?}");
        }
        if tool == "github_search_issues" {
            assert!(has(&query, "q", "crash"), "{query:?}");
        }
        index += 2;
    }
}

#[tokio::test]
async fn a_cut_issue_body_continues_from_the_cursor_alone() {
    let server = upstream().await;
    let mut issue = fixture_json("issue_get.json");
    issue["body"] = json!("paragraph of the body\n".repeat(6_000));
    issue["comments"] = json!(2);
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues/12"))
        .respond_with(ResponseTemplate::new(200).set_body_json(issue))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues/12/comments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(comments(2, 50)))
        .mount(&server)
        .await;
    let github = connector(&server);
    let first = call(
        &github,
        "github_get_issue",
        json!({"repo": "octo/hello", "number": 12}),
    )
    .await;
    let cursor = first.next_cursor.clone().unwrap();
    assert!(
        first.text.contains(&format!("pass cursor \"{cursor}\"")),
        "{}",
        first.text
    );
    let second = call(&github, "github_get_issue", json!({"cursor": cursor})).await;
    assert!(
        second.text.contains("#12 body, from byte"),
        "{}",
        second.text
    );
    let same = call(
        &github,
        "github_get_issue",
        json!({"cursor": cursor, "repo": "octo/hello", "number": 12}),
    )
    .await;
    assert_eq!(same.text, second.text);
    let err = fail(
        &github,
        "github_get_issue",
        json!({"cursor": cursor, "repo": "octo/hello", "number": 13}),
    )
    .await;
    assert!(err.to_string().contains("continues octo/hello#12"), "{err}");
    let err = fail(&github, "github_get_issue", json!({"repo": "octo/hello"})).await;
    assert!(err.to_string().contains("number is required"), "{err}");
}

#[tokio::test]
async fn a_cursor_is_refused_on_another_instance_with_the_instance_to_pass() {
    let server = upstream().await;
    paged(&server, "/repos/octo/hello/issues", issues(2)).await;
    let github = connector_named(&server, "github");
    let ghes = connector_named(&server, "ghes");
    let first = call(
        &github,
        "github_list_issues",
        json!({"repo": "octo/hello", "limit": 2}),
    )
    .await;
    let cursor = first.next_cursor.unwrap();
    let err = fail(&ghes, "github_list_issues", json!({"cursor": cursor})).await;
    assert!(
        err.to_string()
            .contains("made by instance github, not ghes; pass instance=\"github\""),
        "{err}"
    );
    let mut issue = fixture_json("issue_get.json");
    issue["body"] = json!("long line\n".repeat(12_000));
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues/12"))
        .respond_with(ResponseTemplate::new(200).set_body_json(issue))
        .mount(&server)
        .await;
    let cut = call(
        &github,
        "github_get_issue",
        json!({"repo": "octo/hello", "number": 12}),
    )
    .await;
    let err = fail(
        &ghes,
        "github_get_issue",
        json!({"cursor": cut.next_cursor.unwrap()}),
    )
    .await;
    assert!(
        err.to_string().contains("pass instance=\"github\""),
        "{err}"
    );
    assert_eq!(
        requests(&server).await,
        2,
        "nothing was sent for the refused cursors"
    );
}

#[tokio::test]
async fn edited_cursors_are_checked_like_arguments() {
    let server = upstream().await;
    paged(&server, "/repos/octo/hello/issues", issues(2)).await;
    let github = connector(&server);
    let first = call(
        &github,
        "github_list_issues",
        json!({"repo": "octo/hello", "limit": 2}),
    )
    .await;
    let cursor = first.next_cursor.unwrap();
    let huge = edited_cursor(&cursor, |c| c["n"] = json!(100_000));
    let err = fail(&github, "github_list_issues", json!({"cursor": huge})).await;
    assert!(err.to_string().contains("impossible position"), "{err}");
    let state = edited_cursor(&cursor, |c| c["a"][1] = json!("closed&per_page=100"));
    let err = fail(&github, "github_list_issues", json!({"cursor": state})).await;
    assert!(
        err.to_string().contains("is not one of open, closed, all"),
        "{err}"
    );
    let since = edited_cursor(&cursor, |c| c["a"][4] = json!("yesterday"));
    let err = fail(&github, "github_list_issues", json!({"cursor": since})).await;
    assert!(err.to_string().contains("not an ISO 8601 date"), "{err}");
    let err = fail(
        &github,
        "github_list_issues",
        json!({"repo": "octo/hello", "since": "yesterday"}),
    )
    .await;
    assert!(err.to_string().contains("since \"yesterday\""), "{err}");
    assert_eq!(
        requests(&server).await,
        1,
        "no edited cursor reached GitHub"
    );
}

#[tokio::test]
async fn a_limit_with_a_cursor_sets_the_next_page_size() {
    let server = upstream().await;
    paged(&server, "/repos/octo/hello/issues", issues(4)).await;
    let github = connector(&server);
    let first = call(
        &github,
        "github_list_issues",
        json!({"repo": "octo/hello", "limit": 4}),
    )
    .await;
    let cursor = first.next_cursor.unwrap();
    call(
        &github,
        "github_list_issues",
        json!({"cursor": cursor, "limit": 2}),
    )
    .await;
    let query = query_of(&server, 1).await;
    // Item 5 on: page 3 of 2.
    assert!(
        has(&query, "per_page", "2") && has(&query, "page", "3"),
        "{query:?}"
    );
}

#[tokio::test]
async fn one_comment_is_not_one_comments() {
    let server = upstream().await;
    let mut list = issues(1);
    list[0]["comments"] = json!(1);
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list))
        .mount(&server)
        .await;
    let out = call(
        &connector(&server),
        "github_list_issues",
        json!({"repo": "octo/hello"}),
    )
    .await;
    assert!(out.text.contains(" · 1 comment"), "{}", out.text);
    assert!(!out.text.contains("1 comments"), "{}", out.text);
}
