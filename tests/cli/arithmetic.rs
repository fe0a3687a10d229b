//! The arithmetic check on the real binary: stated changes, worked equations, percentile
//! order and shares, in a YAML bank and in an imported markdown document.

use std::path::{Path, PathBuf};

use crate::common::{check_json, fixtures, matches};

const CODES: [&str; 5] = [
    "change-mismatch",
    "equation-mismatch",
    "percentile-order",
    "impossible-share",
    "impossible-reduction",
];

fn dir(name: &str) -> PathBuf {
    fixtures().join("arithmetic").join(name)
}

/// The arithmetic findings of a report, from every gate: (gate, diagnostic).
fn arithmetic(json: &serde_json::Value) -> Vec<(u64, serde_json::Value)> {
    let mut out = Vec::new();
    for b in json["banks"].as_array().into_iter().flatten() {
        for g in b["gates"].as_array().into_iter().flatten() {
            for d in g["diagnostics"].as_array().into_iter().flatten() {
                if CODES.iter().any(|c| d["code"] == *c) {
                    out.push((g["number"].as_u64().unwrap_or(0), d.clone()));
                }
            }
        }
    }
    out
}

fn status(json: &serde_json::Value, gate: u64) -> String {
    json["banks"][0]["gates"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|g| g["number"] == gate)
        .map(|g| g["status"].as_str().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

fn has(
    found: &[(u64, serde_json::Value)],
    gate: u64,
    base: &Path,
    code: &str,
    place: &str,
    text: &str,
) -> bool {
    found
        .iter()
        .any(|(g, d)| *g == gate && matches(d, base, code, place, text))
}

#[test]
fn each_wrong_figure_is_found_where_it_is_written_with_the_recomputed_value() {
    let base = dir("wrong");
    let (code, json, _) = check_json(&base, &["--no-cache"]);
    assert_eq!(code, 1);
    let found = arithmetic(&json);
    let q = "questions/q.yaml";
    // The key insight and the Impact step count against gate 10, the rest against 20.
    assert!(
        has(
            &found,
            10,
            &base,
            "change-mismatch",
            &format!("{q}:7:52"),
            "81.43% lower"
        ),
        "{found:#?}"
    );
    assert!(
        has(
            &found,
            10,
            &base,
            "change-mismatch",
            &format!("{q}:15:37"),
            "88.82% lower"
        ),
        "{found:#?}"
    );
    assert!(
        has(
            &found,
            20,
            &base,
            "percentile-order",
            &format!("{q}:11:64"),
            "p99 `390 ms` is below p95 `410 ms`"
        ),
        "{found:#?}"
    );
    assert!(
        has(
            &found,
            20,
            &base,
            "equation-mismatch",
            &format!("{q}:13:124"),
            "`120 × 12` is 1440"
        ),
        "{found:#?}"
    );
    assert!(
        has(
            &found,
            20,
            &base,
            "change-mismatch",
            &format!("{q}:21:18"),
            "88.71% lower"
        ),
        "{found:#?}"
    );
    assert!(
        has(
            &found,
            20,
            &base,
            "impossible-share",
            &format!("{q}:26:16"),
            "`120%`"
        ),
        "{found:#?}"
    );
    assert_eq!(found.len(), 6, "{found:#?}");
    assert_eq!(status(&json, 10), "FAIL");
    assert_eq!(status(&json, 20), "FAIL");
}

#[test]
fn right_arithmetic_says_nothing() {
    let (_, json, _) = check_json(&dir("right"), &["--no-cache"]);
    let found = arithmetic(&json);
    assert!(found.is_empty(), "{found:#?}");
    assert_eq!(status(&json, 10), "PASS");
}

#[test]
fn codes_can_be_ignored_selected_and_suppressed() {
    let base = dir("wrong");
    let (_, json, _) = check_json(&base, &["--no-cache", "--ignore", "change-mismatch"]);
    let found = arithmetic(&json);
    assert!(found.iter().all(|(_, d)| d["code"] != "change-mismatch"));
    assert_eq!(found.len(), 3, "{found:#?}");
    let (_, json, _) = check_json(&base, &["--no-cache", "--select", "equation-mismatch"]);
    let found = arithmetic(&json);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].1["code"], "equation-mismatch");

    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("bank");
    std::fs::create_dir_all(copy.join("questions")).unwrap();
    std::fs::copy(base.join("bank.yaml"), copy.join("bank.yaml")).unwrap();
    let q = std::fs::read_to_string(base.join("questions/q.yaml")).unwrap();
    let q = q.replace(
        "    improvement: 79% lower\n",
        "    improvement: 79% lower # qbank-ignore: change-mismatch -- measured on another day\n",
    );
    std::fs::write(copy.join("questions/q.yaml"), q).unwrap();
    let (_, json, _) = check_json(&copy, &["--no-cache"]);
    let found = arithmetic(&json);
    assert_eq!(found.len(), 5, "{found:#?}");
    assert!(
        !found
            .iter()
            .any(|(_, d)| d["message"].as_str().unwrap_or_default().contains("`79%"))
    );
}

