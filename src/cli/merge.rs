//! `qbank merge`: joins the JSON reports of `check --shard K/N` runs into the report of
//! the whole repository, in any format (what the unsharded `check` would print).

use crate::codes::Code;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Location};
use crate::report::{BankReport, Format, Report, Style};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// JSON reports written by `qbank check --format json` (one per shard, any order).
    #[arg(value_name = "REPORT.json", required = true)]
    pub reports: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail (exit 1) on WARN as well as FAIL.
    #[arg(long)]
    pub strict: bool,
    /// The merged report keeps only what --select/--ignore (and the qbank.toml found from
    /// the working folder) let count, on top of what each shard's run applied. `--rubric`
    /// is refused: the shards were measured already.
    #[command(flatten)]
    pub settings: super::SettingsArgs,
}

#[derive(Deserialize)]
struct Shard {
    version: u32,
    banks: Vec<BankReport>,
    general: Vec<Diagnostic>,
}

/// Reads one shard's report; a file that is not one is an error at its line and column.
fn read(path: &Path) -> Result<Shard, Diagnostic> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error(Code::Io, format!("could not read the report: {e}"))
            .at(Location::file(path))
    })?;
    let shard: Shard = serde_json::from_str(&text).map_err(|e| {
        Diagnostic::error(Code::BadReport, format!("not a qbank JSON report: {e}"))
            .at(Location::at(path, e.line() as u32, e.column() as u32))
            .help("merge the output of `qbank check --format json`")
    })?;
    if shard.version != crate::report::json::VERSION {
        return Err(Diagnostic::error(
            Code::BadReport,
            format!(
                "report version {} is not this qbank's ({})",
                shard.version,
                crate::report::json::VERSION
            ),
        )
        .at(Location::file(path))
        .help("merge reports written by the same qbank version"));
    }
    Ok(shard)
}

/// The shards' banks in the order `check` reports them (banks, then documents, each by
/// path); each problem not tied to a bank once.
pub(crate) fn merge(
    shards: Vec<Vec<BankReport>>,
    general: Vec<Diagnostic>,
    strict: bool,
) -> Report {
    let mut banks: Vec<BankReport> = shards.into_iter().flatten().collect();
    banks.sort_by(|a, b| {
        (crate::load::is_markdown(&a.path), &a.path)
            .cmp(&(crate::load::is_markdown(&b.path), &b.path))
    });
    let mut general = general;
    general.dedup();
    crate::diagnostic::sort(&mut general);
    general.dedup();
    let mut report = Report {
        banks,
        general,
        strict,
        ..Report::default()
    };
    // The human format quotes source lines: read the files that are here.
    let files: Vec<PathBuf> = report
        .all_diagnostics()
        .filter_map(|d| d.location.as_ref().map(|l| l.file.clone()))
        .collect();
    for f in files {
        if !report.texts.contains_key(&f)
            && let Ok(t) = crate::load::read_text(&f)
        {
            report.texts.insert(f, t);
        }
    }
    report
}

/// Applies a selection to reports already measured: gates resolve against the names
/// each report carries; suppression comments were applied by the shards' runs and are
/// not read again (a second pass would call every used one unused).
fn reselect(report: &mut Report, sel: &crate::report::select::Selection) {
    crate::report::select::apply_general(&mut report.general, sel);
    let none = crate::report::Texts::default();
    for b in &mut report.banks {
        let names: Vec<(String, u8)> = b
            .gates
            .iter()
            .flat_map(|g| {
                [
                    (crate::gates::names::fold(&g.name), g.number),
                    (crate::gates::names::fold(&g.title), g.number),
                ]
            })
            .collect();
        crate::report::select::apply_bank(b, &none, sel, &names);
    }
}

pub fn run(args: &Args, cli: &super::Cli) -> u8 {
    if args.settings.rubric.is_some() {
        return super::fail(
            "`merge` joins reports already measured: --rubric cannot change them",
            Some("pass --rubric to each shard's `qbank check`"),
        );
    }
    let settings = match args.settings.resolve_or_show(&[], &[]) {
        Ok(Some(s)) => s,
        Ok(None) => return 0,
        Err(code) => return code,
    };
    let mut banks = Vec::new();
    let mut general = Vec::new();
    for path in &args.reports {
        match read(path) {
            Ok(s) => {
                banks.push(s.banks);
                general.extend(s.general);
            }
            Err(d) => {
                super::eprint_diagnostic(&d);
                return 2;
            }
        }
    }
    let mut report = merge(banks, general, args.strict);
    if !settings.selection.is_empty() {
        reselect(&mut report, &settings.selection);
    }
    let style = Style {
        quiet: cli.quiet,
        width: super::terminal_width(),
        strict: args.strict,
    };
    super::print_out(&report.render_with(args.format, style, settings.docs_url().0));
    report.exit_code()
}
