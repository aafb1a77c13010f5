//! From the bytes of one source object to its raw records: sniff the compression, inflate, recognise
//! the container (`{"Records":[...]}`, a bare array, NDJSON, a single record) and split it into
//! record slices without building a DOM.

use std::io::Read;

use flate2::read::MultiGzDecoder;
use serde::Deserialize;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::decode::Key;

/// Why a source object cannot be read as a trail log. The names match the quarantine reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadInput {
    /// The gzip stream is corrupt or truncated.
    GzipCorrupt(String),
    /// Compressed with something other than gzip (zstd, bzip2, xz, zip).
    UnsupportedCompression(&'static str),
    /// Zero bytes, or only whitespace.
    Empty,
    /// The content is not UTF-8 text.
    NotUtf8 { byte: usize },
    /// The content is not valid JSON.
    InvalidJson {
        line: usize,
        column: usize,
        message: String,
    },
    /// Valid JSON, but neither a trail log nor a digest.
    NotTrailLog(String),
}

impl BadInput {
    /// The short machine-readable reason (`gzip_corrupt`, `invalid_json`, …).
    pub fn reason(&self) -> &'static str {
        match self {
            BadInput::GzipCorrupt(_) => "gzip_corrupt",
            BadInput::UnsupportedCompression(_) => "unsupported_compression",
            BadInput::Empty => "empty",
            BadInput::NotUtf8 { .. } => "not_utf8",
            BadInput::InvalidJson { .. } => "invalid_json",
            BadInput::NotTrailLog(_) => "not_trail_log",
        }
    }
}

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadInput::GzipCorrupt(e) => write!(f, "gzip_corrupt: {e}"),
            BadInput::UnsupportedCompression(c) => {
                write!(
                    f,
                    "unsupported_compression: {c} (trawl reads gzip or plain JSON)"
                )
            }
            BadInput::Empty => write!(f, "empty: the object holds no data"),
            BadInput::NotUtf8 { byte } => write!(f, "not_utf8: invalid UTF-8 at byte {byte}"),
            BadInput::InvalidJson {
                line,
                column,
                message,
            } => {
                write!(f, "invalid_json at line {line} column {column}: {message}")
            }
            BadInput::NotTrailLog(why) => write!(f, "not_trail_log: {why}"),
        }
    }
}

/// Inflates gzip (multi-member too) when the magic bytes say so; plain content is returned as is.
pub fn inflate(bytes: &[u8]) -> Result<std::borrow::Cow<'_, [u8]>, BadInput> {
    match bytes {
        [0x1f, 0x8b, ..] => {
            let mut out = Vec::with_capacity(bytes.len() * 8);
            MultiGzDecoder::new(bytes)
                .read_to_end(&mut out)
                .map_err(|e| BadInput::GzipCorrupt(e.to_string()))?;
            Ok(out.into())
        }
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Err(BadInput::UnsupportedCompression("zstd")),
        [b'B', b'Z', b'h', ..] => Err(BadInput::UnsupportedCompression("bzip2")),
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => Err(BadInput::UnsupportedCompression("xz")),
        [b'P', b'K', 3, 4, ..] => Err(BadInput::UnsupportedCompression("zip")),
        _ => Ok(bytes.into()),
    }
}

/// What one source object turned out to hold.
#[derive(Debug)]
pub enum Content<'a> {
    /// Trail records (possibly none), each the exact text of one JSON value.
    Records(Vec<&'a RawValue>),
    /// A CloudTrail digest document: never data.
    Digest,
}

/// Splits decoded text into records. `text` must be the whole object's content.
pub fn split(text: &[u8]) -> Result<Content<'_>, BadInput> {
    let text = std::str::from_utf8(text).map_err(|e| BadInput::NotUtf8 {
        byte: e.valid_up_to(),
    })?;
    let body = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    match body.as_bytes().first() {
        None => Err(BadInput::Empty),
        Some(b'[') => Ok(Content::Records(parse::<Vec<&RawValue>>(text)?)),
        Some(b'{') => split_object_text(text),
        Some(_) => Err(BadInput::NotTrailLog(
            "the content does not start with `{` or `[`".into(),
        )),
    }
}

