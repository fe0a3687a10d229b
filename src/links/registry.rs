//! Asking registries what they hold (network): a DOI's metadata by content negotiation
//! at the DOI resolver (CSL JSON, served for Crossref, DataCite and mEDRA DOIs), with
//! Crossref's REST API as the fallback; a book's ISBN at Open Library's Books API. Requests go through [`HttpChecker`], so they
//! keep its per-host limits, retries, `Retry-After` and address guard. What is sent and
//! why: docs/verify.md.

// Built without `net`, what only the network part uses stays unused.
#![cfg_attr(not(feature = "net"), allow(dead_code))]

use std::collections::HashMap;
#[cfg(feature = "net")]
use std::sync::Arc;
use std::time::Duration;

use crate::links::cache::Cache;
#[cfg(feature = "net")]
use crate::links::check::HttpChecker;
use crate::links::check::Options;
use crate::links::cite::Lookup;
#[cfg(feature = "net")]
use crate::links::cite::Registered;
#[cfg(feature = "net")]
use crate::links::release;
use crate::links::release::Release;
#[cfg(feature = "net")]
use crate::links::{Outcome, extract};

/// Crossref's REST API, the fallback for DOI metadata.
pub(crate) const CROSSREF_API: &str = "https://api.crossref.org/";

/// The media type of CSL JSON, asked of the DOI resolver.
const CSL_JSON: &str = "application/vnd.citationstyles.csl+json";

/// The most of an answer read (a record with its reference list can be large).
const LIMIT: usize = 4 << 20;

/// GitHub's REST API, for a tool's latest release.
pub(crate) const GITHUB_API: &str = "https://api.github.com/";
/// PyPI's JSON API.
pub(crate) const PYPI_API: &str = "https://pypi.org/";
/// The npm registry.
pub(crate) const NPM_REGISTRY: &str = "https://registry.npmjs.org/";
/// crates.io's API.
pub(crate) const CRATES_API: &str = "https://crates.io/";

/// Open Library, for books by ISBN.
pub(crate) const OPENLIBRARY_API: &str = "https://openlibrary.org/";

/// Where registries are asked; the real services by default, a local server in tests.
#[derive(Debug, Clone)]
pub(crate) struct Registries {
    pub doi_resolver: String,
    pub crossref_api: String,
    pub github_api: String,
    pub pypi_api: String,
    pub npm_registry: String,
    pub crates_api: String,
    pub openlibrary_api: String,
}

/// The cache key of a DOI's record.
pub(crate) fn key(doi: &str) -> String {
    format!("doi:{doi}")
}

#[cfg(feature = "net")]
/// Parses a JSON body into a record, if it is one.
fn record(body: &[u8]) -> Option<Registered> {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .as_ref()
        .and_then(Registered::from_json)
}

#[cfg(feature = "net")]
fn failed<T>(o: &Outcome) -> Lookup<T> {
    Lookup::Failed {
        reason: o.describe(),
    }
}

#[cfg(feature = "net")]
/// What the registries say about `doi` (bare).
async fn lookup_doi(c: &HttpChecker, r: &Registries, doi: &str) -> Lookup {
    let url = match extract::doi_target(doi, &r.doi_resolver) {
        Ok(u) => u,
        Err(reason) => return Lookup::Failed { reason },
    };
    match c.fetch(&url, CSL_JSON, None, LIMIT).await {
        Ok(f) if f.code == 404 && f.redirects == 0 => return Lookup::NotFound,
        Ok(f) if (200..300).contains(&f.code) && !f.truncated => {
            if let Some(record) = record(&f.body) {
                return Lookup::Found { record };
            }
        }
        // The resolver answered, without CSL JSON: ask Crossref.
        Ok(_) => {}
        Err(o) => return failed(&o),
    }
    let api = format!(
        "{}/works/{}",
        r.crossref_api.trim_end_matches('/'),
        url::form_urlencoded::byte_serialize(doi.as_bytes()).collect::<String>()
    );
    match c.fetch(&api, "application/json", None, LIMIT).await {
        Ok(f) if (200..300).contains(&f.code) && !f.truncated => match record(&f.body) {
            Some(record) => Lookup::Found { record },
            None => Lookup::Failed {
                reason: "the registry's answer holds no title or author".to_owned(),
            },
        },
        Ok(f) if f.code == 404 => Lookup::Failed {
            reason: "the DOI resolves, but neither its registry nor Crossref serves its metadata"
                .to_owned(),
        },
        Ok(f) => Lookup::Failed {
            reason: Outcome::Dead { code: f.code }.describe(),
        },
        Err(o) => failed(&o),
    }
}

