//! `CROSS JOIN UNNEST(array) AS t(x)` over a column of the left table.
//!
//! DataFusion plans the lateral form but fails at execution, while `unnest(...)` in a
//! projection works (and, like Athena, drops rows whose array is empty or NULL). So
//!
//! ```sql
//! FROM cloudtrail c CROSS JOIN UNNEST(c.resources) WITH ORDINALITY AS t(r, n)
//! ```
//!
//! becomes
//!
//! ```sql
//! FROM (SELECT c.*, unnest(c.resources) AS r,
//!              unnest(range(1, CAST(cardinality(c.resources) AS BIGINT) + 1)) AS n
//!       FROM cloudtrail c) AS c
//! ```
//!
//! and every `t.…` reference in the query is re-qualified to `c.…`. Also handled: the comma
//! form (`FROM cloudtrail, UNNEST(...) AS t(r)`), several arrays zipped (`UNNEST(a, b) AS
//! t(x, y)`, the shorter padded with NULL), chains of UNNEST joins, and Athena's per-field form
//! for an array of rows of the lake (`UNNEST(resources) AS t(arn, accountid, type)`), whose
//! fields are taken positionally from the lake schema. `LEFT JOIN UNNEST` and an UNNEST after a
//! regular join are reported as unsupported.

use std::collections::HashMap;
use std::ops::ControlFlow;

use datafusion::arrow::datatypes::DataType;
use datafusion::sql::sqlparser::ast::{
    Expr, Ident, JoinOperator, Query, SetExpr, Statement, TableFactor, TableWithJoins,
    visit_expressions_mut,
};
use datafusion::sql::sqlparser::dialect::GenericDialect;
use datafusion::sql::sqlparser::parser::Parser;

use super::ast::p;

/// Rewrites the UNNEST joins of one query (its own SELECTs, not nested queries).
pub(crate) fn rewrite(q: &mut Query) -> Result<(), String> {
    let mut renames = HashMap::new();
    rewrite_set(&mut q.body, &mut renames)?;
    if renames.is_empty() {
        return Ok(());
    }
    let _ = visit_expressions_mut(q, |e| {
        if let Expr::CompoundIdentifier(parts) = e
            && let Some(to) = parts.first().and_then(|f| renames.get(&f.value))
        {
            parts[0] = Ident::with_quote('"', to);
        }
        ControlFlow::<()>::Continue(())
    });
    Ok(())
}

fn rewrite_set(body: &mut SetExpr, renames: &mut HashMap<String, String>) -> Result<(), String> {
    match body {
        SetExpr::Select(select) => {
            // Comma form: `FROM x, UNNEST(...)` joins the UNNEST to the item before it.
            let mut i = 1;
            while i < select.from.len() {
                if matches!(select.from[i].relation, TableFactor::UNNEST { .. })
                    && select.from[i].joins.is_empty()
                {
                    let item = select.from.remove(i);
                    select.from[i - 1]
                        .joins
                        .push(datafusion::sql::sqlparser::ast::Join {
                            relation: item.relation,
                            global: false,
                            join_operator: JoinOperator::CrossJoin(
                                datafusion::sql::sqlparser::ast::JoinConstraint::None,
                            ),
                        });
                } else {
                    i += 1;
                }
            }
            for twj in &mut select.from {
                fold_joins(twj, renames)?;
            }
            Ok(())
        }
        SetExpr::SetOperation { left, right, .. } => {
            rewrite_set(left, renames)?;
            rewrite_set(right, renames)
        }
        _ => Ok(()),
    }
}

fn is_unnest_join(op: &JoinOperator) -> Option<Result<(), String>> {
    match op {
        JoinOperator::CrossJoin(_) => Some(Ok(())),
        JoinOperator::Join(_) | JoinOperator::Inner(_) => Some(Ok(())),
        JoinOperator::Left(_) | JoinOperator::LeftOuter(_) => Some(Err(
            "LEFT JOIN UNNEST(...) is not supported; use CROSS JOIN UNNEST(...) (rows with an empty or NULL array are then dropped)".into(),
        )),
        _ => Some(Err("this kind of join with UNNEST(...) is not supported; use CROSS JOIN UNNEST(...)".into())),
    }
}

