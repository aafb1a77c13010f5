//! Criterion benchmarks of ingest's hot paths, one core each: gzip inflate, splitting
//! `{"Records":[...]}` into raw records, decoding records into Arrow, the three together, and
//! encoding the decoded rows as one lake Parquet file (sort, zstd, statistics, bloom filters).
//!
//! The corpus is `TRAWL_BENCH_TRAILS`, a folder of `*.json.gz` delivery files (for instance from
//! `trawl gen --records 200000 /tmp/trails`; the first `TRAWL_BENCH_FILES` of them in path order,
//! default 64), else the real sample files beside the repository (`shared/data/real`). Files that
//! do not split into records (digests, malformed files) are left out. `benches/bench.py` runs this on
//! its own corpus to measure the decompress + parse ceiling that trawl's ingest is compared with.
//!
//! ```text
//! TRAWL_BENCH_TRAILS=/tmp/trails cargo bench -p trawl-ingest --bench hot_paths
//! ```

use std::hint::black_box;
use std::path::{Path, PathBuf};

use arrow::record_batch::RecordBatch;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use trawl_ingest::{BatchBuilder, Content, Records, write_file};

/// The gzip'd delivery files the benchmarks run on.
struct Corpus {
    gzip: Vec<Vec<u8>>,
    json: Vec<Vec<u8>>,
    records: u64,
}

impl Corpus {
    fn load() -> Corpus {
        let (dir, limit) = match std::env::var_os("TRAWL_BENCH_TRAILS") {
            Some(dir) => (PathBuf::from(dir), env_number("TRAWL_BENCH_FILES", 64)),
            None => (
                trawl_testkit::real_data().expect(
                    "set TRAWL_BENCH_TRAILS to a folder of *.json.gz delivery files (e.g. from `trawl gen`)",
                ),
                u64::MAX,
            ),
        };
        let gzip: Vec<Vec<u8>> = trail_paths(&dir)
            .iter()
            .map(|p| {
                std::fs::read(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
            })
            .filter(|g| is_delivery(g))
            .take(usize::try_from(limit).unwrap_or(usize::MAX))
            .collect();
        assert!(
            !gzip.is_empty(),
            "no *.json.gz delivery files under {} to benchmark",
            dir.display()
        );
        let json: Vec<Vec<u8>> = gzip
            .iter()
            .map(|g| inflate(g, &mut Vec::new()).to_vec())
            .collect();
        let records = json.iter().map(|j| split(j).len() as u64).sum();
        Corpus {
            gzip,
            json,
            records,
        }
    }

    fn json_bytes(&self) -> u64 {
        self.json.iter().map(|j| j.len() as u64).sum()
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .unwrap_or_else(|_| panic!("{name}={text} is not a whole number")),
        Err(_) => default,
    }
}

/// Every `*.json.gz` under `dir`, in path order.
fn trail_paths(dir: &Path) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    collect(dir, &mut paths);
    paths.sort();
    paths
}

/// Whether `gzip` inflates to a well-formed `{"Records":[...]}` document.
fn is_delivery(gzip: &[u8]) -> bool {
    trawl_ingest::inflate(gzip, &mut Vec::new())
        .is_ok_and(|json| matches!(trawl_ingest::split(json), Ok(Content::Records(_))))
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.to_string_lossy().ends_with(".json.gz") {
            out.push(path);
        }
    }
}

fn inflate<'a>(gzip: &'a [u8], buffer: &'a mut Vec<u8>) -> &'a [u8] {
    trawl_ingest::inflate(gzip, buffer).expect("valid gzip")
}

fn split(json: &[u8]) -> Records<'_> {
    match trawl_ingest::split(json) {
        Ok(Content::Records(records)) => records,
        _ => panic!("not a delivery file"),
    }
}

fn decode(json: &[u8], builder: &mut BatchBuilder) -> usize {
    decode_batch(json, builder).num_rows()
}

fn decode_batch(json: &[u8], builder: &mut BatchBuilder) -> RecordBatch {
    let none = None;
    let records = split(json);
    // As ingest does: room for the object's records, after what earlier objects held per record.
    builder.reserve(records.len());
    for (i, record) in records.iter().enumerate() {
        black_box(builder.append(record, "bench.json.gz", i, (&none, &none))).expect("valid JSON");
    }
    builder.finish().0
}

fn hot_paths(c: &mut Criterion) {
    let corpus = Corpus::load();
    let mut group = c.benchmark_group("ingest");
    group.sample_size(10);

    group.throughput(Throughput::Bytes(corpus.json_bytes()));
    group.bench_function("inflate", |b| {
        let mut buffer = Vec::new();
        b.iter(|| {
            corpus
                .gzip
                .iter()
                .map(|g| inflate(g, &mut buffer).len())
                .sum::<usize>()
        })
    });

    group.throughput(Throughput::Elements(corpus.records));
    group.bench_function("split", |b| {
        b.iter(|| corpus.json.iter().map(|j| split(j).len()).sum::<usize>())
    });
    group.bench_function("split_decode", |b| {
        let mut builder = BatchBuilder::new();
        b.iter(|| {
            corpus
                .json
                .iter()
                .map(|j| decode(j, &mut builder))
                .sum::<usize>()
        })
    });
    group.bench_function("inflate_split_decode", |b| {
        let (mut builder, mut buffer) = (BatchBuilder::new(), Vec::new());
        b.iter(|| {
            corpus
                .gzip
                .iter()
                .map(|g| decode(inflate(g, &mut buffer), &mut builder))
                .sum::<usize>()
        })
    });
    group.bench_function("encode_parquet", |b| {
        let mut builder = BatchBuilder::new();
        let batches: Vec<RecordBatch> = corpus
            .json
            .iter()
            .map(|j| decode_batch(j, &mut builder))
            .collect();
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bench.parquet");
        b.iter(|| {
            write_file(&batches, &path, "bench.parquet".into(), "bench".into())
                .expect("writes")
                .rows
        })
    });
    group.finish();
}

criterion_group!(benches, hot_paths);
criterion_main!(benches);
