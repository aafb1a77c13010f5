//! Athena date and time functions (Trino semantics; every zone is UTC, Athena's session zone).
//!
//! | function | result |
//! |---|---|
//! | `date_format(ts, fmt)` | text, MySQL specifiers (see [`mysql_format`]) |
//! | `date_parse(text, fmt)` | `timestamp(3)`, MySQL specifiers |
//! | `format_datetime(ts, fmt)` / `parse_datetime(text, fmt)` | Joda patterns (`yyyy-MM-dd'T'HH:mm:ss`) |
//! | `from_iso8601_timestamp(text)` | `timestamp(3) with time zone`; date alone, date-time, `Z` or an offset |
//! | `from_iso8601_date(text)` | date; calendar, week (`2021-W01-1`) and ordinal (`2021-032`) dates |
//! | `to_iso8601(x)` | ISO text (`2021-07-01T10:11:12.500Z` for a zoned timestamp) |
//! | `date_add(unit, n, x)` | `x` moved by `n` units, same type as `x`; months clamp to the month end |
//! | `date_diff(unit, a, b)` | whole units in `b − a`, truncated; calendar-aware for month/quarter/year |
//! | `to_unixtime(ts)` / `from_unixtime(seconds)` | double seconds / `timestamp(3) with time zone` |
//!
//! Invalid text is an error (NULL inside `try()`); so is an unknown unit or specifier.

use chrono::{
    DateTime, Datelike, FixedOffset, Months, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
    Timelike, Utc, Weekday,
};
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Date32Array, Float64Array, Int64Array, StringBuilder,
    TimestampMicrosecondArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, TimeUnit, TimestampMicrosecondType};
use datafusion::common::{Result, exec_err};

use super::support::{Arg, OnError, Spec, arc, ints, ret_i64, ret_utf8, strings};

/// Every date/time function of this module.
pub(crate) const SPECS: &[Spec] = &[
    Spec {
        name: "date_format",
        args: &[Arg::Time, Arg::Str],
        optional: 0,
        ret: ret_utf8,
        kernel: date_format,
        fallible: true,
    },
    Spec {
        name: "date_parse",
        args: &[Arg::Str, Arg::Str],
        optional: 0,
        ret: ret_ts_naive,
        kernel: date_parse,
        fallible: true,
    },
    Spec {
        name: "format_datetime",
        args: &[Arg::Time, Arg::Str],
        optional: 0,
        ret: ret_utf8,
        kernel: format_datetime,
        fallible: true,
    },
    Spec {
        name: "parse_datetime",
        args: &[Arg::Str, Arg::Str],
        optional: 0,
        ret: ret_ts_utc,
        kernel: parse_datetime,
        fallible: true,
    },
    Spec {
        name: "from_iso8601_timestamp",
        args: &[Arg::Str],
        optional: 0,
        ret: ret_ts_utc,
        kernel: from_iso8601_timestamp,
        fallible: true,
    },
    Spec {
        name: "from_iso8601_date",
        args: &[Arg::Str],
        optional: 0,
        ret: ret_date,
        kernel: from_iso8601_date,
        fallible: true,
    },
    Spec {
        name: "to_iso8601",
        args: &[Arg::Time],
        optional: 0,
        ret: ret_utf8,
        kernel: to_iso8601,
        fallible: false,
    },
    Spec {
        name: "date_add",
        args: &[Arg::Str, Arg::Int, Arg::Time],
        optional: 0,
        ret: ret_third,
        kernel: date_add,
        fallible: true,
    },
    Spec {
        name: "date_diff",
        args: &[Arg::Str, Arg::Time, Arg::Time],
        optional: 0,
        ret: ret_i64,
        kernel: date_diff,
        fallible: true,
    },
    Spec {
        name: "to_unixtime",
        args: &[Arg::Time],
        optional: 0,
        ret: ret_f64,
        kernel: to_unixtime,
        fallible: false,
    },
    Spec {
        name: "from_unixtime",
        args: &[Arg::Float],
        optional: 0,
        ret: ret_ts_utc,
        kernel: from_unixtime,
        fallible: false,
    },
];

/// `timestamp(3) with time zone` (UTC).
pub(crate) fn ts_utc() -> DataType {
    DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
}

fn ret_ts_utc(_: &[DataType]) -> Result<DataType> {
    Ok(ts_utc())
}

