//! Writes delivery files: builds each file's records, gzips them and stores them under the S3 key layout.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use flate2::Compression;
use flate2::write::GzEncoder;

use crate::catalog::{Shape, api};
use crate::incident::Plan;
use crate::json::Json;
use crate::plan::FileSpec;
use crate::record::{self, Event, Outcome};
use crate::rng::{Rng, derive};
use crate::time::{push_date_dirs, push_file_stamp};
use crate::world::{Account, REGIONS};
use crate::{GenConfig, GenSummary};

/// gzip level: within 1 % of level 6's size and noticeably faster.
const GZIP_LEVEL: u32 = 5;
/// Share of background events that are authorization failures, spread uniformly over the deniable principals.
const DENIED_SHARE: f64 = 0.01;
/// Share of the remaining background events that fail otherwise (not found, throttled).
const FAILED_SHARE: f64 = 0.04;

/// Everything the workers share, read-only.
pub(crate) struct Job<'a> {
    /// The configuration.
    pub(crate) cfg: &'a GenConfig,
    /// The accounts.
    pub(crate) accounts: &'a [Account],
    /// The incident, if planted.
    pub(crate) incident: Option<&'a Plan>,
    /// The files to write.
    pub(crate) files: &'a [FileSpec],
    /// The output root.
    pub(crate) out: &'a Path,
}

/// The directory of a file, relative to the output root: `AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD`.
fn dir_of(job: &Job, f: &FileSpec) -> PathBuf {
    let mut date = Vec::with_capacity(10);
    push_date_dirs(&mut date, f.stamp);
    let mut dir = job.out.join("AWSLogs");
    dir.push(&job.accounts[f.account].id);
    dir.push("CloudTrail");
    dir.push(REGIONS[f.region]);
    for part in String::from_utf8_lossy(&date).split('/') {
        dir.push(part);
    }
    dir
}

/// The file name: `<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<suffix>.json.gz`.
fn name_of(job: &Job, f: &FileSpec) -> String {
    let mut stamp = Vec::with_capacity(14);
    push_file_stamp(&mut stamp, f.stamp);
    format!(
        "{acct}_CloudTrail_{region}_{stamp}_{suffix}.json.gz",
        acct = job.accounts[f.account].id,
        region = REGIONS[f.region],
        stamp = String::from_utf8_lossy(&stamp),
        suffix = String::from_utf8_lossy(&f.suffix),
    )
}

/// Appends one file's `{"Records":[...]}` JSON to `j`.
fn build_file(job: &Job, index: usize, j: &mut Json) {
    let f = &job.files[index];
    let cfg = job.cfg;
    let acct = &job.accounts[f.account];
    let region = REGIONS[f.region];
    let mode = usize::from(f.region != 0);
    let population = &acct.population[mode];
    let mut rng = Rng::new(derive(cfg.seed, 0xf11e, index as u64));
    let start = crate::start_epoch(cfg);
    let last = start + i64::from(cfg.days) * crate::time::DAY - 1;
    let (w0, w1) = f.window;

    j.obj();
    j.key("Records");
    j.arr();
    let mut incident_left = f.incident.len() as u64;
    let mut next_step = f.incident.start;
    let total = f.records();
    let mut newest_pending = true;
    for k in 0..total {
        let uid = f.first_uid + k;
        let remaining = total - k;
        // Selection sampling interleaves the incident steps (in time order) with background records.
        let take_step = incident_left > 0 && rng.below(remaining) < incident_left;
        if let (true, Some(plan)) = (take_step, job.incident) {
            let step = plan.steps[next_step];
            next_step += 1;
            incident_left -= 1;
            let event = Event {
                acct,
                region,
                principal: &acct.principals[plan.principal],
                api: api(step.api),
                time: step.time,
                outcome: step.outcome,
                uid,
                client: Some(&plan.client),
                target: Some(if step.on_backdoor {
                    &plan.backdoor
                } else {
                    &plan.self_target
                }),
            };
            record::write(j, &event, cfg.seed, &mut rng);
            continue;
        }
        let denied = !population.deniable.is_empty() && rng.chance(DENIED_SHARE);
        let who = if denied {
            population.deniable[rng.index(population.deniable.len())]
        } else {
            population.activity.sample(&mut rng)
        };
        let principal = &acct.principals[who];
        let call = api(principal.mix[mode].sample(&mut rng));
        let outcome = if matches!(call.shape, Shape::ConsoleLogin | Shape::KmsRotate) {
            Outcome::Ok
        } else if denied {
            Outcome::Denied
        } else if rng.chance(FAILED_SHARE) {
            Outcome::Failed
        } else {
            Outcome::Ok
        };
        // The file is closed right after its newest event, which the first background record stands for.
        let offset = if newest_pending {
            newest_pending = false;
            (w1 - w0) - rng.unit() * (w1 - w0).min(30.0)
        } else {
            rng.unit() * (w1 - w0)
        };
        let time = ((w0 + offset).floor() as i64).clamp(start, last);
        let event = Event {
            acct,
            region,
            principal,
            api: call,
            time,
            outcome,
            uid,
            client: None,
            target: None,
        };
        record::write(j, &event, cfg.seed, &mut rng);
    }
    j.end_arr();
    j.end_obj();
}

