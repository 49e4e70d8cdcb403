//! The routing policy: per task kind a tier or candidate list, a quality floor and a latency
//! target; per team overrides; whether callers may name a model.

use std::collections::BTreeMap;

use crate::config::model::{DelegateConfig, TaskPolicyConfig, TeamPolicyConfig};

/// The task kinds Switchyard knows, with their built-in policy (tier, quality floor).
pub const BUILTIN_TASKS: &[(&str, &str, f64, &str)] = &[
    (
        "commit_message",
        "fast",
        0.8,
        "Write a commit message for a change",
    ),
    (
        "summarize",
        "fast",
        0.7,
        "Summarise a log, a thread or a document",
    ),
    (
        "code_review",
        "balanced",
        0.8,
        "Review a change for bugs and risks",
    ),
    (
        "security_review",
        "frontier",
        0.9,
        "Review code or a diff for security problems",
    ),
    ("test_generation", "balanced", 0.7, "Write tests for code"),
    (
        "iac_generation",
        "balanced",
        0.8,
        "Write infrastructure as code",
    ),
    (
        "data_transform",
        "fast",
        0.8,
        "Convert or extract data between formats",
    ),
    ("planning", "frontier", 0.7, "Plan a piece of work"),
    ("general", "balanced", 0.0, "Anything else"),
];

/// The task kind used when the caller names none or an unknown one.
pub const DEFAULT_TASK: &str = "general";

/// The policy one delegation is routed under.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskPolicy {
    /// The task kind the policy is for.
    pub task: String,
    /// Draw candidates from this tier (when `candidates` is `None`).
    pub tier: String,
    /// Or exactly these candidates, in preference order.
    pub candidates: Option<Vec<String>>,
    /// The lowest measured pass rate accepted.
    pub quality_floor: f64,
    /// The highest measured p50 latency accepted, in milliseconds.
    pub latency_target_ms: Option<u64>,
    /// A system prompt for the task.
    pub system: Option<String>,
    /// Where the policy came from, for the decision record.
    pub source: String,
}

/// The routing policy of the server.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    tiers: Vec<String>,
    tasks: BTreeMap<String, TaskPolicyConfig>,
    teams: BTreeMap<String, TeamPolicyConfig>,
    allow_model_override: bool,
    /// The baseline model for savings.
    pub baseline: Option<String>,
    /// Models tried in all, first choice included.
    pub max_attempts: u32,
}

impl Policy {
    /// The policy `[delegate]` describes.
    pub fn from_config(config: &DelegateConfig) -> Self {
        Policy {
            tiers: config.tiers.clone(),
            tasks: config.tasks.clone(),
            teams: config.teams.clone(),
            allow_model_override: config.allow_model_override,
            baseline: config.baseline.clone(),
            max_attempts: config.max_attempts.max(1),
        }
    }

    /// The tiers, cheapest first.
    pub fn tiers(&self) -> &[String] {
        &self.tiers
    }

    /// The position of a tier (unknown tiers sort after the known ones).
    pub fn tier_rank(&self, tier: &str) -> usize {
        self.tiers
            .iter()
            .position(|t| t == tier)
            .unwrap_or(self.tiers.len())
    }

    /// Every task kind the policy knows (built-in and configured).
    pub fn task_kinds(&self) -> Vec<String> {
        let mut kinds: Vec<String> = BUILTIN_TASKS.iter().map(|t| t.0.to_owned()).collect();
        for kind in self.tasks.keys() {
            if !kinds.contains(kind) {
                kinds.push(kind.clone());
            }
        }
        kinds
    }

