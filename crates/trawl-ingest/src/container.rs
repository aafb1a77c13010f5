//! From the bytes of one source object to its raw records: sniff the compression, inflate, recognise
//! the container (`{"Records":[...]}`, a bare array, NDJSON, a single record) and split it into
//! records, each with its top-level members, in one pass and without building a DOM.
//! (The struct and list values that decode scans whole are left for it to validate: see [`split`].)

use std::ops::Range;

use serde::de::IgnoredAny;
use trawl_schema::RECORD_FIELDS;

use crate::decode;
use crate::gunzip::gunzip;
use crate::json::{Key, KeyOrder, Kind, Member, RawKey, Scanner, SyntaxError, Value};

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

/// Inflates gzip (multi-member too) into `buffer` when the magic bytes say so; plain content is
/// returned as is. `buffer` is reused from object to object: its memory stays mapped, and inflating
/// writes straight into its spare capacity, which is never zero-filled first.
pub fn inflate<'a>(bytes: &'a [u8], buffer: &'a mut Vec<u8>) -> Result<&'a [u8], BadInput> {
    match bytes {
        [0x1f, 0x8b, ..] => {
            gunzip(bytes, buffer).map_err(BadInput::GzipCorrupt)?;
            Ok(buffer)
        }
        [0x28, 0xb5, 0x2f, 0xfd, ..] => Err(BadInput::UnsupportedCompression("zstd")),
        [b'B', b'Z', b'h', ..] => Err(BadInput::UnsupportedCompression("bzip2")),
        [0xfd, b'7', b'z', b'X', b'Z', 0, ..] => Err(BadInput::UnsupportedCompression("xz")),
        [b'P', b'K', 3, 4, ..] => Err(BadInput::UnsupportedCompression("zip")),
        _ => Ok(bytes),
    }
}

/// What one source object turned out to hold.
#[derive(Debug)]
pub enum Content<'a> {
    /// Trail records (possibly none).
    Records(Records<'a>),
    /// A CloudTrail digest document: never data.
    Digest,
}

/// The records of one source object, each with its top-level members when it is an object.
#[derive(Debug, Default)]
pub struct Records<'a> {
    /// The whole object's text.
    text: &'a str,
    records: Vec<(Value<'a>, Range<usize>)>,
    members: Vec<Member<'a>>,
    /// The order of the records' keys, learnt as they are read.
    keys: KeyOrder,
}

/// One record: its exact text, and its members in source order (none unless it is an object).
#[derive(Debug, Clone, Copy)]
pub struct Record<'r, 'a> {
    /// The record's text and kind.
    pub value: Value<'a>,
    /// The record's top-level members, when it is an object.
    pub members: &'r [Member<'a>],
}

impl<'a> Records<'a> {
    /// How many records there are.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The record at `index` (in source order).
    pub fn get(&self, index: usize) -> Record<'_, 'a> {
        let (value, members) = &self.records[index];
        Record {
            value: *value,
            members: &self.members[members.clone()],
        }
    }

    /// The records in source order.
    pub fn iter(&self) -> impl Iterator<Item = Record<'_, 'a>> {
        (0..self.records.len()).map(|i| self.get(i))
    }

    /// The error for a syntax error the decoder found in `record`, at `at` in its text.
    pub fn invalid_json(&self, record: Record<'_, 'a>, at: SyntaxError) -> BadInput {
        invalid_json(self.text, at.within(self.text, record.value.text))
    }

    /// Reads one record at the scanner's position.
    fn read(&mut self, s: &mut Scanner<'a>, text: &'a str) -> Result<(), SyntaxError> {
        if s.peek() != Some(b'{') {
            let value = s.value()?;
            self.records.push((value, 0..0));
            return Ok(());
        }
        let first = self.members.len();
        let start = s.offset();
        let members = &mut self.members;
        s.object_keyed(&mut self.keys, |s, key| {
            let (key, known) = match key {
                Key::Known(i) => (
                    RawKey {
                        text: RECORD_FIELDS[i].key,
                        escaped: false,
                    },
                    Some(i),
                ),
                Key::Other(key) => (key, None),
            };
            let value = match (known, s.peek()) {
                (Some(i), Some(opener @ (b'{' | b'['))) if decode::scanned_whole(i, opener) => {
                    s.skip_unchecked()?
                }
                _ => s.value()?,
            };
            members.push(Member {
                key_text: key.text,
                key_escaped: key.escaped,
                known: known.map(|i| i as u16),
                value,
            });
            Ok(())
        })?;
        let end = s.offset();
        let value = Value {
            kind: Kind::Object,
            text: &text[start..end],
        };
        self.records.push((value, first..self.members.len()));
        Ok(())
    }

    fn with_capacity(text: &'a str) -> Self {
        // About 1.3 KB and 25 top-level members per CloudTrail record.
        let records = text.len() / 1024 + 1;
        Records {
            text,
            records: Vec::with_capacity(records),
            members: Vec::with_capacity(records * 28),
            keys: decode::record_keys(),
        }
    }
}

