//! `qbank links` and `check --online` against a server each test starts on 127.0.0.1.
//! Never the internet; every run is bounded in time.

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::bank::{Bank, Written};
use crate::common::qbank;

/// One request as the server saw it.
#[derive(Debug, Clone)]
struct Hit {
    method: String,
    path: String,
    user_agent: String,
    authorization: String,
    at: Instant,
}

/// What the server does with a request.
enum Reply {
    /// A status, extra headers, and a small body.
    Status(u16, Vec<(&'static str, String)>),
    /// Accept, read the request, and never answer.
    Never,
    /// 200 with a body of this many bytes, written lazily in 64 KiB chunks.
    Huge(usize),
    /// A status and a JSON body.
    Json(u16, String),
}

type Route = dyn Fn(&str, &str, usize) -> Reply + Send + Sync;

/// A tiny keep-alive HTTP/1.1 server. `route(method, path, n)` decides each reply, `n`
/// being how many earlier requests had the same path.
struct Server {
    base: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    body_bytes_sent: Arc<AtomicUsize>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Server {
    fn start(route: impl Fn(&str, &str, usize) -> Reply + Send + Sync + 'static) -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let listener = runtime
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let sent: Arc<AtomicUsize> = Arc::default();
        let route: Arc<Route> = Arc::new(route);
        let (h, s) = (hits.clone(), sent.clone());
        runtime.spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    continue;
                };
                let (route, hits, sent) = (route.clone(), h.clone(), s.clone());
                tokio::spawn(async move {
                    let (read, mut write) = sock.into_split();
                    let mut read = BufReader::new(read);
                    loop {
                        let mut head = Vec::new();
                        loop {
                            let mut line = String::new();
                            match read.read_line(&mut line).await {
                                Ok(0) | Err(_) => return,
                                Ok(_) if line == "\r\n" => break,
                                Ok(_) => head.push(line),
                            }
                        }
                        let mut first = head.first().map_or("", |l| l.as_str()).split(' ');
                        let method = first.next().unwrap_or_default().to_owned();
                        let path = first.next().unwrap_or_default().to_owned();
                        let user_agent = head
                            .iter()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("user-agent")
                                    .then(|| v.trim().to_owned())
                            })
                            .unwrap_or_default();
                        let authorization = head
                            .iter()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("authorization")
                                    .then(|| v.trim().to_owned())
                            })
                            .unwrap_or_default();
                        let n = {
                            let mut hits = hits.lock().unwrap();
                            let n = hits.iter().filter(|x| x.path == path).count();
                            hits.push(Hit {
                                method: method.clone(),
                                path: path.clone(),
                                user_agent,
                                authorization,
                                at: Instant::now(),
                            });
                            n
                        };
                        match route(&method, &path, n) {
                            Reply::Never => {
                                tokio::time::sleep(Duration::from_secs(3600)).await;
                                return;
                            }
                            Reply::Status(code, headers) => {
                                let body = if method == "HEAD" { "" } else { "ok" };
                                let mut resp = format!(
                                    "HTTP/1.1 {code} X\r\nContent-Length: {}\r\n",
                                    if method == "HEAD" { 2 } else { body.len() }
                                );
                                for (k, v) in headers {
                                    resp.push_str(&format!("{k}: {v}\r\n"));
                                }
                                resp.push_str("\r\n");
                                resp.push_str(body);
                                if write.write_all(resp.as_bytes()).await.is_err() {
                                    return;
                                }
                            }
                            Reply::Json(code, body) => {
                                let mut resp = format!(
                                    "HTTP/1.1 {code} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                                    body.len()
                                );
                                if method != "HEAD" {
                                    resp.push_str(&body);
                                }
                                if write.write_all(resp.as_bytes()).await.is_err() {
                                    return;
                                }
                            }
                            Reply::Huge(len) => {
                                let head =
                                    format!("HTTP/1.1 200 OK\r\nContent-Length: {len}\r\n\r\n");
                                if write.write_all(head.as_bytes()).await.is_err() {
                                    return;
                                }
                                if method == "HEAD" {
                                    continue;
                                }
                                let chunk = vec![b'x'; 64 * 1024];
                                let mut left = len;
                                while left > 0 {
                                    let n = left.min(chunk.len());
                                    if write.write_all(&chunk[..n]).await.is_err() {
                                        return;
                                    }
                                    sent.fetch_add(n, Ordering::Relaxed);
                                    left -= n;
                                }
                            }
                        }
                    }
                });
            }
        });
        Server {
            base: format!("http://{addr}"),
            hits,
            body_bytes_sent: sent,
            runtime: Some(runtime),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    fn hits_on(&self, path: &str) -> Vec<Hit> {
        self.hits().into_iter().filter(|h| h.path == path).collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

fn redirect(code: u16, to: &str) -> Reply {
    Reply::Status(code, vec![("Location", to.to_owned())])
}

fn ok() -> Reply {
    Reply::Status(200, vec![])
}

/// The routes most tests share.
fn standard(method: &str, path: &str, n: usize) -> Reply {
    match path {
        "/ok" | "/final" | "/landing/abcd" | "/web/k6" => ok(),
        "/missing" => Reply::Status(404, vec![]),
        "/gone" => Reply::Status(410, vec![]),
        "/flaky" if n == 0 => Reply::Status(500, vec![]),
        "/flaky" => ok(),
        "/limited" if n == 0 => Reply::Status(429, vec![("Retry-After", "1".into())]),
        "/limited" => ok(),
        "/nohead" if method == "HEAD" => Reply::Status(405, vec![]),
        "/nohead" => ok(),
        "/r1" => redirect(301, "/r2"),
        "/r2" => redirect(302, "r3"),
        "/r3" => redirect(307, "/final"),
        "/loop-a" => redirect(302, "/loop-b"),
        "/loop-b" => redirect(302, "/loop-a"),
        "/hang" => Reply::Never,
        "/big" if method == "HEAD" => Reply::Status(405, vec![]),
        "/big" => Reply::Huge(200 * 1024 * 1024),
        // The DOI resolver: a browser is sent to the landing page, a metadata request
        // (GET with CSL JSON asked for) gets the record.
        "/doi/10.1234/abcd" if method == "GET" => Reply::Json(200, fixture("csl-little-2011")),
        p if p.starts_with("/doi/") => redirect(302, "/landing/abcd"),
        _ => Reply::Status(404, vec![]),
    }
}

/// A registry answer written as a fixture (tests/fixtures/registry/NAME.json).
fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        crate::common::fixtures()
            .join("registry")
            .join(format!("{name}.json")),
    )
    .expect("fixture")
}

/// A temporary folder holding `doc.md` with one link per line (line 1 is a title).
fn doc(server: &Server, paths: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut md = String::from("# Links\n");
    for p in paths {
        md.push_str(&format!("- [link]({})\n", server.url(p)));
    }
    std::fs::write(dir.path().join("doc.md"), md).expect("write doc");
    dir
}

