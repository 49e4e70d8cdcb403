//! The chargeback report: ledger sums grouped by department, team, user, model, task or tool
//! over a time range, with cost, calls, tokens and savings against the baseline, exact to the
//! micro-dollar; rendered as a table, CSV or JSON (`switchyard usage`, `GET /usage`).

use std::fmt::Write as _;

use serde::Serialize;

use super::clock::rfc3339;
use crate::store::StoreError;
use crate::store::ledger::{LedgerStore, UsageDimension, UsageGroup};

/// Why a usage query is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsageError {
    /// `by` is not a dimension.
    #[error("by {0:?} is not one of department, team, user, model, task, tool")]
    Dimension(String),
    /// A time is neither a duration back (`30d`) nor a date.
    #[error(
        "{0:?} is not a time: use a duration back from now (90m, 12h, 30d, 2w) or a date (2026-07-01, 2026-07-01T12:00:00Z)"
    )]
    Time(String),
    /// A duration back of zero, a negative one, or one reaching before 1970.
    #[error(
        "{0:?} must be a duration back from now of at least 1 unit, and not reach before 1970-01-01 (the window from now back to now is empty)"
    )]
    Duration(String),
    /// The range is empty.
    #[error("since ({since}) is not before until ({until})")]
    Range {
        /// The start.
        since: String,
        /// The end.
        until: String,
    },
    /// The format is unknown.
    #[error("format {0:?} is not one of table, csv, json")]
    Format(String),
}

/// How to show the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned columns.
    Table,
    /// RFC 4180 CSV with a header.
    Csv,
    /// One JSON object.
    Json,
}

impl Format {
    /// Parse `table`, `csv` or `json`.
    pub fn parse(text: &str) -> Result<Self, UsageError> {
        match text {
            "table" => Ok(Format::Table),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            other => Err(UsageError::Format(other.to_owned())),
        }
    }
}

/// A parsed query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageQuery {
    /// The grouping.
    pub by: UsageDimension,
    /// From, Unix ms (inclusive).
    pub since_ms: i64,
    /// To, Unix ms (exclusive).
    pub until_ms: i64,
}

impl UsageQuery {
    /// Parse `by`, `since` and an optional `until` (default: now).
    pub fn parse(
        by: &str,
        since: &str,
        until: Option<&str>,
        now_ms: i64,
    ) -> Result<Self, UsageError> {
        let by = UsageDimension::parse(by).ok_or_else(|| UsageError::Dimension(by.to_owned()))?;
        let since_ms = parse_time(since, now_ms)?;
        // A bare date as `until` includes that whole day.
        let until_ms = match until {
            Some(text) if is_date(text) => parse_time(text, now_ms)? + 86_400_000,
            Some(text) => parse_time(text, now_ms)?,
            None => now_ms + 1,
        };
        if since_ms >= until_ms {
            return Err(UsageError::Range {
                since: rfc3339(since_ms),
                until: rfc3339(until_ms),
            });
        }
        Ok(UsageQuery {
            by,
            since_ms,
            until_ms,
        })
    }
}

fn is_date(text: &str) -> bool {
    chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").is_ok()
}

/// `30d` (back from now), `2026-07-01` (UTC midnight) or an RFC 3339 time, as Unix ms.
pub fn parse_time(text: &str, now_ms: i64) -> Result<i64, UsageError> {
    let text = text.trim();
    let bad = || UsageError::Time(text.to_owned());
    if let Some(unit) = text.chars().last().filter(char::is_ascii_alphabetic)
        && let Ok(count) = text[..text.len() - 1].parse::<i64>()
    {
        let unit_ms = match unit {
            'm' => 60_000,
            'h' => 3_600_000,
            'd' => 86_400_000,
            'w' => 7 * 86_400_000,
            _ => return Err(bad()),
        };
        let back = || UsageError::Duration(text.to_owned());
        if count < 1 {
            return Err(back());
        }
        return count
            .checked_mul(unit_ms)
            .map(|ms| now_ms - ms)
            .filter(|start| *start >= 0)
            .ok_or_else(back);
    }
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return date
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp_millis())
            .ok_or_else(bad);
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp_millis())
        .map_err(|_| bad())
}

/// One line of the report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UsageLine {
    /// The group (a team, a model, …; `(none)` when unset).
    pub key: String,
    /// Calls (ledger rows).
    pub calls: i64,
    /// Input tokens.
    pub input_tokens: i64,
    /// Output tokens.
    pub output_tokens: i64,
    /// Cached input tokens.
    pub cached_tokens: i64,
    /// Cost, micro-dollars.
    pub cost_micros: i64,
    /// Cost, US dollars (exact decimal text).
    pub cost_usd: String,
    /// Baseline cost of the calls that have one, micro-dollars.
    pub baseline_micros: i64,
    /// Baseline minus actual cost over those calls, micro-dollars.
    pub savings_micros: i64,
    /// The same in US dollars (exact decimal text, negative when dearer).
    pub savings_usd: String,
}

impl UsageLine {
    fn from_group(group: &UsageGroup) -> Self {
        let savings = group.baseline_micros - group.compared_cost_micros;
        UsageLine {
            key: group.key.clone(),
            calls: group.calls,
            input_tokens: group.input_tokens,
            output_tokens: group.output_tokens,
            cached_tokens: group.cached_tokens,
            cost_micros: group.cost_micros,
            cost_usd: dollars(group.cost_micros),
            baseline_micros: group.baseline_micros,
            savings_micros: savings,
            savings_usd: dollars(savings),
        }
    }

