use std::collections::{BTreeMap, HashSet};

use super::{Ctx, Level, Measurement, finding};
use crate::diagnostic::{Location, did_you_mean};
use crate::model::{EntryTexts, FileId, Pos, Sp};
use crate::text::{self, RefTarget};

declare_gate! {
    /// ## What it checks
    /// Every reference in the text resolves: `[Ref: A1, L2]` and bare `[G1]` name an id
    /// that exists, and `[G: Term]` names a glossary term or alias (case-insensitive; a
    /// part of a term written `RPS/TPS/QPS` counts). The same id defined twice fails.
    /// References that nothing cites are warnings.
    ///
    /// ## Why it matters
    /// A dangling `[Ref: A31]` is a claim with no source; the rendered document's links
    /// break and readers lose trust in every other reference.
    ///
    /// ## How to fix
    /// Correct the id (the help line suggests the closest one), add the missing entry to
    /// `references/`, or remove the citation. Cite or delete unused entries.
    ///
    /// ## Example
    /// `142 refs, 0 unresolved`; `[Ref: A31]` with 24 citations fails.
    pub(crate) static CROSS_REFS = {
        number: 7,
        name: "cross-refs",
        title: "Cross-refs",
        requirement: |_| "All [Ref: ID] resolve to References".to_owned(),
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let bank = ctx.bank;
    let index = &ctx.refs;
    let mut total = 0;
    let mut unresolved = 0;
    let mut used: HashSet<String> = HashSet::new();
    let mut diags = Vec::new();
    let mut visit = |file: FileId,
                     value: &Sp<String>,
                     uses: &[text::RefUse],
                     diags: &mut Vec<_>| {
        for u in uses {
            total += 1;
            match index.resolve(&u.target) {
                Some(id) => {
                    used.insert(id);
                }
                None => {
                    unresolved += 1;
                    let (what, candidates): (String, Vec<&str>) = match &u.target {
                        RefTarget::Id(id) => (
                            format!("`{id}` is not a defined reference"),
                            index.ids().collect(),
                        ),
                        RefTarget::Term(t) => (
                            format!("`[G: {t}]` is not a glossary term or alias"),
                            index.terms().collect(),
                        ),
                    };
                    let key = match &u.target {
                        RefTarget::Id(id) | RefTarget::Term(id) => id.as_str(),
                    };
                    let mut d =
                        finding(Level::Required, what).at(ctx.loc_in(file, value, u.span.clone()));
                    d = match did_you_mean(key, candidates) {
                        Some(s) => d.help(format!("did you mean `{s}`?")),
                        None => d.help("add the entry under references/, or correct the citation"),
                    };
                    diags.push(d);
                }
            }
        }
    };
    for (q, segments) in bank.questions.iter().zip(&ctx.segments) {
        for seg in segments {
            visit(q.file, seg.value, &seg.refs, &mut diags);
        }
    }
    let scope = &bank.meta.scope;
    for s in [
        &scope.constraints,
        &scope.assumptions,
        &scope.in_scope,
        &scope.out_of_scope,
    ]
    .into_iter()
    .flatten()
    {
        let value = Sp::new(s.clone(), Pos::UNKNOWN);
        let uses = text::refs(s);
        visit(bank.meta_file, &value, &uses, &mut diags);
    }

    // Ids defined twice (reachable for imported documents; the YAML loader refuses them).
    let mut defined: BTreeMap<&str, Vec<(FileId, Pos)>> = BTreeMap::new();
    let all_ids = bank
        .glossary
        .iter()
        .map(|g| (&g.id, g.file))
        .chain(bank.tools.iter().map(|t| (&t.id, t.file)))
        .chain(bank.literature.iter().map(|s| (&s.id, s.file)))
        .chain(bank.citations.iter().map(|s| (&s.id, s.file)));
    for (id, file) in all_ids.clone() {
        defined.entry(&id.value).or_default().push((file, id.pos));
    }
    let mut duplicates = 0;
    for (id, places) in &defined {
        if places.len() > 1 {
            duplicates += 1;
            let mut d = finding(
                Level::Required,
                format!("reference `{id}` is defined {} times", places.len()),
            )
            .at(ctx.loc(places[1].0, places[1].1))
            .help("give each entry its own id");
            d = d.note(
                "first defined here",
                Some(ctx.loc(places[0].0, places[0].1)),
            );
            diags.push(d);
        }
    }
    // A citation of a placeholder entry resolves to nothing a reader can use.
    let mut hollow = 0;
    type Texts<'t> = Vec<(&'static str, &'t str)>;
    let entries: Vec<(&Sp<String>, FileId, Texts<'_>)> = bank
        .glossary
        .iter()
        .map(|g| (&g.id, g.file, g.texts()))
        .chain(bank.tools.iter().map(|t| (&t.id, t.file, t.texts())))
        .chain(bank.literature.iter().map(|x| (&x.id, x.file, x.texts())))
        .chain(bank.citations.iter().map(|x| (&x.id, x.file, x.texts())))
        .collect();
    for (id, file, texts) in &entries {
        if !used.contains(&id.value) {
            continue;
        }
        let found = ctx.entry_placeholder(texts);
        if let Some((field, p)) = found {
            hollow += 1;
            diags.push(
                finding(
                    Level::Required,
                    format!(
                        "`{}` is cited, but its entry is a placeholder (`{field}`: {})",
                        id.value, p.what
                    ),
                )
                .at(ctx.loc(*file, id.pos).with_len(id.value.len()))
                .help("write the entry (a real term, tool or source), or cite another"),
            );
        }
    }
    let mut unused = 0;
    for (id, file) in all_ids {
        if !used.contains(&id.value) {
            unused += 1;
            diags.push(
                finding(Level::Preferred, format!("`{}` is never cited", id.value))
                    .at(Location::of(&bank.sources, file, id.pos).with_len(id.value.len()))
                    .help("cite it where it supports a claim, or remove it"),
            );
        }
    }
    let mut evidence = format!("{total} refs, {unresolved} unresolved");
    if hollow > 0 {
        evidence.push_str(&format!(", {hollow} cited placeholder entries"));
    }
    if duplicates > 0 {
        evidence.push_str(&format!(", {duplicates} duplicate ids"));
    }
    if unused > 0 {
        evidence.push_str(&format!(", {unused} unused"));
    }
    let mut m = Measurement::new(evidence);
    m.require(unresolved == 0 && duplicates == 0 && hollow == 0);
    m.prefer(unused == 0);
    m.diagnostics = diags;
    m
}
