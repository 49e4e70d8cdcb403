//! Files: a README as plain text (case 5), a PDF and a binary as metadata (case 4),
//! directories, large files and line ranges.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

use crate::support::{call, call_with_budget, connector, fixture, upstream};

fn content(path: &str, bytes: &[u8]) -> serde_json::Value {
    json!({"type": "file", "encoding": "base64", "size": bytes.len(), "name": path, "path": path,
           "content": STANDARD.encode(bytes), "sha": "81191f2335c84ff226a59c700cbd71eae3aca4e9"})
}

#[tokio::test]
async fn a_readme_comes_back_as_plain_text() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/repos/octo-user/Hello-World/contents/README.md"))
        .and(query_param("ref", "main"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("contents_file.json")))
        .expect(1)
        .mount(&server)
        .await;
    let out = call(
        &connector(&server),
        "github_get_file",
        json!({"repo": "octo-user/Hello-World", "path": "README.md", "ref": "main"}),
    )
    .await;
    assert!(out.text.contains("# Hello-World ✨"), "{}", out.text);
    assert!(out.text.contains("cargo run -- --help"));
    assert!(out.text.contains("119 bytes"));
    assert_eq!(
        out.uris,
        vec!["github://octo-user/Hello-World/blob/main/README.md".to_owned()]
    );
}

#[tokio::test]
async fn a_pdf_and_a_binary_are_metadata_never_text() {
    let server = upstream().await;
    let mut pdf =
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\nstream\n".to_vec();
    pdf.extend((0u8..=255).cycle().take(4000));
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/contents/docs/manual.pdf"))
        .respond_with(ResponseTemplate::new(200).set_body_json(content("docs/manual.pdf", &pdf)))
        .mount(&server)
        .await;
    let blob = vec![0u8, 159, 146, 150, 0, 1, 2, 3];
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/contents/assets/data"))
        .respond_with(ResponseTemplate::new(200).set_body_json(content("assets/data", &blob)))
        .mount(&server)
        .await;
    let github = connector(&server);
    let out = call(
        &github,
        "github_get_file",
        json!({"repo": "octo/hello", "path": "docs/manual.pdf"}),
    )
    .await;
    assert!(
        out.text.contains("binary (pdf), not shown as text"),
        "{}",
        out.text
    );
    assert!(!out.text.contains("Catalog"));
    assert!(out.text.len() < 400);
    let out = call(
        &github,
        "github_get_file",
        json!({"repo": "octo/hello", "path": "assets/data"}),
    )
    .await;
    assert!(
        out.text.contains("binary, not shown as text"),
        "{}",
        out.text
    );
}

#[tokio::test]
async fn files_over_one_megabyte_are_metadata() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/contents/data/big.csv"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "type": "file", "encoding": "none", "size": 5_000_000, "path": "data/big.csv", "content": "", "sha": "abc"
        })))
        .mount(&server)
        .await;
    let out = call(
        &connector(&server),
        "github_get_file",
        json!({"repo": "octo/hello", "path": "data/big.csv"}),
    )
    .await;
    assert!(out.text.contains("5000000 bytes"));
    assert!(out.text.contains("too large to show as text"));
}

#[tokio::test]
async fn a_generated_2500_line_file_is_cut_and_continued_from_a_line() {
    let server = upstream().await;
    let text: String = (1..=2500)
        .map(|i| format!("pub const LINE_{i}: u32 = {i};\n"))
        .collect();
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/contents/src/table_generated.rs"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(content("src/table_generated.rs", text.as_bytes())),
        )
        .mount(&server)
        .await;
    let github = connector(&server);
    let args = json!({"repo": "octo/hello", "path": "src/table_generated.rs"});
    let out = call_with_budget(&github, "github_get_file", args, 1000).await;
    assert!(out.truncated);
    assert!(out.text.len() <= 4000);
    let hint = out.text.rsplit("from_line=").next().unwrap();
    let next: u32 = hint.trim_end_matches(']').parse().unwrap();
    let more = call_with_budget(
        &github,
        "github_get_file",
        json!({"repo": "octo/hello", "path": "src/table_generated.rs", "from_line": next}),
        1000,
    )
    .await;
    assert!(
        more.text.contains(&format!("pub const LINE_{next}: u32")),
        "{}",
        more.text
    );
}

#[tokio::test]
async fn a_directory_is_listed() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/contents/src"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("contents_dir.json")))
        .mount(&server)
        .await;
    let out = call(
        &connector(&server),
        "github_get_file",
        json!({"repo": "octo/hello", "path": "src"}),
    )
    .await;
    assert!(out.text.starts_with("directory src of octo/hello"));
    assert!(out.text.contains("items: "));
}

#[tokio::test]
async fn from_line_past_the_end_says_how_many_lines_the_file_has() {
    let server = upstream().await;
    Mock::given(method("GET"))
        .and(path("/repos/octo/hello/contents/notes.txt"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(content("notes.txt", b"one\ntwo\nthree\n")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = crate::support::fail(
        &connector(&server),
        "github_get_file",
        json!({"repo": "octo/hello", "path": "notes.txt", "from_line": 40}),
    )
    .await;
    assert!(
        err.to_string()
            .contains("from_line 40 is past the end: notes.txt has 3 lines"),
        "{err}"
    );
}
