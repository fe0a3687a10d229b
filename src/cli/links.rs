//! `qbank links`: check every web link of the banks and markdown documents under PATH,
//! and the live check behind `check --online`.

use crate::codes::Code;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::diagnostic::{Diagnostic, Location};
use crate::links::extract::{self, Link};
use crate::links::{self, LiveResults, Outcome, cache};
use crate::load::{self, Input};

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
    /// Where DOIs are resolved.
    #[arg(long, default_value = extract::DOI_RESOLVER, value_name = "URL", hide = true)]
    pub doi_resolver: String,
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

    /// True when `--exclude` leaves `link` out.
    fn excluded(&self, link: &Link) -> bool {
        self.exclude.iter().any(|re| {
            re.is_match(&link.written) || link.target.as_ref().is_ok_and(|t| re.is_match(t))
        })
    }

    fn options(&self) -> links::Options {
        links::Options {
            concurrency: self.max_concurrency,
            host_concurrency: self.host_concurrency,
            connect_timeout: self.connect_timeout,
            timeout: self.timeout,
            retries: self.max_retries,
            backoff: self.retry_wait,
            max_redirects: self.max_redirects,
            max_retry_after: self.max_retry_after,
            allow_private: self.allow_private,
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

/// The links found under the paths, the texts they were read from, and what could not be
/// read.
#[derive(Default)]
struct Found {
    links: Vec<Link>,
    texts: HashMap<PathBuf, Arc<str>>,
    problems: Vec<Diagnostic>,
    /// Archive hosts of every bank's rubric (gate 17's `archive_hosts`).
    archive_hosts: Vec<String>,
    /// The bank folders read; `--pin-archives` writes only inside them.
    roots: Vec<PathBuf>,
}

/// Markdown documents below a folder, sorted.
fn markdown_below(dir: &Path) -> Vec<PathBuf> {
    load::walk(dir)
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && load::is_markdown(e.path()))
        .map(|e| e.into_path())
        .collect()
}

fn collect(
    paths: &[PathBuf],
    doi_resolver: &str,
    with_markdown: bool,
    settings: &crate::settings::Settings,
) -> Found {
    let mut found = Found::default();
    let mut docs = Vec::new();
    let mut banks = Vec::new();
    for p in paths {
        let md = if with_markdown && p.is_dir() {
            markdown_below(p)
        } else {
            Vec::new()
        };
        let (inputs, diags) = load::discover(std::slice::from_ref(p));
        // A folder of documents without banks is fine here.
        let only_docs = !md.is_empty();
        found.problems.extend(
            diags
                .into_iter()
                .filter(|d| !(only_docs && d.code == "no-banks")),
        );
        for i in inputs {
            match i {
                Input::Bank(b) => banks.push(b),
                Input::Document(d) if with_markdown => docs.push(d),
                Input::Document(d) => found.problems.push(
                    Diagnostic::error(
                        Code::Unsupported,
                        "reading markdown documents is not available yet",
                    )
                    .at(Location::file(d))
                    .help("pass a bank folder (with bank.yaml) instead"),
                ),
            }
        }
        docs.extend(md);
    }
    // qbank.toml's `exclude` applies here as in every command.
    banks.retain(|b| !settings.excludes(b) && !settings.excludes(&b.join("bank.yaml")));
    docs.retain(|d| !settings.excludes(d));
    found.problems.retain(|d| {
        d.location
            .as_ref()
            .is_none_or(|l| !settings.excludes(&l.file))
    });
    banks.sort();
    banks.dedup();
    docs.sort();
    docs.dedup();
    found.roots.clone_from(&banks);
    for root in &banks {
        let loaded = load::load_bank(root);
        for f in loaded.sources.iter() {
            found.texts.insert(f.path.clone(), f.text.clone());
        }
        match &loaded.bank {
            Some(bank) => {
                found.links.extend(extract::from_bank(bank, doi_resolver));
                for h in &bank.rubric.archive_hosts {
                    if !found.archive_hosts.contains(h) {
                        found.archive_hosts.push(h.clone());
                    }
                }
            }
            None => found.problems.extend(loaded.diagnostics.iter().cloned()),
        }
    }
    for d in &docs {
        match load::read_text(d) {
            Ok(text) => {
                found.links.extend(extract::from_markdown(d, &text));
                found.texts.insert(d.clone(), text);
            }
            Err(diag) => found.problems.push(diag),
        }
    }
    if found.archive_hosts.is_empty() {
        found.archive_hosts = crate::model::Rubric::default_shared().archive_hosts.clone();
    }
    found
}

/// Writes the snapshot URLs that partial archive URLs resolved to back into their files.
/// Returns (pinned, files written), or the first file that could not be written.
fn pin_archives(
    found: &Found,
    checked: &links::Checked,
    args: &LinkArgs,
) -> Result<(usize, usize), crate::fsutil::WriteError> {
    use crate::links::pin::{self, Pin};
    let mut pins: Vec<Pin> = Vec::new();
    for l in &found.links {
        let resolved = match outcome_of(l, checked, args) {
            Outcome::Ok { url: Some(to), .. } => Some(to.clone()),
            _ => None,
        };
        if let Some(to) = pin::pin_for(&l.written, resolved.as_deref(), &found.archive_hosts) {
            pins.push(Pin {
                file: l.location.file.clone(),
                line: l.location.line,
                col: l.location.col,
                from: l.written.clone(),
                to,
            });
        }
    }
    let mut by_file: std::collections::BTreeMap<&Path, Vec<&Pin>> = Default::default();
    for p in &pins {
        by_file.entry(p.file.as_path()).or_default().push(p);
    }
    let (mut pinned, mut files) = (0, 0);
    for (file, pins) in by_file {
        let Some(text) = found.texts.get(file) else {
            continue;
        };
        let (out, missed) = pin::apply(text, &pins);
        for m in &missed {
            warn(&format!(
                "{}:{}: `{}` was not found where it was read; not pinned",
                crate::diagnostic::display_path(&m.file),
                m.line,
                m.from
            ));
        }
        if out != **text {
            // A bank file inside its bank's folder; a markdown document in its own.
            match found.roots.iter().find(|r| file.starts_with(r)) {
                Some(root) => {
                    let rel = file.strip_prefix(root).unwrap_or(file);
                    crate::fsutil::write_in(root, rel, out.as_bytes())?
                }
                None => crate::fsutil::write_named(file, out.as_bytes())?,
            };
            pinned += pins.len() - missed.len();
            files += 1;
        }
    }
    Ok((pinned, files))
}

use super::warn;

/// Reads the cache, or starts an empty one; a corrupt cache is reported and ignored.
fn read_cache(args: &LinkArgs) -> cache::Cache {
    if args.no_cache {
        return cache::Cache::default();
    }
    let path = Path::new(cache::PATH);
    match std::fs::read_to_string(path) {
        Ok(text) => cache::Cache::parse(&text).unwrap_or_else(|e| {
            warn(&format!(
                "ignoring the link cache {}: {e}; it will be rewritten",
                cache::PATH
            ));
            cache::Cache::default()
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => cache::Cache::default(),
        Err(e) => {
            warn(&format!("ignoring the link cache {}: {e}", cache::PATH));
            cache::Cache::default()
        }
    }
}

fn write_cache(args: &LinkArgs, c: &mut cache::Cache) {
    if args.no_cache {
        return;
    }
    c.prune(jiff::Timestamp::now(), cache::KEEP.max(args.max_cache_age));
    if let Err(e) = crate::fsutil::write_in(
        Path::new("."),
        Path::new(cache::PATH),
        c.to_json().as_bytes(),
    ) {
        warn(&format!("the link cache was not saved: {e}"));
    }
}

/// Checks `targets` with the cache in front, showing a progress bar on a terminal.
fn run_check(
    targets: &[String],
    args: &LinkArgs,
    offline: bool,
    quiet: bool,
) -> Result<links::Checked, String> {
    let mut c = read_cache(args);
    let mut unique = targets.to_vec();
    unique.sort();
    unique.dedup();
    let bar = (std::io::stderr().is_terminal() && !quiet).then(|| {
        let bar = indicatif::ProgressBar::new(unique.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} checking links [{bar:30}] {pos}/{len} {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    });
    let tick = || {
        if let Some(b) = &bar {
            b.inc(1);
        }
    };
    let checked = links::check_targets(
        &unique,
        &args.options(),
        &mut c,
        args.max_cache_age,
        offline,
        &tick,
    );
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let checked = checked?;
    if !offline {
        write_cache(args, &mut c);
    }
    Ok(checked)
}

/// The outcome for a link: what its URL got (under `--accept`), or why it has none.
fn outcome_of(link: &Link, checked: &links::Checked, args: &LinkArgs) -> Outcome {
    match &link.target {
        Ok(t) => outcome_of_url(t, checked, args),
        Err(reason) => Outcome::Invalid {
            reason: reason.clone(),
        },
    }
}

fn outcome_of_url(url: &str, checked: &links::Checked, args: &LinkArgs) -> Outcome {
    let o = checked
        .outcomes
        .get(url)
        .cloned()
        .unwrap_or(Outcome::Unchecked);
    match &args.accept {
        Some(a) => o.accepted(a),
        None => o,
    }
}

/// The one message for a run in which no request got an HTTP answer.
fn network_message(checked: &links::Checked) -> String {
    format!(
        "network unavailable: none of the {} {} requested got an answer",
        checked.requested.len(),
        crate::report::human::plural(checked.requested.len(), "URL", "URLs")
    )
}

/// Live results for gate 17 (`check --online`): every link of the banks under `paths`.
pub(crate) fn live_results(
    paths: &[PathBuf],
    args: &LinkArgs,
    quiet: bool,
    settings: &crate::settings::Settings,
) -> LiveResults {
    let mut found = collect(paths, &args.doi_resolver, false, settings);
    found.links.retain(|l| !args.excluded(l));
    let targets: Vec<String> = found
        .links
        .iter()
        .filter_map(|l| l.target.clone().ok())
        .collect();
    let mut live = LiveResults::default();
    let checked = match run_check(&targets, args, false, quiet) {
        Ok(c) => c,
        Err(e) => {
            warn(&format!("links were not checked: {e}"));
            return live;
        }
    };
    if checked.unfinished > 0 {
        // Ctrl-C: what finished is in the cache (run_check wrote it); nothing else is done.
        warn(&format!(
            "interrupted: {} of {} URLs checked and cached, {} not checked",
            checked.requested.len(),
            checked.requested.len() + checked.unfinished,
            checked.unfinished
        ));
        std::process::exit(INTERRUPTED.into());
    }
    if checked.network_unavailable() {
        // Nothing was verified: gate 17 keeps its offline rule.
        warn(&format!(
            "{}; gate 17 uses its offline rule",
            network_message(&checked)
        ));
        return live;
    }
    for l in &found.links {
        let o = outcome_of(l, &checked, args);
        if let Ok(t) = &l.target {
            live.insert(t, o.clone());
        }
        live.insert(&l.written, o);
    }
    if !quiet {
        let _ = writeln!(
            anstream::stderr(),
            "links: {} checked live ({} from the cache, {} {} in {:.2}s)",
            checked.outcomes.len(),
            checked.from_cache,
            checked.requests,
            crate::report::human::plural(checked.requests, "request", "requests"),
            checked.elapsed.as_secs_f64()
        );
    }
    live
}

#[derive(Default, serde::Serialize)]
struct Tally {
    links: usize,
    unique: usize,
    ok: usize,
    broken: usize,
    unreachable: usize,
    archived: usize,
    unverified: usize,
    excluded: usize,
    from_cache: usize,
    requests: usize,
    network_unavailable: bool,
    /// Links whose URL got no answer because the run was interrupted (Ctrl-C).
    #[serde(skip_serializing_if = "is_zero")]
    not_checked: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The exit code of a run stopped by Ctrl-C (128 + SIGINT), as shells report it.
const INTERRUPTED: u8 = 130;

/// One link's verdict, as `--format json` and `markdown` list it.
#[derive(serde::Serialize)]
struct Row {
    verdict: &'static str,
    #[serde(flatten)]
    location: Location,
    written: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
    kind: extract::Kind,
    outcome: Outcome,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    archived: Option<String>,
}

pub(crate) fn run(args: &Args, cli: &super::Cli) -> u8 {
    let (paths, settings) = match super::resolve_settings(&args.paths, &args.settings, &[]) {
        Ok(Some(s)) => s,
        Ok(None) => return 0,
        Err(code) => return code,
    };
    let link = args.link.with_config(&settings.config.config.links);
    let mut found = collect(&paths, &link.doi_resolver, true, &settings);
    if !cli.verbose {
        found
            .problems
            .retain(|d| d.registered() != Some(Code::SkippedLink));
    }
    let before = found.links.len();
    found.links.retain(|l| !link.excluded(l));
    let targets: Vec<String> = found
        .links
        .iter()
        .filter_map(|l| l.target.clone().ok())
        .collect();
    let checked = match run_check(&targets, &link, args.offline, cli.quiet) {
        Ok(c) => c,
        Err(e) => return super::fail(&e, None),
    };
    let mut tally = Tally {
        links: found.links.len(),
        unique: checked.outcomes.len() + checked.unfinished,
        excluded: before - found.links.len(),
        from_cache: checked.from_cache,
        requests: checked.requests,
        network_unavailable: checked.network_unavailable(),
        ..Tally::default()
    };
    let interrupted = checked.unfinished > 0;
    let mut diags: Vec<Diagnostic> = found.problems.clone();
    let mut rows = Vec::new();
    for l in &found.links {
        if interrupted
            && l.target
                .as_ref()
                .is_ok_and(|t| !checked.outcomes.contains_key(t))
        {
            // Interrupted before its answer: neither a verdict nor a finding.
            tally.not_checked += 1;
            continue;
        }
        let o = outcome_of(l, &checked, &link);
        let at = l.location.clone();
        let mut archived_to = None;
        let verdict = match o.is_live() {
            Some(true) => {
                tally.ok += 1;
                "ok"
            }
            _ if tally.network_unavailable && o.is_unreachable() => {
                // Said once below instead of once per link.
                tally.unverified += 1;
                "unverified"
            }
            Some(false) => {
                let archive = l
                    .archived
                    .as_ref()
                    .map(|a| (a, outcome_of_url(a, &checked, &link)));
                if let Some((a, ao)) = archive
                    && checked.outcomes.contains_key(a)
                    && ao.is_live() != Some(false)
                {
                    tally.archived += 1;
                    archived_to = Some(a.clone());
                    diags.push(
                        Diagnostic::new(
                            crate::diagnostic::Severity::Note,
                            Code::ArchivedLink,
                            format!("{} ({}), archived at {a}", l.written, o.describe()),
                        )
                        .at(at.clone()),
                    );
                    "archived"
                } else {
                    let unreachable = o.is_unreachable();
                    if unreachable {
                        tally.unreachable += 1;
                    } else {
                        tally.broken += 1;
                    }
                    diags.push(
                        Diagnostic::error(
                            if unreachable {
                                Code::UnreachableLink
                            } else {
                                Code::DeadLink
                            },
                            format!("{}: {}", o.describe(), l.written),
                        )
                        .at(at.clone())
                        .help(match l.kind {
                            _ if unreachable => {
                                "no HTTP answer: check the host name, or try again later"
                            }
                            extract::Kind::Doi => "check the DOI at https://doi.org/",
                            extract::Kind::Archived => {
                                "point `archived:` at a working Wayback copy"
                            }
                            _ => "fix or replace the link, or add an `archived:` Wayback copy",
                        }),
                    );
                    if unreachable { "unreachable" } else { "broken" }
                }
            }
            None => {
                tally.unverified += 1;
                diags.push(
                    Diagnostic::warning(
                        Code::UnverifiedLink,
                        format!("{}: {}", o.describe(), l.written),
                    )
                    .at(at.clone()),
                );
                "unverified"
            }
        };
        rows.push(Row {
            verdict,
            location: at,
            written: l.written.clone(),
            url: l.target.clone().ok(),
            kind: l.kind,
            detail: o.describe(),
            outcome: o,
            archived: archived_to,
        });
    }
    crate::diagnostic::sort(&mut diags);
    rows.sort_by(|a, b| (&a.location, &a.written).cmp(&(&b.location, &b.written)));
    let text = match args.format {
        LinksFormat::Human => human(&diags, &found, &tally, &checked, cli.quiet),
        LinksFormat::Json => {
            let problems: Vec<&Diagnostic> = found.problems.iter().collect();
            let mut s = serde_json::to_string_pretty(&serde_json::json!({
                "summary": tally,
                "links": rows,
                "problems": problems,
            }))
            .unwrap_or_default();
            s.push('\n');
            s
        }
        LinksFormat::Markdown => markdown(&rows, &tally, &found.problems),
    };
    super::print_out(&text);
    if interrupted {
        if args.pin_archives {
            warn("interrupted: no archive URL was pinned; run again to pin them");
        }
        return INTERRUPTED;
    }
    if args.pin_archives {
        match pin_archives(&found, &checked, &args.link) {
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
    if found.problems.iter().any(Diagnostic::is_error) || tally.network_unavailable {
        2
    } else if tally.broken + tally.unreachable > 0 {
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
    format!(
        "{} {} ({} unique): {} ok, {} broken, {} archived, {} unverified, {} unreachable, {} excluded; {} from the cache, {} {} in {:.2}s",
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

fn human(
    diags: &[Diagnostic],
    found: &Found,
    tally: &Tally,
    checked: &links::Checked,
    quiet: bool,
) -> String {
    let mut out = String::new();
    // One line index per file for all the findings (thousands for a long document).
    let mut index = crate::position::Index::new(&found.texts);
    for d in diags {
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
