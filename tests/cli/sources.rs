//! True sources and sound structure: one work one entry, dates, language tags, circular
//! definitions, a document's own links, scalar "code", near-duplicate questions and a
//! diagram swallowed by a stray fence. Each rule: the passing bank says nothing, the
//! bank broken in one place gets the finding at the right place.

use std::fs;

use crate::bank::{Bank, Checked};
use crate::common::{check_json, diagnostics};

/// The bank-level diagnostics (not a gate's) with `code`.
fn with_code<'a>(c: &'a Checked, code: &str) -> Vec<&'a serde_json::Value> {
    c.bank()["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|d| d["code"] == code)
        .collect()
}

/// The messages of gate `n`'s diagnostics.
fn gate_messages(c: &Checked, n: u64) -> Vec<String> {
    c.gate(n)["diagnostics"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| d["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
fn the_passing_bank_has_none_of_these_findings() {
    let c = Bank::passing().check();
    for code in [
        "duplicate-source",
        "conflicting-identifier",
        "future-date",
        "future-as-of",
        "language-mismatch",
    ] {
        assert!(with_code(&c, code).is_empty(), "{code}: {:#}", c.bank());
    }
    assert_eq!(c.status(11), "PASS");
    assert_eq!(c.status(14), "PASS");
    assert_eq!(c.status(20), "PASS", "{:#}", c.gate(20));
}

#[test]
fn one_work_under_two_ids_is_an_error_at_the_second_and_counted_once() {
    let c = Bank::passing()
        .citations(|list| {
            let mut copy = list[0].clone();
            copy.set("id", "A21");
            // The same DOI written as a URL, and the title's case changed.
            copy.remove("doi");
            copy.set("url", "https://doi.org/10.1287/OPRE.1110.0940");
            copy.set("title", "Little's law as viewed on its 50th anniversary");
            list.push(copy);
        })
        .check();
    let found = with_code(&c, "duplicate-source");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0]["severity"], "error");
    let text = found[0].to_string();
    assert!(text.contains("`A21`") && text.contains("`A1`"), "{text}");
    assert!(text.contains("10.1287/opre.1110.0940"), "{text}");
    let evidence = c.gate(14)["evidence"].as_str().unwrap().to_owned();
    assert!(evidence.starts_with("20 citations"), "{evidence}");
    assert!(evidence.contains("1 repeated, counted once"), "{evidence}");
}

#[test]
fn one_doi_on_two_titles_is_an_error_at_both() {
    let c = Bank::passing()
        .citations(|list| {
            list[1].set("doi", "10.1287/opre.1110.0940");
        })
        .check();
    let found = with_code(&c, "conflicting-identifier");
    assert_eq!(found.len(), 2, "{found:#?}");
    let places: Vec<String> = found.iter().map(|d| d["message"].to_string()).collect();
    assert!(places[0].contains("`A1`") && places[1].contains("`A2`") || places[0].contains("`A2`"));
    assert!(with_code(&c, "duplicate-source").is_empty());
}

#[test]
fn dates_after_as_of_are_errors_and_a_future_as_of_a_warning() {
    let c = Bank::passing()
        .citations(|list| {
            list[0].set("year", 2027i64);
        })
        .tools(|list| {
            list[0].set("last_update", "2026-12");
        })
        .check();
    let found = with_code(&c, "future-date");
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found.iter().all(|d| d["severity"] == "error"));
    assert!(
        found[0]
            .to_string()
            .contains("after the bank's as_of date 2026-11-25")
    );
    assert!(with_code(&c, "future-as-of").is_empty());

    let c = Bank::passing().meta(|m| {
        m.set("as_of", "2099-01-01");
    });
    let c = c.check();
    let found = with_code(&c, "future-as-of");
    assert_eq!(found.len(), 1, "{:#}", c.bank()["diagnostics"]);
    assert_eq!(found[0]["severity"], "warning");
}

#[test]
fn a_language_tag_the_text_does_not_show_is_a_warning_and_counted_as_shown() {
    let c = Bank::passing()
        .citations(|list| {
            list[0].set("lang", "ZH");
        })
        .check();
    let found = with_code(&c, "language-mismatch");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]["message"]
            .as_str()
            .unwrap()
            .contains("counts it as EN")
    );
    let evidence = c.gate(14)["evidence"].as_str().unwrap().to_owned();
    assert!(
        evidence.contains("languages as the text shows (1 tag not borne out)"),
        "{evidence}"
    );
    // A ZH tag on a Chinese title is what it says.
    let c = Bank::passing().check();
    assert!(with_code(&c, "language-mismatch").is_empty());
}

