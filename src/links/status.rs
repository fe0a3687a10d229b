//! What a link check found: one [`Outcome`] per URL, and [`LiveResults`], the form in
//! which `check --online` hands them to gate 17.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::gates::{LinkCheck, LinkStatus};

/// The result of checking one URL. This is also what the cache stores (docs/links.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub(crate) enum Outcome {
    /// A 2xx (or 3xx without a `Location`) answer; `url` is where redirects ended.
    Ok {
        code: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
    /// A 4xx or 5xx answer (5xx only after the retries).
    Dead { code: u16 },
    /// No complete answer within the timeout, after the retries: unreachable.
    Timeout,
    /// No connection (DNS error, refused or reset), after the retries: unreachable.
    Unreachable { message: String },
    /// Another failure without an HTTP answer (TLS, a malformed redirect).
    Error { message: String },
    /// More redirects than `--max-redirects`.
    TooManyRedirects { count: usize },
    /// A redirect led back to a URL already visited.
    RedirectLoop { url: String },
    /// 429 (or 503 with `Retry-After`) until the retries ran out, or a `Retry-After`
    /// longer than the cap: the link was not verified either way. Never cached.
    RateLimited {
        code: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<u64>,
    },
    /// Not requested: a private address without `--allow-private`, or a scheme other
    /// than http and https. Never cached.
    Refused { reason: String },
    /// Not a URL that can be requested (malformed). Never cached.
    Invalid { reason: String },
    /// Not in the cache, and `--offline` forbade a request. Never cached.
    Unchecked,
}

impl Outcome {
    /// `Some(true)` the link answers, `Some(false)` it is dead, `None` not verified.
    pub fn is_live(&self) -> Option<bool> {
        match self {
            Outcome::Ok { .. } => Some(true),
            Outcome::Dead { .. }
            | Outcome::Timeout
            | Outcome::Unreachable { .. }
            | Outcome::Error { .. }
            | Outcome::TooManyRedirects { .. }
            | Outcome::RedirectLoop { .. }
            | Outcome::Invalid { .. } => Some(false),
            Outcome::RateLimited { .. } | Outcome::Refused { .. } | Outcome::Unchecked => None,
        }
    }

    /// True for outcomes worth remembering: successes only. A failure may be transient
    /// (no network, a host down for a minute), so every failure is checked again.
    pub fn cacheable(&self) -> bool {
        matches!(self, Outcome::Ok { .. })
    }

    /// True when no HTTP answer came back: a timeout, a DNS error, a refused or reset
    /// connection.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Outcome::Timeout | Outcome::Unreachable { .. })
    }

    /// The outcome under `--accept`: a status in `accept` is live, any other is dead.
    /// Outcomes without an HTTP status are kept.
    pub fn accepted(self, accept: &Accept) -> Outcome {
        match self {
            Outcome::Ok { code, .. } if !accept.contains(code) => Outcome::Dead { code },
            Outcome::Dead { code } | Outcome::RateLimited { code, .. } if accept.contains(code) => {
                Outcome::Ok { code, url: None }
            }
            other => other,
        }
    }

    /// A short phrase for people: `404 Not Found`, `timed out`, ...
    pub fn describe(&self) -> String {
        match self {
            Outcome::Ok { code, url: None } => status_text(*code),
            Outcome::Ok {
                code,
                url: Some(to),
            } => format!("{} (redirected to {to})", status_text(*code)),
            Outcome::Dead { code } => status_text(*code),
            Outcome::Timeout => "unreachable: timed out".to_owned(),
            Outcome::Unreachable { message } => format!("unreachable: {message}"),
            Outcome::Error { message } => format!("request failed: {message}"),
            Outcome::TooManyRedirects { count } => format!("more than {count} redirects"),
            Outcome::RedirectLoop { url } => format!("redirect loop back to {url}"),
            Outcome::RateLimited {
                code,
                retry_after: Some(s),
            } => format!("{} (Retry-After {s}s)", status_text(*code)),
            Outcome::RateLimited { code, .. } => status_text(*code),
            Outcome::Refused { reason } => format!("not requested: {reason}"),
            Outcome::Invalid { reason } => reason.clone(),
            Outcome::Unchecked => "not in the cache (offline)".to_owned(),
        }
    }
}

/// The HTTP statuses that count as live (`--accept 200..=299,429`, lychee's syntax):
/// a comma-separated list of codes and ranges `A..=B` (inclusive) or `A..B` (exclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Accept(Vec<std::ops::RangeInclusive<u16>>, String);

impl Accept {
    /// The list as written.
    pub fn as_str(&self) -> &str {
        &self.1
    }

    pub fn contains(&self, code: u16) -> bool {
        self.0.iter().any(|r| r.contains(&code))
    }

    /// Parses `200..=299,429`; every item must be a status code from 100 to 999.
    pub fn parse(s: &str) -> Result<Accept, String> {
        let code = |t: &str| -> Result<u16, String> {
            t.trim()
                .parse::<u16>()
                .ok()
                .filter(|c| (100..=999).contains(c))
                .ok_or_else(|| format!("`{}` is not an HTTP status code (100 to 999)", t.trim()))
        };
        let mut ranges = Vec::new();
        for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let range = if let Some((a, b)) = item.split_once("..=") {
                code(a)?..=code(b)?
            } else if let Some((a, b)) = item.split_once("..") {
                let (a, b) = (code(a)?, code(b)?);
                if b <= a {
                    return Err(format!("`{item}` is an empty range"));
                }
                a..=b - 1
            } else {
                let c = code(item)?;
                c..=c
            };
            if range.is_empty() {
                return Err(format!("`{item}` is an empty range"));
            }
            ranges.push(range);
        }
        if ranges.is_empty() {
            return Err("give status codes or ranges, such as `200..=299,429`".to_owned());
        }
        Ok(Accept(ranges, s.trim().to_owned()))
    }
}

