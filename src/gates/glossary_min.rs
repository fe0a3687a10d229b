use super::minimum::{Entry, List, blank, measure};
use super::{Ctx, Measurement};
use crate::model::GlossaryEntry;

declare_gate! {
    /// ## What it checks
    /// The glossary holds at least the rubric's minimum of complete entries (default 10,
    /// x1.2 rounded up above 30 questions). Complete: a definition plus a formula (an
    /// expression: `=`, `/`, `×`, `Σ` ...) or target values (a figure). A formula field
    /// of "—" or prose ("not a formula"), or targets without a value ("use open-model
    /// tools"), count for nothing; an entry written as one text counts when that text
    /// holds an equation (`Hit Rate = Hits / (Hits + Misses)`) or a bound with a value
    /// (`Target: ≥95%`). A circular definition (below) is not complete either.
    /// Incomplete entries are warnings.
    ///
    /// A definition is circular (the spec's Logic standard) when its substance is the
    /// term itself: the head of its first sentence, after a leading `Term:` label or
    /// `Term is`, without articles and before the first `of`, `for`, `that`, comma ...,
    /// is the term or one of its aliases (`Throughput: the throughput of the system`), or
    /// it is only the term's expansion; or when two entries are defined only by each other
    /// (each head is the other's term). `p99: the 99th percentile latency` is not circular:
    /// its head names what p99 is.
    ///
    /// ## Why it matters
    /// Interviewers and candidates must agree on what p99, USL or an error budget mean,
    /// with the formula and the usual targets.
    ///
    /// ## How to fix
    /// Add entries to `references/glossary.yaml`, each with `definition` and `formula` or
    /// `targets`.
    ///
    /// ## Example
    /// `18 entries, 18 complete`.
    pub(crate) static GLOSSARY_MIN = {
        number: 11,
        name: "glossary-min",
        title: "Glossary Min",
        requirement: |r| format!(">={} entries [G#] with formulas/targets", r.references.glossary()),
        check: check,
    }
}

/// A phrase as comparable words: lower-case letters and digits, CJK characters one
/// word each, articles dropped.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for ch in s.chars() {
        if super::sources::is_cjk(ch) {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            out.push(ch.to_string());
        } else if ch.is_alphanumeric() || ch == '\'' {
            cur.extend(ch.to_lowercase());
        } else if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.retain(|w| !matches!(w.as_str(), "the" | "a" | "an"));
    out
}

/// The names an entry goes by: its term, the term without a parenthesis and the
/// parenthesis itself (`Service Level Objective (SLO)`), each part of `A / B`, aliases.
fn names(g: &GlossaryEntry) -> Vec<Vec<String>> {
    let t = g.term.value.as_str();
    let mut raw: Vec<String> = vec![t.to_owned()];
    if let (Some(open), Some(close)) = (t.find('('), t.rfind(')'))
        && open < close
    {
        raw.push(format!("{}{}", &t[..open], &t[close + 1..]));
        raw.push(t[open + 1..close].to_owned());
    }
    if t.contains('/') {
        raw.extend(t.split('/').map(str::to_owned));
    }
    raw.extend(g.aliases.iter().cloned());
    let mut out: Vec<Vec<String>> = raw
        .iter()
        .map(|r| words(r))
        .filter(|w| !w.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Words that end the head of a definition: what follows qualifies it.
const HEAD_ENDS: &[&str] = &[
    "of",
    "for",
    "in",
    "on",
    "at",
    "by",
    "with",
    "from",
    "to",
    "per",
    "that",
    "which",
    "who",
    "where",
    "when",
    "whose",
    "as",
    "while",
    "under",
    "over",
    "between",
    "across",
    "into",
    "than",
    "and",
    "or",
    "is",
    "are",
    "measured",
    "used",
    "expressed",
];

/// Separators after a label or a name given in apposition (`USL, a model of ...`).
const SEPARATORS: &[char] = &[',', ':', '(', '—', '–', '：', '（', '，'];

/// `text` without a leading run of the entry's own names used as labels: `Term:`,
/// `Term (TRM) —`, `Expansion, a model of ...` (up to three, one after the other).
fn strip_labels<'t>(mut text: &'t str, own: &[Vec<String>]) -> &'t str {
    for _ in 0..3 {
        let Some(i) = text.find(SEPARATORS) else {
            break;
        };
        if !own.contains(&words(&text[..i])) {
            break;
        }
        let mut after = &text[i..];
        if after.starts_with(['(', '（']) {
            match after.char_indices().find(|(_, c)| matches!(c, ')' | '）')) {
                Some((j, c)) => after = &after[j + c.len_utf8()..],
                None => break,
            }
        }
        text = after.trim_start_matches(|c: char| {
            c.is_whitespace() || matches!(c, ',' | ':' | '—' | '–' | '-' | '：' | '，')
        });
    }
    text
}

