//! The delivery plan: which files exist, which stream (account × region) each belongs to, how many records it
//! holds, the time window of its events and its delivery stamp.
//!
//! The plan is computed once, single-threaded, from the configuration alone; each file is then generated
//! independently from its own seed, which is what makes the output independent of the number of threads.

use std::ops::Range;

use crate::GenConfig;
use crate::incident::Step;
use crate::rng::{Rng, Weighted, derive};
use crate::time::{DAY, ceil_minute};

/// One delivery file to write.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FileSpec {
    /// Account index.
    pub(crate) account: usize,
    /// Region index.
    pub(crate) region: usize,
    /// Delivery time (epoch seconds, on a minute boundary); names the file and its date folders.
    pub(crate) stamp: i64,
    /// Background events are drawn uniformly from `[window.0, window.1)` (epoch seconds).
    pub(crate) window: (f64, f64),
    /// Number of background records.
    pub(crate) background: u32,
    /// Incident steps (indices into the incident plan) delivered in this file.
    pub(crate) incident: Range<usize>,
    /// Index of the file's first record in the whole set; keys unique event ids.
    pub(crate) first_uid: u64,
    /// The 16 alphanumerics that end the file name.
    pub(crate) suffix: [u8; 16],
}

impl FileSpec {
    /// Records in the file.
    pub(crate) fn records(&self) -> u64 {
        u64::from(self.background) + self.incident.len() as u64
    }
}

/// Relative activity per UTC hour (the organisation works European and American hours).
const HOURLY: [f64; 24] = [
    3.0, 2.0, 2.0, 2.0, 2.0, 3.0, 4.0, 6.0, 8.0, 10.0, 11.0, 12.0, 12.0, 12.0, 12.0, 12.0, 11.0,
    10.0, 9.0, 8.0, 7.0, 6.0, 5.0, 4.0,
];

/// Maps a fraction of the total activity to a time, following a diurnal and weekly rhythm.
struct Warp {
    start: f64,
    cumulative: Vec<f64>,
}

impl Warp {
    fn new(start: i64, days: u32) -> Self {
        let mut cumulative = Vec::with_capacity(days as usize * 24 + 1);
        cumulative.push(0.0);
        let mut total = 0.0;
        for d in 0..i64::from(days) {
            // 1970-01-01 was a Thursday; 5 and 6 are Saturday and Sunday.
            let weekday = ((start + d * DAY).div_euclid(DAY) + 3).rem_euclid(7);
            let factor = if weekday >= 5 { 0.45 } else { 1.0 };
            for w in HOURLY {
                total += w * factor;
                cumulative.push(total);
            }
        }
        Warp {
            start: start as f64,
            cumulative,
        }
    }

    fn time(&self, fraction: f64) -> f64 {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = (fraction.clamp(0.0, 1.0) * total).min(total);
        let hour = self
            .cumulative
            .partition_point(|&c| c <= x)
            .saturating_sub(1);
        let hour = hour.min(self.cumulative.len().saturating_sub(2));
        let (lo, hi) = (self.cumulative[hour], self.cumulative[hour + 1]);
        let within = if hi > lo { (x - lo) / (hi - lo) } else { 0.0 };
        self.start + (hour as f64 + within) * 3600.0
    }
}

/// Splits `total` records into file sizes drawn from `lo..=hi`; only when the total cannot be split that way is
/// a file smaller than `lo`.
fn split(total: u64, lo: u64, hi: u64, rng: &mut Rng) -> Vec<u64> {
    let mut sizes = Vec::with_capacity((total / ((lo + hi) / 2).max(1)) as usize + 2);
    let mut remaining = total;
    while remaining > 0 {
        if remaining <= hi {
            sizes.push(remaining);
            break;
        }
        let draw = rng.range(lo, hi);
        if remaining - draw < lo {
            // Split what is left into two files of similar size, each at most `hi`.
            let half = remaining / 2;
            sizes.push(half);
            sizes.push(remaining - half);
            break;
        }
        sizes.push(draw);
        remaining -= draw;
    }
    sizes
}

/// Delivery lag in seconds: CloudTrail delivers 5 to 15 minutes after the newest event.
fn lag(rng: &mut Rng) -> i64 {
    rng.range(300, 900) as i64
}

