//! Every output format: produced, parsed back or validated, and snapshotted.

use std::path::Path;

use crate::common::{fixtures, qbank};

/// Runs `qbank check` from the fixtures folder (so paths in the output are relative and
/// stable) and returns (exit code, stdout).
fn check(rel: &str, args: &[&str]) -> (i32, String) {
    let out = qbank()
        .current_dir(fixtures())
        .arg("check")
        .arg(rel)
        .args(["--as-of", "2026-11-25"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

const SMALL: &str = "valid/minimal";

#[test]
fn sarif_is_valid_sarif_2_1_0() {
    let (code, out) = check(SMALL, &["--format", "sarif"]);
    assert_eq!(code, 1);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.len() >= 20);
    for r in results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[idx]["id"], r["ruleId"],
            "ruleIndex points at its rule"
        );
    }
}

#[test]
fn junit_parses_back_with_a_case_per_gate() {
    let (_, out) = check(SMALL, &["--format", "junit"]);
    let doc = roxmltree::Document::parse(&out).unwrap();
    let suites: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 1);
    let cases: Vec<_> = suites[0]
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 21, "load + 20 gates");
    assert_eq!(cases[1].attribute("name"), Some("01 quantity"));
    let failed = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .count();
    let declared: usize = suites[0].attribute("failures").unwrap().parse().unwrap();
    assert_eq!(failed, declared);
    assert!(failed > 0);
}

#[test]
fn github_annotations_have_file_line_col() {
    let (_, out) = check("invalid/misspelt-field", &["--format", "github"]);
    let line = out.lines().next().unwrap();
    assert!(line.starts_with("::error file=invalid/misspelt-field/questions/q.yaml,line=4,col=1,title=qbank unknown-field::unknown field `dificulty`"), "{line}");
    assert!(!line.contains('\n'));
    let (_, out) = check(SMALL, &["--format", "github"]);
    assert!(
        out.lines().all(|l| l.starts_with("::error ")
            || l.starts_with("::warning ")
            || l.starts_with("::notice ")),
        "{out}"
    );
}

#[test]
fn markdown_is_the_spec_table() {
    let (_, out) = check(SMALL, &["--format", "markdown"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "| # | Gate | Requirement | Status | Evidence |");
    assert_eq!(lines[1], "|---|------|-------------|--------|----------|");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| #"))
            .count(),
        20
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("**Summary**: ") && !l.contains("All 20")),
        "never claims All PASS when it is not so"
    );
}

#[test]
fn exit_codes_follow_statuses_and_strict() {
    // A gate FAILs: exit 1.
    assert_eq!(check(SMALL, &[]).0, 1);
    // Load errors: exit 2.
    assert_eq!(check("invalid/unknown-field", &[]).0, 2);
    // The 3x3 bank with its own rubric: only failing gates decide.
    let (code, _) = check("rubric-3x3", &["--format", "json"]);
    assert_eq!(code, 1);
}

#[test]
fn a_custom_rubric_changes_thresholds_without_code_changes() {
    let (_, out) = check("rubric-3x3", &["--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    let gates = &json["banks"][0]["gates"];
    assert_eq!(gates[0]["requirement"], "3-9 Q&A pairs");
    assert_eq!(gates[0]["status"], "PASS", "3 questions pass a 3-9 rubric");
    assert_eq!(
        gates[1]["requirement"],
        ">=1 Q&A in each of 9 cells (3x3 matrix)"
    );
    assert!(
        gates[1]["evidence"]
            .as_str()
            .unwrap()
            .starts_with("3/9 cells")
    );
    assert!(
        gates[1]["evidence"]
            .as_str()
            .unwrap()
            .contains("Safety×Detect")
    );
    assert_eq!(gates[2]["requirement"], "34/33/33 (F/I/A) ±5%");
    assert_eq!(
        gates[2]["status"], "PASS",
        "1/1/1 is within 5 points of 34/33/33"
    );
}

#[test]
fn human_output_snapshot() {
    let (_, out) = check(SMALL, &["--color", "never"]);
    insta::assert_snapshot!("human", out);
}

#[test]
fn json_output_snapshot() {
    let (_, out) = check(SMALL, &["--format", "json"]);
    insta::assert_snapshot!("json", out);
}

#[test]
fn markdown_output_snapshot() {
    let (_, out) = check(SMALL, &["--format", "markdown"]);
    insta::assert_snapshot!("markdown", out);
}

#[test]
fn sarif_output_snapshot() {
    let (_, out) = check(SMALL, &["--format", "sarif"]);
    // The tool version changes with every release; keep it out of the snapshot.
    let out = out.replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!("sarif", out);
}

#[test]
fn junit_output_snapshot() {
    let (_, out) = check(SMALL, &["--format", "junit"]);
    insta::assert_snapshot!("junit", out);
}

#[test]
fn github_output_snapshot() {
    let (_, out) = check(SMALL, &["--format", "github"]);
    insta::assert_snapshot!("github", out);
}

#[test]
fn load_diagnostics_snapshot() {
    let (_, out) = check("invalid/errors-in-many-files", &["--color", "never"]);
    insta::assert_snapshot!("load_diagnostics", out);
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    for format in ["human", "json", "sarif", "junit", "github", "markdown"] {
        let a = check(SMALL, &["--format", format, "--color", "never"]).1;
        let b = check(SMALL, &["--format", format, "--color", "never"]).1;
        assert_eq!(a, b, "{format} output is not deterministic");
    }
    let _ = Path::new(".");
}

/// A finding at the first column of a line that starts with an emoji, in a document of
/// CJK, diacritics and a Unicode minus: every format prints it, none panics, and every
/// column counts characters.
#[test]
fn findings_on_multibyte_characters_render_in_every_format() {
    let text = std::fs::read_to_string(fixtures().join("import/defects.md")).unwrap();
    let stray = "Note: this document was generated by a model and reviewed by nobody.";
    assert!(text.contains(stray));
    let line = "✅ 本文档针对AI架构师职位 (Åkerstedt, T.; −50-70% bytes)";
    let text = text.replacen(stray, line, 1);
    let line_no = text.lines().position(|l| l == line).unwrap() + 1;
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.md");
    std::fs::write(&doc, &text).unwrap();
    for format in [
        "human", "concise", "json", "markdown", "sarif", "junit", "github",
    ] {
        let out = qbank()
            .current_dir(dir.path())
            .args([
                "check",
                "--as-of",
                "2026-11-25",
                "--format",
                format,
                "doc.md",
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{format}: {stderr}");
        assert!(
            matches!(out.status.code(), Some(0..=2)),
            "{format}: {:?}",
            out.status
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        match format {
            "human" => {
                assert!(stdout.contains(&format!("doc.md:{line_no}:1")), "{stdout}");
                assert!(stdout.contains(line), "the line is quoted: {stdout}");
            }
            "concise" => assert!(
                stdout.contains(&format!("doc.md:{line_no}:1: warning[unrecognised]")),
                "{stdout}"
            ),
            "json" => {
                let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
                let at = crate::common::diagnostics(&json)
                    .into_iter()
                    .find(|d| d["code"] == "unrecognised" && d["location"]["line"] == line_no)
                    .expect("the finding on the emoji line");
                assert_eq!(at["location"]["col"], 1);
            }
            "sarif" => assert!(stdout.contains("\"columnKind\": \"unicodeCodePoints\"")),
            "github" => assert!(
                stdout.contains(&format!("line={line_no},col=1")),
                "{stdout}"
            ),
            _ => {}
        }
    }
}