/// Runs `qbank links ARGS` in `dir` (where the cache lives); (exit code, stdout, stderr, time).
fn links(dir: &Path, args: &[&str]) -> (i32, String, String, Duration) {
    let start = Instant::now();
    let out = qbank()
        .current_dir(dir)
        .arg("links")
        .args(args)
        .timeout(Duration::from_secs(30))
        .output()
        .expect("qbank runs");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "qbank panicked:\n{stderr}");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
        start.elapsed(),
    )
}

const FAST: [&str; 4] = ["--allow-private", "--retry-wait", "100ms", "--timeout=5s"];

#[test]
fn ok_404_and_410_with_file_and_line() {
    let s = Server::start(standard);
    let d = doc(&s, &["/ok", "/missing", "/gone"]);
    let (code, out, _, _) = links(d.path(), &[&["doc.md"][..], &FAST].concat());
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("404 Not Found: {}", s.url("/missing"))),
        "{out}"
    );
    assert!(
        out.contains(&format!("410 Gone: {}", s.url("/gone"))),
        "{out}"
    );
    assert!(out.contains("doc.md:3:"), "{out}");
    assert!(out.contains("doc.md:4:"), "{out}");
    assert!(
        !out.contains("doc.md:2:"),
        "the working link is not reported:\n{out}"
    );
    assert!(out.contains("3 links (3 unique): 1 ok, 2 broken"), "{out}");
    let hits = s.hits();
    assert!(
        hits.iter().all(|h| h.user_agent.starts_with("qbank/")),
        "{hits:?}"
    );
    // A 4xx is final: no retry.
    assert_eq!(s.hits_on("/missing").len(), 1);
}

#[test]
fn server_error_then_success_on_retry() {
    let s = Server::start(standard);
    let d = doc(&s, &["/flaky"]);
    let (code, out, _, _) = links(d.path(), &[&["doc.md"][..], &FAST].concat());
    assert_eq!(code, 0, "{out}");
    assert_eq!(s.hits_on("/flaky").len(), 2);
}

#[test]
fn too_many_requests_honours_retry_after() {
    let s = Server::start(standard);
    let d = doc(&s, &["/limited"]);
    let (code, out, _, _) = links(d.path(), &[&["doc.md"][..], &FAST].concat());
    assert_eq!(code, 0, "{out}");
    let hits = s.hits_on("/limited");
    assert_eq!(hits.len(), 2, "{hits:?}");
    let waited = hits[1].at - hits[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "waited only {waited:?}"
    );
}

#[test]
fn head_refused_then_get() {
    let s = Server::start(standard);
    let d = doc(&s, &["/nohead"]);
    let (code, out, _, _) = links(d.path(), &[&["doc.md"][..], &FAST].concat());
    assert_eq!(code, 0, "{out}");
    let methods: Vec<String> = s.hits_on("/nohead").into_iter().map(|h| h.method).collect();
    assert_eq!(methods, ["HEAD", "GET"]);
}

#[test]
fn redirect_chain_that_ends_well() {
    let s = Server::start(standard);
    let d = doc(&s, &["/r1"]);
    let (code, out, _, _) = links(d.path(), &[&["doc.md"][..], &FAST].concat());
    assert_eq!(code, 0, "{out}");
    assert_eq!(s.hits_on("/final").len(), 1);
}

#[test]
fn redirect_loop_is_broken() {
    let s = Server::start(standard);
    let d = doc(&s, &["/loop-a"]);
    let (code, out, _, _) = links(d.path(), &[&["doc.md"][..], &FAST].concat());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("redirect loop"), "{out}");
    assert!(s.hits().len() <= 3, "{:?}", s.hits());
}

