//! `--format concise`: one line per finding, `path:line:col: severity[code]: message`
//! (as rustc's and clippy's `short` format, ruff's `concise`), plus a line per failing or
//! warning gate that has no finding of its own, then the summary.

use std::fmt::Write as _;

use super::{BankReport, Formatter, Style, Texts, Totals};
use crate::diagnostic::{Diagnostic, display_path};
use crate::gates::Status;

/// Finding lines as they come; the gate lines, which follow every finding, kept.
pub(crate) struct Concise {
    style: Style,
    gate_lines: String,
}

impl Concise {
    pub(crate) fn new(style: Style) -> Concise {
        Concise {
            style,
            gate_lines: String::new(),
        }
    }
}

fn finding(out: &mut String, d: &Diagnostic) {
    let code = match d.gate {
        Some(n) => format!("{n}:{}", d.code),
        None => d.code.clone(),
    };
    let at = d
        .location
        .as_ref()
        .map_or_else(|| "qbank".to_owned(), crate::diagnostic::Location::display);
    let _ = writeln!(
        out,
        "{at}: {}[{code}]: {}",
        d.severity.as_str(),
        d.message.replace(['\r', '\n'], " ")
    );
}

impl Formatter for Concise {
    fn start(&mut self, out: &mut String, general: &[Diagnostic], _banks: usize) {
        for d in general {
            finding(out, d);
        }
    }

    fn bank(&mut self, out: &mut String, b: &BankReport, _texts: &Texts) {
        for d in b.all_diagnostics() {
            finding(out, d);
        }
        for g in &b.gates {
            let severity = match g.status {
                Status::Fail => "error",
                Status::Warn => "warning",
                _ => continue,
            };
            if !g.diagnostics.is_empty() || b.is_waived(g.number) || b.focused {
                continue;
            }
            let _ = writeln!(
                self.gate_lines,
                "{}: {severity}[{}:{}]: {} {}: {}",
                display_path(&if crate::load::is_markdown(&b.path) {
                    b.path.clone()
                } else {
                    b.path.join("bank.yaml")
                }),
                g.number,
                g.name,
                g.title,
                g.status.as_str(),
                g.evidence
            );
        }
    }

    fn finish(&mut self, out: &mut String, totals: &Totals) {
        out.push_str(&std::mem::take(&mut self.gate_lines));
        if !self.style.quiet {
            out.push_str(&super::human::summary(totals));
            out.push('\n');
        }
    }
}
