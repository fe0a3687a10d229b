//! The checks: a stated change against its two values (metrics rows and prose), a worked
//! equation against its result, percentiles in order, shares and reductions within 100%.
//! Each returns [`Found`]s with the byte range of the figure at fault; where a figure can
//! be read two ways, every reading is tried and nothing is said if one of them holds.

use super::expr;
use super::quantity::{Dim, Quantity, number, scan};
use crate::codes::Code;
use std::ops::Range;

/// A finding in one text, before it is placed in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub code: Code,
    pub message: String,
    pub help: &'static str,
    /// Bytes of the figure at fault in the text checked.
    pub range: Range<usize>,
    /// The recomputed value, as the text would write it.
    pub computed: String,
}

/// What the checks read from the rubric.
#[derive(Debug, Clone)]
pub struct Opts {
    pub tolerance: f64,
    pub approx_tolerance: f64,
    pub lower: Vec<String>,
    pub higher: Vec<String>,
    pub share: Vec<String>,
}

impl Opts {
    pub fn from_rubric(a: &crate::model::Arithmetic) -> Opts {
        let low = |v: &[String]| v.iter().map(|w| w.to_lowercase()).collect();
        Opts {
            tolerance: a.tolerance.max(0.0),
            approx_tolerance: a.approx_tolerance.max(0.0),
            lower: low(&a.lower_words),
            higher: low(&a.higher_words),
            share: low(&a.share_words),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    Down,
    Up,
}

/// Whether `stem` occurs in `lower` at a word start (a short stem of four letters or
/// fewer must be the whole word).
fn has_stem(lower: &str, stem: &str) -> bool {
    let ascii = stem.bytes().all(|b| b.is_ascii_alphabetic());
    let (hay, n) = (lower.as_bytes(), stem.as_bytes());
    if n.is_empty() {
        return false;
    }
    // The texts are short: a byte loop on the stem's first byte beats a substring search.
    let mut from = 0;
    while from + n.len() <= hay.len() {
        let Some(i) = hay[from..=hay.len() - n.len()]
            .iter()
            .position(|&b| b == n[0])
        else {
            break;
        };
        if !hay[from + i..].starts_with(n) {
            from += i + 1;
            continue;
        }
        let at = from + i;
        let end = at + stem.len();
        let start_ok = !ascii
            || lower[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric());
        let end_ok = !ascii
            || stem.len() > 4
            || lower[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_alphanumeric());
        if start_ok && end_ok {
            return true;
        }
        from = end;
    }
    false
}

/// The direction words written next to a claim, and whether it speaks of speed.
fn direction(context: &str, o: &Opts) -> (Option<Dir>, bool) {
    let lower = context.to_lowercase();
    let down = o.lower.iter().any(|w| has_stem(&lower, w));
    let up = o.higher.iter().any(|w| has_stem(&lower, w));
    let speed = [
        "faster", "slower", "speedup", "speed-up", "quicker", "快", "慢",
    ]
    .iter()
    .any(|w| has_stem(&lower, w));
    let dir = match (down, up) {
        (true, false) => Some(Dir::Down),
        (false, true) => Some(Dir::Up),
        _ => None,
    };
    (dir, speed)
}

/// The text around a claim that says which way it goes: a few words before, and after
/// it up to a closing bracket or clause end.
fn claim_context<'t>(text: &'t str, q: &Quantity) -> &'t str {
    let mut start = q.span.start;
    for (i, c) in text[..q.span.start].char_indices().rev().take(16) {
        if matches!(c, '(' | ',' | '|' | ';' | '\n' | '（' | '，') {
            break;
        }
        start = i;
    }
    let mut end = q.span.end;
    for (i, c) in text[q.span.end..].char_indices().take(28) {
        if matches!(c, ')' | ',' | '|' | ';' | '\n' | '）' | '，' | '。') {
            break;
        }
        end = q.span.end + i + c.len_utf8();
    }
    &text[start..end]
}

