//! GitHub Actions workflow commands: `::error file=...,line=...,col=...::message`.

use std::fmt::Write as _;

use super::Report;
use crate::diagnostic::Severity;

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

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for d in report.all_diagnostics() {
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
    for b in &report.banks {
        if !b.gates.is_empty() {
            let _ = writeln!(
                out,
                "::notice title={}::{}",
                property(&format!(
                    "qbank {}",
                    crate::diagnostic::display_path(&b.path)
                )),
                data(&super::table::summary_line(&b.gates))
            );
        }
    }
    out
}
