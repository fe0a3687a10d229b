//! The markdown importer: lossless round trip of qbank's own rendering, defects in an
//! LLM-style document reported by the right gate at the right line, the claims audit,
//! `qbank import` itself, and robustness against mutated documents.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use qbank::import::{self, write};
use qbank::model::{Bank, Day};

use super::common::{fixtures, qbank, root};

fn shipped() -> Bank {
    let loaded = qbank::load::load_bank(&root().join("content/performance-engineering"));
    loaded.bank.expect("the shipped bank loads")
}

fn render(bank: &Bank) -> String {
    let (gates, _, _) = qbank::pipeline::gate_bank(bank, None);
    qbank::render::markdown::render(bank, &gates, None).expect("renders")
}

/// Model values as JSON with every string trimmed: the document keeps a block scalar's
/// text, not its final newline.
fn normalized(v: serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::String(s) => serde_json::Value::String(s.trim().to_owned()),
        serde_json::Value::Array(a) => a.into_iter().map(normalized).collect(),
        serde_json::Value::Object(o) => o.into_iter().map(|(k, v)| (k, normalized(v))).collect(),
        other => other,
    }
}

fn model(bank: &Bank) -> serde_json::Value {
    normalized(serde_json::json!({
        "meta": bank.meta,
        "questions": bank.questions,
        "glossary": bank.glossary,
        "tools": bank.tools,
        "literature": bank.literature,
        "citations": bank.citations,
    }))
}

#[test]
fn round_trip_of_the_shipped_bank_is_lossless() {
    let bank = shipped();
    let first = render(&bank);
    let imported = import::import_str(Path::new("doc.md"), &first, None);
    let unrecognised: Vec<_> = imported.unrecognised().collect();
    assert!(unrecognised.is_empty(), "{unrecognised:#?}");
    let back = imported.bank.expect("imports");
    let (a, b) = (model(&bank), model(&back));
    for key in ["meta", "glossary", "tools", "literature", "citations"] {
        assert_eq!(a[key], b[key], "{key} differs");
    }
    let (qa, qb) = (
        a["questions"].as_array().unwrap(),
        b["questions"].as_array().unwrap(),
    );
    assert_eq!(qa.len(), qb.len());
    for (x, y) in qa.iter().zip(qb) {
        assert_eq!(x, y, "question {} differs", x["id"]);
    }
    assert_eq!(
        render(&back),
        first,
        "rendering the imported bank changes the document"
    );
}

#[test]
fn round_trip_survives_crlf() {
    let first = render(&shipped());
    let crlf = first.replace('\n', "\r\n");
    let a = import::import_str(Path::new("doc.md"), &first, None)
        .bank
        .unwrap();
    let b = import::import_str(Path::new("doc.md"), &crlf, None)
        .bank
        .unwrap();
    assert_eq!(model(&a), model(&b));
}

fn defects() -> PathBuf {
    fixtures().join("import/defects.md")
}

/// Every diagnostic of a JSON report: load ones and each gate's.
fn all_diagnostics(json: &serde_json::Value) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    for b in json["banks"].as_array().into_iter().flatten() {
        out.extend(b["diagnostics"].as_array().cloned().unwrap_or_default());
        for g in b["gates"].as_array().into_iter().flatten() {
            out.extend(g["diagnostics"].as_array().cloned().unwrap_or_default());
        }
    }
    out
}

/// 1-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> u64 {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle in fixture") as u64
        + 1
}

fn check_doc(path: &Path) -> (i32, serde_json::Value) {
    let out = qbank()
        .args(["check", "--format", "json", "--as-of", "2026-01-01"])
        .arg(path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        out.status.code().unwrap(),
        serde_json::from_slice(&out.stdout).expect("JSON"),
    )
}

fn gate(json: &serde_json::Value, n: u64) -> &serde_json::Value {
    json["banks"][0]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["number"] == n)
        .unwrap()
}

