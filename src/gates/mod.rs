//! The twenty quality gates of the spec. Each gate is one file, declared with
//! `declare_gate!` (number, kebab name, title, requirement, doc comment) and listed
//! once in [`ALL`]. A gate is a pure function of the bank and the rubric: it measures
//! and returns evidence, checks and diagnostics; [`run`] turns those into a status.

use crate::codes::Code;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, LazyLock, Mutex};

use jiff::civil::Date;
use regex::Regex;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Location, Severity};
use crate::model::{Bank, FileId, Pos, Question, Rubric, Sp};

/// Declares a gate: the doc comment becomes its documentation (`qbank explain`).
macro_rules! declare_gate {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $name:ident = {
            number: $n:literal,
            name: $kebab:literal,
            title: $title:literal,
            requirement: $req:expr,
            check: $check:path $(,)?
        }
    ) => {
        $vis static $name: $crate::gates::Gate = $crate::gates::Gate {
            number: $n,
            name: $kebab,
            title: $title,
            requirement: $req,
            doc: concat!($($doc, "\n"),*),
            check: $check,
        };
    };
}

mod citations;
pub(crate) use citations::cited;
mod citations_min;
mod clarity;
mod cross_refs;
pub(crate) mod diagrams;
mod difficulty;
mod diversity;
mod generic;
mod glossary_min;
mod link_accessibility;
mod literature_min;
mod mece_coverage;
pub(crate) use mece_coverage::cell_counts;
mod minimum;
pub(crate) mod names;
mod performance_chain;
mod performance_methods;
mod practical_elements;
mod quantified_impact;
mod quantity;
mod recency;
pub(crate) mod refs_index;

pub use refs_index::RefIndex;
mod risk_mitigation;
pub(crate) mod self_review;
pub(crate) mod sources;
mod tools_min;
mod tradeoffs;

/// Every gate, in the spec's order.
pub static ALL: [&Gate; 20] = [
    &quantity::QUANTITY,
    &mece_coverage::MECE_COVERAGE,
    &difficulty::DIFFICULTY,
    &performance_chain::PERFORMANCE_CHAIN,
    &practical_elements::PRACTICAL_ELEMENTS,
    &citations::CITATIONS,
    &cross_refs::CROSS_REFS,
    &tradeoffs::TRADEOFFS,
    &risk_mitigation::RISK_MITIGATION,
    &quantified_impact::QUANTIFIED_IMPACT,
    &glossary_min::GLOSSARY_MIN,
    &tools_min::TOOLS_MIN,
    &literature_min::LITERATURE_MIN,
    &citations_min::CITATIONS_MIN,
    &recency::RECENCY,
    &diversity::DIVERSITY,
    &link_accessibility::LINK_ACCESSIBILITY,
    &performance_methods::PERFORMANCE_METHODS,
    &clarity::CLARITY,
    &self_review::SELF_REVIEW,
];

pub struct Gate {
    /// 1-20, the spec's order.
    pub number: u8,
    /// Kebab-case name: `cross-refs`.
    pub name: &'static str,
    /// The spec's name: `Cross-refs`.
    pub title: &'static str,
    /// The requirement as the rubric sets it.
    pub requirement: fn(&Rubric) -> String,
    /// Markdown documentation: What it checks / Why it matters / How to fix / Example.
    pub doc: &'static str,
    pub check: fn(&Ctx<'_>) -> Measurement,
}

impl Gate {
    /// The documentation as markdown, without the doc comments' leading spaces.
    pub fn doc_text(&self) -> String {
        let lines: Vec<&str> = self
            .doc
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect();
        lines.join("\n").trim().to_owned()
    }
}

/// The built-in gate function of a measure that is one of the spec's gates.
pub(crate) fn built_in(name: &str) -> Option<&'static Gate> {
    ALL.iter().copied().find(|g| g.name == name)
}

/// Finds a built-in gate by number (`7`) or name (`cross-refs`, case-insensitive).
#[cfg(test)]
pub(crate) fn find(key: &str) -> Option<&'static Gate> {
    let key = key.trim();
    ALL.iter().copied().find(|g| {
        key.parse::<u8>().is_ok_and(|n| n == g.number) || g.name.eq_ignore_ascii_case(key)
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Status {
    Pass,
    Warn,
    Fail,
    Skip,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "PASS",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
            Status::Skip => "SKIP",
        }
    }
}

/// Whether a check is a hard requirement or a preference ("preferred" in the spec).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Required,
    Preferred,
}

