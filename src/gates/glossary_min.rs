use super::{Ctx, Level, Measurement, finding};

declare_gate! {
    /// ## What it checks
    /// The glossary holds at least the rubric's minimum of complete entries (default 10,
    /// x1.2 rounded up above 30 questions). Complete: a definition plus a formula or
    /// target values. Incomplete entries are warnings.
    ///
    /// ## Why it matters
    /// Interviewers and candidates must agree on what p99, USL or an error budget mean,
    /// with the formula and the usual targets.
    ///
    /// ## How to fix
    /// Add entries to `references/glossary.yaml`, each with `definition` and `formula` or
    /// `targets`.
    ///
    /// ## Example
    /// `18 entries, 18 complete`.
    pub(crate) static GLOSSARY_MIN = {
        number: 11,
        name: "glossary-min",
        title: "Glossary Min",
        requirement: |r| format!(">={} entries [G#] with formulas/targets", r.references.glossary),
        check: check,
    }
}

fn filled(s: Option<&String>) -> bool {
    s.is_some_and(|s| !s.trim().is_empty())
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let min = ctx.scaled(ctx.rubric.references.glossary) as usize;
    let g = &ctx.bank.glossary;
    let mut complete = 0;
    let mut diags = Vec::new();
    for e in g {
        if filled(e.definition.as_ref())
            && (filled(e.formula.as_ref()) || filled(e.targets.as_ref()))
        {
            complete += 1;
        } else {
            diags.push(
                finding(
                    Level::Preferred,
                    format!(
                        "glossary entry `{}` ({}) is incomplete",
                        e.id.value, e.term.value
                    ),
                )
                .at(ctx.loc(e.file, e.id.pos))
                .help("give it a `definition` and a `formula` or `targets`"),
            );
        }
    }
    let mut m = Measurement::new(format!(
        "{} entries, {complete} complete (min {min})",
        g.len()
    ));
    m.require(complete >= min);
    m.prefer(complete == g.len());
    if complete < min {
        diags.push(
            finding(
                Level::Required,
                format!("{complete} complete glossary entries; at least {min} required"),
            )
            .at(ctx.bank_loc())
            .help("add entries to references/glossary.yaml"),
        );
    }
    m.diagnostics = diags;
    m
}
