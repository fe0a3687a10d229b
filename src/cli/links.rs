//! `qbank links`: check every web link of the banks and markdown documents under PATH,
//! and the live check behind `check --online`.

use super::warn;
use crate::codes::Code;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use crate::diagnostic::{Diagnostic, Location};
use crate::links::registry::{self, Registries};
use crate::links::run::{self, Progress, RunOptions};
use crate::links::verdict::{Filter, Row, Tally, network_message};
use crate::links::{self, LiveResults, cache, extract};

/// How links are checked: shared by `links`, `check --online` and `build --online`.
#[derive(Debug, Clone, clap::Args)]
#[command(next_help_heading = "Link checking")]
pub(crate) struct LinkArgs {
    /// Requests in flight at once, over all hosts.
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub max_concurrency: usize,
    /// Requests in flight at once to one host.
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub host_concurrency: usize,
    /// Time limit for a whole request (e.g. 20s, 500ms; a bare number is seconds).
    #[arg(long, default_value = "20s", value_name = "DURATION", value_parser = cache::parse_age)]
    pub timeout: Duration,
    /// Time limit for opening a connection.
    #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = cache::parse_age)]
    pub connect_timeout: Duration,
    /// Further attempts after a timeout, a connection error, a 5xx or a 429.
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub max_retries: u32,
    /// The first wait before a retry; each retry doubles it, with jitter.
    #[arg(long, default_value = "500ms", value_name = "DURATION", value_parser = cache::parse_age)]
    pub retry_wait: Duration,
    /// Redirects followed before a link counts as broken.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub max_redirects: usize,
    /// The longest Retry-After honoured; a longer one leaves the link unverified.
    #[arg(long, default_value = "60s", value_name = "DURATION", value_parser = cache::parse_age)]
    pub max_retry_after: Duration,
    /// Request hosts that resolve to loopback, private, link-local or unspecified addresses.
    #[arg(long)]
    pub allow_private: bool,
    /// Reuse cached results younger than this (`0` checks everything again).
    #[arg(long, default_value = "1d", value_name = "DURATION", value_parser = cache::parse_age)]
    pub max_cache_age: Duration,
    /// Neither read nor write the caches: the link cache (.qbank/cache.json) and, for
    /// `check`, the result cache (.qbank/results/).
    #[arg(long)]
    pub no_cache: bool,
    /// Leave out links matching this regular expression (repeatable; matched against the
    /// link as written and the URL requested).
    #[arg(long, value_name = "REGEX", value_parser = parse_regex)]
    pub exclude: Vec<regex::Regex>,
    /// HTTP statuses that count as working, as codes and ranges: `200..=299,429`
    /// (default: any 2xx).
    #[arg(long, value_name = "CODES", value_parser = links::status::Accept::parse)]
    pub accept: Option<links::status::Accept>,
    /// Where DOIs are resolved (also QBANK_DOI_RESOLVER; for tests, docs/verify.md).
    #[arg(long, value_name = "URL", hide = true)]
    pub doi_resolver: Option<String>,
    /// Crossref's REST API, asked when the DOI resolver serves no metadata (also
    /// QBANK_CROSSREF_API; for tests, docs/verify.md).
    #[arg(long, value_name = "URL", hide = true)]
    pub crossref_api: Option<String>,
    /// Open Library, asked about books' ISBNs (also QBANK_OPENLIBRARY_API; for tests).
    #[arg(long, value_name = "URL", hide = true)]
    pub openlibrary_api: Option<String>,
    /// GitHub's REST API, for tools' latest releases (also QBANK_GITHUB_API; for tests).
    #[arg(long, value_name = "URL", hide = true)]
    pub github_api: Option<String>,
    /// PyPI (also QBANK_PYPI_API; for tests).
    #[arg(long, value_name = "URL", hide = true)]
    pub pypi_api: Option<String>,
    /// The npm registry (also QBANK_NPM_REGISTRY; for tests).
    #[arg(long, value_name = "URL", hide = true)]
    pub npm_registry: Option<String>,
    /// crates.io (also QBANK_CRATES_API; for tests).
    #[arg(long, value_name = "URL", hide = true)]
    pub crates_api: Option<String>,
    /// A contact address sent in the User-Agent (`mailto:`), as Crossref asks of tools
    /// that query it; also read from QBANK_CONTACT.
    #[arg(long, value_name = "EMAIL")]
    pub contact: Option<String>,
}

