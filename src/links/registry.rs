//! Asking registries what they hold (network): a DOI's metadata by content negotiation
//! at the DOI resolver (CSL JSON, served for Crossref, DataCite and mEDRA DOIs), with
//! Crossref's REST API as the fallback. Requests go through [`HttpChecker`], so they
//! keep its per-host limits, retries, `Retry-After` and address guard. What is sent and
//! why: docs/verify.md.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use crate::links::cache::Cache;
use crate::links::check::{HttpChecker, Options};
use crate::links::cite::{Lookup, Registered};
use crate::links::{Outcome, extract};

/// Crossref's REST API, the fallback for DOI metadata.
pub(crate) const CROSSREF_API: &str = "https://api.crossref.org/";

/// The media type of CSL JSON, asked of the DOI resolver.
const CSL_JSON: &str = "application/vnd.citationstyles.csl+json";

/// The most of an answer read (a record with its reference list can be large).
const LIMIT: usize = 4 << 20;

/// Where registries are asked; the real services by default, a local server in tests.
#[derive(Debug, Clone)]
pub(crate) struct Registries {
    pub doi_resolver: String,
    pub crossref_api: String,
}

/// The cache key of a DOI's record.
pub(crate) fn key(doi: &str) -> String {
    format!("doi:{doi}")
}

/// Parses a JSON body into a record, if it is one.
fn record(body: &[u8]) -> Option<Registered> {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .as_ref()
        .and_then(Registered::from_json)
}

fn failed(o: &Outcome) -> Lookup {
    Lookup::Failed {
        reason: o.describe(),
    }
}

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

/// What each DOI's registry holds, with `cache` in front (records younger than
/// `max_age`). `offline` sends nothing: what the cache does not hold is not verified.
/// Returns the answers and the number of requests sent. `tick` is called per DOI.
pub(crate) fn lookup_dois(
    dois: &[String],
    opts: &Options,
    registries: &Registries,
    cache: &mut Cache,
    max_age: Duration,
    offline: bool,
    tick: &(dyn Fn() + Sync),
) -> Result<(HashMap<String, Lookup>, usize), String> {
    let now = jiff::Timestamp::now();
    let mut out = HashMap::new();
    let mut todo = Vec::new();
    for d in dois {
        if let Some(l) = cache.fresh_record(&key(d), now, max_age) {
            out.insert(d.clone(), l);
            tick();
        } else if offline {
            out.insert(
                d.clone(),
                Lookup::Failed {
                    reason: "not in the cache (offline)".to_owned(),
                },
            );
            tick();
        } else {
            todo.push(d.clone());
        }
    }
    if todo.is_empty() {
        return Ok((out, 0));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("could not start the async runtime: {e}"))?;
    let checker = Arc::new(HttpChecker::new(opts.clone())?);
    let found = runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for d in todo {
            let (c, r) = (checker.clone(), registries.clone());
            set.spawn(async move {
                let l = lookup_doi(&c, &r, &d).await;
                (d, l)
            });
        }
        let mut found = Vec::new();
        loop {
            tokio::select! {
                biased;
                // Ctrl-C: what finished is kept; the rest stays not verified.
                _ = tokio::signal::ctrl_c() => {
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
    let now = jiff::Timestamp::now();
    for (d, l) in found {
        cache.insert_record(&key(&d), &l, now);
        out.insert(d, l);
    }
    Ok((out, requests))
}
