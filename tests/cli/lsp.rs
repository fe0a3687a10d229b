//! `qbank lsp`: the real binary driven over stdio with JSON-RPC, as an editor drives it.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

/// A client speaking JSON-RPC to a `qbank lsp` child process.
struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
    next: i64,
    /// Notifications read while waiting for something else.
    queued: Vec<Value>,
}

const WAIT: Duration = Duration::from_secs(60);

impl Client {
    fn start(dir: &Path, init_options: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_qbank"))
            .arg("lsp")
            .current_dir(dir)
            // The codes page the server writes goes to the test's folder, not the user's.
            .env("XDG_CACHE_HOME", dir.join(".cache"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("qbank lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length:") {
                        len = v.trim().parse().expect("a length");
                    }
                }
                let mut body = vec![0; len];
                if r.read_exact(&mut body).is_err() {
                    return;
                }
                let v: Value = serde_json::from_slice(&body).expect("JSON from the server");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        let mut c = Client {
            child,
            stdin,
            rx,
            next: 0,
            queued: Vec::new(),
        };
        let root = uri(dir);
        let r = c.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root,
                "workspaceFolders": [{ "uri": root, "name": "w" }],
                "capabilities": {},
                "initializationOptions": init_options,
            }),
        );
        assert_eq!(r["result"]["serverInfo"]["name"], "qbank", "{r}");
        assert_eq!(r["result"]["capabilities"]["hoverProvider"], true, "{r}");
        c.notify("initialized", json!({}));
        c
    }

    fn send(&mut self, v: &Value) {
        let body = v.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn recv(&mut self) -> Value {
        self.rx
            .recv_timeout(WAIT)
            .expect("the server answers in time")
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let m = self.recv();
            if m["id"] == id {
                return m;
            }
            self.queued.push(m);
        }
    }

    /// The next diagnostics published for `file` at `version`.
    fn diagnostics(&mut self, file: &Path, version: i64) -> Vec<Value> {
        let want = uri(file);
        let hit = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == want
                && m["params"]["version"] == version
        };
        if let Some(i) = self.queued.iter().position(hit) {
            let m = self.queued.remove(i);
            return m["params"]["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
        }
        loop {
            let m = self.recv();
            if hit(&m) {
                return m["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            self.queued.push(m);
        }
    }

    fn open(&mut self, file: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri(file), "languageId": "yaml", "version": 1, "text": text } }),
        );
    }

    fn at(&mut self, method: &str, file: &Path, line: u32, character: u32, extra: Value) -> Value {
        let mut params = json!({
            "textDocument": { "uri": uri(file) },
            "position": { "line": line, "character": character },
        });
        if let (Some(p), Some(e)) = (params.as_object_mut(), extra.as_object()) {
            p.extend(e.clone());
        }
        self.request(method, params)["result"].clone()
    }

    /// `shutdown` then `exit`: the server exits with 0.
    fn finish(mut self) {
        let r = self.request("shutdown", Value::Null);
        assert!(r["error"].is_null(), "{r}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().expect("the server exits");
        assert!(status.success(), "{status:?}");
    }
}

fn uri(path: &Path) -> String {
    url::Url::from_file_path(path)
        .expect("absolute")
        .to_string()
}

const BANK: &str = "title: Editor bank\nslug: editor\nas_of: 2026-11-01\nscope:\n  domain: [Web services]\nclusters:\n  - id: latency\n    title: Latency Optimization\n";

const GLOSSARY: &str = "- id: G1\n  term: p99\n  definition: The latency below which 99% of requests complete.\n- id: G2\n  term: Throughput\n  aliases: [rps]\n  definition: Requests served per second.\n";

const QUESTION: &str = "id: q-one\ncluster: latency\ntitle: API p99 rose from 80 ms to 350 ms at 4K rps; find the bottleneck.\ndifficulty: advanced\ndimensions: [latency]\nphases: [analyze]\nanswer: |\n  **SLO**: p99 under 100 ms at 4K rps [Ref: G1].\n  Throughput held [Ref: X9] per [G: rps].\n";

