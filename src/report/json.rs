//! The machine-readable report (`--format json`); its shape is documented in docs/json.md.

use serde::Serialize;

use super::{BankReport, Counts, Report};
use crate::diagnostic::Diagnostic;

#[derive(Serialize)]
struct JsonReport<'a> {
    /// Bumped when a field changes meaning or disappears.
    version: u32,
    banks: &'a [BankReport],
    general: &'a [Diagnostic],
    summary: Summary,
}

#[derive(Serialize)]
struct Summary {
    #[serde(flatten)]
    counts: Counts,
    exit_code: u8,
}

pub fn render(report: &Report) -> String {
    let doc = JsonReport {
        version: 1,
        banks: &report.banks,
        general: &report.general,
        summary: Summary {
            counts: report.counts(),
            exit_code: report.exit_code(),
        },
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("report serializes");
    s.push('\n');
    s
}
