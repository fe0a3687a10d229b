//! One chat request to a model through `genai`: the provider from the model name (or any
//! OpenAI-compatible server at `--base-url`), the key from the provider's usual
//! environment variable, a timeout, retries with backoff on 429 and 5xx honouring
//! `Retry-After`, and the reply streamed or whole. A key never appears in a message.

use std::time::Duration;

use futures_util::StreamExt;
use genai::adapter::AdapterKind;
use genai::chat::{ChatMessage, ChatOptions, ChatRequest, ChatStreamEvent, Usage};
use genai::resolver::{AuthData, Endpoint};
use genai::{Client, ModelIden, ServiceTarget, WebConfig};

/// How to reach the model.
#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub model: String,
    /// An OpenAI-compatible server (`http://127.0.0.1:11434/v1`); else the provider's own.
    pub base_url: Option<String>,
    /// For `base_url`: the environment variable holding its key (none: no key).
    pub api_key_env: Option<String>,
    /// Seconds to wait for the server: between chunks of a streamed reply, for all of a
    /// whole one.
    pub timeout: Duration,
    pub max_tokens: Option<u32>,
    /// Further tries after a 429 or 5xx.
    pub retries: u32,
    pub stream: bool,
    /// The longest `Retry-After` waited for; a longer one ends the run.
    pub max_retry_after: Duration,
}

pub(crate) use super::run::{Error, Reply, Target};

impl Config {
    fn base(&self) -> Option<String> {
        self.base_url.as_ref().map(|u| {
            let u = u.trim_end_matches('/');
            format!("{u}/")
        })
    }

    /// The provider, endpoint and key variable a request goes to.
    pub fn target(&self) -> Target {
        match self.base() {
            Some(url) => Target {
                provider: "openai-compatible".to_owned(),
                endpoint: url,
                key_env: self.api_key_env.clone(),
            },
            None => {
                let kind = AdapterKind::from_model(&self.model).unwrap_or(AdapterKind::Ollama);
                Target {
                    provider: kind.as_lower_str().to_owned(),
                    endpoint: default_endpoint(kind).to_owned(),
                    key_env: kind.default_key_env_name().map(str::to_owned),
                }
            }
        }
    }

    /// The key's value, when the target needs one (it is never printed).
    fn key(&self) -> Result<Option<String>, Error> {
        match self.target().key_env {
            None => Ok(None),
            Some(var) => match std::env::var(&var) {
                Ok(v) if !v.is_empty() => Ok(Some(v)),
                _ => Err(Error::MissingKey(var)),
            },
        }
    }

    fn client(&self) -> Result<(Client, Option<String>), Error> {
        let key = self.key()?;
        // The timeout between chunks is qbank's own (`tokio::time::timeout`); a total
        // timeout here would cut a long reply that is still arriving.
        let web = WebConfig::default().with_connect_timeout(self.timeout);
        let mut b = Client::builder().with_web_config(web);
        if let Some(url) = self.base() {
            let k = key.clone().unwrap_or_default();
            b = b.with_service_target_resolver_fn(
                move |st: ServiceTarget| -> Result<ServiceTarget, genai::resolver::Error> {
                    Ok(ServiceTarget {
                        endpoint: Endpoint::from_owned(url.clone()),
                        auth: AuthData::from_single(k.clone()),
                        model: ModelIden::new(AdapterKind::OpenAI, st.model.model_name),
                    })
                },
            );
        }
        Ok((b.build(), key))
    }
}

/// The provider's own endpoint, for the line printed before the first request.
fn default_endpoint(kind: AdapterKind) -> &'static str {
    match kind {
        AdapterKind::OpenAI | AdapterKind::OpenAIResp => "https://api.openai.com/v1/",
        AdapterKind::Anthropic => "https://api.anthropic.com/v1/",
        AdapterKind::Gemini => "https://generativelanguage.googleapis.com/v1beta/",
        AdapterKind::Groq => "https://api.groq.com/openai/v1/",
        AdapterKind::DeepSeek => "https://api.deepseek.com/v1/",
        AdapterKind::Xai => "https://api.x.ai/v1/",
        AdapterKind::Ollama => "http://localhost:11434/",
        _ => "the provider's default endpoint",
    }
}

/// A failed try: retry it (after `wait`, when the server said) or give up.
struct Failure {
    error: Error,
    retry: bool,
    wait: Option<Duration>,
}

fn status_failure(code: u16, headers: &reqwest::header::HeaderMap, body: &str) -> Failure {
    let wait = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| crate::links::check::parse_retry_after(v, jiff::Timestamp::now()));
    let short: String = body.chars().take(300).collect();
    let short = short.trim().to_owned();
    let error = match code {
        401 | 403 => Error::Auth(format!("{code} {short}")),
        _ => Error::Status(code, short),
    };
    Failure {
        error,
        retry: code == 429 || (500..600).contains(&code),
        wait,
    }
}