/// `a` read in the unit of `b` when `a` is a bare number (`4.2K to 9.6K rps`).
fn adopt(a: &Quantity, b: &Quantity) -> Quantity {
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

/// The two values of a change, in one unit, or `None` when they are not comparable.
fn pair(a: &Quantity, b: &Quantity) -> Option<(Quantity, Quantity)> {
    if !a.is_plain() || !b.is_plain() || a.sign == Some('-') || b.sign == Some('-') {
        return None;
    }
    let a2 = adopt(a, b);
    let b2 = adopt(b, &a2);
    if a2.dim != b2.dim || matches!(a2.dim, Dim::Points | Dim::Multiplier) {
        return None;
    }
    if a2.dim == Dim::Count && a2.unit != b2.unit && !a2.unit.is_empty() && !b2.unit.is_empty() {
        return None;
    }
    if a2.value <= 0.0 || b2.value < 0.0 {
        return None;
    }
    Some((a2, b2))
}

/// The interval of `f(a, b)` for a and b within their precision (f is monotone in each).
fn interval(a: &Quantity, b: &Quantity, o: &Opts, f: impl Fn(f64, f64) -> f64) -> (f64, f64) {
    let slack = |q: &Quantity| {
        q.half_ulp
            + if q.approx {
                o.approx_tolerance * q.value
            } else {
                0.0
            }
    };
    let (ha, hb) = (slack(a), slack(b));
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for x in [a.value - ha, a.value + ha] {
        for y in [b.value - hb, b.value + hb] {
            if x <= 0.0 {
                continue;
            }
            let v = f(x, y);
            if v.is_finite() {
                lo = lo.min(v);
                hi = hi.max(v);
            }
        }
    }
    (lo, hi)
}

/// The claim's accepted interval: its precision, the rubric's tolerance, and the
/// approximation slack when it is marked approximate.
fn accepted(c: &Quantity, value: f64, o: &Opts, approx: bool) -> (f64, f64) {
    // The claim's half unit is in its base unit, which is the unit compared.
    let mut s = c.half_ulp;
    s += o.tolerance * value.abs();
    if approx || c.approx {
        s += o.approx_tolerance * value.abs();
    }
    (value - s - 1e-9, value + s + 1e-9)
}

fn meets(i: (f64, f64), j: (f64, f64)) -> bool {
    i.0 <= j.1 && j.0 <= i.1
}

/// Checks the change `claim` states between `a` and `b`; `context` is the text around
/// the claim. Returns the recomputed change, as the claim would write it, when no
/// reading of the claim agrees with the two values.
fn verify(a: &Quantity, b: &Quantity, claim: &Quantity, context: &str, o: &Opts) -> Option<String> {
    let (a, b) = pair(a, b)?;
    let (mut dir, speed) = direction(context, o);
    if speed {
        dir = None;
    }
    let c = claim.value;
    match claim.dim {
        Dim::Percent => {
            let rel = interval(&a, &b, o, |x, y| (y - x) / x * 100.0);
            let mut readings = vec![rel];
            if speed {
                readings.push(interval(&b, &a, o, |y, x| (x - y) / y * 100.0));
                readings.push(interval(&b, &a, o, |y, x| (y - x) / y * 100.0));
                readings.push(interval(&a, &b, o, |x, y| (y / x) * 100.0));
                readings.push(interval(&b, &a, o, |y, x| (x / y) * 100.0));
            }
            if a.dim == Dim::Percent {
                readings.push(interval(&a, &b, o, |x, y| y - x));
            }
            let target = match (dir, claim.sign) {
                (Some(Dir::Down), _) => -c,
                (Some(Dir::Up), _) => c,
                _ => f64::NAN,
            };
            let ok = if target.is_nan() {
                // No direction word: the size of the change, either way.
                let acc = accepted(claim, c, o, false);
                readings.iter().any(|r| {
                    meets((r.0.abs().min(r.1.abs()), r.0.abs().max(r.1.abs())), acc)
                        || meets(*r, acc)
                        || meets((-r.1, -r.0), acc)
                })
            } else {
                let acc = accepted(claim, target, o, false);
                readings.iter().any(|r| meets(*r, acc))
            };
            if ok {
                return None;
            }
            let r = (rel.0 + rel.1) / 2.0;
            let word = if r < 0.0 { "lower" } else { "higher" };
            Some(format!("{}% {word}", number(r.abs())))
        }
        Dim::Multiplier => {
            let up = interval(&a, &b, o, |x, y| y / x);
            let down = interval(&b, &a, o, |y, x| if y > 0.0 { x / y } else { f64::NAN });
            let acc = accepted(claim, c, o, false);
            let minus_one = |r: (f64, f64)| (r.0 - 1.0, r.1 - 1.0);
            let ok = [up, down, minus_one(up), minus_one(down)]
                .iter()
                .any(|r| meets(*r, acc));
            if ok {
                return None;
            }
            let r = if b.value >= a.value {
                b.value / a.value
            } else {
                a.value / b.value
            };
            Some(format!("{}x", number(r)))
        }
        Dim::Points if a.dim == Dim::Percent => {
            let d = interval(&a, &b, o, |x, y| y - x);
            let target = match dir {
                Some(Dir::Down) => -c,
                Some(Dir::Up) => c,
                None => f64::NAN,
            };
            let ok = if target.is_nan() {
                let acc = accepted(claim, c, o, false);
                meets(d, acc) || meets((-d.1, -d.0), acc)
            } else {
                meets(d, accepted(claim, target, o, false))
            };
            if ok {
                return None;
            }
            Some(format!("{} pts", number(((d.0 + d.1) / 2.0).abs())))
        }
        dim if dim == a.dim && (claim.has_unit() || claim.sign.is_some()) => {
            // A difference written in the values' own unit.
            let claim = adopt(claim, &a);
            let d = interval(&a, &b, o, |x, y| (y - x).abs());
            let acc = accepted(&claim, claim.value, o, false);
            if meets(d, acc) {
                return None;
            }
            Some(Quantity::show(
                (b.value - a.value).abs(),
                a.dim,
                Some(&claim),
            ))
        }
        _ => None,
    }
}

/// The first figure of a metrics cell when the cell is that figure (`350 ms`,
/// `≈ 28K`, `12.2K TPS at 64 pods`), not a bound, range or list of figures.
#[cfg(test)]
pub(crate) fn cell_value(cell: &str) -> Option<Quantity> {
    cell_value_in(cell, &scan(cell))
}

/// [`cell_value`] over the cell's figures, already read.
pub(crate) fn cell_value_in(cell: &str, qs: &[Quantity]) -> Option<Quantity> {
    let q = qs.first()?;
    let lead = cell[..q.span.start].trim();
    if !lead.is_empty() || !q.is_plain() {
        return None;
    }
    // Another figure of the same kind in the cell (`310 ms → 35 ms`): not one value.
    if qs[1..]
        .iter()
        .any(|o| o.dim == q.dim && o.has_unit() == q.has_unit())
    {
        return None;
    }
    Some(q.clone())
}

/// Checks one metrics row; returns findings located in the improvement cell.
pub fn check_row(baseline: &str, optimized: &str, improvement: &str, o: &Opts) -> Vec<Found> {
    check_row_in(
        (baseline, &scan(baseline)),
        (optimized, &scan(optimized)),
        (improvement, &scan(improvement)),
        o,
    )
}

/// [`check_row`] over the cells' figures, already read.
pub(crate) fn check_row_in(
    (baseline, qb): (&str, &[Quantity]),
    (optimized, qo): (&str, &[Quantity]),
    (improvement, claims): (&str, &[Quantity]),
    o: &Opts,
) -> Vec<Found> {
    let mut out = Vec::new();
    if let (Some(a), Some(b)) = (cell_value_in(baseline, qb), cell_value_in(optimized, qo)) {
        let claim = claims.iter().find(|c| {
            c.is_plain()
                && (matches!(c.dim, Dim::Percent | Dim::Multiplier | Dim::Points)
                    || (c.dim == pair(&a, &b).map_or(Dim::Count, |p| p.0.dim)
                        && c.dim != Dim::Count))
        });
        // `Error −96%`: a figure of something else, named before it.
        let named = claim.is_some_and(|c| {
            let lead = improvement[..c.span.start].to_lowercase();
            lead.chars().any(char::is_alphanumeric)
                && !o.lower.iter().chain(&o.higher).any(|w| has_stem(&lead, w))
        });
        if let Some(c) = claim.filter(|_| !named)
            && let Some(computed) = verify(&a, &b, c, improvement, o)
        {
            out.push(Found {
                code: Code::ChangeMismatch,
                message: format!(
                    "`{}` does not follow from {} → {}: the change is {computed}",
                    improvement[c.span.clone()].trim(),
                    baseline.trim(),
                    optimized.trim(),
                ),
                help: "recompute the change from the two values (or correct the value that is wrong)",
                range: c.span.clone(),
                computed,
            });
        }
    }
    out
}

/// Findings in one metrics row's value cells: a share above 100%.
pub fn check_row_shares(metric: &str, cell: &str, o: &Opts) -> Vec<Found> {
    if !is_share(metric, o) {
        return Vec::new();
    }
    row_share_in(cell, &scan(cell))
}

/// Whether a metric's name says it is a share of a whole (`Hit rate`, `Retry share`).
pub(crate) fn is_share(metric: &str, o: &Opts) -> bool {
    let lower = metric.to_lowercase();
    o.share.iter().any(|w| has_stem(&lower, w))
}

/// A share metric's value cell above 100%, over the cell's figures already read.
pub(crate) fn row_share_in(cell: &str, qs: &[Quantity]) -> Vec<Found> {
    over_100(cell, qs, Code::ImpossibleShare)
        .into_iter()
        .take(1)
        .collect()
}

fn over_100(text: &str, qs: &[Quantity], code: Code) -> Vec<Found> {
    qs.iter()
        .filter(|q| {
            q.dim == Dim::Percent && q.sign != Some('+') && q.value - q.half_ulp > 100.0 && !q.bound
        })
        .map(|q| Found {
            code,
            message: format!(
                "`{}` is a share, and a share cannot exceed 100%",
                text[q.span.clone()].trim()
            ),
            help: "a share of a whole is at most 100%: check the numerator and the denominator",
            range: q.span.clone(),
            computed: "≤ 100%".to_owned(),
        })
        .collect()
}

/// Whether `gap` (between a change's two values) is only `to` or an arrow.
fn is_arrow(gap: &str) -> bool {
    matches!(
        gap.trim(),
        "to" | "→" | "->" | "⟶" | "➝" | "=>" | "到" | "至" | "降至" | "降到" | "升至" | "增至"
    )
}

/// Whether `gap` (between a change's second value and its stated change) is a few words,
/// then `(`, `,`, `:` or a dash, then maybe `a`, `i.e.`, `by`: `a month (`, `, a `.
fn before_claim(gap: &str) -> bool {
    let Some((i, c)) = gap
        .char_indices()
        .rev()
        .find(|(_, c)| matches!(c, '(' | ',' | '，' | '（' | ':' | '—' | '–'))
    else {
        return false;
    };
    let (words, rest) = (&gap[..i], &gap[i + c.len_utf8()..]);
    let words_ok = words.chars().count() <= 24
        && !words.chars().any(|c| {
            c.is_ascii_digit()
                || matches!(
                    c,
                    '\n' | '.' | ';' | '!' | '?' | '=' | ')' | '）' | ']' | '|'
                )
        });
    let rest_ok = rest.split_whitespace().all(|w| {
        matches!(
            w,
            "a" | "an"
                | "i.e."
                | "or"
                | "about"
                | "roughly"
                | "by"
                | "down"
                | "up"
                | "cut"
                | "reduced"
                | "saving"
                | "降低"
                | "减少"
                | "下降"
                | "提升"
                | "提高"
                | "增加"
                | "约"
        )
    });
    words_ok && rest_ok
}

/// Whether `after` (the text right after a percentage) starts with a word of reduction.
fn reduction_after(after: &str) -> bool {
    let t = after.trim_start();
    ["降低", "减少", "下降"].iter().any(|w| t.starts_with(w))
        || [
            "lower",
            "less",
            "fewer",
            "reduction",
            "cut",
            "decrease",
            "drop",
            "smaller",
            "shorter",
        ]
        .iter()
        .any(|w| {
            t.len() >= w.len()
                && t.is_char_boundary(w.len())
                && t[..w.len()].eq_ignore_ascii_case(w)
                && t[w.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        })
}

/// The percentile label that ends `head` (`p99 `, `p95: `, `median of `): (label, rank,
/// byte where the label starts).
fn percentile_label(head: &str) -> Option<(&str, f64, usize)> {
    let mut t = head.trim_end();
    for sep in ["=", ":", " of", " at", " is", " was"] {
        if t.len() >= sep.len()
            && t.is_char_boundary(t.len() - sep.len())
            && t[t.len() - sep.len()..].eq_ignore_ascii_case(sep)
        {
            t = t[..t.len() - sep.len()].trim_end();
            break;
        }
    }
    for (label, rank) in [
        ("p99.9", 99.9),
        ("p999", 99.9),
        ("p50", 50.0),
        ("p75", 75.0),
        ("p90", 90.0),
        ("p95", 95.0),
        ("p99", 99.0),
        ("median", 50.0),
        ("max", 101.0),
    ] {
        if t.len() >= label.len()
            && t.is_char_boundary(t.len() - label.len())
            && t[t.len() - label.len()..].eq_ignore_ascii_case(label)
        {
            let at = t.len() - label.len();
            if t[..at]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric() && c != '.')
            {
                return Some((&t[at..], rank, at));
            }
        }
    }
    None
}

/// Checks a prose text (code masked): stated changes, worked equations, percentile order,
/// shares and reductions above 100%.
pub fn check_text(text: &str, o: &Opts) -> Vec<Found> {
    check_text_in(text, &scan(text), o)
}

/// [`check_text`] over the text's figures, already read (`scan(text)`).
pub(crate) fn check_text_in(text: &str, qs: &[Quantity], o: &Opts) -> Vec<Found> {
    if qs.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    changes(text, qs, o, &mut out);
    for e in expr::equations(text, qs) {
        // Sizes are counted in bytes and bandwidth in bits per second: an expression over
        // one whose result is written in the other (`20K × 40 KB = 800 MB/s`, a per-second
        // rate left implicit) cannot be compared without guessing, so it says nothing.
        let dims: Vec<Dim> = qs
            .iter()
            .filter(|q| q.span.start >= e.expr.start && q.span.end <= e.expr.end)
            .map(|q| q.dim)
            .chain(std::iter::once(e.result.dim))
            .collect();
        if dims.contains(&Dim::Size) && dims.contains(&Dim::Bandwidth) {
            continue;
        }
        let results = e.results();
        let slack = o.tolerance + if e.approx { o.approx_tolerance } else { 0.0 };
        let holds = e.values.iter().any(|v| {
            results
                .iter()
                .any(|(r, h)| (v - r).abs() <= h + slack * r.abs() + 1e-9 * r.abs().max(1.0))
        });
        if !holds {
            let v = e.values[0];
            let computed = Quantity::show(
                if e.result.dim == Dim::Percent {
                    v * 100.0
                } else {
                    v
                },
                e.result.dim,
                Some(&e.result),
            );
            out.push(Found {
                code: Code::EquationMismatch,
                message: format!(
                    "`{}` is {}, not {}",
                    text[e.expr.clone()].trim(),
                    computed,
                    text[e.result.span.clone()].trim()
                ),
                help: "recompute the result from the expression as written (or correct the operand that is wrong)",
                range: e.result.span.clone(),
                computed,
            });
        }
    }
    percentiles(text, qs, &mut out);
    // Shares above 100%: a share word right before the figure.
    for q in qs {
        if q.dim != Dim::Percent {
            continue;
        }
        let head = &text[..q.span.start];
        let mut from = head.len().saturating_sub(28);
        while !head.is_char_boundary(from) {
            from += 1;
        }
        let before = head[from..].to_lowercase();
        let near = before
            .trim_end()
            .trim_end_matches([':', '='])
            .trim_end()
            .trim_end_matches(" of")
            .trim_end_matches(" at")
            .trim_end_matches(" is")
            .trim_end_matches(" was")
            .trim_end();
        if o.share
            .iter()
            .any(|w| near.ends_with(w.as_str()) && has_stem(near, w))
        {
            out.extend(over_100(
                text,
                std::slice::from_ref(q),
                Code::ImpossibleShare,
            ));
        }
        if reduction_after(&text[q.span.end..]) && q.value - q.half_ulp > 100.0 && q.is_plain() {
            out.push(Found {
                code: Code::ImpossibleReduction,
                message: format!(
                    "`{}` is a reduction of more than 100%: nothing can fall by more than all of it",
                    text[q.span.start..q.span.end].trim()
                ),
                help: "a reduction is (before − after) / before, at most 100%; for a speed-up write the ratio (`3x faster`)",
                range: q.span.clone(),
                computed: "≤ 100%".to_owned(),
            });
        }
    }
    out.sort_by_key(|f| f.range.start);
    out.dedup_by(|a, b| a.range == b.range && a.code == b.code);
    out
}

/// `from A to B (C% lower)`, `A → B, a C% cut`, `A → B (2.3x)`.
fn changes(text: &str, qs: &[Quantity], o: &Opts, out: &mut Vec<Found>) {
    for w in 0..qs.len().saturating_sub(2) {
        let (a, b, c) = (&qs[w], &qs[w + 1], &qs[w + 2]);
        if !is_arrow(&text[a.span.end..b.span.start]) {
            continue;
        }
        // `A → B → C (x%)`: which pair the change is of is not clear.
        if w > 0 && is_arrow(&text[qs[w - 1].span.end..a.span.start]) {
            continue;
        }
        let gap = &text[b.span.end..c.span.start];
        if !before_claim(gap) || !c.is_plain() {
            continue;
        }
        let context = claim_context(text, c);
        let after: String = text[c.span.end..]
            .trim_start()
            .chars()
            .take(4)
            .collect::<String>()
            .to_lowercase();
        let claimable = match c.dim {
            Dim::Percent => {
                let (dir, speed) = direction(context, o);
                (dir.is_some() || speed || c.sign.is_some()) && !after.starts_with("of ")
            }
            Dim::Multiplier | Dim::Points => true,
            _ => false,
        };
        if !claimable {
            continue;
        }
        if let Some(computed) = verify(a, b, c, context, o) {
            out.push(Found {
                code: Code::ChangeMismatch,
                message: format!(
                    "`{}` does not follow from {} → {}: the change is {computed}",
                    text[c.span.clone()].trim(),
                    text[a.span.clone()].trim(),
                    text[b.span.clone()].trim(),
                ),
                help: "recompute the change from the two values (or correct the value that is wrong)",
                range: c.span.clone(),
                computed,
            });
        }
    }
}

/// Whether `text` holds `p50`, `p9` or `median` (ASCII case folded), in one pass over
/// the text and without a copy of it.
fn names_a_percentile(text: &str) -> bool {
    let h = text.as_bytes();
    let mut from = 0;
    while let Some(i) = h[from..]
        .iter()
        .position(|&b| matches!(b, b'p' | b'P' | b'm' | b'M'))
    {
        let rest = &h[from + i..];
        let at = |n: &[u8]| rest.len() >= n.len() && rest[..n.len()].eq_ignore_ascii_case(n);
        if at(b"p50") || at(b"p9") || at(b"median") {
            return true;
        }
        from += i + 1;
    }
    false
}

/// Percentiles of one measurement listed together (`p50 80 ms, p95 210 ms, p99 190 ms`)
/// must not fall as the percentile rises.
fn percentiles(text: &str, qs: &[Quantity], out: &mut Vec<Found>) {
    if !names_a_percentile(text) {
        return;
    }
    // A list needs two labelled figures: count them before splitting the text.
    let labelled = qs
        .iter()
        .filter(|q| {
            let mut from = q.span.start.saturating_sub(16);
            while !text.is_char_boundary(from) {
                from += 1;
            }
            let head = &text[from..q.span.start];
            head.bytes().any(|b| matches!(b, b'p' | b'P' | b'm' | b'M'))
                && percentile_label(head).is_some()
        })
        .map(|q| q.span.clone())
        .collect::<Vec<_>>();
    if labelled.len() < 2 {
        return;
    }
    // Only the lines that hold two labelled figures or more are split into sentences: a
    // line start is where a sentence may start, and a list is written on one line.
    let mut lines: Vec<Range<usize>> = Vec::new();
    let mut count = 0;
    for r in &labelled {
        if lines.last().is_some_and(|l| l.contains(&r.start)) {
            count += 1;
            continue;
        }
        if count < 2 {
            lines.pop();
        }
        let lo = text[..r.start].rfind('\n').map_or(0, |i| i + 1);
        let hi = text[r.end..]
            .find('\n')
            .map_or(text.len(), |i| r.end + i + 1);
        lines.push(lo..hi);
        count = 1;
    }
    if count < 2 {
        lines.pop();
    }
    let spans: Vec<Range<usize>> = lines
        .iter()
        .flat_map(|l| {
            crate::text::sentences(&text[l.clone()])
                .into_iter()
                .map(move |s| s.start + l.start..s.end + l.start)
        })
        .collect();
    let mut next = 0;
    for s in spans {
        let mut list: Vec<(f64, &str, &Quantity)> = Vec::new();
        let mut spoiled = false;
        // The figures of this sentence: the figures are in order, so one pass serves all.
        while next < qs.len() && qs[next].span.start < s.start {
            next += 1;
        }
        let mut end = next;
        while end < qs.len() && qs[end].span.end <= s.end {
            end += 1;
        }
        for q in &qs[next..end] {
            // The label stands right before the figure: a short tail is enough.
            let mut from = q.span.start.saturating_sub(16).max(s.start);
            while !text.is_char_boundary(from) {
                from += 1;
            }
            let head = &text[from..q.span.start];
            let Some((label, rank, label_start)) = percentile_label(head) else {
                continue;
            };
            // A listed value, not one end of a change (`p99 350 → 65 ms`).
            let rest = text[q.span.end..].trim_start();
            if rest.starts_with("→")
                || rest.starts_with("to ")
                || rest.starts_with("->")
                || !q.is_plain()
            {
                spoiled = true;
            }
            if let Some(prev) = list.last() {
                // Listed together: only separators between one value and the next label.
                let label_at = from + label_start;
                if label_at < prev.2.span.end {
                    spoiled = true;
                    break;
                }
                let between = &text[prev.2.span.end..label_at];
                let b = between
                    .trim()
                    .trim_matches(|c: char| matches!(c, ',' | ';' | '/' | '|' | '，' | '、'));
                if !(b.is_empty() || b == "and" || b == ",") || between.len() > 12 {
                    spoiled = true;
                }
                if list.iter().any(|(r, _, _)| *r == rank) {
                    spoiled = true;
                }
            }
            list.push((rank, label, q));
        }
        if spoiled || list.len() < 2 || list.iter().any(|(_, _, q)| q.dim != Dim::Time) {
            continue;
        }
        for i in 0..list.len() {
            for j in 0..list.len() {
                let (ri, li, qi) = list[i];
                let (rj, lj, qj) = list[j];
                if ri < rj && qi.value - qi.half_ulp > qj.value + qj.half_ulp {
                    out.push(Found {
                        code: Code::PercentileOrder,
                        message: format!(
                            "{lj} `{}` is below {li} `{}` in the same list: a higher percentile cannot be lower",
                            text[qj.span.clone()].trim(),
                            text[qi.span.clone()].trim()
                        ),
                        help: "percentiles of one measurement rise with the percentile (p50 ≤ p90 ≤ p95 ≤ p99 ≤ max): check which value is wrong",
                        range: qj.span.clone(),
                        computed: format!("≥ {}", text[qi.span.clone()].trim()),
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_percentile_is_named_in_any_case() {
        for t in ["p50 80 ms", "at P99", "the Median", "p9", "x MEDIAN"] {
            assert!(names_a_percentile(t), "{t}");
        }
        for t in ["", "peak 50 ms", "p5 0", "media", "mp", "p", "pm50"] {
            assert!(!names_a_percentile(t), "{t}");
        }
    }

    fn opts() -> Opts {
        Opts::from_rubric(&crate::model::Arithmetic::default())
    }

    fn codes(text: &str) -> Vec<&'static str> {
        check_text(text, &opts())
            .iter()
            .map(|f| f.code.name())
            .collect()
    }

    fn row(b: &str, a: &str, i: &str) -> Vec<Found> {
        check_row(b, a, i, &opts())
    }

    #[test]
    fn metrics_rows_percent_multiplier_points_difference() {
        assert!(row("310 ms", "35 ms", "89% lower").is_empty());
        assert!(row("310 ms", "35 ms", "−89%").is_empty());
        assert!(row("8.5 s", "950 ms", "88.8% lower").is_empty());
        assert!(row("13.3 h", "400 h", "30.1x higher").is_empty());
        assert!(row("95%", "72%", "23 pts ↓").is_empty());
        assert!(row("40%", "46%", "+6%").is_empty(), "points or relative");
        assert!(row("$120K", "$86.7K", "$33.3K saved").is_empty());
        assert!(row("4.2K rps", "9.6K rps", "2.3x").is_empty());
        assert!(row("≈ 28K", "190K", "6.8×").is_empty());
        let f = row("310 ms", "35 ms", "79% lower");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].computed, "88.71% lower");
        assert_eq!(f[0].range, 0..3);
        let f = row("8.5 s", "950 ms", "80% lower");
        assert_eq!(f[0].computed, "88.82% lower");
        assert_eq!(row("13.3 h", "400 h", "3.1x higher")[0].computed, "30.08x");
        assert_eq!(row("95%", "72%", "13 pts ↓").len(), 1);
        // `$120K` is $119.5K-$120.5K: a saving of $33.7K is within it, $35.7K is not.
        assert!(row("$120K", "$86.7K", "$33.7K saved").is_empty());
        assert_eq!(row("$120K", "$86.7K", "$35.7K saved").len(), 1);
        // Direction stated against the values.
        assert_eq!(row("100 ms", "150 ms", "50% lower").len(), 1);
    }

    #[test]
    fn rounding_at_the_edge_of_tolerance() {
        // 1 − 65/350 = 81.43%: 81% holds, 82% (81.5-82.5) does not.
        assert!(row("350 ms", "65 ms", "81% lower").is_empty());
        assert!(row("350 ms", "65 ms", "81.4% lower").is_empty());
        assert_eq!(row("350 ms", "65 ms", "83% lower").len(), 1);
        assert_eq!(row("350 ms", "65 ms", "82.5% lower").len(), 1);
        // A value written approximately widens what holds.
        assert!(row("~350 ms", "65 ms", "83% lower").is_empty());
    }

    #[test]
    fn rows_that_say_nothing() {
        assert!(row("n/a", "35 ms", "89% lower").is_empty());
        assert!(row("< 50 ms", "35 ms", "30% lower").is_empty());
        assert!(row("40-60 ms", "35 ms", "30% lower").is_empty());
        assert!(row("310 ms", "35 ms", "Bounded").is_empty());
        assert!(row("3 nodes", "12 pods", "10x").is_empty());
        assert!(row("2 GB", "300 ms", "10%").is_empty());
        assert!(row("95ms", "210ms (true)", "Error −96%").is_empty());
        assert_eq!(row("95ms", "210ms", "up 96%").len(), 1);
    }

    #[test]
    fn prose_changes() {
        assert!(codes("p99 fell from 350 ms to 65 ms (81% lower) at +15% memory.").is_empty());
        assert!(
            codes("Breaking point 4.2K to 9.6K rps (2.3x higher), no new hardware.").is_empty()
        );
        assert!(codes("cost $120K → $86.7K a month (28% lower) after storage.").is_empty());
        assert!(codes("allowing 6→4 nodes (−33% cost).").is_empty());
        assert!(codes("CPU per request 24 → 16.8 core-ms (30% lower).").is_empty());
        assert_eq!(
            codes("p99 fell from 350 ms to 65 ms (71% lower)."),
            ["change-mismatch"]
        );
        assert_eq!(codes("8.5 s → 950 ms, a 78% cut."), ["change-mismatch"]);
        assert_eq!(
            codes("throughput 2.5K → 4.6K rps (2.4x faster)."),
            ["change-mismatch"]
        );
        // No direction, a share, a chain, a range: nothing said.
        assert!(codes("from 2 to 4 ms (50% of requests)").is_empty());
        assert!(codes("1 → 2 → 4 pods (100% more)").is_empty());
        assert!(codes("from 1.2K to 6K rps in 30 s").is_empty());
        assert!(codes("(GC 9% → 4%): 30 points less CPU per request.").is_empty());
    }

    #[test]
    fn equations() {
        assert!(codes("so the ceiling is 60 / 0.014 s ≈ 4.3K rps.").is_empty());
        assert!(codes("120 × 12 = 1,440 reads per second.").is_empty());
        assert!(codes("so 400/13.3 = 30.1 times.").is_empty());
        assert_eq!(codes("so 120 × 12 = 1,540 reads."), ["equation-mismatch"]);
        // Bytes against bits per second, a rate left implicit: nothing to say.
        assert!(codes("parsing: 20K × 40 KB = 800 MB/s (6.4 Gb/s) out of Redis").is_empty());
        assert_eq!(
            codes("headroom (9.6 − 6) / 6 = 37.5%."),
            ["equation-mismatch"]
        );
        let f = &check_text("so 120 × 12 = 1,540 reads.", &opts())[0];
        assert_eq!(f.computed, "1440 reads");
    }

    #[test]
    fn any_text_is_read_without_a_panic() {
        let mixed = "约3秒 → 1.5秒（50% 降低）, p50 80毫秒、p99 70毫秒; ≈ 4.3K rps = 60 / 0.014 s; \
            $1.2M → $0.9M (−25%); 40–60%; −33%; 2×35min = 70min; √(4) = 2; 命中率 120%; ½ → ¾ (x); \
            ∼5 ≥3 ≤ 2 × (3 + 4) = 14 ms; 1,000,000 × 1e3; 3.4×faster; 10^6 = 1M";
        let chars: Vec<usize> = mixed.char_indices().map(|(i, _)| i).collect();
        for &i in &chars {
            let _ = check_text(&mixed[i..], &opts());
            let _ = check_text(&mixed[..i], &opts());
        }
        assert!(codes("p50 80毫秒、p99 70毫秒。").contains(&"percentile-order"));
        assert_eq!(
            codes("延迟从 8 秒降到 2 秒（降低 60%）。"),
            ["change-mismatch"]
        );
        assert!(codes("延迟从 8 秒降到 2 秒（降低 75%）。").is_empty());
    }

    #[test]
    fn percentiles_shares_reductions() {
        assert!(codes("p50 80 ms, p95 210 ms, p99 390 ms.").is_empty());
        assert_eq!(
            codes("p50 80 ms, p95 410 ms, p99 390 ms."),
            ["percentile-order"]
        );
        assert!(codes("p99 350 ms → 65 ms and p50 120 ms.").is_empty());
        assert!(codes("a hit rate of 98%.").is_empty());
        assert_eq!(codes("a hit rate of 120%."), ["impossible-share"]);
        assert_eq!(codes("a 150% lower latency."), ["impossible-reduction"]);
        assert!(codes("a 150% higher throughput.").is_empty());
        assert_eq!(check_row_shares("Retry share", "≈ 300%", &opts()).len(), 1);
        assert!(check_row_shares("CPU utilisation", "150%", &opts()).is_empty());
    }
}
