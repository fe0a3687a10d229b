//! Reads a markdown document in the spec's Output Format (qbank's own rendering or an
//! LLM's) into a [`Bank`] whose values point at `doc.md:line:col`, so the gates can run
//! on it directly; keeps the document's own Validation Results claims for auditing.
//!
//! The document is read as pulldown-cmark blocks with byte offsets ([`blocks`]); each
//! section is recognised by its heading and each field by its bold label, with the
//! variants LLMs write. Whatever is not recognised is reported (`unrecognised`), never
//! dropped silently. qbank's own rendering carries the fields the format has no place
//! for (ids, roles, methods, a source's unprinted container ...) in `<!-- qbank: {json}
//! -->` comments, which makes `import(render(bank))` lossless. Every value a gate
//! measures is read from the visible text; a comment never overrides it, and a comment
//! that disagrees with the visible text is a `metadata-disagrees` warning.

pub mod apa;
pub mod blocks;
pub mod claims;
pub mod write;

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use regex::Regex;
use serde::Deserialize;

pub use claims::Claim;

use crate::diagnostic::{Diagnostic, Location};
use crate::model::{
    Alternative, Bank, BankMeta, ClusterDef, Day, Diagram, DiagramKind, Difficulty, FileId,
    GlossaryEntry, Metric, PartialDate, Pos, Practical, Question, Risk, Rubric, Scope, Source,
    SourceType, Sources, Sp, Text, Tool, YearMonth,
};
use blocks::{Block, Kind};

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
    pub sources: Sources,
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
    let text = match crate::load::read_text(path) {
        Ok(t) => t,
        Err(d) => {
            return Imported {
                path: path.to_path_buf(),
                bank: None,
                diagnostics: vec![d],
                claims: Vec::new(),
                sources: Sources::default(),
            };
        }
    };
    import_str(path, &text, rubric)
}

/// Imports a document given as text (the path is used for diagnostics and as the root).
pub fn import_str(path: &Path, text: &str, rubric: Option<&Path>) -> Imported {
    let text: Arc<str> = if text.contains('\r') {
        Arc::from(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Arc::from(text)
    };
    let mut sources = Sources::default();
    let file = sources.add(path.to_path_buf(), text.clone());
    let mut r = Reader::new(path, &text, file);
    let mut diags = Vec::new();
    let rubric_arc = match rubric {
        Some(p) => match crate::load::load_rubric(p.to_str(), Path::new("")) {
            Ok(r) => Some(r),
            Err(d) => {
                diags.push(d);
                None
            }
        },
        None => None,
    };
    r.read();
    let rubric_spec = r.meta_comment.rubric.clone();
    let rubric_final = match rubric_arc {
        Some(r) => r,
        None => {
            let base = path.parent().unwrap_or(Path::new(""));
            match crate::load::load_rubric(rubric_spec.as_deref(), base) {
                Ok(r) => r,
                Err(d) => {
                    diags.push(d.at(Location::file(path)));
                    Arc::new(Rubric::default_rubric())
                }
            }
        }
    };
    let rubric_value = match rubric {
        Some(_) => Some("rubric.yaml".to_owned()),
        None => rubric_spec,
    };
    let (bank, mut more) = r.finish(rubric_final, rubric_value, sources.clone());
    diags.append(&mut more);
    crate::diagnostic::sort(&mut diags);
    Imported {
        path: path.to_path_buf(),
        claims: bank.1,
        bank: Some(bank.0),
        diagnostics: diags,
        sources,
    }
}

/// The JSON in a `<!-- qbank: ... -->` comment after the title.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct MetaComment {
    slug: Option<String>,
    as_of: Option<String>,
    rubric: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct QuestionComment {
    id: Option<String>,
    roles: Vec<String>,
    methods: Vec<String>,
    diagram: Option<DiagramKind>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct GlossaryComment {
    /// Written by older versions; the visible `Also:` list is what counts.
    aliases: Option<Vec<String>>,
    acronym: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ToolComment {
    integrations: Option<Vec<String>>,
}

/// Structured source fields, as the renderer writes them after each reference.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SourceComment {
    #[serde(rename = "type")]
    kind: Option<SourceType>,
    authors: Option<Vec<String>>,
    editors: Option<Vec<String>>,
    year: Option<i32>,
    date: Option<String>,
    // Structural fields: absent (not said), `null` (the source has none), or a value.
    #[serde(deserialize_with = "present")]
    title: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    container: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    volume: Option<Option<Text>>,
    #[serde(deserialize_with = "present")]
    issue: Option<Option<Text>>,
    #[serde(deserialize_with = "present")]
    pages: Option<Option<Text>>,
    #[serde(deserialize_with = "present")]
    publisher: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    edition: Option<Option<Text>>,
    translators: Vec<String>,
    doi: Option<String>,
    url: Option<String>,
}

/// A key that is present, even as `null`: `Some(None)`.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

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
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Label {
    Difficulty,
    Dim,
    Phase,
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
    heading: Range<usize>,
    title: Range<usize>,
    cluster: usize,
    comment: QuestionComment,
    difficulty: Option<Sp<Difficulty>>,
    dims: Vec<(Range<usize>, bool)>,
    phases: Vec<(Range<usize>, bool)>,
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
    claims: Vec<Claim>,
    target: Target,
    /// The visible `**As of**:` line of Context & Coverage.
    as_of: Option<Sp<String>>,
    /// Where the title's qbank comment is.
    meta_comment_at: Option<usize>,
    /// The text of the reference entry read last (a comment after it refers to it).
    entry: Option<Range<usize>>,
}

static RE_QUESTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\*\*)?(?:Q|Question\s*)(\d{1,4})(?:\*\*)?\s*[:.)：、]?(?:\*\*)?\s*")
        .expect("valid regex")
});
static RE_REF_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(\*\*)?\[?([GTLA])(\d{1,4})\]?\s*[.:)：]?\s*(\*\*)?\s*").expect("valid regex")
});
static RE_CLUSTER_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:cluster|topic|section|part|area)\s*\d+\s*[:.\-–—]\s*")
        .expect("valid regex")
});
static RE_Q_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*[\(（]\s*Q\d+(?:\s*[-–—]\s*Q?\d+)?\s*[\)）]\s*$").expect("valid regex")
});
static RE_LANG_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([A-Z]{2,3})\]").expect("valid regex"));
static RE_ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4}-\d{2}-\d{2})\b").expect("valid regex"));
static RE_YEAR_MONTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})-(\d{2})\b").expect("valid regex"));
static RE_QUARTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bQ([1-4])\s*(\d{4})\b").expect("valid regex"));

