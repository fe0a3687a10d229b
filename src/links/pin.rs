//! `qbank links --pin-archives`: a partial archive URL (`/web/2025/<url>`) that a live
//! check followed to a snapshot (`/web/20250314093000/<url>`) is rewritten, in place, as
//! that snapshot URL. The edit is minimal: the URL's own bytes on its own line change,
//! nothing else in the file.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::text::archive::{Snapshot, snapshot};

/// One rewrite: in `file`, on 1-based `line`, the first `from` at or after column `col`
/// becomes `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Pin {
    pub file: PathBuf,
    pub line: u32,
    pub col: u32,
    pub from: String,
    pub to: String,
}

/// Whether `written` is a partial archive URL that `resolved` pins: the rewrite to make.
pub(crate) fn pin_for(written: &str, resolved: Option<&str>, hosts: &[String]) -> Option<String> {
    if !matches!(snapshot(written, hosts), Some(Snapshot::Partial(_))) {
        return None;
    }
    let to = resolved?;
    matches!(snapshot(to, hosts), Some(Snapshot::Pinned(_))).then(|| to.to_owned())
}

/// `text` with every pin of its file applied; pins whose URL is no longer where it was
/// written are returned as not applied.
pub(crate) fn apply(text: &str, pins: &[&Pin]) -> (String, Vec<Pin>) {
    let mut by_line: BTreeMap<u32, Vec<&Pin>> = BTreeMap::new();
    for p in pins {
        by_line.entry(p.line).or_default().push(p);
    }
    let mut out = String::with_capacity(text.len() + 64 * pins.len());
    let mut missed = Vec::new();
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let Some(pins) = by_line.get(&n) else {
            out.push_str(line);
            continue;
        };
        let mut line = line.to_owned();
        for p in pins {
            // Columns count characters; find the byte where column `col` starts.
            let start = line
                .char_indices()
                .nth(p.col.saturating_sub(1) as usize)
                .map_or(0, |(b, _)| b);
            let at = line[start..]
                .find(&p.from)
                .map(|rel| start + rel)
                .or_else(|| line.find(&p.from));
            match at {
                Some(at) => line.replace_range(at..at + p.from.len(), &p.to),
                None => missed.push((*p).clone()),
            }
        }
        out.push_str(&line);
    }
    (out, missed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hosts() -> Vec<String> {
        vec!["web.archive.org".to_owned()]
    }

    #[test]
    fn only_partial_urls_resolved_to_snapshots_are_pinned() {
        let partial = "https://web.archive.org/web/2025/https://example.com/a";
        let full = "https://web.archive.org/web/20250314093000/https://example.com/a";
        assert_eq!(
            pin_for(partial, Some(full), &hosts()),
            Some(full.to_owned())
        );
        assert_eq!(pin_for(partial, None, &hosts()), None);
        assert_eq!(pin_for(partial, Some(partial), &hosts()), None);
        assert_eq!(pin_for(full, Some(full), &hosts()), None);
        assert_eq!(pin_for("https://example.com/a", Some(full), &hosts()), None);
    }

    #[test]
    fn the_edit_touches_only_the_url() {
        let text = "- id: A1\n  archived: https://web.archive.org/web/2025/https://x.org/a  # keep\n  lang: EN\n";
        let pin = Pin {
            file: "c.yaml".into(),
            line: 2,
            col: 13,
            from: "https://web.archive.org/web/2025/https://x.org/a".into(),
            to: "https://web.archive.org/web/20250101000000/https://x.org/a".into(),
        };
        let (out, missed) = apply(text, &[&pin]);
        assert!(missed.is_empty());
        assert_eq!(
            out,
            "- id: A1\n  archived: https://web.archive.org/web/20250101000000/https://x.org/a  # keep\n  lang: EN\n"
        );
        let gone = Pin { line: 3, ..pin };
        let (out, missed) = apply(text, &[&gone]);
        assert_eq!(out, text);
        assert_eq!(missed.len(), 1);
    }
}
