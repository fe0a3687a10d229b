//! Worked equations, `expression = value`: `60 / 0.014 s ≈ 4.3K rps`,
//! `(1 − 0.999) × 30 days = 43.2 min`, `8.4K × 0.4 s = 3,360`.
//!
//! An expression is a run of figures joined by `+ - − × x * / ÷ ^` and parentheses, with
//! nothing else between them but a figure's own noun (`500 queued / 757 per s`); a run
//! that starts after a word (`rate × 0.5 s`) holds a variable and is not evaluated.

use std::ops::Range;

use super::quantity::{Dim, Quantity};

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(usize),
    Op(char),
    Open,
    Close,
}

const OP_CHARS: &str = " \u{a0}+-−–×*/÷^()·";

/// Where the number of `q` starts (after its sign, currency and approximation marks),
/// or its currency sign.
fn digits_at(text: &str, q: &Quantity) -> usize {
    let s = &text[q.span.clone()];
    q.span.start
        + s.find(|c: char| c.is_ascii_digit() || matches!(c, '$' | '€' | '£' | '¥'))
            .unwrap_or(0)
}

/// One worked equation found in a text.
#[derive(Debug, Clone)]
pub struct Equation {
    /// The expression's bytes.
    pub expr: Range<usize>,
    /// The stated result.
    pub result: Quantity,
    /// Written with `≈` or `~=`.
    pub approx: bool,
    /// The value of the expression under each reading of its units (base units with
    /// percentages as fractions, written numbers with percentages as fractions, written
    /// numbers as they stand).
    pub values: Vec<f64>,
}

impl Equation {
    /// The candidate readings of the stated result, each with its half unit of precision.
    pub fn results(&self) -> Vec<(f64, f64)> {
        let r = &self.result;
        let mut out = vec![(r.value, r.half_ulp)];
        if r.factor != 0.0 {
            out.push((r.value / r.factor, r.half_ulp / r.factor));
        }
        if matches!(r.dim, Dim::Percent) {
            out.push((r.value / 100.0, r.half_ulp / 100.0));
        }
        out
    }
}

/// Whether `between` (the text between two figures or operators) holds only operators,
/// parentheses and spaces; returns its tokens, or `None` when something else is there.
fn ops(between: &str) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    for c in between.chars() {
        match c {
            ' ' | '\u{a0}' | '\t' => {}
            '+' => out.push(Tok::Op('+')),
            '-' | '−' | '–' => out.push(Tok::Op('-')),
            '×' | 'x' | 'X' | '*' | '·' => out.push(Tok::Op('*')),
            '/' | '÷' => out.push(Tok::Op('/')),
            '^' => out.push(Tok::Op('^')),
            '(' => out.push(Tok::Open),
            ')' => out.push(Tok::Close),
            _ => return None,
        }
    }
    // `x` is an operator only between spaces (`120 x 12`), never inside a word.
    if between.contains(['x', 'X']) {
        let t = between.trim();
        if !(t == "x" || t == "X") {
            return None;
        }
    }
    Some(out)
}

/// The equal signs of `text`: (byte, approximate), excluding `==`, `<=`, `>=`, `!=`, `=>`.
fn equal_signs(text: &str) -> Vec<(usize, usize, bool)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    for (i, c) in text.char_indices() {
        match c {
            '=' => {
                let prev = i.checked_sub(1).map(|p| b[p]);
                let next = b.get(i + 1).copied();
                if matches!(prev, Some(b'=' | b'<' | b'>' | b'!' | b':'))
                    || matches!(next, Some(b'=' | b'>'))
                {
                    continue;
                }
                let approx = matches!(prev, Some(b'~'));
                let start = if approx { i - 1 } else { i };
                out.push((start, i + 1, approx));
            }
            '≈' => out.push((i, i + c.len_utf8(), true)),
            _ => {}
        }
    }
    out
}

