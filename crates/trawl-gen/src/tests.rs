//! End-to-end tests of [`crate::generate`]: they write real delivery files and read them back with flate2 and
//! serde_json, as an ingester would.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

use crate::{GenConfig, generate, planted_incident};

/// One delivery file read back.
struct Delivered {
    /// Path relative to the output root.
    key: String,
    records: Vec<Value>,
}

fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("readable dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn read_all(root: &Path) -> Vec<Delivered> {
    files_under(root)
        .into_iter()
        .map(|path| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(fs::File::open(&path).expect("open"))
                .read_to_string(&mut text)
                .expect("valid gzip of UTF-8");
            let doc: Value = serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not valid JSON: {e}", path.display()));
            let records = doc["Records"].as_array().expect("Records array").clone();
            let key = path
                .strip_prefix(root)
                .expect("under root")
                .to_string_lossy()
                .replace('\\', "/");
            Delivered { key, records }
        })
        .collect()
}

fn gen_into(cfg: &GenConfig) -> (tempfile::TempDir, crate::GenSummary) {
    let dir = tempfile::tempdir().expect("temp dir");
    let summary = generate(cfg, dir.path()).expect("generate");
    (dir, summary)
}

fn event_time(r: &Value) -> DateTime<Utc> {
    let text = r["eventTime"].as_str().expect("eventTime string");
    assert_eq!(text.len(), 20, "{text}");
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%SZ")
        .expect("eventTime layout")
        .and_utc()
}

/// The identity an analyst would group authorization failures by.
fn identity_key(r: &Value) -> String {
    let u = &r["userIdentity"];
    u["arn"]
        .as_str()
        .or_else(|| u["principalId"].as_str())
        .or_else(|| u["invokedBy"].as_str())
        .unwrap_or("?")
        .to_string()
}

fn is_auth_failure(r: &Value) -> bool {
    matches!(
        r["errorCode"].as_str(),
        Some("AccessDenied" | "Client.UnauthorizedOperation" | "UnauthorizedOperation")
    )
}

#[test]
fn output_is_byte_identical_across_runs_and_thread_counts() {
    let cfg = GenConfig {
        records: 6_000,
        seed: 7,
        threads: 1,
        ..GenConfig::default()
    };
    let (a, sa) = gen_into(&cfg);
    let (b, sb) = gen_into(&GenConfig {
        threads: 3,
        ..cfg.clone()
    });
    assert_eq!(sa, sb);
    let fa = files_under(a.path());
    let fb = files_under(b.path());
    assert_eq!(fa.len() as u64, sa.files);
    let rel = |root: &Path, v: &[PathBuf]| -> Vec<PathBuf> {
        v.iter()
            .map(|p| p.strip_prefix(root).expect("under root").to_path_buf())
            .collect()
    };
    assert_eq!(rel(a.path(), &fa), rel(b.path(), &fb));
    for (x, y) in fa.iter().zip(&fb) {
        assert!(
            fs::read(x).expect("read") == fs::read(y).expect("read"),
            "{} differs",
            x.display()
        );
    }
    // A different seed gives different data.
    let (c, _) = gen_into(&GenConfig { seed: 8, ..cfg });
    assert_ne!(rel(a.path(), &fa), rel(c.path(), &files_under(c.path())));
}