fn fold_joins(
    twj: &mut TableWithJoins,
    renames: &mut HashMap<String, String>,
) -> Result<(), String> {
    let mut seen_plain_join = false;
    let mut i = 0;
    while i < twj.joins.len() {
        if !matches!(twj.joins[i].relation, TableFactor::UNNEST { .. }) {
            seen_plain_join = true;
            i += 1;
            continue;
        }
        if let Some(Err(e)) = is_unnest_join(&twj.joins[i].join_operator) {
            return Err(e);
        }
        if seen_plain_join || i != 0 {
            return Err(
                "UNNEST(...) is supported right after a single table (FROM t CROSS JOIN UNNEST(t.col) AS u(x)); put the UNNEST before other joins or in a subquery".into(),
            );
        }
        let join = twj.joins.remove(0);
        let left_name = left_alias(&twj.relation)?;
        let (new_left, alias) = fold(&twj.relation, &left_name, &join.relation)?;
        twj.relation = new_left;
        if let Some(alias) = alias {
            renames.insert(alias, left_name);
        }
    }
    Ok(())
}

/// The name the left relation's columns are qualified with.
fn left_alias(f: &TableFactor) -> Result<String, String> {
    match f {
        TableFactor::Table { alias: Some(a), .. } | TableFactor::Derived { alias: Some(a), .. } => {
            Ok(a.name.value.clone())
        }
        TableFactor::Table { name, .. } => name
            .0
            .last()
            .and_then(|p| p.as_ident())
            .map(|i| i.value.clone())
            .ok_or_else(|| "cannot UNNEST against this table reference".into()),
        _ => Err("UNNEST(...) must follow a table or an aliased subquery".into()),
    }
}

/// Field names of an array-of-rows column of the lake, for the per-field alias form.
fn row_fields(e: &Expr) -> Option<Vec<String>> {
    let name = match e {
        Expr::Identifier(i) => &i.value,
        Expr::CompoundIdentifier(parts) => &parts.last()?.value,
        _ => return None,
    };
    let schema = trawl_schema::lake_schema();
    match schema.field_with_name(name).ok()?.data_type() {
        DataType::List(item) => match item.data_type() {
            DataType::Struct(fields) => Some(fields.iter().map(|f| f.name().clone()).collect()),
            _ => None,
        },
        _ => None,
    }
}