/// One threshold comparison made by a gate.
#[derive(Debug, Clone)]
pub struct Check {
    pub level: Level,
    pub ok: bool,
}

/// What a gate measured.
#[derive(Debug, Clone, Default)]
pub struct Measurement {
    /// One line with the measured figures.
    pub evidence: String,
    pub checks: Vec<Check>,
    pub diagnostics: Vec<Diagnostic>,
    /// Set when the gate does not apply; the reason goes into the evidence.
    pub skipped: bool,
}

impl Measurement {
    pub fn new(evidence: impl Into<String>) -> Measurement {
        Measurement {
            evidence: evidence.into(),
            ..Measurement::default()
        }
    }

    pub fn require(&mut self, ok: bool) -> &mut Self {
        self.checks.push(Check {
            level: Level::Required,
            ok,
        });
        self
    }

    pub fn prefer(&mut self, ok: bool) -> &mut Self {
        self.checks.push(Check {
            level: Level::Preferred,
            ok,
        });
        self
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }
}

/// A gate's result for one bank.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GateResult {
    pub number: u8,
    pub name: String,
    pub title: String,
    pub requirement: String,
    pub status: Status,
    pub evidence: String,
    pub diagnostics: Vec<Diagnostic>,
    /// Why the gate does not count toward the exit code, when it does not: ignored or not
    /// selected (`--ignore`, `--select`, qbank.toml), or every finding suppressed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waived: Option<String>,
}

/// What a live check knows of one link, for gate 17's evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkCheck {
    /// The host answered (live or dead): on which day (UTC), and whether the answer came
    /// from the link cache rather than this run.
    Answered {
        on: Option<jiff::civil::Date>,
        cached: bool,
    },
    /// No answer: why (`no answer from the host`, `offline, not in the cache`, ...).
    NotChecked(&'static str),
}

/// Live link results handed to gate 17 by `check --online`.
pub trait LinkStatus: Sync {
    /// `Some(true)` live, `Some(false)` dead, `None` not checked.
    fn is_live(&self, url: &str) -> Option<bool>;
    /// Where a live link's redirects ended, when they moved it: for a partial archive URL
    /// (`/web/2025/...`), the snapshot the archive resolved it to.
    fn resolved(&self, _url: &str) -> Option<String> {
        None
    }
    /// Whether and when `url` got an answer; `None`: the check knows nothing of it.
    fn checked(&self, _url: &str) -> Option<LinkCheck> {
        None
    }
    /// What the registry holds for a DOI (bare, lower-case), when it was looked up.
    fn citation(&self, _doi: &str) -> Option<crate::links::cite::Lookup> {
        None
    }
    /// A tool's latest release, by registry key (`github:grafana/k6`), when looked up.
    fn release(
        &self,
        _key: &str,
    ) -> Option<crate::links::cite::Lookup<crate::links::release::Release>> {
        None
    }
}

/// One prose field of a question, analysed once for every gate.
pub struct Segment<'a> {
    pub field: &'static str,
    pub value: &'a Sp<String>,
    /// The text with code, inline code and URLs blanked out (same offsets).
    pub masked: String,
    pub refs: Vec<crate::text::RefUse>,
    /// Placeholder text in the field (`TODO`, `...`, `[Metric]`): it counts for nothing.
    pub placeholder: Option<crate::text::placeholder::Found>,
}

impl Segment<'_> {
    /// Whether the field holds content (is not a placeholder).
    pub fn is_content(&self) -> bool {
        self.placeholder.is_none()
    }
}

