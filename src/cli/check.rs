//! `qbank check`: the settings in force (qbank.toml and flags), then the pipeline
//! (`crate::run`) streaming its report to standard output.

use std::path::PathBuf;

use crate::gates;
use crate::load;
use crate::model::Day;
use crate::pipeline::{self, Options, Shard, cache::ResultCache};
use crate::report::baseline::Baseline;
use crate::report::{Report, Style};
use crate::settings::Settings;

pub use crate::report::Format;

/// How many stale baseline entries are shown one by one (the rest are counted).
const SHOWN_STALE: usize = 20;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
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
    #[command(flatten)]
    pub settings: super::SettingsArgs,
    /// Check every link live first and give gate 17 the results (default: its offline rule).
    #[arg(long)]
    pub online: bool,
    /// Check only shard K of N (a deterministic split of the banks by path, for a CI job
    /// matrix); `qbank merge` joins the shards' JSON reports.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Count only the findings this baseline file does not hold (a repository adopting
    /// qbank records today's findings once, then fails only on new ones). Entries that
    /// match no finding any more are reported, so the baseline shrinks.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write every current finding to the `--baseline` file (replacing it) instead of
    /// checking against it.
    #[arg(long, requires = "baseline")]
    pub update_baseline: bool,
    /// Leave out, without an error, named files that are neither a bank's file nor a
    /// question document (a README, a workflow's YAML): for pre-commit and other hooks that
    /// pass every changed file.
    #[arg(long)]
    pub filter_files: bool,
    /// Check only what git reports changed since REF (a branch, tag or commit; untracked
    /// files count): every bank with a changed file, whole (its bank-wide gates run), and
    /// each changed question document. For pull requests: `--changed-since origin/main`.
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
    /// Where qbank's docs/ folder is published: SARIF rules link to their page below it
    /// (`helpUri`). Replaces `[output] docs-url` in qbank.toml.
    #[arg(long, value_name = "URL")]
    pub docs_url: Option<String>,
    #[command(flatten)]
    pub link: super::links::LinkArgs,
}

pub(crate) fn parse_day(s: &str) -> Result<Day, String> {
    Day::parse(s)
}

