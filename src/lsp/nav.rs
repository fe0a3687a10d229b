//! Navigation: what a `[Ref: X]`, `[G: Term]` or reference id under the cursor names, its
//! entry (hover, definition), the places that cite it (references), and the symbols of a
//! file and of the workspace.

use std::collections::HashMap;
use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

use lsp_types as lsp;
use regex::Regex;

use super::Server;
use super::convert::{lsp_location, range_of, uri_of};
use crate::diagnostic::Location;
use crate::gates::RefIndex;
use crate::model::{Bank, FileId, Pos};
use crate::position::Lines;
use crate::text::{self, RefTarget};

/// One entry of a bank's references: a glossary term, a tool, a source or another list's.
pub(super) struct Entry {
    pub id: String,
    /// Its list: `glossary`, `tool`, `literature`, `citation`, ...
    pub kind: String,
    /// What it is called: the term, the tool's name, the source's title.
    pub label: String,
    pub at: Location,
    /// The entry as markdown (sources in APA 7th).
    pub doc: String,
}

/// A bank's entries by id, and the index `[Ref: ..]`/`[G: ..]` resolve against (the one
/// gate 7 uses).
pub(super) struct Entries {
    pub list: Vec<Entry>,
    by_id: HashMap<String, usize>,
    pub refs: RefIndex,
}

impl Entries {
    pub(super) fn of(bank: &Bank) -> Entries {
        let at = |file: FileId, pos: Pos| Location::of(&bank.sources, file, pos);
        let mut list = Vec::new();
        for g in &bank.glossary {
            let mut doc = format!("**{}** (`{}`, glossary)", g.term.value, g.id.value);
            if !g.aliases.is_empty() {
                doc.push_str(&format!("\n\nAlso: {}", g.aliases.join(", ")));
            }
            for (label, v) in [
                ("", &g.definition),
                ("Formula: ", &g.formula),
                ("Targets: ", &g.targets),
                ("Distinctions: ", &g.distinctions),
                ("When to use: ", &g.when_to_use),
            ] {
                if let Some(v) = v {
                    doc.push_str(&format!("\n\n{label}{}", v.trim()));
                }
            }
            list.push(Entry {
                id: g.id.value.clone(),
                kind: "glossary".into(),
                label: g.term.value.clone(),
                at: at(g.file, g.id.pos),
                doc,
            });
        }
        for t in &bank.tools {
            let mut doc = format!("**{}** (`{}`, tool)", t.name.value, t.id.value);
            for (label, v) in [
                ("Category: ", &t.category),
                ("", &t.purpose),
                ("Limitations: ", &t.limitations),
            ] {
                if let Some(v) = v {
                    doc.push_str(&format!("\n\n{label}{}", v.trim()));
                }
            }
            if let Some(u) = &t.url {
                doc.push_str(&format!("\n\n<{}>", u.value));
            }
            list.push(Entry {
                id: t.id.value.clone(),
                kind: "tool".into(),
                label: t.name.value.clone(),
                at: at(t.file, t.id.pos),
                doc,
            });
        }
        let sources: Vec<&crate::model::Source> =
            bank.literature.iter().chain(&bank.citations).collect();
        let apa = crate::render::apa::references(&sources);
        for (kind, list_of) in [
            ("literature", &bank.literature),
            ("citation", &bank.citations),
        ] {
            for s in list_of {
                let text = apa.get(&s.id.value).cloned().unwrap_or_default();
                let title = s
                    .title
                    .as_ref()
                    .map_or_else(|| s.id.value.clone(), |t| t.value.clone());
                list.push(Entry {
                    id: s.id.value.clone(),
                    kind: kind.into(),
                    label: title,
                    at: at(s.file, s.id.pos),
                    doc: format!("`{}` ({kind})\n\n{text}", s.id.value),
                });
            }
        }
        for r in &bank.other_refs {
            list.push(Entry {
                id: r.id.value.clone(),
                kind: r.kind.clone(),
                label: r.text.value.clone(),
                at: at(r.file, r.id.pos),
                doc: format!("`{}` ({})\n\n{}", r.id.value, r.kind, r.text.value),
            });
        }
        let by_id = list
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        Entries {
            list,
            by_id,
            refs: RefIndex::new(bank),
        }
    }

    pub(super) fn get(&self, id: &str) -> Option<&Entry> {
        self.by_id.get(id).map(|&i| &self.list[i])
    }
}

