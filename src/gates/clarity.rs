use std::collections::{BTreeMap, HashSet};

use super::{Ctx, Level, Measurement, Repeats, finding};
use crate::text;

declare_gate! {
    /// ## What it checks
    /// Every acronym in question text (two or more capitals, digits allowed, an optional
    /// plural `s`; code, URLs and reference brackets excluded) is defined: it appears in a
    /// glossary term or alias, or in the rubric's `common_acronyms` allow-list.
    ///
    /// ## Why it matters
    /// Undefined jargon excludes candidates and hides sloppy thinking; the spec asks for
    /// glossary-defined terms throughout.
    ///
    /// ## How to fix
    /// Add a glossary entry (or an alias to an existing one) for the acronym, spell it
    /// out, or put code-like tokens (`EXPLAIN ANALYZE`) in backticks.
    ///
    /// ## Example
    /// `41 acronyms, 0 undefined`.
    pub(crate) static CLARITY = {
        number: 19,
        name: "clarity",
        title: "Clarity",
        requirement: |_| "All acronyms in glossary; no undefined terms".to_owned(),
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let mut defined: HashSet<String> = ctx.rubric.common_acronyms.iter().cloned().collect();
    for g in &ctx.bank.glossary {
        for name in std::iter::once(&g.term.value).chain(&g.aliases) {
            for (a, _) in text::acronyms_outside(name, &[]) {
                defined.insert(text::acronym_stem(&a).to_owned());
                defined.insert(a);
            }
            if g.acronym {
                defined.insert(name.trim().to_owned());
            }
        }
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut undefined: Repeats<String> = Repeats::new();
    for (q, segments) in ctx.bank.questions.iter().zip(&ctx.segments) {
        for seg in segments {
            let t = seg.value;
            for (a, range) in text::acronyms_outside(&seg.masked, &seg.refs) {
                // `TODO` and its kin are placeholders (reported as such), not acronyms.
                if ctx.rubric.placeholders.words.contains(&a) {
                    continue;
                }
                *seen.entry(a.clone()).or_default() += 1;
                if defined.contains(&a) || defined.contains(text::acronym_stem(&a)) {
                    continue;
                }
                undefined.add(a.clone(), || {
                    finding(Level::Required, format!("acronym `{a}` is not defined"))
                        .at(ctx.loc_in(q.file, t, range))
                        .help(format!(
                            "add `{a}` to a glossary entry's aliases, spell it out, or put code in backticks"
                        ))
                });
            }
        }
    }
    let mut m = Measurement::new(format!(
        "{} acronyms, {} undefined",
        seen.len(),
        undefined.len()
    ));
    m.require(undefined.is_empty());
    for d in undefined.into_findings() {
        m.push(d);
    }
    m
}
