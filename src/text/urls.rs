//! Web addresses written in prose: the one pattern that gate 17, `qbank links`, the
//! acronym mask and the generate loop's link count all find URLs with.

use std::sync::LazyLock;

use regex::{Match, Regex};

/// An `http(s)://` address up to white space or a closing `)`, `>`, `]` or backtick:
/// the characters that end a link in markdown (`[t](url)`, `<url>`, `` `url` ``).
pub(crate) const URL_PATTERN: &str = r"https?://[^\s)>\]`]+";

static URL: LazyLock<Regex> = LazyLock::new(|| Regex::new(URL_PATTERN).expect("valid regex"));

/// Every URL in `text`, in order, as written: callers trim the sentence punctuation
/// that their kind of text puts after a link.
pub(crate) fn urls(text: &str) -> impl Iterator<Item = Match<'_>> {
    URL.find_iter(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_end_where_markdown_ends_a_link() {
        let text = "see [x](https://a.example/p) or <http://b.example/q>, `https://c.example` and https://d.example/r.";
        let found: Vec<&str> = urls(text).map(|m| m.as_str()).collect();
        assert_eq!(
            found,
            [
                "https://a.example/p",
                "http://b.example/q",
                "https://c.example",
                "https://d.example/r."
            ]
        );
    }
}
