//! The one edit an arithmetic finding proposes: its recomputed value written over the
//! figure it marks. `qbank fix --unsafe` and the language server's code action both use
//! it, so the two write the same text.

use crate::codes::Code;
use crate::diagnostic::Diagnostic;
use std::ops::Range;

/// The value an arithmetic finding recomputed, as the text would write it (its help ends
/// `(computed: 88.71% lower)`): only for a change or an equation, whose value follows
/// from the text's own figures; not a bound such as `≤ 100%`.
pub fn recomputed(d: &Diagnostic) -> Option<&str> {
    let code = Code::from_name(&d.code)?;
    if !matches!(code, Code::ChangeMismatch | Code::EquationMismatch) {
        return None;
    }
    let help = d.help.as_deref()?;
    let start = help.rfind("(computed: ")? + "(computed: ".len();
    let v = help[start..].strip_suffix(')')?.trim();
    (!v.is_empty() && !v.starts_with(['≤', '≥', '<', '>'])).then_some(v)
}

/// The recomputed value to write over a finding's mark `marked`, `after` being the text
/// that follows it: `65.71% lower` over `89%` in `89% lower` is `65.71%` (the word stays);
/// over `70%` in `a 70% cut` it is `65.71%` (a word of the same direction stays); over
/// `50%` in `50% higher` it is nothing (the word says the opposite, and rewriting the
/// sentence is not a figure's fix); over `140min` it is the whole `70 min`.
pub fn recomputed_text<'v>(computed: &'v str, marked: &str, after: &str) -> Option<&'v str> {
    const DOWN: [&str; 10] = [
        "lower",
        "less",
        "fewer",
        "cut",
        "reduction",
        "decrease",
        "drop",
        "smaller",
        "shorter",
        "saving",
    ];
    const UP: [&str; 7] = [
        "higher", "more", "increase", "gain", "larger", "longer", "growth",
    ];
    let Some((n, word)) = computed.split_once(' ') else {
        return Some(computed);
    };
    let marked = marked.trim_end();
    if marked.len() >= word.len()
        && marked.is_char_boundary(marked.len() - word.len())
        && marked[marked.len() - word.len()..].eq_ignore_ascii_case(word)
    {
        return Some(computed);
    }
    let Some(rest) = after.strip_prefix(' ') else {
        return Some(computed);
    };
    if rest.starts_with(word) {
        return Some(n);
    }
    if !rest.starts_with(char::is_alphabetic) {
        return Some(computed);
    }
    let next = rest
        .chars()
        .take_while(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase();
    let same = |group: &[&str]| group.contains(&word) && group.contains(&next.as_str());
    (same(&DOWN) || same(&UP)).then_some(n)
}

/// The text to write over `text[bytes]` for the recomputed value `computed`, when the
/// marked text is one figure and nothing else (a location that drifted onto other text
/// is never written over) and the value differs from it.
pub fn replacement(text: &str, bytes: Range<usize>, computed: &str) -> Option<String> {
    let marked = text.get(bytes.clone())?;
    let qs = super::quantity::scan(marked);
    let [q] = qs.as_slice() else {
        return None;
    };
    if marked.trim() != &marked[q.span.clone()] || marked.trim() != marked {
        return None;
    }
    let new = recomputed_text(computed, marked, &text[bytes.end..])?;
    // The same unit written the text's way (`1,540 reads per second` keeps its words,
    // `140min` its spacing): only the number changes.
    let cq = super::quantity::scan(new);
    let new = match (cq.as_slice(), core(marked), core(new)) {
        ([c], Some(m), Some(n))
            if c.span == (0..new.len())
                && c.dim == q.dim
                && c.unit == q.unit
                && (c.mag - q.mag).abs() < 0.5 =>
        {
            format!("{}{}{}", &marked[..m.start], &new[n], &marked[m.end..])
        }
        _ => new.to_owned(),
    };
    (new != marked && !new.is_empty()).then_some(new)
}

/// The number of a figure as written: its first digit to the end of its digits,
/// thousands separators and decimal point.
fn core(s: &str) -> Option<Range<usize>> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let len = s[start..]
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(s.len() - start);
    let end = start + s[start..start + len].trim_end_matches([',', '.']).len();
    Some(start..end)
}

