//! Listings: commits paged exactly (case 3), compact pull requests and issues (case 6),
//! issues with many comments, searches.

use serde_json::{Value, json};
use switchyard_core::budget::DEFAULT_RESPONSE_TOKENS;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{
    bearer, call, comments, connector, fixture, fixture_json, link_next, upstream,
};

fn commits(n: usize) -> Vec<Value> {
    let template = fixture_json("commits_list.json")[1].clone();
    (0..n)
        .map(|i| {
            let mut commit = template.clone();
            commit["sha"] = json!(format!("{:040x}", 0xabc000 + i));
            commit["commit"]["message"] = json!(format!("change number {i}\n\nmore text"));
            commit
        })
        .collect()
}

#[tokio::test]
async fn list_commits_with_page_size_one_returns_one_item_and_a_cursor() {
    let server = upstream().await;
    let all = commits(30);
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/commits"))
        .and(query_param("per_page", "1"))
        .and(query_param("page", "1"))
        .and(query_param("sha", "main"))
        .and(header("authorization", bearer().as_str()))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([all[0]]))
                .insert_header(
                    "link",
                    link_next(&server, "/repositories/1/commits").as_str(),
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/commits"))
        .and(query_param("per_page", "1"))
        .and(query_param("page", "2"))
        .and(query_param("sha", "main"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([all[1]])))
        .expect(1)
        .mount(&server)
        .await;
    let github = connector(&server);
    let first = call(
        &github,
        "github_list_commits",
        json!({"repo": "octo/hello", "ref": "main", "limit": 1}),
    )
    .await;
    assert!(first.text.contains("change number 0"));
    assert!(!first.text.contains("change number 1"));
    assert!(first.text.contains("items: 1"));
    let cursor = first.next_cursor.clone().unwrap();
    assert_eq!(first.uris.len(), 1);
    let second = call(
        &github,
        "github_list_commits",
        json!({"repo": "octo/hello", "cursor": cursor}),
    )
    .await;
    assert!(second.text.contains("change number 1"), "{}", second.text);
}

fn pulls_with_bodies(n: usize, body_bytes: usize) -> Value {
    let template = fixture_json("pulls_list.json")[0].clone();
    Value::Array(
        (0..n)
            .map(|i| {
                let mut pull = template.clone();
                pull["number"] = json!(100 + i);
                pull["title"] = json!(format!("Pull request {i}"));
                pull["body"] = json!("lorem ipsum ".repeat(body_bytes / 12));
                pull
            })
            .collect(),
    )
}

#[tokio::test]
async fn ten_pull_requests_with_8kb_bodies_are_compact_by_default() {
    let server = upstream().await;
    let raw = pulls_with_bodies(10, 8192);
    assert!(
        raw.to_string().len() > 100_000,
        "the upstream answer is large"
    );
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/pulls"))
        .and(query_param("state", "open"))
        .and(query_param("per_page", "30"))
        .respond_with(ResponseTemplate::new(200).set_body_json(raw))
        .mount(&server)
        .await;
    let github = connector(&server);
    let out = call(
        &github,
        "github_list_pull_requests",
        json!({"repo": "octo/hello"}),
    )
    .await;
    assert!(
        out.text.contains("#109 merged \"Pull request 9\""),
        "{}",
        out.text
    );
    assert!(
        out.text.len() < 3_000,
        "{} bytes:\n{}",
        out.text.len(),
        out.text
    );
    assert!(!out.text.contains("lorem"));
    assert_eq!(out.uris.len(), 10);
    let detail = call(
        &github,
        "github_list_pull_requests",
        json!({"repo": "octo/hello", "detail": true}),
    )
    .await;
    assert!(detail.text.contains("lorem"));
    assert!(detail.text.len() < 8_000);
}

#[tokio::test]
async fn a_pull_request_with_200_comments_is_paged_under_budget() {
    let server = upstream().await;
    let mut issue = fixture_json("issue_get.json");
    issue["comments"] = json!(200);
    issue["number"] = json!(5);
    issue["pull_request"] = json!({"url": "x"});
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues/5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(issue))
        .mount(&server)
        .await;
    let all = comments(200, 1500);
    let page: Vec<Value> = all.as_array().unwrap()[..30].to_vec();
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues/5/comments"))
        .and(query_param("per_page", "30"))
        .and(query_param("page", "1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page)
                .insert_header("link", link_next(&server, "/x").as_str()),
        )
        .mount(&server)
        .await;
    let github = connector(&server);
    let out = call(
        &github,
        "github_get_issue",
        json!({"repo": "octo/hello", "number": 5}),
    )
    .await;
    assert!(out.text.len() <= DEFAULT_RESPONSE_TOKENS * 4);
    assert!(out.text.contains("comments (200 in all)"));
    assert!(out.text.contains("— @user0 2025-01-15"));
    assert!(out.next_cursor.is_some());
    assert!(
        out.text.contains("omitted: 170"),
        "{}",
        &out.text[out.text.len() - 300..]
    );
    assert!(out.text.starts_with("octo/hello PR #5 open"));
}

