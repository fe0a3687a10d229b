//! The reference sections: glossary (G), tools (T), literature (L) and APA citations
//! (A), written as list items, paragraphs or table rows.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::blocks::{Block, Kind};
use super::{Reader, Target, apa, kind_name, strip_bold, unescape_cell};
use crate::model::{
    FileId, GlossaryEntry, PartialDate, Pos, Source, SourceType, Sp, Text, Tool, YearMonth,
};

static RE_REF_ID: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(\*\*)?\[?([A-Z]{1,3}?)(\d{1,4})\]?\s*[.:)：]?\s*(\*\*)?\s*")
        .expect("valid regex")
});
static RE_LANG_TAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([A-Z]{2,3})\]").expect("valid regex"));
static RE_YEAR_MONTH: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{4})-(\d{2})\b").expect("valid regex"));
static RE_QUARTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bQ([1-4])\s*(\d{4})\b").expect("valid regex"));

impl<'t> Reader<'t> {
    pub(super) fn refs_block(&mut self, b: &Block, list: Option<char>) {
        match b.kind {
            Kind::Paragraph => self.ref_entry(b.range.clone(), list, b),
            Kind::List => {
                for item in &b.items {
                    let r = self.list_item(item);
                    self.ref_entry(r, list, b);
                }
            }
            Kind::Table => {
                let header: Vec<String> = b.rows.first().map_or_else(Vec::new, |h| {
                    h.iter()
                        .map(|c| strip_bold(self.slice(&self.trim(c.clone()))).to_lowercase())
                        .collect()
                });
                for row in b.rows.iter().skip(1) {
                    self.ref_row(row, &header);
                }
            }
            _ => self.unrecognised(&b.range, kind_name(&b.kind), "the references"),
        }
    }

