//! Repair prompts (`qbank repair`): what the gates measured on a document or a bank,
//! turned into instructions that name only what failed (and the warnings that text can
//! fix): each finding with the question or entry it concerns, quoted briefly, its line,
//! and its fix in the words of the input (the markdown document's labels and sections,
//! or the bank's YAML fields). Many findings of one kind are listed one line each after
//! the first few; one finding that several gates report is listed once.

use std::fmt::Write as _;
use std::sync::LazyLock;

use regex::Regex;

use crate::codes::Code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::gates::{GateResult, Status};
use crate::model::Bank;
use crate::report::BankReport;

use super::document::Outline;

/// Gates whose findings are about the bank as a whole: repaired by adding items.
const BANK_LEVEL: [u8; 10] = [1, 2, 3, 11, 12, 13, 14, 15, 16, 18];

/// Gate 17: an offline "unverified" link is no defect that text can repair.
const LINK_GATE: u8 = 17;

/// Load diagnostics that no change of the document's text fixes.
const NOT_TEXT: [&str; 1] = ["stale-as-of"];

/// Findings listed in full per section (one per fix); the rest are listed one line each.
const FULL_PER_SECTION: usize = 6;
/// Distinct messages of one kind listed one line each; the rest are counted.
const LISTED_PER_KIND: usize = 25;
/// The longest quote of a line or heading, in characters.
const QUOTE: usize = 70;

/// What to send: the findings alone (the model has the document it wrote), the findings
/// and the whole document, or the findings and only the questions to replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Compact,
    Full,
    QuestionsOnly,
}

/// What is repaired, which decides the words of the prompt: the markdown document's
/// labels and sections, or a bank's YAML files and fields.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Input<'a> {
    /// A markdown document's text.
    Document(&'a str),
    /// A bank folder (its files are read for quotes).
    Bank(&'a std::path::Path),
}

/// A repair prompt and what it asks for.
#[derive(Debug, Clone, Default)]
pub(crate) struct Repair {
    pub prompt: String,
    /// Gate numbers the prompt names.
    pub gates: Vec<u8>,
    /// Question numbers whose text it asks to change.
    pub questions: Vec<u32>,
    /// Findings listed.
    pub findings: usize,
}

impl Repair {
    /// True when nothing is left to repair.
    pub fn is_empty(&self) -> bool {
        self.findings == 0
    }
}

/// Whether a gate's result has something that text can repair (`strict`: WARN too).
fn wants(g: &GateResult, strict: bool) -> bool {
    match g.status {
        Status::Fail => g.number != LINK_GATE || g.diagnostics.iter().any(Diagnostic::is_error),
        Status::Warn => g.number != LINK_GATE && (strict || !g.diagnostics.is_empty()),
        Status::Pass | Status::Skip => false,
    }
}

fn listed(d: &Diagnostic) -> bool {
    d.severity != Severity::Note
}

/// `text` cut to `QUOTE` characters, with an ellipsis when cut.
fn brief(text: &str) -> String {
    let t = text.trim();
    match t.char_indices().nth(QUOTE) {
        Some((i, _)) => format!("{}…", t[..i].trim_end()),
        None => t.to_owned(),
    }
}

/// A message without the `Q7 (`id`)` it starts with (the item names the question).
fn without_question_prefix(message: &str) -> &str {
    if let Some(rest) = message.strip_prefix('Q')
        && let Some((n, tail)) = rest.split_once(" (`")
        && n.chars().all(|c| c.is_ascii_digit())
        && let Some((_, after)) = tail.split_once("`)")
    {
        return after.strip_prefix(':').unwrap_or(after).trim_start();
    }
    message
}

/// The first clause of a message: up to its first `: ` or `; ` (the rest explains, and
/// a full item of its kind shows it once).
fn clause(message: &str, strip: bool) -> String {
    let m = without_question_prefix(message);
    let prefix = if strip {
        ""
    } else {
        &message[..message.len() - m.len()]
    };
    let cut = [": ", "; "]
        .iter()
        .filter_map(|sep| m.match_indices(sep).map(|(i, _)| i).find(|&i| i >= 12))
        .min()
        .unwrap_or(m.len());
    let head = &m[..cut];
    match head.char_indices().nth(110) {
        Some((i, _)) => format!("{prefix}{}…", &head[..i]),
        None => format!("{prefix}{head}"),
    }
}

/// A question's YAML fields and the labelled parts of the document's answer that hold
/// them (the importer reads one into the other).
const QUESTION_LABELS: [(&str, &str); 7] = [
    (
        "alternatives",
        "`**Alternatives**:` (at least two approaches)",
    ),
    ("key_insight", "`**Key Insight**:`"),
    ("practical", "a `**Practical Element**:` fenced block"),
    ("risks", "`**Risk/Mitigation**:`"),
    ("mitigation", "the mitigation in `**Risk/Mitigation**:`"),
    ("tradeoffs", "`**Trade-offs**:`"),
    ("metrics", "the `**Metrics Table**:`"),
];

/// The words of the bank's YAML, as a markdown document writes them.
/// A help text without its pointer to `qbank explain` (the model reading a repair prompt
/// cannot run qbank).
fn without_explain(help: &str) -> std::borrow::Cow<'_, str> {
    match help.find(" (`qbank explain ") {
        Some(i) => match help[i..].find("`)") {
            Some(j) => format!("{}{}", &help[..i], &help[i + j + 2..]).into(),
            None => help.into(),
        },
        None => help.into(),
    }
}

