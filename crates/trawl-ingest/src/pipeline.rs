//! One ingest run: plan → read and decode in parallel → route to bounded partition buffers →
//! write sorted files → compact → commit.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, channel, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use arrow::array::{RecordBatch, UInt32Array};
use arrow::compute::take_record_batch;
use trawl_schema::{STATE_DIR, TABLE_DIR};

use crate::container::{self, BadInput, Content, Records};
use crate::decode::{BatchBuilder, Decoded, RowPartitions};
use crate::json::Kind as JsonKind;
use crate::lake::{DataFile, Lake, Manifest, SourceEntry, SourceKind, write_atomically};
use crate::partition::{EventTime, PartitionKey};
use crate::quarantine::QuarantineEntry;
use crate::source::{KeyInfo, SourceObject, Sources};
use crate::write::{read_file, time_key, write_file};
use crate::{Error, IngestOptions, IngestSummary};

/// Files with fewer rows than this are merged with their partition's other small files.
const SMALL_FILE_ROWS: u64 = 64 * 1024;
/// At most this many rows are merged into one file by compaction.
const MAX_MERGED_ROWS: u64 = 256 * 1024;
/// A partition that got no rows while this many further source objects per reader were routed is
/// written out, budget or not. Sources are listed in key order, and in the delivery layout (and in
/// copies that keep its file names) a partition's files sit together, the next day's first files
/// bringing the last minutes of the day before: such a partition is finished. Should rows still
/// come, they start another file, which the commit merges with it while both are small. This keeps
/// memory to the partitions being read rather than to the whole budget.
const IDLE_OBJECTS_PER_READER: u64 = 16;
/// A reader keeps its inflate buffer from object to object up to this size (delivery files
/// inflate to a few MB); a larger one, left by an unusually large object, is given back.
const KEPT_INFLATE_BUFFER: usize = 32 << 20;

/// What reading one object produced.
struct FileOutcome {
    entry: Option<SourceEntry>,
    parts: Vec<(PartitionKey, RecordBatch)>,
    quarantine: Vec<QuarantineEntry>,
    /// A staged copy of a whole quarantined object: `(staged, final)` relative paths.
    copy: Option<(String, String)>,
    records: u64,
    rows_without_time: u64,
    rows_with_extra: u64,
    bytes: u64,
}

/// A partition buffer handed to a writer.
struct FlushJob {
    key: PartitionKey,
    batches: Vec<RecordBatch>,
    seq: usize,
}

struct Run<'a> {
    id: String,
    root: &'a Path,
    sources: Sources,
    claimed: Mutex<HashSet<String>>,
}

