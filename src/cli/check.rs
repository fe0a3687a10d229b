//! `qbank check`: load every bank under the given paths, run the gates, report.

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
    /// Folders holding banks (searched recursively for bank.yaml), bank.yaml files, files of
    /// a bank (only their findings are shown), or documents.
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
    /// The rubric every input is measured against: a shipped rubric's name
    /// (`performance-minimal`, `quality-engineering`) or a rubric YAML. Without it: a bank's
    /// own `rubric:`, then `rubric` in qbank.toml, then (documents) the shipped rubric
    /// whose gates the document's Validation Results name, then the built-in one.
    #[arg(long, value_name = "FILE")]
    pub rubric: Option<PathBuf>,
    /// Only these gates (numbers or names) and diagnostic codes count; replaces `select`
    /// in qbank.toml. Comma-separated or repeated.
    #[arg(long, value_name = "GATE|CODE", value_delimiter = ',')]
    pub select: Vec<String>,
    /// These gates or diagnostic codes do not count; added to `ignore` in qbank.toml.
    #[arg(long, value_name = "GATE|CODE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Print the settings in force (qbank.toml found upward from PATH, and flags) and exit.
    #[arg(long)]
    pub show_settings: bool,
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
    /// One line per finding: `path:line:col: severity[code]: message`.
    Concise,
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

/// The settings of one `check` run: qbank.toml merged with the flags.
struct Settings {
    config: crate::config::Found,
    selection: report::select::Selection,
    select_from: &'static str,
    ignore_from: &'static str,
    rubric: Option<PathBuf>,
    rubric_from: &'static str,
}

fn settings(args: &Args, paths: &[PathBuf]) -> Result<Settings, Diagnostic> {
    let start = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let config = crate::config::find(&start)?;
    let keys = |list: &[String], from: &str| -> Result<Vec<report::select::Key>, Diagnostic> {
        list.iter()
            .map(|k| {
                report::select::Key::parse(k).map_err(|e| {
                    let d = Diagnostic::error("config", e).help(
                        "`qbank gates` lists the gates; `qbank explain CODE` explains a code",
                    );
                    match (from, &config.path) {
                        ("qbank.toml", Some(p)) => d.at(Location::file(p)),
                        _ => d,
                    }
                })
            })
            .collect()
    };
    let (select, select_from) = if !args.select.is_empty() {
        (Some(keys(&args.select, "--select")?), "--select")
    } else if !config.config.select.is_empty() {
        (
            Some(keys(&config.config.select, "qbank.toml")?),
            "qbank.toml",
        )
    } else {
        (None, "default")
    };
    let mut ignore = keys(&config.config.ignore, "qbank.toml")?;
    ignore.extend(keys(&args.ignore, "--ignore")?);
    let ignore_from = match (config.config.ignore.is_empty(), args.ignore.is_empty()) {
        (true, true) => "default",
        (false, true) => "qbank.toml",
        (true, false) => "--ignore",
        (false, false) => "qbank.toml and --ignore",
    };
    let (rubric, rubric_from) = match (&args.rubric, config.rubric()) {
        (Some(r), _) => (Some(r.clone()), "--rubric"),
        (None, Some(r)) => (Some(r), "qbank.toml"),
        (None, None) => (None, "default"),
    };
    Ok(Settings {
        config,
        selection: report::select::Selection { select, ignore },
        select_from,
        ignore_from,
        rubric,
        rubric_from,
    })
}

