//! Consistency: a change the key insight or the answer's Impact step states (`A → B`,
//! `from A to B`) against the metrics row of the same metric. The row is found by its
//! figures: the row whose baseline is A (or whose optimized is B), alone of its kind,
//! and named in the clause that states the change. When such a row is found and its
//! other value differs from the text's, the text's figure is reported with the row's.
//! A key insight's figure written anywhere else in the question (title, answer, any
//! metrics cell) is not reported: the figures agree somewhere, and which one the insight
//! summarises cannot be told.

use super::checks::{Found, Opts};
use super::quantity::{Dim, Quantity};
use crate::codes::Code;
use std::ops::Range;

/// One metrics row, as the consistency check reads it.
pub struct Row<'t> {
    pub metric: &'t str,
    pub baseline: Option<(Quantity, &'t str)>,
    pub optimized: Option<(Quantity, &'t str)>,
}

/// Where the stated change is: a key insight or an Impact step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    KeyInsight,
    Impact,
}

/// The unit a cell holds when it is nothing but a unit (`seconds`, `ms`, `rps`): a
/// figure of one in it, to give bare values that unit.
pub(crate) fn bare_unit(cell: &str) -> Option<Quantity> {
    let t = cell.trim();
    if t.is_empty() || t.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let probe = format!("1 {t}");
    let qs = super::quantity::scan(&probe);
    match qs.as_slice() {
        [q] if q.span == (0..probe.len()) && q.has_unit() && q.dim != Dim::Count => Some(q.clone()),
        _ => None,
    }
}

/// `a` read in the unit of `b` when `a` is a bare number (`300 → 213 pods`).
pub(crate) fn adopt(a: &Quantity, b: &Quantity) -> Quantity {
    let mut a = a.clone();
    if a.dim == Dim::Count && a.unit.is_empty() && b.has_unit() && b.dim != Dim::Money {
        a.dim = b.dim;
        a.factor = b.factor;
        a.value = a.written * b.factor;
        a.half_ulp *= b.factor;
        a.unit.clone_from(&b.unit);
    }
    a
}

/// Whether two figures can be the same value: one dimension (a bare count and a counted
/// noun agree when the nouns do), within both figures' precision and the tolerances.
pub(crate) fn same(x: &Quantity, y: &Quantity, o: &Opts) -> bool {
    if x.dim != y.dim || !x.is_plain() || !y.is_plain() || x.sign != y.sign {
        return false;
    }
    if x.dim == Dim::Count && !x.unit.is_empty() && !y.unit.is_empty() && x.unit != y.unit {
        return false;
    }
    let m = x.value.abs().max(y.value.abs());
    let mut slack = x.half_ulp + y.half_ulp + o.tolerance * m;
    if x.approx || y.approx {
        slack += o.approx_tolerance * m;
    }
    (x.value - y.value).abs() <= slack + 1e-9 * m.max(1.0)
}

/// Whether two figures disagree beyond doubt: one dimension, and apart by more than
/// their precision and the tolerances.
fn differ(x: &Quantity, y: &Quantity, o: &Opts) -> bool {
    x.dim == y.dim
        && x.is_plain()
        && y.is_plain()
        && (x.dim != Dim::Count || x.unit == y.unit)
        && !same(x, y, o)
}

/// The words of a metric's name that can name it in prose: three characters or more,
/// not a common word, or a percentile (`p99`). CJK names give their whole text.
fn name_words(metric: &str) -> Vec<String> {
    const COMMON: [&str; 16] = [
        "the", "and", "per", "for", "with", "from", "time", "total", "rate", "count", "number",
        "value", "under", "over", "after", "before",
    ];
    let lower = metric.to_lowercase();
    let mut out: Vec<String> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.is_ascii() && w.len() >= 3 && !COMMON.contains(w))
        .map(str::to_owned)
        .collect();
    if !lower.is_ascii() {
        out.extend(
            lower
                .split(|c: char| c.is_ascii() || c.is_whitespace())
                .filter(|w| w.chars().count() >= 2)
                .map(str::to_owned),
        );
    }
    out
}

/// The clause before a change's first value: back to the previous sentence or clause
/// end, a bracket or another figure.
fn clause_before(text: &str, at: usize, prev_end: usize) -> &str {
    let mut start = prev_end.min(at);
    for (i, c) in text[start..at].char_indices().rev() {
        if matches!(
            c,
            '.' | ';' | ',' | '(' | ')' | '\n' | '。' | '，' | '；' | '（' | '）'
        ) {
            start += i + c.len_utf8();
            break;
        }
    }
    &text[start..at]
}

/// Whether `clause` names the metric `metric` (one of its words, as a word).
fn names(clause: &str, metric: &str) -> bool {
    let lower = clause.to_lowercase();
    name_words(metric).iter().any(|w| {
        lower.match_indices(w.as_str()).any(|(i, _)| {
            let before = lower[..i].chars().next_back();
            let after = lower[i + w.len()..].chars().next();
            let ascii = w.is_ascii();
            !ascii
                || (before.is_none_or(|c| !c.is_alphanumeric())
                    && after.is_none_or(|c| !c.is_alphanumeric() || c == 's'))
        })
    })
}