fn has(diags: &[serde_json::Value], code: &str, gate: Option<u64>, line: u64, text: &str) -> bool {
    diags.iter().any(|d| {
        d["code"] == code
            && gate.is_none_or(|g| d["gate"] == g)
            && d["location"]["line"] == line
            && format!("{} {}", d["message"], d["help"]).contains(text)
    })
}

#[test]
fn each_defect_is_reported_by_the_right_gate_at_the_right_line() {
    let text = std::fs::read_to_string(defects()).unwrap();
    let (code, json) = check_doc(&defects());
    assert_eq!(code, 1, "gates fail");
    let diags = all_diagnostics(&json);

    // 24 questions: gate 1.
    assert_eq!(gate(&json, 1)["status"], "FAIL");
    assert!(gate(&json, 1)["evidence"].as_str().unwrap().contains("24"));
    // An unresolved [Ref: A31]: gate 7, at its line.
    let a31 = line_of(&text, "A31");
    assert!(has(&diags, "cross-refs", Some(7), a31, "A31"), "{diags:#?}");
    // A missing Risk line in advanced Q12: gate 9, at the question's heading.
    let q12 = line_of(&text, "### Q12.");
    assert!(
        has(&diags, "risk-mitigation", Some(9), q12, ""),
        "no gate 9 finding at {q12}"
    );
    // Chinese citations are read with their language tag.
    let ev14 = gate(&json, 14)["evidence"].as_str().unwrap();
    assert!(ev14.contains("ZH 30%"), "{ev14}");
    // A stray line is reported, not dropped.
    let stray = line_of(&text, "Note: this document was generated");
    assert!(has(&diags, "unrecognised", None, stray, "preamble"));
}

#[test]
fn claims_are_audited_against_measurements() {
    let text = std::fs::read_to_string(defects()).unwrap();
    let (_, json) = check_doc(&defects());
    let claims = json["banks"][0]["claims"]
        .as_array()
        .expect("claims in JSON");
    assert_eq!(claims.len(), 20);
    let quantity = claims.iter().find(|c| c["gate"] == 1).unwrap();
    assert_eq!(quantity["claimed"], "PASS");
    assert_eq!(quantity["measured"], "FAIL");
    assert_eq!(quantity["contradicted"], true);
    assert_eq!(quantity["line"], line_of(&text, "| 1 | Quantity |"));
    // The document claims FAIL for self-review, and it does fail: no contradiction.
    let review = claims.iter().find(|c| c["gate"] == 20).unwrap();
    assert_eq!(review["contradicted"], false);
    let diags = all_diagnostics(&json);
    assert!(has(
        &diags,
        "contradicted-claim",
        Some(7),
        line_of(&text, "| 7 | Cross-refs |"),
        "PASS"
    ));

    let human = qbank()
        .args(["check", "--as-of", "2026-01-01"])
        .arg(defects())
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&human.stdout);
    assert!(out.contains("Claimed"), "{out}");
    assert!(
        out.contains("claims in the document's Validation Results contradicted"),
        "{out}"
    );

    let sarif = qbank()
        .args(["check", "--format", "sarif", "--as-of", "2026-01-01"])
        .arg(defects())
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let contradicted = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["ruleId"] == "contradicted-claim")
        .count();
    let expected = claims.iter().filter(|c| c["contradicted"] == true).count();
    assert_eq!(contradicted, expected);
}

