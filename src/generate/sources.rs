//! Real sources to cite (`qbank sources "QUERY"`, `generate --sources`): recent works
//! from Crossref's search API (`/works?query=...&filter=from-pub-date:YYYY&rows=N`) and
//! tools' latest releases from the registries `links` reads (GitHub, PyPI, npm,
//! crates.io). Every candidate is the registry's own record (title, authors, date, DOI,
//! type, language), so a model offered the list can meet recency and diversity without
//! inventing a source. Searches are cached in `.qbank/sources.json`, releases in the
//! link cache; requests go one at a time through the link checker (its user agent with
//! the contact address, its address guard, retries and `Retry-After`).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::links::cite::Lookup;
use crate::links::release::Release;
use crate::links::run::RunOptions;

/// Where searches are cached, relative to the working directory.
pub(crate) const CACHE_PATH: &str = ".qbank/sources.json";
const CACHE_VERSION: u32 = 1;

/// The most of a search answer read: whole records (with their reference lists) for at
/// most 50 rows. Crossref's `select` would make them smaller, but `language` is not
/// among the fields it can select.
const LIMIT: usize = 16 << 20;

/// The pause between two searches.
#[cfg(feature = "net")]
const PAUSE: Duration = Duration::from_millis(250);

/// One work as its registry records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Work {
    pub doi: String,
    pub title: String,
    /// "Given Family" (or an organisation's name), in order; the first ten.
    pub authors: Vec<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as precise as the registry says.
    pub date: String,
    /// Crossref's type (`journal-article`, `proceedings-article`, `report`, ...).
    pub registry_type: String,
    /// The document's `type:` for it, where one fits without doubt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
}

/// A document's source `type` for a Crossref type, where the two name the same thing.
fn kind_of(registry_type: &str) -> Option<&'static str> {
    Some(match registry_type {
        "journal-article" => "journal",
        "proceedings-article" => "conference",
        "book" | "monograph" | "edited-book" | "reference-book" | "book-chapter" => "book",
        "report" => "report",
        "standard" => "standard",
        "dissertation" => "thesis",
        _ => return None,
    })
}

/// The first string of a Crossref array (or a string), tags and spaces tidied.
fn first_text(v: &serde_json::Value) -> Option<String> {
    let s = match v {
        serde_json::Value::String(s) => s.as_str(),
        serde_json::Value::Array(a) => a.first()?.as_str()?,
        _ => return None,
    };
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    (!out.is_empty()).then_some(out)
}

/// `YYYY[-MM[-DD]]` from a Crossref date (`{"date-parts": [[2024, 5, 1]]}`).
fn date_of(v: &serde_json::Value) -> Option<(i32, String)> {
    let parts = v.get("date-parts")?.get(0)?.as_array()?;
    let n: Vec<i64> = parts.iter().map_while(serde_json::Value::as_i64).collect();
    let year = i32::try_from(*n.first()?).ok().filter(|y| *y > 0)?;
    let text = match n.as_slice() {
        [_, m, d, ..] if (1..=12).contains(m) && (1..=31).contains(d) => {
            format!("{year:04}-{m:02}-{d:02}")
        }
        [_, m, ..] if (1..=12).contains(m) => format!("{year:04}-{m:02}"),
        _ => format!("{year:04}"),
    };
    Some((year, text))
}

