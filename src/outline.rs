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
