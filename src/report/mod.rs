//! Output: what a run found, printed for people (`human`) or machines (`json`, ...).
//!
//! Every format is a [`Formatter`]: it is handed the problems not tied to a bank, then
//! each bank's results in order, then the run's [`Totals`], and writes its text as it
//! goes. The streaming pipeline drops a bank once its formatter call
//! returns; [`Report::render`] drives the same formatters over a collected report.

pub mod baseline;
pub(crate) mod claims;
mod concise;
mod github;
mod gitlab;
pub(crate) mod human;
pub(crate) mod json;
mod junit;
mod markdown;
#[cfg(test)]
mod proptests;
mod sarif;
pub(crate) mod select;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};
use crate::gates::{GateResult, Status};
use crate::model::Sources;

/// One bank's (or document's) results.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BankReport {
    pub path: PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// False when the bank could not be loaded (exit code 2).
    pub loaded: bool,
    /// The date recency was measured from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    /// The twenty gates' results, in order (empty when the bank did not load).
    pub gates: Vec<GateResult>,
    /// Load problems and notes about the run (gate findings are under `gates`).
    pub diagnostics: Vec<Diagnostic>,
    /// A markdown document's own Validation Results rows, audited (empty for banks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub claims: Vec<crate::import::Claim>,
    /// Gates that do not fail the run (`--select`/`--ignore`, or every finding suppressed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub waived: Vec<select::Waived>,
    /// Findings hidden by `qbank-ignore` comments.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub suppressed: usize,
    /// Findings left out because the baseline (`--baseline`) holds them.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub baselined: usize,
    /// Only the findings of the files named on the command line are kept.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub focused: bool,
    /// A markdown document's import: questions recognised, question-like lines not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
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

    /// Gates with `status` that fail the run: not waived and, when the check is focused
    /// on some files of the bank, with a finding in one of them (a bank-wide shortfall is
    /// shown but not counted, so a clean file checked alone passes).
    pub fn counted(&self, status: Status) -> usize {
        self.gates
            .iter()
            .filter(|g| {
                g.status == status
                    && !self.is_waived(g.number)
                    && (!self.focused || !g.diagnostics.is_empty())
            })
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

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub banks: usize,
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub skip: usize,
    pub errors: usize,
    pub warnings: usize,
    /// Gates that would fail or warn but are waived.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub waived: usize,
    /// Findings hidden by inline suppressions.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub suppressed: usize,
    /// Findings left out because the baseline holds them.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub baselined: usize,
}

/// What a run adds up to, accumulated bank by bank: the summary's figures and the exit
/// code, without holding the banks.
#[derive(Debug, Clone, Copy, Default)]
pub struct Totals {
    pub counts: Counts,
    /// Banks that could not be loaded.
    pub not_loaded: usize,
    /// A problem not tied to a bank was an error (a path that does not exist).
    general_error: bool,
    /// FAIL and WARN results that are not waived.
    counted_fail: usize,
    counted_warn: usize,
    /// With `--strict`, a WARN fails like a FAIL.
    pub strict: bool,
}

impl Totals {
    pub fn new(strict: bool) -> Totals {
        Totals {
            strict,
            ..Totals::default()
        }
    }

    fn add_diagnostics<'a>(&mut self, diags: impl Iterator<Item = &'a Diagnostic>) {
        for d in diags {
            match d.severity {
                Severity::Error => self.counts.errors += 1,
                Severity::Warning => self.counts.warnings += 1,
                Severity::Note => {}
            }
        }
    }

    /// Adds the problems not tied to one bank.
    pub fn add_general(&mut self, general: &[Diagnostic]) {
        self.general_error |= general.iter().any(Diagnostic::is_error);
        self.add_diagnostics(general.iter());
    }

    /// Adds one bank's results.
    pub fn add_bank(&mut self, b: &BankReport) {
        let c = &mut self.counts;
        c.banks += 1;
        c.pass += b.count(Status::Pass);
        c.warn += b.count(Status::Warn);
        c.fail += b.count(Status::Fail);
        c.skip += b.count(Status::Skip);
        c.waived += b.waived.len();
        c.suppressed += b.suppressed;
        c.baselined += b.baselined;
        self.not_loaded += usize::from(!b.loaded);
        self.counted_fail += b.counted(Status::Fail);
        self.counted_warn += b.counted(Status::Warn);
        self.add_diagnostics(b.all_diagnostics());
    }

    /// The totals of a collected report.
    pub fn of(report: &Report) -> Totals {
        let mut t = Totals::new(report.strict);
        t.add_general(&report.general);
        for b in &report.banks {
            t.add_bank(b);
        }
        t
    }

    /// 2 when anything could not be loaded, 1 when a gate failed (or warned, with
    /// `--strict`), else 0.
    pub fn exit_code(&self) -> u8 {
        if self.general_error || self.not_loaded > 0 {
            2
        } else if self.counted_fail > 0 || (self.strict && self.counted_warn > 0) {
            1
        } else {
            0
        }
    }
}

