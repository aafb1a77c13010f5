//! Tokens of the search language (§1), each with its byte span.

use crate::ast::Part;
use crate::error::{ErrorCode, SearchError, Span};

/// What a token is.
#[derive(Debug, Clone, PartialEq)]
pub enum TokKind {
    /// `|`
    Pipe,
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `,`
    Comma,
    /// `{`
    LBrace,
    /// `}`
    RBrace,
    /// `:`
    Colon,
    /// `=`
    Eq,
    /// `==`
    EqEq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// A bare word: its source text and its pattern (unescaped pieces and wildcards).
    Bare {
        /// The text as written, escapes included.
        raw: String,
        /// The text with escapes resolved; unescaped `*` are wildcards.
        parts: Vec<Part>,
    },
    /// `'…'`
    Single(Vec<Part>),
    /// `"…"`
    Double(Vec<Part>),
    /// `` `…` ``
    Back(String),
}

/// A token and where it was written.
#[derive(Debug, Clone)]
pub struct Token {
    /// What the token is.
    pub kind: TokKind,
    /// Its bytes in the query text.
    pub span: Span,
}

/// Characters that end a bare word (§1.3).
pub fn is_delimiter(c: char) -> bool {
    matches!(
        c,
        ':' | '('
            | ')'
            | '"'
            | '\''
            | '`'
            | '<'
            | '>'
            | '='
            | '|'
            | ','
            | '~'
            | '{'
            | '}'
            | '!'
            | '#'
    )
}

