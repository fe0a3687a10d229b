//! Agreement with labelled documents: the mapping of `scripts/agree` (keep the two in
//! step), run on a small labelled document of the project's own
//! (`tests/fixtures/agree/small.md` and its `small.labels.json`), so that `cargo test`
//! guards agreement without the shared labelled set. Also: the repair prompt for that
//! document never names a criterion the labels mark present.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use regex::Regex;
use serde_json::Value;

use crate::common::{check_json, fixtures, qbank};

/// Finding -> criterion, first match wins: (criterion, gates (empty: any), code parts
/// (empty: any), message pattern (empty: any)). The table of `scripts/agree`.
const MAPPING: &[(&str, &[u64], &[&str], &str)] = &[
    ("arithmetic", &[], &["arithmetic", "number", "figure"], ""),
    ("duplicate", &[], &["near-duplicate", "duplicate"], ""),
    ("contents_links_broken", &[], &["contents", "anchor"], ""),
    ("chain", &[4], &[], ""),
    ("practical", &[5], &[], ""),
    ("alternatives", &[8], &[], r"alternative `|alternative\(s\)"),
    ("tradeoffs", &[8], &[], ""),
    ("risk", &[9], &[], ""),
    ("impact_quantified", &[10], &[], ""),
    ("recall", &[20], &[], "asks for recall"),
    ("duplicate", &[20], &[], "duplicate"),
    (
        "glossary_incomplete",
        &[11],
        &[],
        r"glossary entry `([^`]+)`",
    ),
    (
        "citations_incomplete",
        &[13, 14],
        &[],
        r"(?:citation|literature|source|entry) `([^`]+)`",
    ),
    ("undefined_acronyms", &[19], &[], r"acronym `([^`]+)`"),
];

const QUESTION: &[&str] = &[
    "chain",
    "practical",
    "tradeoffs",
    "alternatives",
    "risk",
    "impact_quantified",
    "arithmetic",
    "recall",
    "duplicate",
];
const DOCUMENT: &[&str] = &[
    "glossary_incomplete",
    "citations_incomplete",
    "undefined_acronyms",
    "contents_links_broken",
];

fn doc() -> PathBuf {
    fixtures().join("agree/small.md")
}

fn labels() -> Value {
    let text = std::fs::read_to_string(fixtures().join("agree/small.labels.json")).expect("labels");
    serde_json::from_str(&text).expect("labels are JSON")
}

/// The criterion of a finding and, for a document-level one, its entry.
fn criterion(gate: Option<u64>, d: &Value) -> Option<(&'static str, Option<String>)> {
    let code = d["code"].as_str().unwrap_or_default();
    let msg = d["message"].as_str().unwrap_or_default();
    for (crit, gates, codes, pattern) in MAPPING {
        if !gates.is_empty() && !gate.is_some_and(|g| gates.contains(&g)) {
            continue;
        }
        if !codes.is_empty() && !codes.iter().any(|c| code.contains(c)) {
            continue;
        }
        let mut entry = None;
        if !pattern.is_empty() {
            let re = Regex::new(pattern).expect("valid pattern");
            let Some(c) = re.captures(msg) else { continue };
            entry = c.get(1).map(|m| m.as_str().to_owned());
        }
        if DOCUMENT.contains(crit) {
            if entry.is_none() {
                continue;
            }
            return Some((crit, entry));
        }
        return Some((crit, None));
    }
    None
}

/// Question number -> (first line, last line) of `text`: a question runs from its
/// heading to the next heading of its level or higher.
fn ranges(text: &str) -> BTreeMap<u64, (u64, u64)> {
    let head = Regex::new(r"^(#{1,6})\s").expect("valid");
    let q = Regex::new(r"^#{1,6}\s*Q(\d+)\b").expect("valid");
    let lines: Vec<&str> = text.lines().collect();
    let mut heads = Vec::new();
    let mut fence = false;
    for (i, l) in lines.iter().enumerate() {
        if l.trim_start().starts_with("```") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        if let Some(h) = head.captures(l) {
            let n = q.captures(l).and_then(|c| c[1].parse::<u64>().ok());
            heads.push((i as u64 + 1, h[1].len(), n));
        }
    }
    let mut out = BTreeMap::new();
    for (k, &(line, level, n)) in heads.iter().enumerate() {
        let Some(n) = n else { continue };
        let end = heads[k + 1..]
            .iter()
            .find(|h| h.1 <= level)
            .map_or(lines.len() as u64, |h| h.0 - 1);
        out.insert(n, (line, end));
    }
    out
}

