//! Gate 5 parses practical blocks: a broken YAML, SQL or Python block fails the gate at
//! its line and column in the question file (or in an imported markdown document);
//! blocks that parse, psql scripts and unverified languages pass.

use std::fs;

use crate::common::{check_json, fixtures, matches, qbank};

fn gate5(case: &std::path::Path) -> serde_json::Value {
    let (_, json, _) = check_json(case, &["--as-of", "2026-11-25"]);
    let bank = &json["banks"][0];
    assert_eq!(bank["loaded"], true, "{:#}", bank["diagnostics"]);
    let gate = bank["gates"][4].clone();
    assert_eq!(gate["name"], "practical-elements");
    gate
}

fn has(gate: &serde_json::Value, base: &std::path::Path, place: &str, text: &str) -> bool {
    gate["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|d| matches(d, base, "practical-elements", place, text))
}

#[test]
fn blocks_that_parse_pass_and_unverified_languages_carry_a_note() {
    let case = fixtures().join("code-parse/pass");
    let gate = gate5(&case);
    assert_eq!(gate["status"], "PASS", "{gate:#}");
    assert_eq!(
        gate["evidence"],
        "2/2; 5 blocks (4 verified, 1 not verified), 5-13 lines"
    );
    assert!(
        has(
            &gate,
            &case,
            "questions/n-plus-one-history.yaml:52",
            "a `text` block is not verified"
        ),
        "{gate:#}"
    );
    let errors = gate["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == "error")
        .count();
    assert_eq!(errors, 0, "{gate:#}");
}

#[test]
fn broken_yaml_sql_and_python_fail_at_their_file_line_and_column() {
    let case = fixtures().join("code-parse/fail");
    let gate = gate5(&case);
    assert_eq!(gate["status"], "FAIL", "{gate:#}");
    assert_eq!(
        gate["evidence"],
        "0/2; 3 blocks (3 verified, 3 not parsing), 6-13 lines"
    );
    for (place, text) in [
        (
            "questions/api-p99-pool-wait.yaml:26:31",
            "a `yaml` block does not parse as YAML",
        ),
        (
            "questions/n-plus-one-history.yaml:28:33",
            "a `sql` block does not parse as SQL: Expected: an expression, found: =",
        ),
        (
            "questions/n-plus-one-history.yaml:38:11",
            "a `python` block does not parse as Python: syntax error",
        ),
    ] {
        assert!(has(&gate, &case, place, text), "{place} {text}\n{gate:#}");
    }
    // The same blocks in a rendered, then imported, markdown document point at its lines.
    let tmp = tempfile::tempdir().unwrap();
    let md = tmp.path().join("bank.md");
    let out = qbank()
        .args(["render", "--as-of", "2026-11-25"])
        .arg(&case)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    fs::write(&md, &text).unwrap();
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap_or_else(|| panic!("{needle} not in the render"))
    };
    let gate = gate5(&md);
    assert_eq!(gate["status"], "FAIL", "{gate:#}");
    for (needle, col, what) in [
        ("p.id = = l.product_id", 27, "as SQL"),
        ("requests.get(url, timeout=5", 5, "as Python"),
    ] {
        let place = format!("bank.md:{}:{col}", line_of(needle));
        assert!(
            has(&gate, tmp.path(), &place, what),
            "{place} {what}\n{gate:#}"
        );
    }
}