#[test]
fn variants_of_labels_and_headings_are_read() {
    let imported = import::import_file(&defects(), None);
    let bank = imported.bank.unwrap();
    assert_eq!(bank.questions.len(), 24);
    assert_eq!(bank.meta.clusters.len(), 4);
    assert_eq!(bank.meta.clusters[0].title.value, "Latency Optimization");
    // `**Dimension**: Latency, Scalability` (Q1), `**Dimension:** X` (Q9), `X; Y` (Q17).
    for q in [&bank.questions[0], &bank.questions[8], &bank.questions[16]] {
        assert!(
            !q.dimensions.is_empty() && !q.phases.is_empty(),
            "{}",
            q.id.value
        );
        assert!(q.key_insight.is_some() && !q.metrics.is_empty() && !q.practical.is_empty());
    }
    assert_eq!(bank.questions[0].dimensions.len(), 2);
    assert_eq!(bank.questions[16].dimensions.len(), 2);
    // An escaped pipe in a metrics cell.
    assert!(
        bank.questions[0].metrics[1]
            .rationale
            .value
            .contains("scans | less")
    );
    assert_eq!(bank.tools.len(), 5);
    let zh = bank.citations.iter().find(|c| c.id.value == "A5").unwrap();
    assert_eq!(zh.authors, vec!["张伟", "李娜"]);
    assert_eq!(zh.lang.as_ref().unwrap().value, "ZH");
    assert_eq!(zh.container.as_deref(), Some("计算机学报"));
}

#[test]
fn import_writes_a_bank_that_loads_and_refuses_non_empty_folders() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bank");
    let run = qbank()
        .arg("import")
        .arg(defects())
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("imported 24 questions"), "{stdout}");
    assert!(stderr.contains("unrecognised"), "{stderr}");
    let bank_yaml = std::fs::read_to_string(out.join("bank.yaml")).unwrap();
    assert!(bank_yaml.starts_with("# yaml-language-server: $schema="));
    let loaded = qbank::load::load_bank(&out);
    let errors: Vec<_> = loaded.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(loaded.bank.unwrap().questions.len(), 24);

    let again = qbank()
        .arg("import")
        .arg(defects())
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let forced = qbank()
        .arg("import")
        .arg(defects())
        .arg("-o")
        .arg(&out)
        .arg("--force")
        .output()
        .unwrap();
    assert!(forced.status.success());
}

#[test]
fn imported_shipped_bank_checks_and_renders_from_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("doc.md");
    let first = render(&shipped());
    std::fs::write(&doc, &first).unwrap();
    let out = dir.path().join("bank");
    let run = qbank()
        .arg("import")
        .arg(&doc)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let loaded = qbank::load::load_bank(&out);
    let bank = loaded
        .bank
        .unwrap_or_else(|| panic!("{:#?}", loaded.diagnostics));
    assert_eq!(render(&bank), first);
}

/// A document cut into lines, with one of a few mutations applied.
fn mutate(lines: &[&str], op: u8, a: usize, b: usize) -> String {
    let n = lines.len();
    let (a, b) = (a % n, b % n);
    let mut v: Vec<&str> = lines.to_vec();
    match op % 4 {
        0 => {
            let (lo, hi) = (a.min(b), a.max(b).min(a.min(b) + 40));
            v.drain(lo..hi);
        }
        1 => v.swap(a, b),
        2 => v.truncate(a),
        _ => {
            // Move a block of lines (a "section") elsewhere.
            let (lo, hi) = (a.min(b), a.max(b).min(a.min(b) + 80));
            let block: Vec<&str> = v.drain(lo..hi).collect();
            let at = (a * 7) % (v.len() + 1);
            for (i, l) in block.into_iter().enumerate() {
                v.insert(at + i, l);
            }
        }
    }
    v.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn mutated_documents_never_panic(op in 0u8..4, a in 0usize..100_000, b in 0usize..100_000, cut in 0usize..2000) {
        static DOC: std::sync::LazyLock<String> =
            std::sync::LazyLock::new(|| std::fs::read_to_string(fixtures().join("import/defects.md")).unwrap());
        let lines: Vec<&str> = DOC.lines().collect();
        let mut text = mutate(&lines, op, a, b);
        // Cut inside a line too (on a char boundary).
        if cut % 3 == 0 {
            let mut at = text.len().saturating_sub(cut);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.truncate(at);
        }
        let imported = import::import_str(Path::new("mutant.md"), &text, None);
        let bank = imported.bank.as_ref().expect("a partial import, never nothing");
        let changed = text != *DOC;
        prop_assert!(!changed || !imported.diagnostics.is_empty() || bank.questions.len() <= 24);
        let (gates, _, _) = qbank::pipeline::gate_bank(bank, Some(Day::parse("2026-01-01").unwrap()));
        prop_assert_eq!(gates.len(), 20);
        // What the importer writes must read back as YAML.
        let files = write::files(bank, Path::new("out")).expect("serializes");
        for (rel, body) in files.iter().filter(|(r, _)| r.starts_with("questions")) {
            let parsed = qbank::load::parse_str::<qbank::model::Question>(rel, body, "a question");
            prop_assert!(parsed.is_ok(), "{} does not load: {:?}\n{}", rel.display(), parsed.err(), body);
        }
    }
}