#[test]
fn a_rubric_can_turn_the_check_off_or_make_it_warn() {
    let tmp = tempfile::tempdir().unwrap();
    let rubric = crate::common::qbank()
        .args(["rubric", "--default"])
        .output()
        .unwrap()
        .stdout;
    let rubric = String::from_utf8(rubric).unwrap();
    assert!(rubric.contains("arithmetic:\n  enabled: true"));
    for (setting, want) in [("enabled: false", 0), ("severity: warning", 6)] {
        let copy = tmp.path().join(setting.replace([':', ' '], "-"));
        std::fs::create_dir_all(copy.join("questions")).unwrap();
        let custom = if setting.starts_with("enabled") {
            rubric.replace(
                "arithmetic:\n  enabled: true",
                "arithmetic:\n  enabled: false",
            )
        } else {
            rubric.replace("  severity: error\n", "  severity: warning\n")
        };
        std::fs::write(copy.join("rubric.yaml"), custom).unwrap();
        let bank = std::fs::read_to_string(dir("wrong").join("bank.yaml")).unwrap();
        std::fs::write(
            copy.join("bank.yaml"),
            format!("{bank}rubric: ./rubric.yaml\n"),
        )
        .unwrap();
        std::fs::copy(
            dir("wrong").join("questions/q.yaml"),
            copy.join("questions/q.yaml"),
        )
        .unwrap();
        let (_, json, stderr) = check_json(&copy, &["--no-cache"]);
        let found = arithmetic(&json);
        assert_eq!(found.len(), want, "{setting}: {found:#?}\n{stderr}");
        assert!(found.iter().all(|(_, d)| d["severity"] == "warning"));
    }
}

#[test]
fn an_imported_document_is_checked_the_same_way() {
    let doc = dir("doc.md");
    let (_, json, _) = check_json(&doc, &["--no-cache"]);
    let found = arithmetic(&json);
    let base = doc.parent().unwrap().to_path_buf();
    assert!(
        has(
            &found,
            10,
            &base,
            "change-mismatch",
            "doc.md:10:56",
            "81.43% lower"
        ),
        "{found:#?}"
    );
    assert!(
        has(
            &found,
            20,
            &base,
            "equation-mismatch",
            "doc.md:16:47",
            "1440"
        ),
        "{found:#?}"
    );
    assert!(
        has(
            &found,
            20,
            &base,
            "change-mismatch",
            "doc.md:24:53",
            "88.71% lower"
        ),
        "{found:#?}"
    );
    assert!(
        has(
            &found,
            20,
            &base,
            "impossible-share",
            "doc.md:25:44",
            "300%"
        ),
        "{found:#?}"
    );
    // The Impact step's change is right: nothing said there.
    assert_eq!(found.len(), 4, "{found:#?}");
}

#[test]
fn explain_describes_each_code() {
    for code in CODES {
        let out = crate::common::qbank()
            .args(["explain", code])
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.starts_with(&format!("# `{code}` (diagnostic code)")),
            "{text}"
        );
        assert!(text.contains("tolerance"));
    }
}