/// The masked answer among a question's segments.
pub(crate) fn masked_answer<'s>(segments: &'s [Segment<'_>]) -> &'s str {
    segments
        .iter()
        .find(|s| s.field == "answer")
        .map_or("", |s| s.masked.as_str())
}

/// What every gate sees.
pub struct Ctx<'a> {
    pub bank: &'a Bank,
    pub rubric: &'a Rubric,
    /// The date recency is measured from.
    pub as_of: Date,
    pub impact: Arc<Vec<Regex>>,
    pub recall: Arc<Vec<Regex>>,
    /// A figure with its unit (gate 4).
    pub figures: Arc<Vec<Regex>>,
    pub placeholders: Arc<crate::text::placeholder::Detector>,
    pub links: Option<&'a dyn LinkStatus>,
    /// Per question (document order): its prose fields, masked and with references.
    pub segments: Vec<Vec<Segment<'a>>>,
    pub refs: RefIndex,
    /// Which reference entries repeat an earlier one (gates 12-16 count distinct works).
    pub works: sources::Works,
    /// Where each question text's segment is (question, index), by the text's address:
    /// the segments borrow the bank's values, so the address names one value exactly.
    by_value: rustc_hash::FxHashMap<usize, (usize, usize)>,
    /// The diagrams mermaid's parser rejects, by the address of their value (see
    /// [`diagrams::check`]); they count as no diagram.
    pub broken_diagrams: std::collections::HashSet<usize>,
    /// [`Ctx::entry_placeholder`]'s answers, by the fields it was given (name, address
    /// and length of each text: the texts borrow the bank, so an address names one text
    /// for as long as the context lives). Several gates ask about the same entries.
    entry_placeholders: Mutex<rustc_hash::FxHashMap<Vec<EntryField>, Option<EntryPlaceholder>>>,
    /// Words of each answer's prose ([`Ctx::answer_words`]), counted when first asked.
    answer_words: Vec<std::sync::OnceLock<usize>>,
}