fn document_words(message: &str, help: Option<&str>) -> (String, Option<String>) {
    // The document is the bank.
    let mut message = message
        .replace("the bank has ", "the document has ")
        .replace(" of the bank ", " of the document ");
    // `tool `T1` (k6) lacks pricing, last_update, url`: the document's labels.
    if let Some(i) = message.find(" lacks ") {
        let (head, list) = message.split_at(i + " lacks ".len());
        let (list, tail) = match list.find(';') {
            Some(j) => list.split_at(j),
            None => (list, ""),
        };
        let words: Vec<String> = list
            .split(", ")
            .map(|f| match f.trim() {
                "purpose" => "`Purpose:`".to_owned(),
                "pricing" => "`Pricing:`".to_owned(),
                "last_update" => "`Last update:`".to_owned(),
                "url" => "`URL:`".to_owned(),
                "doi or url" => "a DOI or URL".to_owned(),
                "lang" => "a language tag (`[EN]`, `[ZH]`, ...)".to_owned(),
                "year" => "a year".to_owned(),
                other => other.to_owned(),
            })
            .collect();
        message = format!("{head}{}{tail}", words.join(", "));
    }
    let help = help.map(|h| {
        if let Some(file) = h.strip_prefix("add entries to ") {
            let (section, form) = match file {
                f if f.contains("glossary") => (
                    "Glossary",
                    "`**G<n>. Term** [EN]: definition. Formula: ... Targets: ...`",
                ),
                f if f.contains("tools") => (
                    "Tools",
                    "`**T<n>. Name** (Category): Purpose: ... Pricing: ... Last update: YYYY-MM. URL: ...`",
                ),
                f if f.contains("literature") => (
                    "Literature",
                    "`**L<n>. Author, A. (Year). *Title*. Publisher.**`",
                ),
                f if f.contains("citations") => (
                    "Citations",
                    "`**A<n>. Author, A. (Year). Title. Source. https://doi.org/... [EN]**`",
                ),
                _ => return h.to_owned(),
            };
            return format!(
                "add entries under `### {section}` with the next free numbers, one line each: {form}"
            );
        }
        if let Some(n) = h
            .strip_prefix("add ")
            .and_then(|r| r.strip_suffix(" question files under questions/"))
        {
            return format!("add {n} questions under `#### Qn:` headings with the next free numbers");
        }
        if let Some(rest) = h.strip_prefix("write a question with `dimensions: [")
            && let Some((dim, rest)) = rest.split_once("]` and `phases: [")
            && let Some(phase) = rest.strip_suffix("]`")
        {
            return format!("write a question whose `**Dimension**:` is {dim} and `**Phase**:` is {phase}");
        }
        if let Some(rest) = h.strip_prefix("write a question on ")
            && let Some((method, _)) = rest.split_once(" and tag it `methods: [")
        {
            return format!(
                "write a question whose scenario and answer apply {method} (a method counts when the question's text uses it)"
            );
        }
                if h == "add the entry under references/, or correct the citation" {
            return "add the entry under its section (`### Glossary`, `### Tools`, `### Literature`, `### Citations`), or correct the citation".to_owned();
        }
        if h == "fill the missing fields" {
            return "complete this entry's line with what it lacks, in its `Label: value` form; leave out what you cannot state for certain".to_owned();
        }
        if h.starts_with("give the year (`year:`") {
            return "give the year in the entry (`Author (2024).`) only if the work itself states it; an undated page cannot count as recent: cite a dated source instead".to_owned();
        }
        if h.starts_with("check each tool's latest release") {
            return "give a tool's `Last update:` only as a release date you know for certain; a tool you cannot date recently does not count: cite one you can".to_owned();
        }
        if let Some(rest) = h.strip_prefix("add `")
            && let Some((acr, _)) = rest.split_once("` to a glossary entry's aliases")
        {
            return format!(
                "spell `{acr}` out at its first use (`Full Name ({acr})`), or add `Also: {acr}` to the glossary entry that defines it, or put code in backticks"
            );
        }
        // A question's YAML fields are labelled parts of its answer in the document.
        let mut h = h.replace("`alternatives:` entries", "`alternatives:`");
        for (field, label) in QUESTION_LABELS {
            h = h.replace(&format!("`{field}:`"), label);
        }
        h
    });
    (message, help)
}

