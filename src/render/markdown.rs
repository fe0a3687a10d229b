//! The spec's markdown document, rendered from the bank and its measured gate results
//! through minijinja templates (embedded; any one can be overridden from a folder).

use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;

use crate::gates::GateResult;
use crate::model::{Bank, Question, Source};
use crate::outline::{self, Outline};
use crate::table::{cell, summary_line};

/// The templates shipped in the binary, by name.
pub(crate) const TEMPLATES: [(&str, &str); 2] = [
    (
        "document.md.j2",
        include_str!("../../templates/document.md.j2"),
    ),
    (
        "question.md.j2",
        include_str!("../../templates/question.md.j2"),
    ),
];

/// A template that failed: its name, line and column, and what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    pub name: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// The folder the template came from, when it was an override.
    pub dir: Option<PathBuf>,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let place = match &self.dir {
            Some(d) => d.join(&self.name).display().to_string(),
            None => format!("{} (built in)", self.name),
        };
        write!(
            f,
            "template {place}:{}:{}: {}",
            self.line, self.col, self.message
        )
    }
}

/// The template environment: overrides from `dir` first, then the embedded templates.
fn environment(dir: Option<&Path>) -> Environment<'static> {
    environment_with(dir, &TEMPLATES)
}

/// A template environment over `builtin` (name, text) pairs, any of which a file of the
/// same name in `dir` overrides; shared by every renderer that uses templates.
pub(crate) fn environment_with(
    dir: Option<&Path>,
    builtin: &'static [(&'static str, &'static str)],
) -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    let dir = dir.map(Path::to_path_buf);
    env.set_loader(move |name| {
        if let Some(d) = &dir {
            let p = d.join(name);
            if p.is_file() {
                return std::fs::read_to_string(&p).map(Some).map_err(|e| {
                    minijinja::Error::new(
                        minijinja::ErrorKind::InvalidOperation,
                        format!("could not read {}: {e}", p.display()),
                    )
                });
            }
        }
        Ok(builtin
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| (*t).to_owned()))
    });
    env
}

fn template_error(e: &minijinja::Error, dir: Option<&Path>) -> TemplateError {
    template_error_with(e, dir, &TEMPLATES)
}

/// The innermost place a template error happened, among `builtin` templates or overrides.
pub(crate) fn template_error_with(
    e: &minijinja::Error,
    dir: Option<&Path>,
    builtin: &[(&str, &str)],
) -> TemplateError {
    // An error inside an included template arrives wrapped in one at the `include`
    // line; the innermost error that knows its place is the one to show.
    let mut inner = e;
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        if let Some(m) = c.downcast_ref::<minijinja::Error>()
            && m.line().is_some()
        {
            inner = m;
        }
        cause = c.source();
    }
    let e = inner;
    let first = builtin.first().map_or("template", |(n, _)| *n);
    let name = e.name().unwrap_or(first).to_owned();
    let overridden = dir
        .filter(|d| d.join(&name).is_file())
        .map(Path::to_path_buf);
    let source = match &overridden {
        Some(d) => std::fs::read_to_string(d.join(&name)).unwrap_or_default(),
        None => builtin
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| (*t).to_owned())
            .unwrap_or_default(),
    };
    let line = e.line().unwrap_or(1);
    let col = e
        .range()
        .map(|r| {
            let before = &source[..r.start.min(source.len())];
            before.len() - before.rfind('\n').map_or(0, |p| p + 1) + 1
        })
        .unwrap_or(1);
    TemplateError {
        name,
        line,
        col,
        message: e
            .detail()
            .map_or_else(|| e.kind().to_string(), ToOwned::to_owned),
        dir: overridden,
    }
}

#[derive(Serialize)]
pub(super) struct Link {
    pub(super) label: String,
    pub(super) anchor: String,
}

#[derive(Serialize)]
pub(super) struct Toc {
    pub(super) context: Link,
    pub(super) qa: Link,
    pub(super) clusters: Vec<Link>,
    pub(super) references: Link,
    pub(super) reference_lists: Vec<Link>,
    pub(super) validation: Link,
}

#[derive(Serialize)]
pub(super) struct Matrix {
    pub(super) heading: String,
    pub(super) cells: usize,
    pub(super) corner: String,
    pub(super) columns: Vec<String>,
    pub(super) rows: Vec<MatrixRow>,
}

