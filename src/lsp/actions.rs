//! Code actions: the rewrites `qbank fix` makes (quote a YAML value holding `: `, rename
//! a question file after its id), and a `qbank-ignore` comment for any finding, whose
//! reason the author writes.

use std::collections::HashMap;
use std::path::Path;

use lsp_types as lsp;

use super::Server;
use super::convert::{range_of, uri_of};
use super::nav::is_yaml;
use crate::position::Lines;

/// The line (0-based) a YAML suppression comment goes above to cover line `line`: the line
/// itself, or, inside a block scalar (`answer: |`), the key that opens it (a comment line
/// inside the block would be part of its text).
pub(super) fn yaml_anchor(lines: &[&str], line: usize) -> usize {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let Some(here) = lines.get(line) else {
        return line;
    };
    let mut cur = indent(here);
    let mut anchor = line;
    for k in (0..line).rev() {
        let l = lines[k];
        if l.trim().is_empty() {
            continue;
        }
        if indent(l) < cur {
            let head = l.split(" #").next().unwrap_or(l).trim_end();
            let opens_block = head
                .rsplit_once(':')
                .is_some_and(|(_, v)| is_block_indicator(v.trim()));
            if opens_block {
                anchor = k;
            }
            // Keep climbing: a block scalar nested in a list item still opens at its key.
            cur = indent(l);
            if cur == 0 {
                break;
            }
        }
    }
    anchor
}

/// `|`, `>`, `|-`, `>+2`: a block scalar's header.
fn is_block_indicator(v: &str) -> bool {
    let mut c = v.chars();
    matches!(c.next(), Some('|' | '>')) && c.all(|c| matches!(c, '-' | '+' | '0'..='9'))
}

/// The edit that suppresses finding `name` on line `line` (0-based) of `text`.
pub(super) fn suppression_edit(path: &Path, text: &str, line: u32, name: &str) -> lsp::TextEdit {
    let lines: Vec<&str> = text.lines().collect();
    let line = line as usize;
    if crate::load::is_markdown(path) {
        // At the end of the finding's line: it covers that line and the rest of its
        // paragraph, and splits no paragraph.
        let l = lines.get(line).copied().unwrap_or_default();
        let end = u32::try_from(l.encode_utf16().count()).unwrap_or(u32::MAX);
        let at = lsp::Position::new(u32::try_from(line).unwrap_or(u32::MAX), end);
        return lsp::TextEdit::new(
            lsp::Range::new(at, at),
            format!(" <!-- qbank-ignore: {name} -- -->"),
        );
    }
    let anchor = yaml_anchor(&lines, line);
    let l = lines.get(anchor).copied().unwrap_or_default();
    let indent = &l[..l.len() - l.trim_start().len()];
    // A list item's comment goes at the item's own indentation, before its dash.
    let at = lsp::Position::new(u32::try_from(anchor).unwrap_or(u32::MAX), 0);
    lsp::TextEdit::new(
        lsp::Range::new(at, at),
        format!("{indent}# qbank-ignore: {name} -- \n"),
    )
}

