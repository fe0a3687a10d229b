use super::{Ctx, Level, Measurement, finding};

declare_gate! {
    /// ## What it checks
    /// The number of questions N is within the rubric's range (default 25-30).
    ///
    /// ## Why it matters
    /// Fewer questions cannot cover the 16-cell matrix with a balanced difficulty mix;
    /// more dilute review effort. Above 30, the reference minimums scale by 1.2.
    ///
    /// ## How to fix
    /// Add or remove question files under `questions/`.
    ///
    /// ## Example
    /// `28 Q&As` passes; `24 Q&As` fails.
    pub(crate) static QUANTITY = {
        number: 1,
        name: "quantity",
        title: "Quantity",
        requirement: |r| format!("{}-{} Q&A pairs", r.quantity.min, r.quantity.max),
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let n = ctx.bank.questions.len();
    let q = &ctx.rubric.quantity;
    let mut m = Measurement::new(format!("{n} Q&As"));
    let ok = (q.min as usize..=q.max as usize).contains(&n);
    m.require(ok);
    if !ok {
        m.push(
            finding(
                Level::Required,
                format!(
                    "the bank has {n} questions; the rubric asks for {} to {}",
                    q.min, q.max
                ),
            )
            .at(ctx.bank_loc())
            .help(if n < q.min as usize {
                format!("add {} question files under questions/", q.min as usize - n)
            } else {
                format!("remove {} questions or split the bank", n - q.max as usize)
            }),
        );
    }
    m
}
