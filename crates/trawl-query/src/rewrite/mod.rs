//! The Athena compatibility layer over SQL text and the sqlparser AST, run before planning.
//!
//! Pipeline, per request:
//! 1. [`substitute_notebook_placeholders`] (called by whoever has a database name to insert);
//! 2. token passes ([`tokens`]): identifiers lower-cased, `IPADDRESS '…'` / `JSON '…'`
//!    literals, `?` / `:name` parameters, statements split at `;`;
//! 3. statement check ([`crate::statements`]): Athena table-management gets an answer;
//! 4. parse each statement with DataFusion's parser (Generic dialect);
//! 5. AST passes (sqlparser `VisitorMut`): [`fetch`], [`unnest`] and [`path`] per query;
//!    [`like`], [`calls`] and [`aggregates`] per expression; [`guards`] per `WHERE` / `HAVING`;
//!    an output-name pass that keeps a rewritten select item named as written (`count_if(x)`
//!    rather than the expression it became).

pub(crate) mod aggregates;
pub(crate) mod ast;
pub(crate) mod calls;
pub(crate) mod fetch;
pub(crate) mod guards;
pub(crate) mod like;
pub(crate) mod path;
pub(crate) mod tokens;
pub(crate) mod unnest;

use std::ops::ControlFlow;

use datafusion::common::{DataFusionError, Result};
use datafusion::sql::parser::{CopyToSource, DFParserBuilder, Statement as DFStatement};
use datafusion::sql::sqlparser::ast::{
    Expr, Ident, Query, Select, SelectItem, VisitMut, VisitorMut,
};
use datafusion::sql::sqlparser::dialect::GenericDialect;

/// Replaces the notebook placeholder `{db_name}` (Python f-string formatting left in published
/// notebook SQL, e.g. `"{db_name}"."cloudtrail"`) with `db_name`.
pub fn substitute_notebook_placeholders(sql: &str, db_name: &str) -> String {
    sql.replace("{db_name}", db_name)
}

/// One statement after the compatibility layer.
#[derive(Debug)]
pub(crate) struct Prepared {
    /// The statement, ready for `SessionState::statement_to_plan`.
    pub statement: DFStatement,
}

/// Runs the token passes, the statement check, the parser and the AST passes.
pub(crate) fn prepare(sql: &str, read_only: bool, recursion_limit: usize) -> Result<Vec<Prepared>> {
    let statements = tokens::prepare(sql).map_err(|e| {
        DataFusionError::SQL(
            Box::new(datafusion::sql::sqlparser::parser::ParserError::ParserError(e)),
            None,
        )
    })?;
    let mut out = Vec::with_capacity(statements.len());
    for toks in statements {
        crate::statements::check(&tokens::leading_words(&toks, 64), read_only)?;
        let mut parsed = DFParserBuilder::new(toks)
            .with_dialect(&GenericDialect {})
            .with_recursion_limit(recursion_limit)
            .build()?
            .parse_statements()?;
        let (Some(mut statement), None) = (parsed.pop_front(), parsed.pop_front()) else {
            return Err(DataFusionError::Plan(
                "expected exactly one statement between semicolons".into(),
            ));
        };
        apply_passes(&mut statement)?;
        out.push(Prepared { statement });
    }
    Ok(out)
}

/// Returns the SQL each statement of `sql` becomes after the compatibility layer (what
/// DataFusion plans); useful to see what a notebook query turns into.
pub fn rewrite_sql(sql: &str) -> Result<Vec<String>> {
    Ok(prepare(sql, true, 50)?
        .into_iter()
        .map(|p| p.statement.to_string())
        .collect())
}

fn apply_passes(stmt: &mut DFStatement) -> Result<()> {
    match stmt {
        DFStatement::Statement(s) => run_pass(s.as_mut()),
        DFStatement::Explain(e) => apply_passes(&mut e.statement),
        DFStatement::CopyTo(c) => match &mut c.source {
            CopyToSource::Query(q) => run_pass(q.as_mut()),
            CopyToSource::Relation(_) => Ok(()),
        },
        DFStatement::CreateExternalTable(_) | DFStatement::Reset(_) => Ok(()),
    }
}

