use super::{Ctx, Level, Measurement, finding};
use crate::model::Difficulty;

declare_gate! {
    /// ## What it checks
    /// Every advanced question flags at least the rubric's number of risks (default 1),
    /// and every risk in the bank has a mitigation: prose of at least
    /// `tradeoffs.entry_min_words` words (default 6). A placeholder risk or mitigation
    /// (`TODO`, `...`) counts for nothing.
    ///
    /// ## Why it matters
    /// Advanced answers recommend high-risk changes (sharding, cache invalidation, new
    /// pools). Naming the risk and its containment (gradual rollout, rollback, leak
    /// detection) is what separates a senior answer.
    ///
    /// ## How to fix
    /// Add `risks:` entries with `risk:` and `mitigation:`.
    ///
    /// ## Example
    /// `11/11 advanced flagged; 25/25 risks mitigated`.
    pub(crate) static RISK_MITIGATION = {
        number: 9,
        name: "risk-mitigation",
        title: "Risk/Mitigation",
        requirement: |r| format!(">={} risk per advanced Q&A; every risk mitigated", r.tradeoffs.advanced_min_risks),
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let min = ctx.rubric.tradeoffs.advanced_min_risks as usize;
    let min_words = ctx.rubric.tradeoffs.entry_min_words as usize;
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
                None => Some("has no mitigation".to_owned()),
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
        if q.difficulty.value == Difficulty::Advanced {
            advanced += 1;
            if real >= min {
                flagged += 1;
            } else {
                diags.push(
                    finding(
                        Level::Required,
                        format!(
                            "{} is advanced and flags {real} mitigated risk(s); {min} required",
                            ctx.q_name(q)
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
        "{flagged}/{advanced} advanced flagged; {mitigated}/{risks} risks mitigated"
    ));
    m.require(flagged == advanced && mitigated == risks);
    m.diagnostics = diags;
    m
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
