use std::ops::Range;

use super::{Ctx, Level, Measurement, finding, masked_answer};
use crate::model::ChainStep;
use crate::text;

declare_gate! {
    /// ## What it checks
    /// Every answer carries the whole performance chain, by default
    /// SLO → Measure → Bottleneck → Optimize → Validate → Impact, as substance, not labels.
    /// A bold label (`**Measure**:`, one of the step's `labels` such as `**Analysis**`, or
    /// a bold phrase holding one) locates a step, whose text runs to the next step's label
    /// or the end of the answer; a step without a label is the sentence holding a phrase
    /// of its lexicon (writers state steps in prose), outside the labelled steps' text
    /// when most steps are labelled. Each step is then judged by what it
    /// must hold, not by its length:
    /// - some prose (`chain.min_words`, default 1: a label with nothing after it is not a
    ///   step) and no placeholder (`TODO`, `...`, a slot);
    /// - for steps marked `requires_number`, a figure with its unit (`figure_patterns`:
    ///   `100 ms`, `2K rps`, `95%`, `3x`, `$1.2K` ...) or, where the step lists `methods`,
    ///   a named method (Measure: a profile, a trace, `EXPLAIN`; Validate: a canary, a
    ///   load test): SLO a quantified target, Measure a figure or a method, Validate a
    ///   criterion or a method;
    /// - for steps marked `requires_change` (Impact), a quantified change: a figure with
    ///   a direction (from → to, a signed figure, a % or x, or a word of `impact_words`).
    ///
    /// ## Why it matters
    /// An answer that jumps from symptom to fix without measuring, or never validates,
    /// teaches the wrong habit. The chain is what the interviewer scores, and a label with
    /// nothing after it is not a step.
    ///
    /// ## How to fix
    /// Say each step, labelled or in prose, with what it needs: the SLO's target, what was
    /// measured and how, the cause, the change, how it was validated, and the impact with
    /// its before and after (`p99 350 ms → 65 ms, 81% lower`).
    ///
    /// ## Example
    /// `28/28 complete`; a failing answer reports `the Impact step (labelled) states no
    /// quantified change: ...` or `the answer lacks Validate: ...`.
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
                .or_else(|| {
                    // An other label counts only when it opens the bold span, and the
                    // span is short: a label, not an emphasised sentence.
                    bold.iter().find(|(_, b)| {
                        b.split_whitespace().count() <= 4
                            && s.labels.iter().any(|l| {
                                text::find_phrase(b.trim_start(), &l.to_lowercase()) == Some(0)
                            })
                    })
                })
                .map(|(r, _)| r.clone())
        })
        .collect();
    let mut starts: Vec<usize> = labels.iter().flatten().map(|r| r.start).collect();
    starts.sort_unstable();
    starts.dedup();
    let labelled_most = labels.iter().flatten().count() * 2 > steps.len();
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
            // In an answer that labels most steps, the text under a label is that step's:
            // an unlabelled step is looked for outside the labelled steps only.
            let outside = |r: &Range<usize>| {
                !labelled_most || starts.first().is_none_or(|&first| r.end <= first)
            };
            let holding: Vec<&Range<usize>> = sentences
                .iter()
                .filter(|r| outside(r) && lexicon.is_match(&masked[(*r).clone()]))
                .collect();
            // The step is the first sentence that holds what the step needs, if any.
            let pick = holding
                .iter()
                .find(|r| lacks(ctx, step, &masked[(**r).clone()], "").is_empty())
                .or(holding.first());
            pick.map(|r| Located {
                text: (*r).clone(),
                label: None,
            })
        })
        .collect()
}

/// What a step's text (code masked) lacks of what the step must hold, empty when it
/// holds it: each entry says what was looked for.
/// Named methods are looked for in `raw` too: a tool written as code (`EXPLAIN`) is named.
fn lacks(ctx: &Ctx<'_>, step: &ChainStep, body: &str, raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let figure = ctx.has_figure(body);
    if step.requires_number && !figure {
        let methods = text::Lexicon::get(&step.methods, false);
        let method = !step.methods.is_empty() && (methods.is_match(body) || methods.is_match(raw));
        if !method {
            out.push(if step.methods.is_empty() {
                "holds no figure with a unit".to_owned()
            } else {
                "holds neither a figure with a unit nor a named method".to_owned()
            });
        }
    }
    if step.requires_change && !(figure && states_change(ctx, body)) {
        out.push(
            "states no quantified change (a figure with a direction: from → to, a signed figure, a % or x, a word of change)"
                .to_owned(),
        );
    }
    out
}

