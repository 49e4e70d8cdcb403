//! `[quotas]` and `[budgets]`: request and token quotas per user and team, and spending limits
//! per team and department. Raw structs as written; `validate_governance` checks them.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::ConfigIssue;

/// `[quotas]`: `[quotas.default]` for teams without an entry, `[quotas.teams.<team>]` per team.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QuotasConfig {
    /// Limits of callers whose team has no entry (and of callers without a team).
    pub default: Option<QuotaLimits>,
    /// Limits per team, by team name.
    pub teams: BTreeMap<String, QuotaLimits>,
}

/// The limits of one team; an unset limit does not apply (and costs no database write).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QuotaLimits {
    /// Tool calls (not delegations) per minute by each user of the team.
    pub tool_calls_per_minute_per_user: Option<u64>,
    /// Tool calls (not delegations) per minute by the whole team.
    pub tool_calls_per_minute: Option<u64>,
    /// Delegations per minute by each user of the team.
    pub delegations_per_minute_per_user: Option<u64>,
    /// Delegations per minute by the whole team.
    pub delegations_per_minute: Option<u64>,
    /// Model tokens (input and output) per UTC day by the whole team.
    pub tokens_per_day: Option<u64>,
}

/// `[budgets]`: `[budgets.teams.<team>]` and `[budgets.departments.<department>]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BudgetsConfig {
    /// Budgets per team.
    pub teams: BTreeMap<String, BudgetConfig>,
    /// Budgets per department (shared by its teams).
    pub departments: BTreeMap<String, BudgetConfig>,
}

/// One budget in US dollars per period.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetConfig {
    /// `day` (UTC), `week` (ISO, from Monday) or `month` (calendar).
    pub period: BudgetPeriod,
    /// Past this, results carry a warning and routing prefers the cheapest eligible model.
    pub soft_usd: Option<f64>,
    /// Past this, delegations are refused until the period resets.
    pub hard_usd: Option<f64>,
}

/// A budget's period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetPeriod {
    /// A UTC day.
    Day,
    /// An ISO week, Monday 00:00 UTC to the next.
    Week,
    /// A calendar month (UTC).
    Month,
}

impl BudgetPeriod {
    /// `day`, `week` or `month`.
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetPeriod::Day => "day",
            BudgetPeriod::Week => "week",
            BudgetPeriod::Month => "month",
        }
    }
}

/// Check `[quotas]` and `[budgets]`: values, and that every team or department they name is
/// declared in `[teams]` / `[departments]` (a limit on an undeclared name would never apply).
pub fn validate_governance(config: &super::Config, issues: &mut Vec<ConfigIssue>) {
    let (quotas, budgets) = (&config.quotas, &config.budgets);
    let undeclared = quotas
        .teams
        .keys()
        .map(|team| {
            (
                "quotas.teams",
                "teams",
                team,
                config.teams.contains_key(team),
            )
        })
        .chain(budgets.teams.keys().map(|team| {
            (
                "budgets.teams",
                "teams",
                team,
                config.teams.contains_key(team),
            )
        }))
        .chain(budgets.departments.keys().map(|department| {
            (
                "budgets.departments",
                "departments",
                department,
                config.departments.contains_key(department),
            )
        }));
    for (prefix, section, name, declared) in undeclared {
        if !declared {
            issues.push(ConfigIssue::new(
                format!("{prefix}.{name}"),
                format!("no [{section}.{name}] section; add one or fix the name"),
            ));
        }
    }
    let limits = quotas
        .default
        .iter()
        .map(|l| ("quotas.default".to_owned(), l))
        .chain(
            quotas
                .teams
                .iter()
                .map(|(team, l)| (format!("quotas.teams.{team}"), l)),
        );
    for (key, limits) in limits {
        for (name, value) in [
            (
                "tool_calls_per_minute_per_user",
                limits.tool_calls_per_minute_per_user,
            ),
            ("tool_calls_per_minute", limits.tool_calls_per_minute),
            (
                "delegations_per_minute_per_user",
                limits.delegations_per_minute_per_user,
            ),
            ("delegations_per_minute", limits.delegations_per_minute),
            ("tokens_per_day", limits.tokens_per_day),
        ] {
            if value == Some(0) || value.is_some_and(|v| v > i64::MAX as u64 / 2) {
                issues.push(ConfigIssue::new(
                    format!("{key}.{name}"),
                    "must be at least 1 (leave it out for no limit)",
                ));
            }
        }
    }
    let all = budgets
        .teams
        .iter()
        .map(|(team, b)| (format!("budgets.teams.{team}"), b))
        .chain(
            budgets
                .departments
                .iter()
                .map(|(d, b)| (format!("budgets.departments.{d}"), b)),
        );
    for (key, budget) in all {
        if budget.soft_usd.is_none() && budget.hard_usd.is_none() {
            issues.push(ConfigIssue::new(
                key.clone(),
                "sets neither soft_usd nor hard_usd; set at least one",
            ));
        }
        for (name, value) in [("soft_usd", budget.soft_usd), ("hard_usd", budget.hard_usd)] {
            if let Some(value) = value
                && let Err(message) = budget_micros(name, value)
            {
                issues.push(ConfigIssue::new(format!("{key}.{name}"), message));
            }
        }
        if let (Some(soft), Some(hard)) = (budget.soft_usd, budget.hard_usd)
            && soft > hard
        {
            issues.push(ConfigIssue::new(
                format!("{key}.soft_usd"),
                format!(
                    "{soft} is above hard_usd {hard}; the soft limit warns before the hard one"
                ),
            ));
        }
    }
}

