//! One passing and at least one failing case per gate, each a [`Bank::passing`] broken in
//! one place, with an insta snapshot of exactly what that gate reports for it (status,
//! evidence, diagnostics; paths relative to the bank). Cases marked `ignore` pin a rule of
//! the revised contract (docs: "Substance, not form") that the gates do not apply yet.

use crate::bank::{Bank, Checked, map};
use crate::gates::registry;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Pass,
    Warn,
    Fail,
}

impl Kind {
    fn status(self) -> &'static str {
        match self {
            Kind::Pass => "PASS",
            Kind::Warn => "WARN",
            Kind::Fail => "FAIL",
        }
    }
}

/// What a case's snapshot holds: the gate's status, evidence and diagnostics.
fn view(c: &Checked, gate: u64) -> serde_json::Value {
    let g = c.gate(gate);
    serde_json::json!({
        "gate": format!("{} {}", g["number"], g["name"].as_str().unwrap_or_default()),
        "status": g["status"],
        "evidence": g["evidence"],
        "diagnostics": g["diagnostics"],
    })
}

fn run(name: &str, gate: u64, kind: Kind, bank: Bank) {
    let c = bank.check();
    let got = c.status(gate);
    assert_eq!(
        got,
        kind.status(),
        "{name}: gate {gate} is {got}, expected {}: {:#}",
        kind.status(),
        c.gate(gate)
    );
    if kind != Kind::Pass {
        assert!(
            c.gate(gate)["diagnostics"]
                .as_array()
                .is_some_and(|d| !d.is_empty()),
            "{name}: a {got} needs a diagnostic that says why"
        );
    }
    insta::assert_json_snapshot!(name, view(&c, gate));
}

