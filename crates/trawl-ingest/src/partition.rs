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
        if let Some(time) = Self::parse_canonical(b) {
            return Some(time);
        }
        let time = DateTime::parse_from_rfc3339(text).ok()?.to_utc();
        Some(EventTime {
            millis: time.timestamp_millis(),
            date: Day(time.date_naive()),
        })
    }
}

impl EventTime {
    /// The form CloudTrail writes, `YYYY-MM-DDTHH:MM:SSZ`, without a general RFC 3339 parser.
    /// `None` sends anything else (fractions, offsets, leap seconds, bad dates) to chrono.
    fn parse_canonical(b: &[u8]) -> Option<EventTime> {
        let [
            y0,
            y1,
            y2,
            y3,
            b'-',
            m0,
            m1,
            b'-',
            d0,
            d1,
            b'T',
            h0,
            h1,
            b':',
            n0,
            n1,
            b':',
            s0,
            s1,
            b'Z',
        ] = *b
        else {
            return None;
        };
        let digits = |pair: &[u8]| -> Option<u32> {
            pair.iter().try_fold(0, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        let year = digits(&[y0, y1, y2, y3])?;
        let date = NaiveDate::from_ymd_opt(year as i32, digits(&[m0, m1])?, digits(&[d0, d1])?)?;
        let (hour, minute, second) = (digits(&[h0, h1])?, digits(&[n0, n1])?, digits(&[s0, s1])?);
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let days = i64::from(date.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE);
        let seconds = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second);
        Some(EventTime {
            millis: seconds * 1000,
            date: Day(date),
        })
    }
}

/// `NaiveDate::num_days_from_ce` of 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

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
        assert!(EventTime::parse("2024-02-30T10:00:00Z").is_none());
        assert!(EventTime::parse("2024-05-01T24:00:00Z").is_none());
        assert!(EventTime::parse("2024-05-01T10:00:0xZ").is_none());
    }

    #[test]
    fn canonical_times_parse_as_chrono_does() {
        for text in [
            "1970-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "2024-02-29T12:34:56Z",
            "2013-11-01T00:00:00Z",
            "2999-12-31T23:59:59Z",
        ] {
            let chrono = DateTime::parse_from_rfc3339(text).unwrap().to_utc();
            let ours = EventTime::parse_canonical(text.as_bytes()).unwrap();
            assert_eq!(ours.millis, chrono.timestamp_millis(), "{text}");
            assert_eq!(ours.date, Day(chrono.date_naive()), "{text}");
        }
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
