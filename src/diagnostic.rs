//! `Diagnostic`: the one model behind every finding, whatever the output format.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::codes::Code;
use crate::model::{FileId, Pos, Sources};

/// The code a gate's finding carries until the gate's name replaces it.
pub(crate) const GATE_FINDING: &str = "gate";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// Where a finding points: a file and, when known, a 1-based line, a 1-based column in
/// characters and the length of the marked text in bytes ([`crate::position`] holds the
/// rule and fits every location to its file before the formats see it).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    pub file: PathBuf,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub col: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub len: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Location {
    pub fn file(file: impl Into<PathBuf>) -> Location {
        Location {
            file: file.into(),
            line: 0,
            col: 0,
            len: 0,
        }
    }

    pub fn at(file: impl Into<PathBuf>, line: u32, col: u32) -> Location {
        Location {
            file: file.into(),
            line,
            col,
            len: 0,
        }
    }

    /// The location of a model value: its file from `sources`, its position from `pos`.
    pub fn of(sources: &Sources, file: FileId, pos: Pos) -> Location {
        Location {
            file: sources.path(file),
            line: pos.line,
            col: pos.col,
            len: 0,
        }
    }

    pub fn with_len(mut self, len: usize) -> Location {
        self.len = u32::try_from(len).unwrap_or(u32::MAX);
        self
    }

    /// `file:line:col`, or as much of it as is known.
    pub fn display(&self) -> String {
        let file = display_path(&self.file);
        match (self.line, self.col) {
            (0, _) => file,
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        }
    }
}

/// A path as the user should see it: relative to the working directory when below it.
pub(crate) fn display_path(path: &Path) -> String {
    if let Ok(cwd) = std::env::current_dir()
        && let Ok(rel) = path.strip_prefix(&cwd)
    {
        return rel.display().to_string();
    }
    path.display().to_string()
}

/// A secondary message, optionally pointing at another place (the first of two duplicates).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// A kebab-case code: a load problem (`unknown-field`) or a gate name (`cross-refs`).
    pub code: String,
    /// The gate number (1-20) for gate findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gate: Option<u8>,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    /// What identifies the finding across edits (`crate::report::baseline`): set by
    /// `check` for every finding it reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<String>,
}

impl Diagnostic {
    /// A diagnostic of a registered code (`crate::codes`).
    pub fn new(severity: Severity, code: Code, message: impl Into<String>) -> Self {
        Diagnostic::with_code(severity, code.name().to_owned(), message.into())
    }

    /// A gate's own finding: the gate's name replaces the code when the gate's result
    /// is made (gate names come from the rubric in force, not from the code table).
    pub(crate) fn gate_finding(severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic::with_code(severity, GATE_FINDING.to_owned(), message.into())
    }

    fn with_code(severity: Severity, code: String, message: String) -> Self {
        Diagnostic {
            severity,
            code,
            gate: None,
            message,
            location: None,
            help: None,
            notes: Vec::new(),
            fingerprint: None,
        }
    }

    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Error, code, message)
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic::new(Severity::Warning, code, message)
    }

    /// The registered code this diagnostic carries (`None` for a gate's own finding).
    pub fn registered(&self) -> Option<Code> {
        Code::from_name(&self.code)
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, message: impl Into<String>, location: Option<Location>) -> Self {
        self.notes.push(Note {
            message: message.into(),
            location,
        });
        self
    }

    pub fn gate(mut self, number: u8) -> Self {
        self.gate = Some(number);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Sort key: file, line, column, then code, so output is deterministic.
    pub fn sort_key(&self) -> (Option<&Location>, &str, &str) {
        (self.location.as_ref(), &self.code, &self.message)
    }
}

/// Sorts diagnostics by place, then code and message.
pub(crate) fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// "did you mean `x`?" for the candidate closest to `word`, when close enough.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_lowercase()), c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// "`a`, `b` or `c`".
pub(crate) fn one_of<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} or {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn did_you_mean_finds_close_names_only() {
        let fields = ["title", "difficulty", "dimensions", "phases"];
        assert_eq!(did_you_mean("dificulty", fields), Some("difficulty"));
        assert_eq!(did_you_mean("phase", fields), Some("phases"));
        assert_eq!(did_you_mean("zzz", fields), None);
    }

    #[test]
    fn one_of_lists_naturally() {
        assert_eq!(one_of(&["a"]), "`a`");
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
