//! Planner tests on the spec's dataset D (§8), loaded from raw CloudTrail JSON into a
//! `trawl.events` table with the lake's exact schema.

mod conformance;
mod errors;
mod notebooks;
mod stages;

use std::collections::HashMap;
use std::io::Cursor;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::catalog::MemorySchemaProvider;
use datafusion::datasource::MemTable;
use datafusion::prelude::{SessionConfig, SessionContext};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use trawl_schema::{Kind, RECORD_FIELDS, lake_schema, system};
use trawl_search::{
    ResultKind, SearchError, SearchOptions, SearchPlan, TimeRange, Warning, parse, plan,
};

const DATASET_D: &str = include_str!("../fixtures/dataset_d.json");

/// Converts one JSON value to the lake's representation of `kind`.
fn to_lake(v: &Value, kind: Kind) -> Value {
    match (kind, v) {
        (_, Value::Null) => Value::Null,
        (Kind::Text, Value::String(_)) => v.clone(),
        (Kind::Text, other) => Value::String(other.to_string()),
        (Kind::Bool, Value::Bool(b)) => Value::String(b.to_string()),
        (Kind::Bool, other) => Value::String(other.to_string()),
        (Kind::Json, other) => Value::String(other.to_string()),
        (Kind::Struct(fields), Value::Object(obj)) => {
            let mut out = Map::new();
            for f in fields {
                if let Some((_, v)) = obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(f.key)) {
                    out.insert(f.name.to_string(), to_lake(v, f.kind));
                }
            }
            Value::Object(out)
        }
        (Kind::List(fields), Value::Array(items)) => Value::Array(
            items
                .iter()
                .map(|i| to_lake(i, Kind::Struct(fields)))
                .collect(),
        ),
        (Kind::Map, Value::Object(_)) => v.clone(),
        _ => Value::Null,
    }
}

/// Dataset D as lake rows (one batch per event), the way ingest lays records out.
fn dataset_d() -> Vec<RecordBatch> {
    let file: HashMap<String, Vec<HashMap<String, Box<RawValue>>>> =
        serde_json::from_str(DATASET_D).unwrap();
    let mut lines = String::new();
    for (i, rec) in file["Records"].iter().enumerate() {
        let mut row = Map::new();
        let mut extra = Map::new();
        let mut used = Vec::new();
        for spec in RECORD_FIELDS {
            let Some((key, raw)) = rec.iter().find(|(k, _)| k.eq_ignore_ascii_case(spec.key))
            else {
                continue;
            };
            used.push(key.clone());
            let v: Value = serde_json::from_str(raw.get()).unwrap();
            if v.is_null() {
                extra.insert(key.clone(), Value::Null);
            } else if spec.kind == Kind::Json {
                row.insert(spec.name.into(), Value::String(raw.get().to_string()));
            } else {
                row.insert(spec.name.into(), to_lake(&v, spec.kind));
            }
        }
        for (k, raw) in rec.iter().filter(|(k, _)| !used.contains(k)) {
            extra.insert(k.clone(), serde_json::from_str(raw.get()).unwrap());
        }
        if !extra.is_empty() {
            row.insert(
                system::EXTRA.into(),
                Value::String(Value::Object(extra).to_string()),
            );
        }
        let time = rec["eventTime"].get().trim_matches('"').to_string();
        let (y, m, d) = (&time[0..4], &time[5..7], &time[8..10]);
        row.insert(system::ACCOUNT.into(), "111122223333".into());
        row.insert(system::REGION.into(), row["awsregion"].clone());
        row.insert(system::YEAR.into(), y.into());
        row.insert(system::MONTH.into(), m.into());
        row.insert(system::DAY.into(), d.into());
        row.insert(system::DATE_PARTITION.into(), format!("{y}/{m}/{d}").into());
        row.insert(system::EVENT_TS.into(), time.into());
        row.insert(system::SOURCE_PATH.into(), "fixtures/dataset_d.json".into());
        row.insert(system::SOURCE_INDEX.into(), (i as i64).into());
        lines.push_str(&Value::Object(row).to_string());
        lines.push('\n');
    }
    let reader = arrow::json::ReaderBuilder::new(lake_schema())
        .with_batch_size(1)
        .build(Cursor::new(lines))
        .unwrap();
    reader.collect::<Result<Vec<_>, _>>().unwrap()
}

/// A session with dataset D registered as `trawl.events`, spread over three partitions.
fn context() -> SessionContext {
    let ctx = SessionContext::new_with_config(SessionConfig::new().with_target_partitions(4));
    ctx.catalog("datafusion")
        .unwrap()
        .register_schema("trawl", Arc::new(MemorySchemaProvider::new()))
        .unwrap();
    let mut parts = vec![Vec::new(), Vec::new(), Vec::new()];
    for (i, b) in dataset_d().into_iter().enumerate() {
        parts[i % 3].push(b);
    }
    let table = MemTable::try_new(lake_schema(), parts).unwrap();
    ctx.register_table("trawl.events", Arc::new(table)).unwrap();
    ctx
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
    let ctx = context();
    let query = parse(text)?;
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
    let res = run(text).await;
    assert_eq!(res.kind, ResultKind::Table, "{text}");
    assert_eq!(res.columns, columns, "{text}");
    res.rows
}
