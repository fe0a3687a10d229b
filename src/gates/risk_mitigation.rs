use super::{Ctx, Level, Measurement, finding};
use crate::model::Difficulty;

declare_gate! {
    /// ## What it checks
    /// Every advanced question flags at least the rubric's number of risks (default 1),
    /// and every risk in the bank has a mitigation.
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
    let mut advanced = 0;
    let mut flagged = 0;
    let mut risks = 0;
    let mut mitigated = 0;
    let mut diags = Vec::new();
    for q in &ctx.bank.questions {
        for r in &q.risks {
            risks += 1;
            if r.mitigation
                .as_ref()
                .is_some_and(|m| !m.value.trim().is_empty())
            {
                mitigated += 1;
            } else {
                diags.push(
                    finding(
                        Level::Required,
                        format!("{}: risk without a mitigation", ctx.q_name(q)),
                    )
                    .at(ctx.loc(q.file, r.risk.pos))
                    .help("add `mitigation:` (gradual rollout, rollback plan, limits, alerts)"),
                );
            }
        }
        if q.difficulty.value == Difficulty::Advanced {
            advanced += 1;
            if q.risks.len() >= min {
                flagged += 1;
            } else {
                diags.push(
                    finding(
                        Level::Required,
                        format!("{} is advanced and flags no risk", ctx.q_name(q)),
                    )
                    .at(ctx.q_loc(q))
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
