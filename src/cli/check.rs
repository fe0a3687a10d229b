//! `qbank check`: load every bank under the given paths, run the gates, report.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;
use rayon::prelude::*;

use crate::diagnostic::{Diagnostic, Location};
use crate::gates::{self, Ctx};
use crate::load::{self, Input, Loaded};
use crate::model::{Bank, Day};
use crate::report::{self, BankReport, Report};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folders holding banks (searched recursively for bank.yaml), bank.yaml files, or documents.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// The date recency is measured from (default: each bank's `as_of`).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub as_of: Option<Day>,
    /// Fail (exit 1) on WARN as well as FAIL.
    #[arg(long)]
    pub strict: bool,
    /// For markdown documents: a rubric YAML whose axis labels and values they use.
    #[arg(long, value_name = "FILE")]
    pub rubric: Option<PathBuf>,
    /// Check every link live first and give gate 17 the results (default: its offline rule).
    #[arg(long)]
    pub online: bool,
    #[command(flatten)]
    pub link: super::links::LinkArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The validation table per bank, diagnostics like rustc's, a summary line.
    Human,
    /// JSON (documented in docs/json.md).
    Json,
    /// The table exactly as the spec's Validation Results section.
    Markdown,
    /// SARIF 2.1.0, for code scanning.
    Sarif,
    /// JUnit XML: a test case per gate per bank.
    Junit,
    /// GitHub Actions annotations.
    Github,
}

pub(crate) fn parse_day(s: &str) -> Result<Day, String> {
    Day::parse(s)
}

pub fn run(args: &Args, cli: &super::Cli) -> u8 {
    let paths = super::paths_or_default(&args.paths);
    let live = args
        .online
        .then(|| super::links::live_results(&paths, &args.link, cli.quiet));
    let links = live.as_ref().map(|l| l as &dyn gates::LinkStatus);
    let mut report = collect_banks_opts(&paths, args.as_of, links, args.rubric.as_deref()).0;
    report.strict = args.strict;
    print(&report, args.format, cli.quiet);
    report.exit_code()
}

/// Prints a report in `format` on standard output.
pub fn print(report: &Report, format: Format, quiet: bool) {
    let text = match format {
        Format::Human => human(report, quiet),
        Format::Json => report::json::render(report),
        Format::Markdown => markdown(report),
        Format::Sarif => report::sarif::render(report),
        Format::Junit => report::junit::render(report),
        Format::Github => report::github::render(report),
    };
    let mut out = anstream::stdout();
    let _ = out.write_all(text.as_bytes());
}

fn human(report: &Report, quiet: bool) -> String {
    let mut s = String::new();
    for b in &report.banks {
        if !b.gates.is_empty() && !quiet {
            let title = b.title.as_deref().unwrap_or_default();
            let as_of = b.as_of.as_deref().unwrap_or_default();
            s.push_str(&format!(
                "{}: {title} (as of {as_of})\n",
                crate::diagnostic::display_path(&b.path)
            ));
            if b.claims.is_empty() {
                s.push_str(&report::table::human(&b.gates));
            } else {
                s.push_str(&crate::import::claims::human_table(&b.gates, &b.claims));
            }
            s.push_str(&report::table::summary_line(&b.gates));
            if !b.claims.is_empty() {
                s.push('\n');
                s.push_str(&crate::import::claims::summary(&b.claims));
            }
            s.push_str("\n\n");
        }
    }
    for d in report.all_diagnostics() {
        s.push_str(&report::human::diagnostic(d, &report.texts, true));
        s.push_str("\n\n");
    }
    if !quiet {
        s.push_str(&report::human::summary(report));
        s.push('\n');
    }
    s
}

fn markdown(report: &Report) -> String {
    let mut s = String::new();
    let many = report.banks.len() > 1;
    for b in &report.banks {
        if many {
            s.push_str(&format!(
                "### {}\n\n",
                b.title.as_deref().unwrap_or(&b.path.display().to_string())
            ));
        }
        if b.gates.is_empty() {
            s.push_str("Not loaded: see the diagnostics (`--format human`).\n\n");
            continue;
        }
        if b.claims.is_empty() {
            s.push_str(&report::table::markdown(&b.gates));
            s.push_str(&format!(
                "\n**Summary**: {}\n\n",
                report::table::summary_line(&b.gates)
            ));
        } else {
            s.push_str(&crate::import::claims::markdown_table(&b.gates, &b.claims));
            s.push_str(&format!(
                "\n**Summary**: {} {}\n\n",
                report::table::summary_line(&b.gates),
                crate::import::claims::summary(&b.claims)
            ));
        }
    }
    s.trim_end().to_owned() + "\n"
}

/// Today's date in the local time zone.
fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

/// Runs the gates on a loaded bank, measuring recency from `as_of` or the bank's date.
pub fn gate_bank(
    bank: &Bank,
    as_of: Option<Day>,
) -> (Vec<gates::GateResult>, Vec<Diagnostic>, Day) {
    gate_bank_with(bank, as_of, None)
}