#[derive(Serialize)]
pub(super) struct MatrixRow {
    pub(super) label: String,
    pub(super) cells: Vec<String>,
}

#[derive(Serialize)]
pub(super) struct PracticalView {
    pub(super) lang: String,
    pub(super) caption: Option<String>,
    pub(super) code: String,
    pub(super) fence: String,
}

#[derive(Serialize)]
pub(super) struct MetricView {
    pub(super) metric: String,
    pub(super) formula: String,
    pub(super) baseline: String,
    pub(super) optimized: String,
    pub(super) improvement: String,
    pub(super) rationale: String,
}

#[derive(Serialize)]
pub(super) struct Named {
    pub(super) name: String,
    pub(super) text: String,
}

#[derive(Serialize)]
pub(super) struct RiskView {
    pub(super) risk: String,
    pub(super) mitigation: Option<String>,
}

#[derive(Serialize)]
pub(super) struct QuestionView {
    pub(super) number: usize,
    /// The question's own id: `q-<id>` is its heading's id on the page.
    pub(super) id: String,
    /// GitHub's slug of the markdown heading, kept as an anchor on the page.
    pub(super) anchor: String,
    /// `<!-- qbank: {...} -->`: the fields the format has no place for (id, roles, ...).
    pub(super) comment: String,
    pub(super) title: String,
    pub(super) difficulty: &'static str,
    pub(super) dimension_label: String,
    pub(super) dimensions: String,
    pub(super) phase_label: String,
    pub(super) phases: String,
    pub(super) key_insight: Option<String>,
    pub(super) answer: String,
    pub(super) practical: Vec<PracticalView>,
    pub(super) diagram: Option<String>,
    pub(super) metrics: Vec<MetricView>,
    pub(super) tradeoffs: Option<String>,
    pub(super) alternatives: Vec<Named>,
    pub(super) risks: Vec<RiskView>,
    pub(super) validation: Option<String>,
}

#[derive(Serialize)]
pub(super) struct ClusterView {
    pub(super) heading: String,
    pub(super) comment: String,
    pub(super) questions: Vec<QuestionView>,
}

#[derive(Serialize)]
pub(super) struct GateRow {
    pub(super) number: u8,
    pub(super) title: String,
    pub(super) requirement: String,
    pub(super) status: &'static str,
    pub(super) evidence: String,
}

#[derive(Serialize)]
pub(super) struct Counts {
    pub(super) glossary: usize,
    pub(super) tools: usize,
    pub(super) literature: usize,
    pub(super) citations: usize,
}

#[derive(Serialize)]
pub(super) struct DocumentView {
    pub(super) title: String,
    pub(super) meta_comment: String,
    pub(super) toc: Toc,
    pub(super) scope: Vec<String>,
    pub(super) matrix: Matrix,
    pub(super) questions_total: usize,
    pub(super) clusters: Vec<ClusterView>,
    pub(super) counts: Counts,
    pub(super) glossary: Vec<String>,
    pub(super) tools: Vec<String>,
    pub(super) literature: Vec<String>,
    pub(super) citations: Vec<String>,
    pub(super) gates: Vec<GateRow>,
    pub(super) summary: String,
}

/// An HTML comment carrying model fields the spec's format has no place for, so that
/// `qbank import` reads the rendered document back without loss (invisible on GitHub).
pub(crate) fn qbank_comment(value: &serde_json::Value) -> String {
    let json = serde_json::to_string(value).unwrap_or_default();
    format!("<!-- qbank: {} -->", json.replace("-->", "--\\u003e"))
}

/// Folds a prose field onto one line (it is written after a bold label).
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A code fence longer than any run of backticks in `code`.
fn fence_for(code: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in code.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    "`".repeat((longest + 1).max(3))
}

fn link(o: &Outline, i: usize) -> Link {
    let l = &o.toc[i];
    Link {
        label: l.label.clone(),
        anchor: l.anchor.clone(),
    }
}