/// The works of a Crossref `work-list` answer (`{"message": {"items": [...]}}`) that
/// carry a DOI, a title and a date; others are left out (nothing to cite them by).
pub(crate) fn parse_works(v: &serde_json::Value) -> Option<Vec<Work>> {
    let items = v.get("message")?.get("items")?.as_array()?;
    Some(
        items
            .iter()
            .filter_map(|it| {
                let doi = it.get("DOI")?.as_str()?.trim().to_lowercase();
                let title = it.get("title").and_then(first_text)?;
                // `issued` (the earlier of print and online publication) and `published`:
                // the more precise where one extends the other, else the earlier.
                let date = ["issued", "published"]
                    .iter()
                    .filter_map(|k| it.get(*k).and_then(date_of).map(|(_, d)| d))
                    .reduce(|a, b| {
                        if a.starts_with(&b) || b.starts_with(&a) {
                            if a.len() >= b.len() { a } else { b }
                        } else {
                            a.min(b)
                        }
                    })?;
                let authors = it
                    .get("author")
                    .and_then(|a| a.as_array())
                    .map(|a| {
                        a.iter()
                            .filter_map(|p| {
                                let s = |k: &str| p.get(k).and_then(first_text);
                                match (s("given"), s("family"), s("name")) {
                                    (Some(g), Some(f), _) => Some(format!("{g} {f}")),
                                    (None, Some(f), _) => Some(f),
                                    (_, None, n) => n,
                                }
                            })
                            .take(10)
                            .collect()
                    })
                    .unwrap_or_default();
                let registry_type = it
                    .get("type")
                    .and_then(|t| t.as_str())
                    .unwrap_or("other")
                    .to_owned();
                Some(Work {
                    kind: kind_of(&registry_type).map(str::to_owned),
                    doi,
                    title,
                    authors,
                    date,
                    registry_type,
                    language: it.get("language").and_then(first_text),
                    container: it.get("container-title").and_then(first_text),
                })
            })
            .collect(),
    )
}

/// The search URL for `query`: works published on `since` or later, at most `rows`.
pub(crate) fn search_url(base: &str, query: &str, rows: u32, since: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "{}/works?query={}&rows={rows}&filter=from-pub-date:{since}",
        base.trim_end_matches('/'),
        enc(query.trim()),
    )
}

/// The first day of the recency window: `years` before `as_of` (`YYYY-MM-DD`).
pub(crate) fn window_start(as_of: jiff::civil::Date, years: u32) -> String {
    as_of
        .checked_sub(jiff::Span::new().years(i64::from(years)))
        .unwrap_or(as_of)
        .to_string()
}

/// One search per cluster: the bank's clusters, else the rubric's suggested ones, each
/// with the rubric's subject (the words that place it in the field).
pub(crate) fn cluster_queries(
    rubric: &crate::model::Rubric,
    bank: Option<&crate::model::Bank>,
) -> Vec<String> {
    let subject = rubric
        .generator
        .as_ref()
        .map(|g| g.subject.trim().to_owned())
        .unwrap_or_default();
    let titles: Vec<String> = match bank {
        Some(b) if !b.meta.clusters.is_empty() => b
            .meta
            .clusters
            .iter()
            .map(|c| c.title.value.clone())
            .collect(),
        _ => rubric
            .clusters
            .suggested
            .iter()
            .map(|c| c.title.clone())
            .collect(),
    };
    titles
        .into_iter()
        .map(|t| {
            if subject.is_empty() || subject.to_lowercase().contains(&t.to_lowercase()) {
                t
            } else {
                format!("{t} {subject}")
            }
        })
        .collect()
}

/// What to look for.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    /// One search per query (a cluster's title, say).
    pub queries: Vec<String>,
    pub rows: u32,
    /// Works published on this day (`YYYY-MM-DD`) or later, or in this year (`YYYY`).
    pub since: String,
    /// Tools whose latest release to look up: `github:OWNER/REPO`, `pypi:NAME`, ...
    pub tools: Vec<String>,
}

/// What one search found.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Search {
    pub query: String,
    /// The works found, or why none could be asked for.
    #[serde(flatten)]
    pub result: SearchResult,
    pub from_cache: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SearchResult {
    Works(Vec<Work>),
    Failed(String),
}

/// A tool's latest release, or why it is not known.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct ToolRelease {
    pub tool: String,
    #[serde(flatten)]
    pub lookup: Lookup<Release>,
}

/// Everything found.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Found {
    pub version: u32,
    /// Works published on this day or later (`YYYY-MM-DD`, or a year).
    pub since: String,
    pub searches: Vec<Search>,
    pub releases: Vec<ToolRelease>,
    /// Requests sent (the cache answered the rest).
    pub requests: usize,
}

impl Found {
    /// True when nothing at all could be looked up (every search and lookup failed).
    pub fn nothing_answered(&self) -> bool {
        self.searches
            .iter()
            .all(|s| matches!(s.result, SearchResult::Failed(_)))
            && self
                .releases
                .iter()
                .all(|r| matches!(r.lookup, Lookup::Failed { .. }))
    }

