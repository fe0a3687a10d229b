//! The result cache (`.qbank/results/`): a re-check of what did not change reads the
//! stored results; a change to anything the results depend on checks that bank again.
//!
//! Each test marks the stored entry (gate 1's evidence becomes `FROM-CACHE`), changes one
//! thing and checks again: the mark shows when the entry was used, and must not show
//! after a change that invalidates it.

use std::path::{Path, PathBuf};

use crate::bank::{AS_OF, Bank, Written};
use crate::common::qbank;

const MARK: &str = "FROM-CACHE";

/// `qbank check bank --format json` in the bank's folder: (exit code, JSON, stderr).
fn check(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let out = qbank()
        .current_dir(dir)
        .args(["check", "bank", "--format", "json", "--as-of", AS_OF])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), json, stderr)
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir.join(".qbank/results")) else {
        return Vec::new();
    };
    let mut v: Vec<PathBuf> = rd
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    v.sort();
    v
}

/// Marks the one stored entry: gate 1's evidence becomes [`MARK`].
fn mark(dir: &Path) {
    let e = entries(dir);
    assert_eq!(e.len(), 1, "{e:?}");
    let mut entry: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&e[0]).unwrap()).unwrap();
    entry["report"]["gates"][0]["evidence"] = MARK.into();
    std::fs::write(&e[0], entry.to_string()).unwrap();
}

fn from_cache(json: &serde_json::Value) -> bool {
    json.pointer("/banks/0/gates/0/evidence") == Some(&MARK.into())
}

/// A bank checked once (entry stored) and marked.
fn cached(extra: &[&str]) -> Written {
    let d = Bank::passing().write();
    let (code, json, _) = check(d.path(), extra);
    assert_eq!(code, 0, "{json}");
    assert!(!from_cache(&json));
    mark(d.path());
    let (_, json, _) = check(d.path(), extra);
    assert!(
        from_cache(&json),
        "an unchanged bank reads its stored results"
    );
    d
}

#[test]
fn a_changed_file_is_checked_again() {
    let d = cached(&[]);
    let q = first_question(&d.root);
    let text = std::fs::read_to_string(&q).unwrap();
    std::fs::write(&q, format!("{text}\n# a comment changes the content\n")).unwrap();
    let (_, json, _) = check(d.path(), &[]);
    assert!(!from_cache(&json));
}

#[test]
fn an_added_or_removed_file_is_checked_again() {
    let d = cached(&[]);
    let q = first_question(&d.root);
    let copy = q.with_file_name("zz-copy.yaml");
    let text: String = std::fs::read_to_string(&q)
        .unwrap()
        .lines()
        .map(|l| match l.starts_with("id:") {
            true => "id: zz-copy\n".to_owned(),
            false => format!("{l}\n"),
        })
        .collect();
    std::fs::write(&copy, text).unwrap();
    let (_, json, _) = check(d.path(), &[]);
    assert!(!from_cache(&json), "a new question file");
    mark(d.path());
    std::fs::remove_file(&copy).unwrap();
    let (_, json, _) = check(d.path(), &[]);
    assert!(!from_cache(&json), "a removed question file");
}

