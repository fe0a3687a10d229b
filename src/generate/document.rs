//! A markdown document in the spec's format as sections: the questions (`#### Q7: ...`)
//! and reference entries (`**G3. ...**`) by line, for repair prompts and for splicing a
//! model's replacement questions into the document (`--merge`).

use std::sync::LazyLock;

use regex::Regex;

static QUESTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^#{3,4}\s+Q(\d+)\s*[:.)\-–—]\s*(.*?)\s*$").expect("regex"));
static ENTRY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\s*(?:[-*]\s+)?\*\*([GTLA])(\d+)[.:]").expect("regex"));
static HEADING: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(#{1,6})\s").expect("regex"));

/// One question's lines: `start` is the heading's 0-based line, `end` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct QuestionSpan {
    pub number: u32,
    pub heading: String,
    pub start: usize,
    pub end: usize,
}

/// One reference entry line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct EntrySpan {
    /// `G3`, `T1`, ...
    pub id: String,
    pub line: usize,
}

/// Where things are in a document.
#[derive(Debug, Default)]
pub(crate) struct Outline {
    pub lines: Vec<String>,
    pub questions: Vec<QuestionSpan>,
    pub entries: Vec<EntrySpan>,
    /// 0-based line of each `### Glossary|Tools|Literature|Citations` heading by kind letter.
    pub sections: Vec<(char, usize)>,
    /// 0-based line of each `## ` heading, with its title.
    pub h2: Vec<(String, usize)>,
}

/// A line that opens or closes a fence: its fence characters.
fn fence_of(line: &str) -> Option<String> {
    let t = line.trim_start();
    let c = t.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let run: String = t.chars().take_while(|&x| x == c).collect();
    (run.len() >= 3).then_some(run)
}

impl Outline {
    pub fn parse(text: &str) -> Outline {
        let lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut o = Outline::default();
        let mut fence: Option<String> = None;
        let mut open: Option<QuestionSpan> = None;
        for (i, line) in lines.iter().enumerate() {
            if let Some(f) = &fence {
                if fence_of(line).is_some_and(|g| g.starts_with(f.as_str()))
                    && line.trim().chars().all(|c| c == '`' || c == '~')
                {
                    fence = None;
                }
                continue;
            }
            if let Some(f) = fence_of(line) {
                fence = Some(f);
                continue;
            }
            if let Some(m) = QUESTION.captures(line) {
                if let Some(mut q) = open.take() {
                    q.end = i;
                    o.questions.push(q);
                }
                open = Some(QuestionSpan {
                    number: m[1].parse().unwrap_or(0),
                    heading: m[2].to_owned(),
                    start: i,
                    end: lines.len(),
                });
                continue;
            }
            if let Some(h) = HEADING.captures(line) {
                if h[1].len() <= 3
                    && let Some(mut q) = open.take()
                {
                    q.end = i;
                    o.questions.push(q);
                }
                let title = line.trim_start_matches('#').trim().to_ascii_lowercase();
                if h[1].len() == 2 {
                    o.h2.push((title.clone(), i));
                }
                for (kind, word) in [
                    ('G', "glossary"),
                    ('T', "tools"),
                    ('L', "literature"),
                    ('A', "citations"),
                ] {
                    if h[1].len() == 3 && title.starts_with(word) {
                        o.sections.push((kind, i));
                    }
                }
                continue;
            }
            if open.is_none()
                && let Some(m) = ENTRY.captures(line)
            {
                o.entries.push(EntrySpan {
                    id: format!("{}{}", &m[1], &m[2]),
                    line: i,
                });
            }
        }
        if let Some(q) = open.take() {
            o.questions.push(q);
        }
        // A question's trailing `---` rule and blank lines belong to the space between.
        for q in &mut o.questions {
            while q.end > q.start + 1 {
                let l = lines[q.end - 1].trim();
                if l.is_empty() || l == "---" {
                    q.end -= 1;
                } else {
                    break;
                }
            }
        }
        o.lines = lines;
        o
    }

    /// The question whose lines hold the 1-based `line`.
    pub fn question_at(&self, line: u32) -> Option<&QuestionSpan> {
        let i = (line as usize).checked_sub(1)?;
        self.questions.iter().find(|q| q.start <= i && i < q.end)
    }

