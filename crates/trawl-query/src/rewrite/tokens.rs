//! Token-level passes, run before parsing (sqlparser's Generic dialect tokenizer).
//!
//! - **Identifiers** (Athena resolves names without regard to case, quoted or not): the value of
//!   every word token is lower-cased, keeping its quote style, so `"eventName"`,
//!   `useridentity."userName"`, `"Security_Analysis"."CloudTrail"`, aliases, CTE names and
//!   `AS t(x, y)` lists all match the lower-case lake. Doing this on tokens reaches every
//!   identifier position at once; string literals are separate tokens and are never touched
//!   (JSONPath, `LIKE` patterns, map keys and format strings stay case-sensitive).
//! - **Typed literals the parser rejects**: `IPADDRESS '10.0.0.1'` → `ipaddress('10.0.0.1')`,
//!   `JSON '{…}'` → `json_parse('{…}')`.
//! - **Parameters**: `?` → `$1`, `$2`, … in order of appearance; `:name` → `$name`.
//! - **Statements**: the token stream is split at top-level `;`; empty statements are dropped.

use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer, Word};

/// One statement's tokens, ready for the parser.
pub(crate) type StatementTokens = Vec<TokenWithSpan>;

/// Tokenizes `sql`, applies the token passes and splits it into statements.
pub(crate) fn prepare(sql: &str) -> Result<Vec<StatementTokens>, String> {
    let tokens = Tokenizer::new(&GenericDialect {}, sql)
        .tokenize_with_location()
        .map_err(|e| format!("SQL syntax error: {e}"))?;
    let tokens = rewrite(tokens);
    let mut out = Vec::new();
    let mut cur: StatementTokens = Vec::new();
    for t in tokens {
        if t.token == Token::SemiColon {
            push_statement(&mut out, std::mem::take(&mut cur));
        } else {
            cur.push(t);
        }
    }
    push_statement(&mut out, cur);
    Ok(out)
}

fn push_statement(out: &mut Vec<StatementTokens>, stmt: StatementTokens) {
    if stmt
        .iter()
        .any(|t| !matches!(t.token, Token::Whitespace(_)))
    {
        out.push(stmt);
    }
}

/// The significant (non-whitespace) words at the start of a statement, lower-case.
pub(crate) fn leading_words(stmt: &[TokenWithSpan], n: usize) -> Vec<String> {
    stmt.iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .take(n)
        .map(|t| match &t.token {
            Token::Word(w) => w.value.to_ascii_lowercase(),
            other => other.to_string(),
        })
        .collect()
}

fn is_ws(t: &Token) -> bool {
    matches!(t, Token::Whitespace(_))
}

/// Whether the token can end an operand (so a following `:` is not a parameter marker).
fn ends_operand(t: &Token) -> bool {
    match t {
        Token::Number(_, _) | Token::RParen | Token::RBracket | Token::SingleQuotedString(_) => {
            true
        }
        Token::Word(w) => w.keyword == Keyword::NoKeyword || w.quote_style.is_some(),
        _ => false,
    }
}

