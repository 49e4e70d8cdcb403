//! Tests of the GitHub connector against a wiremock upstream with recorded payloads
//! (`fixtures/`, copied from the shared fixtures) and larger cases built in the tests.
//! One test binary (cases/ holds the topics), so the helpers link once.

mod cases;
mod support;
