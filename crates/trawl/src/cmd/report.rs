//! `trawl report`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use trawl_report::{LakeEngine, Params, RenderOptions, Report, catalog, render};
use trawl_search::parse_time_range;

use crate::LakeArg;

/// Report formats.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One self-contained HTML file (inline CSS and SVG, nothing fetched).
    Html,
    /// Markdown, with the SVG charts written beside it.
    Md,
    /// The raw results as JSON, for other tools.
    Json,
}

/// Arguments of `trawl report`.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
trawl report --list\n  \
trawl report iam-credential-compromise --out iam.html\n  \
trawl report iam-credential-compromise --param arn=arn:aws:iam::111122223333:user/alice --format md --out iam.md\n  \
trawl report unusual-api-activity --last 7d --out unusual.html")]
pub struct Args {
    #[command(flatten)]
    lake: LakeArg,
    /// List the playbooks and exit.
    #[arg(long)]
    list: bool,
    /// A playbook name from the playbooks folder, or a path to a playbook.toml or its folder.
    #[arg(required_unless_present = "list")]
    playbook: Option<String>,
    /// Set a playbook parameter (e.g. arn=…); it wins over values chained from earlier steps.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = super::sql::parse_param)]
    params: Vec<(String, String)>,
    /// Start of the time range for search steps (inclusive).
    #[arg(long)]
    from: Option<String>,
    /// End of the time range for search steps (exclusive).
    #[arg(long)]
    to: Option<String>,
    /// The range ending now: 24h, 7d, …
    #[arg(long, conflicts_with = "from")]
    last: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "html")]
    format: Format,
    /// Where to write the report.
    #[arg(long, required_unless_present = "list")]
    out: Option<PathBuf>,
}

/// The folder of playbooks: `$TRAWL_PLAYBOOKS`, else `./sql`, else the repository's `sql/`.
pub fn playbooks_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TRAWL_PLAYBOOKS") {
        return dir.into();
    }
    let local = PathBuf::from("sql");
    if local.join("iam-credential-compromise").is_dir() {
        return local;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../sql"))
}

/// Runs `trawl report`.
pub fn run(args: Args) -> super::Result<ExitCode> {
    let dir = playbooks_dir();
    if args.list {
        for listed in catalog::list(&dir)? {
            match &listed.playbook {
                Ok(playbook) => println!("{:28} {}", listed.name, playbook.title),
                Err(e) => println!("{:28} (broken: {e})", listed.name),
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(name), Some(out)) = (&args.playbook, &args.out) else {
        unreachable!("clap requires both")
    };
    let range = parse_time_range(
        args.from.as_deref(),
        args.to.as_deref(),
        args.last.as_deref(),
        chrono::Utc::now(),
    )
    .map_err(|e| e.to_string())?;
    let params: Params = args.params.into_iter().collect();
    let report = super::lake_session::runtime()?.block_on(async {
        let session = super::lake_session::open(&args.lake.lake, true).await?;
        let engine = LakeEngine::new(session).with_time_range(range);
        let playbook = catalog::resolve(name, &dir)?;
        super::Result::Ok(trawl_report::run(&playbook, &engine, &params).await?)
    })?;
    write(&report, args.format, out)?;
    print_findings(&report);
    eprintln!("report written to {}", out.display());
    Ok(ExitCode::SUCCESS)
}

/// Writes `report` to `out` in `format`.
pub fn write(report: &Report, format: Format, out: &Path) -> super::Result<()> {
    let options = RenderOptions::default();
    match format {
        Format::Html => std::fs::write(out, render::html(report, &options)?)?,
        Format::Md => render::write_markdown(report, &options, out)?,
        Format::Json => std::fs::write(out, serde_json::to_string_pretty(&render::json(report)?)?)?,
    }
    Ok(())
}

/// Prints the report's findings, one per line.
pub fn print_findings(report: &Report) {
    println!("{}", report.title);
    for step in &report.steps {
        if let Some(finding) = &step.finding {
            println!("  • {finding}");
        }
    }
}
