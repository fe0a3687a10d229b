//! The rendered document's headings and its Contents links, in the spec's Output Format:
//! what `render` writes and what gate 20 (self-review) measures, outside both.

use crate::model::Bank;
use crate::text;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Heading {
    pub level: u8,
    pub text: String,
}

/// A Contents entry: its label and the heading it points at (an index into `headings`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TocLink {
    pub label: String,
    pub target: usize,
    /// The anchor written in the link: GitHub's slug of the target heading's text.
    pub anchor: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Outline {
    pub headings: Vec<Heading>,
    pub toc: Vec<TocLink>,
}

impl Outline {
    /// The anchors GitHub gives the headings, with `-1`, `-2` suffixes for repeats.
    pub fn anchors(&self) -> Vec<String> {
        text::unique_slugs(self.headings.iter().map(|h| h.text.as_str()))
    }

    /// Contents links whose anchor does not reach their heading.
    pub fn broken_links(&self) -> Vec<&TocLink> {
        let anchors = self.anchors();
        self.toc
            .iter()
            .filter(|l| anchors.get(l.target) != Some(&l.anchor))
            .collect()
    }
}

/// "Cluster 2: Throughput Scaling (Q6-Q10)".
pub(crate) fn cluster_heading(index: usize, title: &str, first: usize, last: usize) -> String {
    if first == 0 {
        format!("Cluster {index}: {title}")
    } else if first == last {
        format!("Cluster {index}: {title} (Q{first})")
    } else {
        format!("Cluster {index}: {title} (Q{first}-Q{last})")
    }
}

/// "4×4 MECE Coverage Matrix" for the rubric's axes.
pub(crate) fn matrix_heading(bank: &Bank) -> String {
    format!(
        "{}×{} MECE Coverage Matrix",
        bank.rubric.dimensions.values.len(),
        bank.rubric.phases.values.len()
    )
}

/// The outline of the document rendered for `bank`.
pub(crate) fn outline(bank: &Bank) -> Outline {
    let mut o = Outline::default();
    let push = |o: &mut Outline, level: u8, text: String| -> usize {
        o.headings.push(Heading { level, text });
        o.headings.len() - 1
    };
    push(&mut o, 1, bank.meta.title.value.clone());
    push(&mut o, 2, "Contents".to_owned());
    let context = push(&mut o, 2, "Context & Coverage".to_owned());
    push(&mut o, 3, matrix_heading(bank));
    let qa = push(&mut o, 2, "Q&A by Cluster".to_owned());
    let mut cluster_targets = Vec::new();
    for (i, (c, qs)) in bank.by_cluster().into_iter().enumerate() {
        let (first, last) = (qs.first().map_or(0, |q| q.0), qs.last().map_or(0, |q| q.0));
        let h = push(
            &mut o,
            3,
            cluster_heading(i + 1, &c.title.value, first, last),
        );
        cluster_targets.push(h);
        for (n, q) in qs {
            push(&mut o, 4, format!("Q{n}: {}", q.title.value.trim()));
        }
    }
    let refs = push(&mut o, 2, "References".to_owned());
    let sub: Vec<usize> = ["Glossary", "Tools", "Literature", "Citations"]
        .into_iter()
        .map(|s| push(&mut o, 3, s.to_owned()))
        .collect();
    let validation = push(&mut o, 2, "Validation Results".to_owned());

    let link = |o: &mut Outline, target: usize| {
        let label = o.headings[target].text.clone();
        let anchor = text::slug(&label);
        o.toc.push(TocLink {
            label,
            target,
            anchor,
        });
    };
    link(&mut o, context);
    link(&mut o, qa);
    for t in cluster_targets {
        link(&mut o, t);
    }
    link(&mut o, refs);
    for t in sub {
        link(&mut o, t);
    }
    link(&mut o, validation);
    o
}