fn run_pass<V: VisitMut + datafusion::sql::sqlparser::ast::Visit>(node: &mut V) -> Result<()> {
    if path::mentions_path(node) {
        path::redirect(node);
    }
    let mut pass = AthenaPass { names: Vec::new() };
    match VisitMut::visit(node, &mut pass) {
        ControlFlow::Continue(()) => Ok(()),
        ControlFlow::Break(msg) => Err(DataFusionError::Plan(msg)),
    }
}

/// The query- and expression-level passes.
struct AthenaPass {
    /// Per open SELECT: the text of each unnamed select item before rewriting.
    names: Vec<Vec<Option<String>>>,
}

impl VisitorMut for AthenaPass {
    type Break = String;

    fn pre_visit_query(&mut self, q: &mut Query) -> ControlFlow<String> {
        let r = fetch::rewrite(q).and_then(|()| unnest::rewrite(q));
        r.map_or_else(ControlFlow::Break, ControlFlow::Continue)
    }

    fn pre_visit_select(&mut self, s: &mut Select) -> ControlFlow<String> {
        self.names.push(
            s.projection
                .iter()
                .map(|item| match item {
                    SelectItem::UnnamedExpr(e)
                        if !matches!(e, Expr::Identifier(_) | Expr::CompoundIdentifier(_)) =>
                    {
                        Some(e.to_string())
                    }
                    _ => None,
                })
                .collect(),
        );
        ControlFlow::Continue(())
    }

    fn post_visit_select(&mut self, s: &mut Select) -> ControlFlow<String> {
        if let Err(m) =
            guards::rewrite(&mut s.selection).and_then(|()| guards::rewrite(&mut s.having))
        {
            return ControlFlow::Break(m);
        }
        let before = self.names.pop().unwrap_or_default();
        for (item, old) in s.projection.iter_mut().zip(before) {
            if let (SelectItem::UnnamedExpr(e), Some(old)) = (&*item, old)
                && e.to_string() != old
            {
                *item = SelectItem::ExprWithAlias {
                    expr: e.clone(),
                    alias: Ident::with_quote('"', old),
                };
            }
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<String> {
        like::rewrite(e);
        let r = calls::rewrite(e).and_then(|()| aggregates::rewrite(e));
        r.map_or_else(ControlFlow::Break, ControlFlow::Continue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(sql: &str) -> String {
        let out = rewrite_sql(sql).unwrap();
        assert_eq!(out.len(), 1);
        out.into_iter().next().unwrap_or_default()
    }

    #[test]
    fn placeholders_are_substituted() {
        assert_eq!(
            substitute_notebook_placeholders(
                r#"SELECT * FROM "{db_name}"."cloudtrail""#,
                "security_analysis"
            ),
            r#"SELECT * FROM "security_analysis"."cloudtrail""#
        );
    }

    #[test]
    fn the_whole_pipeline_composes() {
        assert_eq!(
            one(
                r#"SELECT count_if("errorCode" IS NOT NULL), If(x, 1) AS y FROM "CloudTrail" FETCH FIRST 3 ROWS ONLY"#
            ),
            r#"SELECT count(CASE WHEN ("errorcode" IS NOT NULL) THEN 1 END) AS "count_if(""errorcode"" IS NOT NULL)", CASE WHEN (x) THEN (1) ELSE NULL END AS y FROM "cloudtrail" LIMIT 3"#
        );
        assert_eq!(
            one("EXPLAIN SELECT try(date(x)) FROM t"),
            r#"EXPLAIN SELECT TRY_CAST((x) AS DATE) AS "try(date(x))" FROM t"#
        );
        assert_eq!(rewrite_sql("SELECT 1; SELECT 2;").unwrap().len(), 2);
    }

    #[test]
    fn errors_name_the_problem() {
        let e = rewrite_sql("MSCK REPAIR TABLE cloudtrail")
            .unwrap_err()
            .to_string();
        assert!(e.contains("discovers partitions"), "{e}");
        let e = rewrite_sql("SELECT if(a) FROM t").unwrap_err().to_string();
        assert!(e.contains("usage: if("), "{e}");
        assert!(rewrite_sql("SELEC 1").is_err());
    }
}
