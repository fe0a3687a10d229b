//! Numbers that add up: figures read with their units ([`quantity`]), worked equations
//! evaluated ([`expr`]), and the checks that compare what a text states with what its own
//! figures give ([`checks`]). One check serves a YAML bank and an imported document: it
//! reads the questions' prose fields and metrics rows of the model, with code masked.
//!
//! Findings count against the gate that owns the figure (the rubric's `arithmetic.gate`,
//! by default 20; `arithmetic.impact_gate`, by default 10, for a key insight and the
//! answer's Impact step).

pub mod checks;
pub mod consistency;
pub mod edit;
pub mod expr;
pub mod quantity;

use crate::codes::Code;
use std::ops::Range;

use crate::diagnostic::{Diagnostic, Severity};
use crate::gates::{Ctx, GateResult, Status};
use crate::model::FindingLevel;

/// The diagnostic codes of the arithmetic check, with what each means.
/// The codes of the arithmetic checks (registered in `crate::codes`).
pub(crate) const CODES: [Code; 7] = [
    Code::ChangeMismatch,
    Code::EquationMismatch,
    Code::ImpactMismatch,
    Code::InsightMismatch,
    Code::ImpossibleReduction,
    Code::ImpossibleShare,
    Code::PercentileOrder,
];

/// The rules, as `docs/gates.md` and `qbank explain CODE` show them.
pub(crate) const DOC: &str = "
## Arithmetic

Figures are read with their units from prose and metrics cells (code, inline code and
URLs masked): durations (ns to days, 毫秒, 秒, 小时), rates (rps, qps, tps, ops/s,
events/min, `39K q/s`), sizes (B to PB, KiB to TiB), bandwidth (bps to Tbps, MB/s),
percentages, percentage points (`pts`, `pp`, 个百分点), multipliers (`3.4x`, `3.4×`,
`3 times`, 倍), money (`$86.7K`, `$1.2M`), K/M/万/亿 suffixes, thousands separators,
ranges (`40-60%`, `90–160 ms`), approximations (`~`, `≈`, `about`, 约) and bounds (`<`,
`≥`, `under`). Units are converted before figures are compared (`8.5 s → 950 ms` is
88.8% lower); figures of different kinds are never compared.

A figure stands for the interval its digits give (`77%` is 76.5-77.5, `9.6K` is
9.55K-9.65K, `4,300` is 4,250-4,350), widened by the rubric's `arithmetic.tolerance`
(relative, default 0.5%) and, for a figure marked approximate, `approx_tolerance`
(default 5%). A finding is made only when no reading of the figures agrees: where a
text can be read two ways (a percentage change of two percentages as points or as a
relative change, `40% faster` against the old or the new value, `3x more` as 3x or 4x),
every reading is tried. Ranges, bounds and chains (`1 → 2 → 4`) are never checked.

| Code | What it checks |
|---|---|
| `change-mismatch` | A metrics row's improvement against its baseline and optimized values (a percentage change against the baseline, a multiplier, points, or a difference in the values' unit), and prose changes `from A to B (C% lower)`, `A → B, a C% cut`, `A → B (2.3x)`; the direction stated (`lower`, `fewer`, `↓`, `higher`) must be the values' direction. A percentage in prose is checked only with a word of direction or a sign. |
| `equation-mismatch` | A worked equation `expression = value` (or `≈`) over figures joined by `+ − × x * / ÷ ^` and parentheses: its value must be the stated result at the result's precision. An expression that starts with a variable (`rate × 0.5 s = ...`) is not evaluated. |
| `percentile-order` | Percentiles of one measurement listed together in one sentence (`p50 80 ms, p95 210 ms, p99 390 ms`) must not fall as the percentile rises (p50 ≤ p90 ≤ p95 ≤ p99 ≤ max). |
| `impossible-share` | A percentage that is a share of a whole (a metrics row named by `arithmetic.share_words`, or prose such as `a hit rate of 120%`) above 100%. |
| `impossible-reduction` | A reduction above 100% (`150% lower`). |
| `impact-mismatch` | A change the answer's Impact step states (`A → B`, `from A to B`) against the metrics row of the same metric: the row whose baseline is A (or whose optimized is B), the only such row, named in the clause that states the change (a word of the row's metric name). When that row's other value differs from the text's beyond both figures' precision, the text's figure is reported with the row's value. |
| `insight-mismatch` | The same for a change the key insight states, reported only when the key insight's figure is written nowhere else in the question (title, answer, any metrics cell). |

