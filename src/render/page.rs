//! The HTML page of a bank, rendered from the model through `templates/page.html.j2`
//! and `templates/page.css` (each overridable with `--templates`), so the page can show
//! things the markdown cannot while the spec-format markdown stays as it is.
//!
//! The template gets the same prepared values as the markdown templates (`doc`), plus
//! the page's own: structured glossary entries, reference entries with their anchors,
//! the scripts. Markdown inside the values (answers, cells, entries) becomes HTML
//! through the filters `markdown` and `inline` (pulldown-cmark, then ammonia, with
//! `[Ref: ...]` and `[G: ...]` linked to their entries); `highlight(lang)` writes a code
//! block coloured at build time; `slug` gives GitHub's id of a heading text.

use std::path::Path;
use std::sync::Arc;

use minijinja::Value;
use serde::Serialize;

use super::html::{self, Anchors};
use super::markdown::{self, TemplateError, environment_with, template_error_with};
use crate::gates::GateResult;
use crate::model::Bank;

/// The page's templates shipped in the binary, by name.
pub(crate) const TEMPLATES: [(&str, &str); 2] = [
    ("page.html.j2", include_str!("../../templates/page.html.j2")),
    ("page.css", include_str!("../../templates/page.css")),
];

#[derive(Serialize)]
struct Part {
    label: &'static str,
    text: String,
}

#[derive(Serialize)]
struct GlossaryView {
    anchor: String,
    /// `G1. p50/p95/p99`.
    label: String,
    /// ` [EN]`, or empty.
    lang: String,
    /// The aliases as the markdown lists them, or empty.
    also: String,
    parts: Vec<Part>,
}

#[derive(Serialize)]
struct EntryView {
    /// The entry's visible markdown (`**T1. k6** (load testing): ...`); rendered, it
    /// carries its own anchor (`ref-t1`).
    text: String,
}

#[derive(Serialize)]
struct PageView {
    doc: markdown::DocumentView,
    glossary: Vec<GlossaryView>,
    tools: Vec<EntryView>,
    literature: Vec<EntryView>,
    citations: Vec<EntryView>,
    /// Question number to page id (`q-<id>`), for the matrix cells: `questions[n - 1]`.
    question_ids: Vec<String>,
    csp: &'static str,
    mermaid_version: &'static str,
    mermaid_js: Value,
    mermaid_init: Value,
}

/// A reference list's markdown lines as entries, without the comment that follows an
/// entry for the importer.
fn entries(lines: &[String]) -> Vec<EntryView> {
    lines
        .iter()
        .map(|line| EntryView {
            text: line
                .split_once("\n\n<!-- qbank:")
                .map_or(line.as_str(), |(visible, _)| visible)
                .to_owned(),
        })
        .collect()
}

fn view(bank: &Bank, gates: &[GateResult]) -> PageView {
    let doc = markdown::view(bank, gates);
    let glossary = bank
        .glossary
        .iter()
        .map(|g| {
            let parts = [
                ("Definition:", &g.definition),
                ("Formula:", &g.formula),
                ("Targets:", &g.targets),
                ("Distinctions:", &g.distinctions),
                ("When to use:", &g.when_to_use),
            ]
            .into_iter()
            .filter_map(|(label, v)| {
                let text = markdown::one_line(v.as_deref()?);
                (!text.is_empty()).then_some(Part { label, text })
            })
            .collect();
            let aliases: Vec<String> = g.aliases.iter().map(|a| markdown::one_line(a)).collect();
            GlossaryView {
                anchor: html::entry_id(&g.id.value),
                label: format!("{}. {}", g.id.value, markdown::one_line(&g.term.value)),
                lang: g
                    .lang
                    .as_ref()
                    .map(|l| format!(" [{}]", l.value.trim().to_uppercase()))
                    .unwrap_or_default(),
                also: if aliases.is_empty() {
                    String::new()
                } else {
                    markdown::visible_list(&aliases)
                },
                parts,
            }
        })
        .collect();
    let tools = entries(&doc.tools);
    let literature = entries(&doc.literature);
    let citations = entries(&doc.citations);
    let question_ids = doc
        .clusters
        .iter()
        .flat_map(|c| &c.questions)
        .map(|q| (q.number, format!("q-{}", q.id)))
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_values()
        .collect();
    PageView {
        doc,
        glossary,
        tools,
        literature,
        citations,
        question_ids,
        csp: html::CSP,
        mermaid_version: html::MERMAID_VERSION,
        mermaid_js: Value::from_safe_string(html::MERMAID_JS.to_owned()),
        mermaid_init: Value::from_safe_string(html::MERMAID_INIT.to_owned()),
    }
}

/// Renders the HTML page for `bank` with its measured `gates`; templates in `dir`
/// override the built-in `page.html.j2` and `page.css`.
pub(crate) fn render(
    bank: &Bank,
    gates: &[GateResult],
    dir: Option<&Path>,
) -> Result<String, TemplateError> {
    let mut env = environment_with(dir, &TEMPLATES);
    let anchors = Arc::new(Anchors::of_bank(bank));
    let a = Arc::clone(&anchors);
    env.add_filter("markdown", move |s: &str| {
        Value::from_safe_string(html::fragment(s, &a))
    });
    let a = Arc::clone(&anchors);
    env.add_filter("inline", move |s: &str| {
        Value::from_safe_string(html::inline(s, &a))
    });
    env.add_filter("highlight", |code: &str, lang: &str| {
        Value::from_safe_string(html::code_block(lang, code))
    });
    env.add_filter("slug", |s: &str| crate::text::slug(s));
    let error = |e: &minijinja::Error| template_error_with(e, dir, &TEMPLATES);
    let tmpl = env.get_template("page.html.j2").map_err(|e| error(&e))?;
    tmpl.render(minijinja::value::Serde(view(bank, gates)))
        .map_err(|e| error(&e))
}
