//! GitHub Actions workflow commands: `::error file=...,line=...,col=...::message`.
//!
//! GitHub shows at most 10 error, 10 warning and 10 notice annotations per step and drops
//! the rest without a word, so the first 10 of each kind are annotations, every later
//! finding is a plain log line (`path:line:col: severity[code]: message`), and a closing
//! notice says how many were not annotated. Nothing is dropped.

use std::fmt::Write as _;

use super::{BankReport, Formatter, Texts, Totals};
use crate::diagnostic::{Diagnostic, Severity};

/// Escapes a command's message (data).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Annotations of each kind GitHub shows per step.
pub(crate) const PER_STEP: usize = 10;

/// The title of the closing notice (`action/run.sh` reads its count).
pub(crate) const HELD_TITLE: &str = "qbank: not annotated";

/// Annotations as they come, within the limits; a notice per bank with its summary, after
/// all of them, while notices remain.
#[derive(Default)]
pub(crate) struct Github {
    /// Each bank's summary: (title, text).
    summaries: Vec<(String, String)>,
    errors: usize,
    warnings: usize,
    notices: usize,
    /// Findings written as plain lines.
    held: usize,
}

impl Github {
    fn finding(&mut self, out: &mut String, d: &Diagnostic) {
        let (shown, limit) = match d.severity {
            Severity::Error => (&mut self.errors, PER_STEP),
            Severity::Warning => (&mut self.warnings, PER_STEP),
            // One notice is kept for the closing one.
            Severity::Note => (&mut self.notices, PER_STEP - 1),
        };
        if *shown < limit {
            *shown += 1;
            annotation(out, d);
        } else {
            self.held += 1;
            plain(out, d);
        }
    }
}

impl Formatter for Github {
    fn start(&mut self, out: &mut String, general: &[Diagnostic], _banks: usize) {
        for d in general {
            self.finding(out, d);
        }
    }

    fn bank(&mut self, out: &mut String, b: &BankReport, _texts: &Texts) {
        for d in b.all_diagnostics() {
            self.finding(out, d);
        }
        if !b.gates.is_empty() {
            self.summaries.push((
                format!("qbank {}", crate::diagnostic::display_path(&b.path)),
                crate::table::summary_line(&b.gates),
            ));
        }
    }

    fn finish(&mut self, out: &mut String, _totals: &Totals) {
        let mut room = PER_STEP - self.notices;
        let summaries = std::mem::take(&mut self.summaries);
        if self.held > 0 || summaries.len() > room {
            room -= 1;
        }
        for (i, (title, text)) in summaries.iter().enumerate() {
            if i < room {
                let _ = writeln!(out, "::notice title={}::{}", property(title), data(text));
            } else {
                self.held += 1;
                let _ = writeln!(out, "{title}: {}", text.replace(['\r', '\n'], " "));
            }
        }
        if self.held > 0 {
            let _ = writeln!(
                out,
                "::notice title={}::{} more {} not annotated (GitHub shows {PER_STEP} of each kind per step); the log lists {} above",
                property(HELD_TITLE),
                self.held,
                if self.held == 1 {
                    "finding is"
                } else {
                    "findings are"
                },
                if self.held == 1 { "it" } else { "them" },
            );
        }
    }
}

/// A finding GitHub would not show as an annotation: one log line.
fn plain(out: &mut String, d: &Diagnostic) {
    let code = match d.gate {
        Some(n) => format!("gate {n} {}", d.code),
        None => d.code.clone(),
    };
    let at = d
        .location
        .as_ref()
        .map_or_else(|| "qbank".to_owned(), crate::diagnostic::Location::display);
    let mut msg = d.message.replace(['\r', '\n'], " ");
    if let Some(h) = &d.help {
        msg.push_str(" (help: ");
        msg.push_str(&h.replace(['\r', '\n'], " "));
        msg.push(')');
    }
    let _ = writeln!(out, "{at}: {}[{code}]: {msg}", d.severity.as_str());
}

fn annotation(out: &mut String, d: &Diagnostic) {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    };
    let mut props = Vec::new();
    if let Some(l) = &d.location {
        props.push(format!(
            "file={}",
            property(&crate::diagnostic::display_path(&l.file))
        ));
        if l.line > 0 {
            props.push(format!("line={}", l.line));
        }
        if l.col > 0 {
            props.push(format!("col={}", l.col));
        }
    }
    let title = match d.gate {
        Some(n) => format!("qbank gate {n} {}", d.code),
        None => format!("qbank {}", d.code),
    };
    props.push(format!("title={}", property(&title)));
    let mut msg = d.message.clone();
    if let Some(h) = &d.help {
        msg.push_str("\nhelp: ");
        msg.push_str(h);
    }
    let _ = writeln!(out, "::{kind} {}::{}", props.join(","), data(&msg));
}
