//! `trawl search`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use trawl_query::OutputFormat;
use trawl_search::{
    ResultKind, SearchOptions, events_to_json, explain, parse, parse_time_range, plan,
};

use super::output::OutputArgs;
use crate::LakeArg;

/// Arguments of `trawl search`.
#[derive(clap::Args)]
#[command(
    after_help = "The Scanner.dev query language: free text, field: value (token match), field = value \
(exact), field: * (exists), and / or / not, then | stages: stats … by …, groupbycount, count, countdistinct, where, \
eval, rename, table, head, tail, sort.\n\nExamples:\n  \
trawl search 'errorCode: * | stats min(eventTime) as first, max(eventTime) as last by eventSource, eventName, errorCode'\n  \
trawl search --last 7d '\"alice\" eventSource: iam.amazonaws.com'\n  \
trawl search --explain 'userIdentity.type = Root | count'\n  \
trawl search -f sql/unusual-api-activity/q2_user_activity.search --param user_identity_name=alice"
)]
pub struct Args {
    #[command(flatten)]
    lake: LakeArg,
    #[command(flatten)]
    output: OutputArgs,
    /// Start of the time range (inclusive), RFC 3339 with an offset, e.g. 2024-05-01T00:00:00Z.
    #[arg(long)]
    from: Option<String>,
    /// End of the time range (exclusive).
    #[arg(long)]
    to: Option<String>,
    /// The range ending now (or at --to): 15m, 24h, 7d, 2w.
    #[arg(long, conflicts_with = "from")]
    last: Option<String>,
    /// At most this many rows.
    #[arg(long)]
    limit: Option<usize>,
    /// Print the query as trawl understood it and the DataFusion plan, without running it.
    #[arg(long)]
    explain: bool,
    /// Reject trawl's extensions to Scanner's language (sort, count(col), '…' strings).
    #[arg(long)]
    strict_scanner: bool,
    /// Bind a parameter: NAME=VALUE for a quoted "{NAME}" value in the query (bound as one
    /// literal value, never spliced into the text).
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = super::sql::parse_param)]
    params: Vec<(String, String)>,
    /// Read the query from a file.
    #[arg(
        short = 'f',
        long = "file",
        value_name = "FILE",
        conflicts_with = "query"
    )]
    file: Option<PathBuf>,
    /// The query.
    #[arg(required_unless_present = "file", allow_hyphen_values = true)]
    query: Option<String>,
}

/// Runs `trawl search`.
pub fn run(args: Args) -> super::Result<ExitCode> {
    let text = match (&args.query, &args.file) {
        (Some(q), _) => q.clone(),
        (None, Some(f)) => {
            std::fs::read_to_string(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?
        }
        (None, None) => unreachable!("clap requires one"),
    };
    let mut query = parse(&text).map_err(|e| e.to_string())?;
    query
        .bind(&args.params.iter().cloned().collect())
        .map_err(|e| e.to_string())?;
    for warning in &query.warnings {
        eprintln!("warning: {warning}");
    }
    let now = chrono::Utc::now();
    let range = parse_time_range(
        args.from.as_deref(),
        args.to.as_deref(),
        args.last.as_deref(),
        now,
    )
    .map_err(|e| e.to_string())?;
    let options = SearchOptions {
        strict: args.strict_scanner,
        limit: args.limit,
        ..SearchOptions::default()
    };
    super::lake_session::runtime()?.block_on(async {
        let session = super::lake_session::open(&args.lake.lake, true).await?;
        let started = Instant::now();
        let planned = plan(session.context(), &query, &range, &options)
            .await
            .map_err(|e| e.to_string())?;
        for warning in planned
            .warnings
            .iter()
            .filter(|w| !query.warnings.contains(w))
        {
            eprintln!("warning: {warning}");
        }
        if args.explain {
            println!("{}", explain(&query, &planned).map_err(|e| e.to_string())?);
            return Ok(ExitCode::SUCCESS);
        }
        let schema = planned.df.schema().inner().clone();
        let batches = planned
            .df
            .collect()
            .await
            .map_err(|e| trawl_query::describe_error(&e))?;
        let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
        let events_as_json = planned.kind == ResultKind::Events
            && matches!(
                args.output.format,
                OutputFormat::Jsonl | OutputFormat::Table
            )
            && args.output.output.is_none();
        if events_as_json {
            // Events print as the CloudTrail records they are, one JSON object per line.
            let mut out = std::io::stdout().lock();
            for batch in &batches {
                for line in events_to_json(batch, &planned.added_columns) {
                    if writeln!(out, "{line}").is_err() {
                        return Ok(ExitCode::SUCCESS);
                    }
                }
            }
        } else {
            args.output.write(&schema, &batches)?;
        }
        eprintln!(
            "{rows} {} in {:.3} s",
            if planned.kind == ResultKind::Events {
                "events"
            } else {
                "rows"
            },
            started.elapsed().as_secs_f64()
        );
        Ok(ExitCode::SUCCESS)
    })
}
