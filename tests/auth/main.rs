//! Authentication and team policies through the real binary over HTTP: what a caller sees.
//!
//! | file | role |
//! |---|---|
//! | `harness.rs` | a `switchyard serve --http` process with its stderr captured; `keys` runs; MCP calls |
//! | `tokens.rs` | test JWTs signed with a fresh EC P-256 key, and its JWKS |
//! | `matrix.rs` | API keys: missing, unknown, revoked, expired; policy in tools/list and calls; admin endpoints |
//! | `jwt.rs` | JWTs from a JWKS file and a JWKS URL (refresh on unknown `kid`); issuer, audience, expiry |
//! | `surface.rs` | RFC 9728 metadata, /healthz, non-loopback binding, SSE sessions bound to their caller |
//! | `leaks.rs` | no token in stderr (debug logs), the audit log or any answer |

#![expect(
    clippy::expect_used,
    reason = "a test helper that cannot set up fails the test"
)]

mod harness;
mod jwt;
mod leaks;
mod matrix;
mod surface;
mod tokens;
