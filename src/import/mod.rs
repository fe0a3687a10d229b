//! Reads a markdown document in the spec's Output Format (qbank's own rendering or an
//! LLM's) into a [`Bank`] whose values point at `doc.md:line:col`, so the gates can run
//! on it directly; keeps the document's own Validation Results claims for auditing.
//!
//! The document is read as pulldown-cmark blocks with byte offsets (`blocks`); each
//! section is recognised by its heading and each field by its bold label, with the
//! variants LLMs write. Whatever is not recognised is reported (`unrecognised`), never
//! dropped silently. qbank's own rendering carries the fields the format has no place
//! for (ids, roles, methods, a source's unprinted container ...) in `<!-- qbank: {json}
//! -->` comments, which makes `import(render(bank))` lossless. Every value a gate
//! measures is read from the visible text; a comment never overrides it, and a comment
//! that disagrees with the visible text is a `metadata-disagrees` warning.

pub(crate) mod apa;
pub(crate) mod blocks;
pub(crate) mod claims;
mod comments;
mod questions;
mod references;
mod sections;
pub mod write;

use crate::codes::Code;
use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

pub use claims::Claim;
use comments::{MetaComment, QuestionComment};
pub(crate) use questions::infer_diagram;
#[cfg(test)]
pub(crate) use references::split_list;
pub(crate) use references::{STRUCTURAL_SOURCE_FIELDS, looks_like_acronym, visible_source};

use crate::diagnostic::{Diagnostic, Location};
use crate::model::{
    Alternative, Bank, BankMeta, ClusterDef, Day, Difficulty, FileId, GlossaryEntry, Metric, Pos,
    Practical, Risk, Rubric, Scope, Source, Sources, Sp, Tool,
};
use blocks::Kind;

/// What importing one document produced.
#[derive(Debug)]
pub struct Imported {
    pub path: PathBuf,
    /// The bank, unless the document could not be read at all.
    pub bank: Option<Bank>,
    /// Import problems (`unrecognised` lines, missing fields) and the bank checks.
    pub diagnostics: Vec<Diagnostic>,
    /// The document's own Validation Results rows.
    pub claims: Vec<Claim>,
    /// Why the rubric was chosen, when it was detected from the Validation Results.
    pub rubric_note: Option<String>,
    pub sources: Sources,
    /// How many questions were recognised, and the question-like lines that were not.
    pub recognition: Recognition,
}

/// How many questions a document's import recognised, and every question-like line
/// (`### Q3 ...`, `**Q3:** ...`, `Q3. ...`) that did not start a question.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Recognition {
    pub questions: usize,
    /// Question-like lines not recognised as questions, in document order.
    pub missed: Vec<Missed>,
}

impl Recognition {
    /// `29 questions recognised; 1 question-like line not:` and one `path:line: text`
    /// line for each, in document order.
    pub fn human(&self, path: &Path) -> String {
        let n = self.missed.len();
        let mut s = format!(
            "{} {} recognised; {n} question-like {} not{}",
            self.questions,
            if self.questions == 1 {
                "question"
            } else {
                "questions"
            },
            if n == 1 { "line" } else { "lines" },
            if n == 0 { "" } else { ":" },
        );
        let shown = crate::diagnostic::display_path(path);
        for m in &self.missed {
            let place = if m.in_code { " (in a code block)" } else { "" };
            s.push_str(&format!("\n  {shown}:{}: {}{place}", m.line, m.text));
        }
        s
    }
}

/// A question-like line that did not start a question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Missed {
    /// 1-based line in the document.
    pub line: u32,
    /// The line as written (its first 80 characters).
    pub text: String,
    /// The line is inside a code block (a reader sees code there, not a question).
    pub in_code: bool,
}

impl Imported {
    /// The `unrecognised` diagnostics: lines the importer did not take.
    pub fn unrecognised(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.code == "unrecognised")
    }
}

/// Reads and imports the document at `path`; `rubric` is a rubric YAML file (else the
/// document's own `rubric` comment, else the built-in rubric).
pub fn import_file(path: &Path, rubric: Option<&Path>) -> Imported {
    import_file_with(
        path,
        &RubricChoice {
            flag: rubric,
            ..RubricChoice::default()
        },
    )
}

