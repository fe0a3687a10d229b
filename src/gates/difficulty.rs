use super::{Ctx, Level, Measurement, finding, share};
use crate::model::Difficulty;

declare_gate! {
    /// ## What it checks
    /// The share of each difficulty level is within the rubric's tolerance (default ±5
    /// percentage points) of its target (default 20% Foundational, 40% Intermediate,
    /// 40% Advanced). A share exactly at the tolerance passes.
    ///
    /// ## Why it matters
    /// A bank skewed to easy questions cannot tell seniors apart; one skewed to hard
    /// questions wastes a junior loop.
    ///
    /// ## How to fix
    /// Change `difficulty:` of questions whose level is mis-set, or add questions of the
    /// level that is short.
    ///
    /// ## Example
    /// `F 6 (21%), I 11 (39%), A 11 (39%)` passes.
    pub(crate) static DIFFICULTY = {
        number: 3,
        name: "difficulty",
        title: "Difficulty",
        requirement: |r| {
            let d = &r.difficulty;
            format!(
                "{:.0}/{:.0}/{:.0} (F/I/A) ±{}%",
                d.foundational * 100.0,
                d.intermediate * 100.0,
                d.advanced * 100.0,
                d.tolerance_points
            )
        },
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let n = ctx.bank.questions.len();
    let mix = &ctx.rubric.difficulty;
    let mut parts = Vec::new();
    let mut off = Vec::new();
    for d in Difficulty::ALL {
        let c = ctx
            .bank
            .questions
            .iter()
            .filter(|q| q.difficulty.value == d)
            .count();
        let s = share(c, n) * 100.0;
        let target = mix.share(d) * 100.0;
        parts.push(format!("{} {c} ({s:.0}%)", &d.title()[..1]));
        // Compare in whole hundredths of a point so 25.0 vs 20+5 is not lost to rounding.
        if ((s - target).abs() * 100.0).round() > (mix.tolerance_points * 100.0).round() {
            off.push((d, c, s, target));
        }
    }
    let mut m = Measurement::new(parts.join(", "));
    m.require(off.is_empty() && n > 0);
    for (d, c, s, target) in off {
        m.push(
            finding(
                Level::Required,
                format!("{} questions are {s:.1}% of the bank ({c} of {n}); the target is {target:.0}% ±{}", d.title(), mix.tolerance_points),
            )
            .at(ctx.bank_loc())
            .help(if s > target {
                format!("move some {} questions to another level, or add questions of the others", d.as_str())
            } else {
                format!("add {} questions, or re-level existing ones", d.as_str())
            }),
        );
    }
    m
}
