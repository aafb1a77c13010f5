//! Athena string and regular-expression functions whose DataFusion namesakes differ or are
//! missing.
//!
//! | function | Athena semantics implemented here |
//! |---|---|
//! | `replace(s, search[, repl])` | every occurrence; the 2-argument form removes them |
//! | `split(s, d[, limit])` | array on a literal delimiter; `limit` caps the size, the last element keeps the rest |
//! | `split_part(s, d, i)` | 1-based; past the end → NULL; `i ≤ 0` → error |
//! | `regexp_extract(s, p[, g])` | first match (or its group `g`); NULL when none |
//! | `regexp_extract_all(s, p[, g])` | every match (or group `g`) as an array |
//! | `regexp_replace(s, p[, r])` | **every** match; `$1` / `${name}` group references; `\$` a literal dollar; the 2-argument form deletes matches |
//!
//! Regular expressions use the Rust `regex` crate: look-around and back-references are not
//! available, and such patterns are reported as unsupported.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, ListBuilder, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::Result;
use regex::Regex;

use super::support::{Arg, OnError, Spec, arc, ints, ret_utf8, strings};

/// Every string / regex function of this module.
pub(crate) const SPECS: &[Spec] = &[
    Spec {
        name: "replace",
        args: &[Arg::Str, Arg::Str, Arg::Str],
        optional: 1,
        ret: ret_utf8,
        kernel: replace,
        fallible: false,
    },
    Spec {
        name: "split",
        args: &[Arg::Str, Arg::Str, Arg::Int],
        optional: 1,
        ret: ret_list_utf8,
        kernel: split,
        fallible: true,
    },
    Spec {
        name: "split_part",
        args: &[Arg::Str, Arg::Str, Arg::Int],
        optional: 0,
        ret: ret_utf8,
        kernel: split_part,
        fallible: true,
    },
    Spec {
        name: "regexp_extract",
        args: &[Arg::Str, Arg::Str, Arg::Int],
        optional: 1,
        ret: ret_utf8,
        kernel: regexp_extract,
        fallible: true,
    },
    Spec {
        name: "regexp_extract_all",
        args: &[Arg::Str, Arg::Str, Arg::Int],
        optional: 1,
        ret: ret_list_utf8,
        kernel: regexp_extract_all,
        fallible: true,
    },
    Spec {
        name: "regexp_replace",
        args: &[Arg::Str, Arg::Str, Arg::Str],
        optional: 1,
        ret: ret_utf8,
        kernel: regexp_replace,
        fallible: true,
    },
];

fn ret_list_utf8(_: &[DataType]) -> Result<DataType> {
    Ok(DataType::List(Arc::new(Field::new(
        "item",
        DataType::Utf8,
        true,
    ))))
}

fn replace(args: &[ArrayRef], _: OnError) -> Result<ArrayRef> {
    let s = strings(&args[0])?;
    let search = strings(&args[1])?;
    let repl = args.get(2).map(strings).transpose()?;
    let mut out = StringBuilder::new();
    for i in 0..s.len() {
        let r = match &repl {
            Some(r) if r.is_null(i) => None,
            Some(r) => Some(r.value(i)),
            None => Some(""),
        };
        if s.is_null(i) || search.is_null(i) || r.is_none() {
            out.append_null();
        } else {
            out.append_value(s.value(i).replace(search.value(i), r.unwrap_or_default()));
        }
    }
    Ok(arc(out.finish()))
}

fn split(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let s = strings(&args[0])?;
    let d = strings(&args[1])?;
    let limit = args.get(2).map(ints).transpose()?;
    let mut out = ListBuilder::new(StringBuilder::new());
    for i in 0..s.len() {
        let lim = match &limit {
            Some(l) if l.is_null(i) => None,
            Some(l) => Some(Some(l.value(i))),
            None => Some(None),
        };
        let (Some(lim), false, false) = (lim, s.is_null(i), d.is_null(i)) else {
            out.append(false);
            continue;
        };
        let (text, delim) = (s.value(i), d.value(i));
        let parts: std::result::Result<Vec<&str>, String> = match lim {
            _ if delim.is_empty() => Err("the delimiter may not be the empty string".into()),
            Some(n) if n <= 0 => Err(format!("the limit must be positive, got {n}")),
            Some(n) => Ok(text.splitn(n as usize, delim).collect()),
            None => Ok(text.split(delim).collect()),
        };
        match on_error.row("split", parts)? {
            Some(parts) => {
                for p in parts {
                    out.values().append_value(p);
                }
                out.append(true);
            }
            None => out.append(false),
        }
    }
    Ok(arc(out.finish()))
}