    /// The policy for `task` as seen by `team`: the team's own task policy, else the configured
    /// one, else the built-in one; an unknown task gets `general`'s.
    pub fn for_task(&self, task: &str, team: Option<&str>) -> TaskPolicy {
        let team_policy = team
            .and_then(|team| self.teams.get(team).map(|policy| (team, policy)))
            .and_then(|(team, policy)| policy.tasks.get(task).map(|task| (team, task)));
        let builtin = BUILTIN_TASKS.iter().find(|t| t.0 == task);
        let known = team_policy.is_some() || self.tasks.contains_key(task) || builtin.is_some();
        let kind = if known { task } else { DEFAULT_TASK };
        let builtin = BUILTIN_TASKS.iter().find(|t| t.0 == kind);
        let (configured, source) = match team_policy {
            Some((team, policy)) => (
                Some(policy),
                format!("the policy of team {team} for {kind}"),
            ),
            None => match self.tasks.get(kind) {
                Some(policy) => (Some(policy), format!("the configured policy for {kind}")),
                None => (None, format!("the built-in policy for {kind}")),
            },
        };
        let source = if known {
            source
        } else {
            format!("{source} ({task:?} is not a known task kind)")
        };
        let default_tier = builtin.map(|b| b.1).unwrap_or("balanced").to_owned();
        let default_floor = builtin.map(|b| b.2).unwrap_or(0.0);
        TaskPolicy {
            task: kind.to_owned(),
            tier: configured
                .and_then(|c| c.tier.clone())
                .unwrap_or(default_tier),
            candidates: configured.and_then(|c| c.candidates.clone()),
            quality_floor: configured
                .and_then(|c| c.quality_floor)
                .unwrap_or(default_floor),
            latency_target_ms: configured.and_then(|c| c.latency_target_ms),
            system: configured.and_then(|c| c.system.clone()),
            source,
        }
    }

    /// Whether callers of `team` may name a model.
    pub fn override_allowed(&self, team: Option<&str>) -> bool {
        team.and_then(|team| self.teams.get(team))
            .and_then(|policy| policy.allow_model_override)
            .unwrap_or(self.allow_model_override)
    }

    /// The team rule (`[teams.<team>.policy] models` or `tiers`) that keeps `team` from a model
    /// of `tier`, if one does.
    pub fn team_rule_refusing(
        &self,
        team: Option<&str>,
        model: &str,
        tier: &str,
    ) -> Option<String> {
        let team_name = team?;
        let policy = self.teams.get(team_name)?;
        if let Some(models) = &policy.only_models
            && !models.iter().any(|m| m == model)
        {
            return Some(format!(
                "teams.{team_name}.policy.models does not contain {model:?}"
            ));
        }
        if let Some(tiers) = &policy.only_tiers
            && !tiers.iter().any(|t| t == tier)
        {
            return Some(format!(
                "teams.{team_name}.policy.tiers does not contain {tier:?} (its tier)"
            ));
        }
        None
    }

    /// Whether `team`'s policy denies `model`.
    pub fn denied_for_team(&self, team: Option<&str>, model: &str) -> bool {
        team.and_then(|team| self.teams.get(team))
            .is_some_and(|policy| policy.deny_models.iter().any(|m| m == model))
    }
}

#[cfg(test)]
mod tests {
    use super::Policy;
    use crate::config::model::{DelegateConfig, TaskPolicyConfig, TeamPolicyConfig};

    fn policy() -> Policy {
        let mut config = DelegateConfig::default();
        config.tasks.insert(
            "code_review".into(),
            TaskPolicyConfig {
                tier: Some("frontier".into()),
                quality_floor: Some(0.9),
                ..TaskPolicyConfig::default()
            },
        );
        let mut team = TeamPolicyConfig {
            allow_model_override: Some(false),
            deny_models: vec!["gpt-5".into()],
            ..TeamPolicyConfig::default()
        };
        team.tasks.insert(
            "code_review".into(),
            TaskPolicyConfig {
                candidates: Some(vec!["local/qwen".into()]),
                ..TaskPolicyConfig::default()
            },
        );
        config.teams.insert("secure".into(), team);
        Policy::from_config(&config)
    }

    #[test]
    fn team_then_configured_then_builtin_then_general() {
        let policy = policy();
        let team = policy.for_task("code_review", Some("secure"));
        assert_eq!(team.candidates, Some(vec!["local/qwen".to_owned()]));
        assert!(team.source.contains("team secure"));
        let configured = policy.for_task("code_review", Some("other"));
        assert_eq!(configured.tier, "frontier");
        assert_eq!(configured.quality_floor, 0.9);
        let builtin = policy.for_task("commit_message", None);
        assert_eq!(builtin.tier, "fast");
        assert!(builtin.source.contains("built-in"));
        let unknown = policy.for_task("haiku_writing", None);
        assert_eq!(unknown.task, "general");
        assert!(unknown.source.contains("not a known task kind"));
    }

    #[test]
    fn overrides_and_denials_follow_the_team() {
        let policy = policy();
        assert!(policy.override_allowed(None));
        assert!(!policy.override_allowed(Some("secure")));
        assert!(policy.denied_for_team(Some("secure"), "gpt-5"));
        assert!(!policy.denied_for_team(None, "gpt-5"));
        assert!(policy.tier_rank("fast") < policy.tier_rank("frontier"));
    }
}