/// Whether `body` gives a figure a direction: a word of change (`impact_words`), a
/// signed figure (`+24%`, `−22%`) or a relative one (`81%`, `3x`).
fn states_change(ctx: &Ctx<'_>, body: &str) -> bool {
    static RELATIVE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?:[+−±-]\s?\d)|(?:\d(?:[.,]\d+)?\s?(?:%|x\b|×))")
            .expect("a valid pattern")
    });
    text::Lexicon::get(&ctx.rubric.impact_words, false).is_match(body)
        || RELATIVE.is_match(body)
        || text::has_signed_figure(body)
}

/// A short quote of `s` for a diagnostic: its first words, on one line.
fn quote(s: &str) -> String {
    let one: String = s
        .trim_start_matches([':', '：', ' ', '-', '—'])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut cut: String = one.chars().take(70).collect();
    if cut.len() < one.len() {
        cut.push('…');
    }
    cut
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let qs = &ctx.bank.questions;
    let min_words = (ctx.rubric.chain.min_words as usize).max(1);
    let mut complete = 0;
    let mut diags = Vec::new();
    for (q, segments) in qs.iter().zip(&ctx.segments) {
        let masked = masked_answer(segments);
        let raw = &q.answer.value;
        let mut ok = true;
        let mut missing = Vec::new();
        for (step, located) in ctx.rubric.chain.iter().zip(locate(ctx, masked)) {
            if in_fields(ctx, q, step) {
                continue;
            }
            let Some(at) = located else {
                missing.push(step);
                continue;
            };
            let body_raw = raw.get(at.text.clone()).unwrap_or_default();
            let body = masked.get(at.text.clone()).unwrap_or_default();
            // The step's own text with code blanked, for its words and its placeholder.
            let body_masked = text::mask_code(body_raw);
            let words = text::placeholder::prose_words_masked(&body_masked);
            let mut lacking: Vec<String> = Vec::new();
            if words == 0 {
                lacking.push("has no prose: a label alone is not a step".to_owned());
            } else if let Some(p) = ctx.placeholders.find_masked(body_raw, &body_masked) {
                lacking.push(format!("is a placeholder ({})", p.what));
            } else {
                if words < min_words {
                    lacking.push(format!(
                        "has {words} word(s) of prose; at least {min_words} required"
                    ));
                }
                lacking.extend(lacks(ctx, step, body, body_raw));
            }
            if lacking.is_empty() {
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
                        "{}: the {} step ({how}) {}; found \"{}\"",
                        ctx.q_name(q),
                        step.label,
                        lacking.join("; "),
                        quote(body)
                    ),
                )
                .at(ctx.loc_in(q.file, &q.answer, point))
                .help(format!(
                    "give the {} step {}{}",
                    step.label,
                    step_needs(step),
                    if step.requires_change {
                        " (`p99 350 ms → 65 ms, 81% lower`)"
                    } else if step.requires_number {
                        " (`p99 < 100 ms at 4K rps`)"
                    } else {
                        ""
                    }
                )),
            );
        }
        if !missing.is_empty() {
            ok = false;
            let names: Vec<&str> = missing.iter().map(|s| s.label.as_str()).collect();
            let looked: Vec<String> = missing
                .iter()
                .map(|s| {
                    let some: Vec<&str> = s.lexicon.iter().take(4).map(String::as_str).collect();
                    format!(
                        "{} (`**{}**` or a sentence with {} ...)",
                        s.label,
                        s.label,
                        some.join(", ")
                    )
                })
                .collect();
            diags.push(
                finding(
                    Level::Required,
                    format!(
                        "{}: the answer lacks {}: looked for {}; found none",
                        ctx.q_name(q),
                        names.join(", "),
                        looked.join("; ")
                    ),
                )
                .at(ctx.loc(q.file, q.answer.pos))
                .help(format!(
                    "add {}, labelled or in prose",
                    missing
                        .iter()
                        .map(|s| format!("the {} step ({})", s.label, step_needs(s)))
                        .collect::<Vec<_>>()
                        .join(", ")
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

/// Whether one of the step's other `fields` of `q` holds it whole: not a placeholder,
/// with what the step must hold.
fn in_fields(ctx: &Ctx<'_>, q: &crate::model::Question, step: &ChainStep) -> bool {
    step.fields.iter().any(|f| {
        let v = match f.as_str() {
            "validation" => q.validation.as_ref(),
            "key_insight" => q.key_insight.as_ref(),
            "tradeoffs" => q.tradeoffs.as_ref(),
            _ => None,
        };
        v.is_some_and(|v| {
            ctx.placeholder_in(v).is_none()
                && ctx.prose_words_in(v) > 0
                && lacks(ctx, step, &ctx.masked_in(v), &v.value).is_empty()
        })
    })
}

/// What a step must hold, in the spec's terms.
fn step_needs(step: &ChainStep) -> &'static str {
    if step.requires_change {
        "a quantified change"
    } else if step.requires_number && !step.methods.is_empty() {
        "a figure or a named method"
    } else if step.requires_number {
        "a quantified figure"
    } else {
        "its substance"
    }
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