fn question_view(bank: &Bank, number: usize, q: &Question, anchor: String) -> QuestionView {
    let r = &bank.rubric;
    let join = |axis: &crate::model::Axis, values: &[crate::model::Sp<String>]| -> String {
        values
            .iter()
            .map(|v| axis.title(&v.value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut meta = serde_json::json!({ "id": q.id.value });
    let list = |v: &[crate::model::Sp<String>]| -> Vec<String> {
        v.iter().map(|x| x.value.clone()).collect()
    };
    if !q.roles.is_empty() {
        meta["roles"] = serde_json::json!(list(&q.roles));
    }
    if !q.methods.is_empty() {
        meta["methods"] = serde_json::json!(list(&q.methods));
    }
    if let Some(d) = &q.diagram
        && crate::import::infer_diagram(&d.mermaid.value) != d.kind.value
    {
        meta["diagram"] = serde_json::json!(d.kind.value);
    }
    QuestionView {
        number,
        id: q.id.value.clone(),
        anchor,
        comment: qbank_comment(&meta),
        title: one_line(&q.title.value),
        difficulty: q.difficulty.value.title(),
        dimension_label: r.dimensions.label.clone(),
        dimensions: join(&r.dimensions, &q.dimensions),
        phase_label: r.phases.label.clone(),
        phases: join(&r.phases, &q.phases),
        key_insight: q.key_insight.as_ref().map(|k| one_line(&k.value)),
        answer: q.answer.value.trim().to_owned(),
        practical: q
            .practical
            .iter()
            .map(|p| {
                let code = p.code.value.trim_end().to_owned();
                PracticalView {
                    lang: p.lang.value.clone(),
                    caption: p.caption.as_ref().map(|c| one_line(c)),
                    fence: fence_for(&code),
                    code,
                }
            })
            .collect(),
        diagram: q
            .diagram
            .as_ref()
            .map(|d| d.mermaid.value.trim_end().to_owned()),
        metrics: q
            .metrics
            .iter()
            .map(|m| MetricView {
                metric: cell(&m.metric.value),
                formula: cell(&m.formula.value),
                baseline: cell(&m.baseline.value),
                optimized: cell(&m.optimized.value),
                improvement: cell(&m.improvement.value),
                rationale: cell(&m.rationale.value),
            })
            .collect(),
        tradeoffs: q.tradeoffs.as_ref().map(|t| one_line(&t.value)),
        alternatives: q
            .alternatives
            .iter()
            .map(|a| Named {
                name: one_line(&a.name.value),
                text: one_line(&a.text.value),
            })
            .collect(),
        risks: q
            .risks
            .iter()
            .map(|r| RiskView {
                risk: one_line(&r.risk.value),
                mitigation: r.mitigation.as_ref().map(|m| one_line(&m.value)),
            })
            .collect(),
        validation: q.validation.as_ref().map(|v| one_line(&v.value)),
    }
}

fn lang_tag(lang: Option<&crate::model::Sp<String>>) -> String {
    lang.map_or_else(String::new, |l| {
        format!(" [{}]", l.value.trim().to_uppercase())
    })
}

/// "Label: value." pieces for the present fields.
fn labelled(parts: &[(&str, Option<&str>)]) -> String {
    parts
        .iter()
        .filter_map(|(label, v)| {
            let v = one_line((*v)?);
            if v.is_empty() {
                return None;
            }
            let end = if v.ends_with(['.', '!', '?']) {
                ""
            } else {
                "."
            };
            Some(format!("{label}: {v}{end}"))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// How a list is written after a label so that the importer splits it back exactly:
/// `, ` between items, or `; ` when an item holds a comma; always a final period.
pub(crate) fn visible_list(items: &[String]) -> String {
    let sep = if items.iter().any(|i| i.contains(',')) {
        "; "
    } else {
        ", "
    };
    format!("{}.", items.join(sep))
}

/// One literature or citation entry: the APA string, then every measured value the APA
/// string does not show as a labelled part (a URL beside the DOI, the archived copy, a
/// date more precise than the year the style prints, the source type), then the
/// literature's coverage, and last a comment with only the structured fields the
/// visible text cannot give back (see [`source_comment`]).
fn source_line(
    s: &Source,
    apa: &std::collections::HashMap<String, String>,
    literature: bool,
) -> String {
    let text = apa.get(&s.id.value).cloned().unwrap_or_else(|| {
        let title = s.title.as_ref().map_or("", |t| t.value.as_str());
        let names = if s.authors.is_empty() && !s.editors.is_empty() {
            let eds = if s.editors.len() == 1 { "Ed." } else { "Eds." };
            format!("{} ({eds}).", s.editors.join(", "))
        } else {
            s.authors.join(", ")
        };
        format!(
            "{names} ({}). {title}.",
            s.year()
                .map_or_else(|| "n.d.".to_owned(), |y| y.to_string())
        )
    });
    let mut body = format!("{text}{}", lang_tag(s.lang.as_ref()));
    let shown = crate::import::apa::parse(&body);
    if s.doi.is_some()
        && let Some(u) = &s.url
    {
        body.push_str(&format!(" URL: <{}>", u.value.trim()));
    }
    if let Some(a) = &s.archived {
        body.push_str(&format!(" Archived: <{}>", a.value.trim()));
    }
    if let Some(d) = &s.date
        && shown.date.as_deref() != Some(d.value.to_string().as_str())
    {
        body.push_str(&format!(" Published: {}.", d.value));
    }
    body.push_str(&format!(" Type: {}.", s.kind.value.as_str()));
    if literature {
        let extra = labelled(&[
            ("Coverage", s.coverage.as_deref()),
            ("Key sections", s.key_sections.as_deref()),
        ]);
        if !extra.is_empty() {
            body.push(' ');
            body.push_str(&extra);
        }
    }
    let mut line = format!("**{}.** {body}", s.id.value);
    if let Some(c) = source_comment(s, &body) {
        line.push_str("\n\n");
        line.push_str(&c);
    }
    line
}

/// The structured fields of a source that its visible entry does not give back exactly
/// when read by the importer (a container the style does not print, translators'
/// names, ...), as a comment; `None` when the visible text says it all. Measured values
/// (year, date, DOI, URL, archive, type, language) are always visible and never here.
fn source_comment(s: &Source, visible: &str) -> Option<String> {
    let back = crate::import::visible_source(s.id.clone(), visible, s.file);
    let mine = serde_json::to_value(s).unwrap_or_default();
    let theirs = serde_json::to_value(&back).unwrap_or_default();
    let mut out = serde_json::Map::new();
    for k in crate::import::STRUCTURAL_SOURCE_FIELDS {
        if mine.get(k) == theirs.get(k) {
            continue;
        }
        // A value the text seems to hold but the source does not have is written as
        // none (`null`, or `[]` for a list), so it is not read back.
        let v = mine.get(k).cloned().unwrap_or_else(|| {
            if matches!(*k, "authors" | "editors" | "translators") {
                serde_json::json!([])
            } else {
                serde_json::Value::Null
            }
        });
        out.insert((*k).to_owned(), v);
    }
    (!out.is_empty()).then(|| qbank_comment(&serde_json::Value::Object(out)))
}

pub(super) fn view(bank: &Bank, gates: &[GateResult]) -> DocumentView {
    let o = outline::outline(bank);
    // The question headings' GitHub slugs, in document order.
    let slugs = o.anchors();
    let mut question_slugs = o
        .headings
        .iter()
        .zip(slugs)
        .filter(|(h, _)| h.level == 4)
        .map(|(_, s)| s);
    // toc order: context, qa, clusters..., references, 4 lists, validation.
    let n_clusters = bank.meta.clusters.len();
    let toc = Toc {
        context: link(&o, 0),
        qa: link(&o, 1),
        clusters: (0..n_clusters).map(|i| link(&o, 2 + i)).collect(),
        references: link(&o, 2 + n_clusters),
        reference_lists: (0..4).map(|i| link(&o, 3 + n_clusters + i)).collect(),
        validation: link(&o, 7 + n_clusters),
    };
    let scope = &bank.meta.scope;
    let mut scope_lines = Vec::new();
    let mut add = |label: &str, v: Option<String>| {
        if let Some(v) = v.filter(|v| !v.trim().is_empty()) {
            scope_lines.push(format!("**{label}**: {}", one_line(&v)));
        }
    };
    add(
        "Domain",
        (!scope.domain.is_empty()).then(|| scope.domain.join(", ")),
    );
    add(
        "Audience",
        (!scope.audience.is_empty()).then(|| scope.audience.join(", ")),
    );
    add("Constraints", scope.constraints.clone());
    add("Assumptions", scope.assumptions.clone());
    add("In Scope", scope.in_scope.clone());
    add("Out of Scope", scope.out_of_scope.clone());
    add("As of", Some(bank.meta.as_of.value.to_string()));

    let r = &bank.rubric;
    let rows = r
        .dimensions
        .values
        .iter()
        .map(|d| MatrixRow {
            label: d.title.clone(),
            cells: r
                .phases
                .values
                .iter()
                .map(|p| {
                    let qs: Vec<String> = bank
                        .questions
                        .iter()
                        .enumerate()
                        .filter(|(_, q)| {
                            // The cells gate 2 counts: at most `max_cells_per_question`.
                            let dims: Vec<&str> =
                                q.dimensions.iter().map(|x| x.value.as_str()).collect();
                            let phases: Vec<&str> =
                                q.phases.iter().map(|x| x.value.as_str()).collect();
                            let di = r.dimensions.ids().iter().position(|x| *x == d.id);
                            let pj = r.phases.ids().iter().position(|x| *x == p.id);
                            di.zip(pj)
                                .is_some_and(|cell| r.cells(&dims, &phases).0.contains(&cell))
                        })
                        .map(|(i, _)| format!("Q{}", i + 1))
                        .collect();
                    if qs.is_empty() {
                        "—".to_owned()
                    } else {
                        qs.join(", ")
                    }
                })
                .collect(),
        })
        .collect();
    let matrix = Matrix {
        heading: outline::matrix_heading(bank),
        cells: r.dimensions.values.len() * r.phases.values.len(),
        corner: format!("{} \\ {}", r.dimensions.label, r.phases.label),
        columns: r.phases.values.iter().map(|p| p.title.clone()).collect(),
        rows,
    };
    let clusters = bank
        .by_cluster()
        .into_iter()
        .enumerate()
        .map(|(i, (c, qs))| {
            let (first, last) = (qs.first().map_or(0, |q| q.0), qs.last().map_or(0, |q| q.0));
            ClusterView {
                heading: outline::cluster_heading(i + 1, &c.title.value, first, last),
                comment: qbank_comment(&serde_json::json!({ "cluster": c.id.value })),
                questions: qs
                    .into_iter()
                    .map(|(n, q)| {
                        let anchor = question_slugs.next().unwrap_or_default();
                        question_view(bank, n, q, anchor)
                    })
                    .collect(),
            }
        })
        .collect();
    let sources: Vec<&Source> = bank.literature.iter().chain(&bank.citations).collect();
    let apa = super::apa::references(&sources);
    let glossary = bank
        .glossary
        .iter()
        .map(|g| {
            let body = labelled(&[
                ("Definition", g.definition.as_deref()),
                ("Formula", g.formula.as_deref()),
                ("Targets", g.targets.as_deref()),
                ("Distinctions", g.distinctions.as_deref()),
                ("When to use", g.when_to_use.as_deref()),
            ]);
            // Aliases are visible right after the term: gate 19 resolves `[G: USL]`
            // through them, so a reader must see them too.
            let also = if g.aliases.is_empty() {
                String::new()
            } else {
                let items: Vec<String> = g.aliases.iter().map(|a| one_line(a)).collect();
                format!("Also: {} ", visible_list(&items))
            };
            let term = one_line(&g.term.value);
            let mut line = format!(
                "**{}. {term}**{}: {also}{body}",
                g.id.value,
                lang_tag(g.lang.as_ref())
            );
            // Whether the term is an acronym has no visible form; the comment says so
            // only where the term's spelling does not.
            if g.acronym != crate::import::looks_like_acronym(&term) {
                line.push_str("\n\n");
                line.push_str(&qbank_comment(&serde_json::json!({ "acronym": g.acronym })));
            }
            line
        })
        .collect();
    let tools = bank
        .tools
        .iter()
        .map(|t| {
            let integrations = (!t.integrations.is_empty()).then(|| visible_list(&t.integrations));
            let update = t.last_update.as_ref().map(|u| u.value.to_string());
            let mut line = format!(
                "**{}. {}**{}: {}",
                t.id.value,
                one_line(&t.name.value),
                t.category
                    .as_ref()
                    .map(|c| format!(" ({})", one_line(c)))
                    .unwrap_or_default(),
                labelled(&[
                    ("Purpose", t.purpose.as_deref()),
                    ("Pricing", t.pricing.as_deref()),
                    ("Last update", update.as_deref()),
                    ("Integrations", integrations.as_deref()),
                    ("Use cases", t.use_cases.as_deref()),
                    ("Limitations", t.limitations.as_deref()),
                ])
            );
            if let Some(u) = &t.url {
                line.push_str(&format!(" URL: <{}>", u.value.trim()));
            }
            if let Some(a) = &t.archived {
                line.push_str(&format!(" Archived: <{}>", a.value.trim()));
            }
            line
        })
        .collect();
    // The as-of date is a line of Context & Coverage (gates 15 and 17 measure from it);
    // the comment keeps only what the format has no place for.
    let mut meta = serde_json::json!({ "slug": bank.meta.slug.value });
    if let Some(r) = &bank.meta.rubric {
        meta["rubric"] = serde_json::json!(r.value);
    }
    DocumentView {
        meta_comment: qbank_comment(&meta),
        title: one_line(&bank.meta.title.value),
        toc,
        scope: scope_lines,
        matrix,
        questions_total: bank.questions.len(),
        clusters,
        counts: Counts {
            glossary: bank.glossary.len(),
            tools: bank.tools.len(),
            literature: bank.literature.len(),
            citations: bank.citations.len(),
        },
        glossary,
        tools,
        literature: bank
            .literature
            .iter()
            .map(|s| source_line(s, &apa, true))
            .collect(),
        citations: bank
            .citations
            .iter()
            .map(|s| source_line(s, &apa, false))
            .collect(),
        gates: gates
            .iter()
            .map(|g| GateRow {
                number: g.number,
                title: cell(&g.title),
                requirement: cell(&g.requirement),
                status: g.status.as_str(),
                evidence: cell(&g.evidence),
            })
            .collect(),
        summary: summary_line(gates),
    }
}

/// Renders the document for `bank` with its measured `gates`.
pub fn render(
    bank: &Bank,
    gates: &[GateResult],
    templates: Option<&Path>,
) -> Result<String, TemplateError> {
    let env = environment(templates);
    let tmpl = env
        .get_template("document.md.j2")
        .map_err(|e| template_error(&e, templates))?;
    let text = tmpl
        .render(minijinja::value::Serde(view(bank, gates)))
        .map_err(|e| template_error(&e, templates))?;
    Ok(tidy(&text))
}

/// Normalises whitespace: one blank line between blocks, no trailing spaces except the
/// two-space line breaks of the scope and question header lines, one final newline.
/// Code blocks keep their inner blank lines.
pub(crate) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut fence: Option<String> = None;
    let mut blank_run = 0;
    for raw in text.lines() {
        let trimmed_start = raw.trim_start();
        let line = match &fence {
            Some(_) => raw.trim_end(),
            None if raw.ends_with("  ") && !raw.trim().is_empty() && !raw.ends_with("   ") => raw,
            None => raw.trim_end(),
        };
        if let Some(f) = &fence {
            if trimmed_start.starts_with(f.as_str())
                && trimmed_start.trim_end().chars().all(|c| c == '`')
            {
                fence = None;
            }
            out.push_str(line);
            out.push('\n');
            continue;
        }
        if trimmed_start.starts_with("```") {
            let ticks: String = trimmed_start.chars().take_while(|c| *c == '`').collect();
            fence = Some(ticks);
        }
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_collapses_blank_lines_outside_code_only() {
        let t = "a  \nb\n\n\n\nc   \n```yaml\nx: 1\n\n\ny: 2   \n```\n\n\nd\n\n";
        assert_eq!(tidy(t), "a  \nb\n\nc\n```yaml\nx: 1\n\n\ny: 2\n```\n\nd\n");
    }

    #[test]
    fn visible_lists_split_back_exactly() {
        for items in [
            vec![
                "Prometheus".to_owned(),
                "Grafana".to_owned(),
                "CI/CD".to_owned(),
            ],
            vec!["Grafana, Loki".to_owned(), "k6".to_owned()],
        ] {
            let shown = visible_list(&items);
            assert_eq!(crate::import::split_list(&shown), items, "{shown}");
        }
        assert_eq!(visible_list(&["a, b".to_owned()]), "a, b.");
    }

    #[test]
    fn fences_outgrow_backticks_in_code() {
        assert_eq!(fence_for("plain"), "```");
        assert_eq!(fence_for("a ``` b"), "````");
    }
}
