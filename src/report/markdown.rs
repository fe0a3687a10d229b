//! `--format markdown`: each bank's table exactly as the spec's Validation Results
//! section (with a Claimed column for a document), under a heading per bank when there
//! are several.

use super::{BankReport, Formatter, Texts, Totals};
use crate::diagnostic::Diagnostic;

/// The text ends with one newline: the blank lines after the last bank are held back
/// until another bank follows.
#[derive(Default)]
pub(crate) struct Markdown {
    many: bool,
    pending: String,
}

impl Formatter for Markdown {
    fn start(&mut self, _out: &mut String, _general: &[Diagnostic], banks: usize) {
        self.many = banks > 1;
    }

    fn bank(&mut self, out: &mut String, b: &BankReport, _texts: &Texts) {
        let mut s = String::new();
        if self.many {
            s.push_str(&format!(
                "### {}\n\n",
                b.title.as_deref().unwrap_or(&b.path.display().to_string())
            ));
        }
        if b.gates.is_empty() {
            s.push_str("Not loaded: see the diagnostics (`--format human`).\n\n");
        } else if b.claims.is_empty() {
            s.push_str(&crate::table::markdown(&b.gates));
            s.push_str(&format!(
                "\n**Summary**: {}\n\n",
                crate::table::summary_line(&b.gates)
            ));
        } else {
            s.push_str(&super::claims::markdown_table(&b.gates, &b.claims));
            s.push_str(&format!(
                "\n**Summary**: {} {}\n\n",
                crate::table::summary_line(&b.gates),
                super::claims::summary(&b.claims)
            ));
        }
        let body = s.trim_end().len();
        out.push_str(&std::mem::take(&mut self.pending));
        out.push_str(&s[..body]);
        self.pending = s[body..].to_owned();
    }

    fn finish(&mut self, out: &mut String, _totals: &Totals) {
        out.push('\n');
    }
}
