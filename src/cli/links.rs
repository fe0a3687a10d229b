//! `qbank links`: check every web link of the banks and markdown documents under PATH,
//! and the live check behind `check --online`.

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
pub struct LinkArgs {
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
    /// Neither read nor write the cache (.qbank/cache.json).
    #[arg(long)]
    pub no_cache: bool,
    /// Where DOIs are resolved.
    #[arg(long, default_value = extract::DOI_RESOLVER, value_name = "URL", hide = true)]
    pub doi_resolver: String,
}

impl LinkArgs {
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
pub struct Args {
    /// Folders holding banks or markdown documents, bank.yaml files, or documents.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub link: LinkArgs,
    /// Send no request: report what the cache holds, and the rest as unchecked.
    #[arg(long)]
    pub offline: bool,
    /// Rewrite each partial archive URL (`/web/2025/<url>`) that the check followed to a
    /// snapshot as that snapshot's full URL (`/web/20250314093000/<url>`), in place.
    #[arg(long)]
    pub pin_archives: bool,
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
}

/// Markdown documents below a folder, sorted.
fn markdown_below(dir: &Path) -> Vec<PathBuf> {
    load::walk(dir)
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && load::is_markdown(e.path()))
        .map(|e| e.into_path())
        .collect()
}

fn collect(paths: &[PathBuf], doi_resolver: &str, with_markdown: bool) -> Found {
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
                        "unsupported",
                        "reading markdown documents is not available yet",
                    )
                    .at(Location::file(d))
                    .help("pass a bank folder (with bank.yaml) instead"),
                ),
            }
        }
        docs.extend(md);
    }
    banks.sort();
    banks.dedup();
    docs.sort();
    docs.dedup();
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
        found.archive_hosts = crate::model::Rubric::default_rubric().archive_hosts;
    }
    found
}

/// Writes the snapshot URLs that partial archive URLs resolved to back into their files.
/// Returns (pinned, files written), or the first file that could not be written.
fn pin_archives(found: &Found, checked: &links::Checked) -> Result<(usize, usize), String> {
    use crate::links::pin::{self, Pin};
    let mut pins: Vec<Pin> = Vec::new();
    for l in &found.links {
        let resolved = match outcome_of(l, checked).as_ref() {
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
            super::write_atomic(file, out.as_bytes())
                .map_err(|e| format!("could not write {}: {e}", file.display()))?;
            pinned += pins.len() - missed.len();
            files += 1;
        }
    }
    Ok((pinned, files))
}

fn warn(message: &str) {
    let _ = writeln!(anstream::stderr(), "warning: {message}");
}

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
    if let Err(e) = super::write_atomic(Path::new(cache::PATH), c.to_json().as_bytes()) {
        warn(&format!(
            "could not write the link cache {}: {e}",
            cache::PATH
        ));
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

/// The outcome for a link: what its URL got, or why it has none.
fn outcome_of<'a>(link: &Link, checked: &'a links::Checked) -> std::borrow::Cow<'a, Outcome> {
    match &link.target {
        Ok(t) => checked.outcomes.get(t).map_or(
            std::borrow::Cow::Owned(Outcome::Unchecked),
            std::borrow::Cow::Borrowed,
        ),
        Err(reason) => std::borrow::Cow::Owned(Outcome::Invalid {
            reason: reason.clone(),
        }),
    }
}

/// Live results for gate 17 (`check --online`): every link of the banks under `paths`.
pub(crate) fn live_results(paths: &[PathBuf], args: &LinkArgs, quiet: bool) -> LiveResults {
    let found = collect(paths, &args.doi_resolver, false);
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
    for l in &found.links {
        let o = outcome_of(l, &checked).into_owned();
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

#[derive(Default)]
struct Tally {
    ok: usize,
    broken: usize,
    archived: usize,
    unverified: usize,
}

pub fn run(args: &Args, cli: &super::Cli) -> u8 {
    let paths = super::paths_or_default(&args.paths);
    let found = collect(&paths, &args.link.doi_resolver, true);
    let targets: Vec<String> = found
        .links
        .iter()
        .filter_map(|l| l.target.clone().ok())
        .collect();
    let checked = match run_check(&targets, &args.link, args.offline, cli.quiet) {
        Ok(c) => c,
        Err(e) => return super::fail(&e, None),
    };
    let mut diags: Vec<Diagnostic> = found.problems.clone();
    let mut tally = Tally::default();
    for l in &found.links {
        let o = outcome_of(l, &checked);
        let at = l.location.clone();
        match o.is_live() {
            Some(true) => tally.ok += 1,
            Some(false) => {
                let archive = l.archived.as_ref().and_then(|a| checked.outcomes.get(a));
                if let (Some(a), Some(ao)) = (&l.archived, archive)
                    && ao.is_live() != Some(false)
                {
                    tally.archived += 1;
                    diags.push(
                        Diagnostic::new(
                            crate::diagnostic::Severity::Note,
                            "archived-link",
                            format!("{} ({}), archived at {a}", l.written, o.describe()),
                        )
                        .at(at),
                    );
                } else {
                    tally.broken += 1;
                    diags.push(
                        Diagnostic::error("dead-link", format!("{}: {}", o.describe(), l.written))
                            .at(at)
                            .help(match l.kind {
                                extract::Kind::Doi => "check the DOI at https://doi.org/",
                                extract::Kind::Archived => {
                                    "point `archived:` at a working Wayback copy"
                                }
                                _ => "fix or replace the link, or add an `archived:` Wayback copy",
                            }),
                    );
                }
            }
            None => {
                tally.unverified += 1;
                diags.push(
                    Diagnostic::warning(
                        "unverified-link",
                        format!("{}: {}", o.describe(), l.written),
                    )
                    .at(at),
                );
            }
        }
    }
    crate::diagnostic::sort(&mut diags);
    let mut out = anstream::stdout();
    for d in &diags {
        if cli.quiet && !d.is_error() {
            continue;
        }
        let _ = writeln!(
            out,
            "{}\n",
            crate::report::human::diagnostic(d, &found.texts, true)
        );
    }
    if !cli.quiet {
        let plural = crate::report::human::plural;
        let _ = writeln!(
            out,
            "{} {} ({} unique): {} ok, {} broken, {} archived, {} unverified; {} from the cache, {} {} in {:.2}s",
            found.links.len(),
            plural(found.links.len(), "link", "links"),
            checked.outcomes.len(),
            tally.ok,
            tally.broken,
            tally.archived,
            tally.unverified,
            checked.from_cache,
            checked.requests,
            plural(checked.requests, "request", "requests"),
            checked.elapsed.as_secs_f64()
        );
    }
    if args.pin_archives {
        match pin_archives(&found, &checked) {
            Ok((n, files)) => {
                if !cli.quiet {
                    let plural = crate::report::human::plural;
                    let _ = writeln!(
                        out,
                        "pinned {n} archive {} to the snapshot {} resolved to, in {files} {}",
                        plural(n, "URL", "URLs"),
                        plural(n, "it", "they"),
                        plural(files, "file", "files")
                    );
                }
            }
            Err(e) => return super::fail(&e, None),
        }
    }
    if found.problems.iter().any(Diagnostic::is_error) {
        2
    } else if tally.broken > 0 {
        1
    } else {
        0
    }
}