fn ret_ts_naive(_: &[DataType]) -> Result<DataType> {
    Ok(DataType::Timestamp(TimeUnit::Millisecond, None))
}

fn ret_date(_: &[DataType]) -> Result<DataType> {
    Ok(DataType::Date32)
}

fn ret_f64(_: &[DataType]) -> Result<DataType> {
    Ok(DataType::Float64)
}

fn ret_third(t: &[DataType]) -> Result<DataType> {
    Ok(t.get(2).cloned().unwrap_or_else(ts_utc))
}

/// A date/timestamp array as microseconds since the epoch (UTC).
fn to_micros(a: &ArrayRef) -> Result<Int64Array> {
    let t = cast(
        a,
        &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
    )?;
    let p = t.as_primitive::<TimestampMicrosecondType>();
    Ok(Int64Array::new(p.values().clone(), p.nulls().cloned()))
}

/// Microseconds since the epoch as an array of type `target`.
fn from_micros(v: Vec<Option<i64>>, target: &DataType) -> Result<ArrayRef> {
    let ts = TimestampMicrosecondArray::from(v).with_timezone("UTC");
    Ok(cast(&ts, target)?)
}

fn naive(us: i64) -> std::result::Result<NaiveDateTime, String> {
    DateTime::from_timestamp_micros(us)
        .map(|d| d.naive_utc())
        .ok_or_else(|| format!("timestamp {us}µs is out of range"))
}

fn micros_of(dt: NaiveDateTime) -> i64 {
    dt.and_utc().timestamp_micros()
}

/// Applies `f(datetime, text)` to (time, varchar) rows and collects text.
fn format_with(
    name: &str,
    args: &[ArrayRef],
    on_error: OnError,
    f: fn(NaiveDateTime, &str) -> std::result::Result<String, String>,
) -> Result<ArrayRef> {
    let ts = to_micros(&args[0])?;
    let fmt = strings(&args[1])?;
    let mut out = StringBuilder::new();
    for i in 0..ts.len() {
        if ts.is_null(i) || fmt.is_null(i) {
            out.append_null();
            continue;
        }
        let r = naive(ts.value(i)).and_then(|dt| f(dt, fmt.value(i)));
        out.append_option(on_error.row(name, r)?);
    }
    Ok(arc(out.finish()))
}

/// Applies `f(text, text)` to (varchar, varchar) rows and collects microseconds.
fn parse_with(
    name: &str,
    args: &[ArrayRef],
    on_error: OnError,
    target: DataType,
    f: fn(&str, &str) -> std::result::Result<i64, String>,
) -> Result<ArrayRef> {
    let s = strings(&args[0])?;
    let fmt = strings(&args[1])?;
    let mut out = Vec::with_capacity(s.len());
    for i in 0..s.len() {
        if s.is_null(i) || fmt.is_null(i) {
            out.push(None);
            continue;
        }
        out.push(on_error.row(name, f(s.value(i), fmt.value(i)))?);
    }
    from_micros(out, &target)
}

fn date_format(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    format_with("date_format", args, on_error, mysql_format)
}

fn date_parse(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    parse_with(
        "date_parse",
        args,
        on_error,
        DataType::Timestamp(TimeUnit::Millisecond, None),
        |s, f| {
            let fmt = mysql_to_chrono(f)?;
            parse_naive(s, &fmt).map(micros_of)
        },
    )
}

fn format_datetime(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    format_with("format_datetime", args, on_error, |dt, f| {
        let fmt = joda_to_chrono(f)?;
        let mut s = String::new();
        use std::fmt::Write;
        write!(s, "{}", dt.and_utc().format(&fmt))
            .map_err(|_| format!("cannot format with '{f}'"))?;
        Ok(s)
    })
}

fn parse_datetime(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    parse_with("parse_datetime", args, on_error, ts_utc(), |s, f| {
        let fmt = joda_to_chrono(f)?;
        if fmt.contains("%z") || fmt.contains("%:z") {
            DateTime::parse_from_str(s, &fmt)
                .map(|d| d.timestamp_micros())
                .map_err(|e| format!("invalid value '{s}' for format '{f}': {e}"))
        } else {
            parse_naive(s, &fmt).map(micros_of)
        }
    })
}

