//! `qbank check`: load every bank under the given paths and report.

use std::io::Write;
use std::path::PathBuf;

use clap::ValueEnum;

use crate::load::{self, Input};
use crate::report::{self, BankReport, Report};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folders holding banks (searched recursively for bank.yaml), bank.yaml files, or documents.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn run(args: &Args, cli: &super::Cli) -> u8 {
    let report = collect(&super::paths_or_default(&args.paths));
    let text = match args.format {
        Format::Human => {
            let styled = true;
            let mut s = String::new();
            for d in report.all_diagnostics() {
                s.push_str(&report::human::diagnostic(d, &report.texts, styled));
                s.push_str("\n\n");
            }
            if !cli.quiet {
                s.push_str(&report::human::summary(&report));
                s.push('\n');
            }
            s
        }
        Format::Json => report::json::render(&report),
    };
    let mut out = anstream::stdout();
    let _ = out.write_all(text.as_bytes());
    report.exit_code()
}

/// Discovers and loads every bank under `paths`.
pub fn collect(paths: &[PathBuf]) -> Report {
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
    for i in &inputs {
        if let Input::Document(p) = i {
            report.general.push(
                crate::diagnostic::Diagnostic::error(
                    "unsupported",
                    "reading markdown documents is not available yet",
                )
                .at(crate::diagnostic::Location::file(p))
                .help("pass a bank folder (with bank.yaml) instead"),
            );
        }
    }
    for loaded in load::load_all(&banks) {
        report.add_sources(&loaded.sources);
        let (slug, title) = loaded
            .bank
            .as_ref()
            .map(|b| {
                (
                    Some(b.meta.slug.value.clone()),
                    Some(b.meta.title.value.clone()),
                )
            })
            .unwrap_or_default();
        report.banks.push(BankReport {
            path: loaded.root.clone(),
            slug,
            title,
            loaded: loaded.bank.is_some(),
            diagnostics: loaded.diagnostics,
        });
    }
    report
}
