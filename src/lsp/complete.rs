//! Completion: reference ids inside `[Ref: ...]`, glossary terms inside `[G: ...]`, and
//! the values a question's enumerated fields take (difficulty, cluster, and dimensions,
//! phases, roles and methods from the rubric in force).

use std::sync::LazyLock;

use lsp_types as lsp;
use regex::Regex;

use super::Server;
use super::convert::range_of;
use super::nav::{Entries, is_yaml};
use crate::model::{Bank, Difficulty, Rubric};
use crate::position::Lines;

/// What the text before the cursor asks for.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Want {
    /// An id inside `[Ref: ...`.
    Id,
    /// A term inside `[G: ...`.
    Term,
    /// A value of a question field (`difficulty`, `cluster`, `dimensions`, ...).
    Field(&'static str),
}

static IN_REF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[(?:Ref|Refs|ref|REF)\s*:[^\]]*$").expect("valid regex"));
static IN_TERM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[G\s*:\s*([^\]]*)$").expect("valid regex"));
static SCALAR_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(difficulty|cluster):\s*[A-Za-z0-9_-]*$").expect("valid regex")
});
static FLOW_LIST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(dimensions|phases|roles|methods):\s*\[[^\]]*$").expect("valid regex")
});
static LIST_ITEM: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*-\s*[A-Za-z0-9_-]*$").expect("valid regex"));
static LIST_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(dimensions|phases|roles|methods):\s*(?:#.*)?$").expect("valid regex")
});

fn field(name: &str) -> &'static str {
    match name {
        "difficulty" => "difficulty",
        "cluster" => "cluster",
        "dimensions" => "dimensions",
        "phases" => "phases",
        "roles" => "roles",
        _ => "methods",
    }
}

/// What to complete at the end of `before` (the line up to the cursor), given the lines
/// above it (`above`, nearest last) and whether the file is YAML.
pub(super) fn want<'a>(
    before: &str,
    above: impl DoubleEndedIterator<Item = &'a str>,
    yaml: bool,
) -> Option<Want> {
    if IN_TERM.is_match(before) {
        return Some(Want::Term);
    }
    if IN_REF.is_match(before) {
        return Some(Want::Id);
    }
    if !yaml {
        return None;
    }
    if let Some(c) = SCALAR_FIELD.captures(before) {
        return Some(Want::Field(field(&c[1])));
    }
    if let Some(c) = FLOW_LIST.captures(before) {
        return Some(Want::Field(field(&c[1])));
    }
    if LIST_ITEM.is_match(before) {
        // The key this item belongs to: the nearest line above that is not an item.
        for l in above.rev() {
            let t = l.trim();
            if t.is_empty() || t.starts_with('-') || t.starts_with('#') {
                continue;
            }
            return LIST_KEY.captures(l).map(|c| Want::Field(field(&c[1])));
        }
    }
    None
}

/// The values of a field, each with a detail.
fn values(field: &str, bank: Option<&Bank>, rubric: &Rubric) -> Vec<(String, String)> {
    match field {
        "difficulty" => Difficulty::ALL
            .iter()
            .map(|d| (d.as_str().to_owned(), String::new()))
            .collect(),
        "cluster" => bank.map_or_else(Vec::new, |b| {
            b.meta
                .clusters
                .iter()
                .map(|c| (c.id.value.clone(), c.title.value.clone()))
                .collect()
        }),
        "dimensions" => rubric
            .dimensions
            .values
            .iter()
            .map(|v| (v.id.clone(), v.title.clone()))
            .collect(),
        "phases" => rubric
            .phases
            .values
            .iter()
            .map(|v| (v.id.clone(), v.title.clone()))
            .collect(),
        "roles" => rubric
            .roles
            .iter()
            .map(|v| (v.id.clone(), v.title.clone()))
            .collect(),
        _ => rubric
            .methods
            .iter()
            .map(|v| (v.id.clone(), v.title.clone()))
            .collect(),
    }
}