/// Parses a date-time, or a date alone (midnight), with a chrono format.
fn parse_naive(s: &str, fmt: &str) -> std::result::Result<NaiveDateTime, String> {
    NaiveDateTime::parse_from_str(s, fmt)
        .or_else(|e| {
            NaiveDate::parse_from_str(s, fmt)
                .map(|d| d.and_time(NaiveTime::MIN))
                .map_err(|_| e)
        })
        .map_err(|e| format!("invalid value '{s}' for the format: {e}"))
}

/// Formats with MySQL specifiers as Athena's `date_format` does.
pub(crate) fn mysql_format(dt: NaiveDateTime, fmt: &str) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(fmt.len() + 8);
    let mut chars = fmt.chars();
    let h12 = |h: u32| if h.is_multiple_of(12) { 12 } else { h % 12 };
    let ampm = if dt.hour() < 12 { "AM" } else { "PM" };
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let Some(spec) = chars.next() else {
            break;
        };
        let piece = match spec {
            'a' => dt.format("%a").to_string(),
            'b' => dt.format("%b").to_string(),
            'c' => dt.month().to_string(),
            'd' => format!("{:02}", dt.day()),
            'e' => dt.day().to_string(),
            'f' => format!("{:06}", dt.nanosecond() / 1_000_000 * 1000),
            'H' => format!("{:02}", dt.hour()),
            'h' | 'I' => format!("{:02}", h12(dt.hour())),
            'i' => format!("{:02}", dt.minute()),
            'j' => format!("{:03}", dt.ordinal()),
            'k' => dt.hour().to_string(),
            'l' => h12(dt.hour()).to_string(),
            'M' => dt.format("%B").to_string(),
            'm' => format!("{:02}", dt.month()),
            'p' => ampm.to_string(),
            'r' => format!(
                "{:02}:{:02}:{:02} {ampm}",
                h12(dt.hour()),
                dt.minute(),
                dt.second()
            ),
            'S' | 's' => format!("{:02}", dt.second()),
            'T' => format!("{:02}:{:02}:{:02}", dt.hour(), dt.minute(), dt.second()),
            'v' => format!("{:02}", dt.iso_week().week()),
            'W' => dt.format("%A").to_string(),
            'x' => dt.iso_week().year().to_string(),
            'Y' => format!("{:04}", dt.year()),
            'y' => format!("{:02}", dt.year().rem_euclid(100)),
            'D' | 'U' | 'u' | 'V' | 'w' | 'X' => {
                return Err(format!(
                    "the date_format specifier %{spec} is not supported by Athena"
                ));
            }
            other => other.to_string(),
        };
        out.push_str(&piece);
    }
    Ok(out)
}

/// Translates MySQL parse specifiers to chrono's.
pub(crate) fn mysql_to_chrono(fmt: &str) -> std::result::Result<String, String> {
    let mut out = String::new();
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            if c == '.' && chars.clone().take(2).collect::<String>() == "%f" {
                chars.next();
                chars.next();
                out.push_str("%.f");
            } else {
                out.push(c);
            }
            continue;
        }
        let Some(spec) = chars.next() else {
            return Err(format!("the format '{fmt}' ends with a lone '%'"));
        };
        out.push_str(match spec {
            'Y' => "%Y",
            'y' => "%y",
            'm' | 'c' => "%m",
            'd' | 'e' => "%d",
            'H' | 'k' => "%H",
            'h' | 'I' | 'l' => "%I",
            'i' => "%M",
            'S' | 's' => "%S",
            'f' => "%f",
            'p' => "%p",
            'M' => "%B",
            'b' => "%b",
            'a' => "%a",
            'W' => "%A",
            'T' => "%H:%M:%S",
            'r' => "%I:%M:%S %p",
            'j' => "%j",
            '%' => "%%",
            other => {
                return Err(format!(
                    "the date_parse specifier %{other} is not supported"
                ));
            }
        });
    }
    Ok(out)
}