#[test]
fn reordered_sections_tables_of_references_and_other_names_are_read() {
    let doc = "# Small bank\r\n\r\n## References\r\n\r\n### Glossary\r\n\r\n| ID | Term | Definition |\r\n|---|---|---|\r\n| G1 | SLO | Service level objective. |\r\n\r\n### Citations\r\n\r\n- **A1.** 王芳. (2024). 缓存一致性研究. *软件学报*, *35*(2), 1–9. [ZH]\r\n\r\n## Questions\r\n\r\n### Topic 1: Caching\r\n\r\n### **Q1**: Why does the cache miss?\r\n\r\n**Difficulty:** Advanced | **Dimension:** Resources | **Phase:** Optimize, Validate\r\n\r\n**Answer:**\r\n\r\nBecause the TTL is 1 s [Ref: G1].\r\n\r\n**Supporting Artifact**:\r\n\r\n```yaml\r\nttl: 30\r\n```\r\n\r\n**Key Metrics**:\r\n\r\n| Metric | Before | After |\r\n|---|---|---|\r\n| Hit ratio | 40% | 90% |\r\n\r\n**Risks**: Stale reads → Mitigation: versioned keys\r\n";
    let imported = import::import_str(Path::new("small.md"), doc, None);
    let bank = imported.bank.unwrap();
    assert_eq!(bank.glossary.len(), 1);
    assert_eq!(bank.glossary[0].term.value, "SLO");
    assert_eq!(bank.citations[0].authors, vec!["王芳"]);
    assert_eq!(bank.citations[0].year.as_ref().unwrap().value, 2024);
    let q = &bank.questions[0];
    assert_eq!(q.title.value, "Why does the cache miss?");
    assert_eq!(q.phases.len(), 2);
    assert_eq!(q.practical[0].code.value, "ttl: 30");
    assert_eq!(q.metrics[0].baseline.value, "40%");
    assert_eq!(q.metrics[0].optimized.value, "90%");
    assert_eq!(q.risks[0].risk.value, "Stale reads");
    assert_eq!(
        q.risks[0].mitigation.as_ref().unwrap().value,
        "versioned keys"
    );
    // Positions are lines of the document (CRLF counted once).
    assert_eq!(q.title.pos.line, 19);
}