impl Server {
    pub(super) fn completion(
        &mut self,
        pos: &lsp::TextDocumentPositionParams,
    ) -> Option<lsp::CompletionResponse> {
        let path = super::path_of(&pos.text_document.uri)?;
        let text = self.text_of(&path)?;
        let lines = Lines::new(&text);
        let offset = lines.offset_utf16(pos.position.line, pos.position.character)?;
        let (line, start) = lines.line(pos.position.line + 1)?;
        let before = &line[..offset - start];
        let above = (1..=pos.position.line).filter_map(|l| lines.line(l).map(|(t, _)| t));
        let want = want(before, above, is_yaml(&path))?;
        // The partial word before the cursor is replaced.
        let word_start = match want {
            Want::Term => {
                let open = before.rfind(':').map_or(0, |i| i + 1);
                open + (before[open..].len() - before[open..].trim_start().len())
            }
            _ => before
                .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
                .map_or(0, |i| i + 1),
        };
        let range = range_of(&lines, start + word_start..offset);
        let a = self.analysis_of(&path)?;
        let bank = a.bank.as_ref();
        let default_rubric;
        let rubric: &Rubric = match bank {
            Some(b) => &b.rubric,
            None => {
                default_rubric = Rubric::default_shared();
                &default_rubric
            }
        };
        let item = |label: String, detail: String, doc: Option<String>, kind| lsp::CompletionItem {
            label: label.clone(),
            kind: Some(kind),
            detail: (!detail.is_empty()).then_some(detail),
            documentation: doc.map(|d| {
                lsp::Documentation::MarkupContent(lsp::MarkupContent {
                    kind: lsp::MarkupKind::Markdown,
                    value: d,
                })
            }),
            text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
                range, label,
            ))),
            ..Default::default()
        };
        let mut items = Vec::new();
        match want {
            Want::Id | Want::Term => {
                let entries = Entries::of(bank?);
                for e in &entries.list {
                    if want == Want::Id {
                        items.push(item(
                            e.id.clone(),
                            format!("{}: {}", e.kind, e.label),
                            Some(e.doc.clone()),
                            lsp::CompletionItemKind::REFERENCE,
                        ));
                    } else if e.kind == "glossary" {
                        items.push(item(
                            e.label.clone(),
                            e.id.clone(),
                            Some(e.doc.clone()),
                            lsp::CompletionItemKind::TEXT,
                        ));
                        for g in bank?.glossary.iter().filter(|g| g.id.value == e.id) {
                            for alias in &g.aliases {
                                items.push(item(
                                    alias.clone(),
                                    format!("{} ({})", e.label, e.id),
                                    None,
                                    lsp::CompletionItemKind::TEXT,
                                ));
                            }
                        }
                    }
                }
            }
            Want::Field(f) => {
                for (v, detail) in values(f, bank, rubric) {
                    items.push(item(v, detail, None, lsp::CompletionItemKind::ENUM_MEMBER));
                }
            }
        }
        Some(lsp::CompletionResponse::Array(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(before: &str, above: &[&str], yaml: bool) -> Option<Want> {
        want(before, above.iter().copied(), yaml)
    }

    #[test]
    fn brackets_ask_for_ids_and_terms() {
        assert_eq!(w("rose [Ref: A1, ", &[], true), Some(Want::Id));
        assert_eq!(w("rose [Ref: L", &[], false), Some(Want::Id));
        assert_eq!(w("per [G: p9", &[], false), Some(Want::Term));
        assert_eq!(
            w("done [Ref: A1] and ", &[], true),
            None,
            "a closed bracket"
        );
        assert_eq!(w("plain text", &[], false), None);
    }

    #[test]
    fn fields_ask_for_their_values() {
        assert_eq!(
            w("difficulty: adv", &[], true),
            Some(Want::Field("difficulty"))
        );
        assert_eq!(w("cluster: ", &[], true), Some(Want::Field("cluster")));
        assert_eq!(
            w("phases: [detect, ", &[], true),
            Some(Want::Field("phases"))
        );
        assert_eq!(
            w("  - ", &["id: x", "dimensions:", "  - latency"], true),
            Some(Want::Field("dimensions"))
        );
        assert_eq!(
            w("  - ", &["risks:"], true),
            None,
            "not an enumerated field"
        );
        assert_eq!(
            w("difficulty: ", &[], false),
            None,
            "markdown has no fields"
        );
    }
}
