//! The questions: the heading that starts one, its labelled fields (difficulty, axes,
//! answer, practical code, diagram, metrics, trade-offs, alternatives, risks,
//! validation) and the [`Question`] built from them.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::blocks::{Block, Kind};
use super::comments::QuestionComment;
use super::{
    ClusterDraft, Field, Label, Labelled, QDraft, Reader, Target, kebab, kind_name, strip_bold,
    unescape_cell, unique,
};
use crate::diagnostic::Diagnostic;
use crate::model::{
    Alternative, ClusterDef, Diagram, DiagramKind, Difficulty, Metric, Practical, Question, Risk,
    Rubric, Sp,
};

pub(super) static RE_QUESTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(?:\*\*)?(?:Q|Question\s*)(\d{1,4})(?:\*\*)?\s*[:.)：、]?(?:\*\*)?\s*")
        .expect("valid regex")
});

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

    pub(super) fn question_block(&mut self, b: &Block) {
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

    pub(super) fn question_labels(&mut self, labels: Vec<Labelled>) {
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

    pub(super) fn extend(r: &mut Option<Range<usize>>, b: &Range<usize>) {
        match r {
            Some(x) => x.end = b.end,
            None => *r = Some(b.clone()),
        }
    }

    pub(super) fn question_content(&mut self, b: &Block) {
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
