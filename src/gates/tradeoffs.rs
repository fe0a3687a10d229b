use super::{Ctx, Level, Measurement, finding};
use crate::model::Difficulty;

declare_gate! {
    /// ## What it checks
    /// Every question has trade-offs text, and every advanced question has at least the
    /// rubric's number of alternatives (default 2).
    ///
    /// ## Why it matters
    /// Performance work is choosing what to give up: latency against throughput, cost
    /// against headroom, complexity against gain. An answer without trade-offs and
    /// alternatives hides the decision the candidate should reason about.
    ///
    /// ## How to fix
    /// Add `tradeoffs:` with when to use and when to avoid, and `alternatives:` with a
    /// cost-benefit line each.
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

fn check(ctx: &Ctx<'_>) -> Measurement {
    let min_alt = ctx.rubric.tradeoffs.advanced_min_alternatives as usize;
    let qs = &ctx.bank.questions;
    let mut with_tradeoffs = 0;
    let mut advanced = 0;
    let mut advanced_ok = 0;
    let mut diags = Vec::new();
    for q in qs {
        if q.tradeoffs
            .as_ref()
            .is_some_and(|t| !t.value.trim().is_empty())
        {
            with_tradeoffs += 1;
        } else {
            diags.push(
                finding(Level::Required, format!("{} has no trade-offs", ctx.q_name(q)))
                    // At the empty field when it is written, else at the question.
                    .at(q.tradeoffs.as_ref().map_or_else(|| ctx.q_loc(q), |t| ctx.loc(q.file, t.pos)))
                    .help("add `tradeoffs:` naming what the approach costs, with when to use and when to avoid it"),
            );
        }
        if q.difficulty.value == Difficulty::Advanced {
            advanced += 1;
            let n = q
                .alternatives
                .iter()
                .filter(|a| !a.text.value.trim().is_empty())
                .count();
            if n >= min_alt {
                advanced_ok += 1;
            } else {
                diags.push(
                    finding(
                        Level::Required,
                        format!(
                            "{} is advanced and has {n} alternative(s); {min_alt} required",
                            ctx.q_name(q)
                        ),
                    )
                    .at(q
                        .alternatives
                        .first()
                        .map_or_else(|| ctx.q_loc(q), |a| ctx.loc(q.file, a.name.pos)))
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
