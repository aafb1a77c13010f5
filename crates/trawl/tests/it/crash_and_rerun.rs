//! `kill -9` during an ingest leaves the lake as before or after the run; re-runs and copies under
//! another path add nothing.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use trawl_ingest::Lake;

use crate::{event_ids, generate, trawl};

const RECORDS: u64 = 30_000;

fn committed_rows(lake: &Path) -> u64 {
    match Lake::open(lake) {
        Ok(l) => l.manifest().files.iter().map(|f| f.rows).sum(),
        Err(_) => 0,
    }
}

#[test]
fn kill_at_any_moment_then_rerun_gives_exact_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, lake) = (tmp.path().join("src"), tmp.path().join("lake"));
    generate(&src, RECORDS, 11);
    for delay_ms in [5, 30, 80, 150, 250, 400, 700] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_trawl"))
            .args([
                "ingest",
                "--quiet",
                "--lake",
                lake.to_str().unwrap(),
                src.to_str().unwrap(),
            ])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let rows = committed_rows(&lake);
        assert!(
            rows == 0 || rows == RECORDS,
            "after a kill at {delay_ms} ms the lake holds {rows} rows"
        );
        if rows == RECORDS {
            break;
        }
    }
    let out = trawl(&[
        "ingest",
        "--quiet",
        "--json",
        "--lake",
        lake.to_str().unwrap(),
        src.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(committed_rows(&lake), RECORDS);
    let (count, ids) = event_ids(&lake);
    assert_eq!((count, ids.len()), (RECORDS as usize, RECORDS as usize));
    // No staging debris is left behind.
    assert!(!lake.join("_trawl/staging").exists());
}

#[test]
fn rerun_and_copy_under_another_path_add_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (src, lake) = (tmp.path().join("src"), tmp.path().join("lake"));
    generate(&src, 5_000, 3);
    let summary = ingest_summary(&lake, &src);
    assert_eq!(summary["rows_written"], 5_000);
    let summary = ingest_summary(&lake, &src);
    assert_eq!(summary["rows_written"], 0);
    assert_eq!(summary["files_already_ingested"], summary["files_found"]);

    let moved = tmp.path().join("elsewhere");
    std::fs::rename(&src, &moved).unwrap();
    let summary = ingest_summary(&lake, &moved);
    assert_eq!(summary["rows_written"], 0);
    let (count, ids) = event_ids(&lake);
    assert_eq!((count, ids.len()), (5_000, 5_000));
}

/// `trawl ingest --quiet --json --lake LAKE SOURCE`'s summary.
fn ingest_summary(lake: &Path, source: &Path) -> serde_json::Value {
    let out = trawl(&[
        "ingest",
        "--quiet",
        "--json",
        "--lake",
        lake.to_str().unwrap(),
        source.to_str().unwrap(),
    ]);
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_bad_file_is_quarantined_and_the_exit_code_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir(&src).unwrap();
    std::fs::write(src.join("good.json"), r#"{"Records":[{"eventVersion":"1.08","eventTime":"2024-05-01T00:00:00Z","eventName":"A"}, 7]}"#).unwrap();
    std::fs::write(src.join("truncated.json.gz"), [0x1f, 0x8b, 8, 0, 0, 0]).unwrap();
    let out = trawl(&[
        "ingest",
        "--json",
        "--lake",
        tmp.path().join("lake").to_str().unwrap(),
        src.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(3));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            summary["records_read"].as_u64(),
            summary["rows_written"].as_u64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(
        (
            summary["records_quarantined"].as_u64(),
            summary["files_quarantined"].as_u64()
        ),
        (Some(1), Some(1))
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("quarantine"), "{stderr}");
}
