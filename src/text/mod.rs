//! Shared text analysis used by every gate and by the importer: reference extraction
//! with spans, word counts (each CJK character is a word), acronyms outside code,
//! sentence splitting, lexicon matching, GitHub heading slugs and safe names (`slug`),
//! the one URL pattern (`urls`) and the one HTML/XML escape (`escape`).

pub(crate) mod archive;
mod escape;
pub(crate) mod placeholder;
mod slug;
mod urls;

pub(crate) use escape::{escape_html_into, escape_xml};
pub(crate) use slug::{is_safe_name, kebab, kebab_words, safe_name_help, slug, unique_slugs};
pub(crate) use urls::{URL_PATTERN, urls};

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// A reference written in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefTarget {
    /// `[Ref: A1]` or bare `[G1]`: an id.
    Id(String),
    /// `[G: Term]`: a glossary term or alias.
    Term(String),
}

/// One reference use, with the byte range of the whole bracket in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefUse {
    pub target: RefTarget,
    pub span: Range<usize>,
}

static REF_BRACKET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[(?:Ref|Refs|ref|REF)\s*:\s*([^\]\n]*)\]|\[G\s*:\s*([^\]\n]+)\]|\[([GTLA][0-9]+(?:\s*,\s*[GTLA][0-9]+)*)\]")
        .expect("valid regex")
});

/// Every reference in `text`: `[Ref: A1, L2]` gives two uses, `[G1]` and `[G1, T2]` are
/// bare ids, `[G: p99]` is a term. Items inside `[Ref: ...]` that are not ids are kept as
/// `Id` (so they fail to resolve and get reported).
pub(crate) fn refs(text: &str) -> Vec<RefUse> {
    let mut out = Vec::new();
    // Every form opens with `[`: most fields (a metrics cell) hold none.
    if !text.contains('[') {
        return out;
    }
    // The match alone says which form it is, without the slower search for its groups:
    // `[Ref...: list]` (the only `:` is the one after `Ref`), `[G: term]` (a `:`, which
    // no bare id list holds), or `[G1, T2]`. The text after the `:` keeps the spaces the
    // pattern skips; every item and term is trimmed.
    for whole in REF_BRACKET.find_iter(text) {
        let s = whole.as_str();
        let inner = &s[1..s.len() - 1];
        let colon = inner.find(':');
        let list = match (inner.as_bytes()[0], colon) {
            (b'R' | b'r', Some(c)) => &inner[c + 1..],
            (_, Some(c)) => {
                out.push(RefUse {
                    target: RefTarget::Term(inner[c + 1..].trim().to_owned()),
                    span: whole.range(),
                });
                continue;
            }
            (_, None) => inner,
        };
        for item in list.split([',', ';']) {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            out.push(RefUse {
                target: RefTarget::Id(item.to_owned()),
                span: whole.range(),
            });
        }
    }
    out
}

/// CJK ideographs, kana and hangul: each counts as one word.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF |
        0xAC00..=0xD7AF | 0x20000..=0x2FA1F)
}

/// Words in `text`: runs of non-space characters that hold a letter or digit, with each
/// CJK character counted as a word of its own. Markdown punctuation alone is not a word.
pub(crate) fn word_count(text: &str) -> usize {
    let mut count = 0;
    // Inside a run of non-space characters that already counted as a word.
    let mut in_word = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII (nearly all of it) without decoding; `char::is_whitespace` on ASCII is
        // exactly these six.
        let (space, cjk, alnum) = if b.is_ascii() {
            i += 1;
            (
                matches!(b, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r'),
                false,
                b.is_ascii_alphanumeric(),
            )
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            i += c.len_utf8();
            (c.is_whitespace(), is_cjk(c), c.is_alphanumeric())
        };
        if space {
            in_word = false;
        } else if cjk {
            count += 1;
            in_word = false;
        } else if alnum && !in_word {
            count += 1;
            in_word = true;
        }
    }
    count
}