/// Translates a Joda-Time pattern to a chrono format.
pub(crate) fn joda_to_chrono(pattern: &str) -> std::result::Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '\'' {
                if chars[j] == '%' {
                    out.push('%');
                }
                out.push(chars[j]);
                j += 1;
            }
            if j == chars.len() {
                return Err(format!("unterminated quote in the pattern '{pattern}'"));
            }
            i = j + 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            if c == '%' {
                out.push('%');
            }
            out.push(c);
            i += 1;
            continue;
        }
        let mut n = 1;
        while chars.get(i + n) == Some(&c) {
            n += 1;
        }
        i += n;
        out.push_str(match (c, n) {
            ('y' | 'Y' | 'x', 2) => "%y",
            ('y' | 'Y' | 'x', _) => "%Y",
            ('M', 1) => "%-m",
            ('M', 2) => "%m",
            ('M', 3) => "%b",
            ('M', _) => "%B",
            ('d', 1) => "%-d",
            ('d', _) => "%d",
            ('D', _) => "%j",
            ('H', 1) => "%-H",
            ('H', _) => "%H",
            ('h', 1) => "%-I",
            ('h', _) => "%I",
            ('m', 1) => "%-M",
            ('m', _) => "%M",
            ('s', 1) => "%-S",
            ('s', _) => "%S",
            ('S', 1..=3) => "%3f",
            ('S', 4..=6) => "%6f",
            ('S', _) => "%9f",
            ('a', _) => "%p",
            ('E', 1..=3) => "%a",
            ('E', _) => "%A",
            ('e', _) => "%u",
            ('Z', 1) => "%z",
            ('Z', _) => "%:z",
            ('z', _) => "%Z",
            _ => {
                return Err(format!(
                    "the Joda pattern letter '{c}' is not supported (pattern '{pattern}')"
                ));
            }
        });
    }
    Ok(out)
}

/// Parses an ISO-8601 date: `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYY-Www[-D]`, `YYYY-DDD`.
pub(crate) fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = s.split('-').collect();
    let num = |p: &str, len: usize| {
        (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    let year = num(parts.first()?, 4)? as i32;
    match parts.as_slice() {
        [_] => NaiveDate::from_ymd_opt(year, 1, 1),
        [_, w, rest @ ..] if w.starts_with('W') => {
            let week = num(&w[1..], 2)?;
            let day = match rest {
                [] => 1,
                [d] => num(d, 1)?,
                _ => return None,
            };
            let wd = Weekday::try_from(u8::try_from(day.checked_sub(1)?).ok()?).ok()?;
            NaiveDate::from_isoywd_opt(year, week, wd)
        }
        [_, m] if m.len() == 2 => NaiveDate::from_ymd_opt(year, num(m, 2)?, 1),
        [_, o] if o.len() == 3 => NaiveDate::from_yo_opt(year, num(o, 3)?),
        [_, m, d] => NaiveDate::from_ymd_opt(year, num(m, 2)?, num(d, 2)?),
        _ => None,
    }
}

/// Parses an ISO-8601 timestamp to UTC microseconds; no zone means UTC.
pub(crate) fn parse_iso_timestamp(s: &str) -> std::result::Result<i64, String> {
    let bad = || format!("invalid ISO-8601 timestamp '{s}'");
    let t = s.trim();
    let (date_part, time_part) = match t.find(['T', 't']) {
        Some(p) => (&t[..p], Some(&t[p + 1..])),
        None => (t, None),
    };
    let date = parse_iso_date(date_part).ok_or_else(bad)?;
    let Some(time_part) = time_part else {
        return Ok(micros_of(date.and_time(NaiveTime::MIN)));
    };
    let (clock, zone) = match time_part.find(['Z', 'z', '+', '-']) {
        Some(p) => (&time_part[..p], Some(&time_part[p..])),
        None => (time_part, None),
    };
    let time = ["%H:%M:%S%.f", "%H:%M", "%H%M%S%.f", "%H"]
        .iter()
        .find_map(|f| NaiveTime::parse_from_str(clock, f).ok())
        .ok_or_else(bad)?;
    let offset = match zone {
        None | Some("Z" | "z") => 0,
        Some(z) => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let digits: String = z[1..].chars().filter(|c| *c != ':').collect();
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let (h, m) = match digits.len() {
                2 => (digits.parse::<i32>().map_err(|_| bad())?, 0),
                4 => (
                    digits[..2].parse::<i32>().map_err(|_| bad())?,
                    digits[2..].parse::<i32>().map_err(|_| bad())?,
                ),
                _ => return Err(bad()),
            };
            sign * (h * 3600 + m * 60)
        }
    };
    let tz = FixedOffset::east_opt(offset).ok_or_else(bad)?;
    let local = tz
        .from_local_datetime(&date.and_time(time))
        .single()
        .ok_or_else(bad)?;
    Ok(local.with_timezone(&Utc).timestamp_micros())
}