/// Imports a document given as text (the path is used for diagnostics and as the root).
pub fn import_str(path: &Path, text: &str, rubric: Option<&Path>) -> Imported {
    import_str_with(
        path,
        text,
        &RubricChoice {
            flag: rubric,
            ..RubricChoice::default()
        },
    )
}

/// Where a document's rubric comes from, in order of precedence: `flag` (`--rubric`),
/// the document's own `<!-- qbank: {"rubric": ...} -->`, `config` (qbank.toml), then,
/// with `detect`, the shipped rubric whose gate names best match the document's own
/// Validation Results, then the built-in one.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct RubricChoice<'a> {
    pub flag: Option<&'a Path>,
    pub config: Option<&'a Path>,
    pub detect: bool,
}

/// Imports a markdown file, its rubric chosen as `choice` says.
pub(crate) fn import_file_with(path: &Path, choice: &RubricChoice<'_>) -> Imported {
    match crate::load::read_text(path) {
        Ok(t) => import_str_with(path, &t, choice),
        Err(d) => Imported {
            path: path.to_path_buf(),
            bank: None,
            diagnostics: vec![d],
            claims: Vec::new(),
            sources: Sources::default(),
            rubric_note: None,
            recognition: Recognition::default(),
        },
    }
}

/// The shipped rubric whose gates the document's Validation Results rows name best, when
/// it names more of them than the built-in rubric does: (name, the note saying why).
pub(crate) fn detect_rubric(claims: &[Claim]) -> Option<(&'static str, String)> {
    if claims.is_empty() {
        return None;
    }
    let scores: Vec<(&str, usize, usize)> = shipped_rubrics()
        .iter()
        .map(|(n, r)| {
            let matched = claims
                .iter()
                .filter(|c| crate::gates::names::match_gate(r, &c.name).is_some())
                .count();
            (*n, matched, r.gates.len())
        })
        .collect();
    let default = scores.first().map_or(0, |s| s.1);
    // The first of the best: the built-in rubric wins a tie.
    let best = scores
        .iter()
        .fold(None::<&(&str, usize, usize)>, |b, s| match b {
            Some(b) if b.1 >= s.1 => Some(b),
            _ => Some(s),
        })?;
    if best.1 <= default {
        return None;
    }
    Some((
        best.0,
        format!(
            "rubric `{}` chosen: {} of the {} rows of the document's Validation Results name its {} gates (built-in rubric: {}); pass --rubric to choose another",
            best.0,
            best.1,
            claims.len(),
            best.2,
            default
        ),
    ))
}

/// The section headings the rubric given (`--rubric`, else qbank.toml's) declares for the
/// built-in kinds G/T/L/A, recognised before the importer's own words.
fn core_headings(given: Option<&Rubric>) -> Vec<(char, String)> {
    let Some(r) = given else {
        return Vec::new();
    };
    r.references
        .iter()
        .filter_map(|k| {
            match k.prefix.as_str() {
                "G" => Some('G'),
                "T" => Some('T'),
                "L" => Some('L'),
                "A" => Some('A'),
                _ => None,
            }
            .map(|c| (c, k))
        })
        .flat_map(|(c, k)| k.headings.iter().map(move |h| (c, h.to_lowercase())))
        .collect()
}

/// The reference kinds beyond G/T/L/A whose entries the reader keeps: those of the
/// rubric given (`--rubric`, else qbank.toml's), else of every shipped rubric; the final
/// rubric keeps its own.
fn candidate_kinds(given: Option<&Rubric>) -> Vec<crate::model::RefKind> {
    let mut out: Vec<crate::model::RefKind> = Vec::new();
    let mut add = |r: &Rubric| {
        for k in r.references.iter() {
            if !matches!(k.prefix.as_str(), "G" | "T" | "L" | "A")
                && !out.iter().any(|o| o.prefix == k.prefix)
            {
                out.push(k.clone());
            }
        }
    };
    match given {
        Some(r) => add(r),
        None => {
            for (_, r) in shipped_rubrics().iter() {
                add(r);
            }
        }
    }
    out
}

