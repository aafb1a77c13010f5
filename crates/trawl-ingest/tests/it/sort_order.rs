//! Every lake file is sorted by event time, however its rows reached the writer: sorted runs that
//! follow one another, runs that overlap, or files merged by compaction.

use std::fs::File;
use std::path::Path;

use arrow::array::{Array, AsArray};
use arrow::datatypes::TimestampMillisecondType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use trawl_ingest::Lake;

use crate::{generated_trails, ingest_into, walk};

/// Asserts that the rows of every data file of `lake` are in event-time order: by `_event_ts`,
/// then by `eventtime` text, NULLs last. Returns the number of rows checked.
fn assert_files_sorted(lake: &Path) -> usize {
    let mut rows = 0;
    for path in Lake::open(lake).unwrap().data_files() {
        let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap())
            .unwrap()
            .build()
            .unwrap();
        let mut keys = Vec::new();
        for batch in reader {
            let batch = batch.unwrap();
            let millis = batch
                .column_by_name("_event_ts")
                .unwrap()
                .as_primitive::<TimestampMillisecondType>();
            let text = batch
                .column_by_name("eventtime")
                .unwrap()
                .as_string::<i32>();
            for row in 0..batch.num_rows() {
                let m = millis.is_valid(row).then(|| millis.value(row));
                let t = text.is_valid(row).then(|| text.value(row).to_string());
                keys.push((m.is_none(), m, t.is_none(), t));
            }
        }
        if let Some(i) = keys.windows(2).position(|w| w[0] > w[1]) {
            panic!(
                "{} is not sorted at row {}: {:?} before {:?}",
                path.display(),
                i,
                keys[i],
                keys[i + 1]
            );
        }
        rows += keys.len();
    }
    rows
}

#[test]
fn generated_lake_files_are_sorted_after_flushes_and_compaction() {
    let trails = generated_trails(30_000, 11);
    let lake = tempfile::tempdir().unwrap();
    // Two runs over halves of the files, so the second compacts into files of the first.
    let mut files: Vec<_> = walk(trails.path());
    files.sort();
    let (first, second) = files.split_at(files.len() / 2);
    let first: Vec<&Path> = first.iter().map(|p| p.as_path()).collect();
    let second: Vec<&Path> = second.iter().rev().map(|p| p.as_path()).collect();
    let one = ingest_into(lake.path(), &first);
    let two = ingest_into(lake.path(), &second);
    assert!(two.files_compacted > 0, "{two:?}");
    assert_eq!(
        assert_files_sorted(lake.path()) as u64,
        one.rows_written + two.rows_written
    );
}

#[test]
fn real_lake_files_are_sorted() {
    let Some(dir) = trawl_testkit::real_data() else {
        return;
    };
    let lake = tempfile::tempdir().unwrap();
    let summary = ingest_into(lake.path(), &[&dir]);
    assert_eq!(
        assert_files_sorted(lake.path()) as u64,
        summary.rows_written
    );
}
