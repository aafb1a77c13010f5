//! Runs each `tests/slt/*.slt` file against a fresh session over the fixture lake.
//!
//! Cells print as the `table` output does (nested values as JSON-like text, IP addresses as
//! text); NULL prints as `NULL` and the empty string as `(empty)`. Errors are matched against
//! `trawl_query::describe_error`'s text.

use std::path::PathBuf;

use sqllogictest::{AsyncDB, DBOutput, DefaultColumnType};
use trawl_query::output::cell;
use trawl_query::{LakeSession, describe_error};

/// A query error as the suite sees it.
#[derive(Debug)]
pub struct SltError(String);

impl std::fmt::Display for SltError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SltError {}

struct TrawlDb {
    session: LakeSession,
}

#[async_trait::async_trait]
impl AsyncDB for TrawlDb {
    type Error = SltError;
    type ColumnType = DefaultColumnType;

    async fn run(&mut self, sql: &str) -> Result<DBOutput<DefaultColumnType>, SltError> {
        let err = |e: datafusion::error::DataFusionError| SltError(describe_error(&e));
        let frames = self.session.sql(sql).await.map_err(err)?;
        let Some(last) = frames.into_iter().last() else {
            return Ok(DBOutput::StatementComplete(0));
        };
        let ncols = last.schema().fields().len();
        let batches = last.collect().await.map_err(err)?;
        let mut rows = Vec::new();
        for b in &batches {
            for r in 0..b.num_rows() {
                let row: Result<Vec<String>, _> = b
                    .columns()
                    .iter()
                    .map(|c| {
                        cell(c, r).map(|v| match v {
                            None => "NULL".to_string(),
                            Some(s) if s.is_empty() => "(empty)".to_string(),
                            Some(s) => s,
                        })
                    })
                    .collect();
                rows.push(row.map_err(err)?);
            }
        }
        Ok(DBOutput::Rows {
            types: vec![DefaultColumnType::Any; ncols],
            rows,
        })
    }

    async fn shutdown(&mut self) {}

    fn engine_name(&self) -> &str {
        "trawl"
    }
}

async fn run_file(name: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/slt")
        .join(name);
    let mut runner = sqllogictest::Runner::new(|| async {
        Ok::<_, SltError>(TrawlDb {
            session: super::lake::session().await,
        })
    });
    if let Err(e) = runner.run_file_async(&path).await {
        panic!("{}", e.display(true));
    }
}

macro_rules! slt_tests {
    ($($name:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                run_file(concat!(stringify!($name), ".slt")).await;
            }
        )*
    };
}

slt_tests!(
    json,
    datetime,
    strings_regex,
    arrays_unnest,
    aggregates,
    ipaddress,
    identifiers_names,
    statements,
    lake_views,
);