/// The head of a definition: its first sentence's opening noun phrase, after leading
/// labels naming the entry (`Term:`, `Term —`) and `Term is` / `means` / `refers to`.
/// `None` when the definition is only the entry's names (circular as a whole).
fn head(definition: &str, own: &[Vec<String>]) -> Option<Vec<String>> {
    let first = definition
        .split_inclusive(['.', ';', '\n', '。', '；'])
        .next()
        .unwrap_or(definition);
    let rest = strip_labels(first.trim(), own);
    let mut w = words(rest);
    let mut consumed = 0;
    // `Term is ...`, `Term means ...`, `Term refers to ...`.
    for name in own {
        if w.len() > name.len() && w[..name.len()] == name[..] {
            let skip = match w[name.len()].as_str() {
                "is" | "are" | "means" | "denotes" => 1,
                "refers" if w.get(name.len() + 1).is_some_and(|x| x == "to") => 2,
                _ => 0,
            };
            if skip > 0 {
                w.drain(..name.len() + skip);
                consumed = name.len() + skip;
                break;
            }
        }
    }
    if w.is_empty() {
        return None;
    }
    // The head ends at a qualifying word or at punctuation in the text.
    let cut_text = rest.find(SEPARATORS).map_or(rest, |i| &rest[..i]);
    let limit = words(cut_text).len().saturating_sub(consumed).max(1);
    let end = w
        .iter()
        .position(|x| HEAD_ENDS.contains(&x.as_str()))
        .unwrap_or(w.len());
    Some(w.into_iter().take(end.min(limit)).collect())
}

/// For each entry, why its definition is circular, if it is: defined by itself, or
/// with another entry defined only by each other.
fn circular(glossary: &[GlossaryEntry]) -> Vec<Option<String>> {
    let all: Vec<Vec<Vec<String>>> = glossary.iter().map(names).collect();
    let heads: Vec<Option<Option<Vec<String>>>> = glossary
        .iter()
        .zip(&all)
        .map(|(g, own)| {
            g.definition
                .as_deref()
                .filter(|d| !d.trim().is_empty())
                .map(|d| head(d, own))
        })
        .collect();
    let defines = |h: &Option<Vec<String>>, names: &[Vec<String>]| match h {
        None => false,
        Some(h) => !h.is_empty() && names.contains(h),
    };
    glossary
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let h = heads[i].as_ref()?;
            let def = g.definition.as_deref().unwrap_or_default().trim();
            let quote: String = def.chars().take(80).collect();
            if h.is_none() || defines(h, &all[i]) {
                return Some(format!(
                    "its definition (\"{quote}\") defines the term by itself or its own name; say what it is or measures"
                ));
            }
            (0..glossary.len()).filter(|&j| j != i).find_map(|j| {
                let hj = heads[j].as_ref()?;
                (defines(h, &all[j]) && defines(hj, &all[i])).then(|| {
                    format!(
                        "its definition and that of `{}` ({}) define each other and nothing else; define one of them by what it measures",
                        glossary[j].id.value, glossary[j].term.value
                    )
                })
            })
        })
        .collect()
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let min = ctx.scaled(ctx.rubric.references.glossary()) as usize;
    let circular = circular(&ctx.bank.glossary);
    let entries: Vec<Entry<'_>> = ctx
        .bank
        .glossary
        .iter()
        .zip(circular)
        .map(|(g, problem)| {
            let mut missing = Vec::new();
            if blank(g.definition.as_deref()) {
                missing.push("a definition");
            }
            if !has_formula_or_target(g) {
                missing.push("a formula or targets (looked for an expression in the formula, a value in the targets, or an equation or a bound with a value in its text; found none)");
            }
            Entry {
                id: &g.id,
                file: g.file,
                label: format!("glossary entry `{}` ({})", g.id.value, g.term.value),
                missing,
                problem,
                texts: crate::model::EntryTexts::texts(g),
            }
        })
        .collect();
    let list = List {
        plural: "glossary entries",
        file: "references/glossary.yaml",
    };
    let (mut m, complete) = measure(ctx, &list, min, &entries);
    m.evidence = format!("{} entries, {complete} complete (min {min})", entries.len());
    m
}

