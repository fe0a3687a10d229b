use std::ops::Range;

use super::{Ctx, Level, Measurement, finding, masked_answer};
use crate::text;

declare_gate! {
    /// ## What it checks
    /// Every answer carries the whole performance chain, by default
    /// SLO → Measure → Bottleneck → Optimize → Validate → Impact, as substance, not labels.
    /// A bold label (`**Measure**:`, or a bold phrase holding the label) locates a step,
    /// whose text runs to the next step's label or the end of the answer; a step without
    /// a label is the sentence holding a phrase of its lexicon. Each step then needs:
    /// - prose of at least `chain.min_words` words (default 8; the label, code, links and
    ///   reference marks do not count), and no placeholder (`TODO`, `...`, a slot);
    /// - for steps marked `requires_number` (SLO, Measure, Impact), a figure with its unit
    ///   (`figure_patterns`: `100 ms`, `2K rps`, `95%`, `3x`, `$1.2K` ...);
    /// - for steps marked `requires_change` (Impact), a change: from → to, or a % / x with
    ///   a word of change (`impact_words`: cut, reduced, from ...).
    ///
    /// ## Why it matters
    /// An answer that jumps from symptom to fix without measuring, or never validates,
    /// teaches the wrong habit. The chain is what the interviewer scores, and a label with
    /// nothing after it is not a step.
    ///
    /// ## How to fix
    /// Write each step as a bold label starting a paragraph, followed by what was done
    /// and the figures: `**Measure**: a 10-minute k6 run at 4K rps showed p99 at 350 ms ...`.
    ///
    /// ## Example
    /// `28/28 complete`; a failing answer reports `the Impact step states no change` or
    /// `the Measure step has 3 words of prose; at least 8 required`.
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

/// Bold spans (`**...**`) of a markdown text: the range of the whole span (markers
/// included) and its lower-cased content.
fn bold_spans(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("**").map(|i| from + i) {
        let inner = open + 2;
        let Some(close) = text[inner..].find("**").map(|i| inner + i) else {
            break;
        };
        out.push((open..close + 2, text[inner..close].to_lowercase()));
        from = close + 2;
    }
    out
}

/// Where a step's text lies in the answer, and whether a label located it.
struct Located {
    text: Range<usize>,
    /// The label's range when the step is labelled.
    label: Option<Range<usize>>,
}

/// Finds each step of the chain in `masked` (the answer with code masked).
fn locate(ctx: &Ctx<'_>, masked: &str) -> Vec<Option<Located>> {
    let steps = &ctx.rubric.chain.steps;
    let bold = bold_spans(masked);
    let labels: Vec<Option<Range<usize>>> = steps
        .iter()
        .map(|s| {
            let label = s.label.to_lowercase();
            bold.iter()
                .find(|(_, b)| text::has_phrase(b, &label))
                .map(|(r, _)| r.clone())
        })
        .collect();
    let mut starts: Vec<usize> = labels.iter().flatten().map(|r| r.start).collect();
    starts.sort_unstable();
    starts.dedup();
    let sentences = text::sentences(masked);
    steps
        .iter()
        .zip(&labels)
        .map(|(step, label)| {
            if let Some(l) = label {
                let end = starts
                    .iter()
                    .copied()
                    .find(|&s| s > l.start)
                    .unwrap_or(masked.len());
                return Some(Located {
                    text: l.end.min(end)..end,
                    label: Some(l.clone()),
                });
            }
            let lexicon = text::Lexicon::get(&step.lexicon, false);
            let holding: Vec<&Range<usize>> = sentences
                .iter()
                .filter(|r| lexicon.is_match(&masked[(*r).clone()]))
                .collect();
            // A step that needs a figure is the first sentence that has both, if any.
            let pick = if step.requires_number {
                holding
                    .iter()
                    .find(|r| ctx.has_figure(&masked[(**r).clone()]))
                    .or(holding.first())
            } else {
                holding.first()
            };
            pick.map(|r| Located {
                text: (*r).clone(),
                label: None,
            })
        })
        .collect()
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let qs = &ctx.bank.questions;
    let min_words = ctx.rubric.chain.min_words as usize;
    let change = text::Lexicon::get(&ctx.rubric.impact_words, false);
    let mut complete = 0;
    let mut diags = Vec::new();
    for (q, segments) in qs.iter().zip(&ctx.segments) {
        let masked = masked_answer(segments);
        let raw = &q.answer.value;
        let mut ok = true;
        let mut missing = Vec::new();
        for (step, located) in ctx.rubric.chain.iter().zip(locate(ctx, masked)) {
            let Some(at) = located else {
                missing.push(step.label.as_str());
                continue;
            };
            let body_raw = raw.get(at.text.clone()).unwrap_or_default();
            let body = masked.get(at.text.clone()).unwrap_or_default();
            let words = text::placeholder::prose_words(body_raw);
            let mut lacks: Vec<String> = Vec::new();
            if words == 0 {
                lacks.push("has no prose: a label alone is not a step".to_owned());
            } else if let Some(p) = ctx.placeholders.find(body_raw) {
                lacks.push(format!("is a placeholder ({})", p.what));
            } else if words < min_words {
                lacks.push(format!(
                    "has {words} word(s) of prose; at least {min_words} required"
                ));
            }
            if step.requires_number && !ctx.has_figure(body) {
                lacks.push("holds no figure with a unit".to_owned());
            }
            if step.requires_change && !(ctx.has_figure(body) && change.is_match(body)) {
                lacks
                    .push("states no change (from → to, or a % / x with its direction)".to_owned());
            }
            if lacks.is_empty() {
                continue;
            }
            ok = false;
            let point = at.label.clone().unwrap_or_else(|| at.text.clone());
            let point = trim_range(raw, point);
            let how = if at.label.is_some() {
                "labelled"
            } else {
                "found by its lexicon"
            };
            diags.push(
                finding(
                    Level::Required,
                    format!(
                        "{}: the {} step ({how}) {}",
                        ctx.q_name(q),
                        step.label,
                        lacks.join("; ")
                    ),
                )
                .at(ctx.loc_in(q.file, &q.answer, point))
                .help(format!(
                    "after `**{}**:` write what was done, in at least {min_words} words{}",
                    step.label,
                    if step.requires_change {
                        ", with the figure before and after (`p99 350 ms → 65 ms, 81% lower`)"
                    } else if step.requires_number {
                        ", with its figure and unit (`p99 < 100 ms`, `4K rps`)"
                    } else {
                        ""
                    }
                )),
            );
        }
        if !missing.is_empty() {
            ok = false;
            diags.push(
                finding(
                    Level::Required,
                    format!("{}: the answer lacks {}", ctx.q_name(q), missing.join(", ")),
                )
                .at(ctx.loc(q.file, q.answer.pos))
                .help(format!(
                    "add a paragraph for each, e.g. `**{}**: ...` with at least {min_words} words",
                    missing[0]
                )),
            );
        }
        complete += usize::from(ok);
    }
    let mut m = Measurement::new(format!("{complete}/{} complete", qs.len()));
    m.require(complete == qs.len() && !qs.is_empty());
    m.diagnostics = diags;
    m
}

/// `r` without leading and trailing white space of `text`, never empty when `r` is not.
fn trim_range(text: &str, r: Range<usize>) -> Range<usize> {
    let Some(s) = text.get(r.clone()) else {
        return r;
    };
    let start = r.start + (s.len() - s.trim_start().len());
    let end = r.end - (s.len() - s.trim_end().len());
    if start < end { start..end } else { r }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bold_spans_with_ranges() {
        let t = "**SLO**: p99 < 100 ms. **Measure** it.";
        let b = bold_spans(t);
        assert_eq!(b.len(), 2);
        assert_eq!(&t[b[0].0.clone()], "**SLO**");
        assert_eq!(b[1].1, "measure");
    }

    #[test]
    fn trimmed_ranges() {
        assert_eq!(trim_range("  ab  ", 0..6), 2..4);
        assert_eq!(trim_range("   ", 0..3), 0..3);
    }
}
