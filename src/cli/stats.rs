//! `qbank stats` (the figures come from [`crate::stats`]), and the loader the authoring
//! and packet commands share ([`load`]).

use std::path::PathBuf;

use crate::model::Bank;
use crate::stats::{Stats, role_warnings, stats, terminal};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Folders holding banks (searched recursively for bank.yaml).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print JSON instead of the terminal view.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub settings: super::SettingsArgs,
}

/// Loads every bank and document under `paths` that the settings do not exclude (a
/// document through the importer, under the rubric the settings choose). Load problems
/// are printed on standard error; when any input failed to load (or none was found)
/// the exit code 2 comes back instead.
pub(crate) fn load(
    paths: &[PathBuf],
    settings: &crate::settings::Settings,
) -> Result<Vec<Bank>, u8> {
    let loaded = crate::pipeline::load_models(&settings.options(paths.to_vec()));
    for d in &loaded.diagnostics {
        anstream::eprintln!(
            "{}\n",
            crate::report::human::diagnostic(d, &loaded.texts, true)
        );
    }
    if loaded.failed || loaded.banks.is_empty() {
        return Err(2);
    }
    Ok(loaded.banks)
}

pub(crate) fn run(args: &Args) -> u8 {
    let (paths, settings) = match super::resolve_settings(&args.paths, &args.settings, &[]) {
        Ok(Some(s)) => s,
        Ok(None) => return 0,
        Err(code) => return code,
    };
    let banks = match load(&paths, &settings) {
        Ok(b) => b,
        Err(code) => return code,
    };
    let all: Vec<Stats> = banks.iter().map(stats).collect();
    for (warning, help) in role_warnings(&all) {
        anstream::eprintln!("warning: {warning}");
        if let Some(h) = help {
            anstream::eprintln!("  help: {h}");
        }
    }
    let text = if args.json {
        let doc = serde_json::json!({ "banks": all });
        serde_json::to_string_pretty(&doc).expect("serializes") + "\n"
    } else {
        let views: Vec<String> = all.iter().map(terminal).collect();
        views.join("\n")
    };
    // A closed pipe (`qbank stats | head`) is not an error worth a panic.
    super::print_out(&text);
    0
}
