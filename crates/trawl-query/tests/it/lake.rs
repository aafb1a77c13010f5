//! The fixture lake: `tests/fixtures/AWSLogs/…` (31 records, 2 accounts, 2 regions, 3 days and
//! one record without `eventTime`) ingested once by the real ingest.

use std::path::PathBuf;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use trawl_query::{LakeSession, QueryOptions, lake_session};
use trawl_testkit::TestLake;

fn fixture() -> &'static TestLake {
    static LAKE: OnceLock<TestLake> = OnceLock::new();
    LAKE.get_or_init(|| {
        let lake = trawl_testkit::ingest(vec![
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/AWSLogs"),
        ]);
        assert_eq!(lake.summary.rows_written, 31, "{:?}", lake.summary);
        lake
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