/// The rows `--show-settings` adds for `check`: link settings, strict and format.
fn show_rows(settings: &Settings, args: &Args) -> Vec<(&'static str, String, &'static str)> {
    let list = |v: &[String]| {
        if v.is_empty() {
            "(none)".to_owned()
        } else {
            v.join(", ")
        }
    };
    let links = &settings.config.config.links;
    let mut link_exclude: Vec<String> = links.exclude.clone();
    link_exclude.extend(args.link.exclude.iter().map(|r| r.as_str().to_owned()));
    let (accept, accept_from) = match (&args.link.accept, &links.accept) {
        (Some(a), _) => (a.as_str().to_owned(), "--accept"),
        (None, Some(a)) => (a.clone(), "qbank.toml"),
        (None, None) => ("200..=299".to_owned(), "default"),
    };
    let link_exclude_from = match (links.exclude.is_empty(), args.link.exclude.is_empty()) {
        (true, true) => "default",
        (false, true) => "qbank.toml",
        (true, false) => "--exclude",
        (false, false) => "qbank.toml and --exclude",
    };
    vec![
        ("links.exclude", list(&link_exclude), link_exclude_from),
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
        {
            let (url, from) = settings.docs_url();
            (
                "docs-url",
                url.unwrap_or_else(|| "(none: reports carry no links to the docs)".to_owned()),
                from,
            )
        },
    ]
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

/// True for a named file `--filter-files` keeps: bank.yaml, a file inside a bank, or
/// markdown in which the importer recognises at least two questions (the rule for
/// markdown found in a folder).
fn is_input_file(path: &std::path::Path) -> bool {
    if !path.is_file() || path.file_name().is_some_and(|n| n == "bank.yaml") {
        return true;
    }
    if load::is_markdown(path) {
        return crate::import::import_file(path, None).recognition.questions >= 2;
    }
    bank_of_file(path).is_some()
}

pub fn run(args: &Args, cli: &super::Cli) -> u8 {
    let mut named = args.paths.clone();
    if args.filter_files {
        named.retain(|p| is_input_file(p));
        if named.is_empty() && !args.paths.is_empty() {
            if !cli.quiet {
                anstream::eprintln!(
                    "note: none of the {} files named is a bank's file or a question document",
                    args.paths.len()
                );
            }
            return 0;
        }
    }
    let given = super::paths_or_default(&named);
    let mut flags = args.settings.flags();
    flags.docs_url.clone_from(&args.docs_url);
    let settings = match args.settings.resolve_with(flags, &given) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if args.settings.show_settings {
        super::print_out(&settings.show(&show_rows(&settings, args)));
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
    if args.update_baseline
        && (!focus.is_empty() || args.shard.is_some() || args.changed_since.is_some())
    {
        super::eprint_diagnostic(
            &crate::diagnostic::Diagnostic::error(
                crate::codes::Code::BadBaseline,
                "--update-baseline records the whole run's findings; this run checks only part of them",
            )
            .help("run it without --shard or --changed-since, on the banks and folders CI checks, not on single files"),
        );
        return 2;
    }
    let baseline = match &args.baseline {
        Some(path) => match Baseline::open(path, args.update_baseline) {
            Ok(b) => b,
            Err(d) => {
                super::eprint_diagnostic(&d);
                return 2;
            }
        },
        None => Baseline::stamp_only(),
    };
    let baseline = std::sync::Mutex::new(baseline);
    let changed = match changed_since(args, &settings, &given, cli.quiet) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let link_args = args.link.with_config(&settings.config.config.links);
    let live = args
        .online
        .then(|| super::links::live_results(&paths, &link_args, cli.quiet, &settings));
    let links = live.as_ref().map(|l| l as &dyn gates::LinkStatus);
    let note = |p: &std::path::Path, note: &str| {
        anstream::eprintln!("note: {}: {note}", crate::diagnostic::display_path(p));
    };
    let cache = (!args.link.no_cache).then(|| {
        ResultCache::new(
            pipeline::cache::DIR,
            cache_key(args, &settings, &focus, &link_args).as_bytes(),
        )
    });
    // Diagram verdicts are content-addressed, so they outlive any one result entry.
    crate::mermaid::set_cache_dir(cache.is_some().then(|| PathBuf::from(crate::mermaid::DIR)));
    let opts = Options {
        as_of: args.as_of,
        links,
        on_note: Some(&note),
        focus,
        shard: args.shard,
        cache: cache.as_ref(),
        verbose: cli.verbose,
        strict: args.strict,
        baseline: Some(&baseline),
        changed: changed.as_ref(),
        ..settings.options(paths)
    };
    let mut format = args.format.formatter_with(
        Style {
            quiet: cli.quiet,
            width: super::terminal_width(),
            strict: args.strict,
        },
        settings.docs_url().0,
    );
    let totals = crate::run(&opts, format.as_mut(), &mut |text| super::print_out(text));
    if let Some(c) = &changed
        && totals.counts.banks == 0
        && !cli.quiet
    {
        anstream::eprintln!(
            "note: no bank or question document changed since {}; nothing to check",
            c.since
        );
    }
    for w in cache.iter().flat_map(ResultCache::take_warnings) {
        super::warn(&w);
    }
    let baseline = baseline
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let stale = baseline.stale();
    for d in stale.iter().take(SHOWN_STALE) {
        super::eprint_diagnostic(d);
    }
    if stale.len() > SHOWN_STALE {
        super::warn(&format!(
            "{} more baseline entries matched no finding (`--update-baseline` drops them all)",
            stale.len() - SHOWN_STALE
        ));
    }
    match baseline.write() {
        Ok(Some(n)) if !cli.quiet => anstream::eprintln!(
            "note: wrote {n} baseline {} ({} findings) to {}",
            crate::report::human::plural(n, "entry", "entries"),
            baseline.matched,
            crate::diagnostic::display_path(
                args.baseline.as_deref().unwrap_or(std::path::Path::new(""))
            )
        ),
        Ok(_) => {}
        Err(d) => {
            super::eprint_diagnostic(&d);
            return 2;
        }
    }
    totals.exit_code()
}

/// `--changed-since REF`: the files git reports changed, or `None` to check everything
/// (no flag, or the settings file in force changed, which may change every result).
/// A problem asking git is printed and exit code 2 returned.
fn changed_since(
    args: &Args,
    settings: &Settings,
    given: &[PathBuf],
    quiet: bool,
) -> Result<Option<pipeline::Changed>, u8> {
    let Some(rev) = &args.changed_since else {
        return Ok(None);
    };
    let first = given.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let changed = pipeline::Changed::from_git(&first, rev).map_err(|d| {
        super::eprint_diagnostic(&d);
        2u8
    })?;
    if let Some(config) = &settings.config.path
        && changed.contains(config)
    {
        if !quiet {
            anstream::eprintln!(
                "note: {} changed since {rev}: checking everything it applies to",
                crate::diagnostic::display_path(config)
            );
        }
        return Ok(None);
    }
    Ok(Some(changed))
}

/// Everything besides the banks' own files that a check's results depend on, for the
/// result cache's key: the settings file's text, the flags that change results, the
/// rubric's text, the as-of date in force (today's, when the gates read it) and `--online`.
fn cache_key(
    args: &Args,
    settings: &Settings,
    focus: &[PathBuf],
    links: &super::links::LinkArgs,
) -> String {
    let read = |p: &std::path::Path| std::fs::read_to_string(p).unwrap_or_default();
    let config = settings
        .config
        .path
        .as_ref()
        .map(|p| format!("{}\n{}", p.display(), read(p)))
        .unwrap_or_default();
    let rubric = settings
        .rubric
        .clone()
        .or_else(|| settings.config.rubric())
        .map(|p| format!("{}\n{}", p.display(), read(&p)))
        .unwrap_or_default();
    let as_of = args
        .as_of
        .map_or_else(|| format!("today {}", pipeline::today()), |d| d.to_string());
    format!(
        "config={config}\0rubric={rubric}\0select={:?}\0ignore={:?}\0strict={}\0focus={focus:?}\0as_of={as_of}\0online={}\0links={links:?}",
        args.settings.select, args.settings.ignore, args.strict, args.online
    )
}

/// Prints a collected report in `format` on standard output.
pub(crate) fn print(report: &Report, format: Format, quiet: bool) {
    let style = Style {
        quiet,
        width: super::terminal_width(),
        strict: report.strict,
    };
    super::print_out(&report.render(format, style));
}
