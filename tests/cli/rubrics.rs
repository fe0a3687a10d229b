//! The shipped example rubrics on documents in their prompts' formats, rubric detection
//! and the order in which a rubric is chosen.

use std::path::{Path, PathBuf};

use crate::common::{check_json, fixtures, qbank, root};

fn doc(name: &str) -> PathBuf {
    fixtures().join("rubrics").join(name)
}

/// (number, name, status) of every gate of the first bank.
fn gates(json: &serde_json::Value) -> Vec<(u64, String, String)> {
    json["banks"][0]["gates"]
        .as_array()
        .expect("gates")
        .iter()
        .map(|g| {
            (
                g["number"].as_u64().unwrap_or(0),
                g["name"].as_str().unwrap_or_default().to_owned(),
                g["status"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn statuses(json: &serde_json::Value) -> Vec<(String, String)> {
    gates(json).into_iter().map(|(_, n, s)| (n, s)).collect()
}

const PERF_MINIMAL: [&str; 10] = [
    "decision-criticality",
    "quantity",
    "difficulty",
    "performance-chain",
    "practical-elements",
    "citations",
    "tradeoffs",
    "quantified-impact",
    "reference-floors",
    "clarity",
];

const QUALITY: [&str; 12] = [
    "source-quality",
    "minimums",
    "glossary",
    "phases",
    "categories",
    "roles",
    "decision-criticality",
    "impact",
    "decision",
    "citations",
    "words",
    "visuals",
];

#[test]
fn performance_minimal_passes_its_fixture_with_its_ten_gates() {
    let (code, json, _) = check_json(
        &doc("performance-minimal-pass.md"),
        &["--rubric", "performance-minimal", "--as-of", "2026-11-25"],
    );
    let g = gates(&json);
    assert_eq!(
        g.iter().map(|x| x.0).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    let expected: Vec<(String, String)> = PERF_MINIMAL
        .iter()
        .map(|n| ((*n).to_owned(), "PASS".to_owned()))
        .collect();
    assert_eq!(statuses(&json), expected);
    assert_eq!(code, 0);
}

#[test]
fn performance_minimal_catches_every_defect() {
    let (code, json, _) = check_json(
        &doc("performance-minimal-defects.md"),
        &["--rubric", "performance-minimal", "--as-of", "2026-11-25"],
    );
    let expected: Vec<(String, String)> = PERF_MINIMAL
        .iter()
        .map(|n| ((*n).to_owned(), "FAIL".to_owned()))
        .collect();
    assert_eq!(statuses(&json), expected);
    assert_eq!(code, 1);
    let evidence = json["banks"][0]["gates"][8]["evidence"]
        .as_str()
        .unwrap_or_default();
    assert!(evidence.contains("T: 1 tools"), "{evidence}");
}

#[test]
fn quality_engineering_passes_its_fixture_and_skips_what_no_machine_measures() {
    let (code, json, stderr) = check_json(
        &doc("quality-engineering-pass.md"),
        &["--rubric", "quality-engineering", "--as-of", "2026-11-25"],
    );
    let mut expected: Vec<(String, String)> = QUALITY
        .iter()
        .map(|n| ((*n).to_owned(), "PASS".to_owned()))
        .collect();
    expected[0].1 = "SKIP".to_owned();
    assert_eq!(statuses(&json), expected, "{stderr}");
    assert_eq!(code, 0);
    let skip = json["banks"][0]["gates"][0]["evidence"]
        .as_str()
        .unwrap_or_default();
    assert!(skip.starts_with("not measured: "), "{skip}");
    // The kinds beyond G/T/L/A are read and resolve.
    let minimums = json["banks"][0]["gates"][1]["evidence"]
        .as_str()
        .unwrap_or_default();
    for part in [
        "S: 3 entries, 3 complete",
        "C: 1 entries, 1 complete",
        "O: 1 entries, 1 complete",
    ] {
        assert!(minimums.contains(part), "{minimums}");
    }
    let unresolved: Vec<_> = crate::common::diagnostics(&json)
        .into_iter()
        .filter(|d| d["code"] == "cross-refs")
        .collect();
    assert!(unresolved.is_empty(), "{unresolved:?}");
}

#[test]
fn quality_engineering_catches_every_defect() {
    let (code, json, _) = check_json(
        &doc("quality-engineering-defects.md"),
        &["--rubric", "quality-engineering", "--as-of", "2026-11-25"],
    );
    let mut expected: Vec<(String, String)> = QUALITY
        .iter()
        .map(|n| ((*n).to_owned(), "FAIL".to_owned()))
        .collect();
    expected[0].1 = "SKIP".to_owned();
    assert_eq!(statuses(&json), expected);
    assert_eq!(code, 1);
}

#[test]
fn a_document_names_its_rubric_by_its_validation_table() {
    for (file, name, count) in [
        ("performance-minimal-pass.md", "performance-minimal", 10),
        ("quality-engineering-pass.md", "quality-engineering", 12),
    ] {
        let (_, json, stderr) = check_json(&doc(file), &["--as-of", "2026-11-25"]);
        assert_eq!(gates(&json).len(), count, "{file}");
        let notes: Vec<&str> = stderr.lines().filter(|l| l.starts_with("note:")).collect();
        assert_eq!(notes.len(), 1, "{stderr}");
        assert!(
            notes[0].contains(&format!("rubric `{name}` chosen")),
            "{}",
            notes[0]
        );
    }
}

#[test]
fn a_document_in_the_spec_format_keeps_the_default_rubric() {
    let path = root().join("tests/fixtures/import/defects.md");
    let (_, json, stderr) = check_json(&path, &[]);
    assert_eq!(gates(&json).len(), 20);
    assert!(!stderr.contains("chosen"), "{stderr}");
}

/// A scratch folder holding a copy of `file`, with `comment` after its title.
fn scratch(name: &str, file: &str, comment: Option<&str>) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("qbank-rubrics-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let mut text = std::fs::read_to_string(doc(file)).expect("fixture");
    if let Some(c) = comment {
        let end = text.find('\n').unwrap_or(0);
        text.insert_str(end + 1, &format!("\n<!-- qbank: {c} -->\n"));
    }
    let path = dir.join(file);
    std::fs::write(&path, text).expect("write");
    (dir, path)
}

fn gate_count(path: &Path, dir: &Path, extra: &[&str]) -> usize {
    let out = qbank()
        .current_dir(dir)
        .arg("check")
        .arg(path)
        .args(["--format", "json", "--as-of", "2026-11-25"])
        .args(extra)
        .output()
        .expect("qbank runs");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    gates(&json).len()
}

#[test]
fn precedence_flag_then_own_then_config_then_detection_then_default() {
    // Detection: the quality document's table names the quality rubric.
    let (dir, path) = scratch("detect", "quality-engineering-pass.md", None);
    assert_eq!(gate_count(&path, &dir, &[]), 12);
    // qbank.toml beats detection.
    std::fs::write(dir.join("qbank.toml"), "rubric = \"performance-minimal\"\n").unwrap();
    assert_eq!(gate_count(&path, &dir, &[]), 10);
    // The document's own rubric beats qbank.toml.
    let (dir2, path2) = scratch(
        "own",
        "quality-engineering-pass.md",
        Some(r#"{"rubric": "default"}"#),
    );
    std::fs::write(
        dir2.join("qbank.toml"),
        "rubric = \"performance-minimal\"\n",
    )
    .unwrap();
    assert_eq!(gate_count(&path2, &dir2, &[]), 20);
    // --rubric beats them all.
    assert_eq!(
        gate_count(&path2, &dir2, &["--rubric", "quality-engineering"]),
        12
    );
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::remove_dir_all(dir2);
}

#[test]
fn rubric_flag_replaces_a_banks_own_rubric() {
    let bank = root().join("content/performance-engineering");
    let (_, json, _) = check_json(&bank, &["--rubric", "performance-minimal"]);
    let names: Vec<String> = gates(&json).into_iter().map(|g| g.1).collect();
    assert_eq!(names, PERF_MINIMAL);
}

#[test]
fn a_rubric_with_an_unknown_measure_is_reported_at_its_line() {
    let dir = std::env::temp_dir().join(format!("qbank-rubrics-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(root().join("rubrics/performance-minimal.yaml"))
        .unwrap()
        .replace("measure: clarity}", "measure: clarty}");
    let line = text
        .lines()
        .position(|l| l.contains("clarty"))
        .map(|i| i + 1)
        .unwrap();
    let rubric = dir.join("rubric.yaml");
    std::fs::write(&rubric, text).unwrap();
    let (_, json, _) = check_json(
        &doc("performance-minimal-pass.md"),
        &["--rubric", rubric.to_str().unwrap()],
    );
    let found = crate::common::diagnostics(&json).into_iter().any(|d| {
        d["message"].as_str().is_some_and(|m| m.contains("clarty"))
            && d["location"]["line"].as_u64() == Some(line as u64)
    });
    assert!(found, "no diagnostic at line {line}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn qbank_gates_lists_a_shipped_rubrics_gates() {
    let out = qbank()
        .args(["gates", "--rubric", "quality-engineering", "--json"])
        .output()
        .expect("runs");
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, QUALITY);
    assert_eq!(list[0]["measure"], "skip");
}

#[test]
fn a_scaffold_passes_no_content_gate_of_any_shipped_rubric() {
    // `qbank init` writes TODO text everywhere; a placeholder diagram or metrics table is
    // not a diagram or a table, and a placeholder source is not a recent one, whatever
    // the rubric.
    let d = tempfile::tempdir().unwrap();
    let bank = d.path().join("b");
    qbank().arg("init").arg(&bank).assert().success();
    for rubric in ["default", "performance-minimal", "quality-engineering"] {
        let (_, json, _) = check_json(&bank, &["--rubric", rubric, "--no-cache"]);
        let passing: Vec<(u64, String, String)> =
            gates(&json).into_iter().filter(|g| g.2 == "PASS").collect();
        assert!(passing.is_empty(), "{rubric}: {passing:?}");
    }
}
