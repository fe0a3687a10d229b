//! The validation table: `| # | Gate | Requirement | Status | Evidence |`, as the spec's
//! Validation Results section writes it (`markdown`) and aligned for a terminal (`human`),
//! and the cell helpers of every padded table. Shared by the rendered document
//! (`render`), the check reports (`report`) and the claims audit, so none of them
//! depends on another for it.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use unicode_segmentation::UnicodeSegmentation;

use crate::gates::{GateResult, Status};

/// Escapes what would break a markdown table cell: pipes and line breaks.
pub(crate) fn cell(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace(['\r', '\n'], " ")
}

/// The table exactly as the spec's Validation Results section: header, separator, 20 rows.
pub fn markdown(gates: &[GateResult]) -> String {
    let mut out = String::from(
        "| # | Gate | Requirement | Status | Evidence |\n|---|------|-------------|--------|----------|\n",
    );
    for g in gates {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            g.number,
            cell(&g.title),
            cell(&g.requirement),
            g.status.as_str(),
            cell(&g.evidence)
        );
    }
    out
}

/// The summary line under the table; never says "All PASS" unless every gate passed.
pub(crate) fn summary_line(gates: &[GateResult]) -> String {
    let n = gates.len();
    let count = |s: Status| gates.iter().filter(|g| g.status == s).count();
    let (pass, warn, fail, skip) = (
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail),
        count(Status::Skip),
    );
    if pass == n {
        return format!("All {n} quality gates PASS (measured).");
    }
    let mut parts = vec![format!("{pass}/{n} gates PASS")];
    for (k, label) in [(warn, "WARN"), (fail, "FAIL"), (skip, "SKIP")] {
        if k > 0 {
            let names: Vec<String> = gates
                .iter()
                .filter(|g| g.status.as_str() == label)
                .map(|g| format!("#{} {}", g.number, g.title))
                .collect();
            parts.push(format!("{k} {label} ({})", names.join(", ")));
        }
    }
    format!("{} (measured).", parts.join("; "))
}

/// The columns `s` takes on a terminal: a wide (CJK, most emoji) character two, a
/// combining mark or zero-width character none (`unicode-width`, as terminals count).
pub(crate) fn width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// The longest start of `s` that is at most `w` columns wide, cut between graphemes; at
/// least one grapheme when `s` is not empty, so that a cut always moves on.
fn take_width(s: &str, w: usize) -> &str {
    let mut end = 0;
    let mut used = 0;
    for g in s.graphemes(true) {
        let gw = width(g);
        if used + gw > w && end > 0 {
            break;
        }
        used += gw;
        end += g.len();
        if used >= w {
            break;
        }
    }
    &s[..end]
}

/// The widths of a padded table's columns: the widest cell of each, header included.
pub(crate) fn column_widths<const N: usize>(head: &[&str; N], rows: &[[String; N]]) -> [usize; N] {
    let mut w = head.map(width);
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(width(c));
        }
    }
    w
}

/// One row of a padded table: `| a | b |`, each cell padded to its column's width.
pub(crate) fn padded_row(cells: &[String], w: &[usize]) -> String {
    let c: Vec<String> = cells.iter().zip(w).map(|(c, &w)| pad(c, w)).collect();
    format!("| {} |", c.join(" | "))
}

/// `s` followed by spaces up to `w` columns of display width.
pub(crate) fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_owned();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(width(s))));
    out
}

/// Spaces up to `w` columns of display width, then `s` (right-aligned).
pub(crate) fn pad_left(s: &str, w: usize) -> String {
    let mut out: String = std::iter::repeat_n(' ', w.saturating_sub(width(s))).collect();
    out.push_str(s);
    out
}

/// The `|----|---|` line under a padded table's header, for columns of widths `w`.
pub(crate) fn separator(w: &[usize]) -> String {
    let dashes: Vec<String> = w.iter().map(|n| "-".repeat(n + 2)).collect();
    format!("|{}|", dashes.join("|"))
}