Where two rows could be meant, the clause names no row, a value is a range or a bound,
or the row has no value for the other end, nothing is said.

`qbank fix` lists the recomputed values of `change-mismatch` and `equation-mismatch`
findings as unsafe fixes; `qbank fix --unsafe` writes each over the figure it marks (the
editor's code action writes the same text) and reports it: the figure that is wrong may
be an operand rather than the result, so each one is for review. A consistency finding
has no fix: which of the two figures is wrong cannot be told.

Where they count: a finding in a key insight or in the answer's Impact step fails gate
`arithmetic.impact_gate` (default 10, Quantified Impact); every other one fails
`arithmetic.gate` (default 20, Self-Review). They are errors by default
(`arithmetic.severity: warning` makes them warnings) and, like every code, can be
selected (`--select change-mismatch`), ignored (`--ignore equation-mismatch`) or
suppressed in place (`qbank-ignore: change-mismatch -- reason`).
`arithmetic.enabled: false` turns the check off.
";

/// The explanation of one of the check's codes (`qbank explain change-mismatch`).
pub(crate) fn explain(code: Code) -> Option<String> {
    CODES.contains(&code).then(|| {
        format!(
            "{}{}",
            code.doc(),
            DOC.replacen("\n## Arithmetic\n", "\n## The arithmetic rules\n", 1)
        )
    })
}

/// Where the answer's Impact step is: from the paragraph that opens with the step's label
/// to the next blank line.
fn impact_step(answer: &str, label: &str) -> Option<Range<usize>> {
    if label.is_empty() {
        return None;
    }
    let mut offset = 0;
    let mut found: Option<Range<usize>> = None;
    for para in answer.split_inclusive("\n\n") {
        let t = para
            .trim_start()
            .trim_start_matches(['-', '*', '#', ' ', '>'])
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')')
            .trim_start()
            .trim_start_matches('*');
        if t.len() >= label.len()
            && t.is_char_boundary(label.len())
            && t[..label.len()].eq_ignore_ascii_case(label)
            && t[label.len()..].starts_with(['*', ':', ' ', '：'])
        {
            found = Some(offset..offset + para.len());
        }
        offset += para.len();
    }
    found
}

