//! Fast UTC timestamp formatting for the handful of layouts CloudTrail uses.
//!
//! Times are whole seconds since the Unix epoch (`i64`). Formatting by hand (instead of through chrono) keeps the
//! per-record cost to a few nanoseconds; the tests check every layout against chrono.

/// Seconds in one day.
pub(crate) const DAY: i64 = 86_400;

/// A broken-down UTC time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Civil {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: u32,
    pub(crate) minute: u32,
    pub(crate) second: u32,
}

impl Civil {
    /// Splits epoch seconds into calendar fields (proleptic Gregorian, UTC).
    pub(crate) fn from_epoch(t: i64) -> Self {
        let days = t.div_euclid(DAY);
        let secs = t.rem_euclid(DAY) as u32;
        // Howard Hinnant's days-to-civil algorithm.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = yoe + era * 400 + i64::from(month <= 2);
        Civil {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs / 60 % 60,
            second: secs % 60,
        }
    }
}

fn push2(out: &mut Vec<u8>, v: u32) {
    out.push(b'0' + (v / 10 % 10) as u8);
    out.push(b'0' + (v % 10) as u8);
}

fn push4(out: &mut Vec<u8>, v: i64) {
    let v = v.clamp(0, 9999) as u32;
    push2(out, v / 100);
    push2(out, v % 100);
}

/// Appends `YYYY-MM-DDTHH:MM:SSZ`, the `eventTime` layout.
pub(crate) fn push_event_time(out: &mut Vec<u8>, t: i64) {
    let c = Civil::from_epoch(t);
    push4(out, c.year);
    out.push(b'-');
    push2(out, c.month);
    out.push(b'-');
    push2(out, c.day);
    out.push(b'T');
    push2(out, c.hour);
    out.push(b':');
    push2(out, c.minute);
    out.push(b':');
    push2(out, c.second);
    out.push(b'Z');
}

/// Appends `YYYYMMDDTHHmmZ`, the delivery stamp in a log file's name.
pub(crate) fn push_file_stamp(out: &mut Vec<u8>, t: i64) {
    let c = Civil::from_epoch(t);
    push4(out, c.year);
    push2(out, c.month);
    push2(out, c.day);
    out.push(b'T');
    push2(out, c.hour);
    push2(out, c.minute);
    out.push(b'Z');
}

/// Appends `YYYY/MM/DD`, the date folders of a delivery key.
pub(crate) fn push_date_dirs(out: &mut Vec<u8>, t: i64) {
    let c = Civil::from_epoch(t);
    push4(out, c.year);
    out.push(b'/');
    push2(out, c.month);
    out.push(b'/');
    push2(out, c.day);
}

/// Appends `Mon D, YYYY, H:MM:SS AM`, the layout IAM and STS use for dates inside `responseElements`.
pub(crate) fn push_iam_date(out: &mut Vec<u8>, t: i64) {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = Civil::from_epoch(t);
    out.extend_from_slice(MONTHS[(c.month - 1) as usize].as_bytes());
    out.push(b' ');
    crate::json::push_u64(out, u64::from(c.day));
    out.extend_from_slice(b", ");
    crate::json::push_u64(out, c.year.max(0) as u64);
    out.extend_from_slice(b", ");
    let h12 = match c.hour % 12 {
        0 => 12,
        h => h,
    };
    crate::json::push_u64(out, u64::from(h12));
    out.push(b':');
    push2(out, c.minute);
    out.push(b':');
    push2(out, c.second);
    out.extend_from_slice(if c.hour < 12 { b" AM" } else { b" PM" });
}

/// Rounds up to the next whole minute (a time already on a minute boundary is kept).
pub(crate) fn ceil_minute(t: i64) -> i64 {
    t + (60 - t.rem_euclid(60)) % 60
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn fmt(f: fn(&mut Vec<u8>, i64), t: i64) -> String {
        let mut out = Vec::new();
        f(&mut out, t);
        String::from_utf8(out).expect("ASCII")
    }

    #[test]
    fn layouts_agree_with_chrono() {
        let mut t = -86_400 * 365;
        while t < 4_200_000_000 {
            let dt = DateTime::<Utc>::from_timestamp(t, 0).expect("in range");
            assert_eq!(
                fmt(push_event_time, t),
                dt.format("%Y-%m-%dT%H:%M:%SZ").to_string()
            );
            assert_eq!(
                fmt(push_file_stamp, t),
                dt.format("%Y%m%dT%H%MZ").to_string()
            );
            assert_eq!(fmt(push_date_dirs, t), dt.format("%Y/%m/%d").to_string());
            assert_eq!(
                fmt(push_iam_date, t),
                dt.format("%b %-d, %Y, %-I:%M:%S %p").to_string()
            );
            t += 7_654_321;
        }
    }

    #[test]
    fn iam_dates_around_noon_and_midnight() {
        // 2024-05-01T00:05:09Z and 12:05:09Z
        assert_eq!(
            fmt(push_iam_date, 1_714_521_909),
            "May 1, 2024, 12:05:09 AM"
        );
        assert_eq!(
            fmt(push_iam_date, 1_714_521_909 + 43_200),
            "May 1, 2024, 12:05:09 PM"
        );
        assert_eq!(ceil_minute(120), 120);
        assert_eq!(ceil_minute(121), 180);
    }
}
