//! Planning a parsed [`Query`] onto a DataFusion [`DataFrame`] over the lake table.
//!
//! The filter becomes one `Filter` of non-null boolean UDF calls (folded at plan time where a
//! predicate is constant), stages become `Aggregate`/`Projection`/`Sort`/`Limit` nodes. The
//! row order of a result is tracked as sort keys on columns that every later projection
//! carries along (hidden), and applied once at the end.

mod scope;
mod stages;

use chrono::{DateTime, Utc};
use datafusion::common::{Column, ScalarValue};
use datafusion::logical_expr::SortExpr;
use datafusion::prelude::{DataFrame, Expr, SessionContext, lit};

use crate::ast::{Query, StageOp};
use crate::error::{ErrorCode, SearchError, Warning};
use crate::time::TimeRange;
use crate::udf::{Convert, convert};
use scope::Mode;

/// Options that shape planning.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Reject trawl's extensions (`E-EXT`): `sort`, `count(col)`, single-quoted strings and
    /// extra functions in `eval`.
    pub strict: bool,
    /// Return at most this many rows (after ordering).
    pub limit: Option<usize>,
    /// The table to read (default `trawl.events`).
    pub table: String,
    /// The dataset name that `@index` compares with (default `cloudtrail`).
    pub dataset: String,
    /// The dataset UUID that `@index_id` yields, if configured.
    pub dataset_id: Option<String>,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            strict: false,
            limit: None,
            table: "trawl.events".to_string(),
            dataset: "cloudtrail".to_string(),
            dataset_id: None,
        }
    }
}

/// What the rows of a result are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultKind {
    /// Events: every column of the lake table plus the `eval`/`rename` columns, oldest first.
    Events,
    /// A table: exactly the columns the query named, in order.
    Table,
}

/// A planned query, ready to execute (`plan.df.collect().await`).
#[derive(Debug)]
pub struct SearchPlan {
    /// The plan.
    pub df: DataFrame,
    /// Events or a table.
    pub kind: ResultKind,
    /// The output column names, in order.
    pub columns: Vec<String>,
    /// For events: the columns added by `eval`/`rename` (also at the end of `columns`).
    pub added_columns: Vec<String>,
    /// Diagnostics that do not change results.
    pub warnings: Vec<Warning>,
}

/// Plans `query` over the table named in `opts` (registered in `ctx`), restricted to `range`.
pub async fn plan(
    ctx: &SessionContext,
    query: &Query,
    range: &TimeRange,
    opts: &SearchOptions,
) -> Result<SearchPlan, SearchError> {
    plan_inner(ctx, query, range, opts)
        .await
        .map_err(|e| e.with_source(&query.source))
}

async fn plan_inner(
    ctx: &SessionContext,
    query: &Query,
    range: &TimeRange,
    opts: &SearchOptions,
) -> Result<SearchPlan, SearchError> {
    let df = ctx.table(opts.table.as_str()).await.map_err(|e| {
        SearchError::new(
            ErrorCode::Engine,
            None,
            format!("cannot open table `{}`: {e}", opts.table),
        )
        .with_hint("point trawl at a lake (`trawl ingest` creates one)")
    })?;
    let mut planner = scope::Planner::new(opts, df.schema());
    planner.warnings.extend(query.warnings.iter().cloned());
    let mut state = scope::State::events(df);
    if let Some(cond) = time_filter(range) {
        state.df = state.df.filter(cond).map_err(SearchError::engine)?;
    }
    if let Some(filter) = &query.filter {
        let p = planner.filter(&state, filter)?;
        state.apply_filter(p)?;
    }
    for stage in &query.stages {
        if opts.strict && matches!(stage.op, StageOp::Sort(_)) {
            return Err(SearchError::new(
                ErrorCode::Ext,
                Some(stage.span),
                "`sort` is a trawl extension",
            )
            .with_hint("drop --strict-scanner, or remove the stage"));
        }
        state = planner.stage(state, stage)?;
    }
    let (df, kind, columns, added_columns) = planner.finish(state)?;
    let df = match opts.limit {
        Some(n) => df.limit(0, Some(n)).map_err(SearchError::engine)?,
        None => df,
    };
    Ok(SearchPlan {
        df,
        kind,
        columns,
        added_columns,
        warnings: planner.warnings,
    })
}

/// Text for `--explain`: the canonical query, the result kind, then the optimised logical plan.
pub fn explain(query: &Query, plan: &SearchPlan) -> Result<String, SearchError> {
    let optimized = plan
        .df
        .clone()
        .into_optimized_plan()
        .map_err(SearchError::engine)?;
    let kind = match plan.kind {
        ResultKind::Events => "events",
        ResultKind::Table => "table",
    };
    let mut out = format!(
        "query: {query}\nresult: {kind} ({})\n",
        plan.columns.join(", ")
    );
    for w in &plan.warnings {
        out.push_str(&format!("{w}\n"));
    }
    out.push_str(&format!("logical plan:\n{}", optimized.display_indent()));
    Ok(out)
}

/// A reference to a column by its exact name (names may hold dots and `@`).
pub(crate) fn column(name: &str) -> Expr {
    Expr::Column(Column::new_unqualified(name))
}

/// The null string.
pub(crate) fn null() -> Expr {
    lit(ScalarValue::Utf8(None))
}

/// The date-partition and event-time bounds of `range`, so files and row groups prune.
fn time_filter(range: &TimeRange) -> Option<Expr> {
    let mut conds = Vec::new();
    let ts = |t: DateTime<Utc>| {
        // Event times have millisecond precision: t >= s  <=>  t_ms >= ceil(s / 1 ms).
        let ms =
            t.timestamp_millis() + i64::from(!t.timestamp_subsec_nanos().is_multiple_of(1_000_000));
        lit(ScalarValue::TimestampMillisecond(
            Some(ms),
            Some("UTC".into()),
        ))
    };
    let day = |t: DateTime<Utc>| lit(t.format("%Y/%m/%d").to_string());
    if let Some(start) = range.start {
        conds.push(column(trawl_schema::system::DATE_PARTITION).gt_eq(day(start)));
        conds.push(column(trawl_schema::system::EVENT_TS).gt_eq(ts(start)));
    }
    if let Some(end) = range.end {
        let last = end - chrono::Duration::nanoseconds(1);
        conds.push(column(trawl_schema::system::DATE_PARTITION).lt_eq(day(last)));
        conds.push(column(trawl_schema::system::EVENT_TS).lt(ts(end)));
    }
    conds.into_iter().reduce(Expr::and)
}

/// A sort key in the reverse direction (for `tail`).
pub(crate) fn reversed(s: &SortExpr) -> SortExpr {
    SortExpr {
        expr: s.expr.clone(),
        asc: !s.asc,
        nulls_first: !s.nulls_first,
    }
}

/// Displays a JSON-literal column as text; other kinds pass through.
pub(crate) fn display(expr: Expr, kind: scope::VKind) -> Expr {
    match kind {
        scope::VKind::Lit => convert(Convert::Display, vec![expr]),
        _ => expr,
    }
}

impl scope::State {
    /// True in table mode.
    pub(crate) fn is_table(&self) -> bool {
        matches!(self.mode, Mode::Table(_))
    }
}
