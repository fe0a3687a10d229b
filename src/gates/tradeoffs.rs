use std::sync::Arc;

use super::{Ctx, Level, Measurement, finding};
use crate::model::{Difficulty, FileId, Sp};
use crate::text;

declare_gate! {
    /// ## What it checks
    /// Every question has trade-offs that are substance, not a heading: prose (no
    /// placeholder) that names what is traded, in the forms writers use (a phrase of
    /// `tradeoffs.traded`: "X vs Y", "trades X for Y", "at the cost of", or a gain set
    /// against its cost: "cheaper per pod but non-aggregatable"), and says when to use or
    /// avoid the approach: a phrase of `tradeoffs.when` ("prefer", "avoid", "unless",
    /// "skip") or a sentence holding a word of `tradeoffs.choice` and one of
    /// `tradeoffs.condition` ("I would use histograms for the SLO", "the right choice
    /// when ..."), in the trade-offs or the alternatives. Every advanced question has at
    /// least the rubric's number of alternatives (default 2), each with a name and a text
    /// that states a cost or a benefit (a phrase of `tradeoffs.cost_benefit`, or a
    /// figure). No template phrase is required; placeholders never count.
    ///
    /// ## Why it matters
    /// Performance work is choosing what to give up: latency against throughput, cost
    /// against headroom, complexity against gain. An answer without trade-offs and
    /// alternatives hides the decision the candidate should reason about.
    ///
    /// ## How to fix
    /// Say what the approach gives up for what it gains, and when you would choose it or
    /// not; give each alternative what it costs or gains against the chosen approach.
    ///
    /// ## Example
    /// `28/28 trade-offs; 11/11 advanced with >=2 alternatives`.
    pub(crate) static TRADEOFFS = {
        number: 8,
        name: "tradeoffs",
        title: "Trade-offs",
        requirement: |r| format!("Trade-offs in 100%; >={} alternatives per advanced Q&A", r.tradeoffs.advanced_min_alternatives),
        check: check,
    }
}

/// The rubric's trade-off lexicons, compiled (looked up) once per check.
struct Lexicons {
    traded: Arc<text::Lexicon>,
    when: Arc<text::Lexicon>,
    choice: Arc<text::Lexicon>,
    condition: Arc<text::Lexicon>,
    cost_benefit: Arc<text::Lexicon>,
}

impl Lexicons {
    /// Whether `masked` says when to use or avoid: a `when` phrase, or a sentence with a
    /// word of choice and a word of condition.
    fn says_when(&self, masked: &str) -> bool {
        self.when.is_match(masked)
            || text::sentences(masked).into_iter().any(|r| {
                let s = &masked[r];
                self.choice.is_match(s) && self.condition.is_match(s)
            })
    }
}

/// What a trade-offs text lacks, empty when it is complete; `alternatives` is the masked
/// text of the question's alternatives, where the when-to-use may stand too.
fn tradeoff_gaps(ctx: &Ctx<'_>, lex: &Lexicons, t: &Sp<String>, alternatives: &str) -> Vec<String> {
    let rules = &ctx.rubric.tradeoffs;
    let mut gaps = Vec::new();
    if let Some(p) = ctx.placeholder_in(t) {
        gaps.push(format!("the trade-offs text is a placeholder ({})", p.what));
        return gaps;
    }
    let words = ctx.prose_words_in(t);
    if words < rules.min_words as usize {
        gaps.push(format!(
            "the trade-offs text has {words} word(s) of prose; at least {} required",
            rules.min_words
        ));
    }
    let masked = ctx.masked_in(t);
    if !lex.traded.is_match(&masked) {
        gaps.push(
            "trade-off: none found; the Trade-offs field speaks of one side only (looked for a gain set against a cost: \"X vs Y\", \"trades\", \"but\", \"at the cost of\")"
                .to_owned(),
        );
    }
    if !lex.says_when(&masked) && !lex.says_when(alternatives) {
        gaps.push(
            "when to use or avoid: none found in the trade-offs or alternatives (looked for a choice with its condition: \"prefer X when\", \"avoid it if\", \"the right choice for\")"
                .to_owned(),
        );
    }
    gaps
}