/// A small bank in a temporary folder, with a qbank.toml that ignores gate 2.
fn bank() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    for (p, t) in [
        ("qbank.toml", "ignore = [\"mece-coverage\"]\n"),
        ("b/bank.yaml", BANK),
        ("b/references/glossary.yaml", GLOSSARY),
        ("b/questions/q1.yaml", QUESTION),
        (
            "b/questions/q2.yaml",
            "id: q-two\ncluster: latency\ntitle: Why does p99 matter?\ndifficulty: foundational\ndimensions: [latency]\nphases: [measure]\nanswer: |\n  Tail latency [Ref: G1].\n",
        ),
    ] {
        let f = root.join(p);
        std::fs::create_dir_all(f.parent().expect("parent")).expect("mkdir");
        std::fs::write(f, t).expect("write");
    }
    dir
}

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn find<'a>(diags: &'a [Value], code: &str, message: &str) -> Option<&'a Value> {
    diags.iter().find(|d| {
        d["code"].as_str().is_some_and(|c| c.starts_with(code))
            && d["message"].as_str().is_some_and(|m| m.contains(message))
    })
}

#[test]
fn lsp_diagnostics_follow_the_unsaved_buffer_under_the_check_settings() {
    let dir = bank();
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    let q1 = root.join("b/questions/q1.yaml");
    let mut c = Client::start(&root, json!({ "docsUrl": "https://docs.invalid/qbank" }));

    c.open(&q1, QUESTION);
    let diags = c.diagnostics(&q1, 1);
    let x9 = find(&diags, "cross-refs", "X9").unwrap_or_else(|| panic!("{diags:#?}"));
    // The range marks the bracket on line 9 (0-based 8).
    assert_eq!(x9["range"]["start"]["line"], 8, "{x9}");
    assert_eq!(x9["source"], "qbank");
    assert_eq!(x9["severity"], 1);
    let href = x9["codeDescription"]["href"].as_str().unwrap_or_default();
    assert!(
        href.starts_with("https://docs.invalid/qbank/gates.md#7-"),
        "{x9}"
    );

    // The buffer, not the file on disk: X9 fixed without saving.
    let fixed = QUESTION.replace("[Ref: X9]", "[Ref: G2]");
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri(&q1), "version": 2 },
            "contentChanges": [{ "text": fixed }],
        }),
    );
    let diags = c.diagnostics(&q1, 2);
    assert!(find(&diags, "cross-refs", "X9").is_none(), "{diags:#?}");

    // An incremental change: a YAML error at its place, then its fix.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri(&q1), "version": 3 },
            "contentChanges": [{
                "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 0 } },
                "text": "cluster: again\n",
            }],
        }),
    );
    let diags = c.diagnostics(&q1, 3);
    let dup = find(&diags, "duplicate-key", "").unwrap_or_else(|| panic!("{diags:#?}"));
    assert_eq!(dup["severity"], 1);
    assert!(
        dup["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.ends_with("/codes.md#duplicate-key")),
        "{dup}"
    );

    // Undone: the bank loads again.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri(&q1), "version": 4 },
            "contentChanges": [{ "text": fixed }],
        }),
    );
    let diags = c.diagnostics(&q1, 4);
    assert!(find(&diags, "duplicate-key", "").is_none(), "{diags:#?}");

    // Bank-wide findings point into bank.yaml; qbank.toml's `ignore` holds, as in `check`.
    let meta = root.join("b/bank.yaml");
    c.open(&meta, BANK);
    let diags = c.diagnostics(&meta, 1);
    assert!(
        find(&diags, "quantity", "").is_some(),
        "{:?}",
        codes(&diags)
    );
    assert!(
        find(&diags, "mece-coverage", "").is_none(),
        "{:?}",
        codes(&diags)
    );

    // A duplicate id in a second buffer, with the first occurrence as related information.
    let q2 = root.join("b/questions/q2.yaml");
    let dup_text = std::fs::read_to_string(&q2)
        .expect("q2")
        .replace("id: q-two", "id: q-one");
    c.open(&q2, &dup_text);
    let diags = c.diagnostics(&q2, 1);
    let dup = find(&diags, "duplicate-id", "").unwrap_or_else(|| panic!("{diags:#?}"));
    let related = dup["relatedInformation"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        related
            .iter()
            .any(|r| r["location"]["uri"] == uri(&q1) || r["location"]["uri"] == uri(&q2)),
        "{dup}"
    );

    // Closing a file clears its findings.
    c.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri(&q2) } }),
    );
    let hit = |m: &Value| {
        m["method"] == "textDocument/publishDiagnostics"
            && m["params"]["uri"] == uri(&q2)
            && m["params"]["diagnostics"]
                .as_array()
                .is_some_and(Vec::is_empty)
    };
    let mut cleared = c.queued.iter().any(hit);
    while !cleared {
        let m = c.recv();
        cleared = hit(&m);
    }
    c.finish();
}