fn defect(q: &Value, crit: &str) -> bool {
    match crit {
        "alternatives" => q["alternatives"].as_u64().is_some_and(|n| n < 2),
        "arithmetic" => q["arithmetic_errors"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "recall" => q["recall"] == true,
        "duplicate" => !q["duplicate_of"].is_null(),
        _ => q[crit] == false,
    }
}

/// Per criterion: (agreed, qbank only, expert only), each a set of questions or entries.
type Agreement = BTreeMap<&'static str, (BTreeSet<String>, BTreeSet<String>, BTreeSet<String>)>;

fn agreement() -> Agreement {
    let (_, report, _) = check_json(&doc(), &[]);
    let text = std::fs::read_to_string(doc()).expect("fixture");
    let ranges = ranges(&text);
    let mut flags: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let q_name = Regex::new(r"^Q(\d+)\b").expect("valid");
    for bank in report["banks"].as_array().into_iter().flatten() {
        let mut all: Vec<(Option<u64>, &Value)> = bank["diagnostics"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|d| (d["gate"].as_u64(), d))
            .collect();
        for g in bank["gates"].as_array().into_iter().flatten() {
            for d in g["diagnostics"].as_array().into_iter().flatten() {
                all.push((g["number"].as_u64(), d));
            }
        }
        for (gate, d) in all {
            if d["severity"] == "note" {
                continue;
            }
            let Some((crit, entry)) = criterion(gate, d) else {
                continue;
            };
            let key = match entry {
                Some(e) => e,
                None => {
                    let line = d["location"]["line"].as_u64();
                    let by_line = line.and_then(|l| {
                        ranges
                            .iter()
                            .find(|(_, (a, b))| *a <= l && l <= *b)
                            .map(|(n, _)| *n)
                    });
                    let by_name = || {
                        q_name
                            .captures(d["message"].as_str().unwrap_or_default())
                            .and_then(|c| c[1].parse::<u64>().ok())
                    };
                    match by_line.or_else(by_name) {
                        Some(n) => format!("Q{n}"),
                        None => continue,
                    }
                }
            };
            // An acronym is compared by its singular (`CRDs` is `CRD`), as gate 19 does.
            let key = match key.strip_suffix('s') {
                Some(stem) if crit == "undefined_acronyms" && stem.len() >= 2 => stem.to_owned(),
                _ => key,
            };
            flags.entry(crit).or_default().insert(key);
        }
    }
    let labels = labels();
    let mut out = BTreeMap::new();
    for crit in QUESTION.iter().chain(DOCUMENT) {
        let expert: BTreeSet<String> = if QUESTION.contains(crit) {
            labels["questions"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|q| defect(q, crit))
                .map(|q| format!("Q{}", q["q"]))
                .collect()
        } else {
            labels["document"][*crit]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|e| e.as_str().map(str::to_owned))
                .collect()
        };
        let ours = flags.remove(crit).unwrap_or_default();
        let both = ours.intersection(&expert).cloned().collect();
        let only_ours = ours.difference(&expert).cloned().collect();
        let only_expert = expert.difference(&ours).cloned().collect();
        out.insert(*crit, (both, only_ours, only_expert));
    }
    out
}

