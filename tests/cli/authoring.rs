//! The authoring commands: `init`, `new question`, `stats`, `watch`, `completions` and
//! `man`, on the shipped bank and on a bank made by `init`.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::{check_json, copy_dir, diagnostics, qbank, root};

fn shipped() -> PathBuf {
    root().join("content/performance-engineering")
}

/// `qbank init DIR` in a fresh temporary folder; returns (tempdir, bank folder).
fn init_bank() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let bank = tmp.path().join("my-bank");
    let o = qbank().arg("init").arg(&bank).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    (tmp, bank)
}

fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn init_makes_a_bank_that_loads_and_whose_todos_the_gates_report() {
    let (_tmp, bank) = init_bank();
    let files = yaml_files(&bank);
    assert!(files.len() >= 11, "{files:?}");
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let first = text.lines().next().unwrap();
        let rel = first
            .strip_prefix("# yaml-language-server: $schema=")
            .unwrap_or_else(|| panic!("{} lacks the schema line", f.display()));
        let schema = f.parent().unwrap().join(rel);
        assert!(
            schema.is_file(),
            "{} points at {}",
            f.display(),
            schema.display()
        );
        assert!(text.contains("TODO"), "{} has no TODO", f.display());
    }
    let (code, json, stderr) = check_json(&bank, &[]);
    assert_eq!(code, 1, "loads (not 2) and fails gates: {stderr}");
    let b = &json["banks"][0];
    assert_eq!(b["loaded"], true);
    // Gate findings point into the TODO-holding files.
    let mut all = diagnostics(&json);
    for g in b["gates"].as_array().unwrap() {
        all.extend(g["diagnostics"].as_array().unwrap().iter().cloned());
    }
    let todo_hits = all
        .iter()
        .filter(|d| {
            let file = d["location"]["file"].as_str().unwrap_or_default();
            let line = d["location"]["line"].as_u64().unwrap_or(0) as usize;
            std::fs::read_to_string(file)
                .ok()
                .and_then(|t| t.lines().nth(line.saturating_sub(1)).map(str::to_owned))
                .is_some_and(|l| l.contains("TODO"))
        })
        .count();
    assert!(
        todo_hits >= 6,
        "only {todo_hits} diagnostics point at a TODO line"
    );
    // The scaffold's TODOs satisfy no content gate: not its example figures (gate 10),
    // not `**SLO**: TODO` (gate 4), not a citation of a TODO entry (gates 6-7).
    for n in [4, 5, 6, 7, 8, 9, 10] {
        let g = &b["gates"][n - 1];
        assert_eq!(g["status"], "FAIL", "gate {n} on the scaffold: {g:#}");
    }
    // Each placeholder is one `placeholder` finding at its own line and column, and a
    // TODO is never reported as an undefined acronym.
    let placeholders: Vec<_> = all.iter().filter(|d| d["code"] == "placeholder").collect();
    assert!(placeholders.len() >= 12, "{placeholders:#?}");
    for d in &placeholders {
        assert!(d["location"]["line"].as_u64().unwrap_or(0) > 0, "{d:#}");
        assert!(d["location"]["col"].as_u64().unwrap_or(0) > 0, "{d:#}");
        assert!(d["help"].is_string(), "{d:#}");
    }
    let mut at: Vec<String> = placeholders
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{}",
                d["location"]["file"], d["location"]["line"], d["location"]["col"]
            )
        })
        .collect();
    let n = at.len();
    at.sort();
    at.dedup();
    assert_eq!(at.len(), n, "a placeholder reported twice");
    assert!(
        !all.iter().any(|d| d["message"]
            .as_str()
            .unwrap_or_default()
            .contains("acronym `TODO`")),
        "TODO reported as an acronym"
    );

    // Never over an existing bank.
    let o = qbank().arg("init").arg(&bank).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("already holds a bank"));
}