#[test]
fn a_tools_table_is_read_by_its_headings() {
    let doc = "# Bank\n\n## References\n\n### Tools\n\n| ID | Tool | Purpose | Pricing | Last update | Integrations | Use cases / Limitations | URL |\n|---|---|---|---|---|---|---|---|\n| **T1** | Grafana k6 | Scriptable load testing | OSS (AGPL-3.0) | v1.0 GA, 2025-05 | Prometheus, Grafana | Q6, Q19. Limit: one generator tops out | https://k6.io |\n| **T2** | perf | CPU sampling | Free | — | bpftrace | Q25 | https://perf.wiki.kernel.org/ · https://github.com/brendangregg/FlameGraph |\n\n### Other tools\n\n| ID | Tool | Notes |\n|---|---|---|\n| T3 | Locust | Python load tests, free, 2025-01 |\n";
    let bank = import::import_str(Path::new("t.md"), doc, None)
        .bank
        .unwrap();
    let t = &bank.tools[0];
    assert_eq!(t.purpose.as_deref(), Some("Scriptable load testing"));
    assert_eq!(t.pricing.as_deref(), Some("OSS (AGPL-3.0)"));
    assert_eq!(t.last_update.as_ref().unwrap().value.to_string(), "2025-05");
    assert_eq!(t.integrations, ["Prometheus", "Grafana"]);
    assert_eq!(t.use_cases.as_deref(), Some("Q6, Q19."));
    assert_eq!(t.limitations.as_deref(), Some("one generator tops out"));
    assert_eq!(t.url.as_ref().unwrap().value, "https://k6.io");
    // A dash is no date; the first of two links is the tool's.
    let t = &bank.tools[1];
    assert!(t.last_update.is_none() && t.limitations.is_none());
    assert_eq!(
        t.url.as_ref().unwrap().value,
        "https://perf.wiki.kernel.org/"
    );
    // Without headings that name fields, the cells are the purpose, as written.
    let t = &bank.tools[2];
    assert_eq!(
        t.purpose.as_deref(),
        Some("Python load tests, free, 2025-01")
    );
    assert!(t.pricing.is_none());
}

#[test]
fn a_sources_table_keeps_coverage_and_key_sections_out_of_the_reference() {
    let doc = "# Bank\n\n## References\n\n### Literature\n\n| ID | Full citation (APA 7th) | Lang | Coverage | Key sections |\n|---|---|---|---|---|\n| **L1** | Gregg, B. (2020). *Systems performance: Enterprise and the cloud* (2nd ed.). Addison-Wesley. | [EN] | Methodology (USE), CPU, memory | Ch. 2 Methodologies; Ch. 6 CPUs |\n\n### Citations\n\n| ID | Citation (APA 7th) | Lang | Type |\n|---|---|---|---|\n| **A1** | Dean, J., & Barroso, L. A. (2013). The tail at scale. *Communications of the ACM, 56*(2), 74–80. https://doi.org/10.1145/2408776.2408794 | [EN] | P |\n";
    let bank = import::import_str(Path::new("t.md"), doc, None)
        .bank
        .unwrap();
    let l = &bank.literature[0];
    assert_eq!(l.publisher.as_deref(), Some("Addison-Wesley"));
    assert_eq!(
        l.coverage.as_deref(),
        Some("Methodology (USE), CPU, memory")
    );
    assert_eq!(
        l.key_sections.as_deref(),
        Some("Ch. 2 Methodologies; Ch. 6 CPUs")
    );
    assert_eq!(l.lang.as_ref().unwrap().value, "EN");
    let a = &bank.citations[0];
    assert_eq!(a.container.as_deref(), Some("Communications of the ACM"));
    assert_eq!(a.pages.as_ref().map(|p| p.0.as_str()), Some("74-80"));
    assert_eq!(a.kind.value, qbank::model::SourceType::Journal);
}

#[test]
fn metrics_columns_named_for_the_scenario_are_before_and_after() {
    let doc = "# Bank\n\n## Questions\n\n### Cluster 1: Scaling\n\n#### Q1: How do you shard a 9 TB primary?\n\n**Difficulty**: Advanced | **Dimension**: Scalability | **Phase**: Optimize\n\n**Answer**: Shard by tenant.\n\n**Metrics Table**:\n\n| Metric | Formula [G: ID] | Single primary | Citus, 8 workers | Change | Rationale [Ref: ID] |\n|---|---|---|---|---|---|\n| Monthly cost | infrastructure | $14K | $31K | +121% | Cost [Ref: L6] |\n\n| Metric | Today | Target | Owner |\n|---|---|---|---|\n| p99 | 300 ms | 120 ms | SRE |\n";
    let bank = import::import_str(Path::new("t.md"), doc, None)
        .bank
        .unwrap();
    let m = &bank.questions[0].metrics;
    assert_eq!(
        (m[0].baseline.value.as_str(), m[0].optimized.value.as_str()),
        ("$14K", "$31K")
    );
    assert_eq!(m[0].improvement.value, "+121%");
    // A named `Target` column is the after; the free column before it, the before.
    assert_eq!(
        (m[1].baseline.value.as_str(), m[1].optimized.value.as_str()),
        ("300 ms", "120 ms")
    );
}

