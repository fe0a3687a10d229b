//! `qbank lsp` as an editor meets it: a typing session replayed through the server, with
//! the time from each change to the diagnostics it produces.
//!
//! `cargo bench --bench lsp [-- COPIES]` (default 3). The workspace holds COPIES copies of
//! the shipped bank (content/performance-engineering); every one of their files is open
//! (3 copies: 99 files), and a sentence with a reference is typed into one answer, one
//! character per change, each change waiting for its diagnostics. Reported: the latency
//! percentiles, the same figures against one plain check of the bank from disk, and the
//! process's resident memory with every file open.

mod common;

use common::median;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

fn copy_bank(from: &Path, to: &Path, slug: &str) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else if rel == Path::new("bank.yaml") {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            std::fs::write(
                &target,
                text.replace("slug: performance-engineering", &format!("slug: {slug}")),
            )
            .unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

fn uri(p: &Path) -> String {
    url::Url::from_file_path(p).unwrap().to_string()
}

fn notify(c: &Connection, method: &str, params: Value) {
    c.sender
        .send(Message::Notification(Notification::new(
            method.to_owned(),
            params,
        )))
        .unwrap();
}

/// Waits for the diagnostics of `file` at `version`.
fn wait_diagnostics(c: &Connection, file: &str, version: i64) -> usize {
    loop {
        match c.receiver.recv_timeout(Duration::from_secs(120)).unwrap() {
            Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics"
                    && n.params["uri"] == file
                    && n.params["version"] == version =>
            {
                return n.params["diagnostics"].as_array().map_or(0, Vec::len);
            }
            _ => {}
        }
    }
}

fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let copies: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/performance-engineering");
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let banks: Vec<PathBuf> = (0..copies.max(1))
        .map(|i| {
            let b = root.join(format!("bank-{i}"));
            copy_bank(&shipped, &b, &format!("bank-{i}"));
            b
        })
        .collect();

    // One plain check of the bank from disk, as `qbank check` makes it.
    let settings = qbank::settings::Settings::resolve(&Default::default(), &[banks[0].clone()])
        .expect("settings");
    let opts = settings.options(vec![banks[0].clone()]);
    let check_time = median(5, || {
        let mut sink = |_: &str| {};
        let mut format = qbank::report::Format::Json.formatter(qbank::report::Style {
            quiet: true,
            width: None,
            strict: false,
        });
        qbank::run(&opts, format.as_mut(), &mut sink);
    });

    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || qbank::lsp::serve(&server, &Default::default()));
    client
        .sender
        .send(Message::Request(Request::new(
            RequestId::from(1),
            "initialize".to_owned(),
            json!({ "processId": null, "rootUri": uri(&root), "capabilities": {} }),
        )))
        .unwrap();
    loop {
        if let Message::Response(_) = client.receiver.recv().unwrap() {
            break;
        }
    }
    notify(&client, "initialized", json!({}));

    // Every file of every copy open.
    let mut files: Vec<PathBuf> = banks
        .iter()
        .flat_map(|b| walkdir::WalkDir::new(b).sort_by_file_name().into_iter())
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    let target = banks[0].join("questions");
    let target = walkdir::WalkDir::new(&target)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.path().extension().is_some_and(|x| x == "yaml"))
        .unwrap()
        .into_path();
    let opened = Instant::now();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        notify(
            &client,
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(f), "languageId": "yaml", "version": 1, "text": text } }),
        );
    }
    let mut waiting: std::collections::HashSet<String> = files.iter().map(|f| uri(f)).collect();
    while !waiting.is_empty() {
        if let Message::Notification(n) = client
            .receiver
            .recv_timeout(Duration::from_secs(600))
            .unwrap()
            && n.method == "textDocument/publishDiagnostics"
        {
            waiting.remove(n.params["uri"].as_str().unwrap_or_default());
        }
    }
    let open_time = opened.elapsed();
    let rss = resident_kib();

    // Type a sentence at the end of the answer's first line.
    let text = std::fs::read_to_string(&target).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let answer = lines
        .iter()
        .position(|l| l.starts_with("answer:"))
        .expect("an answer");
    let line = answer + 1;
    let mut col = lines[line].encode_utf16().count();
    let typed = " After pooling, p99 fell from 350 ms to 120 ms at 4K rps [Ref: G1].";
    let file = uri(&target);
    let mut times = Vec::new();
    let mut findings = 0;
    for (i, ch) in typed.chars().enumerate() {
        let version = 2 + i as i64;
        let start = Instant::now();
        notify(
            &client,
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": file, "version": version },
                "contentChanges": [{
                    "range": {
                        "start": { "line": line, "character": col },
                        "end": { "line": line, "character": col },
                    },
                    "text": ch.to_string(),
                }],
            }),
        );
        findings = wait_diagnostics(&client, &file, version);
        times.push(start.elapsed());
        col += ch.len_utf16();
    }
    client
        .sender
        .send(Message::Request(Request::new(
            RequestId::from(2),
            "shutdown".to_owned(),
            Value::Null,
        )))
        .unwrap();
    notify(&client, "exit", Value::Null);
    let code = thread.join().unwrap();
    assert_eq!(code, 0, "the server ends cleanly");

    times.sort();
    let (p50, p95, max) = (
        percentile(&times, 50.0),
        percentile(&times, 95.0),
        percentile(&times, 100.0),
    );
    println!(
        "workspace: {} copies of the shipped bank, {} files open (opened and checked in {:.0} ms)",
        banks.len(),
        files.len(),
        ms(open_time)
    );
    println!(
        "typing: {} changes into {}, one character each, {findings} findings at the end",
        times.len(),
        target.strip_prefix(&root).unwrap().display()
    );
    println!(
        "change -> diagnostics: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms(p50),
        ms(p95),
        ms(max)
    );
    println!(
        "one `check` of the bank from disk (median of 5): {:.1} ms; p95 / check = {:.2}x",
        ms(check_time),
        ms(p95) / ms(check_time)
    );
    if let Some(kib) = rss {
        println!(
            "resident memory with every file open: {:.1} MiB",
            kib as f64 / 1024.0
        );
    }
}
