//! Slugs: GitHub's heading anchors for rendered documents, and kebab-case safe names
//! for everything that becomes part of a file name (bank slugs, question and cluster ids).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// GitHub's heading anchor: lower-case, drop punctuation except `-` and `_`, spaces to `-`.
pub(crate) fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| {
            if c == ' ' {
                Some('-')
            } else if c.is_alphanumeric() || c == '-' || c == '_' {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

/// Slugs for a document's headings in order, with GitHub's `-1`, `-2` suffixes for repeats.
pub(crate) fn unique_slugs<'a>(headings: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    headings
        .into_iter()
        .map(|h| {
            let base = slug(h);
            let mut candidate = base.clone();
            while let Some(n) = seen.get(&candidate).copied() {
                let next = n + 1;
                seen.insert(candidate.clone(), next);
                candidate = format!("{base}-{next}");
            }
            seen.insert(candidate.clone(), 0);
            candidate
        })
        .collect()
}

/// True when `s` is a safe name: lower-case ASCII letters, digits and hyphens, neither
/// starting nor ending with a hyphen. Such a name is one path component on every system.
pub(crate) fn is_safe_name(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The help for a `what` (slug, question id, ...) that is not a safe name: its safe
/// name as the fix, or the rule when its text has none.
pub(crate) fn safe_name_help(what: &str, name: &str) -> String {
    let why = "lower-case letters, digits and hyphens, as it becomes part of a file name";
    match kebab(name) {
        fixed if fixed.is_empty() => format!("write the {what} in {why}"),
        fixed => format!("use `{fixed}`: {why}"),
    }
}

/// The safe name of free text: its words in lower case joined by `-` (see [`kebab_words`]).
pub(crate) fn kebab(s: &str) -> String {
    kebab_words(s, usize::MAX)
}

/// The safe name of the first `max` words of `s`. Accents are dropped (`Résumé` gives
/// `resume`), other letters without an ASCII form are left out, and anything else
/// separates words; the result passes [`is_safe_name`] or is empty.
pub(crate) fn kebab_words(s: &str, max: usize) -> String {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in s.nfkd() {
        if words.len() == max {
            break;
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() || is_combining_mark(c) {
            // Part of the word, but no ASCII form: left out.
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() && words.len() < max {
        words.push(word);
    }
    words.join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_slugs() {
        assert_eq!(slug("Context & Coverage"), "context--coverage");
        assert_eq!(
            slug("Cluster 5: Load Testing & Capacity Planning"),
            "cluster-5-load-testing--capacity-planning"
        );
        assert_eq!(slug("Q&A by Cluster"), "qa-by-cluster");
        assert_eq!(slug("Glossary [G#]"), "glossary-g");
        assert_eq!(unique_slugs(["A", "A", "A"]), ["a", "a-1", "a-2"]);
    }

    #[test]
    fn kebab_names_are_safe() {
        assert_eq!(kebab("My Bank (2026)"), "my-bank-2026");
        assert_eq!(kebab("../../escaped"), "escaped");
        assert_eq!(kebab("Résumé: Über-Latenz"), "resume-uber-latenz");
        assert_eq!(kebab("Don't panic!"), "don-t-panic");
        assert_eq!(kebab("日本語"), "");
        assert_eq!(
            kebab_words("one two three four five six seven", 6),
            "one-two-three-four-five-six"
        );
        for s in ["My Bank", "../../x", "a__b", "-x-", "Ωmega 9", "tab\tname"] {
            let k = kebab(s);
            assert!(k.is_empty() || is_safe_name(&k), "{s:?} gave {k:?}");
        }
    }

    #[test]
    fn safe_names() {
        for ok in ["a", "api-p99-regression", "x2", "a--b"] {
            assert!(is_safe_name(ok), "{ok}");
        }
        for bad in ["", "-a", "a-", "A", "a_b", "../x", "a/b", "a.b", "é", "a b"] {
            assert!(!is_safe_name(bad), "{bad}");
        }
    }
}