/// An in-document link of a markdown text (`[text](#anchor)`) that reaches no heading.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WrittenLink {
    /// Byte offset of the link in the text.
    pub offset: usize,
    pub label: String,
    /// The anchor as written, without `#`.
    pub anchor: String,
    /// The heading anchor closest to it, when one is close.
    pub nearest: Option<String>,
}

/// `%E4%B8%AD` and the like decoded; text that is not valid percent-encoding kept.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(s.get(i + 1..i + 3).unwrap_or_default(), 16)
        {
            out.push(v);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_owned())
}

/// The in-document links of `text` that resolve to none of its headings under GitHub's
/// slug rules (repeats get `-1`, `-2` ...), nor to an HTML `id` or `name` anchor. Links
/// in code are not links. Anchors compare without case, as GitHub resolves them.
pub(crate) fn broken_written_links(text: &str) -> Vec<WrittenLink> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    static HTML_ANCHOR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"(?i)\b(?:id|name)\s*=\s*["']([^"']+)["']"#).expect("valid regex")
    });
    let mut headings: Vec<String> = Vec::new();
    let mut html_anchors: Vec<String> = Vec::new();
    let mut links: Vec<(usize, String, String)> = Vec::new();
    let mut heading: Option<String> = None;
    let mut link: Option<(usize, String, String)> = None;
    for (ev, range) in Parser::new_ext(text, crate::import::blocks::options()).into_offset_iter() {
        match ev {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => headings.extend(heading.take()),
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(anchor) = dest_url.strip_prefix('#') {
                    link = Some((range.start, String::new(), percent_decode(anchor)));
                }
            }
            Event::End(TagEnd::Link) => links.extend(link.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
                if let Some(l) = link.as_mut() {
                    l.1.push_str(&t);
                }
            }
            Event::Html(h) | Event::InlineHtml(h) => {
                html_anchors.extend(HTML_ANCHOR.captures_iter(&h).map(|c| c[1].to_lowercase()));
            }
            _ => {}
        }
    }
    let anchors: Vec<String> = text::unique_slugs(headings.iter().map(String::as_str));
    let known: std::collections::HashSet<String> =
        anchors.iter().cloned().chain(html_anchors).collect();
    links
        .into_iter()
        .filter(|(_, _, a)| !a.is_empty() && !known.contains(&a.to_lowercase()))
        .map(|(offset, label, anchor)| WrittenLink {
            nearest: crate::diagnostic::did_you_mean(&anchor, anchors.iter().map(String::as_str))
                .map(str::to_owned),
            offset,
            label,
            anchor,
        })
        .collect()
}

#[cfg(test)]
mod written_link_tests {
    use super::*;

    #[test]
    fn links_resolve_to_headings_as_github_slugs_them() {
        let doc = "# Bank\n\n## Contents\n- [Context & Coverage](#context--coverage)\n- [Cluster 1](#cluster-1-latency-q1-q5)\n- [Refs](#references)\n- [Again](#notes-1)\n- [Top](#top)\n\n## Context & Coverage\n\n## Cluster 1: Latency (Q1-Q5)\n\n## References\n\n## Notes\n\n## Notes\n\n<a id=\"top\"></a>\n\n```md\n[not a link](#nowhere)\n```\n";
        assert!(
            broken_written_links(doc).is_empty(),
            "{:?}",
            broken_written_links(doc)
        );
    }

    #[test]
    fn a_link_to_no_heading_is_reported_where_it_is_written() {
        let doc = "# Bank\n\n## Contents\n- [Cluster 1](#cluster-1-latency)\n- [中文](#%E5%8F%82%E8%80%83)\n\n## Cluster 1: Latency (Q1-Q5)\n\n## 参考\n";
        let broken = broken_written_links(doc);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert_eq!(broken[0].anchor, "cluster-1-latency");
        assert_eq!(broken[0].label, "Cluster 1");
        assert_eq!(&doc[broken[0].offset..broken[0].offset + 1], "[");
        assert_eq!(
            broken[0].nearest.as_deref(),
            Some("cluster-1-latency-q1-q5")
        );
    }
}
