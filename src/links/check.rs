//! Checking URLs: the [`Checker`] trait, the runner that checks many URLs at once, and
//! [`HttpChecker`], its reqwest implementation (concurrency limits, timeouts, HEAD then
//! GET, redirects, retries with backoff, `Retry-After`, and the private-address guard).

// Built without `net`, what only the network part uses stays unused.
#![cfg_attr(not(feature = "net"), allow(dead_code))]

#[cfg(feature = "net")]
use std::collections::{HashMap, HashSet};
#[cfg(feature = "net")]
use std::future::Future;
use std::net::IpAddr;
#[cfg(feature = "net")]
use std::net::SocketAddr;
#[cfg(feature = "net")]
use std::sync::atomic::{AtomicUsize, Ordering};
#[cfg(feature = "net")]
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[cfg(feature = "net")]
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
#[cfg(feature = "net")]
use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};
#[cfg(feature = "net")]
use reqwest::{Method, Url};
#[cfg(feature = "net")]
use tokio::sync::Semaphore;
#[cfg(feature = "net")]
use tokio::time::Instant;

#[cfg(feature = "net")]
use super::status::Outcome;

/// The user agent every request carries.
pub(crate) const USER_AGENT: &str = concat!(
    "qbank/",
    env!("CARGO_PKG_VERSION"),
    " (link checker; +https://crates.io/crates/qbank)"
);

/// At most this many bytes of a body are read (GET only), then the connection is dropped.
pub(crate) const BODY_PREFIX: usize = 16 * 1024;

/// How the checker behaves; the defaults are the command line's.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host (host:port).
    pub host_concurrency: usize,
    pub connect_timeout: Duration,
    /// For a whole request: connect, send, answer headers, body prefix.
    pub timeout: Duration,
    /// Further attempts after a timeout, a connection error, a 5xx or a 429.
    pub retries: u32,
    /// The first backoff; each retry doubles it, with jitter.
    pub backoff: Duration,
    pub max_redirects: usize,
    /// The longest `Retry-After` honoured; a longer one leaves the link unverified.
    pub max_retry_after: Duration,
    /// Request hosts on loopback, private, link-local or unspecified addresses.
    pub allow_private: bool,
    /// A contact address the user agent carries (`mailto:`), as Crossref asks of tools.
    pub contact: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            concurrency: 64,
            host_concurrency: 8,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(20),
            retries: 2,
            backoff: Duration::from_millis(500),
            max_redirects: 10,
            max_retry_after: Duration::from_secs(60),
            allow_private: false,
            contact: None,
        }
    }
}

/// The user agent: [`USER_AGENT`], with the contact address when one is set.
pub(crate) fn user_agent(contact: Option<&str>) -> String {
    match contact.map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => format!("{}; mailto:{c})", USER_AGENT.trim_end_matches(')')),
        None => USER_AGENT.to_owned(),
    }
}

#[cfg(feature = "net")]
/// Something that can check one URL.
pub(crate) trait Checker: Send + Sync + 'static {
    fn check(&self, url: &str) -> impl Future<Output = Outcome> + Send;
}

#[cfg(feature = "net")]
/// Checks every URL (each once) with `checker`, calling `done` after each one. Limits on
/// concurrency are the checker's: every URL is started at once and waits its turn there.
/// When `stop` completes first (Ctrl-C), the outcomes that finished are returned and the
/// rest dropped; the flag says whether that happened with URLs still unanswered.
pub async fn check_all<C: Checker>(
    checker: Arc<C>,
    urls: Vec<String>,
    done: impl Fn(&str, &Outcome),
    stop: impl std::future::Future<Output = ()>,
) -> (HashMap<String, Outcome>, bool) {
    let mut set = tokio::task::JoinSet::new();
    let unique: HashSet<String> = urls.into_iter().collect();
    for url in unique {
        let c = checker.clone();
        set.spawn(async move {
            let outcome = c.check(&url).await;
            (url, outcome)
        });
    }
    let mut out = HashMap::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        tokio::select! {
            // `stop` first, so that it listens (Ctrl-C) before any answer is awaited.
            biased;
            // What finished is kept; what did not is dropped unanswered.
            () = &mut stop => {
                set.abort_all();
                return (out, !set.is_empty());
            }
            res = set.join_next() => match res {
                Some(Ok((url, outcome))) => {
                    done(&url, &outcome);
                    out.insert(url, outcome);
                }
                Some(Err(_)) => {}
                None => return (out, false),
            },
        }
    }
}