/// Whether a glossary entry gives a formula (an expression) or targets with a value;
/// an entry written as one text, an equation or a bound with its value.
fn has_formula_or_target(g: &crate::model::GlossaryEntry) -> bool {
    const MATH: &[char] = &[
        '=', '/', '×', '*', '÷', '^', 'Σ', '∑', '√', '⌈', '⌊', '·', '≈', '<', '>', '≤', '≥', '∝',
        '+', '−',
    ];
    let formula = g.formula.as_deref().filter(|f| !blank(Some(f)));
    if formula.is_some_and(|f| f.contains(MATH)) {
        return true;
    }
    if g.targets.as_deref().is_some_and(crate::text::has_number) {
        return true;
    }
    if g.formula.is_some() || g.targets.is_some() {
        return false;
    }
    // One text: an equation (`A = B`) or a bound with its value (`≥95%`, `Target: 2 s`).
    static ONE_TEXT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"(?i)\w\s*=\s*\S|(?:[<>≤≥]|target\w*:?)\s*~?\d")
            .expect("a valid pattern")
    });
    // Asides in parentheses (`ROI (return on investment = gain ÷ cost)`) are not the
    // entry's own formula.
    static ASIDE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(r"\([^()]*\)").expect("a valid pattern"));
    [&g.definition, &g.distinctions, &g.when_to_use]
        .into_iter()
        .flatten()
        .any(|t| ONE_TEXT.is_match(&ASIDE.replace_all(t, "")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sp;

    fn entry(term: &str, aliases: &[&str], definition: &str) -> GlossaryEntry {
        GlossaryEntry {
            id: Sp::bare("G1".to_owned()),
            term: Sp::bare(term.to_owned()),
            aliases: aliases.iter().map(|a| (*a).to_owned()).collect(),
            acronym: false,
            definition: Some(definition.to_owned()),
            formula: None,
            targets: None,
            distinctions: None,
            when_to_use: None,
            lang: None,
            file: crate::model::FileId::default(),
        }
    }

    fn is_circular(term: &str, aliases: &[&str], definition: &str) -> bool {
        circular(&[entry(term, aliases, definition)])[0].is_some()
    }

    #[test]
    fn a_definition_by_the_term_itself_is_circular() {
        assert!(is_circular(
            "Throughput",
            &[],
            "Throughput: the throughput of the system."
        ));
        assert!(is_circular(
            "Throughput",
            &[],
            "The throughput of a service, measured over time."
        ));
        assert!(is_circular(
            "Latency",
            &[],
            "Latency is the latency of a request."
        ));
        assert!(is_circular(
            "SLO",
            &["Service Level Objective"],
            "Service Level Objective"
        ));
        assert!(is_circular(
            "SLO",
            &["service level objective"],
            "The service level objective for a service."
        ));
        assert!(is_circular("Error budget", &[], "Error budget"));
    }

    #[test]
    fn a_definition_that_says_what_the_term_is_is_not() {
        assert!(!is_circular("p99", &[], "p99: the 99th percentile latency"));
        assert!(!is_circular(
            "Tail latency",
            &[],
            "Latency at the high percentiles (p99 and above)."
        ));
        assert!(!is_circular(
            "Throughput",
            &[],
            "Throughput is the rate of completed work per unit time."
        ));
        assert!(!is_circular(
            "USL",
            &["Universal Scalability Law"],
            "Universal Scalability Law (Gunther): throughput vs concurrency"
        ));
        assert!(!is_circular(
            "Latency / Throughput",
            &[],
            "Latency: time per request. Throughput: completed work per unit time"
        ));
        assert!(!is_circular(
            "Cache hit ratio",
            &[],
            "The ratio of cache hits to all lookups."
        ));
        assert!(!is_circular(
            "Latency percentiles",
            &[],
            "Latency percentiles: the value below which 50% of requests complete."
        ));
    }

    #[test]
    fn two_entries_defined_only_by_each_other_are_circular() {
        let mut a = entry("Response time", &[], "The latency.");
        let mut b = entry("Latency", &[], "Response time.");
        a.id = Sp::bare("G1".to_owned());
        b.id = Sp::bare("G2".to_owned());
        let found = circular(&[a.clone(), b]);
        assert!(
            found[0].as_deref().is_some_and(|w| w.contains("`G2`")),
            "{found:?}"
        );
        assert!(found[1].is_some());
        // One-way is fine: latency is defined by what it measures.
        let c = entry(
            "Latency",
            &[],
            "The time from request sent to response received.",
        );
        assert!(circular(&[a, c]).iter().all(Option::is_none));
    }
}

#[cfg(test)]
mod formula_tests {
    use super::*;

    fn entry(
        definition: &str,
        formula: Option<&str>,
        targets: Option<&str>,
    ) -> crate::model::GlossaryEntry {
        crate::model::GlossaryEntry {
            id: crate::model::Sp::new("G1".to_owned(), crate::model::Pos::default()),
            term: crate::model::Sp::new("Term".to_owned(), crate::model::Pos::default()),
            aliases: Vec::new(),
            acronym: false,
            definition: Some(definition.to_owned()),
            formula: formula.map(str::to_owned),
            targets: targets.map(str::to_owned),
            distinctions: None,
            when_to_use: None,
            lang: None,
            file: crate::model::FileId::default(),
        }
    }

    #[test]
    fn formula_or_target_by_what_it_holds() {
        assert!(has_formula_or_target(&entry("x", Some("L = λW"), None)));
        assert!(has_formula_or_target(&entry(
            "x",
            Some("—"),
            Some("all 16 cells covered")
        )));
        assert!(!has_formula_or_target(&entry(
            "x",
            Some("—"),
            Some("use open-model tools")
        )));
        assert!(!has_formula_or_target(&entry(
            "x",
            Some("not a formula but a flaw"),
            None
        )));
        assert!(has_formula_or_target(&entry(
            "Hit Rate = Hits / (Hits + Misses) × 100%. Target: ≥95%",
            None,
            None
        )));
        assert!(!has_formula_or_target(&entry(
            "A list of abbreviations (APM, CDN)",
            None,
            None
        )));
        assert!(!has_formula_or_target(&entry(
            "ROI (return on investment = gain ÷ cost)",
            None,
            None
        )));
    }
}
