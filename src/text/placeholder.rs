//! The placeholder detector every gate shares: text that stands in for content (`TODO`,
//! `...`, the Output Format's `[Metric]` slots) satisfies no requirement.
//!
//! Code, inline code, links and reference marks are masked first, so `[Ref: A1]` alone
//! is not content and a `TODO` inside a code block is the code's business (gate 5).

use std::ops::Range;
use std::sync::{Arc, LazyLock, Mutex};

use regex::Regex;

use crate::model::Placeholders;

/// Why a text is a placeholder, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Byte range in the original text (the whole text when it is empty).
    pub range: Range<usize>,
    /// What was found, for the message: "`TODO`", "only `...`", "the slot `[Metric]`".
    pub what: String,
}

/// A compiled detector for one rubric's lexicon.
#[derive(Debug)]
pub struct Detector {
    /// Whole-word matches of the placeholder words.
    words: Option<Regex>,
    /// Exact slots (lower-cased) and prefix slots (lower-cased, `*` removed).
    exact: Vec<String>,
    prefix: Vec<String>,
    /// Legitimate metrics values, lower-cased.
    values: Vec<String>,
}

static BRACKET: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([^\[\]\n]{1,120})\]").expect("valid regex"));
/// Reference marks, links and images: `[Ref: A1]`, `[G: p99]`, `[A1]`, `[EN]`, `[x](url)`.
static MARKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"!?\[[^\[\]\n]*\]\([^)\n]*\)|\[(?:Ref|Refs|ref|REF)\s*:[^\]\n]*\]|\[G\s*:[^\]\n]+\]|\[[A-Z]{1,3}[0-9]+(?:\s*,\s*[A-Z]{1,3}[0-9]+)*\]|\[(?:EN|ZH|JA|KO|DE|FR|ES|other|Other)\]",
    )
    .expect("valid regex")
});

impl Detector {
    /// The detector for `p`, compiled once per distinct lexicon.
    pub fn get(p: &Placeholders) -> Arc<Detector> {
        type Cache = std::collections::HashMap<String, Arc<Detector>>;
        static CACHE: LazyLock<Mutex<Cache>> = LazyLock::new(Mutex::default);
        let key = format!("{:?}|{:?}|{:?}", p.words, p.slots, p.values);
        let mut cache = CACHE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .entry(key)
            .or_insert_with(|| Arc::new(Detector::new(p)))
            .clone()
    }

    fn new(p: &Placeholders) -> Detector {
        let alternatives: Vec<String> = p
            .words
            .iter()
            .filter(|w| !w.trim().is_empty())
            .map(|w| {
                let w = w.trim();
                let body = regex::escape(w);
                // Capitals are a marker (`TODO`); "todo list" in prose is not one.
                let body = if w.chars().any(char::is_lowercase) {
                    format!("(?i:{body})")
                } else {
                    body
                };
                format!(r"(?-u:\b){body}(?-u:\b)")
            })
            .collect();
        let words = (!alternatives.is_empty())
            .then(|| Regex::new(&alternatives.join("|")).ok())
            .flatten();
        let mut exact = Vec::new();
        let mut prefix = Vec::new();
        for s in &p.slots {
            let s = s.trim().to_lowercase();
            if let Some(stem) = s.strip_suffix('*') {
                prefix.push(stem.trim_end().to_owned());
            } else if !s.is_empty() {
                exact.push(s);
            }
        }
        Detector {
            words,
            exact,
            prefix,
            values: p.values.iter().map(|v| v.trim().to_lowercase()).collect(),
        }
    }

    /// Whether `inner` (the text inside a bracket) is an Output Format slot. Compared
    /// lower-cased character by character, without lower-casing a copy.
    fn is_slot(&self, inner: &str) -> bool {
        let t = inner.trim();
        // `[Ref: ID]` and `[G: Term]` as the Output Format writes them.
        let t = ["ref:", "g:"]
            .iter()
            .find_map(|p| strip_prefix_lower(t, p))
            .map_or(t, str::trim);
        self.exact
            .iter()
            .any(|e| strip_prefix_lower(t, e) == Some(""))
            || self
                .prefix
                .iter()
                .any(|p| strip_prefix_lower(t, p).is_some())
    }

