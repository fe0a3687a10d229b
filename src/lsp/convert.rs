//! Between qbank's model and the protocol's: paths and URIs, locations and ranges,
//! findings and LSP diagnostics.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{self as lsp, Uri};

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::load::Input;
use crate::position::Lines;
use crate::report::{BankReport, Texts, gate_anchor};

/// The path of a `file:` URI.
pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

/// The `file:` URI of an absolute path.
pub fn uri_of(path: &Path) -> Option<Uri> {
    let url = url::Url::from_file_path(path).ok()?;
    Uri::from_str(url.as_str()).ok()
}

/// Applies one change of `textDocument/didChange` to `text`: the whole text, or a range.
pub(super) fn apply_change(text: &mut String, change: &lsp::TextDocumentContentChangeEvent) {
    let Some(range) = change.range else {
        change.text.clone_into(text);
        return;
    };
    let lines = Lines::new(text);
    let end_of_text = text.len();
    let at = |p: lsp::Position| {
        lines
            .offset_utf16(p.line, p.character)
            .unwrap_or(end_of_text)
    };
    let (start, end) = (at(range.start), at(range.end));
    let (start, end) = (start.min(end), start.max(end));
    text.replace_range(start..end, &change.text);
}

/// The LSP range of byte range `bytes` of `text`.
pub(super) fn range_of(lines: &Lines<'_>, bytes: std::ops::Range<usize>) -> lsp::Range {
    let (l1, c1) = lines.position_utf16(bytes.start);
    let (l2, c2) = lines.position_utf16(bytes.end);
    lsp::Range::new(lsp::Position::new(l1, c1), lsp::Position::new(l2, c2))
}

/// The LSP range a location marks in `text`: its marked text, or the rest of its line
/// from its column when it marks none, or the first line when it gives no line.
pub(super) fn range_of_location(lines: &Lines<'_>, loc: &Location) -> lsp::Range {
    match lines.resolve(loc) {
        Some(mut r) => {
            // No length known: to the end of the line, so an editor underlines something
            // visible (a line alone: the whole line).
            if loc.len == 0 && r.bytes.start < r.line_text.len() {
                r.bytes.end = r.line_text.len();
            }
            let line = r.line - 1;
            let cols = r.utf16();
            lsp::Range::new(
                lsp::Position::new(line, cols.start),
                lsp::Position::new(line, cols.end),
            )
        }
        None => {
            let first = lines.line(1).map_or(0, |(t, _)| t.encode_utf16().count());
            lsp::Range::new(
                lsp::Position::new(0, 0),
                lsp::Position::new(0, u32::try_from(first).unwrap_or(u32::MAX)),
            )
        }
    }
}

/// The LSP location of a model location, when its file's text is known.
pub(super) fn lsp_location(texts: &Texts, loc: &Location) -> Option<lsp::Location> {
    let text = texts.get(&loc.file)?;
    Some(lsp::Location::new(
        uri_of(&loc.file)?,
        range_of_location(&Lines::new(text), loc),
    ))
}

/// Where the codes of findings link to.
pub(super) struct DocsLinks {
    /// `{base}/codes.md`, `{base}/gates.md`: the published docs.
    base: Option<String>,
    /// The codes page written beside the server's cache, when no base is given.
    codes_page: Option<String>,
}

impl DocsLinks {
    /// Links into the docs published at `base`; without one, codes link to their page
    /// as this binary generates it, written once to the user's cache folder.
    pub(super) fn new(base: Option<&str>) -> DocsLinks {
        let base = base.map(|b| b.trim_end_matches('/').to_owned());
        let codes_page = if base.is_none() {
            write_codes_page()
        } else {
            None
        };
        DocsLinks { base, codes_page }
    }

    /// The documentation link of a finding's code.
    fn href(&self, d: &Diagnostic, gate_title: Option<&str>) -> Option<Uri> {
        let link = match (Code::from_name(&d.code), &self.base) {
            (Some(code), Some(base)) => format!("{base}/codes.md#{}", code.name()),
            (Some(code), None) => format!("{}#{}", self.codes_page.as_ref()?, code.name()),
            (None, Some(base)) => {
                let n = d.gate?;
                format!("{base}/gates.md#{}", gate_anchor(n, gate_title?, &d.code))
            }
            (None, None) => return None,
        };
        Uri::from_str(&link).ok()
    }
}

/// Writes docs/codes.md as this binary knows it to the user's cache folder (once per
/// version) and returns its `file:` URI.
fn write_codes_page() -> Option<String> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    let path = cache
        .join("qbank")
        .join(format!("codes-{}.md", env!("CARGO_PKG_VERSION")));
    if !path.is_file() {
        std::fs::create_dir_all(path.parent()?).ok()?;
        std::fs::write(&path, crate::codes::docs_page()).ok()?;
    }
    Some(url::Url::from_file_path(&path).ok()?.to_string())
}