fn from_iso8601_timestamp(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let s = strings(&args[0])?;
    let mut out = Vec::with_capacity(s.len());
    for v in s.iter() {
        out.push(match v {
            None => None,
            Some(v) => on_error.row("from_iso8601_timestamp", parse_iso_timestamp(v))?,
        });
    }
    from_micros(out, &ts_utc())
}

fn from_iso8601_date(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let s = strings(&args[0])?;
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid date");
    let mut out = Vec::with_capacity(s.len());
    for v in s.iter() {
        out.push(match v {
            None => None,
            Some(v) => on_error
                .row(
                    "from_iso8601_date",
                    parse_iso_date(v.trim()).ok_or_else(|| format!("invalid ISO-8601 date '{v}'")),
                )?
                .map(|d| (d - epoch).num_days() as i32),
        });
    }
    Ok(arc(Date32Array::from(out)))
}

fn to_iso8601(args: &[ArrayRef], _: OnError) -> Result<ArrayRef> {
    let t = args[0].data_type().clone();
    let us = to_micros(&args[0])?;
    let mut out = StringBuilder::new();
    for v in us.iter() {
        let Some(dt) = v.and_then(|v| naive(v).ok()) else {
            out.append_null();
            continue;
        };
        match &t {
            DataType::Date32 | DataType::Date64 => {
                out.append_value(dt.format("%Y-%m-%d").to_string())
            }
            DataType::Timestamp(_, Some(_)) => {
                out.append_value(dt.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
            }
            _ => out.append_value(dt.format("%Y-%m-%dT%H:%M:%S%.3f").to_string()),
        }
    }
    Ok(arc(out.finish()))
}

/// A `date_add` / `date_diff` unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// A fixed length in microseconds.
    Fixed(i64),
    /// A number of calendar months.
    Months(u32),
}

fn unit(name: &str, is_date: bool) -> std::result::Result<Unit, String> {
    let u = match name.trim().to_ascii_lowercase().as_str() {
        "millisecond" => Unit::Fixed(1_000),
        "second" => Unit::Fixed(1_000_000),
        "minute" => Unit::Fixed(60_000_000),
        "hour" => Unit::Fixed(3_600_000_000),
        "day" => Unit::Fixed(86_400_000_000),
        "week" => Unit::Fixed(7 * 86_400_000_000),
        "month" => Unit::Months(1),
        "quarter" => Unit::Months(3),
        "year" => Unit::Months(12),
        other => {
            return Err(format!(
                "'{other}' is not a valid unit; use millisecond, second, minute, hour, day, week, month, quarter or year"
            ));
        }
    };
    if is_date && matches!(u, Unit::Fixed(us) if us < 86_400_000_000) {
        return Err(format!("'{name}' is not a valid DATE field"));
    }
    Ok(u)
}

fn is_date(t: &DataType) -> bool {
    matches!(t, DataType::Date32 | DataType::Date64)
}

fn add_months(dt: NaiveDateTime, n: i64) -> std::result::Result<NaiveDateTime, String> {
    let m = Months::new(u32::try_from(n.unsigned_abs()).map_err(|_| "month step out of range")?);
    let r = if n >= 0 {
        dt.checked_add_months(m)
    } else {
        dt.checked_sub_months(m)
    };
    r.ok_or_else(|| "result out of range".to_string())
}

fn date_add(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let target = args[2].data_type().clone();
    let units = strings(&args[0])?;
    let n = ints(&args[1])?;
    let ts = to_micros(&args[2])?;
    let mut out = Vec::with_capacity(ts.len());
    for i in 0..ts.len() {
        if units.is_null(i) || n.is_null(i) || ts.is_null(i) {
            out.push(None);
            continue;
        }
        let (k, us) = (n.value(i), ts.value(i));
        let r = unit(units.value(i), is_date(&target)).and_then(|u| match u {
            Unit::Fixed(len) => k
                .checked_mul(len)
                .and_then(|d| us.checked_add(d))
                .ok_or_else(|| "result out of range".to_string()),
            Unit::Months(m) => add_months(naive(us)?, k * m as i64).map(micros_of),
        });
        out.push(on_error.row("date_add", r)?);
    }
    from_micros(out, &target)
}

