//! Which partition a record belongs to, and where that partition lives on disk.

use chrono::{DateTime, Datelike, NaiveDate};

/// A UTC calendar date, the date part of a partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Day(NaiveDate);

impl Day {
    /// `YYYY/MM/DD`, the value of Athena's `date_partition` and `timestamp` partitions; its
    /// parts are [`year`](Self::year), [`month`](Self::month) and [`day`](Self::day).
    pub fn date_partition(&self) -> String {
        format!(
            "{:04}/{:02}/{:02}",
            self.0.year(),
            self.0.month(),
            self.0.day()
        )
    }
    /// Zero-padded year, `YYYY`.
    pub fn year(date_partition: &str) -> &str {
        &date_partition[..date_partition.len() - 6]
    }
    /// Zero-padded month, `MM`.
    pub fn month(date_partition: &str) -> &str {
        &date_partition[date_partition.len() - 5..date_partition.len() - 3]
    }
    /// Zero-padded day of month, `DD`.
    pub fn day(date_partition: &str) -> &str {
        &date_partition[date_partition.len() - 2..]
    }
}

/// A usable `eventTime`: strict ISO-8601 with `T` and `Z` or an offset, normalised to UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventTime {
    /// Milliseconds since the Unix epoch.
    pub millis: i64,
    /// The UTC date.
    pub date: Day,
}

impl EventTime {
    /// Parses an `eventTime`; `None` when it is not strict ISO-8601 with a zone.
    pub fn parse(text: &str) -> Option<EventTime> {
        let b = text.as_bytes();
        if b.len() < 20 || b[10] != b'T' {
            return None;
        }
        let time = DateTime::parse_from_rfc3339(text).ok()?.to_utc();
        Some(EventTime {
            millis: time.timestamp_millis(),
            date: Day(time.date_naive()),
        })
    }
}

/// The partition a row is written to. `None` parts are unknown and stored as NULL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PartitionKey {
    /// `recipientAccountId`, else the account in the source key.
    pub account: Option<String>,
    /// `awsRegion`, else the region in the source key.
    pub region: Option<String>,
    /// UTC date of `eventTime`.
    pub date: Option<Day>,
}

impl PartitionKey {
    /// The folder, relative to the table folder, that holds this partition's files:
    /// `<account>/<region>/<YYYY>/<MM>/<DD>` (or `unknown-…` parts).
    pub fn folder(&self) -> String {
        let account = self
            .account
            .as_deref()
            .map_or("unknown-account".into(), safe_segment);
        let region = self
            .region
            .as_deref()
            .map_or("unknown-region".into(), safe_segment);
        match &self.date {
            Some(d) => format!("{account}/{region}/{}", d.date_partition()),
            None => format!("{account}/{region}/unknown-date"),
        }
    }
}

/// A path segment that is safe on every file system and not hidden from other engines
/// (which skip names starting with `.` or `_`). The real value stays in the row's columns.
fn safe_segment(value: &str) -> String {
    let mut s: String = value
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if s.is_empty() || s.starts_with(['.', '_']) {
        s.insert(0, 'x');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_time_is_strict_and_utc() {
        let t = EventTime::parse("2024-04-30T23:59:59Z").unwrap();
        assert_eq!(t.date.date_partition(), "2024/04/30");
        let t = EventTime::parse("2024-05-01T01:30:00+02:00").unwrap();
        assert_eq!(t.date.date_partition(), "2024/04/30");
        assert_eq!(t.millis, 1714519800000);
        assert!(EventTime::parse("2024-05-01 10:00:00").is_none());
        assert!(EventTime::parse("ThisIsAWrongEventTime").is_none());
        assert!(EventTime::parse("2024-05-01T10:00:00").is_none());
    }

    #[test]
    fn folders_are_safe_and_visible() {
        let key = PartitionKey {
            account: Some("_x/../y".into()),
            region: None,
            date: None,
        };
        assert_eq!(key.folder(), "x_x_.._y/unknown-region/unknown-date");
        let key = PartitionKey {
            account: Some("111122223333".into()),
            region: Some("us-east-1".into()),
            date: EventTime::parse("2024-05-01T00:00:00Z").map(|t| t.date),
        };
        assert_eq!(key.folder(), "111122223333/us-east-1/2024/05/01");
    }
}