fn failure(e: genai::Error) -> Failure {
    use genai::webc::Error as W;
    let other = |m: String| Failure {
        error: Error::Other(m),
        retry: false,
        wait: None,
    };
    match e {
        genai::Error::WebModelCall { webc_error, .. }
        | genai::Error::WebAdapterCall { webc_error, .. } => match webc_error {
            W::ResponseFailedStatus {
                status,
                body,
                headers,
            } => status_failure(status.as_u16(), &headers, &body),
            W::Reqwest(r) => reqwest_failure(&r),
            other_err => other(other_err.to_string()),
        },
        genai::Error::ReqwestEventSource(inner) => match *inner {
            reqwest_eventsource::Error::InvalidStatusCode(status, resp) => {
                status_failure(status.as_u16(), resp.headers(), "")
            }
            reqwest_eventsource::Error::Transport(r) => reqwest_failure(&r),
            reqwest_eventsource::Error::InvalidContentType(_, resp) => other(format!(
                "the server did not stream (status {}, not text/event-stream); try --no-stream",
                resp.status()
            )),
            x => other(x.to_string()),
        },
        x => other(x.to_string()),
    }
}

fn reqwest_failure(r: &reqwest::Error) -> Failure {
    let mut msg = r.to_string();
    let mut src = std::error::Error::source(r);
    while let Some(s) = src {
        msg = format!("{msg}: {s}");
        src = s.source();
    }
    Failure {
        error: if r.is_timeout() {
            Error::Other(format!("timed out: {msg}"))
        } else {
            Error::Unreachable(msg)
        },
        retry: false,
        wait: None,
    }
}

/// Replaces the key wherever it appears in a message.
fn redact(e: Error, key: Option<&str>) -> Error {
    let Some(k) = key.filter(|k| k.len() >= 4) else {
        return e;
    };
    let r = |s: String| s.replace(k, "[redacted]");
    match e {
        Error::Auth(m) => Error::Auth(r(m)),
        Error::Unreachable(m) => Error::Unreachable(r(m)),
        Error::Status(c, m) => Error::Status(c, r(m)),
        Error::Other(m) => Error::Other(r(m)),
        x => x,
    }
}

/// Sends `prompt` as one user message and returns the reply; `progress` hears the
/// characters received so far.
pub async fn chat(
    cfg: &Config,
    system: &str,
    prompt: &str,
    progress: &mut dyn FnMut(usize),
) -> Result<Reply, Error> {
    let (client, key) = cfg.client()?;
    let req = ChatRequest::default()
        .with_system(system)
        .append_message(ChatMessage::user(prompt));
    // The raw body of a whole reply is read for a price the provider reports
    // (`usage.cost`, as OpenRouter sends it); nothing else of it is kept.
    let mut opts = ChatOptions::default()
        .with_capture_usage(true)
        .with_capture_content(true)
        .with_capture_raw_body(!cfg.stream);
    if let Some(m) = cfg.max_tokens {
        opts = opts.with_max_tokens(m);
    }
    let mut attempt = 0;
    loop {
        attempt += 1;
        let result = if cfg.stream {
            stream_once(&client, cfg, req.clone(), &opts, progress).await
        } else {
            whole_once(&client, cfg, req.clone(), &opts).await
        };
        match result {
            Ok(mut reply) => {
                reply.attempts = attempt;
                return Ok(reply);
            }
            Err(f) if f.retry && attempt <= cfg.retries => {
                let backoff = Duration::from_millis(500 * 2u64.pow((attempt - 1).min(6)));
                let wait = f.wait.unwrap_or(backoff);
                if wait > cfg.max_retry_after {
                    return Err(redact(
                        Error::Other(format!(
                            "{}; the server asks to wait {}s, longer than {}s",
                            f.error,
                            wait.as_secs(),
                            cfg.max_retry_after.as_secs()
                        )),
                        key.as_deref(),
                    ));
                }
                tokio::time::sleep(wait).await;
            }
            Err(f) => return Err(redact(f.error, key.as_deref())),
        }
    }
}

fn tokens(u: &Usage) -> (Option<u64>, Option<u64>) {
    let c = |x: Option<i32>| x.and_then(|v| u64::try_from(v).ok());
    (c(u.prompt_tokens), c(u.completion_tokens))
}

/// The price a provider reports for one reply (`usage.cost`, a non-negative number), if
/// it reports one. qbank never computes a price itself.
fn reported_cost(body: &serde_json::Value) -> Option<f64> {
    body.get("usage")?
        .get("cost")?
        .as_f64()
        .filter(|c| c.is_finite() && *c >= 0.0)
}

