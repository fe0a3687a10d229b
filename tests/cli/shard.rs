//! `check --shard K/N` and `qbank merge`: the shards split the banks between them, and
//! their merged JSON reports print exactly what the unsharded check prints.

use std::path::Path;

use crate::common::{fixtures, qbank};

/// Runs `qbank ARGS` in `dir`, returning (exit code, stdout).
fn run(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = qbank().current_dir(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// A repository of several banks, some broken, and a document, plus a missing path
/// (a problem not tied to any bank).
fn repository() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let repo = d.path().join("repo");
    for name in [
        "bad-date",
        "duplicate-key",
        "unknown-role",
        "crlf",
        "utf8-bom",
    ] {
        copy(&fixtures().join("invalid").join(name), &repo.join(name));
    }
    copy(
        &crate::common::root().join("content/performance-engineering"),
        &repo.join("shipped"),
    );
    std::fs::copy(
        fixtures().join("import/defects.md"),
        d.path().join("defects.md"),
    )
    .unwrap();
    d
}

fn copy(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let target = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

const CHECK: [&str; 6] = [
    "check",
    "repo",
    "defects.md",
    "missing",
    "--as-of",
    "2026-11-25",
];

#[test]
fn shards_hold_every_bank_once_and_merge_to_the_whole_report() {
    let d = repository();
    let (whole_code, whole) = run(d.path(), &[&CHECK[..], &["--format", "json"]].concat());
    let whole_json: serde_json::Value = serde_json::from_str(&whole).unwrap();
    let n = 3;
    let mut files = Vec::new();
    let mut paths = Vec::new();
    for k in 1..=n {
        let shard = format!("{k}/{n}");
        let (_, text) = run(
            d.path(),
            &[&CHECK[..], &["--format", "json", "--shard", &shard]].concat(),
        );
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        for b in json["banks"].as_array().unwrap() {
            paths.push(b["path"].as_str().unwrap().to_owned());
        }
        // Only the first shard reports the missing path.
        assert_eq!(
            json["general"].as_array().unwrap().is_empty(),
            k != 1,
            "{shard}"
        );
        let file = d.path().join(format!("shard-{k}.json"));
        std::fs::write(&file, text).unwrap();
        files.push(file.display().to_string());
    }
    let mut all: Vec<String> = whole_json["banks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(all.len(), 7);
    paths.sort();
    all.sort();
    assert_eq!(paths, all, "each bank in exactly one shard");
    // Merged in any order, in every format, the shards print the unsharded report.
    files.reverse();
    for format in [
        "json", "sarif", "junit", "concise", "markdown", "github", "human",
    ] {
        let (code, whole) = run(d.path(), &[&CHECK[..], &["--format", format]].concat());
        let merged = run(
            d.path(),
            &[
                &["merge", "--format", format][..],
                &files.iter().map(String::as_str).collect::<Vec<_>>(),
            ]
            .concat(),
        );
        assert_eq!(merged, (code, whole), "{format}");
        assert_eq!(code, whole_code);
    }
}

#[test]
fn a_bad_shard_or_report_is_an_error() {
    let d = repository();
    for bad in ["0/3", "4/3", "x"] {
        let out = qbank()
            .current_dir(d.path())
            .args(["check", "repo", "--shard", bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("K/N"),
            "{bad}"
        );
    }
    std::fs::write(
        d.path().join("bad.json"),
        "{\n  \"version\": 1,\n  \"banks\": 3\n}\n",
    )
    .unwrap();
    let out = qbank()
        .current_dir(d.path())
        .args(["merge", "bad.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.json:3:"), "{err}");
    assert!(err.contains("not a qbank JSON report"), "{err}");
}