#[cfg(feature = "net")]
/// What Open Library holds for the ISBN of `key` (`isbn:` and ISBN-13 digits), from its
/// Books API: an empty answer is an ISBN it does not know.
async fn lookup_isbn(c: &HttpChecker, r: &Registries, key: &str) -> Lookup {
    let isbn = key.trim_start_matches("isbn:");
    let url = join(
        &r.openlibrary_api,
        &format!("api/books?bibkeys=ISBN:{isbn}&format=json&jscmd=data"),
    );
    match c.fetch(&url, "application/json", None, LIMIT).await {
        Ok(f) if (200..300).contains(&f.code) && !f.truncated => {
            match serde_json::from_slice::<serde_json::Value>(&f.body) {
                Ok(v) => Registered::from_openlibrary(&v),
                Err(_) => Lookup::Failed {
                    reason: "Open Library's answer is not JSON".to_owned(),
                },
            }
        }
        Ok(f) if f.code == 404 => Lookup::NotFound,
        Ok(f) => Lookup::Failed {
            reason: Outcome::Dead { code: f.code }.describe(),
        },
        Err(o) => failed(&o),
    }
}

#[cfg(feature = "net")]
/// Joins `base` and `path` with one slash.
fn join(base: &str, path: &str) -> String {
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

#[cfg(feature = "net")]
/// Percent-encodes one path segment.
fn segment(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(feature = "net")]
/// The latest release of the tool at registry `key` (`github:grafana/k6`, ...). A
/// `GITHUB_TOKEN` in the environment goes to the GitHub API only, and nowhere else
/// (never printed, never cached).
async fn lookup_release(c: &HttpChecker, r: &Registries, key: &str) -> Lookup<Release> {
    let Some((kind, name)) = key.split_once(':') else {
        return Lookup::Failed {
            reason: format!("`{key}` names no registry"),
        };
    };
    let token = std::env::var("GITHUB_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty())
        .map(|t| format!("Bearer {}", t.trim()));
    let (url, accept, auth) = match kind {
        "github" => (
            join(&r.github_api, &format!("repos/{name}/releases/latest")),
            "application/vnd.github+json",
            token.as_deref(),
        ),
        "pypi" => (
            join(&r.pypi_api, &format!("pypi/{}/json", segment(name))),
            "application/json",
            None,
        ),
        // A scoped name keeps its `@` and encodes its slash, as the registry expects.
        "npm" => (
            join(&r.npm_registry, &name.replace('/', "%2F")),
            "application/json",
            None,
        ),
        "crates" => (
            join(&r.crates_api, &format!("api/v1/crates/{}", segment(name))),
            "application/json",
            None,
        ),
        _ => {
            return Lookup::Failed {
                reason: format!("`{kind}` is not a registry qbank reads"),
            };
        }
    };
    match c.fetch(&url, accept, auth, LIMIT).await {
        Ok(f) if (200..300).contains(&f.code) && !f.truncated => {
            match serde_json::from_slice::<serde_json::Value>(&f.body)
                .ok()
                .and_then(|v| release::parse(kind, &v))
            {
                Some(record) => Lookup::Found { record },
                None => Lookup::Failed {
                    reason: format!("{key}: the answer names no release"),
                },
            }
        }
        Ok(f) if f.code == 404 => Lookup::NotFound,
        Ok(f) => Lookup::Failed {
            reason: Outcome::Dead { code: f.code }.describe(),
        },
        Err(o) => failed(&o),
    }
}

/// Each key asked about, with its answer.
type Answers<T> = Vec<(String, Lookup<T>)>;

#[cfg(feature = "net")]
/// Asks about every key at once (each once) through one checker, calling `tick` per
/// answer; Ctrl-C keeps what finished. Returns the answers and the requests sent.
fn ask_all<T, F, Fut>(
    keys: Vec<String>,
    opts: &Options,
    registries: &Registries,
    ask: F,
    tick: &(dyn Fn() + Sync),
) -> Result<(Answers<T>, usize), String>
where
    T: Send + 'static,
    F: Fn(Arc<HttpChecker>, Registries, String) -> Fut,
    Fut: std::future::Future<Output = (String, Lookup<T>)> + Send + 'static,
{
    if keys.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("could not start the async runtime: {e}"))?;
    let checker = Arc::new(HttpChecker::new(opts.clone())?);
    let found = runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for k in keys {
            set.spawn(ask(checker.clone(), registries.clone(), k));
        }
        let mut found = Vec::new();
        let mut stop = std::pin::pin!(tokio::signal::ctrl_c());
        loop {
            tokio::select! {
                biased;
                // Ctrl-C: what finished is kept; the rest stays not verified.
                _ = &mut stop => {
                    set.abort_all();
                    break;
                }
                res = set.join_next() => match res {
                    Some(Ok(x)) => {
                        tick();
                        found.push(x);
                    }
                    Some(Err(_)) => {}
                    None => break,
                },
            }
        }
        found
    });
    let requests = checker.requests();
    runtime.shutdown_background();
    Ok((found, requests))
}

/// The answer for what the cache does not hold when `--offline` forbids asking.
fn offline<T>() -> Lookup<T> {
    Lookup::Failed {
        reason: "not in the cache (offline)".to_owned(),
    }
}

