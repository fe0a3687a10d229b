//! SARIF 2.1.0 (code scanning): one run, a rule per gate and per load-problem code,
//! a result per diagnostic.

use std::collections::BTreeMap;

use serde_sarif::sarif;

use super::{BankReport, Formatter, Texts, Totals};
use crate::diagnostic::{Diagnostic, Severity};
use crate::gates::ALL;

fn level(s: Severity) -> sarif::ResultLevel {
    match s {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Note => sarif::ResultLevel::Note,
    }
}

fn uri(path: &std::path::Path) -> String {
    crate::diagnostic::display_path(path).replace('\\', "/")
}

fn result(d: &Diagnostic, rule_index: i64) -> sarif::Result {
    let mut text = d.message.clone();
    if let Some(h) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(h);
    }
    let locations: Vec<sarif::Location> = d
        .location
        .iter()
        .map(|l| {
            let artifact = sarif::ArtifactLocation::builder().uri(uri(&l.file)).build();
            let physical = if l.line > 0 {
                let region = sarif::Region::builder()
                    .start_line(i64::from(l.line))
                    .start_column(i64::from(l.col.max(1)))
                    .build();
                sarif::PhysicalLocation::builder()
                    .artifact_location(artifact)
                    .region(region)
                    .build()
            } else {
                sarif::PhysicalLocation::builder()
                    .artifact_location(artifact)
                    .build()
            };
            sarif::Location::builder()
                .physical_location(physical)
                .build()
        })
        .collect();
    let related: Vec<sarif::Location> = d
        .notes
        .iter()
        .filter_map(|n| {
            let l = n.location.as_ref()?;
            let artifact = sarif::ArtifactLocation::builder().uri(uri(&l.file)).build();
            let region = sarif::Region::builder()
                .start_line(i64::from(l.line.max(1)))
                .start_column(i64::from(l.col.max(1)))
                .build();
            let physical = sarif::PhysicalLocation::builder()
                .artifact_location(artifact)
                .region(region)
                .build();
            Some(
                sarif::Location::builder()
                    .physical_location(physical)
                    .message(sarif::Message::builder().text(n.message.clone()).build())
                    .build(),
            )
        })
        .collect();
    sarif::Result::builder()
        .rule_id(d.code.clone())
        .rule_index(rule_index)
        .level(level(d.severity))
        .message(sarif::Message::builder().text(text).build())
        .locations(locations)
        .related_locations(related)
        .build()
}

/// Results kept as they come: the rule list, which precedes them, names every code that
/// occurs, so it is known only at the end.
#[derive(Default)]
pub(crate) struct Sarif {
    /// Load-problem codes in the order they first occur (gates' rules come first).
    codes: Vec<String>,
    diagnostics: Vec<Diagnostic>,
}

impl Sarif {
    fn add(&mut self, d: &Diagnostic) {
        if !ALL.iter().any(|g| g.name == d.code) && !self.codes.contains(&d.code) {
            self.codes.push(d.code.clone());
        }
        self.diagnostics.push(d.clone());
    }
}

impl Formatter for Sarif {
    fn start(&mut self, _out: &mut String, general: &[Diagnostic], _banks: usize) {
        for d in general {
            self.add(d);
        }
    }

    fn bank(&mut self, _out: &mut String, bank: &BankReport, _texts: &Texts) {
        for d in bank.all_diagnostics() {
            self.add(d);
        }
    }

    fn finish(&mut self, out: &mut String, _totals: &Totals) {
        out.push_str(&render(
            std::mem::take(&mut self.codes),
            std::mem::take(&mut self.diagnostics),
        ));
    }
}

/// One run: a rule per gate (documented), then per load-problem code that occurs, and the
/// results pointing at them.
fn render(codes: Vec<String>, diagnostics: Vec<Diagnostic>) -> String {
    let mut rules: Vec<sarif::ReportingDescriptor> = ALL
        .iter()
        .map(|g| {
            sarif::ReportingDescriptor::builder()
                .id(g.name)
                .name(g.title)
                .short_description(
                    sarif::MultiformatMessageString::builder()
                        .text(format!("Gate {}: {}", g.number, g.title))
                        .build(),
                )
                .full_description(
                    sarif::MultiformatMessageString::builder()
                        .text(g.doc_text())
                        .build(),
                )
                .build()
        })
        .collect();
    let mut index: BTreeMap<String, i64> = ALL
        .iter()
        .enumerate()
        .map(|(i, g)| (g.name.to_owned(), i as i64))
        .collect();
    for code in codes {
        index.insert(code.clone(), rules.len() as i64);
        rules.push(
            sarif::ReportingDescriptor::builder()
                .id(code.clone())
                .short_description(
                    sarif::MultiformatMessageString::builder()
                        .text(format!("qbank: {code}"))
                        .build(),
                )
                .build(),
        );
    }
    let results: Vec<sarif::Result> = diagnostics
        .iter()
        .map(|d| result(d, index[&d.code]))
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("qbank")
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let tool = sarif::Tool::builder().driver(driver).build();
    let run = sarif::Run::builder().tool(tool).results(results).build();
    let doc = sarif::Sarif::builder()
        .version(sarif::Version::V2_1_0.to_string())
        .schema(sarif::SCHEMA_URL)
        .runs(vec![run])
        .build();
    let mut s = serde_json::to_string_pretty(&doc).expect("SARIF serializes");
    s.push('\n');
    s
}