/// The top-level object of a delivery or digest file, read in one pass: `Records` is split into
/// raw records as it is parsed; every other key is skipped. Keys other than `Records` may repeat
/// (a lone record with a repeated key is still a record).
#[derive(Default)]
struct Container<'a> {
    records: Option<RecordsValue<'a>>,
    digest_start_time: bool,
    log_files: bool,
    /// Has `eventVersion` or `eventName`, the keys every CloudTrail record has.
    record_like: bool,
}

impl<'de: 'a, 'a> Deserialize<'de> for Container<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ContainerVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for ContainerVisitor<'a> {
            type Value = Container<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut c = Container::default();
                while let Some(Key(key)) = map.next_key()? {
                    match &*key {
                        "Records" if c.records.is_some() => {
                            return Err(serde::de::Error::duplicate_field("Records"));
                        }
                        "Records" => c.records = Some(map.next_value()?),
                        other => {
                            match other {
                                "digestStartTime" => c.digest_start_time = true,
                                "logFiles" => c.log_files = true,
                                "eventVersion" | "eventName" => c.record_like = true,
                                _ => {}
                            }
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(c)
            }
        }
        d.deserialize_map(ContainerVisitor(std::marker::PhantomData))
    }
}

/// The value of `Records`: the raw records when it is an array.
enum RecordsValue<'a> {
    Array(Vec<&'a RawValue>),
    NotAnArray,
}

impl<'de: 'a, 'a> Deserialize<'de> for RecordsValue<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct RecordsVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for RecordsVisitor<'a> {
            type Value = RecordsValue<'a>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("the Records array")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(256));
                while let Some(record) = seq.next_element()? {
                    records.push(record);
                }
                Ok(RecordsValue::Array(records))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(RecordsValue::NotAnArray)
            }
            fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
                Ok(RecordsValue::NotAnArray)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
                Ok(RecordsValue::NotAnArray)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
                Ok(RecordsValue::NotAnArray)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
                Ok(RecordsValue::NotAnArray)
            }
            fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
                Ok(RecordsValue::NotAnArray)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(RecordsValue::NotAnArray)
            }
        }
        d.deserialize_any(RecordsVisitor(std::marker::PhantomData))
    }
}

/// An object at the top: a delivery file, a digest, a single record, or NDJSON records.
///
/// The common case, one `{"Records":[...]}` object, is parsed once. Only when more values follow
/// the first (NDJSON) or the object turns out to be a lone record is the text read again.
fn split_object_text(text: &str) -> Result<Content<'_>, BadInput> {
    let mut de = serde_json::Deserializer::from_str(text);
    let container = Container::deserialize(&mut de).map_err(|e| json_error(&e))?;
    if de.end().is_err() {
        return split_values(text);
    }
    match container {
        Container {
            records: Some(RecordsValue::Array(records)),
            ..
        } => Ok(Content::Records(records)),
        Container {
            records: Some(RecordsValue::NotAnArray),
            ..
        } => Err(BadInput::NotTrailLog("`Records` is not an array".into())),
        Container {
            digest_start_time: true,
            log_files: true,
            ..
        } => Ok(Content::Digest),
        Container {
            record_like: true, ..
        } => Ok(Content::Records(vec![parse::<&RawValue>(text)?])),
        _ => Err(BadInput::NotTrailLog(
            "a JSON object without `Records`, and not a CloudTrail record".into(),
        )),
    }
}

/// Concatenated JSON values (NDJSON), one record each.
fn split_values(text: &str) -> Result<Content<'_>, BadInput> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<&RawValue>()
        .collect::<Result<Vec<_>, _>>()
        .map(Content::Records)
        .map_err(|e| json_error(&e))
}

fn parse<'a, T: Deserialize<'a>>(text: &'a str) -> Result<T, BadInput> {
    serde_json::from_str(text).map_err(|e| json_error(&e))
}

