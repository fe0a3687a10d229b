//! What a link check found: one [`Outcome`] per URL, and [`LiveResults`], the form in
//! which `check --online` hands them to gate 17.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::gates::LinkStatus;

/// The result of checking one URL. This is also what the cache stores (docs/links.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Outcome {
    /// A 2xx (or 3xx without a `Location`) answer; `url` is where redirects ended.
    Ok {
        code: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
    /// A 4xx or 5xx answer (5xx only after the retries).
    Dead { code: u16 },
    /// No complete answer within the timeout, after the retries.
    Timeout,
    /// The connection failed (DNS, refused, reset, TLS), after the retries.
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
            | Outcome::Error { .. }
            | Outcome::TooManyRedirects { .. }
            | Outcome::RedirectLoop { .. }
            | Outcome::Invalid { .. } => Some(false),
            Outcome::RateLimited { .. } | Outcome::Refused { .. } | Outcome::Unchecked => None,
        }
    }

    /// True for outcomes worth remembering: those that took a request and settle the link.
    pub fn cacheable(&self) -> bool {
        !matches!(
            self,
            Outcome::RateLimited { .. }
                | Outcome::Refused { .. }
                | Outcome::Invalid { .. }
                | Outcome::Unchecked
        )
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
            Outcome::Timeout => "timed out".to_owned(),
            Outcome::Error { message } => format!("connection failed: {message}"),
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

/// `404 Not Found`.
pub fn status_text(code: u16) -> String {
    match reqwest::StatusCode::from_u16(code)
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
pub struct LiveResults {
    by_url: HashMap<String, Outcome>,
}

impl LiveResults {
    pub fn insert(&mut self, url: &str, outcome: Outcome) {
        self.by_url.insert(url.trim().to_owned(), outcome);
    }

    pub fn get(&self, url: &str) -> Option<&Outcome> {
        self.by_url.get(url.trim())
    }

    pub fn len(&self) -> usize {
        self.by_url.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_url.is_empty()
    }
}

impl LinkStatus for LiveResults {
    fn is_live(&self, url: &str) -> Option<bool> {
        self.get(url).and_then(Outcome::is_live)
    }

    fn resolved(&self, url: &str) -> Option<String> {
        match self.get(url)? {
            Outcome::Ok { url: Some(to), .. } => Some(to.clone()),
            _ => None,
        }
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
        assert_eq!(Outcome::Dead { code: 410 }.describe(), "410 Gone");
    }

    #[test]
    fn results_answer_gate_17() {
        let mut r = LiveResults::default();
        r.insert("https://a.example/", Outcome::Dead { code: 404 });
        assert_eq!(r.is_live(" https://a.example/ "), Some(false));
        assert_eq!(r.is_live("https://b.example/"), None);
    }
}
