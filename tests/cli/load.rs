//! Loading: every bad-input fixture fails with exit 2 at the right place, and nothing panics.

use std::fs;
use std::path::Path;

use crate::common::{check_json, copy_dir, diagnostics, fixtures, matches, qbank, root};

/// Runs every case in tests/fixtures/invalid/: each holds a bank and an `expect.txt`
/// with one expected diagnostic per line: `code path[:line[:col]] [text it contains]`.
#[test]
fn every_invalid_fixture_fails_with_the_expected_diagnostics() {
    let dir = fixtures().join("invalid");
    let mut cases: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 30,
        "expected at least 30 invalid cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let expect = fs::read_to_string(case.join("expect.txt")).unwrap();
        let (code, json, _) = check_json(case, &[]);
        let diags = diagnostics(&json);
        if code != 2 {
            failures.push(format!("{}: exit {code}, expected 2", case.display()));
        }
        for line in expect
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let mut words = line.splitn(3, ' ');
            let want_code = words.next().unwrap();
            let place = words.next().unwrap();
            let text = words.next().unwrap_or("");
            if !diags
                .iter()
                .any(|d| matches(d, case, want_code, place, text))
            {
                failures.push(format!(
                    "{}: no diagnostic `{line}`; got:\n{}",
                    case.display(),
                    serde_json::to_string_pretty(&diags).unwrap()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn nothing_is_written_when_loading_fails() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("invalid/unknown-field"), tmp.path());
    let before = tree(tmp.path());
    qbank()
        .current_dir(tmp.path())
        .args(["check", "."])
        .assert()
        .code(2);
    assert_eq!(before, tree(tmp.path()));
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_reading() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("valid/minimal"), tmp.path());
    let big = "# padding\n".repeat(2 * 1024 * 1024); // 20 MiB
    fs::write(tmp.path().join("questions/huge.yaml"), big).unwrap();
    let (code, json, _) = check_json(tmp.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        diagnostics(&json).iter().any(|d| matches(
            d,
            tmp.path(),
            "file-too-large",
            "questions/huge.yaml:1:1",
            "20.0 MiB"
        )),
        "{json:#}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_reported_not_followed_forever() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("valid/minimal"), tmp.path());
    std::os::unix::fs::symlink("..", tmp.path().join("questions/loop")).unwrap();
    let (code, json, _) = check_json(tmp.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        diagnostics(&json).iter().any(|d| matches(
            d,
            tmp.path(),
            "symlink-loop",
            "questions/loop",
            ""
        )),
        "{json:#}"
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_reported_with_its_path() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("valid/minimal"), tmp.path());
    // A dangling symlink cannot be read by anyone, root included.
    std::os::unix::fs::symlink(
        "missing-target.yaml",
        tmp.path().join("questions/gone.yaml"),
    )
    .unwrap();
    let (code, json, _) = check_json(tmp.path(), &[]);
    assert_eq!(code, 2);
    assert!(
        diagnostics(&json).iter().any(|d| matches(
            d,
            tmp.path(),
            "io",
            "questions/gone.yaml",
            "could not read"
        )),
        "{json:#}"
    );
}

#[test]
fn a_path_that_does_not_exist_is_exit_2() {
    let (code, json, _) = check_json(Path::new("no/such/place"), &[]);
    assert_eq!(code, 2);
    assert_eq!(diagnostics(&json)[0]["code"], "io");
}

#[test]
fn problems_in_several_banks_are_all_reported() {
    let (code, json, _) = check_json(&fixtures().join("invalid"), &[]);
    assert_eq!(code, 2);
    let banks = json["banks"].as_array().unwrap();
    assert!(banks.len() >= 30);
    assert!(
        banks.iter().all(|b| b["loaded"] == false),
        "every invalid bank fails to load"
    );
}

#[test]
fn human_output_quotes_the_line_with_a_caret_and_help() {
    let out = qbank()
        .arg("check")
        .arg(fixtures().join("invalid/misspelt-field"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("error[unknown-field]: unknown field `dificulty`"),
        "{text}"
    );
    assert!(text.contains("questions/q.yaml:4:1"), "{text}");
    assert!(text.contains("4 | dificulty: advanced"), "{text}");
    assert!(text.contains("^^^^^^^^^"), "{text}");
    assert!(text.contains("help: did you mean `difficulty`?"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no colour when NO_COLOR is set or on a pipe"
    );
}

#[test]
fn colour_can_be_forced_and_turned_off() {
    let case = fixtures().join("invalid/misspelt-field");
    let out = qbank()
        .env_remove("NO_COLOR")
        .args(["check", "--color", "always"])
        .arg(&case)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
    let out = qbank()
        .env_remove("NO_COLOR")
        .args(["check", "--color", "never"])
        .arg(&case)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

#[test]
fn valid_fixture_and_shipped_bank_load() {
    let (code, json, _) = check_json(&fixtures().join("valid/minimal"), &[]);
    assert_eq!(json["banks"][0]["loaded"], true, "{json:#}");
    assert_ne!(code, 2);
    let (code, json, _) = check_json(&root().join("content"), &[]);
    assert_eq!(json["banks"][0]["loaded"], true, "{json:#}");
    assert_ne!(code, 2);
}

#[test]
fn discovery_skips_hidden_and_target_folders() {
    let tmp = tempfile::tempdir().unwrap();
    for sub in ["a", ".hidden/b", "target/c", "nested/deeper/d"] {
        copy_dir(&fixtures().join("valid/minimal"), &tmp.path().join(sub));
    }
    let (_, json, _) = check_json(tmp.path(), &[]);
    let paths: Vec<String> = json["banks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["path"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(paths.len(), 2, "{paths:?}");
    assert!(
        paths[0].ends_with("/a") && paths[1].ends_with("nested/deeper/d"),
        "{paths:?}"
    );
}

#[test]
fn rubric_default_prints_the_builtin_yaml() {
    let out = qbank().args(["rubric", "--default"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("# yaml-language-server: $schema="));
    assert!(text.contains("label: Dimension") && text.contains("tolerance_points: 5"));
}

#[test]
fn usage_errors_exit_2() {
    qbank().args(["check", "--format", "yaml"]).assert().code(2);
    qbank().arg("frobnicate").assert().code(2);
}

fn tree(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}