#[test]
fn files_follow_the_s3_layout_and_records_are_well_formed() {
    let cfg = GenConfig {
        records: 10_000,
        ..GenConfig::default()
    };
    let (dir, summary) = gen_into(&cfg);
    let files = read_all(dir.path());
    assert_eq!(summary.files, files.len() as u64);
    assert_eq!(summary.records, 10_000);
    assert!(summary.json_bytes > summary.gzip_bytes * 3);

    let start = NaiveDate::from_ymd_opt(2024, 5, 1)
        .expect("date")
        .and_hms_opt(0, 0, 0)
        .expect("time")
        .and_utc();
    let end = start + chrono::Duration::days(7);
    let mut ids = HashSet::new();
    let mut accounts = HashSet::new();
    let mut regions = HashSet::new();
    let mut identity_types = HashSet::new();
    let (mut total, mut errors, mut with_resources, mut unsorted_files) = (0u64, 0u64, 0u64, 0u64);
    let mut versions = HashSet::new();
    let mut lags = Vec::new();
    for f in &files {
        // AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<name>
        let parts: Vec<&str> = f.key.split('/').collect();
        assert_eq!(parts.len(), 8, "{}", f.key);
        assert_eq!((parts[0], parts[2]), ("AWSLogs", "CloudTrail"), "{}", f.key);
        let (acct, region) = (parts[1], parts[3]);
        assert!(
            acct.len() == 12 && acct.bytes().all(|b| b.is_ascii_digit()),
            "{acct}"
        );
        let name = parts[7].strip_suffix(".json.gz").expect("json.gz suffix");
        let fields: Vec<&str> = name.split('_').collect();
        assert_eq!(fields.len(), 5, "{name}");
        assert_eq!(
            (fields[0], fields[1], fields[2]),
            (acct, "CloudTrail", region),
            "{name}"
        );
        let stamp = NaiveDateTime::parse_from_str(fields[3], "%Y%m%dT%H%MZ")
            .expect("stamp")
            .and_utc();
        assert_eq!(
            stamp.format("%Y/%m/%d").to_string(),
            parts[4..7].join("/"),
            "{}",
            f.key
        );
        assert!(
            fields[4].len() == 16 && fields[4].bytes().all(|b| b.is_ascii_alphanumeric()),
            "{name}"
        );
        accounts.insert(acct.to_string());
        regions.insert(region.to_string());

        assert!(
            (1..=1000).contains(&f.records.len()),
            "{}: {}",
            f.key,
            f.records.len()
        );
        let mut times = Vec::new();
        for r in &f.records {
            total += 1;
            let t = event_time(r);
            assert!(t >= start && t < end, "{t} outside the configured days");
            assert!(t <= stamp, "{t} after delivery stamp {stamp} in {}", f.key);
            times.push(t);
            assert_eq!(r["recipientAccountId"], acct);
            assert_eq!(r["awsRegion"], region);
            assert!(
                ids.insert(r["eventID"].as_str().expect("eventID").to_string()),
                "duplicate eventID"
            );
            assert_eq!(r["eventID"].as_str().map(str::len), Some(36));
            for key in [
                "eventSource",
                "eventName",
                "sourceIPAddress",
                "userAgent",
                "eventType",
                "eventCategory",
            ] {
                assert!(r[key].is_string(), "{key} missing in {r}");
            }
            assert!(
                r["readOnly"].is_boolean() && r["managementEvent"].is_boolean(),
                "{r}"
            );
            assert!(r.get("requestParameters").is_some() && r.get("responseElements").is_some());
            assert!(r["requestParameters"].is_object() || r["requestParameters"].is_null());
            versions.insert(
                r["eventVersion"]
                    .as_str()
                    .expect("eventVersion")
                    .to_string(),
            );
            identity_types.insert(
                r["userIdentity"]["type"]
                    .as_str()
                    .unwrap_or("<none>")
                    .to_string(),
            );
            if r.get("errorCode").is_some() {
                errors += 1;
                assert!(r["errorMessage"].is_string(), "{r}");
                assert!(r["responseElements"].is_null(), "{r}");
            } else {
                assert!(r.get("errorMessage").is_none(), "{r}");
            }
            if let Some(res) = r.get("resources") {
                with_resources += 1;
                for item in res.as_array().expect("resources array") {
                    assert!(
                        item["ARN"]
                            .as_str()
                            .is_some_and(|a| a.starts_with("arn:aws:")),
                        "{item}"
                    );
                    assert!(
                        item["type"]
                            .as_str()
                            .is_some_and(|t| t.starts_with("AWS::")),
                        "{item}"
                    );
                }
            }
            if r["eventCategory"] == "Data" {
                assert_eq!(r["managementEvent"], false);
            }
            if let Some(v) = r.get("sessionCredentialFromConsole") {
                assert_eq!(v, "true");
            }
        }
        if times.windows(2).any(|w| w[0] > w[1]) {
            unsorted_files += 1;
        }
        let newest = times.iter().max().expect("non-empty file");
        let lag = (stamp - *newest).num_seconds();
        assert!(
            lag >= 300,
            "{}: delivered {lag} s after its newest event",
            f.key
        );
        lags.push(lag);
    }
    assert_eq!(total, 10_000);
    assert_eq!(ids.len(), 10_000);
    assert_eq!(accounts.len(), 3);
    assert_eq!(regions.len(), 4);
    assert!(regions.contains("us-east-1"));
    for t in [
        "IAMUser",
        "AssumedRole",
        "Root",
        "AWSService",
        "FederatedUser",
        "IdentityCenterUser",
        "<none>",
    ] {
        assert!(
            identity_types.contains(t),
            "no {t} identity in {identity_types:?}"
        );
    }
    assert!(
        versions.contains("1.08") && versions.contains("1.09"),
        "{versions:?}"
    );
    let error_share = errors as f64 / total as f64;
    assert!(
        (0.03..0.10).contains(&error_share),
        "error share {error_share}"
    );
    let resource_share = with_resources as f64 / total as f64;
    assert!(
        (0.30..0.55).contains(&resource_share),
        "resources share {resource_share}"
    );
    assert!(
        unsorted_files * 2 > files.len() as u64,
        "records should not be time-sorted"
    );
    lags.sort_unstable();
    let median = lags[lags.len() / 2];
    assert!(
        (300..=1020).contains(&median),
        "median delivery lag {median} s"
    );
}

