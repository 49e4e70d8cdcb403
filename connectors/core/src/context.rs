//! What a connector knows about the call it serves: who asked, until when, and how much room.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::budget::ResponseBudget;
use crate::error::ConnectorError;

/// Who is calling. Filled from config on stdio and from authentication over HTTP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The user name (an OS user, a key owner, a JWT subject).
    pub user: String,
    /// The team, when known.
    pub team: Option<String>,
    /// The team's department (its cost centre), when the team has one in config.
    pub department: Option<String>,
    /// What the caller may administer.
    pub role: Role,
}

/// A caller's role in its team.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Role {
    /// Uses the tools its team's policy allows.
    #[default]
    Member,
    /// Also reads usage reports and other admin endpoints.
    Admin,
}

impl Role {
    /// `member` or `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
        }
    }
}

impl Identity {
    /// An identity with a user and no team.
    pub fn user(user: impl Into<String>) -> Self {
        Identity {
            user: user.into(),
            team: None,
            department: None,
            role: Role::Member,
        }
    }

    /// The same identity in `team`.
    pub fn with_team(mut self, team: impl Into<String>) -> Self {
        self.team = Some(team.into());
        self
    }
}

impl Default for Identity {
    fn default() -> Self {
        Identity::user("anonymous")
    }
}

/// Receives progress reports of a long call (forwarded as MCP progress notifications).
pub trait ProgressSink: Send + Sync {
    /// Report `done` of `total` (when known) with a short message.
    fn report(&self, done: u64, total: Option<u64>, message: &str);
}

/// A sink that drops every report.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl ProgressSink for NoProgress {
    fn report(&self, _done: u64, _total: Option<u64>, _message: &str) {}
}

/// The context of one call.
#[derive(Clone)]
pub struct CallContext {
    /// Who is calling.
    pub identity: Identity,
    /// When the call must be answered by.
    pub deadline: Instant,
    /// Cancelled when the client cancels the request or disconnects.
    pub cancel: CancellationToken,
    /// Where progress goes.
    pub progress: Arc<dyn ProgressSink>,
    /// How much text the result may carry.
    pub budget: ResponseBudget,
}

impl fmt::Debug for CallContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallContext")
            .field("identity", &self.identity)
            .field("deadline", &self.deadline)
            .field("cancelled", &self.cancel.is_cancelled())
            .field("budget", &self.budget)
            .finish()
    }
}

impl CallContext {
    /// A context for `identity` with `timeout` from now and the given budget.
    pub fn new(identity: Identity, timeout: Duration, budget: ResponseBudget) -> Self {
        CallContext {
            identity,
            deadline: Instant::now() + timeout,
            cancel: CancellationToken::new(),
            progress: Arc::new(NoProgress),
            budget,
        }
    }

    /// A context for tests and tools: anonymous, 30 s, the default budget.
    pub fn for_tests() -> Self {
        CallContext::new(
            Identity::default(),
            Duration::from_secs(30),
            ResponseBudget::default(),
        )
    }

    /// The same context with another budget.
    pub fn with_budget(mut self, budget: ResponseBudget) -> Self {
        self.budget = budget;
        self
    }

    /// The same context with a deadline `timeout` from now (never later than the current one).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.deadline = self.deadline.min(Instant::now() + timeout);
        self
    }

    /// Time left before the deadline.
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    /// Fail with `Timeout` or a cancellation error if the call should stop now. Long loops in
    /// blocking code call this between steps.
    pub fn checkpoint(&self, doing: &str) -> Result<(), ConnectorError> {
        if self.cancel.is_cancelled() {
            return Err(ConnectorError::Timeout(format!(
                "the request was cancelled while {doing}"
            )));
        }
        if Instant::now() >= self.deadline {
            return Err(ConnectorError::Timeout(format!(
                "the deadline passed while {doing}"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::CallContext;
    use crate::error::ErrorKind;
    use std::time::Duration;

    #[test]
    fn checkpoint_fails_after_cancel_and_deadline() {
        let ctx = CallContext::for_tests();
        assert!(ctx.checkpoint("walking").is_ok());
        ctx.cancel.cancel();
        let err = ctx.checkpoint("walking").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Timeout);
        assert!(err.to_string().contains("cancelled while walking"));
        let ctx = CallContext::for_tests().with_timeout(Duration::ZERO);
        assert!(ctx.checkpoint("walking").is_err());
    }
}
