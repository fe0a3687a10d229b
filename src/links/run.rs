//! The link runner behind `qbank links`, `check --online` and `build --online`: collect
//! the links, check them with the cache in front, and hand back what was found. It takes
//! a plain [`RunOptions`]; the command line builds one and prints the results.

use std::path::PathBuf;
use std::time::Duration;

use crate::links::collect::{self, Found};
use crate::links::registry::{self, Registries};
use crate::links::verdict::{self, Filter};
use crate::links::{Checked, LiveResults, Options, cache, cite, release};
use crate::settings::Settings;

/// How a run checks links.
#[derive(Debug, Clone)]
pub(crate) struct RunOptions {
    /// The HTTP checker's limits.
    pub check: Options,
    /// Reuse cached results younger than this.
    pub max_cache_age: Duration,
    /// Neither read nor write the link cache.
    pub no_cache: bool,
    /// Send no request: what the cache does not hold is unchecked.
    pub offline: bool,
    pub filter: Filter,
    /// Where DOIs are resolved and their metadata asked for.
    pub registries: Registries,
}

/// Told how many URLs a check settles, then once per URL settled (a progress bar).
pub(crate) trait Progress: Sync {
    fn start(&self, _total: usize) {}
    fn tick(&self) {}
    fn finish(&self) {}
}

/// Checks `targets`, and asks the registries about `dois` (bare DOIs, and ISBNs as
/// [`cite::isbn_key`]s, asked of Open Library) and the latest releases of `tools`
/// (registry keys), with the cache in front.
/// Warnings about the cache are added to `warnings`.
pub(crate) fn check(
    targets: &[String],
    dois: &[String],
    tools: &[String],
    opts: &RunOptions,
    progress: &dyn Progress,
    warnings: &mut Vec<String>,
) -> Result<Checked, String> {
    let mut c = if opts.no_cache {
        cache::Cache::default()
    } else {
        let (c, w) = cache::load();
        warnings.extend(w);
        c
    };
    let mut unique = targets.to_vec();
    unique.sort();
    unique.dedup();
    progress.start(unique.len() + dois.len() + tools.len());
    let checked = crate::links::check_targets(
        &unique,
        &opts.check,
        &mut c,
        opts.max_cache_age,
        opts.offline,
        &|| progress.tick(),
    );
    let checked = checked.and_then(|mut checked| {
        if checked.unfinished == 0 {
            // ISBNs come as `isbn:` keys among the DOIs; Open Library is asked about them.
            let (isbns, dois): (Vec<String>, Vec<String>) =
                dois.iter().cloned().partition(|k| k.starts_with("isbn:"));
            let (citations, requests) = registry::lookup_dois(
                &dois,
                &opts.check,
                &opts.registries,
                &mut c,
                opts.max_cache_age,
                opts.offline,
                &|| progress.tick(),
            )?;
            checked.citations = citations;
            checked.requests += requests;
            let (books, requests) = registry::lookup_isbns(
                &isbns,
                &opts.check,
                &opts.registries,
                &mut c,
                opts.max_cache_age,
                opts.offline,
                &|| progress.tick(),
            )?;
            checked.citations.extend(books);
            checked.requests += requests;
            let (releases, requests) = registry::lookup_releases(
                tools,
                &opts.check,
                &opts.registries,
                &mut c,
                opts.max_cache_age,
                opts.offline,
                &|| progress.tick(),
            )?;
            checked.releases = releases;
            checked.requests += requests;
        }
        Ok(checked)
    });
    progress.finish();
    let checked = checked?;
    if !opts.offline && !opts.no_cache {
        warnings.extend(cache::save(&mut c, opts.max_cache_age));
    }
    Ok(checked)
}

/// What `check --online` gets from the runner.
#[derive(Default)]
pub(crate) struct Live {
    /// The outcome of every link of the banks, by URL requested and as written; empty
    /// when nothing could be verified.
    pub results: LiveResults,
    /// What the run checked, for one line on standard error; `None` when it checked
    /// nothing.
    pub summary: Option<String>,
    pub warnings: Vec<String>,
    /// `Some((settled, unfinished))` when Ctrl-C stopped the run: what finished is
    /// cached and nothing else should be done.
    pub interrupted: Option<(usize, usize)>,
}