    /// The 0-based line range of the `## <title>` section (title compared case-insensitively).
    pub fn section(&self, title: &str) -> Option<(usize, usize)> {
        let pos = self
            .h2
            .iter()
            .position(|(t, _)| t == &title.to_ascii_lowercase())?;
        let end = self.h2.get(pos + 1).map_or(self.lines.len(), |(_, l)| *l);
        Some((self.h2[pos].1, end))
    }

    /// The lines of the `## <title>` section (title compared case-insensitively): its
    /// heading's index and the index of the next `##` heading (or the end).
    fn section_lines(&self, title: &str) -> Option<(usize, usize)> {
        let pos = self
            .h2
            .iter()
            .position(|(t, _)| t == &title.to_ascii_lowercase())?;
        let end = self.h2.get(pos + 1).map_or(self.lines.len(), |(_, l)| *l);
        Some((self.h2[pos].1, end))
    }

    /// The text with the body of the section `title` removed and its heading kept, so a
    /// Contents link to the section still reaches it; unchanged when there is none.
    pub fn without_section_body(&self, title: &str) -> String {
        let Some((start, end)) = self.section_lines(title) else {
            return self.lines.join("\n") + "\n";
        };
        let mut kept: Vec<&str> = self.lines[..=start].iter().map(String::as_str).collect();
        if end < self.lines.len() {
            kept.push("");
        }
        kept.extend(self.lines[end..].iter().map(String::as_str));
        kept.join("\n") + "\n"
    }

    /// The question's text, heading included.
    pub fn question_text(&self, q: &QuestionSpan) -> String {
        self.lines[q.start..q.end].join("\n")
    }
}

/// What splicing a reply into a document did.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Spliced {
    pub text: String,
    pub replaced: Vec<u32>,
    pub added: Vec<u32>,
    pub entries_replaced: Vec<String>,
    pub entries_added: Vec<String>,
}

/// Puts the questions and reference entries of `reply` into `doc`: a question whose
/// number exists replaces it, a new number goes after the last question; an entry whose
/// id exists replaces that line, a new one goes at the end of its section.
/// `None` when the reply holds neither a question nor an entry.
pub(crate) fn splice(doc: &str, reply: &str) -> Option<Spliced> {
    let d = Outline::parse(doc);
    let r = Outline::parse(reply);
    if r.questions.is_empty() && r.entries.is_empty() {
        return None;
    }
    // Replacement text for each line range of the document, applied from the bottom up.
    let mut edits: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let mut out = Spliced::default();
    let mut appended: Vec<String> = Vec::new();
    for q in &r.questions {
        let body: Vec<String> = r.lines[q.start..q.end].to_vec();
        match d.questions.iter().find(|x| x.number == q.number) {
            Some(x) => {
                edits.push((x.start, x.end, body));
                out.replaced.push(q.number);
            }
            None => {
                appended.push(String::new());
                appended.extend(body);
                out.added.push(q.number);
            }
        }
    }
    if !appended.is_empty() {
        let at = d.questions.last().map_or(d.lines.len(), |q| q.end);
        edits.push((at, at, appended));
    }
    let mut new_entries: Vec<(char, Vec<String>)> = Vec::new();
    for e in &r.entries {
        let line = r.lines[e.line].clone();
        match d.entries.iter().find(|x| x.id == e.id) {
            Some(x) => {
                edits.push((x.line, x.line + 1, vec![line]));
                out.entries_replaced.push(e.id.clone());
            }
            None => {
                let kind = e.id.chars().next().unwrap_or('G');
                match new_entries.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, v)) => v.push(line),
                    None => new_entries.push((kind, vec![line])),
                }
                out.entries_added.push(e.id.clone());
            }
        }
    }
    for (kind, lines) in new_entries {
        // The end of the section: the last entry of that kind, else the section heading.
        let last = d
            .entries
            .iter()
            .filter(|x| x.id.starts_with(kind))
            .map(|x| x.line)
            .max()
            .or_else(|| d.sections.iter().find(|(k, _)| *k == kind).map(|(_, l)| *l))
            .unwrap_or(d.lines.len().saturating_sub(1));
        let mut body = Vec::new();
        for l in lines {
            body.push(String::new());
            body.push(l);
        }
        edits.push((last + 1, last + 1, body));
    }
    edits.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)));
    let mut lines = d.lines.clone();
    for (start, end, body) in edits {
        lines.splice(start..end, body);
    }
    out.text = lines.join("\n") + "\n";
    Some(out)
}

