use super::{Ctx, Level, Measurement, finding};

declare_gate! {
    /// ## What it checks
    /// Every key insight holds a numeric improvement: it matches one of the rubric's
    /// `impact_patterns` (a percentage, a ratio like `2.5x`, a time like `65 ms`, money
    /// like `$500`, a rate like `4K rps`, a size like `10 GB`) and says what changed with
    /// one of its `impact_words` (cut, reduced, from ... to, raised ...), so a bare target
    /// such as "keeps p99 under 100 ms" does not count.
    ///
    /// ## Why it matters
    /// "X made it faster" cannot be checked or compared; "X cut p99 from 350 ms to 65 ms
    /// (81% lower) at +15% memory" can.
    ///
    /// ## How to fix
    /// Rewrite the key insight as one sentence with the measured before/after and cost.
    ///
    /// ## Example
    /// `28/28`.
    pub(crate) static QUANTIFIED_IMPACT = {
        number: 10,
        name: "quantified-impact",
        title: "Quantified Impact",
        requirement: |_| "Numeric improvement in 100% of key insights".to_owned(),
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let qs = &ctx.bank.questions;
    let mut ok = 0;
    let mut diags = Vec::new();
    let change = crate::text::Lexicon::get(&ctx.rubric.impact_words, false);
    for q in qs {
        // The key insight's placeholder, found once when the context was built.
        let placeholder = q.key_insight.as_ref().and_then(|k| ctx.placeholder_in(k));
        match (&q.key_insight, placeholder) {
            (Some(k), Some(p)) => {
                diags.push(ctx.placeholder_diag(
                    q.file,
                    k,
                    &p,
                    &format!("{}: the key insight", ctx.q_name(q)),
                ));
            }
            (Some(k), None)
                if ctx.impact.iter().any(|re| re.is_match(&k.value))
                    && (change.is_match(&k.value) || crate::text::has_signed_figure(&k.value)) =>
            {
                ok += 1
            }
            (Some(k), _) => diags.push(
                finding(
                    Level::Required,
                    format!(
                        "{}: the key insight has no numeric improvement: looked for a figure with a direction (from → to, a word of change, a signed %), found {}",
                        ctx.q_name(q),
                        if ctx.impact.iter().any(|re| re.is_match(&k.value)) {
                            "figures with no direction: a target or a state, not a change"
                        } else {
                            "no figure"
                        }
                    ),
                )
                .at(ctx.loc(q.file, k.pos))
                .help("state the measured change, e.g. `cut p99 from 350 ms to 65 ms (81% lower)`"),
            ),
            (None, _) => diags.push(
                finding(
                    Level::Required,
                    format!("{} has no key insight", ctx.q_name(q)),
                )
                .at(ctx.q_loc(q))
                .help("add `key_insight:`, one sentence with the quantified impact"),
            ),
        }
    }
    let mut m = Measurement::new(format!("{ok}/{}", qs.len()));
    m.require(ok == qs.len() && !qs.is_empty());
    m.diagnostics = diags;
    m
}