fn months_between(a: NaiveDateTime, b: NaiveDateTime) -> std::result::Result<i64, String> {
    let mut m =
        (b.year() as i64 * 12 + b.month0() as i64) - (a.year() as i64 * 12 + a.month0() as i64);
    if m > 0 && add_months(a, m)? > b {
        m -= 1;
    } else if m < 0 && add_months(a, m)? < b {
        m += 1;
    }
    Ok(m)
}

fn date_diff(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let dates = is_date(args[1].data_type()) && is_date(args[2].data_type());
    let units = strings(&args[0])?;
    let a = to_micros(&args[1])?;
    let b = to_micros(&args[2])?;
    let mut out = Vec::with_capacity(a.len());
    for i in 0..a.len() {
        if units.is_null(i) || a.is_null(i) || b.is_null(i) {
            out.push(None);
            continue;
        }
        let (x, y) = (a.value(i), b.value(i));
        let r = unit(units.value(i), dates).and_then(|u| match u {
            Unit::Fixed(len) => Ok((y - x) / len),
            Unit::Months(m) => Ok(months_between(naive(x)?, naive(y)?)? / m as i64),
        });
        out.push(on_error.row("date_diff", r)?);
    }
    Ok(arc(Int64Array::from(out)))
}

fn to_unixtime(args: &[ArrayRef], _: OnError) -> Result<ArrayRef> {
    let us = to_micros(&args[0])?;
    Ok(arc(us
        .iter()
        .map(|v| v.map(|v| v as f64 / 1e6))
        .collect::<Float64Array>()))
}

