//! Opening the lake for the query-side commands.

use std::path::Path;

use trawl_ingest::Lake;
use trawl_query::{LakeSession, QueryOptions, lake_session};

/// A tokio runtime for DataFusion.
pub fn runtime() -> super::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// A query session over exactly the lake's committed files.
pub async fn open(lake: &Path, read_only: bool) -> super::Result<LakeSession> {
    let files = Lake::open(lake)?.data_files();
    let options = QueryOptions {
        read_only,
        ..QueryOptions::default()
    };
    Ok(lake_session(files, &options)
        .await
        .map_err(|e| trawl_query::describe_error(&e))?)
}

/// The terminal's width, when stdout is one.
pub fn terminal_width() -> Option<u16> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    comfy_table::Table::new().width().or(Some(120))
}