/// Splits `text` into tokens, dropping whitespace and comments.
pub fn lex(text: &str) -> Result<Vec<Token>, SearchError> {
    let mut lexer = Lexer {
        text,
        pos: 0,
        out: Vec::new(),
    };
    lexer.run()?;
    Ok(lexer.out)
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    out: Vec<Token>,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn peek2(&self) -> Option<char> {
        self.text[self.pos..].chars().nth(1)
    }

    fn push(&mut self, kind: TokKind, start: usize) {
        self.out.push(Token {
            kind,
            span: Span::new(start, self.pos),
        });
    }

    fn run(&mut self) -> Result<(), SearchError> {
        while let Some(c) = self.peek() {
            let start = self.pos;
            if matches!(c, ' ' | '\t' | '\r' | '\n') {
                self.pos += 1;
                continue;
            }
            if c == '#' {
                self.pos = self.text[start..]
                    .find('\n')
                    .map_or(self.text.len(), |i| start + i);
                continue;
            }
            if c.is_control() {
                return Err(lex_error(
                    start,
                    c,
                    "control characters are only allowed inside quotes",
                ));
            }
            let two = self.peek2();
            let simple = match (c, two) {
                ('|', _) => Some((TokKind::Pipe, 1)),
                ('(', _) => Some((TokKind::LParen, 1)),
                (')', _) => Some((TokKind::RParen, 1)),
                (',', _) => Some((TokKind::Comma, 1)),
                ('{', _) => Some((TokKind::LBrace, 1)),
                ('}', _) => Some((TokKind::RBrace, 1)),
                (':', _) => Some((TokKind::Colon, 1)),
                ('=', Some('=')) => Some((TokKind::EqEq, 2)),
                ('=', _) => Some((TokKind::Eq, 1)),
                ('!', Some('=')) => Some((TokKind::Ne, 2)),
                ('<', Some('=')) => Some((TokKind::Le, 2)),
                ('<', _) => Some((TokKind::Lt, 1)),
                ('>', Some('=')) => Some((TokKind::Ge, 2)),
                ('>', _) => Some((TokKind::Gt, 1)),
                _ => None,
            };
            if let Some((kind, len)) = simple {
                self.pos += len;
                self.push(kind, start);
                continue;
            }
            match c {
                '~' => {
                    return Err(lex_error(start, c, "`~` is reserved")
                        .with_hint("use `field: value` to match text"));
                }
                '!' => {
                    return Err(lex_error(start, c, "`!` is only valid as part of `!=`")
                        .with_hint("negate with `not`, e.g. `not eventName = X`"));
                }
                '\'' | '"' | '`' => self.quoted(c)?,
                _ => self.bare()?,
            }
        }
        Ok(())
    }

    fn quoted(&mut self, quote: char) -> Result<(), SearchError> {
        let start = self.pos;
        self.pos += 1;
        let mut parts = PartsBuilder::default();
        loop {
            let Some(c) = self.peek() else {
                let what = match quote {
                    '\'' => "single",
                    '"' => "double",
                    _ => "back",
                };
                return Err(SearchError::new(
                    ErrorCode::Lex,
                    Some(Span::new(start, self.text.len())),
                    format!("unterminated {what}-quoted string"),
                )
                .with_hint(format!("close it with {quote}")));
            };
            self.pos += c.len_utf8();
            if c == quote {
                break;
            }
            match c {
                '\\' => {
                    let (ch, literal_star) = self.escape(self.pos - 1)?;
                    if literal_star {
                        parts.lit('*')
                    } else {
                        parts.lit(ch)
                    }
                }
                '*' => parts.star(),
                _ => parts.lit(c),
            }
        }
        let parts = parts.finish();
        let kind = match quote {
            '\'' => TokKind::Single(parts),
            '"' => TokKind::Double(parts),
            _ => TokKind::Back(parts_text(&parts)),
        };
        self.push(kind, start);
        Ok(())
    }

    /// Reads the escape after a backslash at `at`; returns the character it stands for and
    /// whether it is an escaped asterisk.
    fn escape(&mut self, at: usize) -> Result<(char, bool), SearchError> {
        let Some(c) = self.peek() else {
            return Err(SearchError::new(
                ErrorCode::Lex,
                Some(Span::new(at, self.pos)),
                "a backslash ends the query",
            )
            .with_hint("write `\\\\` for a literal backslash"));
        };
        self.pos += c.len_utf8();
        Ok(match c {
            'n' => ('\n', false),
            't' => ('\t', false),
            'r' => ('\r', false),
            '*' => ('*', true),
            'u' => (self.unicode_escape(at)?, false),
            other => (other, false),
        })
    }

    fn unicode_escape(&mut self, at: usize) -> Result<char, SearchError> {
        let rest = &self.text[self.pos..];
        let bad = |end: usize| {
            SearchError::new(
                ErrorCode::Lex,
                Some(Span::new(at, end)),
                "invalid unicode escape",
            )
            .with_hint("write `\\u{…}` with 1 to 6 hex digits, e.g. `\\u{e9}`")
        };
        if !rest.starts_with('{') {
            return Err(bad(self.pos));
        }
        let Some(close) = rest.find('}') else {
            return Err(bad(self.text.len()));
        };
        let hex = &rest[1..close];
        let end = self.pos + close + 1;
        if hex.is_empty() || hex.len() > 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad(end));
        }
        let ch = u32::from_str_radix(hex, 16)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(|| bad(end))?;
        self.pos = end;
        Ok(ch)
    }

    fn bare(&mut self) -> Result<(), SearchError> {
        let start = self.pos;
        let mut parts = PartsBuilder::default();
        while let Some(c) = self.peek() {
            if matches!(c, ' ' | '\t' | '\r' | '\n') || is_delimiter(c) {
                break;
            }
            if c.is_control() {
                return Err(lex_error(
                    self.pos,
                    c,
                    "control characters are only allowed inside quotes",
                ));
            }
            self.pos += c.len_utf8();
            match c {
                '\\' => {
                    let Some(next) = self.peek() else {
                        return Err(SearchError::new(
                            ErrorCode::Lex,
                            Some(Span::new(self.pos - 1, self.pos)),
                            "a backslash ends the query",
                        )
                        .with_hint("write `\\\\` for a literal backslash"));
                    };
                    self.pos += next.len_utf8();
                    parts.lit(next);
                }
                '*' => parts.star(),
                _ => parts.lit(c),
            }
        }
        let raw = self.text[start..self.pos].to_string();
        self.push(
            TokKind::Bare {
                raw,
                parts: parts.finish(),
            },
            start,
        );
        Ok(())
    }
}

