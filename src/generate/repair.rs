//! Repair prompts (`qbank repair`): what the gates measured on a document, turned into
//! instructions that name only what failed (and the warnings that text can fix), with the
//! question, heading, line and help of each finding.

use std::fmt::Write as _;

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

/// What to send back: the whole document, or only the questions to replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Whole,
    QuestionsOnly,
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

/// The finding as one list item: question, heading, line, message, help.
fn item(d: &Diagnostic, outline: &Outline, questions: &mut Vec<u32>) -> String {
    let mut s = String::from("- ");
    if let Some(loc) = &d.location {
        if let Some(q) = (loc.line > 0)
            .then(|| outline.question_at(loc.line))
            .flatten()
        {
            let _ = write!(s, "Q{} \"{}\" ", q.number, q.heading);
            if !questions.contains(&q.number) {
                questions.push(q.number);
            }
        }
        match (loc.line, loc.col) {
            (0, _) => {}
            (l, 0) => {
                let _ = write!(s, "(line {l}) ");
            }
            (l, c) => {
                let _ = write!(s, "(line {l}:{c}) ");
            }
        }
    }
    s.push_str(&d.message);
    if let Some(h) = &d.help {
        let _ = write!(s, "\n  help: {h}");
    }
    for n in &d.notes {
        let _ = write!(s, "\n  note: {}", n.message);
    }
    s
}

/// The question block of the rubric's Output Format, for questions to be added.
fn question_format(bank: Option<&Bank>) -> Option<String> {
    let tmpl = bank?.rubric.generator.as_ref()?.output_template.clone();
    let o = Outline::parse(&tmpl);
    let q = o.questions.first()?;
    Some(o.question_text(q))
}

/// Builds the repair prompt for the document `text` from its measured `report`.
pub(crate) fn build(
    text: &str,
    report: &BankReport,
    bank: Option<&Bank>,
    mode: Mode,
    strict: bool,
) -> Repair {
    let outline = Outline::parse(text);
    let mut r = Repair::default();
    let mut fixes = String::new();
    let mut bank_level: Vec<&GateResult> = Vec::new();
    // The Validation Results section is qbank's to measure: its claims are not sent back.
    let claims = outline.section("validation results");
    let in_claims = |d: &Diagnostic| {
        claims.is_some_and(|(a, b)| {
            d.location
                .as_ref()
                .is_some_and(|l| l.line > 0 && (a..b).contains(&(l.line as usize - 1)))
        })
    };
    let load: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .filter(|d| listed(d) && !NOT_TEXT.contains(&d.code.as_str()) && !in_claims(d))
        .collect();
    if !load.is_empty() {
        fixes.push_str("### Document format\n\n");
        for d in &load {
            fixes.push_str(&item(d, &outline, &mut r.questions));
            fixes.push('\n');
            r.findings += 1;
        }
        fixes.push('\n');
    }
    for g in report.gates.iter().filter(|g| wants(g, strict)) {
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
        let mut any = false;
        for d in g.diagnostics.iter().filter(|d| listed(d)) {
            if g.number == LINK_GATE && !d.is_error() {
                continue;
            }
            fixes.push_str(&item(d, &outline, &mut r.questions));
            fixes.push('\n');
            any = true;
            r.findings += 1;
        }
        if !any {
            r.findings += 1;
        }
        if BANK_LEVEL.contains(&g.number) {
            bank_level.push(g);
        }
        fixes.push('\n');
    }
    if r.is_empty() {
        return r;
    }
    r.questions.sort_unstable();
    let title = bank.map_or("the document", |b| b.meta.title.value.as_str());
    let mut p = String::new();
    let _ = writeln!(p, "# Repair: {title}\n");
    p.push_str(
        "qbank measured this document and found the problems below. Fix exactly these; \
keep every other line unchanged (headings, question numbers, IDs, wording that is not \
named here).\n\n## What to fix\n\n",
    );
    p.push_str(&fixes);
    p.push_str("## Rules\n\n");
    p.push_str(
        "- Add what each finding says is missing, in your own words and in the answer's own \
form (labelled or prose, table or list): no phrasing or label is required, and the help \
lines are examples, not templates. Content that no finding names already passes; do not \
restate or rewrite it.\n",
    );
    p.push_str(
        "- Never invent a DOI, URL, archive timestamp, author, date or version. A reference \
must be a real work that certainly exists; when a fix would need a detail you do not know \
for certain, leave the field out or remove the claim instead.\n",
    );
    p.push_str(
        "- Every figure you add must be consistent with the rest of the answer; a \
placeholder (TODO, TBD, ...) is not a fix.\n",
    );
    if !bank_level.is_empty() {
        p.push_str(
            "- For the bank-level findings above, add the missing items (questions, \
glossary terms, tools, sources) with the next free numbers and IDs; keep existing ones.\n",
        );
    }
    match mode {
        Mode::Whole => {
            p.push_str(
                "- Return the whole corrected document, in the same format, in one \
````markdown block, without a Validation Results section (qbank measures the gates \
itself).\n\n## Document\n\n````markdown\n",
            );
            p.push_str(outline.without_section("validation results").trim_end());
            p.push_str("\n````\n");
        }
        Mode::QuestionsOnly => {
            p.push_str(
                "- Return only what changes, in one ````markdown block: each question named \
below complete from its `#### Qn:` heading to its last line, keeping its number; new \
questions under `#### Qn:` headings with the next free numbers; new or corrected reference \
entries as single lines in the document's form (`**G11. Term** [EN]: ...`) under their \
section heading (`### Glossary`, `### Tools`, `### Literature`, `### Citations`). Nothing \
else.\n",
            );
            if !r.questions.is_empty() {
                p.push_str("\n## Questions to replace\n\n````markdown\n");
                for q in outline
                    .questions
                    .iter()
                    .filter(|q| r.questions.contains(&q.number))
                {
                    p.push_str(&outline.question_text(q));
                    p.push_str("\n\n");
                }
                p.truncate(p.trim_end().len());
                p.push_str("\n````\n");
            }
            if !bank_level.is_empty() {
                p.push_str(&bank_summary(bank, &outline));
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
