//! `trawl sql`.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use trawl_query::{QueryParams, describe_error, substitute_notebook_placeholders};

use super::output::OutputArgs;
use crate::LakeArg;

/// Arguments of `trawl sql`.
#[derive(clap::Args)]
#[command(
    after_help = "Athena SQL runs unmodified: the lake answers as cloudtrail (Security Analytics Bootstrap \
layout), cloudtrail_logs and cloudtrail_logs_pp (AWS docs layouts), in schemas security_analysis and default, under \
catalog awsdatacatalog. Values are bound, never spliced: write :name or $1 / ? in the query.\n\nExamples:\n  \
trawl sql \"SELECT eventname, count(*) FROM cloudtrail WHERE errorcode = 'AccessDenied' GROUP BY 1 ORDER BY 2 DESC\"\n  \
trawl sql --param arn=arn:aws:iam::111122223333:user/alice -f sql/iam-credential-compromise/2_3_identity_events.sql\n  \
trawl sql --format csv --output failures.csv \"SELECT * FROM cloudtrail WHERE errorcode IS NOT NULL\""
)]
pub struct Args {
    #[command(flatten)]
    lake: LakeArg,
    #[command(flatten)]
    output: OutputArgs,
    /// Bind a parameter: NAME=VALUE for :NAME / $NAME, or 1=VALUE for $1 / the first ?.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_param)]
    params: Vec<(String, String)>,
    /// Read the query from a file.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "query"
    )]
    file: Option<PathBuf>,
    /// The database the notebooks' "{db_name}" placeholder names.
    #[arg(long, default_value = "security_analysis")]
    db_name: String,
    /// Allow statements that write (COPY, CREATE TABLE AS, INSERT). Read-only by default.
    #[arg(long)]
    allow_writes: bool,
    /// The query (several `;`-separated statements allowed).
    #[arg(required_unless_present = "file", allow_hyphen_values = true)]
    query: Option<String>,
}

/// Parses `NAME=VALUE`.
pub fn parse_param(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(n, v)| (n.trim_start_matches([':', '$']).to_string(), v.to_string()))
        .filter(|(n, _)| !n.is_empty())
        .ok_or_else(|| format!("`{text}` is not NAME=VALUE"))
}

/// Runs `trawl sql`.
pub fn run(args: Args) -> super::Result<ExitCode> {
    let text = match (&args.query, &args.file) {
        (Some(q), _) => q.clone(),
        (None, Some(f)) => {
            std::fs::read_to_string(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?
        }
        (None, None) => unreachable!("clap requires one"),
    };
    let text = substitute_notebook_placeholders(&text, &args.db_name);
    let params = bind(&args.params);
    super::lake_session::runtime()?.block_on(async {
        let session = super::lake_session::open(&args.lake.lake, !args.allow_writes).await?;
        let started = Instant::now();
        let frames = session
            .sql_with_params(&text, &params)
            .await
            .map_err(|e| describe_error(&e))?;
        for frame in frames {
            let schema = frame.schema().inner().clone();
            let batches = frame.collect().await.map_err(|e| describe_error(&e))?;
            let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
            args.output.write(&schema, &batches)?;
            eprintln!(
                "{rows} row{} in {:.3} s",
                if rows == 1 { "" } else { "s" },
                started.elapsed().as_secs_f64()
            );
        }
        Ok(ExitCode::SUCCESS)
    })
}

/// Named parameters by name; all-numeric names are positional, in order.
pub fn bind(params: &[(String, String)]) -> QueryParams {
    let mut positional: Vec<_> = params
        .iter()
        .filter_map(|(n, v)| n.parse::<usize>().ok().map(|i| (i, v)))
        .collect();
    positional.sort_by_key(|(i, _)| *i);
    let mut bound = QueryParams::new();
    for (_, v) in positional {
        bound = bound.push(v.as_str());
    }
    for (n, v) in params.iter().filter(|(n, _)| n.parse::<usize>().is_err()) {
        bound = bound.set(n, v.as_str());
    }
    bound
}