#[test]
fn lsp_navigates_completes_and_fixes() {
    let dir = bank();
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    let q1 = root.join("b/questions/q1.yaml");
    let glossary = root.join("b/references/glossary.yaml");
    let mut c = Client::start(&root, json!({}));
    c.open(&q1, QUESTION);
    let diags = c.diagnostics(&q1, 1);

    // Line 8 (0-based 7): `  **SLO**: p99 under 100 ms at 4K rps [Ref: G1].`
    let line7 = QUESTION.lines().nth(7).expect("line");
    let g1 = u32::try_from(line7.find("G1").expect("G1")).expect("col");
    let hover = c.at("textDocument/hover", &q1, 7, g1, json!({}));
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        shown.contains("**p99**") && shown.contains("99% of requests"),
        "{hover}"
    );

    let def = c.at("textDocument/definition", &q1, 7, g1, json!({}));
    assert_eq!(def["uri"], uri(&glossary), "{def}");
    assert_eq!(def["range"]["start"]["line"], 0, "{def}");

    // `[G: rps]` resolves through the alias to G2.
    let line8 = QUESTION.lines().nth(8).expect("line");
    let rps = u32::try_from(line8.find("rps").expect("rps")).expect("col");
    let def = c.at("textDocument/definition", &q1, 8, rps, json!({}));
    assert_eq!(def["range"]["start"]["line"], 3, "G2 is on line 4: {def}");

    // Which questions cite G1: both files.
    let refs = c.at(
        "textDocument/references",
        &q1,
        7,
        g1,
        json!({ "context": { "includeDeclaration": false } }),
    );
    let uris: Vec<&str> = refs
        .as_array()
        .map(|a| a.iter().filter_map(|l| l["uri"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(uris.len(), 2, "{refs}");
    assert!(
        uris.contains(&uri(&root.join("b/questions/q2.yaml")).as_str()),
        "{refs}"
    );

    // Completion inside `[Ref: ` offers the ids; after `difficulty: ` the levels.
    let col = u32::try_from(line7.find("G1").expect("G1")).expect("col");
    let items = c.at("textDocument/completion", &q1, 7, col, json!({}));
    let labels: Vec<&str> = items
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert!(labels.contains(&"G1") && labels.contains(&"G2"), "{items}");
    let items = c.at("textDocument/completion", &q1, 3, 12, json!({}));
    let labels: Vec<&str> = items
        .as_array()
        .map(|a| a.iter().filter_map(|i| i["label"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        labels,
        ["foundational", "intermediate", "advanced"],
        "{items}"
    );

    // Document symbols: the question, by its title.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(&q1) } }),
    )["result"]
        .clone();
    assert_eq!(symbols[0]["detail"], "q-one", "{symbols}");
    let ws = c.request("workspace/symbol", json!({ "query": "throughput" }))["result"].clone();
    assert!(
        ws.as_array()
            .is_some_and(|a| a.iter().any(|s| s["name"] == "G2 Throughput")),
        "{ws}"
    );

    // Suppressing the unresolved reference: a comment above `answer: |`, not inside it.
    let x9 = find(&diags, "cross-refs", "X9")
        .cloned()
        .expect("X9 finding");
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(&q1) },
            "range": x9["range"],
            "context": { "diagnostics": [x9] },
        }),
    )["result"]
        .clone();
    let suppress = actions
        .as_array()
        .and_then(|a| {
            a.iter().find(|x| {
                x["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Suppress"))
            })
        })
        .cloned()
        .unwrap_or_else(|| panic!("{actions}"));
    let edit = &suppress["edit"]["changes"][uri(&q1)][0];
    assert_eq!(
        edit["newText"], "# qbank-ignore: cross-refs -- \n",
        "{suppress}"
    );
    assert_eq!(edit["range"]["start"]["line"], 6, "{suppress}");

    // A stated change its two values do not give: the recomputed value replaces it.
    let impact = format!("{QUESTION}  **Impact**: p99 fell from 350 ms to 120 ms (89% lower).\n");
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri(&q1), "version": 2 },
            "contentChanges": [{ "text": impact }],
        }),
    );
    let diags = c.diagnostics(&q1, 2);
    let mismatch = find(&diags, "change-mismatch", "89%")
        .cloned()
        .unwrap_or_else(|| panic!("{diags:#?}"));
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(&q1) },
            "range": mismatch["range"],
            "context": { "diagnostics": [mismatch] },
        }),
    )["result"]
        .clone();
    let write = actions
        .as_array()
        .and_then(|a| {
            a.iter().find(|x| {
                x["title"]
                    .as_str()
                    .is_some_and(|t| t.starts_with("Write the recomputed"))
            })
        })
        .cloned()
        .unwrap_or_else(|| panic!("{actions}"));
    let edit = &write["edit"]["changes"][uri(&q1)][0];
    assert_eq!(edit["newText"], "65.71%", "{write}");
    assert_eq!(edit["range"]["start"]["line"], 9, "{write}");

    // A value holding `: ` that YAML cannot read: the quoting fix `qbank fix` makes.
    let broken = "id: q-one\ncluster: latency\ntitle: Find it [Ref: G1]: the bottleneck\ndifficulty: advanced\n";
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri(&q1), "version": 3 },
            "contentChanges": [{ "text": broken }],
        }),
    );
    // Without `docsUrl`, a code links to the codes page the server wrote for this version.
    let diags = c.diagnostics(&q1, 3);
    let linked = diags
        .iter()
        .find_map(|d| d["codeDescription"]["href"].as_str())
        .unwrap_or_else(|| panic!("{diags:#?}"));
    let page = url::Url::parse(linked)
        .expect("a URL")
        .to_file_path()
        .expect("a file");
    assert!(page.starts_with(root.join(".cache/qbank")), "{linked}");
    let written = std::fs::read_to_string(&page).expect("the page exists");
    let anchor = linked.rsplit_once('#').map(|(_, a)| a).unwrap_or_default();
    assert!(written.contains(&format!("## `{anchor}`")), "{linked}");
    let actions = c.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri(&q1) },
            "range": { "start": { "line": 2, "character": 0 }, "end": { "line": 2, "character": 0 } },
            "context": { "diagnostics": [] },
        }),
    )["result"]
        .clone();
    let quote = actions
        .as_array()
        .and_then(|a| {
            a.iter()
                .find(|x| x["title"].as_str().is_some_and(|t| t.starts_with("Quote")))
        })
        .cloned()
        .unwrap_or_else(|| panic!("{actions}"));
    let new = quote["edit"]["changes"][uri(&q1)][0]["newText"]
        .as_str()
        .unwrap_or_default();
    assert!(
        new.starts_with("title: \"") || new.starts_with("title: '"),
        "{quote}"
    );
    c.finish();
}