/// A reference entry's field as [`Ctx::entry_placeholder`] is given it: the field's
/// name, and its text's address and length.
type EntryField = (&'static str, usize, usize);
type EntryPlaceholder = (&'static str, crate::text::placeholder::Found);

/// Compiled case-insensitive patterns, shared by every bank that uses the same list.
pub(crate) fn compiled(patterns: &[String]) -> Arc<Vec<Regex>> {
    type Cache = HashMap<Vec<String>, Arc<Vec<Regex>>>;
    static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Mutex::default);
    let mut cache = CACHE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(hit) = cache.get(patterns) {
        return hit.clone();
    }
    cache
        .entry(patterns.to_vec())
        .or_insert_with(|| {
            Arc::new(
                patterns
                    .iter()
                    .filter_map(|p| {
                        regex::RegexBuilder::new(p)
                            .case_insensitive(true)
                            .build()
                            .ok()
                    })
                    .collect(),
            )
        })
        .clone()
}

/// The fields that make up "the text of a question" (gates.md): prose, not code.
pub(crate) fn question_texts(q: &Question) -> Vec<(&'static str, &Sp<String>)> {
    let mut out = vec![("title", &q.title)];
    if let Some(k) = &q.key_insight {
        out.push(("key_insight", k));
    }
    out.push(("answer", &q.answer));
    for m in &q.metrics {
        for cell in [
            &m.metric,
            &m.formula,
            &m.baseline,
            &m.optimized,
            &m.improvement,
            &m.rationale,
        ] {
            out.push(("metrics", cell));
        }
    }
    if let Some(t) = &q.tradeoffs {
        out.push(("tradeoffs", t));
    }
    for a in &q.alternatives {
        out.push(("alternatives", &a.name));
        out.push(("alternatives", &a.text));
    }
    for r in &q.risks {
        out.push(("risks", &r.risk));
        if let Some(m) = &r.mitigation {
            out.push(("risks", m));
        }
    }
    if let Some(v) = &q.validation {
        out.push(("validation", v));
    }
    out
}

impl<'b> Ctx<'b> {
    pub fn new<'a>(bank: &'a Bank, as_of: Date, links: Option<&'a dyn LinkStatus>) -> Ctx<'a> {
        let rubric: &Rubric = &bank.rubric;
        let placeholders = crate::text::placeholder::Detector::get(&rubric.placeholders);
        let segments: Vec<Vec<Segment<'a>>> = bank
            .questions
            .iter()
            .map(|q| {
                question_texts(q)
                    .into_iter()
                    .map(|(field, value)| {
                        let masked = crate::text::mask_code(&value.value);
                        let placeholder = if field == "metrics" {
                            placeholders.find_in_cell_masked(&value.value, Some(&masked))
                        } else {
                            placeholders.find_masked(&value.value, &masked)
                        };
                        Segment {
                            field,
                            value,
                            masked,
                            refs: crate::text::refs(&value.value),
                            placeholder,
                        }
                    })
                    .collect()
            })
            .collect();
        let by_value = segments
            .iter()
            .enumerate()
            .flat_map(|(q, segs)| {
                segs.iter()
                    .enumerate()
                    .map(move |(i, s)| (std::ptr::from_ref(s.value) as usize, (q, i)))
            })
            .collect();
        let figures = if rubric.figure_patterns.is_empty() {
            &rubric.impact_patterns
        } else {
            &rubric.figure_patterns
        };
        Ctx {
            bank,
            rubric,
            as_of,
            impact: compiled(&rubric.impact_patterns),
            recall: compiled(&rubric.recall_patterns),
            figures: compiled(figures),
            placeholders,
            links,
            segments,
            refs: RefIndex::new(bank),
            works: sources::Works::new(bank),
            by_value,
            broken_diagrams: std::collections::HashSet::new(),
            entry_placeholders: Mutex::default(),
            answer_words: bank
                .questions
                .iter()
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        }
    }

    /// Words in the answer of question `i` (document order), code masked
    /// ([`crate::text::word_count`]); counted once however many gates ask.
    pub(crate) fn answer_words(&self, i: usize) -> usize {
        *self.answer_words[i]
            .get_or_init(|| crate::text::word_count(masked_answer(&self.segments[i])))
    }

    /// A question's diagram, unless mermaid's parser rejects it.
    pub fn diagram_of<'q>(&self, q: &'q Question) -> Option<&'q crate::model::Diagram> {
        q.diagram.as_ref().filter(|d| {
            !self
                .broken_diagrams
                .contains(&(std::ptr::from_ref(*d) as usize))
        })
    }

    /// The segment made for `v` when the context was built, if `v` is one of the bank's
    /// question texts.
    fn segment_of(&self, v: &Sp<String>) -> Option<&Segment<'_>> {
        let &(q, i) = self.by_value.get(&(std::ptr::from_ref(v) as usize))?;
        self.segments.get(q)?.get(i)
    }

    /// The placeholder in the prose field `v` ([`Detector::find`]), from its segment when
    /// it has one (a metrics cell's segment holds the cell rule's answer: found afresh).
    ///
    /// [`Detector::find`]: crate::text::placeholder::Detector::find
    pub(crate) fn placeholder_in(&self, v: &Sp<String>) -> Option<crate::text::placeholder::Found> {
        match self.segment_of(v) {
            Some(s) if s.field != "metrics" => s.placeholder.clone(),
            _ => self.placeholders.find(&v.value),
        }
    }

    /// `v` with code blanked ([`crate::text::mask_code`]), from its segment when it has one.
    pub(crate) fn masked_in<'s>(&'s self, v: &'s Sp<String>) -> std::borrow::Cow<'s, str> {
        match self.segment_of(v) {
            Some(s) => std::borrow::Cow::Borrowed(s.masked.as_str()),
            None => std::borrow::Cow::Owned(crate::text::mask_code(&v.value)),
        }
    }

    /// Words of prose in `v` ([`crate::text::placeholder::prose_words`]).
    pub(crate) fn prose_words_in(&self, v: &Sp<String>) -> usize {
        crate::text::placeholder::prose_words_masked(&self.masked_in(v))
    }

    /// Where a model value stands.
    pub fn loc(&self, file: FileId, pos: Pos) -> Location {
        Location::of(&self.bank.sources, file, pos)
    }

    /// Where bytes `range` of a text value stand in its file: the text is searched for in
    /// the file from the value's position, so block scalars and quoting are followed.
    pub fn loc_in(&self, file: FileId, value: &Sp<String>, range: Range<usize>) -> Location {
        let needle = value.value.get(range.clone()).unwrap_or_default();
        let base = self.loc(file, value.pos);
        let Some(src) = self.bank.sources.get(file) else {
            return base;
        };
        if needle.is_empty() {
            return base;
        }
        let start = (value.pos.offset as usize).min(src.text.len());
        // The same text may be written more than once in the value (`[Ref: G9] ...
        // [Ref: G9]`): find the occurrence that `range` is, not the first.
        let before = value
            .value
            .get(..range.start)
            .map_or(0, |b| b.matches(needle).count());
        let found = src
            .text
            .get(start..)
            .and_then(|t| t.match_indices(needle).nth(before).map(|(i, _)| i))
            .map(|i| start + i)
            .or_else(|| {
                // A folded scalar may have broken the needle across lines: find its first word.
                let first = needle.split_whitespace().next()?;
                src.text.get(start..)?.find(first).map(|i| start + i)
            });
        match found {
            Some(at) => {
                let (line, col) = crate::text::line_col(&src.text, at);
                Location::at(base.file, line, col).with_len(needle.len())
            }
            None => base,
        }
    }

    /// [`Ctx::loc_in`] for each of `ranges` of one text value, given in increasing order
    /// (a regex's matches): each search goes on from where the previous one ended, and
    /// line and column are counted on from there, so locating every match of a value is
    /// linear in its length, where [`Ctx::loc_in`] per match is quadratic (a value of
    /// thousands of URLs). A range out of order, or not found, falls back to [`Ctx::loc_in`].
    pub(crate) fn locs_in(
        &self,
        file: FileId,
        value: &Sp<String>,
        ranges: &[Range<usize>],
    ) -> Vec<Location> {
        let Some(src) = self.bank.sources.get(file) else {
            return vec![self.loc(file, value.pos); ranges.len()];
        };
        let text: &str = &src.text;
        let path = self.bank.sources.path(file);
        // The file is searched from here, the value from `value_from`.
        let mut from = (value.pos.offset as usize).min(text.len());
        let mut value_from = 0;
        // Line and column of byte `counted` of the file, carried forward.
        let (mut counted, mut line, mut col) = (0usize, 1u32, 1u32);
        let mut out = Vec::with_capacity(ranges.len());
        for r in ranges {
            let needle = value.value.get(r.clone()).unwrap_or_default();
            let found = (!needle.is_empty() && r.start >= value_from)
                .then(|| {
                    let before = value
                        .value
                        .get(value_from..r.start)
                        .map_or(0, |b| b.matches(needle).count());
                    text.get(from..)?
                        .match_indices(needle)
                        .nth(before)
                        .map(|(i, _)| from + i)
                })
                .flatten();
            let Some(at) = found else {
                out.push(self.loc_in(file, value, r.clone()));
                continue;
            };
            if at < counted {
                (counted, line, col) = (0, 1, 1);
            }
            let between = &text[counted..at];
            match between.rfind('\n') {
                Some(nl) => {
                    let lines = between.bytes().filter(|&b| b == b'\n').count();
                    line = line.saturating_add(u32::try_from(lines).unwrap_or(u32::MAX));
                    col = u32::try_from(between[nl + 1..].chars().count() + 1).unwrap_or(u32::MAX);
                }
                None => {
                    let n = u32::try_from(between.chars().count()).unwrap_or(u32::MAX);
                    col = col.saturating_add(n);
                }
            }
            counted = at;
            out.push(Location::at(path.clone(), line, col).with_len(needle.len()));
            from = at + needle.len();
            value_from = r.end;
        }
        out
    }

    /// Whether `text` holds a figure with its unit (`figure_patterns`).
    pub fn has_figure(&self, text: &str) -> bool {
        self.figures.iter().any(|re| re.is_match(text))
    }

    /// The first field of a reference entry (`texts`: field name and text) that is a
    /// placeholder, and what it holds; a URL or DOI is searched for placeholder words only.
    ///
    /// Each entry is analysed once per context, however many gates ask.
    pub(crate) fn entry_placeholder(
        &self,
        texts: &[(&'static str, &'b str)],
    ) -> Option<EntryPlaceholder> {
        let key: Vec<EntryField> = texts
            .iter()
            .map(|(field, t)| (*field, t.as_ptr() as usize, t.len()))
            .collect();
        let mut memo = self
            .entry_placeholders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        memo.entry(key)
            .or_insert_with(|| {
                texts.iter().find_map(|(field, t)| {
                    let found = if matches!(*field, "url" | "doi") {
                        self.placeholders.find_word(t)
                    } else if *field == "integrations" {
                        // An item of a list is read like a table cell: a name written
                        // as code (`` `net/http/pprof` ``) is an integration, not an
                        // empty item.
                        self.placeholders.find_in_cell(t)
                    } else {
                        self.placeholders.find(t)
                    };
                    found.map(|p| (*field, p))
                })
            })
            .clone()
    }

    /// Literature and citations a reader can look up: placeholder entries left out (gates
    /// 15 and 16 measure sources, and `TODO, A. (2025)` is none), and a work listed twice
    /// counted once.
    pub(crate) fn real_sources(&self) -> Vec<&crate::model::Source> {
        use crate::model::EntryTexts as _;
        self.bank
            .literature
            .iter()
            .chain(&self.bank.citations)
            .enumerate()
            .filter(|(i, s)| {
                !self.works.source_is_repeat(*i) && self.entry_placeholder(&s.texts()).is_none()
            })
            .map(|(_, s)| s)
            .collect()
    }

    /// The `placeholder` diagnostic for placeholder text found in `value` (a field of a
    /// question or entry in `file`), as an error of the gate that reports it.
    pub fn placeholder_diag(
        &self,
        file: FileId,
        value: &Sp<String>,
        found: &crate::text::placeholder::Found,
        subject: &str,
    ) -> Diagnostic {
        let at = if found.range.len() == value.value.len() {
            self.loc(file, value.pos)
        } else {
            self.loc_in(file, value, found.range.clone())
        };
        Diagnostic::new(
            Severity::Error,
            Code::Placeholder,
            format!("{subject} is a placeholder: {}", found.what),
        )
        .at(at)
        .help("write the content itself; placeholder text satisfies no gate")
    }

    /// Location of a question's id (where question-level findings point).
    pub fn q_loc(&self, q: &Question) -> Location {
        self.loc(q.file, q.id.pos)
    }

    /// The Q number of a question (1-based, document order).
    pub fn q_number(&self, q: &Question) -> usize {
        self.bank
            .questions
            .iter()
            .position(|x| std::ptr::eq(x, q))
            .map_or(0, |i| i + 1)
    }

    /// "Q7 (`api-p99-regression`)".
    pub fn q_name(&self, q: &Question) -> String {
        format!("Q{} (`{}`)", self.q_number(q), q.id.value)
    }

    /// The text of bank.yaml (empty for a bank without one, such as an imported document).
    fn meta_text(&self) -> std::sync::Arc<str> {
        self.bank
            .sources
            .get(self.bank.meta_file)
            .map(|s| s.text.clone())
            .unwrap_or_else(|| std::sync::Arc::from(""))
    }

    /// Where bank-level findings point: bank.yaml's first key (not a leading comment such
    /// as `# yaml-language-server: ...`).
    pub fn bank_loc(&self) -> Location {
        let text = self.meta_text();
        let line = text
            .lines()
            .position(|l| {
                let t = l.trim();
                !t.is_empty() && !t.starts_with('#') && t != "---"
            })
            .map_or(1, |i| i + 1);
        Location::at(
            self.bank.sources.path(self.bank.meta_file),
            u32::try_from(line).unwrap_or(1),
            1,
        )
    }

    /// Where the top-level field `key` of bank.yaml is written (`as_of:`, `clusters:`),
    /// for findings about the bank as a whole; [`Ctx::bank_loc`] when it is absent.
    pub fn field_loc(&self, key: &str) -> Location {
        let text = self.meta_text();
        let found = text.lines().position(|l| {
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        });
        match found {
            Some(i) => Location::at(
                self.bank.sources.path(self.bank.meta_file),
                u32::try_from(i + 1).unwrap_or(1),
                1,
            )
            .with_len(key.len()),
            None => self.bank_loc(),
        }
    }

    /// `n` scaled by the rubric when the bank has more than `scale_above` questions.
    pub fn scaled(&self, n: u32) -> u32 {
        self.rubric.scaled_minimum(n, self.bank.questions.len())
    }
}

