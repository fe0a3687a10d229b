//! The generator half: `prompt`, `repair`, `compare`, and `generate` against a scripted
//! OpenAI-compatible server that the test starts on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{fixtures, qbank};

fn fixture(name: &str) -> PathBuf {
    fixtures().join("generate").join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture(name)).expect("fixture reads")
}

/// One scripted answer of the test server.
#[derive(Clone)]
enum Answer {
    /// A whole chat completion with this content and usage (prompt, completion tokens).
    Whole(String, u64, u64),
    /// The same with the price the provider charged (`usage.cost`, as OpenRouter sends it).
    Priced(String, u64, u64, f64),
    /// The same content streamed as server-sent events, in chunks.
    Stream(String),
    /// A status with headers and a body.
    Status(u16, Vec<(&'static str, String)>, String),
    /// Accept, read the request, never answer (until the client gives up).
    Hang,
}

/// A scripted OpenAI-compatible server: answers request N with `script[N]` (the last
/// answer repeats) and records every request as (headers, body).
struct Server {
    url: String,
    requests: Arc<Mutex<Vec<(String, String)>>>,
}

impl Server {
    fn start(script: Vec<Answer>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}/v1", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            // Bounded: at most 20 connections, then the server stops by itself.
            for (n, stream) in listener.incoming().take(20).enumerate() {
                let Ok(stream) = stream else { break };
                let answer = script[n.min(script.len() - 1)].clone();
                let seen = seen.clone();
                std::thread::spawn(move || serve(stream, answer, &seen));
            }
        });
        Server { url, requests }
    }

    fn requests(&self) -> Vec<(String, String)> {
        self.requests.lock().expect("lock").clone()
    }
}

fn serve(mut stream: TcpStream, answer: Answer, seen: &Mutex<Vec<(String, String)>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(20)));
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut head = String::new();
    let mut length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    seen.lock()
        .expect("lock")
        .push((head, String::from_utf8_lossy(&body).into_owned()));
    let respond = |stream: &mut TcpStream, status: u16, headers: &[(&str, String)], body: &str| {
        let mut r = format!(
            "HTTP/1.1 {status} X\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (k, v) in headers {
            r.push_str(&format!("{k}: {v}\r\n"));
        }
        r.push_str("\r\n");
        r.push_str(body);
        let _ = stream.write_all(r.as_bytes());
    };
    match answer {
        Answer::Whole(..) | Answer::Priced(..) => {
            let (content, p, c, cost) = match answer {
                Answer::Whole(content, p, c) => (content, p, c, None),
                Answer::Priced(content, p, c, cost) => (content, p, c, Some(cost)),
                _ => unreachable!(),
            };
            let mut usage = serde_json::json!({"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c});
            if let Some(cost) = cost {
                usage["cost"] = serde_json::json!(cost);
            }
            let body = serde_json::json!({
                "id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "test-model",
                "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
                "usage": usage
            })
            .to_string();
            respond(
                &mut stream,
                200,
                &[("Content-Type", "application/json".into())],
                &body,
            );
        }
        Answer::Stream(content) => {
            let mut events = String::new();
            let chars: Vec<char> = content.chars().collect();
            for piece in chars.chunks(4096) {
                let text: String = piece.iter().collect();
                let chunk = serde_json::json!({
                    "id": "c", "object": "chat.completion.chunk", "created": 0, "model": "test-model",
                    "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]
                });
                events.push_str(&format!("data: {chunk}\n\n"));
            }
            let stop = serde_json::json!({"id": "c", "object": "chat.completion.chunk", "created": 0,
                "model": "test-model", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]});
            let usage = serde_json::json!({"id": "c", "object": "chat.completion.chunk", "created": 0,
                "model": "test-model", "choices": [],
                "usage": {"prompt_tokens": 1000, "completion_tokens": 2000, "total_tokens": 3000}});
            events.push_str(&format!(
                "data: {stop}\n\ndata: {usage}\n\ndata: [DONE]\n\n"
            ));
            respond(
                &mut stream,
                200,
                &[("Content-Type", "text/event-stream".into())],
                &events,
            );
        }
        Answer::Status(code, headers, body) => respond(&mut stream, code, &headers, &body),
        Answer::Hang => std::thread::sleep(Duration::from_secs(15)),
    }
}

fn fenced(doc: &str) -> String {
    format!("Here is the document.\n\n````markdown\n{doc}\n````\n")
}

/// The key the test server's requests carry in the runs that send one.
const RUN_KEY: &str = "sk-run-9f8e7d6c5b4a";

