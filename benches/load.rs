//! Load and check throughput on a synthetic content repository of many banks, reported
//! as ratios to a bare parse of the same files with the same YAML crate, in one run.
//!
//! `cargo bench --bench load [-- BANKS]` (default 1,000 banks made from the shipped bank).

mod common;

use common::median;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;

fn copy_bank(from: &Path, to: &Path, slug: &str) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else if rel == Path::new("bank.yaml") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            std::fs::write(
                &target,
                text.replace("slug: performance-engineering", &format!("slug: {slug}")),
            )
            .unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn yaml_files(root: &Path) -> Vec<PathBuf> {
    walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .map(|e| e.into_path())
        .collect()
}

/// `qbank check --format json` as the binary runs it: the streaming pipeline, the text
/// written nowhere; returns the number of banks checked.
fn check_banks(roots: &[PathBuf], as_of: Option<qbank::model::Day>) -> usize {
    let opts = qbank::pipeline::Options {
        as_of,
        ..qbank::pipeline::Options::new(roots.to_vec())
    };
    let mut format = qbank::report::Format::Json.formatter(qbank::report::Style::default());
    let mut bytes = 0;
    let totals = qbank::run(&opts, format.as_mut(), &mut |s| bytes += s.len());
    std::hint::black_box(bytes);
    totals.counts.banks
}

fn main() {
    let banks: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1000);
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/performance-engineering");
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..banks {
        copy_bank(
            &shipped,
            &tmp.path().join(format!("bank-{i:04}")),
            &format!("bank-{i:04}"),
        );
    }
    let files = yaml_files(tmp.path());
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).unwrap().len())
        .sum();
    let roots = vec![tmp.path().to_path_buf()];
    let runs = 5;

    // Baseline: read and parse every file into a generic value, in parallel, nothing else.
    let bare = median(runs, || {
        files.par_iter().for_each(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let v: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
            std::hint::black_box(v);
        });
    });
    let bare_single = median(runs, || {
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            let v: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
            std::hint::black_box(v);
        }
    });
    // qbank: discovery, reading, typed parse with positions, cross-file checks.
    let load = median(runs, || {
        let (inputs, _) = qbank::load::discover(&roots);
        let dirs: Vec<PathBuf> = inputs
            .into_iter()
            .filter_map(|i| match i {
                qbank::load::Input::Bank(p) => Some(p),
                qbank::load::Input::Document(_) => None,
            })
            .collect();
        let loaded = qbank::load::load_all(&dirs);
        assert!(loaded.iter().all(|l| l.bank.is_some()));
        std::hint::black_box(loaded);
    });
    // The whole `check`: load plus the twenty gates per bank.
    let as_of = qbank::model::Day::parse("2026-11-25").ok();
    let check = median(runs, || {
        assert_eq!(check_banks(&roots, as_of), banks);
    });
    // The same check with the practical blocks not parsed (gate 5 then calls every block
    // "not verified"): what the parsers add.
    qbank::code::set_verification(false);
    let check_unparsed = median(runs, || {
        assert_eq!(check_banks(&roots, as_of), banks);
    });
    qbank::code::set_verification(true);
    // The shipped bank alone, as `qbank check content/performance-engineering` does it.
    let shipped_roots = vec![shipped.clone()];
    let one_check = |parse: bool| {
        qbank::code::set_verification(parse);
        let d = median(runs, || {
            for _ in 0..20 {
                std::hint::black_box(check_banks(&shipped_roots, as_of));
            }
        });
        qbank::code::set_verification(true);
        d / 20
    };
    let shipped_unparsed = one_check(false);
    let shipped_parsed = one_check(true);

    let mb = bytes as f64 / 1_048_576.0;
    let row = |name: &str, d: Duration| {
        let s = d.as_secs_f64();
        println!(
            "| {name} | {:.0} ms | {:.1} MB/s | {:.0} banks/s | {:.2}x |",
            s * 1000.0,
            mb / s,
            banks as f64 / s,
            s / bare.as_secs_f64()
        );
    };
    println!(
        "{banks} banks, {} files, {mb:.1} MB, {} threads, median of {runs} runs\n",
        files.len(),
        rayon::current_num_threads()
    );
    println!("| what | time | throughput | banks | vs bare parse |\n|---|---|---|---|---|");
    row("bare parse (baseline, parallel)", bare);
    row("bare parse, one thread", bare_single);
    row("qbank load", load);
    row("qbank check, blocks not parsed", check_unparsed);
    row("qbank check (load + 20 gates)", check);
    // Where the gate time goes: each gate on one bank, many times.
    let one = qbank::load::load_bank(&shipped).bank.unwrap();
    let date = as_of.unwrap().0;
    println!("\n| gate | µs per bank |\n|---|---|");
    for g in qbank::gates::ALL {
        let ctx = qbank::gates::Ctx::new(&one, date, None);
        let reps = 50;
        let t = Instant::now();
        for _ in 0..reps {
            std::hint::black_box(qbank::gates::run_one(g, &ctx));
        }
        println!(
            "| {} {} | {:.0} |",
            g.number,
            g.name,
            t.elapsed().as_secs_f64() * 1e6 / f64::from(reps)
        );
    }
    let t = Instant::now();
    for _ in 0..50 {
        std::hint::black_box(qbank::gates::Ctx::new(&one, date, None));
    }
    println!(
        "| (context: shared text analysis of every question) | {:.0} |",
        t.elapsed().as_secs_f64() * 1e6 / 50.0
    );
    println!(
        "\nparsing practical blocks: check of {banks} banks {:.3}x the check without it; \
         shipped bank alone {:.1} ms vs {:.1} ms = {:.3}x",
        check.as_secs_f64() / check_unparsed.as_secs_f64(),
        shipped_parsed.as_secs_f64() * 1000.0,
        shipped_unparsed.as_secs_f64() * 1000.0,
        shipped_parsed.as_secs_f64() / shipped_unparsed.as_secs_f64()
    );
    println!(
        "\nload / bare parse = {:.2}x; check / bare parse = {:.2}x; gates add {:.0}% of the load time",
        load.as_secs_f64() / bare.as_secs_f64(),
        check.as_secs_f64() / bare.as_secs_f64(),
        (check.as_secs_f64() - load.as_secs_f64()) / load.as_secs_f64() * 100.0
    );
}