/// The largest budget accepted, in US dollars: anything above is a unit mistake.
const MAX_BUDGET_USD: f64 = 1e9;

/// A budget amount in micro-dollars, or why it is unusable (`name` is the key, for the
/// message; the model-price check speaks of prices per million tokens and caps lower).
pub fn budget_micros(name: &str, usd: f64) -> Result<crate::delegate::money::Micros, String> {
    if !usd.is_finite() || usd <= 0.0 {
        return Err(format!(
            "{name} must be a positive amount of US dollars, not {usd}"
        ));
    }
    if usd > MAX_BUDGET_USD {
        return Err(format!(
            "{usd:e} US dollars is above the 1e9 a budget may be; {name} is in dollars per period"
        ));
    }
    crate::delegate::money::Micros::parse_decimal(&format!("{usd}"))
        .map_err(|_| format!("{name} must be a positive amount of US dollars, not {usd}"))
}

/// One line per configured quota, for `switchyard check`: its key and its limits.
pub fn describe_quotas(quotas: &QuotasConfig) -> Vec<String> {
    let named = quotas
        .default
        .iter()
        .map(|limits| ("quotas.default".to_owned(), limits))
        .chain(
            quotas
                .teams
                .iter()
                .map(|(team, limits)| (format!("quotas.teams.{team}"), limits)),
        );
    named
        .map(|(key, limits)| {
            let set: Vec<String> = [
                (
                    "tool_calls_per_minute_per_user",
                    limits.tool_calls_per_minute_per_user,
                ),
                ("tool_calls_per_minute", limits.tool_calls_per_minute),
                (
                    "delegations_per_minute_per_user",
                    limits.delegations_per_minute_per_user,
                ),
                ("delegations_per_minute", limits.delegations_per_minute),
                ("tokens_per_day", limits.tokens_per_day),
            ]
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| format!("{name} {v}")))
            .collect();
            if set.is_empty() {
                format!("{key}: no limit set")
            } else {
                format!("{key}: {}", set.join(", "))
            }
        })
        .collect()
}