pub(crate) fn run(options: &IngestOptions) -> Result<IngestSummary, Error> {
    let started = Instant::now();
    let mut lake = Lake::open_for_write(&options.lake)?;
    let root = std::path::absolute(lake.root()).map_err(|e| Error::Lake {
        path: options.lake.display().to_string(),
        reason: e.to_string(),
    })?;
    let sources = Sources::default();
    let objects = sources.list(&options.sources)?;
    let lake_prefix = format!("{}/", root.display());

    let mut summary = IngestSummary::default();
    let known: HashMap<&str, u64> = lake
        .manifest()
        .sources
        .iter()
        .map(|s| (s.path.as_str(), s.size))
        .collect();
    let run = Run {
        id: run_id(),
        root: &root,
        sources,
        claimed: Mutex::new(
            lake.manifest()
                .sources
                .iter()
                .map(|s| s.hash.clone())
                .collect(),
        ),
    };
    let mut entries = Vec::new();
    let mut to_read = Vec::new();
    for object in objects {
        let path = object.display_path();
        if path.starts_with(&lake_prefix) {
            continue;
        }
        summary.files_found += 1;
        let key = object.key();
        if known.get(path.as_str()) == Some(&object.size) {
            summary.files_already_ingested += 1;
        } else if key.digest || key.not_a_log_name {
            let kind = if key.digest {
                SourceKind::Digest
            } else {
                SourceKind::NotALog
            };
            *(if key.digest {
                &mut summary.files_digest
            } else {
                &mut summary.files_not_a_log
            }) += 1;
            entries.push(SourceEntry {
                path,
                size: object.size,
                hash: String::new(),
                kind,
                rows: 0,
                quarantined: 0,
                run: run.id.clone(),
            });
        } else {
            to_read.push((object, key));
        }
    }
    if let Some(p) = &options.progress {
        p.start(
            to_read.len() as u64,
            to_read.iter().map(|(o, _)| o.size).sum(),
        );
    }

    let threads = match options.threads {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let budget = options.memory_limit / 3;
    let next = AtomicUsize::new(0);
    let mut quarantine = Vec::new();
    let mut renames = Vec::new();
    let idle_objects = IDLE_OBJECTS_PER_READER * threads as u64;
    let written = std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<FileOutcome>(threads);
        for _ in 0..threads {
            let tx = tx.clone();
            let (run, to_read, next) = (&run, &to_read, &next);
            scope.spawn(move || {
                schedule_as_batch();
                reader(run, to_read, next, tx)
            });
        }
        drop(tx);
        let (job_tx, job_rx) = sync_channel::<FlushJob>(1);
        let job_rx = Arc::new(Mutex::new(job_rx));
        let (done_tx, done_rx) = channel();
        for _ in 0..threads {
            let (job_rx, done_tx, run) = (job_rx.clone(), done_tx.clone(), &run);
            scope.spawn(move || {
                schedule_as_batch();
                loop {
                    let job = match job_rx.lock().map(|rx| rx.recv()) {
                        Ok(Ok(job)) => job,
                        _ => break,
                    };
                    let _ = done_tx.send(write_job(run, job));
                }
            });
        }
        drop(done_tx);
        let (summary, entries) = (&mut summary, &mut entries);
        let (quarantine, renames) = (&mut quarantine, &mut renames);
        scope.spawn(move || {
            schedule_as_batch();
            route(
                rx,
                job_tx,
                budget,
                idle_objects,
                options,
                summary,
                entries,
                quarantine,
                renames,
            )
        });
        done_rx.into_iter().collect::<Result<Vec<_>, _>>()
    })?;

    if let Some(p) = &options.progress {
        p.finishing();
    }
    summary.data_files_written = written.len() as u64;
    let next = plan_commit(
        &run,
        lake.manifest(),
        written,
        entries,
        quarantine,
        renames,
        &mut summary,
    )?;
    if next != *lake.manifest() {
        lake.commit(next)?;
    }
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Marks the calling thread as batch work (Linux's `SCHED_BATCH`), so that the scheduler stops
/// cutting its time slices short whenever another thread wakes: readers and writers outnumber the
/// cores, and each preemption costs the cache of the work it interrupts. On 1 M events on 2 cores,
/// involuntary context switches fell from about 4,400 to 1,400 and the ingest took 2.5 % less time
/// (8 alternating runs). Only ingest's own threads are marked (the router too has one of its own),
/// never the caller's. Where the call fails or the platform has no such policy, nothing changes.
fn schedule_as_batch() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: sched_setscheduler reads `param` and changes only the calling thread's
        // scheduling policy (pid 0).
        unsafe { libc::sched_setscheduler(0, libc::SCHED_BATCH, &param) };
    }
}

/// A reader thread: claims objects in turn, reads, checks and decodes each, and sends the outcomes
/// to the router.
fn reader(
    run: &Run,
    to_read: &[(SourceObject, KeyInfo)],
    next: &AtomicUsize,
    tx: SyncSender<FileOutcome>,
) {
    let (mut inflated, mut builder) = (Vec::new(), BatchBuilder::new());
    while let Some((object, key)) = to_read.get(next.fetch_add(1, Ordering::Relaxed)) {
        let bytes = run.sources.read(object);
        if tx
            .send(read_one(
                run,
                object,
                key,
                bytes,
                &mut inflated,
                &mut builder,
            ))
            .is_err()
        {
            break;
        }
        if inflated.capacity() > KEPT_INFLATE_BUFFER {
            inflated = Vec::new();
        }
    }
}

