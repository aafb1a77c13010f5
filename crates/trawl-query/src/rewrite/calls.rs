//! Athena calls that are syntax sugar over DataFusion expressions.
//!
//! | Athena | becomes |
//! |---|---|
//! | `if(c, a[, b])` | `CASE WHEN c THEN a ELSE b END` (`b` defaults to NULL) |
//! | `date(x)` | `CAST(x AS DATE)` |
//! | `hour(x)`, `minute`, `second`, `day`, `day_of_month`, `month`, `quarter`, `year`, `week`, `week_of_year`, `day_of_year`, `doy`, `year_of_week`, `yow` | `CAST(date_part('<field>', x) AS BIGINT)` |
//! | `day_of_week(x)`, `dow(x)` | `CAST(date_part('isodow', x) AS BIGINT)`: 1 = Monday … 7 = Sunday |
//! | `CAST(x AS IPADDRESS)` / `TRY_CAST(x AS IPADDRESS)` | `ipaddress(x)` / its NULL-on-error variant |
//! | `try(e)` | `e` with every cast made a `TRY_CAST`, every fallible trawl function replaced by its NULL-on-error variant and every divisor `d` by `nullif(d, 0)` |
//!
//! `try` covers the failures Athena's `try` documents (invalid casts and function arguments,
//! division by zero); an error raised by a DataFusion built-in function inside `try` still
//! fails the query.

use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{
    BinaryOperator, CastKind, DataType as SqlType, Expr, ObjectNamePart, visit_expressions_mut,
};

use super::ast::{is_bare, p, parse_expr, plain_args, rename, simple_name};
use crate::functions::try_variant;

/// Field extractors: Athena name → `date_part` field.
const FIELDS: &[(&str, &str)] = &[
    ("hour", "hour"),
    ("minute", "minute"),
    ("second", "second"),
    ("day", "day"),
    ("day_of_month", "day"),
    ("month", "month"),
    ("quarter", "quarter"),
    ("year", "year"),
    ("week", "week"),
    ("week_of_year", "week"),
    ("day_of_week", "isodow"),
    ("dow", "isodow"),
    ("day_of_year", "doy"),
    ("doy", "doy"),
    ("year_of_week", "isoyear"),
    ("yow", "isoyear"),
];

