//! Diagrams that parse: `check` runs every mermaid diagram through the vendored mermaid's
//! own parser. One it rejects is a `diagram` error at its line with mermaid's message,
//! and counts as no diagram for its cluster; so does one that a stray fence swallowed.

use std::path::Path;

use crate::bank::{AS_OF, Bank, map};
use crate::common::{check_json, diagnostics, fixtures, matches, qbank};

fn clusters() -> std::path::PathBuf {
    fixtures().join("diagrams/clusters.md")
}

fn self_review_findings(json: &serde_json::Value) -> Vec<String> {
    json["banks"][0]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["name"] == "self-review")
        .flat_map(|g| g["diagnostics"].as_array().unwrap().iter())
        .map(|d| d["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn a_diagram_mermaid_rejects_is_an_error_at_its_line_with_mermaids_message() {
    let (code, json, _) = check_json(&clusters(), &["--no-cache"]);
    assert_eq!(code, 1);
    let all = diagnostics(&json);
    let broken: Vec<&serde_json::Value> = all.iter().filter(|d| d["code"] == "diagram").collect();
    // The flowchart and the sequence diagram of cluster 1 parse; Q3's arrow without its
    // colon does not, and the error is at that line, with mermaid's own words; so is the
    // appendix's, under no question.
    assert_eq!(broken.len(), 2, "{broken:#?}");
    assert!(
        matches(
            broken[1],
            &fixtures(),
            "diagram",
            "diagrams/clusters.md:86:3",
            "Parse error on line 3"
        ),
        "{:#}",
        broken[1]
    );
    let d = broken[0];
    assert_eq!(d["severity"], "error");
    assert!(
        matches(
            d,
            &fixtures(),
            "diagram",
            "diagrams/clusters.md:59:3",
            "Expecting 'TXT', got 'NEWLINE'"
        ),
        "{d:#}"
    );
    assert!(
        d["message"].as_str().unwrap().contains("mermaid 11.17.2"),
        "{d:#}"
    );
}

#[test]
fn a_rejected_or_swallowed_diagram_is_no_diagram_of_its_cluster() {
    let (_, json, _) = check_json(&clusters(), &["--no-cache"]);
    let lacks = self_review_findings(&json);
    let lacking_diagram = |cluster: &str| {
        lacks
            .iter()
            .any(|m| m.contains(&format!("cluster `{cluster}` lacks a diagram")))
    };
    assert!(!lacking_diagram("caching"), "{lacks:#?}");
    assert!(lacking_diagram("capacity"), "{lacks:#?}");
    assert!(lacking_diagram("queues"), "{lacks:#?}");
    // The swallowed one is named where the stray fence opens, so the writer knows why.
    let all = diagnostics(&json);
    assert!(
        all.iter().any(|d| matches(
            d,
            &fixtures(),
            "swallowed-diagram",
            "diagrams/clusters.md:73",
            "mermaid diagram"
        )),
        "{all:#?}"
    );
    // A diagram in a code block is not parsed as one (this one would not parse).
    assert!(
        !all.iter().any(|d| d["code"] == "diagram"
            && (73..=79).contains(&d["location"]["line"].as_u64().unwrap_or(0))),
        "{all:#?}"
    );
}

/// The passing bank with the diagram of its first question (the only one of cluster
/// `latency`) replaced by `mermaid`.
fn bank_with_diagram(kind: &str, mermaid: &str) -> Bank {
    let mermaid = mermaid.to_owned();
    let kind = kind.to_owned();
    Bank::passing().question(0, move |q| {
        q.set(
            "diagram",
            map! { "kind" => kind.as_str(), "mermaid" => mermaid.as_str() },
        );
    })
}

fn check_in(dir: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let out = qbank()
        .current_dir(dir)
        .args(["check", "bank", "--format", "json", "--as-of", AS_OF])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).unwrap(),
    )
}

const BROKEN: &str = "flowchart LR\n    C[Client] --> LB[Load balancer\n    LB --> S[Service]\n";

#[test]
fn a_bank_diagram_that_does_not_parse_fails_gate_20_and_points_at_its_line() {
    let written = bank_with_diagram("flowchart", BROKEN).write();
    let (code, json) = check_in(written.path(), &["--no-cache"]);
    assert_eq!(code, 1);
    let all = diagnostics(&json);
    let d = all
        .iter()
        .find(|d| d["code"] == "diagram")
        .unwrap_or_else(|| panic!("no diagram error: {all:#?}"));
    // Mermaid reads past the unclosed `[` to the end: the error is at the last line.
    let file = d["location"]["file"].as_str().unwrap();
    let line = d["location"]["line"].as_u64().unwrap() as usize;
    let text = std::fs::read_to_string(written.path().join(file))
        .or_else(|_| std::fs::read_to_string(file))
        .unwrap();
    assert_eq!(
        text.lines().nth(line - 1).map(str::trim),
        Some("LB --> S[Service]"),
        "{d:#}"
    );
    assert!(
        d["message"].as_str().unwrap().contains("Parse error"),
        "{d:#}"
    );
    let gate = &json["banks"][0]["gates"][19];
    assert_eq!(gate["status"], "FAIL", "{gate:#}");
    assert!(
        gate.to_string()
            .contains("cluster `latency` lacks a diagram"),
        "{gate:#}"
    );
}

#[test]
fn a_bank_whose_diagrams_parse_passes_with_a_sequence_diagram_too() {
    let seq = "sequenceDiagram\n    participant C as Client\n    participant S as Service\n    C->>S: GET /orders\n    S-->>C: 200 in 45 ms\n";
    let written = bank_with_diagram("sequence", seq).write();
    let (code, json) = check_in(written.path(), &["--no-cache"]);
    let all = diagnostics(&json);
    assert!(!all.iter().any(|d| d["code"] == "diagram"), "{all:#?}");
    assert_eq!(json["banks"][0]["gates"][19]["status"], "PASS");
    assert_eq!(code, 0);
}

#[test]
fn verdicts_are_kept_by_content_in_the_qbank_folder_and_reused() {
    let written = bank_with_diagram("flowchart", BROKEN).write();
    let dir = written.path();
    let (_, first) = check_in(dir, &[]);
    let verdicts: Vec<_> = std::fs::read_dir(dir.join(".qbank/diagrams"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    // One verdict per distinct diagram text: the broken one and the four that parse.
    assert_eq!(verdicts.len(), 5, "{verdicts:?}");
    let broken = verdicts
        .iter()
        .find(|p| std::fs::read_to_string(p).unwrap().contains("\"ok\":false"))
        .expect("the broken diagram's verdict");
    // A verdict on disk is what a later check uses, whatever else changed: mark it,
    // change the bank (so the result cache does not answer) and check again.
    std::fs::write(
        broken,
        r#"{"ok":false,"message":"FROM-THE-VERDICT-CACHE","line":1}"#,
    )
    .unwrap();
    let meta = written.root.join("bank.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(&meta, format!("{text}\n# changed\n")).unwrap();
    let (_, second) = check_in(dir, &[]);
    let message = |json: &serde_json::Value| {
        diagnostics(json)
            .into_iter()
            .find(|d| d["code"] == "diagram")
            .map(|d| d["message"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert!(message(&first).contains("Parse error"), "{first:#}");
    assert!(message(&second).contains("FROM-THE-VERDICT-CACHE"));
}

#[test]
fn no_cache_keeps_no_verdicts() {
    let written = bank_with_diagram("flowchart", BROKEN).write();
    let (code, _) = check_in(written.path(), &["--no-cache"]);
    assert_eq!(code, 1);
    assert!(!written.path().join(".qbank/diagrams").exists());
}
