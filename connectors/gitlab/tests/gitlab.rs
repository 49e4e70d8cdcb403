//! Tests of the GitLab connector against a wiremock upstream serving recorded payloads
//! (`tests/fixtures/`, copied from the shared fixtures, plus cases built here). Each test
//! asserts the requests we send (path with the encoded project, query, token header) as well
//! as our output. One test binary; `cases/` holds the topics.

mod cases;
mod support;
