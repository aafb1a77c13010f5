//! Test helpers shared by trawl's crates.
//!
//! The real CloudTrail corpus lives beside the repository in `../shared/data/real` (CI always has
//! it; a user's clone does not). Every test reaches it through [`real_data`].

use std::path::PathBuf;

/// The folder of real public CloudTrail files (`shared/data/real`), found beside the workspace.
///
/// Returns `None`, after printing why, when the folder is missing, so the calling test can skip.
/// Under CI (`CI=true`) a missing folder is a failure instead: there it must be present.
pub fn real_data() -> Option<PathBuf> {
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dir = workspace.join("../shared/data/real");
    if dir.join("EXPECTED.json").is_file() {
        return Some(dir.canonicalize().unwrap_or(dir));
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI=true but the real CloudTrail corpus is missing at {}",
            dir.display()
        );
    }
    eprintln!(
        "skipping: the real CloudTrail corpus is not at {} (it ships beside the repo in CI)",
        dir.display()
    );
    None
}

/// The workspace's own fixtures folder (`testdata/`).
pub fn testdata() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../testdata")
}

/// A lake ingested by the real `trawl_ingest::ingest` into a temporary folder.
pub struct TestLake {
    /// The folder holding the lake (`<dir>/lake`); removed when dropped.
    pub dir: tempfile::TempDir,
    /// The lake's committed Parquet files.
    pub files: Vec<PathBuf>,
    /// What the ingest did.
    pub summary: trawl_ingest::IngestSummary,
}

/// Ingests `sources` (files or folders) into a new lake, on a thread of its own so that async
/// tests can call it (ingest runs its own runtime). Panics when the ingest fails.
pub fn ingest(sources: Vec<PathBuf>) -> TestLake {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("lake");
    let options = trawl_ingest::IngestOptions {
        lake: root.clone(),
        sources,
        threads: 1,
        ..Default::default()
    };
    let summary = std::thread::spawn(move || trawl_ingest::ingest(&options))
        .join()
        .expect("ingest thread")
        .unwrap_or_else(|e| panic!("ingest failed: {e}"));
    let files = trawl_ingest::Lake::open(&root)
        .expect("open the lake")
        .data_files();
    TestLake {
        dir,
        files,
        summary,
    }
}

/// Generates trails with `cfg` (trawl-gen) and ingests them into a new lake.
pub fn generated(cfg: &trawl_gen::GenConfig) -> TestLake {
    let trails = tempfile::tempdir().expect("temp dir");
    trawl_gen::generate(cfg, trails.path()).unwrap_or_else(|e| panic!("generate: {e}"));
    ingest(vec![trails.path().to_path_buf()])
}

/// A generated lake of `records` events (trawl-gen's defaults, seed 7, the incident planted).
pub fn generated_records(records: u64) -> TestLake {
    generated(&trawl_gen::GenConfig {
        records,
        seed: 7,
        ..trawl_gen::GenConfig::default()
    })
}
