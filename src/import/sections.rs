//! The document's sections: which heading starts which section, the clusters in the
//! Q&A section, and the blocks of Context & Coverage, Validation Results and Metadata.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::blocks::{self, Block, Kind};
use super::claims::{self, Claim};
use super::questions;
use super::{ClusterDraft, Field, Reader, Section, Target, kind_name, strip_bold, unescape_cell};

static RE_CLUSTER_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:cluster|topic|section|part|area)\s*\d+\s*[:.\-–—]\s*")
        .expect("valid regex")
});
static RE_Q_RANGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s*[\(（]\s*Q\d+(?:\s*[-–—]\s*Q?\d+)?\s*[\)）]\s*$").expect("valid regex")
});
static RE_ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4}-\d{2}-\d{2})\b").expect("valid regex"));

impl<'t> Reader<'t> {
    pub(super) fn read(&mut self) {
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
                if let Some(m) = questions::marker(text)
                    && !matches!(section, Section::Refs(_) | Section::Validation)
                {
                    section = Section::Qa;
                    let title = self.trim(r.start + m.end..r.end);
                    let title = self.strip_trailing_bold(title);
                    self.start_question(Some(m.number), b.range.clone(), title, Some(level));
                    continue;
                }
                if level <= 2 {
                    section = self.section_of(text, section);
                    if section == Section::Unknown && self.looks_like_cluster(text) {
                        section = Section::Qa;
                    }
                    match section {
                        Section::Qa if self.looks_like_cluster(text) => {
                            self.start_cluster(r);
                            self.cluster_level = Some(level);
                        }
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
                    Section::Qa if self.heading_field(level, r.clone()) => {}
                    Section::Qa if self.inside_question(level) => self.question_content(b),
                    Section::Qa => {
                        self.start_cluster(r);
                        self.cluster_level = Some(level);
                    }
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
            if let Kind::Code(_) = b.kind {
                self.code_questions(b);
                self.swallowed_diagram(b);
            }
            if b.kind == Kind::Paragraph
                && matches!(section, Section::Qa | Section::Preamble | Section::Unknown)
                && self.paragraph_question(b)
            {
                section = Section::Qa;
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

    pub(super) fn heading_text(&self, b: &Block) -> Range<usize> {
        let s = self.slice(&b.range);
        let line_end = s.find('\n').unwrap_or(s.len());
        let line = &s[..line_end];
        let lead = line.len() - line.trim_start_matches([' ', '#']).len();
        let body = line.trim_end().trim_end_matches('#').trim_end();
        self.trim(b.range.start + lead..b.range.start + body.len().max(lead))
    }

    pub(super) fn strip_trailing_bold(&self, r: Range<usize>) -> Range<usize> {
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

    pub(super) fn section_of(&self, heading: &str, current: Section) -> Section {
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
        } else if self.rubric_list_of(heading).is_some()
            || self.kinds.iter().any(|k| {
                k.headings
                    .iter()
                    .chain(std::iter::once(&k.title))
                    .any(|p| h.trim_start().starts_with(&p.to_lowercase()))
            })
        {
            Section::Refs(None)
        } else {
            Section::Unknown
        }
    }

    pub(super) fn looks_like_cluster(&self, heading: &str) -> bool {
        RE_CLUSTER_PREFIX.is_match(heading)
            || (RE_Q_RANGE.is_match(heading) && !heading.to_lowercase().contains("q&a"))
    }

    /// The built-in kind whose rubric-declared heading starts `heading`.
    fn rubric_list_of(&self, heading: &str) -> Option<char> {
        let h = heading.trim_start().to_lowercase();
        self.core_headings
            .iter()
            .find(|(_, p)| h.starts_with(p.as_str()))
            .map(|(c, _)| *c)
    }

    pub(super) fn ref_list_of(&self, heading: &str) -> Option<char> {
        if let Some(c) = self.rubric_list_of(heading) {
            return Some(c);
        }
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

    pub(super) fn start_cluster(&mut self, r: Range<usize>) {
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

    pub(super) fn context_block(&mut self, b: &Block) {
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

    pub(super) fn metadata_block(&mut self, b: &Block) {
        let s = self.slice(&b.range);
        if s.to_lowercase().contains("generated")
            && let Some(c) = RE_ISO_DATE.captures(s)
        {
            self.generated = Some(c[1].to_owned());
        } else {
            self.unrecognised(&b.range, kind_name(&b.kind), "the metadata");
        }
    }

    pub(super) fn validation_block(&mut self, b: &Block) {
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
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn reader(text: &str) -> Reader<'_> {
        let mut sources = crate::model::Sources::default();
        let file = sources.add("doc.md".into(), text.into());
        Reader::new(Path::new("doc.md"), text, file)
    }

    #[test]
    fn headings_name_their_sections() {
        let r = reader("");
        for (h, s) in [
            ("Table of Contents", Section::Contents),
            ("Validation Results", Section::Validation),
            ("Quality Gates", Section::Validation),
            ("References", Section::Refs(None)),
            ("Glossary", Section::Refs(None)),
            ("Context & Coverage", Section::Context),
            ("Q&A", Section::Qa),
            ("Interview Questions", Section::Qa),
            ("Metadata", Section::Metadata),
            ("Appendix", Section::Unknown),
        ] {
            assert_eq!(r.section_of(h, Section::Preamble), s, "{h}");
        }
        assert_eq!(r.section_of("Cluster 2: Caching", Section::Qa), Section::Qa);
    }

    #[test]
    fn reference_headings_name_their_kind() {
        let r = reader("");
        assert_eq!(r.ref_list_of("Glossary of Terms"), Some('G'));
        assert_eq!(r.ref_list_of("Tools & Platforms"), Some('T'));
        assert_eq!(r.ref_list_of("Literature and Case Studies"), Some('L'));
        assert_eq!(r.ref_list_of("APA Citations"), Some('A'));
        assert_eq!(r.ref_list_of("Further reading"), None);
        // A rubric's own headings for the built-in kinds come first.
        let mut r = reader("");
        r.core_headings = vec![
            ('L', "further reading".to_owned()),
            ('G', "lexicon".to_owned()),
        ];
        assert_eq!(r.ref_list_of("Further reading"), Some('L'));
        assert_eq!(r.ref_list_of("Lexicon of the field"), Some('G'));
        assert_eq!(r.section_of("Lexicon", Section::Qa), Section::Refs(None));
        assert_eq!(r.ref_list_of("Glossary"), Some('G'));
    }

    #[test]
    fn clusters_lose_their_prefix_and_question_range() {
        let text = "Cluster 2: Caching (Q6-Q10)";
        let mut r = reader(text);
        assert!(r.looks_like_cluster(text));
        assert!(!r.looks_like_cluster("Caching"));
        r.start_cluster(0..text.len());
        assert_eq!(r.slice(&r.clusters[0].title), "Caching");
    }

    #[test]
    fn a_paragraph_question_in_the_preamble_starts_the_questions() {
        let text = "# T\n\n**Q1: What is it?**\n\n**Difficulty**: Advanced\n";
        let mut r = reader(text);
        r.read();
        assert_eq!(r.questions.len(), 1);
        assert_eq!(r.slice(&r.questions[0].title), "What is it?");
        assert!(r.questions[0].difficulty.is_some());
    }
}
