//! JUnit XML: a test suite per bank, a test case per gate (and one for loading).

use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};

use super::{BankReport, Formatter, Style, Texts, Totals};
use crate::diagnostic::Diagnostic;
use crate::gates::Status;

fn details(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            let at = d
                .location
                .as_ref()
                .map(|l| format!("{}: ", l.display()))
                .unwrap_or_default();
            format!("{at}{}: {}", d.severity.as_str(), d.message)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A test suite per bank, kept until the end (the document's header counts them all).
pub(crate) struct Junit {
    strict: bool,
    out: JReport,
}

impl Junit {
    pub(crate) fn new(style: Style) -> Junit {
        Junit {
            strict: style.strict,
            out: JReport::new("qbank"),
        }
    }
}

impl Formatter for Junit {
    fn bank(&mut self, _out: &mut String, b: &BankReport, _texts: &Texts) {
        self.out.add_test_suite(suite(b, self.strict));
    }

    fn finish(&mut self, out: &mut String, _totals: &Totals) {
        let mut s = self.out.to_string().expect("JUnit serializes");
        if !s.ends_with('\n') {
            s.push('\n');
        }
        out.push_str(&s);
    }
}

fn suite(b: &BankReport, strict: bool) -> TestSuite {
    let name = crate::diagnostic::display_path(&b.path);
    let mut suite = TestSuite::new(name.clone());
    let mut load = if b.loaded {
        TestCase::new("load", TestCaseStatus::success())
    } else {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status.set_message("the bank could not be loaded");
        status.set_description(details(&b.diagnostics));
        TestCase::new("load", status)
    };
    load.set_classname(name.clone());
    suite.add_test_case(load);
    for g in &b.gates {
        let status = match g.status {
            Status::Pass => TestCaseStatus::success(),
            Status::Warn if !strict => TestCaseStatus::success(),
            Status::Skip => {
                let mut s = TestCaseStatus::skipped();
                s.set_message(g.evidence.clone());
                s
            }
            Status::Warn | Status::Fail => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(format!("{}: {}", g.status.as_str(), g.evidence));
                s.set_type(g.status.as_str());
                s.set_description(details(&g.diagnostics));
                s
            }
        };
        let mut case = TestCase::new(format!("{:02} {}", g.number, g.name), status);
        case.set_classname(name.clone());
        if g.status == Status::Warn && !strict {
            case.set_system_out(format!("WARN: {}\n{}", g.evidence, details(&g.diagnostics)));
        } else if g.status == Status::Pass {
            case.set_system_out(g.evidence.clone());
        }
        suite.add_test_case(case);
    }
    suite
}