    /// Why searches failed, each once.
    pub fn failures(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .searches
            .iter()
            .filter_map(|s| match &s.result {
                SearchResult::Failed(why) => Some(format!("\"{}\": {why}", s.query)),
                SearchResult::Works(_) => None,
            })
            .chain(self.releases.iter().filter_map(|r| match &r.lookup {
                Lookup::Failed { reason } => Some(format!("{}: {reason}", r.tool)),
                _ => None,
            }))
            .collect();
        out.dedup();
        out
    }

    /// Each work once (by DOI), with the query that found it first.
    fn unique_works(&self) -> Vec<(&str, Vec<&Work>)> {
        let mut seen = std::collections::HashSet::new();
        self.searches
            .iter()
            .filter_map(|s| match &s.result {
                SearchResult::Works(w) => Some((
                    s.query.as_str(),
                    w.iter().filter(|w| seen.insert(w.doi.clone())).collect(),
                )),
                SearchResult::Failed(_) => None,
            })
            .collect()
    }
}

/// One work as a line: title, authors, date, type, language, DOI link.
fn work_line(w: &Work) -> String {
    let authors = match w.authors.len() {
        0 => "no author registered".to_owned(),
        1..=3 => w.authors.join(", "),
        _ => format!("{} et al.", w.authors[..3].join(", ")),
    };
    let mut facts = vec![w.registry_type.clone()];
    if let Some(k) = &w.kind {
        facts[0] = format!("{} (type: {k})", w.registry_type);
    }
    if let Some(l) = &w.language {
        facts.push(format!("language {l}"));
    }
    if let Some(c) = &w.container {
        facts.push(format!("in {c}"));
    }
    format!(
        "- {}. {authors} ({}). {}. https://doi.org/{}",
        w.title.trim_end_matches('.'),
        w.date,
        facts.join(", "),
        w.doi
    )
}

fn release_line(r: &ToolRelease) -> Option<String> {
    match &r.lookup {
        Lookup::Found { record } => Some(format!(
            "- {}: latest release {}{}",
            r.tool,
            record.version,
            record
                .date
                .as_deref()
                .map_or_else(String::new, |d| format!(", published {d}"))
        )),
        _ => None,
    }
}

/// What the loop offers a model: the prompt section, and the DOIs it lists (to count
/// which of them a round cites).
#[derive(Debug, Clone, Default)]
pub(crate) struct Offer {
    pub text: String,
    /// Lower case, each once.
    pub dois: Vec<String>,
}

impl Offer {
    /// How many of the offered works `document` cites (names their DOI anywhere).
    pub fn cited_in(&self, document: &str) -> usize {
        let doc = document.to_lowercase();
        self.dois
            .iter()
            .filter(|d| doc.contains(d.as_str()))
            .count()
    }
}

/// The prompt section that offers the list to a model; `None` when nothing was found.
pub(crate) fn offer(found: &Found) -> Option<Offer> {
    let groups = found.unique_works();
    let releases: Vec<String> = found.releases.iter().filter_map(release_line).collect();
    if groups.iter().all(|(_, w)| w.is_empty()) && releases.is_empty() {
        return None;
    }
    let mut out = format!(
        "## Verified sources to cite from\n\nEach work below is registered under the DOI shown, with the date its registry gives (published {} or later); each release is the one its registry lists as the latest. Cite from this list where a work supports the point you make, with its real title, authors, date and DOI and the `type` shown, so that recency and diversity are met without inventing a source. Never cite an entry for a claim it does not support, and never change its details.\n",
        found.since
    );
    for (query, works) in groups.iter().filter(|(_, w)| !w.is_empty()) {
        out.push_str(&format!("\n### {query}\n\n"));
        for w in works {
            out.push_str(&work_line(w));
            out.push('\n');
        }
    }
    if !releases.is_empty() {
        out.push_str("\n### Tool releases\n\n");
        for r in releases {
            out.push_str(&r);
            out.push('\n');
        }
    }
    Some(Offer {
        text: out,
        dois: groups
            .iter()
            .flat_map(|(_, w)| w.iter().map(|w| w.doi.clone()))
            .collect(),
    })
}

