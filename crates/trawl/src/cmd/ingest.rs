//! `trawl ingest`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use trawl_ingest::{IngestOptions, IngestSummary};

use crate::LakeArg;
use crate::progress::IngestProgress;

/// Arguments of `trawl ingest`.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
    trawl ingest ~/cases/acme/AWSLogs\n  \
    trawl ingest --lake /cases/acme/lake --memory 512MiB copied-files/*.json.gz\n  \
    trawl ingest --json ./AWSLogs | jq .rows_written")]
pub struct Args {
    #[command(flatten)]
    lake: LakeArg,
    /// Files or folders to take in.
    #[arg(required = true, value_name = "SOURCE")]
    sources: Vec<PathBuf>,
    /// Peak memory to aim for (e.g. 512MiB, 2GiB).
    #[arg(long, default_value = "768MiB", value_parser = parse_size)]
    memory: usize,
    /// Worker threads [default: one per core].
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    threads: usize,
    /// No progress and no summary on stderr.
    #[arg(long, short)]
    quiet: bool,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    json: bool,
}

/// Runs `trawl ingest`.
pub fn run(args: Args) -> super::Result<ExitCode> {
    let progress = IngestProgress::for_stderr(args.quiet).map(Arc::new);
    let summary = trawl_ingest::ingest(&IngestOptions {
        lake: args.lake.lake.clone(),
        sources: args.sources,
        threads: args.threads,
        memory_limit: args.memory,
        progress: progress
            .clone()
            .map(|p| p as Arc<dyn trawl_ingest::Progress>),
    })?;
    drop(progress);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    }
    if !args.quiet {
        eprint!("{}", render_summary(&summary, &args.lake.lake));
    }
    Ok(if summary.has_quarantine() {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

fn render_summary(s: &IngestSummary, lake: &std::path::Path) -> String {
    let mut out = format!(
        "ingested into {}\n  files     {} read, {} already in the lake, {} digests skipped, {} not trail logs, {} quarantined\n  \
         records   {} read, {} written, {} quarantined ({} without a usable eventTime, kept under unknown-date)\n  \
         output    {} new Parquet files ({} small files compacted)\n  \
         speed     {:.1} MB in {:.2} s, {:.0} events/s\n",
        lake.display(),
        s.files_read,
        s.files_already_ingested,
        s.files_digest,
        s.files_not_a_log,
        s.files_quarantined,
        s.records_read,
        s.rows_written,
        s.records_quarantined,
        s.rows_without_event_time,
        s.data_files_written,
        s.files_compacted,
        s.bytes_read as f64 / 1e6,
        s.elapsed.as_secs_f64(),
        s.events_per_second(),
    );
    if s.has_quarantine() {
        out.push_str(&format!(
            "  quarantine: {} objects and {} records were refused; see `trawl lake info --lake {}` and {}/_trawl/quarantine/\n",
            s.files_quarantined,
            s.records_quarantined,
            lake.display(),
            lake.display()
        ));
    }
    out
}

/// Parses sizes such as `512MiB`, `2GiB`, `1000000`.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size; write e.g. 512MiB or 2GiB"))?;
    let scale = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        other => return Err(format!("unknown size unit `{other}`; use KiB, MiB or GiB")),
    };
    Ok((number * scale) as usize)
}