/// Rewrites one expression node (its children are already rewritten).
pub(crate) fn rewrite(expr: &mut Expr) -> Result<(), String> {
    match expr {
        Expr::Cast {
            kind,
            expr: inner,
            data_type,
            ..
        } if is_ipaddress(data_type) => {
            let name = match kind {
                CastKind::Cast => "ipaddress".to_string(),
                _ => try_variant("ipaddress").unwrap_or_else(|| "ipaddress".into()),
            };
            *expr = parse_expr(&format!("{name}({})", p(inner)))?;
        }
        Expr::Function(f) => {
            let Some(name) = simple_name(f) else {
                return Ok(());
            };
            let replacement = match name.as_str() {
                "if" => {
                    let args =
                        checked_args(f, "if", 2..=3, "if(condition, true_value[, false_value])")?;
                    let otherwise = args.get(2).map_or("NULL".to_string(), |e| p(e));
                    Some(format!(
                        "CASE WHEN {} THEN {} ELSE {otherwise} END",
                        p(args[0]),
                        p(args[1])
                    ))
                }
                "date" if plain_args(f).is_some_and(|a| a.len() == 1) && is_bare(f) => Some(
                    format!("CAST({} AS DATE)", p(plain_args(f).unwrap_or_default()[0])),
                ),
                "try" => {
                    let args = checked_args(f, "try", 1..=1, "try(expression)")?;
                    let mut inner = args[0].clone();
                    make_try(&mut inner);
                    *expr = inner;
                    return Ok(());
                }
                other => FIELDS
                    .iter()
                    .find(|(n, _)| *n == other)
                    .and_then(|(_, field)| {
                        let args = plain_args(f).filter(|a| a.len() == 1 && is_bare(f))?;
                        Some(format!(
                            "CAST(date_part('{field}', {}) AS BIGINT)",
                            p(args[0])
                        ))
                    }),
            };
            if let Some(sql) = replacement {
                *expr = parse_expr(&sql)?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn is_ipaddress(t: &SqlType) -> bool {
    match t {
        SqlType::Custom(name, args) if args.is_empty() => matches!(
            name.0.as_slice(),
            [ObjectNamePart::Identifier(id)] if id.value.eq_ignore_ascii_case("ipaddress")
        ),
        _ => false,
    }
}

fn checked_args<'a>(
    f: &'a datafusion::sql::sqlparser::ast::Function,
    name: &str,
    arity: std::ops::RangeInclusive<usize>,
    usage: &str,
) -> Result<Vec<&'a Expr>, String> {
    match plain_args(f) {
        Some(a) if arity.contains(&a.len()) && is_bare(f) => Ok(a),
        _ => Err(format!("{name}: wrong arguments in `{f}`; usage: {usage}")),
    }
}

/// Makes an expression NULL-on-error, as Athena's `try(...)`.
pub(crate) fn make_try(expr: &mut Expr) {
    let _ = visit_expressions_mut(expr, |e| {
        match e {
            Expr::Cast { kind, .. } if *kind == CastKind::Cast => *kind = CastKind::TryCast,
            Expr::Function(f) => {
                if let Some(t) = simple_name(f).and_then(|n| try_variant(&n)) {
                    rename(f, &t);
                }
            }
            Expr::BinaryOp {
                op: BinaryOperator::Divide | BinaryOperator::Modulo,
                right,
                ..
            } => {
                if let Ok(guarded) = parse_expr(&format!("nullif({}, 0)", p(right))) {
                    **right = guarded;
                }
            }
            _ => {}
        }
        ControlFlow::<()>::Continue(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sql: &str) -> Result<String, String> {
        let mut e = parse_expr(sql).unwrap();
        let mut err = None;
        let _ = visit_expressions_mut(&mut e, |x| {
            if let Err(m) = rewrite(x) {
                err = Some(m);
            }
            ControlFlow::<()>::Continue(())
        });
        err.map_or(Ok(e.to_string()), Err)
    }

    #[test]
    fn if_becomes_case() {
        assert_eq!(
            run("if(a > 1, 'x')").unwrap(),
            "CASE WHEN (a > 1) THEN ('x') ELSE NULL END"
        );
        assert_eq!(
            run("if(a, 1, 2)").unwrap(),
            "CASE WHEN (a) THEN (1) ELSE (2) END"
        );
        assert!(run("if(a)").unwrap_err().contains("usage"));
    }

    #[test]
    fn field_extractors_and_date() {
        assert_eq!(
            run("day_of_week(ts)").unwrap(),
            "CAST(date_part('isodow', (ts)) AS BIGINT)"
        );
        assert_eq!(
            run("hour(ts)").unwrap(),
            "CAST(date_part('hour', (ts)) AS BIGINT)"
        );
        assert_eq!(run("date(x)").unwrap(), "CAST((x) AS DATE)");
        // A column named like a function is untouched.
        assert_eq!(run("day").unwrap(), "day");
    }

    #[test]
    fn ipaddress_casts() {
        assert_eq!(run("CAST(s AS IPADDRESS)").unwrap(), "ipaddress((s))");
        assert_eq!(
            run("TRY_CAST(s AS ipaddress)").unwrap(),
            "__try_ipaddress((s))"
        );
    }

    #[test]
    fn try_guards_casts_functions_and_division() {
        assert_eq!(
            run("try(CAST(x AS BIGINT))").unwrap(),
            "TRY_CAST(x AS BIGINT)"
        );
        assert_eq!(run("try(json_parse(x))").unwrap(), "__try_json_parse(x)");
        assert_eq!(run("try(a / b)").unwrap(), "a / nullif((b), 0)");
        assert_eq!(run("try(upper(x))").unwrap(), "upper(x)");
    }
}
