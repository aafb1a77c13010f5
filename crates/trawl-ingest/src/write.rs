//! Writing one partition's rows as a Parquet file tuned for reading: sorted by `eventtime`,
//! zstd, dictionaries, page statistics and index, bloom filters on the lookup columns.

use std::fs::File;
use std::path::Path;
use std::sync::LazyLock;

use arrow::array::{Array, AsArray, RecordBatch, StringArray, TimestampMillisecondArray};
use arrow::compute::{
    interleave_record_batch, max as arrow_max, max_string, min as arrow_min, min_string,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::arrow::{ArrowSchemaConverter, ArrowWriter};
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;
use trawl_schema::{PARTITION_COLUMNS, lake_schema};

use crate::lake::DataFile;

/// Columns people look single values up by; each gets a bloom filter.
const BLOOM_COLUMNS: &[&[&str]] = &[
    &["eventid"],
    &["sourceipaddress"],
    &["useridentity", "accesskeyid"],
    &["useridentity", "arn"],
    &["useridentity", "sessioncontext", "sessionissuer", "arn"],
    &["resources", "list", "item", "arn"],
];

/// High-cardinality columns: a dictionary attempt only costs time before it falls back.
const NO_DICTIONARY: &[&str] = &[
    "eventid",
    "eventtime",
    "requestid",
    "responseelements",
    "additionaleventdata",
    "_extra",
];

/// Free-form JSON text: the bulk of the bytes.
const JSON_TEXT: &[&str] = &[
    "requestparameters",
    "responseelements",
    "additionaleventdata",
    "serviceeventdetails",
];

/// Random identifiers (UUIDs): no repeats for zstd to find, only hex digits to entropy-code (the
/// bloom filter serves lookups). Stored as one run of characters with the lengths apart
/// (DELTA_LENGTH_BYTE_ARRAY): on 1 M events 2.4 MB smaller than PLAIN, whose 4-byte length before
/// every value breaks up the text zstd codes.
const RANDOM_IDS: &[&str] = &["eventid", "requestid"];

/// The columns with min/max statistics (and so a page index): those whose values are constant
/// per file (the partition columns), sorted (the event time), or few and selective (a page without
/// `AccessDenied` or `iam.amazonaws.com` is skipped), and `_source_path` for `"$path"` filters.
/// Elsewhere min/max spans nearly every value and prunes nothing, yet was computed for every value
/// of every page: leaving it out made Parquet writing about 12 % cheaper (bloom filters still serve
/// lookups of ids, keys, addresses and ARNs).
const STATISTICS_COLUMNS: &[&str] = &[
    "eventtime",
    "_event_ts",
    "eventsource",
    "eventname",
    "errorcode",
    "awsregion",
    "recipientaccountid",
    "account",
    "region",
    "year",
    "month",
    "day",
    "date_partition",
    "_source_path",
];

/// Rows per row group: large enough for fast scans, small enough for fine pruning.
pub const ROW_GROUP_ROWS: usize = 128 * 1024;

/// Everything but the bloom filters, which [`properties`] sizes per file.
static PROPERTIES: LazyLock<WriterProperties> = LazyLock::new(|| {
    let mut props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(3).expect("valid zstd level"),
        ))
        .set_dictionary_enabled(true)
        .set_statistics_enabled(EnabledStatistics::None)
        .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
        .set_created_by(format!("trawl {}", env!("CARGO_PKG_VERSION")));
    let column = |name: &str| ColumnPath::new(vec![name.to_string()]);
    for name in NO_DICTIONARY {
        props = props.set_column_dictionary_enabled(column(name), false);
    }
    // zstd level 1 codes these nearly as small as level 3, in less time. For the JSON text, on 1 M
    // events: the lake 0.5 % larger than at level 3 and ingest about 3 % faster; level 6 saved
    // another 1.2 % of the lake for about 7 % of ingest time. The sorted `eventtime` text, plain
    // at level 1, is even smaller than as DELTA_BYTE_ARRAY at level 3 (on 115 k events 424.8 kB
    // against 427.7 kB), in two thirds of the time.
    for name in RANDOM_IDS.iter().chain(JSON_TEXT).chain(&["eventtime"]) {
        props = props.set_column_compression(
            column(name),
            Compression::ZSTD(ZstdLevel::try_new(1).expect("valid zstd level")),
        );
    }
    for name in RANDOM_IDS {
        props = props.set_column_encoding(column(name), Encoding::DELTA_LENGTH_BYTE_ARRAY);
    }
    for name in STATISTICS_COLUMNS {
        props = props.set_column_statistics_enabled(column(name), EnabledStatistics::Page);
    }
    // Sorted numbers: deltas are tiny.
    for name in ["_event_ts", "_source_index"] {
        props = props
            .set_column_dictionary_enabled(column(name), false)
            .set_column_encoding(column(name), Encoding::DELTA_BINARY_PACKED);
    }
    props.build()
});

