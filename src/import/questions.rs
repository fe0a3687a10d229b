//! The questions: the heading that starts one, its labelled fields (difficulty, axes,
//! answer, practical code, diagram, metrics, trade-offs, alternatives, risks,
//! validation) and the [`Question`] built from them.

use crate::codes::Code;
use std::collections::HashSet;
use std::ops::Range;

use super::blocks::{Block, Kind};
use super::comments::QuestionComment;
use super::{
    ClusterDraft, CodeQuestion, Field, Label, Labelled, Missed, QDraft, Reader, Recognition,
    Target, kebab, kind_name, strip_bold, unescape_cell, unique,
};
use crate::diagnostic::Diagnostic;
use crate::model::{
    Alternative, ClusterDef, Diagram, DiagramKind, Difficulty, Metric, Practical, Question, Risk,
    Rubric, Sp,
};

/// A question's number marker at the start of a line or heading: `Q1:`, `**Q1.**`,
/// `Q1 -`, `Q1)`, `Question 1:`, with or without bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Marker {
    pub(super) number: u32,
    /// Bytes from the start of the text to the question's own words.
    pub(super) end: usize,
    /// A `**` opened before the number and not closed in the marker: the bold runs on
    /// over the question (`**Q1: text?**`).
    pub(super) bold_runs_on: bool,
    /// A separator (`:`, `.`, `)`, ` - `) or a closing `**` follows the number.
    pub(super) separated: bool,
}

/// Reads a question marker at the start of `s` (leading spaces allowed). A number
/// followed by a letter or digit (`Q3a`, `Q2024`) or by a range (`Q1-Q5`, `Q1 – 5`)
/// is not a question.
pub(super) fn marker(s: &str) -> Option<Marker> {
    let b = s.as_bytes();
    let mut i = s.len() - s.trim_start().len();
    let bold_open = s[i..].starts_with("**");
    if bold_open {
        i += 2;
    }
    if s[i..].starts_with('Q') && s[i + 1..].starts_with(|c: char| c.is_ascii_digit()) {
        i += 1;
    } else if s
        .get(i..i + 8)
        .is_some_and(|w| w.eq_ignore_ascii_case("question"))
    {
        i += 8;
        while i < b.len() && (b[i] == b' ' || b[i] == b'#') {
            i += 1;
        }
    } else {
        return None;
    }
    let digits = s[i..].bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let number: u32 = s[i..i + digits].parse().ok()?;
    i += digits;
    if s[i..].starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        return None;
    }
    let skip_spaces = |i: &mut usize| {
        while *i < b.len() && (b[*i] == b' ' || b[*i] == b'\t') {
            *i += 1;
        }
    };
    let mut bold_closed = false;
    let mut separated = false;
    skip_spaces(&mut i);
    // `Q1 (Advanced): ...`: a short parenthesis between the number and its separator.
    if s[i..].starts_with('(')
        && let Some(close) = s[i..].find(')').filter(|c| *c < 60)
        && !s[i..i + close].contains('\n')
    {
        let mut j = i + close + 1;
        skip_spaces(&mut j);
        if s[j..].starts_with(['*', ':', '.', '：', '-', '–', '—']) {
            i = j;
        }
    }
    if bold_open && s[i..].starts_with("**") {
        bold_closed = true;
        i += 2;
        skip_spaces(&mut i);
    }
    let rest = &s[i..];
    if let Some(c) = rest.chars().next() {
        let range_follows = |after: &str| {
            let a = after.trim_start_matches([' ', '\t']);
            let a = a.strip_prefix('Q').unwrap_or(a);
            a.starts_with(|c: char| c.is_ascii_digit())
        };
        if matches!(c, ':' | '.' | ')' | '：' | '、') {
            separated = true;
            i += c.len_utf8();
        } else if matches!(c, '-' | '–' | '—') {
            if range_follows(&rest[c.len_utf8()..]) {
                return None;
            }
            if rest[c.len_utf8()..].starts_with([' ', '\t']) {
                separated = true;
                i += c.len_utf8();
            }
        }
    }
    skip_spaces(&mut i);
    if bold_open && !bold_closed && s[i..].starts_with("**") {
        bold_closed = true;
        i += 2;
        skip_spaces(&mut i);
    }
    Some(Marker {
        number,
        end: i,
        bold_runs_on: bold_open && !bold_closed,
        separated: separated || (bold_open && bold_closed),
    })
}

