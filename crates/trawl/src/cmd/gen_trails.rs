//! `trawl gen`.

use std::path::PathBuf;
use std::process::ExitCode;

use trawl_gen::{GenConfig, generate, planted_incident};

/// Arguments of `trawl gen`.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
    trawl gen --records 1000000 --seed 7 /tmp/trails && trawl ingest /tmp/trails\n  \
    trawl gen --records 5000 --no-incident fixtures/")]
pub struct Args {
    /// Number of events to generate (the planted incident's included).
    #[arg(long, default_value_t = 20_000)]
    records: u64,
    /// Seed: the same seed and options give byte-identical files.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Accounts.
    #[arg(long, default_value_t = 3)]
    accounts: usize,
    /// Regions per account.
    #[arg(long, default_value_t = 4)]
    regions: usize,
    /// Days, starting 2024-05-01.
    #[arg(long, default_value_t = 7)]
    days: u32,
    /// Do not plant the compromised-IAM-user incident.
    #[arg(long)]
    no_incident: bool,
    /// Output folder; files go under OUT_DIR/AWSLogs/… as CloudTrail delivers them.
    out_dir: PathBuf,
}

/// Runs `trawl gen`.
pub fn run(args: Args) -> super::Result<ExitCode> {
    let config = GenConfig {
        records: args.records,
        seed: args.seed,
        accounts: args.accounts,
        regions: args.regions,
        days: args.days,
        incident: !args.no_incident,
        ..GenConfig::default()
    };
    let summary = generate(&config, &args.out_dir)?;
    eprintln!(
        "generated {} events in {} delivery files under {} ({:.1} MB gzip, {:.1} MB JSON)",
        summary.records,
        summary.files,
        args.out_dir.display(),
        summary.gzip_bytes as f64 / 1e6,
        summary.json_bytes as f64 / 1e6
    );
    if let Some(incident) = planted_incident(&config) {
        eprintln!(
            "planted incident: compromised IAM user {} ({} denied calls)",
            incident.arn, incident.denied_events
        );
    }
    Ok(ExitCode::SUCCESS)
}