/// The shipped rubrics, parsed once.
fn shipped_rubrics() -> &'static [(&'static str, Rubric)] {
    static SHIPPED: std::sync::LazyLock<Vec<(&'static str, Rubric)>> =
        std::sync::LazyLock::new(|| {
            crate::model::SHIPPED_RUBRICS
                .iter()
                .filter_map(|(n, t)| serde_saphyr::from_str(t).ok().map(|r| (*n, r)))
                .collect()
        });
    &SHIPPED
}

/// Imports a document given as text, its rubric chosen as `choice` says.
pub(crate) fn import_str_with(path: &Path, text: &str, choice: &RubricChoice<'_>) -> Imported {
    let text: Arc<str> = if text.contains('\r') {
        Arc::from(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Arc::from(text)
    };
    let mut sources = Sources::default();
    let file = sources.add(path.to_path_buf(), text.clone());
    let mut r = Reader::new(path, &text, file);
    let mut diags = Vec::new();
    let load =
        |p: &Path, diags: &mut Vec<crate::diagnostic::Diagnostic>| match crate::load::load_rubric(
            p.to_str(),
            Path::new(""),
        ) {
            Ok(r) => Some(r),
            Err(d) => {
                diags.push(d);
                None
            }
        };
    let flag_rubric = choice.flag.and_then(|p| load(p, &mut diags));
    // qbank.toml's rubric is loaded up front too (its kinds are read), used only when
    // neither --rubric nor the document names one.
    let mut config_diags = Vec::new();
    let config_rubric = choice
        .config
        .filter(|_| flag_rubric.is_none() && choice.flag.is_none())
        .and_then(|p| load(p, &mut config_diags));
    r.kinds = candidate_kinds(flag_rubric.as_deref().or(config_rubric.as_deref()));
    r.core_headings = core_headings(flag_rubric.as_deref().or(config_rubric.as_deref()));
    r.read();
    let rubric_spec = r.meta_comment.rubric.clone();
    let mut rubric_note = None;
    let rubric_final = match (flag_rubric, &rubric_spec) {
        (Some(r), _) => r,
        (None, Some(_)) | (None, None) if choice.flag.is_some() => Rubric::default_shared(),
        (None, Some(spec)) => {
            let base = path.parent().unwrap_or(Path::new(""));
            match crate::load::load_rubric(Some(spec), base) {
                Ok(r) => r,
                Err(d) => {
                    diags.push(d.at(Location::file(path)));
                    Rubric::default_shared()
                }
            }
        }
        (None, None) => {
            diags.append(&mut config_diags);
            match config_rubric {
                Some(r) => r,
                None if choice.config.is_some() => Rubric::default_shared(),
                None => match choice.detect.then(|| detect_rubric(&r.claims)).flatten() {
                    Some((name, note)) => {
                        rubric_note = Some(note);
                        crate::load::load_rubric(Some(name), Path::new(""))
                            .unwrap_or_else(|_| Rubric::default_shared())
                    }
                    None => Rubric::default_shared(),
                },
            }
        }
    };
    let rubric_value = match (choice.flag, &rubric_spec, choice.config) {
        (Some(_), _, _) => Some("rubric.yaml".to_owned()),
        (None, Some(s), _) => Some(s.clone()),
        (None, None, Some(_)) => Some("rubric.yaml".to_owned()),
        (None, None, None) => rubric_note.as_ref().map(|_| rubric_final.name.clone()),
    };
    let (bank, mut more) = r.finish(rubric_final, rubric_value, sources.clone());
    diags.append(&mut more);
    crate::diagnostic::sort(&mut diags);
    Imported {
        path: path.to_path_buf(),
        recognition: bank.2,
        claims: bank.1,
        bank: Some(bank.0),
        diagnostics: diags,
        sources,
        rubric_note,
    }
}

/// The JSON in a `<!-- qbank: ... -->` comment after the title.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Section {
    Preamble,
    Contents,
    Context,
    Matrix,
    Qa,
    Refs(Option<char>),
    Validation,
    Metadata,
    Unknown,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    None,
    Answer,
    Practical,
    Diagram,
    Metrics,
    Tradeoffs,
    Alternatives,
    Risks,
    Validation,
    /// A label whose value comes in the next block (`#### Key Insight`, then a paragraph).
    KeyInsight,
    Difficulty,
    Dims,
    Phases,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Label {
    Difficulty,
    Dim,
    Phase,
    Roles,
    KeyInsight,
    Field(Field),
}

/// What a `<!-- qbank -->` comment attaches to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Target {
    None,
    Meta,
    Cluster,
    Question,
    Entry(char),
}

/// One question as read, before the rubric resolves its axis values.
struct QDraft {
    number: Option<u32>,
    /// The heading, or the paragraph, that starts the question.
    heading: Range<usize>,
    /// The heading's level; none for a question written as a paragraph.
    level: Option<u8>,
    title: Range<usize>,
    cluster: usize,
    comment: QuestionComment,
    difficulty: Option<Sp<Difficulty>>,
    dims: Vec<(Range<usize>, bool)>,
    phases: Vec<(Range<usize>, bool)>,
    /// `**Roles**: QA, Developer`, matched to the rubric's roles at `finish`.
    roles: Vec<Range<usize>>,
    key_insight: Option<Range<usize>>,
    answer: Option<Range<usize>>,
    practical: Vec<Practical>,
    caption: Option<String>,
    diagram: Option<(Range<usize>, Pos)>,
    metrics: Vec<Metric>,
    tradeoffs: Option<Range<usize>>,
    alternatives: Vec<Alternative>,
    risks: Vec<Risk>,
    validation: Option<Range<usize>>,
    field: Field,
}

struct ClusterDraft {
    id: Option<String>,
    title: Range<usize>,
}

struct Reader<'t> {
    path: PathBuf,
    text: &'t str,
    file: FileId,
    line_starts: Vec<usize>,
    diags: Vec<Diagnostic>,
    title: Option<Range<usize>>,
    meta_comment: MetaComment,
    generated: Option<String>,
    scope: Scope,
    clusters: Vec<ClusterDraft>,
    questions: Vec<QDraft>,
    glossary: Vec<GlossaryEntry>,
    tools: Vec<Tool>,
    literature: Vec<Source>,
    citations: Vec<Source>,
    /// Reference kinds beyond G/T/L/A that a candidate rubric declares: their entries
    /// are read (`**C1. ...**`) and their section headings recognised.
    kinds: Vec<crate::model::RefKind>,
    /// The rubric's own section headings for G/T/L/A (lower case), by kind.
    core_headings: Vec<(char, String)>,
    other_refs: Vec<crate::model::OtherRef>,
    claims: Vec<Claim>,
    target: Target,
    /// The visible `**As of**:` line of Context & Coverage.
    as_of: Option<Sp<String>>,
    /// Where the title's qbank comment is.
    meta_comment_at: Option<usize>,
    /// The text of the reference entry read last (a comment after it refers to it).
    entry: Option<Range<usize>>,
    /// The level of the heading that started the current cluster.
    cluster_level: Option<u8>,
    /// Question-like lines inside code blocks.
    code_questions: Vec<CodeQuestion>,
}