/// The list as text for a terminal.
pub(crate) fn human(found: &Found) -> String {
    let mut out = String::new();
    for s in &found.searches {
        match &s.result {
            SearchResult::Works(w) => {
                out.push_str(&format!(
                    "\"{}\": {} work{} published {} or later{}\n",
                    s.query,
                    w.len(),
                    if w.len() == 1 { "" } else { "s" },
                    found.since,
                    if s.from_cache {
                        " (from the cache)"
                    } else {
                        ""
                    }
                ));
                for w in w {
                    out.push_str(&work_line(w));
                    out.push('\n');
                }
            }
            SearchResult::Failed(why) => {
                out.push_str(&format!("\"{}\": not searched: {why}\n", s.query));
            }
        }
    }
    for r in &found.releases {
        match (&r.lookup, release_line(r)) {
            (_, Some(line)) => out.push_str(&format!("{line}\n")),
            (Lookup::Failed { reason }, None) => {
                out.push_str(&format!("- {}: not looked up: {reason}\n", r.tool));
            }
            _ => out.push_str(&format!("- {}: the registry has no such entry\n", r.tool)),
        }
    }
    out
}

/// The search cache file.
#[derive(Debug, Default, Serialize, Deserialize)]
struct SearchCache {
    version: u32,
    /// Keyed by the search URL.
    searches: BTreeMap<String, Cached>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Cached {
    checked: String,
    works: Vec<Work>,
}

fn load_cache() -> (SearchCache, Option<String>) {
    match std::fs::read_to_string(CACHE_PATH) {
        Ok(text) => match serde_json::from_str::<SearchCache>(&text) {
            Ok(c) if c.version == CACHE_VERSION => (c, None),
            Ok(c) => (
                SearchCache::default(),
                Some(format!(
                    "ignoring {CACHE_PATH}: format version {} is not {CACHE_VERSION}",
                    c.version
                )),
            ),
            Err(e) => (
                SearchCache::default(),
                Some(format!("ignoring {CACHE_PATH}: {e}; it will be rewritten")),
            ),
        },
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (SearchCache::default(), None),
        Err(e) => (
            SearchCache::default(),
            Some(format!("ignoring {CACHE_PATH}: {e}")),
        ),
    }
}

fn young(checked: &str, now: jiff::Timestamp, max_age: Duration) -> bool {
    checked.parse::<jiff::Timestamp>().is_ok_and(|t| {
        let age = now.duration_since(t);
        jiff::SignedDuration::try_from(max_age).is_ok_and(|m| !age.is_negative() && age < m)
    })
}

/// Looks up `req` with `opts` (the link runner's limits, registries, cache age and
/// offline switch). Warnings (about the caches) go to `warnings`. An `Err` is a failure
/// to run at all (the runtime, the HTTP client).
pub(crate) fn find(
    req: &Request,
    opts: &RunOptions,
    warnings: &mut Vec<String>,
) -> Result<Found, String> {
    let now = jiff::Timestamp::now();
    let (mut cache, w) = if opts.no_cache {
        (SearchCache::default(), None)
    } else {
        load_cache()
    };
    warnings.extend(w);
    cache.version = CACHE_VERSION;
    let mut searches = Vec::new();
    let mut todo = Vec::new();
    for q in &req.queries {
        let url = search_url(&opts.registries.crossref_api, q, req.rows, &req.since);
        let result = match cache.searches.get(&url) {
            Some(c) if young(&c.checked, now, opts.max_cache_age) => {
                SearchResult::Works(c.works.clone())
            }
            _ if opts.offline => SearchResult::Failed("not in the cache (offline)".to_owned()),
            _ => {
                todo.push((searches.len(), q.clone(), url));
                // Its place, filled in when the answer comes.
                SearchResult::Failed(String::new())
            }
        };
        searches.push(Search {
            query: q.clone(),
            from_cache: matches!(result, SearchResult::Works(_)),
            result,
        });
    }
    let (answers, mut requests) = ask(&todo, opts)?;
    // After the requests: an entry stamped later than `now` would look as if from the
    // future, and be pruned.
    let after = jiff::Timestamp::now();
    let stamp = jiff::Timestamp::from_second(after.as_second())
        .unwrap_or(after)
        .to_string();
    for ((i, _, url), result) in todo.iter().zip(answers) {
        if let SearchResult::Works(w) = &result {
            cache.searches.insert(
                url.clone(),
                Cached {
                    checked: stamp.clone(),
                    works: w.clone(),
                },
            );
        }
        searches[*i].result = result;
    }
    if !todo.is_empty() && !opts.no_cache {
        cache.searches.retain(|_, c| {
            young(
                &c.checked,
                after,
                crate::links::cache::KEEP.max(opts.max_cache_age),
            )
        });
        let mut body = serde_json::to_string_pretty(&cache).unwrap_or_default();
        body.push('\n');
        if let Err(e) = crate::fsutil::write_in(
            std::path::Path::new("."),
            std::path::Path::new(CACHE_PATH),
            body.as_bytes(),
        ) {
            warnings.push(format!("the search cache was not saved: {e}"));
        }
    }
    let mut releases = Vec::new();
    if !req.tools.is_empty() {
        let checked = crate::links::run::check(&[], &[], &req.tools, opts, &NoProgress, warnings)?;
        requests += checked.requests;
        for t in &req.tools {
            releases.push(ToolRelease {
                tool: t.clone(),
                lookup: checked.releases.get(t).cloned().unwrap_or(Lookup::Failed {
                    reason: "not looked up".to_owned(),
                }),
            });
        }
    }
    Ok(Found {
        version: 1,
        since: req.since.clone(),
        searches,
        releases,
        requests,
    })
}

struct NoProgress;
impl crate::links::run::Progress for NoProgress {}

/// Sends each search, one at a time, and reads the answers.
#[cfg(feature = "net")]
fn ask(
    todo: &[(usize, String, String)],
    opts: &RunOptions,
) -> Result<(Vec<SearchResult>, usize), String> {
    if todo.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("could not start the async runtime: {e}"))?;
    let checker = crate::links::check::HttpChecker::new(opts.check.clone())?;
    let results = runtime.block_on(async {
        let mut out = Vec::new();
        for (n, (_, _, url)) in todo.iter().enumerate() {
            // One search at a time, at most four a second: under the rate Crossref asks
            // of the public pool.
            if n > 0 {
                tokio::time::sleep(PAUSE).await;
            }
            let r = match checker.fetch(url, "application/json", None, LIMIT).await {
                Ok(f) if (200..300).contains(&f.code) && !f.truncated => {
                    match serde_json::from_slice::<serde_json::Value>(&f.body)
                        .ok()
                        .as_ref()
                        .and_then(parse_works)
                    {
                        Some(w) => SearchResult::Works(w),
                        None => SearchResult::Failed(
                            "the answer is not a Crossref list of works".to_owned(),
                        ),
                    }
                }
                Ok(f) => SearchResult::Failed(format!("the registry answered {}", f.code)),
                Err(o) => SearchResult::Failed(o.describe()),
            };
            out.push(r);
        }
        out
    });
    Ok((results, checker.requests()))
}

