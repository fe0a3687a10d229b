//! Questions repeated across the banks of one `check` run: a note at the later copy,
//! naming the first; selectable, ignorable and suppressible like every code; the same
//! from the result cache.

use std::path::Path;

use crate::common::{copy_dir, diagnostics, qbank, root};

/// `a/` (the shipped bank) and `b/` (a copy under another slug, one question rewritten
/// around another scenario).
fn two_banks() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    let shipped = root().join("content/performance-engineering");
    copy_dir(&shipped, &tmp.path().join("a"));
    copy_dir(&shipped, &tmp.path().join("b"));
    let meta = tmp.path().join("b/bank.yaml");
    let text = std::fs::read_to_string(&meta).expect("reads");
    std::fs::write(
        &meta,
        text.replace("slug: performance-engineering", "slug: perf-copy"),
    )
    .expect("writes");
    tmp
}

fn run(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = qbank()
        .current_dir(dir)
        .args(["check", ".", "--format", "json", "--as-of", "2026-11-25"])
        .args(extra)
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&out.stdout).expect("json");
    (out.status.code().expect("exit code"), json)
}

fn notes(json: &serde_json::Value) -> Vec<serde_json::Value> {
    diagnostics(json)
        .into_iter()
        .filter(|d| d["code"] == "cross-bank-duplicate")
        .collect()
}

fn questions(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir.join("questions"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .count()
}

#[test]
fn a_copied_bank_gets_a_note_at_each_repeated_question_and_keeps_its_exit_code() {
    let tmp = two_banks();
    let (alone, _) = run(&tmp.path().join("b"), &["--no-cache"]);
    let (code, json) = run(tmp.path(), &["--no-cache"]);
    assert_eq!(code, alone, "a note does not change the exit code");
    let found = notes(&json);
    assert_eq!(found.len(), questions(&tmp.path().join("b")), "{found:#?}");
    for n in &found {
        assert_eq!(n["severity"], "note");
        let file = n["location"]["file"].as_str().expect("file");
        assert!(file.contains("b/questions/"), "at the later copy: {file}");
        assert!(
            n["message"]
                .as_str()
                .is_some_and(|m| m.contains("of `performance-engineering`")),
            "{n}"
        );
    }
    // One bank alone, or two banks with nothing in common: no note.
    let (_, json) = run(&tmp.path().join("a"), &["--no-cache"]);
    assert!(notes(&json).is_empty());
    // From the result cache (first run stores, second reads): the same notes.
    let (_, first) = run(tmp.path(), &[]);
    let (_, second) = run(tmp.path(), &[]);
    assert_eq!(notes(&first).len(), found.len());
    assert_eq!(notes(&second).len(), found.len());
    // Ignored by code: none.
    let (_, json) = run(
        tmp.path(),
        &["--no-cache", "--ignore", "cross-bank-duplicate"],
    );
    assert!(notes(&json).is_empty());
}

#[test]
fn a_suppression_at_the_copy_hides_its_note_and_is_not_called_unused() {
    let tmp = two_banks();
    let q = tmp
        .path()
        .join("b/questions/01-latency/01-percentile-gap-measurement.yaml");
    let text = std::fs::read_to_string(&q).expect("reads");
    let text = text.replacen(
        "\ntitle:",
        "\n# qbank-ignore: cross-bank-duplicate -- kept in both banks on purpose\ntitle:",
        1,
    );
    std::fs::write(&q, text).expect("writes");
    let (_, json) = run(tmp.path(), &["--no-cache"]);
    let found = notes(&json);
    assert_eq!(found.len(), questions(&tmp.path().join("b")) - 1);
    assert!(
        found.iter().all(|n| !n["location"]["file"]
            .as_str()
            .unwrap_or_default()
            .ends_with("01-percentile-gap-measurement.yaml")),
        "{found:#?}"
    );
    let all = diagnostics(&json);
    assert!(
        !all.iter()
            .any(|d| d["code"] == "unused-suppression" || d["code"] == "bad-suppression"),
        "{all:#?}"
    );
    // Checked alone, the bank cannot tell: the suppression is not called unused either.
    let (_, json) = run(&tmp.path().join("b"), &["--no-cache"]);
    assert!(
        !diagnostics(&json)
            .iter()
            .any(|d| d["code"] == "unused-suppression")
    );
}