fn lex_error(at: usize, c: char, message: &str) -> SearchError {
    SearchError::new(
        ErrorCode::Lex,
        Some(Span::new(at, at + c.len_utf8())),
        message,
    )
}

/// The text of a pattern with wildcards written as plain `*`.
pub fn parts_text(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Lit(s) => s.as_str(),
            Part::Star => "*",
        })
        .collect()
}

#[derive(Default)]
struct PartsBuilder {
    parts: Vec<Part>,
}

impl PartsBuilder {
    fn lit(&mut self, c: char) {
        match self.parts.last_mut() {
            Some(Part::Lit(s)) => s.push(c),
            _ => self.parts.push(Part::Lit(c.to_string())),
        }
    }

    fn star(&mut self) {
        self.parts.push(Part::Star);
    }

    fn finish(self) -> Vec<Part> {
        self.parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<TokKind> {
        lex(text).unwrap().into_iter().map(|t| t.kind).collect()
    }

    fn bare(raw: &str) -> TokKind {
        let parts = if raw.is_empty() {
            vec![]
        } else {
            vec![Part::Lit(raw.to_string())]
        };
        TokKind::Bare {
            raw: raw.to_string(),
            parts,
        }
    }

    #[test]
    fn bare_words_keep_dots_dashes_slashes_and_at() {
        assert_eq!(
            kinds("s3.amazonaws.com x-amz-acl @scnr.datetime 203.0.113.7"),
            vec![
                bare("s3.amazonaws.com"),
                bare("x-amz-acl"),
                bare("@scnr.datetime"),
                bare("203.0.113.7")
            ]
        );
    }

    #[test]
    fn operators_and_punctuation() {
        use TokKind::*;
        assert_eq!(
            kinds("a:b=c==d!=e<f<=g>h>=i|(,){}"),
            vec![
                bare("a"),
                Colon,
                bare("b"),
                Eq,
                bare("c"),
                EqEq,
                bare("d"),
                Ne,
                bare("e"),
                Lt,
                bare("f"),
                Le,
                bare("g"),
                Gt,
                bare("h"),
                Ge,
                bare("i"),
                Pipe,
                LParen,
                Comma,
                RParen,
                LBrace,
                RBrace
            ]
        );
    }

    #[test]
    fn wildcards_and_escaped_stars() {
        assert_eq!(
            kinds(r"aws-cli/2.* report\*"),
            vec![
                TokKind::Bare {
                    raw: "aws-cli/2.*".into(),
                    parts: vec![Part::Lit("aws-cli/2.".into()), Part::Star]
                },
                TokKind::Bare {
                    raw: r"report\*".into(),
                    parts: vec![Part::Lit("report*".into())]
                },
            ]
        );
        assert_eq!(
            kinds(r"'a\*b'"),
            vec![TokKind::Single(vec![Part::Lit("a*b".into())])]
        );
    }

    #[test]
    fn quoted_escapes() {
        assert_eq!(
            kinds(r#""a\"b\n\u{e9}\q""#),
            vec![TokKind::Double(vec![Part::Lit("a\"b\néq".into())])]
        );
        assert_eq!(kinds(r"`a b.c`"), vec![TokKind::Back("a b.c".into())]);
    }

    #[test]
    fn comments_run_to_end_of_line() {
        assert_eq!(kinds("a # b c\nd"), vec![bare("a"), bare("d")]);
    }

    #[test]
    fn lexical_errors() {
        for (text, at) in [
            ("eventName: 'abc", 11),
            ("eventName ~ x", 10),
            ("! x", 0),
            ("a\u{1}b", 1),
            ("'\\u{zz}'", 1),
        ] {
            let err = lex(text).unwrap_err();
            assert_eq!(err.code, ErrorCode::Lex, "{text}");
            assert_eq!(err.span.unwrap().start, at, "{text}");
        }
    }

    #[test]
    fn spans_are_byte_ranges() {
        let toks = lex("ab  'cd'").unwrap();
        assert_eq!((toks[0].span.start, toks[0].span.end), (0, 2));
        assert_eq!((toks[1].span.start, toks[1].span.end), (4, 8));
    }
}
