//! `qbank fix`: safe, minimal rewrites of bank files. Values whose `: ` (as in
//! `[Ref: G1]`) keeps YAML from parsing are quoted, and question files are renamed after
//! their ids (`06-latency-todo-1.yaml` → `06-p99-regression.yaml`). Nothing else in a file
//! changes; every write is atomic; `--diff` shows the changes and writes nothing.

use crate::load::{self, Input};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Folders holding banks, or bank folders (default `content/`).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Print the changes as a unified diff and write nothing (exit 1 when there are some).
    #[arg(long)]
    pub diff: bool,
    #[command(flatten)]
    pub settings: super::SettingsArgs,
}

/// The YAML files of a bank: bank.yaml, references/*.yaml, questions/**.
fn bank_files(root: &Path) -> Vec<PathBuf> {
    let mut files = vec![root.join("bank.yaml")];
    for dir in ["references", "questions"] {
        let d = root.join(dir);
        if d.is_dir() {
            files.extend(load::yaml_files(&d).0);
        }
    }
    files.retain(|f| f.is_file());
    files
}

/// A unified diff of the lines `fixes` changed (same number of lines before and after).
fn diff(path: &Path, fixes: &[load::QuoteFix], old: &str) -> String {
    let shown = crate::diagnostic::display_path(path);
    let mut out = format!("--- a/{shown}\n+++ b/{shown}\n");
    let lines: Vec<&str> = old.lines().collect();
    for f in fixes {
        let before = lines.get(f.line as usize - 1).copied().unwrap_or_default();
        out.push_str(&format!(
            "@@ -{0},1 +{0},1 @@\n-{before}\n+{1}\n",
            f.line, f.fixed
        ));
    }
    out
}

pub(crate) fn run(args: &Args, quiet: bool) -> u8 {
    let (paths, settings) = match super::resolve_settings(&args.paths, &args.settings, &[]) {
        Ok(Some(s)) => s,
        Ok(None) => return 0,
        Err(code) => return code,
    };
    // The banks `check` would load: `exclude` and an excluded path named explicitly
    // behave the same way here.
    let (inputs, problems) = crate::pipeline::inputs(&settings.options(paths));
    let problems: Vec<_> = problems.into_iter().filter(|d| d.is_error()).collect();
    for d in &problems {
        super::eprint_diagnostic(d);
    }
    let mut out = String::new();
    let mut changes = 0;
    let mut failed = !problems.is_empty();
    for input in inputs {
        let Input::Bank(root) = input else {
            continue;
        };
        for file in bank_files(&root) {
            let text = match load::read_text(&file) {
                Ok(t) => t,
                Err(d) => {
                    super::eprint_diagnostic(&d);
                    failed = true;
                    continue;
                }
            };
            let (fixed, fixes) = load::fix_quoting(&file, &text);
            if !fixes.is_empty() {
                changes += fixes.len();
                if args.diff {
                    out.push_str(&diff(&file, &fixes, &text));
                } else if let Err(e) = crate::fsutil::write_in(
                    &root,
                    file.strip_prefix(&root).unwrap_or(&file),
                    fixed.as_bytes(),
                ) {
                    failed = true;
                    super::fail_write(&e);
                    continue;
                } else {
                    for f in &fixes {
                        out.push_str(&format!(
                            "{}:{}:{}: quoted a value holding `: `\n",
                            crate::diagnostic::display_path(&file),
                            f.line,
                            f.col
                        ));
                    }
                }
            }
            let in_questions = file
                .strip_prefix(&root)
                .is_ok_and(|r| r.starts_with("questions"));
            let Some(to) = in_questions
                .then(|| load::name_for_id(&file, &fixed))
                .flatten()
            else {
                continue;
            };
            let (from_s, to_s) = (
                crate::diagnostic::display_path(&file),
                crate::diagnostic::display_path(&to),
            );
            if let Err(e) = crate::fsutil::inside(&root, to.strip_prefix(&root).unwrap_or(&to)) {
                super::fail_write(&e);
                failed = true;
                continue;
            }
            if to.exists() {
                super::fail(
                    &format!("cannot rename {from_s} after its id: {to_s} exists"),
                    Some("rename one of the two files by hand"),
                );
                failed = true;
                continue;
            }
            changes += 1;
            if args.diff {
                out.push_str(&format!("rename from {from_s}\nrename to {to_s}\n"));
            } else if let Err(e) = std::fs::rename(&file, &to) {
                super::fail(&format!("could not rename {from_s}: {e}"), None);
                failed = true;
            } else {
                out.push_str(&format!("renamed {from_s} -> {to_s} (after its id)\n"));
            }
        }
    }
    if !quiet && !args.diff {
        out.push_str(&format!(
            "{changes} {} made\n",
            crate::report::human::plural(changes, "fix", "fixes")
        ));
    }
    super::print_out(&out);
    if failed {
        2
    } else if args.diff && changes > 0 {
        1
    } else {
        0
    }
}
