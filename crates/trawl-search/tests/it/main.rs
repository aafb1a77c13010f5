//! Planner tests on the spec's dataset D (§8): its CloudTrail file ingested into a real lake and
//! searched through the same session `trawl search` uses.

mod conformance;
mod errors;
mod notebooks;
mod stages;

use std::path::Path;
use std::sync::OnceLock;

use arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::prelude::SessionContext;
use trawl_query::{QueryOptions, lake_session};
use trawl_search::{
    Query, ResultKind, SearchError, SearchOptions, SearchPlan, TimeRange, Warning, parse, plan,
};
use trawl_testkit::TestLake;

/// Dataset D ingested once, by the real ingest.
fn lake() -> &'static TestLake {
    static LAKE: OnceLock<TestLake> = OnceLock::new();
    LAKE.get_or_init(|| {
        let lake = trawl_testkit::ingest(vec![
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dataset_d.json"),
        ]);
        let s = &lake.summary;
        assert!(!s.has_quarantine() && s.rows_written == 8, "{s:?}");
        lake
    })
}

/// A session over the dataset D lake, the way `trawl search` opens one.
async fn context() -> SessionContext {
    let opts = QueryOptions {
        target_partitions: Some(4),
        ..QueryOptions::default()
    };
    let session = lake_session(lake().files.clone(), &opts)
        .await
        .expect("session");
    session.context().clone()
}

/// A query result: its kind, column names, rows as display text (`null` for nulls), warnings.
struct Res {
    kind: ResultKind,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    warnings: Vec<Warning>,
    plan: String,
}

impl Res {
    /// The `eventID`s of an event result, in order.
    fn ids(&self) -> Vec<String> {
        assert_eq!(self.kind, ResultKind::Events, "expected events");
        let i = self.columns.iter().position(|c| c == "eventid").unwrap();
        self.rows.iter().map(|r| r[i].clone()).collect()
    }
}

async fn try_run_with(
    text: &str,
    range: TimeRange,
    opts: SearchOptions,
) -> Result<Res, SearchError> {
    run_query(parse(text)?, range, opts).await
}

async fn run_query(
    query: Query,
    range: TimeRange,
    opts: SearchOptions,
) -> Result<Res, SearchError> {
    let ctx = context().await;
    let SearchPlan {
        df,
        kind,
        columns,
        warnings,
        ..
    } = plan(&ctx, &query, &range, &opts).await?;
    let plan_text = df
        .clone()
        .into_optimized_plan()
        .map_err(SearchError::engine)?
        .display_indent()
        .to_string();
    let batches = df.collect().await.map_err(SearchError::engine)?;
    let names: Vec<String> = batches.first().map_or(columns.clone(), |b| {
        b.schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    });
    assert_eq!(names, columns, "plan columns match the batches");
    let opts = FormatOptions::default().with_null("null");
    let mut rows = Vec::new();
    for b in &batches {
        let fmts: Vec<ArrayFormatter> = b
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c, &opts).unwrap())
            .collect();
        for r in 0..b.num_rows() {
            rows.push(fmts.iter().map(|f| f.value(r).to_string()).collect());
        }
    }
    Ok(Res {
        kind,
        columns,
        rows,
        warnings,
        plan: plan_text,
    })
}

async fn try_run(text: &str) -> Result<Res, SearchError> {
    try_run_with(text, TimeRange::default(), SearchOptions::default()).await
}

async fn run(text: &str) -> Res {
    match try_run(text).await {
        Ok(r) => r,
        Err(e) => panic!("{text}\n{e}"),
    }
}

/// The events a query returns, as `eventID`s in result order.
async fn ids(text: &str) -> Vec<String> {
    run(text).await.ids()
}

/// Shorthand for an expected list of event ids.
fn evs(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Shorthand for expected table rows.
fn rows(list: &[&[&str]]) -> Vec<Vec<String>> {
    list.iter()
        .map(|r| r.iter().map(|s| s.to_string()).collect())
        .collect()
}

/// A table query: asserts the column names, returns the rows.
async fn table(text: &str, columns: &[&str]) -> Vec<Vec<String>> {
    bound_table(text, &[], columns).await
}

/// A table query with parameters bound: asserts the column names, returns the rows.
async fn bound_table(text: &str, params: &[(&str, &str)], columns: &[&str]) -> Vec<Vec<String>> {
    let mut query = parse(text).unwrap_or_else(|e| panic!("{e}"));
    let params = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    query.bind(&params).unwrap_or_else(|e| panic!("{e}"));
    let res = run_query(query, TimeRange::default(), SearchOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(res.kind, ResultKind::Table, "{text}");
    assert_eq!(res.columns, columns, "{text}");
    res.rows
}