async fn whole_once(
    client: &Client,
    cfg: &Config,
    req: ChatRequest,
    opts: &ChatOptions,
) -> Result<Reply, Failure> {
    let call = client.exec_chat(&cfg.model, req, Some(opts));
    let res = match tokio::time::timeout(cfg.timeout, call).await {
        Err(_) => {
            return Err(Failure {
                error: Error::Timeout(cfg.timeout),
                retry: false,
                wait: None,
            });
        }
        Ok(r) => r.map_err(failure)?,
    };
    let (p, c) = tokens(&res.usage);
    Ok(Reply {
        text: res.first_text().unwrap_or_default().to_owned(),
        prompt_tokens: p,
        completion_tokens: c,
        cost: res.captured_raw_body.as_ref().and_then(reported_cost),
        attempts: 1,
    })
}

async fn stream_once(
    client: &Client,
    cfg: &Config,
    req: ChatRequest,
    opts: &ChatOptions,
    progress: &mut dyn FnMut(usize),
) -> Result<Reply, Failure> {
    let timeout = |_| Failure {
        error: Error::Timeout(cfg.timeout),
        retry: false,
        wait: None,
    };
    let res = tokio::time::timeout(
        cfg.timeout,
        client.exec_chat_stream(&cfg.model, req, Some(opts)),
    )
    .await
    .map_err(timeout)?
    .map_err(failure)?;
    let mut stream = res.stream;
    let mut text = String::new();
    let mut reply = Reply::default();
    loop {
        let next = tokio::time::timeout(cfg.timeout, stream.next())
            .await
            .map_err(timeout)?;
        match next {
            None => break,
            Some(Err(e)) => return Err(failure(e)),
            Some(Ok(ChatStreamEvent::Chunk(c))) => {
                text.push_str(&c.content);
                progress(text.chars().count());
            }
            Some(Ok(ChatStreamEvent::End(end))) => {
                if let Some(u) = &end.captured_usage {
                    (reply.prompt_tokens, reply.completion_tokens) = tokens(u);
                }
                break;
            }
            Some(Ok(_)) => {}
        }
    }
    reply.text = text;
    Ok(reply)
}

/// A provider's server as the generate loop's model: one request per round, on a
/// runtime of its own.
pub(crate) struct Remote {
    cfg: Config,
    runtime: tokio::runtime::Runtime,
}

impl Remote {
    /// Fails when the provider needs a key and its variable is unset or empty.
    pub fn new(cfg: Config) -> Result<Remote, Error> {
        cfg.key()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Other(format!("could not start the runtime: {e}")))?;
        Ok(Remote { cfg, runtime })
    }
}

impl super::run::Model for Remote {
    fn target(&self) -> Target {
        self.cfg.target()
    }

    fn model(&self) -> String {
        self.cfg.model.clone()
    }

    fn parameters(&self) -> String {
        // Streaming, timeouts and retries change how a reply arrives, not what it says.
        format!("max_tokens={:?}", self.cfg.max_tokens)
    }

    fn chat(
        &mut self,
        system: &str,
        prompt: &str,
        progress: &mut dyn FnMut(usize),
    ) -> Result<Reply, Error> {
        self.runtime
            .block_on(chat(&self.cfg, system, prompt, progress))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(model: &str, base: Option<&str>) -> Config {
        Config {
            model: model.to_owned(),
            base_url: base.map(str::to_owned),
            api_key_env: None,
            timeout: Duration::from_secs(5),
            max_tokens: None,
            retries: 0,
            stream: true,
            max_retry_after: Duration::from_secs(60),
        }
    }

    #[test]
    fn targets_follow_the_model_name_or_the_base_url() {
        let t = cfg("gpt-4o", None).target();
        assert_eq!(
            (t.provider.as_str(), t.key_env.as_deref()),
            ("openai", Some("OPENAI_API_KEY"))
        );
        let t = cfg("claude-sonnet-4-5", None).target();
        assert_eq!(t.key_env.as_deref(), Some("ANTHROPIC_API_KEY"));
        let t = cfg("qwen2.5:14b", Some("http://127.0.0.1:11434/v1")).target();
        assert_eq!(t.endpoint, "http://127.0.0.1:11434/v1/");
        assert_eq!(t.key_env, None);
    }

    #[test]
    fn a_cost_is_read_only_where_the_provider_reports_one() {
        let v = |s: &str| serde_json::from_str::<serde_json::Value>(s).expect("json");
        assert_eq!(
            reported_cost(&v(r#"{"usage": {"prompt_tokens": 3, "cost": 0.0125}}"#)),
            Some(0.0125)
        );
        assert_eq!(
            reported_cost(&v(r#"{"usage": {"prompt_tokens": 3}}"#)),
            None
        );
        assert_eq!(reported_cost(&v(r#"{"usage": {"cost": "free"}}"#)), None);
        assert_eq!(reported_cost(&v(r#"{"usage": {"cost": -1}}"#)), None);
    }

    #[test]
    fn redaction_removes_the_key() {
        let e = redact(
            Error::Status(500, "echo sk-secret-123".into()),
            Some("sk-secret-123"),
        );
        assert_eq!(e.to_string(), "the server answered 500: echo [redacted]");
    }
}
