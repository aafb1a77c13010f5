//! One module per subcommand.

pub mod demo;
pub mod export;
pub mod gen_trails;
pub mod ingest;
pub mod lake;
pub mod lake_session;
pub mod output;
pub mod report;
pub mod search;
pub mod shell;
pub mod sql;

/// Any command failure, printed as `error: …` with its causes.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;