#[test]
fn qbank_agrees_with_the_labels_of_the_small_document() {
    let a = agreement();
    let mut wrong = Vec::new();
    let mut agreed = 0;
    for (crit, (both, ours, expert)) in &a {
        agreed += both.len();
        if !ours.is_empty() {
            wrong.push(format!("{crit}: qbank only {ours:?}"));
        }
        if !expert.is_empty() {
            wrong.push(format!("{crit}: labels only {expert:?}"));
        }
    }
    // Unresolved references are a count per document: gate 7's evidence `N unresolved`.
    let (_, report, _) = check_json(&doc(), &[]);
    let evidence = report["banks"][0]["gates"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|g| g["number"] == 7)
        .and_then(|g| g["evidence"].as_str())
        .unwrap_or_default()
        .to_owned();
    let ours = Regex::new(r"(\d+) unresolved")
        .expect("valid")
        .captures(&evidence)
        .and_then(|c| c[1].parse::<u64>().ok());
    let theirs = labels()["document"]["references_unresolved"].as_u64();
    if ours != theirs {
        wrong.push(format!(
            "references_unresolved: qbank {ours:?}, labels {theirs:?}"
        ));
    }
    assert!(wrong.is_empty(), "disagreements:\n{}", wrong.join("\n"));
    // The labels mark seven defects; a check that flags nothing cannot pass.
    assert_eq!(agreed, 7, "{a:?}");
}

#[test]
fn the_mapping_reads_question_ranges_and_entries() {
    let r =
        ranges("# T\n#### Q1: a\nx\n```\n## not a heading\n```\n#### Q2: b\ny\n## References\n");
    assert_eq!(r.get(&1), Some(&(2, 6)));
    assert_eq!(r.get(&2), Some(&(7, 8)));
    let d =
        serde_json::json!({"code": "glossary-min", "message": "glossary entry `G4` (X) lacks ..."});
    assert_eq!(
        criterion(Some(11), &d),
        Some(("glossary_incomplete", Some("G4".to_owned())))
    );
    let d = serde_json::json!({"code": "tradeoffs", "message": "Q2 (`x`): alternative `(1) y` does not count"});
    assert_eq!(criterion(Some(8), &d), Some(("alternatives", None)));
    let d = serde_json::json!({"code": "glossary-min", "message": "0 complete glossary entries"});
    assert_eq!(criterion(Some(11), &d), None);
}

/// Gate -> the question criterion whose findings it makes (as in `MAPPING`).
fn gate_criterion(gate: u64, message: &str) -> Option<&'static str> {
    match gate {
        4 => Some("chain"),
        5 => Some("practical"),
        8 if message.contains("alternative") && !message.contains("when to use") => {
            Some("alternatives")
        }
        8 => Some("tradeoffs"),
        9 => Some("risk"),
        10 => Some("impact_quantified"),
        _ => None,
    }
}

#[test]
fn repair_never_asks_for_what_the_labels_mark_present() {
    let out = qbank()
        .arg("repair")
        .arg(doc())
        .output()
        .expect("qbank runs");
    let prompt = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(prompt.contains("## What to fix"), "{prompt}");
    let labels = labels();
    let present = |q: u64, crit: &str| {
        labels["questions"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|x| x["q"] == q)
            .is_some_and(|x| !defect(x, crit))
    };
    let gate_head = Regex::new(r"^### Gate (\d+)").expect("valid");
    let item = Regex::new(r#"^- Q(\d+) "#).expect("valid");
    let mut gate = 0;
    let mut asked = BTreeSet::new();
    let mut lines = prompt.lines();
    for line in lines.by_ref() {
        if line.starts_with("## Rules") {
            break;
        }
        if let Some(c) = gate_head.captures(line) {
            gate = c[1].parse().expect("a number");
        }
        if let Some(c) = item.captures(line) {
            let q: u64 = c[1].parse().expect("a number");
            if let Some(crit) = gate_criterion(gate, line) {
                assert!(
                    !present(q, crit),
                    "the repair prompt asks to fix {crit} of Q{q}, which the labels mark present:\n{line}"
                );
                asked.insert((q, crit));
            }
        }
    }
    // What the labels mark missing is asked for, in the spec's terms.
    for (q, crit) in [
        (2, "risk"),
        (3, "tradeoffs"),
        (4, "chain"),
        (4, "alternatives"),
    ] {
        assert!(
            asked.contains(&(q, crit)),
            "Q{q} {crit} is not asked for:\n{prompt}"
        );
    }
    // It never asks for a phrasing: no template label is requested.
    for phrase in ["When to use:", "When to avoid:", "X vs Y:"] {
        assert!(
            !prompt.contains(phrase),
            "the prompt asks for the phrase {phrase:?}"
        );
    }
}
