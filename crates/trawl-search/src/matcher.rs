//! Token containment and whole-value equality (§2.2, §2.3), and the per-value tests of field
//! predicates (§2.5).

use memchr::memmem;
use regex::bytes::Regex;

use crate::ast::{Part, PredOp, Value};
use crate::json::J;

/// True for bytes that separate tokens: everything except ASCII `A-Z a-z 0-9 _`.
pub fn is_sep(b: u8) -> bool {
    !(b.is_ascii_alphanumeric() || b == b'_')
}

/// Matches one value pattern against text, by containment or by equality.
#[derive(Debug, Clone)]
pub struct TextMatcher {
    case_insensitive: bool,
    kind: Kind,
}

// A query builds a few matchers and then runs them on every value: the wide `Plain` variant stays
// inline rather than behind a pointer on that path.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
enum Kind {
    /// No wildcard: a substring search plus boundary checks (or a plain comparison).
    Plain {
        needle: Vec<u8>,
        finder: memmem::Finder<'static>,
        left: bool,
        right: bool,
        whole: bool,
    },
    /// Wildcards: one byte regex.
    Pattern(Regex),
}

impl TextMatcher {
    /// contains(text, v): v occurs as a whole-token run (§2.2).
    pub fn contains(parts: &[Part], case_insensitive: bool) -> TextMatcher {
        Self::build(parts, case_insensitive, false)
    }

    /// The whole text equals v (a glob match when v has `*`).
    pub fn equals(parts: &[Part], case_insensitive: bool) -> TextMatcher {
        Self::build(parts, case_insensitive, true)
    }

    fn build(parts: &[Part], case_insensitive: bool, whole: bool) -> TextMatcher {
        let has_token_char = parts
            .iter()
            .any(|p| matches!(p, Part::Lit(s) if s.bytes().any(|b| !is_sep(b))));
        let left = match parts.first() {
            Some(Part::Lit(s)) => has_token_char && s.bytes().next().is_some_and(|b| !is_sep(b)),
            _ => false,
        };
        let right = match parts.last() {
            Some(Part::Lit(s)) => has_token_char && s.bytes().last().is_some_and(|b| !is_sep(b)),
            _ => false,
        };
        if !parts.contains(&Part::Star) {
            let text: String = parts
                .iter()
                .map(|p| if let Part::Lit(s) = p { s.as_str() } else { "" })
                .collect();
            let needle = if case_insensitive {
                text.to_ascii_lowercase().into_bytes()
            } else {
                text.into_bytes()
            };
            let finder = memmem::Finder::new(&needle).into_owned();
            return TextMatcher {
                case_insensitive,
                kind: Kind::Plain {
                    needle,
                    finder,
                    left,
                    right,
                    whole,
                },
            };
        }
        let mut re = String::from(if case_insensitive {
            "(?i-u)(?s)"
        } else {
            "(?-u)(?s)"
        });
        if whole {
            re.push('^');
        } else if left {
            re.push_str("(?:^|[^A-Za-z0-9_])");
        }
        for part in parts {
            match part {
                Part::Star => re.push_str(".*?"),
                Part::Lit(s) => {
                    for b in s.bytes() {
                        if b.is_ascii_alphanumeric() || b == b'_' {
                            re.push(b as char);
                        } else {
                            re.push_str(&format!("\\x{b:02X}"));
                        }
                    }
                }
            }
        }
        if whole {
            re.push('$');
        } else if right {
            re.push_str("(?:$|[^A-Za-z0-9_])");
        }
        // Every piece is escaped, so the pattern is always valid; fall back to "never" defensively.
        let regex = Regex::new(&re)
            .unwrap_or_else(|_| Regex::new("(?-u)[^\\x00-\\xFF]").expect("valid regex"));
        TextMatcher {
            case_insensitive,
            kind: Kind::Pattern(regex),
        }
    }

    /// For containment of a value without wildcards: a finder for the bytes every matching text
    /// holds (lower-cased when case is ignored), and whether case is ignored.
    pub fn required_bytes(&self) -> Option<(&memmem::Finder<'static>, bool)> {
        match &self.kind {
            Kind::Plain {
                needle,
                finder,
                whole: false,
                ..
            } if !needle.is_empty() => Some((finder, self.case_insensitive)),
            _ => None,
        }
    }

