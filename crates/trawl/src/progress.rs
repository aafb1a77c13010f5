//! Progress of long work: a bar on a terminal, plain log lines otherwise, nothing with `--quiet`.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// Ingest progress, shown the way stderr allows.
pub struct IngestProgress {
    bar: Option<ProgressBar>,
    state: Mutex<Counters>,
}

struct Counters {
    files: u64,
    total_files: u64,
    records: u64,
    bytes: u64,
    started: Instant,
    last_line: Instant,
}

impl IngestProgress {
    /// A bar when stderr is a terminal, log lines every 5 s otherwise; `None` when quiet.
    pub fn for_stderr(quiet: bool) -> Option<Self> {
        if quiet {
            return None;
        }
        let bar = std::io::stderr().is_terminal().then(|| {
            let style = ProgressStyle::with_template(
                "{spinner} {elapsed_precise} {wide_bar} {bytes}/{total_bytes} {bytes_per_sec} ETA {eta} · {msg}",
            )
            .expect("valid template");
            let bar = ProgressBar::new(0).with_style(style);
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        let now = Instant::now();
        let state = Counters {
            files: 0,
            total_files: 0,
            records: 0,
            bytes: 0,
            started: now,
            last_line: now,
        };
        Some(IngestProgress {
            bar,
            state: Mutex::new(state),
        })
    }
}

impl trawl_ingest::Progress for IngestProgress {
    fn start(&self, files: u64, bytes: u64) {
        if let Ok(mut s) = self.state.lock() {
            s.total_files = files;
        }
        match &self.bar {
            Some(bar) => bar.set_length(bytes),
            None => eprintln!(
                "trawl: reading {files} objects ({:.1} MB)",
                bytes as f64 / 1e6
            ),
        }
    }

    fn advance(&self, bytes: u64, records: u64) {
        let Ok(mut s) = self.state.lock() else { return };
        s.files += 1;
        s.records += records;
        s.bytes += bytes;
        match &self.bar {
            Some(bar) => {
                bar.inc(bytes);
                bar.set_message(format!(
                    "{}/{} files · {} records",
                    s.files, s.total_files, s.records
                ));
            }
            None if s.last_line.elapsed() >= Duration::from_secs(5) => {
                s.last_line = Instant::now();
                let secs = s.started.elapsed().as_secs_f64();
                eprintln!(
                    "trawl: {}/{} objects, {} records, {:.1} MB/s",
                    s.files,
                    s.total_files,
                    s.records,
                    s.bytes as f64 / 1e6 / secs
                );
            }
            None => {}
        }
    }

    fn finishing(&self) {
        match &self.bar {
            Some(bar) => bar.set_message("writing, compacting, committing"),
            None => eprintln!("trawl: writing, compacting, committing"),
        }
    }
}

impl Drop for IngestProgress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
