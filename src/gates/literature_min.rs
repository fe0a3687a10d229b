use super::{Ctx, Level, Measurement, finding};
use crate::model::Source;

declare_gate! {
    /// ## What it checks
    /// The literature list holds at least the rubric's minimum of complete entries
    /// (default 10, scaled above 30 questions). Complete: authors, year, title, and a
    /// publisher or container. Incomplete entries are warnings.
    ///
    /// ## Why it matters
    /// Further reading is only useful when a reader can find the exact work and edition.
    ///
    /// ## How to fix
    /// Fill the missing fields in `references/literature.yaml`.
    ///
    /// ## Example
    /// `12 sources, 12 complete`.
    pub(crate) static LITERATURE_MIN = {
        number: 13,
        name: "literature-min",
        title: "Literature Min",
        requirement: |r| format!(">={} sources [L#] with full citations", r.references.literature),
        check: check,
    }
}

/// The fields a literature entry lacks.
pub fn missing_literature_fields(s: &Source) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if s.authors.is_empty() {
        missing.push("authors");
    }
    if s.year().is_none() {
        missing.push("year");
    }
    if s.title.as_ref().is_none_or(|t| t.value.trim().is_empty()) {
        missing.push("title");
    }
    if s.publisher.is_none() && s.container.is_none() {
        missing.push("publisher or container");
    }
    missing
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let min = ctx.scaled(ctx.rubric.references.literature) as usize;
    let list = &ctx.bank.literature;
    let mut complete = 0;
    let mut diags = Vec::new();
    for s in list {
        let missing = missing_literature_fields(s);
        if missing.is_empty() {
            complete += 1;
        } else {
            diags.push(
                finding(
                    Level::Preferred,
                    format!("literature `{}` lacks {}", s.id.value, missing.join(", ")),
                )
                .at(ctx.loc(s.file, s.id.pos))
                .help("fill the missing fields"),
            );
        }
    }
    let mut m = Measurement::new(format!(
        "{} sources, {complete} complete (min {min})",
        list.len()
    ));
    m.require(complete >= min);
    m.prefer(complete == list.len());
    if complete < min {
        diags.push(
            finding(
                Level::Required,
                format!("{complete} complete literature entries; at least {min} required"),
            )
            .at(ctx.bank_loc())
            .help("add entries to references/literature.yaml"),
        );
    }
    m.diagnostics = diags;
    m
}
