//! The shipped bank passes all twenty gates with the default rubric, offline.

use crate::common::{check_json, root};

#[test]
fn the_shipped_bank_passes_all_twenty_gates() {
    let bank = root().join("content/performance-engineering");
    let (code, json, _) = check_json(&bank, &["--strict"]);
    let b = &json["banks"][0];
    assert_eq!(b["loaded"], true, "{:#}", b["diagnostics"]);
    let gates = b["gates"].as_array().unwrap();
    assert_eq!(gates.len(), 20);
    let not_pass: Vec<String> = gates
        .iter()
        .filter(|g| g["status"] != "PASS")
        .map(|g| {
            format!(
                "{} {}: {} {}\n{:#}",
                g["number"], g["name"], g["status"], g["evidence"], g["diagnostics"]
            )
        })
        .collect();
    assert!(not_pass.is_empty(), "{}", not_pass.join("\n"));
    assert!(
        gates
            .iter()
            .flat_map(|g| g["diagnostics"].as_array().unwrap())
            .all(|d| d["severity"] == "note"),
        "no warnings either (notes, such as an unverified `text` block, are not warnings)"
    );
    assert_eq!(code, 0, "--strict passes: no WARN anywhere");
    assert_eq!(b["as_of"], "2026-11-25");
}

#[test]
fn the_shipped_bank_matches_the_spec_shape() {
    let bank = root().join("content/performance-engineering");
    let (_, json, _) = check_json(&bank, &[]);
    let gates = &json["banks"][0]["gates"];
    assert_eq!(gates[0]["evidence"], "28 Q&As");
    assert!(
        gates[1]["evidence"]
            .as_str()
            .unwrap()
            .starts_with("16/16 cells")
    );
    assert_eq!(gates[2]["evidence"], "F 6 (21%), I 11 (39%), A 11 (39%)");
    assert!(
        gates[17]["evidence"]
            .as_str()
            .unwrap()
            .starts_with("6/6 methods")
    );
}
