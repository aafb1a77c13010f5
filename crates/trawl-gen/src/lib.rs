//! Deterministic synthetic AWS CloudTrail delivery files, with an optional planted incident.
//!
//! [`generate`] writes gzip'd `{"Records":[...]}` files under the same key layout CloudTrail uses in S3:
//!
//! ```text
//! OUT/AWSLogs/<account>/CloudTrail/<region>/<YYYY>/<MM>/<DD>/<account>_CloudTrail_<region>_<YYYYMMDD>T<HHmm>Z_<16 alphanumerics>.json.gz
//! ```
//!
//! The records look like real CloudTrail: camelCase keys in CloudTrail's order, seven identity types, a few
//! dozen principals per account with their own habits, per-API `requestParameters` / `responseElements` shapes,
//! data and management events, about 5 % errors, `resources` on about 40 % of events, events not time-sorted
//! inside a file, and files delivered 5–15 minutes after their newest event (so files stamped just after
//! midnight hold events of the previous day).
//!
//! The same [`GenConfig`] (records, seed and the rest) always produces byte-identical files, whatever the
//! number of threads: the set of files is planned up front and every file is generated from its own seed.
//! The random stream is this crate's own (SplitMix64 + xoshiro256++), so the JSON inside the files only changes
//! when this crate does; the gzip bytes also depend on the compressor (zlib-rs, level 5).
//!
//! Files are generated in parallel and streamed: memory stays at a few megabytes per thread whatever the
//! record count. At small record counts each (account, region) stream has few files, so one file covers a
//! longer stretch of time; event times always lie inside the configured days and before the file's stamp.
//!
//! With [`GenConfig::incident`] set, the first account's IAM user `legacy_backup_svc` is compromised: its access
//! key is used from an unusual IP address and user agent for a burst of denied enumeration calls across many
//! services, followed by IAM persistence. [`planted_incident`] describes exactly what was planted.
//!
//! ```no_run
//! let cfg = trawl_gen::GenConfig { records: 50_000, ..Default::default() };
//! let summary = trawl_gen::generate(&cfg, std::path::Path::new("/tmp/trail"))?;
//! assert_eq!(summary.records, 50_000);
//! # Ok::<(), std::io::Error>(())
//! ```

mod catalog;
mod deliver;
mod incident;
mod json;
mod payload;
mod plan;
mod record;
mod rng;
mod time;
mod world;

use std::io;
use std::ops::RangeInclusive;
use std::path::Path;

use chrono::NaiveDate;

pub use incident::{Incident, MIN_INCIDENT_RECORDS};

/// The most accounts a configuration may ask for.
pub const MAX_ACCOUNTS: usize = 100;
/// The most regions a configuration may ask for (the generator knows this many region names).
pub const MAX_REGIONS: usize = world::REGIONS.len();
/// The most days a configuration may span.
pub const MAX_DAYS: u32 = 3660;

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GenConfig {
    /// Exact number of records to write, incident events included.
    pub records: u64,
    /// Seed of every random choice.
    pub seed: u64,
    /// Number of AWS accounts (1..=[`MAX_ACCOUNTS`]).
    pub accounts: usize,
    /// Number of regions per account (1..=[`MAX_REGIONS`]); the first is always `us-east-1`.
    pub regions: usize,
    /// Number of UTC days the events span (1..=[`MAX_DAYS`]).
    pub days: u32,
    /// The first day; events fall in `[start 00:00:00Z, start + days)`.
    pub start: NaiveDate,
    /// Records per delivery file (a file is smaller only when the total cannot be split within the range).
    pub records_per_file: RangeInclusive<u32>,
    /// Plant the compromised-user incident (ignored when `records` < [`MIN_INCIDENT_RECORDS`]).
    pub incident: bool,
    /// Worker threads; 0 means one per available core.
    pub threads: usize,
}

impl Default for GenConfig {
    /// 20,000 records, seed 42, 3 accounts × 4 regions × 7 days from 2024-05-01, 100–1000 records per file,
    /// with the incident, on all cores.
    fn default() -> Self {
        GenConfig {
            records: 20_000,
            seed: 42,
            accounts: 3,
            regions: 4,
            days: 7,
            start: NaiveDate::from_ymd_opt(2024, 5, 1).unwrap_or_default(),
            records_per_file: 100..=1000,
            incident: true,
            threads: 0,
        }
    }
}

impl GenConfig {
    /// Checks the configuration, naming the offending field and its allowed values.
    pub fn validate(&self) -> io::Result<()> {
        let invalid = |msg: String| Err(io::Error::new(io::ErrorKind::InvalidInput, msg));
        if !(1..=MAX_ACCOUNTS).contains(&self.accounts) {
            return invalid(format!(
                "accounts must be between 1 and {MAX_ACCOUNTS}, got {}",
                self.accounts
            ));
        }
        if !(1..=MAX_REGIONS).contains(&self.regions) {
            return invalid(format!(
                "regions must be between 1 and {MAX_REGIONS}, got {}",
                self.regions
            ));
        }
        if !(1..=MAX_DAYS).contains(&self.days) {
            return invalid(format!(
                "days must be between 1 and {MAX_DAYS}, got {}",
                self.days
            ));
        }
        let (lo, hi) = (*self.records_per_file.start(), *self.records_per_file.end());
        if lo == 0 || lo > hi {
            return invalid(format!(
                "records_per_file must be a non-empty range starting at 1 or more, got {lo}..={hi} (e.g. 100..=1000)"
            ));
        }
        Ok(())
    }
}

/// Totals of one [`generate`] run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GenSummary {
    /// Delivery files written.
    pub files: u64,
    /// Records written (equals `GenConfig::records`).
    pub records: u64,
    /// Bytes on disk (gzip).
    pub gzip_bytes: u64,
    /// Bytes of JSON before compression.
    pub json_bytes: u64,
}

/// The configured first day at 00:00:00Z, in epoch seconds.
pub(crate) fn start_epoch(cfg: &GenConfig) -> i64 {
    cfg.start
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc()
        .timestamp()
}

/// Writes the delivery files for `cfg` under `out_dir` (created if missing). Files with the same names are
/// overwritten; other files in `out_dir` are left alone.
///
/// Returns an `InvalidInput` error for an invalid configuration (see [`GenConfig::validate`]) and the first I/O
/// error, with the path involved, otherwise.
pub fn generate(cfg: &GenConfig, out_dir: &Path) -> io::Result<GenSummary> {
    cfg.validate()?;
    let accounts = world::build_accounts(cfg.seed, cfg.accounts);
    let incident = incident::plan(cfg, &accounts);
    let steps = incident.as_ref().map_or(&[][..], |p| &p.steps[..]);
    let files = plan::build(cfg, steps);
    let threads = match cfg.threads {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
        n => n,
    };
    let job = deliver::Job {
        cfg,
        accounts: &accounts,
        incident: incident.as_ref(),
        files: &files,
        out: out_dir,
    };
    deliver::run(&job, threads)
}

/// Describes the incident [`generate`] plants for `cfg`, or `None` when it plants none (incident disabled, or
/// fewer than [`MIN_INCIDENT_RECORDS`] records, or an invalid configuration).
pub fn planted_incident(cfg: &GenConfig) -> Option<Incident> {
    cfg.validate().ok()?;
    let accounts = world::build_accounts(cfg.seed, cfg.accounts);
    incident::plan(cfg, &accounts).map(|p| p.public)
}

#[cfg(test)]
mod tests;