/// One edit of a file: the bytes replaced, where they start (1-based line and column in
/// characters) and the old and new text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub bytes: Range<usize>,
    pub line: u32,
    pub col: u32,
    pub old: String,
    pub new: String,
}

/// The edit a finding proposes in its file's `text`, if it is an arithmetic finding with a
/// recomputed value whose location marks one figure of `text`.
pub fn edit(d: &Diagnostic, text: &str) -> Option<Edit> {
    let computed = recomputed(d)?;
    let loc = d.location.as_ref()?;
    if loc.len == 0 {
        return None;
    }
    let lines = crate::position::Lines::new(text);
    let r = lines.resolve(loc)?;
    let bytes = r.line_start + r.bytes.start..r.line_start + r.bytes.end;
    let new = replacement(text, bytes.clone(), computed)?;
    Some(Edit {
        old: text[bytes.clone()].to_owned(),
        bytes,
        line: loc.line,
        col: loc.col,
        new,
    })
}

/// `text` with `edits` applied (they do not overlap; any order).
pub fn apply(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| e.bytes.start);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in sorted {
        if e.bytes.start < at {
            continue;
        }
        out.push_str(&text[at..e.bytes.start]);
        out.push_str(&e.new);
        at = e.bytes.end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Location, Severity};

    fn finding(code: Code, help: &str, line: u32, col: u32, len: usize) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, "m")
            .at(Location::at("f.md", line, col).with_len(len))
            .help(help)
    }

    #[test]
    fn only_recomputed_values_of_changes_and_equations() {
        let d = finding(Code::ChangeMismatch, "x (computed: 88.71% lower)", 1, 1, 3);
        assert_eq!(recomputed(&d), Some("88.71% lower"));
        let bound = finding(Code::ImpossibleShare, "x (computed: ≤ 100%)", 1, 1, 3);
        assert_eq!(recomputed(&bound), None);
        let row = finding(Code::ImpactMismatch, "x (computed: 110 ms)", 1, 1, 3);
        assert_eq!(recomputed(&row), None, "which side is wrong is not known");
    }

    #[test]
    fn a_recomputed_value_keeps_the_words_around_it() {
        let r = recomputed_text;
        assert_eq!(r("65.71% lower", "89%", " lower)."), Some("65.71%"));
        assert_eq!(r("65.71% lower", "89%", ")."), Some("65.71% lower"));
        assert_eq!(r("88.82% lower", "70%", " cut."), Some("88.82%"));
        assert_eq!(r("50% higher", "50%", " lower."), None);
        assert_eq!(r("30.08x", "3.1x", " higher"), Some("30.08x"));
        assert_eq!(r("1440 reads", "1,540", " reads/s"), Some("1440"));
        assert_eq!(r("70 min", "140min", " moderate"), Some("70 min"));
    }

    #[test]
    fn the_edit_replaces_the_figure_and_nothing_else() {
        let text = "intro\np99 fell from 350 ms to 65 ms (71% lower).\n";
        let d = finding(Code::ChangeMismatch, "x (computed: 81.43% lower)", 2, 32, 3);
        let e = edit(&d, text).unwrap();
        assert_eq!(e.old, "71%");
        assert_eq!(e.new, "81.43%");
        assert_eq!(
            apply(text, &[e]),
            "intro\np99 fell from 350 ms to 65 ms (81.43% lower).\n"
        );
        // The text's own way of writing the unit stays.
        let t = "so 120 × 12 = 1,540 reads per second, and 2×35min = 140min here.";
        let at = t.find("1,540").unwrap();
        assert_eq!(
            replacement(
                t,
                at..at + "1,540 reads per second".len(),
                "1440 reads/second"
            )
            .as_deref(),
            Some("1440 reads per second")
        );
        let at = t.find("140min").unwrap();
        assert_eq!(
            replacement(t, at..at + 6, "70 min").as_deref(),
            Some("70min")
        );
        // A location that does not mark one figure is not written over.
        let drifted = finding(Code::ChangeMismatch, "x (computed: 81.43% lower)", 2, 1, 3);
        assert_eq!(edit(&drifted, text), None);
        let two = finding(
            Code::ChangeMismatch,
            "x (computed: 81.43% lower)",
            2,
            15,
            12,
        );
        assert_eq!(edit(&two, text), None);
    }
}
