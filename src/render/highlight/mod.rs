//! Code highlighting at build time, for every language gate 5 verifies (one [`Lang`] row
//! each): tree-sitter-highlight with the grammars qbank parses with (bash, python,
//! javascript, typescript, go, java, rust; the `grammars` feature), and for SQL, YAML,
//! JSON, TOML, INI and PromQL the runs of [`lexical`]. A block becomes `<span
//! class="hl-...">` runs the page's stylesheet colours. No script runs in the page; a
//! language qbank does not verify gets its label and no colours.

mod lexical;

#[cfg(feature = "grammars")]
use std::collections::HashMap;
#[cfg(feature = "grammars")]
use std::sync::OnceLock;

#[cfg(feature = "grammars")]
use tree_sitter_highlight::{HighlightConfiguration, HighlightEvent, Highlighter};

use crate::code::Lang;

/// The capture names qbank colours, in the order the highlighter reports them; a capture
/// such as `function.method` takes the longest of these that prefixes it.
const NAMES: [&str; 22] = [
    "attribute",
    "comment",
    "constant",
    "constant.builtin",
    "constructor",
    "embedded",
    "escape",
    "function",
    "function.builtin",
    "function.macro",
    "keyword",
    "label",
    "number",
    "operator",
    "property",
    "punctuation",
    "string",
    "string.special",
    "tag",
    "type",
    "type.builtin",
    "variable.builtin",
];

#[cfg(feature = "grammars")]
fn config(lang: Lang) -> Option<HighlightConfiguration> {
    let ts_query;
    let (language, name, query, injections) = match lang {
        Lang::Bash => (
            tree_sitter_bash::LANGUAGE.into(),
            "bash",
            tree_sitter_bash::HIGHLIGHT_QUERY,
            "",
        ),
        Lang::Python => (
            tree_sitter_python::LANGUAGE.into(),
            "python",
            tree_sitter_python::HIGHLIGHTS_QUERY,
            "",
        ),
        Lang::JavaScript => (
            tree_sitter_javascript::LANGUAGE.into(),
            "javascript",
            tree_sitter_javascript::HIGHLIGHT_QUERY,
            "",
        ),
        // The typescript queries only add to the javascript ones they build on.
        Lang::TypeScript | Lang::Tsx => {
            ts_query = format!(
                "{}\n{}",
                tree_sitter_typescript::HIGHLIGHTS_QUERY,
                tree_sitter_javascript::HIGHLIGHT_QUERY
            );
            let language = if lang == Lang::Tsx {
                tree_sitter_typescript::LANGUAGE_TSX
            } else {
                tree_sitter_typescript::LANGUAGE_TYPESCRIPT
            };
            (language.into(), "typescript", ts_query.as_str(), "")
        }
        Lang::Go => (
            tree_sitter_go::LANGUAGE.into(),
            "go",
            tree_sitter_go::HIGHLIGHTS_QUERY,
            "",
        ),
        Lang::Java => (
            tree_sitter_java::LANGUAGE.into(),
            "java",
            tree_sitter_java::HIGHLIGHTS_QUERY,
            "",
        ),
        Lang::Rust => (
            tree_sitter_rust::LANGUAGE.into(),
            "rust",
            tree_sitter_rust::HIGHLIGHTS_QUERY,
            "",
        ),
        _ => return None,
    };
    let mut config = HighlightConfiguration::new(language, name, query, injections, "").ok()?;
    config.configure(&NAMES);
    Some(config)
}

/// Every grammar's configuration, built once (the queries take a while to compile).
#[cfg(feature = "grammars")]
fn configs() -> &'static HashMap<Lang, HighlightConfiguration> {
    static CONFIGS: OnceLock<HashMap<Lang, HighlightConfiguration>> = OnceLock::new();
    CONFIGS.get_or_init(|| {
        [
            Lang::Bash,
            Lang::Python,
            Lang::JavaScript,
            Lang::TypeScript,
            Lang::Tsx,
            Lang::Go,
            Lang::Java,
            Lang::Rust,
        ]
        .into_iter()
        .filter_map(|l| config(l).map(|c| (l, c)))
        .collect()
    })
}

/// The CSS class of capture `NAMES[i]`: `hl-function-builtin`.
fn class(i: usize) -> String {
    format!("hl-{}", NAMES[i].replace('.', "-"))
}