impl Server {
    pub(super) fn code_actions(
        &mut self,
        p: &lsp::CodeActionParams,
    ) -> Option<lsp::CodeActionResponse> {
        let uri = &p.text_document.uri;
        let path = super::path_of(uri)?;
        let text = self.text_of(&path)?;
        let lines = Lines::new(&text);
        let mut out: Vec<lsp::CodeActionOrCommand> = Vec::new();
        let edit = |edits: Vec<lsp::TextEdit>| lsp::WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        };
        if is_yaml(&path) {
            let (_, fixes) = crate::load::fix_quoting(&path, &text);
            let first = p.range.start.line + 1;
            let last = p.range.end.line + 1;
            let mut all = Vec::new();
            for f in &fixes {
                let Some((old, start)) = lines.line(f.line) else {
                    continue;
                };
                let e =
                    lsp::TextEdit::new(range_of(&lines, start..start + old.len()), f.fixed.clone());
                let touched = (first..=last).contains(&f.line)
                    || p.context
                        .diagnostics
                        .iter()
                        .any(|d| d.range.start.line + 1 == f.line);
                if touched {
                    out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                        title: format!("Quote the value holding `: ` ({})", f.value.trim()),
                        kind: Some(lsp::CodeActionKind::QUICKFIX),
                        edit: Some(edit(vec![e.clone()])),
                        is_preferred: Some(true),
                        ..Default::default()
                    }));
                }
                all.push(e);
            }
            if all.len() > 1 {
                out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: format!("Quote all {} values holding `: ` in this file", all.len()),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    edit: Some(edit(all)),
                    ..Default::default()
                }));
            }
            if let Some(a) = self.rename_action(&path, &text) {
                out.push(a);
            }
        }
        for d in &p.context.diagnostics {
            if d.source.as_deref() != Some("qbank") {
                continue;
            }
            let name = d
                .data
                .as_ref()
                .and_then(|v| v.get("name"))
                .and_then(|v| v.as_str())
                .map(str::to_owned);
            let computed = d
                .data
                .as_ref()
                .and_then(|v| v.get("computed"))
                .and_then(|v| v.as_str());
            // The edit `qbank fix --unsafe` writes, computed by the same function.
            let start = lines.offset_utf16(d.range.start.line, d.range.start.character);
            let end = lines.offset_utf16(d.range.end.line, d.range.end.character);
            let replacement = match (computed, start, end) {
                (Some(v), Some(s), Some(e)) => crate::numbers::edit::replacement(&text, s..e, v),
                _ => None,
            };
            if let Some(v) = replacement {
                out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                    title: format!("Write the recomputed value `{v}`"),
                    kind: Some(lsp::CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![d.clone()]),
                    edit: Some(edit(vec![lsp::TextEdit::new(d.range, v)])),
                    is_preferred: Some(true),
                    ..Default::default()
                }));
            }
            let Some(name) = name else {
                // A verdict on the whole bank, on no line: no comment covers it.
                continue;
            };
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!(
                    "Suppress `{name}` here (qbank-ignore; write the reason after `--`)"
                ),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                edit: Some(edit(vec![suppression_edit(
                    &path,
                    &text,
                    d.range.start.line,
                    &name,
                )])),
                ..Default::default()
            }));
        }
        Some(out)
    }

    /// Renames a question file after its `id:`, as `qbank fix` does.
    fn rename_action(&self, path: &Path, text: &str) -> Option<lsp::CodeActionOrCommand> {
        let input = self.input_of(path)?;
        let crate::load::Input::Bank(root) = input else {
            return None;
        };
        if !path.strip_prefix(&root).ok()?.starts_with("questions") {
            return None;
        }
        let to = crate::load::name_for_id(path, text)?;
        if to.exists() || self.docs.contains_key(&to) {
            return None;
        }
        let name = to.file_name()?.to_string_lossy().into_owned();
        Some(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: format!("Rename the file after its id ({name})"),
            kind: Some(lsp::CodeActionKind::REFACTOR),
            edit: Some(lsp::WorkspaceEdit {
                document_changes: Some(lsp::DocumentChanges::Operations(vec![
                    lsp::DocumentChangeOperation::Op(lsp::ResourceOp::Rename(lsp::RenameFile {
                        old_uri: uri_of(path)?,
                        new_uri: uri_of(&to)?,
                        options: None,
                        annotation_id: None,
                    })),
                ])),
                ..Default::default()
            }),
            ..Default::default()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_inside_a_block_scalar_is_suppressed_at_its_key() {
        let text = "id: a\nanswer: |\n  first line\n  second line\nrisks:\n  - risk: x\n    mitigation: >-\n      y\n";
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(yaml_anchor(&lines, 3), 1, "inside `answer: |`");
        assert_eq!(yaml_anchor(&lines, 0), 0, "a plain line");
        assert_eq!(yaml_anchor(&lines, 7), 6, "inside a nested `>-`");
        assert_eq!(yaml_anchor(&lines, 5), 5, "a list item");
        let e = suppression_edit(Path::new("q.yaml"), text, 3, "clarity");
        assert_eq!(e.new_text, "# qbank-ignore: clarity -- \n");
        assert_eq!(e.range.start, lsp::Position::new(1, 0));
        let e = suppression_edit(Path::new("q.yaml"), text, 7, "tradeoffs");
        assert_eq!(e.new_text, "    # qbank-ignore: tradeoffs -- \n");
    }

    #[test]
    fn markdown_suppressions_end_the_line() {
        let e = suppression_edit(Path::new("d.md"), "# T\n\nSome text é.\n", 2, "clarity");
        assert_eq!(e.new_text, " <!-- qbank-ignore: clarity -- -->");
        assert_eq!(e.range.start, lsp::Position::new(2, 12));
    }
}