    /// The placeholder in a prose field, if any.
    pub fn find(&self, text: &str) -> Option<Found> {
        self.find_masked(text, &super::mask_code(text))
    }

    /// [`Detector::find`] given `code_masked`, the text with code blanked
    /// ([`super::mask_code`]), when the caller has it already.
    pub(crate) fn find_masked(&self, text: &str, code_masked: &str) -> Option<Found> {
        // Slots are looked for before marks are masked: `[Metric]` is not a reference.
        if text.contains('[') {
            for cap in BRACKET.captures_iter(text) {
                let whole = cap.get(0).expect("match");
                let inner = cap.get(1).expect("group").as_str();
                if self.is_slot(inner) {
                    return Some(Found {
                        range: whole.range(),
                        what: format!("the Output Format slot `{}`", whole.as_str()),
                    });
                }
            }
        }
        let masked = mask_marks(code_masked);
        if let Some(m) = self.words.as_ref().and_then(|re| re.find(&masked)) {
            return Some(Found {
                range: m.range(),
                what: format!("`{}`", &text[m.range()]),
            });
        }
        let prose = masked.trim();
        if !prose.chars().any(char::is_alphanumeric) {
            let what = if prose.is_empty() {
                "no text".to_owned()
            } else if prose
                .chars()
                .all(|c| c == '.' || c == '…' || c.is_whitespace())
            {
                format!("only `{prose}`")
            } else {
                format!("no words (`{}`)", truncate(prose, 20))
            };
            return Some(Found {
                range: 0..text.len(),
                what,
            });
        }
        None
    }

    /// Only the placeholder words, in text that is not prose (a URL, an id).
    pub fn find_word(&self, text: &str) -> Option<Found> {
        let m = self.words.as_ref()?.find(text)?;
        Some(Found {
            range: m.range(),
            what: format!("`{}`", m.as_str()),
        })
    }

    /// [`Detector::find`] for a metrics cell, where `N/A` and `—` are values and a
    /// formula written as code (`` `_sum / _count` ``) is content.
    pub fn find_in_cell(&self, text: &str) -> Option<Found> {
        self.find_in_cell_masked(text, None)
    }

    /// [`Detector::find_in_cell`] given the cell with code blanked
    /// ([`super::mask_code`]), when the caller has it already.
    pub(crate) fn find_in_cell_masked(
        &self,
        text: &str,
        code_masked: Option<&str>,
    ) -> Option<Found> {
        let t = text.trim().to_lowercase();
        if self.values.contains(&t) {
            return None;
        }
        // A cell that is only references (`[G6]` under `Formula [G: ID]`, `[A4]` under
        // `Rationale [Ref]`) points to its content, as the table's heading asks.
        if !t.is_empty() && t.contains('[') && mask_marks(text).trim().is_empty() {
            return None;
        }
        if text.contains('`') {
            self.find(&text.replace('`', " "))
        } else {
            match code_masked {
                Some(m) => self.find_masked(text, m),
                None => self.find(text),
            }
        }
    }
}

