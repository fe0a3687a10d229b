//! `qbank prompt`: print the generation prompt for a rubric (optionally fitted to a bank).

use std::io::Write;
use std::path::PathBuf;

use crate::model::Rubric;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A bank whose scope, clusters and reference IDs new questions must fit (its own
    /// rubric is used unless --rubric is given).
    #[arg(long, value_name = "DIR")]
    pub bank: Option<PathBuf>,
    /// Gates that --select/--ignore (or qbank.toml) leave out are listed as not checked.
    #[command(flatten)]
    pub settings: super::SettingsArgs,
}

/// The rubric a prompt (or a generate run) is written for: `--rubric`, else the bank's
/// own `rubric:`, else qbank.toml's, else the built-in one (`settings` precedence).
pub(crate) fn rubric_spec(
    settings: &crate::settings::Settings,
    bank: Option<&crate::model::Bank>,
) -> Option<PathBuf> {
    if let Some(r) = &settings.rubric {
        return Some(r.clone());
    }
    if let Some(b) = bank
        && b.meta.rubric.is_some()
    {
        return crate::pipeline::rubric_file(b);
    }
    settings.config.rubric()
}

/// The rubric named by `--rubric`, else `fallback`, else the built-in one; an error is
/// printed (exit 2).
pub(crate) fn rubric_or(
    path: Option<&std::path::Path>,
    fallback: Option<&Rubric>,
) -> Result<Rubric, u8> {
    match path {
        Some(p) => match crate::load::load_rubric(p.to_str(), std::path::Path::new("")) {
            Ok(r) => Ok((*r).clone()),
            Err(d) => Err(print_diagnostic(&d)),
        },
        None => Ok(fallback.cloned().unwrap_or_else(Rubric::default_rubric)),
    }
}

fn print_diagnostic(d: &crate::diagnostic::Diagnostic) -> u8 {
    let mut texts = std::collections::HashMap::new();
    if let Some(loc) = &d.location
        && let Ok(t) = std::fs::read_to_string(&loc.file)
    {
        texts.insert(loc.file.clone(), std::sync::Arc::from(t));
    }
    let _ = writeln!(
        anstream::stderr(),
        "{}",
        crate::report::human::diagnostic(d, &texts, true)
    );
    2
}

pub(crate) fn run(args: &Args) -> u8 {
    let paths: Vec<PathBuf> = args.bank.iter().cloned().collect();
    let settings = match args.settings.resolve_or_show(&paths, &[]) {
        Ok(Some(s)) => s,
        Ok(None) => return 0,
        Err(code) => return code,
    };
    let bank = match &args.bank {
        None => None,
        Some(dir) => {
            let loaded = crate::load::load_bank(dir);
            match loaded.bank {
                Some(b) => Some(b),
                None => {
                    for d in &loaded.diagnostics {
                        print_diagnostic(d);
                    }
                    return super::fail(
                        &format!("{} is not a bank that loads", dir.display()),
                        Some(
                            "pass a folder holding bank.yaml; `qbank check DIR` shows what is wrong",
                        ),
                    );
                }
            }
        }
    };
    let spec = rubric_spec(&settings, bank.as_ref());
    let rubric = match rubric_or(spec.as_deref(), bank.as_ref().map(|b| &*b.rubric)) {
        Ok(r) => r,
        Err(code) => return code,
    };
    match crate::generate::prompt::render(&rubric, bank.as_ref(), Some(&settings.selection)) {
        Ok(text) => {
            let _ = anstream::stdout().write_all(text.as_bytes());
            0
        }
        Err(e) => super::fail(&format!("could not render the prompt: {e}"), None),
    }
}