/// Whether `gap` (between a change's two values) is only `to` or an arrow.
fn is_arrow(gap: &str) -> bool {
    matches!(
        gap.trim(),
        "to" | "→" | "->" | "⟶" | "➝" | "=>" | "到" | "至" | "降至" | "降到" | "升至" | "增至"
    )
}

/// The changes `A → B` of a text: pairs of figures joined by an arrow or `to`, neither a
/// link of a chain (`1 → 2 → 4`), both plain and of one kind.
fn changes(text: &str, qs: &[Quantity]) -> Vec<(usize, Quantity, Quantity)> {
    let mut out = Vec::new();
    for w in 0..qs.len().saturating_sub(1) {
        let (a, b) = (&qs[w], &qs[w + 1]);
        if !is_arrow(&text[a.span.end..b.span.start]) {
            continue;
        }
        let chained_before = w > 0 && is_arrow(&text[qs[w - 1].span.end..a.span.start]);
        let chained_after = w + 2 < qs.len() && is_arrow(&text[b.span.end..qs[w + 2].span.start]);
        if chained_before || chained_after || !a.is_plain() || !b.is_plain() {
            continue;
        }
        let a2 = adopt(a, b);
        let b2 = adopt(b, &a2);
        if a2.dim != b2.dim || matches!(a2.dim, Dim::Multiplier | Dim::Points) {
            continue;
        }
        // A bare count on both ends names nothing that a row could be found by.
        if a2.dim == Dim::Count && a2.unit.is_empty() {
            continue;
        }
        out.push((w, a2, b2));
    }
    out
}

/// A row's value read in the unit of the text's figure when the row writes it bare.
fn row_value(q: &Quantity, like: &Quantity) -> Quantity {
    adopt(q, like)
}