fn show_settings(s: &Settings, args: &Args) -> String {
    let list = |v: &[String]| {
        if v.is_empty() {
            "(none)".to_owned()
        } else {
            v.join(", ")
        }
    };
    let file = s.config.path.as_ref().map_or_else(
        || "(none found; built-in defaults)".to_owned(),
        |p| p.display().to_string(),
    );
    let select = if !args.select.is_empty() {
        list(&args.select)
    } else if !s.config.config.select.is_empty() {
        list(&s.config.config.select)
    } else {
        "all gates and codes".to_owned()
    };
    let mut ignore = s.config.config.ignore.clone();
    ignore.extend(args.ignore.iter().cloned());
    let rubric = s.rubric.as_ref().map_or_else(
        || "default (built-in; banks use their own `rubric:`, documents the shipped rubric their Validation Results name)".to_owned(),
        |p| p.display().to_string(),
    );
    let mut link_exclude: Vec<String> = s.config.config.links.exclude.clone();
    link_exclude.extend(args.link.exclude.iter().map(|r| r.as_str().to_owned()));
    let (accept, accept_from) = match (&args.link.accept, &s.config.config.links.accept) {
        (Some(a), _) => (a.as_str().to_owned(), "--accept"),
        (None, Some(a)) => (a.clone(), "qbank.toml"),
        (None, None) => ("200..=299".to_owned(), "default"),
    };
    let rows = [
        ("config file", file, ""),
        ("rubric", rubric, s.rubric_from),
        ("select", select, s.select_from),
        ("ignore", list(&ignore), s.ignore_from),
        (
            "exclude",
            list(&s.config.config.exclude),
            if s.config.config.exclude.is_empty() {
                "default"
            } else {
                "qbank.toml"
            },
        ),
        (
            "links.exclude",
            list(&link_exclude),
            if link_exclude.is_empty() {
                "default"
            } else {
                "qbank.toml and --exclude"
            },
        ),
        ("links.accept", accept, accept_from),
        (
            "strict",
            args.strict.to_string(),
            if args.strict { "--strict" } else { "default" },
        ),
        (
            "format",
            format!("{:?}", args.format).to_lowercase(),
            "--format",
        ),
    ];
    let mut out = String::new();
    for (k, v, from) in rows {
        if from.is_empty() {
            out.push_str(&format!("{k:<14} = {v}\n"));
        } else {
            out.push_str(&format!("{k:<14} = {v}    # from {from}\n"));
        }
    }
    out
}

/// For a file inside a bank (not bank.yaml): the bank folder, and the file itself.
fn bank_of_file(path: &std::path::Path) -> Option<(PathBuf, PathBuf)> {
    if !path.is_file()
        || path.file_name().is_some_and(|n| n == "bank.yaml")
        || load::is_markdown(path)
    {
        return None;
    }
    let abs = std::fs::canonicalize(path).ok()?;
    let root = abs
        .ancestors()
        .skip(1)
        .find(|a| a.join("bank.yaml").is_file())?;
    // Keep the path as the user wrote it, so diagnostics read the same.
    let depth = abs.strip_prefix(root).ok()?.components().count();
    let mut given = path.to_path_buf();
    for _ in 0..depth {
        given = match given.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
    }
    Some((given, abs))
}

fn same_file(a: &std::path::Path, b: &std::path::Path) -> bool {
    std::fs::canonicalize(a).is_ok_and(|a| a == b)
}

pub fn run(args: &Args, cli: &super::Cli) -> u8 {
    let given = super::paths_or_default(&args.paths);
    let settings = match settings(args, &given) {
        Ok(s) => s,
        Err(d) => {
            super::eprint_diagnostic(&d);
            return 2;
        }
    };
    if args.show_settings {
        super::print_out(&show_settings(&settings, args));
        return 0;
    }
    // A file of a bank: check its bank, show that file's findings.
    let mut focus: Vec<PathBuf> = Vec::new();
    let paths: Vec<PathBuf> = given
        .iter()
        .map(|p| match bank_of_file(p) {
            Some((root, file)) => {
                focus.push(file);
                root
            }
            None => p.clone(),
        })
        .collect();
    let link_args = args.link.with_config(&settings.config.config.links);
    let live = args
        .online
        .then(|| super::links::live_results(&paths, &link_args, cli.quiet));
    let links = live.as_ref().map(|l| l as &dyn gates::LinkStatus);
    let exclude = |p: &std::path::Path| settings.config.excludes(p);
    let config_rubric = settings.config.rubric();
    let choice = crate::import::RubricChoice {
        flag: args.rubric.as_deref(),
        config: config_rubric.as_deref(),
        detect: true,
    };
    let mut report = collect_filtered(&paths, args.as_of, links, &choice, &exclude).0;
    report.strict = args.strict;
    if !cli.verbose {
        report.general.retain(|d| d.code != load::SKIPPED_LINK);
    }
    report::select::apply(&mut report, &settings.selection);
    if !focus.is_empty() {
        let keep = |d: &Diagnostic| {
            d.location
                .as_ref()
                .is_some_and(|l| focus.iter().any(|f| same_file(&l.file, f)))
        };
        for b in &mut report.banks {
            b.focused = true;
            b.diagnostics.retain(|d| keep(d));
            for g in &mut b.gates {
                g.diagnostics.retain(|d| keep(d));
            }
        }
    }
    print(&report, args.format, cli.quiet);
    report.exit_code()
}

