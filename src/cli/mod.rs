//! The command line: clap definitions and one file per subcommand.

mod build;
pub(crate) mod check;
mod fix;
pub(crate) mod gates;
mod import;
pub(crate) mod links;
mod rubric;
mod schema;
// Packets and authoring (issue 8).
mod completions;
mod init;
mod packet;
mod pdf;
mod stats;
mod watch;
// The generator half (issue 13).
mod compare;
mod generate;
mod lsp;
mod merge;
mod prompt;
mod repair;
mod sources;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "qbank",
    version,
    about = "Validate, render and package technical interview question banks",
    long_about = "qbank loads question banks written in YAML (Q&A items plus glossary, tools, \
literature and citations), runs the spec's quality gates on them, and reports every problem \
at the file, line and column to fix.\n\nExit codes: 0 all gates pass, 1 a gate failed, \
2 bad input or usage."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// When to use colour: auto (terminal only, NO_COLOR respected), always, never.
    #[arg(long, global = true, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
    /// Print only problems, no summary.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// Say more: notes such as skipped broken symlinks outside any bank.
    #[arg(long, short, global = true)]
    pub verbose: bool,
    /// Threads to use (default: one per core).
    #[arg(short = 'j', long = "jobs", global = true, value_name = "N")]
    pub jobs: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Load every bank under PATH and report what is wrong with it.
    Check(check::Args),
    /// Check every bank, then render it to dist/<slug>.md and dist/<slug>.html: the main job.
    Build(build::BuildArgs),
    /// Render banks (markdown, HTML or JSON) without gating.
    Render(build::RenderArgs),
    /// List the quality gates of the rubric in force (the built-in one has twenty).
    Gates(gates::ListArgs),
    /// Print one gate's or code's documentation: `qbank explain 7`, `qbank explain cross-refs`,
    /// `qbank explain placeholder`.
    Explain(gates::ExplainArgs),
    /// Print the built-in rubric (every threshold and lexicon) as YAML.
    Rubric(rubric::Args),
    /// Write the JSON Schemas that editors use to complete and validate bank files.
    Schema(schema::Args),
    /// Choose a balanced interview packet for a role and time budget: candidate and interviewer sheets.
    Packet(packet::Args),
    /// Export a bank's questions for Anki (TSV) or Moodle (XML).
    Export(packet::ExportArgs),
    /// Create a new bank with TODOs to fill in.
    Init(init::InitArgs),
    /// Create a new file in a bank: `qbank new question --cluster latency`.
    New(init::NewArgs),
    /// A bank at a glance: coverage matrix, difficulty mix, reference usage, answer lengths.
    Stats(stats::Args),
    /// Check again on every save, reprinting the validation table.
    Watch(watch::Args),
    /// The language server: findings as you type, hover, go-to-definition, completion
    /// and quick fixes in any LSP editor (stdio; docs/editors.md).
    Lsp(lsp::Args),
    /// Print shell completions: `qbank completions bash|zsh|fish`.
    Completions(completions::Args),
    /// Print the man page (or write one per command with --out DIR).
    Man(completions::ManArgs),
    /// Check every web link (references, DOIs, archives, links in text and markdown) live.
    Links(links::Args),
    /// Turn a markdown document in the spec's format into a bank folder (YAML).
    Import(import::Args),
    /// Safe minimal rewrites: quote YAML values holding `: ` (`[Ref: ...]`), rename
    /// question files after their ids. `--diff` previews.
    Fix(fix::Args),
    /// Print the generation prompt for a rubric (every figure and list taken from it).
    Prompt(prompt::Args),
    /// Print a repair prompt naming only what the gates found wrong in a document.
    Repair(repair::Args),
    /// Run the loop: prompt → model → import → check → repair, until no gate fails.
    Generate(generate::Args),
    /// Recent works (Crossref) and tools' latest releases: a verified list to cite from.
    Sources(sources::Args),
    /// The gates side by side, a column per document (one per model, say).
    Compare(compare::Args),
    /// Join the JSON reports of `check --shard K/N` runs into one report, in any format.
    Merge(merge::Args),
    /// Print a bank, its document or any markdown file to PDF, diagrams drawn (needs Chromium).
    Pdf(pdf::Args),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Color {
    Auto,
    Always,
    Never,
}

