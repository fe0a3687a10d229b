//! Tree-sitter parsing of the programming languages: a block fails at the first ERROR
//! or MISSING node of its syntax tree. Grammars load once; each thread keeps one parser
//! per language.

use std::cell::RefCell;
use std::collections::HashMap;

use tree_sitter::{Language, Node, Parser};

use super::{Lang, Verdict, char_col};

fn language(lang: Lang) -> Option<Language> {
    Some(match lang {
        Lang::Bash => tree_sitter_bash::LANGUAGE.into(),
        Lang::Python => tree_sitter_python::LANGUAGE.into(),
        Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Lang::Go => tree_sitter_go::LANGUAGE.into(),
        Lang::Java => tree_sitter_java::LANGUAGE.into(),
        Lang::Rust => tree_sitter_rust::LANGUAGE.into(),
        _ => return None,
    })
}

thread_local! {
    static PARSERS: RefCell<HashMap<Lang, Parser>> = RefCell::new(HashMap::new());
}

pub(super) fn verify(lang: Lang, code: &str) -> Verdict {
    PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        let parser = match parsers.entry(lang) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let Some(language) = language(lang) else {
                    return Verdict::NotVerified;
                };
                let mut p = Parser::new();
                if p.set_language(&language).is_err() {
                    // A grammar built for another tree-sitter ABI: a build problem, not
                    // the user's code.
                    return Verdict::NotVerified;
                }
                v.insert(p)
            }
        };
        let masked = (lang == Lang::Bash).then(|| mask_heredocs(code)).flatten();
        let code = masked.as_deref().unwrap_or(code);
        let Some(tree) = parser.parse(code, None) else {
            return Verdict::NotVerified;
        };
        let root = tree.root_node();
        if !root.has_error() {
            return Verdict::Parsed;
        }
        let bad = first_error(root).unwrap_or(root);
        let at = bad.start_position();
        let col = char_col(code, at.row, at.column);
        Verdict::failed(at.row + 1, Some(col), describe(bad, code))
    })
}

/// The first ERROR or MISSING node in document order.
fn first_error(node: Node<'_>) -> Option<Node<'_>> {
    if node.is_error() || node.is_missing() {
        return Some(node);
    }
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
    children
        .into_iter()
        .filter(|c| c.has_error() || c.is_missing() || c.is_error())
        .find_map(first_error)
}

fn describe(node: Node<'_>, code: &str) -> String {
    if node.is_missing() {
        let kind = node.kind();
        return if node.is_named() {
            format!("syntax error: missing {}", kind.replace('_', " "))
        } else {
            format!("syntax error: missing `{kind}`")
        };
    }
    let text = code
        .get(node.byte_range())
        .unwrap_or_default()
        .split_whitespace()
        .next()
        .unwrap_or_default();
    if text.is_empty() {
        return "syntax error".to_owned();
    }
    let shown: String = text.chars().take(30).collect();
    let more = if text.chars().count() > 30 { "..." } else { "" };
    format!("syntax error: unexpected `{shown}{more}`")
}

/// Here-document bodies are data, not shell: the bash grammar stumbles over some of them
/// (a psql `\set x random(1, 2)` line in a quoted `<<'SQL'` body), so each body line is
/// replaced by a word of the same width before parsing. Delimiter lines stay.
fn mask_heredocs(code: &str) -> Option<String> {
    use std::sync::LazyLock;
    static OPEN: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"<<-?[ \t]*(?:'([^']+)'|"([^"]+)"|\\?([A-Za-z_][A-Za-z0-9_]*))"#)
            .expect("a valid pattern")
    });
    if !code.contains("<<") {
        return None;
    }
    let mut out = String::with_capacity(code.len());
    let mut pending: Vec<String> = Vec::new();
    for line in code.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let end = &line[body.len()..];
        if let Some(delim) = pending.first() {
            if body.trim() == delim {
                pending.remove(0);
                out.push_str(line);
            } else {
                let width = body.chars().count();
                out.push_str(&"x".repeat(width));
                out.push_str(end);
            }
            continue;
        }
        out.push_str(line);
        // `<<<` is a here-string, not a here-document.
        for c in OPEN.captures_iter(body) {
            let m = c.get(0).expect("whole match");
            if body[m.end()..].starts_with('<') || body[..m.start()].ends_with('<') {
                continue;
            }
            if let Some(d) = c.get(1).or(c.get(2)).or(c.get(3)) {
                pending.push(d.as_str().to_owned());
            }
        }
    }
    Some(out)
}