/// Each item of the reference bracket at `span` of `text`: its byte range and target.
/// `[Ref: A1, L2]` has two, `[G: p99]` one, bare `[G1, T2]` two.
pub(super) fn items(text: &str, span: Range<usize>) -> Vec<(Range<usize>, RefTarget)> {
    let b = &text[span.clone()];
    let inner = match b.find(':') {
        Some(i) if b[1..i].trim().chars().all(|c| c.is_ascii_alphabetic()) => i + 1,
        _ => 1,
    };
    let head = b[1..inner].trim_end_matches(':').trim();
    let body = span.start + inner..span.end - 1;
    let trimmed = |r: Range<usize>| {
        let s = &text[r.clone()];
        let lead = s.len() - s.trim_start().len();
        r.start + lead..r.start + lead + s.trim().len()
    };
    if head == "G" {
        let r = trimmed(body);
        return vec![(r.clone(), RefTarget::Term(text[r].to_owned()))];
    }
    let mut out = Vec::new();
    let mut start = body.start;
    for (i, c) in text[body.clone()].char_indices() {
        if c == ',' || c == ';' {
            out.push(trimmed(start..body.start + i));
            start = body.start + i + 1;
        }
    }
    out.push(trimmed(start..body.end));
    out.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| (r.clone(), RefTarget::Id(text[r].to_owned())))
        .collect()
}

static ID_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"^\s*(?:-\s+)?id:\s*["']?([A-Za-z0-9_-]+)"#).expect("valid regex")
});

/// What the cursor at byte `offset` of `text` stands on: an item of a reference bracket,
/// or the value of an `id:` line; with its byte range.
pub(super) fn target_at(text: &str, offset: usize) -> Option<(Range<usize>, RefTarget)> {
    let lines = Lines::new(text);
    let (line_no, _) = lines.line_col(offset);
    let (line, start) = lines.line(line_no)?;
    // Reference brackets never span lines: scan the cursor's line only.
    for u in text::refs(line) {
        let span = start + u.span.start..start + u.span.end;
        if span.start <= offset && offset <= span.end {
            return items(text, span)
                .into_iter()
                .find(|(r, _)| r.start <= offset && offset <= r.end);
        }
    }
    let caps = ID_LINE.captures(line)?;
    let m = caps.get(1)?;
    let r = start + m.start()..start + m.end();
    (r.start <= offset && offset <= r.end).then(|| (r, RefTarget::Id(m.as_str().to_owned())))
}

/// Every use in `texts` of the entry `id`: the item's location.
pub(super) fn uses_of(
    texts: &crate::report::Texts,
    entries: &Entries,
    id: &str,
) -> Vec<lsp::Location> {
    let mut files: Vec<&std::path::PathBuf> = texts.keys().collect();
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = &texts[f];
        let uses = text::refs(text);
        if uses.is_empty() {
            continue;
        }
        let Some(uri) = uri_of(f) else {
            continue;
        };
        let lines = Lines::new(text);
        let mut last = None;
        for u in uses {
            // `[Ref: A1, L2]` gives one use per item with the bracket's span: read the
            // bracket's items once.
            if last == Some(u.span.clone()) {
                continue;
            }
            last = Some(u.span.clone());
            for (r, target) in items(text, u.span.clone()) {
                if entries.refs.resolve(&target).as_deref() == Some(id) {
                    out.push(lsp::Location::new(uri.clone(), range_of(&lines, r)));
                }
            }
        }
    }
    out
}