/// What each DOI's registry holds, with `cache` in front (records younger than
/// `max_age`). `offline` sends nothing: what the cache does not hold is not verified.
/// Returns the answers and the number of requests sent. `tick` is called per DOI.
pub(crate) fn lookup_dois(
    dois: &[String],
    opts: &Options,
    registries: &Registries,
    cache: &mut Cache,
    max_age: Duration,
    offline_only: bool,
    tick: &(dyn Fn() + Sync),
) -> Result<(HashMap<String, Lookup>, usize), String> {
    lookup_all(
        dois,
        Cached {
            cache,
            offline_only,
        },
        tick,
        |c, d, now| c.fresh_record(&key(d), now, max_age),
        |c, d, l, now| c.insert_record(&key(d), l, now),
        |todo| {
            #[cfg(feature = "net")]
            return ask_all(
                todo,
                opts,
                registries,
                |c, r, d| async move {
                    let l = lookup_doi(&c, &r, &d).await;
                    (d, l)
                },
                tick,
            );
            #[cfg(not(feature = "net"))]
            without_net(todo, (opts, registries))
        },
    )
}

/// [`lookup_dois`] for books at Open Library, by [`crate::links::cite::isbn_key`]
/// (which is also their key in the cache).
pub(crate) fn lookup_isbns(
    keys: &[String],
    opts: &Options,
    registries: &Registries,
    cache: &mut Cache,
    max_age: Duration,
    offline_only: bool,
    tick: &(dyn Fn() + Sync),
) -> Result<(HashMap<String, Lookup>, usize), String> {
    lookup_all(
        keys,
        Cached {
            cache,
            offline_only,
        },
        tick,
        |c, k, now| c.fresh_record(k, now, max_age),
        |c, k, l, now| c.insert_record(k, l, now),
        |todo| {
            #[cfg(feature = "net")]
            return ask_all(
                todo,
                opts,
                registries,
                |c, r, k| async move {
                    let l = lookup_isbn(&c, &r, &k).await;
                    (k, l)
                },
                tick,
            );
            #[cfg(not(feature = "net"))]
            without_net(todo, (opts, registries))
        },
    )
}

/// [`lookup_dois`] for tools' latest releases, by registry key.
pub(crate) fn lookup_releases(
    keys: &[String],
    opts: &Options,
    registries: &Registries,
    cache: &mut Cache,
    max_age: Duration,
    offline_only: bool,
    tick: &(dyn Fn() + Sync),
) -> Result<(HashMap<String, Lookup<Release>>, usize), String> {
    lookup_all(
        keys,
        Cached {
            cache,
            offline_only,
        },
        tick,
        |c, k, now| c.fresh_release(k, now, max_age),
        |c, k, l, now| c.insert_release(k, l, now),
        |todo| {
            #[cfg(feature = "net")]
            return ask_all(
                todo,
                opts,
                registries,
                |c, r, k| async move {
                    let l = lookup_release(&c, &r, &k).await;
                    (k, l)
                },
                tick,
            );
            #[cfg(not(feature = "net"))]
            without_net(todo, (opts, registries))
        },
    )
}

/// The cache in front of a lookup, and whether only the cache may answer.
struct Cached<'c> {
    cache: &'c mut Cache,
    offline_only: bool,
}

/// Answers each key from the cache when it holds a fresh answer (or, offline, says it
/// is not verified), asks `ask` about the rest and records what comes back.
fn lookup_all<T>(
    keys: &[String],
    c: Cached<'_>,
    tick: &(dyn Fn() + Sync),
    fresh: impl Fn(&Cache, &str, jiff::Timestamp) -> Option<Lookup<T>>,
    store: impl Fn(&mut Cache, &str, &Lookup<T>, jiff::Timestamp),
    ask: impl FnOnce(Vec<String>) -> Result<(Answers<T>, usize), String>,
) -> Result<(HashMap<String, Lookup<T>>, usize), String> {
    let now = jiff::Timestamp::now();
    let mut out = HashMap::new();
    let mut todo = Vec::new();
    for k in keys {
        if let Some(l) = fresh(c.cache, k, now) {
            out.insert(k.clone(), l);
            tick();
        } else if c.offline_only {
            out.insert(k.clone(), offline());
            tick();
        } else {
            todo.push(k.clone());
        }
    }
    let (found, requests) = ask(todo)?;
    let now = jiff::Timestamp::now();
    for (k, l) in found {
        store(c.cache, &k, &l, now);
        out.insert(k, l);
    }
    Ok((out, requests))
}

/// Without the `net` feature nothing is asked: an empty list is no answer needed, any
/// other is the build's limit.
#[cfg(not(feature = "net"))]
fn without_net<T, U>(todo: Vec<String>, _: U) -> Result<(Answers<T>, usize), String> {
    if todo.is_empty() {
        Ok((Vec::new(), 0))
    } else {
        Err(super::WITHOUT_NET.to_owned())
    }
}
