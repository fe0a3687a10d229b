use super::{Ctx, Level, Measurement, finding, masked_answer};
use crate::diagnostic::Diagnostic;
use crate::text;

declare_gate! {
    /// ## What it checks
    /// The spec's Quality Standards that a machine can check, ten in all:
    /// 1. every answer has between the rubric's minimum and maximum words (default
    ///    150-300; code excluded, each CJK character counts as a word);
    /// 2. every key insight is one sentence;
    /// 3. numeric, not vague: no word from the rubric's `vague_terms` ("fast", "low
    ///    latency", ...) in a sentence without a number;
    /// 4. no two questions have near-identical titles (similarity at or above
    ///    `duplicate_title_similarity`);
    /// 5. the number of clusters with questions is within the rubric's range (5-6);
    /// 6. every cluster holds between `min_questions` and `max_questions` (4-6);
    /// 7. every cluster has at least one diagram, practical element, metrics table and
    ///    trade-off analysis;
    /// 8. no recall questions ("What is X?", "List ..."): titles matching
    ///    `recall_patterns`;
    /// 9. every Contents link of the rendered document resolves to a heading under
    ///    GitHub's slug rules;
    /// 10. no placeholder (`TODO`, `...`, an Output Format slot such as `[Metric]`) in a
    ///    title, metrics cell, validation or diagram. Placeholders in other fields are
    ///    reported by the gate that measures them (answer: 4, key insight: 10, trade-offs
    ///    and alternatives: 8, risks: 9, references: 7 and 11-14).
    ///
    /// ## Why it matters
    /// These are the spec's "Mandatory" quality standards; the validation table is only
    /// honest if they are measured rather than claimed.
    ///
    /// ## How to fix
    /// Each diagnostic names the standard and the place: trim or extend the answer,
    /// split the key insight, add the number, rename the title, rebalance clusters.
    ///
    /// ## Example
    /// `10/10 standards; 0 issues`.
    pub(crate) static SELF_REVIEW = {
        number: 20,
        name: "self-review",
        title: "Self-Review",
        requirement: |_| "All machine-checkable quality standards met".to_owned(),
        check: check,
    }
}