/// True for addresses that must not be requested without `--allow-private`: loopback,
/// private, link-local, unspecified (and shared, broadcast, multicast, unique-local).
pub(crate) fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

#[cfg(feature = "net")]
/// The error a refused name resolution carries, recognised in reqwest's error chain.
#[derive(Debug)]
struct PrivateAddress(String);

#[cfg(feature = "net")]
impl std::fmt::Display for PrivateAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} resolves to a private address (use --allow-private to check it)",
            self.0
        )
    }
}

#[cfg(feature = "net")]
impl std::error::Error for PrivateAddress {}

#[cfg(feature = "net")]
/// Name resolution that drops private addresses, so that no connection is ever made to
/// one (redirects included) unless they are allowed.
struct Guard {
    allow_private: bool,
}

#[cfg(feature = "net")]
impl reqwest::dns::Resolve for Guard {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let kept: Vec<SocketAddr> = addrs
                .iter()
                .copied()
                .filter(|a| allow || !is_private(a.ip()))
                .collect();
            if kept.is_empty() && !addrs.is_empty() {
                return Err(Box::new(PrivateAddress(host)) as _);
            }
            Ok(Box::new(kept.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(feature = "net")]
/// One host's share of the work: its concurrency limit and, once it has asked us to
/// slow down, a rate limit and a time before which nothing is sent.
struct Host {
    slots: Semaphore,
    state: Mutex<HostState>,
}

#[cfg(feature = "net")]
#[derive(Default)]
struct HostState {
    not_before: Option<Instant>,
    limiter: Option<Arc<DefaultDirectRateLimiter>>,
    period: Option<Duration>,
    head_refused: bool,
}

#[cfg(feature = "net")]
impl Host {
    fn state(&self) -> std::sync::MutexGuard<'_, HostState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until the host may be asked again.
    async fn wait_turn(&self) {
        loop {
            let not_before = self.state().not_before;
            match not_before {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t).await,
                _ => break,
            }
        }
        let limiter = self.state().limiter.clone();
        if let Some(l) = limiter {
            l.until_ready().await;
        }
    }

    /// The host answered 429 (or 503 with Retry-After): pause it for `wait`, and halve
    /// its request rate (2 per second at first, down to one per 10 s).
    fn slow_down(&self, wait: Duration) {
        let mut s = self.state();
        let until = Instant::now() + wait;
        s.not_before = Some(s.not_before.map_or(until, |t| t.max(until)));
        let period = s.period.map_or(Duration::from_millis(500), |p| {
            (p * 2).min(Duration::from_secs(10))
        });
        s.period = Some(period);
        s.limiter = Quota::with_period(period).map(|q| Arc::new(RateLimiter::direct(q)));
    }
}

#[cfg(feature = "net")]
/// An answer's status line, the headers the checker acts on, and the body when it was
/// asked for.
#[derive(Debug)]
struct Answer {
    code: u16,
    location: Option<String>,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

#[cfg(feature = "net")]
/// What a request asks for beyond the default.
#[derive(Debug, Clone, Copy, Default)]
struct Want<'a> {
    /// The `Accept` header (default: HTML, then anything).
    accept: Option<&'a str>,
    /// Read the body, up to this many bytes (GET only, never HEAD first).
    body: Option<usize>,
    /// An `Authorization` header value (never logged, never cached).
    auth: Option<&'a str>,
}

#[cfg(feature = "net")]
/// A body fetched with [`HttpChecker::fetch`].
#[derive(Debug)]
pub(crate) struct Fetched {
    pub code: u16,
    pub body: Vec<u8>,
    /// True when the body was cut at the limit.
    pub truncated: bool,
    /// Redirects followed to the answer.
    pub redirects: usize,
}

#[cfg(feature = "net")]
enum Failure {
    Timeout,
    Connect(String),
    Refused(String),
    Other(String),
}

#[cfg(feature = "net")]
/// The reqwest checker.
pub(crate) struct HttpChecker {
    client: reqwest::Client,
    opts: Options,
    global: Semaphore,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
    requests: AtomicUsize,
}

#[cfg(feature = "net")]
impl HttpChecker {
    pub fn new(opts: Options) -> Result<HttpChecker, String> {
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT,
            reqwest::header::HeaderValue::from_static("text/html,application/xhtml+xml,*/*;q=0.8"),
        );
        let client = reqwest::Client::builder()
            .user_agent(user_agent(opts.contact.as_deref()))
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.timeout)
            // Direct connections only: through a proxy the address guard would not see
            // where a name leads.
            .no_proxy()
            .dns_resolver(Arc::new(Guard {
                allow_private: opts.allow_private,
            }))
            .build()
            .map_err(|e| format!("could not start the HTTP client: {e}"))?;
        Ok(HttpChecker {
            client,
            global: Semaphore::new(opts.concurrency.max(1)),
            opts,
            hosts: Mutex::new(HashMap::new()),
            requests: AtomicUsize::new(0),
        })
    }

    /// Requests sent so far (each HEAD, GET and retry counts).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    fn host(&self, url: &Url) -> Arc<Host> {
        let key = format!(
            "{}:{}",
            url.host_str().unwrap_or_default(),
            url.port_or_known_default().unwrap_or(0)
        );
        let mut hosts = self
            .hosts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        hosts
            .entry(key)
            .or_insert_with(|| {
                Arc::new(Host {
                    slots: Semaphore::new(self.opts.host_concurrency.max(1)),
                    state: Mutex::new(HostState::default()),
                })
            })
            .clone()
    }

    /// Why `url` may not be requested, if it may not: a scheme other than http(s), or an
    /// IP address (written in the URL) that is private. Names are checked on resolution.
    fn refusal(&self, url: &Url) -> Option<String> {
        if !matches!(url.scheme(), "http" | "https") {
            return Some(format!(
                "the scheme `{}:` is not http or https",
                url.scheme()
            ));
        }
        let ip = match url.host()? {
            url::Host::Ipv4(a) => IpAddr::V4(a),
            url::Host::Ipv6(a) => IpAddr::V6(a),
            url::Host::Domain(_) => return None,
        };
        (!self.opts.allow_private && is_private(ip))
            .then(|| format!("{ip} is a private address (use --allow-private to check it)"))
    }

    /// Sends one request; for GET, reads at most [`BODY_PREFIX`] bytes of the body, or
    /// keeps up to `want.body` bytes of it.
    async fn send(&self, method: Method, url: &Url, want: Want<'_>) -> Result<Answer, Failure> {
        self.requests.fetch_add(1, Ordering::Relaxed);
        let is_get = method == Method::GET;
        let mut req = self.client.request(method, url.clone());
        if let Some(a) = want.accept {
            req = req.header(reqwest::header::ACCEPT, a);
        }
        if let Some(a) = want.auth {
            req = req.header(reqwest::header::AUTHORIZATION, a);
        }
        let mut resp = req.send().await.map_err(classify)?;
        let headers = resp.headers();
        let answer = Answer {
            code: resp.status().as_u16(),
            location: headers
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            retry_after: headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, jiff::Timestamp::now())),
            body: Vec::new(),
        };
        let mut answer = answer;
        if is_get {
            let limit = want.body.unwrap_or(BODY_PREFIX);
            let mut read = 0;
            while read < limit {
                match resp.chunk().await {
                    Ok(Some(c)) => {
                        read += c.len();
                        if want.body.is_some() {
                            answer.body.extend_from_slice(&c);
                        }
                    }
                    Ok(None) => break,
                    Err(e) if want.body.is_some() => return Err(classify(e)),
                    Err(_) => break,
                }
            }
        }
        // Dropping the response closes a connection whose body was not read to its end.
        Ok(answer)
    }

    /// One URL, no redirects followed: HEAD (GET when HEAD is refused, or when the body
    /// is wanted), with retries.
    async fn hop(&self, url: &Url, want: Want<'_>) -> Result<Answer, Outcome> {
        let host = self.host(url);
        let mut attempt = 0u32;
        loop {
            let result = {
                // The host's pause is waited for holding only the host's slot, and a
                // 429 slows the host down before the slot is released, so no request to
                // it slips in between.
                let _host_slot = host.slots.acquire().await;
                host.wait_turn().await;
                let _slot = self.global.acquire().await;
                let head_refused = host.state().head_refused;
                let r = if head_refused || want.body.is_some() {
                    self.send(Method::GET, url, want).await
                } else {
                    match self.send(Method::HEAD, url, want).await {
                        Ok(a) if matches!(a.code, 405 | 403 | 501) => {
                            if a.code != 403 {
                                host.state().head_refused = true;
                            }
                            self.send(Method::GET, url, want).await
                        }
                        other => other,
                    }
                };
                if let Ok(a) = &r
                    && is_rate_limit(a)
                {
                    let wait = a
                        .retry_after
                        .unwrap_or_else(|| self.backoff(attempt))
                        .min(self.opts.max_retry_after);
                    host.slow_down(wait);
                }
                r
            };
            let last = attempt >= self.opts.retries;
            match result {
                Ok(a) if is_rate_limit(&a) => {
                    let too_long = a.retry_after.is_some_and(|w| w > self.opts.max_retry_after);
                    if last || too_long {
                        return Err(Outcome::RateLimited {
                            code: a.code,
                            retry_after: a.retry_after.map(|d| d.as_secs()),
                        });
                    }
                }
                Ok(a) if a.code >= 500 && !last => {
                    tokio::time::sleep(self.backoff(attempt)).await;
                }
                Ok(a) => return Ok(a),
                Err(Failure::Timeout | Failure::Connect(_)) if !last => {
                    tokio::time::sleep(self.backoff(attempt)).await;
                }
                Err(Failure::Timeout) => return Err(Outcome::Timeout),
                Err(Failure::Connect(m)) => return Err(Outcome::Unreachable { message: m }),
                Err(Failure::Other(m)) => return Err(Outcome::Error { message: m }),
                Err(Failure::Refused(reason)) => return Err(Outcome::Refused { reason }),
            }
            attempt += 1;
        }
    }

    /// `backoff × 2^attempt`, scaled by a random factor in [0.5, 1).
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.opts.backoff * 2u32.saturating_pow(attempt.min(16));
        base.mul_f64(0.5 + fastrand::f64() * 0.5)
    }

    async fn check_url(&self, start: &str) -> Outcome {
        match self.follow(start, Want::default()).await {
            Ok((answer, url, redirects)) => Outcome::Ok {
                code: answer.code,
                url: (redirects > 0).then(|| url.to_string()),
            },
            Err(o) => o,
        }
    }

    /// GETs `url` (redirects followed, with the limits, retries and `Retry-After` of every
    /// check) asking for `accept`, and keeps up to `limit` bytes of the body. A 4xx is
    /// returned with its body; a failure (5xx after the retries included) as its outcome.
    pub async fn fetch(
        &self,
        url: &str,
        accept: &str,
        auth: Option<&str>,
        limit: usize,
    ) -> Result<Fetched, Outcome> {
        let want = Want {
            accept: Some(accept),
            body: Some(limit + 1),
            auth,
        };
        let (answer, _, redirects) = self.follow(url, want).await?;
        if answer.code >= 500 {
            return Err(Outcome::Dead { code: answer.code });
        }
        let truncated = answer.body.len() > limit;
        let mut body = answer.body;
        body.truncate(limit);
        Ok(Fetched {
            code: answer.code,
            body,
            truncated,
            redirects,
        })
    }

    /// Requests `start`, following redirects: the final answer, its URL and how many
    /// redirects led there.
    async fn follow(&self, start: &str, want: Want<'_>) -> Result<(Answer, Url, usize), Outcome> {
        let mut url = match Url::parse(start) {
            Ok(u) => u,
            Err(e) => {
                return Err(Outcome::Invalid {
                    reason: format!("malformed URL: {e}"),
                });
            }
        };
        let mut seen = HashSet::from([url.to_string()]);
        let mut redirects = 0;
        loop {
            if let Some(reason) = self.refusal(&url) {
                return Err(Outcome::Refused { reason });
            }
            let answer = self.hop(&url, want).await?;
            match (answer.code, &answer.location) {
                (300..=399, Some(loc)) => {
                    let Ok(mut next) = url.join(loc) else {
                        return Err(Outcome::Error {
                            message: format!("redirect to a malformed URL `{loc}`"),
                        });
                    };
                    next.set_fragment(None);
                    redirects += 1;
                    if !seen.insert(next.to_string()) {
                        return Err(Outcome::RedirectLoop { url: next.into() });
                    }
                    if redirects > self.opts.max_redirects {
                        return Err(Outcome::TooManyRedirects {
                            count: self.opts.max_redirects,
                        });
                    }
                    url = next;
                }
                // A body was asked for: the caller reads the 4xx itself.
                (code @ 400.., _) if want.body.is_none() => return Err(Outcome::Dead { code }),
                _ => return Ok((answer, url, redirects)),
            }
        }
    }
}

