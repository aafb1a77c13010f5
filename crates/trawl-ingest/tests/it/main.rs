//! Integration tests of the ingest crate: the real corpus, round trips, generated data.

mod bloom_filters;
mod real_corpus;
mod sort_order;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use trawl_ingest::{ExportFilter, IngestOptions, IngestSummary, Lake, export, ingest};

/// Ingests `sources` into `lake` with small buffers, so flushing and compaction paths run too.
pub fn ingest_into(lake: &Path, sources: &[&Path]) -> IngestSummary {
    ingest(&IngestOptions {
        lake: lake.to_path_buf(),
        sources: sources.iter().map(|p| p.to_path_buf()).collect(),
        threads: 2,
        memory_limit: 64 << 20,
        progress: None,
    })
    .expect("ingest runs")
}

/// A folder of `records` generated events over two days, in CloudTrail's delivery layout.
pub fn generated_trails(records: u64, seed: u64) -> tempfile::TempDir {
    let trails = tempfile::tempdir().unwrap();
    trawl_gen::generate(
        &trawl_gen::GenConfig {
            records,
            seed,
            days: 2,
            ..trawl_gen::GenConfig::default()
        },
        trails.path(),
    )
    .unwrap();
    trails
}

/// Every exported record, parsed.
pub fn exported(lake: &Path) -> Vec<Value> {
    let mut out = Vec::new();
    export(
        &Lake::open(lake).unwrap(),
        &ExportFilter::default(),
        &mut out,
    )
    .unwrap();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// A JSON value's text with object keys sorted at every depth: equal texts mean JSON-equal values.
pub fn canonical(v: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let sorted: BTreeMap<_, _> = m.iter().map(|(k, v)| (k.clone(), sort(v))).collect();
                Value::Object(sorted.into_iter().collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    sort(v).to_string()
}

/// Every file under `dir`, at any depth.
pub fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}
