//! Timing shared by the benchmarks.

use std::time::{Duration, Instant};

/// The median of `runs` timings of `f`, after one warm-up run.
pub fn median(runs: usize, mut f: impl FnMut()) -> Duration {
    f();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}