#[test]
fn planted_user_tops_authorization_failures_and_makes_the_sensitive_calls() {
    for records in [2_000u64, 20_000] {
        let cfg = GenConfig {
            records,
            seed: 1234,
            ..GenConfig::default()
        };
        let incident = planted_incident(&cfg).expect("incident planted by default");
        let (dir, summary) = gen_into(&cfg);
        assert_eq!(summary.records, records);
        let files = read_all(dir.path());

        let mut denied: HashMap<String, u64> = HashMap::new();
        let mut from_attacker_ip = 0u64;
        let mut mentions = 0u64;
        let mut sensitive_ok = Vec::new();
        for r in files.iter().flat_map(|f| &f.records) {
            if is_auth_failure(r) {
                *denied.entry(identity_key(r)).or_default() += 1;
            }
            if r["sourceIPAddress"] == incident.source_ip.as_str() {
                from_attacker_ip += 1;
                assert_eq!(r["userIdentity"]["arn"], incident.arn.as_str());
                assert_eq!(
                    r["userIdentity"]["accessKeyId"],
                    incident.access_key_id.as_str()
                );
                assert_eq!(r["userAgent"], incident.user_agent.as_str());
                assert_eq!(r["recipientAccountId"], incident.account.as_str());
                let t = event_time(r);
                assert!(t >= incident.start && t <= incident.end);
                if r.get("errorCode").is_none() && r["readOnly"] == false {
                    sensitive_ok.push(r["eventName"].as_str().expect("name").to_string());
                    assert!(r.to_string().contains(&incident.backdoor_user), "{r}");
                }
            }
            if r.to_string().contains(&incident.user_name) {
                mentions += 1;
            }
        }
        assert_eq!(
            from_attacker_ip, incident.events,
            "attacker IP must be unique to the incident"
        );
        assert!(
            mentions >= incident.events,
            "free-text search for the user name finds its events"
        );
        let mut ranking: Vec<(u64, String)> = denied.into_iter().map(|(k, v)| (v, k)).collect();
        ranking.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(ranking[0].1, incident.arn, "{records}: {:?}", &ranking[..3]);
        assert!(ranking[0].0 >= incident.denied_events);
        assert!(
            ranking[0].0 >= 3 * ranking[1].0,
            "{records}: {:?}",
            &ranking[..3]
        );
        let start = incident.start.timestamp();
        assert!(incident.end.timestamp() - start <= 45 * 60);

        let mut expected = incident.sensitive_calls.clone();
        let mut got = sensitive_ok.clone();
        expected.sort();
        got.sort();
        assert_eq!(got, expected);
        for name in [
            "CreateAccessKey",
            "CreateUser",
            "CreateLoginProfile",
            "PutUserPolicy",
            "AttachUserPolicy",
        ] {
            assert!(sensitive_ok.iter().any(|n| n == name), "{name} missing");
        }
    }
}