/// The twenty statuses of a document, imported and checked.
fn statuses_of(doc: &str) -> Vec<(u8, &'static str)> {
    let imported = import::import_str(Path::new("doc.md"), doc, None);
    let bank = imported.bank.expect("imports");
    let (gates, _, _) = qbank::pipeline::gate_bank(&bank, None);
    gates
        .iter()
        .map(|g| (g.number, g.status.as_str()))
        .collect()
}

/// The document with every `<!-- qbank: ` metadata line removed.
fn without_metadata(doc: &str) -> String {
    doc.lines()
        .filter(|l| !l.starts_with("<!-- qbank: "))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The shipped bank and the bank of every gate case (tests/cli/cases.rs), passing and
/// failing.
fn banks_to_render() -> Vec<(String, Bank)> {
    let mut out = vec![("content/performance-engineering".to_owned(), shipped())];
    let mut written = Vec::new();
    for (name, ..) in crate::cases::CASES {
        let built = crate::cases::bank_of(name).expect("every case has a bank");
        let w = built.write();
        let loaded = qbank::load::load_bank(&w.root);
        out.push((
            (*name).to_owned(),
            loaded.bank.expect("the case bank loads"),
        ));
        written.push(w);
    }
    assert!(out.len() > 40, "the gate cases were found");
    out
}

#[test]
fn deleting_the_metadata_comments_changes_no_status() {
    for (name, bank) in banks_to_render() {
        // This case forces two source types onto every source, so journal articles are
        // written as books: APA's book form does not print their journal, which then
        // travels only in the comment. A real bank's types fit its sources.
        if name == "diversity_fail_two_types" {
            continue;
        }
        let doc = render(&bank);
        let stripped = without_metadata(&doc);
        assert_ne!(doc, stripped, "{name}: the render has qbank comments");
        assert_eq!(
            statuses_of(&doc),
            statuses_of(&stripped),
            "{name}: deleting the qbank comments changes what is measured"
        );
        // A practical element written as mermaid reads back as the question's diagram
        // (the importer takes a `mermaid` block as the diagram wherever it stands, as LLM
        // documents without a Visual label need): that case cannot round-trip.
        if name == "practical_elements_fail_mermaid_only" {
            continue;
        }
        let again = import::import_str(Path::new("doc.md"), &doc, None);
        let disagree: Vec<_> = again
            .diagnostics
            .iter()
            .filter(|d| d.code == "metadata-disagrees")
            .collect();
        assert!(disagree.is_empty(), "{name}: {disagree:#?}");
        assert_eq!(
            render(&again.bank.expect("imports")),
            doc,
            "{name}: render(import(render(bank))) differs from render(bank)"
        );
    }
}

#[test]
fn comments_carry_no_copy_of_a_visible_value() {
    let doc = render(&shipped());
    for line in doc.lines().filter(|l| l.starts_with("<!-- qbank: ")) {
        let json = line
            .trim_start_matches("<!-- qbank: ")
            .trim_end_matches(" -->");
        let v: serde_json::Value = serde_json::from_str(json).expect("comment JSON");
        for key in [
            "year",
            "date",
            "url",
            "doi",
            "type",
            "lang",
            "aliases",
            "as_of",
            "integrations",
            "archived",
        ] {
            assert!(v.get(key).is_none(), "`{key}` hidden in {line}");
        }
    }
    assert!(doc.contains("**As of**: 2026-"), "as-of date is visible");
    assert!(
        doc.contains("Also: USL, Universal Scalability Law"),
        "aliases are visible"
    );
    assert!(doc.contains(" Type: blog."), "source types are visible");
}

/// The line (1-based) of the first line of `doc` that starts with `prefix`.
fn line_starting(doc: &str, prefix: &str) -> usize {
    doc.lines().position(|l| l.starts_with(prefix)).unwrap() + 1
}

#[test]
fn an_edited_visible_year_is_measured_and_its_comment_named() {
    let doc = render(&shipped());
    let at = line_starting(&doc, "**A1.** ");
    let mut lines: Vec<String> = doc.lines().map(str::to_owned).collect();
    assert!(lines[at - 1].contains("(2011)"));
    lines[at - 1] = lines[at - 1].replace("(2011)", "(2001)");
    // A comment written by an older version, still holding the old year.
    lines.insert(at, String::new());
    lines.insert(
        at + 1,
        r#"<!-- qbank: {"year":2011,"type":"journal"} -->"#.to_owned(),
    );
    let edited = lines.join("\n") + "\n";
    let imported = import::import_str(Path::new("doc.md"), &edited, None);
    let bank = imported.bank.as_ref().unwrap();
    let a1 = bank.citations.iter().find(|s| s.id.value == "A1").unwrap();
    assert_eq!(a1.year.as_ref().map(|y| y.value), Some(2001));
    let d: Vec<_> = imported
        .diagnostics
        .iter()
        .filter(|d| d.code == "metadata-disagrees")
        .collect();
    assert_eq!(d.len(), 1, "{d:#?}");
    let loc = d[0].location.as_ref().unwrap();
    assert_eq!(loc.line as usize, at);
    assert!(
        d[0].message.contains(&format!("doc.md:{at}")),
        "{}",
        d[0].message
    );
    assert!(
        d[0].message.contains(&format!("doc.md:{}", at + 2)),
        "{}",
        d[0].message
    );
    assert!(d[0].message.contains("`2001`") && d[0].message.contains("`2011`"));
    assert_eq!(
        d[0].notes[0].location.as_ref().unwrap().line as usize,
        at + 2
    );
}

fn gate_of(doc: &str, n: u8) -> (String, String) {
    let bank = import::import_str(Path::new("doc.md"), doc, None)
        .bank
        .unwrap();
    let (gates, _, _) = qbank::pipeline::gate_bank(&bank, None);
    let g = gates.iter().find(|g| g.number == n).unwrap();
    (g.status.as_str().to_owned(), g.evidence.clone())
}

#[test]
fn editing_visible_years_and_dois_changes_what_gates_15_and_17_measure() {
    let doc = render(&shipped());
    let year = regex::Regex::new(r"\((\d{4})([a-z]?)(, [^)]*)?\)\.").unwrap();
    let published = regex::Regex::new(r" Published: \d{4}").unwrap();
    let old_years: String = doc
        .lines()
        .map(|l| {
            if l.starts_with("**L") || l.starts_with("**A") {
                let l = year.replace(l, "(2001$2$3).");
                published.replace(&l, " Published: 2001").into_owned()
            } else {
                l.to_owned()
            }
        })
        .map(|l| l + "\n")
        .collect();
    let (before, before_ev) = gate_of(&doc, 15);
    let (after, after_ev) = gate_of(&old_years, 15);
    assert_eq!(before, "PASS", "{before_ev}");
    assert_eq!(after, "FAIL", "{after_ev}");
    assert!(after_ev.starts_with("0% "), "{after_ev}");

    let broken = doc.replace(
        "<https://doi.org/10.1287/opre.1110.0940>",
        "<https://doi.org/opre.1110.0940>",
    );
    let (_, ev17) = gate_of(&doc, 17);
    let (st17, ev17_broken) = gate_of(&broken, 17);
    assert_ne!(ev17, ev17_broken, "breaking a visible DOI changes gate 17");
    assert_ne!(st17, "PASS", "{ev17_broken}");
}

#[test]
fn a_claims_row_is_matched_by_name_not_by_number() {
    let doc = render(&shipped());
    let table_at = doc.find("## Validation Results").unwrap();
    let mut text = doc[..table_at].to_owned();
    text.push_str(
        "## Validation Results\n\n| # | Gate | Requirement | Status | Evidence |\n|---|---|---|---|---|\n\
         | 2 | Quantity | 25-30 Q&As | FAIL | 28 |\n\
         | 3 | Word counts | 150-300 words | PASS | all |\n",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.md");
    std::fs::write(&path, &text).unwrap();
    let (_, json, _) = super::common::check_json(&path, &[]);
    let claims = json["banks"][0]["claims"].as_array().unwrap();
    let quantity = claims.iter().find(|c| c["name"] == "Quantity").unwrap();
    assert_eq!(quantity["gate"], 1, "compared with gate 1, not gate 2");
    assert_eq!(quantity["measured"], "PASS");
    assert_eq!(quantity["contradicted"], true);
    let words = claims.iter().find(|c| c["name"] == "Word counts").unwrap();
    assert!(words.get("gate").is_none() && words.get("measured").is_none());
    assert_eq!(words["contradicted"], false);
    let diags = super::common::diagnostics(&json);
    let contradicted: Vec<_> = diags
        .iter()
        .filter(|d| d["code"] == "contradicted-claim")
        .collect();
    assert_eq!(contradicted.len(), 1);
    assert!(
        contradicted[0]["message"]
            .as_str()
            .unwrap()
            .contains("gate 1 Quantity")
    );
    let human = qbank().arg("check").arg(&path).output().unwrap();
    let out = String::from_utf8_lossy(&human.stdout);
    assert!(out.contains("not measured"), "{out}");
    assert!(out.contains("`Word counts` (line"), "{out}");
}

#[test]
fn comments_of_an_older_render_never_override_visible_values() {
    let doc = render(&shipped());
    let mut lines: Vec<String> = doc.lines().map(str::to_owned).collect();
    // As an older qbank wrote them: the as-of date, aliases and integrations hidden.
    let title = line_starting(&doc, "<!-- qbank: {\"rubric\"");
    lines[title - 1] =
        r#"<!-- qbank: {"as_of":"2020-01-01","rubric":"default","slug":"performance-engineering"} -->"#
            .to_owned();
    let g9 = line_starting(&doc, "**G9. ");
    let t1 = line_starting(&doc, "**T1. ");
    // Insert from the bottom so the earlier line numbers stay valid.
    lines.insert(
        t1,
        r#"<!-- qbank: {"integrations":["Jenkins"]} -->"#.to_owned(),
    );
    lines.insert(t1, String::new());
    lines.insert(
        g9,
        r#"<!-- qbank: {"aliases":["Hidden law"]} -->"#.to_owned(),
    );
    lines.insert(g9, String::new());
    let edited = lines.join("\n") + "\n";
    let imported = import::import_str(Path::new("doc.md"), &edited, None);
    let bank = imported.bank.as_ref().unwrap();
    assert_eq!(bank.meta.as_of.value.to_string(), "2026-11-25");
    let g = bank.glossary.iter().find(|g| g.id.value == "G9").unwrap();
    assert!(g.aliases.contains(&"USL".to_owned()));
    assert!(!g.aliases.contains(&"Hidden law".to_owned()));
    let t = bank.tools.iter().find(|t| t.id.value == "T1").unwrap();
    assert!(!t.integrations.contains(&"Jenkins".to_owned()));
    let mut fields: Vec<String> = imported
        .diagnostics
        .iter()
        .filter(|d| d.code == "metadata-disagrees")
        .map(|d| d.message.split(':').next().unwrap().to_owned())
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        ["G9 aliases", "T1 integrations", "the bank's as_of"],
        "{:#?}",
        imported.diagnostics
    );
}