/// Builds the plan. `steps` are the incident's calls sorted by time (empty without an incident).
pub(crate) fn build(cfg: &GenConfig, steps: &[Step]) -> Vec<FileSpec> {
    let mut rng = Rng::new(derive(cfg.seed, 0x91a2, 0));
    let lo = u64::from(*cfg.records_per_file.start()).max(1);
    let hi = u64::from(*cfg.records_per_file.end()).max(lo);
    let start = crate::start_epoch(cfg);
    let end = start + i64::from(cfg.days) * DAY;
    let mut incident_files = Vec::new();
    let mut used = steps.len() as u64;

    // Incident steps go to us-east-1 files of the first account, one group per 5-minute delivery period,
    // padded with ordinary background activity of the same period.
    let mut pad_left = cfg.records.saturating_sub(used) / 4;
    let mut i = 0;
    while i < steps.len() {
        let bucket = (steps[i].time - start).div_euclid(300);
        let mut j = i;
        while j < steps.len()
            && (steps[j].time - start).div_euclid(300) == bucket
            && ((j - i) as u64) < hi
        {
            j += 1;
        }
        let chunk = (j - i) as u64;
        let target = rng.range(lo, hi).max(chunk);
        let pad = (target - chunk).min(pad_left);
        pad_left -= pad;
        used += pad;
        let w0 = start + bucket * 300;
        incident_files.push(FileSpec {
            account: 0,
            region: 0,
            stamp: ceil_minute(w0 + 300 + lag(&mut rng)),
            window: (w0 as f64, (w0 + 300).min(end) as f64),
            background: pad as u32,
            incident: i..j,
            first_uid: 0,
            suffix: [0; 16],
        });
        i = j;
    }

    // Background files: sizes first, then a stream each, then time windows along each stream.
    let streams: Vec<(usize, usize)> = (0..cfg.accounts)
        .flat_map(|a| (0..cfg.regions).map(move |r| (a, r)))
        .collect();
    let weights = Weighted::new(streams.iter().map(|&(a, r)| {
        let account = 1200 / (a as u64 + 2);
        let region = if r == 0 { 10 } else { 12 / (r as u64 + 1) + 1 };
        account * region
    }));
    let mut per_stream: Vec<Vec<u64>> = vec![Vec::new(); streams.len()];
    let sizes = split(cfg.records.saturating_sub(used), lo, hi, &mut rng);
    // Every stream gets a file when there are enough of them; the rest follow the stream weights.
    let guaranteed = if sizes.len() >= streams.len() {
        streams.len()
    } else {
        0
    };
    for (k, size) in sizes.into_iter().enumerate() {
        let s = if k < guaranteed {
            k
        } else {
            weights.sample(&mut rng)
        };
        per_stream[s].push(size);
    }
    let warp = Warp::new(start, cfg.days);
    let mut files = Vec::new();
    for (s, sizes) in per_stream.iter().enumerate() {
        let total: u64 = sizes.iter().sum();
        let mut done = 0u64;
        let mut t0 = warp.time(0.0);
        for &size in sizes {
            done += size;
            let t1 = warp.time(done as f64 / total as f64);
            files.push(FileSpec {
                account: streams[s].0,
                region: streams[s].1,
                stamp: ceil_minute(t1.ceil() as i64 + lag(&mut rng)),
                window: (t0, t1),
                background: size as u32,
                incident: 0..0,
                first_uid: 0,
                suffix: [0; 16],
            });
            t0 = t1;
        }
    }
    files.extend(incident_files);

    const ALNUM: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut uid = 0;
    for f in &mut files {
        f.first_uid = uid;
        uid += f.records();
        for c in &mut f.suffix {
            *c = ALNUM[rng.index(ALNUM.len())];
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_exact_and_within_bounds() {
        let mut rng = Rng::new(1);
        for total in [0u64, 1, 99, 100, 101, 999, 1000, 1001, 1099, 5000, 123_457] {
            let sizes = split(total, 100, 1000, &mut rng);
            assert_eq!(sizes.iter().sum::<u64>(), total);
            assert!(sizes.iter().all(|&s| s <= 1000 && s > 0), "{sizes:?}");
            if total >= 100 {
                assert!(sizes.iter().all(|&s| s >= 100), "{total}: {sizes:?}");
            }
        }
    }

    #[test]
    fn warp_is_monotonic_and_spans_the_range() {
        let warp = Warp::new(1_714_521_600, 7);
        assert_eq!(warp.time(0.0), 1_714_521_600.0);
        assert_eq!(warp.time(1.0), 1_714_521_600.0 + 7.0 * 86_400.0);
        let mut last = 0.0;
        for k in 0..=1000 {
            let t = warp.time(k as f64 / 1000.0);
            assert!(t >= last);
            last = t;
        }
        // Busy afternoons get more of the activity than nights.
        let night = warp.time(0.05) - warp.time(0.0);
        assert!(night > 3600.0 * 5.0, "{night}");
    }
}
