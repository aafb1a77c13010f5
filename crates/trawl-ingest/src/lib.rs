//! CloudTrail delivery files into a partitioned, lossless Parquet lake.
//!
//! [`ingest`] lists sources through `object_store`, reads and decodes them in parallel, routes rows
//! to per-partition buffers bounded by a memory budget, writes sorted Parquet files, compacts small
//! files, and commits everything atomically through the lake's manifest ([`Lake`]). Bad input is
//! quarantined inside the lake with its position and reason, never dropped. [`export`] gives the
//! records back as the JSON they came from.

mod container;
mod decode;
mod export;
mod gunzip;
mod json;
mod lake;
mod partition;
mod pipeline;
mod quarantine;
mod source;
mod write;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

pub use container::{BadInput, Content, Record, Records, inflate, split};
pub use decode::{BatchBuilder, Decoded, RowPartitions};
pub use export::{ExportFilter, export};
pub use lake::{DataFile, Lake, Manifest, SourceEntry, SourceKind};
pub use partition::{EventTime, PartitionKey};
pub use quarantine::QuarantineEntry;
pub use source::KeyInfo;
pub use write::write_file;

/// Everything that can stop a run. Bad *input* never does: it is quarantined and counted.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A source path given by the user cannot be listed or read.
    #[error("cannot read source {path}: {reason}")]
    Source {
        /// The path as given.
        path: String,
        /// Why.
        reason: String,
    },
    /// The lake folder cannot be opened, read or written.
    #[error("lake {path}: {reason}")]
    Lake {
        /// The file or folder concerned.
        path: String,
        /// Why.
        reason: String,
    },
}

/// Reports progress of a run (a progress bar, log lines, nothing).
pub trait Progress: Send + Sync {
    /// The run will read `files` objects totalling `bytes`.
    fn start(&self, files: u64, bytes: u64);
    /// One object was read and decoded.
    fn advance(&self, bytes: u64, records: u64);
    /// Writing, compaction and commit are under way.
    fn finishing(&self);
}

/// How to run an ingest.
#[derive(Clone)]
pub struct IngestOptions {
    /// The lake folder (created when missing).
    pub lake: PathBuf,
    /// Files or folders to take in.
    pub sources: Vec<PathBuf>,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Peak memory to aim for, in bytes. Buffers are sized from it, not from the input.
    pub memory_limit: usize,
    /// Where to report progress.
    pub progress: Option<Arc<dyn Progress>>,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            lake: PathBuf::from("trawl-lake"),
            sources: Vec::new(),
            threads: 0,
            memory_limit: 768 << 20,
            progress: None,
        }
    }
}

/// What a run did. Counts reconcile: `records_read == rows_written + records_quarantined`.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct IngestSummary {
    /// Objects found under the sources.
    pub files_found: u64,
    /// Objects read and taken in as trail logs.
    pub files_read: u64,
    /// Objects already in the lake (same path and size, or same content under another path).
    pub files_already_ingested: u64,
    /// Digest objects, skipped.
    pub files_digest: u64,
    /// Objects whose name cannot be a trail log (`.DS_Store`, `README.md`, …), skipped.
    pub files_not_a_log: u64,
    /// Objects quarantined whole (corrupt gzip, invalid JSON, not a trail log, …).
    pub files_quarantined: u64,
    /// Records found in the objects read.
    pub records_read: u64,
    /// Rows written to the lake.
    pub rows_written: u64,
    /// Records sent to quarantine (not JSON objects).
    pub records_quarantined: u64,
    /// Rows kept without a usable `eventTime` (in the `unknown-date` partitions).
    pub rows_without_event_time: u64,
    /// Rows whose `_extra` note is set (unknown keys, drifted types, explicit nulls…).
    pub rows_with_extra: u64,
    /// Bytes of the objects read (as stored, compressed or not).
    pub bytes_read: u64,
    /// Parquet files added to the lake.
    pub data_files_written: u64,
    /// Small files merged away by compaction.
    pub files_compacted: u64,
    /// Wall time of the run.
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

impl IngestSummary {
    /// Records read per second of wall time.
    pub fn events_per_second(&self) -> f64 {
        self.records_read as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Whether anything was quarantined (the CLI then exits non-zero).
    pub fn has_quarantine(&self) -> bool {
        self.files_quarantined + self.records_quarantined > 0
    }
}

/// Takes the sources into the lake. Blocking; uses `threads` worker threads. Runs on a thread of
/// its own, so it may also be called from inside an async runtime.
pub fn ingest(options: &IngestOptions) -> Result<IngestSummary, Error> {
    std::thread::scope(|s| s.spawn(|| pipeline::run(options)).join()).unwrap_or_else(|_| {
        Err(Error::Lake {
            path: options.lake.display().to_string(),
            reason: "the ingest thread panicked".into(),
        })
    })
}
