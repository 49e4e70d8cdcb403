//! Budget periods in UTC: a day, an ISO week from Monday, a calendar month.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};

use crate::config::limits::BudgetPeriod;

/// The period containing `now_ms`: its start and end (exclusive), Unix milliseconds.
pub fn bounds(period: BudgetPeriod, now_ms: i64) -> (i64, i64) {
    let now = Utc
        .timestamp_millis_opt(now_ms)
        .single()
        .unwrap_or_default()
        .date_naive();
    let (start, end) = match period {
        BudgetPeriod::Day => (now, now + Duration::days(1)),
        BudgetPeriod::Week => {
            let monday = now - Duration::days(i64::from(now.weekday().num_days_from_monday()));
            (monday, monday + Duration::days(7))
        }
        BudgetPeriod::Month => {
            let first = NaiveDate::from_ymd_opt(now.year(), now.month(), 1).unwrap_or(now);
            let next = if now.month() == 12 {
                NaiveDate::from_ymd_opt(now.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(now.year(), now.month() + 1, 1)
            }
            .unwrap_or(first + Duration::days(31));
            (first, next)
        }
    };
    (midnight_ms(start), midnight_ms(end))
}

fn midnight_ms(date: NaiveDate) -> i64 {
    date.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::bounds;
    use crate::config::limits::BudgetPeriod;
    use crate::governance::clock::rfc3339;

    fn at(text: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(text)
            .map(|t| t.timestamp_millis())
            .unwrap_or_default()
    }

    #[test]
    fn periods_are_utc_days_iso_weeks_and_calendar_months() {
        let now = at("2026-12-31T23:59:59Z"); // a Thursday
        let show = |(a, b): (i64, i64)| (rfc3339(a), rfc3339(b));
        assert_eq!(
            show(bounds(BudgetPeriod::Day, now)),
            ("2026-12-31T00:00:00Z".into(), "2027-01-01T00:00:00Z".into())
        );
        assert_eq!(
            show(bounds(BudgetPeriod::Week, now)),
            ("2026-12-28T00:00:00Z".into(), "2027-01-04T00:00:00Z".into())
        );
        assert_eq!(
            show(bounds(BudgetPeriod::Month, now)),
            ("2026-12-01T00:00:00Z".into(), "2027-01-01T00:00:00Z".into())
        );
        let monday = at("2026-12-28T00:00:00Z");
        assert_eq!(bounds(BudgetPeriod::Week, monday).0, monday);
    }
}