/// The writer properties for a file of `batches`: [`PROPERTIES`], with bloom filters sized for at
/// most as many distinct values per row group as the file has rows, and no compression for the
/// columns that hold at most one value in it (see [`single_valued_columns`]).
///
/// parquet-rs otherwise sizes each filter for 1 Mi values (2 MiB at this false-positive rate,
/// zeroed, then folded down after writing): on 1 M events in 84 files, about 1 GB of memory
/// touched and inserts that missed the cache, for stored filters of the same size (the lake
/// changed by 1 KB).
fn properties(batches: &[RecordBatch]) -> WriterProperties {
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let distinct = rows.clamp(1, ROW_GROUP_ROWS) as u64;
    let mut props = PROPERTIES.clone().into_builder();
    for path in BLOOM_COLUMNS {
        let column = ColumnPath::new(path.iter().map(|s| s.to_string()).collect());
        props = props
            .set_column_bloom_filter_enabled(column.clone(), true)
            .set_column_bloom_filter_fpp(column.clone(), 0.01)
            .set_column_bloom_filter_max_ndv(column, distinct);
    }
    for column in single_valued_columns(batches) {
        props = props.set_column_compression(column, Compression::UNCOMPRESSED);
    }
    props.build()
}

/// The leaf columns (as Parquet paths) that hold one value throughout a file of `batches`: the
/// partition columns, constant by construction, and those of record fields no record in it has
/// (such as `addendum` or `edgedevicedetails`).
///
/// Their chunks come to a few dozen bytes whatever the codec, yet a zstd chunk costs parquet-rs a
/// compression and a decompression context of its own, and zstd makes each with a `cpuid`
/// instruction, which a virtual machine traps: about 17 µs per chunk here. On 1 M events 1,638 of
/// 5,628 chunks are left uncompressed: ingest CPU −0.7 % in 10 alternating pairs on a quiet
/// machine (−2 % in 10 on a noisy one), the lake 25 kB smaller. (Leaving ten more columns of flags
/// and enumerations uncompressed as well gained nothing measurable.) A field that is absent only
/// below a struct that some records have, such as `webidfederationdata`, still has varying
/// definition levels, which zstd halves: it stays compressed.
fn single_valued_columns(batches: &[RecordBatch]) -> Vec<ColumnPath> {
    let absent = |root: usize| {
        batches
            .iter()
            .all(|b| b.column(root).null_count() == b.num_rows())
    };
    LEAVES
        .iter()
        .filter(|(root, path)| PARTITION_COLUMNS.contains(&path.string().as_str()) || absent(*root))
        .map(|(_, path)| path.clone())
        .collect()
}

/// Every leaf column of the lake schema as Parquet names it, with the index of its top-level field.
static LEAVES: LazyLock<Vec<(usize, ColumnPath)>> = LazyLock::new(|| {
    let parquet = ArrowSchemaConverter::new()
        .convert(&lake_schema())
        .expect("the lake schema converts to Parquet");
    (0..parquet.num_columns())
        .map(|leaf| {
            (
                parquet.get_column_root_idx(leaf),
                parquet.column(leaf).path().clone(),
            )
        })
        .collect()
});

/// A row's place in event-time order: the parsed `_event_ts`, then the `eventtime` text (so rows
/// whose time did not parse are ordered too), NULLs last.
pub type TimeKey<'a> = (bool, Option<i64>, bool, Option<&'a str>);

/// The [`TimeKey`] of a row with this parsed time and time text.
pub fn time_key(millis: Option<i64>, text: Option<&str>) -> TimeKey<'_> {
    (millis.is_none(), millis, text.is_none(), text)
}

/// The sort keys of one batch's rows.
struct TimeKeys<'a> {
    millis: &'a TimestampMillisecondArray,
    text: &'a StringArray,
}

impl<'a> TimeKeys<'a> {
    fn of(batch: &'a RecordBatch) -> Self {
        let column = |name| batch.column_by_name(name).expect("lake schema column");
        TimeKeys {
            millis: column("_event_ts").as_primitive(),
            text: column("eventtime").as_string(),
        }
    }