impl Server {
    /// The entry under the cursor, with the range of the text naming it.
    fn entry_at(
        &mut self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Option<(Entries, String, lsp::Range)> {
        let path = super::path_of(&pos.text_document.uri)?;
        let text = self.text_of(&path)?;
        let lines = Lines::new(&text);
        let offset = lines.offset_utf16(pos.position.line, pos.position.character)?;
        let (range, target) = target_at(&text, offset)?;
        let bank = self.analysis_of(&path)?.bank.as_ref()?;
        let entries = Entries::of(bank);
        let id = entries.refs.resolve(&target)?;
        Some((entries, id, range_of(&lines, range)))
    }

    pub(super) fn hover(&mut self, pos: &lsp::TextDocumentPositionParams) -> Option<lsp::Hover> {
        if let Some((entries, id, range)) = self.entry_at(pos) {
            let e = entries.get(&id)?;
            return Some(lsp::Hover {
                contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: e.doc.clone(),
                }),
                range: Some(range),
            });
        }
        self.hover_finding(pos)
    }

    /// On a finding with a registered code: the code's documentation.
    fn hover_finding(&mut self, pos: &lsp::TextDocumentPositionParams) -> Option<lsp::Hover> {
        let path = super::path_of(&pos.text_document.uri)?;
        let input = self.input_of(&path)?;
        let a = self.analysis_of(&path)?;
        if !a.is_input(&input) {
            return None;
        }
        let line = pos.position.line + 1;
        let code = a
            .report
            .all_diagnostics()
            .filter(|d| {
                d.location
                    .as_ref()
                    .is_some_and(|l| l.file == path && l.line == line)
            })
            .find_map(|d| crate::codes::Code::from_name(&d.code))?;
        Some(lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: crate::numbers::explain(code).unwrap_or_else(|| code.doc()),
            }),
            range: None,
        })
    }

    pub(super) fn definition(
        &mut self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Option<lsp::GotoDefinitionResponse> {
        let (entries, id, _) = self.entry_at(pos)?;
        let path = super::path_of(&pos.text_document.uri)?;
        let e = entries.get(&id)?;
        let a = self.analysis_of(&path)?;
        let loc = lsp_location(&a.texts, &e.at)?;
        Some(lsp::GotoDefinitionResponse::Scalar(loc))
    }

    pub(super) fn references(&mut self, p: &lsp::ReferenceParams) -> Option<Vec<lsp::Location>> {
        let pos = &p.text_document_position;
        let (entries, id, _) = self.entry_at(pos)?;
        let path = super::path_of(&pos.text_document.uri)?;
        let a = self.analysis_of(&path)?;
        let mut out = Vec::new();
        if p.context.include_declaration
            && let Some(l) = entries.get(&id).and_then(|e| lsp_location(&a.texts, &e.at))
        {
            out.push(l);
        }
        out.extend(uses_of(&a.texts, &entries, &id));
        Some(out)
    }

    pub(super) fn document_symbols(
        &mut self,
        uri: &lsp::Uri,
    ) -> Option<lsp::DocumentSymbolResponse> {
        let path = super::path_of(uri)?;
        let a = self.analysis_of(&path)?;
        let bank = a.bank.as_ref()?;
        let text = a.texts.get(&path)?;
        let lines = Lines::new(text);
        let in_file = |file: FileId| bank.sources.path(file) == path;
        let sym = |name: String, detail: Option<String>, kind, pos: Pos| {
            let r = line_range(&lines, pos.line);
            #[allow(deprecated)]
            lsp::DocumentSymbol {
                name,
                detail,
                kind,
                tags: None,
                deprecated: None,
                range: r,
                selection_range: r,
                children: None,
            }
        };
        let question = |q: &crate::model::Question| {
            sym(
                q.title.value.clone(),
                Some(q.id.value.clone()),
                lsp::SymbolKind::STRUCT,
                q.title.pos,
            )
        };
        let mut out = Vec::new();
        let questions: Vec<&crate::model::Question> =
            bank.questions.iter().filter(|q| in_file(q.file)).collect();
        if in_file(bank.meta_file) {
            for c in &bank.meta.clusters {
                let mut s = sym(
                    c.title.value.clone(),
                    Some(c.id.value.clone()),
                    lsp::SymbolKind::MODULE,
                    c.id.pos,
                );
                // A document holds its clusters' questions: nest them.
                let children: Vec<lsp::DocumentSymbol> = questions
                    .iter()
                    .filter(|q| q.cluster.value == c.id.value)
                    .map(|q| question(q))
                    .collect();
                if let Some(last) = children.last() {
                    s.range.end = s.range.end.max(last.range.end);
                    s.children = Some(children);
                }
                out.push(s);
            }
        }
        let nested = in_file(bank.meta_file);
        for q in &questions {
            if !nested
                || !bank
                    .meta
                    .clusters
                    .iter()
                    .any(|c| c.id.value == q.cluster.value)
            {
                out.push(question(q));
            }
        }
        let entries = Entries::of(bank);
        for e in &entries.list {
            if e.at.file == path {
                let p = Pos {
                    line: e.at.line,
                    col: e.at.col,
                    offset: 0,
                };
                out.push(sym(
                    format!("{} {}", e.id, e.label),
                    Some(e.kind.clone()),
                    lsp::SymbolKind::KEY,
                    p,
                ));
            }
        }
        Some(lsp::DocumentSymbolResponse::Nested(out))
    }

    pub(super) fn workspace_symbols(&mut self, query: &str) -> lsp::WorkspaceSymbolResponse {
        self.load_all();
        let query = query.to_lowercase();
        let matches = |s: &str| query.is_empty() || s.to_lowercase().contains(&query);
        let mut out = Vec::new();
        let mut inputs: Vec<&crate::load::Input> = self.analyses.keys().collect();
        inputs.sort();
        for input in inputs {
            let a = &self.analyses[input];
            let Some(bank) = &a.bank else {
                continue;
            };
            let mut push = |name: String, kind, container: Option<String>, at: Location| {
                if out.len() < 1000
                    && matches(&name)
                    && let Some(location) = lsp_location(&a.texts, &at)
                {
                    out.push(lsp::WorkspaceSymbol {
                        name,
                        kind,
                        tags: None,
                        container_name: container,
                        location: lsp::OneOf::Left(location),
                        data: None,
                    });
                }
            };
            let slug = Some(bank.meta.slug.value.clone());
            for c in &bank.meta.clusters {
                push(
                    format!("{} ({})", c.title.value, c.id.value),
                    lsp::SymbolKind::MODULE,
                    slug.clone(),
                    Location::of(&bank.sources, bank.meta_file, c.id.pos),
                );
            }
            for q in &bank.questions {
                push(
                    format!("{} ({})", q.title.value, q.id.value),
                    lsp::SymbolKind::STRUCT,
                    Some(q.cluster.value.clone()),
                    Location::of(&bank.sources, q.file, q.title.pos),
                );
            }
            for e in Entries::of(bank).list {
                push(
                    format!("{} {}", e.id, e.label),
                    lsp::SymbolKind::KEY,
                    Some(e.kind),
                    e.at,
                );
            }
        }
        lsp::WorkspaceSymbolResponse::Nested(out)
    }
}

