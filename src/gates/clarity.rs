use std::collections::{BTreeMap, HashSet};

use super::{Ctx, Level, Measurement, Repeats, finding};
use crate::diagnostic::Location;
use crate::model::{Pos, Sp};
use crate::text;

declare_gate! {
    /// ## What it checks
    /// Every acronym a reader meets in the document's prose is defined. The prose is the
    /// questions' text and practical-block captions, what each tool does, works with and
    /// cannot do, and what each source covers; names, titles, publishers and prices are
    /// the entries' own words and are left alone. An acronym is two or more capitals
    /// (`WAL`, `SLOs`) or one small letter before three (`eBPF`); code, URLs, reference
    /// brackets, names with a digit (`LZ4`, `S3`) and Roman numerals are not acronyms.
    /// It is defined when a glossary term or alias holds it, when the rubric's
    /// `common_acronyms` allow-list does, or when the document spells it out anywhere,
    /// in either form writers use: `WAL (write-ahead log)` or `write-ahead log (WAL)`,
    /// pairs too (`MTTD/MTTR (mean time to detect/restore)`), with letters from inside
    /// words (`OTLP (OpenTelemetry Protocol)`). A word that the document's code blocks
    /// use outside their comments (`INSERT`, `MOVED`, `INFO`) is a keyword written in
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
            defined.extend(p.caption.as_deref().map(expanded).unwrap_or_default());
        }
    }
    for t in tool_texts(ctx).chain(source_texts(ctx)) {
        defined.extend(expanded(t));
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut undefined: Repeats<String> = Repeats::new();
    let mut consider = |a: String, at: &dyn Fn() -> Location| {
        // `TODO` and its kin are placeholders (reported as such), not acronyms; a word in
        // capitals is emphasis; a name with a digit (`LZ4`, `S3`) is a product's or a
        // model's name, which no glossary spells out; `Part II` is a numeral.
        if ctx.rubric.placeholders.words.contains(&a)
            || is_capitalised_word(&a)
            || EMPHASIS.binary_search(&a.as_str()).is_ok()
            || a.bytes().any(|b| b.is_ascii_digit())
            || a.bytes().all(|b| matches!(b, b'I' | b'V' | b'X'))
        {
            return;
        }
        *seen.entry(a.clone()).or_default() += 1;
        if defined.contains(&a) || defined.contains(text::acronym_stem(&a)) {
            return;
        }
        undefined.add(a.clone(), || {
            finding(
                Level::Required,
                format!(
                    "acronym `{a}` is not defined: looked for it in the glossary's terms and aliases, for a spelling-out (`{a} (...)` or `... ({a})`) and in the common acronyms, found none"
                ),
            )
            .at(at())
            .help(format!(
                "add `{a}` to a glossary entry's aliases, spell it out, or put code in backticks"
            ))
        });
    };
    for (q, segments) in ctx.bank.questions.iter().zip(&ctx.segments) {
        for seg in segments {
            let t = seg.value;
            for (a, range) in text::acronyms_outside(&seg.masked, &seg.refs) {
                consider(a, &|| ctx.loc_in(q.file, t, range.clone()));
            }
        }
    }
    // The rest of the document's prose a reader meets: what a practical block shows,
    // what a tool does, works with and cannot do, and what a source covers. Names
    // (a tool's, a title, a publisher) and prices are the entry's own words, not the
    // writer's, and are left alone.
    let mut prose = |file, anchor: &Sp<String>, texts: &mut dyn Iterator<Item = &str>| {
        for t in texts {
            let masked = text::mask_code(t);
            for (a, range) in text::acronyms_outside(&masked, &[]) {
                // Located only when reported: finding the field in its file is a search.
                consider(a, &|| {
                    let value = Sp::new(t.to_owned(), start_of(ctx, file, anchor.pos, t));
                    ctx.loc_in(file, &value, range.clone())
                });
            }
        }
    };
    for q in &ctx.bank.questions {
        prose(
            q.file,
            &q.title,
            &mut q.practical.iter().filter_map(|p| p.caption.as_deref()),
        );
    }
    for t in &ctx.bank.tools {
        prose(t.file, &t.id, &mut tool_prose(t));
    }
    for s in ctx.bank.literature.iter().chain(&ctx.bank.citations) {
        prose(s.file, &s.id, &mut source_prose(s));
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

/// Where a field's text `t` begins in its file, searched from its entry's `anchor` (the
/// text's first words, then its first word), so a finding points into the field and not
/// at an earlier field that happens to hold the same acronym.
fn start_of(ctx: &Ctx<'_>, file: crate::model::FileId, anchor: Pos, t: &str) -> Pos {
    let Some(src) = ctx.bank.sources.get(file) else {
        return anchor;
    };
    let from = (anchor.offset as usize).min(src.text.len());
    let words: Vec<&str> = t.split_whitespace().take(3).collect();
    let rest = src.text.get(from..).unwrap_or_default();
    let found = rest
        .find(&words.join(" "))
        .or_else(|| words.first().and_then(|w| rest.find(w)));
    match found {
        Some(i) if !words.is_empty() => {
            let at = from + i;
            let (line, col) = text::line_col(&src.text, at);
            Pos::new(line, col, u32::try_from(at).unwrap_or(u32::MAX))
        }
        _ => anchor,
    }
}

/// What a tool does, works with and cannot do: the tool entry's prose.
fn tool_prose(t: &crate::model::Tool) -> impl Iterator<Item = &str> {
    [&t.purpose, &t.use_cases, &t.limitations]
        .into_iter()
        .filter_map(|f| f.as_deref())
        .chain(t.integrations.iter().map(String::as_str))
}

/// What a source covers: a literature entry's or a citation's prose.
fn source_prose(s: &crate::model::Source) -> impl Iterator<Item = &str> {
    [&s.coverage, &s.key_sections]
        .into_iter()
        .filter_map(|f| f.as_deref())
}

fn tool_texts<'a>(ctx: &'a Ctx<'_>) -> impl Iterator<Item = &'a str> {
    ctx.bank.tools.iter().flat_map(tool_prose)
}

fn source_texts<'a>(ctx: &'a Ctx<'_>) -> impl Iterator<Item = &'a str> {
    ctx.bank
        .literature
        .iter()
        .chain(&ctx.bank.citations)
        .flat_map(source_prose)
}

/// Acronyms `text` spells out: `WAL (write-ahead log)` or `write-ahead log (WAL)`,
/// where the initials of the words hold the acronym's letters in order (`JIT
/// (Just-In-Time compiler)`, `LSN (PostgreSQL log sequence number)`), with their
/// singular. `SLO (e.g. an API at 2K rps)` spells nothing out.
fn expanded(text: &str) -> Vec<String> {
    use std::sync::LazyLock;
    static AFTER: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(
            r"(?-u:\b)((?:[a-z]?[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*s?/)*[a-z]?[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*s?)\s*\(\s*([A-Za-z][^()]*)\)",
        )
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
        // `MTTD/MTTR (mean time to detect/restore)`: each acronym of the pair.
        for a in c[1].split('/') {
            if spells(a, &c[2]) {
                add(a);
            }
        }
    }
    for c in BEFORE.captures_iter(text) {
        // The spelling is the last words before the parenthesis: as many as the acronym
        // has letters, and up to two more it skips.
        let letters = c[2].bytes().filter(u8::is_ascii_uppercase).count();
        if spells(&c[2], last_words(&c[1], letters + 2)) {
            add(&c[2]);
        }
    }
    out
}

/// The end of `text` that holds its last `k` words (split at spaces, hyphens and
/// slashes, as [`spells`] counts them).
fn last_words(text: &str, k: usize) -> &str {
    let t = text.trim_end();
    let mut seen = 0;
    let mut in_word = false;
    for (i, ch) in t.char_indices().rev() {
        let sep = ch.is_whitespace() || ch == '-' || ch == '/';
        if !sep && !in_word {
            seen += 1;
        }
        if sep && in_word && seen == k {
            return &t[i + ch.len_utf8()..];
        }
        in_word = !sep;
    }
    t
}

/// Whether the initials of `words` (split at spaces, hyphens and slashes) hold the
/// letters of `acronym` in order.
/// A word that is itself an acronym gives all its letters (`eBPF (extended BPF)`).
fn spells(acronym: &str, words: &str) -> bool {
    // The whole parenthesis (`RED (rate, errors, duration)`), or the spelling before an
    // aside (`CFS (Linux Completely Fair Scheduler, whose quota ...)`, `ROI (return on
    // investment = gain ÷ cost)`).
    spelled_by(acronym, words)
        || words
            .split_once([',', ';', ':', '='])
            .is_some_and(|(head, _)| spelled_by(acronym, head))
}

fn spelled_by(acronym: &str, words: &str) -> bool {
    let initials: Vec<char> = words
        .split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .flat_map(|w| {
            let caps = w.len() >= 2
                && w.bytes().all(|b| b.is_ascii_uppercase())
                && text::acronym_stem(w) != text::acronym_stem(acronym);
            w.chars().take(if caps { w.len() } else { 1 })
        })
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let letters: Vec<char> = text::acronym_stem(acronym)
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    // Words the acronym skips are few (`LSN (PostgreSQL log sequence number)`): a
    // sentence (`SLA (see the last line of the table above)`) spells nothing.
    let count = words
        .split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .filter(|w| !w.is_empty())
        .count();
    if count > letters.len() + 2 {
        return false;
    }
    let mut it = initials.iter();
    if letters.iter().all(|a| it.any(|i| i == a)) {
        return true;
    }
    // Letters taken from inside words (`OTLP (OpenTelemetry Protocol)`, `TSDB
    // (time-series database)`): the first is the first word's initial, the rest follow
    // in order, and the spelling has no more words than the acronym has letters, so a
    // long aside does not spell one by chance.
    if words.split_whitespace().count() > letters.len() || initials.first() != letters.first() {
        return false;
    }
    let mut rest = words.chars().map(|c| c.to_ascii_uppercase());
    letters.iter().all(|a| rest.any(|c| c == *a))
}

/// English function words written in capitals for emphasis or as operators (`MUST
/// NOT`, `A AND B`), not acronyms. Sorted, for a binary search.
const EMPHASIS: &[&str] = &[
    "ALL", "AND", "ANY", "ARE", "BE", "BUT", "BY", "DO", "IF", "IN", "IS", "MUST", "NO", "NOR",
    "NOT", "OF", "ON", "ONLY", "OR", "THE", "TO", "VS",
];

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
    // A comment is prose: `# JDK 17+ unified logging` does not make `JDK` a keyword.
    code.lines()
        .flat_map(|l| {
            let cut = ["#", "//", "--"]
                .iter()
                .filter_map(|m| {
                    l.match_indices(m)
                        .find(|(i, _)| *i == 0 || l.as_bytes()[i - 1].is_ascii_whitespace())
                        .map(|(i, _)| i)
                })
                .min()
                .unwrap_or(l.len());
            text::acronyms_outside(&l[..cut], &[])
        })
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
        let e = expanded("LFU/LRU (least frequently/recently used); eBPF (extended BPF)");
        for a in ["LFU", "LRU", "eBPF"] {
            assert!(e.contains(&a.to_owned()), "{a} in {e:?}");
        }
        assert!(!expanded("LFU/SLO (least frequently used)").contains(&"SLO".to_owned()));
        assert!(expanded("OTLP (OpenTelemetry Protocol)").contains(&"OTLP".to_owned()));
        assert!(expanded("TSDB (time-series database)").contains(&"TSDB".to_owned()));
        assert!(expanded("SLA (see the last line of the table above)").is_empty());
        let e = expanded("Replacing a synchronized least-recently-used (LRU) map");
        assert!(e.contains(&"LRU".to_owned()));
        assert_eq!(last_words("a b-c d", 2), "c d");
        assert_eq!(last_words("a b", 5), "a b");
        for (a, t) in [
            ("RED", "RED (rate, errors, duration)"),
            (
                "CFS",
                "CFS (Linux Completely Fair Scheduler, whose quota enforces CPU limits)",
            ),
            ("ROI", "ROI (return on investment = gain ÷ cost)"),
        ] {
            assert!(expanded(t).contains(&a.to_owned()), "{t}");
        }
    }

    #[test]
    fn emphasis_is_sorted_capitals() {
        assert!(EMPHASIS.windows(2).all(|w| w[0] < w[1]));
        assert!(
            EMPHASIS
                .iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_uppercase()))
        );
    }

    #[test]
    fn words_in_capitals_are_not_acronyms() {
        assert!(is_capitalised_word("INVALID") && is_capitalised_word("MOVED"));
        assert!(!is_capitalised_word("KEDA") && !is_capitalised_word("TSDB"));
        assert!(!is_capitalised_word("HTTP2") && !is_capitalised_word("NGINX"));
    }

    #[test]
    fn code_keywords() {
        let w =
            code_words("INSERT INTO t VALUES (1);\n-- see the WAL\n# JDK 17+\nSET x = 1; // TODO");
        assert!(w.contains(&"INSERT".to_owned()) && w.contains(&"SET".to_owned()));
        for comment in ["WAL", "JDK", "TODO"] {
            assert!(
                !w.contains(&comment.to_owned()),
                "{comment} is in a comment"
            );
        }
    }
}
