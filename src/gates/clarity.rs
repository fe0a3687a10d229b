use std::collections::{BTreeMap, HashSet};

use super::{Ctx, Level, Measurement, Repeats, finding};
use crate::text;

declare_gate! {
    /// ## What it checks
    /// Every acronym in question text (two or more capitals, digits allowed, an optional
    /// plural `s`; code, URLs and reference brackets excluded) is defined: it appears in a
    /// glossary term or alias, or in the rubric's `common_acronyms` allow-list, or it is
    /// spelled out where the document uses it or in its glossary, in either form writers
    /// use: `WAL (write-ahead log)` or `write-ahead log (WAL)`. A word that the
    /// document's own code blocks use (`INSERT`, `MOVED`, `INFO`) is a keyword written in
    /// prose, not an acronym.
    ///
    /// ## Why it matters
    /// Undefined jargon excludes candidates and hides sloppy thinking; the spec asks for
    /// glossary-defined terms throughout.
    ///
    /// ## How to fix
    /// Add a glossary entry (or an alias to an existing one) for the acronym, spell it
    /// out, or put code-like tokens (`EXPLAIN ANALYZE`) in backticks.
    ///
    /// ## Example
    /// `41 acronyms, 0 undefined`.
    pub(crate) static CLARITY = {
        number: 19,
        name: "clarity",
        title: "Clarity",
        requirement: |_| "All acronyms in glossary; no undefined terms".to_owned(),
        check: check,
    }
}

fn check(ctx: &Ctx<'_>) -> Measurement {
    let mut defined: HashSet<String> = ctx.rubric.common_acronyms.iter().cloned().collect();
    for g in &ctx.bank.glossary {
        for name in std::iter::once(&g.term.value).chain(&g.aliases) {
            for (a, _) in text::acronyms_outside(name, &[]) {
                defined.insert(text::acronym_stem(&a).to_owned());
                defined.insert(a);
            }
            if g.acronym {
                defined.insert(name.trim().to_owned());
            }
        }
    }
    for g in &ctx.bank.glossary {
        for t in [
            &g.definition,
            &g.formula,
            &g.targets,
            &g.distinctions,
            &g.when_to_use,
        ]
        .into_iter()
        .flatten()
        {
            defined.extend(expanded(t));
        }
    }
    for (q, segments) in ctx.bank.questions.iter().zip(&ctx.segments) {
        for seg in segments {
            defined.extend(expanded(seg.value.value.as_str()));
        }
        for p in &q.practical {
            defined.extend(code_words(&p.code.value));
        }
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut undefined: Repeats<String> = Repeats::new();
    for (q, segments) in ctx.bank.questions.iter().zip(&ctx.segments) {
        for seg in segments {
            let t = seg.value;
            for (a, range) in text::acronyms_outside(&seg.masked, &seg.refs) {
                // `TODO` and its kin are placeholders (reported as such), not acronyms.
                if ctx.rubric.placeholders.words.contains(&a) {
                    continue;
                }
                if is_capitalised_word(&a) {
                    continue;
                }
                *seen.entry(a.clone()).or_default() += 1;
                if defined.contains(&a) || defined.contains(text::acronym_stem(&a)) {
                    continue;
                }
                undefined.add(a.clone(), || {
                    finding(
                        Level::Required,
                        format!(
                            "acronym `{a}` is not defined: looked for it in the glossary's terms and aliases, for a spelling-out (`{a} (...)` or `... ({a})`) and in the common acronyms, found none"
                        ),
                    )
                        .at(ctx.loc_in(q.file, t, range))
                        .help(format!(
                            "add `{a}` to a glossary entry's aliases, spell it out, or put code in backticks"
                        ))
                });
            }
        }
    }
    let mut m = Measurement::new(format!(
        "{} acronyms, {} undefined",
        seen.len(),
        undefined.len()
    ));
    m.require(undefined.is_empty());
    for d in undefined.into_findings() {
        m.push(d);
    }
    m
}

/// Acronyms `text` spells out: `WAL (write-ahead log)` or `write-ahead log (WAL)`,
/// where the initials of the words hold the acronym's letters in order (`JIT
/// (Just-In-Time compiler)`, `LSN (PostgreSQL log sequence number)`), with their
/// singular. `SLO (e.g. an API at 2K rps)` spells nothing out.
fn expanded(text: &str) -> Vec<String> {
    use std::sync::LazyLock;
    static AFTER: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?-u:\b)([A-Z][A-Z0-9]*[A-Z][A-Z0-9]*s?)\s*\(\s*([A-Za-z][^()]*)\)")
            .expect("a valid pattern")
    });
    static BEFORE: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"((?:[A-Za-z][\w/-]*\s+){1,8})\(\s*([A-Z][A-Z0-9]*[A-Z][A-Z0-9]*s?)\s*\)",
        )
        .expect("a valid pattern")
    });
    let mut out = Vec::new();
    // Both forms hold a parenthesis; most fields (a metrics cell) have none.
    if !text.contains('(') {
        return out;
    }
    let mut add = |a: &str| {
        out.push(a.to_owned());
        out.push(text::acronym_stem(a).to_owned());
    };
    for c in AFTER.captures_iter(text) {
        if spells(&c[1], &c[2]) {
            add(&c[1]);
        }
    }
    for c in BEFORE.captures_iter(text) {
        if spells(&c[2], &c[1]) {
            add(&c[2]);
        }
    }
    out
}