/// A line a reader takes for the start of a question: a heading (`### Q1 Title`) or a
/// line with a separated marker (`**Q1:** ...`, `Q1. ...`, `> Q1: ...`) and words after
/// it. Returns the marker and where the line's own text starts.
pub(super) fn question_like(line: &str) -> Option<(Marker, usize)> {
    let t = line.trim_start();
    let mut at = line.len() - t.len();
    let mut rest = t;
    while let Some(r) = rest.strip_prefix('>') {
        at += 1;
        let r2 = r.trim_start();
        at += r.len() - r2.len();
        rest = r2;
    }
    let hashes = rest.bytes().take_while(|c| *c == b'#').count();
    let heading = (1..=6).contains(&hashes) && rest[hashes..].starts_with([' ', '\t']);
    if heading {
        let r = &rest[hashes..];
        let r2 = r.trim_start();
        at += hashes + (r.len() - r2.len());
        rest = r2;
    } else if hashes > 0 {
        return None;
    }
    let m = marker(rest)?;
    let words = rest[m.end..].trim().trim_matches(['*', '#', ' ']);
    (words.chars().any(char::is_alphanumeric) && (heading || m.separated)).then_some((m, at))
}

/// The field a question's label names, with `Type` for the phase axis.
fn field_label(name: &str) -> Option<Label> {
    classify(name, "dimension", "phase").or_else(|| {
        name.trim()
            .eq_ignore_ascii_case("type")
            .then_some(Label::Phase)
    })
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
        _ if plural(rubric_dim)
            || plural("dimension")
            || matches!(l, "category" | "categories" | "cat" | "cats") =>
        {
            Label::Dim
        }
        "role" | "roles" | "stakeholder" | "stakeholders" => Label::Roles,
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

impl<'t> Reader<'t> {
    pub(super) fn start_question(
        &mut self,
        number: Option<u32>,
        heading: Range<usize>,
        title: Range<usize>,
        level: Option<u8>,
    ) {
        if self.clusters.is_empty() {
            self.clusters.push(ClusterDraft {
                id: Some("general".to_owned()),
                title: heading.start..heading.start,
            });
        }
        self.questions.push(QDraft {
            number,
            heading,
            level,
            title,
            cluster: self.clusters.len() - 1,
            comment: QuestionComment::default(),
            difficulty: None,
            dims: Vec::new(),
            roles: Vec::new(),
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

    /// A paragraph that starts with a question marker starts a question: `**Q1: text?**`
    /// (the bold runs over the question), `**Q1.** text`, `Q1: text`, `Question 1: text`.
    /// Labels after the question in the same paragraph are its fields. Returns false
    /// when the paragraph is not a question.
    pub(super) fn paragraph_question(&mut self, b: &Block) -> bool {
        let s = self.slice(&b.range);
        let first = s.lines().next().unwrap_or_default();
        let Some((m, 0)) = question_like(first) else {
            return false;
        };
        let start = b.range.start + m.end;
        let (title, rest) = if m.bold_runs_on
            && let Some(close) = s[m.end..].find("**")
        {
            let end = start + close;
            (start..end, end + 2..b.range.end)
        } else {
            let labels = self.labels(start..b.range.end, &|n| field_label(n).is_some());
            match labels.first() {
                Some(l) => (start..l.start, l.start..b.range.end),
                None => (start..b.range.end, b.range.end..b.range.end),
            }
        };
        let title = self.strip_trailing_bold(self.trim(title));
        self.start_question(Some(m.number), b.range.clone(), title, None);
        let rest = self.trim(rest);
        if !rest.is_empty() {
            self.question_block(&Block::new(Kind::Paragraph, rest));
        }
        true
    }

    /// A heading inside a question that names one of its fields (`#### Answer`,
    /// `#### Difficulty: Advanced`). A heading at the level of the question, or of the
    /// cluster headings, is not a field. Returns false when the heading is not a field.
    pub(super) fn heading_field(&mut self, level: u8, r: Range<usize>) -> bool {
        let Some(q) = self.questions.last() else {
            return false;
        };
        let deeper = match q.level {
            Some(ql) => level > ql,
            None => self.cluster_level.is_none_or(|cl| level > cl),
        };
        if !deeper {
            return false;
        }
        let text = self.slice(&r);
        let (name, value) = match text.find([':', '：']) {
            Some(i) => {
                let sep = text[i..].chars().next().map_or(1, char::len_utf8);
                (&text[..i], r.start + i + sep..r.end)
            }
            None => (text, r.end..r.end),
        };
        let name = strip_bold(name).trim_end_matches(['*', ' ']);
        if field_label(name).is_none() {
            return false;
        }
        let l = Labelled {
            name: name.to_owned(),
            caption: None,
            start: r.start,
            value: self.trim(value),
        };
        self.question_labels(vec![l]);
        true
    }

    /// A heading deeper than the current question's own heading, that names no field:
    /// part of the question's content.
    pub(super) fn inside_question(&self, level: u8) -> bool {
        self.questions
            .last()
            .and_then(|q| q.level)
            .is_some_and(|ql| level > ql)
    }

    /// A mermaid diagram swallowed by a code block: a line inside it that opens a
    /// mermaid fence with the block's own fence (```` ```mermaid ```` in a ```` ``` ````
    /// block that was never closed). One `swallowed-diagram` warning at the outer fence.
    pub(super) fn swallowed_diagram(&mut self, b: &Block) {
        let fence_of = |line: &str| -> Option<(char, usize, String)> {
            let t = line.trim_start_matches(' ');
            if line.len() - t.len() > 3 {
                return None;
            }
            let c = t.chars().next().filter(|c| matches!(c, '`' | '~'))?;
            let n = t.chars().take_while(|x| *x == c).count();
            (n >= 3).then(|| (c, n, t[n..].trim().to_lowercase()))
        };
        let opening = self
            .slice(&b.range)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned();
        let Some((c, n, info)) = fence_of(&opening) else {
            return;
        };
        if info.split_whitespace().next() == Some("mermaid") {
            return;
        }
        let inner = b.inner.clone();
        let s = self.slice(&inner).to_owned();
        let mut at = inner.start;
        for line in s.split_inclusive('\n') {
            if let Some((ic, inn, iinfo)) = fence_of(line)
                && ic == c
                && inn == n
                && iinfo.split_whitespace().next() == Some("mermaid")
            {
                let fence_line = self.pos(b.range.start).line;
                let line_no = self.pos(at).line;
                self.diags.push(
                    Diagnostic::warning(
                        Code::SwallowedDiagram,
                        format!(
                            "the code block opened at line {fence_line} holds a mermaid diagram (line {line_no}): a reader sees code there, so it is not counted as a diagram"
                        ),
                    )
                    .at(self.loc(b.range.start))
                    .help("close the code block before the diagram with a fence line (```), or delete a stray fence"),
                );
                return;
            }
            at += line.len();
        }
    }

    /// Question-like lines inside a code block, kept to tell which questions a stray
    /// fence swallowed.
    pub(super) fn code_questions(&mut self, b: &Block) {
        let inner = b.inner.clone();
        let s = self.slice(&inner);
        let mut at = inner.start;
        for line in s.split_inclusive('\n') {
            if let Some((m, _)) = question_like(line) {
                self.code_questions.push(CodeQuestion {
                    number: m.number,
                    line: at,
                    fence: b.range.start,
                    before: self.questions.len(),
                });
            }
            at += line.len();
        }
    }

    /// The numbers of questions swallowed by a code block: a question-like line in a
    /// block whose number the questions around the block skip. Each such block gets one
    /// `swallowed-question` warning at its opening fence.
    pub(super) fn swallowed(&mut self) -> HashSet<u32> {
        let recognised: HashSet<u32> = self.questions.iter().filter_map(|q| q.number).collect();
        let mut out = HashSet::new();
        let mut by_fence: Vec<(usize, Vec<(u32, usize)>)> = Vec::new();
        for c in &self.code_questions {
            let prev = self.questions[..c.before]
                .iter()
                .rev()
                .find_map(|q| q.number);
            let next = self.questions[c.before..].iter().find_map(|q| q.number);
            let skipped = !recognised.contains(&c.number)
                && prev.is_none_or(|p| p < c.number)
                && next.is_none_or(|n| c.number < n);
            if !skipped || !out.insert(c.number) {
                continue;
            }
            match by_fence.last_mut() {
                Some((f, v)) if *f == c.fence => v.push((c.number, c.line)),
                _ => by_fence.push((c.fence, vec![(c.number, c.line)])),
            }
        }
        for (fence, qs) in by_fence {
            let fence_line = self.pos(fence).line;
            let list: Vec<String> = qs
                .iter()
                .map(|(n, at)| format!("Q{n} (line {})", self.pos(*at).line))
                .collect();
            let (what, them) = if qs.len() == 1 {
                ("question", "it is")
            } else {
                ("questions", "they are")
            };
            self.diags.push(
                Diagnostic::warning(
                    Code::SwallowedQuestion,
                    format!(
                        "the code block opened at line {fence_line} holds {what} {}: a reader sees code there, so {them} not counted",
                        list.join(", ")
                    ),
                )
                .at(self.loc(fence))
                .help("close the code block before the question with a fence line (```), or delete a stray fence"),
            );
        }
        out
    }

    /// The count of recognised questions and every question-like line that did not
    /// start one.
    pub(super) fn recognition(&self) -> Recognition {
        let starts: HashSet<u32> = self
            .questions
            .iter()
            .map(|q| self.pos(q.heading.start).line)
            .collect();
        let in_code: HashSet<usize> = self.code_questions.iter().map(|c| c.line).collect();
        let mut missed = Vec::new();
        for (n, &start) in self.line_starts.iter().enumerate() {
            let end = self.line_starts.get(n + 1).map_or(self.text.len(), |e| *e);
            let line = self.text[start..end].trim_end();
            let number = u32::try_from(n + 1).unwrap_or(u32::MAX);
            if question_like(line).is_some() && !starts.contains(&number) {
                missed.push(Missed {
                    line: number,
                    text: line.trim().chars().take(80).collect(),
                    in_code: in_code.contains(&start),
                });
            }
        }
        Recognition {
            questions: self.questions.len(),
            missed,
        }
    }

    pub(super) fn question_block(&mut self, b: &Block) {
        if self.questions.is_empty() {
            // Text under a cluster heading, before its first question.
            if b.kind == Kind::Paragraph || b.kind == Kind::Table {
                self.unrecognised(&b.range, "text", "the Q&A section");
            }
            return;
        }
        if matches!(b.kind, Kind::Paragraph | Kind::Quote) {
            // A quote's own text starts after its `>` markers.
            let s = self.slice(&b.range);
            let t = s.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
            let start = b.range.start + (s.len() - t.len());
            if t.starts_with("**") {
                let labels = self.labels(start..b.range.end, &|n| field_label(n).is_some());
                if let Some(first) = labels.first()
                    && self.trim(start..first.start).is_empty()
                {
                    // A metadata line (`**Difficulty**: ... | **Phase**: ...`): any other
                    // bold label on it (`**Decision Criticality**:`) ends the value before.
                    let all = self.labels(b.range.clone(), &|_| true);
                    let meta = |l: &Labelled| {
                        matches!(
                            classify(&l.name, "dimension", "phase"),
                            Some(Label::Difficulty | Label::Dim | Label::Phase | Label::Roles)
                        )
                    };
                    let labels = if all.iter().any(meta) && all.len() > labels.len() {
                        all
                    } else {
                        labels
                    };
                    self.question_labels(labels);
                    return;
                }
            }
        }
        self.question_content(b);
    }

    /// A table of a question's fields: two columns, a field name and its value, one
    /// field a row (`| Difficulty | Advanced |`), or one row of values under a header of
    /// field names. Returns false when the table is not one.
    fn field_table(&mut self, b: &Block) -> bool {
        let named = |this: &Self, c: Option<&Range<usize>>| {
            c.is_some_and(|c| field_label(strip_bold(this.slice(c))).is_some())
        };
        let cell = |this: &Self, c: &Range<usize>| {
            let r = this.trim(c.clone());
            let s = this.slice(&r);
            // `**Difficulty**` names the same field as `Difficulty`.
            let name = strip_bold(s)
                .trim_end_matches([':', '：'])
                .trim()
                .to_owned();
            (name, r)
        };
        let rows: Vec<&Vec<Range<usize>>> = b.rows.iter().filter(|r| r.len() >= 2).collect();
        let vertical: Vec<&&Vec<Range<usize>>> =
            rows.iter().filter(|r| named(self, r.first())).collect();
        // `| Field | Value |`: a header that says its rows are fields.
        let generic_head = b.rows.first().and_then(|h| h.first()).is_some_and(|c| {
            matches!(
                strip_bold(self.slice(c)).to_lowercase().as_str(),
                "field" | "attribute" | "property" | "key" | "item" | "name" | "label" | "metadata"
            )
        });
        let mut labels = Vec::new();
        let horizontal = b.rows.len() == 2
            && b.rows[0].len() >= 2
            && b.rows[0].iter().all(|c| named(self, Some(c)));
        // Most rows name a field: a comparison table whose first row happens to say
        // `Metric` or `Risk` is content, not fields.
        let mostly = vertical.len() * 2 >= rows.len();
        if !horizontal && mostly && (vertical.len() >= 2 || (generic_head && vertical.len() == 1)) {
            for row in vertical {
                let (name, at) = cell(self, &row[0]);
                let value = self.trim(row[1].clone());
                labels.push(Labelled {
                    name,
                    caption: None,
                    start: at.start,
                    value,
                });
            }
        } else if horizontal && let [head, body] = b.rows.as_slice() {
            for (h, v) in head.iter().zip(body) {
                let (name, at) = cell(self, h);
                labels.push(Labelled {
                    name,
                    caption: None,
                    start: at.start,
                    value: self.trim(v.clone()),
                });
            }
        }
        if labels.is_empty() {
            return false;
        }
        self.question_labels(labels);
        true
    }

    pub(super) fn question_labels(&mut self, labels: Vec<Labelled>) {
        for l in labels {
            let kind = field_label(&l.name);
            let value = l.value.clone();
            let Some(q) = self.questions.last_mut() else {
                return;
            };
            // A label with its value in the next block (`#### Key Insight`, or
            // `**Difficulty:**` alone on its line).
            let pending = match kind {
                Some(Label::Difficulty) => Field::Difficulty,
                Some(Label::Dim) => Field::Dims,
                Some(Label::Phase) => Field::Phases,
                Some(Label::KeyInsight) => Field::KeyInsight,
                _ => Field::None,
            };
            if value.is_empty() && pending != Field::None {
                q.field = pending;
                continue;
            }
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
                                    Code::BadValue,
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
                Some(Label::Roles) => q.roles.extend(split_values(self.text, value)),
                Some(Label::KeyInsight) => q.key_insight = Some(value),
                Some(Label::Field(f)) => {
                    q.field = f;
                    match f {
                        Field::Answer => q.answer = (!value.is_empty()).then_some(value),
                        Field::Practical => q.caption = l.caption.clone(),
                        Field::Tradeoffs => q.tradeoffs = (!value.is_empty()).then_some(value),
                        Field::Validation => q.validation = (!value.is_empty()).then_some(value),
                        Field::Alternatives if !value.is_empty() => {
                            let parts = enumerated(self.text, value.clone()).unwrap_or_else(|| {
                                self.text[value.clone()]
                                    .split("; ")
                                    .scan(value.start, |at, p| {
                                        let r = *at..*at + p.len();
                                        *at += p.len() + 2;
                                        Some(r)
                                    })
                                    .collect()
                            });
                            for part in parts {
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

    pub(super) fn extend(r: &mut Option<Range<usize>>, b: &Range<usize>) {
        match r {
            Some(x) => x.end = b.end,
            None => *r = Some(b.clone()),
        }
    }

    pub(super) fn question_content(&mut self, b: &Block) {
        let field = self.questions.last().map_or(Field::None, |q| q.field);
        if let (Field::KeyInsight | Field::Difficulty | Field::Dims | Field::Phases, true) =
            (field, matches!(b.kind, Kind::Paragraph | Kind::Quote))
        {
            // The value of a label that stood alone (`#### Difficulty`, then `Advanced`).
            let name = match field {
                Field::KeyInsight => "key insight",
                Field::Difficulty => "difficulty",
                Field::Dims => "dimension",
                _ => "phase",
            };
            let s = self.slice(&b.range);
            let t = s.trim_start_matches(|c: char| c == '>' || c.is_whitespace());
            let value = self.trim(b.range.start + (s.len() - t.len())..b.range.end);
            if let Some(q) = self.questions.last_mut() {
                q.field = Field::None;
            }
            let l = Labelled {
                name: name.to_owned(),
                caption: None,
                start: b.range.start,
                value,
            };
            self.question_labels(vec![l]);
            return;
        }
        if b.kind == Kind::Table
            && !matches!(field, Field::Metrics | Field::Risks)
            && self.field_table(b)
        {
            return;
        }
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
            // No `**Answer**` label: labelled paragraphs after the metadata line
            // (`**Topic**: ...`, `**Decision**: ...`) are the answer.
            Field::None
                if b.kind == Kind::Paragraph
                    && self.questions.last().is_some_and(|q| q.answer.is_none())
                    && !self.labels(b.range.clone(), &|_| true).is_empty()
                    && self.slice(&b.range).trim_start().starts_with("**") =>
            {
                if let Some(q) = self.questions.last_mut() {
                    q.answer = Some(b.range.clone());
                    q.field = Field::Answer;
                }
            }
            _ => self.unrecognised(&b.range, kind_name(&b.kind), "this question"),
        }
    }

    /// The entries of a block: each list item, or the paragraph as one entry.
    pub(super) fn entries(&self, b: &Block) -> Vec<Range<usize>> {
        if b.kind == Kind::List {
            b.items.iter().map(|i| self.list_item(i)).collect()
        } else {
            vec![b.range.clone()]
        }
    }

    pub(super) fn list_item(&self, item: &Range<usize>) -> Range<usize> {
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

    pub(super) fn metrics_table(&mut self, b: &Block) {
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
        // Value columns named for the scenario (`Single primary | Citus, 8 workers`, `Today
        // | Right-sized`): the first two columns after the metric that no heading claims
        // are the before and the after.
        let claimed = [
            Some(metric),
            formula,
            baseline,
            optimized,
            improvement,
            rationale,
        ];
        let mut free = (metric + 1..names.len()).filter(|i| !claimed.contains(&Some(*i)));
        let (baseline, optimized) = match (baseline, optimized) {
            (None, None) => (free.next(), free.next()),
            (None, Some(o)) => (free.find(|i| *i < o), Some(o)),
            (Some(b), None) => (Some(b), free.find(|i| *i > b)),
            named => named,
        };
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

    pub(super) fn build_question(
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
                    Diagnostic::error(Code::MissingField, format!("question `{}` has no Difficulty", id))
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
            // Values were split at `/` too: `CI/CD & Quality Gates` is one value when the
            // axis has it whole.
            let mut ranges: Vec<Range<usize>> = Vec::new();
            for (r, _) in vals {
                if let Some(prev) = ranges.last_mut()
                    && axis.find(this.slice(prev)).is_none()
                    && this.text.get(prev.end..r.start) == Some("/")
                    && axis.find(this.slice(&(prev.start..r.end))).is_some()
                {
                    prev.end = r.end;
                    continue;
                }
                ranges.push(r.clone());
            }
            ranges
                .iter()
                .map(|r| {
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
                    Diagnostic::error(
                        Code::MissingField,
                        format!("question `{}` has no Answer", id),
                    )
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
            roles: if d.comment.roles.is_empty() {
                d.roles
                    .iter()
                    .filter_map(|r| {
                        let s = self.sp(r.clone());
                        role_of(rubric, &s.value).map(|id| Sp::new(id, s.pos))
                    })
                    .collect()
            } else {
                at(&d.comment.roles)
            },
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

/// The items of an inline enumeration `(1) ... (2) ...` in `text[r]`, each from its
/// marker to the next: the numbers must run 1, 2, ... in order. `None` without at least
/// `(1)` and `(2)`, so a value written with `; ` separators is split on those.
fn enumerated(text: &str, r: Range<usize>) -> Option<Vec<Range<usize>>> {
    let s = text.get(r.clone())?;
    let mut starts = Vec::new();
    let mut from = 0;
    for n in 1.. {
        let marker = format!("({n})");
        let Some(i) = s[from..].find(&marker) else {
            break;
        };
        starts.push(from + i);
        from += i + marker.len();
    }
    if starts.len() < 2 || !s[..starts[0]].trim().is_empty() {
        return None;
    }
    let mut out = Vec::new();
    for (k, &a) in starts.iter().enumerate() {
        let b = starts.get(k + 1).copied().unwrap_or(s.len());
        let item = s[a..b].trim_end().trim_end_matches(';').trim_end();
        out.push(r.start + a..r.start + a + item.len());
    }
    Some(out)
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

/// The rubric role a document's role name means: its id or title, a `/`-separated part of
/// the title (`QA` for `QA/SET`), or the start of the title (`Dev` for `Developer`).
fn role_of(rubric: &Rubric, name: &str) -> Option<String> {
    let n = name.trim().trim_matches(['*', '.']).to_lowercase();
    if n.is_empty() {
        return None;
    }
    let singular = n.strip_suffix('s').unwrap_or(&n).to_owned();
    rubric
        .roles
        .iter()
        .find(|r| {
            let t = r.title.to_lowercase();
            let ts = t.strip_suffix('s').unwrap_or(&t).to_owned();
            r.id == n
                || t == n
                || ts == singular
                || t.split('/').any(|p| p.trim() == n || p.trim() == singular)
                || (n.len() >= 3 && t.starts_with(&n))
        })
        .map(|r| r.id.clone())
}

#[cfg(test)]
mod role_tests {
    use super::*;

    #[test]
    fn role_names_match_ids_titles_parts_and_prefixes() {
        let r: Rubric = serde_saphyr::from_str(crate::model::SHIPPED_RUBRICS[2].1).expect("parses");
        assert_eq!(role_of(&r, "QA").as_deref(), Some("qa"));
        assert_eq!(role_of(&r, "SET").as_deref(), Some("qa"));
        assert_eq!(role_of(&r, "Dev").as_deref(), Some("developer"));
        assert_eq!(role_of(&r, "SREs").as_deref(), Some("sre"));
        assert_eq!(role_of(&r, "Architect").as_deref(), Some("architect"));
        assert_eq!(role_of(&r, "Finance"), None);
        assert_eq!(role_of(&r, ""), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_of_every_numbered_form() {
        for (s, number, separated, words) in [
            ("Q1: What is it?", 1, true, "What is it?"),
            ("**Q2.** What is it?", 2, true, "What is it?"),
            ("**Q3**: What is it?", 3, true, "What is it?"),
            ("**Q4:** What is it?", 4, true, "What is it?"),
            ("Q5 - What is it?", 5, true, "What is it?"),
            ("Q6 — What is it?", 6, true, "What is it?"),
            ("Q7) What is it?", 7, true, "What is it?"),
            ("Question 8: What is it?", 8, true, "What is it?"),
            ("question 9. What is it?", 9, true, "What is it?"),
            ("  Q10: What is it?", 10, true, "What is it?"),
            ("Q11 What is it?", 11, false, "What is it?"),
            ("Q12 (Advanced): What is it?", 12, true, "What is it?"),
            ("**Q13 (Hard):** What is it?", 13, true, "What is it?"),
        ] {
            let m = marker(s).unwrap_or_else(|| panic!("{s}"));
            assert_eq!((m.number, m.separated), (number, separated), "{s}");
            assert_eq!(&s[m.end..], words, "{s}");
            assert!(!m.bold_runs_on, "{s}");
        }
    }

    #[test]
    fn a_bold_that_runs_over_the_question() {
        let m = marker("**Q1: A protocol charges $0.50; when does it pay?**").unwrap();
        assert!(m.bold_runs_on && m.separated);
        assert_eq!(m.end, "**Q1: ".len());
    }

    #[test]
    fn numbers_that_are_not_questions() {
        for s in [
            "Q3a: variant",
            "Q12345: too long",
            "Q1-Q5: a range",
            "Q1 – 5 overview",
            "Q&A",
            "Quarterly review",
            "Q: no number",
            "Questions 1-5",
            "A1: a citation",
        ] {
            assert_eq!(marker(s), None, "{s}");
        }
    }

    #[test]
    fn question_like_lines() {
        for s in [
            "### Q1 Title",
            "###### Q2: Title",
            "**Q3:** Title",
            "Q4. Title",
            "> Q5: quoted",
            "> > **Q6.** nested quote",
        ] {
            assert!(question_like(s).is_some(), "{s}");
        }
        for s in [
            "- Q1: a list item",
            "| Q1 | a table row |",
            "Q3 2025 revenue grew",
            "####### Q1: seven hashes",
            "### Q1",
            "**Q2:**",
            "Q1 – Q5 overview",
        ] {
            assert!(question_like(s).is_none(), "{s}");
        }
        let (m, at) = question_like("> ### Q7: Title").unwrap();
        assert_eq!((m.number, at), (7, "> ### ".len()));
    }

    #[test]
    fn field_labels_and_their_synonyms() {
        assert_eq!(field_label("Difficulty"), Some(Label::Difficulty));
        assert_eq!(field_label("Dimensions"), Some(Label::Dim));
        assert_eq!(field_label("Type"), Some(Label::Phase));
        assert_eq!(field_label("Key Insight"), Some(Label::KeyInsight));
        assert_eq!(
            field_label("Model Answer"),
            Some(Label::Field(Field::Answer))
        );
        assert_eq!(field_label("Risks"), Some(Label::Field(Field::Risks)));
        assert_eq!(field_label("Overview"), None);
    }

    #[test]
    fn inline_enumerations_split_at_their_markers() {
        let t = "(1) Tied requests: save work; need support. (2) Fewer shards: shorter tail.";
        let parts = enumerated(t, 0..t.len()).expect("two items");
        let items: Vec<&str> = parts.iter().map(|r| &t[r.clone()]).collect();
        assert_eq!(
            items,
            [
                "(1) Tied requests: save work; need support.",
                "(2) Fewer shards: shorter tail."
            ]
        );
        assert_eq!(enumerated("(1) only one", 0..12), None);
        assert_eq!(enumerated("a; b (2) c", 0..10), None);
    }

    #[test]
    fn values_split_on_their_separators() {
        let text = "Latency, **Throughput** / Scalability";
        let parts: Vec<&str> = split_values(text, 0..text.len())
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(parts, ["Latency", "Throughput", "Scalability"]);
    }
}
