//! The shipped bank passes all twenty gates with the default rubric, offline.

use crate::common::{check_json, root};

#[test]
fn the_shipped_bank_passes_every_gate_but_an_honest_offline_warn_on_17() {
    let bank = root().join("content/performance-engineering");
    let (code, json, _) = check_json(&bank, &[]);
    let b = &json["banks"][0];
    assert_eq!(b["loaded"], true, "{:#}", b["diagnostics"]);
    let gates = b["gates"].as_array().unwrap();
    assert_eq!(gates.len(), 20);
    let not_pass: Vec<String> = gates
        .iter()
        .filter(|g| g["status"] != "PASS" && g["number"] != 17)
        .map(|g| {
            format!(
                "{} {}: {} {}\n{:#}",
                g["number"], g["name"], g["status"], g["evidence"], g["diagnostics"]
            )
        })
        .collect();
    assert!(not_pass.is_empty(), "{}", not_pass.join("\n"));
    // Offline, links that are neither a DOI nor a pinned snapshot are unverified: WARN,
    // never PASS, and never FAIL.
    assert_eq!(gates[16]["status"], "WARN", "{:#}", gates[16]);
    let warned: Vec<&str> = gates
        .iter()
        .filter(|g| g["number"] != 17)
        .flat_map(|g| g["diagnostics"].as_array().unwrap())
        .filter(|d| d["severity"] != "note")
        .map(|d| d["message"].as_str().unwrap())
        .collect();
    assert!(warned.is_empty(), "no warnings but gate 17's: {warned:#?}");
    assert_eq!(code, 0, "WARN passes without --strict");
    let (strict, _, _) = check_json(&bank, &["--strict"]);
    assert_eq!(strict, 1, "--strict counts gate 17's WARN");
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
    assert_eq!(gates[2]["evidence"], "F 5 (18%), I 12 (43%), A 11 (39%)");
    assert!(
        gates[17]["evidence"]
            .as_str()
            .unwrap()
            .starts_with("6/6 methods")
    );
}
