//! End-to-end tests of the `trawl` binary.

mod bench_harness;
mod crash_and_rerun;
mod other_engines;

use std::path::Path;
use std::process::{Command, Output};

/// Runs `trawl ARGS…` to completion.
pub fn trawl(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trawl"))
        .args(args)
        .output()
        .expect("the trawl binary runs")
}

/// Generates `records` synthetic events into `dir`.
pub fn generate(dir: &Path, records: u64, seed: u64) {
    let out = trawl(&[
        "gen",
        "--records",
        &records.to_string(),
        "--seed",
        &seed.to_string(),
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "gen failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every exported record's eventID, and the number of records.
pub fn event_ids(lake: &Path) -> (usize, std::collections::HashSet<String>) {
    let out = trawl(&["export", "--lake", lake.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let ids = text
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["eventID"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    (text.lines().count(), ids)
}

/// The Python that has duckdb and pyarrow (`$TRAWL_PYTHON`, set by .ci/run), else `python3`.
pub fn python_with(modules: &[&str]) -> Option<String> {
    let python = std::env::var("TRAWL_PYTHON").unwrap_or_else(|_| "python3".into());
    let probe = format!("import {}", modules.join(", "));
    let ok = Command::new(&python)
        .args(["-c", &probe])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        return Some(python);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but {python} cannot import {modules:?}; .ci/run installs them");
    }
    eprintln!("skipping: {python} cannot import {modules:?} (pip install duckdb pyarrow)");
    None
}
