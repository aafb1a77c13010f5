//! One module per subcommand.

pub mod export;
pub mod gen_trails;
pub mod ingest;
pub mod lake;

/// Any command failure, printed as `error: …` with its causes.
pub type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;