#[test]
fn incident_can_be_disabled_and_needs_enough_records() {
    let off = GenConfig {
        records: 3_000,
        incident: false,
        ..GenConfig::default()
    };
    assert!(planted_incident(&off).is_none());
    let small = GenConfig {
        records: 500,
        ..GenConfig::default()
    };
    assert!(planted_incident(&small).is_none());
    let (dir, summary) = gen_into(&small);
    assert_eq!(summary.records, 500);
    let on = planted_incident(&GenConfig {
        records: 3_000,
        ..GenConfig::default()
    })
    .expect("planted");
    let (dir_off, _) = gen_into(&off);
    for d in [dir.path(), dir_off.path()] {
        let attacker = read_all(d)
            .iter()
            .flat_map(|f| f.records.iter())
            .filter(|r| r["sourceIPAddress"] == on.source_ip.as_str())
            .count();
        assert_eq!(attacker, 0);
    }
    assert_eq!(on.denied_events, 150);
    assert_eq!(
        on.events,
        on.denied_events + on.successful_reads + on.sensitive_calls.len() as u64
    );
}

#[test]
fn midnight_deliveries_hold_the_previous_days_events() {
    let cfg = GenConfig {
        records: 60_000,
        accounts: 1,
        regions: 1,
        days: 3,
        incident: false,
        ..GenConfig::default()
    };
    let (dir, _) = gen_into(&cfg);
    let mut crossing = 0;
    let mut per_day: BTreeMap<String, u64> = BTreeMap::new();
    for f in read_all(dir.path()) {
        let folder = f
            .key
            .split('/')
            .skip(4)
            .take(3)
            .collect::<Vec<_>>()
            .join("/");
        for r in &f.records {
            let day = event_time(r).format("%Y/%m/%d").to_string();
            *per_day.entry(day.clone()).or_default() += 1;
            if day != folder {
                crossing += 1;
            }
        }
    }
    assert!(
        crossing > 0,
        "no file delivered after midnight holds the previous day's events"
    );
    assert_eq!(per_day.len(), 3, "{per_day:?}");
}

#[test]
fn invalid_configurations_are_rejected_with_the_field_named() {
    let cases = [
        (
            GenConfig {
                accounts: 0,
                ..GenConfig::default()
            },
            "accounts",
        ),
        (
            GenConfig {
                regions: 13,
                ..GenConfig::default()
            },
            "regions",
        ),
        (
            GenConfig {
                days: 0,
                ..GenConfig::default()
            },
            "days",
        ),
        (
            GenConfig {
                records_per_file: 0..=10,
                ..GenConfig::default()
            },
            "records_per_file",
        ),
        (
            GenConfig {
                records_per_file: std::ops::RangeInclusive::new(10, 5),
                ..GenConfig::default()
            },
            "records_per_file",
        ),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    for (cfg, field) in cases {
        let err = generate(&cfg, dir.path()).expect_err("must be rejected");
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains(field), "{err}");
    }
    assert!(files_under(dir.path()).is_empty());
}

#[test]
fn custom_file_sizes_and_zero_records() {
    let cfg = GenConfig {
        records: 2_345,
        records_per_file: 10..=50,
        incident: false,
        ..GenConfig::default()
    };
    let (dir, summary) = gen_into(&cfg);
    let files = read_all(dir.path());
    assert_eq!(
        files.iter().map(|f| f.records.len() as u64).sum::<u64>(),
        2_345
    );
    assert!(files.iter().all(|f| (10..=50).contains(&f.records.len())));
    assert_eq!(summary.files, files.len() as u64);
    let (empty, summary) = gen_into(&GenConfig { records: 0, ..cfg });
    assert_eq!(summary, crate::GenSummary::default());
    assert!(files_under(empty.path()).is_empty());
}