/// Runs the command line and maps the outcome to qbank's exit codes.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.color {
        Color::Always => anstream::ColorChoice::Always.write_global(),
        Color::Never => anstream::ColorChoice::Never.write_global(),
        Color::Auto => {}
    }
    if let Some(n) = cli.jobs {
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global();
    }
    let code = match &cli.command {
        Command::Check(args) => check::run(args, &cli),
        Command::Lsp(args) => lsp::run(args),
        Command::Merge(args) => merge::run(args, &cli),
        Command::Build(args) => build::build(args, &cli),
        Command::Render(args) => build::render(args),
        Command::Gates(args) => gates::list(args),
        Command::Explain(args) => gates::explain(args),
        Command::Rubric(args) => rubric::run(args, cli.quiet),
        Command::Schema(args) => schema::run(args),
        Command::Packet(args) => packet::run(args, &cli),
        Command::Export(args) => packet::export(args),
        Command::Init(args) => init::init(args, cli.quiet),
        Command::New(args) => init::new(args, cli.quiet),
        Command::Stats(args) => stats::run(args),
        Command::Watch(args) => watch::run(args, &cli),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => completions::man(args),
        Command::Links(args) => links::run(args, &cli),
        Command::Import(args) => import::run(args, &cli),
        Command::Fix(args) => fix::run(args, cli.quiet),
        Command::Prompt(args) => prompt::run(args),
        Command::Repair(args) => repair::run(args, &cli),
        Command::Generate(args) => generate::run(args, &cli),
        Command::Compare(args) => compare::run(args),
        Command::Sources(args) => sources::run(args, &cli),
        Command::Pdf(args) => pdf::run_pdf(args, &cli),
    };
    if !stdout_closed() {
        let _ = std::io::stdout().flush();
    }
    ExitCode::from(code)
}

/// Set once standard output was found closed (a reader such as `head` went away).
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True once a write to standard output failed because the reader closed it: a command
/// that prints in a loop (`watch`) stops then.
pub(crate) fn stdout_closed() -> bool {
    STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed)
}

/// Writes `text` to standard output (colour stripped unless wanted). A closed pipe ends
/// the output quietly: the command goes on to return the exit code it has earned, so
/// `qbank check | head -1` under `set -o pipefail` still reports a failed gate.
pub(crate) fn print_out(text: &str) {
    print_bytes(text.as_bytes());
}

/// [`print_out`] for bytes.
pub(crate) fn print_bytes(bytes: &[u8]) {
    if stdout_closed() {
        return;
    }
    let mut out = anstream::stdout();
    if let Err(e) = out.write_all(bytes).and_then(|()| out.flush()) {
        // Any failure to write standard output ends it; a closed pipe is the common one.
        let _ = e;
        STDOUT_CLOSED.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Prints a warning on standard error, like cargo's.
pub(crate) fn warn(message: &str) {
    let _ = writeln!(anstream::stderr(), "warning: {message}");
}

/// Prints one diagnostic on standard error, like rustc.
pub(crate) fn eprint_diagnostic(d: &crate::diagnostic::Diagnostic) {
    let texts = std::collections::HashMap::new();
    let _ = writeln!(
        anstream::stderr(),
        "{}",
        crate::report::human::diagnostic(d, &texts, true)
    );
}

/// The width to fit tables to: `COLUMNS` when set, else the terminal's when standard
/// output is one; `None` (no limit) on a pipe.
pub(crate) fn terminal_width() -> Option<usize> {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|n| *n > 0)
    {
        return Some(n);
    }
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(terminal_size::Width(w), _)| usize::from(w))
}

/// Prints an error that stops a command (not tied to a bank file) and returns exit code 2.
pub(crate) fn fail(message: &str, help: Option<&str>) -> u8 {
    let mut err = anstream::stderr();
    let _ = writeln!(err, "error: {message}");
    if let Some(h) = help {
        let _ = writeln!(err, "  help: {h}");
    }
    2
}

/// The paths to work on: the ones given; else, inside a bank (the working folder or one
/// above holds bank.yaml), that bank; else `content/`.
pub(crate) fn paths_or_default(paths: &[PathBuf]) -> Vec<PathBuf> {
    if !paths.is_empty() {
        return paths.to_vec();
    }
    if !std::path::Path::new("content").exists()
        && let Some(bank) = enclosing_bank()
    {
        return vec![bank];
    }
    vec![PathBuf::from("content")]
}

