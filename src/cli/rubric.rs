//! `qbank rubric`: print the rubric in force (or the built-in one with `--default`).

use std::path::{Path, PathBuf};

use crate::model::DEFAULT_RUBRIC_YAML;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// A bank folder (or a folder below a qbank.toml) whose rubric to print (default `.`).
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Print the built-in rubric (the seed spec), the documentation of every threshold.
    #[arg(long)]
    pub default: bool,
}

/// The rubric file in force for `path`, and what chose it: the bank's `rubric:` field,
/// then qbank.toml's `rubric`; `None` for the built-in one.
fn in_force(path: &Path) -> Result<Option<(PathBuf, String)>, crate::diagnostic::Diagnostic> {
    let meta = if path.is_file() {
        path.to_path_buf()
    } else {
        path.join("bank.yaml")
    };
    if meta.is_file() {
        let text = crate::load::read_text(&meta)?;
        let bank: crate::model::BankMeta =
            crate::load::parse_str(&meta, &text, "the bank's metadata")?;
        return Ok(match bank.rubric.map(|r| r.value) {
            Some(r) if r.trim() != "default" => {
                let base = meta.parent().unwrap_or(Path::new("."));
                Some((
                    base.join(r.trim()),
                    format!("`rubric:` in {}", meta.display()),
                ))
            }
            _ => None,
        });
    }
    let config = crate::config::find(path)?;
    Ok(config.rubric().map(|r| {
        let from = config
            .path
            .as_ref()
            .map_or_else(String::new, |p| p.display().to_string());
        (r, format!("`rubric` in {from}"))
    }))
}

pub(crate) fn run(args: &Args, quiet: bool) -> u8 {
    if args.default {
        super::print_out(DEFAULT_RUBRIC_YAML);
        return 0;
    }
    let path = args.path.clone().unwrap_or_else(|| PathBuf::from("."));
    match in_force(&path) {
        Ok(None) => {
            if !quiet {
                super::print_out(
                    "# rubric in force: the built-in one (`qbank rubric --default`)\n",
                );
            }
            super::print_out(DEFAULT_RUBRIC_YAML);
            0
        }
        Ok(Some((file, from))) => {
            match crate::load::load_rubric(Some(&file.display().to_string()), Path::new(".")) {
                Ok(_) => match crate::load::read_text(&file) {
                    Ok(text) => {
                        if !quiet {
                            super::print_out(&format!(
                                "# rubric in force: {} (from {from})\n",
                                crate::diagnostic::display_path(&file)
                            ));
                        }
                        super::print_out(&text);
                        0
                    }
                    Err(d) => {
                        super::eprint_diagnostic(&d);
                        2
                    }
                },
                Err(d) => {
                    super::eprint_diagnostic(&d);
                    2
                }
            }
        }
        Err(d) => {
            super::eprint_diagnostic(&d);
            2
        }
    }
}
