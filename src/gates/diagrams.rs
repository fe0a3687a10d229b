//! Diagrams that parse: every question's mermaid diagram, and every other mermaid block
//! of an imported document, goes through the vendored mermaid's own parser
//! ([`crate::mermaid`]). One it rejects is a `diagram` error at the line mermaid points
//! at, with mermaid's message; a question's diagram it rejects counts as no diagram
//! (gate 20's "every cluster has a diagram", and a rubric's required `diagram` field).

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
    // An imported document's other mermaid blocks (under no question, or a question's
    // second diagram): errors too, though they count for no cluster.
    let own: HashSet<&str> = ctx
        .bank
        .questions
        .iter()
        .filter_map(|q| q.diagram.as_ref().map(|d| d.mermaid.value.trim()))
        .collect();
    for file in ctx.bank.sources.iter() {
        let markdown = file
            .path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
        if !markdown {
            continue;
        }
        for (offset, text) in mermaid_blocks(&file.text) {
            if own.contains(text.trim()) {
                continue;
            }
            let first = line_of(&file.text, offset);
            match mermaid::parse(&text) {
                Outcome::Parsed => {}
                Outcome::Broken { message, line } => {
                    let at = first + u32::try_from(line).unwrap_or(0);
                    let this = file.text.lines().nth(at as usize - 1).unwrap_or("");
                    let col = this.len() - this.trim_start().len() + 1;
                    let width = this.trim().len();
                    found.push(
                        Diagnostic::new(
                            Severity::Error,
                            Code::Diagram,
                            format!(
                                "mermaid {MERMAID_VERSION} cannot parse the diagram: {message}"
                            ),
                        )
                        .at(crate::diagnostic::Location::at(
                            &file.path,
                            at,
                            u32::try_from(col).unwrap_or(1),
                        )
                        .with_len(width))
                        .help(
                            "fix the diagram at this line; until it parses, the page and the PDF show its source instead of a drawing",
                        ),
                    );
                }
                Outcome::Unknown(why) => {
                    unknown.push((why, crate::diagnostic::Location::at(&file.path, first, 1)))
                }
            }
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

/// Each ```` ```mermaid ```` block of `markdown`: the byte offset of its first line and
/// its text.
fn mermaid_blocks(markdown: &str) -> Vec<(usize, String)> {
    use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
    let mut blocks = Vec::new();
    let mut open: Option<(Option<usize>, String)> = None;
    for (event, range) in Parser::new_ext(markdown, Options::all()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info.split_whitespace().next() == Some("mermaid") =>
            {
                open = Some((None, String::new()));
            }
            Event::Text(t) => {
                if let Some((start, text)) = open.as_mut() {
                    start.get_or_insert(range.start);
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((Some(start), text)) = open.take() {
                    blocks.push((start, text));
                }
            }
            _ => {}
        }
    }
    blocks
}

/// The 1-based line of byte `offset`.
fn line_of(text: &str, offset: usize) -> u32 {
    let before = text.get(..offset).unwrap_or(text);
    u32::try_from(before.matches('\n').count() + 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mermaid_blocks_are_found_with_their_first_line() {
        let md = "# T\n\n```mermaid\nflowchart LR\nA-->B\n```\n\n- item\n\n  ```mermaid\n  x\n  ```\n\n```rust\nfn f() {}\n```\n\n```mermaid\n```\n";
        let blocks = mermaid_blocks(md);
        assert_eq!(blocks.len(), 2, "{blocks:?}");
        assert_eq!(line_of(md, blocks[0].0), 4);
        assert_eq!(blocks[0].1, "flowchart LR\nA-->B\n");
        assert_eq!(line_of(md, blocks[1].0), 11);
        assert_eq!(blocks[1].1, "x\n");
    }
}