fn q(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Builds the derived table replacing `left CROSS JOIN UNNEST(...)`; returns it and the UNNEST's
/// alias name (to re-qualify).
fn fold(
    left: &TableFactor,
    l: &str,
    unnest: &TableFactor,
) -> Result<(TableFactor, Option<String>), String> {
    let TableFactor::UNNEST {
        alias,
        array_exprs,
        with_offset,
        with_ordinality,
        ..
    } = unnest
    else {
        return Err("expected UNNEST".into());
    };
    if *with_offset {
        return Err("UNNEST … WITH OFFSET is not supported; use WITH ORDINALITY".into());
    }
    let alias = alias.as_ref().filter(|a| !a.columns.is_empty()).ok_or(
        "UNNEST(...) needs a table alias with column names, e.g. CROSS JOIN UNNEST(resources) AS t(r)",
    )?;
    let cols: Vec<&str> = alias
        .columns
        .iter()
        .map(|c| c.name.value.as_str())
        .collect();
    let n_values = cols.len() - usize::from(*with_ordinality);
    let mut items = vec![format!("{}.*", q(l))];
    if array_exprs.len() == 1 && n_values > 1 {
        // Per-field form: one column per field of an array of rows.
        let fields = row_fields(&array_exprs[0]).ok_or_else(|| {
            format!(
                "UNNEST({}) AS {}({}): naming each field is supported for arrays of rows of the lake (resources); otherwise use one alias, e.g. AS t(r), then t.r.field",
                array_exprs[0], alias.name, cols.join(", ")
            )
        })?;
        if fields.len() != n_values {
            return Err(format!(
                "UNNEST({}) yields rows with {} fields ({}), but the alias names {}",
                array_exprs[0],
                fields.len(),
                fields.join(", "),
                n_values
            ));
        }
        for (f, c) in fields.iter().zip(&cols) {
            items.push(format!(
                "get_field(unnest({}), '{f}') AS {}",
                p(&array_exprs[0]),
                q(c)
            ));
        }
    } else if array_exprs.len() == n_values {
        for (e, c) in array_exprs.iter().zip(&cols) {
            items.push(format!("unnest({}) AS {}", p(e), q(c)));
        }
    } else {
        return Err(format!(
            "UNNEST of {} array(s) needs {} column alias(es){}, got {}",
            array_exprs.len(),
            array_exprs.len() + usize::from(*with_ordinality),
            if *with_ordinality {
                " (the last one for the ordinality)"
            } else {
                ""
            },
            cols.len()
        ));
    }
    if *with_ordinality {
        let longest = array_exprs
            .iter()
            .map(|e| format!("CAST(cardinality({}) AS BIGINT)", p(e)))
            .collect::<Vec<_>>();
        let n = if longest.len() == 1 {
            longest[0].clone()
        } else {
            format!("greatest({})", longest.join(", "))
        };
        items.push(format!(
            "unnest(range(1, {n} + 1)) AS {}",
            q(cols[cols.len() - 1])
        ));
    }
    let sql = format!(
        "SELECT * FROM (SELECT {} FROM {left}) AS {}",
        items.join(", "),
        q(l)
    );
    let mut stmts = Parser::parse_sql(&GenericDialect {}, &sql)
        .map_err(|e| format!("internal UNNEST rewrite failed: {e}"))?;
    match stmts.pop() {
        Some(Statement::Query(mut query)) => match *query.body {
            SetExpr::Select(ref mut s) if s.from.len() == 1 => {
                Ok((s.from.remove(0).relation, Some(alias.name.value.clone())))
            }
            _ => Err("internal UNNEST rewrite failed".into()),
        },
        _ => Err("internal UNNEST rewrite failed".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sql: &str) -> Result<String, String> {
        let mut stmts = Parser::parse_sql(&GenericDialect {}, sql).unwrap();
        let Statement::Query(query) = &mut stmts[0] else {
            panic!()
        };
        rewrite(query)?;
        Ok(query.to_string())
    }

    #[test]
    fn cross_join_unnest_becomes_a_projection() {
        assert_eq!(
            run("SELECT t.r.arn FROM cloudtrail CROSS JOIN UNNEST(resources) AS t(r) ORDER BY t.r.arn").unwrap(),
            r#"SELECT "cloudtrail".r.arn FROM (SELECT "cloudtrail".*, unnest((resources)) AS "r" FROM cloudtrail) AS "cloudtrail" ORDER BY "cloudtrail".r.arn"#
        );
    }

    #[test]
    fn ordinality_comma_form_and_fields() {
        let out =
            run("SELECT x, n FROM cloudtrail c, UNNEST(c.resources) WITH ORDINALITY AS u(x, n)")
                .unwrap();
        assert!(
            out.contains(
                r#"unnest(range(1, CAST(cardinality((c.resources)) AS BIGINT) + 1)) AS "n""#
            ),
            "{out}"
        );
        let out = run(
            "SELECT arn FROM cloudtrail CROSS JOIN UNNEST(resources) AS t(arn, accountid, type)",
        )
        .unwrap();
        assert!(
            out.contains(r#"get_field(unnest((resources)), 'accountid') AS "accountid""#),
            "{out}"
        );
    }

    #[test]
    fn unsupported_forms_are_explained() {
        assert!(
            run("SELECT 1 FROM a LEFT JOIN UNNEST(a.x) AS t(y) ON TRUE")
                .unwrap_err()
                .contains("LEFT JOIN")
        );
        assert!(
            run("SELECT 1 FROM a CROSS JOIN UNNEST(a.x) AS t")
                .unwrap_err()
                .contains("column names")
        );
        assert!(
            run("SELECT 1 FROM a JOIN b ON a.i = b.i CROSS JOIN UNNEST(b.x) AS t(y)")
                .unwrap_err()
                .contains("single table")
        );
        assert!(
            run("SELECT 1 FROM a CROSS JOIN UNNEST(a.x) AS t(p, q)")
                .unwrap_err()
                .contains("resources")
        );
        // A standalone UNNEST of a literal is DataFusion's business.
        assert!(run("SELECT * FROM UNNEST(ARRAY[1, 2]) AS t(x)").is_ok());
    }
}
