//! Findings at any line, column and length over any text must render in the human format
//! (and every other) without a panic, and every location must resolve to a byte range on
//! character boundaries. The first 16 bytes give four findings' positions (line, column,
//! length, and the width of the terminal); the rest is the file's text.
#![no_main]

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use libfuzzer_sys::fuzz_target;
use qbank::diagnostic::{Diagnostic, Location, Severity};
use qbank::gates::{GateResult, Status};
use qbank::position::{Lines, fit};
use qbank::report::{BankReport, Format, Report, Style};

fuzz_target!(|data: &[u8]| {
    if data.len() < 16 {
        return;
    }
    let (head, body) = data.split_at(16);
    let Ok(text) = std::str::from_utf8(body) else {
        return;
    };
    let path = PathBuf::from("fuzz.md");
    let lines = Lines::new(text);
    let mut diagnostics = Vec::new();
    for (i, p) in head.chunks(4).enumerate() {
        let mut at = Location {
            file: path.clone(),
            line: u32::from(p[0] % 16),
            col: u32::from(p[1]),
            len: u32::from(p[2]),
        };
        if let Some(r) = lines.resolve(&at) {
            assert!(r.bytes.start <= r.bytes.end && r.bytes.end <= r.line_text.len());
            assert!(r.line_text.is_char_boundary(r.bytes.start));
            assert!(r.line_text.is_char_boundary(r.bytes.end));
        }
        // Half the findings as producers give them, half fitted as the pipeline fits them.
        if p[3] % 2 == 1 {
            fit(&mut at, &lines);
        }
        let severity = [Severity::Error, Severity::Warning, Severity::Note][i % 3];
        diagnostics.push(
            Diagnostic::new(severity, qbank::codes::Code::Unrecognised, format!("finding {i}"))
                .at(at.clone())
                .help(text.chars().take(40).collect::<String>())
                .note("the same place", Some(at)),
        );
    }
    let evidence: String = text.chars().take(200).collect();
    let gate = GateResult {
        number: 17,
        name: "link-accessibility".to_owned(),
        title: evidence.chars().take(12).collect(),
        requirement: evidence.clone(),
        status: Status::Warn,
        evidence,
        diagnostics: diagnostics.clone(),
        waived: None,
    };
    let bank = BankReport {
        path: path.clone(),
        slug: Some("fuzz".to_owned()),
        title: Some(text.chars().take(30).collect()),
        loaded: true,
        as_of: Some("2026-01-01".to_owned()),
        gates: vec![gate],
        diagnostics,
        claims: Vec::new(),
        waived: Vec::new(),
        suppressed: 0,
        focused: false,
        import: None,
    };
    let mut texts = HashMap::new();
    texts.insert(path, Arc::<str>::from(text));
    let report = Report {
        banks: vec![bank],
        general: Vec::new(),
        texts,
        strict: false,
    };
    let width = (head[3] > 16).then_some(usize::from(head[3]));
    let style = Style {
        width,
        ..Style::default()
    };
    let _ = report.render(Format::Human, style);
    for format in [
        Format::Concise,
        Format::Json,
        Format::Markdown,
        Format::Sarif,
        Format::Junit,
        Format::Github,
    ] {
        let _ = report.render(format, style);
    }
});
