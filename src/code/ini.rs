//! A strict INI reader. INI has no standard; this accepts what the common readers
//! (Python's configparser, pgbouncer, PHP, systemd-style files) all accept and rejects
//! what none of them can read:
//! - blank lines; comment lines starting with `;` or `#`;
//! - `[section]` headers with a non-empty name and nothing after `]` but a comment;
//! - `key = value` or `key: value` lines with a non-empty key;
//! - indented continuation lines after a key (configparser's multi-line values).
//!
//! Anything else (a bare word, an unclosed `[`, `= value` without a key) is an error at
//! its line and column. The crates on offer accept more than this: rust-ini, for one,
//! reads keys up to the next `=` or `:` across line ends, so a line of bare words
//! becomes part of the next key.

use super::Verdict;

pub(super) fn verify(code: &str) -> Verdict {
    let mut after_key = false;
    for (n, line) in code.lines().enumerate() {
        let t = line.trim();
        let indent = line.chars().take_while(|c| c.is_whitespace()).count();
        let col = indent + 1;
        if t.is_empty() {
            continue;
        }
        if t.starts_with(';') || t.starts_with('#') {
            continue;
        }
        if indent > 0 && after_key {
            continue; // continuation of the value above
        }
        if let Some(rest) = t.strip_prefix('[') {
            let Some(end) = rest.find(']') else {
                let at = indent + t.chars().count() + 1;
                return Verdict::failed(n + 1, Some(at), "section header is not closed by `]`");
            };
            if rest[..end].trim().is_empty() {
                return Verdict::failed(n + 1, Some(col), "section header has no name");
            }
            let after = rest[end + 1..].trim();
            if !(after.is_empty() || after.starts_with(';') || after.starts_with('#')) {
                let at = indent + 1 + rest[..=end].chars().count() + 1;
                return Verdict::failed(
                    n + 1,
                    Some(at),
                    format!("unexpected `{after}` after the section header"),
                );
            }
            after_key = false;
            continue;
        }
        match t.find(['=', ':']) {
            Some(0) => {
                return Verdict::failed(n + 1, Some(col), "value without a key");
            }
            Some(_) => after_key = true,
            None => {
                return Verdict::failed(
                    n + 1,
                    Some(col),
                    "expected `key = value`, `[section]` or a comment",
                );
            }
        }
    }
    Verdict::Parsed
}