/// The router: collects decoded rows into per-partition buffers and hands full, idle (no rows for
/// `idle_objects` source objects) or least recently used buffers to the writers, so memory stays
/// within `budget` whatever the input size.
#[allow(clippy::too_many_arguments)]
fn route(
    rx: Receiver<FileOutcome>,
    jobs: SyncSender<FlushJob>,
    budget: usize,
    idle_objects: u64,
    options: &IngestOptions,
    summary: &mut IngestSummary,
    entries: &mut Vec<SourceEntry>,
    quarantine: &mut Vec<QuarantineEntry>,
    renames: &mut Vec<(String, String)>,
) {
    struct Buffer {
        batches: Vec<RecordBatch>,
        bytes: usize,
        /// The number of source objects routed when it last got rows.
        last_used: u64,
    }
    let per_partition = (budget / 4).max(1 << 20);
    let mut buffers: HashMap<PartitionKey, Buffer> = HashMap::new();
    let (mut total, mut tick, mut seq) = (0usize, 0u64, 0usize);
    let mut flush = |key: PartitionKey, buffer: Buffer, total: &mut usize| {
        *total -= buffer.bytes;
        seq += 1;
        // A closed channel means a writer failed; its error is reported from the results.
        let _ = jobs.send(FlushJob {
            key,
            batches: buffer.batches,
            seq,
        });
    };
    for outcome in rx {
        tick += 1;
        if let Some(p) = &options.progress {
            p.advance(outcome.bytes, outcome.records);
        }
        summary.bytes_read += outcome.bytes;
        summary.records_read += outcome.records;
        summary.rows_without_event_time += outcome.rows_without_time;
        summary.rows_with_extra += outcome.rows_with_extra;
        summary.records_quarantined += outcome
            .quarantine
            .iter()
            .filter(|q| q.record_index.is_some())
            .count() as u64;
        match &outcome.entry {
            None => summary.files_already_ingested += 1,
            Some(e) => match e.kind {
                SourceKind::TrailLog => summary.files_read += 1,
                SourceKind::Digest => summary.files_digest += 1,
                SourceKind::NotALog => summary.files_not_a_log += 1,
                SourceKind::Quarantined => summary.files_quarantined += 1,
            },
        }
        entries.extend(outcome.entry);
        quarantine.extend(outcome.quarantine);
        renames.extend(outcome.copy);
        for (key, batch) in outcome.parts {
            summary.rows_written += batch.num_rows() as u64;
            let bytes = batch.get_array_memory_size();
            total += bytes;
            let buffer = buffers.entry(key.clone()).or_insert(Buffer {
                batches: Vec::new(),
                bytes: 0,
                last_used: 0,
            });
            buffer.batches.push(batch);
            buffer.bytes += bytes;
            buffer.last_used = tick;
            if buffer.bytes >= per_partition {
                let buffer = buffers.remove(&key).expect("just inserted");
                flush(key, buffer, &mut total);
            }
        }
        // The least recently used buffer goes while it is idle or memory is over the budget.
        while let Some((oldest, buffer)) = buffers
            .iter()
            .min_by(|(ka, a), (kb, b)| (a.last_used, ka).cmp(&(b.last_used, kb)))
        {
            if tick - buffer.last_used <= idle_objects && total <= budget {
                break;
            }
            let oldest = oldest.clone();
            let buffer = buffers.remove(&oldest).expect("key from the map");
            flush(oldest, buffer, &mut total);
        }
    }
    let mut rest: Vec<_> = buffers.into_iter().collect();
    rest.sort_by(|a, b| a.0.cmp(&b.0));
    for (key, buffer) in rest {
        flush(key, buffer, &mut total);
    }
}