    fn add(&mut self, other: &UsageLine) {
        self.calls += other.calls;
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.cached_tokens += other.cached_tokens;
        self.cost_micros += other.cost_micros;
        self.baseline_micros += other.baseline_micros;
        self.savings_micros += other.savings_micros;
        self.cost_usd = dollars(self.cost_micros);
        self.savings_usd = dollars(self.savings_micros);
    }
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UsageReport {
    /// The grouping.
    pub by: String,
    /// From (UTC, inclusive).
    pub since: String,
    /// To (UTC, exclusive).
    pub until: String,
    /// The groups, dearest first.
    pub groups: Vec<UsageLine>,
    /// Every group together.
    pub total: UsageLine,
}

/// Run the query.
pub async fn report(store: &LedgerStore, query: &UsageQuery) -> Result<UsageReport, StoreError> {
    let groups = store
        .usage(query.by, query.since_ms, query.until_ms)
        .await?;
    let lines: Vec<UsageLine> = groups.iter().map(UsageLine::from_group).collect();
    let mut total = UsageLine {
        key: "total".to_owned(),
        cost_usd: dollars(0),
        savings_usd: dollars(0),
        ..UsageLine::default()
    };
    for line in &lines {
        total.add(line);
    }
    Ok(UsageReport {
        by: query.by.as_str().to_owned(),
        since: rfc3339(query.since_ms),
        until: rfc3339(query.until_ms),
        groups: lines,
        total,
    })
}

/// Micro-dollars as exact decimal dollars: `12.345678`, `-0.000100`.
pub fn dollars(micros: i64) -> String {
    let sign = if micros < 0 { "-" } else { "" };
    let abs = micros.unsigned_abs();
    format!("{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
}

const HEADERS: [&str; 8] = [
    "calls",
    "input_tokens",
    "output_tokens",
    "cached_tokens",
    "cost_usd",
    "baseline_usd",
    "savings_usd",
    "savings_pct",
];

fn cells(line: &UsageLine) -> [String; 8] {
    let percent = if line.baseline_micros > 0 {
        format!(
            "{:.1}",
            line.savings_micros as f64 * 100.0 / line.baseline_micros as f64
        )
    } else {
        "-".to_owned()
    };
    [
        line.calls.to_string(),
        line.input_tokens.to_string(),
        line.output_tokens.to_string(),
        line.cached_tokens.to_string(),
        line.cost_usd.clone(),
        dollars(line.baseline_micros),
        line.savings_usd.clone(),
        percent,
    ]
}

/// The report as text in `format`.
pub fn render(report: &UsageReport, format: Format) -> String {
    match format {
        Format::Json => serde_json::to_string_pretty(report).unwrap_or_default() + "\n",
        Format::Csv => {
            let mut out = format!("{},{}\n", report.by, HEADERS.join(","));
            for line in report.groups.iter().chain([&report.total]) {
                let _ = writeln!(out, "{},{}", csv_field(&line.key), cells(line).join(","));
            }
            out
        }
        Format::Table => {
            let mut rows: Vec<Vec<String>> = vec![
                std::iter::once(report.by.clone())
                    .chain(HEADERS.iter().map(|h| (*h).to_owned()))
                    .collect(),
            ];
            for line in report.groups.iter().chain([&report.total]) {
                rows.push(
                    std::iter::once(line.key.clone())
                        .chain(cells(line))
                        .collect(),
                );
            }
            let widths: Vec<usize> = (0..rows[0].len())
                .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
                .collect();
            let mut out = format!(
                "usage by {} from {} to {}\n",
                report.by, report.since, report.until
            );
            for (index, row) in rows.iter().enumerate() {
                if index + 1 == rows.len() {
                    let rule: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
                    let _ = writeln!(out, "{}", "-".repeat(rule));
                }
                let line: Vec<String> = row
                    .iter()
                    .zip(&widths)
                    .enumerate()
                    .map(|(c, (cell, w))| {
                        if c == 0 {
                            format!("{cell:<w$}")
                        } else {
                            format!("{cell:>w$}")
                        }
                    })
                    .collect();
                let _ = writeln!(out, "{}", line.join("  ").trim_end());
            }
            out
        }
    }
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::{dollars, parse_time};

    #[test]
    fn times_and_dollars() {
        let now = 10 * 86_400_000;
        assert_eq!(parse_time("2d", now), Ok(8 * 86_400_000));
        assert_eq!(parse_time("1970-01-02", now), Ok(86_400_000));
        assert!(parse_time("soon", now).is_err());
        assert_eq!(parse_time("10d", now), Ok(0));
        for empty_or_absurd in ["0d", "-5d", "11d", "99999999d", "9223372036854775807w"] {
            let err = parse_time(empty_or_absurd, now).expect_err(empty_or_absurd);
            assert!(
                err.to_string().contains("at least 1 unit"),
                "{empty_or_absurd}: {err}"
            );
        }
        assert_eq!(dollars(12_345_678), "12.345678");
        assert_eq!(dollars(-100), "-0.000100");
    }
}
