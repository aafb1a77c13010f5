//! The HTML report in headless Chromium: bars and labels render, and nothing is fetched.

use std::path::Path;
use std::process::Command;

use trawl_report::{RenderOptions, render};

use crate::support::{engine, incident_lake, run_playbook};

const CHROMIUM: &str = "/usr/bin/chromium";

fn chromium(profile: &Path, args: &[String]) -> std::process::Output {
    let mut cmd = Command::new(CHROMIUM);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ]);
    cmd.arg(format!("--user-data-dir={}", profile.display()));
    cmd.args(args);
    cmd.output().expect("run chromium")
}

/// URLs of the requests the page made (its top-frame site is `file://`), from Chromium's net log;
/// the browser's own background requests have another isolation key and are left out.
fn page_requests(net_log: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(net_log).expect("chromium wrote the net log");
    // Chromium may exit before closing the JSON document.
    let text = text.trim_end().trim_end_matches(',');
    let log: serde_json::Value = serde_json::from_str(text)
        .or_else(|_| serde_json::from_str(&format!("{text}]}}")))
        .expect("the net log is JSON");
    let start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].clone();
    log["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["type"] == start_job)
        .filter(|e| {
            e["params"]["network_isolation_key"]
                .as_str()
                .is_some_and(|k| k.starts_with("file://"))
        })
        .filter_map(|e| e["params"]["url"].as_str().map(String::from))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn report_renders_in_chromium_without_network() {
    if !Path::new(CHROMIUM).exists() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but {CHROMIUM} is missing; .ci/run installs it"
        );
        eprintln!("skipped: {CHROMIUM} is not installed (apt-get install -y chromium)");
        return;
    }
    let lake = incident_lake();
    let engine = engine(&lake).await;
    let report = run_playbook(&engine, "unusual-api-activity", &[]).await;
    let html = render::html(&report, &RenderOptions::default()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let page = out.path().join("report.html");
    std::fs::write(&page, &html).unwrap();
    let url = format!("file://{}", page.display());
    let net_log = out.path().join("net-log.json");

    let dom = chromium(
        &out.path().join("profile-dom"),
        &[
            format!("--log-net-log={}", net_log.display()),
            "--dump-dom".into(),
            url.clone(),
        ],
    );
    let dom = String::from_utf8_lossy(&dom.stdout);
    let bars: usize = report
        .steps
        .iter()
        .filter_map(|s| s.chart.as_ref())
        .map(|c| c.bars.len())
        .sum();
    assert!(bars > 0);
    assert_eq!(
        dom.matches("<rect class=\"bar\"").count(),
        bars,
        "bars in the rendered DOM"
    );
    assert!(
        dom.contains(&lake.incident.user_name),
        "the user's name is rendered"
    );
    assert!(dom.contains("Top 10 Failed API Calls"));

    let fetched = page_requests(&net_log);
    assert!(fetched.is_empty(), "the report fetched {fetched:?}");

    // The detector itself works: a page with a remote image shows up in its net log.
    let control = out.path().join("control.html");
    std::fs::write(
        &control,
        "<!DOCTYPE html><img src=\"http://fetch.invalid/x.png\">",
    )
    .unwrap();
    let control_log = out.path().join("control-net-log.json");
    chromium(
        &out.path().join("profile-control"),
        &[
            format!("--log-net-log={}", control_log.display()),
            "--dump-dom".into(),
            format!("file://{}", control.display()),
        ],
    );
    assert_eq!(page_requests(&control_log), ["http://fetch.invalid/x.png"]);

    let png = out.path().join("report.png");
    chromium(
        &out.path().join("profile-shot"),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,4000".into(),
            url,
        ],
    );
    let shot = std::fs::read(&png).expect("chromium wrote the screenshot");
    assert!(shot.starts_with(b"\x89PNG"), "a PNG screenshot");
}
