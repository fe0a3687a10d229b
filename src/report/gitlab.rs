//! GitLab Code Quality (`artifacts: reports: codequality`): a JSON array of issues, each
//! with `description`, `check_name`, `fingerprint`, `severity` and `location` (`path`,
//! `lines.begin`), the subset of the Code Climate format GitLab reads.
//!
//! The fingerprint is the baseline's (`crate::report::baseline`: no line number in it, so
//! an issue keeps its identity in GitLab's merge request widget when text moves). GitLab
//! shows one issue per fingerprint, so the second finding with the same fingerprint gets
//! a hash of it and its occurrence number.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{BankReport, Formatter, Texts, Totals};
use crate::diagnostic::{Diagnostic, Severity};

#[derive(Serialize)]
struct Issue {
    description: String,
    check_name: String,
    fingerprint: String,
    severity: &'static str,
    location: IssueLocation,
}

#[derive(Serialize)]
struct IssueLocation {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
}

/// GitLab's scale is info, minor, major, critical, blocker: an error is `major` (it fails
/// the check), a warning `minor`, a note `info`.
fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Note => "info",
    }
}

/// Issues kept until the end, written as one array.
#[derive(Default)]
pub(crate) struct Gitlab {
    issues: Vec<Issue>,
    /// How often each fingerprint has occurred so far.
    seen: HashMap<String, usize>,
}

impl Gitlab {
    /// `home`: where a finding that points at no file goes (the bank's bank.yaml, the
    /// document), line 1.
    fn add(&mut self, d: &Diagnostic, home: Option<&Path>) {
        let (path, line) = match (&d.location, home) {
            (Some(l), _) => (l.file.clone(), l.line.max(1)),
            (None, Some(h)) => (h.to_path_buf(), 1),
            (None, None) => (PathBuf::from("."), 1),
        };
        let path = crate::diagnostic::display_path(&path).replace('\\', "/");
        let path = path.strip_prefix("./").unwrap_or(&path).to_owned();
        let base = d.fingerprint.clone().unwrap_or_else(|| {
            // A report read back without fingerprints (an older JSON report given to
            // `merge`): the code, file, line and message identify the finding.
            hex(&blake3::hash(
                format!("{}\0{path}\0{line}\0{}", d.code, d.message).as_bytes(),
            ))
        });
        let n = self.seen.entry(base.clone()).or_insert(0);
        *n += 1;
        let fingerprint = if *n == 1 {
            base
        } else {
            hex(&blake3::hash(format!("{base}\0{n}").as_bytes()))
        };
        let mut description = match d.gate {
            Some(g) => format!("gate {g} {}: {}", d.code, d.message),
            None => d.message.clone(),
        };
        if let Some(h) = &d.help {
            description.push_str(" (help: ");
            description.push_str(h);
            description.push(')');
        }
        self.issues.push(Issue {
            description,
            check_name: d.code.clone(),
            fingerprint,
            severity: severity(d.severity),
            location: IssueLocation {
                path,
                lines: Lines { begin: line },
            },
        });
    }
}

/// The first 16 hex digits of a hash, as long as the baseline's fingerprints.
fn hex(h: &blake3::Hash) -> String {
    h.to_hex()[..16].to_owned()
}

impl Formatter for Gitlab {
    fn start(&mut self, _out: &mut String, general: &[Diagnostic], _banks: usize) {
        for d in general {
            self.add(d, None);
        }
    }

    fn bank(&mut self, _out: &mut String, b: &BankReport, _texts: &Texts) {
        let home = if crate::load::is_markdown(&b.path) {
            b.path.clone()
        } else {
            b.path.join("bank.yaml")
        };
        for d in b.all_diagnostics() {
            self.add(d, Some(&home));
        }
    }

    fn finish(&mut self, out: &mut String, _totals: &Totals) {
        let issues = std::mem::take(&mut self.issues);
        out.push_str(&serde_json::to_string_pretty(&issues).expect("issues serialize"));
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codes::Code;
    use crate::diagnostic::Location;

    fn issues(diags: &[Diagnostic]) -> Vec<serde_json::Value> {
        let mut f = Gitlab::default();
        let mut out = String::new();
        f.start(&mut out, diags, 0);
        f.finish(&mut out, &Totals::default());
        serde_json::from_str(&out).expect("a JSON array")
    }

    #[test]
    fn a_shared_fingerprint_is_made_unique_and_stays_stable() {
        let mut d = Diagnostic::error(Code::DuplicateId, "id `q` used twice").at(Location::at(
            Path::new("b/questions/q.yaml"),
            3,
            1,
        ));
        d.fingerprint = Some("0123456789abcdef".to_owned());
        let mut w = d.clone();
        w.severity = Severity::Warning;
        let out = issues(&[d.clone(), w, d]);
        let fps: Vec<&str> = out
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap())
            .collect();
        assert_eq!(fps[0], "0123456789abcdef");
        assert_ne!(fps[1], fps[0]);
        assert_ne!(fps[2], fps[1]);
        assert_eq!(out[1]["severity"], "minor");
        assert_eq!(out[0]["severity"], "major");
        assert_eq!(out[0]["location"]["path"], "b/questions/q.yaml");
        assert_eq!(out[0]["location"]["lines"]["begin"], 3);
        assert_eq!(out[0]["check_name"], "duplicate-id");
        // The same input gives the same fingerprints.
        assert_eq!(
            issues(&[out_diag()])[0]["fingerprint"],
            issues(&[out_diag()])[0]["fingerprint"]
        );
    }

    fn out_diag() -> Diagnostic {
        Diagnostic::error(Code::Io, "no such file").at(Location::file(Path::new("x")))
    }

    #[test]
    fn nothing_found_is_an_empty_array() {
        assert!(issues(&[]).is_empty());
    }
}