    /// A reference written as a table row: `| G1 | term | definition ... |`. A glossary
    /// row's cells go to the fields its `header` names (`Formula`, `Target`,
    /// `Distinctions`, `When to use`); cells under other headings join the definition.
    pub(super) fn ref_row(&mut self, row: &[Range<usize>], header: &[String]) {
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
                    let mut fields: [Vec<String>; 5] = Default::default();
                    let mut by_header = false;
                    for (i, c) in cells.iter().enumerate().skip(2) {
                        let cell = self.cell_text(c);
                        let head = header.get(i).map_or("", String::as_str);
                        let slot = if head.starts_with("formula") {
                            1
                        } else if head.starts_with("target") {
                            2
                        } else if head.starts_with("distinction") {
                            3
                        } else if head.starts_with("when") {
                            4
                        } else {
                            0
                        };
                        by_header |= slot > 0;
                        if !says_none(&cell) {
                            fields[slot].push(cell);
                        }
                    }
                    let field = |v: &[String]| (!v.is_empty()).then(|| v.join(" "));
                    self.glossary.push(GlossaryEntry {
                        id,
                        term: name,
                        aliases: Vec::new(),
                        acronym: false,
                        definition: if by_header { field(&fields[0]) } else { text },
                        formula: field(&fields[1]),
                        targets: field(&fields[2]),
                        distinctions: field(&fields[3]),
                        when_to_use: field(&fields[4]),
                        lang,
                        file: self.file,
                    });
                } else {
                    let tool = self.tool_row(id, name, &cells, header, text);
                    self.tools.push(tool);
                }
            }
            _ => {
                // The reference is the citation cell and any cell under a heading that
                // names no field of its own (a language tag); `Coverage` and `Key
                // sections` are those fields, and a `Type` column is the table's own
                // legend, not part of the reference.
                let mut text = unescape_cell(self.slice(&cells[1]));
                let (mut coverage, mut key_sections) = (None, None);
                for (i, c) in cells.iter().enumerate().skip(2) {
                    let cell = unescape_cell(self.slice(c));
                    if says_none(&cell) {
                        continue;
                    }
                    let head = header.get(i).map_or("", String::as_str);
                    if head.starts_with("coverage") {
                        coverage = Some(cell);
                    } else if head.starts_with("key section") {
                        key_sections = Some(cell);
                    } else if head != "type" && head != "kind" {
                        text.push(' ');
                        text.push_str(&cell);
                    }
                }
                let p = apa::parse(&text);
                let pos = self.pos(cells[1].start);
                let mut src = source_from(id, p, pos, self.file);
                src.coverage = coverage.or(src.coverage);
                src.key_sections = key_sections.or(src.key_sections);
                if kind == 'L' {
                    self.literature.push(src);
                } else {
                    self.citations.push(src);
                }
            }
        }
    }

    /// A table cell's text, unescaped, without a language tag.
    fn cell_text(&self, c: &Range<usize>) -> String {
        RE_LANG_TAG
            .replace_all(&unescape_cell(self.slice(c)), "")
            .trim()
            .to_owned()
    }

    /// A tool written as a table row: each cell goes to the field its column's heading
    /// names (`Pricing`, `Last update`, `Integrations`, `Use cases / Limitations`,
    /// `URL`); cells under other headings, or all of them when no heading names a
    /// field, are the purpose.
    fn tool_row(
        &self,
        id: Sp<String>,
        name: Sp<String>,
        cells: &[Range<usize>],
        header: &[String],
        text: Option<String>,
    ) -> Tool {
        let mut tool = Tool::named(id, name, self.file);
        let mut purpose: Vec<String> = Vec::new();
        let mut by_header = false;
        for (i, c) in cells.iter().enumerate().skip(2) {
            let cell = self.cell_text(c);
            if says_none(&cell) {
                continue;
            }
            let Some(column) = header.get(i).and_then(|h| ToolColumn::of(h)) else {
                purpose.push(cell);
                continue;
            };
            by_header = true;
            match column {
                ToolColumn::Purpose => purpose.push(cell),
                ToolColumn::Category => tool.category = Some(cell),
                ToolColumn::Pricing => tool.pricing = Some(cell),
                ToolColumn::Update => {
                    if let Some(v) = year_month(&cell) {
                        tool.last_update = Some(Sp::new(v, self.pos(c.start)));
                    }
                }
                ToolColumn::Integrations => tool.integrations = split_list(&cell),
                ToolColumn::UseCases => {
                    // `Q6, Q19. Limit: JVM only`: the limitation after its label.
                    let fields =
                        split_labelled(&cell, &["Limitations", "Limitation", "Limits", "Limit"]);
                    for (label, v) in fields {
                        if label.is_empty() {
                            tool.use_cases = Some(v);
                        } else {
                            tool.limitations = Some(v);
                        }
                    }
                }
                ToolColumn::Limitations => tool.limitations = Some(cell),
                ToolColumn::Url => {
                    static RE_HTTP: LazyLock<Regex> =
                        LazyLock::new(|| Regex::new(r"https?://[^\s<>|]+").expect("valid regex"));
                    if let Some(m) = RE_HTTP.find(self.slice(c)) {
                        tool.url = Some(Sp::new(
                            m.as_str().trim_end_matches(['.', ',', ')']).to_owned(),
                            self.pos(c.start + m.start()),
                        ));
                    }
                }
            }
        }
        tool.purpose = if by_header {
            (!purpose.is_empty()).then(|| purpose.join(" "))
        } else {
            text
        };
        tool
    }

    pub(super) fn ref_entry(&mut self, r: Range<usize>, list: Option<char>, _b: &Block) {
        let r = self.trim(r);
        let s = self.slice(&r);
        let Some(c) = RE_REF_ID.captures(s) else {
            self.unrecognised(&r, "text", "the references (no G#/T#/L#/A# id)");
            return;
        };
        let prefix = c[2].to_owned();
        if !matches!(prefix.as_str(), "G" | "T" | "L" | "A") {
            if self.kinds.iter().any(|k| k.prefix == prefix) {
                let id_start = r.start + c.get(2).map_or(0, |m| m.start());
                let id = Sp::new(format!("{prefix}{}", &c[3]), self.pos(id_start));
                let body_start = r.start + c.get(0).map_or(0, |m| m.end());
                let text = self.sp(body_start..r.end);
                self.entry = Some(r.clone());
                self.target = Target::None;
                self.other_refs.push(crate::model::OtherRef {
                    kind: prefix,
                    id,
                    text,
                    file: self.file,
                });
            } else {
                self.unrecognised(&r, "text", "the references (no G#/T#/L#/A# id)");
            }
            return;
        }
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
    pub(super) fn head_and_rest(
        &self,
        body: Range<usize>,
        bold: bool,
    ) -> (Range<usize>, Range<usize>) {
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

    pub(super) fn glossary_entry(&mut self, id: Sp<String>, body: Range<usize>, bold: bool) {
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

    pub(super) fn tool_entry(&mut self, id: Sp<String>, body: Range<usize>, bold: bool) {
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
            category,
            url,
            archived,
            ..Tool::named(id, name, self.file)
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
        if let Some(v) = year_month(&scan) {
            let p = update_text
                .as_ref()
                .map_or(tool.id.pos, |u| pos_of(self, u));
            tool.last_update = Some(Sp::new(v, p));
        }
        self.tools.push(tool);
    }
}

/// A dash (or nothing) under a heading says "none": the field is left out.
fn says_none(cell: &str) -> bool {
    cell.chars().all(|c| matches!(c, '—' | '–' | '-' | ' '))
}

/// The first `YYYY-MM` (or `Q3 2025`, as the quarter's last month) of a text.
fn year_month(text: &str) -> Option<YearMonth> {
    let ym = RE_YEAR_MONTH
        .captures(text)
        .map(|c| format!("{}-{}", &c[1], &c[2]))
        .or_else(|| {
            RE_QUARTER.captures(text).and_then(|c| {
                let q: u32 = c[1].parse().ok()?;
                Some(format!("{}-{:02}", &c[2], q * 3))
            })
        })?;
    YearMonth::parse(&ym).ok()
}

/// The field a tool table's column holds, by its heading (lower-cased).
#[derive(Clone, Copy)]
enum ToolColumn {
    Purpose,
    Category,
    Pricing,
    Update,
    Integrations,
    UseCases,
    Limitations,
    Url,
}

impl ToolColumn {
    fn of(heading: &str) -> Option<ToolColumn> {
        let h = heading;
        Some(if h.contains("use case") || h.starts_with("use") {
            ToolColumn::UseCases
        } else if h.contains("limit") {
            ToolColumn::Limitations
        } else if h.contains("purpose") || h.contains("description") {
            ToolColumn::Purpose
        } else if h.contains("categor") || h == "type" || h == "kind" {
            ToolColumn::Category
        } else if h.contains("pric") || h.contains("licen") || h.contains("cost") {
            ToolColumn::Pricing
        } else if h.contains("update") || h.contains("release") || h.contains("version") {
            ToolColumn::Update
        } else if h.contains("integration") {
            ToolColumn::Integrations
        } else if h.contains("url") || h.contains("link") || h.contains("website") {
            ToolColumn::Url
        } else {
            return None;
        })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_split_on_semicolons_when_items_hold_commas() {
        assert_eq!(split_list("a, b, c."), ["a", "b", "c"]);
        assert_eq!(split_list("x, y; z"), ["x, y", "z"]);
        assert!(split_list(" . ").is_empty());
    }

    #[test]
    fn acronyms_are_capitals_and_digits() {
        assert!(looks_like_acronym("SLO/SLI"));
        assert!(looks_like_acronym("P99"));
        assert!(!looks_like_acronym("Latency"));
        assert!(!looks_like_acronym("A"));
    }

    #[test]
    fn labelled_pieces_start_at_a_sentence_boundary() {
        let s = "Tail latency. Also: p99, p999. Formula: max of calls. Not Also: here";
        assert_eq!(
            split_labelled(s, &["Also", "Formula"]),
            [
                ("", "Tail latency.".to_owned()),
                ("Also", "p99, p999.".to_owned()),
                ("Formula", "max of calls. Not Also: here".to_owned()),
            ]
        );
    }

    #[test]
    fn a_visible_citation_is_read_without_a_comment() {
        let mut sources = crate::model::Sources::default();
        let text = "Gregg, B. (2020). *Systems performance* (2nd ed.). Addison-Wesley. [EN]";
        let file = sources.add("doc.md".into(), text.into());
        let s = visible_source(Sp::bare("A1".to_owned()), text, file);
        assert_eq!(s.year.map(|y| y.value), Some(2020));
        assert_eq!(
            s.title.map(|t| t.value).as_deref(),
            Some("Systems performance")
        );
    }
}