fn split_part(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let s = strings(&args[0])?;
    let d = strings(&args[1])?;
    let idx = ints(&args[2])?;
    let mut out = StringBuilder::new();
    for i in 0..s.len() {
        if s.is_null(i) || d.is_null(i) || idx.is_null(i) {
            out.append_null();
            continue;
        }
        let n = idx.value(i);
        if n <= 0 {
            let v = on_error.row::<()>(
                "split_part",
                Err(format!("the index must be greater than zero, got {n}")),
            )?;
            debug_assert!(v.is_none());
            out.append_null();
            continue;
        }
        let (text, delim) = (s.value(i), d.value(i));
        let part = if delim.is_empty() {
            text.chars().nth(n as usize - 1).map(String::from)
        } else {
            text.split(delim).nth(n as usize - 1).map(String::from)
        };
        out.append_option(part);
    }
    Ok(arc(out.finish()))
}

/// Compiles each row's pattern once per distinct consecutive value.
struct RegexCache {
    last: Option<(String, std::result::Result<Regex, String>)>,
}

impl RegexCache {
    fn new() -> Self {
        RegexCache { last: None }
    }

    fn get(&mut self, pattern: &str) -> std::result::Result<Regex, String> {
        if self.last.as_ref().is_none_or(|(p, _)| p != pattern) {
            self.last = Some((pattern.to_string(), compile(pattern)));
        }
        self.last.as_ref().expect("just filled").1.clone()
    }
}

/// Compiles a pattern, naming Java-only features the `regex` crate lacks.
pub(crate) fn compile(pattern: &str) -> std::result::Result<Regex, String> {
    Regex::new(pattern).map_err(|e| {
        let unsupported = ["(?=", "(?!", "(?<=", "(?<!"].iter().any(|l| pattern.contains(l))
            || regex::Regex::new(r"\\[1-9]").is_ok_and(|r| r.is_match(pattern));
        if unsupported {
            format!(
                "the pattern '{pattern}' uses look-around or a back-reference, which trawl's regex engine does not support"
            )
        } else {
            format!("invalid regular expression '{pattern}': {e}")
        }
    })
}

/// Group number `g` checked against the pattern.
fn group(re: &Regex, g: i64) -> std::result::Result<usize, String> {
    let groups = re.captures_len() as i64 - 1;
    if g < 0 || g > groups {
        Err(format!(
            "pattern has {groups} groups; cannot access group {g}"
        ))
    } else {
        Ok(g as usize)
    }
}

fn regexp_extract(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let s = strings(&args[0])?;
    let p = strings(&args[1])?;
    let g = args.get(2).map(ints).transpose()?;
    let mut cache = RegexCache::new();
    let mut out = StringBuilder::new();
    for i in 0..s.len() {
        let gi = g
            .as_ref()
            .map_or(Some(0), |g| (!g.is_null(i)).then(|| g.value(i)));
        let (false, false, Some(gi)) = (s.is_null(i), p.is_null(i), gi) else {
            out.append_null();
            continue;
        };
        let found = cache.get(p.value(i)).and_then(|re| {
            let n = group(&re, gi)?;
            Ok(re
                .captures(s.value(i))
                .and_then(|c| c.get(n))
                .map(|m| m.as_str().to_string()))
        });
        out.append_option(on_error.row("regexp_extract", found)?.flatten());
    }
    Ok(arc(out.finish()))
}

fn regexp_extract_all(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let s = strings(&args[0])?;
    let p = strings(&args[1])?;
    let g = args.get(2).map(ints).transpose()?;
    let mut cache = RegexCache::new();
    let mut out = ListBuilder::new(StringBuilder::new());
    for i in 0..s.len() {
        let gi = g
            .as_ref()
            .map_or(Some(0), |g| (!g.is_null(i)).then(|| g.value(i)));
        let (false, false, Some(gi)) = (s.is_null(i), p.is_null(i), gi) else {
            out.append(false);
            continue;
        };
        let found = cache.get(p.value(i)).and_then(|re| {
            let n = group(&re, gi)?;
            Ok(re
                .captures_iter(s.value(i))
                .map(|c| c.get(n).map(|m| m.as_str().to_string()))
                .collect::<Vec<_>>())
        });
        match on_error.row("regexp_extract_all", found)? {
            Some(items) => {
                for it in items {
                    out.values().append_option(it);
                }
                out.append(true);
            }
            None => out.append(false),
        }
    }
    Ok(arc(out.finish()))
}