/// Like [`gate_bank`], with live link results for gate 17 (`--online`).
pub fn gate_bank_with(
    bank: &Bank,
    as_of: Option<Day>,
    links: Option<&dyn gates::LinkStatus>,
) -> (Vec<gates::GateResult>, Vec<Diagnostic>, Day) {
    let mut notes = Vec::new();
    let date = match as_of {
        Some(d) => d,
        None => {
            let d = bank.meta.as_of.value;
            let months = bank.rubric.as_of_warn_months;
            let limit = today()
                .checked_sub(jiff::Span::new().months(i64::from(months)))
                .unwrap_or(jiff::civil::Date::MIN);
            if d.0 < limit {
                notes.push(
                    Diagnostic::warning("stale-as-of", format!("the bank's as_of date {d} is more than {months} months old; recency is measured from it"))
                        .at(Location::of(&bank.sources, bank.meta_file, bank.meta.as_of.pos))
                        .help("review the references and update `as_of`, or pin a date with --as-of"),
                );
            }
            d
        }
    };
    let ctx = Ctx::new(bank, date.0, links);
    (gates::run(&ctx), notes, date)
}

/// Discovers, loads and gates every bank under `paths`.
pub fn collect(paths: &[PathBuf], as_of: Option<Day>) -> Report {
    collect_banks(paths, as_of).0
}

/// Like [`collect`], also handing back every bank that loaded, with the index of its
/// entry in `report.banks` (whose `gates` hold its results).
pub fn collect_banks(paths: &[PathBuf], as_of: Option<Day>) -> (Report, Vec<(usize, Bank)>) {
    collect_banks_with(paths, as_of, None)
}

/// Like [`collect_banks`], with live link results for gate 17 (`--online`).
pub fn collect_banks_with(
    paths: &[PathBuf],
    as_of: Option<Day>,
    links: Option<&dyn gates::LinkStatus>,
) -> (Report, Vec<(usize, Bank)>) {
    collect_banks_opts(paths, as_of, links, None)
}

/// Like [`collect_banks_with`]; markdown documents are imported with `rubric` (a rubric
/// YAML) or their own/the built-in one.
pub fn collect_banks_opts(
    paths: &[PathBuf],
    as_of: Option<Day>,
    links: Option<&dyn gates::LinkStatus>,
    rubric: Option<&std::path::Path>,
) -> (Report, Vec<(usize, Bank)>) {
    let (inputs, general) = load::discover(paths);
    let mut report = Report {
        general,
        ..Report::default()
    };
    let banks: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::Bank(p) => Some(p.clone()),
            Input::Document(_) => None,
        })
        .collect();
    let documents: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|i| match i {
            Input::Document(p) => Some(p.clone()),
            Input::Bank(_) => None,
        })
        .collect();
    let results: Vec<(Loaded, BankReport)> = banks
        .par_iter()
        .map(|root| {
            let loaded = load::load_bank(root);
            let report = bank_report(&loaded, as_of, links);
            (loaded, report)
        })
        .collect();
    let mut loaded_banks = Vec::new();
    for (loaded, bank_report) in results {
        report.add_sources(&loaded.sources);
        if let Some(bank) = loaded.bank {
            loaded_banks.push((report.banks.len(), bank));
        }
        report.banks.push(bank_report);
    }
    let imported: Vec<_> = documents
        .par_iter()
        .map(|p| document_report(p, as_of, links, rubric))
        .collect();
    for (bank_report, sources, bank) in imported {
        report.add_sources(&sources);
        if let Some(bank) = bank {
            loaded_banks.push((report.banks.len(), bank));
        }
        report.banks.push(bank_report);
    }
    (report, loaded_banks)
}

/// Imports a markdown document, gates it and audits its own Validation Results claims.
fn document_report(
    path: &std::path::Path,
    as_of: Option<Day>,
    links: Option<&dyn gates::LinkStatus>,
    rubric: Option<&std::path::Path>,
) -> (BankReport, crate::model::Sources, Option<Bank>) {
    let imported = crate::import::import_file(path, rubric);
    let mut diagnostics = imported.diagnostics.clone();
    let mut claims = imported.claims.clone();
    let mut report = BankReport {
        path: path.to_path_buf(),
        slug: None,
        title: None,
        loaded: imported.bank.is_some(),
        as_of: None,
        gates: Vec::new(),
        diagnostics: Vec::new(),
        claims: Vec::new(),
    };
    if let Some(b) = &imported.bank {
        let (gates, notes, date) = gate_bank_with(b, as_of, links);
        diagnostics.extend(notes);
        diagnostics.extend(crate::import::claims::audit(&mut claims, &gates, path));
        report.slug = Some(b.meta.slug.value.clone());
        report.title = Some(b.meta.title.value.clone());
        report.as_of = Some(date.to_string());
        report.gates = gates;
    }
    crate::diagnostic::sort(&mut diagnostics);
    report.diagnostics = diagnostics;
    report.claims = claims;
    (report, imported.sources, imported.bank)
}

fn bank_report(
    loaded: &Loaded,
    as_of: Option<Day>,
    links: Option<&dyn gates::LinkStatus>,
) -> BankReport {
    let mut diagnostics = loaded.diagnostics.clone();
    let (slug, title, gates, date) = match &loaded.bank {
        Some(b) => {
            let (gates, notes, date) = gate_bank_with(b, as_of, links);
            diagnostics.extend(notes);
            (
                Some(b.meta.slug.value.clone()),
                Some(b.meta.title.value.clone()),
                gates,
                Some(date.to_string()),
            )
        }
        None => (None, None, Vec::new(), None),
    };
    BankReport {
        path: loaded.root.clone(),
        slug,
        title,
        loaded: loaded.bank.is_some(),
        as_of: date,
        gates,
        diagnostics,
        claims: Vec::new(),
    }
}