/// A question-like line inside a code block.
struct CodeQuestion {
    number: u32,
    /// Where the line starts.
    line: usize,
    /// Where the fence that opened the block is.
    fence: usize,
    /// How many questions were recognised before the block.
    before: usize,
}

/// A kebab-case id from free text: the safe name of its first six words.
fn kebab(s: &str) -> String {
    crate::text::kebab_words(s, 6)
}

fn unique(base: String, seen: &mut HashSet<String>, fallback: &str) -> String {
    let base = if base.is_empty() {
        fallback.to_owned()
    } else {
        base
    };
    let mut candidate = base.clone();
    let mut n = 2;
    while !seen.insert(candidate.clone()) {
        candidate = format!("{base}-{n}");
        n += 1;
    }
    candidate
}

fn unescape_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && matches!(chars.peek(), Some('|' | '\\')) {
            out.push(chars.next().unwrap_or('\\'));
        } else {
            out.push(c);
        }
    }
    out
}

fn strip_bold(s: &str) -> &str {
    let t = s.trim();
    t.strip_prefix("**")
        .and_then(|x| x.strip_suffix("**"))
        .unwrap_or(t)
        .trim()
}
/// A bold label in a line: `**Label**:`, `**Label:**`, `**Label** (caption):`.
#[derive(Debug, Clone)]
struct Labelled {
    name: String,
    caption: Option<String>,
    start: usize,
    value: Range<usize>,
}