/// What the prompt shows of the place a finding points at.
struct Places<'a> {
    input: Input<'a>,
    outline: Outline,
    /// Bank files read for quotes, by path.
    files: std::collections::HashMap<std::path::PathBuf, Vec<String>>,
}

impl Places<'_> {
    /// The line `line` (1-based) of `file`.
    fn line(&mut self, file: &std::path::Path, line: u32) -> Option<String> {
        let i = (line as usize).checked_sub(1)?;
        match self.input {
            Input::Document(_) => self.outline.lines.get(i).cloned(),
            Input::Bank(_) => self
                .files
                .entry(file.to_path_buf())
                .or_insert_with(|| {
                    std::fs::read_to_string(file)
                        .map(|t| t.lines().map(str::to_owned).collect())
                        .unwrap_or_default()
                })
                .get(i)
                .cloned(),
        }
    }

    /// Where a finding is, as the model can find it: the question (heading quoted) or
    /// the entry (its line quoted) and the line; a bank's file and line.
    fn place(
        &mut self,
        d: &Diagnostic,
        gate: Option<u8>,
        quote: bool,
        questions: &mut Vec<u32>,
    ) -> String {
        let Some(loc) = d.location.as_ref().filter(|l| l.line > 0) else {
            return String::new();
        };
        match self.input {
            Input::Bank(root) => {
                // A finding about the bank as a whole points at bank.yaml: no line to
                // change.
                if gate.is_some_and(|g| BANK_LEVEL.contains(&g))
                    && loc.file.file_name().is_some_and(|n| n == "bank.yaml")
                {
                    return String::new();
                }
                let rel = loc.file.strip_prefix(root).unwrap_or(&loc.file);
                let mut s = format!("{}:{}", rel.display(), loc.line);
                if quote
                    && !d.message.contains('`')
                    && let Some(l) = self.line(&loc.file, loc.line)
                    && !l.trim().is_empty()
                {
                    let _ = write!(s, " `{}`", brief(&l).replace('`', "'"));
                }
                s.push_str(": ");
                s
            }
            Input::Document(_) => {
                let i = loc.line as usize - 1;
                // A finding about the document as a whole points at its title or
                // metadata (the first line of text, as the gates place it, or any line
                // before the questions and references): no line to change.
                let before = |v: Option<usize>| v.is_none_or(|at| i < at);
                let meta = self.outline.lines.iter().position(|l| {
                    let t = l.trim();
                    !t.is_empty() && !t.starts_with('#') && t != "---"
                });
                if gate.is_some_and(|g| BANK_LEVEL.contains(&g))
                    && (meta == Some(i)
                        || (before(self.outline.questions.first().map(|q| q.start))
                            && before(self.outline.sections.iter().map(|(_, l)| *l).min())))
                {
                    return String::new();
                }
                if let Some(q) = self.outline.question_at(loc.line) {
                    if !questions.contains(&q.number) {
                        questions.push(q.number);
                    }
                    return if quote {
                        format!(
                            "Q{} \"{}\", line {}: ",
                            q.number,
                            brief(&q.heading),
                            loc.line
                        )
                    } else {
                        format!("Q{} line {}: ", q.number, loc.line)
                    };
                }
                if let Some(e) = self.outline.entries.iter().find(|e| e.line == i) {
                    return if quote {
                        let l = self.outline.lines[i].trim_start_matches(['-', '*', ' ']);
                        format!("{} \"{}\", line {}: ", e.id, brief(l), loc.line)
                    } else {
                        format!("{} line {}: ", e.id, loc.line)
                    };
                }
                let mut s = format!("line {}", loc.line);
                if quote
                    && !d.message.contains('`')
                    && let Some(l) = self.outline.lines.get(i)
                    && !l.trim().is_empty()
                {
                    let _ = write!(s, " \"{}\"", brief(l));
                }
                s.push_str(": ");
                s
            }
        }
    }
}

