use super::minimum::{Entry, List, blank, measure};
use super::{Ctx, Measurement};

declare_gate! {
    /// ## What it checks
    /// The glossary holds at least the rubric's minimum of complete entries (default 10,
    /// x1.2 rounded up above 30 questions). Complete: a definition plus a formula (an
    /// expression: `=`, `/`, `×`, `Σ` ...) or target values (a figure). A formula field
    /// of "—" or prose ("not a formula"), or targets without a value ("use open-model
    /// tools"), count for nothing; an entry written as one text counts when that text
    /// holds an equation (`Hit Rate = Hits / (Hits + Misses)`) or a bound with a value
    /// (`Target: ≥95%`). Incomplete entries are warnings.
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
            if !has_formula_or_target(g) {
                missing.push("a formula or targets (looked for an expression in the formula, a value in the targets, or an equation or a bound with a value in its text; found none)");
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

/// Whether a glossary entry gives a formula (an expression) or targets with a value;
/// an entry written as one text, an equation or a bound with its value.
fn has_formula_or_target(g: &crate::model::GlossaryEntry) -> bool {
    const MATH: &[char] = &[
        '=', '/', '×', '*', '÷', '^', 'Σ', '∑', '√', '⌈', '⌊', '·', '≈', '<', '>', '≤', '≥', '∝',
        '+', '−',
    ];
    let formula = g.formula.as_deref().filter(|f| !blank(Some(f)));
    if formula.is_some_and(|f| f.contains(MATH)) {
        return true;
    }
    if g.targets.as_deref().is_some_and(crate::text::has_number) {
        return true;
    }
    if g.formula.is_some() || g.targets.is_some() {
        return false;
    }
    // One text: an equation (`A = B`) or a bound with its value (`≥95%`, `Target: 2 s`).
    static ONE_TEXT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\w\s*=\s*\S|(?:[<>≤≥]|target\w*:?)\s*~?\d")
            .expect("a valid pattern")
    });
    // Asides in parentheses (`ROI (return on investment = gain ÷ cost)`) are not the
    // entry's own formula.
    static ASIDE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\([^()]*\)").expect("a valid pattern"));
    [&g.definition, &g.distinctions, &g.when_to_use]
        .into_iter()
        .flatten()
        .any(|t| ONE_TEXT.is_match(&ASIDE.replace_all(t, "")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(
        definition: &str,
        formula: Option<&str>,
        targets: Option<&str>,
    ) -> crate::model::GlossaryEntry {
        crate::model::GlossaryEntry {
            id: crate::model::Sp::new("G1".to_owned(), crate::model::Pos::default()),
            term: crate::model::Sp::new("Term".to_owned(), crate::model::Pos::default()),
            aliases: Vec::new(),
            acronym: false,
            definition: Some(definition.to_owned()),
            formula: formula.map(str::to_owned),
            targets: targets.map(str::to_owned),
            distinctions: None,
            when_to_use: None,
            lang: None,
            file: crate::model::FileId::default(),
        }
    }

    #[test]
    fn formula_or_target_by_what_it_holds() {
        assert!(has_formula_or_target(&entry("x", Some("L = λW"), None)));
        assert!(has_formula_or_target(&entry(
            "x",
            Some("—"),
            Some("all 16 cells covered")
        )));
        assert!(!has_formula_or_target(&entry(
            "x",
            Some("—"),
            Some("use open-model tools")
        )));
        assert!(!has_formula_or_target(&entry(
            "x",
            Some("not a formula but a flaw"),
            None
        )));
        assert!(has_formula_or_target(&entry(
            "Hit Rate = Hits / (Hits + Misses) × 100%. Target: ≥95%",
            None,
            None
        )));
        assert!(!has_formula_or_target(&entry(
            "A list of abbreviations (APM, CDN)",
            None,
            None
        )));
        assert!(!has_formula_or_target(&entry(
            "ROI (return on investment = gain ÷ cost)",
            None,
            None
        )));
    }
}
