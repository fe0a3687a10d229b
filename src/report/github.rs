//! GitHub Actions workflow commands: `::error file=...,line=...,col=...::message`.

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

/// Annotations as they come; a notice per bank with its summary, after all of them.
#[derive(Default)]
pub(crate) struct Github {
    notices: String,
}

impl Formatter for Github {
    fn start(&mut self, out: &mut String, general: &[Diagnostic], _banks: usize) {
        for d in general {
            annotation(out, d);
        }
    }

    fn bank(&mut self, out: &mut String, b: &BankReport, _texts: &Texts) {
        for d in b.all_diagnostics() {
            annotation(out, d);
        }
        if !b.gates.is_empty() {
            let _ = writeln!(
                self.notices,
                "::notice title={}::{}",
                property(&format!(
                    "qbank {}",
                    crate::diagnostic::display_path(&b.path)
                )),
                data(&crate::table::summary_line(&b.gates))
            );
        }
    }

    fn finish(&mut self, out: &mut String, _totals: &Totals) {
        out.push_str(&std::mem::take(&mut self.notices));
    }
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