fn write_job(run: &Run, job: FlushJob) -> Result<(DataFile, String), Error> {
    let folder = job.key.folder();
    let staged = format!("{STATE_DIR}/staging/{}/{:06}.parquet", run.id, job.seq);
    let target = format!(
        "{TABLE_DIR}/{folder}/part-{}-{:06}.parquet",
        run.id, job.seq
    );
    // The partition folder is made here, while the other threads work, not at the commit, where
    // nothing else runs: making 84 new partition folders there took 14-23 ms of a 3.3 s ingest.
    // An empty folder holds nothing for any engine to read, even if the run never commits.
    let partition = run.root.join(TABLE_DIR).join(&folder);
    std::fs::create_dir_all(&partition).map_err(|e| Error::Lake {
        path: partition.display().to_string(),
        reason: e.to_string(),
    })?;
    let path = run.root.join(&staged);
    let file = write_file(&job.batches, &path, target, folder).map_err(|e| Error::Lake {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    Ok((file, staged))
}

/// Checks and decodes one source object from its `bytes` as read; `inflated` is the reader's buffer
/// for its text, `builder` the reader's batch builder (sized by the objects it decoded before).
fn read_one(
    run: &Run,
    object: &SourceObject,
    key: &KeyInfo,
    bytes: Result<bytes::Bytes, String>,
    inflated: &mut Vec<u8>,
    builder: &mut BatchBuilder,
) -> FileOutcome {
    let path = object.display_path();
    let mut outcome = FileOutcome {
        entry: None,
        parts: Vec::new(),
        quarantine: Vec::new(),
        copy: None,
        records: 0,
        rows_without_time: 0,
        rows_with_extra: 0,
        bytes: object.size,
    };
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(reason) => {
            outcome.quarantine.push(QuarantineEntry {
                source: path.clone(),
                reason: "unreadable".into(),
                detail: reason,
                record_index: None,
                line: None,
                column: None,
                record: None,
                copy: None,
            });
            outcome.entry = Some(source_entry(
                run,
                &path,
                object.size,
                String::new(),
                SourceKind::Quarantined,
            ));
            return outcome;
        }
    };
    let hash = blake3::hash(&bytes).to_hex().to_string();
    let first_time = run
        .claimed
        .lock()
        .map(|mut c| c.insert(hash.clone()))
        .unwrap_or(true);
    if !first_time {
        return outcome;
    }
    let mut entry = source_entry(run, &path, bytes.len() as u64, hash, SourceKind::TrailLog);
    let content = container::inflate(&bytes, inflated).and_then(|text| {
        // Decode inside the closure: the records borrow the inflated text.
        match container::split(text)? {
            Content::Digest => Ok(None),
            Content::Records(records) => {
                decode(&records, &path, key, builder, &mut outcome).map(Some)
            }
        }
    });
    match content {
        Ok(Some(rows)) => entry.rows = rows,
        Ok(None) => entry.kind = SourceKind::Digest,
        Err(bad) => {
            entry.kind = SourceKind::Quarantined;
            entry.quarantined = 1;
            quarantine_object(run, &path, &entry.hash, &bytes, &bad, &mut outcome);
        }
    }
    entry.quarantined += outcome
        .quarantine
        .iter()
        .filter(|q| q.record_index.is_some())
        .count() as u64;
    outcome.entry = Some(entry);
    outcome
}

fn source_entry(run: &Run, path: &str, size: u64, hash: String, kind: SourceKind) -> SourceEntry {
    SourceEntry {
        path: path.to_string(),
        size,
        hash,
        kind,
        rows: 0,
        quarantined: 0,
        run: run.id.clone(),
    }
}

/// Decodes an object's records into partition batches; returns the rows stored, or the syntax
/// error in a value the container pass left unchecked. `outcome` is only written on success: on an
/// error the records decoded before it go with the object, and `builder` starts afresh.
fn decode(
    records: &Records,
    path: &str,
    key: &KeyInfo,
    builder: &mut BatchBuilder,
    outcome: &mut FileOutcome,
) -> Result<u64, BadInput> {
    builder.reserve(records.len());
    let (mut rows_with_extra, mut rows_without_time, mut not_objects) = (0, 0, Vec::new());
    for index in event_time_order(records) {
        let record = records.get(index);
        let decoded = builder
            .append(record, path, index, (&key.account, &key.region))
            .map_err(|at| {
                *builder = BatchBuilder::new();
                records.invalid_json(record, at)
            })?;
        match decoded {
            Decoded::Row {
                exact,
                event_time_usable,
            } => {
                rows_with_extra += u64::from(!exact);
                rows_without_time += u64::from(!event_time_usable);
            }
            Decoded::NotAnObject => not_objects.push(QuarantineEntry {
                source: path.to_string(),
                reason: "not_an_object".into(),
                detail: format!("record {index} is not a JSON object"),
                record_index: Some(index as u64),
                line: None,
                column: None,
                record: Some(record.value.text.to_string()),
                copy: None,
            }),
        }
    }
    outcome.records += records.len() as u64;
    outcome.rows_with_extra += rows_with_extra;
    outcome.rows_without_time += rows_without_time;
    outcome.quarantine.extend(not_objects);
    let rows = builder.len() as u64;
    if rows > 0 {
        let (batch, partitions) = builder.finish();
        outcome.parts = split_by_partition(batch, partitions);
    }
    Ok(rows)
}

/// Record indices in event-time order: by parsed `eventTime`, then by its text, records without
/// one last. Decoding in this order hands the writer sorted batches, which it can then write as
/// they are instead of sorting and copying every column (it checks the order, so this only needs
/// to be right for ordinary records to pay off).
fn event_time_order(records: &Records) -> Vec<usize> {
    let times: Vec<(Option<i64>, Option<&str>)> = records
        .iter()
        .map(|record| {
            let text = record
                .members
                .iter()
                .find(|m| m.key() == "eventTime")
                .filter(|m| matches!(m.value.kind, JsonKind::String { .. }))
                .map(|m| &m.value.text[1..m.value.text.len() - 1]);
            (text.and_then(EventTime::parse).map(|t| t.millis), text)
        })
        .collect();
    let mut order: Vec<usize> = (0..times.len()).collect();
    let key = |&i: &usize| time_key(times[i].0, times[i].1);
    if !order.is_sorted_by_key(key) {
        order.sort_by_key(key);
    }
    order
}

fn split_by_partition(
    batch: RecordBatch,
    partitions: RowPartitions,
) -> Vec<(PartitionKey, RecordBatch)> {
    let RowPartitions { keys, rows } = partitions;
    // Rows come in event-time order, so a file's rows usually form one run per partition (two
    // when it crosses midnight): runs are sliced out without copying a column. (The router then
    // counts the whole batch's memory for each slice: an over-count, on the safe side.)
    let runs: Vec<&[u32]> = rows.chunk_by(|a, b| a == b).collect();
    if runs.len() == keys.len() {
        let mut offset = 0;
        return runs
            .into_iter()
            .map(|run| {
                let part = batch.slice(offset, run.len());
                offset += run.len();
                (keys[run[0] as usize].clone(), part)
            })
            .collect();
    }
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); keys.len()];
    for (row, &key) in rows.iter().enumerate() {
        groups[key as usize].push(row as u32);
    }
    keys.into_iter()
        .zip(groups)
        .map(|(key, rows)| {
            let part =
                take_record_batch(&batch, &UInt32Array::from(rows)).expect("indices are in range");
            (key, part)
        })
        .collect()
}