/// The file texts a bank's diagnostics quote, by path.
pub(crate) type Texts = HashMap<PathBuf, Arc<str>>;

/// The texts of the files in `sources`.
pub(crate) fn texts_of(sources: &Sources) -> Texts {
    sources
        .iter()
        .map(|f| (f.path.clone(), f.text.clone()))
        .collect()
}

/// An output format, written as the run goes: [`start`](Formatter::start) once, then
/// [`bank`](Formatter::bank) per bank in order, then [`finish`](Formatter::finish). Each
/// call appends to `out`, which the caller writes out before the next call; what a
/// format must print after every bank (a SARIF rule list, the human diagnostics under
/// all tables) it keeps, as rendered text, until `finish`.
pub trait Formatter {
    /// Before the first bank: the problems not tied to a bank, and how many banks follow.
    fn start(&mut self, _out: &mut String, _general: &[Diagnostic], _banks: usize) {}
    /// One bank's results; `texts` holds its files, for quoting source lines.
    fn bank(&mut self, out: &mut String, bank: &BankReport, texts: &Texts);
    /// After the last bank.
    fn finish(&mut self, out: &mut String, totals: &Totals);
}

/// The output formats of `check` (and of `merge`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The validation table per bank, diagnostics like rustc's, a summary line.
    Human,
    /// One line per finding: `path:line:col: severity[code]: message`.
    Concise,
    /// JSON (documented in docs/json.md).
    Json,
    /// The table exactly as the spec's Validation Results section.
    Markdown,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML: a test case per gate per bank.
    Junit,
    /// GitHub Actions annotations (10 of each kind, as GitHub shows per step; the rest
    /// as plain log lines, counted in a closing notice).
    Github,
    /// A GitLab Code Quality report (JSON), for `artifacts: reports: codequality`.
    Gitlab,
}

/// How a format presents itself beyond the results.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Leave out tables and the summary line (`--quiet`).
    pub quiet: bool,
    /// The terminal's width, to fit the human table.
    pub width: Option<usize>,
    /// With `--strict`, a WARN fails like a FAIL (JUnit marks it failed).
    pub strict: bool,
}

impl Format {
    /// The formatter for this format; reports link to the docs at
    /// [`package_docs_url`], if any.
    pub fn formatter(self, style: Style) -> Box<dyn Formatter + Send> {
        self.formatter_with(style, package_docs_url())
    }

    /// The formatter for this format, its reports linking each rule to its
    /// documentation below `docs_url` (the published docs/ folder; none: no links).
    pub fn formatter_with(
        self,
        style: Style,
        docs_url: Option<String>,
    ) -> Box<dyn Formatter + Send> {
        match self {
            Format::Human => Box::new(human::Human::new(style)),
            Format::Concise => Box::new(concise::Concise::new(style)),
            Format::Json => Box::new(json::Json::default()),
            Format::Markdown => Box::new(markdown::Markdown::default()),
            Format::Sarif => Box::new(sarif::Sarif::new(docs_url)),
            Format::Junit => Box::new(junit::Junit::new(style)),
            Format::Github => Box::new(github::Github::default()),
            Format::Gitlab => Box::new(gitlab::Gitlab::default()),
        }
    }
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
        Totals::of(self).counts
    }

    /// 2 when anything could not be loaded, 1 when a gate failed (or warned, with
    /// `--strict`), else 0.
    pub fn exit_code(&self) -> u8 {
        Totals::of(self).exit_code()
    }

    /// The whole report in `format`, through the same formatter a streaming run uses.
    pub fn render(&self, format: Format, style: Style) -> String {
        self.render_with(format, style, package_docs_url())
    }

    /// [`render`](Report::render), linking rules to the docs below `docs_url`.
    pub fn render_with(&self, format: Format, style: Style, docs_url: Option<String>) -> String {
        let mut f = format.formatter_with(
            Style {
                strict: self.strict,
                ..style
            },
            docs_url,
        );
        let mut out = String::new();
        f.start(&mut out, &self.general, self.banks.len());
        for b in &self.banks {
            f.bank(&mut out, b, &self.texts);
        }
        f.finish(&mut out, &Totals::of(self));
        out
    }
}