impl<'t> Reader<'t> {
    fn new(path: &Path, text: &'t str, file: FileId) -> Reader<'t> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Reader {
            path: path.to_path_buf(),
            text,
            file,
            line_starts,
            diags: Vec::new(),
            title: None,
            meta_comment: MetaComment::default(),
            generated: None,
            scope: Scope::default(),
            clusters: Vec::new(),
            questions: Vec::new(),
            glossary: Vec::new(),
            tools: Vec::new(),
            literature: Vec::new(),
            citations: Vec::new(),
            kinds: Vec::new(),
            core_headings: Vec::new(),
            other_refs: Vec::new(),
            claims: Vec::new(),
            target: Target::None,
            as_of: None,
            meta_comment_at: None,
            entry: None,
            cluster_level: None,
            code_questions: Vec::new(),
        }
    }

    fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|s| *s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map_or(1, |s| s.chars().count() + 1);
        Pos::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
            u32::try_from(offset).unwrap_or(u32::MAX),
        )
    }

    fn loc(&self, offset: usize) -> Location {
        let p = self.pos(offset);
        Location::at(&self.path, p.line, p.col)
    }

    fn slice(&self, r: &Range<usize>) -> &'t str {
        self.text.get(r.clone()).unwrap_or_default()
    }

    fn trim(&self, r: Range<usize>) -> Range<usize> {
        let s = self.slice(&r);
        let lead = s.len() - s.trim_start().len();
        let trail = s.len() - s.trim_end().len();
        let start = r.start + lead;
        start..(r.end - trail).max(start)
    }

    fn sp(&self, r: Range<usize>) -> Sp<String> {
        let r = self.trim(r);
        Sp::new(self.slice(&r).to_owned(), self.pos(r.start))
    }

    fn unrecognised(&mut self, r: &Range<usize>, what: &str, place: &str) {
        let r = self.trim(r.clone());
        if r.is_empty() {
            return;
        }
        let first = self.pos(r.start).line;
        let last = self.pos(r.end.saturating_sub(1).max(r.start)).line;
        let lines = if first == last {
            format!("line {first}")
        } else {
            format!("lines {first}-{last}")
        };
        let snippet: String = self
            .slice(&r)
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(60)
            .collect();
        self.diags.push(
            Diagnostic::warning(
                Code::Unrecognised,
                format!("unrecognised {what} in {place} ({lines}): `{snippet}`"),
            )
            .at(self.loc(r.start))
            .help("the importer keeps only what it recognises; move this into a known section or field, or delete it"),
        );
    }

    /// Bold labels in `r` that `accept` recognises, each with its value up to the next one.
    fn labels(&self, r: Range<usize>, accept: &dyn Fn(&str) -> bool) -> Vec<Labelled> {
        let s = self.slice(&r);
        let mut found: Vec<(usize, usize, String, Option<String>)> = Vec::new();
        let mut i = 0;
        while let Some(j) = s[i..].find("**") {
            let open = i + j;
            let inner_start = open + 2;
            let Some(k) = s[inner_start..].find("**") else {
                break;
            };
            let inner_end = inner_start + k;
            let inner = &s[inner_start..inner_end];
            let mut after = inner_end + 2;
            let mut name = inner.trim().to_owned();
            let mut caption = None;
            let colon_inside = name.ends_with(':') || name.ends_with('：');
            let mut ok = colon_inside;
            if !ok {
                let rest = &s[after..];
                let trimmed = rest.trim_start_matches([' ', '\t']);
                let mut skip = rest.len() - trimmed.len();
                let mut t = trimmed;
                if t.starts_with('(')
                    && let Some(close) = t.find("):").or_else(|| t.find(")："))
                    && !t[..close].contains('\n')
                {
                    caption = Some(t[1..close].trim().to_owned());
                    skip += close + 1;
                    t = &t[close + 1..];
                }
                if t.starts_with(':') || t.starts_with('：') {
                    ok = true;
                    after += skip + t.chars().next().map_or(1, char::len_utf8);
                }
            }
            name = name.trim_end_matches([':', '：']).trim().to_owned();
            if ok && !inner.contains('\n') && inner.len() < 80 && accept(&name) {
                found.push((open, after, name, caption));
                i = after.min(s.len());
            } else {
                i = inner_end + 2;
            }
            if i >= s.len() {
                break;
            }
        }
        let mut out = Vec::new();
        for (n, (open, after, name, caption)) in found.iter().enumerate() {
            let end = found.get(n + 1).map_or(s.len(), |x| x.0);
            let mut v = r.start + after..r.start + end;
            // Drop the `|` that separates labels on one line.
            let vs = self.slice(&v);
            let cut = vs.trim_end().trim_end_matches('|').trim_end().len();
            v.end = v.start + cut;
            out.push(Labelled {
                name: name.clone(),
                caption: caption.clone(),
                start: r.start + open,
                value: self.trim(v),
            });
        }
        out
    }

    /// Builds the bank and the claims; `rubric_value` is what bank.yaml records.
    fn finish(
        mut self,
        rubric: Arc<Rubric>,
        rubric_value: Option<String>,
        sources: Sources,
    ) -> ((Bank, Vec<Claim>, Recognition), Vec<Diagnostic>) {
        let title = match &self.title {
            Some(r) => self.sp(r.clone()),
            None => {
                self.diags.push(
                    Diagnostic::warning(
                        Code::MissingTitle,
                        "the document has no `# title` heading",
                    )
                    .at(Location::at(&self.path, 1, 1))
                    .help("start the document with `# <bank title>`"),
                );
                Sp::new(
                    self.path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    Pos::UNKNOWN,
                )
            }
        };
        let title_pos = title.pos;
        // A slug from the qbank comment is reported where the comment is.
        let slug_pos = match (&self.meta_comment.slug, self.meta_comment_at) {
            (Some(_), Some(at)) => self.pos(at),
            _ => title_pos,
        };
        let slug = self.meta_comment.slug.clone().unwrap_or_else(|| {
            let k = kebab(&title.value);
            if k.is_empty() {
                "imported".to_owned()
            } else {
                k
            }
        });
        // The visible `**As of**:` line, else a "Generated" date; never the comment's.
        let visible_as_of = self.as_of.clone();
        if let Some(a) = &visible_as_of
            && Day::parse(a.value.trim()).is_err()
        {
            self.diags.push(
                Diagnostic::warning(Code::InvalidValue, format!("`{}` is not a date", a.value))
                    .at(Location::at(&self.path, a.pos.line, a.pos.col))
                    .help("write the as-of date as YYYY-MM-DD, e.g. `**As of**: 2026-11-01`"),
            );
        }
        let as_of_text = visible_as_of
            .as_ref()
            .map(|a| a.value.trim().to_owned())
            .or_else(|| self.generated.clone());
        if let (Some(hidden), Some(at)) = (self.meta_comment.as_of.clone(), self.meta_comment_at)
            && as_of_text.as_deref() != Some(hidden.as_str())
        {
            let pos = visible_as_of.as_ref().map_or(title_pos, |a| a.pos);
            let shown = as_of_text.clone().unwrap_or_default();
            self.disagrees("the bank's", "as_of", &shown, pos, &hidden, at);
        }
        let as_of = as_of_text
            .and_then(|s| Day::parse(&s).ok())
            .unwrap_or_else(|| Day(jiff::Zoned::now().date()));
        // Clusters: ids from comments, else from titles.
        let mut seen = HashSet::new();
        let clusters: Vec<ClusterDef> = self
            .clusters
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let t = self.sp(c.title.clone());
                let id = match &c.id {
                    Some(id) => {
                        seen.insert(id.clone());
                        id.clone()
                    }
                    None => unique(kebab(&t.value), &mut seen, &format!("cluster-{}", i + 1)),
                };
                let title = if t.value.is_empty() {
                    Sp::new("General".to_owned(), t.pos)
                } else {
                    t
                };
                ClusterDef {
                    id: Sp::new(id, title.pos),
                    title,
                }
            })
            .collect();
        let mut qseen: HashSet<String> = self
            .questions
            .iter()
            .filter_map(|q| q.comment.id.clone())
            .collect();
        let swallowed = self.swallowed();
        let recognition = self.recognition();
        let drafts = std::mem::take(&mut self.questions);
        let mut questions = Vec::with_capacity(drafts.len());
        let mut expected = 1u32;
        for d in drafts {
            // A question swallowed by a code block keeps its number.
            while swallowed.contains(&expected) && d.number != Some(expected) {
                expected += 1;
            }
            let number = expected;
            expected += 1;
            if let Some(n) = d.number
                && n != number
            {
                let expected = number;
                self.diags.push(
                    Diagnostic::warning(
                        Code::QuestionNumber,
                        format!("question Q{n} is number {expected} in document order"),
                    )
                    .at(self.loc(d.heading.start))
                    .help("qbank numbers questions in document order; the numbers are rewritten when the bank is rendered"),
                );
            }
            questions.push(self.build_question(d, &clusters, &rubric, &mut qseen));
        }
        let meta = BankMeta {
            title,
            slug: Sp::new(slug, slug_pos),
            as_of: Sp::new(as_of, title_pos),
            rubric: rubric_value.map(|r| Sp::new(r, title_pos)),
            scope: std::mem::take(&mut self.scope),
            clusters,
        };
        let bank = Bank {
            root: self.path.clone(),
            meta,
            meta_file: self.file,
            questions,
            glossary: std::mem::take(&mut self.glossary),
            tools: std::mem::take(&mut self.tools),
            literature: std::mem::take(&mut self.literature),
            citations: std::mem::take(&mut self.citations),
            other_refs: std::mem::take(&mut self.other_refs)
                .into_iter()
                .filter(|e| rubric.references.kind(&e.kind).is_some())
                .collect(),
            rubric,
            sources,
        };
        let mut diags = std::mem::take(&mut self.diags);
        diags.extend(crate::load::validate(&bank));
        let mut claims = std::mem::take(&mut self.claims);
        for c in &mut claims {
            c.gate = crate::gates::names::match_gate(&bank.rubric, &c.name);
        }
        ((bank, claims, recognition), diags)
    }
}

