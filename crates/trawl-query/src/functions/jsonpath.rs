//! Athena's JSONPath subset (Trino's `JsonPathTokenizer`) and a navigator over raw JSON text.
//!
//! Accepted paths: `$`, then any number of `.name` (letters, digits, `_`, `:`), `[name]`
//! (letters, digits, `_`), `["any text"]` (only `\"` and `\\` escapes) and `[n]` (a zero-based
//! index; on an object it looks up the key `"n"`). Anything else (`*`, `..`, filters, slices,
//! negative indexes) is an error naming the position.
//!
//! Navigation works on the original text without building a tree: it skips over values it
//! does not need, so it returns the exact slice of the target value (key order, number text and
//! escapes as written). The first occurrence of a duplicate key wins, as in Athena.

use std::borrow::Cow;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Step {
    /// An object member (also produced by `[name]` and `["name"]`).
    Key(String),
    /// `[n]`: an array element, or the member `"n"` of an object.
    Index(usize),
}

/// A parsed path: the steps after `$`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonPath(pub Vec<Step>);

impl JsonPath {
    /// Parses a path, or explains what is wrong with it.
    pub(crate) fn parse(path: &str) -> Result<JsonPath, String> {
        let p = path.trim();
        let b = p.as_bytes();
        if b.first() != Some(&b'$') {
            return Err(format!(
                "invalid JSON path '{path}': it must start with '$'"
            ));
        }
        let mut i = 1;
        let mut steps = Vec::new();
        let err = |i: usize, what: &str| {
            Err(format!(
                "invalid JSON path '{path}' at position {}: {what}",
                i + 1
            ))
        };
        while i < b.len() {
            match b[i] {
                b'.' => {
                    let start = i + 1;
                    let mut j = start;
                    while j < b.len()
                        && (b[j].is_ascii_alphanumeric() || b[j] == b'_' || b[j] == b':')
                    {
                        j += 1;
                    }
                    if j == start {
                        return err(
                            i,
                            "expected a member name after '.' (wildcards and '..' are not supported)",
                        );
                    }
                    steps.push(Step::Key(p[start..j].to_string()));
                    i = j;
                }
                b'[' => {
                    let start = i + 1;
                    if b.get(start) == Some(&b'"') {
                        let mut key = String::new();
                        let mut j = start + 1;
                        loop {
                            match b.get(j) {
                                None => return err(i, "unterminated quoted member name"),
                                Some(b'"') => break,
                                Some(b'\\') => match b.get(j + 1) {
                                    Some(c @ (b'"' | b'\\')) => {
                                        key.push(*c as char);
                                        j += 2;
                                    }
                                    _ => return err(j, "only \\\" and \\\\ escapes are allowed"),
                                },
                                Some(_) => {
                                    let ch = p[j..].chars().next().unwrap_or('\u{fffd}');
                                    key.push(ch);
                                    j += ch.len_utf8();
                                }
                            }
                        }
                        if b.get(j + 1) != Some(&b']') {
                            return err(j + 1, "expected ']' after the quoted member name");
                        }
                        steps.push(Step::Key(key));
                        i = j + 2;
                    } else {
                        let mut j = start;
                        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                            j += 1;
                        }
                        if j == start || b.get(j) != Some(&b']') {
                            return err(
                                i,
                                "expected an index, a name or a quoted name inside [] (wildcards, slices, filters and negative indexes are not supported)",
                            );
                        }
                        let inner = &p[start..j];
                        match inner.parse::<usize>() {
                            Ok(n) if inner.bytes().all(|c| c.is_ascii_digit()) => {
                                steps.push(Step::Index(n))
                            }
                            _ => steps.push(Step::Key(inner.to_string())),
                        }
                        i = j + 1;
                    }
                }
                _ => return err(i, "expected '.' or '['"),
            }
        }
        Ok(JsonPath(steps))
    }

    /// The slice of `doc` the path points at, or `None` when a step is missing or the text
    /// is not valid JSON along the way.
    pub(crate) fn find<'a>(&self, doc: &'a str) -> Option<&'a str> {
        let b = doc.as_bytes();
        let mut pos = skip_ws(b, 0);
        for step in &self.0 {
            pos = match (b.get(pos)?, step) {
                (b'{', _) => {
                    let key = match step {
                        Step::Key(k) => Cow::Borrowed(k.as_str()),
                        Step::Index(n) => Cow::Owned(n.to_string()),
                    };
                    find_member(b, pos, &key)?
                }
                (b'[', Step::Index(n)) => find_element(b, pos, *n)?,
                _ => return None,
            };
        }
        let end = skip_value(b, pos)?;
        if self.0.is_empty() && skip_ws(b, end) != b.len() {
            return None;
        }
        Some(&doc[pos..end])
    }
}