fn quarantine_object(
    run: &Run,
    path: &str,
    hash: &str,
    bytes: &[u8],
    bad: &BadInput,
    outcome: &mut FileOutcome,
) {
    let staged = format!("{STATE_DIR}/staging/{}/objects/{hash}", run.id);
    let kept = format!("{STATE_DIR}/quarantine/objects/{hash}");
    let stored = std::fs::create_dir_all(run.root.join(&staged).parent().expect("has a parent"))
        .and_then(|()| std::fs::write(run.root.join(&staged), bytes))
        .is_ok();
    let (line, column) = match bad {
        BadInput::InvalidJson { line, column, .. } => (Some(*line), Some(*column)),
        _ => (None, None),
    };
    outcome.quarantine.push(QuarantineEntry {
        source: path.to_string(),
        reason: bad.reason().to_string(),
        detail: bad.to_string(),
        record_index: None,
        line,
        column,
        record: None,
        copy: stored.then(|| kept.clone()),
    });
    if stored {
        outcome.copy = Some((staged, kept));
    }
}

/// Builds the manifest to commit: new files (after compaction), sources, quarantine.
fn plan_commit(
    run: &Run,
    current: &Manifest,
    written: Vec<(DataFile, String)>,
    entries: Vec<SourceEntry>,
    quarantine: Vec<QuarantineEntry>,
    mut renames: Vec<(String, String)>,
    summary: &mut IngestSummary,
) -> Result<Manifest, Error> {
    let mut next = current.clone();
    let compacted = compact(run, &current.files, written)?;
    summary.files_compacted = compacted.replaced.len() as u64;
    next.files.retain(|f| !compacted.replaced.contains(&f.path));
    next.pending.deletes = compacted
        .replaced
        .iter()
        .filter(|p| current.files.iter().any(|f| &f.path == *p))
        .cloned()
        .collect();
    for (file, staged) in compacted.files {
        renames.push((staged, file.path.clone()));
        next.files.push(file);
    }
    next.sources.extend(entries);
    if !quarantine.is_empty() {
        let staged = format!("{STATE_DIR}/staging/{}/quarantine.jsonl", run.id);
        let kept = format!("{STATE_DIR}/quarantine/{}.jsonl", run.id);
        let mut text = String::new();
        for q in &quarantine {
            text.push_str(&serde_json::to_string(q).expect("plain data serialises"));
            text.push('\n');
        }
        let path = run.root.join(&staged);
        std::fs::create_dir_all(path.parent().expect("has a parent"))
            .and_then(|()| write_atomically(&path, text.as_bytes()))
            .map_err(|e| Error::Lake {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?;
        renames.push((staged, kept.clone()));
        next.quarantine.push(kept);
    }
    crate::lake::sync_dir(&run.root.join(STATE_DIR).join("staging").join(&run.id));
    next.pending.renames = renames;
    Ok(next)
}

struct Compacted {
    /// Files to add: `(entry, staged path)`.
    files: Vec<(DataFile, String)>,
    /// Paths (relative to the root) of files merged away: committed ones and this run's staged ones.
    replaced: HashSet<String>,
}

/// Merges each partition's small files (committed ones and this run's) into larger sorted files.
fn compact(
    run: &Run,
    committed: &[DataFile],
    written: Vec<(DataFile, String)>,
) -> Result<Compacted, Error> {
    let mut result = Compacted {
        files: Vec::new(),
        replaced: HashSet::new(),
    };
    let mut by_partition: BTreeMap<String, Vec<(DataFile, Option<String>)>> = BTreeMap::new();
    for (file, staged) in written {
        by_partition
            .entry(file.partition.clone())
            .or_default()
            .push((file, Some(staged)));
    }
    for (partition, files) in by_partition.iter_mut() {
        files.extend(
            committed
                .iter()
                .filter(|f| &f.partition == partition)
                .map(|f| (f.clone(), None)),
        );
    }
    let mut seq = 0;
    for (partition, files) in by_partition {
        let (small, large): (Vec<_>, Vec<_>) = files
            .into_iter()
            .partition(|(f, _)| f.rows < SMALL_FILE_ROWS);
        result.files.extend(
            large
                .into_iter()
                .filter_map(|(f, staged)| staged.map(|s| (f, s))),
        );
        let mut groups: Vec<Vec<(DataFile, Option<String>)>> = Vec::new();
        let mut rows = 0;
        for file in small {
            if groups.is_empty() || rows + file.0.rows > MAX_MERGED_ROWS {
                groups.push(Vec::new());
                rows = 0;
            }
            rows += file.0.rows;
            groups.last_mut().expect("a group was opened").push(file);
        }
        for group in groups {
            if group.len() < 2 {
                result.files.extend(
                    group
                        .into_iter()
                        .filter_map(|(f, staged)| staged.map(|s| (f, s))),
                );
                continue;
            }
            let mut batches = Vec::new();
            for (file, staged) in &group {
                let path = run.root.join(staged.as_deref().unwrap_or(&file.path));
                batches.extend(read_file(&path).map_err(|e| Error::Lake {
                    path: path.display().to_string(),
                    reason: format!("cannot read back for compaction: {e}"),
                })?);
            }
            seq += 1;
            let staged = format!("{STATE_DIR}/staging/{}/compact-{seq:06}.parquet", run.id);
            let target = format!("{TABLE_DIR}/{partition}/part-{}-c{seq:06}.parquet", run.id);
            let path = run.root.join(&staged);
            let merged = write_file(&batches, &path, target, partition.clone()).map_err(|e| {
                Error::Lake {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                }
            })?;
            drop(batches);
            for (file, staged) in group {
                match staged {
                    Some(staged) => {
                        let _ = std::fs::remove_file(run.root.join(&staged));
                        result.replaced.insert(staged);
                    }
                    None => {
                        result.replaced.insert(file.path);
                    }
                }
            }
            result.files.push((merged, staged));
        }
    }
    Ok(result)
}

fn run_id() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let stamp = chrono::DateTime::from_timestamp(now.as_secs() as i64, 0).unwrap_or_default();
    format!(
        "{}-{:08x}",
        stamp.format("%Y%m%dT%H%M%SZ"),
        now.subsec_nanos() ^ std::process::id()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::AsArray;

    /// The partition parts of records given as `(recipientAccountId, eventTime)`, in this order:
    /// each part's folder, its rows' `eventtime`s, and the address of their text buffer (parts
    /// sliced from one batch share it).
    fn parts(records: &[(&str, &str)]) -> Vec<(String, Vec<String>, usize)> {
        parts_of(records)
            .into_iter()
            .map(|(key, part)| {
                let times = part.column_by_name("eventtime").unwrap().as_string::<i32>();
                let texts = times.iter().map(|t| t.unwrap().to_string()).collect();
                (key.folder(), texts, times.values().as_ptr() as usize)
            })
            .collect()
    }

    /// One source object's partition parts, for records given as `(recipientAccountId,
    /// eventTime)` in this order.
    fn parts_of(records: &[(&str, &str)]) -> Vec<(PartitionKey, RecordBatch)> {
        let text = records
            .iter()
            .map(|(account, time)| {
                format!(
                    r#"{{"eventTime":"{time}","awsRegion":"r","recipientAccountId":"{account}"}}"#
                )
            })
            .collect::<Vec<_>>()
            .join(",");
        let text = format!("[{text}]");
        let Ok(Content::Records(records)) = container::split(text.as_bytes()) else {
            panic!("records")
        };
        let mut builder = BatchBuilder::new();
        for (i, record) in records.iter().enumerate() {
            builder
                .append(record, "s3://b/k", i, (&None, &None))
                .expect("valid JSON");
        }
        let (batch, partitions) = builder.finish();
        split_by_partition(batch, partitions)
    }

    /// Routes one single-record source object per `(recipientAccountId, eventTime)` in turn, with
    /// this idle window and a budget nothing reaches; returns the flushes in order, as `(account,
    /// rows)`.
    fn flushes(objects: &[(&str, &str)], idle_objects: u64) -> Vec<(String, usize)> {
        let (tx, rx) = sync_channel(objects.len());
        for (account, time) in objects {
            let parts = parts_of(&[(account, time)]);
            let outcome = FileOutcome {
                entry: None,
                parts,
                quarantine: Vec::new(),
                copy: None,
                records: 1,
                rows_without_time: 0,
                rows_with_extra: 0,
                bytes: 0,
            };
            tx.send(outcome).expect("room for every object");
        }
        drop(tx);
        let (jobs, done) = sync_channel(objects.len());
        route(
            rx,
            jobs,
            usize::MAX,
            idle_objects,
            &IngestOptions::default(),
            &mut IngestSummary::default(),
            &mut Vec::new(),
            &mut Vec::new(),
            &mut Vec::new(),
        );
        done.try_iter()
            .map(|job| {
                let rows = job.batches.iter().map(RecordBatch::num_rows).sum();
                (job.key.account.unwrap_or_default(), rows)
            })
            .collect()
    }

    #[test]
    fn partitions_idle_for_the_window_are_written_before_the_end() {
        let t = "2024-05-01T10:00:00Z";
        let flushed = |accounts: &str, window| {
            let objects: Vec<(&str, &str)> =
                accounts.split(' ').map(|account| (account, t)).collect();
            flushes(&objects, window)
        };
        let f = |pairs: &[(&str, usize)]| -> Vec<(String, usize)> {
            pairs.iter().map(|(a, n)| (a.to_string(), *n)).collect()
        };
        // Partition 2 gets no rows for three objects: written then, ahead of 1 (the rest go at the
        // end, in key order).
        assert_eq!(flushed("2 2 1 1 1 1", 2), f(&[("2", 2), ("1", 4)]));
        assert_eq!(flushed("2 2 1 1 1 1", 4), f(&[("1", 4), ("2", 2)]));
        // Rows that come after their partition was written start another file.
        assert_eq!(
            flushed("2 2 1 1 1 2", 2),
            f(&[("2", 2), ("1", 3), ("2", 1)])
        );
    }

    #[test]
    fn runs_of_rows_become_slices_and_scattered_rows_are_gathered() {
        let (d1, d2, d3) = (
            "2024-05-01T23:59:59Z",
            "2024-05-02T00:00:00Z",
            "2024-05-02T00:00:01Z",
        );
        let crossing_midnight = parts(&[("1", d1), ("1", d2), ("1", d3)]);
        assert_eq!(crossing_midnight.len(), 2);
        assert_eq!(crossing_midnight[0].1, [d1]);
        assert_eq!(crossing_midnight[1].1, [d2, d3]);
        assert_eq!(
            crossing_midnight[0].2, crossing_midnight[1].2,
            "slices of one batch"
        );
        assert_ne!(crossing_midnight[0].0, crossing_midnight[1].0);

        let interleaved = parts(&[("1", d2), ("2", d2), ("1", d3)]);
        assert_eq!(interleaved.len(), 2);
        assert_eq!(interleaved[0].1, [d2, d3]);
        assert_eq!(interleaved[1].1, [d2]);
        assert_ne!(
            interleaved[0].2, interleaved[1].2,
            "gathered into new batches"
        );
        assert!(interleaved[0].0.starts_with("1/"), "{:?}", interleaved[0].0);
    }

    #[test]
    fn readers_decode_every_object_and_quarantine_those_that_cannot_be_read() {
        let dir = tempfile::tempdir().expect("temp dir");
        let record =
            |id: &str| format!(r#"{{"eventID":"{id}","eventTime":"2024-05-01T00:00:00Z"}}"#);
        let mut to_read = Vec::new();
        for (name, text) in [
            (
                "a.json",
                Some(format!(
                    r#"{{"Records":[{},{}]}}"#,
                    record("1"),
                    record("2")
                )),
            ),
            ("gone.json", None),
            (
                "b.json",
                Some(format!(r#"{{"Records":[{}]}}"#, record("3"))),
            ),
            (
                "c.json",
                Some(format!(
                    "{{\"Records\":[{},\n{{\"userIdentity\":{{\"type\":\"Root\" \"arn\":\"a\"}}}}]}}",
                    record("4")
                )),
            ),
        ] {
            let path = dir.path().join(name);
            if let Some(text) = &text {
                std::fs::write(&path, text).expect("writes");
            }
            let object = SourceObject {
                location: object_store::path::Path::from_absolute_path(&path).expect("a path"),
                size: text.map_or(0, |t| t.len() as u64),
            };
            let key = object.key();
            to_read.push((object, key));
        }
        let run = Run {
            id: "test".into(),
            root: dir.path(),
            sources: Sources::default(),
            claimed: Mutex::default(),
        };
        let (tx, rx) = sync_channel(1);
        let outcomes = std::thread::scope(|scope| {
            let (run, to_read) = (&run, &to_read);
            scope.spawn(move || reader(run, to_read, &AtomicUsize::new(0), tx));
            rx.into_iter().collect::<Vec<_>>()
        });
        let records: Vec<u64> = outcomes.iter().map(|o| o.records).collect();
        assert_eq!(records, [2, 0, 1, 0], "in claim order");
        // The syntax error is inside a value the decoder validates, after a record it decoded:
        // the object is quarantined whole, placed by line and column, and no row is kept.
        let broken = &outcomes[3];
        assert!(broken.parts.is_empty());
        assert_eq!(broken.quarantine.len(), 1);
        assert_eq!(broken.quarantine[0].reason, "invalid_json");
        assert_eq!(
            (broken.quarantine[0].line, broken.quarantine[0].column),
            (Some(2), Some(32)),
            "{:?}",
            broken.quarantine[0]
        );
        let gone = &outcomes[1];
        assert_eq!(gone.quarantine.len(), 1);
        assert_eq!(gone.quarantine[0].reason, "unreadable");
        assert!(
            gone.quarantine[0].detail.contains("gone.json"),
            "{}",
            gone.quarantine[0].detail
        );
        assert_eq!(
            gone.entry.as_ref().map(|e| e.kind),
            Some(SourceKind::Quarantined)
        );
    }
}
