//! `trawl demo`: sample trails with a planted incident → lake → both playbooks → reports.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use trawl_gen::{GenConfig, generate, planted_incident};
use trawl_ingest::{IngestOptions, ingest};
use trawl_report::{LakeEngine, Params, catalog};

use super::report::{Format, playbooks_dir, print_findings, write};

/// Arguments of `trawl demo`.
#[derive(clap::Args)]
pub struct Args {
    /// Folder for the sample trails, the lake and the reports.
    #[arg(long, default_value = "trawl-demo")]
    out: PathBuf,
    /// Events to generate.
    #[arg(long, default_value_t = 20_000)]
    records: u64,
}

const PLAYBOOKS: &[&str] = &["iam-credential-compromise", "unusual-api-activity"];

/// Runs `trawl demo`.
pub fn run(args: Args) -> super::Result<ExitCode> {
    let started = Instant::now();
    let (trails, lake) = (args.out.join("trails"), args.out.join("lake"));
    if lake.exists() || trails.exists() {
        std::fs::remove_dir_all(&lake).ok();
        std::fs::remove_dir_all(&trails).ok();
    }
    let config = GenConfig {
        records: args.records,
        ..GenConfig::default()
    };
    let generated = generate(&config, &trails)?;
    eprintln!(
        "1. generated {} events in {} delivery files under {}",
        generated.records,
        generated.files,
        trails.display()
    );
    let summary = ingest(&IngestOptions {
        lake: lake.clone(),
        sources: vec![trails.clone()],
        ..IngestOptions::default()
    })?;
    eprintln!(
        "2. ingested {} events into {} ({} Parquet files, {:.0} events/s)",
        summary.rows_written,
        lake.display(),
        summary.data_files_written,
        summary.events_per_second()
    );
    let dir = playbooks_dir();
    let reports = super::lake_session::runtime()?.block_on(async {
        let session = super::lake_session::open(&lake, true).await?;
        let engine = LakeEngine::new(session);
        let mut reports = Vec::new();
        for name in PLAYBOOKS {
            let playbook = catalog::resolve(name, &dir)?;
            reports.push((
                name,
                trawl_report::run(&playbook, &engine, &Params::new()).await?,
            ));
        }
        super::Result::Ok(reports)
    })?;
    eprintln!("3. ran both playbooks\n");
    if let Some(incident) = planted_incident(&config) {
        println!(
            "Planted incident: {} ({} denied calls, then {})\n",
            incident.arn,
            incident.denied_events,
            incident.sensitive_calls.join(", ")
        );
    }
    for (name, report) in &reports {
        print_findings(report);
        for (format, ext) in [(Format::Html, "html"), (Format::Md, "md")] {
            let path = args.out.join(format!("{name}.{ext}"));
            write(report, format, &path)?;
            println!("  report: {}", path.display());
        }
        println!();
    }
    println!(
        "Done in {:.1} s. Explore: trawl sql --lake {} \"SELECT eventname, count(*) FROM cloudtrail GROUP BY 1 ORDER BY 2 DESC LIMIT 10\"",
        started.elapsed().as_secs_f64(),
        lake.display()
    );
    Ok(ExitCode::SUCCESS)
}