#[test]
fn settings_flags_and_dates_are_part_of_the_key() {
    let d = cached(&[]);
    for extra in [
        &["--select", "1"][..],
        &["--ignore", "clarity"],
        &["--strict"],
    ] {
        let (_, json, _) = check(d.path(), extra);
        assert!(
            !from_cache(&json),
            "{extra:?} must not read results stored without it"
        );
    }
    // Another as-of date.
    let out = qbank()
        .current_dir(d.path())
        .args(["check", "bank", "--format", "json", "--as-of", "2026-11-26"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(!from_cache(&json), "another --as-of");
}

#[test]
fn a_changed_qbank_toml_is_checked_again() {
    let d = cached(&[]);
    std::fs::write(d.path().join("qbank.toml"), "ignore = [\"clarity\"]\n").unwrap();
    let (_, json, _) = check(d.path(), &[]);
    assert!(!from_cache(&json));
}

#[test]
fn a_changed_rubric_file_is_checked_again() {
    let d = Bank::passing().write();
    let rubric = qbank().args(["rubric"]).output().unwrap().stdout;
    std::fs::write(d.root.join("rubric.yaml"), &rubric).unwrap();
    let meta = d.root.join("bank.yaml");
    let text: String = std::fs::read_to_string(&meta)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with("rubric:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&meta, format!("{text}rubric: rubric.yaml\n")).unwrap();
    let (code, json, _) = check(d.path(), &[]);
    assert_eq!(code, 0, "{json}");
    mark(d.path());
    assert!(from_cache(&check(d.path(), &[]).1));
    // The rubric lives outside the bank's own files; its text is part of the entry.
    let mut r = String::from_utf8(rubric).unwrap();
    r.push_str("\n# a comment changes the content\n");
    std::fs::write(d.root.join("rubric.yaml"), r).unwrap();
    assert!(!from_cache(&check(d.path(), &[]).1));
}

#[test]
fn another_build_or_key_never_reads_the_entry() {
    let d = cached(&[]);
    // What a rebuilt binary (another build identity) sees: a key that is not its own.
    let e = entries(d.path());
    let mut entry: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&e[0]).unwrap()).unwrap();
    entry["key"] = "0".repeat(64).into();
    std::fs::write(&e[0], entry.to_string()).unwrap();
    let (_, json, stderr) = check(d.path(), &[]);
    assert!(!from_cache(&json));
    assert!(stderr.is_empty(), "a stale key is no warning: {stderr}");
}

#[test]
fn a_corrupt_or_foreign_entry_is_ignored_with_a_warning() {
    let d = cached(&[]);
    let e = entries(d.path());
    let good = std::fs::read_to_string(&e[0]).unwrap();
    for (bad, what) in [
        (
            good[..good.len() / 2].to_owned(),
            "not a qbank result entry",
        ),
        ("\u{0}\u{1}binary".to_owned(), "not a qbank result entry"),
        (
            good.replacen("\"input\":\"bank\"", "\"input\":\"other\"", 1),
            "belongs to another input",
        ),
    ] {
        std::fs::write(&e[0], &bad).unwrap();
        let (code, json, stderr) = check(d.path(), &[]);
        assert_eq!(code, 0, "{json}");
        assert!(!from_cache(&json));
        assert!(
            stderr.contains("warning: ignoring the cached result"),
            "{stderr}"
        );
        assert!(stderr.contains(what), "{stderr}");
        // The entry is rewritten, valid again.
        assert!(check(d.path(), &[]).2.is_empty());
    }
}

#[test]
fn no_cache_reads_and_writes_nothing() {
    let d = Bank::passing().write();
    check(d.path(), &["--no-cache"]);
    assert!(entries(d.path()).is_empty());
    let d = cached(&[]);
    let (_, json, _) = check(d.path(), &["--no-cache"]);
    assert!(!from_cache(&json));
}

#[test]
fn cached_output_is_the_same_in_every_format() {
    let d = Bank::passing()
        .question("k6-ci-gate", |q| {
            q.step("Optimize", "TODO");
        })
        .write();
    for format in [
        "human", "concise", "json", "markdown", "sarif", "junit", "github",
    ] {
        let run = |cache: bool| {
            let mut cmd = qbank();
            cmd.current_dir(d.path())
                .args(["check", "bank", "--format", format, "--as-of", AS_OF]);
            if !cache {
                cmd.arg("--no-cache");
            }
            let out = cmd.output().unwrap();
            (out.status.code(), out.stdout)
        };
        let fresh = run(false);
        run(true);
        assert_eq!(run(true), fresh, "{format}");
    }
    assert_eq!(entries(d.path()).len(), 1);
}

fn first_question(root: &Path) -> PathBuf {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root.join("questions"))
        .into_iter()
        .flatten()
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files.remove(0)
}