/// A message's own mention of its line (`(line 12)`, `(lines 12-18)`): the item says it.
static LINE_NOTE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\s*\(lines? \d+(?:-\d+)?\)").expect("regex"));

static FIGURE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b\d+\b").expect("regex"));
static BACKTICKED: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`[^`]*`").expect("regex"));

/// A text with its figures taken out (`the answer has # words; #-# required`), and the
/// figures.
fn shape_of(text: &str) -> (String, Vec<String>) {
    let figures = FIGURE
        .find_iter(text)
        .map(|m| m.as_str().to_owned())
        .collect();
    (FIGURE.replace_all(text, "#").into_owned(), figures)
}

/// Findings of one message shape, listed on one line: the figures they share stay in
/// the text, the ones that differ go beside each place.
struct Short {
    shape: String,
    text: String,
    places: Vec<String>,
    figures: Vec<Vec<String>>,
}

impl Short {
    fn render(&self) -> (String, Vec<String>) {
        let first = &self.figures[0];
        let varies: Vec<bool> = (0..first.len())
            .map(|i| self.figures.iter().any(|f| f.get(i) != first.get(i)))
            .collect();
        if !varies.contains(&true) {
            return (self.text.clone(), self.places.clone());
        }
        let mut i = 0;
        let text = FIGURE
            .replace_all(&self.text, |m: &regex::Captures| {
                let v = varies.get(i).copied().unwrap_or(false);
                i += 1;
                if v { "N".to_owned() } else { m[0].to_owned() }
            })
            .into_owned();
        let places = self
            .places
            .iter()
            .zip(&self.figures)
            .map(|(p, f)| {
                let own: Vec<&str> = f
                    .iter()
                    .zip(&varies)
                    .filter(|(_, v)| **v)
                    .map(|(x, _)| x.as_str())
                    .collect();
                let own = own.join("/");
                if p.is_empty() {
                    format!("N={own}")
                } else {
                    format!("{p} (N={own})")
                }
            })
            .collect();
        (text, places)
    }
}

static CAPITALISED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b[A-Z][A-Za-z0-9]*\b").expect("regex"));

/// A fix with its figures, quoted names and capitalised names taken out: the fixes of
/// `RSS` and of `HOT`, or of the Measure and the SLO step, have one shape.
fn fix_shape(help: Option<&str>) -> String {
    let h = help.unwrap_or("");
    let h = BACKTICKED.replace_all(h, "`x`");
    let h = CAPITALISED.replace_all(&h, "X");
    FIGURE.replace_all(&h, "#").into_owned()
}

/// Where a finding is, as the short items list it: `Q7 line 12`, `T3 line 40`, `line 9`.
fn short_place(
    places: &mut Places<'_>,
    d: &Diagnostic,
    gate: Option<u8>,
    r: &mut Repair,
) -> String {
    places
        .place(d, gate, false, &mut r.questions)
        .trim_end_matches(": ")
        .to_owned()
}

/// Consecutive `line N` places as ranges: `lines 627-631`.
fn join_places(places: &[String]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut run: Option<(u32, u32)> = None;
    let flush = |run: &mut Option<(u32, u32)>, out: &mut Vec<String>| {
        if let Some((a, b)) = run.take() {
            out.push(if a == b {
                format!("line {a}")
            } else {
                format!("lines {a}-{b}")
            });
        }
    };
    for p in places {
        match p.strip_prefix("line ").and_then(|n| n.parse::<u32>().ok()) {
            Some(n) => match &mut run {
                Some((_, b)) if n == *b + 1 => *b = n,
                _ => {
                    flush(&mut run, &mut out);
                    run = Some((n, n));
                }
            },
            None => {
                flush(&mut run, &mut out);
                if !p.is_empty() {
                    out.push(p.clone());
                }
            }
        }
    }
    flush(&mut run, &mut out);
    out.join(", ")
}