/// The text with fenced code blocks, inline code spans and URLs replaced by spaces,
/// so offsets stay valid while code is ignored.
pub(crate) fn mask_code(text: &str) -> String {
    if !text.contains('`') && !text.contains("~~~") && !text.contains("http") {
        return text.to_owned();
    }
    let mut out: Vec<u8> = text.as_bytes().to_vec();
    let blank = |out: &mut Vec<u8>, r: Range<usize>| {
        for b in &mut out[r] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    };
    // Fenced blocks.
    let mut in_fence = false;
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            if in_fence {
                blank(&mut out, start..offset + line.len());
                in_fence = false;
            } else {
                in_fence = true;
                start = offset;
            }
        }
        offset += line.len();
    }
    if in_fence {
        blank(&mut out, start..text.len());
    }
    // Inline code and URLs on what remains.
    static INLINE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(&format!("`[^`\n]*`|{URL_PATTERN}")).expect("valid regex"));
    // Fences are blanked whole lines at a time, so `out` is still UTF-8; the lossy copy is
    // only a fallback.
    let ranges: Vec<Range<usize>> = match std::str::from_utf8(&out) {
        Ok(masked) => INLINE.find_iter(masked).map(|m| m.range()).collect(),
        Err(_) => INLINE
            .find_iter(&String::from_utf8_lossy(&out))
            .map(|m| m.range())
            .collect(),
    };
    for r in ranges {
        blank(&mut out, r);
    }
    // Only ASCII bytes were replaced, so this stays valid UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

static ACRONYM: LazyLock<Regex> =
    // ASCII word boundaries keep the regex on its fast path; acronyms are ASCII anyway.
    LazyLock::new(|| {
        // Two capitals or more (`WAL`, `SLOs`), or one small letter before three capitals
        // or more (`eBPF`, `vCPU`); `iOS` and `macOS` are names, not acronyms.
        Regex::new(r"(?-u:\b)(?:[a-z][A-Z]{3}|[A-Z][A-Z0-9]*[A-Z])[A-Z0-9]*s?(?-u:\b)")
            .expect("valid regex")
    });

/// Acronyms in an already-masked text, skipping matches inside `skip` (reference brackets).
pub(crate) fn acronyms_outside(masked: &str, skip: &[RefUse]) -> Vec<(String, Range<usize>)> {
    ACRONYM
        .find_iter(masked)
        .filter(|m| {
            !skip
                .iter()
                .any(|r| r.span.start <= m.start() && m.end() <= r.span.end)
        })
        .map(|m| (m.as_str().to_owned(), m.range()))
        .collect()
}

/// The singular of an acronym as written (`SLOs` -> `SLO`).
pub(crate) fn acronym_stem(a: &str) -> &str {
    if a.len() > 2 && a.ends_with('s') {
        &a[..a.len() - 1]
    } else {
        a
    }
}

/// Sentences of `text` as byte ranges. A sentence ends at `.`, `!` or `?` followed by
/// white space or the end (not inside numbers like `2.5` or after `e.g.`), at CJK
/// full stops, and at blank lines or list items.
pub(crate) fn sentences(text: &str) -> Vec<Range<usize>> {
    const ABBREV: [&str; 8] = [
        "e.g.", "i.e.", "vs.", "etc.", "approx.", "cf.", "Fig.", "No.",
    ];
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    // Only these characters can end a sentence; the text between them is skipped byte by
    // byte (each is ASCII, or a CJK mark whose first byte starts a character).
    let mut i = 0;
    while i < bytes.len() {
        let (len, end_here) = match bytes[i] {
            b'.' | b'!' | b'?' => {
                let next = text[i + 1..].chars().next();
                let followed_by_space = next.is_none_or(char::is_whitespace);
                let abbrev = bytes[i] == b'.' && ABBREV.iter().any(|a| text[..=i].ends_with(a));
                (1, followed_by_space && !abbrev)
            }
            b'\n' => {
                // A blank line or the start of a list item ends a sentence.
                let rest = &text[i + 1..];
                let t = rest.trim_start_matches([' ', '\t']);
                let ends = rest.starts_with('\n')
                    || t.starts_with("- ")
                    || t.starts_with("* ")
                    || t.starts_with('|');
                (1, ends)
            }
            0xE3 | 0xEF if ["。", "！", "？"].iter().any(|m| text[i..].starts_with(m)) => {
                (3, true)
            }
            _ => (1, false),
        };
        i += len;
        if end_here {
            let end = i;
            if text[start..end].trim().chars().any(char::is_alphanumeric) {
                out.push(start..end);
            }
            start = end;
        }
    }
    if start < bytes.len() && text[start..].trim().chars().any(char::is_alphanumeric) {
        out.push(start..bytes.len());
    }
    out
}

