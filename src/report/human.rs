//! `--format human`: per bank its validation table (or the document's claims audited),
//! then every diagnostic rendered like rustc's (annotate-snippets), then the summary line.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::{BankReport, Formatter, Style, Texts, Totals};
use crate::diagnostic::{Diagnostic, Severity, display_path};
use crate::position::Index;

/// Renders one diagnostic. `styled` adds ANSI colour (stripped later when not wanted).
pub(crate) fn diagnostic(
    d: &Diagnostic,
    texts: &HashMap<PathBuf, Arc<str>>,
    styled: bool,
) -> String {
    render(d, &mut Index::new(texts), styled)
}

/// [`diagnostic`], resolving its location through `index` (built once for many).
pub(crate) fn render(d: &Diagnostic, index: &mut Index<'_>, styled: bool) -> String {
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
        // The one place positions become bytes (`crate::position`): the marked range is
        // on character boundaries whatever the location holds.
        match index.resolve(loc) {
            Some(r) => {
                snippet = Some(
                    Snippet::source(r.line_text)
                        .line_start(r.line as usize)
                        .path(path.as_str())
                        .annotation(AnnotationKind::Primary.span(r.bytes)),
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

/// The run's one-line summary: banks, gate results, findings.
pub(crate) fn summary(totals: &Totals) -> String {
    let c = totals.counts;
    let failed = totals.not_loaded;
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
    if c.baselined > 0 {
        let _ = write!(s, ", {} in the baseline", c.baselined);
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

pub(crate) fn plural<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 { one } else { many }
}

/// The human format: tables as each bank arrives; diagnostics, which print under all the
/// tables, kept rendered until the end.
pub(crate) struct Human {
    style: Style,
    diagnostics: String,
}

impl Human {
    pub(crate) fn new(style: Style) -> Human {
        Human {
            style,
            diagnostics: String::new(),
        }
    }

    fn push_diagnostic(&mut self, d: &Diagnostic, index: &mut Index<'_>) {
        self.diagnostics.push_str(&render(d, index, true));
        self.diagnostics.push_str("\n\n");
    }
}

impl Formatter for Human {
    fn start(&mut self, _out: &mut String, general: &[Diagnostic], _banks: usize) {
        let none = Texts::new();
        let mut index = Index::new(&none);
        for d in general {
            self.push_diagnostic(d, &mut index);
        }
    }

    fn bank(&mut self, out: &mut String, b: &BankReport, texts: &Texts) {
        if !b.gates.is_empty() && !self.style.quiet {
            table(out, b, self.style.width);
        }
        let mut index = Index::new(texts);
        for d in b.all_diagnostics() {
            self.push_diagnostic(d, &mut index);
        }
    }

    fn finish(&mut self, out: &mut String, totals: &Totals) {
        out.push_str(&std::mem::take(&mut self.diagnostics));
        if !self.style.quiet {
            out.push_str(&summary(totals));
            out.push('\n');
        }
    }
}

/// A bank's heading, validation table (with the document's claims, if any) and summary.
fn table(s: &mut String, b: &BankReport, width: Option<usize>) {
    let title = b.title.as_deref().unwrap_or_default();
    let as_of = b.as_of.as_deref().unwrap_or_default();
    s.push_str(&format!(
        "{}: {title} (as of {as_of})\n",
        display_path(&b.path)
    ));
    if b.focused {
        // Checking one file: the bank-wide gates are context, in one line.
        s.push_str("bank gates: ");
        s.push_str(&crate::table::summary_line(&b.gates));
        s.push_str("\n\n");
        return;
    }
    if b.claims.is_empty() {
        s.push_str(&crate::table::human_fit(&b.gates, width));
    } else {
        s.push_str(&super::claims::human_table(&b.gates, &b.claims));
    }
    s.push_str(&crate::table::summary_line(&b.gates));
    if !b.claims.is_empty() {
        s.push('\n');
        s.push_str(&super::claims::summary(&b.claims));
    }
    if let Some(r) = &b.import {
        s.push('\n');
        s.push_str(&r.human(&b.path));
    }
    for w in &b.waived {
        s.push_str(&format!("\ngate {} waived: {}", w.gate, w.reason));
    }
    s.push_str("\n\n");
}