    /// Tests `text`. `scratch` is a reusable buffer for case folding.
    pub fn is_match(&self, text: &str, scratch: &mut Vec<u8>) -> bool {
        match &self.kind {
            Kind::Pattern(re) => re.is_match(text.as_bytes()),
            Kind::Plain {
                needle,
                whole: true,
                ..
            } => {
                if self.case_insensitive {
                    text.as_bytes().eq_ignore_ascii_case(needle)
                } else {
                    text.as_bytes() == needle.as_slice()
                }
            }
            Kind::Plain {
                needle,
                finder,
                left,
                right,
                ..
            } => {
                let hay = if self.case_insensitive {
                    scratch.clear();
                    scratch.extend(text.bytes().map(|b| b.to_ascii_lowercase()));
                    scratch.as_slice()
                } else {
                    text.as_bytes()
                };
                let n = needle.len();
                let mut pos = 0;
                while pos <= hay.len() {
                    let Some(i) = finder.find(&hay[pos..]) else {
                        return false;
                    };
                    let (s, e) = (pos + i, pos + i + n);
                    let left_ok = !left || s == 0 || is_sep(hay[s - 1]);
                    let right_ok = !right || e == hay.len() || is_sep(hay[e]);
                    if left_ok && right_ok {
                        return true;
                    }
                    pos = s + 1;
                }
                false
            }
        }
    }
}

/// What one resolved value must satisfy for a field predicate to hold (§2.5).
#[derive(Debug, Clone)]
pub enum Test {
    /// `f: v`: token containment in a leaf, or numeric equality for a number literal.
    Contains(TextMatcher, Option<f64>),
    /// `f = v`: whole-text equality, or numeric equality for a number literal.
    Equals(TextMatcher, Option<f64>),
    /// `f: *`: any non-null value.
    Exists,
    /// `f < n` …: numeric comparison.
    Cmp(PredOp, f64),
}

impl Test {
    /// The test for `f op v`.
    pub fn new(op: PredOp, value: &Value) -> Test {
        let ci = value.case_insensitive();
        let num = value.number();
        match op {
            _ if value.is_star() && matches!(op, PredOp::Contains | PredOp::Equals) => Test::Exists,
            PredOp::Contains if value.parts.is_empty() => {
                Test::Equals(TextMatcher::equals(&[], ci), None)
            }
            PredOp::Contains => Test::Contains(TextMatcher::contains(&value.parts, ci), num),
            PredOp::Equals => Test::Equals(TextMatcher::equals(&value.parts, ci), num),
            cmp => Test::Cmp(cmp, num.unwrap_or(f64::NAN)),
        }
    }

    /// The free-text test: containment in a leaf's text.
    pub fn term(value: &Value) -> Test {
        if value.parts.is_empty() {
            return Test::Equals(TextMatcher::equals(&[], true), None);
        }
        Test::Contains(
            TextMatcher::contains(&value.parts, value.case_insensitive()),
            None,
        )
    }

    /// Tests a string leaf.
    pub fn text(&self, text: &str, scratch: &mut Vec<u8>) -> bool {
        match self {
            Test::Contains(m, _) | Test::Equals(m, _) => m.is_match(text, scratch),
            Test::Exists => true,
            Test::Cmp(..) => false,
        }
    }

    /// Tests a number leaf; `text` is its text.
    pub fn number(&self, x: f64, text: &str, scratch: &mut Vec<u8>) -> bool {
        match self {
            Test::Contains(m, n) => n.is_some_and(|n| n == x) || m.is_match(text, scratch),
            Test::Equals(m, n) => match n {
                Some(n) => *n == x,
                None => m.is_match(text, scratch),
            },
            Test::Exists => true,
            Test::Cmp(op, n) => match op {
                PredOp::Lt => x < *n,
                PredOp::Le => x <= *n,
                PredOp::Gt => x > *n,
                PredOp::Ge => x >= *n,
                _ => false,
            },
        }
    }

    /// Tests one resolved JSON value (objects and arrays: `:` searches their leaves).
    pub fn json(&self, v: &J<'_>, scratch: &mut Vec<u8>) -> bool {
        match (self, v) {
            (_, J::Null) => false,
            (Test::Exists, _) => true,
            (_, J::Num(n)) => self.number(n.parse().unwrap_or(f64::NAN), n, scratch),
            (_, J::Str(s)) => self.text(s, scratch),
            (_, J::Bool(b)) => self.text(if *b { "true" } else { "false" }, scratch),
            (Test::Contains(..), container) => {
                container.any_leaf(&mut |leaf| self.json(leaf, scratch))
            }
            _ => false,
        }
    }