#[test]
fn new_question_has_every_field_and_the_bank_still_loads() {
    let (_tmp, bank) = init_bank();
    let o = qbank()
        .args([
            "new",
            "question",
            "--cluster",
            "latency",
            "--difficulty",
            "advanced",
            "--bank",
        ])
        .arg(&bank)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let path = bank.join("questions/01-latency/02-latency-todo-2.yaml");
    let text = std::fs::read_to_string(&path).expect("placed in the cluster's folder");
    assert!(text.starts_with("# yaml-language-server: $schema=../../schemas/question.schema.json"));
    assert!(text.contains("\ndifficulty: advanced\n"));
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("schemas/question.schema.json")).unwrap(),
    )
    .unwrap();
    for field in schema["properties"].as_object().unwrap().keys() {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{field}:"))),
            "the new question lacks `{field}`"
        );
    }
    // From inside the bank, without --bank; the default id and number move on.
    let o = qbank()
        .current_dir(bank.join("questions"))
        .args(["new", "question", "--cluster", "latency"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(
        bank.join("questions/01-latency/03-latency-todo-3.yaml")
            .is_file()
    );
    let (code, json, _) = check_json(&bank, &[]);
    assert_eq!(code, 1);
    assert_eq!(json["banks"][0]["loaded"], true);

    let o = qbank()
        .args(["new", "question", "--cluster", "latncy", "--bank"])
        .arg(&bank)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean `latency`"));
    let o = qbank()
        .args([
            "new",
            "question",
            "--cluster",
            "latency",
            "--id",
            "latency-todo-1",
            "--bank",
        ])
        .arg(&bank)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "an id already used is refused");
}

#[test]
fn new_question_in_a_copy_of_the_shipped_bank() {
    let tmp = tempfile::tempdir().unwrap();
    let bank = tmp.path().join("content/performance-engineering");
    copy_dir(&shipped(), &bank);
    copy_dir(&root().join("schemas"), &tmp.path().join("schemas"));
    let o = qbank()
        .args(["new", "question", "--cluster", "load-testing", "--bank"])
        .arg(&bank)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let dir = bank.join("questions/05-load-testing");
    let new = dir.join("05-load-testing-todo-1.yaml");
    let text = std::fs::read_to_string(&new).expect("numbered after the cluster's 4 files");
    // The same schema line as its neighbours.
    let neighbour = std::fs::read_to_string(dir.join("01-k6-ci-burst-gate.yaml")).unwrap();
    assert_eq!(text.lines().next(), neighbour.lines().next());
    // The shipped bank is 5/12/11 against 20/40/40: the new question is foundational, the
    // level furthest below its share, never the over-represented intermediate level.
    assert!(text.contains("\ndifficulty: foundational\n"), "{text}");
    let (code, json, _) = check_json(&bank, &[]);
    assert_eq!(json["banks"][0]["loaded"], true);
    assert_eq!(code, 1, "the TODO question fails gates");
}

