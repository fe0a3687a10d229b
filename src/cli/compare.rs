//! `qbank compare DOC...`: the gates side by side, a column per document (one per model,
//! say), a row per gate with its status and key figure, and a summary row.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use serde::Serialize;

use crate::gates::Status;
use crate::table::cell;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Documents (or banks) to compare, two or more for a comparison.
    #[arg(value_name = "DOC", required = true)]
    pub docs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Markdown)]
    pub format: Format,
    #[command(flatten)]
    pub settings: super::SettingsArgs,
    /// The date recency is measured from (default: each document's).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = super::check::parse_day)]
    pub as_of: Option<crate::model::Day>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A markdown table.
    Markdown,
    /// JSON: a column per document with every gate's status and evidence.
    Json,
}

#[derive(Debug, Serialize)]
pub(crate) struct Column {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub loaded: bool,
    pub gates: Vec<Cell>,
    pub pass: usize,
    pub warn: usize,
    pub fail: usize,
    pub diagnostics: usize,
}

#[derive(Debug, Serialize)]
pub(crate) struct Cell {
    pub number: u8,
    pub name: String,
    /// Not serialized: the row heading of the markdown table.
    #[serde(skip)]
    pub title: String,
    pub status: Status,
    pub evidence: String,
}

pub(crate) fn columns(report: &crate::report::Report) -> Vec<Column> {
    report
        .banks
        .iter()
        .map(|b| Column {
            path: crate::diagnostic::display_path(&b.path),
            title: b.title.clone(),
            loaded: b.loaded,
            gates: b
                .gates
                .iter()
                .map(|g| Cell {
                    number: g.number,
                    name: g.name.clone(),
                    title: g.title.clone(),
                    status: g.status,
                    evidence: g.evidence.clone(),
                })
                .collect(),
            pass: b.count(Status::Pass),
            warn: b.count(Status::Warn),
            fail: b.count(Status::Fail),
            diagnostics: b.all_diagnostics().count(),
        })
        .collect()
}

/// The evidence's first clause: the key figure.
fn key_figure(evidence: &str) -> String {
    let first = evidence.split(';').next().unwrap_or(evidence).trim();
    let short: String = first.chars().take(60).collect();
    if short.len() < first.len() {
        format!("{short}…")
    } else {
        short
    }
}

pub(crate) fn markdown(cols: &[Column], headers: &[String]) -> String {
    let mut s = String::from("| # | Gate |");
    for h in headers {
        s.push_str(&format!(" {} |", cell(h)));
    }
    s.push_str("\n|---|---|");
    s.push_str(&"---|".repeat(headers.len()));
    s.push('\n');
    // The rows are the gates of the column with the longest list (the rubric's list).
    let rows = cols
        .iter()
        .map(|c| c.gates.as_slice())
        .max_by_key(|g| g.len())
        .unwrap_or_default();
    for (i, g) in rows.iter().enumerate() {
        s.push_str(&format!("| {} | {} |", g.number, g.title));
        for c in cols {
            match c.gates.get(i) {
                Some(x) => s.push_str(&format!(
                    " {} {} |",
                    x.status.as_str(),
                    cell(&key_figure(&x.evidence))
                )),
                None => s.push_str(" not loaded |"),
            }
        }
        s.push('\n');
    }
    s.push_str("| | **Summary** |");
    for c in cols {
        if c.loaded {
            s.push_str(&format!(
                " **{} PASS, {} WARN, {} FAIL**; {} diagnostics |",
                c.pass, c.warn, c.fail, c.diagnostics
            ));
        } else {
            s.push_str(" **not loaded** |");
        }
    }
    s.push('\n');
    s
}

pub(crate) fn run(args: &Args) -> u8 {
    let Some((paths, settings)) = (match super::resolve_settings(&args.docs, &args.settings, &[]) {
        Ok(s) => s,
        Err(code) => return code,
    }) else {
        return 0;
    };
    let (report, _) = crate::pipeline::collect(&crate::pipeline::Options {
        as_of: args.as_of,
        ..settings.options(paths)
    });
    if report.banks.is_empty() || report.general.iter().any(|d| d.is_error()) {
        super::check::print(&report, super::check::Format::Human, true);
        return 2;
    }
    // Columns in the order the documents were named, not the order discovery sorts them.
    let mut cols = columns(&report);
    let rank = |c: &Column| {
        args.docs
            .iter()
            .position(|d| crate::diagnostic::display_path(d) == c.path)
            .unwrap_or(usize::MAX)
    };
    cols.sort_by_key(rank);
    let text = match args.format {
        Format::Markdown => {
            let headers: Vec<String> = cols.iter().map(|c| c.path.clone()).collect();
            markdown(&cols, &headers)
        }
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "version": 1,
                "documents": cols,
            }))
            .expect("columns serialize");
            s.push('\n');
            s
        }
    };
    let _ = anstream::stdout().write_all(text.as_bytes());
    // The table is what compare is for: printing it is success, whatever the gates say.
    0
}