#[cfg(feature = "net")]
impl Checker for HttpChecker {
    fn check(&self, url: &str) -> impl Future<Output = Outcome> + Send {
        self.check_url(url)
    }
}

#[cfg(feature = "net")]
/// 429, or 503 with `Retry-After`: the host asks us to slow down.
fn is_rate_limit(a: &Answer) -> bool {
    a.code == 429 || (a.code == 503 && a.retry_after.is_some())
}

#[cfg(feature = "net")]
/// Turns a reqwest error into what the retry logic needs, with its root cause.
fn classify(e: reqwest::Error) -> Failure {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&e);
    let mut root = e.to_string();
    while let Some(s) = source {
        if let Some(p) = s.downcast_ref::<PrivateAddress>() {
            return Failure::Refused(p.to_string());
        }
        root = s.to_string();
        source = s.source();
    }
    if e.is_timeout() {
        Failure::Timeout
    } else if e.is_connect() || e.is_request() {
        Failure::Connect(root)
    } else {
        Failure::Other(root)
    }
}

/// Parses `Retry-After`: delay seconds, or an HTTP date (RFC 9110) measured from `now`.
pub(crate) fn parse_retry_after(v: &str, now: jiff::Timestamp) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(v)
        .ok()?;
    let d = when.duration_since(now);
    Some(if d.is_negative() {
        Duration::ZERO
    } else {
        d.unsigned_abs()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(is_private(a.parse().unwrap()), "{a}");
        }
        for a in ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"] {
            assert!(!is_private(a.parse().unwrap()), "{a}");
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now: jiff::Timestamp = "2015-10-21T07:28:00Z".parse().unwrap();
        assert_eq!(parse_retry_after("1", now), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn refuses_private_literals_and_other_schemes() {
        let c = HttpChecker::new(Options::default()).unwrap();
        assert!(
            c.refusal(&Url::parse("http://127.0.0.1:8080/").unwrap())
                .is_some()
        );
        assert!(c.refusal(&Url::parse("http://[::1]/").unwrap()).is_some());
        assert!(
            c.refusal(&Url::parse("ftp://example.com/").unwrap())
                .is_some()
        );
        assert!(
            c.refusal(&Url::parse("https://example.com/").unwrap())
                .is_none()
        );
        let open = HttpChecker::new(Options {
            allow_private: true,
            ..Options::default()
        })
        .unwrap();
        assert!(
            open.refusal(&Url::parse("http://127.0.0.1:8080/").unwrap())
                .is_none()
        );
    }

    struct Fake;
    impl Checker for Fake {
        async fn check(&self, url: &str) -> Outcome {
            if url.ends_with("/dead") {
                Outcome::Dead { code: 404 }
            } else {
                Outcome::Ok {
                    code: 200,
                    url: None,
                }
            }
        }
    }

    #[test]
    fn runner_checks_each_url_once() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let calls = std::cell::Cell::new(0);
        let out = rt.block_on(check_all(
            Arc::new(Fake),
            vec![
                "https://a.example/".into(),
                "https://a.example/".into(),
                "https://a.example/dead".into(),
            ],
            |_, _| calls.set(calls.get() + 1),
            std::future::pending(),
        ));
        assert_eq!(calls.get(), 2);
        assert!(!out.1, "not interrupted");
        assert_eq!(out.0["https://a.example/dead"], Outcome::Dead { code: 404 });
    }

    /// Answers `https://a.example/` at once and never answers any other URL.
    struct Stuck;

    impl Checker for Stuck {
        async fn check(&self, url: &str) -> Outcome {
            if url != "https://a.example/" {
                std::future::pending::<()>().await;
            }
            Outcome::Ok {
                code: 200,
                url: None,
            }
        }
    }

    #[test]
    fn a_stop_keeps_what_finished() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let (out, interrupted) = rt.block_on(check_all(
            Arc::new(Stuck),
            vec!["https://a.example/".into(), "https://b.example/".into()],
            |_, _| {},
            async { tokio::time::sleep(std::time::Duration::from_millis(200)).await },
        ));
        assert!(interrupted);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(out.contains_key("https://a.example/"));
    }
}