/// Per-worker reusable buffers and running totals.
#[derive(Default)]
struct Worker {
    json: Json,
    gz: Vec<u8>,
    summary: GenSummary,
}

impl Worker {
    fn write_file(&mut self, job: &Job, index: usize) -> io::Result<()> {
        let f = &job.files[index];
        self.json.buf.clear();
        build_file(job, index, &mut self.json);
        self.gz.clear();
        let mut enc = GzEncoder::new(std::mem::take(&mut self.gz), Compression::new(GZIP_LEVEL));
        enc.write_all(&self.json.buf)?;
        self.gz = enc.finish()?;
        let path = dir_of(job, f).join(name_of(job, f));
        fs::write(&path, &self.gz).map_err(|e| {
            io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display()))
        })?;
        self.summary.files += 1;
        self.summary.records += f.records();
        self.summary.json_bytes += self.json.buf.len() as u64;
        self.summary.gzip_bytes += self.gz.len() as u64;
        Ok(())
    }
}

/// Writes every planned file using `threads` workers; output does not depend on `threads`.
pub(crate) fn run(job: &Job, threads: usize) -> io::Result<GenSummary> {
    let mut dirs: Vec<PathBuf> = job.files.iter().map(|f| dir_of(job, f)).collect();
    dirs.sort();
    dirs.dedup();
    for dir in &dirs {
        fs::create_dir_all(dir).map_err(|e| {
            io::Error::new(
                e.kind(),
                format!("cannot create directory {}: {e}", dir.display()),
            )
        })?;
    }

    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let first_error: Mutex<Option<io::Error>> = Mutex::new(None);
    let threads = threads.clamp(1, job.files.len().max(1));
    let summaries: Vec<GenSummary> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut w = Worker::default();
                    while !failed.load(Ordering::Relaxed) {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= job.files.len() {
                            break;
                        }
                        if let Err(e) = w.write_file(job, index) {
                            failed.store(true, Ordering::Relaxed);
                            if let Ok(mut slot) = first_error.lock() {
                                slot.get_or_insert(e);
                            }
                        }
                    }
                    w.summary
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    if let Some(e) = first_error.into_inner().ok().flatten() {
        return Err(e);
    }
    Ok(summaries
        .into_iter()
        .fold(GenSummary::default(), |a, b| GenSummary {
            files: a.files + b.files,
            records: a.records + b.records,
            gzip_bytes: a.gzip_bytes + b.gzip_bytes,
            json_bytes: a.json_bytes + b.json_bytes,
        }))
}
