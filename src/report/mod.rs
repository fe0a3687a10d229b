//! Output: what a run found, printed for people (`human`) or machines (`json`, ...).
//! Every format is a pure function of a [`Report`].

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod select;
pub mod table;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::gates::{GateResult, Status};
use crate::model::Sources;

/// One bank's (or document's) results.
#[derive(Debug, Clone, Serialize)]
pub struct BankReport {
    pub path: PathBuf,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// False when the bank could not be loaded (exit code 2).
    pub loaded: bool,
    /// The date recency was measured from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// The twenty gates' results, in order (empty when the bank did not load).
    pub gates: Vec<GateResult>,
    /// Load problems and notes about the run (gate findings are under `gates`).
    pub diagnostics: Vec<Diagnostic>,
    /// A markdown document's own Validation Results rows, audited (empty for banks).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<crate::import::Claim>,
    /// Gates that do not fail the run (`--select`/`--ignore`, or every finding suppressed).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub waived: Vec<select::Waived>,
    /// Findings hidden by `qbank-ignore` comments.
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed: usize,
    /// Only the findings of the files named on the command line are kept.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub focused: bool,
    /// A markdown document's import: questions recognised, question-like lines not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import: Option<crate::import::Recognition>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl BankReport {
    /// Load diagnostics, then every gate's findings.
    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .chain(self.gates.iter().flat_map(|g| g.diagnostics.iter()))
    }

    pub fn count(&self, status: Status) -> usize {
        self.gates.iter().filter(|g| g.status == status).count()
    }

    /// True when gate `n` does not fail the run.
    pub fn is_waived(&self, n: u8) -> bool {
        self.waived.iter().any(|w| w.gate == n)
    }

    /// Gates with `status` that fail the run (not waived).
    fn counted(&self, status: Status) -> usize {
        self.gates
            .iter()
            .filter(|g| g.status == status && !self.is_waived(g.number))
            .count()
    }
}

/// Everything one run found, plus the file texts diagnostics quote.
#[derive(Debug, Default)]
pub struct Report {
    pub banks: Vec<BankReport>,
    /// Problems not tied to one bank (paths that do not exist, symlink loops).
    pub general: Vec<Diagnostic>,
    pub texts: HashMap<PathBuf, Arc<str>>,
    /// With `--strict`, a WARN fails like a FAIL.
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub banks: usize,
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Gates that would fail or warn but are waived.
    #[serde(skip_serializing_if = "is_zero")]
    pub waived: usize,
    /// Findings hidden by inline suppressions.
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed: usize,
}

impl Report {
    pub fn add_sources(&mut self, sources: &Sources) {
        for f in sources.iter() {
            self.texts.insert(f.path.clone(), f.text.clone());
        }
    }

    pub fn all_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.general
            .iter()
            .chain(self.banks.iter().flat_map(BankReport::all_diagnostics))
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            banks: self.banks.len(),
            ..Counts::default()
        };
        for b in &self.banks {
            c.pass += b.count(Status::Pass);
            c.warn += b.count(Status::Warn);
            c.fail += b.count(Status::Fail);
            c.skip += b.count(Status::Skip);
            c.waived += b.waived.len();
            c.suppressed += b.suppressed;
        }
        for d in self.all_diagnostics() {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Note => {}
            }
        }
        c
    }

    /// 2 when anything could not be loaded, 1 when a gate failed (or warned, with
    /// `--strict`), else 0.
    pub fn exit_code(&self) -> u8 {
        let load_failed =
            self.general.iter().any(Diagnostic::is_error) || self.banks.iter().any(|b| !b.loaded);
        let fail: usize = self.banks.iter().map(|b| b.counted(Status::Fail)).sum();
        let warn: usize = self.banks.iter().map(|b| b.counted(Status::Warn)).sum();
        if load_failed {
            2
        } else if fail > 0 || (self.strict && warn > 0) {
            1
        } else {
            0
        }
    }
}
