//! Gates: each has a passing and a failing fixture bank whose status and diagnostics
//! are checked, the registry and its generated docs agree, and statuses map to exit codes.

use std::fs;
use std::path::PathBuf;

use crate::common::{check_json, fixtures, matches, qbank, root};

/// The gates as the binary lists them: (number, name).
fn registry() -> Vec<(u64, String)> {
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

/// Case folders of a gate: every sub-folder holding a bank.yaml.
fn cases(gate: &str) -> Vec<PathBuf> {
    let dir = fixtures().join("gates").join(gate);
    let mut out: Vec<PathBuf> = fs::read_dir(&dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().path())
                .filter(|p| p.join("bank.yaml").exists())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn every_gate_has_a_passing_and_a_failing_fixture() {
    let gates = registry();
    assert_eq!(gates.len(), 20);
    for (n, name) in &gates {
        let dir = fixtures().join("gates").join(name);
        for kind in ["pass", "fail"] {
            assert!(
                dir.join(kind).join("bank.yaml").exists(),
                "gate {n} `{name}` has no {kind} fixture in {}",
                dir.display()
            );
        }
        let expect = fs::read_to_string(dir.join("fail/expect.txt")).unwrap_or_default();
        assert!(
            expect.lines().any(|l| l.starts_with("diag: ")),
            "gate {n} `{name}`: fail/expect.txt must name at least one expected diagnostic"
        );
    }
}

/// Each case's expect.txt: `status: PASS|WARN|FAIL` and `diag: path[:line[:col]] [text]`
/// lines naming diagnostics of that gate. A case without expect.txt (or a status line)
/// must PASS.
#[test]
fn gate_fixtures_give_the_expected_status_and_diagnostics() {
    let mut failures = Vec::new();
    let mut ran = 0;
    for (n, name) in registry() {
        for case in cases(&name) {
            ran += 1;
            let expect = fs::read_to_string(case.join("expect.txt")).unwrap_or_default();
            let want_status = expect
                .lines()
                .find_map(|l| l.strip_prefix("status: "))
                .unwrap_or("PASS")
                .trim()
                .to_owned();
            let (code, json, _) = check_json(&case, &["--as-of", "2026-11-25"]);
            let bank = &json["banks"][0];
            if bank["loaded"] != true {
                failures.push(format!(
                    "{}: did not load (exit {code}): {:#}",
                    case.display(),
                    bank["diagnostics"]
                ));
                continue;
            }
            let gate = &bank["gates"][(n - 1) as usize];
            assert_eq!(gate["name"], name.as_str());
            if gate["status"] != want_status.as_str() {
                failures.push(format!(
                    "{}: gate {n} `{name}` is {} ({}), expected {want_status}\n{:#}",
                    case.display(),
                    gate["status"],
                    gate["evidence"],
                    gate["diagnostics"]
                ));
            }
            let diags = gate["diagnostics"].as_array().cloned().unwrap_or_default();
            for line in expect.lines().filter_map(|l| l.strip_prefix("diag: ")) {
                let (place, text) = line.split_once(' ').unwrap_or((line, ""));
                if !diags
                    .iter()
                    .any(|d| matches(d, &case, name.as_str(), place, text.trim()))
                {
                    failures.push(format!(
                        "{}: no `{name}` diagnostic at {place} containing {text:?}; got {:#}",
                        case.display(),
                        gate["diagnostics"]
                    ));
                }
            }
        }
    }
    assert!(ran >= 40, "only {ran} gate fixture cases");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
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
