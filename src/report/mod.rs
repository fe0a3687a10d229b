//! Output: what a run found, printed for people (`human`) or machines (`json`, ...).
//! Every format is a pure function of a [`Report`].

pub mod human;
pub mod json;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
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
    pub diagnostics: Vec<Diagnostic>,
}

/// Everything one run found, plus the file texts diagnostics quote.
#[derive(Debug, Default)]
pub struct Report {
    pub banks: Vec<BankReport>,
    /// Problems not tied to one bank (paths that do not exist, symlink loops).
    pub general: Vec<Diagnostic>,
    pub texts: HashMap<PathBuf, Arc<str>>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub banks: usize,
    pub errors: usize,
    pub warnings: usize,
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
            .chain(self.banks.iter().flat_map(|b| b.diagnostics.iter()))
    }

    pub fn counts(&self) -> Counts {
        let mut c = Counts {
            banks: self.banks.len(),
            ..Counts::default()
        };
        for d in self.all_diagnostics() {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Note => {}
            }
        }
        c
    }

    /// 2 when anything could not be loaded, else 0.
    pub fn exit_code(&self) -> u8 {
        let load_failed =
            self.general.iter().any(Diagnostic::is_error) || self.banks.iter().any(|b| !b.loaded);
        if load_failed { 2 } else { 0 }
    }
}
