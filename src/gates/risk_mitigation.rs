use super::{Ctx, Level, Measurement, finding};
use crate::model::Difficulty;

declare_gate! {
    /// ## What it checks
    /// Every question of a difficulty in `tradeoffs.risk_difficulties` (default rubric:
    /// intermediate and advanced) flags at least `tradeoffs.advanced_min_risks` risks
    /// (default 1) with a mitigation, and every risk in the bank has a mitigation: its
    /// own `mitigation:` prose, or, for a risk written as one text ("The risk is X; I
    /// would contain it with a canary"), a phrase of `tradeoffs.mitigation` in it. A
    /// placeholder risk or mitigation (`TODO`, `...`) counts for nothing.
    ///
    /// ## Why it matters
    /// Intermediate and advanced answers recommend production changes (sharding, cache
    /// invalidation, new pools). Naming the risk and its containment (gradual rollout,
    /// rollback, leak detection) is what separates a senior answer.
    ///
    /// ## How to fix
    /// Add `risks:` entries with `risk:` and `mitigation:`, or a Risk/Mitigation line
    /// that names the risk and how it is contained.
    ///
    /// ## Example
    /// `21/21 flagged (intermediate, advanced); 25/25 risks mitigated`.
    pub(crate) static RISK_MITIGATION = {
        number: 9,
        name: "risk-mitigation",
        title: "Risk/Mitigation",
        requirement: |r| format!(">={} risk per {} Q&A; every risk mitigated", r.tradeoffs.advanced_min_risks, difficulties(r)),
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let min = ctx.rubric.tradeoffs.advanced_min_risks as usize;
    let min_words = ctx.rubric.tradeoffs.entry_min_words as usize;
    let containment = crate::text::Lexicon::get(&ctx.rubric.tradeoffs.mitigation, false);
    let asked = &ctx.rubric.tradeoffs.risk_difficulties;
    let mut advanced = 0;
    let mut flagged = 0;
    let mut risks = 0;
    let mut mitigated = 0;
    let mut diags = Vec::new();
    for q in &ctx.bank.questions {
        let mut real = 0;
        for r in &q.risks {
            risks += 1;
            if let Some(p) = ctx.placeholder_in(&r.risk) {
                diags.push(ctx.placeholder_diag(
                    q.file,
                    &r.risk,
                    &p,
                    &format!("{}: a risk", ctx.q_name(q)),
                ));
                continue;
            }
            let gap = match &r.mitigation {
                None if containment.is_match(&ctx.masked_in(&r.risk)) => None,
                None => Some(
                    "has no mitigation: looked for a `Mitigation` or a containment in its text (rollback, canary, flag, limit, alert ...), found none"
                        .to_owned(),
                ),
                Some(m) => {
                    match ctx.placeholder_in(m) {
                        Some(p) => Some(format!("has a placeholder mitigation ({})", p.what)),
                        None => {
                            let words = ctx.prose_words_in(m);
                            (words < min_words).then(|| {
                            format!("has a mitigation of {words} word(s); at least {min_words} required")
                        })
                        }
                    }
                }
            };
            match gap {
                None => {
                    mitigated += 1;
                    real += 1;
                }
                Some(gap) => diags.push(
                    finding(
                        Level::Required,
                        format!("{}: the risk `{}` {gap}", ctx.q_name(q), short(&r.risk.value)),
                    )
                    .at(ctx.loc(q.file, r.mitigation.as_ref().unwrap_or(&r.risk).pos))
                    .help("write `mitigation:` as what contains the risk: gradual rollout, rollback plan, limits, alerts"),
                ),
            }
        }
        if asked.contains(&q.difficulty.value) {
            advanced += 1;
            if real >= min {
                flagged += 1;
            } else {
                diags.push(
                    finding(
                        Level::Required,
                        format!(
                            "{} is {} and flags {real} mitigated risk(s); {min} required: {}",
                            ctx.q_name(q),
                            q.difficulty.value.as_str(),
                            if q.risks.is_empty() {
                                "no Risk/Mitigation found"
                            } else {
                                "its risks have no mitigation"
                            }
                        ),
                    )
                    .at(q
                        .risks
                        .first()
                        .map_or_else(|| ctx.q_loc(q), |r| ctx.loc(q.file, r.risk.pos)))
                    .help("add `risks:` with the high-risk choice and its mitigation"),
                );
            }
        }
    }
    let mut m = Measurement::new(format!(
        "{flagged}/{advanced} flagged ({}); {mitigated}/{risks} risks mitigated",
        difficulties(ctx.rubric)
    ));
    m.require(flagged == advanced && mitigated == risks);
    m.diagnostics = diags;
    m
}

/// The difficulties asked for a risk, for messages: `intermediate, advanced`.
fn difficulties(r: &crate::model::Rubric) -> String {
    let names: Vec<&str> = Difficulty::ALL
        .iter()
        .filter(|d| r.tradeoffs.risk_difficulties.contains(d))
        .map(|d| d.as_str())
        .collect();
    names.join(", ")
}

/// The first words of a risk, for messages.
fn short(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() <= 48 {
        return s.to_owned();
    }
    let cut: String = s.chars().take(48).collect();
    format!("{}...", cut.trim_end())
}