fn generate(server: &Server, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let o = qbank()
        .env("QBANK_RUN_KEY", RUN_KEY)
        .args([
            "generate",
            "--model",
            "test-model",
            "--base-url",
            &server.url,
            "--as-of",
            "2026-11-25",
        ])
        .arg("-o")
        .arg(out)
        .args(["--timeout", "20"])
        .args(extra)
        .timeout(Duration::from_secs(120))
        .output()
        .expect("qbank runs");
    let stdout = String::from_utf8_lossy(&o.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (o.status.code().unwrap_or(-1), stdout, stderr)
}

/// The part of a repair prompt before the document it carries.
fn instructions(prompt: &str) -> &str {
    prompt.split("\n## Document\n").next().unwrap_or(prompt)
}

/// Gates 1-20 except the three that the defects fixture fails.
const PASSING: [u8; 17] = [1, 2, 3, 4, 5, 6, 9, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20];

fn assert_names_only_failing_gates(prompt: &str) {
    for n in PASSING {
        let g = format!("Gate {n} ·");
        assert!(!prompt.contains(&g), "a passing gate is named: {g}");
    }
    for g in [
        "Gate 7 · Cross-refs: FAIL",
        "Gate 8 · Trade-offs: FAIL",
        "Gate 10 · Quantified Impact: FAIL",
    ] {
        assert!(prompt.contains(g), "missing {g}");
    }
}

/// The defects' questions, headings and lines (defects.md: Q3 key insight, Q7 trade-offs,
/// Q12 reference).
fn assert_names_the_defects(prompt: &str) {
    assert!(
        prompt.contains("Q3 \"A release switched a Java pricing API"),
        "{}",
        instructions(prompt)
    );
    assert!(prompt.contains(", line 255: the key insight"));
    assert!(prompt.contains("Q7 \"A payment-authorization service"));
    assert!(prompt.contains(", line 707: has no trade-offs"));
    assert!(prompt.contains("Q12 \"A helpdesk API"));
    assert!(prompt.contains(", line 1218: `L55` is not a defined reference"));
    assert!(prompt.contains("fix: did you mean `L5`?"));
}

#[test]
fn prompt_for_the_default_rubric() {
    let o = qbank().arg("prompt").output().expect("runs");
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).expect("utf-8");
    insta::assert_snapshot!("prompt_default", text);
}

