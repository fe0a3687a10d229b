//! `qbank sources` against a server the test starts on 127.0.0.1 that answers like
//! Crossref's `/works` search and GitHub's latest-release API. The works are made up,
//! under 10.5555, the prefix Crossref keeps for tests.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::qbank;

/// A Crossref `work-list` answer with three works, one of them undated.
pub fn crossref_answer() -> String {
    serde_json::json!({
        "status": "ok", "message-type": "work-list", "message-version": "1.0.0",
        "message": {"facets": {}, "total-results": 3, "items-per-page": 3,
            "query": {"start-index": 0, "search-terms": "tail latency"},
            "items": [
                {"DOI": "10.5555/tail.2025", "title": ["Taming tail latency in fan-out services"],
                 "author": [{"given": "Ada", "family": "Example", "sequence": "first", "affiliation": []},
                            {"given": "Bo", "family": "Sample", "sequence": "additional", "affiliation": []}],
                 "published": {"date-parts": [[2025, 3, 14]]}, "issued": {"date-parts": [[2025, 3, 14]]},
                 "type": "journal-article", "language": "en", "container-title": ["Journal of Examples"]},
                {"DOI": "10.5555/QUEUE.2024", "title": ["Queueing for capacity planners"],
                 "author": [{"name": "Example Working Group", "sequence": "first", "affiliation": []}],
                 "issued": {"date-parts": [[2024, 9]]}, "type": "report"},
                {"DOI": "10.5555/undated", "title": ["An undated note"], "type": "other"}
            ]}
    })
    .to_string()
}

/// One request as the server saw it: the path with its query, and the user agent.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub user_agent: String,
}

/// Answers `/crossref/works?...` like Crossref and `/gh/repos/OWNER/REPO/releases/latest`
/// like GitHub; anything else is a 404.
pub struct Registry {
    base: String,
    hits: Arc<Mutex<Vec<Hit>>>,
}

impl Registry {
    pub fn start() -> Registry {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let seen = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(40) {
                let Ok(mut stream) = stream else { break };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut first = String::new();
                if reader.read_line(&mut first).unwrap_or(0) == 0 {
                    continue;
                }
                let mut agent = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("user-agent:") {
                        agent = v.trim().to_owned();
                    }
                }
                let path = first.split(' ').nth(1).unwrap_or_default().to_owned();
                seen.lock().expect("lock").push(Hit {
                    path: path.clone(),
                    user_agent: agent,
                });
                let (status, body) = if path.starts_with("/crossref/works?") {
                    (200, crossref_answer())
                } else if path == "/gh/repos/example/loadgen/releases/latest" {
                    (
                        200,
                        r#"{"tag_name": "v2.4.0", "published_at": "2026-11-02T10:00:00Z"}"#
                            .to_owned(),
                    )
                } else {
                    (404, r#"{"message": "Not Found"}"#.to_owned())
                };
                let _ = stream.write_all(
                    format!(
                        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    )
                    .as_bytes(),
                );
            }
        });
        Registry { base, hits }
    }

    pub fn crossref(&self) -> String {
        format!("{}/crossref/", self.base)
    }

    pub fn github(&self) -> String {
        format!("{}/gh/", self.base)
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.hits.lock().expect("lock").clone()
    }
}

/// Runs `qbank sources ARGS` in `dir` against `reg`; (exit code, stdout, stderr).
fn sources(reg: &Registry, dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = qbank()
        .current_dir(dir)
        .env("QBANK_CROSSREF_API", reg.crossref())
        .env("QBANK_GITHUB_API", reg.github())
        .arg("sources")
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .expect("qbank runs");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr,
    )
}

#[test]
fn sources_lists_recent_dated_works_and_releases_and_caches_them() {
    let reg = Registry::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = sources(
        &reg,
        dir.path(),
        &[
            "tail latency",
            "--rows",
            "3",
            "--since",
            "2024-01-01",
            "--tool",
            "github:example/loadgen",
            "--allow-private",
            "--contact",
            "perf@example.org",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\"tail latency\": 2 works published 2024-01-01 or later"),
        "{out}"
    );
    assert!(out.contains("- Taming tail latency in fan-out services. Ada Example, Bo Sample (2025-03-14). journal-article (type: journal), language en, in Journal of Examples. https://doi.org/10.5555/tail.2025"), "{out}");
    assert!(out.contains("Example Working Group (2024-09). report (type: report). https://doi.org/10.5555/queue.2024"), "{out}");
    assert!(
        !out.contains("undated"),
        "a work without a date is not offered: {out}"
    );
    assert!(
        out.contains("- github:example/loadgen: latest release v2.4.0, published 2026-11-02"),
        "{out}"
    );
    let hits = reg.hits();
    let search = hits
        .iter()
        .find(|h| h.path.starts_with("/crossref/works?"))
        .expect("a search");
    assert!(
        search
            .path
            .contains("query=tail+latency&rows=3&filter=from-pub-date:2024-01-01"),
        "{}",
        search.path
    );
    assert!(
        search.user_agent.starts_with("qbank/")
            && search.user_agent.contains("mailto:perf@example.org"),
        "{}",
        search.user_agent
    );
    assert!(dir.path().join(".qbank/sources.json").is_file());
    // Again, offline: the caches answer, nothing is sent.
    let before = reg.hits().len();
    let (code, again, err) = sources(
        &reg,
        dir.path(),
        &[
            "tail latency",
            "--rows",
            "3",
            "--since",
            "2024-01-01",
            "--tool",
            "github:example/loadgen",
            "--offline",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(reg.hits().len(), before);
    let j: serde_json::Value = serde_json::from_str(&again).expect("json");
    assert_eq!(j["searches"][0]["from_cache"], true);
    assert_eq!(j["searches"][0]["works"][0]["doi"], "10.5555/tail.2025");
    assert_eq!(j["searches"][0]["works"][0]["date"], "2025-03-14");
    assert_eq!(
        j["searches"][0]["works"][1]["authors"][0],
        "Example Working Group"
    );
    assert_eq!(j["releases"][0]["record"]["version"], "v2.4.0");
}

#[test]
fn sources_offline_without_a_cache_or_unreachable_says_so_and_exits_2() {
    let reg = Registry::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, out, err) = sources(&reg, dir.path(), &["tail latency", "--offline"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        err.contains("nothing could be looked up: \"tail latency\": not in the cache (offline)"),
        "{err}"
    );
    assert!(reg.hits().is_empty());
    // The address guard refuses a private address unless asked.
    let (code, _, err) = sources(&reg, dir.path(), &["tail latency"]);
    assert_eq!(code, 2);
    assert!(err.contains("private address"), "{err}");
    // Nothing listens on the port the tests point every registry at.
    let o = qbank()
        .current_dir(dir.path())
        .args([
            "sources",
            "tail latency",
            "--allow-private",
            "--max-retries",
            "0",
        ])
        .timeout(Duration::from_secs(60))
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing could be looked up"));
}

#[test]
fn sources_refuses_a_tool_that_names_no_registry() {
    let o = qbank()
        .args(["sources", "x", "--tool", "github:only-owner"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("is not github:OWNER/REPO"));
}