/// `name: gate N Kind [ignore "reason"] => bank;` declares a test and lists it in `CASES`.
macro_rules! cases {
    ($( $(#[doc = $doc:literal])* $name:ident: gate $gate:literal $kind:ident
        $(ignore $reason:literal)? => $bank:expr; )*) => {
        $(
            $(#[doc = $doc])*
            #[test]
            $(#[ignore = $reason])?
            fn $name() {
                run(stringify!($name), $gate, Kind::$kind, $bank);
            }
        )*
        /// Every case: (name, gate, kind, ignored).
        pub(crate) const CASES: &[(&str, u64, Kind, bool)] = &[
            $( (stringify!($name), $gate, Kind::$kind, false $(|| !$reason.is_empty())?), )*
        ];
        /// The bank of the case called `name`.
        pub(crate) fn bank_of(name: &str) -> Option<Bank> {
            match name {
                $( stringify!($name) => Some($bank), )*
                _ => None,
            }
        }
    };
}

/// Question ids of the builder bank used below.
const F_LATENCY: &str = "percentile-gap";
const A_POOL: &str = "api-p99-pool-wait";
const A_CACHE: &str = "cache-stampede";
const I_CACHE: &str = "cache-aside-catalog";

/// An answer in prose: no step labels, each step found by its lexicon phrase.
const PROSE_ANSWER: &str = "The target is p99 under 200 ms at 2K rps for the gateway's 12 routes, agreed as the objective with the product owner.

I measured a baseline with a 60 s CPU profile under replayed production traffic, and the flame graph showed one wide frame in the request handler.

The root cause is synchronous schema validation of 400 KB payloads, blocking the event loop for up to 700 ms while every queued request waits.

I moved validation into a pool of 4 worker threads and replaced the validator with one compiled once at start-up.

A canary with 10% of traffic for 24 h confirmed the result against a control cohort of the same size.

The p99 went from 900 ms to 120 ms, an 87% reduction, with CPU per request unchanged.
";

/// A psql script: a query whose result `\gset` stores in a variable, then a query using it.
const PSQL: &str = "-- how many open tickets the dashboard shows, kept in :open_tickets
SELECT count(*) AS open_tickets FROM tickets WHERE status = 'open' \\gset
\\echo open tickets: :open_tickets
SELECT id, subject, updated_at
FROM tickets
WHERE status = 'open' AND team_id = :'team_id'
ORDER BY updated_at DESC
LIMIT 50;
";

fn bad_yaml() -> &'static str {
    "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: [20\n      minimum-idle: 20\n      connection-timeout: 250\n"
}

cases! {
    /// pass: 25 questions, inside the rubric's 25-30.
    quantity_pass: gate 1 Pass => Bank::passing();
    /// fail: 24 questions, one below the minimum.
    quantity_fail_below_25: gate 1 Fail => Bank::passing().keep_questions(24);
    /// fail: 31 questions, one above the maximum.
    quantity_fail_above_30: gate 1 Fail => (0..6).fold(Bank::passing(), |b, i| {
        b.duplicate_question(i, &format!("copy-{i}"))
    });

    /// pass: exactly 30 questions, the upper bound.
    quantity_pass_upper_bound_30: gate 1 Pass => (0..5).fold(Bank::passing(), |b, i| {
        b.duplicate_question(i, &format!("copy-{i}"))
    });

    /// pass: every Dimension x Phase cell holds a question.
    mece_coverage_pass: gate 2 Pass => Bank::passing();
    /// fail: the only Throughput x Measure question is retagged to Latency alone.
    mece_coverage_fail_empty_cell: gate 2 Fail => Bank::passing()
        .question("coordinated-omission", |q| { q.set("dimensions", &["latency"][..]); });
    /// fail: a question counts in at most 2 cells, taken dimension-major: the 4th pair
    /// (Throughput x Measure) of `[latency, throughput] x [validate, measure]` is not counted.
    mece_coverage_fail_third_cell_not_counted: gate 2 Fail
        => Bank::passing()
        .question("coordinated-omission", |q| {
            q.set("phases", &["validate", "measure"][..]);
        });

    /// pass: F 5 (20%), I 10 (40%), A 10 (40%).
    difficulty_pass: gate 3 Pass => Bank::passing();
    /// fail: 3 advanced questions relabelled foundational: F 32%, A 28%.
    difficulty_fail_distribution: gate 3 Fail => ["fanout-hedging", A_POOL, A_CACHE]
        .into_iter()
        .fold(Bank::passing(), |b, id| b.question(id, |q| { q.set("difficulty", "foundational"); }));

    /// pass: every answer labels all six steps with prose and figures.
    performance_chain_pass: gate 4 Pass => Bank::passing();
    /// fail: an answer that stops after Optimize (no Validate, no Impact), with no
    /// Validation field to hold the Validate step either.
    performance_chain_fail_missing_steps: gate 4 Fail => Bank::passing()
        .question(A_POOL, |q| { q.drop_step("Validate").drop_step("Impact").remove("validation"); });
    /// pass: an answer in prose without labels, each step found by its lexicon phrase.
    performance_chain_pass_prose_without_labels: gate 4 Pass => Bank::passing()
        .question("event-loop-blocking", |q| { q.answer(PROSE_ANSWER); });
    /// fail: a chain step that is only a label.
    performance_chain_fail_label_only: gate 4 Fail
        =>
        Bank::passing().question(A_POOL, |q| { q.step("Measure", ""); });
    /// fail: a chain step whose prose is a placeholder.
    performance_chain_fail_placeholder_step: gate 4 Fail
        =>
        Bank::passing().question(A_POOL, |q| { q.step("Bottleneck", "TODO"); });
    /// pass: concise steps (no word floor): each holds what it must, a target, a change.
    performance_chain_pass_concise_steps: gate 4 Pass
        =>
        Bank::passing().question(A_POOL, |q| {
            q.step("SLO", "p99 < 120 ms at 5K rps.").step("Optimize", "I made the pool bigger.");
        });
    /// fail: a Measure step with neither a figure nor a named method.
    performance_chain_fail_measure_without_evidence: gate 4 Fail
        =>
        Bank::passing().question(A_POOL, |q| {
            q.step("Measure", "We looked into it and things seemed off to everyone on the team.");
        });
    /// fail: an SLO step without a figure and unit.
    performance_chain_fail_slo_without_figure: gate 4 Fail
        =>
        Bank::passing().question(A_POOL, |q| {
            q.step("SLO", "Product reads must stay comfortably inside what the product owner agreed with the team.");
        });
    /// fail: an Impact step that states a figure but no change (no from->to, no % or x).
    performance_chain_fail_impact_without_change: gate 4 Fail
        =>
        Bank::passing().question(A_POOL, |q| {
            q.step("Impact", "The p99 latency of product reads is now 68 ms on each of the 8 pods in the fleet.");
        });

    /// pass: every question has a code or configuration block of 5-30 lines.
    practical_elements_pass: gate 5 Pass => Bank::passing();
    /// fail: a question without any practical element.
    practical_elements_fail_missing: gate 5 Fail => Bank::passing()
        .question(F_LATENCY, |q| { q.remove("practical"); });
    /// fail: the only block has 3 non-empty lines.
    practical_elements_fail_short_block: gate 5 Fail => Bank::passing()
        .question("n-plus-one-history", |q| {
            q.item("practical", 0).set("code", "EXPLAIN (ANALYZE, BUFFERS)\nSELECT name, price FROM products WHERE id = 42;\n-- repeated 120 times per page\n");
        });
    /// warn: a second block of 34 non-empty lines, beyond the 30-line bound.
    practical_elements_warn_long_block: gate 5 Warn => Bank::passing().question(A_POOL, |q| {
        let code: String = (1..=34).map(|i| format!("replica_{i}: {{ region: eu-west-{}, pool: 20 }}\n", i % 3 + 1)).collect();
        q.items("practical").push(map! { "lang" => "yaml", "caption" => "Pool size of every replica", "code" => code }.into());
    });
    /// fail: the only practical entry is a mermaid diagram, which is not code.
    practical_elements_fail_mermaid_only: gate 5 Fail => Bank::passing().question("n-plus-one-history", |q| {
        let diagram = "sequenceDiagram\n    participant A as API\n    participant D as PostgreSQL\n    A->>D: SELECT name FROM products WHERE id = 1\n    A->>D: SELECT name FROM products WHERE id = 2\n    A->>D: 118 more round trips\n";
        q.item("practical", 0).set("lang", "mermaid").set("code", diagram);
    });
    /// pass: a psql script's meta-commands (`\gset`, `\echo`) and `:'var'` substitutions are
    /// psql, not SQL errors.
    practical_elements_pass_psql_script: gate 5 Pass => Bank::passing()
        .question("partial-index-tickets", |q| { q.item("practical", 0).set("code", PSQL); });
    /// fail: a YAML block that does not parse (an unclosed flow sequence).
    practical_elements_fail_yaml_does_not_parse: gate 5 Fail
        =>
        Bank::passing().question(A_POOL, |q| { q.item("practical", 0).set("code", bad_yaml()); });
    /// fail: a Python block with a syntax error (an unclosed call).
    practical_elements_fail_python_does_not_parse: gate 5 Fail
        =>
        Bank::passing().question("capacity-plan-10x", |q| {
            q.item("practical", 0).replace("code", "math.ceil(target_rps", "math.ceil((target_rps");
        });
    /// fail: a block of placeholder lines only.
    practical_elements_fail_placeholder_block: gate 5 Fail
        =>
        Bank::passing().question("event-loop-blocking", |q| {
            q.item("practical", 0).set("code", "echo \"TODO\"\necho \"TODO\"\necho \"TODO\"\necho \"TODO\"\necho \"TODO\"\n");
        });

    /// pass: every question cites 2 or more distinct references.
    citations_pass: gate 6 Pass => Bank::passing();
    /// pass: glossary ids inside `[Ref: ...]` are citations (the spec's own example cites
    /// `[Ref: G10]`).
    citations_pass_glossary_ids: gate 6 Pass => Bank::passing().remove_citations().questions(|q| {
        let slo = q.step_text("SLO");
        q.step("SLO", &format!("{slo} [Ref: G1, G9]"));
    });
    /// fail: no question cites anything.
    citations_fail_none_cited: gate 6 Fail => Bank::passing().remove_citations();
    /// warn: an advanced question that cites a single reference.
    citations_warn_advanced_single_citation: gate 6 Warn => Bank::passing().question(A_POOL, |q| {
        let re = regex::Regex::new(r" ?\[Ref: [^\]]*\]").unwrap();
        for key in ["answer", "key_insight", "validation"] {
            let text = re.replace_all(q.str(key), "").into_owned();
            q.set(key, text);
        }
        let m = q.item("metrics", 0);
        let rationale = re.replace_all(m.str("rationale"), "").into_owned();
        m.set("rationale", rationale);
        let impact = q.step_text("Impact");
        q.step("Impact", &format!("{impact} [Ref: A1]"));
    });
    /// fail: `[G: Term]` marks are term definitions, not citations.
    citations_fail_term_marks_are_not_citations: gate 6 Fail
        =>
        Bank::passing().remove_citations().questions(|q| {
            let slo = q.step_text("SLO");
            q.step("SLO", &format!("{slo} [G: p99] [G: SLO]"));
        });

    /// pass: every citation resolves and every entry is cited.
    cross_refs_pass: gate 7 Pass => Bank::passing();
    /// fail: `[Ref: A99]` names no entry and `[G: p999]` no term.
    cross_refs_fail_unresolved: gate 7 Fail => Bank::passing().question(A_POOL, |q| {
        let impact = q.step_text("Impact");
        q.step("Impact", &format!("{impact} [Ref: A99] [G: p999]"));
    });
    /// warn: a citation entry that no question cites.
    cross_refs_warn_unused_entry: gate 7 Warn => Bank::passing().questions(|q| {
        let answer = q.str("answer").replace("[Ref: A12]", "").replace(", A12", "");
        let ki = q.str("key_insight").replace(" [Ref: A12]", "");
        q.set("answer", answer).set("key_insight", ki);
    });

    /// pass: trade-offs on every question; advanced ones have 2 alternatives.
    tradeoffs_pass: gate 8 Pass => Bank::passing();
    /// fail: a question without trade-offs, and an advanced one with a single alternative.
    tradeoffs_fail_missing: gate 8 Fail => Bank::passing()
        .question(F_LATENCY, |q| { q.remove("tradeoffs"); })
        .question(A_POOL, |q| { q.items("alternatives").truncate(1); });
    /// fail: trade-offs that name nothing traded and no when to use or avoid.
    tradeoffs_fail_no_substance: gate 8 Fail
        =>
        Bank::passing().question(F_LATENCY, |q| {
            q.set("tradeoffs", "There are several considerations here and it depends on the team and the system.");
        });
    /// fail: an alternative with a name and neither a cost nor a benefit.
    tradeoffs_fail_alternative_without_cost: gate 8 Fail
        =>
        Bank::passing().question(A_POOL, |q| {
            q.item("alternatives", 1).set("text", "Another option that some teams choose.");
        });

    /// pass: every risk has a mitigation; advanced questions flag one.
    risk_mitigation_pass: gate 9 Pass => Bank::passing();
    /// fail: an advanced question flags no risk; another risk has no mitigation.
    risk_mitigation_fail_missing: gate 9 Fail => Bank::passing()
        .question(A_CACHE, |q| { q.remove("risks"); })
        .question(I_CACHE, |q| { q.item("risks", 0).remove("mitigation"); });
    /// pass: a terse mitigation that names its containment (no word floor).
    risk_mitigation_pass_terse_mitigation: gate 9 Pass
        =>
        Bank::passing().question(A_CACHE, |q| { q.item("risks", 0).set("mitigation", "Canary 5%, auto-rollback."); });
    /// pass: a risk written with its containment in one text, no separate mitigation.
    risk_mitigation_pass_in_one_text: gate 9 Pass
        =>
        Bank::passing().question(A_CACHE, |q| {
            q.item("risks", 0).remove("mitigation");
            q.item("risks", 0).set("risk", "The risk is stale prices after an update; I would contain it with a 30 s TTL and a rollback flag.");
        });
    /// fail: an intermediate question makes a change and flags no risk.
    risk_mitigation_fail_intermediate_without_risk: gate 9 Fail
        =>
        Bank::passing().question(I_CACHE, |q| { q.remove("risks"); });
    /// fail: a mitigation that is a placeholder.
    risk_mitigation_fail_placeholder_mitigation: gate 9 Fail
        =>
        Bank::passing().question(A_CACHE, |q| { q.item("risks", 0).set("mitigation", "TBD"); });

    /// pass: every key insight quantifies its improvement.
    quantified_impact_pass: gate 10 Pass => Bank::passing();
    /// fail: a key insight without a figure, and a question without a key insight.
    quantified_impact_fail_no_figure: gate 10 Fail => Bank::passing()
        .question(I_CACHE, |q| { q.set("key_insight", "Cache-aside in Redis made catalog pages much faster for shoppers."); })
        .question(A_POOL, |q| { q.remove("key_insight"); });
    /// fail: a placeholder key insight whose example figures are not an impact.
    quantified_impact_fail_placeholder: gate 10 Fail
        =>
        Bank::passing().question(I_CACHE, |q| {
            q.set("key_insight", "TODO: one sentence, e.g. cut p99 from 800 ms to 120 ms.");
        });

    /// pass: 13 complete glossary entries (10 required).
    glossary_min_pass: gate 11 Pass => Bank::passing();
    /// fail: 9 entries.
    glossary_min_fail_nine: gate 11 Fail => Bank::passing().glossary(|g| g.truncate(9));

    /// fail: 31 questions raise the minimum to ceil(10 x 1.2) = 12; 11 entries fail.
    glossary_min_fail_scaled_above_30: gate 11 Fail => (0..6)
        .fold(Bank::passing(), |b, i| b.duplicate_question(i, &format!("copy-{i}")))
        .glossary(|g| g.truncate(11));

    /// pass: 5 complete tools.
    tools_min_pass: gate 12 Pass => Bank::passing();
    /// fail: 5 tools, but Redis lacks pricing and last_update.
    tools_min_fail_incomplete: gate 12 Fail => Bank::passing().tools(|t| {
        t[3].remove("pricing").remove("last_update");
    });

    /// fail: 31 questions raise the minimum to ceil(5 x 1.2) = 6; 5 tools fail.
    tools_min_fail_scaled_above_30: gate 12 Fail => (0..6)
        .fold(Bank::passing(), |b, i| b.duplicate_question(i, &format!("copy-{i}")));

    /// pass: 10 complete literature entries.
    literature_min_pass: gate 13 Pass => Bank::passing();
    /// fail: 10 entries, but L10 has no year.
    literature_min_fail_incomplete: gate 13 Fail => Bank::passing().literature(|l| {
        l[9].remove("year").unset("date");
    });

    /// pass: 20 complete citations, EN 12 (60%), ZH 6 (30%), JA 2 (10%).
    citations_min_pass: gate 14 Pass => Bank::passing();
    /// fail: 19 citations.
    citations_min_fail_nineteen: gate 14 Fail => Bank::passing().citations(|c| c.truncate(19));
    /// warn: 20 complete citations, the Chinese ones tagged JA: the language mix is off target.
    citations_min_warn_languages: gate 14 Warn => Bank::passing().citations(|c| {
        // The Chinese works tagged JA: CJK titles either way, so the tags stand, and the
        // mix is EN 60% ZH 0% other 40%. (Tagging them EN no longer moves the mix: gate
        // 14 counts a CJK title as the language it shows.)
        c.iter_mut()
            .filter(|e| e.str("lang") == "ZH")
            .for_each(|e| { e.set("lang", "JA"); });
    });

    /// pass: 17 of 30 sources are from the last 3 years, every tool updated since the cutoff.
    recency_pass: gate 15 Pass => Bank::passing();
    /// fail: every source dated 2019.
    recency_fail_old_sources: gate 15 Fail => Bank::passing().sources(|s| {
        s.set("year", 2019i64).unset("date");
    });

    /// fail: 2 of 5 tools last updated in 2022: 60% of tools are recent, 70% required.
    recency_fail_stale_tools: gate 15 Fail => Bank::passing().tools(|t| {
        t[3].set("last_update", "2022-06");
        t[4].set("last_update", "2022-03");
    });
    /// fail: the only benchmark report is from 2019.
    recency_fail_old_benchmark: gate 15 Fail => Bank::passing().citations(|c| {
        c[11].set("year", 2019i64).unset("date");
    });
    /// warn: a tool last updated 19 months before as_of (more than 18).
    recency_warn_stale_tool: gate 15 Warn => Bank::passing().tools(|t| {
        t[4].set("last_update", "2025-04");
    });

    /// pass: 7 source types, the largest (book) 23%.
    diversity_pass: gate 16 Pass => Bank::passing();
    /// fail: every citation relabelled a blog post: blogs are 67% of sources.
    diversity_fail_one_type_dominates: gate 16 Fail => Bank::passing().citations(|c| {
        c.iter_mut().for_each(|e| { e.set("type", "blog"); });
    });

    /// fail: only books and journals: 2 types, 3 required.
    diversity_fail_two_types: gate 16 Fail => {
        let mut n = 0;
        Bank::passing().sources(|s| {
            n += 1;
            s.set("type", if n % 2 == 0 { "book" } else { "journal" });
        })
    };

    /// pass: every link is persistent: the sources with a DOI keep it, and the others
    /// (whose only archive links are year-only, naming no snapshot) carry no link. The
    /// live case is `links::the_passing_bank_checked_live_passes_gate_17`.
    link_accessibility_pass: gate 17 Pass => dois_only(Bank::passing());
    /// fail: a DOI written as a URL and a tool URL with a mistyped scheme.
    link_accessibility_fail_malformed: gate 17 Fail => Bank::passing()
        .citations(|c| { c[0].set("doi", "https://doi.org/10.1287/opre.1110.0940"); })
        .tools(|t| { t[0].set("url", "htps://k6.io"); });
    /// warn: a tool URL without an archived copy cannot be verified offline.
    link_accessibility_warn_unarchived: gate 17 Warn => Bank::passing()
        .tools(|t| { t[0].remove("archived"); });
    /// warn: a year-only Wayback URL names no snapshot, so it is not persistent.
    link_accessibility_warn_year_only_archive: gate 17 Warn
        =>
        Bank::passing();

    /// pass: all six methods are covered.
    performance_methods_pass: gate 18 Pass => Bank::passing();
    /// fail: a bank of database questions alone never mentions some methods.
    performance_methods_fail_uncovered: gate 18 Fail => Bank::passing().only_cluster("database");

    /// pass: every acronym is a glossary term or alias, or common.
    clarity_pass: gate 19 Pass => Bank::passing();
    /// fail: `WAL` is in no glossary entry.
    clarity_fail_undefined_acronym: gate 19 Fail => Bank::passing().question(A_POOL, |q| {
        let optimize = q.step_text("Optimize");
        q.step("Optimize", &format!("{optimize} The WAL volume is unchanged."));
    });

    /// pass: 5 clusters of 5, answers of 150-300 words, one-sentence key insights.
    self_review_pass: gate 20 Pass => Bank::passing();
    /// fail: an answer of the six chain sentences alone, under 150 words.
    self_review_fail_short_answer: gate 20 Fail => Bank::passing().question(A_POOL, |q| {
        let short: Vec<String> = ["SLO", "Measure", "Bottleneck", "Optimize", "Validate", "Impact"]
            .iter()
            .map(|l| {
                let text = q.step_text(l);
                let first = text.split_inclusive(". ").next().unwrap_or_default().trim_end().to_owned();
                format!("**{l}**: {first}")
            })
            .collect();
        q.answer(&(short.join("\n\n") + "\n"));
    });
    /// fail: a title that asks for recall, not application.
    self_review_fail_recall_title: gate 20 Fail => Bank::passing()
        .question(I_CACHE, |q| { q.set("title", "What is a cache-aside layer?"); });
    /// fail: the database cluster holds 3 questions; 4-6 required.
    self_review_fail_small_cluster: gate 20 Fail => Bank::passing()
        .question("replicas-vs-sharding", |q| { q.set("cluster", "latency"); })
        .question("partition-validation", |q| { q.set("cluster", "latency"); });
    /// fail: a bank titled like the "Q&A by Cluster" section shadows that Contents link.
    self_review_fail_toc_anchor: gate 20 Fail => Bank::passing()
        .meta(|m| { m.set("title", "Q&A by Cluster"); });
    /// fail: a question copied with one figure changed has a near-identical title.
    self_review_fail_duplicate_titles: gate 20 Fail => Bank::passing().question("two-tier-invalidation", |q| {
        q.set("title", "A catalog service serves 8K rps of reads with an 80 ms p99 straight from the database. Design a cache-aside layer that reaches a 95% hit rate and keeps prices correct.");
    });
    /// fail: a key insight of two sentences.
    self_review_fail_two_sentence_key_insight: gate 20 Fail => Bank::passing().question(A_POOL, |q| {
        let ki = format!("{} The change took 2 days of work.", q.str("key_insight"));
        q.set("key_insight", ki);
    });
    /// fail: the monitoring cluster has no diagram and no metrics table.
    self_review_fail_cluster_without_diagram: gate 20 Fail => Bank::passing().questions(|q| {
        if q.str("cluster") == "monitoring" {
            q.unset("diagram").unset("metrics");
        }
    });
}

/// `b` with every link that is not a DOI removed: offline, nothing is left unverified.
fn dois_only(b: Bank) -> Bank {
    b.sources(|s| {
        if s.get("doi").is_none() {
            s.unset("url").unset("archived");
        }
    })
    .tools(|t| {
        for tool in t {
            tool.unset("url").unset("archived");
        }
    })
}

#[test]
fn the_passing_bank_passes_every_gate_and_exits_0() {
    // Offline, its year-only archive links name no snapshot: gate 17 WARNs, honestly.
    let c = Bank::passing().check();
    let bad: Vec<String> = c
        .not_passing()
        .into_iter()
        .filter(|g| !g.contains("link-accessibility"))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n\n"));
    assert_eq!(c.gate(17)["status"], "WARN");
    assert_eq!(c.code, 0);
}

#[test]
fn a_failing_gate_exits_1() {
    assert_eq!(Bank::passing().keep_questions(24).check().code, 1);
}

/// Each gate has a passing and a failing (or warning) case that runs, named after it.
#[test]
fn every_gate_has_a_passing_and_a_failing_case() {
    let gates = registry();
    assert_eq!(gates.len(), 20);
    let mut missing = Vec::new();
    for (n, name) in &gates {
        let prefix = name.replace('-', "_");
        let of_gate: Vec<_> = CASES.iter().filter(|c| c.1 == *n && !c.3).collect();
        for kind in [Kind::Pass, Kind::Fail] {
            if !of_gate.iter().any(|c| c.2 == kind) {
                missing.push(format!("gate {n} `{name}` has no {kind:?} case"));
            }
        }
        for c in CASES.iter().filter(|c| c.1 == *n) {
            if !c.0.starts_with(&format!("{prefix}_")) {
                missing.push(format!(
                    "case `{}` of gate {n} is not named `{prefix}_...`",
                    c.0
                ));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The human report, restricted to one gate: each diagnostic like rustc's, with the file,
/// line and column in the bank and the offending line shown.
#[test]
fn human_output_of_a_failing_case() {
    let tools = Bank::passing()
        .tools(|t| {
            t[3].remove("pricing").remove("last_update");
        })
        .check_human(12);
    insta::assert_snapshot!("human_tools_min_fail_incomplete", tools);
    let mece = Bank::passing()
        .question("coordinated-omission", |q| {
            q.set("dimensions", &["latency"][..]);
        })
        .check_human(2);
    insta::assert_snapshot!("human_mece_coverage_fail_empty_cell", mece);
}

/// The twenty statuses of `qbank check` on a markdown document.
fn statuses_of_markdown(doc: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bank.md");
    std::fs::write(&path, doc).unwrap();
    let out = crate::common::qbank()
        .arg("check")
        .arg(&path)
        .args(["--format", "json", "--as-of", crate::bank::AS_OF])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json["banks"][0]["gates"]
        .as_array()
        .unwrap_or_else(|| panic!("no gates: {json:#}"))
        .iter()
        .map(|g| format!("{} {}", g["number"], g["status"]))
        .collect()
}

/// The markdown of a bank, as `qbank render` writes it.
fn render(bank: &Bank) -> String {
    let written = bank.write();
    let out = crate::common::qbank()
        .args(["render", "--as-of", crate::bank::AS_OF])
        .arg(&written.root)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What a reader sees is what is measured: the builder's bank, its render, and the render
/// without any `<!-- qbank: -->` metadata line get the same twenty statuses.
#[test]
fn a_render_without_its_metadata_comments_gets_the_same_statuses() {
    let bank = Bank::passing();
    let c = bank.check();
    let direct: Vec<String> = c.bank()["gates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| format!("{} {}", g["number"], g["status"]))
        .collect();
    let doc = render(&bank);
    let bare: String = doc
        .lines()
        .filter(|l| !l.trim_start().starts_with("<!-- qbank: "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(statuses_of_markdown(&doc), direct, "the render");
    assert_eq!(
        statuses_of_markdown(&bare),
        direct,
        "the render without metadata"
    );
}
