//! trawl's search language: a Scanner.dev-compatible pipe language (`filter | stage | …`),
//! parsed into an AST and planned onto DataFusion logical plans over the lake table
//! `trawl.events`.
//!
//! ```no_run
//! # async fn run(ctx: &datafusion::prelude::SessionContext) -> Result<(), trawl_search::SearchError> {
//! let query = trawl_search::parse("eventSource: s3.amazonaws.com | groupbycount eventName")?;
//! let range = trawl_search::parse_time_range(Some("2024-05-01T00:00:00Z"), None, None, chrono::Utc::now())?;
//! let plan = trawl_search::plan(ctx, &query, &range, &Default::default()).await?;
//! let batches = plan.df.collect().await.map_err(trawl_search::SearchError::engine)?;
//! # let _ = batches; Ok(()) }
//! ```

pub mod ast;
mod bind;
mod columns;
pub mod error;
mod eval;
mod json;
pub mod lexer;
mod matcher;
mod output;
pub mod parser;
mod path;
mod planner;
mod time;
mod udaf;
mod udf;

pub use ast::Query;
pub use error::{ErrorCode, SearchError, Span, Warning, WarningCode};
pub use output::events_to_json;
pub use parser::parse;
pub use planner::{ResultKind, SearchOptions, SearchPlan, explain, plan};
pub use time::{TimeRange, parse_duration, parse_time_range, parse_timestamp};
