//! The scale benchmark of `qbank check`: repositories of N copies of the shipped bank,
//! checked by the release binary, every figure a ratio against a baseline measured in
//! the same run.
//!
//! `cargo bench --bench scale [-- N...]` (default 200 1000 10000). It reports, per N, the
//! binary's peak memory (GNU time's maximum resident set size); for the middle N the
//! cold check (no result cache, OS file cache warm), the warm re-check (every result
//! cached) and, when `../shared/bench/pybaseline.py` and Python with PyYAML and
//! jsonschema are there, that script (schema validation and reference resolution only)
//! and a bare parallel YAML parse of the same files, the ceiling of this design.
//!
//! Needs `/usr/bin/time` (GNU time). The copies share their question and reference
//! files by hard link: only bank.yaml (slug and title) differs.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rayon::prelude::*;

fn make_repo(shipped: &Path, out: &Path, banks: usize) {
    let meta = std::fs::read_to_string(shipped.join("bank.yaml")).unwrap();
    for i in 0..banks {
        let dst = out.join(format!("bank-{i:05}"));
        for e in walkdir::WalkDir::new(shipped) {
            let e = e.unwrap();
            let rel = e.path().strip_prefix(shipped).unwrap();
            let target = dst.join(rel);
            if e.file_type().is_dir() {
                std::fs::create_dir_all(&target).unwrap();
            } else if rel == Path::new("bank.yaml") {
                let text = meta
                    .replace(
                        "slug: performance-engineering",
                        &format!("slug: performance-engineering-{i:05}"),
                    )
                    .replacen("\ntitle: ", &format!("\ntitle: Copy {i} of "), 1);
                std::fs::write(&target, text).unwrap();
            } else {
                std::fs::hard_link(e.path(), &target).unwrap();
            }
        }
    }
}

/// Runs `cmd` with stdout discarded: (wall time, peak resident memory in KiB).
fn measure(cmd: &[&str], dir: &Path) -> (Duration, u64) {
    let start = Instant::now();
    let out = Command::new("/usr/bin/time")
        .arg("-f")
        .arg("%M")
        .args(cmd)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("GNU time runs (apt install time)");
    let took = start.elapsed();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let kib = stderr
        .lines()
        .rev()
        .find_map(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak memory from GNU time: {stderr}"));
    (took, kib)
}

fn median_of(runs: usize, mut f: impl FnMut() -> Duration) -> Duration {
    let mut t: Vec<Duration> = (0..runs).map(|_| f()).collect();
    t.sort();
    t[runs / 2]
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn main() {
    let mut sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if sizes.is_empty() {
        sizes = vec![200, 1000, 10000];
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let shipped = root.join("content/performance-engineering");
    let bin = env!("CARGO_BIN_EXE_qbank");
    let work = tempfile::tempdir().unwrap();
    println!("qbank check --format json (release), copies of the shipped bank; one run");
    println!("| banks | peak memory | check, no cache |");
    println!("|---|---|---|");
    let mut peaks = Vec::new();
    for &n in &sizes {
        let repo = work.path().join(format!("repo-{n}"));
        make_repo(&shipped, &repo, n);
        let repo_s = repo.display().to_string();
        // Warm the OS file cache, then measure.
        measure(
            &[bin, "check", &repo_s, "--format", "json", "--no-cache"],
            work.path(),
        );
        let (t, kib) = measure(
            &[bin, "check", &repo_s, "--format", "json", "--no-cache"],
            work.path(),
        );
        println!("| {n} | {:.0} MiB | {:.2} s |", mib(kib), t.as_secs_f64());
        peaks.push(kib);
        if n != sizes[sizes.len() / 2] {
            std::fs::remove_dir_all(&repo).unwrap();
        }
    }
    let (lo, hi) = (
        *peaks.iter().min().unwrap() as f64,
        *peaks.iter().max().unwrap() as f64,
    );
    println!(
        "peak memory: largest / smallest = {:.2} (flat within 20% when <= 1.20)\n",
        hi / lo
    );

    let n = sizes[sizes.len() / 2];
    let repo = work.path().join(format!("repo-{n}"));
    let repo_s = repo.display().to_string();
    let runs = 3;
    let results = work.path().join(".qbank/results");
    let cold = median_of(runs, || {
        let _ = std::fs::remove_dir_all(&results);
        measure(&[bin, "check", &repo_s, "--format", "json"], work.path()).0
    });
    let warm = median_of(runs, || {
        measure(&[bin, "check", &repo_s, "--format", "json"], work.path()).0
    });
    println!("{n} banks, median of {runs}:");
    println!(
        "  cold check (no result cache; writes it): {:.2} s",
        cold.as_secs_f64()
    );
    println!(
        "  warm re-check (every result cached):     {:.2} s = {:.1}% of cold",
        warm.as_secs_f64(),
        100.0 * warm.as_secs_f64() / cold.as_secs_f64()
    );

    // The bare parallel parse of the same files with the same YAML crate.
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&repo)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .map(|e| e.into_path())
        .collect();
    let bare = common::median(runs, || {
        files.par_iter().for_each(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let v: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
            std::hint::black_box(v);
        });
    });
    println!(
        "  bare parallel YAML parse (in-process):   {:.2} s",
        bare.as_secs_f64()
    );

    // `../shared/bench` beside the project (QBANK_SHARED names another place).
    let shared = std::env::var_os("QBANK_SHARED")
        .map_or_else(|| root.join("../shared"), PathBuf::from)
        .join("bench");
    let script = shared.join("pybaseline.py");
    let python_ok = script.is_file()
        && Command::new("python3")
            .args(["-c", "import yaml, jsonschema"])
            .status()
            .is_ok_and(|s| s.success());
    if !python_ok {
        println!("  (../shared/bench/pybaseline.py or PyYAML/jsonschema missing: no Python ratio)");
        return;
    }
    let schemas = root.join("schemas").display().to_string();
    let py = measure(&["python3", "pybaseline.py", &schemas, &repo_s], &shared);
    println!(
        "  pybaseline.py (PyYAML CSafeLoader + jsonschema), one run: {:.2} s, {:.0} MiB",
        py.0.as_secs_f64(),
        mib(py.1)
    );
    println!(
        "  cold check is {:.1}x faster than pybaseline.py; the bare parse {:.1}x (the ceiling)",
        py.0.as_secs_f64() / cold.as_secs_f64(),
        py.0.as_secs_f64() / bare.as_secs_f64()
    );
}