#[test]
fn a_server_that_never_answers_times_out_in_bound() {
    let s = Server::start(standard);
    let d = doc(&s, &["/hang"]);
    // Bound: 2 attempts x 1 s + a 100 ms backoff, plus start-up.
    let (code, out, _, took) = links(
        d.path(),
        &[
            "doc.md",
            "--allow-private",
            "--timeout",
            "1s",
            "--max-retries",
            "1",
            "--retry-wait",
            "100ms",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("timed out"), "{out}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert_eq!(s.hits_on("/hang").len(), 2);
}

#[test]
fn a_huge_body_is_not_read() {
    let s = Server::start(standard);
    let d = doc(&s, &["/big"]);
    let (code, out, _, took) = links(d.path(), &[&["doc.md"][..], &FAST].concat());
    assert_eq!(code, 0, "{out}");
    assert!(took < Duration::from_secs(10), "took {took:?}");
    // Give the server a moment to notice the closed connection, then look at what it sent.
    std::thread::sleep(Duration::from_millis(200));
    let sent = s.body_bytes_sent.load(Ordering::Relaxed);
    assert!(
        sent < 32 * 1024 * 1024,
        "the client read {sent} bytes of a 200 MB body"
    );
}

#[test]
fn cache_hit_then_expiry() {
    let s = Server::start(standard);
    let d = doc(&s, &["/ok", "/missing"]);
    let args = [&["doc.md"][..], &FAST].concat();
    let (code, _, _, _) = links(d.path(), &args);
    assert_eq!(code, 1);
    let first = s.hits().len();
    assert_eq!(first, 2);
    let cache = std::fs::read_to_string(d.path().join(".qbank/cache.json")).expect("cache");
    assert!(cache.contains(r#""status": "ok""#), "{cache}");
    // Only successes are cached: a failure may be transient.
    assert!(!cache.contains(r#""status": "dead""#), "{cache}");

    // Inside the age: the success from the cache, the failure checked again.
    let (code, out, _, _) = links(d.path(), &args);
    assert_eq!(code, 1, "{out}");
    assert_eq!(s.hits_on("/ok").len(), 1, "a cached link was requested");
    assert_eq!(
        s.hits_on("/missing").len(),
        2,
        "a failure was answered from the cache"
    );
    assert!(out.contains("1 from the cache, 1 request"), "{out}");

    // Age 0: everything is checked again.
    let before = s.hits().len();
    let (_, _, _, _) = links(d.path(), &[&args[..], &["--max-cache-age", "0"]].concat());
    assert_eq!(s.hits().len(), before + 2);

    // Entries older than the default day expire.
    let old = std::fs::read_to_string(d.path().join(".qbank/cache.json")).expect("cache");
    let re = regex::Regex::new(r#""checked": "[^"]+""#).unwrap();
    let old = re.replace_all(&old, r#""checked": "2000-01-01T00:00:00Z""#);
    std::fs::write(d.path().join(".qbank/cache.json"), old.as_bytes()).unwrap();
    let (_, _, _, _) = links(d.path(), &args);
    assert_eq!(s.hits().len(), before + 4);
}

/// A port on 127.0.0.1 that nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

#[test]
fn no_network_is_said_once_and_nothing_is_cached() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (a, b) = (closed_port(), closed_port());
    std::fs::write(
        dir.path().join("doc.md"),
        format!("# Links\n- <http://127.0.0.1:{a}/x>\n- <http://127.0.0.1:{b}/y>\n"),
    )
    .unwrap();
    let args = [
        "doc.md",
        "--allow-private",
        "--max-retries",
        "0",
        "--timeout",
        "2s",
    ];
    let (code, out, _, _) = links(dir.path(), &args);
    assert_eq!(code, 2, "{out}");
    assert_eq!(out.matches("network unavailable").count(), 1, "{out}");
    assert!(
        !out.contains("dead-link") && !out.contains("unreachable-link"),
        "{out}"
    );
    let cache = std::fs::read_to_string(dir.path().join(".qbank/cache.json")).unwrap_or_default();
    assert!(!cache.contains("127.0.0.1"), "{cache}");
    // One host down among working ones is that link's problem: unreachable, exit 1.
    let s = Server::start(standard);
    std::fs::write(
        dir.path().join("doc.md"),
        format!(
            "# Links\n- <http://127.0.0.1:{a}/x>\n- [ok]({})\n",
            s.url("/ok")
        ),
    )
    .unwrap();
    let (code, out, _, _) = links(dir.path(), &args);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("error[unreachable-link]: unreachable:"),
        "{out}"
    );
    assert!(out.contains("1 unreachable"), "{out}");
}

#[test]
fn exclude_accept_and_json() {
    let s = Server::start(standard);
    let d = doc(&s, &["/ok", "/missing", "/gone"]);
    let args = [&["doc.md"][..], &FAST].concat();
    let (code, out, _, _) = links(
        d.path(),
        &[
            &args[..],
            &["--exclude", "/gone$", "--accept", "200..=299,404"],
        ]
        .concat(),
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        s.hits_on("/gone").is_empty(),
        "an excluded link was requested"
    );
    assert!(out.contains("2 ok, 0 broken"), "{out}");
    assert!(out.contains("1 excluded"), "{out}");
    let (code, out, _, _) = links(d.path(), &[&args[..], &["--format", "json"]].concat());
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(json["summary"]["broken"], 2, "{json}");
    let verdicts: Vec<&str> = json["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["verdict"].as_str().unwrap())
        .collect();
    assert_eq!(verdicts, ["ok", "broken", "broken"]);
    let (_, md, _, _) = links(d.path(), &[&args[..], &["--format", "markdown"]].concat());
    assert!(md.contains("| broken |"), "{md}");
}

#[test]
fn a_corrupt_cache_is_reported_and_ignored() {
    let s = Server::start(standard);
    let d = doc(&s, &["/ok"]);
    std::fs::create_dir_all(d.path().join(".qbank")).unwrap();
    std::fs::write(d.path().join(".qbank/cache.json"), "{ not json").unwrap();
    let (code, out, err, _) = links(d.path(), &[&["doc.md"][..], &FAST].concat());
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("ignoring the link cache"), "{err}");
    let cache = std::fs::read_to_string(d.path().join(".qbank/cache.json")).unwrap();
    assert!(cache.contains(r#""version": 1"#), "rewritten: {cache}");
}

#[test]
fn private_addresses_are_refused_by_default() {
    let s = Server::start(standard);
    let port = s.base.rsplit(':').next().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("doc.md"),
        format!(
            "- <{}>\n- <http://localhost:{port}/ok>\n- <ftp://127.0.0.1/x>\n",
            s.url("/ok")
        ),
    )
    .unwrap();
    let (code, out, _, _) = links(dir.path(), &["doc.md", "--no-cache"]);
    assert_eq!(code, 0, "{out}");
    assert!(s.hits().is_empty(), "requests were sent: {:?}", s.hits());
    assert!(out.contains("is a private address"), "{out}");
    assert!(out.contains("resolves to a private address"), "{out}");
    assert!(
        out.contains("0 ok, 0 broken, 0 archived, 2 unverified"),
        "{out}"
    );
}

/// A bank of one question whose links point at `server`: the tool `T1` (url `/k6`, plus
/// `archived` when given), a link in the answer (`/ok`), and the DOI `10.1234/abcd` of
/// the only citation, `A1`.
fn bank(server: &Server, archived: Option<&str>) -> Written {
    let link = server.url("/ok");
    Bank::passing()
        .retain_questions(|q| q.str("id") == "k6-ci-gate")
        .question("k6-ci-gate", |q| {
            let optimize = q.step_text("Optimize");
            q.step("Optimize", &format!("{optimize} (thresholds: {link})"));
        })
        .tools(|t| {
            t.truncate(1);
            t[0].set("url", server.url("/k6"));
            match archived {
                Some(a) => t[0].set("archived", server.url(a)),
                None => t[0].remove("archived"),
            };
        })
        .literature(|l| l.clear())
        .citations(|c| {
            c.truncate(1);
            c[0].set("doi", "10.1234/abcd");
        })
        .write()
}

/// The line of `key:` in the written `rel` (1-based).
fn line_of(d: &Written, rel: &str, key: &str) -> usize {
    let text = std::fs::read_to_string(d.root.join(rel)).unwrap();
    1 + text
        .lines()
        .position(|l| l.trim_start().trim_start_matches("- ").starts_with(key))
        .unwrap_or_else(|| panic!("no `{key}` in {rel}"))
}

#[test]
fn bank_links_with_a_doi_redirect_and_an_archive() {
    let s = Server::start(|m, p, n| match p {
        "/k6" => Reply::Status(404, vec![]),
        _ => standard(m, p, n),
    });
    let d = bank(&s, Some("/web/k6"));
    let doi = format!("--doi-resolver={}", s.url("/doi/"));
    let (code, out, _, _) = links(d.path(), &[&["bank", &doi][..], &FAST].concat());
    assert_eq!(code, 0, "{out}");
    // The DOI went through the resolver and followed its redirect to the landing page;
    // its metadata was asked for once (GET).
    let methods: Vec<String> = s
        .hits_on("/doi/10.1234/abcd")
        .into_iter()
        .map(|h| h.method)
        .collect();
    assert_eq!(methods.iter().filter(|m| *m == "HEAD").count(), 1);
    assert_eq!(methods.iter().filter(|m| *m == "GET").count(), 1);
    assert_eq!(s.hits_on("/landing/abcd").len(), 1);
    // The dead tool URL has a working archive: reported as archived, not broken.
    assert!(out.contains("archived-link"), "{out}");
    let at = format!(
        "tools.yaml:{}:",
        line_of(&d, "references/tools.yaml", "url:")
    );
    assert!(out.contains(&at), "{out}");
    assert!(
        out.contains("4 links (4 unique): 3 ok, 0 broken, 1 archived"),
        "{out}"
    );
}

/// Gate 17 of `qbank check bank --format json ARGS` run in `dir`, DOIs resolved by `server`.
fn check_gate_17(dir: &Path, server: &Server, args: &[&str], secs: u64) -> serde_json::Value {
    let doi = format!("--doi-resolver={}", server.url("/doi/"));
    let out = qbank()
        .current_dir(dir)
        .args(["check", "bank", "--format", "json", &doi])
        .args(args)
        .timeout(Duration::from_secs(secs))
        .output()
        .unwrap();
    gate_17(&serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap())
}

/// Gate 17's row in a `check --format json` report.
fn gate_17(json: &serde_json::Value) -> serde_json::Value {
    json["banks"][0]["gates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["number"] == 17)
        .cloned()
        .unwrap()
}

#[test]
fn check_online_feeds_gate_17() {
    let s = Server::start(|m, p, n| match p {
        "/k6" => ok(),
        _ => standard(m, p, n),
    });
    let d = bank(&s, None);
    // Offline: links that are neither DOI nor archived are WARN, and nothing is requested.
    let offline = check_gate_17(d.path(), &s, &[], 30);
    assert_eq!(offline["status"], "WARN", "{offline}");
    assert!(s.hits().is_empty());
    // Online: the tool URL and the answer's link answer 200: verified live.
    let online = check_gate_17(d.path(), &s, &["--online", "--allow-private"], 30);
    assert_eq!(online["status"], "PASS", "{online}");
    assert!(
        online["evidence"]
            .as_str()
            .unwrap()
            .contains("checked live"),
        "{online}"
    );
    assert!(!s.hits_on("/k6").is_empty());
}

#[test]
fn a_changed_link_result_checks_the_bank_again() {
    // The answer's link is live on its first request and dead afterwards.
    let s = Server::start(|m, p, n| match p {
        "/k6" => ok(),
        "/ok" if n > 0 => Reply::Status(404, vec![]),
        _ => standard(m, p, n),
    });
    let d = bank(&s, None);
    let args = ["--online", "--allow-private"];
    assert_eq!(check_gate_17(d.path(), &s, &args, 30)["status"], "PASS");
    // Same link results (from the link cache): the stored result is valid.
    let before = s.hits().len();
    assert_eq!(check_gate_17(d.path(), &s, &args, 30)["status"], "PASS");
    assert_eq!(s.hits().len(), before, "the link cache answered");
    // The link cache is gone: the link is asked again and is now dead. The stored
    // result was measured with other link results, so the bank is checked again.
    std::fs::remove_file(d.path().join(".qbank/cache.json")).unwrap();
    assert_eq!(check_gate_17(d.path(), &s, &args, 30)["status"], "FAIL");
}

#[test]
fn check_online_fails_gate_17_on_a_dead_link() {
    let s = Server::start(standard);
    let d = bank(&s, None);
    let g = check_gate_17(d.path(), &s, &[&["--online"][..], &FAST].concat(), 30);
    assert_eq!(g["status"], "FAIL", "{g}");
    assert!(g["evidence"].as_str().unwrap().contains("1 dead"), "{g}");
}

#[test]
fn a_rate_limited_host_is_slowed_down_for_every_url() {
    let s = Server::start(standard);
    let d = doc(&s, &["/limited", "/ok", "/final"]);
    let args = [&["doc.md", "--host-concurrency", "1"][..], &FAST].concat();
    let (code, out, _, _) = links(d.path(), &args);
    assert_eq!(code, 0, "{out}");
    let hits = s.hits();
    let limited = hits.iter().find(|h| h.path == "/limited").unwrap().at;
    for h in hits.iter().filter(|h| h.at > limited) {
        let after = h.at - limited;
        assert!(
            after >= Duration::from_millis(950),
            "{} was requested {after:?} after the 429",
            h.path
        );
    }
}

#[test]
fn offline_sends_nothing() {
    let s = Server::start(standard);
    let d = doc(&s, &["/ok", "/missing"]);
    let (code, out, _, _) = links(d.path(), &["doc.md", "--allow-private", "--offline"]);
    assert_eq!(code, 0, "{out}");
    assert!(s.hits().is_empty());
    assert!(
        out.contains("0 ok, 0 broken, 0 archived, 2 unverified"),
        "{out}"
    );
}

/// The builder's whole bank with every tool and source URL pointed at a local server that
/// answers 200 (archives dropped) and its DOIs resolved through it: gate 17 PASSes because
/// every link was checked live, not because of an archive URL.
#[test]
fn the_passing_bank_checked_live_passes_gate_17() {
    let s = Server::start(|_, _, _| ok());
    let (mut tools, mut sources) = (0, 0);
    let d = Bank::passing()
        .tools(|t| {
            for e in t.iter_mut() {
                tools += 1;
                e.set("url", s.url(&format!("/tool/{tools}")));
                e.unset("archived");
            }
        })
        .sources(|e| {
            if e.get("url").is_some() {
                sources += 1;
                e.set("url", s.url(&format!("/source/{sources}")));
            }
            e.unset("archived");
        })
        .write();
    let g = check_gate_17(d.path(), &s, &[&["--online"][..], &FAST].concat(), 60);
    assert_eq!(g["status"], "PASS", "{g}");
    assert!(
        g["evidence"].as_str().unwrap().contains("checked live"),
        "{g}"
    );
    assert!(!s.hits_on("/tool/1").is_empty(), "{:?}", s.hits());
    assert!(!s.hits_on("/doi/10.1287/opre.1110.0940").is_empty());
}

/// `qbank links --pin-archives`: a year-only archive URL that the archive redirects to a
/// snapshot is rewritten as that snapshot's URL, in place, and gate 17 then counts it as
/// persistent offline. The archive here is a local server named in the rubric's
/// `archive_hosts` (the real one is not reachable from tests).
/// A server whose archive redirects a year-only URL to a snapshot, and a bank citing
/// that URL in references/tools.yaml with a rubric naming the server as an archive.
fn pinnable_bank() -> (Server, Written, String) {
    let s = Server::start(|m, p, n| match p {
        "/k6" => ok(),
        p if p.starts_with("/web/2026/") => {
            redirect(302, &p.replacen("/web/2026/", "/web/20260314093000/", 1))
        }
        p if p.starts_with("/web/20260314093000/") => ok(),
        _ => standard(m, p, n),
    });
    let partial = s.url("/web/2026/https://k6.io/docs/");
    let d = bank(&s, Some("/web/2026/https://k6.io/docs/"));
    // A rubric whose archive hosts include the local server.
    let rubric = qbank_rubric_with_archive_host("127.0.0.1");
    std::fs::write(d.root.join("rubric.yaml"), rubric).unwrap();
    let meta = d.root.join("bank.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    let text = if text.contains("rubric:") {
        regex::Regex::new(r"(?m)^rubric:.*$")
            .unwrap()
            .replace(&text, "rubric: ./rubric.yaml")
            .into_owned()
    } else {
        format!("{text}rubric: ./rubric.yaml\n")
    };
    std::fs::write(&meta, text).unwrap();
    (s, d, partial)
}

#[test]
fn pin_archives_writes_the_snapshot_a_partial_archive_url_resolved_to() {
    let (s, d, partial) = pinnable_bank();
    let tools = d.root.join("references/tools.yaml");
    let before = std::fs::read_to_string(&tools).unwrap();
    assert!(before.contains(&partial), "{before}");
    let doi = format!("--doi-resolver={}", s.url("/doi/"));
    let gate = |extra: &[&str]| check_gate_17(d.path(), &s, extra, 30);
    // Before: the partial URL names no snapshot.
    let g = gate(&[]);
    assert!(
        g["evidence"]
            .as_str()
            .unwrap()
            .contains("1 archived unverified"),
        "{g}"
    );
    let (code, out, err, _) = links(
        d.path(),
        &[&["bank", &doi, "--pin-archives"][..], &FAST].concat(),
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("pinned 1 archive URL"), "{out}");
    let after = std::fs::read_to_string(&tools).unwrap();
    let pinned = s.url("/web/20260314093000/https://k6.io/docs/");
    assert!(after.contains(&pinned), "{after}");
    // Only the URL changed.
    assert_eq!(after.replace(&pinned, &partial), before);
    // After: offline, the snapshot URL is persistent.
    let g = gate(&[]);
    assert!(
        !g["evidence"]
            .as_str()
            .unwrap()
            .contains("archived unverified"),
        "{g}"
    );
    assert!(
        g["evidence"].as_str().unwrap().contains("1 archived"),
        "{g}"
    );
    // A second run has nothing left to pin.
    let (_, out, _, _) = links(
        d.path(),
        &[&["bank", &doi, "--pin-archives"][..], &FAST].concat(),
    );
    assert!(out.contains("pinned 0 archive URLs"), "{out}");
}

/// `--pin-archives` rewrites a bank's files in place, but never one that a symbolic link
/// in the bank points to outside it.
#[cfg(unix)]
#[test]
fn pin_archives_does_not_write_through_a_link_out_of_the_bank() {
    let (s, d, partial) = pinnable_bank();
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().join("tools.yaml");
    let tools = d.root.join("references/tools.yaml");
    std::fs::rename(&tools, &outside).unwrap();
    std::os::unix::fs::symlink(&outside, &tools).unwrap();
    let before = std::fs::read_to_string(&outside).unwrap();
    assert!(before.contains(&partial), "{before}");
    let doi = format!("--doi-resolver={}", s.url("/doi/"));
    let (code, out, err, _) = links(
        d.path(),
        &[&["bank", &doi, "--pin-archives"][..], &FAST].concat(),
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("refusing to write"), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), before);
    assert!(tools.is_symlink());
}

/// The built-in rubric with `host` added to its archive hosts.
fn qbank_rubric_with_archive_host(host: &str) -> String {
    let out = qbank().args(["rubric", "--default"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let re = regex::Regex::new(r"(?m)^archive_hosts: \[").unwrap();
    assert!(re.is_match(&text), "the default rubric lists archive_hosts");
    re.replace(&text, format!("archive_hosts: [{host}, "))
        .into_owned()
}

/// Ctrl-C while a link hangs: the link that was answered is kept (in the cache and in a
/// partial summary), the hanging one is reported as not checked, and the exit code is
/// 130. The SIGINT is sent only once the server has seen both requests and answered one.
#[cfg(unix)]
#[test]
fn ctrl_c_keeps_what_finished() {
    let s = Server::start(standard);
    let d = doc(&s, &["/ok", "/hang"]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_qbank"))
        .current_dir(d.path())
        .args(["links", "doc.md", "--allow-private", "--timeout", "60s"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("qbank starts");
    let deadline = Instant::now() + Duration::from_secs(20);
    while s.hits_on("/ok").is_empty() || s.hits_on("/hang").is_empty() {
        assert!(Instant::now() < deadline, "the requests never came");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The answer to /ok is a few bytes on the loopback; give it time to be read.
    std::thread::sleep(Duration::from_millis(500));
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("qbank did not stop on SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("interrupted: 2 links (2 unique): 1 ok"),
        "{stdout}"
    );
    assert!(stdout.contains("1 link not checked"), "{stdout}");
    assert!(
        !stdout.contains("/hang"),
        "no verdict for the unanswered link: {stdout}"
    );
    let cache = std::fs::read_to_string(d.path().join(".qbank/cache.json")).expect("cache written");
    assert!(cache.contains(&s.url("/ok")), "{cache}");
    assert!(!cache.contains("/hang"), "{cache}");
}

/// [`bank`] with its citation `A1` (Little 2011, DOI `10.1234/abcd`) changed by `f`.
fn cited_bank(server: &Server, f: impl FnOnce(&mut crate::bank::Map)) -> Written {
    let link = server.url("/ok");
    Bank::passing()
        .retain_questions(|q| q.str("id") == "k6-ci-gate")
        .question("k6-ci-gate", |q| {
            let optimize = q.step_text("Optimize");
            q.step("Optimize", &format!("{optimize} (thresholds: {link})"));
        })
        .tools(|t| {
            t.truncate(1);
            t[0].set("url", server.url("/k6"));
            t[0].remove("archived");
        })
        .literature(|l| l.clear())
        .citations(|c| {
            c.truncate(1);
            c[0].set("doi", "10.1234/abcd");
            f(&mut c[0]);
        })
        .write()
}

/// `qbank links bank` with DOIs resolved and looked up at `server`.
fn verify(server: &Server, d: &Written, extra: &[&str]) -> (i32, String) {
    let doi = format!("--doi-resolver={}", server.url("/doi/"));
    let crossref = format!("--crossref-api={}", server.url("/crossref/"));
    let (code, out, _, _) = links(
        d.path(),
        &[&["bank", &doi, &crossref][..], &FAST, extra].concat(),
    );
    (code, out)
}

/// The routes of [`standard`] with `/k6` live.
fn registry_routes(m: &str, p: &str, n: usize) -> Reply {
    match p {
        "/k6" => ok(),
        _ => standard(m, p, n),
    }
}

/// GET requests for the DOI's record at the resolver.
fn lookups(s: &Server) -> usize {
    s.hits_on("/doi/10.1234/abcd")
        .iter()
        .filter(|h| h.method == "GET")
        .count()
}

#[test]
fn a_doi_whose_registry_agrees_is_confirmed_then_answered_from_the_cache() {
    let s = Server::start(registry_routes);
    let d = cited_bank(&s, |_| {});
    let (code, out) = verify(&s, &d, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("1 DOI or ISBN looked up: 1 as registered, 0 mismatched"),
        "{out}"
    );
    assert_eq!(lookups(&s), 1);
    // The record is cached like a live link: not asked again while fresh...
    let (code, out) = verify(&s, &d, &[]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(lookups(&s), 1, "the cache answered");
    let cache = std::fs::read_to_string(d.path().join(".qbank/cache.json")).unwrap();
    assert!(cache.contains("\"doi:10.1234/abcd\""), "{cache}");
    // ...and asked again once older than --max-cache-age.
    verify(&s, &d, &["--max-cache-age", "0"]);
    assert_eq!(lookups(&s), 2);
}

#[test]
fn a_doi_registered_to_another_work_is_a_citation_mismatch() {
    let s = Server::start(registry_routes);
    // Another title, author and year: each named, with what the registry holds.
    let d = cited_bank(&s, |c| {
        c.set("title", "The tail at scale");
        c.set("authors", &["Dean, J."][..]);
        c.set("year", 2013i64);
    });
    let (code, out) = verify(&s, &d, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("citation-mismatch"), "{out}");
    assert!(
        out.contains(r#"is registered to title "Little's Law as Viewed on Its 50th Anniversary", first author Little, year 2011, in "Operations Research""#),
        "{out}"
    );
    assert!(
        out.contains(r#"the entry differs in title ("The tail at scale"), first author ("Dean"), year ("2013")"#),
        "{out}"
    );
    assert!(out.contains("1 mismatched"), "{out}");
    // The author alone.
    let d = cited_bank(&s, |c| {
        c.set("authors", &["Smith, A."][..]);
    });
    let (code, out) = verify(&s, &d, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(r#"the entry differs in first author ("Smith")"#),
        "{out}"
    );
    // The year: one year off is an online-first date, three is another work.
    let d = cited_bank(&s, |c| {
        c.set("year", 2012i64);
    });
    let (code, out) = verify(&s, &d, &[]);
    assert_eq!(code, 0, "{out}");
    let d = cited_bank(&s, |c| {
        c.set("year", 2014i64);
    });
    let (code, out) = verify(&s, &d, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(r#"the entry differs in year ("2014")"#),
        "{out}"
    );
}

#[test]
fn an_unregistered_doi_is_doi_not_found() {
    let s = Server::start(|m, p, n| match p {
        p if p.starts_with("/doi/") => Reply::Status(404, vec![]),
        _ => registry_routes(m, p, n),
    });
    let d = cited_bank(&s, |_| {});
    let (code, out) = verify(&s, &d, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("doi-not-found"), "{out}");
    assert!(out.contains("DOI 10.1234/abcd is not registered"), "{out}");
    assert!(out.contains("1 not found"), "{out}");
    // Crossref is not asked about a DOI the resolver does not know.
    assert!(s.hits().iter().all(|h| !h.path.starts_with("/crossref/")));
}

#[test]
fn crossref_answers_when_the_resolver_serves_no_metadata() {
    let s = Server::start(|m, p, n| match p {
        // The resolver sends every request to the landing page (HTML).
        p if p.starts_with("/doi/") => redirect(302, "/landing/abcd"),
        "/crossref/works/10.1234%2Fabcd" => Reply::Json(200, fixture("crossref-little-2011")),
        _ => registry_routes(m, p, n),
    });
    let d = cited_bank(&s, |c| {
        c.set("title", "Another title altogether");
    });
    let (code, out) = verify(&s, &d, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("is registered to title \"Little's Law as Viewed on Its 50th Anniversary\""),
        "{out}"
    );
    assert_eq!(s.hits_on("/crossref/works/10.1234%2Fabcd").len(), 1);
}

#[test]
fn a_network_failure_or_rate_limit_leaves_the_entry_not_verified() {
    // Rate limited past --max-retry-after: not verified, a warning, and not cached.
    let s = Server::start(|m, p, n| match p {
        "/doi/10.1234/abcd" if m == "GET" => {
            Reply::Status(429, vec![("Retry-After", "3600".into())])
        }
        _ => registry_routes(m, p, n),
    });
    let d = cited_bank(&s, |c| {
        c.set("title", "Another title altogether");
    });
    let (code, out) = verify(&s, &d, &[]);
    assert_eq!(code, 0, "a lookup that failed is no error:\n{out}");
    assert!(out.contains("unverified-citation"), "{out}");
    assert!(out.contains("not verified: 429"), "{out}");
    assert!(!out.contains("citation-mismatch"), "{out}");
    verify(&s, &d, &[]);
    assert_eq!(lookups(&s), 2, "a failure is asked again");
    // No answer at all from the registry: the same.
    let s2 = Server::start(registry_routes);
    let d = cited_bank(&s2, |_| {});
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let (_, out, _, _) = links(
        d.path(),
        &[
            &[
                "bank",
                &format!("--doi-resolver={dead}"),
                &format!("--crossref-api={dead}"),
            ][..],
            &FAST,
        ]
        .concat(),
    );
    assert!(out.contains("unverified-citation"), "{out}");
    assert!(!out.contains("doi-not-found"), "{out}");
    assert!(!out.contains("citation-mismatch"), "{out}");
}

#[test]
fn check_online_reports_a_citation_mismatch() {
    let s = Server::start(registry_routes);
    let d = cited_bank(&s, |c| {
        c.set("title", "The tail at scale");
    });
    let doi = format!("--doi-resolver={}", s.url("/doi/"));
    let crossref = format!("--crossref-api={}", s.url("/crossref/"));
    let out = qbank()
        .current_dir(d.path())
        .args([
            "check",
            "bank",
            "--online",
            "--allow-private",
            &doi,
            &crossref,
        ])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("citation-mismatch"), "{stdout}");
    assert!(
        stdout.contains("Little's Law as Viewed on Its 50th Anniversary"),
        "{stdout}"
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    // Offline, nothing is asked and nothing is said.
    let before = lookups(&s);
    let out = qbank()
        .current_dir(d.path())
        .args(["check", "bank", &doi, &crossref])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("citation-mismatch"));
    assert_eq!(lookups(&s), before);
}

/// The routes of [`standard`], `/k6` live, and the registries' answers for `loadgen`
/// (latest 2.4.0, 2026-11-02) and `oldtool` (latest 1.2.0, 2023-01-10).
fn release_routes(m: &str, p: &str, n: usize) -> Reply {
    match p {
        "/gh/repos/example/loadgen/releases/latest" => {
            Reply::Json(200, fixture("github-release-latest"))
        }
        "/gh/repos/example/oldtool/releases/latest" => {
            Reply::Json(200, fixture("github-release-old"))
        }
        "/pypi/pypi/loadgen/json" => Reply::Json(200, fixture("pypi-project")),
        "/npm/loadgen" => Reply::Json(200, fixture("npm-package")),
        "/crates/api/v1/crates/loadgen" => Reply::Json(200, fixture("crates-crate")),
        _ => registry_routes(m, p, n),
    }
}

/// [`bank`] with its one tool's `registry`, `version` (when given) and `last_update`
/// (`None` removes it) set.
fn tool_bank(
    server: &Server,
    registry: &str,
    version: Option<&str>,
    last_update: Option<&str>,
) -> Written {
    let link = server.url("/ok");
    Bank::passing()
        .retain_questions(|q| q.str("id") == "k6-ci-gate")
        .question("k6-ci-gate", |q| {
            let optimize = q.step_text("Optimize");
            q.step("Optimize", &format!("{optimize} (thresholds: {link})"));
        })
        .tools(|t| {
            t.truncate(1);
            t[0].set("url", server.url("/k6"));
            t[0].remove("archived");
            t[0].set("registry", registry);
            if let Some(v) = version {
                t[0].set("version", v);
            }
            match last_update {
                Some(v) => t[0].set("last_update", v),
                None => t[0].remove("last_update"),
            };
        })
        .literature(|l| l.clear())
        .citations(|c| {
            c.truncate(1);
            c[0].set("doi", "10.1234/abcd");
        })
        .write()
}

/// `qbank links bank` with every registry at `server`, and `env` set.
fn releases(server: &Server, d: &Written, env: &[(&str, &str)]) -> (i32, String, String) {
    let args = [
        "links".to_owned(),
        "bank".to_owned(),
        format!("--doi-resolver={}", server.url("/doi/")),
        format!("--crossref-api={}", server.url("/crossref/")),
        format!("--github-api={}", server.url("/gh/")),
        format!("--pypi-api={}", server.url("/pypi/")),
        format!("--npm-registry={}", server.url("/npm/")),
        format!("--crates-api={}", server.url("/crates/")),
    ];
    let mut cmd = qbank();
    cmd.current_dir(d.path())
        .args(&args)
        .args(FAST)
        .timeout(Duration::from_secs(30));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_later_release_is_a_stale_version_and_the_current_one_is_not() {
    let s = Server::start(release_routes);
    let d = tool_bank(&s, "github:example/loadgen", Some("2.3.0"), Some("2026-08"));
    let (code, out, _) = releases(&s, &d, &[]);
    assert_eq!(code, 0, "a stale version is a warning:\n{out}");
    assert!(out.contains("stale-version"), "{out}");
    assert!(
        out.contains("the entry describes 2.3.0, and github:example/loadgen lists a later release, v2.4.0 (2026-11-02)"),
        "{out}"
    );
    assert!(out.contains("1 stale tool version"), "{out}");
    // The current release: nothing said.
    let d = tool_bank(&s, "github:example/loadgen", Some("2.4.0"), Some("2026-11"));
    let (_, out, _) = releases(&s, &d, &[]);
    assert!(!out.contains("stale-version"), "{out}");
    // Without a version, a release after the stated last_update month.
    let d = tool_bank(&s, "pypi:loadgen", None, Some("2026-09"));
    let (_, out, _) = releases(&s, &d, &[]);
    assert!(
        out.contains(
            "last_update is 2026-09, and pypi:loadgen lists a later release, 2.4.0 (2026-11-02)"
        ),
        "{out}"
    );
    // npm's `latest` tag, not a pre-release; crates.io's newest stable version.
    for registry in ["npm:loadgen", "crates:loadgen"] {
        let d = tool_bank(&s, registry, Some("2.3.0"), Some("2026-08"));
        let (_, out, _) = releases(&s, &d, &[]);
        assert!(
            out.contains(&format!(
                "{registry} lists a later release, 2.4.0 (2026-11-02)"
            )),
            "{out}"
        );
    }
}

#[test]
fn a_tool_without_a_release_in_the_window_is_a_stale_tool() {
    let s = Server::start(release_routes);
    let d = tool_bank(&s, "github:example/oldtool", Some("1.2.0"), Some("2023-01"));
    let (_, out, _) = releases(&s, &d, &[]);
    assert!(out.contains("stale-tool"), "{out}");
    assert!(
        out.contains("is from 2023-01-10, more than 18 months before"),
        "{out}"
    );
    assert!(!out.contains("stale-version"), "{out}");
}

#[test]
fn a_github_token_goes_to_the_github_api_only_and_is_never_written() {
    let s = Server::start(release_routes);
    let d = tool_bank(&s, "github:example/loadgen", Some("2.4.0"), Some("2026-11"));
    let secret = "ghp_test0123456789";
    let (_, out, err) = releases(&s, &d, &[("GITHUB_TOKEN", secret)]);
    let gh = s.hits_on("/gh/repos/example/loadgen/releases/latest");
    assert_eq!(gh.len(), 1);
    assert_eq!(gh[0].authorization, format!("Bearer {secret}"));
    assert!(
        s.hits()
            .iter()
            .filter(|h| !h.path.starts_with("/gh/"))
            .all(|h| h.authorization.is_empty())
    );
    let cache = std::fs::read_to_string(d.path().join(".qbank/cache.json")).unwrap();
    for text in [&out, &err, &cache] {
        assert!(!text.contains(secret), "{text}");
    }
    // The release is cached like a live link: not asked again while fresh.
    assert!(cache.contains("\"github:example/loadgen\""), "{cache}");
    releases(&s, &d, &[("GITHUB_TOKEN", secret)]);
    assert_eq!(
        s.hits_on("/gh/repos/example/loadgen/releases/latest").len(),
        1
    );
}

/// A URL on 127.0.0.1 where nothing listens.
fn closed_url(path: &str) -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}{path}", l.local_addr().unwrap());
    drop(l);
    url
}

#[test]
fn check_online_calls_a_link_without_an_answer_unverified_not_dead() {
    // One host answers, another does not (a proxy or an intranet): the silent one is
    // not known dead.
    let s = Server::start(registry_routes);
    let silent = closed_url("/k6");
    let d = cited_bank(&s, |_| {});
    let tools = d.root.join("references/tools.yaml");
    let text = std::fs::read_to_string(&tools).unwrap();
    std::fs::write(&tools, text.replace(&s.url("/k6"), &silent)).unwrap();
    let g = check_gate_17(d.path(), &s, &["--online", "--allow-private"], 30);
    assert_ne!(g["status"], "FAIL", "{g}");
    let evidence = g["evidence"].as_str().unwrap();
    assert!(evidence.contains("0 dead"), "{g}");
    assert!(evidence.contains("links checked live on "), "{g}");
    // What was not checked, and why, is said.
    assert!(
        evidence.contains("not checked: 1 no answer from the host"),
        "{g}"
    );
}

/// Today in UTC, as the link cache dates its answers.
fn today_utc() -> String {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string()
}

#[test]
fn gate_17_evidence_says_when_links_were_checked_and_what_came_from_the_cache() {
    let s = Server::start(|m, p, n| match p {
        "/k6" => ok(),
        _ => standard(m, p, n),
    });
    let d = bank(&s, None);
    let args = ["--online", "--allow-private"];
    let today = today_utc();
    let g = check_gate_17(d.path(), &s, &args, 30);
    let e = g["evidence"].as_str().unwrap();
    let (n, rest) = e
        .split_once("; ")
        .and_then(|(_, r)| r.split_once(" of "))
        .expect("`K of N links checked live`");
    assert!(
        rest.starts_with(&format!("{n} links checked live on {today}")),
        "every link answered in this run: {e}"
    );
    assert!(!e.contains("cache") && !e.contains("not checked"), "{e}");
    // Again: the link cache answers, and the evidence says so with the answers' date.
    let g = check_gate_17(d.path(), &s, &args, 30);
    let e = g["evidence"].as_str().unwrap();
    assert!(
        e.contains(&format!(
            "{n} of {n} links checked live (all from the cache: {n} answers from {today})"
        )) || e.contains(&format!(
            "{n} of {n} links checked live (all from the cache: {n} answer from {today})"
        )),
        "{e}"
    );
}

#[test]
fn check_online_with_no_answer_at_all_does_not_claim_a_live_check() {
    let s = Server::start(registry_routes);
    let d = cited_bank(&s, |_| {});
    drop(s);
    // Every host is silent: the evidence says nothing was verified.
    let s2 = Server::start(registry_routes);
    let doi = format!("--doi-resolver={}", closed_url("/doi/"));
    let out = qbank()
        .current_dir(d.path())
        .args([
            "check",
            "bank",
            "--format",
            "json",
            "--online",
            "--allow-private",
            &doi,
        ])
        .args(["--timeout=2s", "--max-retries=0"])
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let g = gate_17(&json);
    let evidence = g["evidence"].as_str().unwrap();
    assert!(evidence.contains("no link was verified"), "{g}");
    assert!(!evidence.contains("; checked live"), "{g}");
    assert!(s2.hits().is_empty());
}

#[test]
fn gate_15_dates_a_tool_by_its_verified_release_online() {
    let s = Server::start(release_routes);
    // The entry states an old last update; the registry lists a release this month.
    let d = tool_bank(&s, "github:example/loadgen", None, Some("2023-01"));
    let gate_15 = |online: bool| {
        let mut cmd = qbank();
        cmd.current_dir(d.path())
            .args(["check", "bank", "--format", "json", "--no-cache"])
            .arg(format!("--doi-resolver={}", s.url("/doi/")))
            .arg(format!("--crossref-api={}", s.url("/crossref/")))
            .arg(format!("--github-api={}", s.url("/gh/")))
            .timeout(Duration::from_secs(30));
        if online {
            cmd.args(["--online", "--allow-private"]);
        }
        let out = cmd.output().unwrap();
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        json["banks"][0]["gates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["number"] == 15)
            .cloned()
            .unwrap()
    };
    let offline = gate_15(false);
    let evidence = offline["evidence"].as_str().unwrap();
    assert!(evidence.contains("tools 0%"), "{offline}");
    let online = gate_15(true);
    let evidence = online["evidence"].as_str().unwrap();
    assert!(evidence.contains("tools 100%"), "{online}");
    assert!(
        evidence.contains("(1 dated by their registry's latest release)"),
        "{online}"
    );
}

#[test]
fn offline_answers_records_from_the_cache_only_and_no_cache_keeps_none() {
    let s = Server::start(registry_routes);
    let d = cited_bank(&s, |_| {});
    // Nothing cached yet: --offline asks nothing and leaves the entry not verified.
    let (code, out) = verify(&s, &d, &["--offline"]);
    assert!(s.hits().is_empty(), "{:?}", s.hits());
    assert!(
        out.contains("not verified: not in the cache (offline)"),
        "{code} {out}"
    );
    // --no-cache asks, and writes nothing.
    verify(&s, &d, &["--no-cache"]);
    assert_eq!(lookups(&s), 1);
    assert!(!d.path().join(".qbank/cache.json").exists());
    // Cached by a normal run, the record answers --offline without a request.
    verify(&s, &d, &[]);
    assert_eq!(lookups(&s), 2);
    let before = s.hits().len();
    let (_, out) = verify(&s, &d, &["--offline"]);
    assert_eq!(s.hits().len(), before);
    assert!(out.contains("1 as registered"), "{out}");
}

/// [`cited_bank`] with its citation a book (Kleppmann 2017) given by ISBN only, changed
/// by `f`.
fn book_bank(server: &Server, f: impl FnOnce(&mut crate::bank::Map)) -> Written {
    cited_bank(server, |c| {
        c.remove("doi");
        c.set("type", "book");
        c.set("title", "Designing data-intensive applications");
        c.set("authors", &["Kleppmann, M."][..]);
        c.set("year", 2017i64);
        c.set("publisher", "O'Reilly Media, ISBN 978-1-4493-7332-0");
        f(c);
    })
}

/// The routes of [`registry_routes`] with Open Library at `/ol/` answering `answer` for
/// the book.
fn openlibrary_routes(answer: &'static str) -> impl Fn(&str, &str, usize) -> Reply {
    move |m, p, n| {
        if p == "/ol/api/books?bibkeys=ISBN:9781449373320&format=json&jscmd=data" {
            match answer {
                "book" => Reply::Json(200, fixture("openlibrary-kleppmann-2017")),
                // What Open Library answers for an ISBN it does not hold.
                _ => Reply::Json(200, "{}".to_owned()),
            }
        } else {
            registry_routes(m, p, n)
        }
    }
}

/// `qbank links bank` with Open Library at `server`.
fn verify_books(server: &Server, d: &Written, extra: &[&str]) -> (i32, String) {
    let ol = format!("--openlibrary-api={}", server.url("/ol/"));
    verify(server, d, &[&[&ol[..]][..], extra].concat())
}

fn book_lookups(s: &Server) -> usize {
    s.hits()
        .iter()
        .filter(|h| h.path.starts_with("/ol/api/books"))
        .count()
}

#[test]
fn an_isbn_open_library_agrees_with_is_confirmed_then_answered_from_the_cache() {
    let s = Server::start(openlibrary_routes("book"));
    let d = book_bank(&s, |_| {});
    let (code, out) = verify_books(&s, &d, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("1 DOI or ISBN looked up: 1 as registered, 0 mismatched"),
        "{out}"
    );
    assert_eq!(book_lookups(&s), 1);
    let (code, _) = verify_books(&s, &d, &[]);
    assert_eq!(code, 0);
    assert_eq!(book_lookups(&s), 1, "the cache answered");
    let cache = std::fs::read_to_string(d.path().join(".qbank/cache.json")).unwrap();
    assert!(cache.contains("\"isbn:9781449373320\""), "{cache}");
}

#[test]
fn an_isbn_of_another_book_is_a_citation_mismatch_quoting_open_library() {
    let s = Server::start(openlibrary_routes("book"));
    let d = book_bank(&s, |c| {
        c.set("title", "Site reliability engineering");
        c.set("authors", &["Beyer, B."][..]);
        c.set("year", 2014i64);
    });
    let (code, out) = verify_books(&s, &d, &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("citation-mismatch"), "{out}");
    assert!(
        out.contains(r#"ISBN 9781449373320 is, at Open Library, title "Designing Data-Intensive Applications: The Big Ideas Behind Reliable, Scalable, and Maintainable Systems", first author Martin Kleppmann, year 2017"#),
        "{out}"
    );
    assert!(
        out.contains(r#"the entry differs in title ("Site reliability engineering"), first author ("Beyer"), year ("2014")"#),
        "{out}"
    );
    // `check --online` says the same, before gating.
    let ol = format!("--openlibrary-api={}", s.url("/ol/"));
    let out = qbank()
        .current_dir(d.path())
        .args(["check", "bank", "--online", "--allow-private", &ol])
        .timeout(Duration::from_secs(30))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("ISBN 9781449373320 is, at Open Library, title"),
        "{stdout}"
    );
    // One year off is another printing: no finding.
    let d = book_bank(&s, |c| {
        c.set("year", 2018i64);
    });
    let (code, out) = verify_books(&s, &d, &[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn an_isbn_open_library_does_not_hold_is_a_warning() {
    let s = Server::start(openlibrary_routes("none"));
    let d = book_bank(&s, |_| {});
    let (code, out) = verify_books(&s, &d, &[]);
    assert_eq!(code, 0, "Open Library's catalogue is not complete:\n{out}");
    assert!(out.contains("isbn-not-found"), "{out}");
    assert!(
        out.contains("ISBN 9781449373320 is not in Open Library's catalogue"),
        "{out}"
    );
    assert!(out.contains("1 not found"), "{out}");
    // Not cached: asked again.
    verify_books(&s, &d, &[]);
    assert_eq!(book_lookups(&s), 2);
}

#[test]
fn an_isbn_without_an_answer_is_not_verified() {
    let s = Server::start(registry_routes);
    let d = book_bank(&s, |c| {
        c.set("title", "Another title altogether");
    });
    let ol = format!("--openlibrary-api={}", closed_url("/"));
    let (code, out) = verify(&s, &d, &[&ol]);
    assert_eq!(code, 0, "a lookup that failed is no error:\n{out}");
    assert!(out.contains("unverified-citation"), "{out}");
    assert!(out.contains("ISBN 9781449373320 not verified"), "{out}");
    assert!(!out.contains("citation-mismatch"), "{out}");
    assert!(!out.contains("isbn-not-found"), "{out}");
}
