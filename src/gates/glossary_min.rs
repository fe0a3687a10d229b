use super::minimum::{Entry, List, blank, measure};
use super::{Ctx, Measurement};

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
        requirement: |r| format!(">={} entries [G#] with formulas/targets", r.references.glossary()),
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let min = ctx.scaled(ctx.rubric.references.glossary()) as usize;
    let entries: Vec<Entry<'_>> = ctx
        .bank
        .glossary
        .iter()
        .map(|g| {
            let mut missing = Vec::new();
            if blank(g.definition.as_deref()) {
                missing.push("a definition");
            }
            if blank(g.formula.as_deref()) && blank(g.targets.as_deref()) {
                missing.push("a formula or targets");
            }
            Entry {
                id: &g.id,
                file: g.file,
                label: format!("glossary entry `{}` ({})", g.id.value, g.term.value),
                missing,
                texts: crate::model::EntryTexts::texts(g),
            }
        })
        .collect();
    let list = List {
        plural: "glossary entries",
        file: "references/glossary.yaml",
    };
    let (mut m, complete) = measure(ctx, &list, min, &entries);
    m.evidence = format!("{} entries, {complete} complete (min {min})", entries.len());
    m
}