/// Index of the first non-whitespace byte at or after `i`.
pub(crate) fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// End (exclusive) of the string token starting at `i` (which is `"`).
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'"' => return Some(j + 1),
            b'\\' => j += 2,
            c if c < 0x20 => return None,
            _ => j += 1,
        }
    }
    None
}

/// End (exclusive) of the JSON value starting at `i`.
pub(crate) fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let close = if b[i] == b'{' { b'}' } else { b']' };
            let is_obj = b[i] == b'{';
            let mut j = skip_ws(b, i + 1);
            if b.get(j) == Some(&close) {
                return Some(j + 1);
            }
            loop {
                if is_obj {
                    if b.get(j) != Some(&b'"') {
                        return None;
                    }
                    j = skip_ws(b, skip_string(b, j)?);
                    if b.get(j) != Some(&b':') {
                        return None;
                    }
                    j = skip_ws(b, j + 1);
                }
                j = skip_ws(b, skip_value(b, j)?);
                match b.get(j)? {
                    b',' => j = skip_ws(b, j + 1),
                    c if *c == close => return Some(j + 1),
                    _ => return None,
                }
            }
        }
        b't' => b[i..].starts_with(b"true").then_some(i + 4),
        b'f' => b[i..].starts_with(b"false").then_some(i + 5),
        b'n' => b[i..].starts_with(b"null").then_some(i + 4),
        b'-' | b'0'..=b'9' => {
            let mut j = i + 1;
            while j < b.len() && matches!(b[j], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-') {
                j += 1;
            }
            Some(j)
        }
        _ => None,
    }
}

/// Decodes the JSON string token at `i`; returns the text and the end index.
pub(crate) fn decode_string(b: &[u8], i: usize) -> Option<(String, usize)> {
    let end = skip_string(b, i)?;
    let raw = std::str::from_utf8(&b[i..end]).ok()?;
    let s: String = serde_json::from_str(raw).ok()?;
    Some((s, end))
}

/// Start of the value of member `key` of the object at `i` (first occurrence).
fn find_member(b: &[u8], i: usize, key: &str) -> Option<usize> {
    let mut j = skip_ws(b, i + 1);
    if b.get(j) == Some(&b'}') {
        return None;
    }
    loop {
        if b.get(j) != Some(&b'"') {
            return None;
        }
        let end = skip_string(b, j)?;
        let raw = &b[j + 1..end - 1];
        let matches = if raw.contains(&b'\\') {
            decode_string(b, j).is_some_and(|(k, _)| k == key)
        } else {
            raw == key.as_bytes()
        };
        j = skip_ws(b, end);
        if b.get(j) != Some(&b':') {
            return None;
        }
        j = skip_ws(b, j + 1);
        if matches {
            return Some(j);
        }
        j = skip_ws(b, skip_value(b, j)?);
        match b.get(j)? {
            b',' => j = skip_ws(b, j + 1),
            _ => return None,
        }
    }
}

/// Start of element `n` of the array at `i`.
fn find_element(b: &[u8], i: usize, n: usize) -> Option<usize> {
    let mut j = skip_ws(b, i + 1);
    if b.get(j) == Some(&b']') {
        return None;
    }
    for _ in 0..n {
        j = skip_ws(b, skip_value(b, j)?);
        match b.get(j)? {
            b',' => j = skip_ws(b, j + 1),
            _ => return None,
        }
    }
    Some(j)
}

/// Removes insignificant whitespace from a JSON value (strings untouched, key order kept).
pub(crate) fn compact(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_str = false;
    let mut escaped = false;
    for c in s.chars() {
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
        } else if c == '"' {
            in_str = true;
            out.push(c);
        } else if !c.is_whitespace() {
            out.push(c);
        }
    }
    out
}

