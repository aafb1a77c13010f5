//! Athena aggregates expressed with DataFusion's.
//!
//! | Athena | becomes |
//! |---|---|
//! | `count_if(b)` | `count(CASE WHEN b THEN 1 END)` (also as a window function) |
//! | `arbitrary(x)` | `any_value(x)` (any non-NULL value) |
//! | `max_by(x, y)` / `min_by(x, y)` | `first_value(x ORDER BY y DESC/ASC NULLS LAST) FILTER (WHERE y IS NOT NULL)`: rows whose `y` is NULL are ignored |
//! | `max_by(x, y, n)` / `min_by(x, y, n)` | the first `n` of `array_agg(x ORDER BY y …)`, same filter |
//! | `approx_percentile(x, p)` | `approx_percentile_cont(CAST(p AS DOUBLE)) WITHIN GROUP (ORDER BY x)` |
//! | `approx_percentile(x, ARRAY[p1, …])` | `make_array(<one per p>)` |
//! | `approx_percentile(x, w, p)` | `approx_percentile_cont_with_weight(w, p) WITHIN GROUP (ORDER BY x)` |
//!
//! `approx_distinct` is DataFusion's own (a different sketch, so large counts may differ
//! slightly from Athena's).

use datafusion::sql::sqlparser::ast::{Expr, FunctionArg, FunctionArgExpr, FunctionArguments};

use super::ast::{is_bare, p, parse_expr, plain_args, rename, simple_name};

/// Rewrites one expression node (its children are already rewritten).
pub(crate) fn rewrite(expr: &mut Expr) -> Result<(), String> {
    let Expr::Function(f) = expr else {
        return Ok(());
    };
    let Some(name) = simple_name(f) else {
        return Ok(());
    };
    match name.as_str() {
        "count_if" => {
            let b = match plain_args(f).as_deref() {
                Some([b]) => p(b),
                _ => return Err(format!("count_if takes one boolean argument: `{f}`")),
            };
            let case = parse_expr(&format!("CASE WHEN {b} THEN 1 END"))?;
            rename(f, "count");
            if let FunctionArguments::List(list) = &mut f.args {
                list.args = vec![FunctionArg::Unnamed(FunctionArgExpr::Expr(case))];
            }
        }
        "arbitrary" => rename(f, "any_value"),
        "max_by" | "min_by" => {
            let args = plain_args(f).filter(|a| (2..=3).contains(&a.len()) && is_bare(f)).ok_or_else(|| {
                format!("{name}(x, y[, n]) is supported as a plain aggregate (no OVER, FILTER or DISTINCT): `{f}`")
            })?;
            let dir = if name == "max_by" { "DESC" } else { "ASC" };
            let (x, y) = (p(args[0]), p(args[1]));
            let sql = match args.get(2) {
                None => format!(
                    "first_value({x} ORDER BY {y} {dir} NULLS LAST) FILTER (WHERE {y} IS NOT NULL)"
                ),
                Some(n) => format!(
                    "array_slice(array_agg({x} ORDER BY {y} {dir} NULLS LAST) FILTER (WHERE {y} IS NOT NULL), 1, {})",
                    p(n)
                ),
            };
            *expr = parse_expr(&sql)?;
        }
        "approx_percentile" => {
            let args = plain_args(f)
                .filter(|a| (2..=3).contains(&a.len()) && is_bare(f))
                .ok_or_else(|| {
                    format!("approx_percentile(x, [w,] p) is supported as a plain aggregate: `{f}`")
                })?;
            let x = p(args[0]);
            let one = |pct: &Expr| match args.len() {
                2 => format!(
                    "approx_percentile_cont(CAST({} AS DOUBLE)) WITHIN GROUP (ORDER BY {x})",
                    p(pct)
                ),
                _ => format!(
                    "approx_percentile_cont_with_weight({}, CAST({} AS DOUBLE)) WITHIN GROUP (ORDER BY {x})",
                    p(args[1]),
                    p(pct)
                ),
            };
            let pct = args[args.len() - 1];
            let sql = match pct {
                Expr::Array(arr) => {
                    let parts: Vec<String> = arr.elem.iter().map(one).collect();
                    format!("make_array({})", parts.join(", "))
                }
                other => one(other),
            };
            *expr = parse_expr(&sql)?;
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sql: &str) -> Result<String, String> {
        let mut e = parse_expr(sql).unwrap();
        rewrite(&mut e)?;
        Ok(e.to_string())
    }

    #[test]
    fn count_if_keeps_window_and_filter() {
        assert_eq!(
            run("count_if(a > 1)").unwrap(),
            "count(CASE WHEN (a > 1) THEN 1 END)"
        );
        assert_eq!(
            run("count_if(a) OVER (PARTITION BY b)").unwrap(),
            "count(CASE WHEN (a) THEN 1 END) OVER (PARTITION BY b)"
        );
        assert!(run("count_if(a, b)").is_err());
    }

    #[test]
    fn max_by_ignores_null_keys() {
        assert_eq!(
            run("max_by(x, y)").unwrap(),
            "first_value((x) ORDER BY (y) DESC NULLS LAST) FILTER (WHERE (y) IS NOT NULL)"
        );
        assert!(
            run("min_by(x, y, 2)")
                .unwrap()
                .starts_with("array_slice(array_agg((x) ORDER BY (y) ASC")
        );
        assert!(run("max_by(x) OVER ()").is_err());
    }

    #[test]
    fn approx_percentile_forms() {
        assert_eq!(
            run("approx_percentile(x, 0.5)").unwrap(),
            "approx_percentile_cont(CAST((0.5) AS DOUBLE)) WITHIN GROUP (ORDER BY (x))"
        );
        assert!(
            run("approx_percentile(x, ARRAY[0.5, 0.9])")
                .unwrap()
                .starts_with("make_array(approx_percentile_cont(CAST((0.5) AS DOUBLE))")
        );
        assert!(
            run("approx_percentile(x, w, 0.5)")
                .unwrap()
                .contains("with_weight((w), CAST((0.5) AS DOUBLE))")
        );
    }

    #[test]
    fn arbitrary_is_any_value() {
        assert_eq!(run("arbitrary(x)").unwrap(), "any_value(x)");
    }
}