/// Every worked equation in `text` (masked prose), with its figures from `qs` (the
/// figures of `text` in order).
pub fn equations(text: &str, qs: &[Quantity]) -> Vec<Equation> {
    let mut out = Vec::new();
    for (eq_start, eq_end, approx) in equal_signs(text) {
        // The result: the first figure after the sign, with nothing but spaces between.
        // The figures are in text order: search, do not scan.
        let ri = qs.partition_point(|q| q.span.end <= eq_start);
        let Some(ri) = (ri..qs.len().min(ri + 2)).find(|&i| digits_at(text, &qs[i]) >= eq_end)
        else {
            continue;
        };
        let r = &qs[ri];
        let gap = &text[eq_end..digits_at(text, r)];
        if !gap.trim().is_empty() || !r.is_plain() || r.sign == Some('-') {
            continue;
        }
        // The result must stand alone, not start another expression (`= 2 × 3`).
        let after = text[r.span.end..].trim_start_matches([' ', '\u{a0}']);
        let after = after
            .strip_prefix(r.unit.as_str())
            .filter(|_| !r.unit.is_empty())
            .unwrap_or(after)
            .trim_start();
        if after.starts_with(['+', '×', '*', '/', '÷', '^']) || after.starts_with("x ") {
            continue;
        }
        if let Some(minus) = after
            .chars()
            .next()
            .filter(|c| matches!(c, '-' | '−' | '–'))
            && after[minus.len_utf8()..]
                .trim_start()
                .starts_with(|c: char| {
                    c.is_ascii_digit() || matches!(c, '$' | '€' | '£' | '¥' | '(')
                })
        {
            continue;
        }
        // The expression: figures before the sign, back to the first thing that is not
        // an operator, a parenthesis or a figure's noun.
        let Some(last) = qs
            .partition_point(|q| q.span.end <= eq_start)
            .checked_sub(1)
        else {
            continue;
        };
        let tail = &text[qs[last].span.end..eq_start];
        let Some(mut toks) = ops(strip_noun(tail, &qs[last])) else {
            continue;
        };
        toks.insert(0, Tok::Num(last));
        let mut first = last;
        let mut lead_word = false;
        loop {
            let from = if first == 0 {
                0
            } else {
                qs[first - 1].span.end
            };
            let before = &text[from..digits_at(text, &qs[first])];
            if first > 0
                && let Some(t) = ops(strip_noun(before, &qs[first - 1]))
                && t.iter().any(|x| matches!(x, Tok::Op(_)))
            {
                let mut new = vec![Tok::Num(first - 1)];
                new.extend(t);
                new.extend(toks);
                toks = new;
                first -= 1;
                continue;
            }
            // The run starts here: keep the operators and parentheses just before it.
            let cut = before
                .char_indices()
                .rev()
                .find(|(_, c)| !OP_CHARS.contains(*c))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let lead = ops(&before[cut..]).unwrap_or_default();
            let word_before = before[..cut]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
            if word_before && lead.iter().any(|x| matches!(x, Tok::Op(_))) {
                // `rate × 0.5 s`: an operator on a variable.
                lead_word = true;
            }
            // `√(0.97 ÷ 0.0005)`, `ln(2)`, `C(32)`: a function of the expression.
            if before[cut..].starts_with('(')
                && before[..cut]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c == '√' || c == '∛' || c.is_alphanumeric())
            {
                lead_word = true;
            }
            let minus = !word_before && lead.last() == Some(&Tok::Op('-'));
            let mut new: Vec<Tok> = lead.into_iter().filter(|t| *t == Tok::Open).collect();
            if minus {
                new.push(Tok::Op('-'));
            }
            new.extend(toks);
            toks = new;
            break;
        }
        if lead_word {
            continue;
        }
        // Drop unmatched opening parentheses at the start (`(so 60 / 0.014 = ...`).
        let mut depth = 0i32;
        let mut min_depth = 0i32;
        for t in &toks {
            match t {
                Tok::Open => depth += 1,
                Tok::Close => {
                    depth -= 1;
                    min_depth = min_depth.min(depth);
                }
                _ => {}
            }
        }
        if min_depth < 0 {
            continue;
        }
        while depth > 0 {
            match toks.iter().position(|t| *t == Tok::Open) {
                Some(p) if p == 0 || matches!(toks[p - 1], Tok::Open) => {
                    toks.remove(p);
                    depth -= 1;
                }
                _ => break,
            }
        }
        if depth != 0 {
            continue;
        }
        let nums: Vec<usize> = toks
            .iter()
            .filter_map(|t| match t {
                Tok::Num(i) => Some(*i),
                _ => None,
            })
            .collect();
        if nums.len() < 2
            || !toks.iter().any(|t| matches!(t, Tok::Op(_)))
            || nums.iter().any(|&i| !qs[i].is_plain())
        {
            continue;
        }
        let readings: [&dyn Fn(&Quantity) -> f64; 3] = [
            &|q| {
                if q.dim == Dim::Percent {
                    q.value / 100.0
                } else {
                    q.value
                }
            },
            &|q| {
                if q.dim == Dim::Percent {
                    q.written / 100.0
                } else {
                    q.written
                }
            },
            &|q| q.written,
        ];
        let mut values = Vec::new();
        for read in readings {
            let vals: Vec<f64> = qs.iter().map(read).collect();
            let mut p = Parser {
                toks: &toks,
                at: 0,
                vals: &vals,
            };
            match p.sum() {
                Some(v) if p.at == toks.len() && v.is_finite() => values.push(v),
                _ => {}
            }
        }
        if values.is_empty() {
            continue;
        }
        let mut start = digits_at(text, &qs[nums[0]]);
        if toks.first() == Some(&Tok::Open)
            && let Some(p) = text[..start].rfind('(')
        {
            start = p;
        }
        out.push(Equation {
            expr: start..eq_start,
            result: r.clone(),
            approx: approx || r.approx,
            values,
        });
    }
    out
}