/// Runs the rubric's gates on a bank, in the rubric's order.
pub fn run(ctx: &Ctx<'_>) -> Vec<GateResult> {
    let mut results: Vec<GateResult> = ctx.rubric.gates.iter().map(|g| run_spec(g, ctx)).collect();
    crate::numbers::attach(ctx, &mut results);
    results
}

/// The requirement a gate of the rubric reports: its own text, or its measure's wording.
pub(crate) fn requirement(spec: &crate::model::GateSpec, rubric: &Rubric) -> String {
    match &spec.requirement {
        Some(r) => r.clone(),
        None => generic::requirement(&spec.measure, rubric),
    }
}

/// Runs one gate of the rubric.
pub(crate) fn run_spec(spec: &crate::model::GateSpec, ctx: &Ctx<'_>) -> GateResult {
    let m = generic::measure(&spec.measure, ctx);
    result(
        spec.number,
        &spec.name,
        &spec.title,
        requirement(spec, ctx.rubric),
        m,
    )
}

/// Runs a built-in gate as the spec numbers and names it.
pub fn run_one(gate: &Gate, ctx: &Ctx<'_>) -> GateResult {
    result(
        gate.number,
        gate.name,
        gate.title,
        (gate.requirement)(ctx.rubric),
        (gate.check)(ctx),
    )
}