#[test]
fn a_circular_definition_does_not_count() {
    let c = Bank::passing()
        .glossary(|list| {
            list[4].set("definition", "Profiling: the profiling of a program.");
        })
        .check();
    assert_eq!(c.status(11), "WARN");
    let msgs = gate_messages(&c, 11);
    assert!(
        msgs.iter()
            .any(|m| m.contains("`G5`") && m.contains("defines the term by itself")),
        "{msgs:#?}"
    );
    assert!(
        c.gate(11)["evidence"]
            .as_str()
            .unwrap()
            .contains("complete")
    );
}

#[test]
fn a_yaml_block_that_is_one_sentence_is_not_code() {
    let c = Bank::passing()
        .question("n-plus-one-history", |q| {
            let prose = "Raise the pool size until the p99 drops\nthen keep it there while watching the queue\nand the database CPU for an hour\nbefore calling the change done\nand writing it down for the team\n";
            q.item("practical", 0).set("lang", "yaml").set("code", prose);
        })
        .check();
    assert_eq!(c.status(5), "FAIL");
    let msgs = gate_messages(&c, 5);
    assert!(
        msgs.iter().any(|m| m.contains("is one scalar")),
        "{msgs:#?}"
    );
}

#[test]
fn two_questions_with_the_same_content_are_near_duplicates() {
    let c = Bank::passing()
        .duplicate_question(0, "copy-0")
        .question("copy-0", |q| {
            q.set("title", "Two weeks after launch, the support queue fills with complaints about slowness although every dashboard stays green: what do you do?");
        })
        .check();
    let msgs = gate_messages(&c, 20);
    assert!(
        msgs.iter()
            .any(|m| m.contains("near-duplicates") && m.contains("(`copy-0`)")),
        "{msgs:#?}"
    );
}

const DOC: &str = "# Latency notes

## Contents

- [Context & Coverage](#context--coverage)
- [Cluster 1: Latency (Q1-Q2)](#cluster-1-latency-q1-q2)
- [References](#references)

## Context & Coverage

Two questions.

## Cluster 1: Latency (Q1-Q2)

### Q1: A checkout API misses its p99 SLO

**Answer**: Measure first.

## References
";

/// Writes `text` as `doc.md` in a fresh folder and checks it.
fn check_doc(text: &str) -> (tempfile::TempDir, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.md");
    fs::write(&path, text).unwrap();
    let (_, json, _) = check_json(&path, &["--as-of", "2026-11-25"]);
    (dir, json)
}

fn gate20_messages(json: &serde_json::Value) -> Vec<String> {
    json["banks"][0]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["number"] == 20)
        .unwrap()["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{} {}",
                d["location"]["line"], d["location"]["col"], d["message"]
            )
        })
        .collect()
}

#[test]
fn a_documents_own_links_resolve_to_its_headings() {
    let (_dir, json) = check_doc(DOC);
    let msgs = gate20_messages(&json);
    assert!(
        !msgs.iter().any(|m| m.contains("resolves to no heading")),
        "{msgs:#?}"
    );
    // The heading carries "(Q1-Q2)"; a Contents link written without it goes nowhere.
    let broken = DOC.replace("](#cluster-1-latency-q1-q2)", "](#cluster-1-latency)");
    let (_dir, json) = check_doc(&broken);
    let msgs = gate20_messages(&json);
    let found: Vec<&String> = msgs
        .iter()
        .filter(|m| m.contains("resolves to no heading"))
        .collect();
    assert_eq!(found.len(), 1, "{msgs:#?}");
    assert!(found[0].starts_with("6:3 "), "{found:?}");
    assert!(found[0].contains("`#cluster-1-latency`"), "{found:?}");
}

#[test]
fn a_diagram_swallowed_by_a_stray_fence_is_a_warning_at_the_fence() {
    let closed = DOC.replace(
        "**Answer**: Measure first.\n",
        "**Answer**: Measure first.\n\n```mermaid\ngraph LR\n  A --> B\n```\n",
    );
    let (_dir, json) = check_doc(&closed);
    assert!(
        !diagnostics(&json)
            .iter()
            .any(|d| d["code"] == "swallowed-diagram")
    );
    let swallowed = DOC.replace(
        "**Answer**: Measure first.\n",
        "**Answer**: Measure first.\n\n```\nk6 run load.js\n\n```mermaid\ngraph LR\n  A --> B\n```\n",
    );
    let (_dir, json) = check_doc(&swallowed);
    let found: Vec<serde_json::Value> = diagnostics(&json)
        .into_iter()
        .filter(|d| d["code"] == "swallowed-diagram")
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", diagnostics(&json));
    assert_eq!(found[0]["location"]["line"], 19);
}

#[test]
fn the_new_codes_are_explained() {
    for code in [
        "duplicate-source",
        "conflicting-identifier",
        "future-date",
        "future-as-of",
        "language-mismatch",
        "swallowed-diagram",
        "swallowed-question",
    ] {
        crate::common::qbank()
            .args(["explain", code])
            .assert()
            .success();
    }
}
