//! The real public CloudTrail files ingest exactly as EXPECTED.json says.

use std::collections::{BTreeMap, HashSet};
use std::fs;

use serde_json::Value;
use trawl_ingest::{EventTime, Lake, QuarantineEntry, SourceKind};

use crate::{canonical, exported, ingest_into, walk};

/// The corpus's data folders (the folder itself also holds EXPECTED.json and licences).
const GROUPS: &[&str] = &[
    "aws-cpl",
    "invictus",
    "otel",
    "stratus",
    "trailscraper",
    "umccr",
];

fn ingest_corpus(lake: &std::path::Path, dir: &std::path::Path) -> trawl_ingest::IngestSummary {
    let groups: Vec<_> = GROUPS.iter().map(|g| dir.join(g)).collect();
    ingest_into(
        lake,
        &groups.iter().map(|p| p.as_path()).collect::<Vec<_>>(),
    )
}

fn expected() -> Option<(std::path::PathBuf, Value)> {
    let dir = trawl_testkit::real_data()?;
    let text = fs::read_to_string(dir.join("EXPECTED.json")).unwrap();
    Some((dir, serde_json::from_str(&text).unwrap()))
}

#[test]
fn every_real_file_ingests_as_expected() {
    let Some((dir, expected)) = expected() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let summary = ingest_corpus(tmp.path(), &dir);
    let totals = &expected["totals"];

    // Object-level counts: 33 files, 2 digests skipped, 1 bad file quarantined, 30 read.
    let trail_logs = totals["by_kind"]["trail_log"].as_u64().unwrap();
    assert_eq!(summary.files_read, trail_logs);
    assert_eq!(
        summary.files_digest,
        totals["by_kind"]["digest"].as_u64().unwrap()
    );
    assert_eq!(
        summary.files_quarantined,
        totals["by_kind"]["bad"].as_u64().unwrap()
    );
    assert_eq!(
        summary.files_read + summary.files_digest + summary.files_quarantined,
        33
    );

    // Record counts reconcile.
    let records = totals["records"].as_u64().unwrap();
    assert_eq!(summary.records_read, records);
    assert_eq!(summary.rows_written, records);
    assert_eq!(summary.records_quarantined, 0);
    assert_eq!(
        summary.records_read,
        summary.rows_written + summary.records_quarantined
    );
    let issues = &totals["issues"];
    assert_eq!(
        summary.rows_without_event_time,
        issues["eventTime_missing"].as_u64().unwrap()
            + issues["eventTime_invalid"].as_u64().unwrap()
    );

    // Per file: rows in the lake by source path.
    let lake = Lake::open(tmp.path()).unwrap();
    let manifest = lake.manifest();
    let by_path: BTreeMap<String, &trawl_ingest::SourceEntry> = manifest
        .sources
        .iter()
        .map(|s| {
            (
                s.path
                    .strip_prefix(&format!("{}/", dir.display()))
                    .unwrap()
                    .to_string(),
                s,
            )
        })
        .collect();
    for file in expected["files"].as_array().unwrap() {
        let path = file["path"].as_str().unwrap();
        let entry = by_path
            .get(path)
            .unwrap_or_else(|| panic!("{path} is not in the manifest"));
        match file["kind"].as_str().unwrap() {
            "trail_log" => {
                assert_eq!(entry.kind, SourceKind::TrailLog, "{path}");
                assert_eq!(entry.rows, file["records"].as_u64().unwrap(), "{path}");
            }
            "digest" => assert_eq!(entry.kind, SourceKind::Digest, "{path}"),
            "bad" => assert_eq!(entry.kind, SourceKind::Quarantined, "{path}"),
            other => panic!("unknown kind {other}"),
        }
    }

    // The bad file is quarantined with its reason, position and a copy of its bytes.
    assert_eq!(manifest.quarantine.len(), 1);
    let quarantine = fs::read_to_string(tmp.path().join(&manifest.quarantine[0])).unwrap();
    let entries: Vec<QuarantineEntry> = quarantine
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), 1);
    let bad = &entries[0];
    assert!(
        bad.source
            .ends_with("aws-cpl/SerializerTestFileBadJsonFormat.json")
    );
    assert_eq!(bad.reason, "invalid_json");
    assert_eq!((bad.line, bad.column), (Some(37), Some(9)));
    let copy = tmp.path().join(bad.copy.as_ref().unwrap());
    assert_eq!(
        fs::read(copy).unwrap(),
        fs::read(dir.join("aws-cpl/SerializerTestFileBadJsonFormat.json")).unwrap()
    );

    // Distinct eventIDs and the time span.
    let records = exported(tmp.path());
    let ids: HashSet<&str> = records
        .iter()
        .filter_map(|r| r["eventID"].as_str())
        .collect();
    assert_eq!(
        ids.len() as u64,
        totals["distinct_eventIDs"].as_u64().unwrap()
    );
    let times: Vec<&str> = records
        .iter()
        .filter_map(|r| r["eventTime"].as_str())
        .filter(|t| EventTime::parse(t).is_some())
        .collect();
    assert_eq!(
        times.iter().min().copied(),
        totals["eventTime_min"].as_str()
    );
    assert_eq!(
        times.iter().max().copied(),
        totals["eventTime_max"].as_str()
    );
    // `trawl lake info` shows the same span, which a record's unparsable eventTime does not stretch.
    let millis = |bound: &str| {
        EventTime::parse(totals[bound].as_str().unwrap())
            .unwrap()
            .millis
    };
    assert_eq!(
        Lake::open(tmp.path()).unwrap().manifest().event_span(),
        Some((millis("eventTime_min"), millis("eventTime_max")))
    );
}