/// Why an alternative does not count, if it does not.
fn alternative_gap(
    ctx: &Ctx<'_>,
    lex: &Lexicons,
    name: &Sp<String>,
    body: &Sp<String>,
) -> Option<String> {
    let rules = &ctx.rubric.tradeoffs;
    if let Some(p) = ctx.placeholder_in(name) {
        return Some(format!("its name is a placeholder ({})", p.what));
    }
    if let Some(p) = ctx.placeholder_in(body) {
        return Some(format!("its text is a placeholder ({})", p.what));
    }
    let words = ctx.prose_words_in(body);
    if words < rules.entry_min_words as usize {
        return Some(format!(
            "its text has {words} word(s); at least {} required",
            rules.entry_min_words
        ));
    }
    let masked = ctx.masked_in(body);
    let costed = lex.cost_benefit.is_match(&masked) || ctx.has_figure(&masked);
    (!costed).then(|| {
        format!(
            "its text states no cost or benefit: looked for a figure or a word of cost or gain (cheaper, slower, risk, but ...), found \"{}\"",
            masked.split_whitespace().collect::<Vec<_>>().join(" ")
        )
    })
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let rules = &ctx.rubric.tradeoffs;
    let lex = Lexicons {
        traded: text::Lexicon::get(&rules.traded, false),
        when: text::Lexicon::get(&rules.when, false),
        choice: text::Lexicon::get(&rules.choice, true),
        condition: text::Lexicon::get(&rules.condition, true),
        cost_benefit: text::Lexicon::get(&rules.cost_benefit, false),
    };
    let min_alt = ctx.rubric.tradeoffs.advanced_min_alternatives as usize;
    let qs = &ctx.bank.questions;
    let mut with_tradeoffs = 0;
    let mut advanced = 0;
    let mut advanced_ok = 0;
    let mut diags = Vec::new();
    let at = |file: FileId, v: &Sp<String>| ctx.loc(file, v.pos);
    for q in qs {
        match &q.tradeoffs {
            None => diags.push(
                finding(Level::Required, format!("{} has no trade-offs", ctx.q_name(q)))
                    // At the empty field when it is written, else at the question.
                    .at(q.tradeoffs.as_ref().map_or_else(|| ctx.q_loc(q), |t| ctx.loc(q.file, t.pos)))
                    .help("add `tradeoffs:` naming what the approach costs, with when to use and when to avoid it"),
            ),
            Some(t) => {
                let alternatives: Vec<String> = q
                    .alternatives
                    .iter()
                    .flat_map(|a| [ctx.masked_in(&a.name).into_owned(), ctx.masked_in(&a.text).into_owned()])
                    .collect();
                let gaps = tradeoff_gaps(ctx, &lex, t, &alternatives.join(". "));
                if gaps.is_empty() {
                    with_tradeoffs += 1;
                } else {
                    diags.push(
                        finding(
                            Level::Required,
                            format!("{}: {}", ctx.q_name(q), gaps.join("; ")),
                        )
                        .at(at(q.file, t))
                        .help("say what the approach gives up for what it gains, and when you would choose it or not"),
                    );
                }
            }
        }
        if q.difficulty.value == Difficulty::Advanced {
            advanced += 1;
            let mut n = 0;
            for a in &q.alternatives {
                match alternative_gap(ctx, &lex, &a.name, &a.text) {
                    None => n += 1,
                    Some(gap) => diags.push(
                        finding(
                            Level::Required,
                            format!(
                                "{}: alternative `{}` does not count: {gap}",
                                ctx.q_name(q),
                                a.name.value.trim()
                            ),
                        )
                        .at(at(q.file, &a.text))
                        .help("say what the alternative costs or gains against the chosen approach, with a figure where you have one"),
                    ),
                }
            }
            if n >= min_alt {
                advanced_ok += 1;
            } else {
                let loc = q
                    .alternatives
                    .first()
                    .map_or_else(|| ctx.q_loc(q), |a| at(q.file, &a.name));
                diags.push(
                    finding(
                        Level::Required,
                        format!(
                            "{} is advanced and has {n} alternative(s) that count; {min_alt} required",
                            ctx.q_name(q)
                        ),
                    )
                    .at(loc)
                    .help("add `alternatives:` entries with a cost-benefit comparison"),
                );
            }
        }
    }
    let mut m = Measurement::new(format!(
        "{with_tradeoffs}/{} trade-offs; {advanced_ok}/{advanced} advanced with >={min_alt} alternatives",
        qs.len()
    ));
    m.require(with_tradeoffs == qs.len() && advanced_ok == advanced && !qs.is_empty());
    m.diagnostics = diags;
    m
}