/// Number of members (object) or elements (array) of the value `v`; `None` for a scalar.
pub(crate) fn member_count(v: &str) -> Option<usize> {
    let b = v.as_bytes();
    let close = match b.first()? {
        b'{' => b'}',
        b'[' => b']',
        _ => return None,
    };
    let is_obj = b[0] == b'{';
    let mut j = skip_ws(b, 1);
    if b.get(j) == Some(&close) {
        return Some(0);
    }
    let mut n = 0;
    loop {
        if is_obj {
            j = skip_ws(b, skip_string(b, j)?);
            j = skip_ws(b, j + 1);
        }
        j = skip_ws(b, skip_value(b, j)?);
        n += 1;
        match b.get(j)? {
            b',' => j = skip_ws(b, j + 1),
            _ => return Some(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(doc: &str, path: &str) -> Option<String> {
        JsonPath::parse(path).unwrap().find(doc).map(str::to_string)
    }

    #[test]
    fn parses_the_documented_forms() {
        let p = JsonPath::parse(r#"$.a.aws:SourceIp[0][key]["x-amz-acl"]["q\"x"]"#).unwrap();
        assert_eq!(
            p.0,
            vec![
                Step::Key("a".into()),
                Step::Key("aws:SourceIp".into()),
                Step::Index(0),
                Step::Key("key".into()),
                Step::Key("x-amz-acl".into()),
                Step::Key("q\"x".into()),
            ]
        );
        assert_eq!(JsonPath::parse("$").unwrap().0, vec![]);
    }

    #[test]
    fn rejects_unsupported_paths() {
        for bad in [
            "a.b",
            "$.*",
            "$..a",
            "$[-1]",
            "$[1:2]",
            "$[?(@.a)]",
            "$.",
            "$[\"a]",
        ] {
            assert!(JsonPath::parse(bad).is_err(), "{bad} should be rejected");
        }
        assert!(JsonPath::parse("$.*").unwrap_err().contains("position 2"));
    }

    #[test]
    fn finds_members_elements_and_raw_slices() {
        let doc = r#"{"a": {"b": [10, {"c": 1.50}]}, "x-amz-acl": ["private"], "a": 2}"#;
        assert_eq!(find(doc, "$.a.b[1].c").as_deref(), Some("1.50"));
        assert_eq!(find(doc, "$.a.b[0]").as_deref(), Some("10"));
        assert_eq!(
            find(doc, r#"$["x-amz-acl"][0]"#).as_deref(),
            Some("\"private\"")
        );
        assert_eq!(find(doc, "$.a.b[2]"), None);
        assert_eq!(find(doc, "$.missing"), None);
        // First duplicate wins.
        assert!(find(doc, "$.a").unwrap().starts_with('{'));
        // An index on an object looks up the key "n".
        assert_eq!(
            find(r#"{"0": "zero"}"#, "$[0]").as_deref(),
            Some("\"zero\"")
        );
        // A name on an array finds nothing.
        assert_eq!(find("[1,2]", "$.a"), None);
    }

    #[test]
    fn escaped_keys_match_by_decoded_text() {
        assert_eq!(find(r#"{"a\u0062": 1}"#, "$.ab").as_deref(), Some("1"));
    }

    #[test]
    fn broken_text_finds_nothing() {
        assert_eq!(find("{not json", "$.a"), None);
        assert_eq!(find("", "$"), None);
        assert_eq!(find("{} trailing", "$"), None);
    }

    #[test]
    fn compacts_outside_strings_only() {
        assert_eq!(
            compact(r#"{ "a" : [1, 2], "s": "x y\" z" }"#),
            r#"{"a":[1,2],"s":"x y\" z"}"#
        );
    }

    #[test]
    fn counts_members() {
        assert_eq!(member_count(r#"{"a":1,"b":[1,2]}"#), Some(2));
        assert_eq!(member_count("[ ]"), Some(0));
        assert_eq!(member_count("[1,[2,3],{}]"), Some(3));
        assert_eq!(member_count("1"), None);
    }
}
