//! The benchmark harness (benches/) runs its own tests, including a `--quick` benchmark run,
//! against the binary under test, so the harness never rots.

use std::path::Path;
use std::process::Command;

use crate::python_with;

#[test]
fn harness_tests_and_quick_run_pass() {
    let Some(python) = python_with(&["duckdb"]) else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(&python)
        .args(["-m", "unittest", "discover", "-s", "benches/tests"])
        .current_dir(&root)
        .env("TRAWL_BIN", env!("CARGO_BIN_EXE_trawl"))
        .env("TRAWL_PYTHON", &python)
        .output()
        .expect("python runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "benches/tests failed:\n{stderr}");
    assert!(
        !stderr.contains("skipped"),
        "a harness test was skipped:\n{stderr}"
    );
}