#[tokio::test]
async fn a_cut_comment_names_the_uri_that_reads_it_whole() {
    let server = upstream().await;
    let mut issue = fixture_json("issue_get.json");
    issue["comments"] = json!(1);
    issue["number"] = json!(7);
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues/7"))
        .respond_with(ResponseTemplate::new(200).set_body_json(issue))
        .mount(&server)
        .await;
    let long = comments(1, 9_000);
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues/7/comments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(long.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues/comments/1000"))
        .and(header("authorization", bearer().as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(long[0].clone()))
        .expect(1)
        .mount(&server)
        .await;
    let github = connector(&server);
    let out = call(
        &github,
        "github_get_issue",
        json!({"repo": "octo/hello", "number": 7}),
    )
    .await;
    let uri = "github://octo/hello/issues/comments/1000";
    assert!(
        out.text
            .contains(&format!("more bytes; read_context {uri} reads all of it]")),
        "{}",
        out.text
    );
    let whole = switchyard_core::Connector::read(
        &github,
        &switchyard_core::ItemUri::parse(uri).unwrap(),
        &switchyard_core::CallContext::for_tests(),
    )
    .await
    .unwrap();
    let body = long[0]["body"].as_str().unwrap().trim_end();
    assert!(whole.text.contains(body), "{}", &whole.text[..200]);
    assert!(
        whole
            .text
            .starts_with("octo/hello comment 1000 by @user0 on 2025-01-15:")
    );
    assert_eq!(whole.uris, vec![uri.to_owned()]);
}

#[tokio::test]
async fn a_comment_longer_than_a_response_is_read_in_parts_to_its_end() {
    let server = upstream().await;
    let body: String = (0..6_000)
        .map(|i| format!("line {i:05} of a pasted log\n"))
        .collect();
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues/comments/1000"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": 1000, "user": {"login": "ana"}, "body": body,
            "created_at": "2025-01-15T08:00:00Z"
        })))
        .mount(&server)
        .await;
    let github = connector(&server);
    let mut uri = "github://octo/hello/issues/comments/1000".to_owned();
    let mut seen = String::new();
    for part in 0.. {
        assert!(part < 10, "too many parts");
        let out = switchyard_core::Connector::read(
            &github,
            &switchyard_core::ItemUri::parse(&uri).unwrap(),
            &switchyard_core::CallContext::for_tests(),
        )
        .await
        .unwrap();
        assert!(out.text.len() <= DEFAULT_RESPONSE_TOKENS * 4);
        let (_, content) = out.text.split_once(":\n").unwrap();
        match content.split_once("[cut: ") {
            Some((kept, note)) => {
                seen.push_str(kept);
                let next = note
                    .split("read_context ")
                    .nth(1)
                    .and_then(|rest| rest.split(' ').next())
                    .unwrap();
                assert!(next.contains("/issues/comments/1000/from/"), "{note}");
                uri = next.to_owned();
            }
            None => {
                seen.push_str(content);
                break;
            }
        }
    }
    let lines: Vec<&str> = seen.lines().collect();
    assert_eq!(lines.len(), 6_000, "every line once");
    assert_eq!(lines[5_999], "line 05999 of a pasted log");
    let past = switchyard_core::Connector::read(
        &github,
        &switchyard_core::ItemUri::parse("github://octo/hello/issues/comments/1000/from/99999999")
            .unwrap(),
        &switchyard_core::CallContext::for_tests(),
    )
    .await
    .unwrap_err();
    assert!(past.to_string().contains("past its end"), "{past}");
}

