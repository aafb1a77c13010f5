//! The fixture lake: `tests/fixtures/AWSLogs/…` (31 records, 2 accounts, 2 regions, 3 days and
//! one record without `eventTime`) ingested once with `trawl_ingest::ingest`.

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use trawl_query::{LakeSession, QueryOptions, lake_session};

struct Fixture {
    _dir: tempfile::TempDir,
    files: Vec<PathBuf>,
}

fn fixture() -> &'static Fixture {
    static LAKE: OnceLock<Fixture> = OnceLock::new();
    LAKE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let lake = dir.path().join("lake");
        let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/AWSLogs");
        // Ingest runs its own runtime, so it gets a thread of its own (tests are async).
        let opts = trawl_ingest::IngestOptions {
            lake: lake.clone(),
            sources: vec![src],
            threads: 1,
            ..Default::default()
        };
        let summary = std::thread::spawn(move || trawl_ingest::ingest(&opts))
            .join()
            .expect("ingest thread")
            .expect("ingest the fixture");
        assert_eq!(summary.rows_written, 31, "{summary:?}");
        let files = trawl_ingest::Lake::open(&lake)
            .expect("open the lake")
            .data_files();
        Fixture { _dir: dir, files }
    })
}

/// The Parquet files of the fixture lake.
pub fn files() -> Vec<PathBuf> {
    fixture().files.clone()
}

/// The instant `now()` is pinned to in tests: 2021-07-04T00:00:00Z.
pub fn pinned_now() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2021-07-04T00:00:00Z")
        .expect("valid instant")
        .with_timezone(&Utc)
}

/// A read-only session over the fixture lake with the pinned clock.
pub async fn session() -> LakeSession {
    let opts = QueryOptions {
        pinned_now: Some(pinned_now()),
        target_partitions: Some(2),
        ..Default::default()
    };
    lake_session(files(), &opts).await.expect("session")
}
