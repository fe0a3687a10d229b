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

/// The minimal fixture bank copied to `bank/` in a fresh folder (for a qbank.toml of
/// the test's own).
fn minimal_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let bank = dir.path().join("bank");
    std::fs::create_dir_all(bank.join("questions")).unwrap();
    for f in ["bank.yaml", "questions/q.yaml"] {
        std::fs::copy(fixtures().join("valid/minimal").join(f), bank.join(f)).unwrap();
    }
    dir
}

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
}

/// Every finding of a JSON report: general, load and gate diagnostics.
fn all_findings(json: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut all = crate::common::diagnostics(json);
    for b in json["banks"].as_array().into_iter().flatten() {
        for g in b["gates"].as_array().into_iter().flatten() {
            all.extend(g["diagnostics"].as_array().cloned().unwrap_or_default());
        }
    }
    all
}

/// GitHub shows 10 annotations of each kind per step and drops the rest silently: the
/// first 10 are annotations, every later finding a log line, and a closing notice
/// counts them, so none is lost.
#[test]
fn github_annotations_stay_within_the_per_step_limits() {
    let (_, out) = check(SMALL, &["--format", "github"]);
    let json: serde_json::Value =
        serde_json::from_str(&check(SMALL, &["--format", "json"]).1).unwrap();
    let findings = all_findings(&json).len();
    assert!(
        findings > 20,
        "the fixture has more findings than GitHub shows"
    );
    for kind in ["error", "warning", "notice"] {
        let n = out
            .lines()
            .filter(|l| l.starts_with(&format!("::{kind} ")))
            .count();
        assert!(n <= 10, "{n} {kind} annotations:\n{out}");
    }
    let plain: Vec<&str> = out.lines().filter(|l| !l.starts_with("::")).collect();
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with(&format!(
            "::notice title=qbank%3A not annotated::{} more findings are not annotated",
            plain.len()
        )),
        "{last}"
    );
    // Every finding is either an annotation or a log line (the bank summary notice too).
    let annotated = out.lines().filter(|l| l.starts_with("::")).count() - 1;
    assert_eq!(annotated + plain.len(), findings + 1, "{out}");
    assert!(
        plain
            .iter()
            .all(|l| l.contains(": error[") || l.contains(": warning[") || l.contains(": note[")),
        "{plain:?}"
    );
    // Few findings: all annotated, no closing notice.
    let (_, out) = check("invalid/misspelt-field", &["--format", "github"]);
    assert!(out.lines().all(|l| l.starts_with("::")), "{out}");
    assert!(!out.contains("not annotated"), "{out}");
}

/// GitLab Code Quality: the fields GitLab reads, one fingerprint per issue (GitLab
/// shows one issue per fingerprint), paths relative to the working folder.
#[test]
fn gitlab_code_quality_has_the_fields_gitlab_reads() {
    let (code, out) = check(SMALL, &["--format", "gitlab"]);
    assert_eq!(code, 1);
    let issues: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&check(SMALL, &["--format", "json"]).1).unwrap();
    let findings = all_findings(&json);
    assert_eq!(issues.len(), findings.len());
    let mut seen = std::collections::HashSet::new();
    for i in &issues {
        assert!(!i["description"].as_str().unwrap().is_empty());
        assert!(!i["check_name"].as_str().unwrap().is_empty());
        let fp = i["fingerprint"].as_str().unwrap();
        assert!(seen.insert(fp.to_owned()), "fingerprint {fp} twice");
        assert!(
            ["info", "minor", "major", "critical", "blocker"]
                .contains(&i["severity"].as_str().unwrap()),
            "{i}"
        );
        let path = i["location"]["path"].as_str().unwrap();
        assert!(path.starts_with("valid/minimal/"), "{path}");
        assert!(i["location"]["lines"]["begin"].as_u64().unwrap() >= 1);
    }
    // The baseline's fingerprints: a finding keeps its identity in GitLab.
    let first = findings
        .iter()
        .filter_map(|d| d["fingerprint"].as_str())
        .collect::<Vec<_>>();
    assert!(
        issues
            .iter()
            .any(|i| first.contains(&i["fingerprint"].as_str().unwrap()))
    );
    // Nothing found: an empty array, still a valid report.
    let dir = minimal_copy();
    std::fs::write(
        dir.path().join("qbank.toml"),
        "select = [\"duplicate-id\"]\n",
    )
    .unwrap();
    let out = qbank()
        .current_dir(dir.path())
        .args(["check", "bank", "--format", "gitlab", "--no-cache"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let issues: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(issues.is_array());
}

#[test]
fn gitlab_output_snapshot() {
    let (_, out) = check(SMALL, &["--format", "gitlab"]);
    insta::assert_snapshot!("gitlab", out);
}

/// With a docs URL (`--docs-url`, or `[output] docs-url` in qbank.toml), every rule's
/// `helpUri` is its page in the docs, at an anchor the page has; without one (and no
/// repository in the package metadata), no rule has one.
#[test]
fn sarif_rules_link_to_their_docs_when_a_docs_url_is_set() {
    let (_, plain) = check(SMALL, &["--format", "sarif"]);
    if env!("CARGO_PKG_REPOSITORY").is_empty() {
        assert!(!plain.contains("helpUri"));
    }
    let (code, out) = check(
        "invalid/misspelt-field",
        &[
            "--format",
            "sarif",
            "--docs-url",
            "https://example.org/qbank/docs/",
        ],
    );
    assert_eq!(code, 2);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixtures().join("sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::draft7::new(&schema).unwrap();
    assert!(validator.is_valid(&doc));
    let root = crate::common::root();
    let gates_md = std::fs::read_to_string(root.join("docs/gates.md")).unwrap();
    let codes_md = std::fs::read_to_string(root.join("docs/codes.md")).unwrap();
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.len() > 20, "the gates and the load codes");
    for r in rules {
        let uri = r["helpUri"]
            .as_str()
            .unwrap_or_else(|| panic!("no helpUri: {r}"));
        let (page, anchor) = uri
            .strip_prefix("https://example.org/qbank/docs/")
            .unwrap()
            .split_once('#')
            .unwrap();
        let text = match page {
            "gates.md" => &gates_md,
            "codes.md" => &codes_md,
            _ => panic!("{uri}"),
        };
        // Both pages link to their own headings from their tables by these anchors.
        assert!(text.contains(&format!("](#{anchor})")), "{uri}");
    }
    // From qbank.toml; a URL that is not http(s) is an error at its line.
    let dir = minimal_copy();
    std::fs::write(
        dir.path().join("qbank.toml"),
        "[output]\ndocs-url = \"https://docs.example.org/qbank\"\n",
    )
    .unwrap();
    let out = qbank()
        .current_dir(dir.path())
        .args(["check", "bank", "--format", "sarif", "--no-cache"])
        .output()
        .unwrap();
    let out = String::from_utf8(out.stdout).unwrap();
    assert!(
        out.contains(
            "\"helpUri\": \"https://docs.example.org/qbank/gates.md#1-quantity-quantity\""
        ),
        "{out}"
    );
    std::fs::write(
        dir.path().join("qbank.toml"),
        "[output]\ndocs-url = \"docs/\"\n",
    )
    .unwrap();
    let out = qbank()
        .current_dir(dir.path())
        .args(["check", "bank", "--format", "sarif", "--no-cache"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid `docs-url`"), "{stderr}");
    assert!(stderr.contains("qbank.toml:2:"), "{stderr}");
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