/// The range of 1-based line `line` (the first line when unknown).
fn line_range(lines: &Lines<'_>, line: u32) -> lsp::Range {
    match lines.line(line.max(1)) {
        Some((t, start)) => range_of(lines, start..start + t.len()),
        None => lsp::Range::default(),
    }
}

/// Whether `path` is a YAML file.
pub(super) fn is_yaml(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "yaml" || x == "yml")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str) -> Vec<(String, String)> {
        text::refs(text)
            .into_iter()
            .flat_map(|u| items(text, u.span))
            .map(|(r, t)| {
                let t = match t {
                    RefTarget::Id(s) => format!("id {s}"),
                    RefTarget::Term(s) => format!("term {s}"),
                };
                (text[r].to_owned(), t)
            })
            .collect()
    }

    #[test]
    fn bracket_items_have_their_own_ranges() {
        let got = ids("see [Ref: A1, L2] and [G: p99 latency] or [G1, T2].");
        let want: Vec<(String, String)> = [
            ("A1", "id A1"),
            ("L2", "id L2"),
            ("A1", "id A1"),
            ("L2", "id L2"),
            ("p99 latency", "term p99 latency"),
            ("G1", "id G1"),
            ("T2", "id T2"),
            ("G1", "id G1"),
            ("T2", "id T2"),
        ]
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
        // `refs` gives one use per item, each with the whole bracket: items repeat.
        assert_eq!(got, want);
    }

    #[test]
    fn the_cursor_finds_the_item_it_stands_on() {
        let text = "answer: x [Ref: A1, L2]\n- id: G3\n";
        let at = |needle: &str| text.find(needle).unwrap() + 1;
        let (r, t) = target_at(text, at("L2")).unwrap();
        assert_eq!((&text[r], t), ("L2", RefTarget::Id("L2".into())));
        let (r, _) = target_at(text, at("A1")).unwrap();
        assert_eq!(&text[r], "A1");
        let (r, t) = target_at(text, at("G3")).unwrap();
        assert_eq!((&text[r], t), ("G3", RefTarget::Id("G3".into())));
        assert_eq!(target_at(text, 2), None, "on `answer`, nothing");
    }
}
