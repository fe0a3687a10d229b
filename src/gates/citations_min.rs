use super::literature_min::missing_literature_fields;
use super::minimum::{Entry, List, measure};
use super::{Ctx, Level, Measurement, finding, share};

declare_gate! {
    /// ## What it checks
    /// The citations list holds at least the rubric's minimum of complete APA entries
    /// (default 20, scaled above 30 questions). Complete: the APA 7th fields of its kind
    /// (as gate 13: a book needs its publisher, an article its DOI or URL, a web page a
    /// URL to the page itself), and a language tag. The language mix is reported against
    /// the rubric's targets (default ~60/30/10 EN/ZH/other); a share off by more than the
    /// tolerance (default 15 points) is a warning. A work listed twice counts once
    /// (`duplicate-source`), and a citation counts in the language its text shows: a `ZH`
    /// tag on a title and container without CJK text counts as EN, an `EN` tag on a CJK
    /// title as that language (`language-mismatch`; the evidence says how many).
    ///
    /// ## Why it matters
    /// Citations are the evidence behind the answers; the language mix keeps the bank
    /// useful to its bilingual audience.
    ///
    /// ## How to fix
    /// Fill the missing fields in `references/citations.yaml`; add sources in the
    /// under-represented language.
    ///
    /// ## Example
    /// `24 citations, 24 complete; EN 58% ZH 29% other 12%`.
    pub(crate) static CITATIONS_MIN = {
        number: 14,
        name: "citations-min",
        title: "Citations Min",
        requirement: |r| format!(">={} citations [A#] APA 7th with language tags", r.references.citations()),
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let min = ctx.scaled(ctx.rubric.references.citations()) as usize;
    let nl = ctx.bank.literature.len();
    let list: Vec<&crate::model::Source> = ctx
        .bank
        .citations
        .iter()
        .enumerate()
        .filter(|(i, _)| !ctx.works.source_is_repeat(nl + i))
        .map(|(_, s)| s)
        .collect();
    let repeats = ctx.bank.citations.len() - list.len();
    let mix = &ctx.rubric.languages;
    let entries: Vec<Entry<'_>> = list
        .iter()
        .map(|s| {
            let mut missing = missing_literature_fields(s);
            if s.lang.is_none() {
                missing.push("lang");
            }
            Entry {
                id: &s.id,
                file: s.file,
                label: format!("citation `{}`", s.id.value),
                missing,
                problem: None,
                texts: crate::model::EntryTexts::texts(*s),
            }
        })
        .collect();
    let names = List {
        plural: "citations",
        file: "references/citations.yaml",
    };
    let (mut m, complete) = measure(ctx, &names, min, &entries);
    // Language mix: named targets, with `other` collecting the rest.
    let named: Vec<String> = mix
        .targets
        .iter()
        .map(|t| t.lang.to_uppercase())
        .filter(|l| l != "OTHER")
        .collect();
    // The language the text shows, where the tag says otherwise (`language-mismatch`).
    let retagged = list
        .iter()
        .filter(|s| super::sources::lang_mismatch(s).is_some())
        .count();
    let lang_of = |s: &crate::model::Source| -> String {
        let l = super::sources::shown_lang(s).unwrap_or_default();
        if named.contains(&l) {
            l
        } else {
            "OTHER".to_owned()
        }
    };
    let mut parts = Vec::new();
    let mut off = Vec::new();
    for t in &mix.targets {
        let key = t.lang.to_uppercase();
        let count = list.iter().filter(|s| lang_of(s) == key).count();
        let s = share(count, list.len()) * 100.0;
        parts.push(format!("{} {s:.0}%", t.lang));
        if !list.is_empty() && (s - t.share * 100.0).abs() > mix.tolerance_points + 1e-9 {
            off.push(format!(
                "{} is {s:.0}% (target {:.0}%)",
                t.lang,
                t.share * 100.0
            ));
        }
    }
    m.evidence = format!(
        "{} citations, {complete} complete (min {min}); {}",
        list.len(),
        parts.join(" ")
    );
    if repeats > 0 {
        m.evidence
            .push_str(&format!("; {repeats} repeated, counted once"));
    }
    if retagged > 0 {
        m.evidence.push_str(&format!(
            "; languages as the text shows ({retagged} tag{} not borne out)",
            if retagged == 1 { "" } else { "s" }
        ));
    }
    m.prefer(off.is_empty());
    if !off.is_empty() {
        m.push(
            finding(
                Level::Preferred,
                format!(
                    "citation languages off target by more than {} points: {}",
                    mix.tolerance_points,
                    off.join("; ")
                ),
            )
            .at(ctx.bank_loc())
            .help("add citations in the under-represented language"),
        );
    }
    m
}