fn from_unixtime(args: &[ArrayRef], _: OnError) -> Result<ArrayRef> {
    let secs = cast(&args[0], &DataType::Float64)?;
    let mut out = Vec::with_capacity(secs.len());
    for v in secs.as_primitive::<Float64Type>().iter() {
        out.push(match v {
            Some(v) if v.is_finite() && v.abs() < 9.2e12 => {
                Some((v * 1000.0).round() as i64 * 1000)
            }
            Some(v) => return exec_err!("from_unixtime: {v} is out of range"),
            None => None,
        });
    }
    from_micros(out, &ts_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::StringArray;

    fn dt(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap()
    }

    #[test]
    fn mysql_specifiers_match_the_athena_table() {
        let t = dt("2021-07-01 10:11:12.5");
        let cases = [
            ("%Y-%m-%d %H:%i:%s", "2021-07-01 10:11:12"),
            ("%M %W %c %e %k %l %h", "July Thursday 7 1 10 10 10"),
            ("%f", "500000"),
            (
                "%j %T %r %a %b %p %I",
                "182 10:11:12 10:11:12 AM Thu Jul AM 10",
            ),
            ("%v %x %y %%%q", "26 2021 21 %q"),
        ];
        for (fmt, want) in cases {
            assert_eq!(mysql_format(t, fmt).unwrap(), want, "{fmt}");
        }
        assert!(mysql_format(t, "%D").unwrap_err().contains("not supported"));
    }

    #[test]
    fn date_parse_with_mysql_specifiers() {
        let f = mysql_to_chrono("%Y-%m-%d %H:%i:%s").unwrap();
        assert_eq!(
            parse_naive("2021-07-01 10:11:12", &f).unwrap(),
            dt("2021-07-01 10:11:12")
        );
        let f = mysql_to_chrono("%Y/%m/%d").unwrap();
        assert_eq!(
            parse_naive("2021/07/01", &f).unwrap(),
            dt("2021-07-01 00:00:00")
        );
        assert!(parse_naive("nope", &f).is_err());
        let f = mysql_to_chrono("%Y-%m-%d %H:%i:%s.%f").unwrap();
        assert_eq!(
            parse_naive("2021-07-01 10:11:12.250", &f).unwrap(),
            dt("2021-07-01 10:11:12.25")
        );
    }

    #[test]
    fn joda_patterns_translate() {
        assert_eq!(
            joda_to_chrono("yyyy-MM-dd'T'HH:mm:ss.SSSZ").unwrap(),
            "%Y-%m-%dT%H:%M:%S.%3f%z"
        );
        assert_eq!(
            joda_to_chrono("EEEE, MMMM d ''yy").unwrap(),
            "%A, %B %-d '%y"
        );
        assert!(joda_to_chrono("yyyy G").is_err());
        let t = dt("2021-07-01 10:11:12.5");
        let f = joda_to_chrono("yyyy-MM-dd HH:mm:ss.SSS").unwrap();
        assert_eq!(t.format(&f).to_string(), "2021-07-01 10:11:12.500");
    }

    #[test]
    fn iso8601_timestamps_and_dates() {
        let z = parse_iso_timestamp("2021-07-01T10:11:12Z").unwrap();
        assert_eq!(z, micros_of(dt("2021-07-01 10:11:12")));
        assert_eq!(parse_iso_timestamp("2021-07-01T12:11:12+02:00").unwrap(), z);
        assert_eq!(parse_iso_timestamp("2021-07-01T05:11:12-0500").unwrap(), z);
        assert_eq!(parse_iso_timestamp("2021-07-01T10:11:12").unwrap(), z);
        assert_eq!(
            parse_iso_timestamp("2021-07-01T10:11:12.500Z").unwrap(),
            z + 500_000
        );
        assert_eq!(
            parse_iso_timestamp("2021-07-01").unwrap(),
            micros_of(dt("2021-07-01 00:00:00"))
        );
        assert_eq!(
            parse_iso_timestamp("2021-07-01T10:11").unwrap(),
            z - 12_000_000
        );
        for bad in [
            "",
            "yesterday",
            "2021-13-01",
            "2021-07-01T25:00:00Z",
            "2021-07-01T10:11:12+2",
        ] {
            assert!(parse_iso_timestamp(bad).is_err(), "{bad}");
        }
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_iso_date("2021-01-04"), d(2021, 1, 4));
        assert_eq!(parse_iso_date("2021-W01-1"), d(2021, 1, 4));
        assert_eq!(parse_iso_date("2021-032"), d(2021, 2, 1));
        assert_eq!(parse_iso_date("2021-02"), d(2021, 2, 1));
        assert_eq!(parse_iso_date("2021-02-30"), None);
    }

    #[test]
    fn date_add_clamps_months_and_keeps_the_type() {
        let ts = arc(
            TimestampMicrosecondArray::from(vec![micros_of(dt("2021-01-31 10:00:00"))])
                .with_timezone("UTC"),
        );
        let unit = |u: &str| arc(StringArray::from(vec![u]));
        let one = arc(Int64Array::from(vec![1]));
        let out = date_add(&[unit("month"), one.clone(), ts.clone()], OnError::Fail).unwrap();
        assert_eq!(out.data_type(), ts.data_type());
        assert_eq!(
            to_micros(&out).unwrap().value(0),
            micros_of(dt("2021-02-28 10:00:00"))
        );
        let minus = arc(Int64Array::from(vec![-90]));
        let out = date_add(&[unit("minute"), minus, ts.clone()], OnError::Fail).unwrap();
        assert_eq!(
            to_micros(&out).unwrap().value(0),
            micros_of(dt("2021-01-31 08:30:00"))
        );
        assert!(date_add(&[unit("fortnight"), one.clone(), ts], OnError::Fail).is_err());
        let date = arc(Date32Array::from(vec![18628]));
        assert!(date_add(&[unit("hour"), one.clone(), date.clone()], OnError::Fail).is_err());
        let out = date_add(&[unit("day"), one, date], OnError::Fail).unwrap();
        assert_eq!(
            out.as_primitive::<datafusion::arrow::datatypes::Date32Type>()
                .value(0),
            18629
        );
    }

    #[test]
    fn date_diff_truncates_and_is_calendar_aware() {
        let a = micros_of(dt("2021-01-31 00:00:00"));
        let cases = [
            ("day", "2021-02-01 23:59:59", 1),
            ("hour", "2021-01-30 22:30:00", -1),
            ("month", "2021-02-28 00:00:00", 1),
            ("month", "2021-02-27 00:00:00", 0),
            ("month", "2021-03-31 00:00:00", 2),
            ("year", "2022-01-30 00:00:00", 0),
            ("quarter", "2021-07-31 00:00:00", 2),
        ];
        for (u, b, want) in cases {
            let args: Vec<ArrayRef> = vec![
                arc(StringArray::from(vec![u])),
                arc(TimestampMicrosecondArray::from(vec![a])),
                arc(TimestampMicrosecondArray::from(vec![micros_of(dt(b))])),
            ];
            let out = date_diff(&args, OnError::Fail).unwrap();
            assert_eq!(
                out.as_primitive::<datafusion::arrow::datatypes::Int64Type>()
                    .value(0),
                want,
                "{u} {b}"
            );
        }
    }
}