/// Whether the initials of `words` (split at spaces, hyphens and slashes) hold the
/// letters of `acronym` in order.
fn spells(acronym: &str, words: &str) -> bool {
    let initials: Vec<char> = words
        .split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .filter_map(|w| w.chars().next())
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let mut it = initials.iter();
    text::acronym_stem(acronym)
        .chars()
        .filter(char::is_ascii_alphabetic)
        .all(|a| it.any(|i| *i == a))
}

/// A word written in capitals (`INVALID`, `MOVED`, `INSERT`), not an acronym: five
/// letters or more, a third of them vowels at least.
fn is_capitalised_word(a: &str) -> bool {
    let letters = a.chars().filter(char::is_ascii_alphabetic).count();
    let vowels = a.chars().filter(|c| "AEIOUY".contains(*c)).count();
    letters >= 5 && letters == a.chars().count() && vowels >= 2 && vowels * 3 >= letters
}

/// The all-capital words of a code block (`INSERT`, `MOVED`): keywords, when prose
/// names them, not acronyms.
fn code_words(code: &str) -> Vec<String> {
    text::acronyms_outside(code, &[])
        .into_iter()
        .flat_map(|(a, _)| [text::acronym_stem(&a).to_owned(), a])
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelled_out_acronyms_in_both_forms() {
        let e = expanded("Logs go to the WAL (write-ahead log); a change data capture (CDC) feed.");
        assert!(e.contains(&"WAL".to_owned()) && e.contains(&"CDC".to_owned()));
        assert!(expanded("a TTL (7d) on keys").is_empty());
        assert!(expanded("the API (v2)").is_empty());
        assert!(expanded("its scale and SLO (e.g. an API at 2K rps misses its SLO)").is_empty());
        assert!(expanded("JIT (Just-In-Time compiler)").contains(&"JIT".to_owned()));
    }

    #[test]
    fn words_in_capitals_are_not_acronyms() {
        assert!(is_capitalised_word("INVALID") && is_capitalised_word("MOVED"));
        assert!(!is_capitalised_word("KEDA") && !is_capitalised_word("TSDB"));
        assert!(!is_capitalised_word("HTTP2") && !is_capitalised_word("NGINX"));
    }

    #[test]
    fn code_keywords() {
        let w = code_words("INSERT INTO t VALUES (1);");
        assert!(w.contains(&"INSERT".to_owned()));
    }
}
