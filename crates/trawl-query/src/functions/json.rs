//! Athena's JSON functions over JSON text (trawl's "JSON" type is JSON text in a varchar).
//!
//! | function | result |
//! |---|---|
//! | `json_extract_scalar(json, path)` | varchar: a string unquoted, a number as written, a boolean as `true`/`false`; NULL for `null`, objects, arrays, a missing path or unparseable input |
//! | `json_extract(json, path)` | compact JSON text (key order kept); `null` at the path gives the text `null`; missing path or bad input → NULL |
//! | `json_array_length(json)` | element count of an array; NULL otherwise |
//! | `json_size(json, path)` | members of the object/array at the path; 0 for a scalar; NULL if missing |
//! | `json_parse(text)` | validated, compact JSON text; invalid text is an error |
//! | `json_format(json)` | the JSON text |
//!
//! A malformed path is an error. The parsed path is cached for the whole batch when the path
//! is a literal (and reused while consecutive rows carry the same path otherwise).

use datafusion::arrow::array::{Array, ArrayRef, Int64Builder, StringBuilder};
use datafusion::common::{Result, exec_err};

use super::jsonpath::{JsonPath, compact, decode_string, member_count};
use super::support::{Arg, OnError, Spec, arc, ret_i64, ret_utf8, strings};

/// Every JSON function.
pub(crate) const SPECS: &[Spec] = &[
    Spec {
        name: "json_extract_scalar",
        args: &[Arg::Str, Arg::Str],
        optional: 0,
        ret: ret_utf8,
        kernel: json_extract_scalar,
        fallible: true,
    },
    Spec {
        name: "json_extract",
        args: &[Arg::Str, Arg::Str],
        optional: 0,
        ret: ret_utf8,
        kernel: json_extract,
        fallible: true,
    },
    Spec {
        name: "json_array_length",
        args: &[Arg::Str],
        optional: 0,
        ret: ret_i64,
        kernel: json_array_length,
        fallible: false,
    },
    Spec {
        name: "json_size",
        args: &[Arg::Str, Arg::Str],
        optional: 0,
        ret: ret_i64,
        kernel: json_size,
        fallible: true,
    },
    Spec {
        name: "json_parse",
        args: &[Arg::Str],
        optional: 0,
        ret: ret_utf8,
        kernel: json_parse,
        fallible: true,
    },
    Spec {
        name: "json_format",
        args: &[Arg::Str],
        optional: 0,
        ret: ret_utf8,
        kernel: json_format,
        fallible: false,
    },
];

/// Parses each row's path once per distinct consecutive value.
struct PathCache {
    last: Option<(String, Result<JsonPath, String>)>,
}

impl PathCache {
    fn new() -> Self {
        PathCache { last: None }
    }

    fn get(&mut self, path: &str) -> &Result<JsonPath, String> {
        if self.last.as_ref().is_none_or(|(p, _)| p != path) {
            self.last = Some((path.to_string(), JsonPath::parse(path)));
        }
        &self.last.as_ref().expect("just filled").1
    }
}

/// Runs `f(value_slice)` for every row with a valid path; `f` returns the cell.
fn with_path<T>(
    name: &str,
    args: &[ArrayRef],
    on_error: OnError,
    mut emit: impl FnMut(Option<T>),
    f: impl Fn(Option<&str>) -> Option<T>,
) -> Result<()> {
    let docs = strings(&args[0])?;
    let paths = strings(&args[1])?;
    let mut cache = PathCache::new();
    for i in 0..docs.len() {
        if docs.is_null(i) || paths.is_null(i) {
            emit(None);
            continue;
        }
        let path = match on_error.row(name, cache.get(paths.value(i)).clone())? {
            Some(p) => p,
            None => {
                emit(None);
                continue;
            }
        };
        emit(f(path.find(docs.value(i))));
    }
    Ok(())
}

fn json_extract_scalar(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let mut out = StringBuilder::new();
    with_path(
        "json_extract_scalar",
        args,
        on_error,
        |v| out.append_option(v),
        |v| {
            let v = v?;
            match v.as_bytes().first()? {
                b'"' => decode_string(v.as_bytes(), 0).map(|(s, _)| s),
                b'{' | b'[' | b'n' => None,
                _ => Some(v.to_string()),
            }
        },
    )?;
    Ok(arc(out.finish()))
}

fn json_extract(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let mut out = StringBuilder::new();
    with_path(
        "json_extract",
        args,
        on_error,
        |v| out.append_option(v),
        |v| v.map(compact),
    )?;
    Ok(arc(out.finish()))
}

fn json_size(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let mut out = Int64Builder::new();
    with_path(
        "json_size",
        args,
        on_error,
        |v| out.append_option(v),
        |v| Some(member_count(v?).unwrap_or(0) as i64),
    )?;
    Ok(arc(out.finish()))
}

fn json_array_length(args: &[ArrayRef], _: OnError) -> Result<ArrayRef> {
    let docs = strings(&args[0])?;
    let root = JsonPath(vec![]);
    let out: datafusion::arrow::array::Int64Array = docs
        .iter()
        .map(|d| {
            let v = root.find(d?)?;
            v.starts_with('[')
                .then(|| member_count(v))
                .flatten()
                .map(|n| n as i64)
        })
        .collect();
    Ok(arc(out))
}

