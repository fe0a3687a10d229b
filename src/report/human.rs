//! Diagnostics for people, rendered like rustc's (annotate-snippets), and the summary line.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::Report;
use crate::diagnostic::{Diagnostic, Severity, display_path};

/// Renders one diagnostic. `styled` adds ANSI colour (stripped later when not wanted).
pub fn diagnostic(d: &Diagnostic, texts: &HashMap<PathBuf, Arc<str>>, styled: bool) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Note => Level::NOTE,
    };
    let code = match d.gate {
        Some(n) => format!("{n}:{}", d.code),
        None => d.code.clone(),
    };
    let path_text = d.location.as_ref().map(|l| display_path(&l.file));
    let title = level.primary_title(d.message.as_str()).id(code.as_str());
    let mut origin_only = None;
    let mut snippet = None;
    if let (Some(loc), Some(path)) = (&d.location, &path_text) {
        let line_text = (loc.line > 0)
            .then(|| texts.get(&loc.file))
            .flatten()
            .and_then(|t| t.lines().nth(loc.line as usize - 1));
        match line_text {
            Some(line) => {
                let line = line.trim_end_matches('\r');
                let start = byte_of_col(line, loc.col);
                let end = (start + (loc.len as usize).max(1)).min(line.len().max(start));
                snippet = Some(
                    Snippet::source(line)
                        .line_start(loc.line as usize)
                        .path(path.as_str())
                        .annotation(AnnotationKind::Primary.span(start..end.max(start))),
                );
            }
            None => origin_only = Some(loc.clone()),
        }
    }
    let notes: Vec<String> = d
        .notes
        .iter()
        .map(|n| match &n.location {
            Some(l) => format!("{}: {}", n.message, l.display()),
            None => n.message.clone(),
        })
        .collect();
    let mut group = match snippet {
        Some(s) => title.element(s),
        None => Group::with_title(title),
    };
    // No source line to quote (a binary, empty or unreadable file): rustc's `--> path`.
    if let (Some(o), Some(path)) = (&origin_only, &path_text) {
        let mut origin = Origin::path(path.as_str());
        if o.line > 0 {
            origin = origin.line(o.line as usize);
            if o.col > 0 {
                origin = origin.char_column(o.col as usize);
            }
        }
        group = group.element(origin);
    }
    for n in &notes {
        group = group.element(Level::NOTE.message(n.as_str()));
    }
    if let Some(h) = &d.help {
        group = group.element(Level::HELP.message(h.as_str()));
    }
    let report: [Group<'_>; 1] = [group];
    let renderer = if styled {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&report)
}

/// The byte index of 1-based character column `col` in `line`.
fn byte_of_col(line: &str, col: u32) -> usize {
    if col <= 1 {
        return 0;
    }
    line.char_indices()
        .nth(col as usize - 1)
        .map_or(line.len(), |(i, _)| i)
}

/// All diagnostics of a report, then a one-line summary.
pub fn render(report: &Report, styled: bool) -> String {
    let mut out = String::new();
    for d in report.all_diagnostics() {
        out.push_str(&diagnostic(d, &report.texts, styled));
        out.push_str("\n\n");
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

pub fn summary(report: &Report) -> String {
    let c = report.counts();
    let failed = report.banks.iter().filter(|b| !b.loaded).count();
    let mut s = String::new();
    let _ = write!(
        s,
        "{} {} checked",
        c.banks,
        plural(c.banks, "bank", "banks")
    );
    if failed > 0 {
        let _ = write!(s, " ({failed} could not be loaded)");
    }
    let gates = c.pass + c.warn + c.fail + c.skip;
    if gates > 0 {
        let _ = write!(
            s,
            ": {} gate results, {} PASS, {} WARN, {} FAIL",
            gates, c.pass, c.warn, c.fail
        );
        if c.skip > 0 {
            let _ = write!(s, ", {} SKIP", c.skip);
        }
    }
    let _ = write!(
        s,
        "; {} {}, {} {}",
        c.errors,
        plural(c.errors, "error", "errors"),
        c.warnings,
        plural(c.warnings, "warning", "warnings"),
    );
    if c.suppressed > 0 {
        let _ = write!(s, ", {} suppressed", c.suppressed);
    }
    if c.waived > 0 {
        let _ = write!(
            s,
            "; {} {} waived (not counted in the exit code)",
            c.waived,
            plural(c.waived, "gate", "gates")
        );
    }
    s
}

pub fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// `--format concise`: one line per finding, `path:line:col: severity[code]: message`
/// (as rustc's and clippy's `short` format, ruff's `concise`), plus a line per failing or
/// warning gate that has no finding of its own, then the summary.
pub fn concise(report: &Report, quiet: bool) -> String {
    let mut out = String::new();
    for d in report.all_diagnostics() {
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
    for b in &report.banks {
        for g in &b.gates {
            let severity = match g.status {
                crate::gates::Status::Fail => "error",
                crate::gates::Status::Warn => "warning",
                _ => continue,
            };
            if !g.diagnostics.is_empty() || b.is_waived(g.number) || b.focused {
                continue;
            }
            let _ = writeln!(
                out,
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
    if !quiet {
        out.push_str(&summary(report));
        out.push('\n');
    }
    out
}
