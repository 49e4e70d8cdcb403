//! Dates in and out.
//!
//! `since` / `until` accept what agents send: RFC 3339 (`2024-05-01T10:00:00Z`, any offset),
//! a date (`2024-05-01`, UTC; as `since` the start of that day, as `until` its end, so both
//! bounds include the day), a date and time without zone (`2024-05-01 10:00`, UTC), a Unix
//! timestamp (`@1714557600`), and relative forms: `7d`, `12h`, `2w`, `3mo`, `1y`,
//! `2 weeks ago`, `3 days ago`, `yesterday`, `today`, `now` (a month is 30 days, a year 365).
//! Commit times are shown as `2024-05-01 10:00 +02:00`, the committer's own offset.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, Utc};
use switchyard_core::ConnectorError;

/// Which end of a range a date bounds (a bare date covers its whole day).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    /// The start (`since`).
    Start,
    /// The end (`until`).
    End,
}

const DAY: i64 = 86_400;

/// Parse a date argument to Unix seconds; `now` is the current Unix time.
pub(crate) fn parse(
    text: &str,
    bound: Bound,
    now: i64,
    field: &str,
) -> Result<i64, ConnectorError> {
    let trimmed = text.trim();
    let lower = trimmed.to_ascii_lowercase();
    let invalid = || {
        ConnectorError::invalid(format!(
            "{field} {text:?} is not a date; use RFC 3339 (2024-05-01T10:00:00Z), a date (2024-05-01), or a relative form such as 7d, 12h, \"2 weeks ago\", yesterday"
        ))
    };
    if let Ok(at) = DateTime::parse_from_rfc3339(trimmed) {
        return Ok(at.timestamp());
    }
    if let Ok(day) = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d") {
        let start = day
            .and_hms_opt(0, 0, 0)
            .ok_or_else(invalid)?
            .and_utc()
            .timestamp();
        return Ok(match bound {
            Bound::Start => start,
            Bound::End => start + DAY - 1,
        });
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(at) = NaiveDateTime::parse_from_str(trimmed, format) {
            return Ok(at.and_utc().timestamp());
        }
    }
    if let Some(seconds) = lower.strip_prefix('@') {
        return seconds.parse::<i64>().map_err(|_| invalid());
    }
    let today = now - now.rem_euclid(DAY);
    match lower.as_str() {
        "now" => return Ok(now),
        "today" => {
            return Ok(match bound {
                Bound::Start => today,
                Bound::End => now,
            });
        }
        "yesterday" => {
            return Ok(match bound {
                Bound::Start => today - DAY,
                Bound::End => today - 1,
            });
        }
        _ => {}
    }
    let relative = lower.strip_suffix("ago").unwrap_or(&lower).trim();
    let digits_end = relative
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(relative.len());
    let (number, unit) = relative.split_at(digits_end);
    let number: i64 = number.parse().map_err(|_| invalid())?;
    let seconds = unit_seconds(unit.trim()).ok_or_else(invalid)?;
    Ok(now - number.saturating_mul(seconds))
}

fn unit_seconds(unit: &str) -> Option<i64> {
    let unit = unit
        .strip_suffix('s')
        .filter(|u| !u.is_empty())
        .unwrap_or(unit);
    Some(match unit {
        "s" | "sec" | "second" => 1,
        "m" | "min" | "minute" => 60,
        "h" | "hr" | "hour" => 3_600,
        "d" | "day" => DAY,
        "w" | "wk" | "week" => 7 * DAY,
        "mo" | "mon" | "month" => 30 * DAY,
        "y" | "yr" | "year" => 365 * DAY,
        _ => return None,
    })
}

/// The current Unix time.
pub(crate) fn now() -> i64 {
    Utc::now().timestamp()
}

/// A commit time in its own offset: `2024-05-01 10:00 +02:00`.
pub(crate) fn show(time: git2::Time) -> String {
    match at_offset(time) {
        Some(at) => at.format("%Y-%m-%d %H:%M %:z").to_string(),
        None => format!("@{}", time.seconds()),
    }
}

/// A commit time as RFC 3339.
pub(crate) fn rfc3339(time: git2::Time) -> String {
    match at_offset(time) {
        Some(at) => at.to_rfc3339(),
        None => format!("@{}", time.seconds()),
    }
}

fn at_offset(time: git2::Time) -> Option<DateTime<FixedOffset>> {
    let offset = FixedOffset::east_opt(time.offset_minutes().saturating_mul(60))?;
    Some(DateTime::from_timestamp(time.seconds(), 0)?.with_timezone(&offset))
}

#[cfg(test)]
mod tests {
    use super::{Bound, parse, show};

    const NOW: i64 = 1_714_557_600; // 2024-05-01T10:00:00Z

    #[test]
    fn absolute_forms() {
        assert_eq!(
            parse("2024-05-01T10:00:00Z", Bound::Start, NOW, "since").unwrap(),
            NOW
        );
        assert_eq!(
            parse("2024-05-01T12:00:00+02:00", Bound::Start, NOW, "since").unwrap(),
            NOW
        );
        assert_eq!(
            parse("2024-05-01", Bound::Start, NOW, "since").unwrap(),
            NOW - 36_000
        );
        assert_eq!(
            parse("2024-05-01", Bound::End, NOW, "until").unwrap(),
            NOW - 36_000 + 86_399
        );
        assert_eq!(
            parse("2024-05-01 10:00", Bound::Start, NOW, "since").unwrap(),
            NOW
        );
        assert_eq!(
            parse("@1714557600", Bound::Start, NOW, "since").unwrap(),
            NOW
        );
    }

    #[test]
    fn relative_forms() {
        assert_eq!(
            parse("7d", Bound::Start, NOW, "since").unwrap(),
            NOW - 7 * 86_400
        );
        assert_eq!(
            parse("2 weeks ago", Bound::Start, NOW, "since").unwrap(),
            NOW - 14 * 86_400
        );
        assert_eq!(
            parse("3 days ago", Bound::Start, NOW, "since").unwrap(),
            NOW - 3 * 86_400
        );
        assert_eq!(
            parse("12h", Bound::Start, NOW, "since").unwrap(),
            NOW - 12 * 3_600
        );
        assert_eq!(
            parse("1 month ago", Bound::Start, NOW, "since").unwrap(),
            NOW - 30 * 86_400
        );
        assert_eq!(
            parse("yesterday", Bound::Start, NOW, "since").unwrap(),
            NOW - 36_000 - 86_400
        );
        let err = parse("last tuesday", Bound::Start, NOW, "since").unwrap_err();
        assert!(err.to_string().contains("\"last tuesday\""), "{err}");
    }

    #[test]
    fn shows_the_committer_offset() {
        assert_eq!(show(git2::Time::new(NOW, 120)), "2024-05-01 12:00 +02:00");
    }
}
