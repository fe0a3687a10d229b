use super::minimum::{Entry, List, blank, measure};
use super::{Ctx, Measurement};

declare_gate! {
    /// ## What it checks
    /// The tools list holds at least the rubric's minimum of complete entries (default 5,
    /// scaled above 30 questions). Complete: purpose, pricing, last_update and url.
    /// Incomplete entries are warnings. A tool listed twice (the same name, or the same
    /// URL) counts once, with a `duplicate-source` error at the second entry; a
    /// `last_update` after the bank's `as_of` date is a `future-date` error.
    ///
    /// ## Why it matters
    /// A tool recommendation without its pricing tier, release date or URL cannot be
    /// evaluated or followed.
    ///
    /// ## How to fix
    /// Fill the missing fields in `references/tools.yaml`.
    ///
    /// ## Example
    /// `8 tools, 8 complete`.
    pub(crate) static TOOLS_MIN = {
        number: 12,
        name: "tools-min",
        title: "Tools Min",
        requirement: |r| format!(">={} tools [T#] with purpose/pricing/update", r.references.tools()),
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let min = ctx.scaled(ctx.rubric.references.tools()) as usize;
    let entries: Vec<Entry<'_>> = ctx
        .bank
        .tools
        .iter()
        .enumerate()
        .filter(|(i, _)| !ctx.works.tool_is_repeat(*i))
        .map(|(_, t)| {
            let mut missing = Vec::new();
            if blank(t.purpose.as_deref()) {
                missing.push("purpose");
            }
            if blank(t.pricing.as_deref()) {
                missing.push("pricing");
            }
            if t.last_update.is_none() {
                missing.push("last_update");
            }
            if blank(t.url.as_ref().map(|u| u.value.as_str())) {
                missing.push("url");
            }
            Entry {
                id: &t.id,
                file: t.file,
                label: format!("tool `{}` ({})", t.id.value, t.name.value),
                missing,
                problem: None,
                texts: crate::model::EntryTexts::texts(t),
            }
        })
        .collect();
    let list = List {
        plural: "tools",
        file: "references/tools.yaml",
    };
    let (mut m, complete) = measure(ctx, &list, min, &entries);
    m.evidence = format!("{} tools, {complete} complete (min {min})", entries.len());
    let repeats = ctx.bank.tools.len() - entries.len();
    if repeats > 0 {
        m.evidence
            .push_str(&format!("; {repeats} repeated, counted once"));
    }
    m
}
