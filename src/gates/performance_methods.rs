use super::{Ctx, Level, Measurement, finding};
use crate::text;

declare_gate! {
    /// ## What it checks
    /// Each of the rubric's performance methods (default: profiling, load testing,
    /// caching, optimization, scalability, monitoring) is covered by at least one
    /// question, through its `methods:` tags or a phrase of the method's lexicon in the
    /// question's text.
    ///
    /// ## Why it matters
    /// A performance interview that never touches profiling or monitoring leaves a whole
    /// skill untested.
    ///
    /// ## How to fix
    /// Write a question that exercises the missing method and tag it in `methods:`.
    ///
    /// ## Example
    /// `6/6 methods (tagged 6, by text 0)`.
    pub(crate) static PERFORMANCE_METHODS = {
        number: 18,
        name: "performance-methods",
        title: "Performance Methods",
        requirement: |r| {
            let names: Vec<&str> = r.methods.iter().map(|m| m.title.as_str()).collect();
            format!("{} covered", names.join(", "))
        },
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let texts: Vec<String> = ctx
        .segments
        .iter()
        .map(|segments| {
            let joined: Vec<&str> = segments.iter().map(|s| s.masked.as_str()).collect();
            joined.join("\n")
        })
        .collect();
    let mut tagged = 0;
    let mut by_text = 0;
    let mut missing = Vec::new();
    for method in &ctx.rubric.methods {
        if ctx
            .bank
            .questions
            .iter()
            .any(|q| q.methods.iter().any(|m| m.value == method.id))
        {
            tagged += 1;
        } else if texts
            .iter()
            .any(|t| text::Lexicon::get(&method.lexicon, false).is_match(t))
        {
            by_text += 1;
        } else {
            missing.push(method);
        }
    }
    let total = ctx.rubric.methods.len();
    let mut evidence = format!(
        "{}/{total} methods (tagged {tagged}, by text {by_text})",
        tagged + by_text
    );
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|m| m.title.as_str()).collect();
        evidence.push_str(&format!("; missing {}", names.join(", ")));
    }
    let mut m = Measurement::new(evidence);
    m.require(missing.is_empty());
    for method in missing {
        m.push(
            finding(
                Level::Required,
                format!("no question covers {}", method.title),
            )
            .at(ctx.bank_loc())
            .help(format!(
                "write a question on {} and tag it `methods: [{}]`",
                method.title.to_lowercase(),
                method.id
            )),
        );
    }
    m
}