    fn key(&self, row: usize) -> TimeKey<'a> {
        let millis = self.millis.is_valid(row).then(|| self.millis.value(row));
        let text = self.text.is_valid(row).then(|| self.text.value(row));
        time_key(millis, text)
    }

    fn is_sorted(&self) -> bool {
        (1..self.millis.len()).all(|row| self.key(row - 1) <= self.key(row))
    }
}

/// The rows of `batches` in event-time order (see [`TimeKey`]), as batches to write in turn.
///
/// Ingest decodes each source object in event-time order and delivery files rarely overlap in time,
/// so a partition's batches are usually sorted runs that follow one another: then they are only
/// put in order, and no row is copied. Otherwise the rows are sorted and copied once, into place.
pub fn sort_by_event_time(
    batches: &[RecordBatch],
) -> Result<Vec<RecordBatch>, arrow::error::ArrowError> {
    let mut runs: Vec<(&RecordBatch, TimeKeys)> = batches
        .iter()
        .filter(|b| b.num_rows() > 0)
        .map(|b| (b, TimeKeys::of(b)))
        .collect();
    runs.sort_by(|(_, a), (_, b)| a.key(0).cmp(&b.key(0)));
    let follow_on = runs
        .windows(2)
        .all(|pair| pair[0].1.key(pair[0].0.num_rows() - 1) <= pair[1].1.key(0));
    if follow_on && runs.iter().all(|(_, keys)| keys.is_sorted()) {
        return Ok(runs.into_iter().map(|(b, _)| b.clone()).collect());
    }
    let mut rows: Vec<(usize, usize)> = runs
        .iter()
        .enumerate()
        .flat_map(|(b, (batch, _))| (0..batch.num_rows()).map(move |row| (b, row)))
        .collect();
    rows.sort_by_key(|&(b, row)| runs[b].1.key(row));
    let batches: Vec<&RecordBatch> = runs.iter().map(|(batch, _)| *batch).collect();
    Ok(vec![interleave_record_batch(&batches, &rows)?])
}

/// Writes `batches` (lake schema) sorted by event time to `path`; returns the file's entry, its
/// `path` field set to `relative`.
pub fn write_file(
    batches: &[RecordBatch],
    path: &Path,
    relative: String,
    partition: String,
) -> Result<DataFile, Box<dyn std::error::Error + Send + Sync>> {
    let sorted = sort_by_event_time(batches)?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let file = File::create(path)?;
    let rows: usize = sorted.iter().map(RecordBatch::num_rows).sum();
    let mut writer = ArrowWriter::try_new(file, lake_schema(), Some(properties(&sorted)))?;
    let (mut min, mut max) = (None::<&str>, None::<&str>);
    let mut millis = None::<(i64, i64)>;
    for batch in &sorted {
        writer.write(batch)?;
        let keys = TimeKeys::of(batch);
        min = min.into_iter().chain(min_string(keys.text)).min();
        max = max.into_iter().chain(max_string(keys.text)).max();
        if let (Some(first), Some(last)) = (arrow_min(keys.millis), arrow_max(keys.millis)) {
            millis = Some(millis.map_or((first, last), |(a, b)| (a.min(first), b.max(last))));
        }
    }
    let file = writer.into_inner()?;
    file.sync_all()?;
    Ok(DataFile {
        path: relative,
        rows: rows as u64,
        bytes: file.metadata()?.len(),
        partition,
        min_eventtime: min.map(str::to_string),
        max_eventtime: max.map(str::to_string),
        event_millis: millis,
    })
}