/// Whole-word (or whole-phrase) match, case-insensitive, on lower-cased text.
fn check(ctx: &Ctx<'_>) -> Measurement {
    let bank = ctx.bank;
    let r = ctx.rubric;
    let mut failed = [false; 10];
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut fail = |i: usize, d: Diagnostic, diags: &mut Vec<Diagnostic>| {
        failed[i] = true;
        diags.push(d);
    };

    let vague = text::Lexicon::get(&r.vague_terms, true);
    for (q, segments) in bank.questions.iter().zip(&ctx.segments) {
        // 1. Answer length.
        let words = text::word_count(masked_answer(segments));
        if words < r.answer_words.min as usize || words > r.answer_words.max as usize {
            fail(
                0,
                finding(
                    Level::Required,
                    format!(
                        "{}: the answer has {words} words; {}-{} required",
                        ctx.q_name(q),
                        r.answer_words.min,
                        r.answer_words.max
                    ),
                )
                .at(ctx.loc(q.file, q.answer.pos))
                .help(if words < r.answer_words.min as usize {
                    "complete the performance chain with figures"
                } else {
                    "cut repetition; move detail into the metrics table or practical block"
                }),
                &mut diags,
            );
        }
        // 2. One-sentence key insight.
        if let Some(k) = &q.key_insight {
            let n = text::sentences(&k.value).len();
            if n != 1 {
                fail(
                    1,
                    finding(
                        Level::Required,
                        format!(
                            "{}: the key insight has {n} sentences; write one",
                            ctx.q_name(q)
                        ),
                    )
                    .at(ctx.loc(q.file, k.pos))
                    .help("one sentence: \"X achieved Y% improvement at Z cost\""),
                    &mut diags,
                );
            }
        }
        // 3. Vague claims without a number.
        for seg in segments {
            let (t, masked) = (seg.value, &seg.masked);
            if !vague.is_match(masked) {
                continue;
            }
            for s in text::sentences(masked) {
                let sentence = &masked[s.clone()];
                if text::has_number(sentence) {
                    continue;
                }
                if let Some(found) = vague.find(sentence) {
                    let term = sentence[found.clone()].to_lowercase();
                    let at = s.start + found.start;
                    fail(
                        2,
                        finding(
                            Level::Required,
                            format!(
                                "{}: \"{term}\" without a number in the same sentence",
                                ctx.q_name(q)
                            ),
                        )
                        .at(ctx.loc_in(q.file, t, at..at + found.len()))
                        .help("state the figure: \"p99 < 50 ms\", not \"fast\""),
                        &mut diags,
                    );
                }
            }
        }
        // 8. Recall questions.
        if ctx
            .recall
            .iter()
            .any(|re| re.is_match(q.title.value.trim()))
        {
            fail(
                7,
                finding(
                    Level::Required,
                    format!("{} asks for recall, not application", ctx.q_name(q)),
                )
                .at(ctx.loc(q.file, q.title.pos))
                .help("pose a production scenario with an SLO and scale, and ask for analysis"),
                &mut diags,
            );
        }
    }
    // 4. Near-identical titles.
    let qs = &bank.questions;
    let titles: Vec<&str> = qs.iter().map(|q| q.title.value.as_str()).collect();
    let words = text::title_words(&titles);
    for (i, a) in qs.iter().enumerate() {
        for (j, b) in qs.iter().enumerate().skip(i + 1) {
            let sim = text::title_similarity(&words[i], &words[j], r.duplicate_title_similarity);
            if sim >= r.duplicate_title_similarity {
                fail(
                    3,
                    finding(
                        Level::Required,
                        format!(
                            "{} and {} have near-identical titles ({:.0}% similar)",
                            ctx.q_name(a),
                            ctx.q_name(b),
                            sim * 100.0
                        ),
                    )
                    .at(ctx.loc(b.file, b.title.pos))
                    .note("the other title", Some(ctx.loc(a.file, a.title.pos)))
                    .help("merge the two questions or make each scenario distinct"),
                    &mut diags,
                );
            }
        }
    }
    // 5-7. Clusters.
    let clusters = bank.by_cluster();
    let used = clusters.iter().filter(|(_, qs)| !qs.is_empty()).count();
    if used < r.clusters.min as usize || used > r.clusters.max as usize {
        fail(
            4,
            finding(
                Level::Required,
                format!(
                    "{used} clusters hold questions; {}-{} required",
                    r.clusters.min, r.clusters.max
                ),
            )
            .at(ctx.bank_loc()),
            &mut diags,
        );
    }
    for (c, cqs) in &clusters {
        let n = cqs.len();
        let at = ctx.loc(bank.meta_file, c.id.pos);
        if n < r.clusters.min_questions as usize || n > r.clusters.max_questions as usize {
            fail(
                5,
                finding(
                    Level::Required,
                    format!(
                        "cluster `{}` has {n} questions; {}-{} required",
                        c.id.value, r.clusters.min_questions, r.clusters.max_questions
                    ),
                )
                .at(at.clone()),
                &mut diags,
            );
        }
        if n == 0 {
            continue;
        }
        let mut lacks = Vec::new();
        if !cqs.iter().any(|(_, q)| q.diagram.is_some()) {
            lacks.push("a diagram");
        }
        if !cqs.iter().any(|(_, q)| !q.practical.is_empty()) {
            lacks.push("a practical element");
        }
        if !cqs.iter().any(|(_, q)| {
            q.metrics.iter().any(|m| {
                [&m.metric, &m.baseline, &m.optimized]
                    .iter()
                    .all(|c| ctx.placeholders.find_in_cell(&c.value).is_none())
            })
        }) {
            lacks.push("a metrics table");
        }
        if !cqs.iter().any(|(_, q)| {
            q.tradeoffs
                .as_ref()
                .is_some_and(|t| ctx.placeholders.find(&t.value).is_none())
        }) {
            lacks.push("a trade-off analysis");
        }
        if !lacks.is_empty() {
            fail(
                6,
                finding(
                    Level::Required,
                    format!("cluster `{}` lacks {}", c.id.value, lacks.join(", ")),
                )
                .at(at)
                .help("give at least one of its questions the missing element"),
                &mut diags,
            );
        }
    }
    // 9. Contents links.
    let outline = crate::outline::outline(bank);
    for l in outline.broken_links() {
        fail(
            8,
            finding(
                Level::Required,
                format!(
                    "the Contents link `#{}` ({}) does not resolve to its heading",
                    l.anchor, l.label
                ),
            )
            .at(ctx.bank_loc())
            .help("an earlier heading has the same text (often the bank title or a question title); rename one so every anchor is unique"),
            &mut diags,
        );
    }
    // 10. Placeholders in the fields no other gate measures.
    for (q, segments) in bank.questions.iter().zip(&ctx.segments) {
        for seg in segments {
            if !matches!(seg.field, "title" | "metrics" | "validation") {
                continue;
            }
            if let Some(p) = &seg.placeholder {
                let field = if seg.field == "metrics" {
                    "metrics cell"
                } else {
                    seg.field
                };
                let subject = format!("{}: the {field}", ctx.q_name(q));
                fail(
                    9,
                    ctx.placeholder_diag(q.file, seg.value, p, &subject),
                    &mut diags,
                );
            }
        }
        if let Some(d) = &q.diagram
            && let Some(p) = ctx.placeholders.find_word(&d.mermaid.value)
        {
            let subject = format!("{}: the diagram", ctx.q_name(q));
            fail(
                9,
                ctx.placeholder_diag(q.file, &d.mermaid, &p, &subject),
                &mut diags,
            );
        }
    }
    let total = failed.len();
    let met = failed.iter().filter(|f| !**f).count();
    let mut m = Measurement::new(format!("{met}/{total} standards; {} issues", diags.len()));
    m.require(met == total);
    m.diagnostics = diags;
    m
}
