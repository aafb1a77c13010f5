//! Binding parameters into search-language queries as quoted literal values.
//!
//! A search playbook marks a parameter the way Scanner's notebook did: a quoted literal whose
//! whole content is `{name}`, e.g. `"{user_identity_name}"`. [`bind`] replaces exactly such
//! tokens (found with the language's lexical rules: quotes, escapes, `#` comments) by a literal
//! of the same quote kind holding the value with every special character escaped — `\`, the
//! quote, `*` (so a value never acts as a wildcard) and control characters. The value therefore
//! always stays one literal: it cannot end the quote, add terms, or open a pipe stage.
//!
//! An engine whose search parser can bind values in its AST should do that instead and use this
//! only as the fallback.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// Returns `text` with each quoted `{name}` placeholder replaced by `params[name]` as an escaped
/// literal. A placeholder without a value is an error; other text is copied unchanged.
pub fn bind(text: &str, params: &BTreeMap<String, String>) -> Result<String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        match c {
            '#' => {
                out.push('#');
                for (_, c) in chars.by_ref() {
                    out.push(c);
                    if c == '\n' {
                        break;
                    }
                }
            }
            '\\' => {
                out.push('\\');
                if let Some((_, next)) = chars.next() {
                    out.push(next);
                }
            }
            '\'' | '"' | '`' => {
                let mut end = None;
                while let Some((i, d)) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == c {
                        end = Some(i);
                        break;
                    }
                }
                let Some(end) = end else {
                    return Err(Error::SearchBind(format!(
                        "unterminated {c} quote starting at byte {start}"
                    )));
                };
                let inner = &text[start + 1..end];
                match placeholder(inner) {
                    Some(name) if c != '`' => {
                        let value = params.get(name).ok_or_else(|| {
                            Error::SearchBind(format!(
                                "the query has the placeholder {c}{{{name}}}{c} but no value was bound for `{name}`"
                            ))
                        })?;
                        out.push(c);
                        out.push_str(&escape(value, c));
                        out.push(c);
                    }
                    _ => out.push_str(&text[start..=end]),
                }
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// `{name}` → `name`, when `name` is an identifier.
fn placeholder(inner: &str) -> Option<&str> {
    let name = inner.strip_prefix('{')?.strip_suffix('}')?;
    let mut chars = name.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    ok.then_some(name)
}

/// Escapes `value` for a literal quoted with `quote`.
pub fn escape(value: &str, quote: char) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '*' => out.push_str("\\*"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(name: &str, value: &str) -> BTreeMap<String, String> {
        BTreeMap::from([(name.to_string(), value.to_string())])
    }

    /// Decodes one quoted literal per the language's escape rules; `\*` becomes `\u{0}*` so the
    /// test can tell a literal asterisk from a wildcard.
    fn decode(literal: &str) -> (char, String) {
        let quote = literal.chars().next().unwrap();
        let body = &literal[1..literal.len() - 1];
        let mut out = String::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            if c == quote {
                panic!("unescaped quote inside {literal}");
            }
            if c != '\\' {
                assert_ne!(c, '*', "unescaped wildcard in {literal}");
                out.push(c);
                continue;
            }
            match chars.next().unwrap() {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                '*' => out.push_str("\u{0}*"),
                'u' => {
                    assert_eq!(chars.next(), Some('{'));
                    let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                    out.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                }
                other => out.push(other),
            }
        }
        (quote, out)
    }

    const Q2: &str =
        "%ingest.source_type: \"aws:cloudtrail\"\n\"{user_identity_name}\"\n| rename a as b";

    #[test]
    fn binds_the_notebook_placeholder() {
        let bound = bind(Q2, &params("user_identity_name", "alice")).unwrap();
        assert_eq!(
            bound,
            "%ingest.source_type: \"aws:cloudtrail\"\n\"alice\"\n| rename a as b"
        );
    }

    #[test]
    fn hostile_values_stay_one_literal() {
        for value in [
            "x\" | stats count() #",
            "a*b",
            "back\\slash\"",
            "x' OR '1'='1",
            "line\nbreak\u{7}",
        ] {
            let bound = bind(Q2, &params("user_identity_name", value)).unwrap();
            let line = bound.lines().nth(1).unwrap().to_string();
            // Nothing leaks past the literal: the next line is still the rename stage.
            assert!(bound.ends_with("\n| rename a as b"), "{bound}");
            let (quote, decoded) = decode(&line);
            assert_eq!(quote, '"');
            assert_eq!(decoded.replace("\u{0}*", "*"), value);
        }
        let sq = bind("'{v}'", &params("v", "it's")).unwrap();
        assert_eq!(sq, "'it\\'s'");
    }

    #[test]
    fn other_text_is_untouched_and_missing_values_are_errors() {
        let text = "# \"{v}\" in a comment\n`{v}`: x \\\"{v}\\\" '{not a name}' \"{v}x\"";
        assert_eq!(bind(text, &params("v", "y")).unwrap(), text);
        let e = bind(Q2, &BTreeMap::new()).unwrap_err().to_string();
        assert!(
            e.contains("no value was bound for `user_identity_name`"),
            "{e}"
        );
        assert!(bind("\"open", &BTreeMap::new()).is_err());
    }
}