/// A service's base URL: the flag, else the environment variable, else the real one.
fn base(flag: &Option<String>, var: &str, default: &str) -> String {
    flag.clone()
        .or_else(|| std::env::var(var).ok().filter(|v| !v.trim().is_empty()))
        .unwrap_or_else(|| default.to_owned())
}

fn parse_regex(s: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(s).map_err(|e| e.to_string())
}

impl LinkArgs {
    /// These flags with qbank.toml's `[links]` settings: its `exclude` patterns are added,
    /// its `accept` used unless `--accept` is given. (The file was validated when read.)
    pub(crate) fn with_config(&self, c: &crate::config::LinkSettings) -> LinkArgs {
        let mut out = self.clone();
        out.exclude
            .extend(c.exclude.iter().filter_map(|r| regex::Regex::new(r).ok()));
        if out.accept.is_none() {
            out.accept = c
                .accept
                .as_deref()
                .and_then(|a| links::status::Accept::parse(a).ok());
        }
        out
    }

    /// The runner's options for these flags.
    pub(crate) fn run_options(&self, offline: bool) -> RunOptions {
        RunOptions {
            check: links::Options {
                concurrency: self.max_concurrency,
                host_concurrency: self.host_concurrency,
                connect_timeout: self.connect_timeout,
                timeout: self.timeout,
                retries: self.max_retries,
                backoff: self.retry_wait,
                max_redirects: self.max_redirects,
                max_retry_after: self.max_retry_after,
                allow_private: self.allow_private,
                contact: self
                    .contact
                    .clone()
                    .or_else(|| std::env::var("QBANK_CONTACT").ok()),
            },
            max_cache_age: self.max_cache_age,
            no_cache: self.no_cache,
            offline,
            filter: Filter {
                exclude: self.exclude.clone(),
                accept: self.accept.clone(),
            },
            registries: Registries {
                doi_resolver: base(
                    &self.doi_resolver,
                    "QBANK_DOI_RESOLVER",
                    extract::DOI_RESOLVER,
                ),
                crossref_api: base(
                    &self.crossref_api,
                    "QBANK_CROSSREF_API",
                    registry::CROSSREF_API,
                ),
                github_api: base(&self.github_api, "QBANK_GITHUB_API", registry::GITHUB_API),
                pypi_api: base(&self.pypi_api, "QBANK_PYPI_API", registry::PYPI_API),
                npm_registry: base(
                    &self.npm_registry,
                    "QBANK_NPM_REGISTRY",
                    registry::NPM_REGISTRY,
                ),
                crates_api: base(&self.crates_api, "QBANK_CRATES_API", registry::CRATES_API),
                openlibrary_api: base(
                    &self.openlibrary_api,
                    "QBANK_OPENLIBRARY_API",
                    registry::OPENLIBRARY_API,
                ),
            },
        }
    }
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Folders holding banks or markdown documents, bank.yaml files, or documents.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub link: LinkArgs,
    #[command(flatten)]
    pub settings: super::SettingsArgs,
    /// Send no request: report what the cache holds, and the rest as unchecked.
    #[arg(long)]
    pub offline: bool,
    /// Rewrite each partial archive URL (`/web/2025/<url>`) that the check followed to a
    /// snapshot as that snapshot's full URL (`/web/20250314093000/<url>`), in place.
    #[arg(long)]
    pub pin_archives: bool,
    /// Output format: diagnostics and a summary, JSON (docs/links.md), or a markdown report.
    #[arg(long, value_enum, default_value_t = LinksFormat::Human)]
    pub format: LinksFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum LinksFormat {
    Human,
    Json,
    Markdown,
}

/// A progress bar on standard error, when it is a terminal and not `--quiet`.
struct Bar {
    bar: std::sync::OnceLock<indicatif::ProgressBar>,
    shown: bool,
}

impl Bar {
    fn new(quiet: bool) -> Bar {
        Bar {
            bar: std::sync::OnceLock::new(),
            shown: std::io::stderr().is_terminal() && !quiet,
        }
    }
}

impl Progress for Bar {
    fn start(&self, total: usize) {
        if !self.shown {
            return;
        }
        let bar = indicatif::ProgressBar::new(total as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} checking links [{bar:30}] {pos}/{len} {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        let _ = self.bar.set(bar);
    }

    fn tick(&self) {
        if let Some(b) = self.bar.get() {
            b.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(b) = self.bar.get() {
            b.finish_and_clear();
        }
    }
}

/// Live results for gate 17 (`check --online`): every link of the banks under `paths`.
/// Ctrl-C ends the process (what finished is cached).
pub(crate) fn live_results(
    paths: &[PathBuf],
    args: &LinkArgs,
    quiet: bool,
    settings: &crate::settings::Settings,
) -> LiveResults {
    let live = run::live_results(paths, &args.run_options(false), settings, &Bar::new(quiet));
    for w in &live.warnings {
        warn(w);
    }
    if let Some((settled, unfinished)) = live.interrupted {
        warn(&format!(
            "interrupted: {settled} of {} URLs checked and cached, {unfinished} not checked",
            settled + unfinished,
        ));
        std::process::exit(INTERRUPTED.into());
    }
    if let Some(s) = &live.summary
        && !quiet
    {
        let _ = writeln!(anstream::stderr(), "{s}");
    }
    live.results
}

/// The exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it.
const INTERRUPTED: u8 = 130;

pub(crate) fn run(args: &Args, cli: &super::Cli) -> u8 {
    let (paths, settings) = match super::resolve_settings(&args.paths, &args.settings, &[]) {
        Ok(Some(s)) => s,
        Ok(None) => return 0,
        Err(code) => return code,
    };
    let link = args.link.with_config(&settings.config.config.links);
    let opts = link.run_options(args.offline);
    let mut r = match run::run(&paths, &opts, &settings, &Bar::new(cli.quiet)) {
        Ok(r) => r,
        Err(e) => return super::fail(&e, None),
    };
    for w in &r.warnings {
        warn(w);
    }
    if !cli.verbose {
        let skipped = |d: &Diagnostic| d.registered() == Some(Code::SkippedLink);
        r.found.problems.retain(|d| !skipped(d));
        r.diags.retain(|d| !skipped(d));
    }
    let text = match args.format {
        LinksFormat::Human => human(&r, cli.quiet),
        LinksFormat::Json => {
            let problems: Vec<&Diagnostic> = r.found.problems.iter().collect();
            let citations: Vec<&Diagnostic> = r
                .diags
                .iter()
                .filter(|d| {
                    matches!(
                        d.registered(),
                        Some(
                            Code::CitationMismatch
                                | Code::DoiNotFound
                                | Code::IsbnNotFound
                                | Code::UnverifiedCitation
                                | Code::StaleVersion
                                | Code::StaleTool
                        )
                    )
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "summary": r.tally,
                "links": r.rows,
                "citations": citations,
                "problems": problems,
            }))
            .unwrap_or_default();
            s.push('\n');
            s
        }
        LinksFormat::Markdown => markdown(&r.rows, &r.tally, &r.found.problems),
    };
    super::print_out(&text);
    if r.checked.unfinished > 0 {
        if args.pin_archives {
            warn("interrupted: no archive URL was pinned; run again to pin them");
        }
        return INTERRUPTED;
    }
    if args.pin_archives {
        let mut warnings = Vec::new();
        let pinned = r.pin_archives(&opts, &mut warnings);
        for w in &warnings {
            warn(w);
        }
        match pinned {
            Ok((n, files)) => {
                if !cli.quiet && args.format == LinksFormat::Human {
                    let plural = crate::report::human::plural;
                    super::print_out(&format!(
                        "pinned {n} archive {} to the snapshot {} resolved to, in {files} {}\n",
                        plural(n, "URL", "URLs"),
                        plural(n, "it", "they"),
                        plural(files, "file", "files")
                    ));
                }
            }
            Err(e) => return super::fail_write(&e),
        }
    }
    if r.found.problems.iter().any(Diagnostic::is_error) || r.tally.network_unavailable {
        2
    } else if r.tally.broken
        + r.tally.unreachable
        + r.tally.citation_mismatches
        + r.tally.dois_not_found
        > 0
    {
        1
    } else {
        0
    }
}

fn summary_line(t: &Tally, elapsed: Duration) -> String {
    let plural = crate::report::human::plural;
    let line = full_summary_line(t, elapsed);
    if t.not_checked == 0 {
        return line;
    }
    format!(
        "interrupted: {line}; {} {} not checked (the results so far are cached)",
        t.not_checked,
        plural(t.not_checked, "link", "links")
    )
}

fn full_summary_line(t: &Tally, elapsed: Duration) -> String {
    let plural = crate::report::human::plural;
    let mut cited = if t.citations == 0 {
        String::new()
    } else {
        format!(
            "; {} {} looked up: {} as registered, {} mismatched, {} not found, {} not verified",
            t.citations,
            plural(t.citations, "DOI or ISBN", "DOIs and ISBNs"),
            t.citations
                - t.citation_mismatches
                - t.dois_not_found
                - t.isbns_not_found
                - t.citations_unverified,
            t.citation_mismatches,
            t.dois_not_found + t.isbns_not_found,
            t.citations_unverified
        )
    };
    if t.stale_versions + t.stale_tools > 0 {
        cited.push_str(&format!(
            "; {} stale tool {}, {} stale {}",
            t.stale_versions,
            plural(t.stale_versions, "version", "versions"),
            t.stale_tools,
            plural(t.stale_tools, "tool", "tools")
        ));
    }
    format!(
        "{} {} ({} unique): {} ok, {} broken, {} archived, {} unverified, {} unreachable, {} excluded{cited}; {} from the cache, {} {} in {:.2}s",
        t.links,
        plural(t.links, "link", "links"),
        t.unique,
        t.ok,
        t.broken,
        t.archived,
        t.unverified,
        t.unreachable,
        t.excluded,
        t.from_cache,
        t.requests,
        plural(t.requests, "request", "requests"),
        elapsed.as_secs_f64()
    )
}

fn human(r: &run::Run, quiet: bool) -> String {
    let (diags, found, tally, checked) = (&r.diags, &r.found, &r.tally, &r.checked);
    let mut out = String::new();
    // One line index per file for all the findings (thousands for a long document).
    let mut index = crate::position::Index::new(&found.texts);
    for d in diags.iter() {
        if quiet && !d.is_error() {
            continue;
        }
        out.push_str(&crate::report::human::render(d, &mut index, true));
        out.push_str("\n\n");
    }
    if tally.network_unavailable {
        out.push_str(&crate::report::human::diagnostic(
            &Diagnostic::error(Code::NetworkUnavailable, network_message(checked)).help(
                "check the connection (DNS, proxy, firewall), or use --offline to report from the cache",
            ),
            &found.texts,
            true,
        ));
        out.push_str("\n\n");
    }
    if !quiet {
        out.push_str(&summary_line(tally, checked.elapsed));
        out.push('\n');
    }
    out
}

fn markdown(rows: &[Row], t: &Tally, problems: &[Diagnostic]) -> String {
    let cell = crate::table::cell;
    let mut s = String::from(
        "# Link check\n\n| ok | broken | unreachable | archived | unverified | excluded |\n|---|---|---|---|---|---|\n",
    );
    s.push_str(&format!(
        "| {} | {} | {} | {} | {} | {} |\n",
        t.ok, t.broken, t.unreachable, t.archived, t.unverified, t.excluded
    ));
    if t.citations > 0 {
        s.push_str(&format!(
            "\n{} DOIs and ISBNs looked up: {} mismatched, {} not found, {} not verified.\n",
            t.citations,
            t.citation_mismatches,
            t.dois_not_found + t.isbns_not_found,
            t.citations_unverified
        ));
    }
    if t.network_unavailable {
        s.push_str("\n**Network unavailable**: no request got an answer; nothing was verified.\n");
    }
    if t.not_checked > 0 {
        s.push_str(&format!(
            "\n**Interrupted**: {} links were not checked; the results so far are cached.\n",
            t.not_checked
        ));
    }
    let bad: Vec<&Row> = rows.iter().filter(|r| r.verdict != "ok").collect();
    if !bad.is_empty() {
        s.push_str("\n| Status | Link | Where | Detail |\n|---|---|---|---|\n");
        for r in bad {
            s.push_str(&format!(
                "| {} | {} | {} | {} |\n",
                r.verdict,
                cell(&r.written),
                cell(&r.location.display()),
                cell(&r.detail)
            ));
        }
    }
    if !problems.is_empty() {
        s.push_str("\n## Problems\n\n");
        for p in problems {
            let at = p
                .location
                .as_ref()
                .map(Location::display)
                .unwrap_or_default();
            s.push_str(&format!("- `{at}`: {} ({})\n", p.message, p.code));
        }
    }
    s
}
