//! Errors and warnings, each tied to the byte span of the query text it is about.

use std::fmt;

/// A byte range `start..end` in the query text.
///
/// Spans are location metadata: two spans always compare equal, so AST equality ignores where
/// a construct was written (a parsed query and its reprinted form compare equal).
#[derive(Debug, Clone, Copy, Default)]
pub struct Span {
    /// First byte of the construct.
    pub start: usize,
    /// One past the last byte of the construct.
    pub end: usize,
}

impl Span {
    /// The span `start..end`.
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

impl Eq for Span {}

impl std::hash::Hash for Span {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

/// The class of a [`SearchError`] (§7 of the language spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// Lexical error: unterminated quote, `~`, lone `!`, control character.
    Lex,
    /// Syntax error.
    Syn,
    /// Unknown table column, or a `@q.*` name on events.
    Col,
    /// Duplicate output column name.
    Dup,
    /// A reserved output name (`@q.*`) used as a target.
    Name,
    /// Unknown function or wrong number of arguments.
    Fn,
    /// Bad time range.
    Time,
    /// An extension used in strict Scanner mode.
    Ext,
    /// Integer overflow in an aggregation.
    Overflow,
    /// A `"{name}"` parameter placeholder without a bound value (trawl's extension).
    Param,
    /// The query engine failed (not a problem with the query text).
    Engine,
}

impl ErrorCode {
    /// The code as printed, e.g. `E-SYN`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Lex => "E-LEX",
            ErrorCode::Syn => "E-SYN",
            ErrorCode::Col => "E-COL",
            ErrorCode::Dup => "E-DUP",
            ErrorCode::Name => "E-NAME",
            ErrorCode::Fn => "E-FN",
            ErrorCode::Time => "E-TIME",
            ErrorCode::Ext => "E-EXT",
            ErrorCode::Param => "E-PARAM",
            ErrorCode::Overflow => "E-OVERFLOW",
            ErrorCode::Engine => "E-ENGINE",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An error in a search query, its time range, or its execution.
#[derive(Debug, Clone)]
pub struct SearchError {
    /// The error class.
    pub code: ErrorCode,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where in the query text, when the error is about the text.
    pub span: Option<Span>,
    /// How to fix it, when there is an obvious fix.
    pub hint: Option<String>,
    /// The query text, used to draw the caret line.
    source: Option<String>,
}

impl SearchError {
    /// A new error of class `code` at `span`.
    pub fn new(code: ErrorCode, span: Option<Span>, message: impl Into<String>) -> Self {
        SearchError {
            code,
            message: message.into(),
            span,
            hint: None,
            source: None,
        }
    }

    /// Adds a hint that says how to fix the query.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Attaches the query text so that `Display` can point at the offending column.
    pub fn with_source(mut self, text: &str) -> Self {
        if self.source.is_none() {
            self.source = Some(text.to_string());
        }
        self
    }

    pub(crate) fn syn(span: Span, message: impl Into<String>) -> Self {
        SearchError::new(ErrorCode::Syn, Some(span), message)
    }

    /// Wraps an execution error; `E-OVERFLOW` raised inside an aggregation keeps its class.
    pub fn engine(err: impl fmt::Display) -> Self {
        let text = err.to_string();
        // Aggregations report integer overflow through the engine; keep its class.
        if let Some(pos) = text.find("E-OVERFLOW: ") {
            return SearchError::new(ErrorCode::Overflow, None, &text[pos + 12..]);
        }
        SearchError::new(ErrorCode::Engine, None, text)
    }
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "error[{}]: {}", self.code, self.message)?;
        if let (Some(span), Some(src)) = (self.span, &self.source) {
            render_caret(f, src, span)?;
        } else if let Some(span) = self.span {
            write!(f, " (at bytes {}..{})", span.start, span.end)?;
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SearchError {}

/// Writes the query line that holds `span.start` with carets under the span.
fn render_caret(f: &mut fmt::Formatter<'_>, src: &str, span: Span) -> fmt::Result {
    let start = span.start.min(src.len());
    let line_start = src[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[start..].find('\n').map_or(src.len(), |i| start + i);
    let line_no = src[..line_start].matches('\n').count() + 1;
    let line = &src[line_start..line_end];
    let col = src[line_start..start].chars().count();
    let end = span.end.clamp(start, line_end);
    let width = src[start..end].chars().count().max(1);
    let gutter = line_no.to_string().len();
    let pad = " ".repeat(gutter + 1);
    write!(
        f,
        "\n{pad}|\n{line_no} | {line}\n{pad}| {}{}",
        " ".repeat(col),
        "^".repeat(width)
    )
}

/// The class of a [`Warning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WarningCode {
    /// `or` mixed with `and`/juxtaposition at one level.
    Prec,
    /// A path that can never resolve.
    Path,
    /// `@index={uuid | "alias"}`: the UUID is ignored.
    Index,
    /// `head`/`tail` above Scanner's 10 000 limit.
    Cap,
}

impl WarningCode {
    /// The code as printed, e.g. `W-PREC`.
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::Prec => "W-PREC",
            WarningCode::Path => "W-PATH",
            WarningCode::Index => "W-INDEX",
            WarningCode::Cap => "W-CAP",
        }
    }
}

/// A diagnostic that never changes results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The warning class.
    pub code: WarningCode,
    /// What may be surprising.
    pub message: String,
    /// Where in the query text.
    pub span: Span,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "warning[{}]: {} (at bytes {}..{})",
            self.code.as_str(),
            self.message,
            self.span.start,
            self.span.end
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_points_at_the_span_on_its_line() {
        let err = SearchError::syn(Span::new(21, 24), "expected a value, found keyword `not`")
            .with_source("* |\nwhere eventName: not")
            .with_hint("quote it: 'not'");
        let text = err.to_string();
        let expected = format!(
            "error[E-SYN]: expected a value, found keyword `not`\n  |\n2 | where eventName: not\n  | {}^^^\n  = hint: quote it: 'not'",
            " ".repeat(17)
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn overflow_keeps_its_class_through_the_engine() {
        let err = SearchError::engine("Execution error: E-OVERFLOW: sum overflows Int64");
        assert_eq!(err.code, ErrorCode::Overflow);
    }
}