/// Without the `net` feature nothing is asked.
#[cfg(not(feature = "net"))]
fn ask(
    todo: &[(usize, String, String)],
    _: &RunOptions,
) -> Result<(Vec<SearchResult>, usize), String> {
    if todo.is_empty() {
        Ok((Vec::new(), 0))
    } else {
        Err(crate::links::WITHOUT_NET.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer() -> serde_json::Value {
        serde_json::json!({
            "status": "ok", "message-type": "work-list", "message-version": "1.0.0",
            "message": {"total-results": 4, "items-per-page": 4, "items": [
                {"DOI": "10.1145/3600006.3613138", "title": ["A <i>tail</i>  latency study"],
                 "author": [{"given": "Ada", "family": "Lovelace", "sequence": "first"},
                            {"name": "The Perf Group"}],
                 "published": {"date-parts": [[2024, 5, 2]]}, "issued": {"date-parts": [[2024]]},
                 "type": "proceedings-article", "language": "en",
                 "container-title": ["Proceedings of a symposium"]},
                {"DOI": "10.5555/undated", "title": ["No date"], "type": "report"},
                {"DOI": "10.5555/two-dates", "title": ["Online first"], "type": "journal-article",
                 "issued": {"date-parts": [[2023, 11, 30]]}, "published": {"date-parts": [[2024, 2]]}},
                {"DOI": "10.5555/Posted", "title": ["A preprint"], "issued": {"date-parts": [[2025, 1]]},
                 "type": "posted-content"}
            ]}
        })
    }

    #[test]
    fn a_crossref_list_gives_each_dated_work_with_its_registered_details() {
        let w = parse_works(&answer()).expect("a work list");
        assert_eq!(w.len(), 3, "the undated work is left out");
        assert_eq!(w[1].date, "2023-11-30", "of two dates, the earlier");
        let w = [&w[0], &w[2]];
        assert_eq!(w[0].title, "A tail latency study");
        assert_eq!(w[0].authors, ["Ada Lovelace", "The Perf Group"]);
        assert_eq!(
            (w[0].date.as_str(), w[0].kind.as_deref()),
            ("2024-05-02", Some("conference"))
        );
        assert_eq!(
            (w[1].doi.as_str(), w[1].date.as_str()),
            ("10.5555/posted", "2025-01")
        );
        assert_eq!(
            w[1].kind, None,
            "a preprint has no document type for certain"
        );
        assert!(parse_works(&serde_json::json!({"message": {"DOI": "x"}})).is_none());
    }

    #[test]
    fn the_window_starts_years_before_the_as_of_date() {
        let d = jiff::civil::date(2026, 12, 7);
        assert_eq!(window_start(d, 3), "2023-12-07");
        assert_eq!(
            window_start(jiff::civil::date(2028, 2, 29), 1),
            "2027-02-28"
        );
    }

    #[test]
    fn the_search_url_asks_for_recent_works() {
        let u = search_url(
            "https://api.crossref.org/",
            "tail latency & p99",
            5,
            "2023-12-07",
        );
        assert_eq!(
            u,
            "https://api.crossref.org/works?query=tail+latency+%26+p99&rows=5&filter=from-pub-date:2023-12-07"
        );
    }

    #[test]
    fn the_offer_lists_works_once_with_dates_and_releases() {
        let works = parse_works(&answer()).expect("works");
        let found = Found {
            version: 1,
            since: "2023-12-07".to_owned(),
            searches: vec![
                Search {
                    query: "Latency".to_owned(),
                    result: SearchResult::Works(works.clone()),
                    from_cache: false,
                },
                Search {
                    query: "Caching".to_owned(),
                    result: SearchResult::Works(works),
                    from_cache: true,
                },
                Search {
                    query: "Databases".to_owned(),
                    result: SearchResult::Failed("offline".to_owned()),
                    from_cache: false,
                },
            ],
            releases: vec![ToolRelease {
                tool: "github:grafana/k6".to_owned(),
                lookup: Lookup::Found {
                    record: Release {
                        version: "v1.0.0".to_owned(),
                        date: Some("2025-05-06".to_owned()),
                    },
                },
            }],
            requests: 1,
        };
        let offered = offer(&found).expect("a list");
        assert_eq!(
            offered.dois,
            [
                "10.1145/3600006.3613138",
                "10.5555/two-dates",
                "10.5555/posted"
            ]
        );
        assert_eq!(
            offered.cited_in("see <https://doi.org/10.5555/Posted> and 10.1145/other"),
            1
        );
        let o = offered.text;
        assert!(o.contains("- A tail latency study. Ada Lovelace, The Perf Group (2024-05-02). proceedings-article (type: conference), language en, in Proceedings of a symposium. https://doi.org/10.1145/3600006.3613138"), "{o}");
        assert_eq!(
            o.matches("https://doi.org/10.1145/3600006.3613138").count(),
            1
        );
        assert!(
            !o.contains("### Caching") && !o.contains("Databases"),
            "{o}"
        );
        assert!(o.contains("- github:grafana/k6: latest release v1.0.0, published 2025-05-06"));
        assert!(!found.nothing_answered());
        assert_eq!(found.failures(), ["\"Databases\": offline"]);
        let empty = Found {
            searches: vec![],
            releases: vec![],
            ..found
        };
        assert!(offer(&empty).is_none());
    }
}