/// Every finding of `report` that points into one of the input's files, as LSP
/// diagnostics by file. A finding that points nowhere (a gate's verdict on the whole bank)
/// goes to bank.yaml's first line, or a document's.
pub(super) fn diagnostics_by_file(
    report: &BankReport,
    texts: &Texts,
    links: &DocsLinks,
    input: &Input,
) -> HashMap<PathBuf, Vec<lsp::Diagnostic>> {
    let home = match input {
        Input::Bank(root) => root.join("bank.yaml"),
        Input::Document(p) => p.clone(),
    };
    let titles: HashMap<u8, &str> = report
        .gates
        .iter()
        .map(|g| (g.number, g.title.as_str()))
        .collect();
    let mut out: HashMap<PathBuf, Vec<lsp::Diagnostic>> = HashMap::new();
    // Each file's line index is built once, however many findings it holds.
    let mut index: HashMap<&PathBuf, Lines<'_>> = HashMap::new();
    for d in report.all_diagnostics() {
        let file = d.location.as_ref().map_or(&home, |l| &l.file);
        let Some((path, text)) = texts.get_key_value(file) else {
            continue;
        };
        let lines = index.entry(path).or_insert_with(|| Lines::new(text));
        let loc = d
            .location
            .clone()
            .unwrap_or_else(|| Location::file(home.clone()));
        out.entry(file.clone())
            .or_default()
            .push(to_lsp(d, lines, &loc, texts, links, &titles));
    }
    out
}

fn to_lsp(
    d: &Diagnostic,
    lines: &Lines<'_>,
    loc: &Location,
    texts: &Texts,
    links: &DocsLinks,
    titles: &HashMap<u8, &str>,
) -> lsp::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let mut related = Vec::new();
    for n in &d.notes {
        match n.location.as_ref().and_then(|l| lsp_location(texts, l)) {
            Some(location) => related.push(lsp::DiagnosticRelatedInformation {
                location,
                message: n.message.clone(),
            }),
            None => {
                message.push_str("\nnote: ");
                message.push_str(&n.message);
            }
        }
    }
    let code = match d.gate {
        Some(n) => format!("{} (gate {n})", d.code),
        None => d.code.clone(),
    };
    lsp::Diagnostic {
        range: range_of_location(lines, loc),
        severity: Some(match d.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
            Severity::Note => lsp::DiagnosticSeverity::INFORMATION,
        }),
        code: Some(lsp::NumberOrString::String(code)),
        code_description: links
            .href(d, d.gate.and_then(|n| titles.get(&n).copied()))
            .map(|href| lsp::CodeDescription { href }),
        source: Some("qbank".to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(actions_data(d)),
    }
}

/// What the code actions need of a finding: the name a `qbank-ignore` comment gives it
/// (only for a finding on a line, which a comment can cover) and the value an arithmetic
/// finding recomputed.
fn actions_data(d: &Diagnostic) -> serde_json::Value {
    let mut data = serde_json::Map::new();
    if d.location.as_ref().is_some_and(|l| l.line > 0) {
        data.insert("name".into(), d.code.clone().into());
    }
    if let Some(v) = crate::numbers::edit::recomputed(d) {
        data.insert("computed".into(), v.into());
    }
    serde_json::Value::Object(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_apply_in_utf16_ranges() {
        let mut text = "id: a\ntitle: é😀x\n".to_owned();
        let change = |l1, c1, l2, c2, t: &str| lsp::TextDocumentContentChangeEvent {
            range: Some(lsp::Range::new(
                lsp::Position::new(l1, c1),
                lsp::Position::new(l2, c2),
            )),
            range_length: None,
            text: t.to_owned(),
        };
        // Replace `x` (after é and the two-unit emoji).
        apply_change(&mut text, &change(1, 10, 1, 11, "y"));
        assert_eq!(text, "id: a\ntitle: é😀y\n");
        apply_change(&mut text, &change(0, 4, 0, 5, "b-c"));
        assert_eq!(text, "id: b-c\ntitle: é😀y\n");
        apply_change(
            &mut text,
            &lsp::TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "whole".to_owned(),
            },
        );
        assert_eq!(text, "whole");
    }

    #[test]
    fn a_location_becomes_its_marked_range() {
        let text = "a: 1\nanswer: ünïcode\n";
        let loc = Location::at("f.yaml", 2, 9).with_len("ünïcode".len());
        let r = range_of_location(&Lines::new(text), &loc);
        assert_eq!(
            (r.start.line, r.start.character, r.end.character),
            (1, 8, 15)
        );
        // No length: to the end of the line.
        let r = range_of_location(&Lines::new(text), &Location::at("f.yaml", 2, 1));
        assert_eq!((r.start.character, r.end.character), (0, 15));
        // No line: the first line.
        let r = range_of_location(&Lines::new(text), &Location::file("f.yaml"));
        assert_eq!((r.start.line, r.end.character), (0, 4));
    }

    #[test]
    fn arithmetic_findings_carry_their_recomputed_value() {
        let d = Diagnostic::new(Severity::Error, Code::ChangeMismatch, "x")
            .help("recompute the change from the two values (computed: 88.71% lower)");
        assert_eq!(crate::numbers::edit::recomputed(&d), Some("88.71% lower"));
        let bound = Diagnostic::new(Severity::Error, Code::ChangeMismatch, "x")
            .help("a share is at most 100% (computed: ≤ 100%)");
        assert_eq!(crate::numbers::edit::recomputed(&bound), None);
        let other = Diagnostic::new(Severity::Error, Code::DuplicateId, "x").help("(computed: 3)");
        assert_eq!(crate::numbers::edit::recomputed(&other), None);
    }

    #[test]
    fn paths_and_uris_round_trip() {
        let p = Path::new("/tmp/a bank/q é.yaml");
        let uri = uri_of(p).unwrap();
        assert!(uri.as_str().starts_with("file:///tmp/a%20bank/"));
        assert_eq!(path_of(&uri).unwrap(), p);
    }
}