/// The markdown document in a model's reply: the body of a `markdown` fence when the reply
/// wraps one (its last closing fence of the same length, so inner fences survive), else
/// the reply from its first heading. `None` when no question or entry is in it.
pub(crate) fn extract(reply: &str) -> Option<String> {
    let lines: Vec<&str> = reply.lines().collect();
    let opening = lines.iter().position(|l| {
        let t = l.trim();
        fence_of(t).is_some_and(|f| {
            let info = t[f.len()..].trim().to_ascii_lowercase();
            info == "markdown" || info == "md"
        })
    });
    let body = match opening {
        Some(i) => {
            let fence = fence_of(lines[i].trim()).unwrap_or_default();
            let close = lines
                .iter()
                .rposition(|l| l.trim() == fence)
                .filter(|&c| c > i)
                .unwrap_or(lines.len());
            lines[i + 1..close].join("\n")
        }
        None => {
            let first = lines.iter().position(|l| HEADING.is_match(l))?;
            lines[first..].join("\n")
        }
    };
    let o = Outline::parse(&body);
    (!o.questions.is_empty() || !o.entries.is_empty()).then(|| body.trim_end().to_owned() + "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "# T\n\n## Q&A by Cluster\n\n### Cluster 1: A (Q1-Q2)\n\n#### Q1: One\nbody one\n```yaml\n# not a heading\n```\n\n---\n\n#### Q2: Two\nbody two\n\n---\n\n## References\n\n### Glossary\n**G1. p99** [EN]: x\n\n### Tools\n**T1. k6** (Load Testing): y\n";

    #[test]
    fn outline_finds_questions_past_code_comments_and_entries() {
        let o = Outline::parse(DOC);
        let spans: Vec<_> = o
            .questions
            .iter()
            .map(|q| (q.number, q.start, q.end))
            .collect();
        assert_eq!(spans, [(1, 6, 11), (2, 14, 16)]);
        let ids: Vec<_> = o.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["G1", "T1"]);
        assert_eq!(o.question_at(9).map(|q| q.number), Some(1));
        assert_eq!(o.question_at(20), None);
    }

    #[test]
    fn a_sections_body_goes_and_its_heading_stays() {
        let doc = "# T\n\n- [Validation Results](#validation-results)\n\n## Validation Results\n\n| 1 | PASS |\n\n## Notes\n\nkept\n";
        let out = Outline::parse(doc).without_section_body("Validation Results");
        assert_eq!(
            out,
            "# T\n\n- [Validation Results](#validation-results)\n\n## Validation Results\n\n## Notes\n\nkept\n"
        );
        assert!(crate::outline::broken_written_links(&out).is_empty());
        let last = "# T\n\n## Validation Results\n\n| 1 | PASS |\n";
        assert_eq!(
            Outline::parse(last).without_section_body("validation results"),
            "# T\n\n## Validation Results\n"
        );
    }

    #[test]
    fn splice_replaces_and_adds_questions_and_entries() {
        let reply = "#### Q2: Two, better\nnew body\n\n#### Q3: Three\nthree\n\n### Glossary\n**G2. p50** [EN]: z\n### Tools\n**T1. k6** (Load Testing): fixed\n";
        let s = splice(DOC, reply).unwrap();
        assert_eq!(s.replaced, [2]);
        assert_eq!(s.added, [3]);
        assert_eq!(s.entries_added, ["G2"]);
        assert_eq!(s.entries_replaced, ["T1"]);
        assert!(
            s.text
                .contains("#### Q2: Two, better\nnew body\n\n#### Q3: Three\nthree\n\n---")
        );
        assert!(
            s.text
                .contains("**G1. p99** [EN]: x\n\n**G2. p50** [EN]: z\n")
        );
        assert!(s.text.contains("**T1. k6** (Load Testing): fixed"));
        assert!(!s.text.contains("body two"));
        assert!(s.text.contains("body one"));
    }

    #[test]
    fn extract_takes_the_outer_fence_and_refuses_prose() {
        let reply = "Here it is:\n\n````markdown\n#### Q1: A\n```yaml\nk: v\n```\n````\nThanks";
        assert_eq!(extract(reply).unwrap(), "#### Q1: A\n```yaml\nk: v\n```\n");
        let reply = "```markdown\n#### Q1: A\n```yaml\nk: v\n```\n```\n";
        assert_eq!(extract(reply).unwrap(), "#### Q1: A\n```yaml\nk: v\n```\n");
        assert_eq!(extract("I cannot help with that."), None);
        assert_eq!(extract("# Title\n\nno questions"), None);
    }
}