/// `code` as escaped HTML with `<span class="hl-...">` runs, or `None` when `fence`
/// names a language qbank does not colour (or the highlighter gives up on the text).
pub(crate) fn highlight(fence: &str, code: &str) -> Option<String> {
    let lang = Lang::from_fence(fence)?;
    if lang.needs_grammar() {
        return grammar(lang, code);
    }
    let spans = lexical::spans(lang, code)?;
    let mut html = String::with_capacity(code.len() * 2);
    let mut at = 0;
    for (range, name) in spans {
        let i = NAMES.iter().position(|n| *n == name)?;
        crate::text::escape_html_into(&mut html, code.get(at..range.start)?);
        html.push_str("<span class=\"");
        html.push_str(&class(i));
        html.push_str("\">");
        crate::text::escape_html_into(&mut html, code.get(range.clone())?);
        html.push_str("</span>");
        at = range.end;
    }
    crate::text::escape_html_into(&mut html, code.get(at..)?);
    Some(html)
}

#[cfg(not(feature = "grammars"))]
fn grammar(_: Lang, _: &str) -> Option<String> {
    None
}

/// A tree-sitter language's runs.
#[cfg(feature = "grammars")]
fn grammar(lang: Lang, code: &str) -> Option<String> {
    let config = configs().get(&lang)?;
    let mut highlighter = Highlighter::new();
    let events = highlighter
        .highlight(config, code.as_bytes(), None, |_| None)
        .ok()?;
    let mut html = String::with_capacity(code.len() * 2);
    let mut open = 0usize;
    for event in events {
        match event.ok()? {
            HighlightEvent::Source { start, end } => {
                crate::text::escape_html_into(&mut html, code.get(start..end)?);
            }
            HighlightEvent::HighlightStart(h) => {
                html.push_str("<span class=\"");
                html.push_str(&class(h.0));
                html.push_str("\">");
                open += 1;
            }
            HighlightEvent::HighlightEnd => {
                html.push_str("</span>");
                open = open.saturating_sub(1);
            }
        }
    }
    html.push_str(&"</span>".repeat(open));
    Some(html)
}

/// Whether `class` is one [`highlight`] writes (the sanitizer keeps those on spans).
pub(crate) fn is_class(class: &str) -> bool {
    (0..NAMES.len()).any(|i| self::class(i) == class)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(feature = "grammars")]
    fn rust_and_bash_get_spans_unknown_languages_none() {
        let rust = highlight("rust", "fn main() { let x = \"a<b\"; }\n").unwrap();
        assert!(
            rust.contains("<span class=\"hl-keyword\">fn</span>"),
            "{rust}"
        );
        assert!(
            rust.contains("<span class=\"hl-string\">&quot;a&lt;b&quot;</span>"),
            "{rust}"
        );
        let bash = highlight("sh", "# note\necho \"$HOME\" | grep x\n").unwrap();
        assert!(
            bash.contains("<span class=\"hl-comment\"># note</span>"),
            "{bash}"
        );
        assert!(bash.contains("hl-string"), "{bash}");
        assert_eq!(highlight("nginx", "server { listen 80; }"), None);
        assert_eq!(highlight("", "x"), None);
    }

    #[test]
    fn data_languages_are_coloured_and_text_survives() {
        let tags = regex::Regex::new("<[^>]+>").unwrap();
        for (fence, code) in [
            ("sql", "SELECT a FROM t WHERE b < 'x&y'; -- c\n"),
            ("yaml", "a: \"<b>\" # c\n- 1\n"),
            ("json", "{\"a\": [1, \"<\"]}\n"),
            ("toml", "[t]\nk = \"v\" # c\n"),
            ("ini", "[s]\nk = v\n"),
            ("promql", "rate(x{a=\"<\"}[5m]) > 0\n"),
        ] {
            let html = highlight(fence, code).unwrap_or_else(|| panic!("{fence}"));
            assert!(html.contains("<span class=\"hl-"), "{fence}: {html}");
            let text = tags.replace_all(&html, "");
            let text = text
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
            assert_eq!(text, code, "{fence}");
        }
        assert_eq!(highlight("nginx", "server { listen 80; }"), None);
    }

    #[test]
    #[cfg(feature = "grammars")]
    fn every_grammar_configures_and_text_survives() {
        let tags = regex::Regex::new("<[^>]+>").unwrap();
        for fence in ["bash", "python", "js", "ts", "tsx", "go", "java", "rust"] {
            let code = "x = 1 < 2 && y\n";
            let html = highlight(fence, code).unwrap_or_else(|| panic!("{fence}"));
            let text = tags.replace_all(&html, "");
            let text = text.replace("&lt;", "<").replace("&amp;", "&");
            assert_eq!(text, code, "{fence}");
        }
    }
}