fn kind_name(k: &Kind) -> &'static str {
    match k {
        Kind::Heading(_) => "heading",
        Kind::Paragraph => "paragraph",
        Kind::List => "list",
        Kind::Table => "table",
        Kind::Code(_) => "code block",
        Kind::Html => "HTML",
        Kind::Rule => "rule",
        Kind::Quote => "block quote",
        Kind::Other => "block",
    }
}

#[cfg(test)]
mod detect_tests {
    use super::*;

    fn claims(names: &[&str]) -> Vec<Claim> {
        names
            .iter()
            .map(|n| Claim {
                gate: None,
                name: (*n).to_owned(),
                status_text: "PASS".to_owned(),
                claimed: None,
                evidence: String::new(),
                line: 1,
                measured: None,
                contradicted: false,
            })
            .collect()
    }

    #[test]
    fn the_rubric_naming_most_rows_wins_and_the_default_wins_a_tie() {
        let quality = claims(&[
            "Source Quality",
            "Minimums",
            "Phases",
            "Categories",
            "Roles",
        ]);
        assert_eq!(
            detect_rubric(&quality).map(|(n, _)| n),
            Some("quality-engineering")
        );
        let minimal = claims(&["Decision Criticality", "Quantity", "Reference Floors"]);
        assert_eq!(
            detect_rubric(&minimal).map(|(n, _)| n),
            Some("performance-minimal")
        );
        // The spec's own names: the built-in rubric matches as many, so no note.
        let spec = claims(&["Quantity", "Difficulty", "Clarity"]);
        assert_eq!(detect_rubric(&spec), None);
        assert_eq!(detect_rubric(&[]), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_ids_are_unique() {
        assert_eq!(
            kebab("What is p99 Latency, really? And why"),
            "what-is-p99-latency-really-and"
        );
        let mut seen = HashSet::new();
        assert_eq!(unique("a".into(), &mut seen, "q"), "a");
        assert_eq!(unique("a".into(), &mut seen, "q"), "a-2");
        assert_eq!(unique(String::new(), &mut seen, "q"), "q");
    }

    #[test]
    fn positions_are_lines_and_character_columns() {
        let text = "ab\nçd\n";
        let mut sources = Sources::default();
        let file = sources.add("doc.md".into(), text.into());
        let r = Reader::new(Path::new("doc.md"), text, file);
        let p = r.pos(text.find('d').unwrap());
        assert_eq!((p.line, p.col), (2, 2));
        assert_eq!(r.pos(text.len() + 10).line, 3);
    }

    #[test]
    fn the_recognition_lists_missed_lines_with_their_path() {
        let r = Recognition {
            questions: 2,
            missed: vec![Missed {
                line: 9,
                text: "### Q3: x".into(),
                in_code: true,
            }],
        };
        assert_eq!(
            r.human(Path::new("doc.md")),
            "2 questions recognised; 1 question-like line not:\n  doc.md:9: ### Q3: x (in a code block)"
        );
    }
}
