//! `qbank fix`: safe, minimal rewrites of bank files. Values whose `: ` (as in
//! `[Ref: G1]`) keeps YAML from parsing are quoted, and question files are renamed after
//! their ids (`06-latency-todo-1.yaml` → `06-p99-regression.yaml`). Nothing else in a file
//! changes; every write is atomic; `--diff` shows the changes and writes nothing.
//!
//! Unsafe fixes change what a text says: an arithmetic finding's recomputed value written
//! over the figure it marks (`71% lower` → `81.43% lower`), in banks and documents. They
//! are listed, never applied, unless `--unsafe` is given; the value that is wrong may be
//! one of the operands rather than the result, so each one is reported for review.

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
    /// Also write the recomputed value of each arithmetic finding (`change-mismatch`,
    /// `equation-mismatch`) over the figure it marks. Without it they are only listed.
    #[arg(long = "unsafe")]
    pub unsafe_fixes: bool,
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

/// The files of an input, with the recomputed values its arithmetic findings propose:
/// (the folder writes stay inside, [(file, its text, its edits)]).
#[allow(clippy::type_complexity)]
fn recomputed_edits(
    input: &Input,
    opts: &crate::pipeline::Options<'_>,
) -> (
    PathBuf,
    Vec<(PathBuf, String, Vec<crate::numbers::edit::Edit>)>,
) {
    let root = match input {
        Input::Bank(root) => root.clone(),
        Input::Document(path) => match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        },
    };
    let checked = crate::pipeline::check(input, opts, false, false);
    let mut by_file: Vec<(PathBuf, String, Vec<crate::numbers::edit::Edit>)> = Vec::new();
    let findings = checked
        .report
        .gates
        .iter()
        .flat_map(|g| &g.diagnostics)
        .chain(&checked.report.diagnostics);
    for d in findings {
        let Some(loc) = d.location.as_ref() else {
            continue;
        };
        if crate::numbers::edit::recomputed(d).is_none() {
            continue;
        }
        let at = match by_file.iter().position(|(f, _, _)| *f == loc.file) {
            Some(i) => i,
            None => {
                let Ok(text) = load::read_text(&loc.file) else {
                    continue;
                };
                by_file.push((loc.file.clone(), text.to_string(), Vec::new()));
                by_file.len() - 1
            }
        };
        let (_, text, edits) = &mut by_file[at];
        if let Some(e) = crate::numbers::edit::edit(d, text)
            && !edits.iter().any(|o: &crate::numbers::edit::Edit| {
                o.bytes.start < e.bytes.end && e.bytes.start < o.bytes.end
            })
        {
            edits.push(e);
        }
    }
    by_file.retain(|(_, _, e)| !e.is_empty());
    for (_, _, e) in &mut by_file {
        e.sort_by_key(|e| e.bytes.start);
    }
    (root, by_file)
}

/// A unified diff of the lines the recomputed values change.
fn diff_edits(path: &Path, old: &str, new: &str, edits: &[crate::numbers::edit::Edit]) -> String {
    let shown = crate::diagnostic::display_path(path);
    let mut out = format!("--- a/{shown}\n+++ b/{shown}\n");
    let (old_lines, new_lines): (Vec<&str>, Vec<&str>) =
        (old.lines().collect(), new.lines().collect());
    let mut lines: Vec<u32> = edits.iter().map(|e| e.line).collect();
    lines.dedup();
    for l in lines {
        let i = l as usize - 1;
        out.push_str(&format!(
            "@@ -{l},1 +{l},1 @@\n-{}\n+{}\n",
            old_lines.get(i).copied().unwrap_or_default(),
            new_lines.get(i).copied().unwrap_or_default()
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
    let (inputs, problems) = crate::pipeline::inputs(&settings.options(paths.clone()));
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
    // The unsafe fixes, on the files as the safe fixes left them.
    let opts = settings.options(paths);
    let (inputs, _) = crate::pipeline::inputs(&opts);
    let mut unsafe_available = 0;
    for input in &inputs {
        let (root, edits) = recomputed_edits(input, &opts);
        for (file, text, edits) in edits {
            if !args.unsafe_fixes {
                unsafe_available += edits.len();
                continue;
            }
            changes += edits.len();
            let fixed = crate::numbers::edit::apply(&text, &edits);
            if args.diff {
                out.push_str(&diff_edits(&file, &text, &fixed, &edits));
                continue;
            }
            if let Err(e) = crate::fsutil::write_in(
                &root,
                file.strip_prefix(&root).unwrap_or(&file),
                fixed.as_bytes(),
            ) {
                failed = true;
                super::fail_write(&e);
                continue;
            }
            for e in &edits {
                out.push_str(&format!(
                    "{}:{}:{}: wrote the recomputed value `{}` over `{}` (unsafe fix: check which figure was wrong)\n",
                    crate::diagnostic::display_path(&file),
                    e.line,
                    e.col,
                    e.new,
                    e.old
                ));
            }
        }
    }
    if !quiet && !args.diff {
        out.push_str(&format!(
            "{changes} {} made\n",
            crate::report::human::plural(changes, "fix", "fixes")
        ));
    }
    if !quiet && unsafe_available > 0 {
        out.push_str(&format!(
            "{unsafe_available} unsafe {} available (recomputed values), rerun with --unsafe\n",
            crate::report::human::plural(unsafe_available, "fix", "fixes")
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