    /// For a containment test of a plain value: a finder for the bytes that every text it holds
    /// for contains (lower-cased when case is ignored), and whether case is ignored. A number
    /// value has none, since it also holds for a number spelt otherwise (`1e1` for `10`).
    pub fn required_bytes(&self) -> Option<(&memmem::Finder<'static>, bool)> {
        match self {
            Test::Contains(m, None) => m.required_bytes(),
            _ => None,
        }
    }

    /// False only when the raw JSON text proves that no leaf can satisfy the test (the text
    /// must hold no backslash escapes).
    pub fn may_match_raw(&self, raw: &str, scratch: &mut Vec<u8>) -> bool {
        match self {
            Test::Contains(m, None) if !raw.contains('\\') => m.is_match(raw, scratch),
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::ValueForm;
    use crate::error::Span;

    fn value(form: ValueForm, text: &str) -> Value {
        let mut parts = Vec::new();
        for (i, piece) in text.split('*').enumerate() {
            if i > 0 {
                parts.push(Part::Star);
            }
            if !piece.is_empty() {
                parts.push(Part::Lit(piece.to_string()));
            }
        }
        Value {
            form,
            parts,
            span: Span::default(),
        }
    }

    fn contains(v: &str, form: ValueForm, text: &str) -> bool {
        Test::term(&value(form, v)).text(text, &mut Vec::new())
    }

    #[test]
    fn spec_containment_table() {
        use ValueForm::*;
        assert!(contains(
            ".ec2.amazonaws.com",
            Single,
            "console.ec2.amazonaws.com"
        ));
        assert!(!contains("Assume", Bare, "AssumeRole"));
        assert!(contains("Assume*", Bare, "AssumeRole"));
        assert!(contains("*Role", Bare, "AssumeRole"));
        assert!(contains("*sume*", Bare, "AssumeRole"));
        assert!(contains(
            "mac os",
            Single,
            "Cyberduck/8.7.1 (Mac OS X/14.4)"
        ));
        assert!(contains("access*denied", Single, "Access was denied"));
        assert!(!contains("::/0", Double, "10.0.0.0/16"));
    }

    #[test]
    fn ipv4_addresses() {
        use ValueForm::*;
        assert!(contains("203.0.113.7", Bare, "203.0.113.7"));
        assert!(contains("113", Bare, "203.0.113.7"));
        assert!(contains("203.0.113.*", Bare, "203.0.113.70"));
        assert!(!contains("203.0.113.7", Bare, "203.0.113.70"));
        assert!(!contains("203.0.113.7", Bare, "ip-203-0-113-7"));
    }

    #[test]
    fn case_rules_fold_only_ascii() {
        use ValueForm::*;
        assert!(contains("ALICE", Bare, "user/alice"));
        assert!(!contains("ALICE", Double, "user/alice"));
        assert!(!contains("É", Single, "é"));
        assert!(contains("é", Single, "caf é"));
        // Non-ASCII characters are separators.
        assert!(contains("caf", Bare, "café"));
    }

    #[test]
    fn overlapping_occurrences_are_all_tried() {
        assert!(contains("ab-ab", ValueForm::Bare, "xab-ab-ab"));
    }

    #[test]
    fn equality_and_numbers() {
        let eq = Test::new(PredOp::Equals, &value(ValueForm::Bare, "Create*"));
        assert!(eq.text("CreateUser", &mut Vec::new()));
        assert!(
            !Test::new(PredOp::Equals, &value(ValueForm::Bare, "Create"))
                .text("CreateUser", &mut Vec::new())
        );
        let n = Test::new(PredOp::Equals, &value(ValueForm::Number, "1500.0"));
        assert!(n.json(&J::Num("1500".into()), &mut Vec::new()));
        assert!(!n.json(&J::Str("1500".into()), &mut Vec::new()));
        let gt = Test::new(PredOp::Gt, &value(ValueForm::Number, "5"));
        assert!(!gt.json(&J::Str("10".into()), &mut Vec::new()));
        assert!(gt.json(&J::Num("10".into()), &mut Vec::new()));
    }

    #[test]
    fn containment_searches_below_objects_but_equality_does_not() {
        let obj = crate::json::parse(r#"{"a":{"b":["x","Deployer"]}}"#).unwrap();
        assert!(
            Test::new(PredOp::Contains, &value(ValueForm::Bare, "deployer"))
                .json(&obj, &mut Vec::new())
        );
        assert!(
            !Test::new(PredOp::Equals, &value(ValueForm::Bare, "deployer"))
                .json(&obj, &mut Vec::new())
        );
        assert!(
            Test::new(PredOp::Equals, &value(ValueForm::Bare, "*"))
                .json(&J::Obj(vec![]), &mut Vec::new())
        );
    }
}
