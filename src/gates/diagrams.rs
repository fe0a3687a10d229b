//! Diagrams that parse: every question's mermaid diagram goes through the vendored
//! mermaid's own parser ([`crate::mermaid`]). One it rejects is a `diagram` error at the
//! line mermaid points at, with mermaid's message, and counts as no diagram (gate 10's
//! "every cluster has a diagram", and a rubric's required `diagram` field).

use std::collections::HashSet;

use super::Ctx;
use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::mermaid::{self, Outcome};
use crate::render::html::MERMAID_VERSION;

/// The diagrams mermaid rejects (by the address of their value, as
/// [`Ctx::broken_diagrams`] keeps them) and the findings: an error per rejected diagram,
/// and one note when some diagrams could not be parsed here at all.
pub(crate) fn check(ctx: &Ctx<'_>) -> (HashSet<usize>, Vec<Diagnostic>) {
    let mut broken = HashSet::new();
    let mut found = Vec::new();
    let mut unknown: Vec<(String, crate::diagnostic::Location)> = Vec::new();
    for q in &ctx.bank.questions {
        let Some(d) = &q.diagram else { continue };
        match mermaid::parse(&d.mermaid.value) {
            Outcome::Parsed => {}
            Outcome::Broken { message, line } => {
                broken.insert(std::ptr::from_ref(d) as usize);
                let text = &d.mermaid.value;
                let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
                let this = text[start..].lines().next().unwrap_or("");
                let lead = this.len() - this.trim_start().len();
                let range = start + lead..start + this.trim_end().len();
                let at = if range.is_empty() {
                    ctx.loc(q.file, d.mermaid.pos)
                } else {
                    ctx.loc_in(q.file, &d.mermaid, range)
                };
                found.push(
                    Diagnostic::new(
                        Severity::Error,
                        Code::Diagram,
                        format!(
                            "{}: mermaid {MERMAID_VERSION} cannot parse the diagram: {message}",
                            ctx.q_name(q)
                        ),
                    )
                    .at(at)
                    .help(
                        "fix the diagram at this line; until it parses, the page and the PDF show its source instead of a drawing, and its cluster counts no diagram for it",
                    ),
                );
            }
            Outcome::Unknown(why) => unknown.push((why, ctx.loc(q.file, d.mermaid.pos))),
        }
    }
    if let Some((why, at)) = unknown.first() {
        let n = unknown.len();
        let what = if n == 1 {
            "1 diagram was".to_owned()
        } else {
            format!("{n} diagrams were")
        };
        found.push(
            Diagnostic::new(
                Severity::Note,
                Code::DiagramsUnchecked,
                format!("{what} not checked with mermaid's parser: {why}"),
            )
            .at(at.clone())
            .help(if mermaid::AVAILABLE {
                "`qbank pdf` draws them with mermaid and reports any that fail"
            } else {
                "build qbank with its default features (`mermaid`) to parse diagrams in `check`"
            }),
        );
    }
    (broken, found)
}