/// Every arithmetic finding of the bank, with the gate that owns it.
pub(crate) fn check(ctx: &Ctx<'_>) -> Vec<(u8, Diagnostic)> {
    let a = &ctx.rubric.arithmetic;
    if !a.enabled {
        return Vec::new();
    }
    let o = checks::Opts::from_rubric(a);
    let severity = match a.severity {
        FindingLevel::Error => Severity::Error,
        FindingLevel::Warning => Severity::Warning,
    };
    let label = ctx
        .rubric
        .chain
        .steps
        .iter()
        .find(|s| s.id == "impact")
        .map_or("", |s| s.label.as_str());
    let mut out = Vec::new();
    for (q, segments) in ctx.bank.questions.iter().zip(&ctx.segments) {
        let mut push = |gate: u8, value: &crate::model::Sp<String>, f: checks::Found| {
            let d = Diagnostic::new(
                severity,
                f.code,
                format!("{}: {}", ctx.q_name(q), f.message),
            )
            .at(ctx.loc_in(q.file, value, f.range))
            .help(format!("{} (computed: {})", f.help, f.computed));
            out.push((gate, d));
        };
        // Each text's figures are read once and serve every check below.
        let scans: Vec<Vec<quantity::Quantity>> = segments
            .iter()
            .map(|seg| {
                if seg.is_content() {
                    quantity::scan(&seg.masked)
                } else {
                    Vec::new()
                }
            })
            .collect();
        let mut impact_range = None;
        for (seg, qs) in segments.iter().zip(&scans) {
            if qs.is_empty() {
                continue;
            }
            let impact = match seg.field {
                "key_insight" => Some(0..seg.masked.len()),
                "answer" => {
                    impact_range = impact_step(&seg.masked, label);
                    impact_range.clone()
                }
                _ => None,
            };
            for f in checks::check_text_in(&seg.masked, qs, &o) {
                let owned = impact.as_ref().is_some_and(|r| r.contains(&f.range.start));
                push(if owned { a.impact_gate } else { a.gate }, seg.value, f);
            }
        }
        let cell = |v: &crate::model::Sp<String>| {
            segments
                .iter()
                .zip(&scans)
                .find(|(s, _)| std::ptr::eq(s.value, v))
                .map(|(s, qs)| (s.masked.as_str(), qs.as_slice()))
        };
        let mut table = Vec::new();
        for m in &q.metrics {
            let (Some(b), Some(opt), Some(imp)) =
                (cell(&m.baseline), cell(&m.optimized), cell(&m.improvement))
            else {
                continue;
            };
            for f in checks::check_row_in(b, opt, imp, &o) {
                push(a.gate, &m.improvement, f);
            }
            if checks::is_share(&m.metric.value, &o) {
                for (value, (text, qs)) in [(&m.baseline, b), (&m.optimized, opt)] {
                    for f in checks::row_share_in(text, qs) {
                        push(a.gate, value, f);
                    }
                }
            }
            fn value<'t>(
                (text, qs): (&'t str, &[quantity::Quantity]),
            ) -> Option<(quantity::Quantity, &'t str)> {
                checks::cell_value_in(text, qs).map(|q| (q, text))
            }
            let (mut baseline, mut optimized) = (value(b), value(opt));
            // A unit written in the formula column (`Recovery | seconds | 360 | 25`) is
            // the unit of the row's bare values; the column is read only for such a row.
            let bare = |v: &Option<(quantity::Quantity, &str)>| {
                v.as_ref().is_some_and(|(q, _)| !q.has_unit())
            };
            if (bare(&baseline) || bare(&optimized))
                && let Some(u) = consistency::bare_unit(&m.formula.value)
            {
                for (q, _) in [&mut baseline, &mut optimized].into_iter().flatten() {
                    *q = consistency::adopt(q, &u);
                }
            }
            table.push(consistency::Row {
                metric: &m.metric.value,
                baseline,
                optimized,
            });
        }
        if table.is_empty() {
            continue;
        }
        // The key insight and the Impact step against the metrics rows.
        for (i, (seg, qs)) in segments.iter().zip(&scans).enumerate() {
            let (place, range) = match seg.field {
                "key_insight" => (consistency::Place::KeyInsight, 0..seg.masked.len()),
                "answer" => match &impact_range {
                    Some(r) => (consistency::Place::Impact, r.clone()),
                    None => continue,
                },
                _ => continue,
            };
            if qs.len() < 2 {
                continue;
            }
            let elsewhere: Vec<&quantity::Quantity> = scans
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .flat_map(|(_, v)| v)
                .collect();
            for f in consistency::check(&seg.masked, qs, range, place, &table, &elsewhere, &o) {
                push(a.impact_gate, seg.value, f);
            }
        }
    }
    out
}

/// Adds the arithmetic findings to the gates that own them: an error fails the gate, a
/// warning makes a passing gate warn. A finding whose gate the rubric does not run is
/// not reported.
pub(crate) fn attach(ctx: &Ctx<'_>, results: &mut [GateResult]) {
    let found = check(ctx);
    if found.is_empty() {
        return;
    }
    let mut seen = std::collections::HashSet::new();
    for (gate, mut d) in found {
        let key = (d.location.clone(), d.code.clone());
        if !seen.insert(key) {
            continue;
        }
        let Some(g) = results.iter_mut().find(|g| g.number == gate) else {
            continue;
        };
        d.gate = Some(gate);
        match d.severity {
            Severity::Error if g.status != Status::Skip => g.status = Status::Fail,
            Severity::Warning if g.status == Status::Pass => g.status = Status::Warn,
            _ => {}
        }
        g.diagnostics.push(d);
    }
    for g in results.iter_mut() {
        let n = g
            .diagnostics
            .iter()
            .filter(|d| d.registered().is_some_and(|c| CODES.contains(&c)))
            .count();
        if n > 0 {
            g.evidence.push_str(&format!(
                "; {n} arithmetic {}",
                if n == 1 { "finding" } else { "findings" }
            ));
            crate::diagnostic::sort(&mut g.diagnostics);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impact_step_is_found_by_its_label() {
        let a = "**SLO**: p99 < 300 ms.\n\n**Impact**: 350 → 65 ms (81% lower).\n\nMore.";
        let r = impact_step(a, "Impact").unwrap();
        assert!(a[r].starts_with("**Impact**"));
        assert!(impact_step("Impactful work: 3 → 2 (x)", "Impact").is_none());
        assert!(impact_step("no steps", "").is_none());
    }

    #[test]
    fn explain_names_the_code_and_the_rules() {
        let t = explain(Code::ChangeMismatch).unwrap();
        assert!(t.starts_with("# `change-mismatch`"));
        assert!(t.contains("| `equation-mismatch` |"));
        assert!(explain(Code::Io).is_none());
    }
}
