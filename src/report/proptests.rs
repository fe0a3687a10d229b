//! Property: findings with any position over any Unicode text render in every format
//! without a panic, and every position resolves to a byte range on character boundaries.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use proptest::prelude::*;

use super::{BankReport, Format, Report, Style};
use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::gates::{GateResult, Status};
use crate::position::{Index, Lines};

const FORMATS: [Format; 7] = [
    Format::Human,
    Format::Concise,
    Format::Json,
    Format::Markdown,
    Format::Sarif,
    Format::Junit,
    Format::Github,
];

/// Pieces of text of the kinds real documents hold: CJK, emoji (with modifiers, joiners,
/// flags), combining marks, right-to-left text and controls, tabs, CRLF and lone CR,
/// zero-width characters, wide and full-width forms.
const PIECES: &[&str] = &[
    "a",
    "Q",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "**",
    "|",
    "`",
    "[Ref: A1]",
    "本文档针对AI架构师职位",
    "中国人民银行 (2021)",
    "共识、P2P与网络可扩",
    "✅",
    "🔴",
    "═══",
    "— — —",
    "Åkerstedt, T.",
    "−50-70% bytes",
    "e\u{301}",
    "a\u{308}\u{332}",
    "👩\u{200d}💻",
    "👍🏽",
    "🇯🇵",
    "\u{200b}",
    "\u{feff}",
    "مرحبا بالعالم",
    "שלום",
    "\u{202e}abc\u{202c}",
    "ＡＢＣ",
    "ｶﾀｶﾅ",
    "\u{0}",
    "\u{1b}[31m",
    "\u{fffd}",
    "𝔘𝔫𝔦",
    "\\",
    "<x>&\"'",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(PIECES).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

fn location() -> impl Strategy<Value = (u32, u32, u32)> {
    (0u32..8, 0u32..60, 0u32..40)
}

fn report(
    text: &str,
    evidence: &str,
    spans: &[(u32, u32, u32)],
    fitted: bool,
) -> (Report, Vec<Diagnostic>) {
    let path = PathBuf::from("doc.md");
    let mut diagnostics: Vec<Diagnostic> = spans
        .iter()
        .enumerate()
        .map(|(i, &(line, col, len))| {
            let at = Location {
                file: path.clone(),
                line,
                col,
                len,
            };
            let severity = [Severity::Error, Severity::Warning, Severity::Note][i % 3];
            Diagnostic::new(
                severity,
                crate::codes::Code::Unrecognised,
                format!("finding {i}: {evidence}"),
            )
            .at(at.clone())
            .help(evidence.to_owned())
            .note(evidence.to_owned(), Some(at))
        })
        .collect();
    let mut texts: HashMap<PathBuf, Arc<str>> = HashMap::new();
    texts.insert(path.clone(), Arc::from(text));
    if fitted {
        crate::position::fit_all(diagnostics.iter_mut(), &texts);
    }
    let gates = (1..=3)
        .map(|n| GateResult {
            number: n,
            name: format!("gate-{n}"),
            title: evidence.chars().take(12).collect(),
            requirement: evidence.to_owned(),
            status: [Status::Pass, Status::Warn, Status::Fail][usize::from(n) % 3],
            evidence: evidence.repeat(usize::from(n)),
            diagnostics: diagnostics.clone(),
            waived: None,
        })
        .collect();
    let bank = BankReport {
        path,
        slug: Some("doc".into()),
        title: Some(evidence.to_owned()),
        loaded: true,
        as_of: Some("2026-01-01".into()),
        gates,
        diagnostics: diagnostics.clone(),
        claims: Vec::new(),
        waived: Vec::new(),
        suppressed: 0,
        baselined: 0,
        focused: false,
        import: None,
    };
    let report = Report {
        banks: vec![bank],
        general: Vec::new(),
        texts,
        strict: false,
    };
    (report, diagnostics)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn any_span_over_any_text_renders_in_every_format(
        text in text(),
        evidence in text(),
        spans in proptest::collection::vec(location(), 1..6),
        width in proptest::option::of(0usize..140),
    ) {
        for fitted in [false, true] {
            let (report, diags) = report(&text, &evidence, &spans, fitted);
            for format in FORMATS {
                let style = Style { width, ..Style::default() };
                let out = report.render(format, style);
                prop_assert!(!out.is_empty() || format == Format::Markdown);
            }
            // Every location resolves on character boundaries, inside its line.
            let lines = Lines::new(&text);
            let mut index = Index::new(&report.texts);
            for d in &diags {
                let loc = d.location.as_ref().expect("located");
                let Some(r) = lines.resolve(loc) else {
                    prop_assert!(loc.line == 0 || loc.line as usize > lines.count());
                    continue;
                };
                prop_assert_eq!(Some(r.clone()), index.resolve(loc));
                prop_assert!(r.bytes.start <= r.bytes.end && r.bytes.end <= r.line_text.len());
                prop_assert!(r.line_text.is_char_boundary(r.bytes.start));
                prop_assert!(r.line_text.is_char_boundary(r.bytes.end));
                prop_assert!(!r.line_text.contains('\n'));
                prop_assert!(r.col() <= r.end_col());
                let u = r.utf16();
                prop_assert!(u.start <= u.end);
                if fitted {
                    // A fitted location is a fixed point, and its column and length are
                    // those of the range it resolves to.
                    let mut again = loc.clone();
                    crate::position::fit(&mut again, &lines);
                    prop_assert_eq!(&again, loc);
                    if loc.col > 0 {
                        prop_assert_eq!(loc.col, r.col());
                    }
                    if loc.len > 0 {
                        prop_assert_eq!(loc.len as usize, r.bytes.len());
                    }
                }
            }
        }
    }
}