fn rewrite(tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let mut out: Vec<TokenWithSpan> = Vec::with_capacity(tokens.len());
    let mut question_marks = 0usize;
    let mut iter = tokens.into_iter().peekable();
    while let Some(mut t) = iter.next() {
        match &mut t.token {
            Token::Word(w) => {
                w.value = w.value.to_lowercase();
                let literal_fn = match (w.quote_style, w.value.as_str()) {
                    (None, "ipaddress") => Some("ipaddress"),
                    (None, "json") => Some("json_parse"),
                    _ => None,
                };
                if let Some(func) = literal_fn {
                    // Look past whitespace for a string literal.
                    let mut ws = Vec::new();
                    while iter.peek().is_some_and(|n| is_ws(&n.token)) {
                        ws.extend(iter.next());
                    }
                    if let Some(lit) =
                        iter.next_if(|n| matches!(n.token, Token::SingleQuotedString(_)))
                    {
                        let span = t.span;
                        let mk = |token| TokenWithSpan { token, span };
                        out.push(mk(Token::Word(Word {
                            value: func.to_string(),
                            quote_style: None,
                            keyword: Keyword::NoKeyword,
                        })));
                        out.push(mk(Token::LParen));
                        out.push(lit);
                        out.push(mk(Token::RParen));
                        continue;
                    }
                    out.push(t);
                    out.extend(ws);
                    continue;
                }
            }
            Token::Placeholder(p) if p.starts_with('?') => {
                if p.len() == 1 {
                    question_marks += 1;
                    *p = format!("${question_marks}");
                } else {
                    *p = format!("${}", &p[1..]);
                }
            }
            Token::Colon => {
                let prev = out
                    .iter()
                    .rev()
                    .find(|t| !is_ws(&t.token))
                    .map(|t| &t.token);
                let name = match iter.peek().map(|n| &n.token) {
                    Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.value.to_lowercase()),
                    _ => None,
                };
                if let (Some(name), false) = (name, prev.is_some_and(ends_operand)) {
                    iter.next();
                    t.token = Token::Placeholder(format!("${name}"));
                }
            }
            _ => {}
        }
        out.push(t);
    }
    out
}

/// The statement's text as the parser will see it.
#[cfg(test)]
pub(crate) fn render(stmt: &[TokenWithSpan]) -> String {
    use datafusion::sql::sqlparser::tokenizer::Whitespace;
    stmt.iter()
        .map(|t| match &t.token {
            Token::Whitespace(
                Whitespace::SingleLineComment { .. } | Whitespace::MultiLineComment(_),
            ) => " ".to_string(),
            other => other.to_string(),
        })
        .collect::<String>()
        .trim()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(sql: &str) -> String {
        let stmts = prepare(sql).unwrap();
        assert_eq!(stmts.len(), 1, "{sql}");
        render(&stmts[0])
    }

    #[test]
    fn lower_cases_identifiers_but_not_literals() {
        assert_eq!(
            one(
                r#"SELECT "eventName", useridentity."userName" FROM "Security_Analysis"."CloudTrail" WHERE x LIKE '%Abc%'"#
            ),
            r#"select "eventname", useridentity."username" from "security_analysis"."cloudtrail" where x like '%Abc%'"#
        );
        assert_eq!(
            one(r#"SELECT "username with Spaces" FROM t"#),
            r#"select "username with spaces" from t"#
        );
    }

    #[test]
    fn typed_literals_become_calls() {
        assert_eq!(
            one("SELECT IPADDRESS '10.0.0.1' < ip"),
            "select ipaddress('10.0.0.1') < ip"
        );
        assert_eq!(
            one("SELECT JSON '{\"A\":1}'"),
            "select json_parse('{\"A\":1}')"
        );
        // A column that happens to be called json is left alone.
        assert_eq!(one("SELECT json FROM t"), "select json from t");
    }

    #[test]
    fn parameters_are_numbered_and_named() {
        assert_eq!(
            one("SELECT * FROM t WHERE a = ? AND b = ?"),
            "select * from t where a = $1 and b = $2"
        );
        assert_eq!(
            one("SELECT * FROM t WHERE a = :User AND b IN (:x, $3)"),
            "select * from t where a = $user and b in ($x, $3)"
        );
        // Slices and casts keep their colons.
        assert_eq!(
            one("SELECT a[1:2], b::int FROM t"),
            "select a[1:2], b::int from t"
        );
    }

    #[test]
    fn splits_statements() {
        let stmts = prepare("SELECT 1; SELECT ';' ;; -- trailing\n").unwrap();
        assert_eq!(stmts.len(), 2);
        assert_eq!(render(&stmts[1]), "select ';'");
        assert_eq!(leading_words(&stmts[0], 2), vec!["select", "1"]);
        assert!(prepare("SELECT 'unterminated").is_err());
    }
}