#[test]
fn packets_work_on_an_init_bank() {
    let (tmp, bank) = init_bank();
    let out = tmp.path().join("packet");
    let o = qbank()
        .arg("packet")
        .arg(&bank)
        .args(["--role", "sre", "--minutes", "30", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("packet.json")).unwrap()).unwrap();
    assert_eq!(m["questions"].as_array().unwrap().len(), 2);
    assert!(
        std::fs::read_to_string(out.join("candidate.md"))
            .unwrap()
            .contains("TODO")
    );
    let o = qbank()
        .arg("export")
        .arg(&bank)
        .args(["--format", "moodle"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let xml = String::from_utf8(o.stdout).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let essays = doc
        .descendants()
        .filter(|n| n.has_tag_name("question") && n.attribute("type") == Some("essay"))
        .count();
    assert_eq!(essays, 6);
}

#[test]
fn stats_on_the_shipped_bank() {
    let o = qbank().arg("stats").arg(shipped()).output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8(o.stdout).unwrap();
    for wanted in [
        "(28 questions)",
        "Dimension \\ Phase",
        "16 of 16 cells covered",
        "difficulty   foundational 5 (18%, target 20%)",
        "references   glossary 27",
        // Counted as gate 6 counts citations: `[G: term]` marks define, not cite.
        "most cited   G10 in 27 · T1 in 22",
        "answer words 234-300",
    ] {
        assert!(text.contains(wanted), "stats lacks {wanted:?}:\n{text}");
    }
    let o = qbank()
        .arg("stats")
        .arg(shipped())
        .arg("--json")
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let b = &json["banks"][0];
    assert_eq!(b["questions"], 28);
    assert_eq!(b["matrix"]["empty_cells"], 0);
    assert_eq!(b["matrix"]["rows"].as_array().unwrap().len(), 4);
    let cells: u64 = b["matrix"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["counts"].as_array().unwrap().iter())
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert!(cells >= 28);
    let levels: u64 = b["difficulty"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["count"].as_u64().unwrap())
        .sum();
    assert_eq!(levels, 28);
    assert_eq!(b["references"]["glossary"]["unused"], serde_json::json!([]));
    // Counted as gate 6 counts citations (`[G: term]` marks define, not cite).
    assert_eq!(b["references"]["most_cited"][0]["id"], "G10");
    assert_eq!(b["references"]["most_cited"][1]["id"], "T1");
    assert!(
        b["answer_words"]["min"].as_u64().unwrap() <= b["answer_words"]["max"].as_u64().unwrap()
    );
}

#[test]
fn stats_on_an_init_bank_and_on_bad_input() {
    let (_tmp, bank) = init_bank();
    let o = qbank()
        .arg("stats")
        .arg(&bank)
        .arg("--json")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let b = &json["banks"][0];
    assert_eq!(b["questions"], 6);
    // The scaffold cites T1 only inside TODO text, which cites nothing (as for gate 6).
    assert_eq!(
        b["references"]["tools"]["unused"],
        serde_json::json!(["T1"])
    );
    let o = qbank()
        .arg("stats")
        .arg(bank.join("nope"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn completions_and_man_pages_come_from_the_clap_definitions() {
    for (shell, marker) in [
        ("bash", "_qbank()"),
        ("zsh", "#compdef qbank"),
        ("fish", "complete -c qbank"),
    ] {
        let o = qbank().args(["completions", shell]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(text.contains(marker), "{shell}");
        for sub in ["packet", "stats", "watch", "check"] {
            assert!(text.contains(sub), "{shell} completion lacks {sub}");
        }
        assert!(
            text.contains("difficulty-mix"),
            "{shell} completion lacks packet flags"
        );
    }
    let o = qbank().arg("man").output().unwrap();
    let page = String::from_utf8(o.stdout).unwrap();
    assert!(page.contains(".TH qbank 1"));
    assert!(page.contains("packet"));
    let tmp = tempfile::tempdir().unwrap();
    let o = qbank()
        .args(["man", "--out"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let packet = std::fs::read_to_string(tmp.path().join("qbank-packet.1")).unwrap();
    assert!(packet.contains("\\-\\-minutes"), "{packet}");
    assert!(tmp.path().join("qbank.1").is_file());
}

/// A running `qbank watch` whose standard output is read on a thread.
struct Watch {
    child: Child,
    rx: mpsc::Receiver<String>,
    seen: String,
}

impl Watch {
    fn start(path: &Path) -> Watch {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("qbank"))
            .env("NO_COLOR", "1")
            .args(["watch", "--debounce-ms", "100"])
            .arg(path)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0
                    || tx
                        .send(String::from_utf8_lossy(&buf[..n]).into_owned())
                        .is_err()
                {
                    break;
                }
            }
        });
        Watch {
            child,
            rx,
            seen: String::new(),
        }
    }

    /// Waits (at most 20 s) until the output holds `n` occurrences of `needle`.
    fn wait_for(&mut self, needle: &str, n: usize) -> &str {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.seen.matches(needle).count() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.rx.recv_timeout(left) {
                Ok(s) => self.seen.push_str(&s),
                Err(_) => panic!(
                    "no {n}x {needle:?} within 20 s; output so far:\n{}",
                    self.seen
                ),
            }
        }
        &self.seen
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_rechecks_on_save_and_survives_a_broken_file() {
    let (_tmp, bank) = init_bank();
    let q = bank.join("questions/01-latency/01-latency-todo-1.yaml");
    let good = std::fs::read_to_string(&q).unwrap();
    let mut w = Watch::start(&bank);
    w.wait_for("waiting for changes", 1);
    assert!(w.seen.contains("qbank watch: run 1"));
    assert!(
        w.seen.contains("Performance Chain"),
        "the table is printed:\n{}",
        w.seen
    );

    // Mid-save: half a file, then invalid YAML; the watch reports it and carries on.
    std::fs::write(&q, &good[..good.len() / 3]).unwrap();
    std::fs::write(&q, format!("{good}\nbroken: [\n")).unwrap();
    let out = w.wait_for("waiting for changes", 2).to_owned();
    assert!(out.contains("run 2, after a change to"), "{out}");
    let last = out.rsplit("qbank watch: run").next().unwrap();
    assert!(last.contains("could not load every file"), "{last}");

    // Fixed again: the table comes back.
    std::fs::write(&q, &good).unwrap();
    let out = w.wait_for("waiting for changes", 3).to_owned();
    let last = out.rsplit("qbank watch: run").next().unwrap();
    assert!(last.contains("a gate failed"), "{last}");
    assert!(last.contains("Performance Chain"), "{last}");
    assert!(
        w.child.try_wait().unwrap().is_none(),
        "the watch is still running"
    );
}

#[test]
fn watch_on_a_missing_path_exits_2() {
    let o = qbank()
        .args(["watch", "/nonexistent/qbank/path"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
}
