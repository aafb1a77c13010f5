//! `trawl lake info`.

use std::collections::BTreeSet;
use std::process::ExitCode;

use serde::Serialize;
use trawl_ingest::{Lake, SourceKind};

use crate::LakeArg;

/// Subcommands of `trawl lake`.
#[derive(clap::Subcommand)]
pub enum Command {
    /// Tables, partitions, files, rows, time span, bytes, sources and quarantine of the lake.
    Info {
        #[command(flatten)]
        lake: LakeArg,
        /// Print as JSON.
        #[arg(long)]
        json: bool,
    },
}

/// What `trawl lake info` reports.
#[derive(Serialize)]
struct Info {
    lake: String,
    format_version: u32,
    tables: Vec<&'static str>,
    partitions: usize,
    files: usize,
    rows: u64,
    bytes: u64,
    first_event: Option<String>,
    last_event: Option<String>,
    sources: usize,
    sources_digest: usize,
    sources_not_a_log: usize,
    sources_quarantined: usize,
    records_quarantined: u64,
}

/// Runs `trawl lake …`.
pub fn run(command: Command) -> super::Result<ExitCode> {
    let Command::Info { lake, json } = command;
    let opened = Lake::open(&lake.lake)?;
    let m = opened.manifest();
    let count = |kind| m.sources.iter().filter(|s| s.kind == kind).count();
    let span = m.event_span();
    let info = Info {
        lake: lake.lake.display().to_string(),
        format_version: m.format_version,
        tables: vec!["cloudtrail", "cloudtrail_logs", "cloudtrail_logs_pp"],
        partitions: m
            .files
            .iter()
            .map(|f| f.partition.as_str())
            .collect::<BTreeSet<_>>()
            .len(),
        files: m.files.len(),
        rows: m.files.iter().map(|f| f.rows).sum(),
        bytes: m.files.iter().map(|f| f.bytes).sum(),
        first_event: span.and_then(|(first, _)| utc(first)),
        last_event: span.and_then(|(_, last)| utc(last)),
        sources: m.sources.len(),
        sources_digest: count(SourceKind::Digest),
        sources_not_a_log: count(SourceKind::NotALog),
        sources_quarantined: count(SourceKind::Quarantined),
        records_quarantined: m
            .sources
            .iter()
            .filter(|s| s.kind == SourceKind::TrailLog)
            .map(|s| s.quarantined)
            .sum(),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&info)?);
    } else {
        println!(
            "lake        {} (format v{})\ntables      {}\npartitions  {} (account / region / day)\nfiles       {} Parquet, {:.1} MB\nrows        {}\nevents      {} .. {}\nsources     {} objects ({} digests and {} non-log files skipped)\nquarantine  {} objects, {} records",
            info.lake,
            info.format_version,
            info.tables.join(", "),
            info.partitions,
            info.files,
            info.bytes as f64 / 1e6,
            info.rows,
            info.first_event.as_deref().unwrap_or("-"),
            info.last_event.as_deref().unwrap_or("-"),
            info.sources,
            info.sources_digest,
            info.sources_not_a_log,
            info.sources_quarantined,
            info.records_quarantined,
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Milliseconds since the Unix epoch as CloudTrail writes times (`2024-05-01T00:00:01Z`; a fraction
/// only when there is one).
fn utc(millis: i64) -> Option<String> {
    let time = chrono::DateTime::from_timestamp_millis(millis)?;
    Some(time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
}