/// Translates a Java replacement string (`$1`, `${name}`, `\$`) to the `regex` crate's syntax.
///
/// Java reads `$` + digits greedily while the number stays a valid group (the first digit is
/// always taken), so `$10` with one group means group 1 followed by `0`.
pub(crate) fn translate_replacement(r: &str, groups: usize) -> std::result::Result<String, String> {
    let mut out = String::with_capacity(r.len() + 4);
    let mut chars = r.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('$') => out.push_str("$$"),
                Some(x) => out.push(x),
                None => return Err("the replacement ends with a lone '\\'".into()),
            },
            '$' => match chars.peek() {
                Some('{') => {
                    chars.next();
                    let name: String = chars.by_ref().take_while(|c| *c != '}').collect();
                    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
                        return Err(format!("invalid group name '${{{name}}}' in the replacement"));
                    }
                    out.push_str(&format!("${{{name}}}"));
                }
                Some(d) if d.is_ascii_digit() => {
                    let mut n = d.to_digit(10).unwrap_or(0) as usize;
                    chars.next();
                    while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
                        let next = n * 10 + d as usize;
                        if next > groups {
                            break;
                        }
                        n = next;
                        chars.next();
                    }
                    if n > groups {
                        return Err(format!("the replacement refers to group {n}, but the pattern has {groups} groups"));
                    }
                    out.push_str(&format!("${{{n}}}"));
                }
                _ => return Err("illegal group reference: '$' must be followed by a group number or {name} (write \\$ for a dollar sign)".into()),
            },
            _ => out.push(c),
        }
    }
    Ok(out)
}

