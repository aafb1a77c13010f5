//! `LIKE` without `ESCAPE`: Athena has no default escape character, so `\` is literal; DataFusion
//! treats `\` as an escape. For a literal pattern without `ESCAPE`, every `\` is doubled.

use datafusion::sql::sqlparser::ast::{Expr, Value};

/// Rewrites one expression node.
pub(crate) fn rewrite(expr: &mut Expr) {
    let (Expr::Like {
        pattern,
        escape_char: None,
        ..
    }
    | Expr::ILike {
        pattern,
        escape_char: None,
        ..
    }) = expr
    else {
        return;
    };
    if let Expr::Value(v) = pattern.as_mut()
        && let Value::SingleQuotedString(s) = &mut v.value
        && s.contains('\\')
    {
        *s = s.replace('\\', "\\\\");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rewrite::ast::parse_expr;

    fn run(sql: &str) -> String {
        let mut e = parse_expr(sql).unwrap();
        rewrite(&mut e);
        e.to_string()
    }

    #[test]
    fn doubles_backslashes_only_without_escape() {
        assert_eq!(run(r"a LIKE 'x\y%'"), r"a LIKE 'x\\y%'");
        assert_eq!(run(r"a NOT LIKE 'x\%'"), r"a NOT LIKE 'x\\%'");
        assert_eq!(run(r"a LIKE 'x\%' ESCAPE '\'"), r"a LIKE 'x\%' ESCAPE '\'");
        assert_eq!(run("a LIKE b"), "a LIKE b");
    }
}