#[tokio::test]
async fn a_long_body_is_cut_and_continued_by_the_cursor() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues/1347"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("issue_get_long_body.json")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues/1347/comments"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("issue_comments_list.json")),
        )
        .mount(&server)
        .await;
    let github = connector(&server);
    let first = crate::support::call_with_budget(
        &github,
        "github_get_issue",
        json!({"repo": "octo/hello", "number": 1347}),
        4000,
    )
    .await;
    assert!(first.truncated);
    assert!(first.text.len() <= 16_000);
    // A body position past the end (an edited cursor) is refused, not shown as nothing.
    let past = crate::support::edited_cursor(first.next_cursor.as_deref().unwrap(), |c| {
        c["b"] = json!(1_000_000_000u64)
    });
    let err = crate::support::fail(&github, "github_get_issue", json!({"cursor": past})).await;
    assert!(err.to_string().contains("impossible position"), "{err}");
    let mut cursor = first.next_cursor.clone().unwrap();
    let mut rounds = 0;
    loop {
        rounds += 1;
        let next = crate::support::call_with_budget(
            &github,
            "github_get_issue",
            json!({"repo": "octo/hello", "number": 1347, "cursor": cursor}),
            4000,
        )
        .await;
        assert!(next.text.len() <= 16_000);
        match next.next_cursor {
            Some(more) if rounds < 10 => cursor = more,
            _ => {
                assert!(next.text.contains("End of report"), "{}", next.text);
                assert!(next.text.contains("(no comments)"), "{}", next.text);
                break;
            }
        }
    }
}

#[tokio::test]
async fn issues_list_all_authors_marks_pull_requests_and_strips_hidden_characters() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/issues"))
        .and(query_param("state", "all"))
        .and(query_param("labels", "bug,ui"))
        .and(query_param("per_page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("issues_list_page1.json"))
                .insert_header("link", link_next(&server, "/x").as_str()),
        )
        .mount(&server)
        .await;
    let out = call(
        &connector(&server),
        "github_list_issues",
        json!({"repo": "octo/hello", "state": "all", "labels": "bug,ui", "limit": 2}),
    )
    .await;
    assert!(out.text.contains("items: 2"));
    assert!(out.text.contains("PR #"), "{}", out.text);
    assert!(!out.text.contains('\u{200B}'));
    assert!(out.next_cursor.is_some());
}

#[tokio::test]
async fn search_issues_passes_the_query_through_and_pages() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/search/issues"))
        .and(query_param(
            "q",
            "crash label:bug repo:octo-user/Hello-World",
        ))
        .and(query_param("per_page", "20"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("search_issues.json")))
        .expect(1)
        .mount(&server)
        .await;
    let out = call(
        &connector(&server),
        "github_search_issues",
        json!({"query": "crash label:bug", "repo": "octo-user/Hello-World"}),
    )
    .await;
    assert!(
        out.text.contains("octo-user/Hello-World #1347"),
        "{}",
        out.text
    );
    assert!(out.uris[0].starts_with("github://octo-user/Hello-World/"));
}

#[tokio::test]
async fn search_code_shows_fragments() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/search/code"))
        .and(header("accept", "application/vnd.github.text-match+json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "total_count": 1, "incomplete_results": false,
            "items": [{"path": "src/config.rs", "repository": {"full_name": "octo/hello", "default_branch": "main"},
                       "text_matches": [{"fragment": "fn parse_config(text: &str)\n  -> Config"}]}]
        })))
        .mount(&server)
        .await;
    let out = call(
        &connector(&server),
        "github_search_code",
        json!({"query": "parse_config"}),
    )
    .await;
    assert!(
        out.text
            .contains("octo/hello src/config.rs · github://octo/hello/blob/main/src/config.rs")
    );
    assert!(out.text.contains("| fn parse_config(text: &str)"));
}

#[tokio::test]
async fn omitted_counts_items_to_come_and_the_allowlist_left_outs_are_a_note() {
    let server = upstream().await;
    let mut results = crate::support::fixture_json("search_issues.json");
    results["items"][1]["repository_url"] = json!("https://api.github.com/repos/other/thing");
    results["total_count"] = json!(2);
    Mock::given(method("GET"))
        .and(path("/search/issues"))
        .and(query_param("q", "crash repo:other/thing"))
        .and(query_param("per_page", "20"))
        .and(query_param("page", "1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(results))
        .expect(1)
        .mount(&server)
        .await;
    let mut settings = crate::support::settings(&server);
    settings.repos = vec!["octo-user/Hello-World".into()];
    let github = switchyard_github::GithubConnector::new(settings).unwrap();
    let out = call(
        &github,
        "github_search_issues",
        json!({"query": "crash repo:other/thing"}),
    )
    .await;
    assert!(
        out.text.contains(
            "(1 result outside the repos allowlist of instance github left out)\n---\nitems: 1 · truncated: false"
        ),
        "{}",
        out.text
    );
    assert!(!out.text.contains("omitted:"), "{}", out.text);
    assert!(!out.text.contains("other/thing #"), "{}", out.text);
}