/// Normalises text for comparison: ASCII comparison signs, no bold marks, one space.
fn norm(s: &str) -> String {
    s.replace('≥', ">=")
        .replace('≤', "<=")
        .replace('×', "x")
        .replace("**", "")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The spec line's key: its bold label, or the first table cell that is not a number.
fn key_of(line: &str) -> Option<String> {
    if line.starts_with('|') {
        if line.starts_with("|--") || line.starts_with("| #") {
            return None;
        }
        return line
            .trim_matches('|')
            .split('|')
            .map(str::trim)
            .find(|c| !c.is_empty() && !c.chars().all(|x| x.is_ascii_digit()))
            .map(norm);
    }
    let bold = regex::Regex::new(r"\*\*([^*]+?)\*\*").unwrap();
    bold.captures(line)
        .map(|m| norm(m[1].trim_end_matches(':')))
}

#[test]
fn prompt_carries_every_requirement_and_figure_of_the_spec() {
    let spec = read("spec.md");
    let o = qbank().arg("prompt").output().expect("runs");
    let prompt_text = String::from_utf8_lossy(&o.stdout).into_owned();
    let prompt = norm(&prompt_text);
    let prompt_lines: Vec<String> = prompt_text.lines().map(norm).collect();
    let figure = regex::Regex::new(
        r"[<>≥≤~±]*\$?\d[\d.,]*(?:[-–/×x]\d[\d.,]*)*(?:%|ms|s\b|K\b|M\b|x\b|mo\b|yr\b|GB\b|TB\b)?",
    )
    .unwrap();
    let bold = regex::Regex::new(r"\*\*([^*]+?)\*\*").unwrap();
    let mut missing = Vec::new();
    let mut checked = 0;
    // Before the Output Format, each requirement line's figures must stand on one prompt
    // line with its key (label or row name); the Output Format and the example are
    // carried whole, so there each figure and term must be present.
    let format_at = spec
        .find("## Output Format")
        .expect("the spec has an Output Format");
    for (offset, line) in spec.split_inclusive('\n').scan(0, |at, l| {
        let start = *at;
        *at += l.len();
        Some((start, l))
    }) {
        let l = line.trim();
        if l.is_empty() || l.starts_with("```") {
            continue;
        }
        let figures: Vec<String> = figure.find_iter(l).map(|m| norm(m.as_str())).collect();
        for m in bold.captures_iter(l) {
            let t = norm(m[1].trim_end_matches(':'));
            checked += 1;
            if !prompt.contains(&t) {
                missing.push(format!("term {t:?} (from {l:?})"));
            }
        }
        match key_of(l).filter(|_| offset < format_at) {
            Some(key) => {
                checked += 1 + figures.len();
                let together = prompt_lines
                    .iter()
                    .filter(|p| p.contains(&key))
                    .any(|p| figures.iter().all(|f| p.contains(f)));
                if !together {
                    missing.push(format!("{key:?} with {figures:?} (from {l:?})"));
                }
            }
            None => {
                for f in figures {
                    checked += 1;
                    if !prompt.contains(&f) {
                        missing.push(format!("figure {f:?} (from {l:?})"));
                    }
                }
            }
        }
    }
    assert!(
        checked > 600,
        "only {checked} checks: the spec fixture lost its content"
    );
    assert!(
        missing.is_empty(),
        "{} missing:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

#[test]
fn prompt_with_a_bank_names_its_clusters_and_reference_ids() {
    let bank = crate::common::root().join("content/performance-engineering");
    let o = qbank()
        .arg("prompt")
        .arg("--bank")
        .arg(&bank)
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("## Existing Bank: Performance Engineering Interview Q&A"));
    assert!(text.contains("- `latency` Latency Optimization ("));
    assert!(
        text.contains("G1 (p50/p95/p99)") || text.contains("- Glossary: G1"),
        "{text}"
    );
}

#[test]
fn repair_names_only_the_failing_gates_with_questions_lines_and_help() {
    let o = qbank()
        .arg("repair")
        .arg(fixture("defects.md"))
        .args(["--as-of", "2026-11-25"])
        .output()
        .expect("runs");
    // A prompt generator succeeds when it wrote its prompt; --exit-code exits 1.
    assert_eq!(o.status.code(), Some(0));
    let e = qbank()
        .arg("repair")
        .arg(fixture("defects.md"))
        .args(["--as-of", "2026-11-25", "--exit-code"])
        .output()
        .expect("runs");
    assert_eq!(e.status.code(), Some(1));
    assert_eq!(e.stdout, o.stdout);
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_names_only_failing_gates(&text);
    assert_names_the_defects(&text);
    assert!(text.contains("Never invent a DOI, URL, archive timestamp, author, date or version"));
    assert!(text.contains("Return the whole corrected document"));
    // By default the findings alone go back, in the document's words: a tenth of the
    // document or less, with no question's text and no YAML field.
    assert!(!text.contains("#### Q"), "no document by default");
    assert!(text.contains("fix: add `**Trade-offs**:` naming what the approach costs"));
    assert!(!text.contains("`tradeoffs:`"));
    assert!(
        text.len() * 10 <= read("defects.md").len(),
        "{} bytes",
        text.len()
    );
    // The required Validation Results stay; its contradicted claims are findings.
    assert!(!text.contains("without a Validation Results"));
    assert!(text.contains("Validation Results included"));
    assert!(
        text.contains("the document claims PASS for gate 7 Cross-refs but qbank measured FAIL")
    );
}

#[test]
fn repair_full_carries_the_whole_document_with_its_lines_as_shown() {
    let o = qbank()
        .arg("repair")
        .arg(fixture("defects.md"))
        .args(["--as-of", "2026-11-25", "--full"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    let head = instructions(&text);
    assert_names_only_failing_gates(head);
    assert_names_the_defects(head);
    // The document goes back whole, Validation Results included, so that line N of the
    // block is line N of the document the findings count.
    let doc = read("defects.md");
    let block = text
        .split("\n## Document\n\n````markdown\n")
        .nth(1)
        .expect("the document block");
    assert!(block.starts_with(doc.trim_end()));
    let shown: Vec<&str> = block.lines().collect();
    assert!(shown[1217].contains("L55"), "{}", shown[1217]);
    assert!(text.contains("## Validation Results"));
    // A bank has no whole document to carry.
    let bank = crate::common::fixtures().join("rubric-3x3");
    let e = qbank()
        .arg("repair")
        .arg(&bank)
        .arg("--full")
        .output()
        .unwrap();
    assert_eq!(e.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&e.stderr).contains("--full needs a markdown document"));
}

/// The repair prompt of a small document: the findings in the document's own words
/// (sections, `**Label**:` parts, `#### Qn:` headings), each with its question or entry.
#[test]
fn repair_prompt_of_a_small_document() {
    let o = qbank()
        .arg("repair")
        .arg(crate::common::fixtures().join("agree/small.md"))
        .args(["--as-of", "2026-11-25"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    for yaml in [
        "question files",
        "references/",
        "`risks:`",
        "`alternatives:`",
        "`dimensions:",
    ] {
        assert!(
            !text.contains(yaml),
            "YAML words in a document's prompt: {yaml}"
        );
    }
    insta::assert_snapshot!("repair_small_document", text);
}

/// The repair prompt of a small bank: each finding at its YAML file and line, in the
/// bank's own fields.
#[test]
fn repair_prompt_of_a_small_bank() {
    let bank = crate::common::fixtures().join("rubric-3x3");
    let o = qbank()
        .arg("repair")
        .arg(&bank)
        .args(["--as-of", "2026-11-25"])
        .current_dir(&bank)
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(text.contains("questions/q1.yaml:"));
    assert!(text.contains("fix: add `tradeoffs:` naming what the approach costs"));
    assert!(!text.contains("#### Q"));
    insta::assert_snapshot!("repair_small_bank", text);
}

#[test]
fn repair_of_a_passing_document_exits_0_with_nothing_to_send() {
    let o = qbank()
        .arg("repair")
        .arg(fixture("repaired.md"))
        .args(["--as-of", "2026-11-25"])
        .output()
        .expect("runs");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(o.stdout.is_empty());
    assert!(String::from_utf8_lossy(&o.stderr).contains("nothing to repair"));
}

#[test]
fn repair_questions_only_is_a_fifth_of_the_document_or_less() {
    let o = qbank()
        .arg("repair")
        .arg(fixture("defects.md"))
        .args(["--as-of", "2026-11-25", "--questions-only"])
        .output()
        .expect("runs");
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_names_only_failing_gates(&text);
    assert_names_the_defects(&text);
    assert!(text.contains("## Questions to replace"));
    // Each question says where it starts, so the findings' lines can be found in it.
    assert!(text.contains("\nQ12 starts at line "));
    assert!(
        !text.contains("#### Q1:"),
        "only the failing questions go back"
    );
    let doc = std::fs::metadata(fixture("defects.md"))
        .expect("meta")
        .len() as usize;
    assert!(
        text.len() * 5 <= doc,
        "{} bytes for a {doc}-byte document",
        text.len()
    );
}

#[test]
fn compare_puts_documents_side_by_side() {
    let o = qbank()
        .arg("compare")
        .arg(fixture("defects.md"))
        .arg(fixture("repaired.md"))
        .args(["--as-of", "2026-11-25", "--format", "json"])
        .output()
        .expect("runs");
    // Printing the table is success, whatever the gates say.
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let docs = v["documents"].as_array().expect("documents");
    assert_eq!(docs.len(), 2);
    // Columns keep the order the documents were named in.
    let r = qbank()
        .arg("compare")
        .arg(fixture("repaired.md"))
        .arg(fixture("defects.md"))
        .args(["--as-of", "2026-11-25", "--format", "json"])
        .output()
        .expect("runs");
    let rv: serde_json::Value = serde_json::from_slice(&r.stdout).expect("json");
    assert!(
        rv["documents"][0]["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("repaired.md")),
        "{rv}"
    );
    assert_eq!(
        (docs[0]["fail"].as_u64(), docs[1]["fail"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(docs[0]["gates"][6]["status"], "FAIL");
    assert_eq!(docs[0]["gates"].as_array().map(Vec::len), Some(20));
    let o = qbank()
        .arg("compare")
        .arg(fixture("defects.md"))
        .arg(fixture("repaired.md"))
        .args(["--as-of", "2026-11-25"])
        .output()
        .expect("runs");
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(
        md.contains(
            "| 7 | Cross-refs | FAIL 615 refs, 1 unresolved | PASS 615 refs, 0 unresolved |"
        ),
        "{md}"
    );
    assert!(md.contains("**16 PASS, 1 WARN, 3 FAIL**"), "{md}");
    assert!(md.contains("**19 PASS, 1 WARN, 0 FAIL**"), "{md}");
}

#[test]
fn generate_repairs_in_two_rounds_without_streaming() {
    let server = Server::start(vec![
        Answer::Whole(fenced(&read("defects.md")), 9000, 70000),
        Answer::Whole(fenced(&read("repaired.md")), 80000, 70000),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (code, stdout, stderr) = generate(&server, &out, &["--no-stream", "--whole"]);
    assert_eq!(code, 0, "{stderr}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2, "stops after two requests");
    // Round 1 sends the generation prompt; round 2 the repair of what failed.
    let first: serde_json::Value = serde_json::from_str(&reqs[0].1).expect("json body");
    assert_eq!(first["model"], "test-model");
    let sent = first["messages"][1]["content"]
        .as_str()
        .expect("user message");
    assert!(sent.starts_with("# Performance Engineering Interview Generator"));
    let second: serde_json::Value = serde_json::from_str(&reqs[1].1).expect("json body");
    let repair = second["messages"][1]["content"]
        .as_str()
        .expect("user message");
    assert_names_only_failing_gates(instructions(repair));
    assert_names_the_defects(instructions(repair));
    for f in [
        "round-1.md",
        "round-1.json",
        "round-2.md",
        "round-2.json",
        "bank/bank.yaml",
        "performance-engineering.md",
    ] {
        assert!(out.join(f).is_file(), "{f} written");
    }
    let r1: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("round-1.json")).unwrap()).unwrap();
    assert_eq!(r1["usage"]["prompt_tokens"], 9000);
    assert_eq!(r1["report"]["summary"]["fail"], 3);
    assert_eq!(r1["new_links"][0]["status"], "new, unverified");
    let r2: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("round-2.json")).unwrap()).unwrap();
    assert_eq!(r2["report"]["summary"]["fail"], 0);
    assert_eq!(r2["kind"], "repair");
    assert!(
        stdout.contains("| # | Gate | Round 1 | Round 2 |"),
        "{stdout}"
    );
    assert!(stdout.contains("| 7 | Cross-refs | FAIL"));
    assert!(stderr.contains("provider: openai-compatible"), "{stderr}");
    assert!(stderr.contains("round 1 sends"));
    assert!(stderr.contains("best round: 2"));
    // The best round went through the importer into a bank that checks clean.
    let o = qbank()
        .arg("check")
        .arg(out.join("bank"))
        .args(["--as-of", "2026-11-25"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

#[test]
fn generate_streams_and_merges_only_the_failing_questions() {
    let server = Server::start(vec![
        Answer::Stream(fenced(&read("defects.md"))),
        Answer::Stream(fenced(&read("merge-reply.md"))),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (code, stdout, stderr) = generate(
        &server,
        &out,
        &["--merge", "--api-key-env", "QBANK_RUN_KEY"],
    );
    assert_eq!(code, 0, "{stderr}");
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    // The key goes to the server, and nowhere else.
    assert!(
        reqs.iter()
            .all(|(head, _)| head.contains(&format!("Bearer {RUN_KEY}")))
    );
    assert!(stderr.contains("key: from QBANK_RUN_KEY"), "{stderr}");
    assert!(!stdout.contains(RUN_KEY) && !stderr.contains(RUN_KEY));
    for f in walk(&out) {
        assert!(
            !std::fs::read_to_string(&f)
                .unwrap_or_default()
                .contains(RUN_KEY),
            "{f:?}"
        );
    }
    let first: serde_json::Value = serde_json::from_str(&reqs[0].1).unwrap();
    assert_eq!(first["stream"], true);
    let second: serde_json::Value = serde_json::from_str(&reqs[1].1).unwrap();
    let repair = second["messages"][1]["content"].as_str().unwrap();
    assert_names_only_failing_gates(repair);
    assert_names_the_defects(repair);
    assert!(!repair.contains("#### Q1:"));
    let doc = read("defects.md").len();
    assert!(
        repair.len() * 5 <= doc,
        "merge repair {} bytes for {doc}",
        repair.len()
    );
    let r2 = std::fs::read_to_string(out.join("round-2.md")).unwrap();
    assert!(r2.contains("[Ref: L5, G12]") && !r2.contains("L55"));
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("round-2.json")).unwrap()).unwrap();
    assert_eq!(j["kind"], "merge");
    assert_eq!(j["usage"]["completion_tokens"], 2000);
    assert_eq!(j["report"]["summary"]["fail"], 0);
}

#[test]
fn generate_sends_the_smaller_repair_and_records_the_other() {
    // Three failing questions of 28: the questions alone are far smaller than the
    // document, so without --merge or --whole round 2 sends them and splices the reply.
    let server = Server::start(vec![
        Answer::Whole(fenced(&read("defects.md")), 100, 100),
        Answer::Whole(fenced(&read("merge-reply.md")), 100, 100),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (code, _, stderr) = generate(&server, &out, &["--no-stream"]);
    assert_eq!(code, 0, "{stderr}");
    let reqs = server.requests();
    let second: serde_json::Value = serde_json::from_str(&reqs[1].1).unwrap();
    let sent = second["messages"][1]["content"].as_str().unwrap();
    assert!(sent.contains("## Questions to replace") && !sent.contains("#### Q1:"));
    let r1: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("round-1.json")).unwrap()).unwrap();
    assert!(r1.get("not_sent").is_none(), "round 1 has no alternative");
    let r2: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("round-2.json")).unwrap()).unwrap();
    assert_eq!(r2["kind"], "merge");
    assert_eq!(r2["not_sent"]["kind"], "repair");
    let sent_bytes = r2["sent_bytes"].as_u64().unwrap();
    let whole_bytes = r2["not_sent"]["bytes"].as_u64().unwrap();
    assert!(
        whole_bytes > read("defects.md").len() as u64,
        "{whole_bytes}"
    );
    assert!(
        sent_bytes * 5 < whole_bytes,
        "{sent_bytes} vs {whole_bytes}"
    );
    assert_eq!(r2["report"]["summary"]["fail"], 0);
}

#[test]
fn a_run_repeated_with_the_cache_sends_nothing() {
    let server = Server::start(vec![
        Answer::Whole(fenced(&read("defects.md")), 100, 100),
        Answer::Whole(fenced(&read("merge-reply.md")), 100, 100),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("replies");
    let cache_arg = cache.to_str().expect("utf-8 path");
    let (code, table, stderr) = generate(
        &server,
        &dir.path().join("a"),
        &[
            "--no-stream",
            "--cache",
            cache_arg,
            "--api-key-env",
            "QBANK_RUN_KEY",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(server.requests().len(), 2);
    assert_eq!(walk(&cache).len(), 2, "one file per request");
    for f in walk(&cache) {
        assert!(
            !std::fs::read_to_string(&f).unwrap().contains(RUN_KEY),
            "{f:?}"
        );
    }
    let (code, again, stderr) = generate(
        &server,
        &dir.path().join("b"),
        &[
            "--no-stream",
            "--cache",
            cache_arg,
            "--api-key-env",
            "QBANK_RUN_KEY",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(server.requests().len(), 2, "the second run sends nothing");
    assert!(
        stderr.contains("2 requests (2 answered from the cache)"),
        "{stderr}"
    );
    assert_eq!(again, table);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a/round-2.md")).unwrap(),
        std::fs::read_to_string(dir.path().join("b/round-2.md")).unwrap()
    );
    let r2: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("b/round-2.json")).unwrap())
            .unwrap();
    assert_eq!(r2["attempts"], 0);
    // Another --max-tokens is another request.
    let (_, _, stderr) = generate(
        &server,
        &dir.path().join("c"),
        &[
            "--no-stream",
            "--cache",
            cache_arg,
            "--max-tokens",
            "99",
            "--rounds",
            "1",
        ],
    );
    assert_eq!(server.requests().len(), 3, "{stderr}");
}

#[test]
fn generate_retries_a_429_honouring_retry_after() {
    let server = Server::start(vec![
        Answer::Status(
            429,
            vec![("Retry-After", "1".into())],
            "{\"error\":\"slow down\"}".into(),
        ),
        Answer::Whole(fenced(&read("repaired.md")), 10, 10),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let start = std::time::Instant::now();
    let (code, _, stderr) = generate(&server, &out, &["--no-stream"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        start.elapsed() >= Duration::from_secs(1),
        "waited as Retry-After said"
    );
    assert_eq!(server.requests().len(), 2);
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("round-1.json")).unwrap()).unwrap();
    assert_eq!(j["attempts"], 2);
}

#[test]
fn generate_retries_a_streamed_503() {
    let server = Server::start(vec![
        Answer::Status(503, vec![("Retry-After", "0".into())], String::new()),
        Answer::Stream(fenced(&read("repaired.md"))),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = generate(&server, &dir.path().join("out"), &[]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_reply_without_a_document_exits_2_and_writes_nothing() {
    let server = Server::start(vec![Answer::Whole("I cannot help with that.".into(), 5, 5)]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, _, stderr) = generate(&server, &out, &["--no-stream"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("round 1: the reply holds no document"),
        "{stderr}"
    );
    assert!(!out.join("round-1.md").exists());
}

#[test]
fn a_hung_server_ends_at_the_timeout() {
    let server = Server::start(vec![Answer::Hang]);
    let dir = tempfile::tempdir().unwrap();
    let o = qbank()
        .args([
            "generate",
            "--model",
            "m",
            "--base-url",
            &server.url,
            "--timeout",
            "1",
        ])
        .arg("-o")
        .arg(dir.path().join("out"))
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("no answer from the server within 1s"),
        "{stderr}"
    );
}

#[test]
fn the_budget_stops_the_loop() {
    let server = Server::start(vec![
        Answer::Whole(fenced(&read("defects.md")), 20000, 75000),
        Answer::Whole(fenced(&read("repaired.md")), 1, 1),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (code, _, stderr) = generate(
        &server,
        &dir.path().join("out"),
        &["--no-stream", "--whole", "--max-total-tokens", "120000"],
    );
    assert_eq!(code, 1, "the last round still fails: {stderr}");
    assert_eq!(server.requests().len(), 1);
    assert!(stderr.contains("stopped: budget: round 2"), "{stderr}");
}

#[test]
fn an_unreachable_server_exits_2() {
    // A port that was free a moment ago: nothing listens there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let o = qbank()
        .args([
            "generate",
            "--model",
            "m",
            "--base-url",
            &format!("http://127.0.0.1:{port}/v1"),
            "--no-stream",
        ])
        .arg("-o")
        .arg(dir.path().join("out"))
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("could not reach the server"));
}

#[test]
fn the_key_is_sent_but_never_printed_or_written() {
    const KEY: &str = "sk-test-0123456789abcdef";
    let server = Server::start(vec![Answer::Status(
        401,
        vec![("Content-Type", "application/json".into())],
        format!("{{\"error\":\"bad key Bearer {KEY}\"}}"),
    )]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = qbank()
        .args([
            "generate",
            "--model",
            "m",
            "--base-url",
            &server.url,
            "--no-stream",
        ])
        .args(["--api-key-env", "QBANK_TEST_KEY"])
        .env("QBANK_TEST_KEY", KEY)
        .arg("-o")
        .arg(&out)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(all.contains("refused the credentials"), "{all}");
    assert!(!all.contains(KEY), "the key leaked: {all}");
    assert!(
        server.requests()[0].0.contains(&format!("Bearer {KEY}")),
        "the key was sent"
    );
    for e in walk(&out) {
        assert!(
            !std::fs::read_to_string(&e)
                .unwrap_or_default()
                .contains(KEY)
        );
    }
    // A provider whose variable is unset: a clear error before any request.
    let o = qbank()
        .args(["generate", "--model", "gpt-4o"])
        .env_remove("OPENAI_API_KEY")
        .arg("-o")
        .arg(dir.path().join("other"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no API key: OPENAI_API_KEY is not set"));
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[test]
fn generate_help_explains_every_flag() {
    let o = qbank().args(["generate", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&o.stdout);
    for flag in [
        "--out",
        "--model",
        "--base-url",
        "--api-key-env",
        "--rounds",
        "--strict",
        "--merge",
        "--whole",
        "--cache",
        "--max-total-tokens",
        "--max-tokens",
        "--timeout",
        "--retries",
        "--max-retry-after",
        "--no-stream",
        "--rubric",
        "--bank",
        "--as-of",
        "--online",
        "--force",
    ] {
        assert!(help.contains(flag), "{flag} missing from help");
    }
}

#[test]
fn a_round_that_fixes_nothing_ends_the_loop() {
    let doc = fenced(&read("defects.md"));
    let server = Server::start(vec![
        Answer::Whole(doc.clone(), 10, 10),
        Answer::Whole(doc, 10, 10),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = generate(
        &server,
        &dir.path().join("out"),
        &["--no-stream", "--whole", "--rounds", "5"],
    );
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(server.requests().len(), 2);
    assert!(
        stderr.contains("stopped: round 2 fixed nothing"),
        "{stderr}"
    );
    // Same FAIL count; round 2 has fewer diagnostics (no Validation Results claims), so it is best.
    assert!(stderr.contains("best round: 2"), "{stderr}");
    assert!(stdout.contains("| 10 | Quantified Impact | FAIL"));
}

#[test]
fn bank_level_failures_ask_for_the_missing_items() {
    // A rubric that wants at least 29 questions: the 28 of the document fail gate 1.
    let default = qbank()
        .args(["rubric", "--default"])
        .output()
        .unwrap()
        .stdout;
    let rubric = String::from_utf8(default)
        .unwrap()
        .replace("quantity:\n  min: 25\n", "quantity:\n  min: 29\n");
    assert!(rubric.contains("  min: 29\n"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rubric.yaml");
    std::fs::write(&path, rubric).unwrap();
    let o = qbank()
        .arg("repair")
        .arg(fixture("repaired.md"))
        .args(["--as-of", "2026-11-25", "--questions-only", "--rubric"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("### Gate 1 · Quantity: FAIL"), "{text}");
    assert!(text.contains("Requirement: 29-30 Q&A pairs"));
    assert!(text.contains("add the missing items"));
    assert!(text.contains("## The document now"));
    assert!(text.contains("| Q28 | "));
    assert!(text.contains("## Format of a new question"));
    assert!(
        !text.contains("## Questions to replace"),
        "no question holds a finding"
    );
}

#[test]
fn a_reply_with_an_unsafe_slug_writes_no_bank() {
    let doc = read("repaired.md").replace(
        r#""slug":"performance-engineering""#,
        r#""slug":"../../escaped""#,
    );
    let server = Server::start(vec![Answer::Whole(fenced(&doc), 9000, 70000)]);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let (code, _, stderr) = generate(&server, &out, &["--no-stream", "--rounds", "1"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not a safe name"), "{stderr}");
    assert!(!out.join("bank").exists());
    assert!(!dir.path().join("escaped.md").exists());
    assert!(!out.join("../../escaped.md").exists());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["out"], "written beside the output folder");
}

#[test]
fn each_round_is_measured_with_the_settings_in_force() {
    // Without a selection, the first draft fails three gates and one round is not enough.
    let server = Server::start(vec![Answer::Whole(fenced(&read("defects.md")), 9000, 700)]);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("plain");
    let (code, _, stderr) = generate(&server, &out, &["--no-stream", "--rounds", "1"]);
    assert_eq!(code, 1, "{stderr}");
    let r1: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("round-1.json")).unwrap()).unwrap();
    let failing: Vec<String> = r1["report"]["banks"][0]["gates"]
        .as_array()
        .expect("gates")
        .iter()
        .filter(|g| g["status"] == "FAIL")
        .map(|g| g["number"].to_string())
        .collect();
    assert_eq!(failing.len(), 3, "{r1}");
    // Ignoring those gates, the first round is done: no repair is sent.
    let server = Server::start(vec![Answer::Whole(fenced(&read("defects.md")), 9000, 700)]);
    let out = dir.path().join("ignoring");
    let ignore = failing.join(",");
    let (code, _, stderr) = generate(
        &server,
        &out,
        &["--no-stream", "--rounds", "3", "--ignore", &ignore],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(server.requests().len(), 1, "{stderr}");
    let sent: serde_json::Value = serde_json::from_str(&server.requests()[0].1).unwrap();
    let prompt = sent["messages"][1]["content"].as_str().expect("prompt");
    assert!(
        prompt.contains("Not checked in this repository"),
        "{prompt}"
    );
}

/// `generate` run in `cwd` (where `.qbank/` caches go) with extra environment.
fn generate_in(
    server: &Server,
    cwd: &Path,
    out: &Path,
    env: &[(&str, String)],
    extra: &[&str],
) -> (i32, String, String) {
    let mut cmd = qbank();
    cmd.current_dir(cwd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd
        .args([
            "generate",
            "--model",
            "test-model",
            "--base-url",
            &server.url,
            "--as-of",
            "2026-11-25",
            "--timeout",
            "20",
        ])
        .arg("-o")
        .arg(out)
        .args(extra)
        .timeout(Duration::from_secs(120))
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

fn user_message(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).expect("json body");
    v["messages"][1]["content"]
        .as_str()
        .expect("user message")
        .to_owned()
}

#[test]
fn generate_offers_verified_sources_per_cluster_in_the_first_prompt() {
    let reg = crate::find_sources::Registry::start();
    // The repaired document cites one offered work in place of another source.
    let citing = read("repaired.md").replace("10.14778/2757807.2757813", "10.5555/tail.2025");
    let server = Server::start(vec![
        Answer::Whole(fenced(&read("defects.md")), 100, 100),
        Answer::Whole(fenced(&citing), 100, 100),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (code, _, stderr) = generate_in(
        &server,
        dir.path(),
        &out,
        &[("QBANK_CROSSREF_API", reg.crossref())],
        &["--no-stream", "--whole", "--sources", "--allow-private"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains(
            "sources: 12 works from 6 searches (published 2023-11-25 or later), 0 releases"
        ),
        "{stderr}"
    );
    // One search per suggested cluster, each within the rubric's recency window.
    let searches: Vec<_> = reg.hits().into_iter().map(|h| h.path).collect();
    assert_eq!(searches.len(), 6, "{searches:?}");
    assert!(
        searches[0].contains("query=Latency+Optimization+performance"),
        "{}",
        searches[0]
    );
    assert!(
        searches
            .iter()
            .all(|p| p.contains("filter=from-pub-date:2023-11-25"))
    );
    let reqs = server.requests();
    let first = user_message(&reqs[0].1);
    let list = first
        .split("## Verified sources to cite from")
        .nth(1)
        .expect("the first prompt offers the list");
    assert!(list.contains("### Latency Optimization"), "{list}");
    assert!(
        list.contains("Ada Example, Bo Sample (2025-03-14). journal-article (type: journal)"),
        "{list}"
    );
    assert_eq!(
        list.matches("https://doi.org/10.5555/tail.2025").count(),
        1,
        "each work once"
    );
    // Round 1 fails gates 7, 8 and 10, no source gate: the repair does not repeat it.
    assert!(!user_message(&reqs[1].1).contains("Verified sources"));
    let r1: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("round-1.json")).unwrap()).unwrap();
    assert_eq!(r1["sources_offered"], true);
    assert!(dir.path().join(".qbank/sources.json").is_file());
    // Which offered works each round cites.
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["rounds"][0]["sources_cited"], 0);
    assert_eq!(s["rounds"][1]["sources_cited"], 1);
    assert!(
        stderr.contains("round 2 (repair): no gate fails; cites 1 of the offered works;"),
        "{stderr}"
    );
}

#[test]
fn generate_goes_on_without_sources_when_the_registry_cannot_be_reached() {
    let server = Server::start(vec![Answer::Whole(fenced(&read("repaired.md")), 100, 100)]);
    let dir = tempfile::tempdir().expect("tempdir");
    // QBANK_CROSSREF_API points at a closed local port (tests/cli/common.rs).
    let (code, _, stderr) = generate_in(
        &server,
        dir.path(),
        &dir.path().join("out"),
        &[],
        &[
            "--no-stream",
            "--sources",
            "--allow-private",
            "--sources-query",
            "tail latency",
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("note: --sources: nothing could be looked up (\"tail latency\":")
            && stderr.contains("the loop goes on without a list of sources"),
        "{stderr}"
    );
    assert!(!user_message(&server.requests()[0].1).contains("Verified sources"));
}

#[test]
fn the_summary_reports_tokens_and_the_price_only_as_the_provider_does() {
    let server = Server::start(vec![
        Answer::Priced(fenced(&read("defects.md")), 9000, 70000, 0.025),
        Answer::Priced(fenced(&read("repaired.md")), 80000, 70000, 0.0125),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (code, _, stderr) = generate(&server, &out, &["--no-stream", "--whole"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("summary: 2 rounds in "), "{stderr}");
    assert!(
        stderr.contains("best round 2 passes 19 of 20 gates"),
        "{stderr}"
    );
    assert!(
        stderr.contains("tokens in: 89000, out: 140000 (as the provider counted them)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("cost: 0.0375 (the sum of the prices the provider reported)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("round 1 (generate): failing: 7 cross-refs, 8 tradeoffs, 10 quantified-impact; 9000 in, 70000 out;"),
        "{stderr}"
    );
    // Both repair prompts measured: the one sent and the one not sent.
    assert!(
        stderr.contains("round 2 (repair): no gate fails; 80000 in, 70000 out; sent ")
            && stderr.contains(" bytes (the failing-questions prompt: "),
        "{stderr}"
    );
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["cost"], 0.0375);
    assert_eq!(s["rounds"][1]["not_sent"]["kind"], "merge");
    assert!(
        s["rounds"][1]["sent_bytes"].as_u64().unwrap()
            > 5 * s["rounds"][1]["not_sent"]["bytes"].as_u64().unwrap()
    );
    assert_eq!(s["rounds"][1]["failing"], serde_json::json!([]));
    assert_eq!(s["rounds"][0]["tokens_out"], 70000);
    assert!(s["wall_seconds"].as_f64().unwrap() > 0.0);
    // --format json: the same summary on standard output.
    let server = Server::start(vec![Answer::Stream(fenced(&read("repaired.md")))]);
    let (code, stdout, stderr) = generate(
        &server,
        &dir.path().join("streamed"),
        &["--format", "json", "--quiet"],
    );
    assert_eq!(code, 0, "{stderr}");
    let s: serde_json::Value = serde_json::from_str(&stdout).expect("json summary");
    assert_eq!(s["tokens_in"], 1000);
    assert_eq!(
        s["cost"],
        serde_json::Value::Null,
        "a stream reports no price"
    );
    assert_eq!(s["rounds"].as_array().unwrap().len(), 1);
}

#[test]
fn the_summary_says_not_reported_when_the_server_counts_nothing() {
    let server = Server::start(vec![Answer::Whole(fenced(&read("repaired.md")), 0, 0)]);
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) = generate(&server, &dir.path().join("out"), &["--no-stream"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("cost: not reported by the provider"),
        "{stderr}"
    );
}

#[test]
fn repeat_runs_the_loop_again_and_prints_the_spread() {
    let server = Server::start(vec![
        Answer::Whole(fenced(&read("defects.md")), 100, 100),
        Answer::Whole(fenced(&read("repaired.md")), 100, 100),
        Answer::Whole(fenced(&read("repaired.md")), 100, 100),
    ]);
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = dir.path().join("replies");
    let cache = cache.to_str().expect("utf-8");
    let out = dir.path().join("out");
    let args = ["--no-stream", "--whole", "--repeat", "2", "--cache", cache];
    let (code, stdout, stderr) = generate(&server, &out, &args);
    assert_eq!(code, 0, "{stderr}");
    // Run 2 sends the same first prompt again: a repeat is a new sample, not a cache hit.
    assert_eq!(server.requests().len(), 3);
    assert!(
        stderr.contains("run 1 of 2 into") && stderr.contains("run 2 of 2 into"),
        "{stderr}"
    );
    assert!(
        stdout.starts_with("2 runs; 2 ended with no gate failing"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| Run | Rounds | Best round | Gates passed |"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| 1 | 2 | 2 | 19/20 | 200 | 200 |"),
        "{stdout}"
    );
    assert!(
        stdout.contains("| 2 | 1 | 1 | 19/20 | 100 | 100 |"),
        "{stdout}"
    );
    assert!(
        stdout.contains("gates passed (of 20): min 19, median 19, max 19"),
        "{stdout}"
    );
    assert!(
        stdout.contains("rounds: min 1, median 1.5, max 2"),
        "{stdout}"
    );
    for f in [
        "run-1/round-2.md",
        "run-2/round-1.md",
        "run-2/summary.json",
        "spread.json",
    ] {
        assert!(out.join(f).is_file(), "{f}");
    }
    // The whole series again, from the cache: nothing is sent.
    let (code, _, stderr) = generate(&server, &dir.path().join("again"), &args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn generate_help_explains_the_sources_and_measuring_flags() {
    let o = qbank().args(["generate", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&o.stdout);
    for flag in [
        "--sources",
        "--sources-query",
        "--sources-tool",
        "--sources-rows",
        "--allow-private",
        "--repeat",
        "--format",
    ] {
        assert!(help.contains(flag), "{flag} missing from help");
    }
    let o = qbank().args(["sources", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&o.stdout);
    for flag in [
        "--rows",
        "--since",
        "--tool",
        "--format",
        "--offline",
        "--contact",
    ] {
        assert!(help.contains(flag), "{flag} missing from help");
    }
    assert!(help.contains("Exit codes: 0 the list was printed"));
}