fn json_error(e: &serde_json::Error) -> BadInput {
    let message = e.to_string();
    let message = match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    BadInput::InvalidJson {
        line: e.line(),
        column: e.column(),
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Vec<String> {
        match split(text.as_bytes()).unwrap() {
            Content::Records(r) => r.iter().map(|v| v.get().to_string()).collect(),
            Content::Digest => panic!("digest"),
        }
    }

    #[test]
    fn delivery_object_array_ndjson_and_single_record() {
        assert_eq!(
            records(r#"{"Records":[{"a":1},{"b":[2]}]}"#),
            [r#"{"a":1}"#, r#"{"b":[2]}"#]
        );
        assert_eq!(
            records(r#"{"x":0, "Records" : [ {"a":1} ]}"#),
            [r#"{"a":1}"#]
        );
        assert_eq!(
            records("[{\"a\":1}, {\"a\":2}]"),
            ["{\"a\":1}", "{\"a\":2}"]
        );
        assert_eq!(
            records("{\"eventName\":\"A\"}\n{\"eventName\":\"B\"}\n"),
            ["{\"eventName\":\"A\"}", "{\"eventName\":\"B\"}"]
        );
        assert_eq!(
            records("{\"eventVersion\":\"1.08\"}"),
            ["{\"eventVersion\":\"1.08\"}"]
        );
        assert!(records(r#"{"Records":[]}"#).is_empty());
    }

    #[test]
    fn repeated_keys_stay_records_but_repeated_records_are_refused() {
        // decode keeps both spellings of a repeated key, so the split must not refuse them.
        let twice = r#"{"eventName":"A","eventName":"B"}"#;
        assert_eq!(records(twice), [twice]);
        assert_eq!(records(&format!("{twice}\n{twice}\n")), [twice, twice]);
        let err = split(br#"{"Records":[{"a":1}],"Records":[{"b":2}]}"#).unwrap_err();
        assert_eq!(err.reason(), "invalid_json");
        assert!(
            err.to_string().contains("duplicate field `Records`"),
            "{err}"
        );
    }

    #[test]
    fn digest_is_recognised_by_content() {
        let digest =
            r#"{"awsAccountId":"1","digestStartTime":"2015-08-20T17:01:31Z","logFiles":[]}"#;
        assert!(matches!(split(digest.as_bytes()).unwrap(), Content::Digest));
    }

    #[test]
    fn bad_inputs_name_their_reason_and_position() {
        let err = split(b"{\"Records\":[{\"a\":1,}]}").unwrap_err();
        assert_eq!(err.reason(), "invalid_json");
        assert!(
            matches!(
                err,
                BadInput::InvalidJson {
                    line: 1,
                    column: 20,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(split(b"  \n").unwrap_err(), BadInput::Empty);
        assert_eq!(split(b"hello").unwrap_err().reason(), "not_trail_log");
        assert_eq!(split(b"{\"a\":1}").unwrap_err().reason(), "not_trail_log");
        for not_an_array in [
            r#"{"Records":{"a":[1]}}"#,
            r#"{"Records":"x"}"#,
            r#"{"Records":7}"#,
        ] {
            assert_eq!(
                split(not_an_array.as_bytes()).unwrap_err(),
                BadInput::NotTrailLog("`Records` is not an array".into())
            );
        }
        let trailing = split(b"{\"Records\":[{\"a\":1}]} x").unwrap_err();
        assert!(
            matches!(
                trailing,
                BadInput::InvalidJson {
                    line: 1,
                    column: 23,
                    ..
                }
            ),
            "{trailing:?}"
        );
        assert_eq!(split(b"[\xff]").unwrap_err(), BadInput::NotUtf8 { byte: 1 });
        assert_eq!(
            inflate(b"BZh91AY").unwrap_err().reason(),
            "unsupported_compression"
        );
        assert_eq!(
            inflate(&[0x1f, 0x8b, 8, 0, 1]).unwrap_err().reason(),
            "gzip_corrupt"
        );
    }

    #[test]
    fn multi_member_gzip_inflates_whole() {
        use flate2::{Compression, write::GzEncoder};
        use std::io::Write;
        let mut out = Vec::new();
        for part in ["{\"Records\":[", "{\"a\":1}]}"] {
            let mut enc = GzEncoder::new(Vec::new(), Compression::fast());
            enc.write_all(part.as_bytes()).unwrap();
            out.extend(enc.finish().unwrap());
        }
        assert_eq!(&*inflate(&out).unwrap(), b"{\"Records\":[{\"a\":1}]}");
    }
}
