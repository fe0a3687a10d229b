//! Live link checking: collect links (`extract`), check them (`check`) with a cache
//! (`cache`) in front, and keep what was found (`status`). Format and behaviour:
//! docs/links.md.

// Offline: the cache, finding links, pinning archives, outcomes and verdicts.
pub(crate) mod cache;
pub mod cite;
pub(crate) mod collect;
pub(crate) mod extract;
pub(crate) mod pin;
pub mod release;
pub(crate) mod status;
pub(crate) mod verdict;
// Network: the HTTP checker and the registry lookups (their network parts need the
// `net` feature), and the runner that drives them.
pub(crate) mod check;
pub(crate) mod registry;
pub(crate) mod run;

use std::collections::HashMap;
#[cfg(feature = "net")]
use std::sync::Arc;
use std::time::{Duration, Instant};

pub(crate) use check::Options;
pub(crate) use status::{LiveResults, Outcome};

/// What one run found, per URL requested.
#[derive(Debug, Default)]
pub(crate) struct Checked {
    pub outcomes: HashMap<String, Outcome>,
    /// URLs answered from the cache.
    pub from_cache: usize,
    /// Requests sent (HEAD, GET and retries each count).
    pub requests: usize,
    /// The URLs requested in this run (not answered from the cache), sorted.
    pub requested: Vec<String>,
    pub elapsed: Duration,
    /// When each URL answered (from the cache: when the cached check was made), and
    /// whether the cache answered.
    pub answered_at: HashMap<String, (jiff::Timestamp, bool)>,
    /// URLs left unanswered because the run was interrupted (Ctrl-C); 0 when it was not.
    pub unfinished: usize,
    /// What the registries hold for each DOI of the banks' reference entries (bare).
    pub citations: HashMap<String, cite::Lookup>,
    /// The latest release of each tool, by registry key (`github:grafana/k6`).
    pub releases: HashMap<String, cite::Lookup<release::Release>>,
}

/// What a build without the `net` feature says when asked to reach the network.
#[cfg_attr(feature = "net", allow(dead_code))]
pub(crate) const WITHOUT_NET: &str = "this qbank was built without the `net` feature, so it cannot reach the network (rebuild with the default features); results already in the cache are used, and --offline uses only them";

/// Completes on Ctrl-C (SIGINT); never, where the signal cannot be listened for.
#[cfg(feature = "net")]
async fn interrupt() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Checks every URL in `targets` (duplicates once), answering from `cache` what was checked
/// less than `max_age` ago and recording the rest in it. `offline` sends no request:
/// what the cache does not hold comes back [`Outcome::Unchecked`]. `tick` is called once
/// per URL settled (for a progress bar).
pub(crate) fn check_targets(
    targets: &[String],
    opts: &Options,
    cache: &mut cache::Cache,
    max_age: Duration,
    offline: bool,
    tick: &(dyn Fn() + Sync),
) -> Result<Checked, String> {
    let start = Instant::now();
    let now = jiff::Timestamp::now();
    let mut checked = Checked::default();
    let mut todo = Vec::new();
    let mut unique: Vec<&String> = targets.iter().collect();
    unique.sort();
    unique.dedup();
    for t in unique {
        if let Some(o) = cache.fresh(t, now, max_age) {
            if let Some(at) = cache.checked_at(t) {
                checked.answered_at.insert(t.clone(), (at, true));
            }
            checked.outcomes.insert(t.clone(), o.clone());
            checked.from_cache += 1;
            tick();
        } else if offline {
            checked.outcomes.insert(t.clone(), Outcome::Unchecked);
            tick();
        } else {
            todo.push(t.clone());
        }
    }
    #[cfg(not(feature = "net"))]
    if !todo.is_empty() {
        let _ = opts;
        return Err(WITHOUT_NET.to_owned());
    }
    #[cfg(feature = "net")]
    if !todo.is_empty() {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| format!("could not start the async runtime: {e}"))?;
        let checker = Arc::new(check::HttpChecker::new(opts.clone())?);
        let (found, interrupted) = runtime.block_on(check::check_all(
            checker.clone(),
            todo.clone(),
            |_, _| tick(),
            interrupt(),
        ));
        checked.requests = checker.requests();
        if interrupted {
            checked.unfinished = todo.len() - found.len();
            // Requests still in flight (a name being resolved) are not waited for.
            runtime.shutdown_background();
        }
        let now = jiff::Timestamp::now();
        for (url, outcome) in found {
            cache.insert(&url, &outcome, now);
            checked.answered_at.insert(url.clone(), (now, false));
            checked.requested.push(url.clone());
            checked.outcomes.insert(url, outcome);
        }
    }
    checked.requested.sort();
    checked.elapsed = start.elapsed();
    Ok(checked)
}

impl Checked {
    /// True when every URL requested got no HTTP answer and they were spread over more
    /// than one host (`host:port`): the network, not the links, is down. One host that
    /// does not answer is that host's problem, reported per link.
    pub fn network_unavailable(&self) -> bool {
        let mut hosts: Vec<String> = self
            .requested
            .iter()
            .filter_map(|u| url::Url::parse(u).ok())
            .map(|u| {
                format!(
                    "{}:{}",
                    u.host_str().unwrap_or_default(),
                    u.port_or_known_default().unwrap_or(0)
                )
            })
            .collect();
        hosts.sort();
        hosts.dedup();
        hosts.len() > 1
            && self
                .requested
                .iter()
                .all(|u| self.outcomes.get(u).is_some_and(Outcome::is_unreachable))
    }
}
