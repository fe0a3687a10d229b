use std::collections::BTreeMap;

use super::{Ctx, Level, Measurement, finding, share};

declare_gate! {
    /// ## What it checks
    /// Literature and citations together span at least the rubric's number of source
    /// types (default 3), and no type exceeds its maximum share (default 25%). Both
    /// conditions apply literally, so with a 25% cap four or more types are needed; the
    /// evidence says which condition failed.
    ///
    /// ## Why it matters
    /// A bank built only on blog posts, or only on books, gives a one-sided view;
    /// mixing peer-reviewed papers, official documentation, standards and production case
    /// studies balances practice and theory.
    ///
    /// ## How to fix
    /// Replace some sources of the largest type with sources of other types (`type:` is
    /// book, journal, conference, report, docs, blog, standard, thesis or video).
    ///
    /// ## Example
    /// `6 types; largest blog 25% (9/36)`.
    pub(crate) static DIVERSITY = {
        number: 16,
        name: "diversity",
        title: "Diversity",
        requirement: |r| format!(">={} source types, none >{:.0}%", r.diversity.min_types, r.diversity.max_share * 100.0),
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let d = &ctx.rubric.diversity;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for s in ctx.real_sources() {
        *counts.entry(s.kind.value.as_str()).or_default() += 1;
    }
    let total: usize = counts.values().sum();
    let largest = counts
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(k, v)| (*k, *v));
    let mut evidence = format!("{} types", counts.len());
    if let Some((kind, n)) = largest {
        evidence.push_str(&format!(
            "; largest {kind} {:.0}% ({n}/{total})",
            share(n, total) * 100.0
        ));
    }
    let enough_types = counts.len() >= d.min_types as usize;
    let over: Vec<(&str, usize)> = counts
        .iter()
        .filter(|(_, n)| share(**n, total) > d.max_share + 1e-9)
        .map(|(k, v)| (*k, *v))
        .collect();
    if !enough_types {
        evidence.push_str(&format!("; fails: fewer than {} types", d.min_types));
    }
    if !over.is_empty() {
        let names: Vec<String> = over.iter().map(|(k, _)| (*k).to_owned()).collect();
        evidence.push_str(&format!(
            "; fails: {} above {:.0}%",
            names.join(", "),
            d.max_share * 100.0
        ));
        let needed = (1.0 / d.max_share).ceil() as usize;
        if counts.len() < needed {
            evidence.push_str(&format!(
                " (a {:.0}% cap needs at least {needed} types)",
                d.max_share * 100.0
            ));
        }
    }
    let mut m = Measurement::new(evidence);
    m.require(enough_types && over.is_empty() && total > 0);
    if !enough_types {
        m.push(
            finding(Level::Required, format!("sources span {} type(s); at least {} required", counts.len(), d.min_types))
                .at(ctx.bank_loc())
                .help("add sources of other types: journal, conference, docs, standard, blog, book, report"),
        );
    }
    for (kind, n) in over {
        m.push(
            finding(
                Level::Required,
                format!(
                    "{kind} sources are {:.0}% ({n}/{total}); at most {:.0}% allowed",
                    share(n, total) * 100.0,
                    d.max_share * 100.0
                ),
            )
            .at(ctx.bank_loc())
            .help(format!("replace some {kind} sources with other types"))
            .note(
                format!(
                    "counted as {kind}: {}",
                    ctx.real_sources()
                        .into_iter()
                        .filter(|s| s.kind.value.as_str() == kind)
                        .map(|s| s.id.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None,
            ),
        );
    }
    m
}