fn json_parse(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let docs = strings(&args[0])?;
    let mut out = StringBuilder::new();
    for d in docs.iter() {
        let Some(d) = d else {
            out.append_null();
            continue;
        };
        let parsed = serde_json::from_str::<&serde_json::value::RawValue>(d)
            .map(|_| compact(d.trim()))
            .map_err(|e| format!("cannot convert '{}' to JSON: {e}", preview(d)));
        out.append_option(on_error.row("json_parse", parsed)?);
    }
    Ok(arc(out.finish()))
}

fn json_format(args: &[ArrayRef], _: OnError) -> Result<ArrayRef> {
    if args.len() != 1 {
        return exec_err!("json_format takes one argument");
    }
    Ok(arc(strings(&args[0])?.into_owned()))
}

/// The first 60 characters of a value, for error messages.
pub(crate) fn preview(s: &str) -> String {
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{AsArray, StringArray};

    fn run(kernel: super::super::support::Kernel, doc: Option<&str>, path: &str) -> Option<String> {
        let args: Vec<ArrayRef> = vec![
            arc(StringArray::from(vec![doc])),
            arc(StringArray::from(vec![Some(path)])),
        ];
        let out = kernel(&args, OnError::Fail).unwrap();
        let out =
            datafusion::arrow::compute::cast(&out, &datafusion::arrow::datatypes::DataType::Utf8)
                .unwrap();
        let s = out.as_string::<i32>();
        (!s.is_null(0)).then(|| s.value(0).to_string())
    }

    const DOC: &str = r#"{"bucketName":"b1","isLogging":false,"n":1.50,"x-amz-acl":["private"],"nil":null,"o":{"k" : [1, 2]},"items":[{"id":"i-1"}]}"#;

    #[test]
    fn extract_scalar_follows_athena() {
        let f = json_extract_scalar;
        assert_eq!(run(f, Some(DOC), "$.bucketName").as_deref(), Some("b1"));
        assert_eq!(run(f, Some(DOC), "$.isLogging").as_deref(), Some("false"));
        assert_eq!(run(f, Some(DOC), "$.n").as_deref(), Some("1.50"));
        assert_eq!(
            run(f, Some(DOC), r#"$["x-amz-acl"][0]"#).as_deref(),
            Some("private")
        );
        assert_eq!(run(f, Some(DOC), "$.items[0].id").as_deref(), Some("i-1"));
        assert_eq!(run(f, Some(DOC), "$.nil"), None);
        assert_eq!(run(f, Some(DOC), "$.o"), None);
        assert_eq!(run(f, Some(DOC), "$.missing"), None);
        assert_eq!(run(f, Some("{broken"), "$.a"), None);
        assert_eq!(run(f, None, "$.a"), None);
    }

    #[test]
    fn extract_returns_compact_json() {
        let f = json_extract;
        assert_eq!(run(f, Some(DOC), "$.o").as_deref(), Some(r#"{"k":[1,2]}"#));
        assert_eq!(run(f, Some(DOC), "$.nil").as_deref(), Some("null"));
        assert_eq!(run(f, Some(DOC), "$.bucketName").as_deref(), Some("\"b1\""));
        assert_eq!(run(f, Some(DOC), "$.none"), None);
    }

    #[test]
    fn malformed_path_is_an_error_unless_in_try() {
        let args: Vec<ArrayRef> = vec![
            arc(StringArray::from(vec![DOC])),
            arc(StringArray::from(vec!["$.*"])),
        ];
        let err = json_extract_scalar(&args, OnError::Fail)
            .unwrap_err()
            .to_string();
        assert!(err.contains("invalid JSON path"), "{err}");
        let out = json_extract_scalar(&args, OnError::Null).unwrap();
        assert!(out.is_null(0));
    }

    #[test]
    fn sizes_and_lengths() {
        let args: Vec<ArrayRef> = vec![arc(StringArray::from(vec![
            Some("[1,2,3]"),
            Some("{\"a\":1}"),
            Some("7"),
            Some("[bad"),
            None,
        ]))];
        let out = json_array_length(&args, OnError::Fail).unwrap();
        let v: Vec<Option<i64>> = out
            .as_primitive::<datafusion::arrow::datatypes::Int64Type>()
            .iter()
            .collect();
        assert_eq!(v, vec![Some(3), None, None, None, None]);
        assert_eq!(run(json_size, Some(DOC), "$.o").as_deref(), Some("1"));
        assert_eq!(run(json_size, Some(DOC), "$.o.k").as_deref(), Some("2"));
        assert_eq!(run(json_size, Some(DOC), "$.n").as_deref(), Some("0"));
        assert_eq!(run(json_size, Some(DOC), "$.zz"), None);
    }

    #[test]
    fn parse_validates_and_compacts() {
        let args: Vec<ArrayRef> = vec![arc(StringArray::from(vec![r#"{ "b": 1, "a": [ ] }"#]))];
        let out = json_parse(&args, OnError::Fail).unwrap();
        assert_eq!(out.as_string::<i32>().value(0), r#"{"b":1,"a":[]}"#);
        let bad: Vec<ArrayRef> = vec![arc(StringArray::from(vec!["{nope"]))];
        assert!(json_parse(&bad, OnError::Fail).is_err());
        assert!(json_parse(&bad, OnError::Null).unwrap().is_null(0));
    }
}
