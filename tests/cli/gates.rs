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