/// The status of a measurement: SKIP, FAIL on a failed requirement, WARN on a failed
/// preference, else PASS.
pub(crate) fn status_of(m: &Measurement) -> Status {
    if m.skipped {
        Status::Skip
    } else if m.checks.iter().any(|c| c.level == Level::Required && !c.ok) {
        Status::Fail
    } else if m
        .checks
        .iter()
        .any(|c| c.level == Level::Preferred && !c.ok)
    {
        Status::Warn
    } else {
        Status::Pass
    }
}

fn result(number: u8, name: &str, title: &str, requirement: String, m: Measurement) -> GateResult {
    let status = status_of(&m);
    let mut diagnostics = m.diagnostics;
    for d in &mut diagnostics {
        d.gate = Some(number);
        // Findings of the gate itself carry its name; shared ones (`placeholder`) keep theirs.
        if d.code == crate::diagnostic::GATE_FINDING {
            d.code = name.to_owned();
        }
    }
    crate::diagnostic::sort(&mut diagnostics);
    GateResult {
        number,
        name: name.to_owned(),
        title: title.to_owned(),
        requirement,
        status,
        evidence: m.evidence,
        diagnostics,
        waived: None,
    }
}

/// "21%" with no decimals.
pub(crate) fn pct(part: usize, whole: usize) -> String {
    if whole == 0 {
        return "0%".to_owned();
    }
    format!("{:.0}%", part as f64 * 100.0 / whole as f64)
}

