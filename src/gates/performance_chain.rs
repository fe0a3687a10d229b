use super::{Ctx, Level, Measurement, finding, masked_answer};
use crate::text;

declare_gate! {
    /// ## What it checks
    /// Every answer carries the whole performance chain, by default
    /// SLO → Measure → Bottleneck → Optimize → Validate → Impact. A step counts when the
    /// answer has it as a bold label (`**Measure**:`, or a bold phrase containing the
    /// label) or holds a phrase of the step's lexicon; a step marked `requires_number`
    /// (Impact) needs that phrase in a sentence with a number. Code is ignored.
    ///
    /// ## Why it matters
    /// An answer that jumps from symptom to fix without measuring, or never validates,
    /// teaches the wrong habit. The chain is what the interviewer scores.
    ///
    /// ## How to fix
    /// Add the missing steps, ideally as bold labels that start a paragraph.
    ///
    /// ## Example
    /// `28/28 complete`; a failing answer reports `missing Validate, Impact`.
    pub(crate) static PERFORMANCE_CHAIN = {
        number: 4,
        name: "performance-chain",
        title: "Performance Chain",
        requirement: |r| {
            let steps: Vec<&str> = r.chain.iter().map(|s| s.label.as_str()).collect();
            format!("{} in 100% of answers", steps.join("→"))
        },
        check: check,
    }
}

/// Bold spans (`**...**`) of a markdown text, lower-cased.
fn bold_spans(text: &str) -> Vec<String> {
    text.split("**")
        .skip(1)
        .step_by(2)
        .map(str::to_lowercase)
        .collect()
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let qs = &ctx.bank.questions;
    let mut complete = 0;
    let mut diags = Vec::new();
    let lexicons: Vec<_> = ctx
        .rubric
        .chain
        .iter()
        .map(|s| text::Lexicon::get(&s.lexicon, false))
        .collect();
    for (q, segments) in qs.iter().zip(&ctx.segments) {
        let masked = masked_answer(segments);
        let bold = bold_spans(masked);
        let sentences = text::sentences(masked);
        let missing: Vec<&str> = ctx
            .rubric
            .chain
            .iter()
            .zip(&lexicons)
            .filter(|(step, lexicon)| {
                let label = step.label.to_lowercase();
                let labelled = bold.iter().any(|b| text::has_phrase(b, &label));
                let lexical = if step.requires_number {
                    sentences.iter().any(|r| {
                        let s = &masked[r.clone()];
                        text::has_number(s) && lexicon.is_match(s)
                    })
                } else {
                    lexicon.is_match(masked)
                };
                !(labelled || lexical)
            })
            .map(|(s, _)| s.label.as_str())
            .collect();
        if missing.is_empty() {
            complete += 1;
        } else {
            diags.push(
                finding(
                    Level::Required,
                    format!("{}: the answer lacks {}", ctx.q_name(q), missing.join(", ")),
                )
                .at(ctx.loc(q.file, q.answer.pos))
                .help(format!(
                    "add a paragraph for each, e.g. `**{}**: ...`",
                    missing[0]
                )),
            );
        }
    }
    let mut m = Measurement::new(format!("{complete}/{} complete", qs.len()));
    m.require(complete == qs.len() && !qs.is_empty());
    m.diagnostics = diags;
    m
}