/// `text` with reference marks and links replaced by spaces (offsets kept).
pub(crate) fn mask_marks(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('[') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    for m in MARKS.find_iter(text) {
        for b in &mut bytes[m.range()] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    // Only whole matches (which start and end at ASCII brackets) were blanked byte by
    // byte, so a multi-byte character inside one became spaces entirely.
    std::borrow::Cow::Owned(
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// `text` after `prefix` (lower-case), comparing `text` lower-cased: the rest of `text`
/// when it starts with `prefix` in any case.
fn strip_prefix_lower<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let mut lowered = text.char_indices().flat_map(|(i, c)| {
        let next = i + c.len_utf8();
        c.to_lowercase().map(move |l| (l, next))
    });
    let mut end = 0;
    for p in prefix.chars() {
        let (l, next) = lowered.next()?;
        if l != p {
            return None;
        }
        end = next;
    }
    // A character whose lower case is several characters must be consumed whole.
    match lowered.next() {
        Some((_, next)) if next == end => None,
        _ => text.get(end..),
    }
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// Words of prose in `text`: code, links and reference marks do not count. (The checks
/// call [`prose_words_masked`] with the masked text they hold; the tests compare both.)
#[cfg(test)]
pub(crate) fn prose_words(text: &str) -> usize {
    prose_words_masked(&super::mask_code(text))
}

/// [`prose_words`] of a text whose code is blanked already ([`super::mask_code`]).
pub(crate) fn prose_words_masked(code_masked: &str) -> usize {
    super::word_count(&mask_marks(code_masked))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Rubric;

    fn d() -> Arc<Detector> {
        Detector::get(&Rubric::default_rubric().placeholders)
    }

    #[test]
    fn todo_words_are_placeholders_anywhere_in_the_prose() {
        let f = d()
            .find("TODO: the SLO step, with numbers [Ref: G1].")
            .unwrap();
        assert_eq!(f.range, 0..4);
        assert_eq!(f.what, "`TODO`");
        assert!(
            d().find("p99 fell from 350 ms to 65 ms; TBD for EU")
                .is_some()
        );
        assert!(d().find("Lorem ipsum dolor sit amet").is_some());
        assert!(d().find("FIXME").is_some());
    }

    #[test]
    fn lower_case_words_and_code_are_not_placeholders() {
        assert!(d().find("the todo list service runs at 2K rps").is_none());
        assert!(d().find("run `grep TODO` over the code").is_none());
        assert!(
            d().find("before\n```sh\n# TODO later\n```\nafter the fix p99 is 80 ms")
                .is_none()
        );
        assert!(d().find("XXXL shirts").is_none());
    }

    #[test]
    fn empty_ellipsis_and_marks_alone_are_placeholders() {
        assert_eq!(d().find("").unwrap().what, "no text");
        assert_eq!(d().find("  ...  ").unwrap().what, "only `...`");
        assert_eq!(d().find("…").unwrap().what, "only `…`");
        assert!(d().find("[Ref: A1] [G: p99] [EN]").is_some());
        assert!(d().find("see [the docs](https://example.com)").is_none());
        assert!(d().find("[the docs](https://example.com)").is_some());
    }

    #[test]
    fn output_format_slots_are_placeholders() {
        for s in [
            "[Specific Scenario-Based Question]",
            "[Metric]",
            "[Value]",
            "[One sentence: \"X optimization achieved Y% improvement at Z cost\"] [Ref: ID]",
            "[≥2 approaches with cost-benefit comparison]",
            "p99 is [Value] at peak",
            "p99 fell 81% [Ref: ID]",
        ] {
            assert!(d().find(s).is_some(), "{s}");
        }
        // A real bracketed phrase is not a slot.
        assert!(d().find("[Metric name] is a column of the table").is_none());
    }

    #[test]
    fn slots_match_in_any_case_without_copying() {
        assert_eq!(strip_prefix_lower("Ref: ID", "ref:"), Some(" ID"));
        assert_eq!(strip_prefix_lower("METRIC", "metric"), Some(""));
        assert_eq!(strip_prefix_lower("Met", "metric"), None);
        assert_eq!(
            strip_prefix_lower("One Sentence: x", "one sentence"),
            Some(": x")
        );
        // `İ` lower-cases to two characters: the prefix `i` alone does not split it.
        assert_eq!(strip_prefix_lower("İx", "i"), None);
        assert!(d().find("[REF: id]").is_some());
        assert!(d().find("[metric]").is_some());
    }

    #[test]
    fn metrics_cells_accept_not_applicable_values() {
        assert!(d().find_in_cell("N/A").is_none());
        assert!(d().find_in_cell("—").is_none());
        assert!(d().find_in_cell("TODO").is_some());
        assert!(d().find_in_cell("").is_some());
        assert!(d().find_in_cell("350 ms").is_none());
        assert!(d().find_in_cell("`_sum / _count`").is_none());
        assert!(d().find_in_cell("`TODO`").is_some());
        assert!(d().find_in_cell("[G6]").is_none());
        assert!(d().find_in_cell("[Ref: A4, L2]").is_none());
        assert!(d().find_in_cell("[TODO]").is_some());
    }

    #[test]
    fn urls_are_checked_for_words_only() {
        assert!(d().find_word("https://example.com/TODO").is_some());
        assert!(
            d().find_word("https://doi.org/10.1145/2408776.2408794")
                .is_none()
        );
    }

    #[test]
    fn prose_words_skip_marks_and_code() {
        assert_eq!(prose_words("p99 fell to 65 ms [Ref: A1] `EXPLAIN`"), 5);
    }
}