/// The findings of one section (the format, or one gate), grouped by kind: the first
/// few of a kind in full, the rest one line per message with every place it occurs,
/// and past `LISTED_PER_KIND` messages a count.
fn list(
    findings: &[&Diagnostic],
    gate: Option<u8>,
    places: &mut Places<'_>,
    r: &mut Repair,
) -> String {
    let mut kinds: Vec<(&str, Vec<&Diagnostic>)> = Vec::new();
    for d in findings {
        match kinds.iter_mut().find(|(k, _)| *k == d.code.as_str()) {
            Some((_, v)) => v.push(d),
            None => kinds.push((d.code.as_str(), vec![d])),
        }
    }
    let mut out = String::new();
    // Fixes already shown in full in this section, by their shape (figures, quoted and
    // capitalised names aside): a finding is shown in full when its fix is new here.
    let mut shown: Vec<String> = Vec::new();
    for (_, ds) in kinds {
        let mut full: Vec<&Diagnostic> = Vec::new();
        let mut rest: Vec<&Diagnostic> = Vec::new();
        for d in ds {
            let shape = fix_shape(d.help.as_deref());
            if full.is_empty() || (shown.len() < FULL_PER_SECTION && !shown.contains(&shape)) {
                if !shown.contains(&shape) {
                    shown.push(shape);
                }
                full.push(d);
            } else {
                rest.push(d);
            }
        }
        for d in full {
            r.findings += 1;
            let place = places.place(d, gate, true, &mut r.questions);
            let (message, help) = match places.input {
                Input::Document(_) => document_words(&d.message, d.help.as_deref()),
                Input::Bank(_) => (d.message.clone(), d.help.clone()),
            };
            let message = if place.starts_with('Q') {
                without_question_prefix(&message)
            } else {
                &message
            };
            let _ = write!(out, "- {place}{message}");
            if let Some(h) = help {
                let _ = write!(out, "\n  fix: {}", without_explain(&h));
            }
            for n in &d.notes {
                let _ = write!(out, "\n  note: {}", n.message);
            }
            out.push('\n');
        }
        // The rest: one line per message, with the places it occurs.
        let mut short: Vec<Short> = Vec::new();
        for d in &rest {
            r.findings += 1;
            let message = match places.input {
                Input::Document(_) => document_words(&d.message, None).0,
                Input::Bank(_) => d.message.clone(),
            };
            let at = short_place(places, d, gate, r);
            let c = LINE_NOTE
                .replace_all(&clause(&message, at.starts_with('Q')), "")
                .into_owned();
            let (shape, figures) = shape_of(&c);
            match short.iter_mut().find(|s| s.shape == shape) {
                Some(s) => {
                    s.places.push(at);
                    s.figures.push(figures);
                }
                None => short.push(Short {
                    shape,
                    text: c,
                    places: vec![at],
                    figures: vec![figures],
                }),
            }
        }
        for s in short.iter().take(LISTED_PER_KIND) {
            let (m, at) = s.render();
            let at = join_places(&at);
            if at.is_empty() {
                let _ = writeln!(out, "- {m}");
            } else {
                let _ = writeln!(out, "- {m}: {at}");
            }
        }
        if short.len() > LISTED_PER_KIND {
            let more: usize = short[LISTED_PER_KIND..]
                .iter()
                .map(|s| s.places.len())
                .sum();
            let _ = writeln!(
                out,
                "- and {more} more like these; fix the ones above first"
            );
        }
    }
    out
}

/// The question block of the rubric's Output Format, for questions to be added.
fn question_format(bank: Option<&Bank>) -> Option<String> {
    let tmpl = bank?.rubric.generator.as_ref()?.output_template.clone();
    let o = Outline::parse(&tmpl);
    let q = o.questions.first()?;
    Some(o.question_text(q))
}

