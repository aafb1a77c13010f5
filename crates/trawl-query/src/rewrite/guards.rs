//! Left-to-right `AND` in `WHERE` / `HAVING`, as Athena evaluates it.
//!
//! Athena stops at the first false conjunct of a row, so notebook queries guard a cast that
//! can fail with a test before it:
//! `WHERE regexp_like(ip, '^\d') AND CAST(ip AS IPADDRESS) > IPADDRESS '10.0.0.0'`.
//! DataFusion evaluates every conjunct on the whole batch, so the cast would fail on
//! `config.amazonaws.com`. This pass wraps each *fallible* sub-expression (a `CAST`, or a trawl
//! function that can fail on a row) of a conjunct in `CASE WHEN <the conjuncts before it> THEN
//! … END`, which DataFusion evaluates only for the rows the guard admits. Conjuncts without
//! fallible parts (partition filters, comparisons) are left as they are, so pruning is intact.
//! A guard that is NULL filters the row out, as false would.

use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{
    BinaryOperator, CastKind, Expr, VisitMut, VisitorMut, visit_expressions,
};

use super::ast::{p, parse_expr, simple_name};
use crate::functions::try_variant;

/// Whether the node itself can fail on a row.
fn is_fallible(e: &Expr) -> bool {
    match e {
        Expr::Cast {
            kind: CastKind::Cast | CastKind::DoubleColon,
            ..
        } => true,
        Expr::Function(f) => simple_name(f).is_some_and(|n| try_variant(&n).is_some()),
        _ => false,
    }
}

fn contains_fallible(e: &Expr) -> bool {
    visit_expressions(e, |x| {
        if is_fallible(x) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .is_break()
}

/// Splits `a AND (b AND c)` into `[a, b, c]` (also through parentheses).
fn conjuncts(e: Expr, out: &mut Vec<Expr>) {
    match e {
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => {
            conjuncts(*left, out);
            conjuncts(*right, out);
        }
        Expr::Nested(inner)
            if matches!(
                *inner,
                Expr::BinaryOp {
                    op: BinaryOperator::And,
                    ..
                }
            ) =>
        {
            conjuncts(*inner, out)
        }
        other => out.push(other),
    }
}

/// Wraps the outermost fallible nodes of an expression in `CASE WHEN guard THEN node END`.
struct Wrap {
    guard: String,
    /// Per open node: whether it is wrapped (so its fallible descendants are not).
    open: Vec<bool>,
    err: Option<String>,
}

impl VisitorMut for Wrap {
    type Break = ();

    fn pre_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        let wrap = is_fallible(e) && !self.open.contains(&true);
        self.open.push(wrap);
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, e: &mut Expr) -> ControlFlow<()> {
        if self.open.pop() == Some(true) {
            match parse_expr(&format!("CASE WHEN {} THEN {} END", self.guard, p(e))) {
                Ok(g) => *e = g,
                Err(m) => self.err = Some(m),
            }
        }
        ControlFlow::Continue(())
    }
}

/// Rewrites a `WHERE` / `HAVING` condition.
pub(crate) fn rewrite(cond: &mut Option<Expr>) -> Result<(), String> {
    let Some(e) = cond.take() else { return Ok(()) };
    let mut parts = Vec::new();
    conjuncts(e, &mut parts);
    let mut done: Vec<Expr> = Vec::with_capacity(parts.len());
    for mut c in parts {
        if !done.is_empty() && contains_fallible(&c) {
            let guard = done.iter().map(p).collect::<Vec<_>>().join(" AND ");
            let mut wrap = Wrap {
                guard: format!("({guard})"),
                open: Vec::new(),
                err: None,
            };
            let _ = VisitMut::visit(&mut c, &mut wrap);
            if let Some(m) = wrap.err {
                return Err(m);
            }
        }
        done.push(c);
    }
    let text = done.iter().map(p).collect::<Vec<_>>().join(" AND ");
    *cond = Some(parse_expr(&text)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sql: &str) -> String {
        let mut cond = Some(parse_expr(sql).unwrap());
        rewrite(&mut cond).unwrap();
        cond.unwrap().to_string()
    }

    #[test]
    fn guards_fallible_parts_with_the_conjuncts_before_them() {
        assert_eq!(
            run("regexp_like(ip, '^\\d') AND ipaddress(ip) > ipaddress('10.0.0.0')"),
            "(regexp_like(ip, '^\\d')) AND (CASE WHEN ((regexp_like(ip, '^\\d'))) THEN (ipaddress(ip)) END > CASE WHEN ((regexp_like(ip, '^\\d'))) THEN (ipaddress('10.0.0.0')) END)"
        );
    }

    #[test]
    fn leaves_safe_conditions_alone() {
        assert_eq!(
            run("a = 1 AND (b = 2 AND c LIKE 'x%')"),
            "(a = 1) AND (b = 2) AND (c LIKE 'x%')"
        );
        assert_eq!(
            run("CAST(a AS INT) = 1 AND b = 2"),
            "(CAST(a AS INT) = 1) AND (b = 2)"
        );
    }
}
