//! The arithmetic check on the real binary: stated changes, worked equations, percentile
//! order and shares, in a YAML bank and in an imported markdown document.

use std::path::{Path, PathBuf};

use crate::common::{check_json, fixtures, matches};

const CODES: [&str; 7] = [
    "change-mismatch",
    "equation-mismatch",
    "impact-mismatch",
    "insight-mismatch",
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

/// A copy of the `wrong` bank in a temporary folder (the fixture stays as it is).
fn wrong_copy(tmp: &Path) -> PathBuf {
    let copy = tmp.join("bank");
    std::fs::create_dir_all(copy.join("questions")).unwrap();
    let base = dir("wrong");
    std::fs::copy(base.join("bank.yaml"), copy.join("bank.yaml")).unwrap();
    // Named after its id, so that `fix` has no file to rename.
    std::fs::copy(
        base.join("questions/q.yaml"),
        copy.join("questions/pool-sizing.yaml"),
    )
    .unwrap();
    copy
}

#[test]
fn fix_lists_recomputed_values_and_writes_them_only_with_unsafe() {
    let tmp = tempfile::tempdir().unwrap();
    let bank = wrong_copy(tmp.path());
    let q = bank.join("questions/pool-sizing.yaml");
    let before = std::fs::read_to_string(&q).unwrap();
    // Without --unsafe: listed, never written.
    let out = crate::common::qbank()
        .args(["fix"])
        .arg(&bank)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("4 unsafe fixes available (recomputed values), rerun with --unsafe"),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&q).unwrap(), before);
    // --diff --unsafe shows them and writes nothing.
    let out = crate::common::qbank()
        .args(["fix", "--unsafe", "--diff"])
        .arg(&bank)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("+key_insight: Pooling cut p99 from 350 ms to 65 ms (81.43% lower)"),
        "{stdout}"
    );
    assert_eq!(std::fs::read_to_string(&q).unwrap(), before);
    // With --unsafe: written, each one reported.
    let out = crate::common::qbank()
        .args(["fix", "--unsafe"])
        .arg(&bank)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("pool-sizing.yaml:7:52: wrote the recomputed value `81.43%` over `71%`"),
        "{stdout}"
    );
    assert!(stdout.contains("4 fixes made"), "{stdout}");
    let after = std::fs::read_to_string(&q).unwrap();
    assert!(after.contains("(81.43% lower)"), "{after}");
    assert!(
        after.contains("120 × 12 = 1440 reads per second"),
        "{after}"
    );
    assert!(after.contains("improvement: 88.71% lower"), "{after}");
    // Only the figures changed: same lines, and the findings they had are gone.
    assert_eq!(after.lines().count(), before.lines().count());
    let (_, json, _) = check_json(&bank, &["--no-cache"]);
    let left: Vec<_> = arithmetic(&json)
        .into_iter()
        .filter(|(_, d)| d["code"] == "change-mismatch" || d["code"] == "equation-mismatch")
        .collect();
    assert!(left.is_empty(), "{left:#?}");
}

#[test]
fn an_impact_step_that_disagrees_with_its_metrics_row_is_found() {
    let tmp = tempfile::tempdir().unwrap();
    let bank = wrong_copy(tmp.path());
    let q = bank.join("questions/pool-sizing.yaml");
    let text = std::fs::read_to_string(&q).unwrap().replace(
        "**Impact**: p99 8.5 s → 950 ms, a 70% cut.",
        "**Impact**: GC pause p99 310 ms → 45 ms.",
    );
    std::fs::write(&q, text).unwrap();
    let (_, json, _) = check_json(&bank, &["--no-cache", "--select", "impact-mismatch"]);
    let found: Vec<_> = json["banks"][0]["gates"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|g| {
            let n = g["number"].as_u64().unwrap_or(0);
            g["diagnostics"]
                .as_array()
                .into_iter()
                .flatten()
                .map(move |d| (n, d.clone()))
        })
        .filter(|(_, d)| d["code"] == "impact-mismatch")
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].0, 10);
    assert!(
        matches(
            &found[0].1,
            &bank,
            "impact-mismatch",
            "questions/pool-sizing.yaml:15:37",
            "35 ms"
        ),
        "{found:#?}"
    );
}
