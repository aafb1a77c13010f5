//! The lookup columns carry bloom filters sized for their files: every stored value is found, a
//! value that is not there is turned away at about the configured 1 % false-positive rate (a filter
//! sized for too few values would let far more through), and a small file stores a small filter.

use std::fs::File;

use arrow::array::AsArray;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::properties::ReaderProperties;
use parquet::file::reader::FileReader;
use parquet::file::serialized_reader::{ReadOptionsBuilder, SerializedFileReader};
use trawl_ingest::Lake;

use crate::{generated_trails, ingest_into};

#[test]
fn eventid_bloom_filters_find_every_id_and_turn_away_others() {
    let trails = generated_trails(20_000, 5);
    let lake = tempfile::tempdir().unwrap();
    ingest_into(lake.path(), &[trails.path()]);

    let (mut ids, mut false_hits, mut probes) = (0, 0, 0);
    for path in Lake::open(lake.path()).unwrap().data_files() {
        let options = ReadOptionsBuilder::new()
            .with_reader_properties(
                ReaderProperties::builder()
                    .set_read_bloom_filter(true)
                    .build(),
            )
            .build();
        let reader =
            SerializedFileReader::new_with_options(File::open(&path).unwrap(), options).unwrap();
        let metadata = reader.metadata();
        assert_eq!(metadata.num_row_groups(), 1, "{}", path.display());
        let column = metadata
            .file_metadata()
            .schema_descr()
            .columns()
            .iter()
            .position(|c| c.path().string() == "eventid")
            .unwrap();
        let row_group = reader.get_row_group(0).unwrap();
        let bloom = row_group
            .get_column_bloom_filter(column)
            .unwrap_or_else(|| panic!("{} has no eventid bloom filter", path.display()));
        let rows = metadata.row_group(0).num_rows() as usize;
        // 32-byte blocks: at most 4 bytes per row (about 1.2 at 1 %, rounded up to a power of two).
        assert!(
            bloom.num_blocks() * 32 <= rows * 4,
            "{}: {} blocks for {rows} rows",
            path.display(),
            bloom.num_blocks()
        );

        let batches = ParquetRecordBatchReaderBuilder::try_new(File::open(&path).unwrap())
            .unwrap()
            .build()
            .unwrap();
        for batch in batches {
            let batch = batch.unwrap();
            for id in batch
                .column_by_name("eventid")
                .unwrap()
                .as_string::<i32>()
                .iter()
            {
                assert!(
                    bloom.check(id.unwrap()),
                    "{id:?} missed in {}",
                    path.display()
                );
                ids += 1;
            }
        }
        for i in 0..1000 {
            probes += 1;
            false_hits +=
                usize::from(bloom.check(format!("00000000-0000-4000-8000-{i:012}").as_str()));
        }
    }
    assert_eq!(ids, 20_000);
    assert!(
        false_hits * 100 <= probes * 3,
        "{false_hits} of {probes} absent ids passed the filters"
    );
}