/// Builds the repair prompt for `input` from its measured `report`.
pub(crate) fn build(
    input: Input<'_>,
    report: &BankReport,
    bank: Option<&Bank>,
    mode: Mode,
    strict: bool,
) -> Repair {
    let text = match input {
        Input::Document(t) => t,
        Input::Bank(_) => "",
    };
    let mut places = Places {
        input,
        outline: Outline::parse(text),
        files: std::collections::HashMap::new(),
    };
    let mut r = Repair::default();
    let mut fixes = String::new();
    let mut bank_level = false;
    // The Validation Results section stays (the format requires it); qbank measures it.
    let claims = places.outline.section("validation results");
    let in_claims = |d: &Diagnostic| {
        claims.is_some_and(|(a, b)| {
            d.location
                .as_ref()
                .is_some_and(|l| l.line > 0 && (a..b).contains(&(l.line as usize - 1)))
        })
    };
    // A finding another gate already listed at the same place is listed once.
    let mut seen: std::collections::HashSet<(Option<(std::path::PathBuf, u32)>, String)> =
        std::collections::HashSet::new();
    let mut fresh = |d: &&Diagnostic| {
        let key = d.location.as_ref().map(|l| (l.file.clone(), l.line));
        seen.insert((key, d.message.clone()))
    };
    let load: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        // In it, only a claim the measurement contradicts is a finding: the section's
        // own layout is not the importer's to judge.
        .filter(|d| {
            listed(d)
                && !NOT_TEXT.contains(&d.code.as_str())
                && (!in_claims(d) || d.code == Code::ContradictedClaim.name())
        })
        .filter(&mut fresh)
        .collect();
    if !load.is_empty() {
        let heading = match input {
            Input::Document(_) => "Document format",
            Input::Bank(_) => "File format",
        };
        let _ = write!(
            fixes,
            "### {heading}\n\n{}\n",
            list(&load, None, &mut places, &mut r)
        );
    }
    for g in report.gates.iter().filter(|g| wants(g, strict)) {
        let ds: Vec<&Diagnostic> = g
            .diagnostics
            .iter()
            .filter(|d| listed(d) && (g.number != LINK_GATE || d.is_error()))
            .filter(&mut fresh)
            .collect();
        let _ = writeln!(
            fixes,
            "### Gate {} · {}: {}\n\nRequirement: {}  \nMeasured: {}\n",
            g.number,
            g.title,
            g.status.as_str(),
            g.requirement,
            g.evidence
        );
        r.gates.push(g.number);
        if ds.is_empty() {
            r.findings += 1;
        } else {
            fixes.push_str(&list(&ds, Some(g.number), &mut places, &mut r));
        }
        bank_level |= BANK_LEVEL.contains(&g.number);
        fixes.push('\n');
    }
    if r.is_empty() {
        return r;
    }
    r.questions.sort_unstable();
    let outline = &places.outline;
    let title = bank.map_or("the document", |b| b.meta.title.value.as_str());
    let mut p = String::new();
    let _ = writeln!(p, "# Repair: {title}\n");
    p.push_str(match (input, mode) {
        (Input::Bank(_), _) => {
            "qbank measured this bank and found the problems below, each at its YAML file and \
line. Fix exactly these; keep every other field unchanged (ids, file names, wording that is \
not named here).\n\n## What to fix\n\n"
        }
        (Input::Document(_), Mode::Compact) => {
            "qbank measured the document you wrote and found the problems below; line numbers \
count the lines of that document. Fix exactly these; keep every other line unchanged \
(headings, question numbers, IDs, wording that is not named here).\n\n## What to fix\n\n"
        }
        (Input::Document(_), Mode::Full) => {
            "qbank measured the document below and found the problems listed here; line \
numbers count the lines of the document as shown below. Fix exactly these; keep every other \
line unchanged (headings, question numbers, IDs, wording that is not named here).\n\n## What \
to fix\n\n"
        }
        (Input::Document(_), Mode::QuestionsOnly) => {
            "qbank measured this document and found the problems below; line numbers count the \
lines of the whole document, and each question below says where it starts. Fix exactly \
these; keep every other line unchanged (headings, question numbers, IDs, wording that is not \
named here).\n\n## What to fix\n\n"
        }
    });
    p.push_str(&fixes);
    p.push_str("## Rules\n\n");
    p.push_str(
        "- Add what each finding says is missing, in your own words and in the answer's own \
form (labelled or prose, table or list): no phrasing or label is required, and the fix lines \
are examples, not templates. Content that no finding names already passes; do not restate or \
rewrite it.\n",
    );
    p.push_str(
        "- Never invent a DOI, URL, archive timestamp, author, date or version. A reference \
must be a real work that certainly exists; when a fix would need a detail you do not know \
for certain, leave it out, cite a work whose details you do know (a dated one, where a date \
is asked for), or remove the claim.\n",
    );
    p.push_str(
        "- Every figure you add must be consistent with the rest of the answer; a \
placeholder (TODO, TBD, ...) is not a fix.\n",
    );
    if bank_level {
        p.push_str(match input {
            Input::Document(_) => {
                "- For the findings about the document as a whole, add the missing items \
(questions, glossary terms, tools, sources) with the next free numbers and IDs; keep existing \
ones.\n"
            }
            Input::Bank(_) => {
                "- For the findings about the bank as a whole, add the missing items (question \
files, entries in references/*.yaml) with new ids; keep existing ones.\n"
            }
        });
    }
    match (input, mode) {
        (Input::Bank(_), _) => {
            p.push_str("- Answer with each changed YAML file complete, its path above it.\n");
        }
        (Input::Document(_), Mode::Compact | Mode::Full) => {
            p.push_str(
                "- Return the whole corrected document, in the same format, in one ````markdown \
block, with every section the format requires (Validation Results included: qbank measures \
the gates again, so state in it only what your document now meets).\n",
            );
            if mode == Mode::Full {
                p.push_str("\n## Document\n\n````markdown\n");
                p.push_str(text.trim_end());
                p.push_str("\n````\n");
            }
        }
        (Input::Document(_), Mode::QuestionsOnly) => {
            p.push_str(
                "- Return only what changes, in one ````markdown block: each question named \
below complete from its `#### Qn:` heading to its last line, keeping its number; new \
questions under `#### Qn:` headings with the next free numbers; new or corrected reference \
entries as single lines in the document's form (`**G11. Term** [EN]: ...`) under their \
section heading (`### Glossary`, `### Tools`, `### Literature`, `### Citations`). Nothing \
else.\n",
            );
            if !r.questions.is_empty() {
                p.push_str("\n## Questions to replace\n");
                for q in outline
                    .questions
                    .iter()
                    .filter(|q| r.questions.contains(&q.number))
                {
                    let _ = write!(
                        p,
                        "\nQ{} starts at line {}:\n\n````markdown\n{}\n````\n",
                        q.number,
                        q.start + 1,
                        outline.question_text(q).trim_end()
                    );
                }
            }
            if bank_level {
                p.push_str(&bank_summary(bank, outline));
                if let Some(f) = question_format(bank) {
                    p.push_str("\n## Format of a new question\n\n````markdown\n");
                    p.push_str(f.trim_end());
                    p.push_str("\n````\n");
                }
            }
        }
    }
    r.prompt = p;
    r
}

