//! `qbank watch`: re-check on every save. Changes are debounced (notify +
//! notify-debouncer-full), the screen is cleared and the validation table printed
//! again; a file that is mid-save or briefly invalid is reported like any other problem
//! and the next save checks again.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_full::new_debouncer;

use super::check::{self, Format};
use crate::model::Day;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Folders holding banks (searched recursively for bank.yaml).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Wait this long after the last change before checking again.
    #[arg(long, default_value_t = 200, value_name = "MS")]
    pub debounce_ms: u64,
    /// The date recency is measured from (default: each bank's `as_of`).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = check::parse_day)]
    pub as_of: Option<Day>,
    /// Count WARN as a failure in the summary.
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub settings: super::SettingsArgs,
}

/// Files whose change is worth a new check: bank YAML, documents, rubrics, templates;
/// not editor swap files or anything in a hidden folder under a watched root.
fn relevant(path: &Path, roots: &[PathBuf]) -> bool {
    let inside = roots
        .iter()
        .find_map(|r| path.strip_prefix(r).ok())
        .unwrap_or(path);
    let path = inside;
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let hidden = path.components().any(|c| {
        let s = c.as_os_str().to_string_lossy();
        s.starts_with('.') && s.len() > 1 && s != ".."
    });
    !hidden && matches!(ext.as_str(), "yaml" | "yml" | "md" | "j2")
}

fn run_once(args: &Args, paths: &[PathBuf], cli: &super::Cli, run: usize, changed: &[PathBuf]) {
    let mut out = anstream::stdout();
    if std::io::stdout().is_terminal() {
        // Clear the screen and the scrollback, then home the cursor.
        let _ = out.write_all(b"\x1b[2J\x1b[3J\x1b[H");
    }
    let header = if changed.is_empty() {
        format!("qbank watch: run {run}")
    } else {
        let names: Vec<String> = changed
            .iter()
            .take(3)
            .map(|p| crate::diagnostic::display_path(p))
            .collect();
        let more = if changed.len() > 3 {
            format!(" and {} more", changed.len() - 3)
        } else {
            String::new()
        };
        format!(
            "qbank watch: run {run}, after a change to {}{more}",
            names.join(", ")
        )
    };
    let _ = writeln!(out, "{header}\n");
    let _ = out.flush();
    // A bug must not end the watch: report it and wait for the next save.
    let result = std::panic::catch_unwind(|| {
        // Read again each run: an edit to qbank.toml applies at the next save.
        let settings = match crate::settings::Settings::resolve(&args.settings.flags(), paths) {
            Ok(s) => s,
            Err(d) => {
                super::eprint_diagnostic(&d);
                return 2;
            }
        };
        let report = crate::pipeline::collect(&crate::pipeline::Options {
            as_of: args.as_of,
            strict: args.strict,
            ..settings.options(paths.to_vec())
        })
        .0;
        check::print(&report, Format::Human, cli.quiet);
        report.exit_code()
    });
    let status = match result {
        Ok(0) => "passed".to_owned(),
        Ok(1) => "a gate failed".to_owned(),
        Ok(_) => "could not load every file".to_owned(),
        Err(_) => "the check stopped on an internal error".to_owned(),
    };
    let _ = writeln!(
        out,
        "\nqbank watch: {status}; waiting for changes (Ctrl-C to stop)"
    );
    let _ = out.flush();
}

pub(crate) fn run(args: &Args, cli: &super::Cli) -> u8 {
    let paths = match super::resolve_settings(&args.paths, &args.settings, &[]) {
        Ok(Some((paths, _))) => paths,
        Ok(None) => return 0,
        Err(code) => return code,
    };
    for p in &paths {
        if !p.exists() {
            return super::fail(
                &format!("{} does not exist", p.display()),
                Some("pass a folder that holds banks (default `content/`)"),
            );
        }
    }
    let (tx, rx) = mpsc::channel();
    let mut debouncer = match new_debouncer(Duration::from_millis(args.debounce_ms), None, tx) {
        Ok(d) => d,
        Err(e) => return super::fail(&format!("could not watch files: {e}"), None),
    };
    for p in &paths {
        if let Err(e) = debouncer.watch(p, RecursiveMode::Recursive) {
            return super::fail(&format!("could not watch {}: {e}", p.display()), None);
        }
    }
    let roots: Vec<PathBuf> = paths
        .iter()
        .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
        .collect();
    let mut run = 1;
    run_once(args, &paths, cli, run, &[]);
    if super::stdout_closed() {
        // Nobody reads the output any more (`qbank watch | head`): stop quietly.
        return 0;
    }
    for result in rx {
        match result {
            Ok(events) => {
                let mut changed: Vec<PathBuf> = events
                    .iter()
                    .filter(|e| !e.kind.is_access())
                    .flat_map(|e| e.paths.iter())
                    .filter(|p| relevant(p, &roots) || relevant(p, &paths))
                    .cloned()
                    .collect();
                changed.sort();
                changed.dedup();
                if changed.is_empty() {
                    continue;
                }
                run += 1;
                run_once(args, &paths, cli, run, &changed);
                if super::stdout_closed() {
                    return 0;
                }
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("qbank watch: {e}");
                }
            }
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_bank_files_count() {
        let roots = [PathBuf::from("/tmp/.tmpX/b")];
        assert!(relevant(Path::new("/tmp/.tmpX/b/questions/q.yaml"), &roots));
        assert!(relevant(Path::new("doc.md"), &roots));
        assert!(!relevant(Path::new("b/questions/.q.yaml.swp"), &roots));
        assert!(!relevant(Path::new("/tmp/.tmpX/b/.git/index"), &roots));
        assert!(!relevant(Path::new("b/q.yaml~"), &roots));
    }
}
