//! Gates: the registry and its generated docs agree; `explain` prints every gate's doc.
//! The per-gate cases (a bank built in code, broken in one place) are in `cases.rs`.

use std::fs;

use crate::common::{qbank, root};

/// The gates as the binary lists them: (number, name).
pub(crate) fn registry() -> Vec<(u64, String)> {
    let out = qbank().args(["gates", "--json"]).output().unwrap();
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["number"].as_u64().unwrap(),
                g["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn docs_gates_md_is_generated_from_the_registry() {
    let out = qbank().args(["gates", "--markdown"]).output().unwrap();
    let generated = String::from_utf8(out.stdout).unwrap();
    let committed = fs::read_to_string(root().join("docs/gates.md")).unwrap_or_default();
    assert!(
        generated == committed,
        "docs/gates.md is stale; run `cargo run -- gates --markdown > docs/gates.md`"
    );
}

#[test]
fn explain_by_number_and_by_name_print_the_same_doc() {
    for (n, name) in registry() {
        let a = qbank().args(["explain", &n.to_string()]).output().unwrap();
        let b = qbank().args(["explain", &name]).output().unwrap();
        assert!(a.status.success());
        assert_eq!(a.stdout, b.stdout);
        let text = String::from_utf8(a.stdout).unwrap();
        for section in [
            "## What it checks",
            "## Why it matters",
            "## How to fix",
            "## Example",
        ] {
            assert!(
                text.contains(section),
                "gate {n} `{name}` lacks `{section}`"
            );
        }
    }
    qbank().args(["explain", "nope"]).assert().code(2);
}

/// An answer with the same URL on each of thousands of lines: gate 17 gives one finding
/// with a count, not one per line, at the first line.
#[test]
fn a_link_repeated_on_every_line_is_one_finding_with_a_count() {
    let fixture = crate::common::fixtures().join("valid/minimal");
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("questions")).unwrap();
    fs::copy(fixture.join("bank.yaml"), dir.path().join("bank.yaml")).unwrap();
    let q = fs::read_to_string(fixture.join("questions/q.yaml")).unwrap();
    let lines = "  https://example.org/same/page\n".repeat(3000);
    let q = q.replacen("answer: |\n", &format!("answer: |\n{lines}"), 1);
    fs::write(dir.path().join("questions/q.yaml"), q).unwrap();
    let (_, json, _) = crate::common::check_json(dir.path(), &["--as-of", "2026-11-25"]);
    let gate17 = json["banks"][0]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["number"] == 17)
        .unwrap();
    let findings: Vec<&serde_json::Value> = gate17["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("example.org/same/page")
        })
        .collect();
    assert_eq!(findings.len(), 1, "{findings:#?}");
    let d = findings[0];
    assert!(
        d["message"].as_str().unwrap().ends_with("(3000 uses)"),
        "{d}"
    );
    assert_eq!(d["location"]["line"], 8);
    assert_eq!(d["location"]["col"], 3);
    // Every use is still counted as a link.
    let evidence = gate17["evidence"].as_str().unwrap();
    assert!(evidence.starts_with("3000 links"), "{evidence}");
}
