use std::collections::BTreeSet;

use super::refs_index::RefIndex;
use super::{Ctx, Level, Measurement, Segment, finding, pct, share};
use crate::model::Difficulty;
use crate::text;

declare_gate! {
    /// ## What it checks
    /// The share of questions citing at least one distinct reference, and at least two,
    /// meets the rubric (default >= 70% and >= 30%). A citation is a reference ID inside
    /// `[Ref: ...]` (glossary IDs included: the spec cites `[Ref: G10]`) or a bare
    /// `[A1]`-style ID, counted once per question, in any prose field that is not a
    /// placeholder. A `[G: p99]` mark defines a term (gate 19) and is not a citation.
    /// An advanced question citing fewer than the rubric's `advanced_min` (default 2) is a
    /// warning; a question citing nothing is a note while the shares hold.
    ///
    /// ## Why it matters
    /// Claims in an interview answer should be traceable to a glossary definition, a tool
    /// or a published source, so interviewers can defend them.
    ///
    /// ## How to fix
    /// Cite the glossary entry, tool or source that backs the claim: `[Ref: L1]` or
    /// `[Ref: G3]` after the sentence.
    ///
    /// ## Example
    /// `100% >=1, 82% >=2`.
    pub(crate) static CITATIONS = {
        number: 6,
        name: "citations",
        title: "Citations",
        requirement: |r| format!(
            ">={:.0}% answers >=1 cite, >={:.0}% >=2 cites",
            r.citations.min_share_one * 100.0,
            r.citations.min_share_two * 100.0
        ),
        check: check,
    }
}

/// Distinct reference IDs a question cites: every ID inside `[Ref: ...]` (glossary IDs
/// included) and every bare `[A1]`-style ID, in fields that hold content. A `[G: Term]`
/// mark defines a term (gate 19); it is not a citation.
pub(crate) fn cited(segments: &[Segment<'_>], index: &RefIndex) -> BTreeSet<String> {
    let mut set = BTreeSet::new();
    for seg in segments.iter().filter(|s| s.is_content()) {
        for u in &seg.refs {
            if let text::RefTarget::Id(id) = &u.target {
                set.insert(index.resolve(&u.target).unwrap_or_else(|| id.clone()));
            }
        }
    }
    set
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let qs = &ctx.bank.questions;
    let rules = &ctx.rubric.citations;
    let mut one = 0;
    let mut two = 0;
    let mut diags = Vec::new();
    let mut weak_advanced = 0;
    for (q, segments) in qs.iter().zip(&ctx.segments) {
        let n = cited(segments, &ctx.refs).len();
        one += usize::from(n >= 1);
        two += usize::from(n >= 2);
        if q.difficulty.value == Difficulty::Advanced && n < rules.advanced_min as usize {
            weak_advanced += 1;
            diags.push(
                finding(
                    Level::Preferred,
                    format!(
                        "{} is advanced but cites {n} distinct reference(s); {} expected",
                        ctx.q_name(q),
                        rules.advanced_min
                    ),
                )
                .at(ctx.loc(q.file, q.answer.pos))
                .help("cite the sources behind the answer's figures with [Ref: ID]"),
            );
        }
        if n == 0 {
            diags.push(
                finding(
                    Level::Required,
                    format!("{} cites no reference", ctx.q_name(q)),
                )
                .at(ctx.loc(q.file, q.answer.pos))
                .help("add [Ref: ID] after the claims it supports"),
            );
        }
    }
    let n = qs.len();
    let mut m = Measurement::new(format!("{} >=1, {} >=2", pct(one, n), pct(two, n)));
    let ok_one = share(one, n) + 1e-9 >= rules.min_share_one;
    let ok_two = share(two, n) + 1e-9 >= rules.min_share_two;
    m.require(ok_one && ok_two && n > 0);
    m.prefer(weak_advanced == 0);
    // Questions with no citation are errors when they sink the share below the bar, and
    // notes (which do not change the status) when the shares hold, as gates.md says.
    if ok_one {
        for d in &mut diags {
            if d.is_error() {
                d.severity = crate::diagnostic::Severity::Note;
            }
        }
    }
    if !ok_two {
        diags.push(
            finding(
                Level::Required,
                format!(
                    "only {} of questions cite >=2 references; {:.0}% required",
                    pct(two, n),
                    rules.min_share_two * 100.0
                ),
            )
            .at(ctx.bank_loc()),
        );
    }
    m.diagnostics = diags;
    m
}