/// The bank folder holding the working folder, as a relative path (`.`, `..`, ...).
fn enclosing_bank() -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    let mut rel = PathBuf::from(".");
    for dir in cwd.ancestors() {
        if dir.join("bank.yaml").is_file() {
            return Some(rel);
        }
        rel = if rel == std::path::Path::new(".") {
            PathBuf::from("..")
        } else {
            rel.join("..")
        };
    }
    None
}

/// Prints a refused or failed write and returns exit code 2.
pub(crate) fn fail_write(e: &crate::fsutil::WriteError) -> u8 {
    fail(&e.to_string(), e.help())
}

/// The settings every command that loads banks or documents takes (`crate::settings`).
#[derive(Debug, Clone, Default, clap::Args)]
pub(crate) struct SettingsArgs {
    /// The rubric every input is measured against: a shipped rubric's name
    /// (`performance-minimal`, `quality-engineering`) or a rubric YAML. Without it: a bank's
    /// own `rubric:`, then `rubric` in qbank.toml, then (documents) the shipped rubric
    /// whose gates the document's Validation Results name, then the built-in one.
    #[arg(long, value_name = "NAME|FILE")]
    pub rubric: Option<PathBuf>,
    /// Only these gates (numbers, or names of the rubric in force) and diagnostic codes
    /// count; replaces `select` in qbank.toml. Comma-separated or repeated.
    #[arg(long, value_name = "GATE|CODE", value_delimiter = ',')]
    pub select: Vec<String>,
    /// These gates or diagnostic codes do not count; added to `ignore` in qbank.toml.
    #[arg(long, value_name = "GATE|CODE", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Print the settings in force (qbank.toml found upward from PATH, and flags), each
    /// with where it came from, and exit.
    #[arg(long)]
    pub show_settings: bool,
    /// Do not read `.gitignore` and `.ignore` files: find banks and documents in every
    /// folder (hidden folders, `target` and `node_modules` are still skipped).
    #[arg(long)]
    pub no_ignore: bool,
}

impl SettingsArgs {
    pub(crate) fn flags(&self) -> crate::settings::Flags {
        crate::settings::Flags {
            rubric: self.rubric.clone(),
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            no_ignore: self.no_ignore,
            docs_url: None,
        }
    }

    /// The settings in force for `paths`; a problem is printed and exit code 2 returned.
    /// A path named on the command line that `exclude` leaves out is such a problem.
    pub(crate) fn resolve(&self, paths: &[PathBuf]) -> Result<crate::settings::Settings, u8> {
        self.resolve_with(self.flags(), paths)
    }

    /// [`resolve`](SettingsArgs::resolve) with `flags` that a command completed with its
    /// own (`check --docs-url`).
    pub(crate) fn resolve_with(
        &self,
        flags: crate::settings::Flags,
        paths: &[PathBuf],
    ) -> Result<crate::settings::Settings, u8> {
        let settings = crate::settings::Settings::resolve(&flags, paths).map_err(|d| {
            eprint_diagnostic(&d);
            2u8
        })?;
        let excluded = settings.named_but_excluded(paths);
        if !excluded.is_empty() && !self.show_settings {
            for d in &excluded {
                eprint_diagnostic(d);
            }
            return Err(2);
        }
        Ok(settings)
    }

    /// [`resolve`](SettingsArgs::resolve), or with `--show-settings` print the settings
    /// (with a command's `extra` rows) instead: `Ok(None)` then, the command's work done.
    pub(crate) fn resolve_or_show(
        &self,
        paths: &[PathBuf],
        extra: &[(&str, String, &str)],
    ) -> Result<Option<crate::settings::Settings>, u8> {
        let settings = self.resolve(paths)?;
        if self.show_settings {
            print_out(&settings.show(extra));
            return Ok(None);
        }
        Ok(Some(settings))
    }
}

/// The paths to work on (`content/` by default, or the bank that holds the working
/// folder when run from inside one) and the settings in force for them; `Err` is the
/// exit code after a printed problem, `Ok(None)` after `--show-settings` printed them.
pub(crate) fn resolve_settings(
    paths: &[PathBuf],
    args: &SettingsArgs,
    extra: &[(&str, String, &str)],
) -> Result<Option<(Vec<PathBuf>, crate::settings::Settings)>, u8> {
    let paths = paths_or_default(paths);
    Ok(args.resolve_or_show(&paths, extra)?.map(|s| (paths, s)))
}
