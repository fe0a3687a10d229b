//! `check --baseline FILE` and `--update-baseline`: a repository whose banks already fail
//! some gates records them once, then fails only on new findings; fingerprints do not
//! move with the text; entries no finding matches are reported.

use std::path::{Path, PathBuf};

use crate::common::{fixtures, qbank};

const AS_OF: &str = "2026-11-25";

/// A copy of the minimal fixture bank (18 gates FAIL) in a fresh folder, as `bank/`.
fn repo() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let bank = tmp.path().join("bank");
    std::fs::create_dir_all(bank.join("questions")).unwrap();
    let src = fixtures().join("valid/minimal");
    for f in ["bank.yaml", "questions/q.yaml"] {
        std::fs::copy(src.join(f), bank.join(f)).unwrap();
    }
    (tmp, bank)
}

/// `qbank check bank ARGS` in `dir`: (exit code, stdout, stderr).
fn check(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = qbank()
        .current_dir(dir)
        .args(["check", "bank", "--no-cache", "--as-of", AS_OF])
        .args(args)
        .output()
        .expect("qbank runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    )
}

/// Every finding's (code, fingerprint) in a JSON report, sorted.
fn fingerprints(json: &str) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_str(json).expect("JSON");
    let mut out = Vec::new();
    for b in v["banks"].as_array().unwrap() {
        let gate_diags = b["gates"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|g| g["diagnostics"].as_array().unwrap().iter());
        for d in b["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .chain(gate_diags)
        {
            let fp = d["fingerprint"]
                .as_str()
                .unwrap_or_else(|| panic!("no fingerprint: {d}"));
            assert_eq!(fp.len(), 16, "{fp}");
            out.push((d["code"].as_str().unwrap().to_owned(), fp.to_owned()));
        }
    }
    out.sort();
    out
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn adopting_takes_one_update_then_only_new_findings_fail() {
    let (tmp, _) = repo();
    let dir = tmp.path();
    let (code, _, _) = check(dir, &[]);
    assert_eq!(code, 1, "the bank fails without a baseline");
    let (code, _, err) = check(
        dir,
        &["--baseline", "qbank-baseline.json", "--update-baseline"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("wrote 45 baseline entries (45 findings)"),
        "{err}"
    );
    let text = std::fs::read_to_string(dir.join("qbank-baseline.json")).unwrap();
    let file: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(file["version"], 1);
    assert!(
        text.contains(r#""code":"clarity","file":"bank/questions/q.yaml","context":"q-one""#),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("qbank-baseline.json"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o644,
            "an ordinary file, not a private temporary one"
        );
    }
    assert!(
        !dir.read_dir().unwrap().any(|e| {
            let name = e.unwrap().file_name();
            name.to_string_lossy().starts_with(".tmp")
        }),
        "the temporary file was renamed into place"
    );
    // Against the baseline: every finding is recorded, so the run passes and says so.
    let (code, out, err) = check(dir, &["--baseline", "qbank-baseline.json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("45 in the baseline"), "{out}");
    assert!(
        out.contains("gate 19 waived: 1 finding in the baseline"),
        "{out}"
    );
    assert!(!err.contains("stale-baseline"), "{err}");
    // A new finding fails the run, and is the only one shown.
    edit(
        &dir.join("bank/questions/q.yaml"),
        "at 4K rps.\n",
        "at 4K rps.\n  See [Ref: NOPE].\n",
    );
    let (code, out, _) = check(
        dir,
        &["--baseline", "qbank-baseline.json", "--format", "concise"],
    );
    assert_eq!(code, 1, "{out}");
    let findings: Vec<&str> = out.lines().filter(|l| l.contains("error[")).collect();
    assert_eq!(findings.len(), 1, "{out}");
    assert!(
        findings[0].contains("cross-refs") && findings[0].contains("NOPE"),
        "{out}"
    );
}

#[test]
fn moving_text_keeps_every_fingerprint() {
    let (tmp, bank) = repo();
    let dir = tmp.path();
    let (_, before, _) = check(dir, &["--format", "json"]);
    let q = bank.join("questions/q.yaml");
    let text = std::fs::read_to_string(&q).unwrap();
    // Lines added above every finding; the answer re-indented and re-wrapped.
    let moved = format!(
        "# a comment\n\n# another\n{}",
        text.replace("  **SLO**: p99", "    **SLO**:   p99")
    );
    std::fs::write(&q, moved).unwrap();
    let b = bank.join("bank.yaml");
    let text = std::fs::read_to_string(&b).unwrap();
    std::fs::write(&b, format!("\n\n{text}")).unwrap();
    let (_, after, _) = check(dir, &["--format", "json"]);
    assert_ne!(before, after, "the lines moved");
    assert_eq!(fingerprints(&before), fingerprints(&after));
    // The SARIF carries the same fingerprints.
    let (_, sarif, _) = check(dir, &["--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&sarif).unwrap();
    let mut from_sarif: Vec<(String, String)> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                r["partialFingerprints"]["qbankFingerprint/v1"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect();
    from_sarif.sort();
    assert_eq!(from_sarif, fingerprints(&after));
}

#[test]
fn an_entry_no_finding_matches_is_reported_stale() {
    let (tmp, bank) = repo();
    let dir = tmp.path();
    let (code, _, _) = check(dir, &["--baseline", "b.json", "--update-baseline"]);
    assert_eq!(code, 0);
    // Spell out the acronym clarity flagged, on a line of its own: that entry no longer
    // matches, and the other findings on the answer keep theirs.
    edit(
        &bank.join("questions/q.yaml"),
        "at 4K rps.\n",
        "at 4K rps.\n  Here SLO (service level objective) names the target.\n",
    );
    let (code, out, err) = check(dir, &["--baseline", "b.json"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("stale-baseline"), "{err}");
    assert!(
        err.contains("`clarity` in bank/questions/q.yaml (q-one)"),
        "{err}"
    );
    let text = std::fs::read_to_string(dir.join("b.json")).unwrap();
    let line = 1 + text
        .lines()
        .position(|l| l.contains(r#""code":"clarity""#))
        .expect("a clarity entry");
    assert!(
        err.contains(&format!("b.json:{line}")),
        "points at the entry's line {line}: {err}"
    );
    assert_eq!(err.matches("stale-baseline").count(), 1, "{err}");
    // Updating drops it.
    check(dir, &["--baseline", "b.json", "--update-baseline"]);
    let (_, _, err) = check(dir, &["--baseline", "b.json"]);
    assert!(!err.contains("stale-baseline"), "{err}");
}

#[test]
fn the_same_problem_in_a_new_question_is_a_new_finding() {
    let (tmp, bank) = repo();
    let dir = tmp.path();
    check(dir, &["--baseline", "b.json", "--update-baseline"]);
    // A second question with the first one's problems: the same codes in another
    // question are other fingerprints, so they are new.
    let q2 = std::fs::read_to_string(bank.join("questions/q.yaml"))
        .unwrap()
        .replace("q-one", "q-two")
        .replace("find the bottleneck", "find the slow dependency")
        .replace("**SLO**", "**Target**");
    std::fs::write(bank.join("questions/q2.yaml"), q2).unwrap();
    let (code, out, _) = check(dir, &["--baseline", "b.json", "--format", "concise"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("q2.yaml"), "{out}");
    assert!(!out.contains("questions/q.yaml"), "{out}");
}

#[test]
fn a_bad_or_missing_baseline_is_exit_2_with_its_place() {
    let (tmp, _) = repo();
    let dir = tmp.path();
    let (code, _, err) = check(dir, &["--baseline", "none.json"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("bad-baseline") && err.contains("--update-baseline"),
        "{err}"
    );
    std::fs::write(
        dir.join("bad.json"),
        "{\n  \"version\": 1,\n  \"findings\": [,]\n}\n",
    )
    .unwrap();
    let (code, _, err) = check(dir, &["--baseline", "bad.json"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.json:3:"), "{err}");
    // Recording part of a run would drop the rest.
    let (code, _, err) = check(
        dir,
        &[
            "--baseline",
            "b.json",
            "--update-baseline",
            "--shard",
            "1/2",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(!dir.join("b.json").exists());
}
