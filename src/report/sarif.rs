//! SARIF 2.1.0 (code scanning): one run, a rule per gate and per load-problem code,
//! a result per diagnostic.

use std::collections::BTreeMap;

use serde_sarif::sarif;

use super::{BankReport, Formatter, Texts, Totals};
use crate::diagnostic::{Diagnostic, Severity};

fn level(s: Severity) -> sarif::ResultLevel {
    match s {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Note => sarif::ResultLevel::Note,
    }
}

/// A file's SARIF `uri`: a relative reference (to the working folder) for a file below it,
/// else a `file:` URL, with every byte outside RFC 3986's path characters percent-encoded
/// (a space is `%20`, `é` is `%C3%A9`), as SARIF requires.
fn uri(path: &std::path::Path) -> String {
    let shown = crate::diagnostic::display_path(path);
    let shown_path = std::path::Path::new(&shown);
    if shown_path.is_absolute()
        && let Ok(u) = url::Url::from_file_path(shown_path)
    {
        return u.to_string();
    }
    let mut out = String::with_capacity(shown.len());
    for b in shown.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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
    let mut r = sarif::Result::builder()
        .rule_id(d.code.clone())
        .rule_index(rule_index)
        .level(level(d.severity))
        .message(sarif::Message::builder().text(text).build())
        .locations(locations)
        .related_locations(related)
        .build();
    // The baseline's fingerprint (no line number in it), so code scanning matches a
    // finding across edits that move it.
    r.partial_fingerprints = d
        .fingerprint
        .as_ref()
        .map(|f| [(FINGERPRINT.to_owned(), f.clone())].into());
    r
}

/// The `partialFingerprints` key of qbank's fingerprint (`crate::report::baseline`).
const FINGERPRINT: &str = "qbankFingerprint/v1";

/// Results kept as they come: the rule list, which precedes them, names every gate of the
/// banks reported and every code that occurs, so it is known only at the end.
pub(crate) struct Sarif {
    /// Where the docs are published: each rule's `helpUri` (none: no `helpUri`).
    docs_url: Option<String>,
    /// The rubric's gates, those of the banks reported, in order of first appearance:
    /// (number, name, title, documentation).
    gates: Vec<(u8, String, String, String)>,
    /// Every diagnostic code in order of first occurrence.
    codes: Vec<String>,
    diagnostics: Vec<Diagnostic>,
}

impl Sarif {
    pub(crate) fn new(docs_url: Option<String>) -> Sarif {
        Sarif {
            docs_url,
            gates: Vec::new(),
            codes: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    fn add(&mut self, d: &Diagnostic) {
        if !self.codes.contains(&d.code) {
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
        for g in &bank.gates {
            if !self.gates.iter().any(|x| x.1 == g.name) {
                let doc = crate::gates::built_in(&g.name)
                    .filter(|b| b.title == g.title)
                    .map_or_else(|| g.requirement.clone(), crate::gates::Gate::doc_text);
                self.gates
                    .push((g.number, g.name.clone(), g.title.clone(), doc));
            }
        }
        for d in bank.all_diagnostics() {
            self.add(d);
        }
    }

    fn finish(&mut self, out: &mut String, _totals: &Totals) {
        out.push_str(&render(
            self.docs_url.as_deref(),
            std::mem::take(&mut self.gates),
            std::mem::take(&mut self.codes),
            std::mem::take(&mut self.diagnostics),
        ));
    }
}

/// One run: a rule per gate (documented; the built-in rubric's when no bank was gated),
/// then per load-problem code that occurs, and the results pointing at them.
fn render(
    docs_url: Option<&str>,
    mut gates: Vec<(u8, String, String, String)>,
    codes: Vec<String>,
    diagnostics: Vec<Diagnostic>,
) -> String {
    if gates.is_empty() {
        gates = crate::gates::ALL
            .iter()
            .map(|g| {
                (
                    g.number,
                    g.name.to_owned(),
                    g.title.to_owned(),
                    g.doc_text(),
                )
            })
            .collect();
    }
    // SARIF 2.1.0 §3.49.12: a reportingDescriptor's `helpUri`, the rule's documentation.
    let help = |code: &str, gate: Option<(u8, &str)>| {
        docs_url.and_then(|base| super::docs_link(base, code, gate))
    };
    let mut rules: Vec<sarif::ReportingDescriptor> = gates
        .iter()
        .map(|(number, name, title, doc)| {
            let mut rule = sarif::ReportingDescriptor::builder()
                .id(name.clone())
                .name(title.clone())
                .short_description(
                    sarif::MultiformatMessageString::builder()
                        .text(format!("Gate {number}: {title}"))
                        .build(),
                )
                .full_description(
                    sarif::MultiformatMessageString::builder()
                        .text(doc.clone())
                        .build(),
                )
                .build();
            // docs/gates.md documents the built-in gates; a rubric's own gate has no page.
            rule.help_uri =
                crate::gates::built_in(name).and_then(|g| help(g.name, Some((g.number, g.title))));
            rule
        })
        .collect();
    let mut index: BTreeMap<String, i64> = gates
        .iter()
        .enumerate()
        .map(|(i, g)| (g.1.clone(), i as i64))
        .collect();
    for code in codes {
        if !index.contains_key(&code) {
            index.insert(code.clone(), rules.len() as i64);
            // Every code is registered (`crate::codes`): its summary and documentation.
            let mut rule = match crate::codes::Code::from_name(&code) {
                Some(c) => sarif::ReportingDescriptor::builder()
                    .id(code.clone())
                    .short_description(
                        sarif::MultiformatMessageString::builder()
                            .text(c.summary().to_owned())
                            .build(),
                    )
                    .full_description(
                        sarif::MultiformatMessageString::builder()
                            .text(c.doc())
                            .build(),
                    )
                    .build(),
                None => sarif::ReportingDescriptor::builder()
                    .id(code.clone())
                    .short_description(
                        sarif::MultiformatMessageString::builder()
                            .text(format!("qbank: {code}"))
                            .build(),
                    )
                    .build(),
            };
            rule.help_uri = help(&code, None);
            rules.push(rule);
        }
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
    // Columns count characters (`crate::position`), which SARIF calls code points.
    let run = sarif::Run::builder()
        .tool(tool)
        .results(results)
        .column_kind(serde_json::Value::from("unicodeCodePoints"))
        .build();
    let doc = sarif::Sarif::builder()
        .version(sarif::Version::V2_1_0.to_string())
        .schema(sarif::SCHEMA_URL)
        .runs(vec![run])
        .build();
    let mut s = serde_json::to_string_pretty(&doc).expect("SARIF serializes");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::uri;
    use std::path::Path;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri(Path::new("content/b/q.yaml")), "content/b/q.yaml");
        assert_eq!(
            uri(Path::new("my banks/café/q 1.yaml")),
            "my%20banks/caf%C3%A9/q%201.yaml"
        );
        // A colon in a relative reference's first segment would read as a scheme.
        assert_eq!(uri(Path::new("a:b.md")), "a%3Ab.md");
        assert_eq!(uri(Path::new("50%.md")), "50%25.md");
        #[cfg(unix)]
        assert_eq!(
            uri(Path::new("/nowhere/x y/q.yaml")),
            "file:///nowhere/x%20y/q.yaml"
        );
    }
}
