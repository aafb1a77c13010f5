//! Small helpers the AST passes share: reading a function call, and building replacement
//! expressions from SQL templates (the arguments are printed with sqlparser's `Display`, which
//! round-trips, and the result is parsed back with the Generic dialect).

use datafusion::sql::sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Ident, ObjectName,
    ObjectNamePart,
};
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::parser::Parser;

/// The lower-case name of a function when it is a single, unqualified identifier.
pub(crate) fn simple_name(f: &Function) -> Option<String> {
    match f.name.0.as_slice() {
        [ObjectNamePart::Identifier(id)] => Some(id.value.to_ascii_lowercase()),
        _ => None,
    }
}

/// The arguments of a call when they are all plain, unnamed expressions (no `DISTINCT`,
/// `ORDER BY` or other clauses); `None` otherwise.
pub(crate) fn plain_args(f: &Function) -> Option<Vec<&Expr>> {
    match &f.args {
        FunctionArguments::None => Some(vec![]),
        FunctionArguments::List(list)
            if list.duplicate_treatment.is_none() && list.clauses.is_empty() =>
        {
            list.args
                .iter()
                .map(|a| match a {
                    FunctionArg::Unnamed(FunctionArgExpr::Expr(e)) => Some(e),
                    _ => None,
                })
                .collect()
        }
        _ => None,
    }
}

/// Whether the call has no `OVER`, `FILTER`, `WITHIN GROUP` or null treatment.
pub(crate) fn is_bare(f: &Function) -> bool {
    f.over.is_none()
        && f.filter.is_none()
        && f.within_group.is_empty()
        && f.null_treatment.is_none()
}

/// Replaces the function's name (keeping its arguments and clauses).
pub(crate) fn rename(f: &mut Function, name: &str) {
    f.name = ObjectName(vec![ObjectNamePart::Identifier(Ident::new(name))]);
}

/// Parses one expression of a template.
pub(crate) fn parse_expr(sql: &str) -> Result<Expr, String> {
    Parser::new(&GenericDialect {})
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_expr())
        .map_err(|e| format!("internal rewrite produced invalid SQL `{sql}`: {e}"))
}

/// `(expr)` as text, parenthesised so it can be spliced into any template position.
pub(crate) fn p(e: &Expr) -> String {
    format!("({e})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_calls() {
        let Expr::Function(f) = parse_expr("Foo(a, b + 1)").unwrap() else {
            panic!()
        };
        assert_eq!(simple_name(&f).as_deref(), Some("foo"));
        assert_eq!(plain_args(&f).unwrap().len(), 2);
        assert!(is_bare(&f));
        let Expr::Function(f) = parse_expr("count(DISTINCT a)").unwrap() else {
            panic!()
        };
        assert!(plain_args(&f).is_none());
        let Expr::Function(f) = parse_expr("s.f(a)").unwrap() else {
            panic!()
        };
        assert!(simple_name(&f).is_none());
    }

    #[test]
    fn templates_round_trip() {
        let e = parse_expr("a || 'x''y'").unwrap();
        let again = parse_expr(&format!("upper({})", p(&e))).unwrap();
        assert_eq!(again.to_string(), "upper((a || 'x''y'))");
        assert!(parse_expr("(").is_err());
    }
}
