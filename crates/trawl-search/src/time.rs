//! The time range that runs outside the query text (§5): RFC 3339 bounds or a `--last`
//! duration, start inclusive, end exclusive.

use chrono::{DateTime, Duration, Utc};

use crate::error::{ErrorCode, SearchError};

/// `start <= event time < end`; a missing bound is unbounded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeRange {
    /// Inclusive lower bound.
    pub start: Option<DateTime<Utc>>,
    /// Exclusive upper bound.
    pub end: Option<DateTime<Utc>>,
}

impl TimeRange {
    /// True when neither bound is set.
    pub fn is_unbounded(&self) -> bool {
        self.start.is_none() && self.end.is_none()
    }
}

fn time_error(message: impl Into<String>) -> SearchError {
    SearchError::new(ErrorCode::Time, None, message)
}

/// Parses one RFC 3339 timestamp that carries `Z` or an offset.
pub fn parse_timestamp(text: &str) -> Result<DateTime<Utc>, SearchError> {
    DateTime::parse_from_rfc3339(text.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| {
            time_error(format!(
                "`{text}` is not an RFC 3339 timestamp with an offset"
            ))
            .with_hint("write e.g. 2024-05-01T00:00:00Z or 2024-05-01T12:30:00+02:00")
        })
}

/// Parses a duration such as `7d`, `24h`, `30m`, `90s`, `2w` (a sum like `1d12h` also works).
pub fn parse_duration(text: &str) -> Result<Duration, SearchError> {
    let bad = || {
        time_error(format!("`{text}` is not a duration"))
            .with_hint("write a number and a unit: 90s, 30m, 24h, 7d, 2w")
    };
    let mut total = Duration::zero();
    let mut digits = String::new();
    let mut any = false;
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let n: i64 = digits.parse().map_err(|_| bad())?;
        digits.clear();
        let unit = match c {
            's' => Duration::try_seconds(n),
            'm' => Duration::try_minutes(n),
            'h' => Duration::try_hours(n),
            'd' => Duration::try_days(n),
            'w' => Duration::try_weeks(n),
            _ => None,
        }
        .ok_or_else(bad)?;
        total = total.checked_add(&unit).ok_or_else(bad)?;
        any = true;
    }
    if !digits.is_empty() || !any {
        return Err(bad());
    }
    Ok(total)
}

/// Builds a range from `--from`, `--to` and `--last` (relative to `now`; ends at `to` or
/// `now`). `--last` together with `--from` is an error, and so is `start > end`.
pub fn parse_time_range(
    from: Option<&str>,
    to: Option<&str>,
    last: Option<&str>,
    now: DateTime<Utc>,
) -> Result<TimeRange, SearchError> {
    let end = to.map(parse_timestamp).transpose()?;
    let start = match (from, last) {
        (Some(_), Some(_)) => {
            return Err(
                time_error("a start time and a `last` duration were both given")
                    .with_hint("use one of them"),
            );
        }
        (Some(f), None) => Some(parse_timestamp(f)?),
        (None, Some(d)) => {
            let anchor = end.unwrap_or(now);
            Some(
                anchor
                    .checked_sub_signed(parse_duration(d)?)
                    .ok_or_else(|| time_error("the duration is too long"))?,
            )
        }
        (None, None) => None,
    };
    let end = if last.is_some() {
        Some(end.unwrap_or(now))
    } else {
        end
    };
    if let (Some(s), Some(e)) = (start, end)
        && s > e
    {
        return Err(
            time_error(format!("the range starts ({s}) after it ends ({e})"))
                .with_hint("swap the bounds; an empty range has start = end"),
        );
    }
    Ok(TimeRange { start, end })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> DateTime<Utc> {
        parse_timestamp(s).unwrap()
    }

    #[test]
    fn offsets_are_normalised_and_required() {
        let r =
            parse_time_range(Some("2024-05-01T12:30:00+02:00"), None, None, Utc::now()).unwrap();
        assert_eq!(r.start, Some(ts("2024-05-01T10:30:00Z")));
        assert_eq!(r.end, None);
        for bad in ["2024-05-01", "2024-05-01T00:00:00", "yesterday"] {
            assert_eq!(
                parse_time_range(Some(bad), None, None, Utc::now())
                    .unwrap_err()
                    .code,
                ErrorCode::Time
            );
        }
    }

    #[test]
    fn start_after_end_is_an_error_but_equal_is_empty() {
        let now = Utc::now();
        assert!(
            parse_time_range(
                Some("2024-05-02T00:00:00Z"),
                Some("2024-05-01T00:00:00Z"),
                None,
                now
            )
            .is_err()
        );
        assert!(
            parse_time_range(
                Some("2024-05-01T00:00:00Z"),
                Some("2024-05-01T00:00:00Z"),
                None,
                now
            )
            .is_ok()
        );
    }

    #[test]
    fn last_durations() {
        let now = ts("2024-05-08T00:00:00Z");
        let r = parse_time_range(None, None, Some("7d"), now).unwrap();
        assert_eq!(
            (r.start, r.end),
            (Some(ts("2024-05-01T00:00:00Z")), Some(now))
        );
        assert_eq!(parse_duration("1d12h").unwrap(), Duration::hours(36));
        for bad in ["", "7", "d", "7x", "-1d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert!(parse_time_range(Some("2024-05-01T00:00:00Z"), None, Some("1d"), now).is_err());
    }
}