fn regexp_replace(args: &[ArrayRef], on_error: OnError) -> Result<ArrayRef> {
    let s = strings(&args[0])?;
    let p = strings(&args[1])?;
    let r = args.get(2).map(strings).transpose()?;
    let mut cache = RegexCache::new();
    let mut out = StringBuilder::new();
    for i in 0..s.len() {
        let repl = match &r {
            Some(r) if r.is_null(i) => None,
            Some(r) => Some(r.value(i)),
            None => Some(""),
        };
        let (false, false, Some(repl)) = (s.is_null(i), p.is_null(i), repl) else {
            out.append_null();
            continue;
        };
        let replaced = cache.get(p.value(i)).and_then(|re| {
            let rep = translate_replacement(repl, re.captures_len() - 1)?;
            Ok(re.replace_all(s.value(i), rep.as_str()).into_owned())
        });
        out.append_option(on_error.row("regexp_replace", replaced)?);
    }
    Ok(arc(out.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{AsArray, Int64Array, ListArray, StringArray};

    fn s(v: &[Option<&str>]) -> ArrayRef {
        arc(StringArray::from(v.to_vec()))
    }

    fn text(a: &ArrayRef) -> Vec<Option<String>> {
        a.as_string::<i32>()
            .iter()
            .map(|v| v.map(String::from))
            .collect()
    }

    fn lists(a: &ArrayRef) -> Vec<Option<Vec<Option<String>>>> {
        let l = a.as_any().downcast_ref::<ListArray>().unwrap();
        l.iter().map(|v| v.map(|v| text(&v))).collect()
    }

    #[test]
    fn replace_two_and_three_args() {
        let two = replace(
            &[s(&[Some("a-b-c"), None]), s(&[Some("-"), Some("-")])],
            OnError::Fail,
        )
        .unwrap();
        assert_eq!(text(&two), vec![Some("abc".into()), None]);
        let three = replace(
            &[s(&[Some("a-b-c")]), s(&[Some("-")]), s(&[Some("+")])],
            OnError::Fail,
        )
        .unwrap();
        assert_eq!(text(&three), vec![Some("a+b+c".into())]);
    }

    #[test]
    fn split_with_and_without_limit() {
        let out = split(
            &[s(&[Some("a.b.c"), None]), s(&[Some("."), Some(".")])],
            OnError::Fail,
        )
        .unwrap();
        assert_eq!(
            lists(&out),
            vec![
                Some(vec![Some("a".into()), Some("b".into()), Some("c".into())]),
                None
            ]
        );
        let lim = arc(Int64Array::from(vec![2]));
        let out = split(&[s(&[Some("a.b.c")]), s(&[Some(".")]), lim], OnError::Fail).unwrap();
        assert_eq!(
            lists(&out),
            vec![Some(vec![Some("a".into()), Some("b.c".into())])]
        );
        let zero = arc(Int64Array::from(vec![0]));
        assert!(split(&[s(&[Some("a")]), s(&[Some(".")]), zero], OnError::Fail).is_err());
    }

    #[test]
    fn split_part_is_one_based_and_null_past_the_end() {
        let idx = arc(Int64Array::from(vec![1, 3, 4]));
        let out = split_part(
            &[
                s(&[Some("a:b:c"), Some("a:b:c"), Some("a:b:c")]),
                s(&[Some(":"), Some(":"), Some(":")]),
                idx,
            ],
            OnError::Fail,
        )
        .unwrap();
        assert_eq!(text(&out), vec![Some("a".into()), Some("c".into()), None]);
        let zero = arc(Int64Array::from(vec![0]));
        let err = split_part(
            &[s(&[Some("a")]), s(&[Some(":")]), zero.clone()],
            OnError::Fail,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("greater than zero"), "{err}");
        assert!(
            split_part(&[s(&[Some("a")]), s(&[Some(":")]), zero], OnError::Null)
                .unwrap()
                .is_null(0)
        );
    }

    #[test]
    fn regexp_extract_whole_match_group_and_none() {
        let subj = s(&[Some("user-123-x"), Some("none")]);
        let pat = s(&[Some(r"(\d+)-(\w)"), Some(r"(\d+)-(\w)")]);
        let out = regexp_extract(&[subj.clone(), pat.clone()], OnError::Fail).unwrap();
        assert_eq!(text(&out), vec![Some("123-x".into()), None]);
        let g = arc(Int64Array::from(vec![2, 2]));
        let out = regexp_extract(&[subj.clone(), pat.clone(), g], OnError::Fail).unwrap();
        assert_eq!(text(&out), vec![Some("x".into()), None]);
        let bad = arc(Int64Array::from(vec![3, 3]));
        assert!(regexp_extract(&[subj, pat, bad], OnError::Fail).is_err());
    }

    #[test]
    fn regexp_extract_all_lists_every_match() {
        let out = regexp_extract_all(
            &[s(&[Some("a1b22c333")]), s(&[Some(r"\d+")])],
            OnError::Fail,
        )
        .unwrap();
        assert_eq!(
            lists(&out),
            vec![Some(vec![
                Some("1".into()),
                Some("22".into()),
                Some("333".into())
            ])]
        );
    }

    #[test]
    fn regexp_replace_replaces_every_match_with_java_references() {
        let out = regexp_replace(
            &[
                s(&[Some("1a 2b 3c")]),
                s(&[Some(r"(\d)([a-z])")]),
                s(&[Some("$2$1")]),
            ],
            OnError::Fail,
        )
        .unwrap();
        assert_eq!(text(&out), vec![Some("a1 b2 c3".into())]);
        let out = regexp_replace(&[s(&[Some("a1b2")]), s(&[Some(r"\d")])], OnError::Fail).unwrap();
        assert_eq!(text(&out), vec![Some("ab".into())]);
        let out = regexp_replace(
            &[s(&[Some("x")]), s(&[Some("x")]), s(&[Some(r"\$1")])],
            OnError::Fail,
        )
        .unwrap();
        assert_eq!(text(&out), vec![Some("$1".into())]);
    }

    #[test]
    fn java_replacement_translation() {
        assert_eq!(translate_replacement("$1x", 1).unwrap(), "${1}x");
        assert_eq!(translate_replacement("$10", 1).unwrap(), "${1}0");
        assert_eq!(translate_replacement("$10", 10).unwrap(), "${10}");
        assert_eq!(translate_replacement("${name}-", 1).unwrap(), "${name}-");
        assert!(translate_replacement("$x", 1).is_err());
        assert!(translate_replacement("$2", 1).is_err());
    }

    #[test]
    fn unsupported_regex_features_are_named() {
        let err = compile("a(?=b)").unwrap_err();
        assert!(err.contains("look-around"), "{err}");
        assert!(compile("(a)\\1").unwrap_err().contains("back-reference"));
        assert!(
            compile("[")
                .unwrap_err()
                .contains("invalid regular expression")
        );
    }
}