#[test]
fn lsp_exit_without_shutdown_is_an_error() {
    let dir = bank();
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    let mut c = Client::start(&root, json!({}));
    c.notify("exit", Value::Null);
    let status = c.child.wait().expect("exits");
    assert_eq!(status.code(), Some(1));
}

#[test]
fn lsp_checks_a_markdown_document_from_its_buffer() {
    let dir = bank();
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    // The bank rendered is a document in the spec's format; it lies outside the bank.
    let out = super::common::qbank()
        .arg("render")
        .arg(root.join("b"))
        .output()
        .expect("render runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let doc = root.join("doc.md");
    std::fs::write(&doc, &text).expect("write");
    let mut c = Client::start(&root, json!({}));
    c.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri(&doc), "languageId": "markdown", "version": 1, "text": text } }),
    );
    let diags = c.diagnostics(&doc, 1);
    let x9 = find(&diags, "cross-refs", "X9").unwrap_or_else(|| panic!("{diags:#?}"));
    let line = text
        .lines()
        .position(|l| l.contains("[Ref: X9]"))
        .expect("the line");
    assert_eq!(x9["range"]["start"]["line"], line, "{x9}");

    // The unsaved buffer: the reference fixed, the finding gone.
    c.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri(&doc), "version": 2 },
            "contentChanges": [{ "text": text.replace("[Ref: X9]", "[Ref: G2]") }],
        }),
    );
    let diags = c.diagnostics(&doc, 2);
    assert!(find(&diags, "cross-refs", "X9").is_none(), "{diags:#?}");

    // Clusters hold their questions; [Ref: G1] leads to the document's own glossary.
    let symbols = c.request(
        "textDocument/documentSymbol",
        json!({ "textDocument": { "uri": uri(&doc) } }),
    )["result"]
        .clone();
    assert_eq!(symbols[0]["detail"], "latency", "{symbols}");
    assert_eq!(
        symbols[0]["children"].as_array().map(Vec::len),
        Some(2),
        "{symbols}"
    );
    let (l, at) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| l.find("[Ref: G1]").map(|c| (i, c + 6)))
        .expect("a citation of G1");
    let def = c.at(
        "textDocument/definition",
        &doc,
        u32::try_from(l).expect("line"),
        u32::try_from(at).expect("col"),
        json!({}),
    );
    assert_eq!(def["uri"], uri(&doc), "{def}");
    let target = def["range"]["start"]["line"].as_u64().expect("a line") as usize;
    assert!(
        text.lines().nth(target).is_some_and(|t| t.contains("G1")),
        "{def}"
    );
    c.finish();
}

#[test]
fn lsp_refuses_what_is_not_the_protocol() {
    let out = super::common::qbank()
        .arg("lsp")
        .write_stdin("Content-Length: 5\r\n\r\nhello")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: qbank lsp: malformed LSP payload") && err.contains("help:"),
        "{err}"
    );
    let out = super::common::qbank()
        .arg("lsp")
        .write_stdin("")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no `initialize` request"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn lsp_refuses_a_workspace_whose_settings_do_not_load() {
    let dir = bank();
    let root = std::fs::canonicalize(dir.path()).expect("canonical");
    std::fs::write(root.join("qbank.toml"), "ignore = [\"no-such-gate\"]\n").expect("write");
    let mut child = Command::new(env!("CARGO_BIN_EXE_qbank"))
        .arg("lsp")
        .current_dir(&root)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": { "processId": null, "rootUri": uri(&root), "capabilities": {} },
    })
    .to_string();
    let mut stdin = child.stdin.take().expect("stdin");
    write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write");
    drop(stdin);
    let out = child.wait_with_output().expect("exits");
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("\"error\"") && stdout.contains("no-such-gate"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("qbank.toml") && stderr.contains("no-such-gate"),
        "{stderr}"
    );
}