/// Reads a whole lake file back.
pub fn read_file(
    path: &Path,
) -> Result<Vec<RecordBatch>, Box<dyn std::error::Error + Send + Sync>> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path)?)?
        .with_batch_size(8192)
        .build()?;
    Ok(reader.collect::<Result<Vec<_>, _>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::{Content, split};
    use crate::decode::BatchBuilder;
    use parquet::file::reader::{FileReader, SerializedFileReader};

    /// A lake batch of records with these `eventTime`s (`None`: the key is left out), in this order.
    fn batch(times: &[Option<&str>]) -> RecordBatch {
        let records: Vec<String> = times
            .iter()
            .map(|t| match t {
                Some(t) => format!(r#"{{"eventName":"A","eventTime":"{t}"}}"#),
                None => r#"{"eventName":"A"}"#.to_string(),
            })
            .collect();
        decoded(&records)
    }

    /// `records` (JSON texts) as one lake batch.
    fn decoded(records: &[String]) -> RecordBatch {
        let text = format!("[{}]", records.join(","));
        let Ok(Content::Records(records)) = split(text.as_bytes()) else {
            panic!("records")
        };
        let mut builder = BatchBuilder::new();
        for (i, record) in records.iter().enumerate() {
            builder
                .append(record, "s3://b/k", i, (&None, &None))
                .expect("valid JSON");
        }
        builder.finish().0
    }

    fn times(batches: &[RecordBatch]) -> Vec<Option<String>> {
        batches
            .iter()
            .flat_map(|b| {
                let t = b.column_by_name("eventtime").unwrap().as_string::<i32>();
                (0..b.num_rows())
                    .map(|r| t.is_valid(r).then(|| t.value(r).to_string()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    const T1: &str = "2024-05-01T00:00:01Z";
    const T2: &str = "2024-05-01T00:00:02Z";
    const T3: &str = "2024-05-01T00:00:03Z";
    const T4: &str = "2024-05-01T00:00:04Z";

    #[test]
    fn sorted_runs_are_put_in_order_without_copying() {
        let late = batch(&[Some(T3), Some(T4)]);
        let early = batch(&[Some(T1), Some(T2)]);
        let sorted = sort_by_event_time(&[late.clone(), early.clone()]).unwrap();
        assert_eq!(sorted.len(), 2);
        assert_eq!(sorted[0].column(0).to_data(), early.column(0).to_data());
        assert_eq!(
            times(&sorted),
            [T1, T2, T3, T4].map(|t| Some(t.to_string()))
        );
    }

    #[test]
    fn overlapping_or_unsorted_rows_are_sorted_with_nulls_last() {
        let a = batch(&[Some(T1), Some(T3)]);
        let b = batch(&[None, Some("not a time"), Some(T4), Some(T2)]);
        let alone = sort_by_event_time(std::slice::from_ref(&b)).unwrap();
        assert_eq!(
            times(&alone),
            [Some(T2), Some(T4), Some("not a time"), None].map(|t| t.map(str::to_string))
        );
        let sorted = sort_by_event_time(&[a, b]).unwrap();
        assert_eq!(sorted.len(), 1);
        assert_eq!(
            times(&sorted),
            [
                Some(T1),
                Some(T2),
                Some(T3),
                Some(T4),
                Some("not a time"),
                None
            ]
            .map(|t| t.map(str::to_string))
        );
    }

    #[test]
    fn a_file_keeps_its_text_and_its_parsed_time_bounds() {
        let dir = tempfile::tempdir().unwrap();
        let rows = batch(&[Some(T2), Some("not a time"), Some(T1), None]);
        let file = write_file(
            &[rows],
            &dir.path().join("f.parquet"),
            "f".into(),
            "p".into(),
        );
        let file = file.unwrap();
        assert_eq!(file.min_eventtime.as_deref(), Some(T1));
        assert_eq!(file.max_eventtime.as_deref(), Some("not a time"));
        let millis = |t| crate::EventTime::parse(t).unwrap().millis;
        assert_eq!(file.event_millis, Some((millis(T1), millis(T2))));
    }

    #[test]
    fn only_columns_with_one_value_throughout_a_file_go_uncompressed() {
        let records = [
            format!(
                r#"{{"eventTime":"{T1}","eventName":"A","userIdentity":{{"type":"IAMUser","sessionContext":{{"attributes":{{"mfaAuthenticated":"false"}}}}}}}}"#
            ),
            format!(r#"{{"eventTime":"{T2}","eventName":"B","userIdentity":{{"type":"Root"}}}}"#),
        ];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.parquet");
        write_file(&[decoded(&records)], &path, "f".into(), "p".into()).unwrap();
        let reader = SerializedFileReader::new(File::open(&path).unwrap()).unwrap();
        let codec = |column: &str| {
            let chunks = reader.metadata().row_group(0).columns();
            let chunk = chunks.iter().find(|c| c.column_path().string() == column);
            chunk.unwrap_or_else(|| panic!("{column}")).compression()
        };
        for column in [
            "account",
            "date_partition",
            "addendum.reason",
            "insightdetails",
        ] {
            assert_eq!(codec(column), Compression::UNCOMPRESSED, "{column}");
        }
        for column in [
            "eventname",
            "useridentity.type",
            // No record has it, but the structs above it come and go from row to row.
            "useridentity.sessioncontext.webidfederationdata.federatedprovider",
        ] {
            assert!(matches!(codec(column), Compression::ZSTD(_)), "{column}");
        }
    }
}