/// Whether `haystack_lower` (already lower-cased) holds `phrase` starting at a word start.
/// A phrase may be a stem (`profil` matches `profiling`); symbols like `%` match anywhere.
pub(crate) fn has_phrase(haystack_lower: &str, phrase: &str) -> bool {
    find_phrase(haystack_lower, phrase).is_some()
}

/// The byte offset of the first word-start occurrence of `phrase` (lower-cased) in `haystack_lower`.
pub(crate) fn find_phrase(haystack_lower: &str, phrase: &str) -> Option<usize> {
    let phrase: std::borrow::Cow<'_, str> = if phrase.chars().any(char::is_uppercase) {
        phrase.to_lowercase().into()
    } else {
        phrase.into()
    };
    let phrase = phrase.as_ref();
    let needs_boundary = phrase.chars().next().is_some_and(char::is_alphanumeric);
    let mut from = 0;
    while let Some(pos) = haystack_lower[from..].find(phrase) {
        let at = from + pos;
        let ok = !needs_boundary
            || haystack_lower[..at]
                .chars()
                .next_back()
                .is_none_or(|p| !p.is_alphanumeric());
        if ok {
            return Some(at);
        }
        from = at + phrase.len().max(1);
        while !haystack_lower.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

/// Whether the text holds a figure: a digit (ASCII or full-width) that does not follow a
/// letter, so `p99 < 50 ms` has one and `p99 improved` has none.
pub(crate) fn has_number(text: &str) -> bool {
    // Digits in a run that starts with a Latin letter belong to a name (p99, k6, EC2).
    let mut in_name = false;
    for c in text.chars() {
        let digit = c.is_ascii_digit() || ('０'..='９').contains(&c);
        if digit {
            if !in_name {
                return true;
            }
        } else if c.is_ascii_alphabetic() {
            in_name = true;
        } else if !c.is_alphanumeric() || !c.is_ascii() {
            in_name = false;
        }
    }
    false
}

/// Whether `text` holds a signed relative figure (`+24.8%`, `(−22%)`, `-3x`): a change
/// with its direction written as a sign.
pub(crate) fn has_signed_figure(text: &str) -> bool {
    static SIGNED: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r"(?:^|[\s(\[/,;:])[+−–-]\s?~?\d[\d.,]*\s?(?:%|x\b|×|pp\b|points?\b)")
            .expect("a valid pattern")
    });
    SIGNED.is_match(text)
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let offset = crate::position::floor_char(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    let col = before[line_start..].chars().count() + 1;
    (
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(col).unwrap_or(u32::MAX),
    )
}

/// A title as a sequence of word numbers (lower-cased alphanumeric words, numbered in
/// order of first appearance over all titles), for [`title_similarity`].
#[derive(Debug, Clone)]
pub(crate) struct TitleWords {
    words: Vec<u32>,
    /// The same numbers sorted, to count shared words without sorting per pair.
    sorted: Vec<u32>,
}

/// The [`TitleWords`] of each title, numbered over all of them.
pub(crate) fn title_words(titles: &[&str]) -> Vec<TitleWords> {
    let mut ids: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
    titles
        .iter()
        .map(|t| {
            let words: Vec<u32> = t
                .to_lowercase()
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(|w| {
                    let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                    *ids.entry(w.to_owned()).or_insert(next)
                })
                .collect();
            let mut sorted = words.clone();
            sorted.sort_unstable();
            TitleWords { words, sorted }
        })
        .collect()
}

