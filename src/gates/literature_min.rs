use super::minimum::{Entry, List, measure};
use super::{Ctx, Measurement};
use crate::model::Source;

declare_gate! {
    /// ## What it checks
    /// The literature list holds at least the rubric's minimum of complete entries
    /// (default 10, scaled above 30 questions). Complete: authors (or, for an edited
    /// book, editors), year, title, and a
    /// publisher or container. Incomplete entries are warnings.
    ///
    /// One work, one entry. Literature and citations are identified by their normalised
    /// DOI (a `doi:` field or a doi.org URL, lower-case, without prefix), ISBN (written
    /// in any field; ISBN-10 converted to ISBN-13), URL (without scheme, `www.`, fragment
    /// or trailing slash) and normalised title + first author's family name + year. Two
    /// entries sharing one of these, with titles that agree (equal, or one the other with
    /// a subtitle; a leading article ignored), are one work: gates 13-16 count it once,
    /// and the second is a `duplicate-source` error naming the first (a warning when one
    /// is literature and the other a citation). One DOI or ISBN on two different titles
    /// is a `conflicting-identifier` error at both. One URL on two different titles says
    /// nothing (a blog's home page given for two posts): no finding. A source dated
    /// (`date`, else `year`) after the bank's `as_of` date is a `future-date` error.
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
        requirement: |r| format!(">={} sources [L#] with full citations", r.references.literature()),
        check: check,
    }
}

/// The fields a literature entry lacks.
pub(crate) fn missing_literature_fields(s: &Source) -> Vec<&'static str> {
    let mut missing = Vec::new();
    if s.authors.is_empty() && s.editors.is_empty() {
        missing.push("authors or editors");
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
    let min = ctx.scaled(ctx.rubric.references.literature()) as usize;
    let entries: Vec<Entry<'_>> = ctx
        .bank
        .literature
        .iter()
        .enumerate()
        .filter(|(i, _)| !ctx.works.source_is_repeat(*i))
        .map(|(_, s)| Entry {
            id: &s.id,
            file: s.file,
            label: format!("literature `{}`", s.id.value),
            missing: missing_literature_fields(s),
            problem: None,
            texts: crate::model::EntryTexts::texts(s),
        })
        .collect();
    let list = List {
        plural: "literature entries",
        file: "references/literature.yaml",
    };
    let (mut m, complete) = measure(ctx, &list, min, &entries);
    m.evidence = format!("{} sources, {complete} complete (min {min})", entries.len());
    let repeats = ctx.bank.literature.len() - entries.len();
    if repeats > 0 {
        m.evidence
            .push_str(&format!("; {repeats} repeated, counted once"));
    }
    m
}
