//! `FETCH FIRST n ROWS ONLY` (DataFusion: "FETCH clause is not supported yet") → `LIMIT n`,
//! keeping any `OFFSET`. `WITH TIES` and `PERCENT` are reported as unsupported.

use datafusion::sql::sqlparser::ast::{Expr, LimitClause, Query, Value};

/// Rewrites one query's `FETCH` clause.
pub(crate) fn rewrite(q: &mut Query) -> Result<(), String> {
    let Some(fetch) = q.fetch.take() else {
        return Ok(());
    };
    if fetch.with_ties || fetch.percent {
        return Err("FETCH FIRST … WITH TIES / PERCENT is not supported; use LIMIT n".into());
    }
    let n = fetch
        .quantity
        .unwrap_or_else(|| Expr::value(Value::Number("1".into(), false)));
    q.limit_clause = Some(match q.limit_clause.take() {
        Some(LimitClause::LimitOffset {
            limit: None,
            offset,
            limit_by,
        }) => LimitClause::LimitOffset {
            limit: Some(n),
            offset,
            limit_by,
        },
        None => LimitClause::LimitOffset {
            limit: Some(n),
            offset: None,
            limit_by: vec![],
        },
        Some(_) => return Err("a query cannot have both LIMIT and FETCH FIRST".into()),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::sql::sqlparser::ast::Statement;
    use datafusion::sql::sqlparser::dialect::GenericDialect;
    use datafusion::sql::sqlparser::parser::Parser;

    fn run(sql: &str) -> Result<String, String> {
        let mut stmts = Parser::parse_sql(&GenericDialect {}, sql).unwrap();
        let Statement::Query(q) = &mut stmts[0] else {
            panic!()
        };
        rewrite(q)?;
        Ok(q.to_string())
    }

    #[test]
    fn fetch_becomes_limit() {
        assert_eq!(
            run("SELECT a FROM t FETCH FIRST 5 ROWS ONLY").unwrap(),
            "SELECT a FROM t LIMIT 5"
        );
        assert_eq!(
            run("SELECT a FROM t FETCH NEXT ROW ONLY").unwrap(),
            "SELECT a FROM t LIMIT 1"
        );
        assert_eq!(
            run("SELECT a FROM t OFFSET 2 ROWS FETCH FIRST 5 ROWS ONLY").unwrap(),
            "SELECT a FROM t LIMIT 5 OFFSET 2 ROWS"
        );
        assert!(run("SELECT a FROM t FETCH FIRST 5 ROWS WITH TIES").is_err());
    }
}