/// Normalised similarity (0-1) of two titles: one minus the word-level edit distance over
/// the longer length. Near-identical titles differ in a word or two. Pairs whose shared
/// words already cap the similarity below `floor` return that cap without computing the
/// distance (the distance is at least the longer length minus the shared words).
pub(crate) fn title_similarity(a: &TitleWords, b: &TitleWords, floor: f64) -> f64 {
    let longest = a.words.len().max(b.words.len());
    if longest == 0 {
        return 1.0;
    }
    let (x, y) = (&a.sorted, &b.sorted);
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < x.len() && j < y.len() {
        match x[i].cmp(&y[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let cap = shared as f64 / longest as f64;
    if cap < floor {
        return cap;
    }
    let distance = strsim::generic_levenshtein(&a.words, &b.words);
    1.0 - distance as f64 / longest as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refs_of_every_form_with_spans() {
        let t = "p99 rose [Ref: A1, L2] per [G1] and [G: p99]; also [T3, A4].";
        let r = refs(t);
        let targets: Vec<_> = r.iter().map(|u| u.target.clone()).collect();
        assert_eq!(
            targets,
            vec![
                RefTarget::Id("A1".into()),
                RefTarget::Id("L2".into()),
                RefTarget::Id("G1".into()),
                RefTarget::Term("p99".into()),
                RefTarget::Id("T3".into()),
                RefTarget::Id("A4".into()),
            ]
        );
        assert_eq!(&t[r[0].span.clone()], "[Ref: A1, L2]");
        assert_eq!(&t[r[3].span.clone()], "[G: p99]");
    }

    /// `refs` as the pattern's groups define it, to compare the fast reading with.
    fn refs_by_groups(text: &str) -> Vec<RefUse> {
        let mut out = Vec::new();
        for cap in REF_BRACKET.captures_iter(text) {
            let whole = cap.get(0).expect("match");
            if let Some(list) = cap.get(1).or_else(|| cap.get(3)) {
                for item in list.as_str().split([',', ';']) {
                    let item = item.trim();
                    if !item.is_empty() {
                        out.push(RefUse {
                            target: RefTarget::Id(item.to_owned()),
                            span: whole.range(),
                        });
                    }
                }
            } else if let Some(term) = cap.get(2) {
                out.push(RefUse {
                    target: RefTarget::Term(term.as_str().trim().to_owned()),
                    span: whole.range(),
                });
            }
        }
        out
    }

    #[test]
    fn refs_read_as_the_pattern_groups_say() {
        for t in [
            "[Ref: A1, L2] and [Refs:T3;G4] [ref:] [REF :  x y ] [Ref:\n A1]",
            "[G: p99] [G:  ] [G :tail latency] [G1] [G1, T2 ,L3] [A12,A3]",
            "[Refs: [G1]] [G: a]b] [T9] [X1] [Ref A1] [G:] [G: é, ü]",
            "缓存 [Ref: A1，L2] [G: 命中率] end",
        ] {
            assert_eq!(refs(t), refs_by_groups(t), "{t}");
        }
    }

    #[test]
    fn markdown_links_are_not_refs() {
        assert!(refs("see [the docs](https://x) and [Q1](#q1)").is_empty());
    }

    #[test]
    fn words_count_cjk_characters_one_each() {
        assert_eq!(word_count("p99 latency fell 81% → 65 ms"), 6);
        assert_eq!(word_count("性能优化"), 4);
        assert_eq!(word_count("**SLO**: p99 < 100 ms"), 4);
        assert_eq!(word_count("缓存命中率 95% hit rate"), 8);
    }

    /// The definition word by word: tokens split at white space, each CJK character a
    /// word, and a run of other characters one word once it holds a letter or digit.
    fn word_count_by_tokens(text: &str) -> usize {
        let mut count = 0;
        for token in text.split_whitespace() {
            let mut in_word = false;
            for c in token.chars() {
                if is_cjk(c) {
                    count += 1;
                    in_word = false;
                } else if c.is_alphanumeric() && !in_word {
                    count += 1;
                    in_word = true;
                }
            }
        }
        count
    }

    proptest::proptest! {
        #[test]
        fn word_count_matches_its_definition(t in "[a-z0-9 .,\\-\\t\\n\\x0b\\x0c\\r\u{a0}\u{2003}é→性能ü*`|]{0,60}") {
            proptest::prop_assert_eq!(word_count(&t), word_count_by_tokens(&t));
        }
    }

    /// Acronyms as gate 19 finds them: in the masked text, outside reference brackets.
    fn acronyms(t: &str) -> Vec<String> {
        acronyms_outside(&mask_code(t), &refs(t))
            .into_iter()
            .map(|(a, _)| a)
            .collect()
    }

    #[test]
    fn acronyms_skip_code_urls_and_refs() {
        let t = "The SLO and SLOs hold; `EXPLAIN ANALYZE` is code, https://EXAMPLE.COM/ABC too, [Ref: A12] [G: USL] is a ref; HikariCP is a name; P2P counts.";
        assert_eq!(acronyms(t), ["SLO", "SLOs", "P2P"]);
        assert_eq!(acronym_stem("SLOs"), "SLO");
        assert_eq!(
            acronyms("eBPF and vCPUs are acronyms; iOS and macOS are names"),
            ["eBPF", "vCPUs"]
        );
    }

    #[test]
    fn fenced_code_is_masked() {
        let t = "Before SLO\n```sql\nSELECT NOW()\n```\nAfter TTL";
        assert_eq!(acronyms(t), ["SLO", "TTL"]);
    }

    #[test]
    fn sentences_respect_decimals_and_abbreviations() {
        let t =
            "Pooling cut p99 by 2.5x, e.g. at peak. Then we validated it! 缓存命中率提升。下一步";
        let s: Vec<&str> = sentences(t).into_iter().map(|r| t[r].trim()).collect();
        assert_eq!(
            s,
            [
                "Pooling cut p99 by 2.5x, e.g. at peak.",
                "Then we validated it!",
                "缓存命中率提升。",
                "下一步"
            ]
        );
    }

    #[test]
    fn sentences_end_at_full_width_marks_lines_and_any_space() {
        let t = "Is it fast？是的！ok.\u{3000}Next.é stays\n\nAfter a gap\n- item one\n| a |";
        let s: Vec<&str> = sentences(t).into_iter().map(|r| t[r].trim()).collect();
        assert_eq!(
            s,
            [
                "Is it fast？",
                "是的！",
                "ok.",
                "Next.é stays",
                "After a gap",
                "- item one",
                "| a |"
            ]
        );
    }

    #[test]
    fn phrases_match_at_word_starts() {
        assert!(has_phrase("we profiled the hot path", "profil"));
        assert!(!has_phrase("unprofiled", "profil"));
        assert!(has_phrase("hit rate 95%", "%"));
    }

    #[test]
    fn line_and_column_of_an_offset() {
        assert_eq!(line_col("ab\ncé\nx", 6), (2, 3));
    }

    #[test]
    fn names_with_digits_are_not_figures() {
        assert!(!has_number("p99 improved with k6 on EC2"));
        assert!(has_number("p99 fell to 65 ms"));
        assert!(has_number("cost $500"));
        assert!(has_number("4K rps"));
        assert!(has_number("吞吐量提升到３倍"));
    }
}

#[cfg(test)]
mod title_tests {
    use super::*;

    #[test]
    fn near_identical_titles_score_high_and_distinct_ones_low() {
        let w = title_words(&[
            "API p99 rose from 80 ms to 350 ms at 4K rps; find the bottleneck.",
            "API p99 rose from 80 ms to 360 ms at 4K rps; find the bottleneck.",
            "Size the Redis maxmemory for a 10M-item catalog at 20K rps.",
        ]);
        assert!(title_similarity(&w[0], &w[1], 0.9) >= 0.9);
        assert!(title_similarity(&w[0], &w[1], 0.0) < 1.0);
        assert!(title_similarity(&w[0], &w[2], 0.0) < 0.3);
    }
}

/// A rubric lexicon compiled once into one case-insensitive regex (literal alternations
/// become an Aho-Corasick search). Phrases starting with a letter or digit match at a word
/// start; with `whole_words`, they must also end at a word end.
#[derive(Debug)]
pub(crate) struct Lexicon {
    re: Option<Regex>,
}

impl Lexicon {
    /// The compiled lexicon for `phrases`, shared by every caller with the same list.
    pub fn get(phrases: &[String], whole_words: bool) -> std::sync::Arc<Lexicon> {
        // By `whole_words`, then by the list: a hit borrows `phrases` instead of copying it.
        type Cache = [std::collections::HashMap<Vec<String>, std::sync::Arc<Lexicon>>; 2];
        static CACHE: LazyLock<std::sync::Mutex<Cache>> = LazyLock::new(Default::default);
        let mut cache = CACHE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let cache = &mut cache[usize::from(whole_words)];
        if let Some(hit) = cache.get(phrases) {
            return hit.clone();
        }
        cache
            .entry(phrases.to_vec())
            .or_insert_with(|| std::sync::Arc::new(Lexicon::new(phrases, whole_words)))
            .clone()
    }

    fn new(phrases: &[String], whole_words: bool) -> Lexicon {
        let alternatives: Vec<String> = phrases
            .iter()
            .filter(|p| !p.trim().is_empty())
            .map(|p| {
                // ASCII word boundaries keep the search on the regex crate's DFA even on
                // text with non-ASCII characters (Unicode `\b` would not); a phrase that
                // starts or ends with a non-ASCII character gets no boundary there.
                let word_start = p.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
                let word_end =
                    whole_words && p.chars().last().is_some_and(|c| c.is_ascii_alphanumeric());
                format!(
                    "{}{}{}",
                    if word_start { r"(?-u:\b)" } else { "" },
                    regex::escape(p),
                    if word_end { r"(?-u:\b)" } else { "" }
                )
            })
            .collect();
        if alternatives.is_empty() {
            return Lexicon { re: None };
        }
        let re = regex::RegexBuilder::new(&alternatives.join("|"))
            .case_insensitive(true)
            .build()
            .ok();
        Lexicon { re }
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.re.as_ref().is_some_and(|re| re.is_match(text))
    }

    /// Every match, in order: byte ranges in `text`.
    pub fn find_iter<'t>(&'t self, text: &'t str) -> impl Iterator<Item = Range<usize>> + 't {
        self.re
            .iter()
            .flat_map(move |re| re.find_iter(text).map(|m| m.range()))
    }
}

#[cfg(test)]
mod lexicon_tests {
    use super::*;

    #[test]
    fn signed_figures() {
        assert!(has_signed_figure("moved it to 18.1K rps (+24.8%)"));
        assert!(has_signed_figure("CPU/req −22%"));
        assert!(!has_signed_figure("a 5-10% range"));
        assert!(!has_signed_figure("p99 at 24.8%"));
    }

    #[test]
    fn prefixes_and_whole_words() {
        let stems = Lexicon::get(
            &["profil".to_owned(), "a/b".to_owned(), "%".to_owned()],
            false,
        );
        assert!(stems.is_match("We Profiled it"));
        assert!(!stems.is_match("unprofiled"));
        assert!(stems.is_match("ran an A/B test"));
        assert!(stems.is_match("cut 40%"));
        let words = Lexicon::get(&["fast".to_owned(), "low latency".to_owned()], true);
        assert!(words.is_match("it is fast."));
        assert!(!words.is_match("it is faster"));
        assert_eq!(words.find_iter("needs Low Latency now").next(), Some(6..17));
    }
}