/// A kebab-case id from free text: the first six words, lower case.
pub fn kebab(s: &str) -> String {
    let words: Vec<String> = s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .map(|w| w.chars().flat_map(char::to_lowercase).collect())
        .collect();
    words.join("-")
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

fn classify(label: &str, rubric_dim: &str, rubric_phase: &str) -> Option<Label> {
    let l = label
        .trim()
        .trim_end_matches([':', '：'])
        .trim()
        .to_lowercase();
    let l = l.as_str();
    let plural = |base: &str| l == base || l == format!("{base}s") || l == format!("{base}es");
    Some(match l {
        "difficulty" | "level" | "难度" => Label::Difficulty,
        _ if plural(rubric_dim) || plural("dimension") => Label::Dim,
        _ if plural(rubric_phase) || plural("phase") => Label::Phase,
        "key insight" | "key insights" | "insight" | "关键洞察" => Label::KeyInsight,
        "answer" | "model answer" | "sample answer" | "答案" => Label::Field(Field::Answer),
        _ if l.starts_with("practical")
            || l.starts_with("supporting artifact")
            || l.starts_with("code example")
            || l == "code"
            || l == "example" =>
        {
            Label::Field(Field::Practical)
        }
        _ if l.starts_with("visual") || l.starts_with("diagram") || l.starts_with("mermaid") => {
            Label::Field(Field::Diagram)
        }
        _ if l.starts_with("metric") || l.ends_with("metrics") || l.contains("metrics table") => {
            Label::Field(Field::Metrics)
        }
        "trade-offs" | "tradeoffs" | "trade offs" | "trade-off" | "tradeoff" => {
            Label::Field(Field::Tradeoffs)
        }
        "alternatives" | "alternative approaches" | "alternative" => {
            Label::Field(Field::Alternatives)
        }
        _ if l.starts_with("risk") => Label::Field(Field::Risks),
        "validation" | "validation plan" | "success criteria" => Label::Field(Field::Validation),
        _ => return None,
    })
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
            claims: Vec::new(),
            target: Target::None,
            as_of: None,
            meta_comment_at: None,
            entry: None,
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
                "unrecognised",
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

    fn comment(&self, b: &Block) -> Option<&'t str> {
        let s = self.slice(&b.range).trim();
        let body = s.strip_prefix("<!--")?.strip_suffix("-->")?.trim();
        Some(body.strip_prefix("qbank:").unwrap_or("").trim())
    }

    fn read(&mut self) {
        let blocks = blocks::blocks(self.text);
        let mut section = Section::Preamble;
        for b in &blocks {
            if b.kind == Kind::Html {
                match self.comment(b) {
                    Some("") => {}
                    Some(json) => self.apply_comment(json, b),
                    None => self.unrecognised(&b.range, "HTML", "the document"),
                }
                continue;
            }
            if let Kind::Heading(level) = b.kind {
                let r = self.heading_text(b);
                let text = self.slice(&r);
                if level == 1 && self.title.is_none() {
                    self.title = Some(r);
                    self.target = Target::Meta;
                    continue;
                }
                if let Some(c) = RE_QUESTION.captures(text)
                    && matches!(section, Section::Qa | Section::Preamble | Section::Unknown)
                {
                    section = Section::Qa;
                    let num = c[1].parse().ok();
                    let end = c.get(0).map_or(0, |m| m.end());
                    let title = self.trim(r.start + end..r.end);
                    let title = self.strip_trailing_bold(title);
                    self.start_question(num, b.range.clone(), title);
                    continue;
                }
                if level <= 2 {
                    section = self.section_of(text, section);
                    if section == Section::Unknown && self.looks_like_cluster(text) {
                        section = Section::Qa;
                    }
                    match section {
                        Section::Qa if self.looks_like_cluster(text) => self.start_cluster(r),
                        Section::Unknown => self.unrecognised(&b.range, "section", "the document"),
                        _ => {}
                    }
                    if let Section::Refs(_) = section {
                        section = Section::Refs(self.ref_list_of(text));
                    }
                    self.target = Target::None;
                    continue;
                }
                // Sub-headings.
                self.target = Target::None;
                match section {
                    Section::Qa => self.start_cluster(r),
                    Section::Context | Section::Matrix => {
                        section = if text.to_lowercase().contains("matrix") {
                            Section::Matrix
                        } else {
                            Section::Context
                        };
                    }
                    Section::Refs(_) => section = Section::Refs(self.ref_list_of(text)),
                    Section::Validation | Section::Contents | Section::Metadata => {}
                    _ => {
                        let s2 = self.section_of(text, Section::Unknown);
                        if s2 == Section::Unknown {
                            self.unrecognised(&b.range, "heading", "the document");
                        } else {
                            section = s2;
                        }
                    }
                }
                continue;
            }
            if b.kind == Kind::Rule {
                if let Some(q) = self.questions.last_mut() {
                    q.field = Field::None;
                }
                continue;
            }
            match section {
                Section::Contents | Section::Matrix => {}
                Section::Preamble => self.unrecognised(&b.range, "text", "the preamble"),
                Section::Context => self.context_block(b),
                Section::Qa => self.question_block(b),
                Section::Refs(list) => self.refs_block(b, list),
                Section::Validation => self.validation_block(b),
                Section::Metadata => self.metadata_block(b),
                Section::Unknown => self.unrecognised(&b.range, "text", "an unknown section"),
            }
        }
    }

    fn heading_text(&self, b: &Block) -> Range<usize> {
        let s = self.slice(&b.range);
        let line_end = s.find('\n').unwrap_or(s.len());
        let line = &s[..line_end];
        let lead = line.len() - line.trim_start_matches([' ', '#']).len();
        let body = line.trim_end().trim_end_matches('#').trim_end();
        self.trim(b.range.start + lead..b.range.start + body.len().max(lead))
    }

    fn strip_trailing_bold(&self, r: Range<usize>) -> Range<usize> {
        let s = self.slice(&r);
        let mut start = r.start;
        let mut end = r.end;
        if s.ends_with("**") && !s[..s.len() - 2].contains("**") {
            end -= 2;
        }
        if s.starts_with("**") && s[2..].contains("**") && s.ends_with("**") {
            start += 2;
        }
        self.trim(start..end)
    }

    fn section_of(&self, heading: &str, current: Section) -> Section {
        let h = heading.to_lowercase();
        if h.contains("contents") || h.contains("目录") || h == "toc" {
            Section::Contents
        } else if h.contains("validation") || h.contains("quality gate") || h.contains("验证") {
            Section::Validation
        } else if h.contains("reference") || h.contains("参考") {
            Section::Refs(None)
        } else if h.contains("context") || h.contains("coverage") || h.contains("scope") {
            Section::Context
        } else if h.contains("q&a") || h.contains("questions") || h.contains("问答") {
            Section::Qa
        } else if h.contains("metadata") {
            Section::Metadata
        } else if h.contains("glossary")
            || h.contains("tools")
            || h.contains("literature")
            || h.contains("citations")
        {
            Section::Refs(None)
        } else if matches!(current, Section::Qa) && RE_CLUSTER_PREFIX.is_match(heading) {
            Section::Qa
        } else {
            Section::Unknown
        }
    }

    fn looks_like_cluster(&self, heading: &str) -> bool {
        RE_CLUSTER_PREFIX.is_match(heading)
            || (RE_Q_RANGE.is_match(heading) && !heading.to_lowercase().contains("q&a"))
    }

    fn ref_list_of(&self, heading: &str) -> Option<char> {
        let h = heading.to_lowercase();
        if h.contains("glossary") || h.contains("term") || h.contains("术语") {
            Some('G')
        } else if h.contains("tool") || h.contains("platform") || h.contains("工具") {
            Some('T')
        } else if h.contains("literature")
            || h.contains("case stud")
            || h.contains("book")
            || h.contains("文献")
        {
            Some('L')
        } else if h.contains("citation") || h.contains("apa") || h.contains("引用") {
            Some('A')
        } else {
            None
        }
    }

    fn start_cluster(&mut self, r: Range<usize>) {
        let text = self.slice(&r);
        let mut start = r.start;
        if let Some(m) = RE_CLUSTER_PREFIX.find(text) {
            start += m.end();
        }
        let mut end = r.end;
        if let Some(m) = RE_Q_RANGE.find(text) {
            end = r.start + m.start();
        }
        let title = self.trim(start..end.max(start));
        self.clusters.push(ClusterDraft { id: None, title });
        self.target = Target::Cluster;
    }

    fn start_question(&mut self, number: Option<u32>, heading: Range<usize>, title: Range<usize>) {
        if self.clusters.is_empty() {
            self.clusters.push(ClusterDraft {
                id: Some("general".to_owned()),
                title: heading.start..heading.start,
            });
        }
        self.questions.push(QDraft {
            number,
            heading,
            title,
            cluster: self.clusters.len() - 1,
            comment: QuestionComment::default(),
            difficulty: None,
            dims: Vec::new(),
            phases: Vec::new(),
            key_insight: None,
            answer: None,
            practical: Vec::new(),
            caption: None,
            diagram: None,
            metrics: Vec::new(),
            tradeoffs: None,
            alternatives: Vec::new(),
            risks: Vec::new(),
            validation: None,
            field: Field::None,
        });
        self.target = Target::Question;
    }

    fn apply_comment(&mut self, json: &str, b: &Block) {
        let bad = |this: &mut Self, e: serde_json::Error| {
            this.diags.push(
                Diagnostic::warning("bad-comment", format!("this qbank comment is not valid: {e}"))
                    .at(this.loc(b.range.start))
                    .help("qbank writes these comments when it renders; fix the JSON or delete the comment"),
            );
        };
        match self.target {
            Target::Meta => match serde_json::from_str::<MetaComment>(json) {
                Ok(m) => {
                    self.meta_comment = m;
                    self.meta_comment_at = Some(b.range.start);
                }
                Err(e) => bad(self, e),
            },
            Target::Cluster => {
                #[derive(Deserialize)]
                struct C {
                    cluster: String,
                }
                match serde_json::from_str::<C>(json) {
                    Ok(c) => {
                        if let Some(cl) = self.clusters.last_mut() {
                            cl.id = Some(c.cluster);
                        }
                    }
                    Err(e) => bad(self, e),
                }
            }
            Target::Question => match serde_json::from_str::<QuestionComment>(json) {
                Ok(c) => {
                    if let Some(q) = self.questions.last_mut() {
                        q.comment = c;
                    }
                }
                Err(e) => bad(self, e),
            },
            Target::Entry('G') => match serde_json::from_str::<GlossaryComment>(json) {
                Ok(c) => {
                    let at = b.range.start;
                    if let Some(g) = self.glossary.last().cloned() {
                        if let Some(aliases) = c.aliases
                            && aliases != g.aliases
                        {
                            self.disagrees(
                                &g.id.value,
                                "aliases",
                                &g.aliases.join(", "),
                                g.id.pos,
                                &aliases.join(", "),
                                at,
                            );
                        }
                        if let (Some(a), Some(last)) = (c.acronym, self.glossary.last_mut()) {
                            last.acronym = a;
                        }
                    }
                }
                Err(e) => bad(self, e),
            },
            Target::Entry('T') => match serde_json::from_str::<ToolComment>(json) {
                Ok(c) => {
                    if let (Some(t), Some(i)) = (self.tools.last().cloned(), c.integrations)
                        && i != t.integrations
                    {
                        self.disagrees(
                            &t.id.value,
                            "integrations",
                            &t.integrations.join(", "),
                            t.id.pos,
                            &i.join(", "),
                            b.range.start,
                        );
                    }
                }
                Err(e) => bad(self, e),
            },
            Target::Entry(k @ ('L' | 'A')) => match serde_json::from_str::<SourceComment>(json) {
                Ok(c) => {
                    let list = if k == 'L' {
                        &self.literature
                    } else {
                        &self.citations
                    };
                    if let Some(mut s) = list.last().cloned() {
                        self.apply_source_comment(&mut s, c, b.range.start);
                        let list = if k == 'L' {
                            &mut self.literature
                        } else {
                            &mut self.citations
                        };
                        if let Some(last) = list.last_mut() {
                            *last = s;
                        }
                    }
                }
                Err(e) => bad(self, e),
            },
            _ => self.unrecognised(&b.range, "qbank comment", "this place"),
        }
    }

    /// A `metadata-disagrees` warning: the visible value (at `visible`) is measured, the
    /// comment's (at byte `comment_at`) is not; the message names both lines.
    fn disagrees(
        &mut self,
        id: &str,
        field: &str,
        shown: &str,
        visible: Pos,
        hidden: &str,
        comment_at: usize,
    ) {
        let here = Location::at(&self.path, visible.line, visible.col);
        let there = self.loc(comment_at);
        let shown = if shown.is_empty() { "nothing" } else { shown };
        let hidden = if hidden.is_empty() { "nothing" } else { hidden };
        self.diags.push(
            Diagnostic::warning(
                "metadata-disagrees",
                format!(
                    "{id} {field}: the visible text at {} says `{shown}`, the qbank comment at {} says `{hidden}`; the visible value is measured",
                    here.display(),
                    there.display()
                ),
            )
            .at(here)
            .note("the qbank comment", Some(there))
            .help("edit the visible text to the value you mean and delete the comment, or render the bank again"),
        );
    }

    /// Applies a source's comment: measured values are only compared with the visible
    /// ones; a structural field is taken from the comment where the visible entry shows
    /// none or shows the comment's value (split the way the text cannot be).
    fn apply_source_comment(&mut self, s: &mut Source, c: SourceComment, at: usize) {
        let id = s.id.value.clone();
        let pos = s.id.pos;
        let entry = self
            .entry
            .clone()
            .map(|r| self.slice(&r).replace('–', "-"))
            .unwrap_or_default();
        let opt = |v: Option<String>| v.unwrap_or_default();
        // Measured: the visible value wins.
        if let Some(k) = c.kind
            && k != s.kind.value
        {
            self.disagrees(&id, "type", s.kind.value.as_str(), pos, k.as_str(), at);
        }
        if let Some(y) = c.year
            && Some(y) != s.year.as_ref().map(|y| y.value)
        {
            let shown = opt(s.year.as_ref().map(|y| y.value.to_string()));
            self.disagrees(&id, "year", &shown, pos, &y.to_string(), at);
        }
        if let Some(d) = c.date
            && Some(d.as_str()) != s.date.as_ref().map(|d| d.value.to_string()).as_deref()
        {
            let shown = opt(s.date.as_ref().map(|d| d.value.to_string()));
            self.disagrees(&id, "date", &shown, pos, &d, at);
        }
        if let Some(d) = c.doi
            && Some(d.as_str()) != s.doi.as_ref().map(|d| d.value.as_str())
        {
            let shown = opt(s.doi.as_ref().map(|d| d.value.clone()));
            self.disagrees(&id, "DOI", &shown, pos, &d, at);
        }
        if let Some(u) = c.url
            && Some(u.as_str()) != s.url.as_ref().map(|u| u.value.as_str())
        {
            let shown = opt(s.url.as_ref().map(|u| u.value.clone()));
            self.disagrees(&id, "URL", &shown, pos, &u, at);
        }
        // Structural: the comment's value where the text shows none or shows it too.
        let take = |this: &mut Self,
                    field: &str,
                    shown: Option<String>,
                    hidden: Option<String>,
                    parts: Vec<String>|
         -> bool {
            let Some(hidden) = hidden else { return false };
            match shown {
                None => true,
                Some(v) if v == hidden => true,
                Some(v) => {
                    if parts.iter().all(|p| entry.contains(p.as_str())) {
                        true
                    } else {
                        this.disagrees(&id, field, &v, pos, &hidden, at);
                        false
                    }
                }
            }
        };
        let text = |t: &Option<Text>| t.as_ref().map(|t| t.0.clone());
        if let Some(a) = c.authors {
            let shown = (!s.authors.is_empty()).then(|| s.authors.join("; "));
            let parts = a
                .iter()
                .map(|x| x.split(',').next().unwrap_or(x).trim().to_owned())
                .collect();
            if take(self, "authors", shown, Some(a.join("; ")), parts) {
                s.authors = a;
            }
        }
        if let Some(e) = c.editors {
            let shown = (!s.editors.is_empty()).then(|| s.editors.join("; "));
            let parts = e
                .iter()
                .map(|x| x.split(',').next().unwrap_or(x).trim().to_owned())
                .collect();
            if take(self, "editors", shown, Some(e.join("; ")), parts) {
                s.editors = e;
            }
        }
        // `null`: the source has no such field, whatever the text seemed to hold there.
        match c.title {
            Some(None) => s.title = None,
            Some(Some(t)) => {
                let shown = s.title.as_ref().map(|t| t.value.clone());
                if take(self, "title", shown, Some(t.clone()), vec![t.clone()]) {
                    let p = s.title.as_ref().map_or(pos, |x| x.pos);
                    s.title = Some(Sp::new(t, p));
                }
            }
            None => {}
        }
        for (field, hidden) in [("container", c.container), ("publisher", c.publisher)] {
            let slot = if field == "container" {
                &mut s.container
            } else {
                &mut s.publisher
            };
            match hidden {
                Some(None) => *slot = None,
                Some(Some(v))
                    if take(self, field, slot.clone(), Some(v.clone()), vec![v.clone()]) =>
                {
                    *slot = Some(v);
                }
                _ => {}
            }
        }
        for (field, hidden) in [
            ("volume", c.volume),
            ("issue", c.issue),
            ("pages", c.pages),
            ("edition", c.edition),
        ] {
            let slot = match field {
                "volume" => &mut s.volume,
                "issue" => &mut s.issue,
                "pages" => &mut s.pages,
                _ => &mut s.edition,
            };
            match hidden {
                Some(None) => *slot = None,
                Some(Some(h)) => {
                    let shown = text(slot);
                    if take(self, field, shown, Some(h.0.clone()), vec![h.0.clone()]) {
                        *slot = Some(h);
                    }
                }
                None => {}
            }
        }
        if !c.translators.is_empty() {
            let shown = (!s.translators.is_empty()).then(|| s.translators.join("; "));
            if take(
                self,
                "translators",
                shown,
                Some(c.translators.join("; ")),
                c.translators.clone(),
            ) {
                s.translators = c.translators;
            }
        }
    }

    fn context_block(&mut self, b: &Block) {
        if b.kind != Kind::Paragraph {
            self.unrecognised(&b.range, "block", "Context & Coverage");
            return;
        }
        let accept = |n: &str| {
            matches!(
                n.to_lowercase().as_str(),
                "domain"
                    | "domains"
                    | "audience"
                    | "constraints"
                    | "assumptions"
                    | "in scope"
                    | "out of scope"
                    | "scope"
                    | "as of"
                    | "as-of"
            )
        };
        let labels = self.labels(b.range.clone(), &accept);
        if labels.is_empty()
            || self.trim(b.range.start..labels[0].start) != (labels[0].start..labels[0].start)
        {
            self.unrecognised(&b.range, "text", "Context & Coverage");
            if labels.is_empty() {
                return;
            }
        }
        for l in labels {
            let v = self.slice(&l.value).to_owned();
            let list = || {
                v.split([',', '，', '、'])
                    .map(|x| x.trim().to_owned())
                    .filter(|x| !x.is_empty())
                    .collect::<Vec<_>>()
            };
            match l.name.to_lowercase().as_str() {
                "domain" | "domains" => self.scope.domain = list(),
                "audience" => self.scope.audience = list(),
                "constraints" => self.scope.constraints = Some(v),
                "assumptions" => self.scope.assumptions = Some(v),
                "in scope" | "scope" => self.scope.in_scope = Some(v),
                "as of" | "as-of" => self.as_of = Some(self.sp(l.value.clone())),
                _ => self.scope.out_of_scope = Some(v),
            }
        }
    }

    fn metadata_block(&mut self, b: &Block) {
        let s = self.slice(&b.range);
        if s.to_lowercase().contains("generated")
            && let Some(c) = RE_ISO_DATE.captures(s)
        {
            self.generated = Some(c[1].to_owned());
        } else {
            self.unrecognised(&b.range, kind_name(&b.kind), "the metadata");
        }
    }

    fn question_block(&mut self, b: &Block) {
        if self.questions.is_empty() {
            // Text under a cluster heading, before its first question.
            if b.kind == Kind::Paragraph || b.kind == Kind::Table {
                self.unrecognised(&b.range, "text", "the Q&A section");
            }
            return;
        }
        if b.kind == Kind::Paragraph {
            let s = self.slice(&b.range);
            if s.trim_start().starts_with("**") {
                let accept = |n: &str| {
                    classify(n, "dimension", "phase").is_some() || n.eq_ignore_ascii_case("type")
                };
                let labels = self.labels(b.range.clone(), &accept);
                if let Some(first) = labels.first()
                    && self.trim(b.range.start..first.start).is_empty()
                {
                    self.question_labels(labels);
                    return;
                }
            }
        }
        self.question_content(b);
    }

    fn question_labels(&mut self, labels: Vec<Labelled>) {
        for l in labels {
            let kind = classify(&l.name, "dimension", "phase")
                .or_else(|| l.name.eq_ignore_ascii_case("type").then_some(Label::Phase));
            let value = l.value.clone();
            let Some(q) = self.questions.last_mut() else {
                return;
            };
            match kind {
                Some(Label::Difficulty) => {
                    let v = self
                        .text
                        .get(value.clone())
                        .unwrap_or_default()
                        .to_lowercase();
                    let d = if v.contains("found")
                        || v.contains("basic")
                        || v.contains("beginner")
                        || v.contains("基础")
                    {
                        Some(Difficulty::Foundational)
                    } else if v.contains("inter") || v.contains("medium") || v.contains("中级") {
                        Some(Difficulty::Intermediate)
                    } else if v.contains("adv")
                        || v.contains("expert")
                        || v.contains("hard")
                        || v.contains("高级")
                    {
                        Some(Difficulty::Advanced)
                    } else {
                        None
                    };
                    match d {
                        Some(d) => {
                            let p = self.pos(value.start);
                            if let Some(q) = self.questions.last_mut() {
                                q.difficulty = Some(Sp::new(d, p));
                            }
                        }
                        None => {
                            self.diags.push(
                                Diagnostic::error(
                                    "bad-value",
                                    format!("unknown difficulty `{}`", self.slice(&value)),
                                )
                                .at(self.loc(value.start))
                                .help("write Foundational, Intermediate or Advanced"),
                            );
                        }
                    }
                }
                Some(Label::Dim) => q.dims.extend(
                    split_values(self.text, value)
                        .into_iter()
                        .map(|r| (r, true)),
                ),
                Some(Label::Phase) => q.phases.extend(
                    split_values(self.text, value)
                        .into_iter()
                        .map(|r| (r, true)),
                ),
                Some(Label::KeyInsight) => q.key_insight = Some(value),
                Some(Label::Field(f)) => {
                    q.field = f;
                    match f {
                        Field::Answer => q.answer = (!value.is_empty()).then_some(value),
                        Field::Practical => q.caption = l.caption.clone(),
                        Field::Tradeoffs => q.tradeoffs = (!value.is_empty()).then_some(value),
                        Field::Validation => q.validation = (!value.is_empty()).then_some(value),
                        Field::Alternatives if !value.is_empty() => {
                            for part in
                                self.text[value.clone()]
                                    .split("; ")
                                    .scan(value.start, |at, p| {
                                        let r = *at..*at + p.len();
                                        *at += p.len() + 2;
                                        Some(r)
                                    })
                            {
                                let a = alternative(self, part);
                                if let Some(q) = self.questions.last_mut() {
                                    q.alternatives.push(a);
                                }
                            }
                        }
                        Field::Risks if !value.is_empty() => {
                            let r = risk(self, value);
                            if let Some(q) = self.questions.last_mut() {
                                q.risks.push(r);
                            }
                        }
                        _ => {}
                    }
                }
                None => {}
            }
        }
    }

    fn extend(r: &mut Option<Range<usize>>, b: &Range<usize>) {
        match r {
            Some(x) => x.end = b.end,
            None => *r = Some(b.clone()),
        }
    }

    fn question_content(&mut self, b: &Block) {
        let field = self.questions.last().map_or(Field::None, |q| q.field);
        if let Kind::Code(lang) = &b.kind {
            let lang = lang.clone();
            if field == Field::Answer && lang != "mermaid" {
                if let Some(q) = self.questions.last_mut() {
                    Self::extend(&mut q.answer, &b.range);
                }
                return;
            }
            if lang == "mermaid" && self.questions.last().is_some_and(|q| q.diagram.is_none()) {
                let p = self.pos(b.inner.start);
                if let Some(q) = self.questions.last_mut() {
                    q.diagram = Some((b.inner.clone(), p));
                    q.field = Field::Diagram;
                }
                return;
            }
            if matches!(
                field,
                Field::Practical
                    | Field::Diagram
                    | Field::None
                    | Field::Validation
                    | Field::Tradeoffs
                    | Field::Metrics
            ) {
                let code = self
                    .text
                    .get(b.inner.clone())
                    .unwrap_or_default()
                    .trim_end()
                    .to_owned();
                let pos = self.pos(b.inner.start);
                let lang_pos = self.pos(b.range.start);
                if let Some(q) = self.questions.last_mut() {
                    q.practical.push(Practical {
                        lang: Sp::new(
                            if lang.is_empty() {
                                "text".to_owned()
                            } else {
                                lang
                            },
                            lang_pos,
                        ),
                        caption: q.caption.clone(),
                        code: Sp::new(code, pos),
                    });
                    q.field = Field::Practical;
                }
                return;
            }
        }
        match field {
            Field::Answer => {
                if let Some(q) = self.questions.last_mut() {
                    Self::extend(&mut q.answer, &b.range);
                }
            }
            Field::Tradeoffs => {
                if let Some(q) = self.questions.last_mut() {
                    Self::extend(&mut q.tradeoffs, &b.range);
                }
            }
            Field::Validation => {
                if let Some(q) = self.questions.last_mut() {
                    Self::extend(&mut q.validation, &b.range);
                }
            }
            Field::Metrics if b.kind == Kind::Table => self.metrics_table(b),
            Field::Alternatives if matches!(b.kind, Kind::List | Kind::Paragraph) => {
                for r in self.entries(b) {
                    let a = alternative(self, r);
                    if let Some(q) = self.questions.last_mut() {
                        q.alternatives.push(a);
                    }
                }
            }
            Field::Risks if matches!(b.kind, Kind::List | Kind::Paragraph) => {
                for r in self.entries(b) {
                    let x = risk(self, r);
                    if let Some(q) = self.questions.last_mut() {
                        q.risks.push(x);
                    }
                }
            }
            Field::Risks if b.kind == Kind::Table => {
                for row in b.rows.iter().skip(1) {
                    let cells: Vec<Range<usize>> =
                        row.iter().map(|c| self.trim(c.clone())).collect();
                    if let Some(first) = cells.first() {
                        let risk = self.sp(first.clone());
                        let mitigation = cells
                            .get(1)
                            .map(|c| self.sp(c.clone()))
                            .filter(|m| !m.value.is_empty());
                        if let Some(q) = self.questions.last_mut() {
                            q.risks.push(Risk { risk, mitigation });
                        }
                    }
                }
            }
            _ => self.unrecognised(&b.range, kind_name(&b.kind), "this question"),
        }
    }

    /// The entries of a block: each list item, or the paragraph as one entry.
    fn entries(&self, b: &Block) -> Vec<Range<usize>> {
        if b.kind == Kind::List {
            b.items.iter().map(|i| self.list_item(i)).collect()
        } else {
            vec![b.range.clone()]
        }
    }

    fn list_item(&self, item: &Range<usize>) -> Range<usize> {
        let s = self.slice(item);
        let t = s.trim_start();
        let lead = s.len() - t.len();
        let marker = if t.starts_with(['-', '*', '+']) {
            1
        } else {
            t.find(['.', ')'])
                .filter(|i| t[..*i].chars().all(|c| c.is_ascii_digit()) && *i > 0)
                .map_or(0, |i| i + 1)
        };
        self.trim(item.start + lead + marker..item.end)
    }

    fn metrics_table(&mut self, b: &Block) {
        let Some(head) = b.rows.first() else { return };
        let names: Vec<String> = head.iter().map(|c| self.slice(c).to_lowercase()).collect();
        let col = |pred: &dyn Fn(&str) -> bool| names.iter().position(|n| pred(n));
        let metric = col(&|n| n.contains("metric") || n.contains("指标")).unwrap_or(0);
        let formula = col(&|n| n.contains("formula") || n.contains("公式"));
        let baseline =
            col(&|n| n.contains("baseline") || n.contains("before") || n.contains("current"));
        let optimized =
            col(&|n| n.contains("optimi") || n.contains("after") || n.contains("target"));
        let improvement = col(&|n| {
            n.contains("improv")
                || n.contains("delta")
                || n.contains("change")
                || n.contains("gain")
        });
        let rationale = col(&|n| {
            n.contains("rationale")
                || n.contains("ref")
                || n.contains("note")
                || n.contains("source")
        });
        for row in b.rows.iter().skip(1) {
            let get = |i: Option<usize>| -> Sp<String> {
                match i.and_then(|i| row.get(i)) {
                    Some(c) => {
                        let r = self.trim(c.clone());
                        Sp::new(unescape_cell(self.slice(&r)), self.pos(r.start))
                    }
                    None => Sp::bare(String::new()),
                }
            };
            let m = Metric {
                metric: get(Some(metric)),
                formula: get(formula),
                baseline: get(baseline),
                optimized: get(optimized),
                improvement: get(improvement),
                rationale: get(rationale),
            };
            if let Some(q) = self.questions.last_mut() {
                q.metrics.push(m);
            }
        }
    }

    fn refs_block(&mut self, b: &Block, list: Option<char>) {
        match b.kind {
            Kind::Paragraph => self.ref_entry(b.range.clone(), list, b),
            Kind::List => {
                for item in &b.items {
                    let r = self.list_item(item);
                    self.ref_entry(r, list, b);
                }
            }
            Kind::Table => {
                for row in b.rows.iter().skip(1) {
                    self.ref_row(row);
                }
            }
            _ => self.unrecognised(&b.range, kind_name(&b.kind), "the references"),
        }
    }

    /// A reference written as a table row: `| G1 | term | definition ... |`.
    fn ref_row(&mut self, row: &[Range<usize>]) {
        let cells: Vec<Range<usize>> = row.iter().map(|c| self.trim(c.clone())).collect();
        let (Some(first), Some(last)) = (cells.first(), cells.last()) else {
            return;
        };
        let whole = first.start..last.end;
        let id_text = strip_bold(self.slice(first)).trim_matches(['[', ']', '.']);
        let kind = id_text.chars().next().unwrap_or(' ');
        let digits = &id_text[kind.len_utf8().min(id_text.len())..];
        if !matches!(kind, 'G' | 'T' | 'L' | 'A')
            || digits.is_empty()
            || !digits.chars().all(|c| c.is_ascii_digit())
            || cells.len() < 2
        {
            self.unrecognised(&whole, "table row", "the references (no G#/T#/L#/A# id)");
            return;
        }
        let id = Sp::new(format!("{kind}{digits}"), self.pos(first.start));
        self.entry = Some(whole.clone());
        let rest: Vec<String> = cells[2..]
            .iter()
            .map(|c| unescape_cell(self.slice(c)))
            .filter(|c| !c.is_empty())
            .collect();
        self.target = Target::Entry(kind);
        match kind {
            'G' | 'T' => {
                let name = Sp::new(
                    unescape_cell(strip_bold(self.slice(&cells[1]))),
                    self.pos(cells[1].start),
                );
                let text = rest.join(" ");
                let lang = RE_LANG_TAG
                    .captures(&text)
                    .map(|c| Sp::new(c[1].to_owned(), name.pos));
                let text = RE_LANG_TAG.replace_all(&text, "").trim().to_owned();
                let text = (!text.is_empty()).then_some(text);
                if kind == 'G' {
                    self.glossary.push(GlossaryEntry {
                        id,
                        term: name,
                        aliases: Vec::new(),
                        acronym: false,
                        definition: text,
                        formula: None,
                        targets: None,
                        distinctions: None,
                        when_to_use: None,
                        lang,
                        file: self.file,
                    });
                } else {
                    self.tools.push(Tool {
                        id,
                        name,
                        category: None,
                        purpose: text,
                        pricing: None,
                        last_update: None,
                        integrations: Vec::new(),
                        use_cases: None,
                        limitations: None,
                        url: None,
                        archived: None,
                        file: self.file,
                    });
                }
            }
            _ => {
                let mut text = unescape_cell(self.slice(&cells[1]));
                for r in &rest {
                    text.push(' ');
                    text.push_str(r);
                }
                let p = apa::parse(&text);
                let pos = self.pos(cells[1].start);
                let src = source_from(id, p, pos, self.file);
                if kind == 'L' {
                    self.literature.push(src);
                } else {
                    self.citations.push(src);
                }
            }
        }
    }

    fn ref_entry(&mut self, r: Range<usize>, list: Option<char>, _b: &Block) {
        let r = self.trim(r);
        let s = self.slice(&r);
        let Some(c) = RE_REF_ID.captures(s) else {
            self.unrecognised(&r, "text", "the references (no G#/T#/L#/A# id)");
            return;
        };
        let kind = c[2].chars().next().unwrap_or('G');
        let _ = list;
        let id_start = r.start + c.get(2).map_or(0, |m| m.start());
        let id_end = r.start + c.get(3).map_or(0, |m| m.end());
        let id = Sp::new(format!("{kind}{}", &c[3]), self.pos(id_start));
        let _ = id_end;
        let bold_open = c.get(1).is_some();
        let bold_closed_here = c.get(4).is_some();
        let body_start = r.start + c.get(0).map_or(0, |m| m.end());
        let body = body_start..r.end;
        self.entry = Some(r.clone());
        self.target = Target::Entry(kind);
        match kind {
            'G' => self.glossary_entry(id, body, bold_open && !bold_closed_here),
            'T' => self.tool_entry(id, body, bold_open && !bold_closed_here),
            _ => {
                // The reference text, possibly wrapped whole in bold.
                let mut text = self.slice(&body).to_owned();
                if bold_open && !bold_closed_here {
                    text = text.replacen("**", "", 1);
                }
                let p = apa::parse(&text);
                let title_pos = p
                    .title
                    .as_ref()
                    .and_then(|t| self.slice(&body).find(t.as_str()))
                    .map_or(id.pos, |i| self.pos(body.start + i));
                let src = source_from(id, p, title_pos, self.file);
                if kind == 'L' {
                    self.literature.push(src);
                } else {
                    self.citations.push(src);
                }
            }
        }
    }

    /// Splits `**term**` (or `term`) and an optional `(category)` / `[EN]` off the body.
    fn head_and_rest(&self, body: Range<usize>, bold: bool) -> (Range<usize>, Range<usize>) {
        let s = self.slice(&body);
        if bold && let Some(e) = s.find("**") {
            return (
                self.trim(body.start..body.start + e),
                body.start + e + 2..body.end,
            );
        }
        let e = s.find([':', '：', '\n']).unwrap_or(s.len());
        (
            self.trim(body.start..body.start + e),
            body.start + e..body.end,
        )
    }

    fn glossary_entry(&mut self, id: Sp<String>, body: Range<usize>, bold: bool) {
        let (term_r, rest_r) = self.head_and_rest(body, bold);
        let term = self.sp(term_r);
        let mut rest = self.slice(&rest_r).replace("  \n", " ").replace('\n', " ");
        let mut lang = None;
        static RE_LANG: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"\[([A-Z]{2,3})\]").expect("valid regex"));
        if let Some(c) = RE_LANG.captures_iter(&rest.clone()).last() {
            let at = rest_r.start + self.slice(&rest_r).find(&c[0]).unwrap_or(0) + 1;
            lang = Some(Sp::new(c[1].to_owned(), self.pos(at)));
            rest = rest.replacen(&c[0], "", 1);
        }
        let rest = rest
            .trim()
            .trim_start_matches([':', '：'])
            .trim()
            .to_owned();
        let fields = split_labelled(
            &rest,
            &[
                "Also",
                "Definition",
                "Formula",
                "Targets",
                "Distinctions",
                "When to use",
            ],
        );
        let mut g = GlossaryEntry {
            id,
            term,
            aliases: Vec::new(),
            acronym: false,
            definition: None,
            formula: None,
            targets: None,
            distinctions: None,
            when_to_use: None,
            lang,
            file: self.file,
        };
        let mut also = None;
        if fields.iter().all(|(l, _)| l.is_empty()) {
            g.definition = (!rest.is_empty()).then_some(rest);
        } else {
            for (label, v) in fields {
                if label == "Also" {
                    also = Some(split_list(&v));
                    continue;
                }
                let v = Some(v);
                match label {
                    "Definition" | "" => g.definition = v,
                    "Formula" => g.formula = v,
                    "Targets" => g.targets = v,
                    "Distinctions" => g.distinctions = v,
                    _ => g.when_to_use = v,
                }
            }
        }
        // `Also: a, b`: the aliases as written; else `Term (ACR)`: the parenthesis is an
        // alias that defines the acronym.
        if let Some(a) = also {
            g.aliases = a;
        } else if let Some(open) = g.term.value.rfind('(')
            && g.term.value.ends_with(')')
        {
            let inner = g.term.value[open + 1..g.term.value.len() - 1]
                .trim()
                .to_owned();
            if !inner.is_empty() && inner.chars().any(char::is_uppercase) {
                g.aliases.push(inner);
            }
        }
        g.acronym = looks_like_acronym(&g.term.value);
        self.glossary.push(g);
    }

    fn tool_entry(&mut self, id: Sp<String>, body: Range<usize>, bold: bool) {
        let (name_r, rest_r) = self.head_and_rest(body, bold);
        let name = self.sp(name_r);
        let mut rest = self.slice(&rest_r).replace("  \n", " ").replace('\n', " ");
        let mut category = None;
        let t = rest.trim_start();
        if t.starts_with('(')
            && let Some(close) = t.find(')')
        {
            category = Some(t[1..close].trim().to_owned());
            rest = t[close + 1..].to_owned();
        }
        let mut url = None;
        let mut archived = None;
        let base = rest_r.start;
        let pos_of = |this: &Self, needle: &str| {
            this.slice(&rest_r)
                .find(needle)
                .map_or(Pos::UNKNOWN, |i| this.pos(base + i))
        };
        static RE_ARCH: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i)Archived:\s*<?(https?://[^\s>]+)>?").expect("valid regex")
        });
        // `URL: <...>` takes whatever is written (a malformed URL is measured as such);
        // without the label, the first http(s) link.
        static RE_URL_LABEL: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i)URL:\s*<([^\s>]+)>|(?:URL:\s*)?<?(https?://[^\s>]+)>?")
                .expect("valid regex")
        });
        if let Some(c) = RE_ARCH.captures(&rest.clone()) {
            archived = Some(Sp::new(c[1].to_owned(), pos_of(self, &c[1])));
            rest = rest.replacen(&c[0], "", 1);
        }
        if let Some(c) = RE_URL_LABEL.captures(&rest.clone())
            && let Some(u) = c.get(1).or_else(|| c.get(2))
        {
            let u = u.as_str();
            url = Some(Sp::new(
                u.trim_end_matches(['.', ',']).to_owned(),
                pos_of(self, u),
            ));
            rest = rest.replacen(&c[0], "", 1);
        }
        static RE_LANG: LazyLock<Regex> =
            LazyLock::new(|| Regex::new(r"\s*\[[A-Z]{2,3}\]").expect("valid regex"));
        let rest = RE_LANG
            .replace_all(&rest, "")
            .trim()
            .trim_start_matches([':', '：'])
            .trim()
            .to_owned();
        let labels = [
            "Purpose",
            "Pricing",
            "Last update",
            "Integrations",
            "Use cases",
            "Limitations",
        ];
        let fields = split_labelled(&rest, &labels);
        let mut tool = Tool {
            id,
            name,
            category,
            purpose: None,
            pricing: None,
            last_update: None,
            integrations: Vec::new(),
            use_cases: None,
            limitations: None,
            url,
            archived,
            file: self.file,
        };
        let mut update_text = None;
        for (label, v) in fields {
            match label {
                "Purpose" | "" => tool.purpose = Some(v),
                "Pricing" => tool.pricing = Some(v),
                "Last update" => update_text = Some(v),
                "Integrations" => tool.integrations = split_list(&v),
                "Use cases" => tool.use_cases = Some(v),
                _ => tool.limitations = Some(v),
            }
        }
        let scan = update_text.clone().unwrap_or_else(|| rest.clone());
        let ym = RE_YEAR_MONTH
            .captures(&scan)
            .map(|c| format!("{}-{}", &c[1], &c[2]))
            .or_else(|| {
                RE_QUARTER.captures(&scan).and_then(|c| {
                    let q: u32 = c[1].parse().ok()?;
                    Some(format!("{}-{:02}", &c[2], q * 3))
                })
            });
        if let Some(ym) = ym
            && let Ok(v) = YearMonth::parse(&ym)
        {
            let p = update_text
                .as_ref()
                .map_or(tool.id.pos, |u| pos_of(self, u));
            tool.last_update = Some(Sp::new(v, p));
        }
        self.tools.push(tool);
    }

    fn validation_block(&mut self, b: &Block) {
        match b.kind {
            Kind::Table => {
                let Some(head) = b.rows.first() else { return };
                let names: Vec<String> =
                    head.iter().map(|c| self.slice(c).to_lowercase()).collect();
                let find = |pred: &dyn Fn(&str) -> bool| names.iter().position(|n| pred(n));
                let Some(status) = find(&|n| n.contains("status"))
                    .or_else(|| find(&|n| n.contains("result") && !n.contains("evidence")))
                else {
                    self.unrecognised(&b.range, "table", "Validation Results (no Status column)");
                    return;
                };
                // The row number (`#`) is never used: a document numbers its own gates.
                let name = find(&|n| {
                    (n.contains("gate") || n.contains("check") || n.contains("criterion"))
                        && n.trim() != "gate #"
                })
                .unwrap_or(0);
                let evidence = find(&|n| {
                    n.contains("evidence")
                        || n.contains("result")
                        || n.contains("measured")
                        || n.contains("detail")
                })
                .filter(|i| *i != status);
                for row in b.rows.iter().skip(1) {
                    let cell = |i: Option<usize>| -> String {
                        i.and_then(|i| row.get(i)).map_or_else(String::new, |c| {
                            unescape_cell(self.slice(&self.trim(c.clone())))
                        })
                    };
                    let line = row.first().map_or(0, |c| self.pos(c.start).line);
                    let status_text = cell(Some(status));
                    let name = strip_bold(&cell(Some(name))).to_owned();
                    self.claims.push(Claim {
                        // Matched by name once the rubric is known (`finish`).
                        gate: None,
                        name,
                        claimed: claims::parse_status(&status_text),
                        status_text,
                        evidence: cell(evidence),
                        line,
                        measured: None,
                        contradicted: false,
                    });
                }
            }
            Kind::Paragraph => {
                let s = self.slice(&b.range).trim_start().to_lowercase();
                let known = [
                    "**summary",
                    "**status",
                    "**quality",
                    "**coverage",
                    "**validation",
                    "**strengths",
                    "**weaknesses",
                ];
                if !known.iter().any(|k| s.starts_with(k)) {
                    self.unrecognised(&b.range, "text", "Validation Results");
                }
            }
            _ => self.unrecognised(&b.range, kind_name(&b.kind), "Validation Results"),
        }
    }

    /// Builds the bank and the claims; `rubric_value` is what bank.yaml records.
    fn finish(
        mut self,
        rubric: Arc<Rubric>,
        rubric_value: Option<String>,
        sources: Sources,
    ) -> ((Bank, Vec<Claim>), Vec<Diagnostic>) {
        let title = match &self.title {
            Some(r) => self.sp(r.clone()),
            None => {
                self.diags.push(
                    Diagnostic::warning("missing-title", "the document has no `# title` heading")
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
                Diagnostic::warning("invalid-value", format!("`{}` is not a date", a.value))
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
        let drafts = std::mem::take(&mut self.questions);
        let mut questions = Vec::with_capacity(drafts.len());
        for (expected, d) in (1u32..).zip(drafts) {
            if let Some(n) = d.number
                && n != expected
            {
                self.diags.push(
                    Diagnostic::warning(
                        "question-number",
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
            slug: Sp::new(slug, title_pos),
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
            other_refs: Vec::new(),
            rubric,
            sources,
        };
        let mut diags = std::mem::take(&mut self.diags);
        diags.extend(crate::load::validate(&bank));
        let mut claims = std::mem::take(&mut self.claims);
        for c in &mut claims {
            c.gate = claims::match_gate(&bank.rubric, &c.name);
        }
        ((bank, claims), diags)
    }

    fn build_question(
        &mut self,
        d: QDraft,
        clusters: &[ClusterDef],
        rubric: &Rubric,
        seen: &mut HashSet<String>,
    ) -> Question {
        let title = self.sp(d.title.clone());
        let id = match &d.comment.id {
            Some(id) => id.clone(),
            None => unique(kebab(&title.value), seen, "question"),
        };
        let head_pos = self.pos(d.heading.start);
        let difficulty = match d.difficulty {
            Some(x) => x,
            None => {
                self.diags.push(
                    Diagnostic::error("missing-field", format!("question `{}` has no Difficulty", id))
                        .at(self.loc(d.heading.start))
                        .help("add `**Difficulty**: Foundational | Intermediate | Advanced` under the heading; imported as Intermediate"),
                );
                Sp::new(Difficulty::Intermediate, head_pos)
            }
        };
        let axis_values = |this: &Self,
                           vals: &[(Range<usize>, bool)],
                           axis: &crate::model::Axis|
         -> Vec<Sp<String>> {
            vals.iter()
                .map(|(r, _)| {
                    let s = this.sp(r.clone());
                    let id = axis
                        .find(&s.value)
                        .map_or_else(|| kebab(&s.value), ToOwned::to_owned);
                    Sp::new(id, s.pos)
                })
                .collect()
        };
        let dimensions = axis_values(self, &d.dims, &rubric.dimensions);
        let phases = axis_values(self, &d.phases, &rubric.phases);
        let answer = match &d.answer {
            Some(r) => self.sp(r.clone()),
            None => {
                self.diags.push(
                    Diagnostic::error("missing-field", format!("question `{}` has no Answer", id))
                        .at(self.loc(d.heading.start))
                        .help("add `**Answer**:` followed by the answer"),
                );
                Sp::new(String::new(), head_pos)
            }
        };
        let cluster = clusters.get(d.cluster).map_or_else(
            || Sp::new("general".to_owned(), head_pos),
            |c| Sp::new(c.id.value.clone(), head_pos),
        );
        let diagram = d.diagram.map(|(r, p)| {
            let m = self.slice(&r).trim_end().to_owned();
            let kind = d.comment.diagram.unwrap_or_else(|| infer_diagram(&m));
            Diagram {
                kind: Sp::new(kind, p),
                mermaid: Sp::new(m, p),
            }
        });
        let at = |v: &[String]| {
            v.iter()
                .map(|x| Sp::new(x.clone(), head_pos))
                .collect::<Vec<_>>()
        };
        Question {
            id: Sp::new(id, head_pos),
            cluster,
            title,
            difficulty,
            dimensions,
            phases,
            roles: at(&d.comment.roles),
            methods: at(&d.comment.methods),
            key_insight: d.key_insight.map(|r| self.sp(r)),
            answer,
            practical: d.practical,
            diagram,
            metrics: d.metrics,
            tradeoffs: d.tradeoffs.map(|r| self.sp(r)),
            alternatives: d.alternatives,
            risks: d.risks,
            validation: d.validation.map(|r| self.sp(r)),
            file: self.file,
        }
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
        Kind::Other => "block",
    }
}

/// The diagram kind a mermaid text's first word implies.
pub(crate) fn infer_diagram(m: &str) -> DiagramKind {
    let first = m.split_whitespace().next().unwrap_or_default();
    match first {
        "sequenceDiagram" => DiagramKind::Sequence,
        "flowchart" | "graph" => DiagramKind::Flowchart,
        "stateDiagram" | "stateDiagram-v2" => DiagramKind::State,
        "xychart-beta" => DiagramKind::PerformanceCurve,
        _ => DiagramKind::Other,
    }
}

/// Splits a value like `Latency, Resources` into the ranges of its items.
fn split_values(text: &str, r: Range<usize>) -> Vec<Range<usize>> {
    let s = text.get(r.clone()).unwrap_or_default();
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in s.char_indices() {
        if matches!(c, ',' | ';' | '/' | '，' | '、' | '|') {
            out.push(r.start + start..r.start + i);
            start = i + c.len_utf8();
        }
    }
    out.push(r.start + start..r.end);
    out.into_iter()
        .filter_map(|x| {
            let t = text.get(x.clone())?;
            let lead = t.len() - t.trim_start().len();
            let trimmed = t.trim().trim_matches('*').trim();
            if trimmed.is_empty() {
                return None;
            }
            let lead = lead + t.trim_start().len()
                - t.trim_start().trim_start_matches('*').trim_start().len();
            Some(x.start + lead..x.start + lead + trimmed.len())
        })
        .collect()
}

/// `Label: value` pieces of a one-line field list, in order; text before the first
/// label comes back with an empty label. Each value keeps its own final period.
fn split_labelled<'a>(s: &str, labels: &[&'a str]) -> Vec<(&'a str, String)> {
    let mut marks: Vec<(usize, usize, &'a str)> = Vec::new();
    for l in labels {
        let pat = format!("{l}:");
        let mut from = 0;
        while let Some(i) = s[from..].find(&pat) {
            let at = from + i;
            let boundary = at == 0
                || s[..at].ends_with(". ")
                || s[..at].ends_with("! ")
                || s[..at].ends_with("? ");
            if boundary && !marks.iter().any(|m| m.2 == *l) {
                marks.push((at, at + pat.len(), l));
                break;
            }
            from = at + pat.len();
        }
    }
    marks.sort_by_key(|m| m.0);
    let mut out = Vec::new();
    if let Some(first) = marks.first() {
        let pre = s[..first.0].trim();
        if !pre.is_empty() {
            out.push(("", pre.to_owned()));
        }
    } else if !s.trim().is_empty() {
        out.push(("", s.trim().to_owned()));
    }
    for (n, m) in marks.iter().enumerate() {
        let end = marks.get(n + 1).map_or(s.len(), |x| x.0);
        out.push((m.2, s[m.1..end].trim().to_owned()));
    }
    out
}

fn alternative(r: &Reader<'_>, range: Range<usize>) -> Alternative {
    let range = r.trim(range);
    let labels = r.labels(range.clone(), &|_| true);
    if let Some(l) = labels.first()
        && r.trim(range.start..l.start).is_empty()
    {
        let name_at = l.start + 2;
        return Alternative {
            name: Sp::new(l.name.clone(), r.pos(name_at)),
            text: r.sp(l.value.start..range.end),
        };
    }
    let s = r.slice(&range);
    match s.find([':', '：']).filter(|i| *i < 80) {
        Some(i) => Alternative {
            name: Sp::new(strip_bold(&s[..i]).to_owned(), r.pos(range.start)),
            text: r
                .sp(range.start + i + s[i..].chars().next().map_or(1, char::len_utf8)..range.end),
        },
        None => Alternative {
            name: Sp::new(
                s.split_whitespace().take(4).collect::<Vec<_>>().join(" "),
                r.pos(range.start),
            ),
            text: r.sp(range),
        },
    }
}

fn risk(r: &Reader<'_>, range: Range<usize>) -> Risk {
    let range = r.trim(range);
    let labels = r.labels(range.clone(), &|n| {
        let l = n.to_lowercase();
        l.starts_with("risk") || l.starts_with("mitigation")
    });
    let mut risk = None;
    let mut mitigation = None;
    for l in &labels {
        if l.name.to_lowercase().starts_with("risk") {
            risk = Some(r.sp(l.value.clone()));
        } else {
            mitigation = Some(r.sp(l.value.clone()));
        }
    }
    if risk.is_none() {
        let s = r.slice(&range);
        let lower = s.to_lowercase();
        let split = lower
            .find("mitigation:")
            .map(|i| (i, i + "mitigation:".len()))
            .or_else(|| s.find(" → ").map(|i| (i, i + " → ".len())))
            .or_else(|| s.find(" -> ").map(|i| (i, i + 4)));
        let cut = labels.first().map_or(range.end, |l| l.start);
        match split {
            Some((a, b)) if mitigation.is_none() => {
                let mut risk_end = range.start + a;
                let head = r.slice(&(range.start..risk_end)).trim_end();
                let head = head
                    .trim_end_matches("**")
                    .trim_end_matches(['—', '-', ';', ',', '.', '(', '→', '>', ' '])
                    .trim_end();
                risk_end = range.start + head.len();
                risk = Some(r.sp(range.start..risk_end));
                mitigation = Some(r.sp(range.start + b..range.end));
            }
            _ => risk = Some(r.sp(range.start..cut)),
        }
    }
    let mut risk = risk.unwrap_or_else(|| r.sp(range.clone()));
    if let Some(x) = risk.value.strip_prefix("Risk:") {
        risk.value = x.trim().to_owned();
    }
    Risk {
        risk,
        mitigation: mitigation.filter(|m| !m.value.is_empty()),
    }
}

fn source_from(id: Sp<String>, p: apa::Parsed, title_pos: Pos, file: FileId) -> Source {
    let pos = id.pos;
    Source {
        kind: Sp::new(p.kind.unwrap_or(SourceType::Report), pos),
        authors: p.authors,
        editors: p.editors,
        year: p.year.map(|y| Sp::new(y, pos)),
        date: p
            .date
            .and_then(|d| PartialDate::parse(&d).ok())
            .map(|d| Sp::new(d, pos)),
        title: p.title.map(|t| Sp::new(t, title_pos)),
        container: p.container,
        volume: p.volume.map(Text),
        issue: p.issue.map(Text),
        pages: p.pages.map(Text),
        publisher: p.publisher,
        edition: p.edition.map(Text),
        translators: Vec::new(),
        doi: p.doi.map(|d| Sp::new(d, pos)),
        url: p.url.map(|u| Sp::new(u, pos)),
        archived: p.archived.map(|a| Sp::new(a, pos)),
        lang: p.lang.map(|l| Sp::new(l, pos)),
        coverage: p.coverage,
        key_sections: p.key_sections,
        id,
        file,
    }
}

/// A list written after a label (`Also: a, b, c.`): split on `; ` when the text has
/// one (items holding commas), else on `, `; one final period dropped.
pub(crate) fn split_list(v: &str) -> Vec<String> {
    let v = v.trim();
    let v = v.strip_suffix('.').unwrap_or(v);
    let sep = if v.contains("; ") { "; " } else { ", " };
    v.split(sep)
        .map(|x| x.trim().to_owned())
        .filter(|x| !x.is_empty())
        .collect()
}

/// A glossary term that reads as an acronym: capitals and digits (`SLO/SLI`, `MTTD`).
pub(crate) fn looks_like_acronym(term: &str) -> bool {
    let t = term.trim();
    t.len() >= 2
        && t.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '/')
}

/// The source fields a comment may give structure to, when the visible entry shows
/// them in a form the importer cannot split back exactly. Every other source field
/// (type, year, date, DOI, URL, archive, language, coverage) is read from the text only.
pub(crate) const STRUCTURAL_SOURCE_FIELDS: &[&str] = &[
    "authors",
    "editors",
    "title",
    "container",
    "volume",
    "issue",
    "pages",
    "publisher",
    "edition",
    "translators",
];

/// A source as its visible entry text (after `**A1.**`) gives it, with no comment.
pub(crate) fn visible_source(id: Sp<String>, text: &str, file: FileId) -> Source {
    let pos = id.pos;
    source_from(id, apa::parse(text), pos, file)
}
