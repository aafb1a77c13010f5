//! `trawl export`.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use trawl_ingest::{ExportFilter, Lake};

use crate::LakeArg;

/// Arguments of `trawl export`.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
    trawl export > all.jsonl\n  \
    trawl export --account 111122223333 --from 2024-05-01T00:00:00Z --to 2024-05-02T00:00:00Z | jq .eventName")]
pub struct Args {
    #[command(flatten)]
    lake: LakeArg,
    /// Only this account (recipientAccountId).
    #[arg(long)]
    account: Option<String>,
    /// Only this region (awsRegion).
    #[arg(long)]
    region: Option<String>,
    /// Only events at or after this eventTime (ISO-8601 text, e.g. 2024-05-01T00:00:00Z).
    #[arg(long)]
    from: Option<String>,
    /// Only events before this eventTime.
    #[arg(long)]
    to: Option<String>,
}

/// Runs `trawl export`.
pub fn run(args: Args) -> super::Result<ExitCode> {
    let lake = Lake::open(&args.lake.lake)?;
    let filter = ExportFilter {
        account: args.account,
        region: args.region,
        from: args.from,
        to: args.to,
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
    match trawl_ingest::export(&lake, &filter, &mut out).map(|_| out.flush()) {
        Ok(_) => Ok(ExitCode::SUCCESS),
        // A closed pipe (`| head`) is the reader's choice, not an error.
        Err(e) if e.to_string().contains("Broken pipe") => Ok(ExitCode::SUCCESS),
        Err(e) => Err(e.into()),
    }
}