/// One line per configured budget, for `switchyard check`: its key, period and limits.
pub fn describe_budgets(budgets: &BudgetsConfig) -> Vec<String> {
    let dollars = |v: Option<f64>| v.map_or_else(|| "none".to_owned(), |v| format!("${v}"));
    budgets
        .teams
        .iter()
        .map(|(team, b)| (format!("budgets.teams.{team}"), b))
        .chain(
            budgets
                .departments
                .iter()
                .map(|(dept, b)| (format!("budgets.departments.{dept}"), b)),
        )
        .map(|(key, b)| {
            format!(
                "{key}: per {}, soft {}, hard {}",
                b.period.as_str(),
                dollars(b.soft_usd),
                dollars(b.hard_usd)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::config::load::parse_lenient;

    #[test]
    fn quotas_and_budgets_parse_and_bad_values_are_named() {
        let (config, issues) = parse_lenient(
            r#"
[quotas.default]
tool_calls_per_minute_per_user = 60

[quotas.teams.payments]
tool_calls_per_minute = 0
tokens_per_day = 1000000

[budgets.teams.payments]
period = "week"
soft_usd = 50
hard_usd = 40

[budgets.departments.engineering]
period = "month"

[teams.payments]
department = "engineering"

[departments.engineering]
name = "Engineering"
"#,
        )
        .expect("parses");
        assert!(issues.is_empty(), "{issues:?}");
        assert_eq!(
            config.quotas.teams["payments"].tokens_per_day,
            Some(1_000_000)
        );
        let issues = crate::config::validate::validate(&config);
        let keys: Vec<&str> = issues.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "quotas.teams.payments.tool_calls_per_minute",
                "budgets.teams.payments.soft_usd",
                "budgets.departments.engineering",
            ]
        );
        let (_, issues) = parse_lenient(
            "[budgets.teams.x]
period = \"year\"\nhard_usd = 1\n",
        )
        .expect("parses");
        assert_eq!(issues.len(), 1);
        assert!(issues[0].key.starts_with("budgets"), "{issues:?}");
    }

    #[test]
    fn budget_amounts_speak_of_budgets_not_prices() {
        let (config, _) = parse_lenient(
            "[teams.t]\n[budgets.teams.t]\nperiod = \"day\"\nsoft_usd = -5\nhard_usd = 1e300\n",
        )
        .expect("parses");
        let issues = crate::config::validate::validate(&config);
        let found: Vec<(&str, &str)> = issues
            .iter()
            .map(|i| (i.key.as_str(), i.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "budgets.teams.t.soft_usd",
                    "soft_usd must be a positive amount of US dollars, not -5"
                ),
                (
                    "budgets.teams.t.hard_usd",
                    "1e300 US dollars is above the 1e9 a budget may be; hard_usd is in dollars per period"
                ),
            ]
        );
        let (config, _) =
            parse_lenient("[teams.t]\n[budgets.teams.t]\nperiod = \"day\"\nhard_usd = 2000000\n")
                .expect("parses");
        assert!(crate::config::validate::validate(&config).is_empty());
    }

    #[test]
    fn limits_on_undeclared_teams_and_departments_are_errors() {
        let (config, issues) = parse_lenient(
            r#"
[departments.fin]
name = "Finance"

[teams.payments]
department = "fin"

[budgets.teams.paymnets]
period = "day"
hard_usd = 5

[budgets.departments.engineering]
period = "day"
hard_usd = 5

[quotas.teams.ghosts]
tokens_per_day = 10

[budgets.teams.payments]
period = "day"
hard_usd = 5

[budgets.departments.fin]
period = "day"
hard_usd = 5
"#,
        )
        .expect("parses");
        assert!(issues.is_empty(), "{issues:?}");
        let issues = crate::config::validate::validate(&config);
        let found: Vec<(&str, &str)> = issues
            .iter()
            .map(|i| (i.key.as_str(), i.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "quotas.teams.ghosts",
                    "no [teams.ghosts] section; add one or fix the name"
                ),
                (
                    "budgets.teams.paymnets",
                    "no [teams.paymnets] section; add one or fix the name"
                ),
                (
                    "budgets.departments.engineering",
                    "no [departments.engineering] section; add one or fix the name"
                ),
            ]
        );
    }

    #[test]
    fn quotas_and_budgets_are_described_for_check() {
        let (config, issues) = parse_lenient(
            r#"
[departments.eng]
[teams.payments]
department = "eng"

[quotas.default]
tool_calls_per_minute_per_user = 60

[quotas.teams.payments]
delegations_per_minute = 5
tokens_per_day = 1000

[budgets.teams.payments]
period = "month"
soft_usd = 400
hard_usd = 500

[budgets.departments.eng]
period = "week"
hard_usd = 2000.5
"#,
        )
        .expect("parses");
        assert!(issues.is_empty(), "{issues:?}");
        assert!(crate::config::validate::validate(&config).is_empty());
        assert_eq!(
            super::describe_quotas(&config.quotas),
            [
                "quotas.default: tool_calls_per_minute_per_user 60",
                "quotas.teams.payments: delegations_per_minute 5, tokens_per_day 1000",
            ]
        );
        assert_eq!(
            super::describe_budgets(&config.budgets),
            [
                "budgets.teams.payments: per month, soft $400, hard $500",
                "budgets.departments.eng: per week, soft none, hard $2000.5",
            ]
        );
    }
}