/// `404 Not Found`.
pub(crate) fn status_text(code: u16) -> String {
    match http::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{code} {reason}"),
        None => code.to_string(),
    }
}

/// Live results keyed by URL as written in the bank (and by the URL requested), which
/// gate 17 reads through [`LinkStatus`].
#[derive(Debug, Default, Clone)]
pub(crate) struct LiveResults {
    by_url: HashMap<String, Outcome>,
    /// When each URL (as written and as requested) answered, and whether from the cache.
    answered: HashMap<String, (jiff::Timestamp, bool)>,
    /// True when no request got an answer: every link is "not checked" for that reason.
    pub network_down: bool,
    /// What the registries hold, by bare lower-case DOI.
    pub citations: HashMap<String, crate::links::cite::Lookup>,
    /// Tools' latest releases, by registry key.
    pub releases: HashMap<String, crate::links::cite::Lookup<crate::links::release::Release>>,
}

impl LiveResults {
    pub fn insert(&mut self, url: &str, outcome: Outcome) {
        self.by_url.insert(url.trim().to_owned(), outcome);
    }

    /// Records when `url` answered (`cached`: from the link cache).
    pub fn insert_answered(&mut self, url: &str, at: jiff::Timestamp, cached: bool) {
        self.answered.insert(url.trim().to_owned(), (at, cached));
    }

    pub fn get(&self, url: &str) -> Option<&Outcome> {
        self.by_url.get(url.trim())
    }
}

impl LinkStatus for LiveResults {
    /// A link that got no HTTP answer (a timeout, a refused connection, a name that does
    /// not resolve) is not verified rather than dead: behind a proxy or on an intranet
    /// many hosts do not answer while others do, and none of them is known dead.
    fn is_live(&self, url: &str) -> Option<bool> {
        self.get(url)
            .filter(|o| !o.is_unreachable())
            .and_then(Outcome::is_live)
    }

    fn checked(&self, url: &str) -> Option<LinkCheck> {
        let Some(o) = self.get(url) else {
            return self
                .network_down
                .then_some(LinkCheck::NotChecked("no answer from the network"));
        };
        if self.is_live(url).is_some() {
            let at = self.answered.get(url.trim());
            return Some(LinkCheck::Answered {
                on: at.map(|(t, _)| t.to_zoned(jiff::tz::TimeZone::UTC).date()),
                cached: at.is_some_and(|(_, c)| *c),
            });
        }
        Some(LinkCheck::NotChecked(match o {
            Outcome::Timeout | Outcome::Unreachable { .. } => "no answer from the host",
            Outcome::RateLimited { .. } => "rate limited",
            Outcome::Refused { .. } => "refused (a private address or another scheme)",
            Outcome::Unchecked => "offline, not in the cache",
            _ => "no verdict",
        }))
    }

    fn resolved(&self, url: &str) -> Option<String> {
        match self.get(url)? {
            Outcome::Ok { url: Some(to), .. } => Some(to.clone()),
            _ => None,
        }
    }

    fn citation(&self, doi: &str) -> Option<crate::links::cite::Lookup> {
        self.citations.get(doi).cloned()
    }

    fn release(
        &self,
        key: &str,
    ) -> Option<crate::links::cite::Lookup<crate::links::release::Release>> {
        self.releases.get(key).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn liveness_of_each_outcome() {
        assert_eq!(
            Outcome::Ok {
                code: 200,
                url: None
            }
            .is_live(),
            Some(true)
        );
        assert_eq!(Outcome::Dead { code: 404 }.is_live(), Some(false));
        assert_eq!(Outcome::Timeout.is_live(), Some(false));
        assert_eq!(
            Outcome::RateLimited {
                code: 429,
                retry_after: None
            }
            .is_live(),
            None
        );
        assert!(!Outcome::Unchecked.cacheable());
        assert!(!Outcome::Dead { code: 404 }.cacheable());
        assert!(!Outcome::Timeout.cacheable());
        assert!(Outcome::Timeout.is_unreachable());
        assert!(!Outcome::Dead { code: 404 }.is_unreachable());
        assert_eq!(Outcome::Dead { code: 410 }.describe(), "410 Gone");
    }

    #[test]
    fn accept_lists_codes_and_ranges() {
        let a = Accept::parse("200..=299, 429").unwrap();
        assert!(a.contains(200) && a.contains(299) && a.contains(429));
        assert!(!a.contains(300) && !a.contains(404));
        let b = Accept::parse("200..204").unwrap();
        assert!(b.contains(203) && !b.contains(204));
        assert!(Accept::parse("abc").is_err());
        assert!(Accept::parse("300..=200").is_err());
        assert!(Accept::parse("").is_err());
        assert_eq!(
            Outcome::Dead { code: 429 }.accepted(&a),
            Outcome::Ok {
                code: 429,
                url: None
            }
        );
        assert_eq!(
            Outcome::Ok {
                code: 204,
                url: None
            }
            .accepted(&b),
            Outcome::Dead { code: 204 }
        );
    }

    #[test]
    fn results_answer_gate_17() {
        let mut r = LiveResults::default();
        r.insert("https://a.example/", Outcome::Dead { code: 404 });
        assert_eq!(r.is_live(" https://a.example/ "), Some(false));
        assert_eq!(r.is_live("https://b.example/"), None);
    }
}
