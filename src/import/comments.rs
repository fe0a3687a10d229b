//! The `<!-- qbank: {json} -->` comments qbank's own rendering writes: what each one
//! carries, where it attaches, and the `metadata-disagrees` warning when a comment and
//! the visible text differ (the visible text is what is measured).

use crate::codes::Code;
use serde::Deserialize;

use super::blocks::Block;
use super::{Reader, Target};
use crate::diagnostic::{Diagnostic, Location};
use crate::model::{DiagramKind, Pos, Source, SourceType, Sp, Text};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct MetaComment {
    pub(super) slug: Option<String>,
    pub(super) as_of: Option<String>,
    pub(super) rubric: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct QuestionComment {
    pub(super) id: Option<String>,
    pub(super) roles: Vec<String>,
    pub(super) methods: Vec<String>,
    pub(super) diagram: Option<DiagramKind>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct GlossaryComment {
    /// Written by older versions; the visible `Also:` list is what counts.
    pub(super) aliases: Option<Vec<String>>,
    pub(super) acronym: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct ToolComment {
    pub(super) integrations: Option<Vec<String>>,
}

/// Structured source fields, as the renderer writes them after each reference.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct SourceComment {
    #[serde(rename = "type")]
    pub(super) kind: Option<SourceType>,
    pub(super) authors: Option<Vec<String>>,
    pub(super) editors: Option<Vec<String>>,
    pub(super) year: Option<i32>,
    pub(super) date: Option<String>,
    // Structural fields: absent (not said), `null` (the source has none), or a value.
    #[serde(deserialize_with = "present")]
    pub(super) title: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    pub(super) container: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    pub(super) volume: Option<Option<Text>>,
    #[serde(deserialize_with = "present")]
    pub(super) issue: Option<Option<Text>>,
    #[serde(deserialize_with = "present")]
    pub(super) pages: Option<Option<Text>>,
    #[serde(deserialize_with = "present")]
    pub(super) publisher: Option<Option<String>>,
    #[serde(deserialize_with = "present")]
    pub(super) edition: Option<Option<Text>>,
    pub(super) translators: Vec<String>,
    pub(super) doi: Option<String>,
    pub(super) url: Option<String>,
}

/// A key that is present, even as `null`: `Some(None)`.
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

impl<'t> Reader<'t> {
    pub(super) fn comment(&self, b: &Block) -> Option<&'t str> {
        let s = self.slice(&b.range).trim();
        let body = s.strip_prefix("<!--")?.strip_suffix("-->")?.trim();
        Some(body.strip_prefix("qbank:").unwrap_or("").trim())
    }

    pub(super) fn apply_comment(&mut self, json: &str, b: &Block) {
        let bad = |this: &mut Self, e: serde_json::Error| {
            this.diags.push(
                Diagnostic::warning(Code::BadComment, format!("this qbank comment is not valid: {e}"))
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
    pub(super) fn disagrees(
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
                Code::MetadataDisagrees,
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
    pub(super) fn apply_source_comment(&mut self, s: &mut Source, c: SourceComment, at: usize) {
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
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn a_question_comment_gives_the_id_and_a_bad_one_is_a_warning() {
        let doc = "# T\n\n### Q1: What is it?\n<!-- qbank: {\"id\": \"custom-id\", \"roles\": [\"sre\"]} -->\n\n**Answer**: It is.\n\n### Q2: And this?\n<!-- qbank: {\"id\": -->\n\n**Answer**: This.\n";
        let i = crate::import::import_str(Path::new("doc.md"), doc, None);
        let bank = i.bank.expect("imports");
        assert_eq!(bank.questions[0].id.value, "custom-id");
        assert_eq!(bank.questions[0].roles[0].value, "sre");
        let bad: Vec<_> = i
            .diagnostics
            .iter()
            .filter(|d| d.code == "bad-comment")
            .collect();
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].location.as_ref().map(|l| l.line), Some(9));
    }

    #[test]
    fn a_comment_never_overrides_the_visible_as_of() {
        let doc = "# T\n<!-- qbank: {\"as_of\": \"2026-01-01\"} -->\n\n## Context & Coverage\n\n**As of**: 2026-02-01\n";
        let i = crate::import::import_str(Path::new("doc.md"), doc, None);
        let bank = i.bank.expect("imports");
        assert_eq!(bank.meta.as_of.value.to_string(), "2026-02-01");
        assert!(i.diagnostics.iter().any(|d| d.code == "metadata-disagrees"));
    }
}