/// Prints a report in `format` on standard output.
pub fn print(report: &Report, format: Format, quiet: bool) {
    let text = match format {
        Format::Human => human(report, quiet),
        Format::Concise => report::human::concise(report, quiet),
        Format::Json => report::json::render(report),
        Format::Markdown => markdown(report),
        Format::Sarif => report::sarif::render(report),
        Format::Junit => report::junit::render(report),
        Format::Github => report::github::render(report),
    };
    super::print_out(&text);
}

fn human(report: &Report, quiet: bool) -> String {
    let width = super::terminal_width();
    let mut s = String::new();
    for b in &report.banks {
        if !b.gates.is_empty() && !quiet {
            let title = b.title.as_deref().unwrap_or_default();
            let as_of = b.as_of.as_deref().unwrap_or_default();
            s.push_str(&format!(
                "{}: {title} (as of {as_of})\n",
                crate::diagnostic::display_path(&b.path)
            ));
            if b.focused {
                // Checking one file: the bank-wide gates are context, in one line.
                s.push_str("bank gates: ");
                s.push_str(&report::table::summary_line(&b.gates));
                s.push_str("\n\n");
                continue;
            }
            if b.claims.is_empty() {
                s.push_str(&report::table::human_fit(&b.gates, width));
            } else {
                s.push_str(&crate::import::claims::human_table(&b.gates, &b.claims));
            }
            s.push_str(&report::table::summary_line(&b.gates));
            if !b.claims.is_empty() {
                s.push('\n');
                s.push_str(&crate::import::claims::summary(&b.claims));
            }
            if let Some(r) = &b.import {
                s.push('\n');
                s.push_str(&r.human(&b.path));
            }
            for w in &b.waived {
                s.push_str(&format!("\ngate {} waived: {}", w.gate, w.reason));
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
    let choice = crate::import::RubricChoice {
        flag: rubric,
        ..crate::import::RubricChoice::default()
    };
    collect_filtered(paths, as_of, links, &choice, &|_| false)
}

/// Like [`collect_banks_opts`], leaving out banks, documents and problems at paths for
/// which `exclude` is true (qbank.toml's `exclude` globs). `choice.flag` (`--rubric`)
/// replaces every input's own rubric; the rest of `choice` applies to documents.
pub fn collect_filtered(
    paths: &[PathBuf],
    as_of: Option<Day>,
    links: Option<&dyn gates::LinkStatus>,
    choice: &crate::import::RubricChoice<'_>,
    exclude: &(dyn Fn(&std::path::Path) -> bool + Sync),
) -> (Report, Vec<(usize, Bank)>) {
    let (mut inputs, mut general) = load::discover(paths);
    inputs.retain(|i| match i {
        Input::Bank(p) => !exclude(p) && !exclude(&p.join("bank.yaml")),
        Input::Document(p) => !exclude(p),
    });
    general.retain(|d| d.location.as_ref().is_none_or(|l| !exclude(&l.file)));
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
            let mut loaded = load::load_bank(root);
            // `--rubric` replaces the bank's own; qbank.toml's applies to a bank that
            // names none.
            let replace = loaded.bank.as_ref().and_then(|b| {
                choice
                    .flag
                    .or(choice.config.filter(|_| b.meta.rubric.is_none()))
            });
            if let Some(spec) = replace
                && let Some(bank) = loaded.bank.as_mut()
            {
                match load::load_rubric(spec.to_str(), std::path::Path::new("")) {
                    Ok(r) => bank.rubric = r,
                    Err(d) => loaded.diagnostics.push(d),
                }
            }
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
        .map(|p| document_report(p, as_of, links, choice))
        .collect();
    for (bank_report, sources, bank, note) in imported {
        if let Some(note) = note {
            anstream::eprintln!(
                "note: {}: {note}",
                crate::diagnostic::display_path(&bank_report.path)
            );
        }
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
    choice: &crate::import::RubricChoice<'_>,
) -> (
    BankReport,
    crate::model::Sources,
    Option<Bank>,
    Option<String>,
) {
    let imported = crate::import::import_file_with(path, choice);
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
        waived: Vec::new(),
        suppressed: 0,
        focused: false,
        import: Some(imported.recognition.clone()),
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
    (
        report,
        imported.sources,
        imported.bank,
        imported.rubric_note,
    )
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
        waived: Vec::new(),
        suppressed: 0,
        focused: false,
        import: None,
    }
}
