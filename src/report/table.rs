//! The validation table: `| # | Gate | Requirement | Status | Evidence |`, as the spec's
//! Validation Results section writes it (`markdown`) and aligned for a terminal (`human`).

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use unicode_segmentation::UnicodeSegmentation;

use crate::gates::{GateResult, Status};

/// Escapes what would break a markdown table cell: pipes and line breaks.
pub fn cell(s: &str) -> String {
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
            cell(g.title),
            cell(&g.requirement),
            g.status.as_str(),
            cell(&g.evidence)
        );
    }
    out
}

/// The summary line under the table; never says "All PASS" unless every gate passed.
pub fn summary_line(gates: &[GateResult]) -> String {
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

fn width(s: &str) -> usize {
    s.graphemes(true).count()
}

fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_owned();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(width(s))));
    out
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
pub fn human(gates: &[GateResult]) -> String {
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
    let mut w = head.map(width);
    for r in &rows {
        for (i, c) in r.iter().enumerate() {
            w[i] = w[i].max(width(c));
        }
    }
    let mut out = String::new();
    let line = |cells: [String; 5]| -> String {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| pad(c, w[i]))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    let _ = writeln!(out, "| {} |", line(head.map(str::to_owned)));
    let _ = writeln!(
        out,
        "|{}|",
        w.iter()
            .map(|n| "-".repeat(n + 2))
            .collect::<Vec<_>>()
            .join("|")
    );
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
