//! trawl's query engine: DataFusion over the CloudTrail lake, with an Athena (Presto)
//! compatibility layer so incident-response SQL runs unmodified with Athena's semantics.
//!
//! ```no_run
//! # async fn demo(files: Vec<std::path::PathBuf>) -> datafusion::common::Result<()> {
//! use trawl_query::{QueryOptions, QueryParams, lake_session};
//! let session = lake_session(files, &QueryOptions::default()).await?;
//! let frames = session
//!     .sql_with_params(
//!         "SELECT eventname, count(*) FROM cloudtrail WHERE useridentity.username = ? GROUP BY 1",
//!         &QueryParams::new().push("alice"),
//!     )
//!     .await?;
//! frames[0].clone().show().await?;
//! # Ok(()) }
//! ```
//!
//! Modules: [`session`] (the session and its settings), [`catalog`] (table and view names),
//! [`rewrite`] (token and AST passes), [`functions`] (the Presto function pack),
//! [`statements`] (which statements run), [`params`], [`errors`], [`output`],
//! [`local_reads`] (how the lake's files are read).

pub mod catalog;
pub mod errors;
pub mod functions;
pub mod local_reads;
pub mod output;
pub mod params;
pub mod rewrite;
pub mod session;
pub mod statements;

pub use errors::describe_error;
pub use output::{OutputFormat, TableOptions, render, write_batches};
pub use params::QueryParams;
pub use rewrite::{rewrite_sql, substitute_notebook_placeholders};
pub use session::{LakeSession, QueryOptions, lake_session};