/// Live results for gate 17: every link of the banks under `paths`.
pub(crate) fn live_results(
    paths: &[PathBuf],
    opts: &RunOptions,
    settings: &Settings,
    progress: &dyn Progress,
) -> Live {
    let mut found = collect::collect(paths, &opts.registries.doi_resolver, false, settings);
    found.links.retain(|l| !opts.filter.excluded(l));
    let targets: Vec<String> = found
        .links
        .iter()
        .filter_map(|l| l.target.clone().ok())
        .collect();
    let dois = dois_of(&found);
    let tools = tools_of(&found);
    let mut live = Live::default();
    let checked = match check(&targets, &dois, &tools, opts, progress, &mut live.warnings) {
        Ok(c) => c,
        Err(e) => {
            live.warnings.push(format!("links were not checked: {e}"));
            return live;
        }
    };
    if checked.unfinished > 0 {
        live.interrupted = Some((checked.requested.len(), checked.unfinished));
        return live;
    }
    // Each DOI's answer, verified or not, is said per entry.
    live.results.citations.clone_from(&checked.citations);
    live.results.releases.clone_from(&checked.releases);
    if checked.network_unavailable() {
        live.results.network_down = true;
        // Nothing was verified: gate 17 keeps its offline rule.
        live.warnings.push(format!(
            "{}; gate 17 uses its offline rule",
            verdict::network_message(&checked)
        ));
        return live;
    }
    for l in &found.links {
        let o = opts.filter.outcome_of(l, &checked);
        if let Ok(t) = &l.target {
            live.results.insert(t, o.clone());
            if let Some((at, cached)) = checked.answered_at.get(t) {
                live.results.insert_answered(t, *at, *cached);
                live.results.insert_answered(&l.written, *at, *cached);
            }
        }
        live.results.insert(&l.written, o);
    }
    let isbns = checked
        .citations
        .keys()
        .filter(|k| k.starts_with("isbn:"))
        .count();
    let dois = checked.citations.len() - isbns;
    let books = if isbns == 0 {
        String::new()
    } else {
        format!(
            ", {isbns} {}",
            crate::report::human::plural(isbns, "ISBN", "ISBNs")
        )
    };
    // Checked live: the URLs that got an HTTP answer, not every URL asked.
    let answered = checked
        .outcomes
        .values()
        .filter(|o| !o.is_unreachable() && o.is_live().is_some())
        .count();
    live.summary = Some(format!(
        "links: {answered} of {} checked live, {} {}{books} and {} {} looked up ({} from the cache, {} {} in {:.2}s)",
        checked.outcomes.len(),
        dois,
        crate::report::human::plural(dois, "DOI", "DOIs"),
        checked.releases.len(),
        crate::report::human::plural(checked.releases.len(), "tool", "tools"),
        checked.from_cache,
        checked.requests,
        crate::report::human::plural(checked.requests, "request", "requests"),
        checked.elapsed.as_secs_f64()
    ));
    live
}

/// Every DOI of the banks' literature and citations, and the [`cite::isbn_key`] of
/// every ISBN, once.
fn dois_of(found: &Found) -> Vec<String> {
    let mut dois: Vec<String> = found
        .banks
        .iter()
        .flat_map(|b| cite::dois(b).into_iter().chain(cite::isbns(b)))
        .collect();
    dois.sort();
    dois.dedup();
    dois
}

/// Every registry key of the banks' tools, once.
fn tools_of(found: &Found) -> Vec<String> {
    let mut keys: Vec<String> = found
        .banks
        .iter()
        .flat_map(|b| b.tools.iter().filter_map(release::registry_of))
        .collect();
    keys.sort();
    keys.dedup();
    keys
}

/// What `qbank links` gets from the runner.
pub(crate) struct Run {
    pub found: Found,
    pub checked: Checked,
    pub rows: Vec<verdict::Row>,
    /// The problems reading the inputs, then a finding per link that is not ok, sorted.
    pub diags: Vec<crate::diagnostic::Diagnostic>,
    pub tally: verdict::Tally,
    pub warnings: Vec<String>,
}

/// Checks every link of the banks and markdown documents under `paths`. An error is a
/// check that could not start.
pub(crate) fn run(
    paths: &[PathBuf],
    opts: &RunOptions,
    settings: &Settings,
    progress: &dyn Progress,
) -> Result<Run, String> {
    let mut found = collect::collect(paths, &opts.registries.doi_resolver, true, settings);
    let before = found.links.len();
    found.links.retain(|l| !opts.filter.excluded(l));
    let excluded = before - found.links.len();
    let targets: Vec<String> = found
        .links
        .iter()
        .filter_map(|l| l.target.clone().ok())
        .collect();
    let dois = dois_of(&found);
    let tools = tools_of(&found);
    let mut warnings = Vec::new();
    let checked = check(&targets, &dois, &tools, opts, progress, &mut warnings)?;
    let (rows, link_diags, mut tally) =
        verdict::verdicts(&found.links, &checked, &opts.filter, excluded);
    let mut diags = found.problems.clone();
    diags.extend(link_diags);
    if checked.unfinished == 0 {
        for bank in &found.banks {
            tally.citations += cite::identifier_count(bank);
            let cited = cite::diagnostics(bank, &|d| checked.citations.get(d).cloned());
            tally.count_citations(&cited);
            diags.extend(cited);
            let released = release::diagnostics(bank, &|k| checked.releases.get(k).cloned());
            tally.count_citations(&released);
            diags.extend(released);
        }
    }
    crate::diagnostic::sort(&mut diags);
    Ok(Run {
        found,
        checked,
        rows,
        diags,
        tally,
        warnings,
    })
}

impl Run {
    /// Rewrites partial archive URLs to the snapshots they resolved to (see
    /// [`collect::pin_archives`]).
    pub fn pin_archives(
        &self,
        opts: &RunOptions,
        warnings: &mut Vec<String>,
    ) -> Result<(usize, usize), crate::fsutil::WriteError> {
        collect::pin_archives(
            &self.found,
            |l| match opts.filter.outcome_of(l, &self.checked) {
                crate::links::Outcome::Ok { url: Some(to), .. } => Some(to),
                _ => None,
            },
            warnings,
        )
    }
}