/// The questions and reference IDs a model needs to add items that fit.
fn bank_summary(bank: Option<&Bank>, outline: &Outline) -> String {
    let mut s = String::from("\n## The document now\n\n");
    match bank {
        Some(b) => {
            let _ = writeln!(
                s,
                "| Q | {} | {} | Difficulty | Cluster |\n|---|---|---|---|---|",
                b.rubric.dimensions.label, b.rubric.phases.label
            );
            for (i, q) in b.questions.iter().enumerate() {
                let join = |v: &[crate::model::Sp<String>]| {
                    v.iter()
                        .map(|x| x.value.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let _ = writeln!(
                    s,
                    "| Q{} | {} | {} | {} | {} |",
                    i + 1,
                    join(&q.dimensions),
                    join(&q.phases),
                    q.difficulty.value.title(),
                    b.cluster_title(&q.cluster.value)
                        .unwrap_or(&q.cluster.value)
                );
            }
            let ids = |v: Vec<&str>| {
                if v.is_empty() {
                    "none".to_owned()
                } else {
                    v.join(", ")
                }
            };
            let _ = writeln!(
                s,
                "\nReference IDs in use: glossary {}; tools {}; literature {}; citations {}.",
                ids(b.glossary.iter().map(|g| g.id.value.as_str()).collect()),
                ids(b.tools.iter().map(|t| t.id.value.as_str()).collect()),
                ids(b.literature.iter().map(|x| x.id.value.as_str()).collect()),
                ids(b.citations.iter().map(|x| x.id.value.as_str()).collect()),
            );
        }
        None => {
            for q in &outline.questions {
                let _ = writeln!(s, "- Q{}: {}", q.number, q.heading);
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_question_prefix_goes_and_other_messages_stay() {
        assert_eq!(
            without_question_prefix("Q12 (`a-b`): the answer has 97 words"),
            "the answer has 97 words"
        );
        assert_eq!(
            without_question_prefix("Q5 (`x`) is intermediate and flags 0"),
            "is intermediate and flags 0"
        );
        assert_eq!(without_question_prefix("Quick (`x`): y"), "Quick (`x`): y");
        // Without a place, the question stays in the short line.
        assert_eq!(
            clause(
                "Q4 (`x`): the metrics cell is a placeholder: no text",
                false
            ),
            "Q4 (`x`): the metrics cell is a placeholder"
        );
        assert_eq!(
            clause("Q4 (`x`): the answer has 97 words; 150-300 required", true),
            "the answer has 97 words"
        );
    }

    #[test]
    fn a_prompt_sends_no_model_to_qbank_explain_and_speaks_markdown_for_methods() {
        assert_eq!(
            without_explain(
                "measured: 3/5; correct the claims table or fix the content (`qbank explain recency`)"
            ),
            "measured: 3/5; correct the claims table or fix the content"
        );
        assert_eq!(without_explain("add a year"), "add a year");
        let (_, help) = document_words(
            "no question covers Caching",
            Some("write a question on caching and tag it `methods: [caching]`"),
        );
        let help = help.expect("help");
        assert!(!help.contains("methods:"), "{help}");
        assert!(help.contains("apply caching"), "{help}");
    }

    #[test]
    fn runs_of_lines_become_ranges() {
        let p: Vec<String> = ["line 3", "line 4", "line 5", "Q2 line 9", "line 11"]
            .map(str::to_owned)
            .to_vec();
        assert_eq!(join_places(&p), "lines 3-5, Q2 line 9, line 11");
    }

    #[test]
    fn figures_that_differ_go_beside_each_place() {
        let mut s = Short {
            shape: String::new(),
            text: "the answer has 97 words".to_owned(),
            places: vec!["Q1 line 4".to_owned()],
            figures: vec![vec!["97".to_owned()]],
        };
        assert_eq!(s.render().0, "the answer has 97 words");
        s.places.push("Q2 line 9".to_owned());
        s.figures.push(vec!["88".to_owned()]);
        let (text, places) = s.render();
        assert_eq!(text, "the answer has N words");
        assert_eq!(places, ["Q1 line 4 (N=97)", "Q2 line 9 (N=88)"]);
        // An ID's digits are part of the ID.
        assert_eq!(shape_of("`A15` has no year").1, Vec::<String>::new());
    }

    #[test]
    fn a_documents_fixes_name_its_labels_and_sections() {
        let (m, h) = document_words(
            "tool `T1` (k6) lacks pricing, last_update, url",
            Some("add entries to references/tools.yaml"),
        );
        assert_eq!(m, "tool `T1` (k6) lacks `Pricing:`, `Last update:`, `URL:`");
        assert!(h.unwrap().starts_with("add entries under `### Tools`"));
        let (_, h) = document_words(
            "x",
            Some("add `risks:` with the high-risk choice and its mitigation"),
        );
        assert_eq!(
            h.as_deref(),
            Some("add `**Risk/Mitigation**:` with the high-risk choice and its mitigation")
        );
        let (_, h) = document_words(
            "x",
            Some("add `RSS` to a glossary entry's aliases, spell it out, or put code in backticks"),
        );
        assert!(h.unwrap().contains("`Also: RSS`"));
        // A fix in no YAML words stays as it is.
        let (_, h) = document_words("x", Some("state the figure"));
        assert_eq!(h.as_deref(), Some("state the figure"));
    }

    #[test]
    fn the_same_fix_shape_is_shown_in_full_once() {
        assert_eq!(
            fix_shape(Some("spell `RSS` out at its first use")),
            fix_shape(Some("spell `HOT` out at its first use"))
        );
        assert_eq!(
            fix_shape(Some("give the Measure step a figure")),
            fix_shape(Some("give the SLO step a figure"))
        );
        assert_ne!(
            fix_shape(Some("give a figure")),
            fix_shape(Some("cite a source"))
        );
    }
}