/// Checks the changes stated in `text[range]` against the metrics rows. `elsewhere` is
/// every figure of the question outside the text (for a key insight: a figure written
/// elsewhere is not reported).
pub fn check(
    text: &str,
    qs: &[Quantity],
    range: Range<usize>,
    place: Place,
    rows: &[Row<'_>],
    elsewhere: &[&Quantity],
    o: &Opts,
) -> Vec<Found> {
    let mut out = Vec::new();
    for (w, a, b) in changes(text, qs) {
        if !range.contains(&a.span.start) {
            continue;
        }
        let matches = |cell: &Option<(Quantity, &str)>, x: &Quantity| {
            cell.as_ref()
                .is_some_and(|(v, _)| same(&row_value(v, x), x, o))
        };
        let by_a: Vec<&Row<'_>> = rows.iter().filter(|r| matches(&r.baseline, &a)).collect();
        let by_b: Vec<&Row<'_>> = rows.iter().filter(|r| matches(&r.optimized, &b)).collect();
        if by_a.iter().any(|r| matches(&r.optimized, &b)) {
            continue;
        }
        let prev_end = if w > 0 { qs[w - 1].span.end } else { 0 };
        let clause = clause_before(text, a.span.start, prev_end.max(range.start));
        // The one row the change is of, and the end of the change that disagrees with it.
        let (row, wrong, cell) = match (by_a.as_slice(), by_b.as_slice()) {
            ([r], []) => (*r, &b, r.optimized.as_ref()),
            ([], [r]) => (*r, &a, r.baseline.as_ref()),
            _ => continue,
        };
        let Some((right, right_text)) = cell else {
            continue;
        };
        let right_v = row_value(right, wrong);
        if !differ(wrong, &right_v, o) || !names(clause, row.metric) {
            continue;
        }
        if place == Place::KeyInsight
            && elsewhere
                .iter()
                .any(|q| same(&row_value(q, wrong), wrong, o))
        {
            continue;
        }
        let shown = right_text[right.span.clone()].trim().to_owned();
        let (code, what) = match place {
            Place::KeyInsight => (Code::InsightMismatch, "the key insight"),
            Place::Impact => (Code::ImpactMismatch, "the Impact step"),
        };
        out.push(Found {
            code,
            message: format!(
                "{what} gives `{}` where the metrics row `{}` gives `{shown}` ({} → {})",
                text[wrong.span.clone()].trim(),
                row.metric.trim(),
                row.baseline
                    .as_ref()
                    .map_or("?", |(q, t)| t[q.span.clone()].trim()),
                row.optimized
                    .as_ref()
                    .map_or("?", |(q, t)| t[q.span.clone()].trim()),
            ),
            help: "the same metric has one value: correct the text or the metrics row, whichever is wrong",
            range: wrong.span.clone(),
            computed: shown,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::numbers::checks::cell_value;
    use crate::numbers::quantity::scan;

    fn opts() -> Opts {
        Opts::from_rubric(&crate::model::Arithmetic::default())
    }

    fn row<'t>(metric: &'t str, b: &'t str, a: &'t str) -> Row<'t> {
        Row {
            metric,
            baseline: cell_value(b).map(|q| (q, b)),
            optimized: cell_value(a).map(|q| (q, a)),
        }
    }

    #[test]
    fn a_formula_cell_that_is_a_unit_gives_bare_values_their_unit() {
        let u = bare_unit("seconds").expect("a unit");
        let q = adopt(&cell_value("360").expect("a value"), &u);
        assert_eq!(q.value, 360.0);
        let rows = [Row {
            metric: "Recovery after drop",
            baseline: Some((q, "360")),
            optimized: Some((adopt(&cell_value("25").expect("a value"), &u), "25")),
        }];
        assert!(run("recovery 6 min → 25s", Place::Impact, &rows, "").is_empty());
        // Without it, `360` reads in the claim's unit and disagrees.
        let bare = [row("Recovery after drop", "360", "25")];
        assert!(!run("recovery 6 min → 25s", Place::Impact, &bare, "").is_empty());
        // Not a unit: a formula, a count, nothing.
        for cell in ["hits / (hits + misses)", "count", "", "5 s"] {
            assert!(bare_unit(cell).is_none(), "{cell}");
        }
    }

    fn run(text: &str, place: Place, rows: &[Row<'_>], elsewhere: &str) -> Vec<Found> {
        let qs = scan(text);
        let other = scan(elsewhere);
        let refs: Vec<&Quantity> = other.iter().collect();
        check(text, &qs, 0..text.len(), place, rows, &refs, &opts())
    }

    #[test]
    fn impact_agrees_with_its_row() {
        let rows = [
            row("p99 latency", "140 ms", "105 ms"),
            row("Pods at peak", "300", "213"),
            row("Monthly cost", "$120K", "$86.7K"),
        ];
        let t = "**Impact**: pods fell 300 → 213, cost $120K → $86.7K a month (28% lower); p99 improved 140 → 105 ms.";
        assert!(run(t, Place::Impact, &rows, "").is_empty());
        // Unit conversion: 0.14 s is 140 ms.
        assert!(run("p99 0.14 s → 105 ms.", Place::Impact, &rows, "").is_empty());
        // Within the precision written: 105 ms against 105.4 ms.
        let rows2 = [row("p99 latency", "140 ms", "105.4 ms")];
        assert!(run("p99 140 → 105 ms.", Place::Impact, &rows2, "").is_empty());
    }

    #[test]
    fn impact_that_disagrees_is_found() {
        let rows = [
            row("p99 latency", "140 ms", "110 ms"),
            row("Pods at peak", "300", "213"),
        ];
        let f = run("p99 improved 140 → 105 ms.", Place::Impact, &rows, "");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::ImpactMismatch);
        assert_eq!(f[0].computed, "110 ms");
        assert_eq!(&"p99 improved 140 → 105 ms."[f[0].range.clone()], "105 ms");
        // The other end, in another unit.
        let f = run("p99 improved 0.2 s → 110 ms.", Place::Impact, &rows, "");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].computed, "140 ms");
        // Just outside the precision written: 107 ms is 106.5-107.5, the row 110.
        assert_eq!(run("p99 140 → 107 ms.", Place::Impact, &rows, "").len(), 1);
    }

    #[test]
    fn ambiguous_pairings_say_nothing() {
        // Two rows start at 140 ms: which one the change is of cannot be told.
        let rows = [
            row("p99 latency", "140 ms", "110 ms"),
            row("p99 latency at 2K rps", "140 ms", "120 ms"),
        ];
        assert!(run("p99 140 → 105 ms.", Place::Impact, &rows, "").is_empty());
        // The clause does not name the row's metric.
        let rows = [row("Checkout p99", "140 ms", "110 ms")];
        assert!(run("GC pauses 140 → 105 ms.", Place::Impact, &rows, "").is_empty());
        // Neither end matches a row; a chain; a range.
        let rows = [row("p99 latency", "140 ms", "110 ms")];
        assert!(run("p99 200 → 105 ms.", Place::Impact, &rows, "").is_empty());
        assert!(run("p99 140 → 120 → 105 ms.", Place::Impact, &rows, "").is_empty());
        assert!(run("p99 140 → 100-110 ms.", Place::Impact, &rows, "").is_empty());
    }

    #[test]
    fn key_insight_figures_written_elsewhere_are_not_reported() {
        let rows = [row("Run-to-run p95 spread", "22%", "4%")];
        let t = "cut run-to-run p95 spread from 22% to 6% (73% lower).";
        let f = run(t, Place::KeyInsight, &rows, "");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, Code::InsightMismatch);
        assert_eq!(f[0].computed, "4%");
        // The answer writes 6% for the same spread: which one is meant cannot be told.
        assert!(
            run(
                t,
                Place::KeyInsight,
                &rows,
                "spread fell to 6% on the second day"
            )
            .is_empty()
        );
        assert!(
            run(
                "cut p95 spread from 22% to 4%.",
                Place::KeyInsight,
                &rows,
                ""
            )
            .is_empty()
        );
    }
}
