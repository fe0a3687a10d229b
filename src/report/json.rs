//! The machine-readable report (`--format json`); its shape is documented in docs/json.md.
//!
//! Written bank by bank: each bank is serialized on its own and indented into place, so
//! the text is the same as serializing the whole report at once (JSON strings hold no
//! raw line breaks, so indenting after each line break never touches a value).

use serde::Serialize;

use super::{BankReport, Counts, Formatter, Texts, Totals};
use crate::diagnostic::Diagnostic;

/// Bumped when a field changes meaning or disappears.
pub(crate) const VERSION: u32 = 1;

#[derive(Serialize)]
struct Summary {
    #[serde(flatten)]
    counts: Counts,
    exit_code: u8,
}

/// `value` pretty-printed, its lines after the first indented by `indent` spaces.
fn nested(value: &impl Serialize, indent: usize) -> String {
    let text = serde_json::to_string_pretty(value).expect("report serializes");
    text.replace('\n', &format!("\n{}", " ".repeat(indent)))
}

#[derive(Default)]
pub(crate) struct Json {
    general: String,
    banks: usize,
}

impl Formatter for Json {
    fn start(&mut self, out: &mut String, general: &[Diagnostic], _banks: usize) {
        out.push_str(&format!("{{\n  \"version\": {VERSION},\n  \"banks\": ["));
        self.general = nested(&general, 2);
    }

    fn bank(&mut self, out: &mut String, bank: &BankReport, _texts: &Texts) {
        out.push_str(if self.banks == 0 { "\n    " } else { ",\n    " });
        out.push_str(&nested(bank, 4));
        self.banks += 1;
    }

    fn finish(&mut self, out: &mut String, totals: &Totals) {
        if self.banks > 0 {
            out.push_str("\n  ");
        }
        let summary = Summary {
            counts: totals.counts,
            exit_code: totals.exit_code(),
        };
        out.push_str(&format!(
            "],\n  \"general\": {},\n  \"summary\": {}\n}}\n",
            self.general,
            nested(&summary, 2)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Code;
    use crate::diagnostic::Location;
    use crate::report::{Format, Report, Style};

    fn bank(path: &str, loaded: bool) -> BankReport {
        BankReport {
            path: path.into(),
            slug: Some("s".into()),
            title: Some("T \"quoted\"\nline".into()),
            loaded,
            as_of: None,
            gates: Vec::new(),
            diagnostics: vec![
                Diagnostic::warning(Code::Unrecognised, "a\nb").at(Location::at("b/q.yaml", 3, 4)),
            ],
            claims: Vec::new(),
            waived: Vec::new(),
            suppressed: 0,
            baselined: 0,
            focused: false,
            import: None,
        }
    }

    /// The whole report serialized at once, as the format was first defined.
    fn at_once(report: &Report) -> String {
        #[derive(Serialize)]
        struct Whole<'a> {
            version: u32,
            banks: &'a [BankReport],
            general: &'a [Diagnostic],
            summary: Summary,
        }
        let doc = Whole {
            version: VERSION,
            banks: &report.banks,
            general: &report.general,
            summary: Summary {
                counts: report.counts(),
                exit_code: report.exit_code(),
            },
        };
        serde_json::to_string_pretty(&doc).unwrap() + "\n"
    }

    #[test]
    fn streamed_text_is_the_whole_report_serialized() {
        for (banks, general) in [
            (vec![], vec![]),
            (vec![bank("a", true)], vec![]),
            (
                vec![bank("a", true), bank("b", false)],
                vec![Diagnostic::error(Code::Io, "gone")],
            ),
        ] {
            let report = Report {
                banks,
                general,
                ..Report::default()
            };
            assert_eq!(
                report.render(Format::Json, Style::default()),
                at_once(&report)
            );
        }
    }
}
