//! Host and Origin validation for every HTTP route (DNS-rebinding and cross-site protection).
//!
//! `Host` must name this server: a loopback name, the address it is bound to, or a host in
//! `server.allowed_hosts`; anything else gets 421 Misdirected Request. A browser `Origin` must
//! be a loopback origin or one in `server.allowed_origins`; anything else gets 403. Requests
//! without `Origin` (every non-browser MCP client) pass.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The hosts and origins this server accepts.
#[derive(Debug, Clone)]
pub struct Guard {
    hosts: Vec<String>,
    origins: Vec<String>,
}

const LOOPBACK_HOSTS: [&str; 4] = ["localhost", "127.0.0.1", "::1", "[::1]"];

impl Guard {
    /// A guard for a server bound to `bound`, with the configured extra hosts and origins.
    pub fn new(bound: SocketAddr, allowed_hosts: &[String], allowed_origins: &[String]) -> Self {
        let mut hosts: Vec<String> = LOOPBACK_HOSTS.iter().map(|h| (*h).to_owned()).collect();
        hosts.push(bound.ip().to_string());
        hosts.extend(allowed_hosts.iter().map(|h| h.to_ascii_lowercase()));
        Guard {
            hosts,
            origins: allowed_origins
                .iter()
                .map(|o| o.to_ascii_lowercase())
                .collect(),
        }
    }

    /// Whether a `Host` header value names this server.
    pub fn host_allowed(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let name = strip_port(&host);
        self.hosts
            .iter()
            .any(|allowed| *allowed == host || *allowed == name)
    }

    /// Whether a browser `Origin` may call this server.
    pub fn origin_allowed(&self, origin: &str) -> bool {
        let origin = origin.trim().to_ascii_lowercase();
        let Some((scheme, authority)) = origin.split_once("://") else {
            return self.origins.contains(&origin);
        };
        if (scheme == "http" || scheme == "https")
            && LOOPBACK_HOSTS.contains(&strip_port(authority))
        {
            return true;
        }
        self.origins.iter().any(|allowed| {
            if let Some(prefix) = allowed.strip_suffix(":*") {
                origin == prefix
                    || origin
                        .strip_prefix(prefix)
                        .is_some_and(|rest| rest.starts_with(':'))
            } else {
                *allowed == origin
            }
        })
    }

    fn check(&self, headers: &HeaderMap) -> Result<(), Rejection> {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        if !self.host_allowed(host) {
            tracing::warn!(host, "rejected a request for a foreign Host");
            return Err(Rejection {
                status: StatusCode::MISDIRECTED_REQUEST,
                message: format!(
                    "Host {host:?} is not served here; add it to server.allowed_hosts if it is this server's name"
                ),
            });
        }
        if let Some(origin) = headers.get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("(not text)");
            if !self.origin_allowed(origin) {
                tracing::warn!(origin, "rejected a request from a foreign Origin");
                return Err(Rejection {
                    status: StatusCode::FORBIDDEN,
                    message: format!(
                        "Origin {origin:?} is not allowed; add it to server.allowed_origins to let that page call this server"
                    ),
                });
            }
        }
        Ok(())
    }
}

/// Why a request was refused.
struct Rejection {
    status: StatusCode,
    message: String,
}

/// Strip a `:port` from a host (keeping IPv6 literals in brackets whole).
fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host
            .split_once(']')
            .map(|(inner, _)| &host[..inner.len() + 1])
            .unwrap_or(host);
    }
    match host.rsplit_once(':') {
        Some((name, port)) if !name.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            name
        }
        _ => host,
    }
}

/// The axum middleware applying the guard.
pub async fn enforce(State(guard): State<Arc<Guard>>, request: Request, next: Next) -> Response {
    match guard.check(request.headers()) {
        Ok(()) => next.run(request).await,
        Err(rejection) => (rejection.status, rejection.message).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::Guard;

    fn guard() -> Guard {
        Guard::new(
            "127.0.0.1:8787".parse().unwrap(),
            &["mcp.example.com".into()],
            &[
                "https://app.example.com".into(),
                "http://dev.example.com:*".into(),
            ],
        )
    }

    #[test]
    fn hosts() {
        let g = guard();
        for ok in [
            "localhost:8787",
            "127.0.0.1:8787",
            "[::1]:8787",
            "LOCALHOST",
            "mcp.example.com:443",
        ] {
            assert!(g.host_allowed(ok), "{ok}");
        }
        for bad in [
            "evil.example.com",
            "evil.example.com:8787",
            "",
            "127.0.0.2:8787",
        ] {
            assert!(!g.host_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn origins() {
        let g = guard();
        for ok in [
            "http://localhost:6274",
            "http://127.0.0.1",
            "https://app.example.com",
            "http://dev.example.com:3000",
        ] {
            assert!(g.origin_allowed(ok), "{ok}");
        }
        for bad in [
            "https://evil.example.com",
            "https://app.example.com.evil.net",
            "http://dev.example.comx:1",
            "null",
            "http://localhost.evil.net",
        ] {
            assert!(!g.origin_allowed(bad), "{bad}");
        }
    }
}