/// Splits decoded text into records. `text` must be the whole object's content.
///
/// Every byte is validated here but the values decode scans whole anyway ([`decode::scanned_whole`]:
/// a record's `userIdentity` object, its `resources` array, …). Those are only bracket-matched,
/// and [`decode::BatchBuilder::append`] validates them as it reads them: scanned once, not twice.
pub fn split(text: &[u8]) -> Result<Content<'_>, BadInput> {
    let text = std::str::from_utf8(text).map_err(|e| BadInput::NotUtf8 {
        byte: e.valid_up_to(),
    })?;
    let body = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let content = match body.as_bytes().first() {
        None => return Err(BadInput::Empty),
        Some(b'[') => split_array(text).map(Ok),
        Some(b'{') => split_object(text),
        Some(_) => {
            return Err(BadInput::NotTrailLog(
                "the content does not start with `{` or `[`".into(),
            ));
        }
    };
    content.map_err(|e| invalid_json(text, e))?
}

/// A bare array of records.
fn split_array(text: &str) -> Result<Content<'_>, SyntaxError> {
    let mut s = Scanner::new(text);
    let mut records = Records::with_capacity(text);
    s.array(|s| records.read(s, text))?;
    if !s.at_end() {
        return Err(s.error("trailing characters"));
    }
    Ok(Content::Records(records))
}

/// An object at the top: a delivery file, a digest, a single record, or NDJSON records.
///
/// The common case, one `{"Records":[...]}` object, is read once: `Records` is split into records
/// as it is scanned, every other key is skipped. Keys other than `Records` may repeat (a lone record
/// with a repeated key is still a record). Only when more values follow the first (NDJSON) is the
/// text read again.
fn split_object(text: &str) -> Result<Result<Content<'_>, BadInput>, SyntaxError> {
    let mut s = Scanner::new(text);
    let mut records = Records::with_capacity(text);
    let mut top = Vec::new();
    let (mut has_records, mut records_is_array) = (false, false);
    let (mut digest_start_time, mut log_files, mut record_like) = (false, false, false);
    s.peek();
    let start = s.offset();
    s.object_raw(|s, raw| {
        match &*raw.decoded() {
            "Records" if has_records => return Err(s.error("duplicate field `Records`")),
            "Records" => {
                has_records = true;
                if s.peek() == Some(b'[') {
                    records_is_array = true;
                    return s.array(|s| records.read(s, text));
                }
            }
            "digestStartTime" => digest_start_time = true,
            "logFiles" => log_files = true,
            "eventVersion" | "eventName" => record_like = true,
            _ => {}
        }
        let value = s.value()?;
        top.push(Member {
            key_text: raw.text,
            key_escaped: raw.escaped,
            known: None,
            value,
        });
        Ok(())
    })?;
    let end = s.offset();
    if !s.at_end() {
        return split_values(text).map(Ok);
    }
    Ok(if has_records && records_is_array {
        Ok(Content::Records(records))
    } else if has_records {
        Err(BadInput::NotTrailLog("`Records` is not an array".into()))
    } else if digest_start_time && log_files {
        Ok(Content::Digest)
    } else if record_like {
        let record = Value {
            kind: Kind::Object,
            text: &text[start..end],
        };
        Ok(Content::Records(Records {
            text,
            records: vec![(record, 0..top.len())],
            members: top,
            keys: KeyOrder::default(),
        }))
    } else {
        Err(BadInput::NotTrailLog(
            "a JSON object without `Records`, and not a CloudTrail record".into(),
        ))
    })
}

/// Concatenated JSON values (NDJSON), one record each.
fn split_values(text: &str) -> Result<Content<'_>, SyntaxError> {
    let mut s = Scanner::new(text);
    let mut records = Records::with_capacity(text);
    while !s.at_end() {
        records.read(&mut s, text)?;
    }
    Ok(Content::Records(records))
}

/// The error for text the scanner stopped in, worded and placed by serde_json.
fn invalid_json(text: &str, at: SyntaxError) -> BadInput {
    let stream = serde_json::Deserializer::from_str(text).into_iter::<IgnoredAny>();
    for value in stream {
        if let Err(e) = value {
            return json_error(&e);
        }
    }
    // Valid JSON that is not a valid container (a repeated `Records`): place it ourselves.
    let before = &text[..at.offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    BadInput::InvalidJson {
        line,
        column,
        message: at.message.to_string(),
    }
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
            Content::Records(r) => r.iter().map(|r| r.value.text.to_string()).collect(),
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
            inflate(b"BZh91AY", &mut Vec::new()).unwrap_err().reason(),
            "unsupported_compression"
        );
        assert_eq!(
            inflate(&[0x1f, 0x8b, 8, 0, 1], &mut Vec::new())
                .unwrap_err()
                .reason(),
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
        let mut buffer = b"left over from the object before".to_vec();
        assert_eq!(
            inflate(&out, &mut buffer).unwrap(),
            b"{\"Records\":[{\"a\":1}]}"
        );
        let truncated = inflate(&out[..out.len() - 3], &mut buffer).unwrap_err();
        assert_eq!(
            truncated.to_string(),
            "gzip_corrupt: the gzip stream ends early: the file is truncated"
        );
        let mut flipped = out.clone();
        flipped[out.len() - 6] ^= 1;
        assert_eq!(
            inflate(&flipped, &mut buffer).unwrap_err().reason(),
            "gzip_corrupt"
        );
    }
}