#[test]
fn export_is_json_equal_to_the_sources_record_by_record() {
    let Some((dir, expected)) = expected() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    ingest_corpus(tmp.path(), &dir);
    let mut source: Vec<String> = Vec::new();
    for file in expected["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "trail_log")
    {
        let bytes = fs::read(dir.join(file["path"].as_str().unwrap())).unwrap();
        let text = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut out = String::new();
            std::io::Read::read_to_string(
                &mut flate2::read::MultiGzDecoder::new(&bytes[..]),
                &mut out,
            )
            .unwrap();
            out
        } else {
            String::from_utf8(bytes).unwrap()
        };
        let value: Value = serde_json::from_str(&text).unwrap();
        let records = match value {
            Value::Array(a) => a,
            Value::Object(mut o) => match o.remove("Records") {
                Some(Value::Array(a)) => a,
                _ => vec![Value::Object(o)],
            },
            other => panic!("unexpected container {other}"),
        };
        source.extend(records.iter().map(canonical));
    }
    let mut lake: Vec<String> = exported(tmp.path()).iter().map(canonical).collect();
    source.sort();
    lake.sort();
    assert_eq!(lake.len(), source.len());
    for (a, b) in lake.iter().zip(&source) {
        assert_eq!(a, b);
    }
}

#[test]
fn rerun_and_copies_under_another_path_add_nothing() {
    let Some((dir, _)) = expected() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let lake = tmp.path().join("lake");
    let first = ingest_into(&lake, &[&dir.join("invictus")]);
    assert_eq!(first.rows_written, 576);
    let again = ingest_into(&lake, &[&dir.join("invictus")]);
    assert_eq!((again.files_already_ingested, again.rows_written), (5, 0));

    let copy = tmp.path().join("copied-by-hand");
    fs::create_dir(&copy).unwrap();
    for entry in walk(&dir.join("invictus")) {
        fs::copy(&entry, copy.join(entry.file_name().unwrap())).unwrap();
    }
    let copied = ingest_into(&lake, &[&copy]);
    assert_eq!((copied.files_already_ingested, copied.rows_written), (5, 0));
    assert_eq!(exported(&lake).len(), 576);
}