/// `part / whole` as a fraction, 0 when `whole` is 0.
pub(crate) fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// A diagnostic for a gate: error for required checks, warning for preferred ones.
/// Findings that repeat, collapsed into one finding per key with a count: the first
/// occurrence of a key keeps its place and its finding, later ones are only counted, and
/// a finding met more than once ends "(N uses)". Gate 19 collapses the uses of an
/// undefined acronym; gate 17 the same link finding written many times.
pub(crate) struct Repeats<K> {
    seen: std::collections::BTreeMap<K, (usize, Diagnostic)>,
}

impl<K: Ord> Repeats<K> {
    pub(crate) fn new() -> Repeats<K> {
        Repeats {
            seen: std::collections::BTreeMap::new(),
        }
    }

    /// Counts one occurrence of `key`; `first` makes its finding, the first time only.
    pub(crate) fn add(&mut self, key: K, first: impl FnOnce() -> Diagnostic) {
        self.seen.entry(key).or_insert_with(|| (0, first())).0 += 1;
    }

    /// How many different keys were met.
    pub(crate) fn len(&self) -> usize {
        self.seen.len()
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// One finding per key, in key order, with its count when above one.
    pub(crate) fn into_findings(self) -> impl Iterator<Item = Diagnostic> {
        self.seen.into_values().map(|(count, mut d)| {
            if count > 1 {
                d.message.push_str(&format!(" ({count} uses)"));
            }
            d
        })
    }
}

pub(crate) fn finding(level: Level, message: impl Into<String>) -> Diagnostic {
    let severity = match level {
        Level::Required => Severity::Error,
        Level::Preferred => Severity::Warning,
    };
    Diagnostic::gate_finding(severity, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::placeholder::prose_words;

    /// The shipped bank with placeholder text written into some fields the gates read
    /// through the segments.
    fn bank_with_placeholders() -> Bank {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("content")
            .join("performance-engineering");
        let mut bank = crate::load::load_bank(&root)
            .bank
            .expect("the shipped bank loads");
        let q = &mut bank.questions[0];
        q.tradeoffs = Some(Sp::bare("TODO: the trade-offs".to_owned()));
        if let Some(r) = q.risks.first_mut() {
            r.mitigation = Some(Sp::bare("[Metric]".to_owned()));
        }
        if let Some(a) = q.alternatives.first_mut() {
            a.text = Sp::bare("...".to_owned());
        }
        bank
    }

    #[test]
    fn a_fields_segment_answers_as_a_fresh_analysis_would() {
        let bank = bank_with_placeholders();
        let ctx = Ctx::new(&bank, Date::constant(2026, 11, 25), None);
        let mut placeholders = 0;
        for q in &bank.questions {
            for (field, v) in question_texts(q) {
                // Through the segment (the address of a bank value) ...
                assert_eq!(
                    ctx.masked_in(v),
                    crate::text::mask_code(&v.value),
                    "{field}"
                );
                assert_eq!(ctx.prose_words_in(v), prose_words(&v.value), "{field}");
                // ... and for the metrics cells, whose segments hold the cell rule.
                assert_eq!(
                    ctx.placeholder_in(v),
                    ctx.placeholders.find(&v.value),
                    "{field}: {}",
                    v.value
                );
                placeholders += usize::from(ctx.placeholder_in(v).is_some());
            }
        }
        assert!(placeholders >= 3, "the planted placeholders are found");
        // A value that is not the bank's (an equal copy included) is analysed afresh.
        let copy = bank.questions[0].tradeoffs.clone().expect("planted");
        assert!(ctx.segment_of(&copy).is_none());
        assert_eq!(
            ctx.placeholder_in(&copy),
            ctx.placeholders.find(&copy.value)
        );
        assert!(ctx.placeholder_in(&Sp::bare("TBD".to_owned())).is_some());
    }

    /// The minimal fixture bank with `lines` written at the start of its answer.
    fn bank_with_answer_lines(lines: &str) -> (tempfile::TempDir, Bank) {
        let fixture =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid/minimal");
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("questions")).expect("mkdir");
        std::fs::copy(fixture.join("bank.yaml"), dir.path().join("bank.yaml")).expect("copy");
        let q = std::fs::read_to_string(fixture.join("questions/q.yaml")).expect("fixture");
        let q = q.replacen("answer: |\n", &format!("answer: |\n{lines}"), 1);
        std::fs::write(dir.path().join("questions/q.yaml"), q).expect("write");
        let bank = crate::load::load_bank(dir.path())
            .bank
            .expect("the bank loads");
        (dir, bank)
    }

    #[test]
    fn locs_in_finds_each_match_where_loc_in_does() {
        let (_dir, bank) = bank_with_answer_lines(
            "  共识 https://a.example/x and https://a.example/x again\n  ✅ https://b.example/中文 https://a.example/x\n  https://a.example/x\n",
        );
        let ctx = Ctx::new(&bank, Date::constant(2026, 11, 25), None);
        let q = &bank.questions[0];
        let answer = &q.answer;
        let ranges: Vec<Range<usize>> = crate::text::urls(&answer.value)
            .map(|m| m.range())
            .collect();
        assert_eq!(ranges.len(), 5);
        let one_by_one: Vec<Location> = ranges
            .iter()
            .map(|r| ctx.loc_in(q.file, answer, r.clone()))
            .collect();
        assert_eq!(ctx.locs_in(q.file, answer, &ranges), one_by_one);
        // Every occurrence of the repeated URL has its own place.
        let places: std::collections::HashSet<(u32, u32)> =
            one_by_one.iter().map(|l| (l.line, l.col)).collect();
        assert_eq!(places.len(), 5, "{one_by_one:?}");
        assert_eq!((one_by_one[0].line, one_by_one[0].col), (8, 6));
        // Out of order, each range falls back to the search from the value's start.
        let reversed: Vec<Range<usize>> = ranges.iter().rev().cloned().collect();
        let mut expected = one_by_one.clone();
        expected.reverse();
        assert_eq!(ctx.locs_in(q.file, answer, &reversed), expected);
    }

    #[test]
    fn repeats_collapse_into_one_finding_with_a_count() {
        let mut r: Repeats<String> = Repeats::new();
        for (key, line) in [("a", 1), ("b", 2), ("a", 3), ("a", 4)] {
            r.add(key.to_owned(), || {
                finding(Level::Preferred, format!("finding {key}")).at(Location::at("f", line, 1))
            });
        }
        assert_eq!(r.len(), 2);
        let found: Vec<(String, u32)> = r
            .into_findings()
            .map(|d| (d.message, d.location.expect("located").line))
            .collect();
        assert_eq!(
            found,
            [
                ("finding a (3 uses)".to_owned(), 1),
                ("finding b".to_owned(), 2)
            ]
        );
    }

    #[test]
    fn an_integration_written_as_code_is_content_and_an_empty_one_is_not() {
        let mut bank = bank_with_placeholders();
        bank.tools[0].integrations = vec!["`net/http/pprof`".to_owned()];
        let ctx = Ctx::new(&bank, Date::constant(2026, 11, 25), None);
        let texts = crate::model::EntryTexts::texts(&bank.tools[0]);
        assert_eq!(ctx.entry_placeholder(&texts).map(|(f, _)| f), None);
        bank.tools[0].integrations = vec!["TBD".to_owned()];
        let ctx = Ctx::new(&bank, Date::constant(2026, 11, 25), None);
        let texts = crate::model::EntryTexts::texts(&bank.tools[0]);
        assert_eq!(
            ctx.entry_placeholder(&texts).map(|(f, _)| f),
            Some("integrations")
        );
    }
}