/// `text` without the noun of figure `q` at its start (`" queued / "` → `" / "`).
fn strip_noun<'t>(text: &'t str, q: &Quantity) -> &'t str {
    if q.unit.is_empty() || q.dim != Dim::Count {
        return text;
    }
    let t = text.trim_start();
    match t.get(..q.unit.len()) {
        Some(w) if w.eq_ignore_ascii_case(&q.unit) => &t[q.unit.len()..],
        _ => text,
    }
}

struct Parser<'a> {
    toks: &'a [Tok],
    at: usize,
    vals: &'a [f64],
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn sum(&mut self) -> Option<f64> {
        let mut v = self.product()?;
        while let Some(Tok::Op(c @ ('+' | '-'))) = self.peek().cloned() {
            self.at += 1;
            let r = self.product()?;
            v = if c == '+' { v + r } else { v - r };
        }
        Some(v)
    }

    fn product(&mut self) -> Option<f64> {
        let mut v = self.power()?;
        while let Some(Tok::Op(c @ ('*' | '/'))) = self.peek().cloned() {
            self.at += 1;
            let r = self.power()?;
            v = if c == '*' {
                v * r
            } else if r == 0.0 {
                return None;
            } else {
                v / r
            };
        }
        Some(v)
    }

    fn power(&mut self) -> Option<f64> {
        let base = self.unary()?;
        if let Some(Tok::Op('^')) = self.peek() {
            self.at += 1;
            let e = self.power()?;
            return Some(base.powf(e));
        }
        Some(base)
    }

    fn unary(&mut self) -> Option<f64> {
        match self.peek()? {
            Tok::Op('-') => {
                self.at += 1;
                Some(-self.unary()?)
            }
            Tok::Open => {
                self.at += 1;
                let v = self.sum()?;
                if self.peek()? != &Tok::Close {
                    return None;
                }
                self.at += 1;
                // `(a + b)(c)` is not written in prose; a number right after is an error.
                Some(v)
            }
            Tok::Num(i) => {
                let v = *self.vals.get(*i)?;
                self.at += 1;
                Some(v)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::quantity::scan;
    use super::*;

    fn eqs(s: &str) -> Vec<Equation> {
        equations(s, &scan(s))
    }

    fn holds(e: &Equation) -> bool {
        e.values.iter().any(|v| {
            e.results()
                .iter()
                .any(|(r, h)| (v - r).abs() <= h + 1e-9 * r.abs())
        })
    }

    #[test]
    fn evaluates_with_precedence_parentheses_and_units() {
        let e = &eqs("so the ceiling is 60 / 0.014 s ≈ 4.3K rps here")[0];
        assert!(e.approx);
        assert!(holds(e), "{e:?}");
        let e = &eqs("(9.6 − 6) / 9.6 = 37.5% of it")[0];
        assert!(holds(e), "{e:?}");
        let e = &eqs("budget: (1 − 0.999) × 30 days = 43.2 min")[0];
        assert!(holds(e), "{e:?}");
        let e = &eqs("2^10 = 1,024 and 3 + 4 * 2 = 11")[..];
        assert_eq!(e.len(), 2);
        assert!(holds(&e[0]) && holds(&e[1]));
        let e = &eqs("120 x 12 = 1,440 reads")[0];
        assert!(holds(e));
        let e = &eqs("500 queued / 757 per s ≈ 661 ms")[0];
        assert!(holds(e), "{e:?}");
        let e = &eqs("3,000 x 3,600 = 10.8M requests")[0];
        assert!(holds(e));
    }

    #[test]
    fn wrong_results_do_not_hold() {
        let e = &eqs("so 120 × 12 = 1,540 reads")[0];
        assert!(!holds(e));
        let e = &eqs("(9.6 − 6) / 6 = 37.5%")[0];
        assert!(!holds(e));
        let e = &eqs("so 400 / 13.33 = 30.1")[0];
        assert!(!holds(e));
    }

    #[test]
    fn not_equations() {
        assert!(eqs("p99 = 250 ms and n = 32").is_empty());
        assert!(eqs("rate × 0.5 s = 600 connections").is_empty());
        assert!(eqs("x == 3 + 4").is_empty());
        assert!(eqs("a 90–160 ms × 15 = 2 s").is_empty());
        assert!(eqs("12 × 3 = 2 × 18").is_empty());
        assert!(eqs("when 3 + 4 >= 7").is_empty());
        assert!(eqs("N* = √(0.97 ÷ 0.0005) ≈ 44 pods").is_empty());
        assert!(eqs("($75M × 8%) - ($75M × 1.2%) = $6M - $900K = $5.1M").len() == 1);
        assert!(eqs("x = 2 − hit rate").is_empty());
    }
}