fn status_style(s: Status) -> Style {
    let color = match s {
        Status::Pass => AnsiColor::Green,
        Status::Warn => AnsiColor::Yellow,
        Status::Fail => AnsiColor::Red,
        Status::Skip => AnsiColor::BrightBlack,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

/// The table aligned for a terminal, with coloured statuses (stripped later on a pipe).
pub(crate) fn human(gates: &[GateResult]) -> String {
    let head = ["#", "Gate", "Requirement", "Status", "Evidence"];
    let rows: Vec<[String; 5]> = gates
        .iter()
        .map(|g| {
            [
                g.number.to_string(),
                g.title.to_owned(),
                g.requirement.clone(),
                g.status.as_str().to_owned(),
                g.evidence.clone(),
            ]
        })
        .collect();
    let w = column_widths(&head, &rows);
    let mut out = String::new();
    let _ = writeln!(out, "{}", padded_row(&head.map(str::to_owned), &w));
    let _ = writeln!(out, "{}", separator(&w));
    for (g, r) in gates.iter().zip(rows) {
        let st = status_style(g.status);
        let status = format!("{st}{}{st:#}", pad(&r[3], w[3]));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            pad(&r[0], w[0]),
            pad(&r[1], w[1]),
            pad(&r[2], w[2]),
            status,
            pad(&r[4], w[4])
        );
    }
    out
}

/// At most this many lines of evidence (or requirement) per cell in a fitted table.
const MAX_CELL_LINES: usize = 3;

/// The pointer that ends a cut cell.
const CUT: &str = "… (--format json)";

/// Breaks `s` into lines of at most `w` columns at spaces (a longer word is split).
fn wrap(s: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let mut word = word.to_owned();
        loop {
            let sep = usize::from(!cur.is_empty());
            if width(&cur) + sep + width(&word) <= w {
                if sep == 1 {
                    cur.push(' ');
                }
                cur.push_str(&word);
                break;
            }
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
                continue;
            }
            // A word wider than the cell: split it between graphemes.
            let head = take_width(&word, w).to_owned();
            word = word[head.len()..].to_owned();
            lines.push(head);
            if word.is_empty() {
                break;
            }
        }
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

/// [`wrap`], keeping at most `MAX_CELL_LINES` lines; a cut cell ends with a pointer to
/// `--format json`, where the evidence is whole.
fn wrap_cut(s: &str, w: usize) -> Vec<String> {
    let mut lines = wrap(s, w);
    if lines.len() > MAX_CELL_LINES {
        lines.truncate(MAX_CELL_LINES);
        let last = &mut lines[MAX_CELL_LINES - 1];
        let keep = w.saturating_sub(width(CUT) + 1);
        let kept = take_width(last, keep).trim_end().to_owned();
        *last = format!("{kept} {CUT}");
        if width(last) > w {
            *last = take_width(CUT, w).to_owned();
        }
    }
    lines
}

/// The table fitted to `columns` (a terminal's width): requirement and evidence wrap
/// inside their cells, and a cell longer than three lines is cut with a pointer to
/// `--format json`. Without a width, or when the full table fits, it is [`human`].
pub(crate) fn human_fit(gates: &[GateResult], columns: Option<usize>) -> String {
    let full = human(gates);
    let Some(columns) = columns else {
        return full;
    };
    if full.lines().all(|l| width(&strip(l)) <= columns) {
        return full;
    }
    let head = ["#", "Gate", "Requirement", "Status", "Evidence"];
    let mut w = head.map(width);
    for g in gates {
        w[0] = w[0].max(width(&g.number.to_string()));
        w[1] = w[1].max(width(&g.title));
        w[3] = w[3].max(width(g.status.as_str()));
    }
    // `| a | b | c | d | e |`: 16 columns of borders and padding.
    let fixed = 16 + w[0] + w[1] + w[3];
    let room = columns.saturating_sub(fixed).max(24);
    let req_max = gates
        .iter()
        .map(|g| width(&g.requirement))
        .max()
        .unwrap_or(0);
    let ev_max = gates.iter().map(|g| width(&g.evidence)).max().unwrap_or(0);
    w[2] = req_max.min((room * 2 / 5).max(12)).max(width(head[2]));
    w[4] = room
        .saturating_sub(w[2])
        .max(12)
        .min(ev_max.max(width(head[4])));
    let mut out = String::new();
    let row = |cells: [&str; 5]| -> String {
        let c: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| pad(c, w[i]))
            .collect();
        format!("| {} |", c.join(" | "))
    };
    let _ = writeln!(out, "{}", row(head));
    let _ = writeln!(out, "{}", separator(&w));
    for g in gates {
        let req = wrap_cut(&g.requirement, w[2]);
        let ev = wrap_cut(&g.evidence, w[4]);
        let n = g.number.to_string();
        let st = status_style(g.status);
        for i in 0..req.len().max(ev.len()) {
            let first = i == 0;
            let status = if first {
                format!("{st}{}{st:#}", pad(g.status.as_str(), w[3]))
            } else {
                pad("", w[3])
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                pad(if first { &n } else { "" }, w[0]),
                pad(if first { g.title.as_str() } else { "" }, w[1]),
                pad(req.get(i).map_or("", String::as_str), w[2]),
                status,
                pad(ev.get(i).map_or("", String::as_str), w[4])
            );
        }
    }
    out
}

/// `s` without ANSI escape sequences (to measure it).
fn strip(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    fn wrap_at_spaces_and_split_long_words() {
        assert_eq!(wrap("a bb ccc", 4), ["a bb", "ccc"]);
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("", 3), [""]);
    }

    #[test]
    fn long_cells_are_cut_with_a_pointer() {
        let long = "word ".repeat(100);
        let lines = wrap_cut(&long, 30);
        assert_eq!(lines.len(), MAX_CELL_LINES);
        assert!(lines[2].ends_with(CUT), "{lines:?}");
        assert!(lines.iter().all(|l| width(l) <= 30), "{lines:?}");
    }

    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(width("共识"), 4);
        assert_eq!(width("e\u{301}"), 1);
        assert_eq!(pad("共识", 6), "共识  ");
        assert_eq!(pad_left("共识", 6), "  共识");
        // A CJK word wider than its cell is split at the cell's width in columns.
        assert_eq!(wrap("本文档针对", 4), ["本文", "档针", "对"]);
        // A wide character in a one-column cell still moves the cut on.
        assert_eq!(wrap("中文", 1), ["中", "文"]);
        let cells = [
            ["共识、P2P".to_owned(), "x".to_owned()],
            ["ab".to_owned(), "✅".to_owned()],
        ];
        let w = column_widths(&["#", "Gate"], &cells);
        let rows: Vec<String> = cells.iter().map(|r| padded_row(r, &w)).collect();
        assert_eq!(width(&rows[0]), width(&rows[1]), "{rows:?}");
    }
}