/// The docs of this version as the package's repository publishes them, when the
/// package names a GitHub repository (`{repository}/blob/v{version}/docs`, the release
/// tag's docs folder); none otherwise: a link is never guessed for another host.
pub fn package_docs_url() -> Option<String> {
    docs_url_of(env!("CARGO_PKG_REPOSITORY"), env!("CARGO_PKG_VERSION"))
}

fn docs_url_of(repository: &str, version: &str) -> Option<String> {
    let repo = repository
        .trim()
        .trim_end_matches('/')
        .trim_end_matches(".git");
    let rest = repo.strip_prefix("https://github.com/")?;
    (rest.split('/').filter(|s| !s.is_empty()).count() == 2)
        .then(|| format!("{repo}/blob/v{version}/docs"))
}

/// The documentation page of a finding's code or gate below `base` (the published docs/
/// folder): `{base}/codes.md#code` for a diagnostic code, `{base}/gates.md#...` (the
/// heading's anchor) for a gate of the given number and title.
pub(crate) fn docs_link(base: &str, code: &str, gate: Option<(u8, &str)>) -> Option<String> {
    let base = base.trim_end_matches('/');
    if let Some(c) = crate::codes::Code::from_name(code) {
        return Some(format!("{base}/codes.md#{}", c.name()));
    }
    let (number, title) = gate?;
    Some(format!(
        "{base}/gates.md#{}",
        gate_anchor(number, title, code)
    ))
}

/// The anchor of a gate's heading in docs/gates.md, `## 7. Cross-refs (`cross-refs`)`,
/// as GitHub and most markdown renderers make it.
pub(crate) fn gate_anchor(number: u8, title: &str, name: &str) -> String {
    crate::text::slug(&format!("{number}. {title} (`{name}`)"))
}

#[cfg(test)]
mod docs_tests {
    use super::*;

    #[test]
    fn docs_urls_come_only_from_a_github_repository() {
        assert_eq!(
            docs_url_of("https://github.com/o/qbank", "1.2.0").as_deref(),
            Some("https://github.com/o/qbank/blob/v1.2.0/docs")
        );
        assert_eq!(
            docs_url_of("https://github.com/o/qbank.git/", "1.2.0").as_deref(),
            Some("https://github.com/o/qbank/blob/v1.2.0/docs")
        );
        assert_eq!(docs_url_of("", "1.2.0"), None);
        assert_eq!(docs_url_of("https://gitlab.com/o/qbank", "1.2.0"), None);
        assert_eq!(docs_url_of("https://github.com/o", "1.2.0"), None);
    }

    #[test]
    fn links_point_at_the_code_or_the_gate_heading() {
        assert_eq!(
            docs_link("https://x.org/docs/", "duplicate-id", None).as_deref(),
            Some("https://x.org/docs/codes.md#duplicate-id")
        );
        // The anchors docs/gates.md's own table links to.
        assert_eq!(
            docs_link("https://x.org/docs", "cross-refs", Some((7, "Cross-refs"))).as_deref(),
            Some("https://x.org/docs/gates.md#7-cross-refs-cross-refs")
        );
        assert_eq!(
            gate_anchor(9, "Risk/Mitigation", "risk-mitigation"),
            "9-riskmitigation-risk-mitigation"
        );
        assert_eq!(docs_link("https://x.org/docs", "no-such-gate", None), None);
    }
}
